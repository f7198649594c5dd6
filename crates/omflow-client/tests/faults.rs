//! Faults: 503 bursts and resets on reads recover; a write whose answer is lost is not resent.

use omflow_client::{CallError, Client, Error, RetryPolicy};
use omflow_mock::{FakeOmflow, Seed};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

fn client(fake: &FakeOmflow) -> Client {
    Client::builder(fake.uri())
        .credentials("admin", "admin")
        .timeout(Some(Duration::from_millis(500)))
        .retry(RetryPolicy::new(3, Duration::from_millis(10), Duration::from_millis(50)).unwrap())
        .build()
        .unwrap()
}

fn seed() -> Seed {
    Seed::pristine()
        .builder()
        .join_group("admin", 2)
        .ticket("mission", "admin", "T", "red")
        .build()
        .unwrap()
}

#[tokio::test]
async fn read_recovers_from_a_503_burst() {
    let fake = FakeOmflow::start_with(seed()).await.unwrap();
    Mock::given(method("POST"))
        .and(path("/rest/my-mission/api/my-mission/list/"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(3)
        .expect(3)
        .mount(fake.server().expect("a wiremock-served fake"))
        .await;
    let missions = client(&fake).missions().send().await.unwrap();
    assert_eq!(missions.len(), 1);
}

#[tokio::test]
async fn read_recovers_from_connection_resets() {
    let fake = FakeOmflow::start_with(seed()).await.unwrap();
    Mock::given(method("POST"))
        .and(path("/rest/my-mission/api/my-mission/list/"))
        .respond_with_err(|_: &wiremock::Request| {
            std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset")
        })
        .up_to_n_times(2)
        .mount(fake.server().expect("a wiremock-served fake"))
        .await;
    assert_eq!(client(&fake).missions().send().await.unwrap().len(), 1);
}

#[tokio::test]
async fn read_gives_up_after_the_retry_budget() {
    let fake = FakeOmflow::start_with(seed()).await.unwrap();
    Mock::given(method("POST"))
        .and(path("/rest/my-mission/api/my-mission/list/"))
        .respond_with(ResponseTemplate::new(503))
        .expect(4)
        .mount(fake.server().expect("a wiremock-served fake"))
        .await;
    let err = client(&fake).missions().send().await.unwrap_err();
    assert!(
        matches!(err.call_error(), Some(CallError::Response { raw }) if raw.status() == 503),
        "{err}"
    );
}

#[tokio::test]
async fn a_push_whose_answer_is_lost_is_not_resent() {
    let fake = FakeOmflow::start_with(seed()).await.unwrap();
    let client = client(&fake);
    let data_id = fake.state().current_row("mission", 1).unwrap().unwrap().id;
    Mock::given(method("POST"))
        .and(path("/rest/flowmanage/api/omdata/edit/mission/"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .expect(1)
        .mount(fake.server().expect("a wiremock-served fake"))
        .await;
    let err = client
        .push("mission", data_id)
        .set("FORMITM_4", "dispatch_done")
        .send()
        .await
        .unwrap_err();
    // The ticket is read back: still current, so not applied, and safe to send again.
    assert!(matches!(err, Error::NotApplied { .. }), "{err}");
    assert!(!err.may_have_been_applied() && err.is_retryable(), "{err}");
    let row = fake.state().current_row("mission", 1).unwrap().unwrap();
    assert_eq!(
        row.id, data_id,
        "the mocked answer stood in front of the fake: nothing was applied, and nothing resent"
    );
}

#[tokio::test]
async fn a_write_answered_503_is_not_resent() {
    let fake = FakeOmflow::start_with(seed()).await.unwrap();
    let client = client(&fake);
    let data_id = fake.state().current_row("mission", 1).unwrap().unwrap().id;
    Mock::given(method("POST"))
        .and(path("/rest/flowmanage/api/omdata/edit/mission/"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(fake.server().expect("a wiremock-served fake"))
        .await;
    let err = client
        .push("mission", data_id)
        .set("FORMITM_4", "dispatch_done")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotApplied { .. }), "read back: {err}");
}

/// A transport that, once a push has been answered, loses every later request: what the
/// engine did can no longer be read.
#[derive(Debug)]
struct GoneAfterThePush {
    inner: omflow_transport::ReqwestTransport,
    pushed: std::sync::atomic::AtomicBool,
}

#[async_trait::async_trait]
impl omflow_transport::Transport for GoneAfterThePush {
    async fn send(
        &self,
        request: omflow_transport::HttpRequest,
    ) -> Result<omflow_transport::HttpResponse, omflow_client::TransportError> {
        use std::sync::atomic::Ordering;
        if self.pushed.load(Ordering::SeqCst) {
            return Err(omflow_client::TransportError::connect(
                "the network went away",
            ));
        }
        let is_push = request.url.path().contains("/omdata/edit/");
        let response = self.inner.send(request).await?;
        if is_push {
            self.pushed.store(true, Ordering::SeqCst);
        }
        Ok(response)
    }
}

/// A push the server accepted is reported done even when reading where the engine took the
/// ticket fails afterwards: the outcome says why it is unobserved, never an error that
/// invites sending the push again.
#[tokio::test]
async fn an_applied_push_whose_outcome_cannot_be_read_is_reported_done() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let transport = GoneAfterThePush {
        inner: omflow_transport::ReqwestTransport::builder()
            .build()
            .unwrap(),
        pushed: false.into(),
    };
    let alice = Client::builder(fake.uri())
        .credentials("alice", "alice-pass")
        .transport(std::sync::Arc::new(transport))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let mission = alice
        .missions()
        .send()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.stop_uuid.as_deref() == Some("FITEM_2"))
        .expect("a mission at the analysis stop");
    let outcome = alice
        .push_mission(&mission)
        .set("FORMITM_4", "dispatch_done")
        .wait_for_engine(Duration::from_secs(2))
        .send()
        .await
        .expect("the push was applied");
    assert!(outcome.state.is_none());
    let why = outcome.unobserved.expect("says why it is unobserved");
    assert!(why.contains("no answer"), "{why}");
    let now = fake
        .state()
        .current_row("mission", mission.data_no.unwrap().get())
        .unwrap()
        .unwrap();
    assert_ne!(Some(now.id), mission.data_id, "the ticket moved on");
}
