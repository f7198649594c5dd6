//! The caller's folders over SOAP against the fake: sent, received and unprocessed (version
//! lists, then reads by id), the pending-approval list, periods, a request that leaves the
//! folder between the two reads, and a handle whose answer is lost, read back.

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use futures::{StreamExt, TryStreamExt};
use omflow_garoon::client::{GaroonClient, GaroonError, HandleOutcome};
use omflow_garoon::soap::{Change, Folder, Handle, Operation, Period, SoapError};
use omflow_mock::{FakeOmflow, Seed};

mod common;
use common::{client, sorted_ids};
use omflow_transport::{HttpRequest, HttpResponse, ReqwestTransport, Transport, TransportError};
use std::sync::{Arc, Mutex};

fn day(month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, month, day, 0, 0, 0).unwrap()
}

async fn ids(
    stream: impl futures::Stream<Item = Result<omflow_garoon::soap::Application, GaroonError>>,
) -> Vec<String> {
    let mut ids: Vec<String> = stream.map_ok(|a| a.id).try_collect().await.unwrap();
    ids.sort();
    ids
}

#[tokio::test]
async fn sent_lists_what_alice_applied_for_in_the_period() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let alice = client(&fake, "alice", "alice-pass");
    let june = Period::new(day(6, 1), day(6, 30)).unwrap();
    assert_eq!(ids(alice.folder(Folder::Sent(june))).await, ["3105"]);
    let july = Period::since(day(7, 1));
    assert!(
        ids(alice.folder(Folder::Sent(july))).await.is_empty(),
        "3105 was applied for in June"
    );
    // Her own request offers her no approval; withdrawing it is hers.
    let sent = alice
        .by_id(&Folder::Sent(june), &["3105".into()])
        .await
        .unwrap();
    assert!(!sent[0].allows(&Operation::Approve));
    // A request she did not apply for is not in her sent folder.
    let err = alice
        .by_id(&Folder::Sent(june), &["3101".into()])
        .await
        .unwrap_err();
    assert!(
        matches!(err, GaroonError::Soap(SoapError::Fault(f)) if f.code.as_deref() == Some("GRN_WRKF_25302"))
    );
}

#[tokio::test]
async fn received_gains_what_alice_answered_and_versions_say_what_changed() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let alice = client(&fake, "alice", "alice-pass");
    let received = Folder::Received(Period::since(day(1, 1)));
    assert!(
        ids(alice.folder(received)).await.is_empty(),
        "she has answered nothing yet"
    );
    let before = alice.versions(&Folder::Unprocessed, &[]).await.unwrap();
    assert!(before.iter().all(|v| v.change == Change::Add));
    let known: Vec<(String, String)> = before
        .iter()
        .map(|v| (v.id.clone(), v.version.clone()))
        .collect();

    alice
        .handle(&[Handle::new("3101", Operation::Approve)])
        .await
        .unwrap();

    assert_eq!(ids(alice.folder(received)).await, ["3101"]);
    let changes = alice.versions(&Folder::Unprocessed, &known).await.unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(
        (changes[0].id.as_str(), &changes[0].change),
        ("3101", &Change::Remove)
    );
}

#[tokio::test]
async fn pending_approvals_are_the_requests_that_will_reach_alice_later() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let alice = client(&fake, "alice", "alice-pass");
    let boss = client(&fake, "boss", "boss-pass");
    let period = Period::since(day(6, 1));
    let later = sorted_ids(alice.pending_approvals(&period).await);
    assert_eq!(later, ["3104"], "3104 waits for boss, then for her");
    let none = Period::new(day(6, 24), day(6, 30)).unwrap();
    assert!(
        alice.pending_approvals(&none).await.unwrap().is_empty(),
        "3104 is from 23 June"
    );

    boss.handle(&[Handle::new("3104", Operation::Approve)])
        .await
        .unwrap();
    assert!(alice.pending_approvals(&period).await.unwrap().is_empty());
    assert!(
        alice
            .pending()
            .await
            .unwrap()
            .iter()
            .any(|a| a.id == "3104"),
        "now it waits for her"
    );
}

