//! The rest of the spec's quirk checklist (15, 16, 20, 21, 24) and the endpoints behind them:
//! attachments (E9, E10), the user list (E11), the `None` edit path.

mod common;

use common::*;
use omflow_mock::{Seed, UPLOAD_SUCCESS};
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

const FLOW_HEX: &str = "dc33fb340034418c8fbb3baf15525e86";
const UPLOAD: &str = "/rest/flowmanage/api/omdata-file/upload/";
const FILES: &str = "/rest/flowmanage/api/omdata-file/list/";
const USERS: &str = "/rest/accounts/api/user/list/";

/// admin in group 2 with two tickets (both waiting for group 2), plus `carol` (group 2,
/// no permissions), `dave` (no group) and `erin` (group 1: Add + View).
fn seed() -> Seed {
    Seed::pristine()
        .builder()
        .join_group("admin", 2)
        .user("carol", "carol-pass", &[2])
        .user("dave", "dave-pass", &[])
        .user("erin", "erin-pass", &[1])
        .ticket("mission", "admin", "Alpha printer broken", "green")
        .ticket("mission", "admin", "Beta network down", "red")
        .build()
}

fn file_part(name: &str, content: &'static [u8]) -> Part {
    Part::bytes(content).file_name(name.to_string())
}

fn upload_form(token: &str, data_no: u64, data_id: u64) -> Form {
    Form::new()
        .text("security", token.to_string())
        .text("omflow_restapi", "1")
        .text("flow_uuid", FLOW_HEX)
        .text("data_no", data_no.to_string())
        .text("data_id", data_id.to_string())
}

