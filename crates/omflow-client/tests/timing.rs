//! Time-dependent behaviour on tokio's clock (paused: no real sleeping): idle renewal of
//! the security code, backoff between read retries, the operation timeout; and timeouts that
//! a custom transport could not honour are refused.

use async_trait::async_trait;
use omflow_client::{BuildError, CallError, Client, RetryPolicy, RENEW_AFTER_IDLE};
use omflow_transport::{HttpRequest, HttpResponse, Transport, TransportError};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// An in-memory server: logins hand out `c1`, `c2`, ...; the list answers `[]` after
/// `fail_first` answers of 503; `hang` makes the list never answer.
#[derive(Debug, Default)]
struct Memory {
    logins: AtomicU32,
    lists: AtomicU32,
    fail_first: u32,
    hang: bool,
}

fn json(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: http::HeaderMap::new(),
        body: bytes::Bytes::from(body.to_string()),
    }
}

#[async_trait]
impl Transport for Memory {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if request.url.path() == "/accounts/api/security/get/" {
            let n = self.logins.fetch_add(1, Ordering::SeqCst) + 1;
            return Ok(json(
                200,
                &format!(r#"{{"status": 200, "message": "ok", "result": {{"security": "c{n}"}}}}"#),
            ));
        }
        let n = self.lists.fetch_add(1, Ordering::SeqCst) + 1;
        if self.hang {
            std::future::pending::<()>().await;
        }
        if n <= self.fail_first {
            return Ok(json(503, "busy"));
        }
        Ok(json(
            200,
            r#"{"status": 200, "message": "ok", "result": []}"#,
        ))
    }
}

fn client(memory: &Arc<Memory>, retry: RetryPolicy) -> omflow_client::ClientBuilder {
    Client::with_transport("http://omflow.invalid/", memory.clone())
        .credentials("alice", "pw")
        .retry(retry)
}

#[tokio::test(start_paused = true)]
async fn an_idle_code_is_renewed_after_270_seconds_of_virtual_time() {
    let memory = Arc::new(Memory::default());
    let client = client(&memory, RetryPolicy::none()).build().unwrap();
    let wall = std::time::Instant::now();
    client.missions().send().await.unwrap();
    assert_eq!(memory.logins.load(Ordering::SeqCst), 1);
    tokio::time::advance(RENEW_AFTER_IDLE - Duration::from_secs(1)).await;
    client.missions().send().await.unwrap();
    assert_eq!(
        memory.logins.load(Ordering::SeqCst),
        1,
        "used within the window"
    );
    tokio::time::advance(RENEW_AFTER_IDLE - Duration::from_secs(1)).await;
    client.missions().send().await.unwrap();
    assert_eq!(
        memory.logins.load(Ordering::SeqCst),
        1,
        "each use slides the window"
    );
    tokio::time::advance(RENEW_AFTER_IDLE + Duration::from_secs(1)).await;
    client.missions().send().await.unwrap();
    assert_eq!(
        memory.logins.load(Ordering::SeqCst),
        2,
        "renewed after idling"
    );
    assert!(wall.elapsed() < Duration::from_secs(2), "no real waiting");
}

#[tokio::test(start_paused = true)]
async fn reads_back_off_between_retries_on_the_virtual_clock() {
    let memory = Arc::new(Memory {
        fail_first: 2,
        ..Memory::default()
    });
    let policy = RetryPolicy::new(3, Duration::from_secs(10), Duration::from_secs(60)).unwrap();
    let client = client(&memory, policy).build().unwrap();
    let started = tokio::time::Instant::now();
    let wall = std::time::Instant::now();
    client.missions().send().await.unwrap();
    assert_eq!(
        memory.lists.load(Ordering::SeqCst),
        3,
        "two 503s, then the answer"
    );
    let waited = started.elapsed();
    // 10 s and 20 s, each with jitter down to half.
    assert!(
        waited >= Duration::from_secs(15) && waited <= Duration::from_secs(30),
        "{waited:?}"
    );
    assert!(wall.elapsed() < Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn the_operation_timeout_bounds_the_whole_call() {
    let memory = Arc::new(Memory {
        hang: true,
        ..Memory::default()
    });
    let client = client(&memory, RetryPolicy::default())
        .operation_timeout(Some(Duration::from_secs(5)))
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let err = client.missions().send().await.unwrap_err();
    assert!(
        matches!(err.call_failure(), Some(call) if !call.is_write()
            && matches!(call.error(), CallError::OperationTimeout { after } if *after == Duration::from_secs(5))),
        "{err}"
    );
    assert_eq!(started.elapsed(), Duration::from_secs(5));
    assert!(!err.may_have_been_applied(), "a read");
    // Without one, the same call is still waiting after an hour.
    let unbounded = client_without_limit(&memory);
    let waiting =
        tokio::time::timeout(Duration::from_secs(3600), unbounded.missions().send()).await;
    assert!(waiting.is_err());
}

fn client_without_limit(memory: &Arc<Memory>) -> Client {
    client(memory, RetryPolicy::none()).build().unwrap()
}

#[test]
fn attempt_timeouts_with_a_custom_transport_are_refused() {
    let memory = Arc::new(Memory::default());
    let refused = client(&memory, RetryPolicy::none())
        .timeout(Some(Duration::from_secs(1)))
        .build();
    assert!(matches!(
        refused,
        Err(BuildError::TimeoutsNeedBuiltInTransport)
    ));
    let refused = client(&memory, RetryPolicy::none())
        .connect_timeout(None)
        .build();
    assert!(matches!(
        refused,
        Err(BuildError::TimeoutsNeedBuiltInTransport)
    ));
    assert!(client(&memory, RetryPolicy::none())
        .operation_timeout(Some(Duration::from_secs(1)))
        .build()
        .is_ok());
}
