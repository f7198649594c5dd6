//! The recorder's writer: every answered exchange is on disk after `flush`, in order with
//! its placeholders, and `finished` ends even when the upstream does not answer.

#[path = "../../omflow-mock/tests/common/mod.rs"]
mod common;

use omflow_conformance::record::{RecordOptions, Recorder};
use omflow_mock::{FakeOmflow, Seed};

fn out_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("omflow-writer-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn files(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_flush_every_answered_exchange_is_written_with_its_placeholder() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let dir = out_dir("flush");
    let recorder = Recorder::start("127.0.0.1:0", RecordOptions::new(&fake.uri(), dir.clone()))
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let login = common::login(&http, &recorder.uri(), "alice", "alice-pass").await;
    let code = login["result"]["security"].as_str().unwrap().to_string();
    let calls = 40;
    let lists = (0..calls).map(|_| {
        let (http, uri, code) = (http.clone(), recorder.uri(), code.clone());
        async move {
            http.post(format!("{uri}/rest/my-mission/api/my-mission/list/"))
                .body(serde_json::json!({"security": code, "omflow_restapi": 1}).to_string())
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap()
        }
    });
    futures::future::join_all(lists).await;
    recorder.flush().await;
    assert_eq!(recorder.exchanges(), calls + 1);
    assert_eq!(recorder.failed(), 0);
    let names = files(&dir);
    assert_eq!(names.len(), calls + 1, "{names:?}");
    assert!(names.iter().all(|n| !n.ends_with(".partial")), "{names:?}");
    for name in &names {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(!text.contains(&code), "{name} holds the real code");
        let _: serde_json::Value = serde_json::from_str(&text).expect("every file is JSON");
        if name.contains("my_mission") {
            assert!(text.contains("<security:1>"), "{name}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn finished_ends_when_the_upstream_does_not_answer() {
    // A port nothing listens on: every exchange fails with 502 and is never written.
    let unused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let upstream = format!("http://{}", unused.local_addr().unwrap());
    drop(unused);
    let dir = out_dir("refused");
    let recorder = Recorder::start(
        "127.0.0.1:0",
        RecordOptions::new(&upstream, dir.clone()).max_exchanges(2),
    )
    .await
    .unwrap();
    let http = reqwest::Client::new();
    for _ in 0..3 {
        let status = http
            .get(format!("{}/accounts/api/security/get/", recorder.uri()))
            .send()
            .await
            .unwrap()
            .status();
        assert!(status == 502 || status == 503, "{status}");
    }
    tokio::time::timeout(std::time::Duration::from_secs(5), recorder.finished())
        .await
        .expect("finished ends once both exchanges are done");
    assert_eq!((recorder.exchanges(), recorder.failed()), (0, 2));
    // Each failure says which exchange and why.
    let failures = recorder.failures();
    assert_eq!(failures.len(), 2, "{failures:?}");
    for (n, why) in failures.iter().enumerate() {
        assert!(
            why.starts_with(&format!("exchange {}: the upstream did not answer", n + 1)),
            "{why}"
        );
    }
    assert!(files(&dir).is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorder_refuses_a_directory_with_files_and_leaves_nothing_when_it_cannot_start() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let dir = out_dir("not-empty");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("001_earlier.json"), "{}").unwrap();
    let refused = Recorder::start("127.0.0.1:0", RecordOptions::new(&fake.uri(), dir.clone()))
        .await
        .expect_err("a directory with files is refused");
    assert!(
        matches!(
            refused,
            omflow_conformance::record::RecordError::OutputNotEmpty { .. }
        ),
        "{refused}"
    );
    assert_eq!(
        files(&dir),
        ["001_earlier.json"],
        "the earlier file is untouched"
    );
    std::fs::remove_dir_all(&dir).unwrap();

    // An address already taken: no directory is left behind.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let fresh = out_dir("never-created");
    let refused = Recorder::start(
        &taken.local_addr().unwrap().to_string(),
        RecordOptions::new(&fake.uri(), fresh.clone()),
    )
    .await
    .expect_err("the address is taken");
    assert!(
        matches!(
            refused,
            omflow_conformance::record::RecordError::Listen { .. }
        ),
        "{refused}"
    );
    assert!(!fresh.exists());
}
