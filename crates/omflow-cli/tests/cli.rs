//! End-to-end: the built `omflow` binary against the embedded fake and a standalone fake.

mod common;

use assert_cmd::Command;
use common::{against, as_alice, omflow, standalone};
use predicates::prelude::*;
use serde_json::Value;

fn stdout_of(args: &[&str]) -> String {
    let output = omflow().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn ndjson(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["missions", "--output", "ndjson"];
    all.extend_from_slice(args);
    stdout_of(&all)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

fn data_nos(rows: &[Value]) -> Vec<u64> {
    let mut n: Vec<u64> = rows
        .iter()
        .map(|r| r["data_no"].as_u64().unwrap())
        .collect();
    n.sort_unstable();
    n
}

#[test]
fn embedded_fake_prints_the_demo_missions_table() {
    omflow()
        .arg("missions")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("DATA_ID")
                .and(predicate::str::contains("Printer on 3F jams"))
                .and(predicate::str::contains("(11 rows)")),
        )
        .stderr(
            predicate::str::contains("embedded demo server")
                .and(predicate::str::contains("admin/admin"))
                .and(predicate::str::contains("alice/alice-pass")),
        );
}

#[test]
fn output_formats_parse() {
    let json: Value = serde_json::from_str(&stdout_of(&["missions", "--output", "json"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 11);
    assert!(json[0]["flow_uuid"].is_string(), "the server's rows");
    assert_eq!(ndjson(&[]).len(), 11);
}

#[test]
fn each_expression_form() {
    assert_eq!(
        data_nos(&ndjson(&["--where", "level=red"])),
        vec![2, 4, 10, 12]
    );
    assert_eq!(data_nos(&ndjson(&["--where", "data_no>10"])), vec![11, 12]);
    assert_eq!(data_nos(&ndjson(&["--where", "data_no<3"])), vec![1, 2]);
    assert_eq!(
        data_nos(&ndjson(&["--where", "title contains PRINTER"])),
        vec![1, 11]
    );
    assert_eq!(
        data_nos(&ndjson(&["--where", "data_no in 1,3,99"])),
        vec![1, 3]
    );
    assert_eq!(
        data_nos(&ndjson(&[
            "--where",
            "level=red",
            "--where",
            "stop_uuid=FITEM_2"
        ])),
        vec![10, 12]
    );
    assert_eq!(
        data_nos(&ndjson(&[
            "--exclude",
            "level=green",
            "--exclude",
            "stop_uuid=FITEM_5"
        ])),
        vec![1, 2, 3, 4, 6, 7, 8, 10, 12],
        "green tickets at FITEM_5 (5 and 11) are excluded, green elsewhere kept"
    );
    let projected = ndjson(&[
        "--columns",
        "data_no,title",
        "--order",
        "-data_no",
        "--limit",
        "2",
    ]);
    assert_eq!(
        projected,
        vec![
            serde_json::json!({"data_no": 12, "title": "Server room too warm"}),
            serde_json::json!({"data_no": 11, "title": "Printer toner low"})
        ]
    );
}

#[test]
fn all_streams_every_page() {
    let rows = ndjson(&["--all", "--page-size", "3"]);
    assert_eq!(rows.len(), 11);
    assert_eq!(ndjson(&["--limit", "3"]).len(), 3);
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    let out = omflow()
        .args(["missions", "--where", "level"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains("EXPR is"));
    omflow()
        .args(["push", "mission", "2", "--set", "FORMITM_4"])
        .assert()
        .code(2);
    omflow().args(["nosuchcommand"]).assert().code(2);
    omflow()
        .args(["approve", "--flow", "任務單"])
        .assert()
        .code(2);
}

#[test]
fn unreachable_server_exits_1_with_one_clear_error_line_after_the_retries() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let out = omflow()
        .args([
            "missions",
            "--url",
            &url,
            "--user",
            "admin",
            "--password",
            "hunter2-secret",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    let (error, retries) = lines.split_last().unwrap();
    assert!(
        error.starts_with("error: ") && error.contains("cannot connect"),
        "{stderr}"
    );
    assert!(error.contains(&url), "the error names the server: {stderr}");
    // Reads are retried 3 times, each said as it happens.
    assert_eq!(retries.len(), 3, "{stderr}");
    assert!(
        retries.iter().all(|l| l.contains("retrying (attempt")),
        "{stderr}"
    );
    // Each says why, down to the system's words (the cause kept under the transport's error).
    assert!(
        retries
            .iter()
            .all(|l| l.to_lowercase().contains("connection refused")),
        "{stderr}"
    );
    assert!(
        retries
            .iter()
            .all(|l| l.starts_with("logging in:") && !l.contains("security.get")),
        "said in the user's words: {stderr}"
    );
    assert!(!stderr.contains("hunter2-secret"));
}

#[test]
fn push_and_quick_action_guard_on_the_embedded_fake() {
    omflow()
        .args(["push", "mission", "2", "--set", "FORMITM_4=dispatch_done"])
        .assert()
        .success()
        .stdout(predicate::str::contains("pushed data_id 2 (ticket 1)"));
    omflow()
        .args(["quick-action", "mission", "2", "action1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not offered"));
    omflow()
        .args(["quick-action", "mission", "2", "action1", "--force"])
        .assert()
        .success();
    omflow()
        .args(["quick-action", "mission", "5", "action1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("action1 sent for data_id 5"));
}

/// The approver's whole job with nothing but a URL, a username and a password.
fn approver_job(run: impl Fn() -> Command, sees_engine_message: bool) {
    run()
        .args(["push", "任務單", "2", "--set", "FORMITM_4=dispatch_done"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "pushed data_id 2 (ticket 1): would go to 任務處理 (FITEM_5), group 資訊服務組; now at stop 任務處理",
        ));
    let ticket_1 = run()
        .args(["missions", "--output", "ndjson", "--where", "data_no=1"])
        .output()
        .unwrap();
    let rows: Vec<Value> = String::from_utf8(ticket_1.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["stop_uuid"], "FITEM_5", "ticket 1 is at FITEM_5");
    run()
        .args(["push", "任務單", "2", "--set", "FORMITM_4=dispatch_done"])
        .assert()
        .code(1)
        // The row moved on to 任務處理, whose form does not offer dispatch_done: refused
        // before sending (a value its stop does offer gets the server's "already moved on").
        .stderr(
            predicate::str::contains("already moved on").or(predicate::str::contains("(not sent)")),
        );
    run()
        .args([
            "approve",
            "--flow",
            "任務單",
            "--where",
            "stop_uuid=FITEM_2",
        ])
        .args(["--set", "FORMITM_4=dispatch_done"])
        .assert()
        .success()
        .stdout(predicate::str::contains("approved 4, skipped 0, failed 0"));
    run()
        .args([
            "approve",
            "--flow",
            "任務單",
            "--where",
            "stop_uuid=FITEM_5",
        ])
        .args(["--quick-action", "action1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("approved 9, skipped 0, failed 0"));
    // "zzz" is no choice of the review stop and no rule of its switch matches it: refused
    // unless forced; forced, the server answers success, then the engine leaves the
    // tickets in its error state.
    let failing = run()
        .args([
            "approve",
            "--flow",
            "任務單",
            "--where",
            "stop_uuid=FITEM_6",
        ])
        .args(["--set", "FORMITM_4=zzz", "--force", "--wait", "1"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(failing.stdout).unwrap();
    assert_eq!(failing.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("approved 0, skipped 0, failed 11"),
        "{stdout}"
    );
    assert!(stdout.contains("engine error"), "{stdout}");
    if sees_engine_message {
        assert!(stdout.contains("找不到符合的條件。"), "{stdout}");
    }
}

#[test]
fn the_ordinary_approver_does_the_whole_job_with_no_flow_configuration() {
    let server = standalone();
    approver_job(|| as_alice(&server), false);
}

#[test]
fn the_superuser_does_the_same_job_and_sees_the_engine_message() {
    let server = standalone();
    approver_job(|| against(&server), true);
}

#[test]
fn approve_dry_run_then_for_real_then_nothing_left() {
    let server = standalone();
    let at_analysis = ["--where", "stop_uuid=FITEM_2"];
    against(&server)
        .args([
            "approve",
            "--flow",
            "任務單",
            "--set",
            "FORMITM_4=dispatch_done",
            "--dry-run",
        ])
        .args(at_analysis)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "dry run: 5 mission(s) would be approved",
        ));
    against(&server)
        .args([
            "approve",
            "--flow",
            "dc33fb34-0034-418c-8fbb-3baf15525e86",
            "--set",
            "FORMITM_4=dispatch_done",
            "--concurrency",
            "4",
        ])
        .args(at_analysis)
        .assert()
        .success()
        .stdout(predicate::str::contains("approved 5, skipped 0, failed 0"));
    let left = against(&server)
        .args([
            "missions",
            "--output",
            "ndjson",
            "--where",
            "stop_uuid=FITEM_2",
        ])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(left.stdout).unwrap().trim().is_empty(),
        "the tickets moved on"
    );
    against(&server)
        .args([
            "approve",
            "--flow",
            "任務單",
            "--set",
            "FORMITM_4=dispatch_done",
        ])
        .args(at_analysis)
        .assert()
        .success()
        .stdout(predicate::str::contains("approved 0, skipped 0, failed 0"));
    against(&server)
        .args(["approve", "--flow", "任務單", "--quick-action", "action1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("approved 11, skipped 0, failed 0"));
}

#[test]
fn tickets_create_list_delete() {
    let server = standalone();
    against(&server)
        .args([
            "tickets",
            "create",
            "mission",
            "--set",
            "FORMITM_1=From the CLI",
            "--set",
            "FORMITM_3=red",
            "--set",
            "FORMITM_4=dispatch",
            "--set",
            r#"FORMITM_5={"group":"2","user":""}"#,
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("created ticket 13"));
    let list = against(&server)
        .args([
            "tickets",
            "list",
            "mission",
            "--where",
            "data_no=13",
            "--output",
            "json",
        ])
        .output()
        .unwrap();
    let rows: Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["title"], "From the CLI");
    let with_history = against(&server)
        .args([
            "tickets",
            "list",
            "mission",
            "--where",
            "data_no=13",
            "--history",
            "--output",
            "ndjson",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(with_history.stdout)
            .unwrap()
            .lines()
            .count(),
        2
    );
    against(&server)
        .args(["tickets", "delete", "mission", "13"])
        .assert()
        .success();
    let gone = against(&server)
        .args([
            "tickets",
            "list",
            "mission",
            "--where",
            "data_no=13",
            "--output",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&gone.stdout).unwrap(),
        serde_json::json!([])
    );
}

#[test]
fn quick_action_approval_skips_stops_without_it() {
    omflow()
        .args(["approve", "--flow", "任務單", "--quick-action", "action1"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("approved 6, skipped 5, failed 0")
                .and(predicate::str::contains("is not offered at this stop")),
        );
}

#[test]
fn garoon_requests_and_one_request_from_the_embedded_fake() {
    omflow()
        .args(["garoon", "requests"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("TRV-2025-0042").and(predicate::str::contains("(17 rows)")),
        );
    let approved = omflow()
        .args([
            "garoon", "requests", "--status", "APPROVED", "--output", "ndjson",
        ])
        .output()
        .unwrap();
    let lines: Vec<Value> = String::from_utf8(approved.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!lines.is_empty() && lines.iter().all(|r| r["status"]["type"] == "APPROVED"));
    let one = omflow()
        .args(["garoon", "request", "2045"])
        .output()
        .unwrap();
    let request: Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(
        request["number"], "LV-000913",
        "one request: the object as Garoon sent it"
    );
    omflow()
        .args(["garoon", "requests", "--status", "DONE"])
        .assert()
        .code(2);
    omflow()
        .args(["garoon", "request", "424242"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("GRN_"));
}

/// The README's `omflow` lines, each run as written (a fresh embedded demo each time).
#[test]
fn every_readme_cli_example_runs_against_the_embedded_demo() {
    let readme = include_str!("../../../README.md");
    let section = &readme[readme
        .find("## The `omflow` command by example")
        .expect("the README has the CLI section")..];
    let block = &section[section.find("```sh").unwrap() + 5..];
    let block = &block[..block.find("```").unwrap()];
    let mut ran = 0;
    for line in block.lines().filter(|l| l.starts_with("omflow ")) {
        let command = match line.find("  #") {
            Some(comment) => &line[..comment],
            None => line,
        };
        let words = shlex::split(command).unwrap_or_else(|| panic!("cannot split {line:?}"));
        if words.get(1..3) == Some(&["mock".to_string(), "serve".to_string()][..]) {
            continue; // runs until stopped; `standalone()` above starts it
        }
        let output = omflow().args(&words[1..]).output().unwrap();
        assert!(
            output.status.success(),
            "{line}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        ran += 1;
    }
    assert!(ran >= 12, "only {ran} README lines ran");
}
