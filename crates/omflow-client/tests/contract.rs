//! Contract tests: the exact method, path, headers and JSON body of every operation.

use omflow_client::{Client, Error, PushRefusal, RetryPolicy};
use omflow_model::checks::Refusal;
use omflow_model::query::{col, Query};
use omflow_model::{DataId, DataNo, FlowUuid, QuickAction};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CODE: &str = "0b8e3c1a-1111-4222-8333-444455556666";

fn ok(result: Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"status": 200, "message": "ok", "result": result}))
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/accounts/api/security/get/"))
        .and(header("authorization", "Basic YWRtaW46YWRtaW4="))
        .respond_with(ok(json!({"security": CODE})))
        .expect(1)
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder(server.uri())
        .credentials("admin", "admin")
        .retry(RetryPolicy::none())
        .language(omflow_model::Lang::En)
        .build()
        .unwrap()
}

fn with_code(mut body: Value) -> Value {
    body["security"] = json!(CODE);
    body["omflow_restapi"] = json!(1);
    body
}

const HEX: &str = "dc33fb340034418c8fbb3baf15525e86";

fn flow() -> FlowUuid {
    FlowUuid::parse(HEX).unwrap()
}

/// A stop form as `omdata/load` sends it: FORMITM_2 optional, the others required.
fn loaded(quick_action: Value) -> Value {
    let field = |id: &str, kind: &str, title: &str, require: bool| json!({"id": id, "type": kind, "parent": "FORMBOX_1", "hidden": false, "config": {"title": title, "require": require, "readonly": false}});
    json!({
        "formobject": {"form_item_counter": 5, "items": [
            {"id": "FORMBOX_1", "type": "box6", "config": {"title": "box"}},
            field("FORMITM_1", "h_title", "主旨", true),
            field("FORMITM_2", "areabox", "說明", false),
            field("FORMITM_3", "h_level", "燈號", true),
            field("FORMITM_4", "h_status", "階段", true),
            {"id": "FORMITM_5", "type": "h_group", "config": {"group_title": "受派組織", "require": true, "user_require": false}}]},
        "formdata": [
            {"id": "FORMITM_1", "value": "Beta", "type": "h_title"},
            {"id": "FORMITM_2", "value": "desc", "type": "areabox"},
            {"id": "FORMITM_3", "value": "red", "type": "h_level"},
            {"id": "FORMITM_4", "value": "dispatch", "type": "h_status"},
            {"id": "FORMITM_5", "value": {"group": "2", "user": ""}, "type": "h_group"}],
        "config": {}, "flow_name": {"trans": "任務單", "original": "任務單"},
        "app_name": {"trans": "任務處理", "original": "任務處理"},
        "quick_action": quick_action, "files": [], "find_item": true, "closed": false})
}

