//! Streaming: iterate N missions through the paging stream and report this process's peak
//! RSS, for N = 100,000 and 1,000,000. The pages come from a page-synthesizing server in a
//! child process (this binary re-run with `--serve`), so only the client is measured:
//! `cargo bench -p omflow-client --bench stream`. Goal: peak RSS < 64 MB, flat in N.

use futures::TryStreamExt;
use omflow_client::Client;
use omflow_model::query::Query;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

struct Pages;

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if request.url.path().starts_with("/accounts/") {
            return ResponseTemplate::new(200).set_body_raw(r#"{"status": 200, "message": "ok", "result": {"security": "00000000-1111-4222-8333-444444444444"}}"#, "application/json");
        }
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let total: u64 = std::env::var("STREAM_TOTAL")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let start = body["start"].as_u64().unwrap_or(0);
        let end = body["limit"].as_u64().unwrap_or(0).min(total);
        let mut out = String::from(r#"{"status": 200, "message": "ok", "result": ["#);
        for id in start..end.max(start) {
            if id > start {
                out.push(',');
            }
            out.push_str(&format!(
                r#"{{"id": {id}, "flow_uuid": "dc33fb34-0034-418c-8fbb-3baf15525e86", "flow_name": "F", "status": "s", "level": "red", "title": "Ticket {id}", "data_no": {id}, "data_id": {id}, "history": false, "stop_uuid": "FITEM_2", "stop_chart_text": "x", "create_user_id": "admin", "update_user_id": null, "ticket_createtime": "2026-11-22T16:59:16.358", "createtime": "2026-11-22T16:59:16.374", "updatetime": "2026-11-22T16:59:16.374", "assignee_id": null, "assign_group_id": 2, "action": ",", "attachment": false, "closed": false, "is_active": true, "deploy_flag": true}}"#
            ));
        }
        out.push_str("]}");
        ResponseTemplate::new(200).set_body_raw(out, "application/json")
    }
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--serve") {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let server = MockServer::builder()
                .disable_request_recording()
                .start()
                .await;
            Mock::given(wiremock::matchers::any())
                .respond_with(Pages)
                .mount(&server)
                .await;
            println!("{}", server.uri());
            tokio::signal::ctrl_c().await.ok();
        });
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for total in [100_000u64, 1_000_000] {
        let mut child = Command::new(&args[0])
            .arg("--serve")
            .env("STREAM_TOTAL", total.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut uri = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut uri)
            .unwrap();
        let before = peak_rss_kb();
        let count = runtime.block_on(async {
            let client = Client::builder(uri.trim())
                .credentials("admin", "admin")
                .build()
                .unwrap();
            let query = Query::builder().page_size(1_000).build().unwrap();
            client
                .missions()
                .query(query)
                .stream()
                .try_fold(0u64, |n, _| async move { Ok(n + 1) })
                .await
                .unwrap()
        });
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(count, total);
        println!(
            "streamed {count:>9} missions (pages of 1,000): peak RSS {:>6.1} MB (before: {:.1} MB)",
            peak_rss_kb() as f64 / 1024.0,
            before as f64 / 1024.0
        );
    }
    println!(
        "goal: peak RSS < 64 MB and flat in N: {}",
        if peak_rss_kb() < 64 * 1024 {
            "met"
        } else {
            "NOT met"
        }
    );
}
