//! The command as people meet it: a server that hangs is given up on in the time asked for,
//! naming the server and the attempts; `-v` and `RUST_LOG` show what the client does;
//! completions and the man page build.

mod common;

use common::{as_alice, omflow, standalone, succeeded};
use std::net::TcpListener;
use std::time::{Duration, Instant};

/// A server that accepts connections and never answers.
fn hanging_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    url
}

#[test]
fn a_hanging_server_is_given_up_on_in_the_time_asked_naming_the_server_and_the_attempts() {
    let url = hanging_server();
    let started = Instant::now();
    let out = omflow()
        .env("OMFLOW_URL", &url)
        .env("OMFLOW_USER", "alice")
        .env("OMFLOW_PASSWORD", "alice-pass")
        .env_remove("RUST_LOG")
        .args(["--timeout", "2", "missions"])
        .output()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&url), "names the server: {err}");
    assert!(err.contains("2s"), "names the time: {err}");
    assert!(
        err.contains("retrying (attempt 2 of 4)"),
        "says it retried: {err}"
    );
    assert!(
        err.contains("did not answer in time") && err.contains("--timeout"),
        "a server too slow is told apart from one that is not there: {err}"
    );
    let from_env = omflow()
        .env("OMFLOW_URL", &url)
        .env("OMFLOW_USER", "alice")
        .env("OMFLOW_PASSWORD", "alice-pass")
        .env("OMFLOW_TIMEOUT", "1")
        .args(["missions"])
        .output()
        .unwrap();
    assert_eq!(from_env.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&from_env.stderr).contains("1s"));
    let bad = omflow()
        .args(["--timeout", "0", "missions"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "a usage error");
}

#[test]
fn a_hanging_garoon_is_given_up_on_in_the_time_asked() {
    let url = hanging_server();
    let started = Instant::now();
    let out = omflow()
        .env("GAROON_URL", format!("{url}/g"))
        .env("GAROON_USER", "alice")
        .env("GAROON_PASSWORD", "alice-pass")
        .args(["garoon", "--timeout", "2", "pending"])
        .output()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn verbose_and_rust_log_show_what_the_client_does() {
    let server = standalone();
    let verbose = as_alice(&server).args(["-v", "missions"]).output().unwrap();
    assert!(verbose.status.success());
    let err = String::from_utf8_lossy(&verbose.stderr);
    assert!(
        err.contains("POST /rest/my-mission/api/my-mission/list/ -> HTTP 200"),
        "a request line: {err}"
    );
    let quiet = as_alice(&server).args(["missions"]).output().unwrap();
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
    let logged = as_alice(&server)
        .env("RUST_LOG", "omflow_client=debug")
        .args(["missions"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&logged.stderr).contains("omflow_client"),
        "{}",
        String::from_utf8_lossy(&logged.stderr)
    );
    let very = as_alice(&server)
        .args(["-vv", "missions"])
        .output()
        .unwrap();
    assert!(very.status.success(), "-vv is accepted");
}

#[test]
fn completions_and_the_man_page_build() {
    let out = omflow().args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    let script = String::from_utf8(out.stdout).unwrap();
    assert!(
        script.contains("_omflow()") && script.contains("missions"),
        "{script}"
    );
    let page = String::from_utf8(omflow_cli::man_page().unwrap()).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH omflow"),
        "{page}"
    );
    assert!(page.contains("missions"));
}

