//! The client as an ordinary approver (the demo seed's alice: a member of the assigned
//! group, no View permission, no flow configuration) and as people with less or more.

use futures::TryStreamExt;
use omflow_client::{Client, Error, PushOutcome, TicketState};
use omflow_mock::{FakeOmflow, Seed};
use omflow_model::query::{col, Query};
use omflow_model::{FieldType, FlowUuid, Mission, QuickAction};
use serde_json::json;
use std::time::Duration;

const HEX: &str = "dc33fb340034418c8fbb3baf15525e86";
const WAIT: Duration = Duration::from_secs(2);

fn client(fake: &FakeOmflow, user: &str, password: &str) -> Client {
    Client::builder(fake.uri())
        .credentials(user, password)
        .build()
        .unwrap()
}

async fn missions_at(client: &Client, stop: &str) -> Vec<Mission> {
    let query = Query::builder()
        .filter(col("stop_uuid").eq(stop))
        .order_by("id")
        .build()
        .unwrap();
    client
        .missions()
        .query(query)
        .stream()
        .try_collect()
        .await
        .unwrap()
}

/// The demo, alice, her first mission at the analysis stop, and its push with
/// "dispatch_done" (waited for).
async fn alice_dispatches_the_first_ticket() -> (FakeOmflow, Client, Mission, PushOutcome) {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let alice = client(&fake, "alice", "alice-pass");
    let mission = missions_at(&alice, "FITEM_2").await.remove(0);
    let outcome = alice
        .push_mission(&mission)
        .set("FORMITM_4", "dispatch_done")
        .wait_for_engine(WAIT)
        .send()
        .await
        .unwrap();
    (fake, alice, mission, outcome)
}

/// Paths of every request the fake received.
async fn paths(fake: &FakeOmflow) -> Vec<String> {
    fake.server()
        .expect("a wiremock-served fake")
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_string())
        .collect()
}

#[tokio::test]
async fn alice_pushes_and_quick_actions_without_the_api_format() {
    let (fake, alice, mission, outcome) = alice_dispatches_the_first_ticket().await;
    assert_eq!(outcome.data_no, mission.data_no);
    let Some(TicketState::AtStop {
        data_id: Some(next),
        stop: Some(stop),
    }) = &outcome.state
    else {
        panic!("alice sees where the ticket went: {:?}", outcome.state)
    };
    assert_eq!(stop, "任務處理");
    assert_ne!(Some(*next), mission.data_id);
    let row = fake
        .state()
        .current_row("mission", mission.data_no.unwrap().get())
        .unwrap()
        .unwrap();
    assert_eq!(row.id, *next);
    assert_eq!(row.stop_uuid.as_deref(), Some("FITEM_5"));
    assert_eq!(
        row.level, mission.level,
        "required fields were resent unchanged"
    );

    let at_work = missions_at(&alice, "FITEM_5").await.remove(0);
    let done = alice
        .quick_action_mission(&at_work, QuickAction::Action1)
        .wait_for_engine(WAIT)
        .send()
        .await
        .unwrap();
    assert!(
        matches!(&done.state, Some(TicketState::AtStop { stop: Some(s), .. }) if s == "任務審核"),
        "{:?}",
        done.state
    );
    let seen = paths(&fake).await;
    assert!(seen.iter().any(|p| p.ends_with("/omdata/load/")));
    assert!(
        !seen.iter().any(|p| p.contains("flow-active-api-format")),
        "no API-format call: {seen:?}"
    );
}

#[tokio::test]
async fn one_load_per_push() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let alice = client(&fake, "alice", "alice-pass");
    let mission = missions_at(&alice, "FITEM_2").await.remove(0);
    let before = paths(&fake).await.len();
    alice
        .push_mission(&mission)
        .set("FORMITM_4", "dispatch_done")
        .send()
        .await
        .unwrap();
    let after = paths(&fake).await;
    let loads = after[before..]
        .iter()
        .filter(|p| p.ends_with("/omdata/load/"))
        .count();
    assert_eq!(loads, 1, "{:?}", &after[before..]);
}

