//! Apps exported from a real server run in the fake as deployed: their flows, forms,
//! api_paths and the permissions they grant to roles by name. The shared test app
//! 外部服務 (exported from a real server) and an app of our own in the same format.

mod stops;

use omflow_mock::apps::{flow_uuid, AppError};
use omflow_mock::{FakeOmflow, Seed};
use omflow_model::{FieldType, FlowRef};
use serde_json::{json, Value};

/// The demo seed with dave, a member of 任務處理組 (group 1), the role the apps grant
/// View and Add to.
fn seed_with(app: &Value) -> Seed {
    Seed::demo()
        .builder()
        .user("dave", "dave-pass", &[1])
        .app(app)
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_exported_app_runs_as_deployed_with_the_permissions_it_grants() {
    let app = stops::export("apptest_ext.json");
    let fake = FakeOmflow::start_with(seed_with(&app)).await.unwrap();
    let uuid = flow_uuid("外部服務", "外部任務");
    let dave = stops::login(&fake, "dave", "dave-pass");
    // Add and View come from the app's config.permission (role 任務處理組): dave creates by
    // the flow's uuid, typed from the start form his View lets him read.
    let data_no = dave
        .flow(FlowRef::parse(&uuid))
        .create()
        .set("FORMITM_1", "Replace the UPS battery")
        .send()
        .await
        .unwrap()
        .unwrap();
    // The start's default input mode=manual leads the switch to 人工處理, for group 1.
    let row = fake
        .state()
        .current_row("apptest_ext", data_no.get())
        .unwrap()
        .unwrap();
    assert_eq!(row.stop_chart_text.as_deref(), Some("人工處理"), "{row:?}");
    let mission = dave
        .missions()
        .send()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.data_no == Some(data_no))
        .expect("a mission for dave's group");
    assert_eq!(mission.stop_uuid.as_deref(), Some("FITEM_3"));
    // The stop's own form requires 處理說明: the client refuses it empty before sending.
    let refused = dave
        .flow(FlowRef::parse("apptest_ext"))
        .push(row.id)
        .set("FORMITM_4", "finished")
        .send()
        .await
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("FORMITM_2 處理說明 is required"),
        "{refused}"
    );
    dave.flow(FlowRef::parse("apptest_ext"))
        .push(row.id)
        .set("FORMITM_4", "finished")
        .set("FORMITM_2", "swapped")
        .send()
        .await
        .unwrap();
    let row = fake
        .state()
        .current_row("apptest_ext", data_no.get())
        .unwrap()
        .unwrap();
    assert!(row.closed, "the form leads to the end: {row:?}");
    // The design served is the one exported.
    let chart = dave
        .flow_chart(uuid.parse().unwrap(), data_no)
        .await
        .unwrap();
    let exported: Value = app[0]["flow_list"][0]["flowobject"].clone();
    assert_eq!(
        serde_json::to_value(&*chart).unwrap()["items"]
            .as_array()
            .unwrap()
            .len(),
        exported["items"].as_array().unwrap().len()
    );
    // erin-like users (boss: no group) are refused.
    let boss = stops::login(&fake, "boss", "boss-pass");
    let err = boss
        .flow(FlowRef::parse(&uuid))
        .create()
        .set_typed("FORMITM_1", FieldType::HTitle, "x")
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("permission"), "{err}");
}

