//! Contract tests: the exact method, path, headers and JSON body of every operation.

use omflow_client::{Client, Error, RetryPolicy};
use omflow_model::query::{col, Query};
use omflow_model::{DataId, DataNo, QuickAction, QuickActionLabels};
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
        .flow("任務處理", "任務單")
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

async fn mount_api_format(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/rest/flowmanage/api/flow-active-api-format/get/"))
        .and(body_json(with_code(json!({"app_name": "任務處理", "flow_name": "任務單", "action": "update"}))))
        .respond_with(ok(json!({"input": {"security": "<security>", "api_path": "mission", "action": "update", "omflow_restapi": 1, "data_id": "<data_id>", "formdata": [
            {"id": "FORMITM_1", "value": "<主旨>", "type": "h_title"},
            {"id": "FORMITM_3", "value": "<燈號>", "type": "h_level"},
            {"id": "FORMITM_4", "value": "<階段>", "type": "h_status"},
            {"id": "FORMITM_5", "value": {"group": "<受派組織>", "user": "<受派人員>"}, "type": "h_group"}]}, "output": {}})))
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
async fn push_fills_types_and_the_fields_not_set_from_the_current_row() {
    let server = server().await;
    mount_api_format(&server).await;
    Mock::given(method("POST"))
        .and(path("/rest/flowmanage/api/omdata/list/mission/"))
        .and(body_json(with_code(json!({"search_columns": [], "search_conditions": [{"column": "id", "condition": "=", "value": 4}], "exclude_conditions": [], "order_columns": [], "limit": 1, "start": 0}))))
        .respond_with(ok(json!([{"id": 4, "flow_uuid": "dc33fb34-0034-418c-8fbb-3baf15525e86", "dataid_header": "", "data_no": 2, "history": false, "status": "分派中", "title": "Beta", "level": "red", "group": "{\"group\": \"x\", \"user\": \"\"}", "closed": false, "stop_uuid": "FITEM_2", "stop_chart_type": null, "stop_chart_text": "任務分析", "running": false, "error": false, "createtime": "2026-11-22T16:59:17.402", "updatetime": "2026-11-22T16:59:17.402", "stoptime": "2026-11-22T16:59:17.401", "create_user_id": "admin", "update_user_id": "admin", "data_param": "{}", "error_message": null, "init_data_id": 3, "is_child": false,
            "formitm_1": "Beta", "formitm_2": "desc", "formitm_3": "red", "formitm_4": "dispatch", "formitm_5": "{\"group\": \"2\", \"user\": \"\"}"}])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/flowmanage/api/omdata/edit/mission/"))
        .and(body_json(with_code(
            json!({"action": "update", "data_id": 4, "formdata": [
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
        .push("mission", DataId(4))
        .set("FORMITM_4", "dispatch_done")
        .send()
        .await
        .unwrap();
    assert_eq!(outcome.data_no, Some(DataNo(2)));
    server.verify().await;
}

#[tokio::test]
async fn quick_action_create_delete_and_lookup_bodies() {
    let server = server().await;
    mount_api_format(&server).await;
    let edit = || path("/rest/flowmanage/api/omdata/edit/mission/");
    Mock::given(method("POST"))
        .and(edit())
        .and(body_json(with_code(
            json!({"action": "update", "data_id": 13, "quick_action": "action1"}),
        )))
        .respond_with(ok(json!(2)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(edit())
        .and(body_json(with_code(json!({"action": "create", "formdata": [{"id": "FORMITM_1", "type": "h_title", "value": "New"}, {"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}}]}))))
        .respond_with(ok(json!(11)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(edit())
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
    let labels = QuickActionLabels::parse(Some("完成,退回"));
    assert_eq!(
        client
            .quick_action("mission", DataId(13), QuickAction::Action1)
            .labels(labels)
            .send()
            .await
            .unwrap(),
        Some(DataNo(2))
    );
    let created = client
        .create("mission")
        .set("FORMITM_1", "New")
        .set("FORMITM_5", json!({"group": "2", "user": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(created, Some(DataNo(11)));
    client
        .delete("mission", &[DataNo(5), DataNo(6)])
        .await
        .unwrap();
    let entries = client.lookup_data_id("mission", DataNo(8)).await.unwrap();
    assert_eq!(entries[0].data_id, DataId(22));
    server.verify().await;
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
    let unregistered = Client::builder(server.uri())
        .credentials("admin", "admin")
        .build()
        .unwrap();
    assert!(matches!(
        unregistered
            .push("mission", DataId(1))
            .set("FORMITM_1", "x")
            .send()
            .await,
        Err(Error::FieldTypeUnknown { .. })
    ));
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}
