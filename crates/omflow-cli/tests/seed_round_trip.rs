//! Your server in the fake, through the CLI: a fake with the shared apps and some tickets
//! stands in for a server; `omflow seed from-server` as its manager reads it (the apps as
//! exported, every ticket row, every flow log); a second fake started from that seed answers
//! the same list, load and flow-log calls identically.

mod common;

use common::{against, omflow, raw, recorder, standalone_with, Server};
use omflow_client::Client;
use omflow_model::{DataNo, FlowRef};
use serde_json::{json, Value};

const APPS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/omflow-3/apps/");

/// The answer of a `/rest/` call as admin on `server`.
fn call(server: &Server, path: &str, body: Value) -> Value {
    let basic = ("Authorization", "Basic YWRtaW46YWRtaW4=");
    let login = raw(
        &server.url,
        "GET",
        "/accounts/api/security/get/",
        &[basic],
        "",
    );
    let mut body = body;
    body["security"] = login["result"]["security"].clone();
    body["omflow_restapi"] = json!(1);
    let json = ("Content-Type", "application/json");
    raw(&server.url, "POST", path, &[json], &body.to_string())
}

/// Tickets along several paths: 記錄單 (closed at once), 外部任務 (waiting at 人工處理),
/// 並行單 through async, python, the collection and into its subflow's form.
async fn some_tickets(server: &Server) {
    let admin = Client::builder(&server.url)
        .credentials("admin", "admin")
        .build()
        .unwrap();
    let uuid = |app: &str, flow: &str| FlowRef::parse(&omflow_mock::apps::flow_uuid(app, flow));
    for title in ["Log A", "Log B"] {
        admin
            .flow(uuid("應用測試", "記錄單"))
            .create()
            .set("FORMITM_1", title)
            .send()
            .await
            .unwrap();
    }
    admin
        .flow(uuid("外部服務", "外部任務"))
        .create()
        .set("FORMITM_1", "Rack the switch")
        .send()
        .await
        .unwrap();
    let parallel = admin
        .flow(uuid("應用測試", "並行單"))
        .create()
        .set("FORMITM_1", "Blue Rack")
        .set("FORMITM_3", "green")
        .set("FORMITM_5", json!({"group": "2", "user": ""}))
        .set("FORMITM_4", "new")
        .set("FORMITM_6", "AB-123")
        .send()
        .await
        .unwrap()
        .unwrap();
    let rows = admin
        .flow(FlowRef::parse("apptest_parallel"))
        .ticket(parallel)
        .flow_log()
        .await
        .unwrap();
    assert!(!rows.entries.is_empty());
    let current = admin
        .lookup_data_id("apptest_parallel", parallel)
        .await
        .unwrap();
    admin
        .flow(FlowRef::parse("apptest_parallel"))
        .push(current[0].data_id)
        .set("FORMITM_4", "go")
        .send()
        .await
        .unwrap();
}

/// Every answer the comparison reads from `server`: each flow's rows (history too), each
/// ticket's current row as loaded and its flow log, the subflow's too.
fn answers(server: &Server, flows: &[(String, String)]) -> Vec<Value> {
    let mut seen = Vec::new();
    for (api_path, uuid) in flows {
        let list = call(
            server,
            &format!("/rest/flowmanage/api/omdata/list/{api_path}/"),
            json!({"search_columns": [], "order_columns": ["id"], "limit": 1000}),
        );
        let rows = list["result"].as_array().cloned().unwrap_or_default();
        seen.push(list);
        for row in rows.iter().filter(|r| r["history"] == false) {
            let load = json!({"flow_uuid": uuid, "data_id": row["id"]});
            seen.push(call(server, "/rest/flowmanage/api/omdata/load/", load));
            let log = json!({"flow_uuid": uuid, "data_no": row["data_no"], "flow_level": 1});
            seen.push(call(server, "/rest/flowmanage/api/flow-object/load/", log));
            if api_path == "apptest_parallel" {
                let inside = json!({"flow_uuid": uuid, "data_no": row["data_no"], "flow_level": 2,
                                    "flow_uid": "1700000000301", "parent_chart_id": "FITEM_8"});
                seen.push(call(
                    server,
                    "/rest/flowmanage/api/flow-object/load/",
                    inside,
                ));
            }
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fake_started_from_a_seed_read_as_manager_answers_as_the_server_did() {
    let (main, ext) = (
        format!("{APPS}apptest_main.json"),
        format!("{APPS}apptest_ext.json"),
    );
    let server = standalone_with(&["--app", &main, "--app", &ext]);
    some_tickets(&server).await;
    let seed = std::env::temp_dir().join(format!("omflow-round-trip-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&seed);
    let read = against(&server)
        .args(["seed", "from-server", "--out"])
        .arg(&seed)
        .output()
        .unwrap();
    assert!(read.status.success(), "{read:?}");
    let said = String::from_utf8_lossy(&read.stderr);
    assert!(!said.contains("tickets: not copied"), "{said}");
    let copy = standalone_with(&["--seed", seed.to_str().unwrap(), "--login", "admin=admin"]);
    let flows: Vec<(String, String)> = [
        ("apptest_log", "記錄單", "應用測試"),
        ("apptest_ext", "外部任務", "外部服務"),
        ("apptest_parallel", "並行單", "應用測試"),
    ]
    .iter()
    .map(|(path, flow, app)| (path.to_string(), omflow_mock::apps::flow_uuid(app, flow)))
    .collect();
    let (original, copied) = (answers(&server, &flows), answers(&copy, &flows));
    assert!(original.len() > 8, "{original:?}");
    let failed: Vec<&Value> = original.iter().filter(|a| a["status"] != 200).collect();
    assert!(failed.is_empty(), "{failed:?}");
    for (was, is) in original.iter().zip(&copied) {
        assert!(
            is == was,
            "the copy answers\n{is}\nwhere the server answered\n{was}"
        );
    }
    // The copy goes on as the server would: the ticket waiting at 人工處理 has its mission.
    let admin = Client::builder(&copy.url)
        .credentials("admin", "admin")
        .build()
        .unwrap();
    let ext = admin.tickets("apptest_ext").send().await.unwrap();
    assert_eq!(ext[0].data_no, DataNo(1));
    // A recording made against the server from the moment the seed was read (the same reads
    // and a push) replays against a fake started from the seed with no difference.
    let out = std::env::temp_dir().join(format!("omflow-round-trip-rec-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let mut proxy = recorder(&server, &out);
    let recorded = answers(&proxy, &flows);
    assert_eq!(recorded.len(), original.len());
    let push = json!({"action": "update", "data_id": ext[0].id, "formdata": [
        {"id": "FORMITM_1", "type": "h_title", "value": "Rack the switch"},
        {"id": "FORMITM_2", "type": "areabox", "value": "Racked"},
        {"id": "FORMITM_4", "type": "h_status", "value": "finished"}]});
    let pushed = call(
        &proxy,
        "/rest/flowmanage/api/omdata/edit/apptest_ext/",
        push,
    );
    assert_eq!(pushed["status"], 200, "{pushed}");
    assert!(proxy.interrupt().success());
    let replayed = omflow()
        .arg("replay")
        .arg(&out)
        .args(["--fake", seed.to_str().unwrap(), "--login", "admin=admin"])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&replayed.stdout);
    assert!(replayed.status.success(), "{report}");
    let exchanges = std::fs::read_dir(&out).unwrap().count();
    assert!(
        report.contains(&format!("{exchanges} of {exchanges} exchanges agree")),
        "{report}"
    );
    std::fs::remove_file(&seed).unwrap();
    let _ = std::fs::remove_dir_all(&out);
}
