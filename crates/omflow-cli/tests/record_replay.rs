//! `omflow record` and `omflow replay` end to end: a CLI session recorded through the proxy
//! replays against a fresh fake, a changed answer is named, and no secret is written.

mod common;

use common::{announced, as_alice, as_user, omflow, raw, recorder, standalone, Server};
use serde_json::Value;
use std::io::Read;
use std::process::Stdio;

/// A login as alice (alice:alice-pass) by hand, as a script would send it.
fn login_as_alice(url: &str) -> Value {
    let basic = ("Authorization", "Basic YWxpY2U6YWxpY2UtcGFzcw==");
    raw(url, "GET", "/accounts/api/security/get/", &[basic], "")
}

fn ndjson(output: &std::process::Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// The approver's session through `proxy`: list, push, quick action, a failing login and a
/// code used after the fake expired it. Returns that code.
#[cfg(unix)]
fn record_a_session(server: &Server, proxy: &Server) -> String {
    let via_proxy = |mut cmd: assert_cmd::Command| {
        cmd.env("OMFLOW_URL", &proxy.url);
        cmd
    };

    // The approver's session: list, push, quick action.
    let listed = via_proxy(as_alice(server))
        .args(["missions", "--output", "ndjson"])
        .output()
        .unwrap();
    assert!(listed.status.success(), "{listed:?}");
    let missions = ndjson(&listed);
    let at = |stop: &str| {
        missions
            .iter()
            .find(|m| m["stop_uuid"] == stop)
            .and_then(|m| m["data_id"].as_u64())
            .unwrap_or_else(|| panic!("a mission at {stop}"))
    };
    let (to_push, to_quick) = (at("FITEM_2"), at("FITEM_5"));
    let pushed = via_proxy(as_alice(server))
        .args([
            "push",
            "任務單",
            &to_push.to_string(),
            "--set",
            "FORMITM_4=dispatch_done",
            "--wait",
            "0",
        ])
        .output()
        .unwrap();
    assert!(pushed.status.success(), "{pushed:?}");
    let quick = via_proxy(as_alice(server))
        .args([
            "quick-action",
            "任務單",
            &to_quick.to_string(),
            "action1",
            "--wait",
            "0",
        ])
        .output()
        .unwrap();
    assert!(quick.status.success(), "{quick:?}");
    // A failing login.
    let refused = via_proxy(as_user(server, "alice", "wrong-password"))
        .args(["missions"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    // An expired code: log in by hand, expire the fake's codes, use the old one.
    let login = login_as_alice(&proxy.url);
    let code = login["result"]["security"].as_str().unwrap().to_string();
    raw(&proxy.url, "POST", "/__mock/tokens/expire", &[], "");
    let expired = raw(
        &proxy.url,
        "POST",
        "/rest/my-mission/api/my-mission/list/",
        &[("Content-Type", "application/json")],
        &format!(r#"{{"security": "{code}", "omflow_restapi": 1}}"#),
    );
    assert_ne!(expired["status"], 200, "{expired}");
    code
}

/// The recorded exchange files, sorted, after checking that none holds a secret; with the
/// security-code placeholders they hold.
#[cfg(unix)]
fn recorded_files_without_secrets(
    out: &std::path::Path,
    code: &str,
) -> (Vec<std::path::PathBuf>, std::collections::BTreeSet<String>) {
    let mut files: Vec<_> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    let mut placeholders = std::collections::BTreeSet::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for secret in [
            "alice-pass",
            "YWxpY2U6YWxpY2UtcGFzcw",
            "wrong-password",
            "YWxpY2U6d3JvbmctcGFzc3dvcmQ",
            code,
        ] {
            assert!(!text.contains(secret), "{} holds {secret}", file.display());
        }
        placeholders.extend(text.match_indices("<security:").map(|(at, _)| {
            text[at..]
                .split_once('>')
                .map_or("", |(p, _)| p)
                .to_string()
        }));
    }
    (files, placeholders)
}

/// Replays `out` on a fresh demo fake: every exchange agrees, and the recorder learned one code.
#[cfg(unix)]
fn every_exchange_agrees(
    out: &std::path::Path,
    files: &[std::path::PathBuf],
    placeholders: std::collections::BTreeSet<String>,
) {
    let replayed = omflow()
        .arg("replay")
        .arg(out)
        .args(["--fake", "demo"])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&replayed.stdout).to_string();
    assert!(replayed.status.success(), "{report}");
    // The recorder learned one code in the whole session (the server gave alice one until
    // it expired): the one grepped for above. (A code the recorder never learned would be
    // neither a placeholder nor grepped for; the fake issues codes only at logins, whose
    // answers the recorder reads.)
    assert_eq!(
        placeholders.into_iter().collect::<Vec<_>>(),
        ["<security:1"],
        "the recorder learned exactly the one code the test knows"
    );
    // Every file but the out-of-band expiry is an exchange.
    let exchanges = files.len() - 1;
    assert!(
        report.contains(&format!("{exchanges} of {exchanges} exchanges agree")),
        "{report}"
    );
}

/// Changes one recorded answer: the replay names that exchange and exits 1.
#[cfg(unix)]
fn a_changed_answer_is_named(out: &std::path::Path, files: &[std::path::PathBuf]) {
    let changed = files
        .iter()
        .find(|f| f.to_string_lossy().contains("my_mission_list"))
        .unwrap();
    let mut step: Value = serde_json::from_str(&std::fs::read_to_string(changed).unwrap()).unwrap();
    step["response"]["body"]["message"] = Value::String("changed by the test".into());
    std::fs::write(changed, step.to_string()).unwrap();
    let replayed = omflow()
        .arg("replay")
        .arg(out)
        .args(["--fake", "demo", "--output", "json"])
        .output()
        .unwrap();
    assert_eq!(replayed.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&replayed.stdout).unwrap();
    let name = changed.file_name().unwrap().to_string_lossy().to_string();
    assert_eq!(
        report["differences"][0]["exchange"],
        name.as_str(),
        "{report}"
    );
    let difference = report["differences"][0]["difference"].as_str().unwrap();
    assert!(difference.contains("at /message"), "{difference}");
    // The replayed side is what answered (a fake, or a server with --against), not "fake".
    assert!(
        difference.contains("answered: ") && !difference.contains("fake:"),
        "{difference}"
    );
}

#[cfg(unix)]
#[test]
fn a_recorded_cli_session_replays_against_a_fresh_fake() {
    let server = standalone();
    let out = std::env::temp_dir().join(format!("omflow-record-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let proxy = recorder(&server, &out);

    let code = record_a_session(&server, &proxy);
    // Ctrl-C: the recorder writes every answered exchange before it exits.
    let mut proxy = proxy;
    assert!(proxy.interrupt().success());

    // No secret reached the files.
    let (files, placeholders) = recorded_files_without_secrets(&out, &code);

    // Every exchange agrees on a fresh fake with the same seed.
    every_exchange_agrees(&out, &files, placeholders);

    // Change one answer: the replay names that exchange and exits 1.
    a_changed_answer_is_named(&out, &files);
    let _ = std::fs::remove_dir_all(&out);
}

#[cfg(unix)]
#[test]
fn a_login_recorded_by_the_approver_replays_against_a_seed_read_from_the_server() {
    let server = standalone();
    let out = std::env::temp_dir().join(format!("omflow-record-seed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let mut proxy = recorder(&server, &out);
    let login = login_as_alice(&proxy.url);
    assert_eq!(login["status"], 200, "{login}");
    assert!(proxy.interrupt().success());

    let seed = out.join("seed.json.txt");
    let read = as_alice(&server)
        .args(["seed", "from-server", "--out"])
        .arg(&seed)
        .output()
        .unwrap();
    assert!(read.status.success(), "{read:?}");
    let replay = |login: &str| {
        omflow()
            .arg("replay")
            .arg(&out)
            .args(["--fake", seed.to_str().unwrap(), "--login", login])
            .output()
            .unwrap()
    };
    // The seed has no passwords: --login gives the fake's alice hers.
    let agreed = replay("alice=alice-pass");
    let report = String::from_utf8_lossy(&agreed.stdout);
    assert!(agreed.status.success(), "{report}");
    assert!(report.contains("1 of 1 exchanges agree"), "{report}");
    let unknown = replay("nobody=x");
    assert_eq!(unknown.status.code(), Some(2), "{unknown:?}");
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("never logs in as nobody"));
    let _ = std::fs::remove_dir_all(&out);
}

/// A Ctrl-C the moment a long-running command has said where it listens stops it cleanly:
/// the handler is installed before the announcement, so the signal never kills the process
/// (which would lose what `omflow record` had not flushed). Several at once, so that some
/// signal lands in the instant right after the announcement.
#[cfg(unix)]
#[test]
fn ctrl_c_right_after_the_announcement_exits_cleanly() {
    let server = standalone();
    std::thread::scope(|scope| {
        for worker in 0..6 {
            let server = &server;
            scope.spawn(move || {
                for round in 0..6 {
                    let out = std::env::temp_dir().join(format!(
                        "omflow-record-ctrl-c-{}-{worker}-{round}",
                        std::process::id()
                    ));
                    let mut proxy = recorder(server, &out);
                    let recorded = proxy.interrupt();
                    let _ = std::fs::remove_dir_all(&out);
                    assert!(recorded.success(), "omflow record: {recorded:?}");
                    let mut fake = standalone();
                    let served = fake.interrupt();
                    assert!(served.success(), "omflow mock serve: {served:?}");
                }
            });
        }
    });
}

/// `omflow replay --against URL` replays against a running server: a fresh one agrees; a
/// wrong password for the recording's login is named as the first difference, exit 1.
#[cfg(unix)]
#[test]
fn a_recording_replays_against_a_running_server() {
    let server = standalone();
    let out = std::env::temp_dir().join(format!("omflow-record-against-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let mut proxy = recorder(&server, &out);
    let mut listed = as_alice(&server);
    listed
        .env("OMFLOW_URL", &proxy.url)
        .args(["missions", "--output", "ndjson"]);
    assert!(listed.output().unwrap().status.success());
    assert!(proxy.interrupt().success());

    let fresh = standalone();
    let replay = |login: &str| {
        omflow()
            .arg("replay")
            .arg(&out)
            .args([
                "--against",
                &fresh.url,
                "--output",
                "json",
                "--login",
                login,
            ])
            .output()
            .unwrap()
    };
    let agreed = replay("alice=alice-pass");
    let report: Value = serde_json::from_slice(&agreed.stdout).unwrap();
    assert!(agreed.status.success(), "{report}");
    assert_eq!(report["differences"], serde_json::json!([]), "{report}");
    assert_eq!(report["exchanges"], 2, "{report}");
    assert_eq!(report["agree"], 2, "{report}");

    let wrong = replay("alice=not-hers");
    assert_eq!(wrong.status.code(), Some(1), "{wrong:?}");
    let report: Value = serde_json::from_slice(&wrong.stdout).unwrap();
    assert!(
        report["differences"][0]["exchange"]
            .as_str()
            .is_some_and(|name| name.contains("security")),
        "{report}"
    );
    // No password for the recorded login: refused before anything is sent (to a listener
    // that would see any connection).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let none = omflow()
        .arg("replay")
        .arg(&out)
        .args([
            "--against",
            &format!("http://{}", listener.local_addr().unwrap()),
        ])
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(2), "{none:?}");
    let said = String::from_utf8_lossy(&none.stderr);
    assert!(said.contains("--login alice=PASSWORD"), "{said}");
    assert!(none.stdout.is_empty(), "{none:?}");
    listener.set_nonblocking(true).unwrap();
    assert!(listener.accept().is_err(), "the replay connected");
    let _ = std::fs::remove_dir_all(&out);
}

/// A server URL that is not one is a usage error (exit 2) before anything is done.
#[test]
fn record_and_replay_refuse_a_server_url_that_is_not_one() {
    let out = std::env::temp_dir().join(format!("omflow-record-bad-url-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let recorded = omflow()
        .args(["record", "--upstream", "omflow.example.com", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(recorded.status.code(), Some(2), "{recorded:?}");
    let said = String::from_utf8_lossy(&recorded.stderr);
    assert!(
        said.contains("--upstream") && said.contains("http"),
        "{said}"
    );
    assert!(!out.exists(), "nothing is created for a bad upstream");

    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("001_x.json"),
        r#"{"request": {"method": "GET", "path": "/"}, "response": {"http_status": 200}}"#,
    )
    .unwrap();
    let replayed = omflow()
        .arg("replay")
        .arg(&out)
        .args(["--against", "not-a-url"])
        .output()
        .unwrap();
    assert_eq!(replayed.status.code(), Some(2), "{replayed:?}");
    let said = String::from_utf8_lossy(&replayed.stderr);
    assert!(
        said.contains("--against") && said.contains("no scheme"),
        "{said}"
    );
    assert!(replayed.stdout.is_empty(), "{replayed:?}");
    let _ = std::fs::remove_dir_all(&out);
}

/// A user created through the recorder: the password its `user/add` body sets is never
/// written (nor its Basic value); the replay gives the new user the `--login` password, so
/// its recorded login agrees; without it, nothing is replayed.
#[cfg(unix)]
#[test]
fn a_user_added_while_recording_keeps_its_password_out_of_the_files() {
    let server = standalone();
    let out = std::env::temp_dir().join(format!("omflow-record-user-add-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let mut proxy = recorder(&server, &out);
    let admin = raw(
        &proxy.url,
        "GET",
        "/accounts/api/security/get/",
        &[("Authorization", "Basic YWRtaW46YWRtaW4=")],
        "",
    );
    let code = admin["result"]["security"].as_str().unwrap().to_string();
    let added = raw(
        &proxy.url,
        "POST",
        "/rest/accounts/api/user/add/",
        &[("Content-Type", "application/json")],
        &serde_json::json!({"security": code, "omflow_restapi": 1, "username": "carol",
            "nick_name": "Carol", "email_@": "carol@example.com", "refresh_rate_$": "0",
            "token": "Carol-Pass-1"})
        .to_string(),
    );
    assert_eq!(added["status"], 200, "{added}");
    // carol:Carol-Pass-1
    let carol = ("Authorization", "Basic Y2Fyb2w6Q2Fyb2wtUGFzcy0x");
    let login = raw(
        &proxy.url,
        "GET",
        "/accounts/api/security/get/",
        &[carol],
        "",
    );
    assert_eq!(login["status"], 200, "{login}");
    assert!(proxy.interrupt().success());

    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for secret in [
            "Carol-Pass-1",
            "Y2Fyb2w6Q2Fyb2wtUGFzcy0x",
            "YWRtaW46YWRtaW4=",
        ] {
            assert!(!text.contains(secret), "{} holds {secret}", path.display());
        }
    }
    let replay = |logins: &[&str]| {
        let mut cmd = omflow();
        cmd.arg("replay").arg(&out).args(["--fake", "demo"]);
        for login in logins {
            cmd.args(["--login", login]);
        }
        cmd.output().unwrap()
    };
    let agreed = replay(&["carol=Carol-Pass-1"]);
    let report = String::from_utf8_lossy(&agreed.stdout);
    assert!(agreed.status.success(), "{report}");
    assert!(report.contains("3 of 3 exchanges agree"), "{report}");
    let refused = replay(&[]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--login carol=PASSWORD"));
    // A --login the recording has no use for is refused, not ignored.
    let stranger = replay(&["dave=x"]);
    assert!(String::from_utf8_lossy(&stranger.stderr).contains("never logs in as dave"));
    // Given twice: which one would count is not the tool's guess.
    let twice = replay(&["carol=Carol-Pass-1", "carol=other"]);
    assert_eq!(twice.status.code(), Some(2), "{twice:?}");
    assert!(String::from_utf8_lossy(&twice.stderr).contains("given twice"));
    // A recording that logs in as a user the seed lacks (alice is not in the pristine
    // seed) is refused before anything is replayed, naming the user.
    let pristine = omflow()
        .arg("replay")
        .arg(&out)
        .args(["--fake", "pristine", "--login", "carol=Carol-Pass-1"])
        .output()
        .unwrap();
    assert!(
        pristine.status.success(),
        "admin is seeded, carol added: {pristine:?}"
    );
    std::fs::write(
        out.join("004_accounts_api_security_get.json"),
        r#"{"request": {"method": "GET", "path": "/accounts/api/security/get/", "headers": {},
            "basic_auth": {"user": "alice", "password": "<password>"}, "body_kind": "none",
            "body": null}, "response": {"http_status": 200, "headers": {}, "body": null}}"#,
    )
    .unwrap();
    let lacking = omflow()
        .arg("replay")
        .arg(&out)
        .args(["--fake", "pristine", "--login", "carol=Carol-Pass-1"])
        .output()
        .unwrap();
    assert_eq!(lacking.status.code(), Some(2), "{lacking:?}");
    let said = String::from_utf8_lossy(&lacking.stderr);
    assert!(
        said.contains("logs in as alice, whom the seed pristine does not have"),
        "{said}"
    );
    let _ = std::fs::remove_dir_all(&out);
}

/// What is not a recording is the caller's to fix (exit 2, said on stderr); exit 1 stays
/// "the replay found a difference". `--max-exchanges 0` would record nothing: refused.
#[test]
fn replay_and_record_refuse_what_cannot_work_with_exit_2() {
    let dir = std::env::temp_dir().join(format!("omflow-replay-bad-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let replay = |dir: &std::path::Path| omflow().arg("replay").arg(dir).output().unwrap();
    let cases: [(&str, Option<&str>, &str); 4] = [
        ("missing", None, "cannot read"),
        ("not-json", Some("{"), "is not JSON"),
        (
            "array",
            Some("[1]"),
            "is not a recorded exchange: not a JSON object",
        ),
        (
            "no-path",
            Some(r#"{"request": {"method": "GET"}, "response": {"http_status": 200}}"#),
            "no request.path",
        ),
    ];
    for (name, file, says) in cases {
        let case = dir.join(name);
        if let Some(text) = file {
            std::fs::create_dir_all(&case).unwrap();
            std::fs::write(case.join("001_x.json"), text).unwrap();
        }
        let out = replay(&case);
        assert_eq!(out.status.code(), Some(2), "{name}: {out:?}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains(says), "{name}: {said}");
        assert!(out.stdout.is_empty(), "{name}: {out:?}");
    }
    let zero = omflow()
        .args([
            "record",
            "--upstream",
            "http://127.0.0.1:9",
            "--max-exchanges",
            "0",
        ])
        .arg("--out")
        .arg(dir.join("rec"))
        .output()
        .unwrap();
    assert_eq!(zero.status.code(), Some(2), "{zero:?}");
    assert!(!dir.join("rec").exists());
    let no_body = omflow()
        .args([
            "record",
            "--upstream",
            "http://127.0.0.1:9",
            "--max-body-bytes",
            "0",
        ])
        .arg("--out")
        .arg(dir.join("rec"))
        .output()
        .unwrap();
    assert_eq!(no_body.status.code(), Some(2), "{no_body:?}");
    // A user and password in the upstream would replace every client's own login.
    let with_login = omflow()
        .args([
            "record",
            "--upstream",
            "http://admin:admin@127.0.0.1:9",
            "--out",
        ])
        .arg(dir.join("rec"))
        .output()
        .unwrap();
    assert_eq!(with_login.status.code(), Some(2), "{with_login:?}");
    let said = String::from_utf8_lossy(&with_login.stderr);
    assert!(said.contains("no user or password"), "{said}");
    assert!(
        !said.contains("admin:admin"),
        "the password is not echoed: {said}"
    );
    // Into a directory holding an earlier recording: refused, the files untouched.
    let earlier = dir.join("earlier");
    std::fs::create_dir_all(&earlier).unwrap();
    std::fs::write(earlier.join("001_x.json"), "{}").unwrap();
    let mixed = omflow()
        .args(["record", "--upstream", "http://127.0.0.1:9", "--out"])
        .arg(&earlier)
        .output()
        .unwrap();
    assert_eq!(mixed.status.code(), Some(2), "{mixed:?}");
    assert!(String::from_utf8_lossy(&mixed.stderr).contains("is not empty"));
    assert_eq!(
        std::fs::read_to_string(earlier.join("001_x.json")).unwrap(),
        "{}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// An upstream that does not answer: each exchange it missed is named on stderr when the
/// recorder stops, and the exit status is 1 (not everything asked for was recorded).
#[cfg(unix)]
#[test]
fn a_recorder_whose_upstream_does_not_answer_names_each_miss_and_exits_1() {
    let unused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let upstream = format!("http://{}", unused.local_addr().unwrap());
    drop(unused);
    let out =
        std::env::temp_dir().join(format!("omflow-record-no-upstream-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("omflow"))
        .args([
            "record",
            "--upstream",
            &upstream,
            "--listen",
            "127.0.0.1:0",
            "--out",
        ])
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut proxy = announced(child);
    let answer = raw(&proxy.url, "GET", "/accounts/api/security/get/", &[], "");
    assert_eq!(answer, Value::Null, "a 502 page, not JSON");
    common::interrupt(&proxy.child);
    let mut said = String::new();
    proxy
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut said)
        .unwrap();
    let status = proxy.child.wait().unwrap();
    assert_eq!(status.code(), Some(1), "{said}");
    assert!(
        said.contains("not recorded: exchange 1: the upstream did not answer"),
        "{said}"
    );
    let _ = std::fs::remove_dir_all(&out);
}

/// A connection flag given to a command that does not connect as a user is refused with
/// what to use instead; the same setting in the environment (a shell's) is not.
#[test]
fn connection_flags_are_refused_where_they_would_be_ignored() {
    let dir = std::env::temp_dir().join(format!("omflow-replay-flags-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("001_x.json"),
        r#"{"request": {"method": "GET", "path": "/no-such-page/"}, "response": {"http_status": 404, "headers": {"content-type": "text/html"}}}"#,
    )
    .unwrap();
    let flagged = omflow()
        .args(["replay", "--url", "http://127.0.0.1:9"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(flagged.status.code(), Some(2), "{flagged:?}");
    let said = String::from_utf8_lossy(&flagged.stderr);
    assert!(
        said.contains("takes no --url") && said.contains("--against"),
        "{said}"
    );
    let recording = omflow()
        .args([
            "record",
            "--upstream",
            "http://127.0.0.1:9",
            "--user",
            "alice",
            "--out",
        ])
        .arg(dir.join("rec"))
        .output()
        .unwrap();
    assert_eq!(recording.status.code(), Some(2), "{recording:?}");
    assert!(String::from_utf8_lossy(&recording.stderr).contains("takes no --user"));
    // From the environment: the replay runs (against its own fake) and agrees.
    let from_env = omflow()
        .arg("replay")
        .arg(&dir)
        .env("OMFLOW_URL", "http://127.0.0.1:9")
        .env("OMFLOW_USER", "alice")
        .output()
        .unwrap();
    assert!(from_env.status.success(), "{from_env:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A recording that keeps its logins' passwords (the fixture format) still takes a
/// `--login` for those users: against a seed without passwords it is the one they need.
#[test]
fn a_login_for_a_user_whose_password_the_recording_keeps_is_accepted() {
    let dir = std::env::temp_dir().join(format!("omflow-replay-kept-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("001_security.json"),
        r#"{"request": {"method": "GET", "path": "/no-such-page/",
            "headers": {"Authorization": "Basic YWRtaW46YWRtaW4="},
            "basic_auth": {"user": "admin", "password": "admin"}},
            "response": {"http_status": 404, "headers": {"content-type": "text/html"}}}"#,
    )
    .unwrap();
    let replayed = omflow()
        .arg("replay")
        .arg(&dir)
        .args(["--fake", "demo", "--login", "admin=admin"])
        .output()
        .unwrap();
    assert!(replayed.status.success(), "{replayed:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
