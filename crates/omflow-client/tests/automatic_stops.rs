//! The fake's engine runs a switch's `calculate`, setform and organisation stops by the
//! engine's rules, with the code the client predicts with: a push the client predicts lands
//! where the fake takes it, with the fields and flow values the stops wrote.

mod stops;

use omflow_client::Client;
use omflow_mock::{FakeOmflow, Seed};
use omflow_model::routing::Route;
use omflow_model::{DataId, FlowRef};
use serde_json::{json, Value};

const FLOW: &str = "5f0c3a1be2d94c7a8b6e1d2c3b4a5968";

/// A quote flow of our own: a form writes the category and amount into flow values; a
/// switch upper-cases the category (`calculate`) and routes HW to a setform that writes a
/// calculated note, SVC to a setform whose output names no field (the engine's failure),
/// and a draft back to the form; an org1 stop before the end.
fn quote_flow() -> Value {
    let field = |id: &str, kind: &str, title: &str, options: Value| json!({"id": id, "type": kind, "title": title, "options": options, "required": false});
    let statuses = json!([
        {"value": "draft", "text": "草稿"}, {"value": "submit", "text": "送出"},
        {"value": "done", "text": "完成"}
    ]);
    // The main form also offers review; 填寫's own form does not.
    let all_statuses = json!([
        {"value": "draft", "text": "草稿"}, {"value": "submit", "text": "送出"},
        {"value": "done", "text": "完成"}, {"value": "review", "text": "審核中"}
    ]);
    let categories = json!([
        {"value": "hw", "text": "硬體"}, {"value": "svc", "text": "服務"}
    ]);
    json!({
        "app_name": "報價", "flow_name": "報價單", "flow_uuid": FLOW, "api_path": "quote",
        "column_count": 11,
        "fields": [
            field("FORMITM_1", "h_title", "主旨", json!([])),
            field("FORMITM_3", "h_level", "燈號", json!([
                {"value": "green", "text": "綠燈"}, {"value": "red", "text": "紅燈"}])),
            field("FORMITM_4", "h_status", "階段", all_statuses),
            field("FORMITM_5", "h_group", "受理組織", json!([])),
            field("FORMITM_6", "list", "類別", categories.clone()),
            field("FORMITM_7", "inputbox", "金額", json!([])),
            field("FORMITM_11", "inputbox", "結果", json!([]))
        ],
        "items": [
            {"id": "FITEM_1", "type": "start", "text": "開始", "next": "FITEM_2"},
            {"id": "FITEM_2", "type": "form", "text": "填寫", "next": "FITEM_3",
             "inputs": [{"name": "#G1(FORMITM_5)", "value": "2"},
                        {"name": "#(FORMITM_4)", "value": "draft"}],
             "outputs": [{"name": "$(category)", "value": "#(FORMITM_6)"},
                         {"name": "$(amount)", "value": "#(FORMITM_7)"}],
             "fields": [
                {"id": "FORMITM_4", "type": "h_status", "required": true, "options": statuses},
                {"id": "FORMITM_6", "type": "list", "required": true, "options": categories},
                {"id": "FORMITM_7", "type": "inputbox", "required": false, "options": []}
             ]},
            {"id": "FITEM_3", "type": "switch", "text": "分流",
             "calculate": [{"type": "upper", "from": "$(category)", "para1": "", "para2": "",
                            "to": "$(CAT)"}],
             "rules": [
                {"value1": "$(CAT)", "value2": "HW", "target": "FITEM_4"},
                {"value1": "$(CAT)", "value2": "SVC", "target": "FITEM_6"},
                {"value1": "#(FORMITM_4)", "value2": "draft", "target": "FITEM_2"}
             ]},
            {"id": "FITEM_4", "type": "setform", "text": "自動核准", "next": "FITEM_5",
             "calculate": [{"type": "add", "from": "auto:", "para1": "$(amount)", "para2": "",
                            "to": "$(note)"}],
             "inputs": [{"name": "#(FORMITM_11)", "value": "$(note)"},
                        {"name": "#(FORMITM_4)", "value": "done"}],
             "outputs": [{"name": "$(result)", "value": "#(FORMITM_11)"}]},
            {"id": "FITEM_5", "type": "org1", "text": "組織", "next": "FITEM_9"},
            {"id": "FITEM_6", "type": "setform", "text": "壞輸出", "next": "FITEM_9",
             "outputs": [{"name": "$(x)", "value": "literal"}]},
            {"id": "FITEM_9", "type": "end", "text": "結束"}
        ]
    })
}