/// An app of our own in the export format: a setform after the start, an org1 stop,
/// a calculate on a switch.
fn own_app(role: &str) -> Value {
    let form = json!({"form_item_counter": 4, "items": [
        {"id": "FORMITM_1", "type": "h_title", "config": {"title": "主旨", "require": true, "regex": "[A-Z]"}},
        {"id": "FORMITM_3", "type": "h_level", "config": {"title": "燈號", "value": "green",
         "lists": [{"value": "green", "text": "綠燈"}, {"value": "red", "text": "紅燈"}]}},
        {"id": "FORMITM_4", "type": "h_status", "config": {"title": "階段", "lists": [
            {"value": "new", "text": "新"}, {"value": "logged", "text": "已記錄"}]}},
        {"id": "FORMITM_2", "type": "areabox", "config": {"title": "來源"}}
    ]});
    let item = |id: &str, kind: &str, text: &str, config: Value| json!({"id": id, "type": kind, "text": text, "config": config});
    let line = |n: u32, from: &str, to: &str| {
        json!({"id": format!("FLINE_MW{n}"), "type": "line", "text": "",
               "config": {"source_item": from, "target_item": to}})
    };
    json!([{
        "app_name": "記錄", "app_attr": "user", "language_package": {},
        "flow_list": [{
            "flow_name": "記錄表", "description": "",
            "config": {"api_path": "own_log", "api": true, "mission": true,
                       "permission": [{"role_name": role,
                                       "value": {"view": true, "add": true, "modify": false, "delete": false}}]},
            "flowobject": {"form_object": form, "items": [
                item("FITEM_1", "start", "開始", json!({"input": [{"name": "src", "value": "direct", "require": false}]})),
                item("FITEM_2", "setform", "記錄", json!({"calculate": [], "output": [],
                    "input": [{"name": "#(FORMITM_4)", "value": "logged"}, {"name": "#(FORMITM_2)", "value": "$(src)"}]})),
                item("FITEM_3", "org1", "組織", json!({"input": [], "output": []})),
                item("FITEM_4", "switch", "長度", json!({
                    "calculate": [{"type": "len", "from": "#(FORMITM_1)", "para1": "", "para2": "", "to": "$(tlen)"}],
                    "rules": [{"target": "FITEM_5", "value1": "$(tlen)", "value2": "", "rule": "!="}]})),
                item("FITEM_5", "end", "完成", json!({"output": []})),
                line(1, "FITEM_1", "FITEM_2"), line(2, "FITEM_2", "FITEM_3"), line(3, "FITEM_3", "FITEM_4")
            ]}
        }]
    }])
}

#[tokio::test]
async fn an_app_of_our_own_runs_setform_org_and_calculate_to_its_end() {
    let fake = FakeOmflow::start_with(seed_with(&own_app("任務處理組")))
        .await
        .unwrap();
    let dave = stops::login(&fake, "dave", "dave-pass");
    let data_no = dave
        .flow(FlowRef::parse(&flow_uuid("記錄", "記錄表")))
        .create()
        .set("FORMITM_1", "Audit")
        .send()
        .await
        .unwrap()
        .unwrap();
    let rows = fake.state().tickets("own_log").unwrap();
    let row = rows
        .iter()
        .find(|r| r.data_no == data_no && !r.history)
        .unwrap();
    assert!(row.closed && !row.error, "{row:?}");
    assert_eq!(
        row.status.as_deref(),
        Some("已記錄"),
        "the setform's status"
    );
    assert_eq!(
        row.field(&"FORMITM_2".parse().unwrap()),
        Some("direct"),
        "the start input, through the setform"
    );
    // The title's pattern (from its start, as Python's re.match): the client refuses a
    // lower-case title; forced, the fake refuses it as the real server does.
    let refused = dave
        .flow(FlowRef::parse(&flow_uuid("記錄", "記錄表")))
        .create()
        .set("FORMITM_1", "audit")
        .send()
        .await
        .unwrap_err();
    assert!(refused.is_refusal(), "{refused}");
    let forced = dave
        .flow(FlowRef::parse(&flow_uuid("記錄", "記錄表")))
        .create()
        .set("FORMITM_1", "audit")
        .force()
        .send()
        .await
        .unwrap_err();
    assert!(forced.to_string().contains("缺少必填欄位"), "{forced}");
    let listed = dave
        .flow(FlowRef::parse("own_log"))
        .tickets()
        .send()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "View from the app's permission");
}

#[test]
fn an_app_that_cannot_be_loaded_says_why_and_loads_nothing() {
    let unknown_role = Seed::demo()
        .builder()
        .app(&own_app("經理組"))
        .build()
        .unwrap_err();
    assert!(
        unknown_role.to_string().contains("role \"經理組\""),
        "{unknown_role}"
    );
    // Every kind of stop of the real server's apps runs; a kind the engine does not have is
    // refused, naming the stop, and nothing of the file is loaded.
    let mut seed = Seed::demo();
    let flows = seed.flows.len();
    seed.clone()
        .add_app(&stops::export("apptest_main.json"))
        .unwrap();
    let mut strange = own_app("任務處理組");
    strange[0]["flow_list"][0]["flowobject"]["items"][2]["type"] = json!("teleport");
    let err = seed.add_app(&strange).unwrap_err();
    let AppError::UnsupportedStops { stops } = &err else {
        panic!("{err}");
    };
    assert_eq!(stops, &["記錄表: 組織 (FITEM_3, teleport)"]);
    assert_eq!(seed.flows.len(), flows, "nothing of the file was loaded");
    let mut twice = Seed::demo();
    twice.add_app(&stops::export("apptest_ext.json")).unwrap();
    assert_eq!(
        twice
            .add_app(&stops::export("apptest_ext.json"))
            .unwrap_err(),
        AppError::DuplicateApiPath("apptest_ext".into())
    );
    assert!(matches!(
        Seed::demo().add_app(&json!([{"flow_list": []}])),
        Err(AppError::NotAnExport(_))
    ));
}

