//! The spec's quirk checklist, against the fake over HTTP.

mod common;

use common::*;
use omflow_mock::Seed;
use serde_json::json;

fn demo_seed() -> Seed {
    Seed::pristine()
        .builder()
        .join_group("admin", 2)
        .ticket("mission", "admin", "Alpha printer broken", "green")
        .ticket("mission", "admin", "Beta network down", "red")
        .ticket("mission", "admin", "gamma VPN access", "yellow")
        .ticket("mission", "admin", "Delta PRINTER toner", "green")
        .build()
        .unwrap()
}

#[tokio::test]
async fn envelope_is_http_200_with_integer_status_and_localized_message() {
    let s = Session::new(demo_seed()).await;
    let response = s
        .http
        .post(format!(
            "{}/rest/my-mission/api/my-mission/list/",
            s.fake.uri()
        ))
        .header("Accept-Language", "en")
        .body(json!({"security": "nope", "omflow_restapi": 1}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-language"], "en");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], 403);
    assert_eq!(body["message"], "The security code is wrong. Please confirm the security code or obtain a new security code.");
}

#[tokio::test]
async fn rest_paths_slash_optional_url_checked_first_any_method() {
    let s = Session::new(demo_seed()).await;
    let body = json!({"security": s.token, "omflow_restapi": 1}).to_string();
    let no_slash = s.raw("/rest/my-mission/api/my-mission/list", &body).await;
    assert_eq!(no_slash["status"], 200);
    let bad_url = s
        .raw(
            "/rest/no/such/api/",
            &json!({"security": "bad"}).to_string(),
        )
        .await;
    assert_eq!(bad_url["message"], "URL錯誤，請確認後重新發送請求。");
    let double = s.raw("/rest/my-mission/api/my-mission//list/", &body).await;
    assert_eq!(double["status"], 403);
    let put: serde_json::Value = s
        .http
        .put(format!(
            "{}/rest/my-mission/api/my-mission/list/?security=ignored",
            s.fake.uri()
        ))
        .body(body.clone())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(put["status"], 200);
    let as_form: serde_json::Value = s
        .http
        .post(format!(
            "{}/rest/my-mission/api/my-mission/list/",
            s.fake.uri()
        ))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        as_form["status"], 200,
        "JSON is tried first whatever the content type"
    );
}

#[tokio::test]
async fn restapi_flag_and_security_checks() {
    let s = Session::new(demo_seed()).await;
    let path = "/rest/my-mission/api/my-mission/list/";
    let string_zero = s
        .raw(
            path,
            &json!({"security": s.token, "omflow_restapi": "0"}).to_string(),
        )
        .await;
    assert_eq!(string_zero["status"], 200, "\"0\" is a truthy string");
    let int_zero = s
        .raw(
            path,
            &json!({"security": s.token, "omflow_restapi": 0}).to_string(),
        )
        .await;
    assert_eq!(int_zero["message"], "缺少參數：omflow_restapi");
    let missing = s.raw(path, &json!({"omflow_restapi": 1}).to_string()).await;
    assert_eq!(
        missing["message"],
        "安全碼錯誤，請確認安全碼或重新取得新的安全碼。"
    );
    let null = s
        .raw(
            path,
            &json!({"omflow_restapi": 1, "security": null}).to_string(),
        )
        .await;
    assert_eq!(null["message"], "缺少安全碼。");
    let list = s
        .raw(
            path,
            &json!({"omflow_restapi": 1, "security": []}).to_string(),
        )
        .await;
    assert_eq!(
        (list["status"].clone(), list["message"].clone()),
        (json!(500), json!("unhashable type: 'list'"))
    );
    let upper = s
        .raw(
            path,
            &json!({"omflow_restapi": 1, "security": s.token.to_uppercase()}).to_string(),
        )
        .await;
    assert_eq!(upper["status"], 403, "tokens are case-sensitive");
    let malformed = s.raw(path, "{\"security\": 1,").await;
    assert_eq!(malformed["message"], "缺少參數：omflow_restapi");
    let not_object = s.raw(path, "[1,2]").await;
    assert_eq!(
        not_object["message"],
        "'list' object has no attribute 'get'"
    );
}

#[tokio::test]
async fn sliding_expiry_one_token_per_user_and_replacement() {
    let s = Session::new(demo_seed()).await;
    let uri = s.fake.uri();
    let again = login(&s.http, &uri, "admin", "admin").await;
    assert_eq!(
        again["result"]["security"], s.token,
        "one shared token per user"
    );
    s.fake.advance_clock(200.0);
    assert_eq!(s.missions(json!({})).await["status"], 200);
    s.fake.advance_clock(200.0);
    assert_eq!(
        s.missions(json!({})).await["status"],
        200,
        "each use slides the window"
    );
    s.fake.advance_clock(300.0);
    let expired = s.missions(json!({})).await;
    assert_eq!(expired["message"], "安全碼過期，請重新取得新的安全碼。");
    assert_eq!(
        s.missions(json!({})).await["message"],
        expired["message"],
        "a failed use does not refresh"
    );
    let renewed = login(&s.http, &uri, "admin", "admin").await;
    assert_ne!(renewed["result"]["security"], s.token);
    assert_eq!(
        s.missions(json!({})).await["message"],
        "安全碼錯誤，請確認安全碼或重新取得新的安全碼。"
    );
}

#[tokio::test]
async fn login_failures_are_the_servers() {
    let s = Session::new(demo_seed()).await;
    let uri = s.fake.uri();
    assert_eq!(login(&s.http, &uri, "admin", "wrong").await["status"], 403);
    let unknown = login(&s.http, &uri, "nosuchuser", "x").await;
    assert_eq!(
        (unknown["status"].clone(), unknown["message"].clone()),
        (json!(500), json!("OmUser matching query does not exist."))
    );
    let email = login(&s.http, &uri, "admin@admin", "admin").await;
    assert_eq!(
        email["status"], 500,
        "email login always crashes with the right password"
    );
    let colon = login(&s.http, &uri, "admin", "a:b").await;
    assert_eq!(colon["message"], "too many values to unpack (expected 2)");
    let none: serde_json::Value = s
        .http
        .get(format!("{uri}/accounts/api/security/get/"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(none["message"], "OmUser matching query does not exist.");
    let no_slash = s
        .http
        .get(format!("{uri}/accounts/api/security/get"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_slash.status(), 301);
    let post_no_slash = s
        .http
        .post(format!("{uri}/accounts/api/security/get"))
        .send()
        .await
        .unwrap();
    assert_eq!(post_no_slash.status(), 500);
}

#[tokio::test]
async fn username_substring_collision_breaks_every_rest_call() {
    let s = Session::new(demo_seed()).await;
    let add = s
        .call(
            "/rest/accounts/api/user/add/",
            json!({"username": "superadmin", "token": "p"}),
        )
        .await;
    assert_eq!(add["status"], 200);
    let broken = s.missions(json!({})).await;
    assert_eq!(
        broken["message"],
        "get() returned more than one OmUser -- it returned 2!"
    );
    assert!(s.fake.with_world(|w| w.delete_user("superadmin")));
    assert_eq!(s.missions(json!({})).await["status"], 200);
}

#[tokio::test]
async fn empty_my_missions_is_the_404_quirk_but_a_filtered_empty_page_is_200() {
    let s = Session::new(Seed::pristine()).await;
    let empty = s.missions(json!({})).await;
    assert_eq!(
        empty["message"],
        "查詢失敗，錯誤訊息如下：'NoneType' object has no attribute 'objects'"
    );
    let s = Session::new(demo_seed()).await;
    let filtered = s
        .missions(
            json!({"search_conditions": [{"column": "data_no", "condition": "in", "value": []}]}),
        )
        .await;
    assert_eq!(
        (filtered["status"].clone(), filtered["result"].clone()),
        (json!(200), json!([]))
    );
    // A leading exact `data_no`, `data_id` or `id` is served from an index: one that names
    // no mission of mine is still an empty page, not the empty-set failure, and one that
    // names a mission gives the same rows as the same conditions behind another first one.
    for column in ["data_no", "data_id", "id"] {
        let nothing = s
            .missions(json!({"search_conditions": [{"column": column, "condition": "=", "value": 99999}]}))
            .await;
        assert_eq!(
            (nothing["status"].clone(), nothing["result"].clone()),
            (json!(200), json!([])),
            "{column}: {nothing}"
        );
        let indexed = s
            .missions(json!({"search_conditions": [
                {"column": column, "condition": "=", "value": 2},
                {"column": "title", "condition": "contains", "value": ""}]}))
            .await;
        let scanned = s
            .missions(json!({"search_conditions": [
                {"column": "title", "condition": "contains", "value": ""},
                {"column": column, "condition": "=", "value": 2}]}))
            .await;
        assert_eq!(indexed["status"], 200, "{indexed}");
        assert_eq!(
            indexed["result"].as_array().map(Vec::len),
            Some(1),
            "{column}: {indexed}"
        );
        assert_eq!(indexed["result"], scanned["result"], "{column}");
    }
    // A regex that does not compile fails the query once any listed mission has a value to
    // test, whatever the first condition selects: no index narrows such a list.
    let bad_regex = s
        .missions(json!({
            "search_conditions": [{"column": "data_no", "condition": "=", "value": 99999}],
            "exclude_conditions": [{"column": "title__regex", "condition": "=", "value": "("}]}))
        .await;
    assert!(
        bad_regex["message"]
            .as_str()
            .is_some_and(|m| m.ends_with("user-defined function raised exception")),
        "{bad_regex}"
    );
    // My missions are a filtered query set (a WHERE clause of the server's own): ties under a
    // descending key keep the scan's id order, with or without conditions of the caller's.
    let ids = |answer: &serde_json::Value| -> Vec<u64> {
        answer["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_u64().unwrap())
            .collect()
    };
    let tied = s
        .missions(json!({"search_columns": ["id"], "order_columns": ["-create_user"]}))
        .await;
    let by_id = s
        .missions(json!({"search_columns": ["id"], "order_columns": ["id"]}))
        .await;
    assert!(ids(&by_id).len() > 2, "{by_id}");
    assert_eq!(
        ids(&tied),
        ids(&by_id),
        "every mission's creator is admin: all tie"
    );
    // With nothing visible at all, the failure stands whatever the first condition.
    let s = Session::new(Seed::pristine()).await;
    let none = s
        .missions(
            json!({"search_conditions": [{"column": "data_no", "condition": "=", "value": 1}]}),
        )
        .await;
    assert_eq!(
        none["message"],
        "查詢失敗，錯誤訊息如下：'NoneType' object has no attribute 'objects'"
    );
}

#[tokio::test]
async fn condition_words_and_values() {
    let s = Session::new(demo_seed()).await;
    let cond = |column: &str, word: &str, value: serde_json::Value| json!({"search_conditions": [{"column": column, "condition": word, "value": value}], "order_columns": ["data_no"]});
    assert_eq!(
        ids(&s
            .missions(cond("title", "contains", json!("printer")))
            .await),
        vec![1, 4],
        "contains ignores case"
    );
    assert_eq!(
        ids(&s
            .missions(cond("title", "=", json!("beta network down")))
            .await),
        Vec::<u64>::new(),
        "= is case-sensitive"
    );
    assert_eq!(
        ids(&s.missions(cond("level", "like", json!("red"))).await),
        vec![2],
        "unknown words mean ="
    );
    assert_eq!(
        ids(&s.missions(cond("level", ">=", json!("red"))).await),
        vec![2]
    );
    assert_eq!(
        ids(&s.missions(cond("data_no", "in", json!([1, 3]))).await),
        vec![1, 3]
    );
    assert_eq!(
        ids(&s.missions(cond("data_no", "in", json!("13"))).await),
        vec![1, 3],
        "a string is iterated per character"
    );
    assert_eq!(
        s.missions(cond("data_no", "in", json!(3))).await["message"],
        "查詢失敗，錯誤訊息如下：'int' object is not iterable"
    );
    assert_eq!(
        ids(&s.missions(cond("data_no", ">", json!("2"))).await),
        vec![3, 4],
        "numeric strings are cast"
    );
    assert!(
        s.missions(cond("data_no", "=", json!("abc"))).await["message"]
            .as_str()
            .unwrap()
            .ends_with("invalid literal for int() with base 10: 'abc'")
    );
    assert_eq!(
        s.missions(cond("data_no", ">", json!(null))).await["message"],
        "查詢失敗，錯誤訊息如下：Cannot use None as a query value"
    );
    let truncated = s.missions(json!({"search_conditions": [{"column": "level", "condition": "=", "value": "red"}, {"column": "level", "value": "x"}, {"column": "data_no", "condition": "=", "value": 99}]})).await;
    assert_eq!(
        ids(&truncated),
        vec![2],
        "the broken condition and every later one are dropped"
    );
    let excluded = s.missions(json!({"exclude_conditions": [{"column": "level", "condition": "=", "value": "green"}, {"column": "title", "condition": "contains", "value": "alpha"}], "order_columns": ["data_no"]})).await;
    assert_eq!(
        ids(&excluded),
        vec![2, 3, 4],
        "exclude drops a row only when all conditions hold"
    );
    let unknown = s.missions(cond("nosuchcol", "=", json!("x"))).await;
    assert!(unknown["message"].as_str().unwrap().contains(
        "Cannot resolve keyword 'nosuchcol' into field. Choices are: action, assign_group"
    ));
}

#[tokio::test]
async fn paging_limit_is_an_end_index_and_projection_keeps_given_names() {
    let s = Session::new(demo_seed()).await;
    let page = |start: serde_json::Value, limit: serde_json::Value| json!({"order_columns": ["data_no"], "start": start, "limit": limit});
    assert_eq!(ids(&s.missions(page(json!(2), json!(3))).await), vec![3]);
    assert_eq!(
        ids(&s.missions(page(json!(1), json!(100))).await),
        vec![2, 3, 4]
    );
    assert_eq!(
        ids(&s.missions(page(json!(3), json!(2))).await),
        Vec::<u64>::new()
    );
    assert_eq!(
        ids(&s.missions(page(json!("1"), json!(2.7))).await),
        vec![2]
    );
    assert_eq!(
        s.missions(page(json!(-1), json!(2))).await["message"],
        "查詢失敗，錯誤訊息如下：Negative indexing is not supported."
    );
    let projected = s
        .missions(json!({"search_columns": ["data_no", "assign_group"], "limit": 1}))
        .await;
    assert_eq!(
        projected["result"],
        json!([{"data_no": 1, "assign_group": 2}])
    );
    let desc = s
        .missions(json!({"order_columns": ["-data_no"], "limit": 2, "search_columns": ["data_no"]}))
        .await;
    assert_eq!(ids(&desc), vec![4, 3]);
}

#[tokio::test]
async fn push_moves_the_ticket_and_changes_data_id() {
    let s = Session::new(demo_seed()).await;
    let data_id = s.current_data_id(2).await;
    let missing = s.edit(json!({"action": "update", "data_id": data_id, "formdata": [{"id": "FORMITM_4", "type": "h_status", "value": "dispatch_done"}]})).await;
    assert_eq!(
        missing["message"], "缺少必填欄位。",
        "every required field of the stop must be sent"
    );
    let no_type = s.edit(json!({"action": "update", "data_id": data_id, "formdata": [{"id": "FORMITM_4", "value": "x"}]})).await;
    assert_eq!(
        (no_type["status"].clone(), no_type["message"].clone()),
        (json!(404), json!("'type'"))
    );
    let pushed = s
        .edit(push_body(data_id, "Beta network down", "dispatch_done"))
        .await;
    assert_eq!(
        (pushed["status"].clone(), pushed["result"].clone()),
        (json!(200), json!(2)),
        "push returns the data_no"
    );
    let again = s
        .edit(push_body(data_id, "Beta network down", "dispatch_done"))
        .await;
    assert_eq!(
        again["message"],
        "Omdata_dc33fb340034418c8fbb3baf15525e86 matching query does not exist."
    );
    let next = s.current_data_id(2).await;
    assert!(next > data_id);
    let row = s.fake.state().current_row("mission", 2).unwrap().unwrap();
    assert_eq!(row.stop_chart_text.as_deref(), Some("任務處理"));
    assert_eq!(row.status.as_deref(), Some("處理中"));
    let unknown = s.edit(push_body(999_999, "x", "dispatch")).await;
    assert_eq!(
        unknown["status"], 403,
        "an unknown data_id fails the permission check"
    );
}

#[tokio::test]
async fn quick_actions_ignore_formdata_and_unknown_ones_still_push() {
    let s = Session::new(demo_seed()).await;
    let data_id = s.current_data_id(1).await;
    let unknown = s
        .edit(json!({"action": "update", "data_id": data_id, "quick_action": "action3"}))
        .await;
    assert_eq!(
        unknown["status"], 200,
        "an unknown quick action pushes the ticket unchanged"
    );
    let looped = s.current_data_id(1).await;
    assert!(looped > data_id);
    assert_eq!(
        s.fake
            .state()
            .current_row("mission", 1)
            .unwrap()
            .unwrap()
            .stop_uuid
            .as_deref(),
        Some("FITEM_2")
    );
    let to_work = s
        .edit(push_body(looped, "Alpha printer broken", "dispatch_done"))
        .await;
    assert_eq!(to_work["status"], 200);
    let at_work = s.current_data_id(1).await;
    let back = s.edit(json!({"action": "update", "data_id": at_work, "quick_action": "action2", "formdata": [{"id": "FORMITM_1", "type": "h_title", "value": "RENAMED"}]})).await;
    assert_eq!(back["status"], 200);
    let row = s.fake.state().current_row("mission", 1).unwrap().unwrap();
    assert_eq!(
        row.title.as_deref(),
        Some("Alpha printer broken"),
        "formdata is ignored"
    );
    assert_eq!(
        row.stop_uuid.as_deref(),
        Some("FITEM_2"),
        "action2 sends it back"
    );
}

#[tokio::test]
async fn quick_action_to_end_closes_ticket_and_missions() {
    let s = Session::new(demo_seed()).await;
    s.edit(push_body(
        s.current_data_id(3).await,
        "gamma VPN access",
        "dispatch_done",
    ))
    .await;
    s.edit(json!({"action": "update", "data_id": s.current_data_id(3).await, "quick_action": "action1"})).await;
    let review = s.current_data_id(3).await;
    let mission = s.missions(json!({"search_conditions": [{"column": "data_id", "condition": "=", "value": review}]})).await;
    assert_eq!(mission["result"][0]["action"], "成功,失敗");
    let done = s
        .edit(json!({"action": "update", "data_id": review, "quick_action": "action1"}))
        .await;
    assert_eq!(done["status"], 200);
    let state = s.fake.state();
    let row = state
        .tickets("mission")
        .unwrap()
        .into_iter()
        .find(|r| r.data_no.get() == 3 && !r.history)
        .unwrap();
    assert!(row.closed);
    assert!(state
        .missions()
        .unwrap()
        .iter()
        .filter(|m| m.data_no.map(|n| n.get()) == Some(3))
        .all(|m| m.closed));
    let lookup = s
        .call(
            "/rest/flowmanage/api/omdata-data-id/get/mission/",
            json!({"data_no": 3}),
        )
        .await;
    assert_eq!(lookup["result"], json!([]));
}

#[tokio::test]
async fn delete_accepts_lists_and_strings_not_bare_numbers() {
    let s = Session::new(demo_seed()).await;
    let bare = s.edit(json!({"action": "delete", "data_no": 1})).await;
    assert_eq!(bare["message"], "找不到該筆資料。");
    assert!(
        s.fake.state().current_row("mission", 1).unwrap().is_some(),
        "nothing deleted"
    );
    let deleted = s
        .edit(json!({"action": "delete", "data_no": ["1", 2, 2, 999]}))
        .await;
    assert_eq!(
        (deleted["status"].clone(), deleted["result"].clone()),
        (json!(200), json!(""))
    );
    let state = s.fake.state();
    assert!(
        state.current_row("mission", 1).unwrap().is_none()
            && state.current_row("mission", 2).unwrap().is_none()
    );
    assert!(state
        .missions()
        .unwrap()
        .iter()
        .all(|m| m.data_no.map(|n| n.get()) > Some(2)));
    let as_string = s.edit(json!({"action": "delete", "data_no": "3"})).await;
    assert_eq!(as_string["status"], 200);
}

#[tokio::test]
async fn edit_endpoint_checks_in_the_servers_order() {
    let s = Session::new(demo_seed()).await;
    let unknown = s
        .call(
            "/rest/flowmanage/api/omdata/edit/MISSION/",
            json!({"action": "update"}),
        )
        .await;
    assert_eq!(
        (unknown["status"].clone(), unknown["message"].clone()),
        (
            json!(500),
            json!("'NoneType' object has no attribute 'api'")
        )
    );
    let no_action = s.edit(json!({"data_id": 4})).await;
    assert_eq!(
        no_action["result"],
        json!({"status": "require missing", "result": ["action"], "message": "缺少必要參數，請確認後重新發送請求。"})
    );
    let bad_action = s.edit(json!({"action": "Update"})).await;
    assert_eq!(
        bad_action["message"],
        "請提供正確的動作，新增、編輯或刪除。"
    );
    let form: serde_json::Value = s
        .http
        .post(format!(
            "{}/rest/flowmanage/api/omdata/edit/mission/",
            s.fake.uri()
        ))
        .form(&[
            ("security", s.token.as_str()),
            ("omflow_restapi", "1"),
            ("action", "create"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(form["message"], "This QueryDict instance is immutable");
    s.call(
        "/rest/flowmanage/api/flow-active/update/",
        json!({"field": "api", "app_name": "任務處理", "flow_name": "任務單"}),
    )
    .await;
    let disabled = s.edit(json!({})).await;
    assert_eq!(
        disabled["message"], "該流程未啟用API呼叫。",
        "the API flag wins over a missing action"
    );
    let listed = s
        .call(
            "/rest/flowmanage/api/omdata/list/mission/",
            json!({"search_columns": ["id"], "limit": 1}),
        )
        .await;
    assert_eq!(
        listed["status"], 200,
        "the query-form list ignores the API flag"
    );
}

#[tokio::test]
async fn create_checks_required_fields_and_types() {
    let s = Session::new(demo_seed()).await;
    let none = s.edit(json!({"action": "create"})).await;
    assert_eq!(none["message"], "缺少必填欄位。");
    let no_type = s
        .edit(json!({"action": "create", "formdata": [{"id": "FORMITM_1", "value": "x"}]}))
        .await;
    assert_eq!(
        (no_type["status"].clone(), no_type["message"].clone()),
        (json!(500), json!("'type'"))
    );
    let mut body = push_body(0, "Epsilon", "dispatch");
    body["action"] = json!("create");
    let created = s.edit(body).await;
    assert_eq!(
        (created["status"].clone(), created["result"].clone()),
        (json!(200), json!(5))
    );
}

#[tokio::test]
async fn running_window_with_a_delayed_engine() {
    let s = Session::new(demo_seed()).await;
    s.fake.set_engine_delay_ms(1000);
    let data_id = s.current_data_id(4).await;
    assert_eq!(
        s.edit(push_body(data_id, "Delta", "dispatch_done")).await["status"],
        200
    );
    let running = s.edit(push_body(data_id, "Delta", "dispatch_done")).await;
    assert_eq!(
        running["message"],
        "該單目前為執行狀態，無法進行更新/刪除。"
    );
    s.fake.advance_clock(1.5);
    let after = s.edit(push_body(data_id, "Delta", "dispatch_done")).await;
    assert_eq!(
        after["message"],
        "Omdata_dc33fb340034418c8fbb3baf15525e86 matching query does not exist."
    );
}

#[tokio::test]
async fn django_answers_outside_rest() {
    let s = Session::new(demo_seed()).await;
    let uri = s.fake.uri();
    let home = s.http.get(format!("{uri}/")).send().await.unwrap();
    assert_eq!(home.status(), 302);
    assert_eq!(home.headers()["location"], "/accounts/login/?next=/");
    let csrf = s
        .http
        .post(format!("{uri}/my-mission/api/my-mission/list/"))
        .send()
        .await
        .unwrap();
    assert_eq!(csrf.status(), 403);
    let nothing = s
        .http
        .get(format!("{uri}/nothing/here/"))
        .send()
        .await
        .unwrap();
    assert_eq!(nothing.status(), 404);
}

#[tokio::test]
async fn bad_input_never_breaks_the_fake() {
    let s = Session::new(demo_seed()).await;
    let path = "/rest/flowmanage/api/omdata/edit/mission/";
    for body in [
        "",
        "null",
        "\"x\"",
        "{\"omflow_restapi\":1,\"security\":{}}",
        "\u{feff}{}",
        "{\"a\":",
        "[[[[[[[[]]]]]]]]",
    ] {
        let answer = s.raw(path, body).await;
        assert!(answer["status"].is_u64(), "{body}: {answer}");
    }
    for formdata in [
        json!("not a list"),
        json!(7),
        json!([1, 2]),
        json!([{"id": 5, "type": [], "value": {}}]),
        json!([{"id": "FORMITM_99", "type": "h_title", "value": "x"}]),
    ] {
        let answer = s
            .edit(json!({"action": "create", "formdata": formdata}))
            .await;
        assert_ne!(answer["status"], 200, "{formdata}");
    }
    let huge = "x".repeat(omflow_mock::MAX_BODY_BYTES + 1);
    let response = s
        .http
        .post(format!("{}{path}", s.fake.uri()))
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        s.missions(json!({})).await["status"],
        200,
        "still serving, state intact"
    );
    assert_eq!(
        s.fake
            .state()
            .tickets("mission")
            .unwrap()
            .iter()
            .filter(|r| !r.history)
            .count(),
        4
    );
}