fn seed() -> Seed {
    stops::with_flows(Seed::demo(), &[quote_flow()])
}

/// A new quote, at 填寫 for group 2 (alice's); its current data_id.
async fn new_quote(fake: &FakeOmflow, admin: &Client) -> (u64, u64) {
    let created = admin
        .flow(FlowRef::parse(FLOW))
        .create()
        .set("FORMITM_1", "Rack for the lab")
        .set("FORMITM_3", "green")
        .set("FORMITM_4", "draft")
        .set("FORMITM_5", json!({"group": "2", "user": ""}))
        .set("FORMITM_6", "hw")
        .send()
        .await
        .unwrap()
        .unwrap()
        .get();
    let row = fake.state().current_row("quote", created).unwrap().unwrap();
    assert_eq!(row.stop_uuid.as_deref(), Some("FITEM_2"));
    (created, row.id.get())
}

fn flow_value(row: &omflow_model::TicketRow, name: &str) -> Value {
    let param: Value = serde_json::from_str(row.data_param.as_deref().unwrap_or("{}")).unwrap();
    param["flow_value"][name].clone()
}

#[tokio::test]
async fn a_calculated_switch_leads_to_a_setform_that_writes_what_it_calculated() {
    let fake = FakeOmflow::start_with(seed()).await.unwrap();
    let admin = stops::login(&fake, "admin", "admin");
    let alice = stops::login(&fake, "alice", "alice-pass");
    let (data_no, data_id) = new_quote(&fake, &admin).await;
    let push = || {
        alice
            .flow(FlowRef::parse(FLOW))
            .push(DataId(data_id))
            .set("FORMITM_4", "submit")
            .set("FORMITM_6", "hw")
            .set("FORMITM_7", "1200")
    };
    let plan = push().check().await.unwrap();
    let route = &plan.prediction.route;
    assert!(
        matches!(route, Route::Closed { at } if at.id == "FITEM_9")
            || matches!(route, Route::Unpredictable { past, .. } if past.id == "FITEM_5"),
        "predicted through the calculated switch and the setform: {route}"
    );
    let stops: Vec<&str> = plan
        .prediction
        .passed
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(&stops[..3], ["FITEM_3", "FITEM_4", "FITEM_5"], "{stops:?}");
    push().send().await.unwrap();
    let row = fake.state().current_row("quote", data_no).unwrap().unwrap();
    assert!(row.closed && !row.error, "{row:?}");
    assert_eq!(row.stop_uuid.as_deref(), Some("FITEM_9"));
    let state = fake.state();
    let stored = state.json()["flows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["api_path"] == "quote")
        .unwrap()["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == row.id.get())
        .unwrap()
        .clone();
    assert_eq!(
        stored["formitm_11"], "auto:1200",
        "the setform wrote its calculation"
    );
    assert_eq!(stored["status"], "完成", "and the status it set");
    assert_eq!(flow_value(&row, "category"), "hw", "the form's output");
    assert_eq!(
        flow_value(&row, "result"),
        "auto:1200",
        "the setform's output"
    );
    let param = row.data_param().unwrap().unwrap();
    assert_eq!(
        param["chart_input"],
        json!({"CAT": "HW", "FORMITM_4": "submit"}),
        "the switch's input log reads what it calculated; the end keeps it"
    );
    let log = admin
        .flow(FlowRef::parse(FLOW))
        .ticket(omflow_model::DataNo(data_no))
        .flow_log()
        .await
        .unwrap();
    let setform = log.entries.iter().find(|e| e.chart_id == "FITEM_4");
    assert_eq!(
        setform.unwrap().input_data,
        json!({"formitm_11": "auto:1200", "status": "完成", "formitm_4": "done"}),
        "a status written by a setform is logged with its text"
    );
}

#[tokio::test]
async fn a_draft_goes_back_and_an_output_naming_no_field_fails_like_the_engine() {
    let fake = FakeOmflow::start_with(seed()).await.unwrap();
    let admin = stops::login(&fake, "admin", "admin");
    let (data_no, data_id) = new_quote(&fake, &admin).await;
    // The last rule that holds wins: a draft of category hw goes back to the form.
    admin
        .flow(FlowRef::parse(FLOW))
        .push(DataId(data_id))
        .set("FORMITM_4", "draft")
        .set("FORMITM_6", "hw")
        .send()
        .await
        .unwrap();
    let row = fake.state().current_row("quote", data_no).unwrap().unwrap();
    assert_eq!(row.stop_uuid.as_deref(), Some("FITEM_2"));
    // svc: the switch goes to a setform whose output is a literal: the engine fails there.
    admin
        .flow(FlowRef::parse(FLOW))
        .push(row.id)
        .set("FORMITM_4", "submit")
        .set("FORMITM_6", "svc")
        .send()
        .await
        .unwrap();
    let row = fake.state().current_row("quote", data_no).unwrap().unwrap();
    assert!(row.error, "{row:?}");
    assert_eq!(row.stop_uuid.as_deref(), Some("FITEM_6"));
    let message = row.error_message.unwrap_or_default();
    assert!(
        message.starts_with("OME系統錯誤(自動輸入點)，請通知系統管理員。")
            && message.contains("c_input_value"),
        "{message}"
    );
}

/// Row ids are per flow: 任務單 and 報價單 both have a row 2 among alice's missions. A push
/// by api_path finds the row of that api_path's flow (admin, with View), or says it cannot
/// tell them apart (alice, without View on 報價單) instead of checking the wrong flow's form.
#[tokio::test]
async fn a_row_id_two_flows_share_is_resolved_by_the_api_path_or_refused() {
    let fake = FakeOmflow::start_with(seed()).await.unwrap();
    let admin = stops::login(&fake, "admin", "admin");
    let alice = stops::login(&fake, "alice", "alice-pass");
    let (data_no, data_id) = new_quote(&fake, &admin).await;
    let in_both = alice
        .missions()
        .send()
        .await
        .unwrap()
        .iter()
        .filter(|m| m.data_id.map(|d| d.get()) == Some(data_id))
        .count();
    assert_eq!(
        in_both, 2,
        "the same row id in two flows among alice's missions"
    );
    let err = alice
        .flow(FlowRef::parse("quote"))
        .push(DataId(data_id))
        .set("FORMITM_4", "submit")
        .set("FORMITM_6", "hw")
        .send()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("more than one flow") && text.contains("報價單") && text.contains("not sent"),
        "{text}"
    );
    let row = fake.state().current_row("quote", data_no).unwrap().unwrap();
    assert_eq!(row.id.get(), data_id, "nothing sent");
    admin
        .flow(FlowRef::parse("quote"))
        .push(DataId(data_id))
        .set("FORMITM_4", "submit")
        .set("FORMITM_6", "hw")
        .set("FORMITM_7", "5")
        .send()
        .await
        .unwrap();
    let row = fake.state().current_row("quote", data_no).unwrap().unwrap();
    assert!(
        row.closed,
        "admin's push by api_path reached the quote: {row:?}"
    );
}

/// A push stores the status's text as the form it was sent on offers it: 填寫's own form does
/// not offer review (the main form does), so the row keeps `review` as sent.
#[tokio::test]
async fn a_status_the_stops_own_form_does_not_offer_is_stored_as_sent() {
    let fake = FakeOmflow::start_with(seed()).await.unwrap();
    let admin = stops::login(&fake, "admin", "admin");
    let (data_no, data_id) = new_quote(&fake, &admin).await;
    admin
        .flow(FlowRef::parse(FLOW))
        .push(DataId(data_id))
        .set("FORMITM_4", "review")
        .set("FORMITM_6", "net")
        .force()
        .send()
        .await
        .unwrap();
    let row = fake.state().current_row("quote", data_no).unwrap().unwrap();
    assert!(row.error, "no rule matches: {row:?}");
    assert_eq!(row.status.as_deref(), Some("review"), "{row:?}");
}
