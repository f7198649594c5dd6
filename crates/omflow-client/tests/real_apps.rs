//! The apps exported from a real server (fixtures/omflow-3/apps, APPS.md) run in the fake
//! along the paths the real engine took: 並行單 through async branches (one a python stop), the
//! collection, a subflow with a form of its own, and an inflow to 記錄單.

mod stops;

use omflow_mock::apps::flow_uuid;
use omflow_mock::python::PythonRunner;
use omflow_mock::{FakeOmflow, Seed};
use omflow_model::FlowRef;
use serde_json::json;

#[tokio::test]
async fn a_parallel_ticket_runs_its_branches_subflow_and_inflow_as_the_real_engine_did() {
    let seed = Seed::demo()
        .builder()
        .user("dave", "dave-pass", &[1])
        .app(&stops::export("apptest_main.json"))
        .app(&stops::export("apptest_ext.json"))
        .build()
        .unwrap();
    let python = PythonRunner::find_python3().expect("python3 (CI installs it)");
    let fake = FakeOmflow::builder()
        .seed(seed)
        .python_interpreter(python)
        .start()
        .await
        .unwrap();
    let login = |user: &str, password: &str| stops::login(&fake, user, password);
    let (admin, dave) = (login("admin", "admin"), login("dave", "dave-pass"));
    let parallel = flow_uuid("應用測試", "並行單");
    let data_no = admin
        .flow(FlowRef::parse(&parallel))
        .create()
        .set("FORMITM_1", "Blue Rack")
        .set("FORMITM_3", "green")
        .set("FORMITM_5", json!({"group": "2", "user": ""}))
        .set("FORMITM_4", "new")
        .set("FORMITM_6", "AB-123")
        .send()
        .await
        .unwrap()
        .unwrap()
        .get();
    let current = || {
        fake.state()
            .current_row("apptest_parallel", data_no)
            .unwrap()
            .unwrap()
    };
    assert_eq!(current().stop_chart_text.as_deref(), Some("準備"));
    admin
        .flow(FlowRef::parse(&parallel))
        .push(current().id)
        .set("FORMITM_4", "go")
        .send()
        .await
        .unwrap();
    // Both branches met at the collection; the subflow waits at its own form for dave.
    let row = current();
    assert_eq!(row.stop_uuid.as_deref(), Some("FITEM_8-FITEM_2"), "{row:?}");
    assert_eq!(
        stops::field_of(&row, "FORMITM_7"),
        "Blue Rack/A",
        "branch A's setform"
    );
    let waiting = dave
        .missions()
        .send()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.data_no.map(|n| n.get()) == Some(data_no))
        .expect("dave's mission inside the subflow");
    assert_eq!(waiting.stop_uuid.as_deref(), Some("FITEM_8-FITEM_2"));
    check_subflow_param(&row, &parallel);
    // The subflow's form requires 說明, as its own design says.
    let refused = dave
        .flow(FlowRef::parse(&parallel))
        .push(row.id)
        .set("FORMITM_4", "sub_done")
        .send()
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("FORMITM_2"), "{refused}");
    dave.flow(FlowRef::parse(&parallel))
        .push(row.id)
        .set("FORMITM_4", "sub_done")
        .set("FORMITM_2", "ok")
        .send()
        .await
        .unwrap();
    let row = current();
    assert_eq!(row.stop_chart_text.as_deref(), Some("確認"), "{row:?}");
    assert_eq!(
        stops::field_of(&row, "FORMITM_8"),
        "KCAR EULB",
        "branch B's python, merged"
    );
    assert_eq!(
        stops::field_of(&row, "FORMITM_9"),
        "sub:blue rack:2",
        "the subflow's python"
    );
    let log = fake.state().tickets("apptest_log").unwrap();
    let logged = log
        .iter()
        .find(|r| !r.history)
        .expect("the inflow's 記錄單 ticket");
    assert!(logged.closed);
    assert_eq!(
        stops::field_of(logged, "FORMITM_2"),
        "KCAR EULB",
        "its start input src = b_val"
    );
    assert_eq!(
        stops::field_of(&row, "FORMITM_10"),
        logged.data_no.get().to_string(),
        "記錄單號"
    );
    check_flow_logs(&fake, &parallel, data_no).await;
}

/// The flow log: level 1 lists the flow's own stops (the subflow stop with its uid and no
/// output, the ticket having changed rows inside); level 2 the subflow's, by path.
async fn check_flow_logs(fake: &FakeOmflow, parallel: &str, data_no: u64) {
    let log = |level: u32, inside: bool| {
        let mut body = json!({"flow_uuid": parallel, "data_no": data_no, "flow_level": level});
        if inside {
            body["flow_uid"] = json!("1700000000301");
            body["parent_chart_id"] = json!("FITEM_8");
        }
        body
    };
    let http = reqwest::Client::new();
    let login: serde_json::Value = http
        .get(format!("{}/accounts/api/security/get/", fake.uri()))
        .basic_auth("admin", Some("admin"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["result"]["security"].clone();
    let mut read = Vec::new();
    for (level, inside) in [(1, false), (2, true)] {
        let mut body = log(level, inside);
        body["security"] = json!(token);
        body["omflow_restapi"] = json!(1);
        let answer: serde_json::Value = http
            .post(format!(
                "{}/rest/flowmanage/api/flow-object/load/",
                fake.uri()
            ))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        read.push(answer["result"].clone());
    }
    let ids = |result: &serde_json::Value| -> Vec<String> {
        result["inoutput"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["chart_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(read[0]["flow_name"], "並行單");
    assert_eq!(
        read[1]["flow_name"], "子流程",
        "level 2 answers with the subflow's name"
    );
    let level1 = ids(&read[0]);
    assert!(!level1.iter().any(|id| id.contains('-')), "{level1:?}");
    let subflow = read[0]["inoutput"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["chart_id"] == "FITEM_8")
        .unwrap();
    assert_eq!(subflow["subflow_uid"], "1700000000301");
    assert_eq!(subflow["output_data"], serde_json::Value::Null);
    assert_eq!(
        ids(&read[1]),
        [
            "FITEM_8-FITEM_1",
            "FITEM_8-FITEM_2",
            "FITEM_8-FITEM_3",
            "FITEM_8-FITEM_4"
        ]
    );
    let design: serde_json::Value =
        serde_json::from_str(read[1]["flowobject"].as_str().unwrap()).unwrap();
    assert_eq!(
        design["is_sub"], true,
        "level 2 serves the subflow's design"
    );
}

/// Inside the subflow the engine runs the subflow's own deployed flow on the calling flow's
/// table; the calling ticket's parameters wait in `content`, bound for FITEM_9.
fn check_subflow_param(row: &omflow_model::TicketRow, parallel: &str) {
    let param = row.data_param().unwrap().unwrap();
    assert_eq!(
        param["flow_uuid"],
        flow_uuid("應用測試", "子流程"),
        "{param}"
    );
    assert_eq!(param["table_uuid"], parallel, "{param}");
    assert_eq!(param["chart_id_to"], "FITEM_2", "{param}");
    assert_eq!(param["content"]["flow_uuid"], parallel, "{param}");
    assert_eq!(param["content"]["chart_id_from"], "FITEM_8", "{param}");
    assert_eq!(param["content"]["chart_id_to"], "FITEM_9", "{param}");
    let keys: Vec<&String> = param.as_object().unwrap().keys().collect();
    assert!(
        keys.windows(2)
            .any(|w| w[0] == "chart_input" && w[1] == "content"),
        "written in the engine's order: {keys:?}"
    );
}
