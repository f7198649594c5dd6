//! The Garoon approver from the command line, as alice against the standalone fake
//! (`omflow mock serve --seed demo`, GAROON_URL=<fake>/g): what waits for her, a dry run
//! that changes nothing, approving (read back over REST), and a refusal before sending.

mod common;

use common::{omflow, standalone, succeeded, Server};
use predicates::prelude::*;
use serde_json::Value;

fn as_alice(server: &Server) -> assert_cmd::Command {
    let mut cmd = omflow();
    cmd.env("GAROON_URL", format!("{}/g", server.url))
        .env("GAROON_USER", "alice")
        .env("GAROON_PASSWORD", "alice-pass");
    cmd
}

/// alice against an address where nothing listens: what is found before connecting.
fn alice_without_server() -> assert_cmd::Command {
    let mut cmd = omflow();
    cmd.env("GAROON_URL", "http://127.0.0.1:9/g")
        .env("GAROON_USER", "alice")
        .env("GAROON_PASSWORD", "alice-pass");
    cmd
}

fn rest_request(server: &Server, id: &str) -> Value {
    let out = omflow()
        .env("GAROON_URL", format!("{}/g", server.url))
        .env("GAROON_USER", "admin")
        .env("GAROON_PASSWORD", "admin")
        .args(["garoon", "request", id])
        .output()
        .unwrap();
    succeeded(&out);
    serde_json::from_slice(&out.stdout).unwrap()
}

fn pending_ids(server: &Server) -> Vec<String> {
    listed_ids(server, &["pending"])
}

/// The ids `omflow garoon <args> --output json` lists for alice.
fn listed_ids(server: &Server, args: &[&str]) -> Vec<String> {
    let out = as_alice(server)
        .arg("garoon")
        .args(args)
        .args(["--output", "json"])
        .output()
        .unwrap();
    succeeded(&out);
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut ids: Vec<String> = rows
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn alice_lists_approves_and_is_refused_with_the_faults_meaning() {
    let server = standalone();
    assert_eq!(pending_ids(&server), ["3101", "3102", "3103"]);
    let before = rest_request(&server, "3101");
    let dry = as_alice(&server)
        .args(["garoon", "approve", "3101", "--dry-run"])
        .output()
        .unwrap();
    assert!(dry.status.success());
    assert!(String::from_utf8_lossy(&dry.stdout).contains("would approve 3101"));
    assert_eq!(
        rest_request(&server, "3101"),
        before,
        "a dry run changes nothing"
    );

    let approved = as_alice(&server)
        .args([
            "garoon",
            "approve",
            "3101",
            "--comment",
            "checked",
            "--output",
            "ndjson",
        ])
        .output()
        .unwrap();
    succeeded(&approved);
    let after = rest_request(&server, "3101");
    assert_eq!(
        after["processingStepCode"], "Manager",
        "moved to its next step"
    );
    assert_eq!(after["status"]["type"], "IN_PROGRESS");
    assert_eq!(
        after["steps"]["Team"]["processors"][0]["comment"],
        "checked"
    );
    assert_eq!(pending_ids(&server), ["3102", "3103"]);

    // 3104 waits for boss: refused before sending, with why.
    let refused = as_alice(&server)
        .args(["garoon", "approve", "3104"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stdout);
    assert!(
        said.contains("not waiting for you") && said.contains("GRN_WRKF_25302"),
        "{said}"
    );
    // An acknowledgement step offers confirm, not approve.
    let wrong = as_alice(&server)
        .args(["garoon", "approve", "3103"])
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stdout).contains("it offers: confirm"));
    // Sent anyway by the applicant's command, Garoon's own fault comes back with its meaning.
    let withdraw = as_alice(&server)
        .args(["garoon", "withdraw", "3102"])
        .output()
        .unwrap();
    assert_eq!(withdraw.status.code(), Some(1));
    let said = String::from_utf8_lossy(&withdraw.stdout);
    assert!(
        said.contains("GRN_WRKF_25359") && said.contains("only the applicant"),
        "{said}"
    );
    assert_eq!(pending_ids(&server), ["3102", "3103"]);
}

#[test]
fn alice_lists_her_sent_received_and_upcoming_requests_in_a_period() {
    let server = standalone();
    assert_eq!(
        listed_ids(&server, &["sent", "--since", "2025-06-01"]),
        ["3105"]
    );
    assert!(
        listed_ids(
            &server,
            &["sent", "--since", "2025-06-01", "--until", "2025-06-23"]
        )
        .is_empty(),
        "3105 was created on 24 June"
    );
    assert_eq!(
        listed_ids(&server, &["upcoming", "--since", "2025-06-01"]),
        ["3104"]
    );
    assert!(listed_ids(&server, &["received", "--since", "2025-06-01"]).is_empty());
    as_alice(&server)
        .args(["garoon", "approve", "3101"])
        .assert()
        .success();
    assert_eq!(
        listed_ids(&server, &["received", "--since", "2025-06-01"]),
        ["3101"]
    );
}

