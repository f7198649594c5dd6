//! What a person meets around the job (issue 26): help that lists only the options a command
//! takes, exit 2 for every usage mistake (found before anything starts), and messages in the
//! words the user typed (the flow by the name given, what was being done rather than an
//! operation's name, advice that works for them).

mod common;

use common::{as_alice, omflow, standalone};
use std::process::Output;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn help_of(args: &[&str]) -> String {
    let out = omflow().args(args).arg("--help").output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn commands_that_do_not_connect_neither_show_nor_take_the_connection_options() {
    for command in [
        &["mock", "serve"][..],
        &["replay"][..],
        &["record"][..],
        &["garoon"][..],
        &["garoon", "requests"][..],
        &["completions"][..],
    ] {
        let help = help_of(command);
        // Garoon takes --timeout (its own server's time limit); nothing else of OMFLOW's.
        let refused: &[&str] = if command[0] == "garoon" {
            &["--url", "--user", "--password", "--lang"]
        } else {
            &["--url", "--user", "--password", "--lang", "--timeout"]
        };
        for flag in refused {
            assert!(
                !help.contains(&format!("{flag} ")),
                "{command:?} shows {flag}:\n{help}"
            );
        }
    }
    let missions = help_of(&["missions"]);
    assert!(missions.contains("--url <URL>"), "{missions}");
    let usage = omflow().args(["push"]).output().unwrap();
    assert_eq!(usage.status.code(), Some(2));
    assert!(
        !stderr(&usage).contains("--url"),
        "usage shows optional options as required: {}",
        stderr(&usage)
    );
    for args in [
        &["mock", "serve", "--url", "http://x"][..],
        &["garoon", "requests", "--url", "http://x"][..],
        &["replay", "rec", "--lang", "en"][..],
        &["--url", "http://x", "completions", "bash"][..],
    ] {
        let out = omflow().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("takes no --"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty(), "{args:?} did something");
    }
    let garoon = omflow()
        .args(["garoon", "requests", "--url", "http://x"])
        .output()
        .unwrap();
    assert!(
        stderr(&garoon).contains("--garoon-url"),
        "says what garoon takes instead: {}",
        stderr(&garoon)
    );
    let from_env = omflow()
        .env("OMFLOW_URL", "http://127.0.0.1:1")
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(
        from_env.status.success(),
        "an OMFLOW_URL in the environment is no mistake"
    );
}

#[test]
fn usage_mistakes_exit_2_before_anything_starts() {
    for (args, says) in [
        (
            &["push", "", "1", "--set", "FORMITM_4=x"][..],
            "the flow is empty",
        ),
        (&["garoon", "request", "abc"][..], "a request id is digits"),
        (
            &["garoon", "requests", "--status", "foo"][..],
            "IN_PROGRESS",
        ),
        (
            &[
                "push",
                "任務單",
                "1",
                "--set",
                "FORMITM_4=x",
                "--wait",
                "-1",
            ][..],
            "--wait -1",
        ),
        (
            &[
                "push",
                "任務單",
                "1",
                "--set",
                "FORMITM_4=a",
                "--set",
                "FORMITM_4=b",
            ][..],
            "given twice",
        ),
        (
            &["missions", "--where", "title contains"][..],
            "'contains' needs a value",
        ),
        (&["mock", "serve", "--addr", ":99999"][..], "HOST:PORT"),
        (
            &["mock", "serve", "--seed", "Demo"][..],
            "`demo`, in lower case",
        ),
        (
            &[
                "record",
                "--upstream",
                "http://127.0.0.1:1",
                "--out",
                "Cargo.toml",
            ][..],
            "is a file",
        ),
        (
            &[
                "files",
                "download",
                "任務單",
                "1",
                "x.txt",
                "--out",
                "Cargo.toml",
            ][..],
            "never replaced",
        ),
    ] {
        let out = omflow().args(args).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(
            !err.contains("embedded"),
            "{args:?} started a demo server before refusing: {err}"
        );
    }
    let grammar = stderr(
        &omflow()
            .args(["missions", "--where", "title contains"])
            .output()
            .unwrap(),
    );
    assert!(
        !grammar.contains("create_user__nick_name"),
        "the whole grammar is --help's job: {grammar}"
    );
    let lower = omflow()
        .args(["garoon", "requests", "--status", "in_progress"])
        .output()
        .unwrap();
    assert!(lower.status.success(), "{}", stderr(&lower));
    assert!(String::from_utf8_lossy(&lower.stdout).contains("IN_PROGRESS"));
}

#[test]
fn a_busy_address_is_named() {
    let server = standalone();
    let addr = server.url.trim_start_matches("http://").to_owned();
    let out = omflow()
        .args(["mock", "serve", "--addr", &addr])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("cannot listen on {addr}")),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        stderr(&out).matches("os error").count(),
        1,
        "the cause once: {}",
        stderr(&out)
    );
}

#[test]
fn messages_name_the_flow_as_typed_and_what_was_being_done() {
    let server = standalone();
    for args in [
        &["push", "nosuch", "2", "--set", "FORMITM_4=dispatch_done"][..],
        &["history", "nosuch", "2"][..],
        &["tickets", "list", "nosuch"][..],
        &["comment", "nosuch", "2", "hi"][..],
    ] {
        let out = as_alice(&server).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out)
                .contains("no flow \"nosuch\": no mission of yours is in a flow of that name"),
            "{args:?}: one message for an unknown flow: {}",
            stderr(&out)
        );
    }
    let list = as_alice(&server)
        .args(["tickets", "list", "任務單"])
        .output()
        .unwrap();
    assert_eq!(list.status.code(), Some(1));
    let err = stderr(&list);
    assert!(err.contains("reading the flow's tickets"), "{err}");
    assert!(err.contains("View permission"), "{err}");
    assert!(
        !err.contains("data_id"),
        "a list has no data_id to be current: {err}"
    );
    let delete = as_alice(&server)
        .args(["tickets", "delete", "mission", "1"])
        .output()
        .unwrap();
    assert!(
        !stderr(&delete).contains("tickets.list"),
        "{}",
        stderr(&delete)
    );
    let moved = as_alice(&server)
        .args(["push", "mission", "38", "--set", "FORMITM_4=dispatch_done"])
        .output()
        .unwrap();
    assert!(
        !stderr(&moved).contains("push_mission"),
        "no Rust calls: {}",
        stderr(&moved)
    );
}

#[test]
fn a_download_to_dash_goes_to_stdout() {
    let server = standalone();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("note.txt");
    std::fs::write(&file, "printer fixed\n").unwrap();
    let up = as_alice(&server)
        .args(["files", "upload", "任務單", "1"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(up.status.success(), "{}", stderr(&up));
    let down = as_alice(&server)
        .current_dir(dir.path())
        .args(["files", "download", "任務單", "1", "note.txt", "--out", "-"])
        .output()
        .unwrap();
    assert!(down.status.success(), "{}", stderr(&down));
    assert_eq!(down.stdout, b"printer fixed\n");
    assert!(!dir.path().join("-").exists(), "no file named '-'");
}
