//! Sleep stops in the fake: the ticket moves on when the wait is up on the fake's clock, so
//! a test advances the clock instead of waiting; meanwhile the row is running and a push is
//! refused; a wait that is no integer fails the ticket there.

mod stops;

use omflow_client::Client;
use omflow_mock::{Clock, FakeOmflow, Seed};
use omflow_model::{DataId, FlowRef};
use serde_json::{json, Value};

const FLOW: &str = "6c5d4e3f2a1b40c9d8e7f6a5b4c3d2e1";

/// 設定 (form, group 2; status set/fixed/byvalue; 等待毫秒 into flow value wait_ms) → switch:
/// fixed → 固定等待 (2000 ms), byvalue → 依設定等待 ($(wait_ms)) → 等待完成 (setform:
/// 上次等待 = wait_ms) → 設定 again.
fn waiting_flow() -> Value {
    let statuses = json!([{"value": "set", "text": "設定"}, {"value": "fixed", "text": "固定等待"},
                          {"value": "byvalue", "text": "依設定等待"}]);
    let field = |id: &str, kind: &str, title: &str, options: &Value| json!({"id": id, "type": kind, "title": title, "options": options, "required": false});
    json!({
        "app_name": "等待", "flow_name": "等待單", "flow_uuid": FLOW, "api_path": "wait",
        "column_count": 7,
        "fields": [field("FORMITM_1", "h_title", "主旨", &json!([])),
                   field("FORMITM_4", "h_status", "階段", &statuses),
                   field("FORMITM_5", "h_group", "受理組織", &json!([])),
                   field("FORMITM_6", "inputbox", "等待毫秒", &json!([])),
                   field("FORMITM_7", "inputbox", "上次等待", &json!([]))],
        "items": [
            {"id": "FITEM_1", "type": "start", "text": "開始", "next": "FITEM_2"},
            {"id": "FITEM_2", "type": "form", "text": "設定", "next": "FITEM_3",
             "inputs": [{"name": "#G1(FORMITM_5)", "value": "2"}, {"name": "#(FORMITM_4)", "value": "set"}],
             "outputs": [{"name": "$(wait_ms)", "value": "#(FORMITM_6)"}]},
            {"id": "FITEM_3", "type": "switch", "text": "等待方式", "rules": [
                {"value1": "#(FORMITM_4)", "value2": "fixed", "target": "FITEM_4"},
                {"value1": "#(FORMITM_4)", "value2": "byvalue", "target": "FITEM_5"},
                {"value1": "#(FORMITM_4)", "value2": "set", "target": "FITEM_2"}]},
            {"id": "FITEM_4", "type": "sleep", "text": "固定等待", "next": "FITEM_6", "msec": 2000},
            {"id": "FITEM_5", "type": "sleep", "text": "依設定等待", "next": "FITEM_6",
             "wait_value": "$(wait_ms)"},
            {"id": "FITEM_6", "type": "setform", "text": "等待完成", "next": "FITEM_2",
             "inputs": [{"name": "#(FORMITM_7)", "value": "$(wait_ms)"}]}
        ]
    })
}

async fn started() -> (FakeOmflow, Client) {
    let fake = FakeOmflow::builder()
        .seed(stops::with_flows(Seed::demo(), &[waiting_flow()]))
        .clock(Clock::frozen_now())
        .start()
        .await
        .unwrap();
    let admin = stops::login(&fake, "admin", "admin");
    (fake, admin)
}

async fn new_ticket(fake: &FakeOmflow, admin: &Client) -> (u64, DataId) {
    let data_no = admin
        .flow(FlowRef::parse(FLOW))
        .create()
        .set("FORMITM_1", "Wait for me")
        .set("FORMITM_4", "set")
        .set("FORMITM_5", json!({"group": "2", "user": ""}))
        .send()
        .await
        .unwrap()
        .unwrap()
        .get();
    let row = fake.state().current_row("wait", data_no).unwrap().unwrap();
    (data_no, row.id)
}

