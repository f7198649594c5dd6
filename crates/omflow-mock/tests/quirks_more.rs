//! The rest of the spec's quirk checklist (15, 16, 20, 21, 24) and the endpoints behind them:
//! attachments (E9, E10), the user list (E11), the `None` edit path.

mod common;

use common::*;
use omflow_mock::UPLOAD_SUCCESS;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
const FLOW_HEX: &str = "dc33fb340034418c8fbb3baf15525e86";
const UPLOAD: &str = "/rest/flowmanage/api/omdata-file/upload/";
const FILES: &str = "/rest/flowmanage/api/omdata-file/list/";
const USERS: &str = "/rest/accounts/api/user/list/";

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
    let s = Session::new(four_users()).await;
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
    let missions = s.fake.state().missions().unwrap();
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
    let s = Session::new(four_users()).await;
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
async fn attachment_list_checks_permission_like_check_omdata_permission() {
    let s = Session::new(four_users()).await;
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
async fn a_stored_file_path_keeps_the_values_as_sent_and_any_spelling_of_the_uuid_reads_it() {
    let s = Session::new(four_users()).await;
    let data_id = s.current_data_id(1).await;
    // Django's `upload_to` formats the fields before they are converted: an upper-case uuid
    // and a zero-padded row id stay in the path, while the row is the same.
    let upper = FLOW_HEX.to_ascii_uppercase();
    let form = Form::new()
        .text("security", s.token.clone())
        .text("omflow_restapi", "1")
        .text("flow_uuid", upper.clone())
        .text("data_no", " 1")
        .text("data_id", format!("0{data_id}"))
        .part("files", file_part("padded.txt", b"pad"));
    let answer = s.multipart(UPLOAD, form).await;
    assert_eq!(answer["status"], 200, "{answer}");
    // Listed by the hyphenated uuid (no row id, so the superuser passes the check).
    let listed = s
        .call(
            FILES,
            json!({"flow_uuid": "DC33FB34-0034-418c-8fbb-3baf15525e86", "data_no": "1"}),
        )
        .await;
    assert_eq!(listed["status"], 200, "{listed}");
    assert_eq!(
        listed["result"][0]["file"],
        format!("omformflow/{upper}/ 1/0{data_id}/padded.txt"),
        "{listed}"
    );
    assert_eq!(names(&listed), vec![("padded.txt".to_string(), 3)]);
    // The state a tester reads shows the same stored path.
    assert_eq!(
        s.fake.state().json()["attachments"][0]["file"],
        listed["result"][0]["file"]
    );
}

#[tokio::test]
async fn an_upload_without_files_still_flags_the_tickets_missions() {
    let s = Session::new(four_users()).await;
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
async fn the_none_edit_path_with_a_body_flow_uuid_takes_a_multipart_create() {
    let s = Session::new(four_users()).await;
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

    let rows_before = s.fake.state().tickets("mission").unwrap().len();
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
        s.fake.state().tickets("mission").unwrap().len(),
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
    let row = state.current_row("mission", 3).unwrap().unwrap();
    assert_eq!(row.title.as_deref(), Some("Created with a file"));
    let attachment = &state.json()["attachments"][0];
    assert_eq!(attachment["file_name"], "spec.pdf");
    assert_eq!(attachment["data_no"], 3);
    let first_row = state
        .tickets("mission")
        .unwrap()
        .into_iter()
        .filter(|r| r.data_no.get() == 3)
        .map(|r| r.id.get())
        .min()
        .unwrap();
    assert_eq!(attachment["data_id"], first_row, "stored on the first row");
}

#[tokio::test]
async fn user_list_runs_the_dsl_with_no_permission_check() {
    let s = Session::new(four_users()).await;
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
    let s = Session::new(four_users()).await;
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
