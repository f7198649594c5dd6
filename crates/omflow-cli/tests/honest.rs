//! The `omflow` command is honest with the approver: nothing misread, nothing reported done
//! that was not, interrupted work accounted for, server text kept off the raw terminal.
//! Each test runs the real binary.

mod common;

#[cfg(unix)]
use common::approve_in_background;
use common::{against, as_alice, as_user, http_get, omflow, standalone, standalone_with};
use predicates::prelude::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn ndjson(output: &std::process::Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn comparison_operators_are_never_misread() {
    let at_least_10 = omflow()
        .args(["missions", "--output", "ndjson", "--where", "data_no>=10"])
        .output()
        .unwrap();
    assert!(at_least_10.status.success());
    let numbers: Vec<u64> = ndjson(&at_least_10)
        .iter()
        .map(|r| r["data_no"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [10, 11, 12], "only data_no >= 10");
    let at_most_2 = omflow()
        .args(["missions", "--output", "ndjson", "--where", "data_no<=2"])
        .output()
        .unwrap();
    assert_eq!(ndjson(&at_most_2).len(), 2);
    let yellow_or_more = omflow()
        .args(["missions", "--output", "ndjson", "--where", "level>=yellow"])
        .output()
        .unwrap();
    let levels: Vec<Value> = ndjson(&yellow_or_more)
        .iter()
        .map(|r| r["level"].clone())
        .collect();
    assert!(!levels.is_empty());
    assert!(
        levels.iter().all(|l| l == "yellow"),
        "a text comparison: {levels:?}"
    );
    for (flag, expr, hint) in [
        ("--where", "level!=red", "--exclude"),
        ("--where", "level==red", "COL=VALUE"),
        ("--where", "data_no=>10", ">="),
        ("--where", "data_no=<10", "<="),
        ("--exclude", "level=!red", "double-quote"),
    ] {
        omflow()
            .args([
                "approve",
                "--flow",
                "任務單",
                "--set",
                "FORMITM_4=dispatch_done",
            ])
            .args([flag, expr])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(hint));
    }
}

#[test]
fn the_demo_serves_only_without_any_server_setting() {
    for (var, value) in [("OMFLOW_USER", "admin"), ("OMFLOW_PASSWORD", "admin")] {
        omflow()
            .env(var, value)
            .args(["approve", "--flow", "任務單", "--quick-action", "action1"])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("set OMFLOW_URL"));
    }
    let demo = omflow().arg("missions").output().unwrap();
    let stderr = String::from_utf8(demo.stderr).unwrap();
    assert_eq!(
        stderr.matches("embedded demo server").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("admin/admin") && stderr.contains("alice/alice-pass"));
    let readme = include_str!("../../../README.md");
    assert!(readme.contains("admin/admin") && readme.contains("alice/alice-pass"));
}

#[test]
fn an_unknown_flow_is_an_error_listing_the_users_flows() {
    omflow()
        .args([
            "approve",
            "--flow",
            "nosuch",
            "--set",
            "FORMITM_4=dispatch_done",
        ])
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::contains("nosuch")
                .and(predicate::str::contains("任務單"))
                .and(predicate::str::contains("dc33fb340034418c8fbb3baf15525e86")),
        );
}