fn names(answer: &Value) -> Vec<(String, u64)> {
    answer["result"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|f| {
            (
                f["file_name"].as_str().unwrap_or("").to_string(),
                f["size"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[tokio::test]
async fn upload_always_reports_success_and_the_list_keeps_the_newest_of_each_name() {
    let s = Session::new(seed()).await;
    let data_id = s.current_data_id(1).await;
    let list_body = json!({"flow_uuid": FLOW_HEX, "data_no": 1, "data_id": data_id});

    // Quirk 24: no files, a JSON body, an empty data_id: all "successful", nothing stored.
    let no_files = s.multipart(UPLOAD, upload_form(&s.token, 1, data_id)).await;
    let json_body = s.call(UPLOAD, list_body.clone()).await;
    let empty_id = s
        .call(
            UPLOAD,
            json!({"flow_uuid": FLOW_HEX, "data_no": 1, "data_id": ""}),
        )
        .await;
    for answer in [&no_files, &json_body, &empty_id] {
        assert_eq!(
            (
                answer["status"].clone(),
                answer["message"].clone(),
                answer["result"].clone()
            ),
            (json!(200), json!(UPLOAD_SUCCESS), Value::Null),
            "{answer}"
        );
    }
    assert!(names(&s.call(FILES, list_body.clone()).await).is_empty());

    // Two files, then one of them again with new content: replaced, newest first.
    let first = upload_form(&s.token, 1, data_id)
        .part("files", file_part("report.txt", b"v1"))
        .part("files", file_part("photo.png", b"12345"));
    assert_eq!(s.multipart(UPLOAD, first).await["status"], 200);
    let second =
        upload_form(&s.token, 1, data_id).part("files", file_part("report.txt", b"v2 longer"));
    assert_eq!(s.multipart(UPLOAD, second).await["status"], 200);

    let listed = s.call(FILES, list_body).await;
    assert_eq!(listed["message"], "讀取成功。");
    assert_eq!(
        names(&listed),
        vec![("report.txt".to_string(), 9), ("photo.png".to_string(), 5)]
    );
    let newest = &listed["result"][0];
    assert_eq!(
        newest["file"],
        format!("omformflow/{FLOW_HEX}/1/{data_id}/report.txt")
    );
    assert_eq!(newest["delete"], false);
    assert!(newest["createtime"].is_string());

    // Every mission of the ticket says it has attachments; the other ticket's do not.
    let missions = s.fake.state().missions();
    assert!(missions
        .iter()
        .filter(|m| m.data_no.is_some_and(|n| n.get() == 1))
        .all(|m| m.attachment));
    assert!(missions
        .iter()
        .filter(|m| m.data_no.is_some_and(|n| n.get() == 2))
        .all(|m| !m.attachment));

    // A file larger than Django's 2.5 MB form limit still goes through (the real server took 3 MB).
    static BIG: [u8; 3_000_000] = [b'x'; 3_000_000];
    let big = upload_form(&s.token, 1, data_id).part("files", file_part("big.bin", &BIG));
    assert_eq!(s.multipart(UPLOAD, big).await["status"], 200);

    // Deleting the ticket deletes its attachment records.
    s.edit(json!({"action": "delete", "data_no": [1]})).await;
    assert_eq!(s.fake.state().json()["attachments"], json!([]));
}

#[tokio::test]
async fn attachment_permissions_follow_push_and_view_rights() {
    let s = Session::new(seed()).await;
    let data_id = s.current_data_id(1).await;
    let carol = s.token_for("carol", "carol-pass").await;
    let dave = s.token_for("dave", "dave-pass").await;
    let erin = s.token_for("erin", "erin-pass").await;

    // dave may not push this ticket, so he may not upload to it either.
    let refused = upload_form(&dave, 1, data_id).part("files", file_part("x.txt", b"x"));
    let refused = s.multipart(UPLOAD, refused).await;
    assert_eq!(
        (refused["status"].clone(), refused["message"].clone()),
        (json!(403), json!("您沒有權限進行此操作。"))
    );
    assert_eq!(s.fake.state().json()["attachments"], json!([]));

    // carol's group is the ticket's group: she may upload, and list as the assignee.
    let allowed = upload_form(&carol, 1, data_id).part("files", file_part("x.txt", b"x"));
    assert_eq!(s.multipart(UPLOAD, allowed).await["status"], 200);
    assert_eq!(
        s.fake.state().json()["attachments"][0]["upload_user"],
        "carol"
    );
    let body = json!({"flow_uuid": FLOW_HEX, "data_no": 1, "data_id": data_id});
    assert_eq!(
        names(&s.call_as(&carol, FILES, body.clone()).await).len(),
        1
    );
    // erin's group has View; dave has nothing.
    assert_eq!(names(&s.call_as(&erin, FILES, body.clone()).await).len(), 1);
    assert_eq!(s.call_as(&dave, FILES, body).await["status"], 403);
}

#[tokio::test]
async fn the_none_edit_path_with_a_body_flow_uuid_takes_a_multipart_create() {
    let s = Session::new(seed()).await;
    let formdata = json!([
        {"id": "FORMITM_1", "type": "h_title", "value": "Created with a file"},
        {"id": "FORMITM_3", "type": "h_level", "value": "green"},
        {"id": "FORMITM_4", "type": "h_status", "value": "dispatch"},
        {"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}}
    ])
    .to_string();
    let form = |path_flow: Option<&str>| {
        let form = Form::new()
            .text("security", s.token.clone())
            .text("omflow_restapi", "1")
            .text("action", "create")
            .text("formdata", formdata.clone())
            .part("files", file_part("spec.pdf", b"%PDF"));
        match path_flow {
            Some(hex) => form.text("flow_uuid", hex.to_string()),
            None => form,
        }
    };

    let rows_before = s.fake.state().tickets("mission").len();
    // Quirk 16: a multipart body on the api_path fails before anything happens.
    let immutable = s
        .multipart("/rest/flowmanage/api/omdata/edit/mission/", form(None))
        .await;
    assert_eq!(
        (immutable["status"].clone(), immutable["message"].clone()),
        (json!(500), json!("This QueryDict instance is immutable"))
    );
    // Naming the flow by app and flow name writes into the body too.
    let named = form(Some(FLOW_HEX))
        .text("app_name", "任務處理")
        .text("flow_name", "任務單");
    let named = s
        .multipart("/rest/flowmanage/api/omdata/edit/None/", named)
        .await;
    assert_eq!(named["message"], "This QueryDict instance is immutable");
    // A hyphenated uuid finds no flow.
    let hyphenated = s
        .multipart(
            "/rest/flowmanage/api/omdata/edit/None/",
            form(Some("dc33fb34-0034-418c-8fbb-3baf15525e86")),
        )
        .await;
    assert_eq!(
        hyphenated["message"],
        "'NoneType' object has no attribute 'api'"
    );
    assert_eq!(
        s.fake.state().tickets("mission").len(),
        rows_before,
        "nothing created yet"
    );

    // The workaround: path `None`, 32-hex flow_uuid in the body.
    let created = s
        .multipart(
            "/rest/flowmanage/api/omdata/edit/None/",
            form(Some(FLOW_HEX)),
        )
        .await;
    assert_eq!(
        (created["status"].clone(), created["result"].clone()),
        (json!(200), json!(3)),
        "{created}"
    );
    let state = s.fake.state();
    let row = state.current_row("mission", 3).unwrap();
    assert_eq!(row.title.as_deref(), Some("Created with a file"));
    let attachment = &state.json()["attachments"][0];
    assert_eq!(attachment["file_name"], "spec.pdf");
    assert_eq!(attachment["data_no"], 3);
    let first_row = state
        .tickets("mission")
        .into_iter()
        .filter(|r| r.data_no.get() == 3)
        .map(|r| r.id.get())
        .min()
        .unwrap();
    assert_eq!(attachment["data_id"], first_row, "stored on the first row");
}

#[tokio::test]
async fn user_list_runs_the_dsl_with_no_permission_check() {
    let s = Session::new(seed()).await;
    let dave = s.token_for("dave", "dave-pass").await;
    let all = s.call_as(&dave, USERS, json!({})).await;
    assert_eq!(all["status"], 200, "{all}");
    let usernames: Vec<&str> = all["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(usernames, ["system", "admin", "carol", "dave", "erin"]);
    let first = all["result"][0].as_object().unwrap();
    // Every column of the user model, as the real server lists them; the password column
    // holds a placeholder that derives from no password.
    assert_eq!(
        first.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "id",
            "password",
            "last_login",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "is_staff",
            "is_active",
            "date_joined",
            "email",
            "nick_name",
            "birthday",
            "gender",
            "phone1",
            "phone2",
            "department",
            "company",
            "ad_flag",
            "ad_sid",
            "frequency",
            "updatetime",
            "user_uuid",
            "delete",
            "default_group",
            "substitute"
        ]
    );
    assert!(all["result"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["password"] == "pbkdf2_sha256$150000$omflowmock$"));

    let filtered = s
        .call_as(
            &dave,
            USERS,
            json!({"search_conditions": [{"column": "username", "condition": "contains", "value": "ER"}],
                   "search_columns": ["username", "email"], "order_columns": ["-id"]}),
        )
        .await;
    assert_eq!(
        filtered["result"],
        json!([{"username": "erin", "email": "erin@example.com"}])
    );
    let unknown = s
        .call_as(&dave, USERS, json!({"search_columns": ["nosuch"]}))
        .await;
    assert_eq!(unknown["status"], 404);
    assert!(unknown["message"]
        .as_str()
        .unwrap()
        .contains("Cannot resolve keyword 'nosuch' into field. Choices are: activeapplication, ad_flag, ad_sid, birthday"));
    let spanned = s
        .call_as(
            &dave,
            USERS,
            json!({"search_columns": ["username", "groups__name"], "search_conditions": [{"column": "groups__id", "condition": "=", "value": 2}]}),
        )
        .await;
    assert_eq!(spanned["status"], 200, "{spanned}");
}

#[tokio::test]
async fn ticket_list_shows_history_ignores_the_api_flag_and_lookup_checks_no_permission() {
    let s = Session::new(seed()).await;
    let tickets = "/rest/flowmanage/api/omdata/list/mission/";
    let history =
        json!({"search_conditions": [{"column": "history", "condition": "=", "value": true}]});
    let rows = s.call(tickets, history.clone()).await;
    assert!(
        !rows["result"].as_array().unwrap().is_empty(),
        "E3 returns history rows too"
    );
    let toggled = s
        .call(
            "/rest/flowmanage/api/flow-active/update/",
            json!({"field": "api", "app_name": "任務處理", "flow_name": "任務單"}),
        )
        .await;
    assert_eq!(toggled["status"], 200);
    assert_eq!(
        s.edit(json!({"action": "delete"})).await["status"],
        404,
        "API off"
    );
    assert_eq!(
        s.call(tickets, history).await["status"],
        200,
        "E3 ignores the flag"
    );
    // dave has no right on the flow, yet E8 answers him.
    let dave = s.token_for("dave", "dave-pass").await;
    let lookup = s
        .call_as(
            &dave,
            "/rest/flowmanage/api/omdata-data-id/get/mission/",
            json!({"data_no": 1}),
        )
        .await;
    assert_eq!(lookup["status"], 200);
    assert!(lookup["result"][0]["data_id"].is_u64());
}

#[tokio::test]
async fn push_permission_is_by_nick_name_or_group_name_never_by_creation() {
    let s = Session::new(seed()).await;
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
    let row = s.fake.state().current_row("mission", data_no).unwrap();
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
    let s = Session::new(seed()).await;
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
async fn attachment_list_checks_permission_like_check_omdata_permission() {
    let s = Session::new(seed()).await;
    let list = "/rest/flowmanage/api/omdata-file/list/";
    // With a row id the ticket model is named from the uuid as sent: a hyphenated uuid
    // denies even the superuser.
    let hyphenated = s
        .call(
            list,
            json!({"flow_uuid": "dc33fb34-0034-418c-8fbb-3baf15525e86", "data_no": 1, "data_id": 1}),
        )
        .await;
    assert_eq!(hyphenated["status"], 403, "{hyphenated}");
    // Without one the superuser passes, and the file query's own validation answers 500.
    let empty = s
        .call(list, json!({"flow_uuid": "", "data_no": 99999}))
        .await;
    assert_eq!(empty["status"], 500, "{empty}");
    assert_eq!(empty["message"], "[\"'' 不是有效的 UUID\"]");
    let no_data_no = s
        .call(
            list,
            json!({"flow_uuid": "dc33fb340034418c8fbb3baf15525e86", "data_id": 1.0}),
        )
        .await;
    assert_eq!(
        no_data_no["message"], "invalid literal for int() with base 10: ''",
        "{no_data_no}"
    );
}

#[tokio::test]
async fn flow_active_update_saves_unknown_fields_and_checks_required_ones_first() {
    let s = Session::new(seed()).await;
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

#[tokio::test]
async fn edit_runs_the_checker_on_every_key_then_the_actions_own_rules() {
    let s = Session::new(seed()).await;
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
async fn the_rest_dispatcher_resolves_against_the_whole_url_table() {
    let s = Session::new(seed()).await;
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

#[tokio::test]
async fn create_with_an_unknown_form_id_reports_success_without_a_ticket_and_uses_a_number() {
    let s = Session::new(seed()).await;
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
async fn a_regex_the_engine_cannot_compile_matches_nothing_and_later_errors_still_win() {
    let s = Session::new(seed()).await;
    let none = s
        .missions(json!({"search_conditions": [{"column": "title__regex", "condition": "=", "value": "("}]}))
        .await;
    assert_eq!(none["result"], json!([]), "{none}");
    let later = s
        .missions(json!({"search_conditions": [{"column": "title__regex", "condition": "=", "value": "("}], "search_columns": "id"}))
        .await;
    assert!(later["message"]
        .as_str()
        .unwrap()
        .contains("Cannot resolve keyword 'i' into field."));
}

#[tokio::test]
async fn the_engine_logs_the_switch_inputs_and_the_data_id_as_sent() {
    let s = Session::new(seed()).await;
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
async fn an_upload_without_files_still_flags_the_tickets_missions() {
    let s = Session::new(seed()).await;
    let data_id = s.current_data_id(1).await;
    let before = s
        .missions(json!({"search_columns": ["attachment"], "search_conditions": [{"column": "data_no", "condition": "=", "value": 1}]}))
        .await;
    assert_eq!(before["result"][0]["attachment"], false, "{before}");
    let answer = s.multipart(UPLOAD, upload_form(&s.token, 1, data_id)).await;
    assert_eq!(answer["status"], 200);
    let after = s
        .missions(json!({"search_columns": ["attachment"], "search_conditions": [{"column": "data_no", "condition": "=", "value": 1}]}))
        .await;
    assert_eq!(after["result"][0]["attachment"], true, "{after}");
}

#[tokio::test]
async fn an_unfilled_areabox_keeps_the_designs_empty_default() {
    let s = Session::new(seed()).await;
    let created = s
        .edit(json!({"action": "create", "formdata": [
            {"id": "FORMITM_1", "type": "h_title", "value": "No description"},
            {"id": "FORMITM_3", "type": "h_level", "value": "green"},
            {"id": "FORMITM_4", "type": "h_status", "value": "dispatch"},
            {"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}}
        ]}))
        .await;
    let data_no = created["result"].as_u64().expect("a number");
    let rows = s
        .call(
            "/rest/flowmanage/api/omdata/list/mission/",
            json!({"search_columns": ["formitm_2"], "search_conditions": [{"column": "data_no", "condition": "=", "value": data_no}]}),
        )
        .await;
    let rows = rows["result"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["formitm_2"] == ""), "{rows:?}");
}

#[tokio::test]
async fn push_formdata_rules_from_the_real_views() {
    let s = Session::new(seed()).await;
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

#[tokio::test]
async fn a_closed_ticket_logs_no_next_item_and_the_end_as_its_origin() {
    let s = Session::new(seed()).await;
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
    let s = Session::new(seed()).await;
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
async fn writes_never_share_a_stamp_so_time_orders_follow_the_writes() {
    let s = Session::new(seed()).await;
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
async fn a_mission_naming_no_group_or_user_is_skipped_without_using_an_id() {
    let s = Session::new(seed()).await;
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
async fn start_input_fills_the_flow_values_instead_of_the_start_items_inputs() {
    let s = Session::new(seed()).await;
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
async fn bodies_are_read_as_pythons_json_reads_them() {
    let s = Session::new(seed()).await;
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
async fn the_plain_page_path_answers_as_the_query_engine_does() {
    let s = Session::new(seed()).await;
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
