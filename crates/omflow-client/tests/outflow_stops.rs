//! Outflow and inflow stops in the fake: the ticket opens a ticket in another flow (created
//! by `system`), waits parked until that ticket ends, and goes on with its end's outputs. The
//! other flow here is 外部任務 of the app exported from a real server.

mod stops;

use omflow_client::Client;
use omflow_mock::apps::flow_uuid;
use omflow_mock::{FakeOmflow, Seed};
use omflow_model::FlowRef;
use serde_json::{json, Value};

const ORDER: &str = "7a6b5c4d3e2f41008f9e8d7c6b5a4932";
const LOG: &str = "7a6b5c4d3e2f41008f9e8d7c6b5a4933";

/// 訂單: a form writes the mode; an outflow opens 外部任務 with it and takes back its status;
/// an inflow opens 記錄表 of its own app; a setform writes both results; the end.
fn order_flow() -> Value {
    json!({
        "app_name": "應用", "flow_name": "訂單", "flow_uuid": ORDER, "api_path": "order",
        "column_count": 8,
        "fields": [stops::field("FORMITM_1", "h_title", "主旨"), stops::field("FORMITM_4", "h_status", "階段"),
                   stops::field("FORMITM_5", "h_group", "受理組織"), stops::field("FORMITM_6", "inputbox", "模式"),
                   stops::field("FORMITM_7", "inputbox", "外部結果"), stops::field("FORMITM_8", "inputbox", "記錄來源")],
        "items": [
            {"id": "FITEM_1", "type": "start", "text": "開始", "next": "FITEM_2"},
            {"id": "FITEM_2", "type": "form", "text": "填寫", "next": "FITEM_3",
             "inputs": [{"name": "#G1(FORMITM_5)", "value": "2"}],
             "outputs": [{"name": "$(mode)", "value": "#(FORMITM_6)"}]},
            {"id": "FITEM_3", "type": "outflow", "text": "外部服務", "next": "FITEM_4",
             "target_app": "外部服務", "target_flow": "外部任務",
             "subflow_inputs": [{"name": "$(mode)", "value": "$(mode)"},
                                {"name": "#(FORMITM_1)", "value": "#(FORMITM_1)"}],
             "subflow_outputs": [{"name": "$(ext_status)", "value": "$(ext_status)"}]},
            {"id": "FITEM_4", "type": "inflow", "text": "記錄", "next": "FITEM_5",
             "target_flow": "記錄表",
             "subflow_inputs": [{"name": "$(src)", "value": "$(ext_status)"},
                                {"name": "#(FORMITM_1)", "value": "#(FORMITM_1)"}],
             "subflow_outputs": [{"name": "$(log_src)", "value": "$(src)"}]},
            {"id": "FITEM_5", "type": "setform", "text": "寫回", "next": "FITEM_9",
             "inputs": [{"name": "#(FORMITM_7)", "value": "$(ext_status)"},
                        {"name": "#(FORMITM_8)", "value": "$(log_src)"}]},
            {"id": "FITEM_9", "type": "end", "text": "完成"}
        ]
    })
}

/// 記錄表: start input src (default direct) → setform FORMITM_2 = src → end (output src).
fn log_flow() -> Value {
    json!({
        "app_name": "應用", "flow_name": "記錄表", "flow_uuid": LOG, "api_path": "log",
        "column_count": 2,
        "fields": [stops::field("FORMITM_1", "h_title", "主旨"), stops::field("FORMITM_2", "areabox", "來源")],
        "items": [
            {"id": "FITEM_1", "type": "start", "text": "開始", "next": "FITEM_2",
             "inputs": [{"name": "src", "value": "direct"}]},
            {"id": "FITEM_2", "type": "setform", "text": "記錄", "next": "FITEM_3",
             "inputs": [{"name": "#(FORMITM_2)", "value": "$(src)"}]},
            {"id": "FITEM_3", "type": "end", "text": "完成",
             "outputs": [{"name": "$(src)", "value": "$(src)"}]}
        ]
    })
}

