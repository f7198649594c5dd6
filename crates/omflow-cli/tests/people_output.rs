//! Acting commands report for programs too (`--output json|ndjson`: one object per ticket
//! with its outcome, nothing else on stdout), and `approve` says how far it is: done/total
//! off a terminal every few seconds; a second Ctrl-C exits at once.

mod common;

#[cfg(unix)]
use common::approve_in_background;
use common::{against, as_alice, standalone, standalone_with, succeeded};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::time::{Duration, Instant};

fn objects(out: &std::process::Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect()
}

fn missions_at(server: &common::Server, stop: &str) -> Vec<Value> {
    let out = as_alice(server)
        .args(["missions", "--output", "ndjson", "--where"])
        .arg(format!("stop_uuid={stop}"))
        .output()
        .unwrap();
    objects(&out)
}

#[test]
fn push_comment_and_approve_report_one_object_per_ticket() {
    let server = standalone();
    let at_analysis = missions_at(&server, "FITEM_2");
    let first = &at_analysis[0];
    let data_id = first["data_id"].as_u64().unwrap().to_string();
    let pushed = as_alice(&server)
        .args([
            "push",
            "任務單",
            &data_id,
            "--set",
            "FORMITM_4=dispatch_done",
        ])
        .args(["--output", "json"])
        .output()
        .unwrap();
    succeeded(&pushed);
    let pushed: Value = serde_json::from_slice(&pushed.stdout).unwrap();
    assert_eq!(pushed[0]["outcome"], "pushed");
    assert_eq!(pushed[0]["data_id"].as_u64(), first["data_id"].as_u64());
    assert_eq!(pushed[0]["ticket"], first["data_no"]);
    assert!(pushed[0]["route"].is_string(), "{pushed}");
    assert_eq!(pushed[0]["state"]["kind"], "at_stop", "{pushed}");

    let ticket = first["data_no"].to_string();
    let commented = as_alice(&server)
        .args(["comment", "任務單", &ticket, "done", "--output", "ndjson"])
        .output()
        .unwrap();
    assert!(commented.status.success());
    assert_eq!(
        objects(&commented),
        [serde_json::json!({"outcome": "commented", "ticket": first["data_no"]})]
    );

    let rest = missions_at(&server, "FITEM_2").len();
    let plan = as_alice(&server)
        .args([
            "approve",
            "--flow",
            "任務單",
            "--where",
            "stop_uuid=FITEM_2",
        ])
        .args([
            "--set",
            "FORMITM_4=dispatch_done",
            "--dry-run",
            "--output",
            "ndjson",
        ])
        .output()
        .unwrap();
    assert!(plan.status.success());
    let plan = objects(&plan);
    assert_eq!(plan.len(), rest);
    assert!(
        plan.iter().all(|o| o["outcome"] == "would_approve"),
        "{plan:?}"
    );
    let run = as_alice(&server)
        .args([
            "approve",
            "--flow",
            "任務單",
            "--where",
            "stop_uuid=FITEM_2",
        ])
        .args(["--set", "FORMITM_4=dispatch_done", "--output", "ndjson"])
        .output()
        .unwrap();
    succeeded(&run);
    let run = objects(&run);
    assert_eq!(
        run.len(),
        rest,
        "one object per ticket and nothing else on stdout"
    );
    assert!(run.iter().all(|o| o["outcome"] == "approved"), "{run:?}");
    assert_eq!(missions_at(&server, "FITEM_2").len(), 0);
}

#[test]
fn a_refused_ticket_is_an_object_with_its_reason() {
    let server = standalone();
    let run = as_alice(&server)
        .args(["approve", "--flow", "任務單"])
        .args(["--set", "FORMITM_4=dispatch_done", "--output", "json"])
        .output()
        .unwrap();
    let all: Value = serde_json::from_slice(&run.stdout).unwrap();
    let skipped: Vec<&Value> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["outcome"] == "skipped")
        .collect();
    assert!(!skipped.is_empty(), "{all}");
    assert!(
        skipped.iter().all(|o| o["reason"]
            .as_str()
            .is_some_and(|r| r.contains("FORMITM_4"))),
        "{skipped:?}"
    );
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("omflow: approved"),
        "the summary goes to stderr"
    );
}

#[test]
fn approve_off_a_terminal_says_done_of_total_every_few_seconds() {
    // Each ticket takes a few answers of a second each: the run outlasts the 5 s interval.
    let server = standalone_with(&["--latency-ms", "1000"]);
    let started = Instant::now();
    let out = against(&server)
        .args([
            "approve",
            "--flow",
            "任務單",
            "--where",
            "stop_uuid=FITEM_2",
        ])
        .args([
            "--set",
            "FORMITM_4=dispatch_done",
            "--concurrency",
            "1",
            "--wait",
            "0",
        ])
        .output()
        .unwrap();
    succeeded(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.contains("tickets done"))
        .unwrap_or_else(|| panic!("no progress line in {:?}: {stderr}", started.elapsed()));
    let total = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("approved data_id"))
        .count();
    assert!(
        line.contains(&format!("/{total} tickets done")),
        "done/total: {line}"
    );
}

#[cfg(unix)]
#[test]
fn a_second_ctrl_c_exits_at_once() {
    let server = standalone_with(&["--latency-ms", "400"]);
    let mut child = approve_in_background(&server);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with("approved data_id"), "{first}");
    // The next ticket's first answer takes 400 ms: interrupt while it is in flight (an
    // interrupt before its turn would leave nothing to wait for).
    std::thread::sleep(Duration::from_millis(150));
    common::interrupt(&child);
    std::thread::sleep(Duration::from_millis(100));
    let second = Instant::now();
    common::interrupt(&child);
    let code = child.wait().unwrap().code();
    let waited = second.elapsed();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(code, Some(130), "{stderr}");
    assert!(stderr.contains("interrupted again"), "{stderr}");
    assert!(
        waited < Duration::from_millis(400),
        "exited at once: {waited:?}"
    );
}

#[test]
fn wide_tables_cut_no_cell() {
    let server = standalone();
    let title = "A printer on the third floor that jams on every second page of a long report";
    let created = against(&server)
        .args(["tickets", "create", "任務單", "--set"])
        .arg(format!("FORMITM_1={title}"))
        .args(["--set", "FORMITM_3=red", "--set", "FORMITM_4=dispatch"])
        .args([
            "--set",
            r#"FORMITM_5={"group":"2","user":""}"#,
            "--wait",
            "0",
        ])
        .output()
        .unwrap();
    succeeded(&created);
    let list = |format: &str| {
        let out = against(&server)
            .args(["tickets", "list", "任務單", "--output", format])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let table = list("table");
    assert!(!table.contains(title) && table.contains('…'), "{table}");
    assert!(list("wide").contains(title), "wide cuts nothing");
}