#[tokio::test]
async fn engine_errors_are_reported_with_the_message_where_the_user_may_read_it() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    for (user, password, sees_message) in [("admin", "admin", true), ("alice", "alice-pass", false)]
    {
        let client = client(&fake, user, password);
        let mission = missions_at(&client, "FITEM_2").await.remove(0);
        let outcome = client
            .push_mission(&mission)
            .set("FORMITM_4", "no-such-rule")
            .force()
            .wait_for_engine(Duration::from_millis(300))
            .send()
            .await
            .unwrap();
        assert_eq!(
            outcome.forced.len(),
            2,
            "the choice and the route: {:?}",
            outcome.forced
        );
        let Some(TicketState::EngineError { message, stop, .. }) = &outcome.state else {
            panic!("{user}: {:?}", outcome.state)
        };
        if sees_message {
            assert_eq!(message.as_deref(), Some("找不到符合的條件。"));
            assert_eq!(
                stop.as_deref(),
                Some("是否指派"),
                "the row stands at the switch"
            );
        } else {
            assert_eq!(
                message.as_deref(),
                Some("找不到符合的條件。"),
                "alice cannot read the error row; the prediction knew the engine's message"
            );
        }
    }
}

/// Pushing a row again after it moved on: the row now reads with the next stop's form, so
/// a value of its own stop is refused by the wrong form. The refusal says so: for alice
/// (no View) that the row is not among her open missions; for a View holder that it moved
/// on. Nothing is sent either way.
#[tokio::test]
async fn a_row_pushed_before_is_refused_as_moved_on_not_by_the_next_stops_form() {
    let (fake, alice, mission, _) = alice_dispatches_the_first_ticket().await;
    let (flow, data_id) = (mission.flow_uuid.unwrap(), mission.data_id.unwrap());
    let edits = || async {
        paths(&fake)
            .await
            .iter()
            .filter(|p| p.contains("/omdata/edit/"))
            .count()
    };
    let pushed = edits().await;
    let again = |client: Client| async move {
        client
            .flow(flow)
            .push(data_id)
            .set("FORMITM_4", "dispatch_done")
            .send()
            .await
            .unwrap_err()
    };
    let err = again(alice.clone()).await;
    let Some(omflow_client::PushRefusal::NotAmongMissions { refusal, .. }) = err.refusal() else {
        panic!("{err}")
    };
    assert!(
        matches!(**refusal, omflow_client::PushRefusal::Form(_)),
        "the form's refusal is kept: {err}"
    );
    assert!(
        err.to_string().contains("not among your open missions"),
        "{err}"
    );
    // The same, pushing the `Mission` read before the row moved on.
    let err = alice
        .push_mission(&mission)
        .set("FORMITM_4", "dispatch_done")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.refusal(),
            Some(omflow_client::PushRefusal::NotAmongMissions { .. })
        ),
        "{err}"
    );
    let admin = client(&fake, "admin", "admin");
    let err = again(admin.clone()).await;
    assert!(
        matches!(err.refusal(), Some(omflow_client::PushRefusal::NotActionable { reason, .. }) if reason.contains("moved on")),
        "{err}"
    );
    // Named by its api_path, the row is found through the ticket list, which shows it as
    // history.
    let err = admin
        .flow(omflow_model::ApiPath::new("mission").unwrap())
        .push(data_id)
        .set("FORMITM_4", "dispatch_done")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err.refusal(), Some(omflow_client::PushRefusal::NotActionable { reason, .. }) if reason.contains("moved on")),
        "{err}"
    );
    assert_eq!(edits().await, pushed, "nothing more was sent");
}