async fn mount_load(server: &MockServer, data_id: u64, quick_action: Value) {
    Mock::given(method("POST"))
        .and(path("/rest/flowmanage/api/omdata/load/"))
        .and(body_json(with_code(
            json!({"flow_uuid": HEX, "data_id": data_id}),
        )))
        .respond_with(ok(loaded(quick_action)))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn missions_list_sends_the_query_as_json_with_the_code() {
    let server = server().await;
    let query = Query::builder()
        .filter(col("level").eq("red"))
        .order_by_desc("id")
        .page_size(50)
        .offset(50)
        .build()
        .unwrap();
    Mock::given(method("POST"))
        .and(path("/rest/my-mission/api/my-mission/list/"))
        .and(header("content-type", "application/json"))
        .and(header("accept-language", "en"))
        .and(body_json(with_code(json!({"search_columns": [], "search_conditions": [{"column": "level", "condition": "=", "value": "red"}], "exclude_conditions": [], "order_columns": ["-id"], "limit": 100, "start": 50}))))
        .respond_with(ok(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server)
        .missions()
        .query(query)
        .send()
        .await
        .unwrap();
    assert!(page.is_empty());
    server.verify().await;
}

#[tokio::test]
async fn push_loads_the_ticket_types_the_fields_and_fills_the_required_ones() {
    let server = server().await;
    mount_load(&server, 4, Value::Null).await;
    Mock::given(method("POST"))
        .and(path("/rest/flowmanage/api/omdata/edit/None/"))
        .and(body_json(with_code(
            json!({"action": "update", "flow_uuid": HEX, "data_id": 4, "formdata": [
            {"id": "FORMITM_4", "type": "h_status", "value": "dispatch_done"},
            {"id": "FORMITM_1", "type": "h_title", "value": "Beta"},
            {"id": "FORMITM_3", "type": "h_level", "value": "red"},
            {"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}}]}),
        )))
        .respond_with(ok(json!(2)))
        .expect(1)
        .mount(&server)
        .await;
    let outcome = client(&server)
        .flow(flow())
        .push(DataId(4))
        .set("FORMITM_4", "dispatch_done")
        .send()
        .await
        .unwrap();
    assert_eq!(outcome.data_no, Some(DataNo(2)));
    assert_eq!(outcome.state, None, "not waited for");
    server.verify().await;
}

#[tokio::test]
async fn quick_action_create_delete_and_lookup_bodies() {
    let server = server().await;
    mount_load(&server, 13, json!("完成,退回")).await;
    let by_uuid = || path("/rest/flowmanage/api/omdata/edit/None/");
    Mock::given(method("POST"))
        .and(by_uuid())
        .and(body_json(with_code(
            json!({"action": "update", "flow_uuid": HEX, "data_id": 13, "quick_action": "action1"}),
        )))
        .respond_with(ok(json!(2)))
        .expect(1)
        .mount(&server)
        .await;
    let start_form = serde_json::to_string(&loaded(Value::Null)["formobject"]).unwrap();
    Mock::given(method("POST"))
        .and(path("/rest/flowmanage/api/form-design/load/"))
        .and(body_json(with_code(json!({"flow_uuid": HEX}))))
        .respond_with(ok(json!({"start_input": [], "flow_name": "任務單", "formobject": start_form, "attachment": true, "use_form": true})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(by_uuid())
        .and(body_json(with_code(json!({"action": "create", "flow_uuid": HEX, "formdata": [{"id": "FORMITM_1", "type": "h_title", "value": "New"}, {"id": "FORMITM_3", "type": "h_level", "value": "red"}, {"id": "FORMITM_4", "type": "h_status", "value": "dispatch"}, {"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}}]}))))
        .respond_with(ok(json!(11)))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/flowmanage/api/omdata/edit/mission/"))
        .and(body_json(with_code(
            json!({"action": "delete", "data_no": ["5", "6"]}),
        )))
        .respond_with(ok(json!("")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/flowmanage/api/omdata-data-id/get/mission/"))
        .and(body_json(with_code(json!({"data_no": 8}))))
        .respond_with(ok(json!([{"data_id": 22, "stop_chart_text": "任務分析"}])))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let outcome = client
        .flow(flow())
        .quick_action(DataId(13), QuickAction::Action1)
        .send()
        .await
        .unwrap();
    assert_eq!(outcome.data_no, Some(DataNo(2)));
    // Two creates load the start form once.
    for _ in 0..2 {
        let created = client
            .flow(flow())
            .create()
            .set("FORMITM_1", "New")
            .set("FORMITM_3", "red")
            .set("FORMITM_4", "dispatch")
            .set("FORMITM_5", json!({"group": "2", "user": ""}))
            .send()
            .await
            .unwrap();
        assert_eq!(created, Some(DataNo(11)));
    }
    client
        .delete("mission", &[DataNo(5), DataNo(6)])
        .await
        .unwrap();
    let entries = client.lookup_data_id("mission", DataNo(8)).await.unwrap();
    assert_eq!(entries[0].data_id, DataId(22));
    server.verify().await;
}

#[tokio::test]
async fn unknown_fields_and_unoffered_quick_actions_are_refused_after_the_load() {
    let server = server().await;
    mount_load(&server, 4, Value::Null).await;
    let client = client(&server);
    let err = client
        .flow(flow())
        .push(DataId(4))
        .set("FORMITM_9", "x")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Refused(PushRefusal::Form(Refusal::UnknownField { field, available })) if field == "FORMITM_9" && available.contains("FORMITM_4 階段")),
        "{err}"
    );
    assert!(!err.may_have_been_applied());
    server.verify().await;
    server.reset().await;
    let server = self::server().await;
    mount_load(&server, 4, Value::Null).await;
    let err = self::client(&server)
        .flow(flow())
        .quick_action(DataId(4), QuickAction::Action2)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Refused(PushRefusal::QuickActionUnavailable { .. })
        ),
        "{err}"
    );
    let edits = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().contains("/omdata/edit/"))
        .count();
    assert_eq!(edits, 0, "nothing was sent to the edit endpoint");
}

#[tokio::test]
async fn ticket_list_is_current_rows_unless_history_is_asked() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/rest/flowmanage/api/omdata/list/mission/"))
        .and(body_json(with_code(json!({"search_columns": ["id"], "search_conditions": [{"column": "history", "condition": "=", "value": false}], "exclude_conditions": [], "order_columns": [], "limit": 100, "start": 0}))))
        .respond_with(ok(json!([{"id": 27}])))
        .expect(1)
        .mount(&server)
        .await;
    let rows = client(&server)
        .tickets("mission")
        .query(Query::builder().columns(["id"]).build().unwrap())
        .send_projected()
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    server.verify().await;
}

#[tokio::test]
async fn invalid_requests_are_not_sent() {
    let server = MockServer::start().await;
    let client = client(&server);
    assert!(matches!(
        client.push("a/b", DataId(1)).send().await,
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(
        client.delete("mission", &[]).await,
        Err(Error::InvalidRequest(_))
    ));
    assert!(matches!(
        client
            .push("mission", DataId(1))
            .set("title", "x")
            .send()
            .await,
        Err(Error::InvalidRequest(_))
    ));
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

#[tokio::test]
async fn values_the_stop_pattern_refuses_are_not_sent() {
    let server = server().await;
    let mut ticket = loaded(Value::Null);
    ticket["formobject"]["items"][1]["config"]["regex"] = json!("[A-Z]+-\\d+");
    Mock::given(method("POST"))
        .and(path("/rest/flowmanage/api/omdata/load/"))
        .respond_with(ok(ticket))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/flowmanage/api/omdata/edit/None/"))
        .respond_with(ok(json!(2)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client
        .flow(flow())
        .push(DataId(4))
        .set("FORMITM_1", "lower-1")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Refused(PushRefusal::Form(Refusal::Pattern { field, .. })) if field.id == "FORMITM_1"),
        "{err}"
    );
    client
        .flow(flow())
        .push(DataId(4))
        .set("FORMITM_1", "ABC-12 printer")
        .send()
        .await
        .unwrap();
    server.verify().await;
}

/// A refused push of a row that is not among the user's open missions, and whose standing
/// the ticket list does not show them (403): a form refusal is said as of a row that is not
/// theirs; a closed row is refused as closed, whichever form it reads with. Two reads more
/// than an accepted push (the missions, the ticket list), no write.
#[tokio::test]
async fn a_refused_row_not_among_my_missions_is_said_so_and_a_closed_one_as_closed() {
    use wiremock::matchers::path_regex;
    for closed in [false, true] {
        let server = server().await;
        let mut answer = loaded(Value::Null);
        answer["closed"] = json!(closed);
        Mock::given(method("POST"))
            .and(path("/rest/flowmanage/api/omdata/load/"))
            .respond_with(ok(answer))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/rest/my-mission/api/my-mission/list/"))
            .respond_with(ok(json!([])))
            .expect(u64::from(!closed))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path_regex("^/rest/flowmanage/api/omdata/list/"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"status": 403, "message": "您沒有權限進行此操作。", "result": null}),
            ))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path_regex("^/rest/flowmanage/api/omdata/edit/"))
            .respond_with(ok(json!(4)))
            .expect(0)
            .mount(&server)
            .await;
        let err = client(&server)
            .flow(flow())
            .push(DataId(4))
            .set("FORMITM_9", "not on the form")
            .send()
            .await
            .unwrap_err();
        if closed {
            assert!(
                matches!(err.refusal(), Some(PushRefusal::NotActionable { reason, .. }) if reason.contains("closed")),
                "{err}"
            );
        } else {
            let Some(PushRefusal::NotAmongMissions { refusal, .. }) = err.refusal() else {
                panic!("{err}")
            };
            assert!(matches!(**refusal, PushRefusal::Form(_)), "{err}");
        }
        server.verify().await;
    }
}