#[test]
fn dry_runs_list_what_would_be_sent_and_unroutable_pushes_are_skipped() {
    let server = standalone();
    let dry = against(&server)
        .args([
            "approve",
            "--flow",
            "任務單",
            "--quick-action",
            "action1",
            "--dry-run",
        ])
        .output()
        .unwrap();
    let dry_out = String::from_utf8(dry.stdout).unwrap();
    assert!(
        dry_out.contains("dry run: 6 mission(s) would be approved, 5 skipped"),
        "{dry_out}"
    );
    assert_eq!(dry_out.matches("would approve").count(), 6);
    assert_eq!(dry_out.matches("would skip").count(), 5);
    against(&server)
        .args(["approve", "--flow", "任務單", "--quick-action", "action1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("approved 6, skipped 5, failed 0"));
    // No stop filter: the tickets at the review stop, whose status does not offer
    // dispatch_done, are skipped with the reason instead of being stranded by the engine.
    let run = against(&server)
        .args([
            "approve",
            "--flow",
            "任務單",
            "--set",
            "FORMITM_4=dispatch_done",
            "--wait",
            "2",
        ])
        .output()
        .unwrap();
    let out = String::from_utf8(run.stdout).unwrap();
    assert_eq!(run.status.code(), Some(0), "{out}");
    assert!(out.contains("approved 5, skipped 4, failed 0"), "{out}");
    let skipped: Vec<&str> = out.lines().filter(|l| l.starts_with("skipped")).collect();
    assert_eq!(skipped.len(), 4);
    assert!(
        skipped.iter().all(|l| l.contains("(ticket ")
            && l.contains("FORMITM_4 階段")
            && l.contains("check_done")),
        "each skip names its ticket, the field and what its stop allows: {skipped:?}"
    );
    // No ticket is left in the engine's error state.
    let listed = against(&server)
        .args([
            "tickets",
            "list",
            "任務單",
            "--where",
            "error=true",
            "--output",
            "ndjson",
        ])
        .output()
        .unwrap();
    assert!(listed.status.success());
    assert!(
        listed.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&listed.stdout)
    );
}

#[test]
fn deleting_unknown_tickets_deletes_nothing_and_says_which() {
    let server = standalone();
    against(&server)
        .args(["tickets", "delete", "mission", "7", "999"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("999").and(predicate::str::contains("nothing was deleted")),
        );
    let seven = against(&server)
        .args([
            "tickets",
            "list",
            "mission",
            "--where",
            "data_no=7",
            "--output",
            "ndjson",
        ])
        .output()
        .unwrap();
    assert_eq!(ndjson(&seven).len(), 1, "ticket 7 is still there");
    against(&server)
        .args(["tickets", "delete", "mission", "7"])
        .assert()
        .success()
        .stdout(predicate::str::contains("deleted ticket(s) 7"));
    against(&server)
        .args(["tickets", "delete", "mission", "7"])
        .assert()
        .code(1);
}

#[test]
fn a_username_with_a_colon_is_refused_before_sending() {
    let server = standalone();
    as_user(&server, "bad:user", "secret-pw")
        .arg("missions")
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("\"bad:user\"")
                .and(predicate::str::contains("not sent"))
                .and(predicate::str::contains("secret-pw").not()),
        );
    let state = http_get(&format!("{}/__mock/state", server.url));
    assert_eq!(state["logins"], 0, "no login reached the server");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_new_pushes_waits_for_those_in_flight_and_exits_130() {
    let server = standalone_with(&["--latency-ms", "150"]);
    let mut child = approve_in_background(&server);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(
        first.starts_with("approved data_id"),
        "outcomes stream as they finish: {first}"
    );
    common::interrupt(&child);
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    let code = child.wait().unwrap().code();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(code, Some(130), "{rest:?} {stderr}");
    let summary = rest.last().unwrap();
    assert!(
        summary.contains("not sent") && summary.contains("(interrupted)"),
        "{summary}"
    );
    assert!(stderr.contains("interrupted"), "{stderr}");
    let not_sent = rest.iter().filter(|l| l.starts_with("not sent")).count();
    assert!(not_sent >= 1, "{rest:?}");
    // What was reported not sent is still at the analysis stop.
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
    assert_eq!(ndjson(&left).len(), not_sent);
}

#[test]
fn server_text_is_escaped_in_tables_and_exact_in_json() {
    let server = standalone();
    let title = "Printer \u{1b}[31mON FIRE\u{1b}[0m\u{7}";
    against(&server)
        .args(["tickets", "create", "任務單", "--set"])
        .arg(format!("FORMITM_1={title}"))
        .args(["--set", "FORMITM_3=red", "--set", "FORMITM_4=dispatch"])
        .args(["--set", r#"FORMITM_5={"group":"2","user":""}"#])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "created ticket 13: would go to 任務分析 (FITEM_2), group 資訊服務組; now at stop 任務分析",
        ));
    let table = against(&server).arg("missions").output().unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(text.contains("Printer \\u{1b}[31mON FIRE"), "{text}");
    let json = against(&server)
        .args(["missions", "--output", "ndjson", "--where", "data_no=13"])
        .output()
        .unwrap();
    assert_eq!(ndjson(&json)[0]["title"], title, "JSON stays exact");
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let dir = std::env::temp_dir().join(format!("omflow-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let seed_path = dir.join("big.json");
    let seed = (0..2000).fold(
        omflow_mock::Seed::pristine()
            .builder()
            .join_group("admin", 2),
        |b, i| b.ticket("mission", "admin", &format!("Ticket {i}"), "red"),
    );
    std::fs::write(
        &seed_path,
        serde_json::to_string(&seed.build().unwrap()).unwrap(),
    )
    .unwrap();
    let server = standalone_with(&["--seed", seed_path.to_str().unwrap()]);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("omflow"))
        .env("OMFLOW_URL", &server.url)
        .env("OMFLOW_USER", "admin")
        .env("OMFLOW_PASSWORD", "admin")
        .args(["missions", "--output", "ndjson", "--all"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with('{'));
    let started = Instant::now();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "{status:?}: {stderr}");
    assert_eq!(stderr, "", "quiet");
    assert!(started.elapsed() < Duration::from_secs(60));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn errors_speak_cli() {
    omflow()
        .args(["quick-action", "任務單", "2", "action1"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("--force")
                .and(predicate::str::contains("QuickActionBuilder").not()),
        );
    omflow()
        .env("OMFLOW_URL", "omflow.example.com")
        .env("OMFLOW_USER", "alice")
        .env("OMFLOW_PASSWORD", "x")
        .arg("missions")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("add http:// or https://"));
    omflow()
        .args(["push", "任務單", "2", "--set", "FORMITM_9=x"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("field FORMITM_9 is not on this stop's form")
                .and(predicate::str::contains("FORMITM_4 階段")),
        );
}

#[test]
fn trace_output_never_shows_secrets() {
    let server = standalone();
    let run = as_alice(&server)
        .env("RUST_LOG", "trace")
        .args(["push", "任務單", "2", "--set", "FORMITM_4=dispatch_done"])
        .output()
        .unwrap();
    assert!(run.status.success());
    let log = String::from_utf8_lossy(&run.stderr).to_string();
    assert!(
        log.contains("TRACE") && log.contains("omflow.http"),
        "tracing is on"
    );
    // The server keeps one code per user: logging in again returns alice's live code.
    let code = {
        use std::io::Write;
        let host = server.url.strip_prefix("http://").unwrap();
        let mut stream = std::net::TcpStream::connect(host).unwrap();
        write!(stream, "GET /accounts/api/security/get/ HTTP/1.0\r\nHost: {host}\r\nAuthorization: Basic YWxpY2U6YWxpY2UtcGFzcw==\r\n\r\n").unwrap();
        let mut text = String::new();
        stream.read_to_string(&mut text).unwrap();
        let body: Value = serde_json::from_str(text.split_once("\r\n\r\n").unwrap().1).unwrap();
        body["result"]["security"].as_str().unwrap().to_string()
    };
    for secret in ["alice-pass", "YWxpY2U6YWxpY2UtcGFzcw", code.as_str()] {
        assert!(!log.contains(secret), "the log shows {secret}");
    }
}

#[test]
fn every_subcommand_helps_with_grammar_environment_and_an_example() {
    for args in [&["missions"][..], &["approve"], &["tickets", "list"]] {
        omflow()
            .args(args)
            .arg("--help")
            .assert()
            .success()
            .stdout(predicate::str::contains("EXPR is"));
    }
    for args in [
        &["missions"][..],
        &["push"],
        &["quick-action"],
        &["approve"],
        &["tickets", "list"],
        &["tickets", "create"],
        &["tickets", "delete"],
    ] {
        omflow().args(args).arg("--help").assert().success().stdout(
            predicate::str::contains("Environment: OMFLOW_URL")
                .and(predicate::str::contains("Example")),
        );
    }
    let ours = options(
        &omflow()
            .args(["mock", "serve", "--help"])
            .output()
            .unwrap()
            .stdout,
    );
    // `omflow mock serve` and the `omflow-mock` binary both take omflow_mock::serve::ServeArgs;
    // the defaults a user relies on:
    for (flag, default) in [
        ("--addr", "127.0.0.1:8000"),
        ("--seed", "demo"),
        ("--engine-delay-ms", "0"),
        ("--latency-ms", "0"),
    ] {
        assert!(
            ours.iter()
                .any(|l| l.starts_with(flag) && l.contains(&format!("[default: {default}]"))),
            "{flag}: {ours:?}"
        );
    }
}

/// The options of a `--help` text (each flag with its description and default, whitespace
/// normalised), without `--help`, `--version` and the connection options every `omflow`
/// subcommand shows.
fn options(help: &[u8]) -> Vec<String> {
    const SKIP: [&str; 8] = [
        "--url",
        "--user",
        "--password",
        "--password-file",
        "--lang",
        "--verbose",
        "--help",
        "--version",
    ];
    let text = String::from_utf8_lossy(help);
    let mut blocks: Vec<String> = Vec::new();
    let mut in_options = false;
    for line in text.lines() {
        if line.starts_with("Options:") {
            in_options = true;
            continue;
        }
        if !in_options || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            in_options = false;
            continue;
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with('-') {
            blocks.push(trimmed.to_string());
        } else if let Some(last) = blocks.last_mut() {
            last.push(' ');
            last.push_str(trimmed);
        }
    }
    blocks
        .into_iter()
        .map(|b| b.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|b| {
            let flags: Vec<&str> = b
                .split_whitespace()
                .take_while(|w| w.starts_with('-'))
                .map(|w| w.trim_end_matches(','))
                .collect();
            !flags.iter().any(|f| SKIP.contains(f))
        })
        .collect()
}