/// Forwards to the fake; before the first read by id, `racer` handles a request first; a
/// handle's answer can be dropped after the fake has (or has not) applied it.
#[derive(Debug)]
struct Interposed {
    inner: ReqwestTransport,
    racer: Mutex<Option<(GaroonClient, Handle)>>,
    lose_handle: Option<bool>,
}

#[async_trait]
impl Transport for Interposed {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let body = request
            .body
            .as_ref()
            .map(|b| String::from_utf8_lossy(b).to_string())
            .unwrap_or_default();
        if body.contains("WorkflowGetUnprocessedApplicationsById") {
            let racer = self.racer.lock().unwrap().take();
            if let Some((client, handle)) = racer {
                client.handle(&[handle]).await.unwrap();
            }
        }
        if body.contains("<Action>WorkflowHandleApplications</Action>") {
            if let Some(applied) = self.lose_handle {
                if applied {
                    self.inner.send(request).await?;
                }
                return Err(TransportError::Io {
                    message: "connection reset by peer".into(),
                    cause: None,
                });
            }
        }
        self.inner.send(request).await
    }
}

fn interposed(
    fake: &FakeOmflow,
    racer: Option<(GaroonClient, Handle)>,
    lose_handle: Option<bool>,
) -> GaroonClient {
    GaroonClient::builder(fake.garoon_uri())
        .password("alice", "alice-pass")
        .transport(Arc::new(Interposed {
            inner: ReqwestTransport::builder().build().unwrap(),
            racer: Mutex::new(racer),
            lose_handle,
        }))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_request_handled_between_the_two_reads_is_left_out_not_an_error() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    // Alice's other session confirms 3103 after the version list, before the read by id.
    let other_session = client(&fake, "alice", "alice-pass");
    let alice = interposed(
        &fake,
        Some((other_session, Handle::new("3103", Operation::Confirm))),
        None,
    );
    assert_eq!(sorted_ids(alice.pending().await), ["3101", "3102"]);
}

#[tokio::test]
async fn a_lost_answer_is_read_back_applied_or_not() {
    for applied in [true, false] {
        let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
        let alice = interposed(&fake, None, Some(applied));
        let results: Vec<_> = alice
            .handle_each(vec![Handle::new("3101", Operation::Approve)], 1, true)
            .await
            .unwrap()
            .collect()
            .await;
        match &results[0].outcome {
            HandleOutcome::Unknown {
                applied: read_back, ..
            } => {
                assert_eq!(*read_back, Some(applied), "applied={applied}");
            }
            other => panic!("applied={applied}: {other:?}"),
        }
        let still_waiting = client(&fake, "alice", "alice-pass")
            .pending()
            .await
            .unwrap()
            .iter()
            .any(|a| a.id == "3101");
        assert_eq!(still_waiting, !applied);
    }
}