async fn started() -> (FakeOmflow, Client, Client) {
    let seed = Seed::demo()
        .builder()
        .user("dave", "dave-pass", &[1])
        .app(&stops::export("apptest_ext.json"))
        .build()
        .unwrap();
    let fake = FakeOmflow::start_with(stops::with_flows(seed, &[order_flow(), log_flow()]))
        .await
        .unwrap();
    let login = |user: &str, password: &str| stops::login(&fake, user, password);
    let (admin, dave) = (login("admin", "admin"), login("dave", "dave-pass"));
    (fake, admin, dave)
}

/// A new order pushed on with `mode`; its number.
async fn order(fake: &FakeOmflow, admin: &Client, mode: &str) -> u64 {
    let data_no = admin
        .flow(FlowRef::parse(ORDER))
        .create()
        .set("FORMITM_1", "Spare disks")
        .set("FORMITM_5", json!({"group": "2", "user": ""}))
        .send()
        .await
        .unwrap()
        .unwrap()
        .get();
    let row = fake.state().current_row("order", data_no).unwrap().unwrap();
    admin
        .flow(FlowRef::parse(ORDER))
        .push(row.id)
        .set("FORMITM_6", mode)
        .send()
        .await
        .unwrap();
    data_no
}

fn field_of(row: &omflow_model::TicketRow, id: &str) -> Option<String> {
    row.field(&id.parse().unwrap()).map(str::to_string)
}

#[tokio::test]
async fn an_outflow_that_ends_at_once_and_an_inflow_hand_their_results_back() {
    let (fake, admin, _) = started().await;
    let data_no = order(&fake, &admin, "auto").await;
    let row = fake.state().current_row("order", data_no).unwrap().unwrap();
    assert!(row.closed && !row.error, "{row:?}");
    assert_eq!(
        field_of(&row, "FORMITM_7").as_deref(),
        Some("finished"),
        "外部任務's end output"
    );
    assert_eq!(
        field_of(&row, "FORMITM_8").as_deref(),
        Some("finished"),
        "記錄表's, from the inflow"
    );
    let opened = fake.state().tickets("apptest_ext").unwrap();
    let child = opened
        .iter()
        .find(|r| !r.history)
        .expect("the outflow's ticket");
    assert!(child.closed);
    assert_eq!(child.create_user_id.as_deref(), Some("system"));
    assert_eq!(
        child.title.as_deref(),
        Some("Spare disks"),
        "the form input it was given"
    );
    let logged = fake.state().tickets("log").unwrap();
    assert_eq!(
        field_of(logged.iter().find(|r| !r.history).unwrap(), "FORMITM_2").as_deref(),
        Some("finished")
    );
    // The flow log names the ticket each stop opened: in the stop's input (written by
    // the opened ticket's start) and beside the entry.
    let log = admin
        .flow(FlowRef::parse(ORDER))
        .ticket(omflow_model::DataNo(data_no))
        .flow_log()
        .await
        .unwrap();
    let inflow = log
        .entries
        .iter()
        .find(|e| e.chart_id == "FITEM_4")
        .unwrap();
    assert_eq!(inflow.input_data["outflow_uuid"], LOG, "{inflow:?}");
    assert_eq!(inflow.input_data["outflow_data_no"], 1, "{inflow:?}");
    assert_eq!(inflow.outflow_uuid.as_deref(), Some(LOG));
    assert_eq!(inflow.outflow_data_no, Some(omflow_model::DataNo(1)));
}

