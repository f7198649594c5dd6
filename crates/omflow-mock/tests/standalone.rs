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
    let out = Command::new(env!("CARGO_BIN_EXE_omflow-mock"))
        .args(["--addr", &taken.local_addr().unwrap().to_string()])
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    assert!(said.starts_with("error: cannot listen: "), "{said}");
}
