//! Async and collection stops in the fake: the branches run, each on its own row, and the
//! collection merges them once when the last arrives: the main branch's row and flow values
//! go on, the other branch's values fill what it left empty.

mod stops;

use omflow_mock::{FakeOmflow, Seed};
use omflow_model::FlowRef;
use serde_json::{json, Value};

const FLOW: &str = "8b7a6c5d4e3f42119a0b1c2d3e4f5a6b";

/// start → 並行 (async: A, B) → A: setform FORMITM_7 = title/A, flow value a; B: setform
/// (another field, flow value b) → 匯集 (collection, main A) → 寫回 (setform FORMITM_8 = b)
/// → 確認 (form, group 2).
fn parallel_flow() -> Value {
    json!({
        "app_name": "並行", "flow_name": "並行表", "flow_uuid": FLOW, "api_path": "parallel",
        "column_count": 9,
        "fields": [stops::field("FORMITM_1", "h_title", "主旨"), stops::field("FORMITM_5", "h_group", "受理組織"),
                   stops::field("FORMITM_7", "inputbox", "A結果"), stops::field("FORMITM_8", "inputbox", "B結果"),
                   stops::field("FORMITM_9", "inputbox", "B欄")],
        "items": [
            {"id": "FITEM_1", "type": "start", "text": "開始", "next": "FITEM_4",
             "inputs": [{"name": "title", "value": "#(FORMITM_1)"}]},
            {"id": "FITEM_4", "type": "async", "text": "並行",
             "rules": [{"value1": "", "value2": "", "target": "FITEM_5"},
                       {"value1": "", "value2": "", "target": "FITEM_6"}]},
            {"id": "FITEM_5", "type": "setform", "text": "分支A", "next": "FITEM_7",
             "calculate": [{"type": "add", "from": "#(FORMITM_1)", "para1": "/A", "para2": "", "to": "$(a)"}],
             "inputs": [{"name": "#(FORMITM_7)", "value": "$(a)"}],
             "outputs": [{"name": "$(a_done)", "value": "#(FORMITM_7)"}]},
            {"id": "FITEM_6", "type": "setform", "text": "分支B", "next": "FITEM_7",
             "calculate": [{"type": "write", "from": "#(FORMITM_1)", "para1": "", "para2": "", "to": "$(b)"}],
             "inputs": [{"name": "#(FORMITM_9)", "value": "lost"}]},
            {"id": "FITEM_7", "type": "collection", "text": "匯集", "next": "FITEM_8", "main": "FITEM_5",
             "rules": [{"value1": "", "value2": "", "target": "FITEM_5"},
                       {"value1": "", "value2": "", "target": "FITEM_6"}]},
            {"id": "FITEM_8", "type": "setform", "text": "寫回", "next": "FITEM_9",
             "inputs": [{"name": "#(FORMITM_8)", "value": "$(b)"}]},
            {"id": "FITEM_9", "type": "form", "text": "確認",
             "inputs": [{"name": "#G1(FORMITM_5)", "value": "2"}]}
        ]
    })
}

#[tokio::test]
async fn branches_run_and_one_merged_row_goes_on() {
    let fake = FakeOmflow::start_with(stops::with_flows(Seed::demo(), &[parallel_flow()]))
        .await
        .unwrap();
    let admin = stops::login(&fake, "admin", "admin");
    let data_no = admin
        .flow(FlowRef::parse(FLOW))
        .create()
        .set("FORMITM_1", "Rack")
        .send()
        .await
        .unwrap()
        .unwrap()
        .get();
    let rows = fake.state().tickets("parallel").unwrap();
    let current: Vec<_> = rows.iter().filter(|r| !r.history).collect();
    assert_eq!(current.len(), 1, "one merged row goes on: {rows:#?}");
    let row = current[0];
    assert_eq!(row.stop_uuid.as_deref(), Some("FITEM_9"), "{row:?}");
    let field = |id: &str| row.field(&id.parse().unwrap()).map(str::to_string);
    assert_eq!(
        field("FORMITM_7").as_deref(),
        Some("Rack/A"),
        "the main branch's row"
    );
    assert_eq!(
        field("FORMITM_8").as_deref(),
        Some("Rack"),
        "the other branch's flow value"
    );
    assert_eq!(
        field("FORMITM_9").as_deref().unwrap_or(""),
        "",
        "the other branch's row is not merged"
    );
    let at_collection = rows
        .iter()
        .filter(|r| r.history && r.stop_uuid.as_deref() == Some("FITEM_7"))
        .count();
    assert_eq!(at_collection, 2, "each branch stopped at the collection");
    let at_async = rows
        .iter()
        .filter(|r| r.history && r.stop_uuid.as_deref() == Some("FITEM_4"))
        .count();
    assert_eq!(at_async, 1);
    let missions = fake.state().missions().unwrap();
    let open: Vec<_> = missions
        .iter()
        .filter(|m| m.flow_uuid.map(|u| u.simple().to_string()) == Some(FLOW.to_string()))
        .filter(|m| m.data_no.map(|n| n.get()) == Some(data_no) && !m.history)
        .collect();
    assert_eq!(open.len(), 1, "one mission, for the merged row: {open:#?}");
}