#[tokio::test]
async fn an_order_waits_parked_until_the_ticket_it_opened_ends() {
    let (fake, admin, dave) = started().await;
    let data_no = order(&fake, &admin, "manual").await;
    let parked = fake.state().current_row("order", data_no).unwrap().unwrap();
    assert!(parked.running && parked.stop_uuid.is_none(), "{parked:?}");
    // 外部任務 waits at 人工處理 for dave's group.
    let ext = uuid_of("外部服務", "外部任務");
    let child = fake
        .state()
        .tickets("apptest_ext")
        .unwrap()
        .into_iter()
        .find(|r| !r.history)
        .unwrap();
    assert_eq!(child.stop_chart_text.as_deref(), Some("人工處理"));
    dave.flow(FlowRef::parse(&ext))
        .push(child.id)
        .set("FORMITM_4", "finished")
        .set("FORMITM_2", "installed")
        .send()
        .await
        .unwrap();
    let row = fake.state().current_row("order", data_no).unwrap().unwrap();
    assert!(row.closed && !row.running, "resumed and ended: {row:?}");
    assert_eq!(field_of(&row, "FORMITM_7").as_deref(), Some("finished"));
}

fn uuid_of(app: &str, flow: &str) -> String {
    flow_uuid(app, flow)
}

/// An outflow that opens a ticket in its own flow would open tickets for ever: past the
/// engine's nesting limit the innermost ticket fails, as Python's recursion limit fails it,
/// and the fake goes on answering.
#[tokio::test]
async fn an_outflow_into_its_own_flow_fails_instead_of_overflowing() {
    let endless = json!({
        "app_name": "遞迴", "flow_name": "遞迴單", "flow_uuid": "7a6b5c4d3e2f41008f9e8d7c6b5a4934",
        "api_path": "endless", "column_count": 1,
        "fields": [stops::field("FORMITM_1", "h_title", "主旨")],
        "items": [
            {"id": "FITEM_1", "type": "start", "text": "開始", "next": "FITEM_2"},
            {"id": "FITEM_2", "type": "outflow", "text": "自己", "next": "FITEM_3",
             "target_app": "遞迴", "target_flow": "遞迴單",
             "subflow_inputs": [{"name": "#(FORMITM_1)", "value": "#(FORMITM_1)"}]},
            {"id": "FITEM_3", "type": "end", "text": "完成"}
        ]
    });
    let fake = FakeOmflow::start_with(stops::with_flows(Seed::demo(), &[endless]))
        .await
        .unwrap();
    let admin = stops::login(&fake, "admin", "admin");
    admin
        .flow(FlowRef::parse("7a6b5c4d3e2f41008f9e8d7c6b5a4934"))
        .create()
        .set("FORMITM_1", "Again")
        .send()
        .await
        .unwrap();
    let rows = fake.state().tickets("endless").unwrap();
    assert!(
        rows.iter()
            .any(|r| r.error_message.as_deref() == Some("maximum recursion depth exceeded")),
        "the innermost ticket failed"
    );
    admin
        .missions()
        .send()
        .await
        .expect("the fake still answers");
}

/// A push that parks the ticket at an outflow: waiting for the engine, the client says which
/// ticket it waits for (from the flow log) instead of "still running".
#[tokio::test]
async fn a_push_that_parks_the_ticket_names_the_ticket_it_waits_for() {
    let (fake, admin, _) = started().await;
    let data_no = admin
        .flow(FlowRef::parse(ORDER))
        .create()
        .set("FORMITM_1", "Spare fans")
        .set("FORMITM_5", json!({"group": "2", "user": ""}))
        .send()
        .await
        .unwrap()
        .unwrap()
        .get();
    let row = fake.state().current_row("order", data_no).unwrap().unwrap();
    let outcome = admin
        .flow(FlowRef::parse(ORDER))
        .push(row.id)
        .set("FORMITM_6", "manual")
        .wait_for_engine(std::time::Duration::from_millis(200))
        .send()
        .await
        .unwrap();
    let state = outcome.state.expect("observed");
    let ext = uuid_of("外部服務", "外部任務");
    assert_eq!(
        state,
        omflow_client::TicketState::WaitingFor {
            stop: Some("外部服務".into()),
            flow_uuid: Some(ext),
            data_no: omflow_model::DataNo(1),
        }
    );
    assert!(
        state.to_string().contains("waiting for ticket 1"),
        "{state}"
    );
}