#[tokio::test]
async fn a_stranger_gets_a_typed_error_naming_what_is_missing() {
    let seed = Seed::pristine()
        .builder()
        .user("hal", "pw", &[])
        .ticket("mission", "admin", "Kettle leaks", "red")
        .build()
        .unwrap();
    let fake = FakeOmflow::start_with(seed).await.unwrap();
    let data_id = fake.state().current_row("mission", 1).unwrap().unwrap().id;
    let hal = client(&fake, "hal", "pw");
    let flow = FlowUuid::parse(HEX).unwrap();
    let err = hal
        .flow(flow)
        .push(data_id)
        .set("FORMITM_4", "dispatch_done")
        .send()
        .await
        .unwrap_err();
    let Error::NoAccess { needs, .. } = &err else {
        panic!("{err}")
    };
    assert!(needs.contains(&format!("Omdata_{HEX}_View")), "{needs}");
    assert!(
        needs.contains("assignee") && needs.contains("creator"),
        "{needs}"
    );
    assert!(!err.may_have_been_applied());
    assert!(
        !paths(&fake)
            .await
            .iter()
            .any(|p| p.contains("/omdata/edit/")),
        "nothing was pushed"
    );
    assert_eq!(
        fake.state().current_row("mission", 1).unwrap().unwrap().id,
        data_id
    );
}

#[tokio::test]
async fn creating_with_add_alone_needs_types_and_says_so() {
    let seed = Seed::pristine()
        .builder()
        .group(3, "Add only", &[&format!("Omdata_{HEX}_Add")])
        .user("ivy", "pw", &[3])
        .build()
        .unwrap();
    let fake = FakeOmflow::start_with(seed).await.unwrap();
    let ivy = client(&fake, "ivy", "pw");
    let flow = FlowUuid::parse(HEX).unwrap();
    let err = ivy
        .flow(flow)
        .create()
        .set("FORMITM_1", "Typed from the form")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::NoAccess { needs, .. } if needs.contains("_View") && needs.contains("OmFormFlow_Manage")),
        "{err}"
    );
    let created = ivy
        .flow(flow)
        .create()
        .set_typed("FORMITM_1", FieldType::HTitle, "Typed by hand")
        .set_typed("FORMITM_3", FieldType::HLevel, "green")
        .set_typed("FORMITM_4", FieldType::HStatus, "dispatch")
        .set_typed(
            "FORMITM_5",
            FieldType::HGroup,
            json!({"group": "2", "user": ""}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.map(|n| n.get()), Some(1));
}

#[tokio::test]
async fn the_approver_reads_every_user_with_groups_and_never_a_password_column() {
    let demo = Seed::demo();
    let fake = FakeOmflow::start_with(demo.clone()).await.unwrap();
    let users = client(&fake, "alice", "alice-pass").users().await.unwrap();
    let read: Vec<(u64, String, Vec<u64>)> = users
        .iter()
        .map(|u| {
            (
                u.user.id.get(),
                u.user.username.clone(),
                u.groups.iter().map(|(id, _)| id.get()).collect(),
            )
        })
        .collect();
    let expected: Vec<(u64, String, Vec<u64>)> = demo
        .users
        .iter()
        .map(|u| (u.id, u.username.clone(), u.groups.clone()))
        .collect();
    assert_eq!(read, expected);
    let alice = users.iter().find(|u| u.user.username == "alice").unwrap();
    let group_name = &demo.groups.iter().find(|g| g.id == 2).unwrap().display_name;
    assert_eq!(alice.groups[0].1, *group_name);
    // Every user-list query the client sent projected its columns.
    let requests = fake.server().unwrap().received_requests().await.unwrap();
    let lists: Vec<serde_json::Value> = requests
        .iter()
        .filter(|r| r.url.path() == omflow_model::paths::USER_LIST)
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert!(!lists.is_empty());
    for body in lists {
        let columns = body["search_columns"].as_array().unwrap();
        assert!(!columns.is_empty(), "{body}");
        assert!(!columns.iter().any(|c| c == "password"), "{body}");
    }
}