/// The fake serves `flow-active-app/list/` and `/export/` as a real server does, to holders of
/// the flow-management permission: an app loaded from a file exports as that file, the seed's
/// own app from its flows, and either export loads into another fake.
#[tokio::test]
async fn apps_list_and_export_as_a_real_server_and_load_back_into_a_fake() {
    let app = stops::export("apptest_ext.json");
    let fake = FakeOmflow::start_with(seed_with(&app)).await.unwrap();
    let admin = stops::login(&fake, "admin", "admin");
    let apps = admin.apps().await.unwrap();
    let names: Vec<&str> = apps.iter().map(|a| a.app_name.as_str()).collect();
    assert_eq!(names.last(), Some(&"外部服務"), "{names:?}");
    assert_eq!(apps[0].id, 1, "the seed's own app first");
    let loaded = apps.last().unwrap().id;
    let exported = admin.export_apps(&[loaded]).await.unwrap();
    assert_eq!(
        serde_json::to_value(&exported).unwrap(),
        app,
        "a loaded app exports as its file"
    );
    let own = admin.export_apps(&[apps[0].id]).await.unwrap();
    let own = serde_json::to_value(&own).unwrap();
    let mut elsewhere = Seed::demo();
    elsewhere.flows.clear();
    elsewhere.tickets.clear();
    elsewhere.add_app(&own).unwrap();
    let flow = &elsewhere.flows[0];
    assert_eq!(
        flow.api_path, "mission",
        "the seed's own app loads back: {flow:?}"
    );
    assert!(!flow.items.is_empty());
    let unknown = admin.export_apps(&[99]).await.unwrap_err();
    assert!(unknown.to_string().contains("匯出失敗"), "{unknown}");
    // alice holds no flow-management permission: the server redirects her to its
    // permission-denied page.
    let alice = stops::login(&fake, "alice", "alice-pass");
    let refused = alice.apps().await.unwrap_err();
    assert_eq!(refused.status(), Some(302), "{refused:?}");
}

/// Row ids are per flow: alice (no View on 外部任務) names a row id of one of her 任務單
/// missions with 外部任務's api_path. The client finds no such row of hers there (the data-id
/// lookup any user may call) and says so, instead of checking 任務單's form and sending.
#[tokio::test]
async fn a_push_by_api_path_of_a_row_that_is_a_mission_of_another_flow_is_refused() {
    let app = stops::export("apptest_ext.json");
    let fake = FakeOmflow::start_with(seed_with(&app)).await.unwrap();
    let alice = stops::login(&fake, "alice", "alice-pass");
    let mission = alice.missions().send().await.unwrap().remove(0);
    let row = mission.data_id.unwrap();
    let before = fake.state().json()["flows"].clone();
    let refused = alice
        .flow(FlowRef::parse("apptest_ext"))
        .push(row)
        .set("FORMITM_2", "done")
        .send()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("任務單") && refused.contains("not at api_path apptest_ext"),
        "{refused}"
    );
    assert_eq!(fake.state().json()["flows"], before, "nothing sent");
}

/// A flow with no ticket yet, named by its api_path: a flow manager's untyped create learns
/// the flow's uuid from the deployed flows' list (the start form is then read by uuid).
#[tokio::test]
async fn a_managers_first_create_in_a_new_flow_by_api_path_needs_no_ticket_to_learn_from() {
    let app = stops::export("apptest_ext.json");
    let fake = FakeOmflow::start_with(seed_with(&app)).await.unwrap();
    let admin = stops::login(&fake, "admin", "admin");
    let data_no = admin
        .flow(FlowRef::parse("apptest_ext"))
        .create()
        .set("FORMITM_1", "The first one")
        .send()
        .await
        .unwrap()
        .unwrap();
    let row = fake
        .state()
        .current_row("apptest_ext", data_no.get())
        .unwrap()
        .unwrap();
    assert_eq!(row.title.as_deref(), Some("The first one"));
}
