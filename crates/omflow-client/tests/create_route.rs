//! A create is predicted from the start like a push from its stop: the new ticket's route is
//! read from the flow's design before sending, and a create no switch routes is refused unless
//! forced.

mod stops;

use omflow_client::{Client, Error, PushRefusal};
use omflow_mock::{FakeOmflow, Seed};
use omflow_model::routing::Route;
use omflow_model::FlowRef;
use serde_json::{json, Value};

/// The demo seed with a switch between the start and the first form: a ticket goes on to
/// 任務分析 unless its description says `halt`, which no rule routes.
fn seed_with_switch_after_start() -> Seed {
    let mut seed: Value = serde_json::to_value(Seed::demo()).unwrap();
    let flow = seed["flows"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|flow| flow["api_path"] == "mission")
        .unwrap();
    let items = flow["items"].as_array_mut().unwrap();
    let start = items
        .iter_mut()
        .find(|item| item["type"] == "start")
        .unwrap();
    start["next"] = json!("FITEM_90");
    items.push(json!({
        "id": "FITEM_90", "type": "switch", "text": "說明分流",
        "rules": [
            {"value1": "#(FORMITM_2)", "rule": "!=", "value2": "halt", "target": "FITEM_2"}
        ]
    }));
    serde_json::from_value(seed).unwrap()
}

fn admin(fake: &FakeOmflow) -> Client {
    stops::login(fake, "admin", "admin")
}

fn create(client: &Client, description: &str) -> omflow_client::CreateBuilder {
    client
        .flow(FlowRef::parse("mission"))
        .create()
        .set("FORMITM_1", "Projector flickers")
        .set("FORMITM_2", description)
        .set("FORMITM_3", "green")
        .set("FORMITM_4", "dispatch")
        .set("FORMITM_5", json!({"group": "2", "user": ""}))
}

#[tokio::test]
async fn a_create_is_predicted_from_the_start_and_lands_where_predicted() {
    let fake = FakeOmflow::start_with(seed_with_switch_after_start())
        .await
        .unwrap();
    let admin = admin(&fake);
    let created = create(&admin, "ceiling mount")
        .send_and_observe()
        .await
        .unwrap();
    let prediction = created
        .prediction
        .expect("a create with a read start form is predicted");
    match &prediction.route {
        Route::AtStop { stop, assignee } => {
            assert_eq!(stop.id, "FITEM_2");
            let assignee = assignee.as_ref().expect("the stop assigns group 2");
            assert_eq!(assignee.group_name.as_deref(), Some("資訊服務組"));
        }
        other => panic!("expected a stop, got {other}"),
    }
    assert!(created.forced.is_empty());
    let data_no = created.data_no.unwrap().get();
    let row = fake
        .state()
        .current_row("mission", data_no)
        .unwrap()
        .expect("the new ticket");
    assert_eq!(row.stop_uuid.as_deref(), Some("FITEM_2"), "where predicted");
    assert!(!row.error);
}

#[tokio::test]
async fn a_create_no_rule_routes_is_refused_and_nothing_is_sent() {
    let fake = FakeOmflow::start_with(seed_with_switch_after_start())
        .await
        .unwrap();
    let admin = admin(&fake);
    let before = fake.state().tickets("mission").unwrap().len();
    let err = create(&admin, "halt").send().await.unwrap_err();
    let Error::Refused(PushRefusal::CreateWouldStrand { prediction }) = &err else {
        panic!("expected CreateWouldStrand, got {err}");
    };
    assert!(prediction.route.is_stranded());
    let text = err.to_string();
    assert!(text.contains("FITEM_90"), "{text}");
    assert!(
        text.contains("!= halt"),
        "names the rules it failed: {text}"
    );
    assert!(err.is_refusal());
    assert_eq!(
        fake.state().tickets("mission").unwrap().len(),
        before,
        "not sent"
    );
}

#[tokio::test]
async fn a_forced_create_no_rule_routes_is_sent_and_says_what_it_overrode() {
    let fake = FakeOmflow::start_with(seed_with_switch_after_start())
        .await
        .unwrap();
    let admin = admin(&fake);
    let created = create(&admin, "halt")
        .force()
        .wait_for_engine(std::time::Duration::from_secs(5))
        .send_and_observe()
        .await
        .unwrap();
    assert_eq!(created.forced.len(), 1, "{:?}", created.forced);
    assert!(
        created.forced[0].contains("FITEM_90"),
        "{:?}",
        created.forced
    );
    let data_no = created.data_no.unwrap().get();
    let row = fake
        .state()
        .current_row("mission", data_no)
        .unwrap()
        .expect("the new ticket");
    assert!(row.error, "the engine stranded it, as predicted");
}
