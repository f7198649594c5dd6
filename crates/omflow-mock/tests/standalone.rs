//! The `omflow-mock` binary: start, serve a login and a list over loopback, reset, and a
//! clock advance that expires a token.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn binary_serves_and_is_controllable() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_omflow-mock"))
        .args(["--addr", "127.0.0.1:0", "--seed", "demo"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    let guard = Killed(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let uri = line
        .trim()
        .strip_prefix("listening on ")
        .expect("announces its address")
        .to_string();
    assert!(uri.starts_with("http://127.0.0.1:"), "{uri}");
    let http = reqwest::Client::new();
    let login: Value = http
        .get(format!("{uri}/accounts/api/security/get/"))
        .basic_auth("admin", Some("admin"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["result"]["security"].as_str().unwrap().to_string();
    let list = |token: String| {
        let http = http.clone();
        let uri = uri.clone();
        async move {
            http.post(format!("{uri}/rest/my-mission/api/my-mission/list/"))
                .json(&json!({"security": token, "omflow_restapi": 1}))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(list(token.clone()).await["status"], 200);
    let deleted: Value = http
        .post(format!("{uri}/__mock/reset"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(deleted["reset"], true);
    let advanced = http
        .post(format!("{uri}/__mock/clock/advance"))
        .json(&json!({"seconds": 300.5}))
        .send()
        .await
        .unwrap();
    assert_eq!(advanced.status(), 200);
    assert_eq!(
        list(token).await["message"],
        "安全碼錯誤，請確認安全碼或重新取得新的安全碼。",
        "reset forgets tokens"
    );
    let login: Value = http
        .get(format!("{uri}/accounts/api/security/get/"))
        .basic_auth("admin", Some("admin"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["result"]["security"].as_str().unwrap().to_string();
    http.post(format!("{uri}/__mock/clock/advance"))
        .json(&json!({"seconds": 300}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        list(token).await["message"],
        "安全碼過期，請重新取得新的安全碼。"
    );
    let state: Value = http
        .get(format!("{uri}/__mock/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(state["flows"][0]["rows"].as_array().unwrap().len() > 12);
    let bad = http
        .post(format!("{uri}/__mock/clock/advance"))
        .json(&json!({"seconds": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    drop(guard);
}

/// A fake that cannot start says why in one line, exit 1, even under `RUST_BACKTRACE`.
#[test]
fn binary_that_cannot_start_says_why_in_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_omflow-mock"))
        .args(["--addr", &addr])
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    assert!(
        said.starts_with(&format!("error: cannot listen on {addr}: ")),
        "names the address: {said}"
    );
    for (args, says) in [
        (["--addr", ":99999"], "HOST:PORT"),
        (["--seed", "Demo"], "`demo`, in lower case"),
        (["--seed", "no-such-seed.json"], "no such file"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_omflow-mock"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: a usage error");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{args:?}"
        );
    }
}

/// The binary serves what `omflow mock serve` serves: Garoon too.
#[tokio::test]
async fn binary_serves_garoon_as_omflow_mock_serve_does() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_omflow-mock"))
        .args(["--addr", "127.0.0.1:0", "--seed", "demo"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _guard = Killed(child);
    let uri = line.trim().trim_start_matches("listening on ").to_string();
    // Garoon's password header: base64 of admin:admin.
    let answer: Value = reqwest::Client::new()
        .get(format!("{uri}/g/api/v1/workflow/admin/requests"))
        .header("X-Cybozu-Authorization", "YWRtaW46YWRtaW4=")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        answer["requests"].as_array().is_some_and(|r| !r.is_empty()),
        "{answer}"
    );
}
