//! The views the web UI uses for an ordinary user, on a scenario written for this test:
//! `omdata/load`, `flow-name/load`, `form-design/load`, and the designer views that answer
//! non-managers with a redirect.

mod common;

use common::{push_body, Session};
use omflow_mock::Seed;
use serde_json::{json, Value};

const HEX: &str = "dc33fb340034418c8fbb3baf15525e86";
const HYPHENATED: &str = "dc33fb34-0034-418c-8fbb-3baf15525e86";
const LOAD: &str = "/rest/flowmanage/api/omdata/load/";
const NAMES: &str = "/rest/flowmanage/api/flow-name/load/";
const START_FORM: &str = "/rest/flowmanage/api/form-design/load/";
const PASSWORD: &str = "pw-1";

/// gina: member of the assigned group 資訊服務組 (2), no permission. hal: no group.
/// ivy: in group 3, which may only add tickets. Two tickets by admin, at FITEM_2.
fn seed() -> Seed {
    Seed::pristine()
        .builder()
        .group(3, "Add only", &[&format!("Omdata_{HEX}_Add")])
        .user("gina", PASSWORD, &[2])
        .user("hal", PASSWORD, &[])
        .user("ivy", PASSWORD, &[3])
        .ticket("mission", "admin", "Kettle leaks", "red")
        .ticket("mission", "admin", "Door squeaks", "green")
        .build()
        .expect("the seed's names exist")
}

async fn session() -> (Session, String, String, String) {
    let session = Session::new(seed()).await;
    let gina = session.token_for("gina", PASSWORD).await;
    let hal = session.token_for("hal", PASSWORD).await;
    let ivy = session.token_for("ivy", PASSWORD).await;
    (session, gina, hal, ivy)
}

#[tokio::test]
async fn the_assignee_loads_the_row_with_the_form_of_its_stop() {
    let (s, gina, hal, _) = session().await;
    let row = s.current_data_id(1).await;
    let answer = s
        .call_as(&gina, LOAD, json!({"flow_uuid": HEX, "data_id": row}))
        .await;
    assert_eq!(answer["status"], 200, "{answer}");
    let result = &answer["result"];
    assert_eq!(result["find_item"], true);
    assert_eq!(result["closed"], false);
    assert_eq!(
        result["quick_action"],
        Value::Null,
        "the analysis stop has none"
    );
    let ids: Vec<&str> = result["formdata"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "FORMITM_1",
            "FORMITM_2",
            "FORMITM_3",
            "FORMITM_4",
            "FORMITM_5"
        ]
    );
    assert_eq!(result["formdata"][0]["value"], "Kettle leaks");
    assert_eq!(
        result["formdata"][4]["value"],
        json!({"group": "2", "user": ""}),
        "h_group values come parsed"
    );
    let choices: Vec<&str> = result["formobject"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "FORMITM_4")
        .unwrap()["config"]["lists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        choices,
        ["dispatch", "dispatch_done"],
        "the stop's own design"
    );
    assert_eq!(
        result["app_name"],
        json!({"trans": "任務處理", "original": "任務處理"})
    );

    // Someone who is neither assignee, creator nor View holder.
    let refused = s
        .call_as(&hal, LOAD, json!({"flow_uuid": HEX, "data_id": row}))
        .await;
    assert_eq!(refused["status"], 403);

    // After a push the ticket stands at FITEM_5 with its quick actions.
    s.edit(push_body(row, "Kettle leaks", "dispatch_done"))
        .await;
    let next = s.current_data_id(1).await;
    let at_work = s
        .call_as(
            &gina,
            LOAD,
            json!({"flow_uuid": HEX, "data_id": next.to_string()}),
        )
        .await;
    assert_eq!(at_work["result"]["quick_action"], "完成,退回");
    // The old row is history now; its assignee still reads it.
    let old = s
        .call_as(&gina, LOAD, json!({"flow_uuid": HEX, "data_id": row}))
        .await;
    assert_eq!(old["status"], 200);
}

#[tokio::test]
async fn load_checks_permission_first_then_parameters_then_the_flow() {
    let (s, _, _, _) = session().await;
    let row = s.current_data_id(2).await;
    let status = |answer: &Value| answer["status"].as_u64().unwrap();
    for body in [
        json!({"flow_uuid": HYPHENATED, "data_id": row}),
        json!({"flow_uuid": HEX, "data_id": 4242}),
        json!({"flow_uuid": HEX, "data_id": "seven"}),
        json!({"flow_uuid": "", "data_id": row}),
        json!({"data_id": row}),
    ] {
        assert_eq!(status(&s.call(LOAD, body.clone()).await), 403, "{body}");
    }
    let both = s.call(LOAD, json!({})).await;
    assert_eq!(both["status"], 404);
    assert_eq!(both["result"]["status"], "require missing");
    assert_eq!(both["result"]["result"], json!(["flow_uuid", "data_id"]));
    let zero = s.call(LOAD, json!({"flow_uuid": HEX, "data_id": 0})).await;
    assert_eq!(zero["result"]["status"], "require null");
    let upper = s
        .call(
            LOAD,
            json!({"flow_uuid": HEX.to_uppercase(), "data_id": row}),
        )
        .await;
    assert_eq!(upper["status"], 404);
    assert_eq!(upper["message"], "找不到該流程。");
}

