//! The Garoon approver from the command line, as alice against the standalone fake
//! (`omflow mock serve --seed demo`, GAROON_URL=<fake>/g): what waits for her, a dry run
//! that changes nothing, approving (read back over REST), and a refusal before sending.

mod common;

use common::{omflow, standalone, Server};
use serde_json::Value;

fn as_alice(server: &Server) -> assert_cmd::Command {
    let mut cmd = omflow();
    cmd.env("GAROON_URL", format!("{}/g", server.url))
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
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn pending_ids(server: &Server) -> Vec<String> {
    let out = as_alice(server)
        .args(["garoon", "pending", "--output", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
    assert!(
        approved.status.success(),
        "{}",
        String::from_utf8_lossy(&approved.stderr)
    );
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