fn push(admin: &Client, data_id: DataId, status: &str, wait: &str) -> omflow_client::PushBuilder {
    admin
        .flow(FlowRef::parse(FLOW))
        .push(data_id)
        .set("FORMITM_4", status)
        .set("FORMITM_6", wait)
}

#[tokio::test]
async fn a_sleeping_ticket_moves_on_when_the_clock_passes_its_wait() {
    let (fake, admin) = started().await;
    let (data_no, data_id) = new_ticket(&fake, &admin).await;
    push(&admin, data_id, "byvalue", "1500")
        .send()
        .await
        .unwrap();
    let sleeping = fake.state().current_row("wait", data_no).unwrap().unwrap();
    assert!(sleeping.running, "asleep: {sleeping:?}");
    assert_eq!(
        sleeping.stop_uuid, None,
        "a running row shows no stop, as the server's do"
    );
    let refused = push(&admin, sleeping.id, "set", "1")
        .force()
        .send()
        .await
        .unwrap_err();
    let said = refused.to_string();
    assert!(
        said.contains("engine is still working") || said.contains("該單目前為執行狀態"),
        "{said}"
    );
    fake.advance_clock(1.0);
    admin.missions().send().await.unwrap();
    let row = fake.state().current_row("wait", data_no).unwrap().unwrap();
    assert!(row.running, "1 s of 1.5 s: still asleep");
    fake.advance_clock(1.0);
    admin.missions().send().await.unwrap();
    let row = fake.state().current_row("wait", data_no).unwrap().unwrap();
    assert!(!row.running && !row.error, "{row:?}");
    assert_eq!(
        row.stop_uuid.as_deref(),
        Some("FITEM_2"),
        "back at 設定 after the setform"
    );
    assert_eq!(row.field(&"FORMITM_7".parse().unwrap()), Some("1500"));
    let log = admin
        .flow(FlowRef::parse(FLOW))
        .ticket(omflow_model::DataNo(data_no))
        .flow_log()
        .await
        .unwrap();
    let stops: Vec<&str> = log.entries.iter().map(|e| e.chart_id.as_str()).collect();
    assert!(
        stops.windows(2).any(|w| w == ["FITEM_5", "FITEM_6"]),
        "{stops:?}"
    );
}

#[tokio::test]
async fn a_wait_that_is_no_integer_fails_the_ticket_at_the_sleep() {
    let (fake, admin) = started().await;
    let (data_no, data_id) = new_ticket(&fake, &admin).await;
    push(&admin, data_id, "byvalue", "1s").send().await.unwrap();
    let row = fake.state().current_row("wait", data_no).unwrap().unwrap();
    assert!(row.error, "{row:?}");
    assert_eq!(row.stop_uuid.as_deref(), Some("FITEM_5"));
    assert_eq!(
        row.error_message.as_deref(),
        Some("OME系統錯誤(暫停點)，請通知系統管理員。invalid literal for int() with base 10: '1s'")
    );
    // A wait past the calendar's end fails there too, as Python's datetime does.
    let (data_no, data_id) = new_ticket(&fake, &admin).await;
    push(&admin, data_id, "byvalue", "9999999999999999")
        .send()
        .await
        .unwrap();
    let row = fake.state().current_row("wait", data_no).unwrap().unwrap();
    assert_eq!(
        row.error_message.as_deref(),
        Some("OME系統錯誤(暫停點)，請通知系統管理員。date value out of range")
    );
    // The fixed wait needs no value.
    let (data_no, data_id) = new_ticket(&fake, &admin).await;
    push(&admin, data_id, "fixed", "").send().await.unwrap();
    fake.advance_clock(2.0);
    admin.missions().send().await.unwrap();
    let row = fake.state().current_row("wait", data_no).unwrap().unwrap();
    assert!(
        !row.running && row.stop_uuid.as_deref() == Some("FITEM_2"),
        "{row:?}"
    );
}
