//! The flow engine's log rows (data_param, error rows, ids, stamps) and how requests are
//! read: the query engine's regex and page paths, Python-style JSON bodies, the `/rest/`
//! dispatcher.

mod common;

use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn the_engine_logs_the_switch_inputs_and_the_data_id_as_sent() {
    let s = Session::new(four_users()).await;
    let data_id = s.current_data_id(1).await;
    // Ticket 1 waits at FITEM_2; `dispatch_done` leads through switch FITEM_3 to FITEM_5.
    let pushed = s
        .edit(
            json!({"action": "update", "data_id": data_id.to_string(), "formdata": [
                {"id": "FORMITM_1", "type": "h_title", "value": "Alpha printer broken"},
                {"id": "FORMITM_3", "type": "h_level", "value": "green"},
                {"id": "FORMITM_4", "type": "h_status", "value": "dispatch_done"},
                {"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}}
            ]}),
        )
        .await;
    assert_eq!(pushed["status"], 200, "{pushed}");
    let next = s.current_data_id(1).await;
    let rows = s
        .call(
            "/rest/flowmanage/api/omdata/list/mission/",
            json!({"search_columns": ["data_param"], "search_conditions": [{"column": "id", "condition": "=", "value": next}]}),
        )
        .await;
    let param: Value =
        serde_json::from_str(rows["result"][0]["data_param"].as_str().unwrap()).unwrap();
    assert_eq!(
        param["data_id"],
        json!(data_id.to_string()),
        "as sent: {param}"
    );
    // FITEM_3's rules compare `#(FORMITM_4)` (left) with literals (right): only the
    // reference is logged; a literal left side would be logged under itself.
    assert_eq!(param["chart_input"], json!({"FORMITM_4": "dispatch_done"}));
}

#[tokio::test]
async fn a_closed_ticket_logs_no_next_item_and_the_end_as_its_origin() {
    let s = Session::new(four_users()).await;
    for status in ["dispatch_done", "work_done", "check_done"] {
        let data_id = s.current_data_id(1).await;
        let pushed = s
            .edit(json!({"action": "update", "data_id": data_id, "formdata": [
                {"id": "FORMITM_1", "type": "h_title", "value": "Alpha printer broken"},
                {"id": "FORMITM_2", "type": "areabox", "value": "desc"},
                {"id": "FORMITM_3", "type": "h_level", "value": "green"},
                {"id": "FORMITM_4", "type": "h_status", "value": status},
                {"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}}
            ]}))
            .await;
        assert_eq!(pushed["status"], 200, "{status}: {pushed}");
    }
    let rows = s
        .call(
            "/rest/flowmanage/api/omdata/list/mission/",
            json!({"search_columns": ["data_param", "stop_uuid"], "search_conditions": [{"column": "data_no", "condition": "=", "value": 1}, {"column": "closed", "condition": "=", "value": true}]}),
        )
        .await;
    let closed = &rows["result"][0];
    let param: Value = serde_json::from_str(closed["data_param"].as_str().unwrap()).unwrap();
    assert_eq!(param["chart_id_to"], "", "{param}");
    assert_eq!(param["chart_id_from"], closed["stop_uuid"]);
    assert_eq!(param["chart_input"], json!({"FORMITM_4": "check_done"}));
}

#[tokio::test]
async fn a_switch_without_a_matching_rule_leaves_an_error_row_at_the_switch() {
    let s = Session::new(four_users()).await;
    let data_id = s.current_data_id(1).await;
    let body = |id: u64| {
        json!({"action": "update", "data_id": id, "formdata": [
            {"id": "FORMITM_1", "type": "h_title", "value": "Alpha printer broken"},
            {"id": "FORMITM_3", "type": "h_level", "value": "green"},
            {"id": "FORMITM_4", "type": "h_status", "value": "zzz"},
            {"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}}
        ]})
    };
    let pushed = s.edit(body(data_id)).await;
    assert_eq!(pushed["message"], "推單成功。", "{pushed}");
    let rows = s
        .call(
            "/rest/flowmanage/api/omdata/list/mission/",
            json!({"search_columns": ["id", "stop_uuid", "error", "error_message", "data_param"], "search_conditions": [{"column": "data_no", "condition": "=", "value": 1}, {"column": "history", "condition": "=", "value": false}]}),
        )
        .await;
    let row = &rows["result"][0];
    assert_eq!(
        (
            row["stop_uuid"].clone(),
            row["error"].clone(),
            row["error_message"].clone()
        ),
        (json!("FITEM_3"), json!(true), json!("找不到符合的條件。"))
    );
    let param: Value = serde_json::from_str(row["data_param"].as_str().unwrap()).unwrap();
    assert_eq!(param["chart_id_to"], "FITEM_3");
    assert_eq!(param["chart_id_from"], "FITEM_2");
    assert!(param.get("chart_input").is_none(), "{param}");
    let again = s.edit(body(row["id"].as_u64().unwrap())).await;
    assert_eq!(
        again["message"],
        "該流程目前並未處於人工處理點，無法人工推進流程。"
    );
}

#[tokio::test]
async fn start_input_fills_the_flow_values_instead_of_the_start_items_inputs() {
    let s = Session::new(four_users()).await;
    let formdata = json!([
        {"id": "FORMITM_1", "type": "h_title", "value": "With inputs"},
        {"id": "FORMITM_3", "type": "h_level", "value": "green"},
        {"id": "FORMITM_4", "type": "h_status", "value": "dispatch"},
        {"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}}
    ]);
    for (start_input, expected) in [
        (json!({"x": 1}), json!({"x": 1})),
        (json!("{\"y\": \"z\"}"), json!({"y": "z"})),
        (json!({}), json!({"result": "success"})),
    ] {
        let created = s
            .edit(json!({"action": "create", "formdata": formdata.clone(), "start_input": start_input}))
            .await;
        let data_no = created["result"].as_u64().expect("created");
        let rows = s
            .call(
                "/rest/flowmanage/api/omdata/list/mission/",
                json!({"search_columns": ["data_param"], "search_conditions": [{"column": "data_no", "condition": "=", "value": data_no}], "order_columns": ["-id"], "limit": 1}),
            )
            .await;
        let param: Value =
            serde_json::from_str(rows["result"][0]["data_param"].as_str().unwrap()).unwrap();
        assert_eq!(param["flow_value"], expected, "{param}");
    }
}

#[tokio::test]
async fn a_mission_naming_no_group_or_user_is_skipped_without_using_an_id() {
    let s = Session::new(four_users()).await;
    let before = s
        .missions(json!({"search_columns": ["id"], "order_columns": ["-id"], "limit": 1}))
        .await;
    let last_id = before["result"][0]["id"].as_u64().unwrap();
    let create = |group: &str, user: &str| {
        json!({"action": "create", "formdata": [
            {"id": "FORMITM_1", "type": "h_title", "value": "Keys"},
            {"id": "FORMITM_3", "type": "h_level", "value": "green"},
            {"id": "FORMITM_4", "type": "h_status", "value": "dispatch"},
            {"id": "FORMITM_5", "type": "h_group", "value": {"group": group, "user": user}}
        ]})
    };
    for (group, user) in [("abc", ""), ("99", ""), ("2", "999")] {
        let answer = s.edit(create(group, user)).await;
        assert_eq!(answer["message"], "開單成功。", "{group}/{user}: {answer}");
    }
    // Each ticket still gets its FITEM_2 mission (group 2 from the stop), with consecutive
    // ids: the creation records that named no group or user used none.
    let after = s
        .missions(json!({"search_columns": ["id", "title"], "search_conditions": [{"column": "title", "condition": "=", "value": "Keys"}]}))
        .await;
    let ids: Vec<u64> = after["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids.len(), 3, "{after}");
    assert!(ids.windows(2).all(|w| w[1] == w[0] + 1), "{ids:?}");
    assert_eq!(
        ids[0],
        last_id + 1,
        "no id used before the first visible mission"
    );
}

#[tokio::test]
async fn writes_never_share_a_stamp_so_time_orders_follow_the_writes() {
    let s = Session::new(four_users()).await;
    let rows = s
        .call(
            "/rest/flowmanage/api/omdata/list/mission/",
            json!({"search_columns": ["id", "createtime", "updatetime"], "order_columns": ["-updatetime"]}),
        )
        .await;
    let rows = rows["result"].as_array().unwrap();
    let stamps: Vec<&str> = rows
        .iter()
        .map(|r| r["updatetime"].as_str().unwrap())
        .collect();
    let mut distinct = stamps.clone();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        stamps.len(),
        "one stamp per write: {stamps:?}"
    );
    let ids: Vec<u64> = rows.iter().map(|r| r["id"].as_u64().unwrap()).collect();
    let mut newest_first = ids.clone();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(ids, newest_first, "rows written later sort later in time");
}

#[tokio::test]
async fn a_regex_python_cannot_compile_raises_when_tested_and_earlier_errors_still_win() {
    let s = Session::new(four_users()).await;
    // SQLite's REGEXP is Python's `re.search`: it raises on the first value it tests (the
    // random run against the real server), so the query fails.
    let raised = s
        .missions(json!({"search_conditions": [{"column": "title__regex", "condition": "=", "value": "("}]}))
        .await;
    assert_eq!(raised["status"], 404, "{raised}");
    assert!(
        raised["message"]
            .as_str()
            .unwrap()
            .ends_with("user-defined function raised exception"),
        "{raised}"
    );
    let later = s
        .missions(json!({"search_conditions": [{"column": "title__regex", "condition": "=", "value": "("}], "search_columns": "id"}))
        .await;
    assert!(later["message"]
        .as_str()
        .unwrap()
        .contains("Cannot resolve keyword 'i' into field."));
}

#[tokio::test]
async fn the_plain_page_path_answers_as_the_query_engine_does() {
    let s = Session::new(four_users()).await;
    for (start, limit) in [(0, 100), (1, 2), (1, 1), (3, 2), (0, 0)] {
        for descending in [false, true] {
            let order = if descending { "-id" } else { "id" };
            // `["-id"]` takes the plain path, `["-id", "id"]` the engine: same answer.
            let plain = s
                .missions(json!({"order_columns": [order], "start": start, "limit": limit}))
                .await;
            let engine = s
                .missions(json!({"order_columns": [order, "id"], "start": start, "limit": limit}))
                .await;
            assert_eq!(plain, engine, "{order} {start}..{limit}");
        }
    }
    let default = s.missions(json!({})).await;
    let engine = s.missions(json!({"order_columns": ["id", "id"]})).await;
    assert_eq!(default, engine);
}

#[tokio::test]
async fn bodies_are_read_as_pythons_json_reads_them() {
    let s = Session::new(four_users()).await;
    let list = "/rest/my-mission/api/my-mission/list/";
    let body = |limit: &str| {
        format!(
            r#"{{"security": "{}", "omflow_restapi": 1, "limit": {limit}}}"#,
            s.token
        )
    };
    let nan = s.raw(list, &body("NaN")).await;
    assert_eq!(
        nan["message"],
        "查詢失敗，錯誤訊息如下：cannot convert float NaN to integer"
    );
    for infinite in ["Infinity", "-Infinity", "1e400"] {
        let answer = s.raw(list, &body(infinite)).await;
        assert_eq!(
            answer["message"], "查詢失敗，錯誤訊息如下：cannot convert float infinity to integer",
            "{infinite}"
        );
    }
    let text = s.raw(list, &body("\"NaN\"")).await;
    assert!(
        text["message"]
            .as_str()
            .unwrap()
            .contains("invalid literal for int() with base 10: 'NaN'"),
        "a string stays a string: {text}"
    );
}

#[tokio::test]
async fn the_rest_dispatcher_resolves_against_the_whole_url_table() {
    let s = Session::new(four_users()).await;
    let denied = s.call("/rest/api/permission/denied/", json!({})).await;
    assert_eq!(
        (denied["status"].clone(), denied["message"].clone()),
        (json!(403), json!("您沒有權限進行此操作。"))
    );
    let security = s.call("/rest/accounts/api/security/get/", json!({})).await;
    assert_eq!(security["message"], "OmUser matching query does not exist.");
    for unnamed in [
        "/rest/page/403/",
        "/rest/rest/my-mission/api/my-mission/list/",
    ] {
        let answer = s.call(unnamed, json!({})).await;
        assert_eq!(answer["status"], 500, "{unnamed}");
        assert_eq!(
            answer["message"], "attribute name must be string, not 'NoneType'",
            "{unnamed}"
        );
        // The token check comes first.
        let bad = s
            .raw(unnamed, r#"{"security": "nope", "omflow_restapi": 1}"#)
            .await;
        assert_ne!(bad["status"], 500, "{unnamed}: {bad}");
    }
    let unknown = s.call("/rest/page/nosuch/", json!({})).await;
    assert_eq!(unknown["message"], "URL錯誤，請確認後重新發送請求。");
}
