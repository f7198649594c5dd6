//! The approver over SOAP against the fake: alice's pending requests, handling them, what
//! Garoon refuses and with which fault, and the REST side reading the same state back.

use omflow_garoon::client::{GaroonClient, GaroonError};
use omflow_garoon::model::StatusType;
use omflow_garoon::soap::{Folder, Handle, Operation, SendBackTarget, SoapError};
use omflow_mock::{FakeOmflow, Seed};

mod common;
use common::{client, fault_code, sorted_ids};

#[tokio::test]
async fn alice_sees_what_waits_for_her_and_approving_moves_it_on() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let alice = client(&fake, "alice", "alice-pass");
    let ids = sorted_ids(alice.pending().await);
    assert_eq!(ids, ["3101", "3102", "3103"], "3104 waits for boss first");
    let pending = alice.pending().await.unwrap();
    let first = pending.iter().find(|a| a.id == "3101").unwrap();
    assert!(first.allows(&Operation::Approve));
    assert!(first.allows(&Operation::SendBack(SendBackTarget::Applicant)));
    let circulate = pending.iter().find(|a| a.id == "3103").unwrap();
    assert!(circulate.allows(&Operation::Confirm) && !circulate.allows(&Operation::Approve));

    let after = alice
        .handle(&[Handle::new("3101", Operation::Approve).comment("checked")])
        .await
        .unwrap();
    assert_eq!(after[0].status_kind(), Some(StatusType::InProgress));
    assert_eq!(
        after[0].processing_step.as_deref(),
        Some("802"),
        "on to the manager"
    );
    // The REST side reads the same request back.
    let admin = client(&fake, "admin", "admin");
    let read = admin.request("3101").await.unwrap().value;
    assert_eq!(read.processing_step(), Some("Manager"));
    let steps = read.steps.as_ref().unwrap();
    let team = &steps.get("Team").unwrap().processors[0];
    assert_eq!(team.comment.as_deref(), Some("checked"));

    let last = alice
        .handle(&[Handle::new("3102", Operation::Approve)])
        .await
        .unwrap();
    assert_eq!(
        last[0].status_kind(),
        Some(StatusType::Approved),
        "any one of two sufficed"
    );
    let confirmed = alice
        .handle(&[Handle::new("3103", Operation::Confirm)])
        .await
        .unwrap();
    assert_eq!(confirmed[0].status_kind(), Some(StatusType::Approved));
    assert!(alice.pending().await.unwrap().is_empty());
}

#[tokio::test]
async fn what_garoon_refuses_is_a_fault_with_its_code_and_nothing_changes() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let alice = client(&fake, "alice", "alice-pass");
    let admin = client(&fake, "admin", "admin");
    let before = admin
        .request("3104")
        .await
        .unwrap()
        .value
        .to_json()
        .to_text();
    let not_hers = alice
        .handle(&[Handle::new("3104", Operation::Approve)])
        .await
        .unwrap_err();
    assert_eq!(fault_code(not_hers), "GRN_WRKF_25356");
    assert_eq!(
        admin
            .request("3104")
            .await
            .unwrap()
            .value
            .to_json()
            .to_text(),
        before
    );
    let missing = alice
        .handle(&[Handle::new("999", Operation::Approve)])
        .await
        .unwrap_err();
    assert_eq!(fault_code(missing), "GRN_WRKF_25302");
    let circulate = alice
        .handle(&[Handle::new("3103", Operation::Approve)])
        .await
        .unwrap_err();
    assert_eq!(fault_code(circulate), "GRN_WRKF_25362");
    // All or none: the first handle is not kept when the second is refused.
    let both = alice
        .handle(&[
            Handle::new("3101", Operation::Approve),
            Handle::new("3104", Operation::Approve),
        ])
        .await
        .unwrap_err();
    assert_eq!(fault_code(both), "GRN_WRKF_25356");
    assert_eq!(alice.pending().await.unwrap().len(), 3);
    let by_id = alice
        .by_id(&Folder::Unprocessed, &["3104".into()])
        .await
        .unwrap_err();
    assert_eq!(fault_code(by_id), "GRN_WRKF_25302");
    let wrong = client(&fake, "alice", "nope").pending().await.unwrap_err();
    assert!(
        matches!(wrong, GaroonError::Soap(SoapError::Fault(_))),
        "{wrong}"
    );
}

#[tokio::test]
async fn sending_back_and_withdrawing() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let alice = client(&fake, "alice", "alice-pass");
    let back = alice
        .handle(&[Handle::new(
            "3102",
            Operation::SendBack(SendBackTarget::Step("801".into())),
        )])
        .await
        .unwrap();
    assert_eq!(back[0].status_kind(), Some(StatusType::SentBack));
    assert_eq!(back[0].processing_step.as_deref(), Some("801"));
    let bad = alice
        .handle(&[Handle::new(
            "3101",
            Operation::SendBack(SendBackTarget::Step("802".into())),
        )])
        .await
        .unwrap_err();
    assert_eq!(fault_code(bad), "GRN_WRKF_25350", "only an earlier step");
    let not_applicant = alice
        .handle(&[Handle::new("3101", Operation::Withdraw)])
        .await
        .unwrap_err();
    assert_eq!(fault_code(not_applicant), "GRN_WRKF_25359");
}

#[tokio::test]
async fn soap_needs_a_password() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let oauth = GaroonClient::builder(fake.garoon_uri())
        .oauth("token")
        .build()
        .unwrap();
    assert!(matches!(
        oauth.pending().await,
        Err(GaroonError::InvalidRequest(_))
    ));
}

#[tokio::test]
async fn handling_many_checks_each_first_and_reports_each() {
    use futures::StreamExt;
    use omflow_garoon::client::HandleOutcome;
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let alice = client(&fake, "alice", "alice-pass");
    let handles = |ids: &[&str]| -> Vec<Handle> {
        ids.iter()
            .map(|id| Handle::new(*id, Operation::Approve).comment("bulk"))
            .collect()
    };
    let dry: Vec<_> = alice
        .handle_each(handles(&["3101", "3104"]), 2, false)
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(dry.len(), 2);
    for result in &dry {
        match (result.application_id.as_str(), &result.outcome) {
            ("3101", HandleOutcome::WouldSend) => {}
            ("3104", HandleOutcome::NotSent(why)) => {
                assert!(why.contains("GRN_WRKF_25302"), "{why}")
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        alice.pending().await.unwrap().len(),
        3,
        "a dry run sends nothing"
    );

    let results: Vec<_> = alice
        .handle_each(handles(&["3101", "3102", "3103", "3104"]), 2, true)
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(results.len(), 4, "one result per handle");
    for result in &results {
        match (result.application_id.as_str(), &result.outcome) {
            ("3101" | "3102", HandleOutcome::Done(after)) => {
                assert!(after.status_type.is_some());
            }
            ("3103", HandleOutcome::NotSent(why)) => {
                assert!(why.contains("offers: confirm"), "{why}")
            }
            ("3104", HandleOutcome::NotSent(_)) => {}
            other => panic!("{other:?}"),
        }
    }
    let left = sorted_ids(alice.pending().await);
    assert_eq!(
        left,
        ["3103"],
        "approved ones are done, the refused one untouched"
    );
}
