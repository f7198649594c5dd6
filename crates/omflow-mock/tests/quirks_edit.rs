//! The edit endpoint's own rules (E4–E7), against the fake over HTTP: who may push, what
//! counts as filled, how formdata and the checker are read, create and delete oddities, and
//! the flow-active update that sets the `api` switch gating the endpoint.

mod common;

use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn push_permission_is_by_nick_name_or_group_name_never_by_creation() {
    let s = Session::new(four_users()).await;
    let erin = s.token_for("erin", "erin-pass").await;
    // erin (group 1: Add) creates a ticket; the flow assigns it to group 2.
    let mut create = push_body(0, "Erin's ticket", "dispatch");
    create["action"] = json!("create");
    let created = s
        .call_as(&erin, "/rest/flowmanage/api/omdata/edit/mission/", create)
        .await;
    assert_eq!(created["status"], 200, "{created}");
    let data_no = created["result"].as_u64().unwrap();
    let data_id = s.current_data_id(data_no).await;
    let by_creator = s
        .call_as(
            &erin,
            "/rest/flowmanage/api/omdata/edit/mission/",
            push_body(data_id, "Erin's ticket", "dispatch_done"),
        )
        .await;
    assert_eq!(by_creator["status"], 403, "the creator gets no push right");

    // carol is in group 2 (display name 資訊服務組): the group header lets her push.
    let carol = s.token_for("carol", "carol-pass").await;
    let by_group = s
        .call_as(
            &carol,
            "/rest/flowmanage/api/omdata/edit/mission/",
            push_body(data_id, "Erin's ticket", "dispatch_done"),
        )
        .await;
    assert_eq!(by_group["status"], 200, "{by_group}");

    // A header naming a user matches only that user's nick name, not the group.
    let data_id = s.current_data_id(data_no).await;
    let mut to_dave = push_body(data_id, "Erin's ticket", "dispatch");
    to_dave["formdata"][4]["value"] = json!({"group": "2", "user": "4"});
    let admin_push = s.edit(to_dave).await;
    assert_eq!(admin_push["status"], 200, "{admin_push}");
    let row = s
        .fake
        .state()
        .current_row("mission", data_no)
        .unwrap()
        .unwrap();
    let data_id = row.id.get();
    let header: Value = serde_json::from_str(row.group.as_deref().unwrap_or("null")).unwrap();
    assert_eq!(header["user"], "dave", "ids are replaced by nick names");
    let carol_again = s
        .call_as(
            &carol,
            "/rest/flowmanage/api/omdata/edit/mission/",
            push_body(data_id, "Erin's ticket", "dispatch_done"),
        )
        .await;
    assert_eq!(carol_again["status"], 403);
}

#[tokio::test]
async fn the_required_check_counts_zero_and_false_as_filled() {
    let s = Session::new(four_users()).await;
    for (value, filled) in [
        (json!(0), true),
        (json!(false), true),
        (json!(0.0), true),
        (json!(""), false),
        (Value::Null, false),
        (json!([]), false),
        (json!({}), false),
    ] {
        let data_id = s.current_data_id(1).await;
        let mut body = push_body(data_id, "x", "dispatch");
        body["formdata"][0]["value"] = value.clone();
        let answer = s.edit(body).await;
        if filled {
            assert_eq!(answer["status"], 200, "{value} counts as filled: {answer}");
        } else {
            assert_eq!(
                (answer["status"].clone(), answer["message"].clone()),
                (json!(404), json!("缺少必填欄位。")),
                "{value} does not count"
            );
        }
    }
}

