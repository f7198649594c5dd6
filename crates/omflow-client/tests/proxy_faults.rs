//! Faults below HTTP: a TCP proxy in front of the fake resets connections. Reads recover
//! within the retry policy; a push whose answer is lost is never resent and says so.

use omflow_client::{CallError, Client, Error, RetryPolicy};
use omflow_mock::{FakeOmflow, Seed};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Sends a TCP reset (SO_LINGER 0: closing does not block, it aborts the connection).
#[allow(deprecated)]
fn reset(stream: TcpStream) {
    let _ = stream.set_linger(Some(Duration::ZERO));
    drop(stream);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Reset the first N connections after forwarding the request (reads).
    ResetFirst(usize),
    /// Pass everything but ticket edits; forward an edit (or not), then reset.
    ResetEdits { forward: bool },
}

/// A proxy to `target`; returns its URL and how many requests hit the rule.
async fn proxy(target: String, rule: Rule) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let connections = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let (target, counter) = (target.clone(), counter.clone());
            let n = connections.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let Ok(mut outbound) = TcpStream::connect(&target).await else {
                    return;
                };
                let mut buffer = vec![0u8; 1 << 16];
                loop {
                    let read = match inbound.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    let request = &buffer[..read];
                    let hit = match rule {
                        Rule::ResetFirst(count) => n < count,
                        Rule::ResetEdits { .. } => {
                            request.windows(21).any(|w| w == b"/omdata/edit/mission/")
                        }
                    };
                    let forward = !matches!(rule, Rule::ResetEdits { forward: false }) || !hit;
                    if forward && outbound.write_all(request).await.is_err() {
                        return;
                    }
                    if hit {
                        counter.fetch_add(1, Ordering::SeqCst);
                        let mut sink = vec![0u8; 1 << 20];
                        if forward {
                            let _ = outbound.read(&mut sink).await;
                        }
                        reset(inbound);
                        return;
                    }
                    let mut reply = vec![0u8; 1 << 20];
                    let n = match outbound.read(&mut reply).await {
                        Ok(n) if n > 0 => n,
                        _ => return,
                    };
                    if inbound.write_all(&reply[..n]).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (address, hits)
}

fn seed() -> Seed {
    Seed::pristine()
        .builder()
        .join_group("admin", 2)
        .ticket("mission", "admin", "T", "red")
        .build()
        .unwrap()
}

fn client(url: &str) -> Client {
    Client::builder(url)
        .credentials("admin", "admin")
        .retry(RetryPolicy::new(3, Duration::from_millis(10), Duration::from_millis(40)).unwrap())
        .build()
        .unwrap()
}

fn target(fake: &FakeOmflow) -> String {
    fake.uri().trim_start_matches("http://").to_string()
}

#[tokio::test]
async fn reads_recover_from_resets() {
    let fake = FakeOmflow::start_with(seed()).await.unwrap();
    let (url, hits) = proxy(target(&fake), Rule::ResetFirst(2)).await;
    assert_eq!(client(&url).missions().send().await.unwrap().len(), 1);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn reads_give_up_after_the_retry_budget() {
    let fake = FakeOmflow::start_with(seed()).await.unwrap();
    let (url, hits) = proxy(target(&fake), Rule::ResetFirst(usize::MAX)).await;
    let err = client(&url).missions().send().await.unwrap_err();
    assert!(
        matches!(err.call_failure(), Some(call) if !call.is_write()
            && matches!(call.error(), CallError::Dispatch(_))),
        "{err}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 4, "1 + 3 retries");
}

#[tokio::test]
async fn a_push_whose_answer_is_reset_is_applied_once_and_not_resent() {
    let fake = FakeOmflow::start_with(seed()).await.unwrap();
    let data_id = fake.state().current_row("mission", 1).unwrap().unwrap().id;
    let (url, hits) = proxy(target(&fake), Rule::ResetEdits { forward: true }).await;
    let outcome = client(&url)
        .push("mission", data_id)
        .set("FORMITM_4", "dispatch_done")
        .send()
        .await
        .unwrap();
    assert!(
        outcome.resolved_after_lost_answer,
        "the answer was lost; the read-back shows the push applied"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1, "sent once, not resent");
    assert_eq!(
        fake.state().tickets("mission").unwrap().len(),
        3,
        "applied exactly once"
    );
}

#[tokio::test]
async fn a_push_reset_before_the_server_saw_it_is_not_resent_either() {
    let fake = FakeOmflow::start_with(seed()).await.unwrap();
    let data_id = fake.state().current_row("mission", 1).unwrap().unwrap().id;
    let (url, hits) = proxy(target(&fake), Rule::ResetEdits { forward: false }).await;
    let err = client(&url)
        .push("mission", data_id)
        .set("FORMITM_4", "dispatch_done")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::NotApplied { .. }),
        "the read-back shows the row still current: {err}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    assert_eq!(
        fake.state().current_row("mission", 1).unwrap().unwrap().id,
        data_id,
        "not applied, and not resent"
    );
}
