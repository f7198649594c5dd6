//! Replays of the project's recorded session against the fake, and server URL checks.

use super::{server_base_url, url_for_messages, Outcome, Recording, ReplayError, Replayer};
use omflow_mock::{Clock, FakeOmflow, Seed};
use serde_json::Value;
use std::path::Path;

#[test]
fn a_server_url_is_http_or_https_with_a_host() {
    assert_eq!(
        server_base_url("http://127.0.0.1:8000/").as_deref(),
        Ok("http://127.0.0.1:8000")
    );
    assert_eq!(
        server_base_url("https://omflow.example.com/sub").as_deref(),
        Ok("https://omflow.example.com/sub")
    );
    for (bad, says) in [
        ("not-a-url", "no scheme"),
        ("omflow.example.com:8000", "not http or https"),
        ("ftp://omflow.example.com", "not http or https"),
        ("http://", "empty host"),
        ("http://h/?security=x", "no query"),
        ("http://h/#top", "no query or fragment"),
        ("http://user:pw@h/", "no user or password"),
        ("http://user@h/", "no user or password"),
        ("", "no scheme"),
    ] {
        let problem = server_base_url(bad).expect_err(bad);
        assert!(problem.contains(says), "{bad}: {problem}");
    }
    assert!(matches!(
        Replayer::against("not-a-url"),
        Err(ReplayError::ServerUrl { .. })
    ));
    // No message shows a password, whether the URL parses or not.
    for bad in [
        "http://alice:s3cret@h/",
        "alice:s3cret@omflow.example.com",
        "https://alice:s3cret@host:99999",
        "https://alice:s3cret@",
    ] {
        let message = Replayer::against(bad).expect_err(bad).to_string();
        assert!(!message.contains("s3cret"), "{bad}: {message}");
    }
    assert_eq!(
        url_for_messages("https://alice:s3cret@host:99999"),
        "https://***@host:99999"
    );
}

/// The first steps of the project's first recorded session (logins and a list).
fn first_steps(n: usize) -> Recording {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/omflow/session");
    let mut recording = Recording::load_dir(&dir).expect("the recorded session");
    recording.steps.truncate(n);
    recording
}

async fn start_fake() -> FakeOmflow {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
        .and_then(|d| d.and_hms_opt(16, 59, 0))
        .expect("a date");
    FakeOmflow::builder()
        .seed(Seed::pristine())
        .clock(Clock::frozen(start))
        .start()
        .await
        .expect("the fake starts")
}

#[tokio::test]
async fn an_answer_that_differs_is_reported_with_where_it_differs() {
    let recording = first_steps(12);
    let fake = start_fake().await;
    let agreeing = Replayer::new(&fake).unwrap().replay(&recording).await;
    assert_eq!(
        agreeing.agreeing(),
        recording.steps.len(),
        "the recording agrees"
    );

    let mut tampered = recording.clone();
    let last = tampered
        .steps
        .iter_mut()
        .rev()
        .find(|s| s.raw["response"]["body"]["message"].is_string())
        .expect("a JSON answer");
    last.raw["response"]["body"]["message"] = Value::String("not what the server said".into());
    let fake = start_fake().await;
    let report = Replayer::new(&fake).unwrap().replay(&tampered).await;
    let differences: Vec<&Outcome> = report.differences().collect();
    assert_eq!(differences.len(), 1);
    let difference = differences[0].difference.as_deref().unwrap();
    assert!(difference.contains("at /message"), "{difference}");
}

/// An `import_app` step loads the file (beside the recording's directory, as the fixtures
/// keep `apps/` beside `session/`) into the fake, once however many episodes import it, and
/// binds the deploy's uuid of each flow to the fake's by name.
#[tokio::test]
async fn an_import_app_step_loads_the_file_and_binds_the_flow_uuids() {
    use super::RecordedStep;
    let session = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/omflow-3/session");
    let step = |seq: u64| RecordedStep {
        name: format!("{seq:05}_oob_import_app.json"),
        raw: serde_json::json!({
            "seq": seq, "kind": "out_of_band", "episode": 1,
            "action": {"type": "import_app", "file": "apps/apptest_ext.json"},
            "deployed": {"flows": [{"flow_name": "外部任務",
                                    "flow_uuid": "0123456789abcdef0123456789abcdef"}]}
        }),
    };
    let recording = Recording {
        steps: vec![step(1), step(2)],
        dir: Some(session),
    };
    let fake = FakeOmflow::builder()
        .seed(Seed::pristine())
        .clock(Clock::frozen_now())
        .start()
        .await
        .unwrap();
    let mut replayer = Replayer::new(&fake).unwrap();
    let report = replayer.replay(&recording).await;
    assert!(report.outcomes.is_empty(), "applied: {:?}", report.outcomes);
    let served = fake.state().json()["flows"].clone();
    let paths: Vec<&str> = served
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["api_path"].as_str())
        .collect();
    assert_eq!(
        paths.iter().filter(|p| **p == "apptest_ext").count(),
        1,
        "loaded once: {paths:?}"
    );
    assert!(replayer.knows_token("0123456789abcdef0123456789abcdef"));
    assert!(replayer.knows_token("01234567-89ab-cdef-0123-456789abcdef"));
    let missing = Recording {
        steps: vec![step(1)],
        dir: Some(std::env::temp_dir().join("no-such-recording")),
    };
    let report = Replayer::new(&fake).unwrap().replay(&missing).await;
    let said = report.outcomes[0].difference.clone().unwrap_or_default();
    assert!(said.contains("no file apps/apptest_ext.json"), "{said}");
}