#[tokio::test]
async fn push_formdata_rules_from_the_real_views() {
    let s = Session::new(four_users()).await;
    let data_id = s.current_data_id(2).await;
    let items = |group: Value, extra: Option<Value>| {
        let mut items = vec![
            json!({"id": "FORMITM_1", "type": "h_title", "value": "Beta network down"}),
            json!({"id": "FORMITM_3", "type": "h_level", "value": "red"}),
            json!({"id": "FORMITM_4", "type": "h_status", "value": "dispatch"}),
            json!({"id": "FORMITM_5", "type": "h_group", "value": group}),
        ];
        items.extend(extra);
        Value::Array(items)
    };
    let empty = s
        .edit(json!({"action": "update", "data_id": data_id, "formdata": {}}))
        .await;
    assert_eq!(
        empty["message"], "缺少必填欄位。",
        "iterating {{}} yields nothing"
    );
    let no_user = s
        .edit(json!({"action": "update", "data_id": data_id, "formdata": items(json!({"group": "2"}), None)}))
        .await;
    assert_eq!(no_user["message"], "'user'");
    let direct = s
        .edit(
            json!({"action": "update", "data_id": data_id, "formdata": items(
                json!({"group": "2", "user": ""}),
                Some(json!({"id": "title", "type": "inputbox", "value": "direct title"}))
            )}),
        )
        .await;
    assert_eq!(direct["message"], "推單成功。", "{direct}");
    let rows = s
        .call(
            "/rest/flowmanage/api/omdata/list/mission/",
            json!({"search_columns": ["title"], "search_conditions": [{"column": "data_no", "condition": "=", "value": 2}], "order_columns": ["-id"], "limit": 1}),
        )
        .await;
    // The header item maps onto `title` after every item is read: it wins.
    assert_eq!(rows["result"][0]["title"], "Beta network down", "{rows}");
    // LIMIT is written as limit - start: 2**63 with start 1 still fits.
    let huge = s
        .missions(json!({"limit": 9223372036854775808u64, "start": true}))
        .await;
    assert_eq!(huge["status"], 200, "{huge}");
}