#[test]
fn a_password_file_beats_the_environment_and_an_empty_one_is_refused() {
    let server = standalone();
    let dir = std::env::temp_dir().join(format!("omflow-people-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let right = dir.join("right");
    std::fs::write(&right, "alice-pass\n").unwrap();
    let empty = dir.join("empty");
    std::fs::write(&empty, "\n").unwrap();
    let with = |file: &std::path::Path| {
        omflow()
            .env("OMFLOW_URL", &server.url)
            .env("OMFLOW_USER", "alice")
            .env("OMFLOW_PASSWORD", "wrong-from-the-environment")
            .arg("--password-file")
            .arg(file)
            .arg("missions")
            .output()
            .unwrap()
    };
    let out = with(&right);
    succeeded(&out);
    let out = with(&empty);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("first line is empty"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_locale_chooses_the_servers_language_and_lang_overrides_it() {
    let server = standalone();
    let refused = |lang_env: &str, flag: Option<&str>| {
        let mut cmd = as_alice(&server);
        cmd.env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", lang_env);
        if let Some(flag) = flag {
            cmd.args(["--lang", flag]);
        }
        let out = cmd.args(["tickets", "list", "mission"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    // alice lacks View: the server's refusal comes in the locale's language.
    let english = refused("en_US.UTF-8", None);
    assert!(english.contains("You do not have permission"), "{english}");
    let chinese = refused("en_US.UTF-8", Some("zh-Hant"));
    assert!(chinese.contains("您沒有權限"), "{chinese}");
}

#[test]
fn usage_mistakes_exit_2_and_writes_to_a_full_stdout_say_so() {
    let zero = omflow()
        .args([
            "approve",
            "--flow",
            "任務單",
            "--set",
            "FORMITM_4=x",
            "--concurrency",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(zero.status.code(), Some(2));
    // Linux's /dev/full refuses every write.
    let full = std::process::Command::new(assert_cmd::cargo::cargo_bin("omflow"))
        .arg("missions")
        .stdout(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        )
        .output()
        .unwrap();
    assert_eq!(full.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&full.stderr).contains("cannot write to stdout"),
        "{}",
        String::from_utf8_lossy(&full.stderr)
    );
}

#[test]
fn what_the_trial_found_a_ticket_that_does_not_exist_a_full_stdout_a_create_short_of_a_field() {
    let server = standalone();
    let admin = |args: &[&str]| common::against(&server).args(args).output().unwrap();
    let state = || common::http_get(&format!("{}/__mock/state", server.url));
    let before = state();
    for args in [
        &["comment", "任務單", "999", "hello"][..],
        &["comments", "任務單", "999"][..],
        &["history", "任務單", "999"][..],
        &["files", "list", "任務單", "999"][..],
    ] {
        let out = admin(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("has no ticket 999"),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let short = admin(&["tickets", "create", "任務單", "--set", "FORMITM_1=x"]);
    assert_eq!(short.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&short.stderr).contains("is required"),
        "{}",
        String::from_utf8_lossy(&short.stderr)
    );
    let none = common::as_alice(&server)
        .args([
            "approve",
            "--flow",
            "任務單",
            "--where",
            "stop_uuid=FITEM_2",
            "--set",
            "FORMITM_4=dispatch_Done",
        ])
        .output()
        .unwrap();
    assert_eq!(
        none.status.code(),
        Some(1),
        "every ticket refused is a failure"
    );
    assert!(String::from_utf8_lossy(&none.stdout).contains("approved 0, skipped"));
    let after = state();
    assert_eq!(
        after["worklogs"], before["worklogs"],
        "no comment for a ticket that does not exist"
    );
    assert_eq!(
        after["flows"], before["flows"],
        "no ticket created short of a field"
    );
    let full = std::process::Command::new(assert_cmd::cargo::cargo_bin("omflow"))
        .env("OMFLOW_URL", &server.url)
        .env("OMFLOW_USER", "admin")
        .env("OMFLOW_PASSWORD", "admin")
        .args(["history", "任務單", "1"])
        .stdout(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        )
        .output()
        .unwrap();
    assert_eq!(full.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&full.stderr).contains("cannot write to stdout"));
}

/// A server that is not OMFLOW (a plain web server's 404 page) is named as such.
#[test]
fn a_url_that_is_not_omflow_is_named_as_such() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let body = "<html><body>Not Found</body></html>";
            let _ = write!(
                stream,
                "HTTP/1.1 404 Not Found\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let out = omflow()
        .env("OMFLOW_URL", &url)
        .env("OMFLOW_USER", "alice")
        .env("OMFLOW_PASSWORD", "alice-pass")
        .env_remove("RUST_LOG")
        .args(["missions"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("does not answer as an OMFLOW server") && err.contains("OMFLOW_URL"),
        "{err}"
    );
    assert!(!err.contains("alice-pass"), "{err}");
}

/// A row number that is not a number, and a row that does not exist, as alice meets them.
#[test]
fn a_bad_or_unknown_row_says_what_it_is_and_where_to_find_the_right_one() {
    let server = standalone();
    let out = as_alice(&server)
        .args(["push", "任務單", "abc", "--set", "FORMITM_4=dispatch_done"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("a data_id is a whole number") && err.contains("DATA_ID"),
        "{err}"
    );
    let out = as_alice(&server)
        .args(["push", "任務單", "9999", "--set", "FORMITM_4=dispatch_done"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read ticket row 9999 of flow 任務單: it does not exist"),
        "the row's absence first, the flow as alice named it: {err}"
    );
    assert!(err.contains("`omflow missions`"), "{err}");
    assert!(err.contains("nothing was pushed"), "{err}");
    // A refusal says "not sent" itself, once.
    let out = as_alice(&server)
        .args(["push", "任務單", "2", "--set", "FORMITM_4=dispatch_Done"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("(not sent)") && !err.contains("nothing was pushed"),
        "{err}"
    );
}

/// A bad OMFLOW_TIMEOUT is named as the environment's, not blamed on a flag not typed.
#[test]
fn a_bad_timeout_from_the_environment_names_the_environment() {
    let out = omflow()
        .env("OMFLOW_TIMEOUT", "abc")
        .args(["missions"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("OMFLOW_TIMEOUT"), "{err}");
}

/// With -v an error is said in the user's words first, then in full with every cause.
#[test]
fn verbose_errors_keep_the_users_words_and_add_the_full_chain() {
    // A port nothing listens on: bound, then let go.
    let free = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let out = omflow()
        .env("OMFLOW_URL", format!("http://{free}"))
        .env("OMFLOW_USER", "alice")
        .env("OMFLOW_PASSWORD", "alice-pass")
        .env_remove("RUST_LOG")
        .args(["-v", "--timeout", "2", "missions"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let error = err
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(error.starts_with("error: logging in:"), "{err}");
    assert!(
        err.lines()
            .any(|l| l.starts_with("  in full: security.get:")),
        "{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.trim_start().starts_with("caused by:") && l.contains("refused")),
        "every cause, down to the system's: {err}"
    );
    assert!(!err.contains("alice-pass"), "{err}");
}