/// Posts `action` with `parameters` as alice and returns the fault's code.
async fn raw_fault(fake: &FakeOmflow, action: &str, parameters: &str) -> String {
    let mut header = omflow_garoon::soap::Header::new(action);
    header.credentials = Some(omflow_garoon::soap::Credentials {
        username: "alice".into(),
        password: "alice-pass".into(),
    });
    let url = url::Url::parse(&format!("{}/cbpapi/workflow/api.csp", fake.garoon_uri())).unwrap();
    let mut request = HttpRequest::get(url);
    request.method = http::Method::POST;
    request.body = Some(
        omflow_garoon::soap::envelope(&header, parameters)
            .into_bytes()
            .into(),
    );
    let response = ReqwestTransport::builder()
        .build()
        .unwrap()
        .send(request)
        .await
        .unwrap();
    assert_eq!(response.status, 520);
    let text = String::from_utf8(response.body.to_vec()).unwrap();
    let document = omflow_garoon::soap::parse(&text).unwrap();
    match omflow_garoon::soap::returns(&document, action) {
        Err(SoapError::Fault(fault)) => fault.code.unwrap_or_default(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_fake_refuses_a_missing_start_and_a_start_after_the_end_as_garoon_does() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    for action in [
        "WorkflowGetSentApplicationVersions",
        "WorkflowGetPendingApprovals",
    ] {
        assert_eq!(
            raw_fault(&fake, action, "<parameters></parameters>").await,
            "GRN_CBPAPI_63004"
        );
        assert_eq!(
            raw_fault(
                &fake,
                action,
                r#"<parameters start="2025-07-01T00:00:00Z" end="2025-06-01T00:00:00Z"></parameters>"#
            )
            .await,
            "GRN_WRKF_25305"
        );
        assert_eq!(
            raw_fault(
                &fake,
                action,
                r#"<parameters start="last tuesday"></parameters>"#
            )
            .await,
            "GRN_WRKF_25305"
        );
    }
}

#[tokio::test]
async fn alice_approves_as_bosss_proxy_and_the_request_says_so() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let alice = client(&fake, "alice", "alice-pass");
    assert_eq!(alice.approval_delegators().await.unwrap(), ["9"]);
    let since = Period::since(day(1, 1));
    assert_eq!(
        sorted_ids(alice.proxy_approvals("9", &since).await),
        ["3001", "3005", "3006", "3104", "3105"],
        "what waits for boss"
    );
    let not_hers = alice.proxy_approvals("3", &since).await.unwrap_err();
    assert!(
        matches!(&not_hers, GaroonError::Soap(SoapError::Fault(f)) if f.code.as_deref() == Some("GRN_WRKF_25307")),
        "{not_hers}"
    );
    let results: Vec<_> = alice
        .handle_each(
            vec![
                Handle::new("3104", Operation::Approve).delegator("9"),
                Handle::new("3101", Operation::Approve).delegator("9"),
                Handle::new("3104", Operation::Approve).delegator("3"),
            ],
            1,
            true,
        )
        .await
        .unwrap()
        .collect()
        .await;
    assert!(
        matches!(results[0].outcome, HandleOutcome::Done(_)),
        "{:?}",
        results[0]
    );
    match &results[1].outcome {
        HandleOutcome::NotSent(why) => assert!(why.contains("the user you approve for"), "{why}"),
        other => panic!("{other:?}"),
    }
    match &results[2].outcome {
        HandleOutcome::NotSent(why) => assert!(
            why.contains("not a proxy approver of Garoon user 3"),
            "{why}"
        ),
        other => panic!("{other:?}"),
    }
    // Read back over REST: boss's answer, given by alice.
    let admin = client(&fake, "admin", "admin");
    let read = admin.request("3104").await.unwrap().value;
    let team = &read.steps.as_ref().unwrap().get("Team").unwrap().processors[0];
    assert_eq!(team.person.code.as_deref(), Some("boss"));
    assert!(team.result.is_some());
    assert_eq!(
        team.person.proxy.as_ref().and_then(|p| p.code.as_deref()),
        Some("alice")
    );
    assert!(
        sorted_ids(alice.pending().await).contains(&"3104".to_string()),
        "now at her step"
    );
}

/// Garoon stamps a handle in UTC; the fake's clock runs on the server's local time (UTC+8).
#[tokio::test]
async fn a_handle_is_stamped_in_utc() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let alice = client(&fake, "alice", "alice-pass");
    alice
        .handle(&[Handle::new("3101", Operation::Approve)])
        .await
        .unwrap();
    let admin = client(&fake, "admin", "admin");
    let read = admin.request("3101").await.unwrap().value;
    let team = &read.steps.as_ref().unwrap().get("Team").unwrap().processors[0];
    let at = team
        .operated_at
        .as_ref()
        .and_then(|t| t.parsed)
        .expect("a stamp");
    let off = (at.with_timezone(&Utc) - Utc::now()).num_minutes().abs();
    assert!(off < 5, "stamped {at}, {off} minutes from now");
}