#[test]
fn a_period_that_ends_before_it_starts_is_a_usage_error_before_connecting() {
    // No server at this address: the mistake is found first.
    let out = alice_without_server()
        .args([
            "garoon",
            "received",
            "--since",
            "2025-07-01",
            "--until",
            "2025-06-01",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--since 2025-07-01 00:00:00Z is after --until 2025-06-01 23:59:59Z"),
        "{stderr}"
    );
}

/// The README's Garoon lines, run as written against the embedded demo (those naming a real
/// Garoon with `GAROON_URL=https://...` are left out).
#[test]
fn every_readme_garoon_example_runs_against_the_embedded_demo() {
    let readme = include_str!("../../../README.md");
    let section = &readme[readme
        .find("## Garoon workflow requests")
        .expect("the README has the Garoon section")..];
    let block = &section[section.find("```sh").unwrap() + 5..];
    let block = &block[..block.find("```").unwrap()];
    let mut ran = 0;
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        let command = line.find("  #").map_or(line, |comment| &line[..comment]);
        let words = shlex::split(command).unwrap_or_else(|| panic!("cannot split {line:?}"));
        let (env, rest): (Vec<&String>, Vec<&String>) = {
            let at = words
                .iter()
                .position(|w| w == "omflow")
                .expect("an omflow line");
            (
                words[..at].iter().collect(),
                words[at + 1..].iter().collect(),
            )
        };
        if env.iter().any(|e| e.starts_with("GAROON_URL=")) {
            continue;
        }
        let mut cmd = omflow();
        cmd.env_remove("GAROON_URL");
        for assignment in env {
            let (name, value) = assignment.split_once('=').unwrap();
            cmd.env(name, value);
        }
        let output = cmd.args(rest).output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && !stdout.contains("(0 rows)"),
            "{line}\nstdout: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        ran += 1;
    }
    assert!(ran >= 6, "only {ran} README Garoon lines ran");
}

#[test]
fn what_a_newcomer_met_is_said_in_their_words() {
    let server = standalone();
    // --until alone: the 90 days before it.
    assert_eq!(
        listed_ids(&server, &["sent", "--until", "2025-06-30"]),
        ["3105"]
    );
    // Withdrawing twice: the second is Garoon's refusal, said as such.
    as_alice(&server)
        .args(["garoon", "withdraw", "3105"])
        .assert()
        .success();
    as_alice(&server)
        .args(["garoon", "withdraw", "3105"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("refused by Garoon 3105")
                .and(predicate::str::contains("GRN_WRKF_25334"))
                .and(predicate::str::contains("1 refused by Garoon")),
        );
    // A URL that is not Garoon's base: what answered, and what to check.
    as_alice(&server)
        .env("GAROON_URL", &server.url)
        .args(["garoon", "pending"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("HTTP 404 with no SOAP answer")
                .and(predicate::str::contains("check GAROON_URL")),
        );
    // A wrong password: which settings to check.
    as_alice(&server)
        .env("GAROON_PASSWORD", "wrong")
        .args(["garoon", "pending"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "check GAROON_USER and GAROON_PASSWORD",
        ));
}

#[test]
fn bad_days_and_empty_passwords_are_usage_errors_that_say_why() {
    for (args, said) in [
        (
            vec!["sent", "--since", "2025-13-01"],
            "2025-13-01 is not a day of the calendar",
        ),
        (
            vec!["sent", "--since", "2025-06-24T09:00:00"],
            "has no offset: add Z (UTC)",
        ),
        (
            vec!["received", "--until", "soon"],
            "a day (2025-06-01, UTC)",
        ),
    ] {
        omflow()
            .env_remove("GAROON_URL")
            .arg("garoon")
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(said));
    }
    alice_without_server()
        .env("GAROON_PASSWORD", "")
        .args(["garoon", "pending"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the Garoon password is empty"));
}

#[test]
fn alice_works_as_bosss_proxy_approver() {
    let server = standalone();
    assert_eq!(
        listed_ids(&server, &["pending", "--proxy-of", "9"]),
        ["3001", "3005", "3006", "3104", "3105"]
    );
    as_alice(&server)
        .args(["garoon", "approve", "3104", "--proxy-of", "9"])
        .assert()
        .success();
    assert!(
        pending_ids(&server).contains(&"3104".to_string()),
        "now at her own step"
    );
    as_alice(&server)
        .args(["garoon", "approve", "3104", "--proxy-of", "3"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "not a proxy approver of Garoon user 3",
        ));
    alice_without_server()
        .args(["garoon", "withdraw", "3105", "--proxy-of", "9"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--proxy-of acts for approve"));
    alice_without_server()
        .args(["garoon", "pending", "--proxy-of", "boss"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a Garoon user id is digits"));
}