#[tokio::test]
async fn the_creator_reads_but_cannot_push_and_add_alone_does_not_show_the_form() {
    let (s, _, hal, ivy) = session().await;
    let created = s
        .call_as(
            &ivy,
            "/rest/flowmanage/api/omdata/edit/mission/",
            json!({"action": "create", "formdata": [
                {"id": "FORMITM_1", "type": "h_title", "value": "Ivy's ticket"},
                {"id": "FORMITM_3", "type": "h_level", "value": "green"},
                {"id": "FORMITM_4", "type": "h_status", "value": "dispatch"},
                {"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}}]}),
        )
        .await;
    assert_eq!(created["status"], 200, "{created}");
    let data_no = created["result"].as_u64().unwrap();
    let row = s.current_data_id(data_no).await;
    let own = s
        .call_as(&ivy, LOAD, json!({"flow_uuid": HEX, "data_id": row}))
        .await;
    assert_eq!(own["status"], 200, "the creator may view");
    let push = s
        .call_as(
            &ivy,
            "/rest/flowmanage/api/omdata/edit/mission/",
            push_body(row, "Ivy's ticket", "dispatch_done"),
        )
        .await;
    assert_eq!(push["status"], 403, "the creator may not push");
    for token in [&ivy, &hal] {
        let form = s
            .call_as(token, START_FORM, json!({"flow_uuid": HEX}))
            .await;
        assert_eq!(form["status"], 403, "no View, no start form");
    }
    let form = s.call(START_FORM, json!({"flow_uuid": HEX})).await;
    assert_eq!(form["status"], 200);
    let design: Value = serde_json::from_str(form["result"]["formobject"].as_str().unwrap())
        .expect("the design is JSON text");
    assert_eq!(design["items"].as_array().unwrap().len(), 7);
    assert_eq!(form["result"]["use_form"], true);
    let empty = s.call(START_FORM, json!({"flow_uuid": ""})).await;
    assert_eq!(empty["result"]["status"], "require null");
}

#[tokio::test]
async fn flow_names_need_only_a_login_and_the_32_hex_uuid() {
    let (s, _, hal, _) = session().await;
    let names = s.call_as(&hal, NAMES, json!({"a_flow_uuid": HEX})).await;
    assert_eq!(
        names["result"],
        json!({"flow_name": "任務單", "app_name": "任務處理"})
    );
    let hyphenated = s
        .call_as(&hal, NAMES, json!({"a_flow_uuid": HYPHENATED}))
        .await;
    assert_eq!(hyphenated["status"], 500);
    assert_eq!(
        hyphenated["message"],
        "'NoneType' object has no attribute 'flow_app_id'"
    );
    let app = s.call_as(&hal, NAMES, json!({"a_app_id": 1})).await;
    assert_eq!(app["result"], "任務處理");
    let nothing = s.call_as(&hal, NAMES, json!({})).await;
    assert_eq!(nothing["status"], 500);
}

#[tokio::test]
async fn designer_views_redirect_non_managers_and_change_nothing() {
    let (s, gina, _, _) = session().await;
    for (path, body) in [
        (
            "/rest/flowmanage/api/flow-active-api-format/get/",
            json!({"app_name": "任務處理", "flow_name": "任務單", "action": "update"}),
        ),
        (
            "/rest/flowmanage/api/flow-active/update/",
            json!({"app_name": "任務處理", "flow_name": "任務單", "field": "api", "value": false}),
        ),
    ] {
        let mut body = body;
        body["security"] = json!(gina);
        body["omflow_restapi"] = json!(1);
        let response = s
            .http
            .post(format!("{}{path}", s.fake.uri()))
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 302, "{path}");
        assert_eq!(
            response.headers()["location"],
            format!("/api/permission/denied/?next={path}").as_str()
        );
    }
    // The flag was not toggled: the API still takes pushes.
    let row = s.current_data_id(1).await;
    let pushed = s
        .edit(push_body(row, "Kettle leaks", "dispatch_done"))
        .await;
    assert_eq!(pushed["status"], 200, "{pushed}");
    let format = s
        .call(
            "/rest/flowmanage/api/flow-active-api-format/get/",
            json!({"app_name": "任務處理", "flow_name": "任務單", "action": "query"}),
        )
        .await;
    assert_eq!(format["result"], "mission", "a manager gets the format");
}