/// What column formitm_2 (an areabox) holds after a create that sends `description` for it
/// (nothing, when `None`).
async fn stored_description(description: Option<serde_json::Value>) -> Vec<serde_json::Value> {
    let s = Session::new(four_users()).await;
    let mut formdata = vec![
        json!({"id": "FORMITM_1", "type": "h_title", "value": "Described"}),
        json!({"id": "FORMITM_3", "type": "h_level", "value": "green"}),
        json!({"id": "FORMITM_4", "type": "h_status", "value": "dispatch"}),
        json!({"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}}),
    ];
    if let Some(value) = description {
        formdata.push(json!({"id": "FORMITM_2", "type": "areabox", "value": value}));
    }
    let created = s
        .edit(json!({"action": "create", "formdata": formdata}))
        .await;
    let data_no = created["result"].as_u64().expect("a number");
    let rows = s
        .call(
            "/rest/flowmanage/api/omdata/list/mission/",
            json!({"search_columns": ["formitm_2"], "search_conditions": [{"column": "data_no", "condition": "=", "value": data_no}]}),
        )
        .await;
    let rows = rows["result"].as_array().unwrap().clone();
    assert!(!rows.is_empty());
    rows.iter().map(|r| r["formitm_2"].clone()).collect()
}

#[tokio::test]
async fn an_unfilled_areabox_keeps_the_designs_empty_default() {
    let stored = stored_description(None).await;
    assert!(stored.iter().all(|v| v == ""), "{stored:?}");
}

/// Values of other JSON types are stored as Python's `str()` writes them: an areabox sent as
/// `false` holds "False" (what the random run against the real server showed).
#[tokio::test]
async fn an_areabox_sent_as_false_holds_pythons_text_of_it() {
    let stored = stored_description(Some(json!(false))).await;
    assert!(stored.iter().all(|v| v == "False"), "{stored:?}");
}

#[tokio::test]
async fn create_with_an_unknown_form_id_reports_success_without_a_ticket_and_uses_a_number() {
    let s = Session::new(four_users()).await;
    let formdata = |extra: &str| {
        json!([
            {"id": "FORMITM_1", "type": "h_title", "value": "Gamma"},
            {"id": "FORMITM_3", "type": "h_level", "value": "green"},
            {"id": "FORMITM_4", "type": "h_status", "value": "dispatch"},
            {"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}},
            {"id": extra, "type": "text", "value": "x"}
        ])
    };
    let unknown = s
        .edit(json!({"action": "create", "formdata": formdata("FORMITM_99")}))
        .await;
    assert_eq!(unknown["message"], "開單成功。", "{unknown}");
    assert_eq!(unknown["result"], Value::Null);
    let rows = s
        .call(
            "/rest/flowmanage/api/omdata/list/mission/",
            json!({"search_columns": ["data_no"], "search_conditions": [{"column": "data_no", "condition": ">", "value": 2}]}),
        )
        .await;
    assert_eq!(rows["result"], json!([]), "no row is written");
    let next = s
        .edit(json!({"action": "create", "formdata": formdata("FORMITM_2")}))
        .await;
    assert_eq!(
        next["result"], 4,
        "number 3 was used by the failed insert: {next}"
    );
}

#[tokio::test]
async fn edit_runs_the_checker_on_every_key_then_the_actions_own_rules() {
    let s = Session::new(four_users()).await;
    // DataChecker's key-format rules apply to any key of the body, before the permission.
    let format = s.edit(json!({"action": "create", "tags[]": "x"})).await;
    assert_eq!(format["message"], "欄位格式錯誤，請修正後重新發送請求。");
    assert_eq!(format["result"]["result"], json!(["tags[]"]));
    // A falsy data_id skips the row check: the superuser passes and the lookup fails.
    let zero = s
        .edit(json!({"action": "update", "quick_action": "action2", "data_id": 0}))
        .await;
    assert_eq!(
        zero["message"], "Omdata_dc33fb340034418c8fbb3baf15525e86 matching query does not exist.",
        "{zero}"
    );
    let empty = s.edit(json!({"action": "update", "data_id": ""})).await;
    assert_eq!(
        empty["message"],
        "invalid literal for int() with base 10: ''"
    );
    // Delete walks whatever data_no is: an object's keys.
    let deleted = s
        .edit(json!({"action": "delete", "data_no": {"1": true}}))
        .await;
    assert_eq!(deleted["message"], "刪除成功。", "{deleted}");
    assert_eq!(deleted["result"], "");
    let gone = s
        .call(
            "/rest/flowmanage/api/omdata-data-id/get/mission/",
            json!({"data_no": 1}),
        )
        .await;
    assert_eq!(gone["result"], json!([]), "ticket 1 is deleted");
    let kept = s.current_data_id(2).await;
    assert!(kept > 0, "ticket 2 stays");
    let nothing = s.edit(json!({"action": "delete", "data_no": [null]})).await;
    assert_eq!(nothing["message"], "刪除成功。");
    let bad = s.edit(json!({"action": "delete", "data_no": 5})).await;
    assert_eq!(bad["message"], "找不到該筆資料。");
}

#[tokio::test]
async fn flow_active_update_saves_unknown_fields_and_checks_required_ones_first() {
    let s = Session::new(four_users()).await;
    let update = "/rest/flowmanage/api/flow-active/update/";
    let unknown = s
        .call(
            update,
            json!({"field": "mission", "app_name": "任務處理", "flow_name": "任務單"}),
        )
        .await;
    assert_eq!(unknown["status"], 200, "{unknown}");
    assert_eq!(unknown["message"], "設定成功。");
    // Nothing changed: the API is still open.
    let edit = s.edit(json!({"action": "nosuch"})).await;
    assert_ne!(edit["message"], "該流程未啟用API呼叫。", "{edit}");
    let empty = s
        .call(
            update,
            json!({"field": "", "app_name": "nosuch", "flow_name": "nosuch"}),
        )
        .await;
    assert_eq!(empty["status"], 404);
    assert_eq!(empty["result"]["status"], "require null", "{empty}");
    let missing_flow = s
        .call(
            update,
            json!({"field": "api", "app_name": "x", "flow_name": "y"}),
        )
        .await;
    assert_eq!(missing_flow["message"], "找不到該流程。", "{missing_flow}");
}
