//! `FakeBuilder::record_requests`: on, wiremock serves and keeps every request; off, the
//! plain server serves the same answers and keeps none (no wiremock to mount mocks on).

mod common;

use omflow_mock::{Clock, FakeOmflow, Seed};
use serde_json::Value;

/// Alice's my-missions answer from the fake at `uri`.
async fn login_and_list(uri: &str) -> Value {
    let http = reqwest::Client::new();
    let login = common::login(&http, uri, "alice", "alice-pass").await;
    let code = login["result"]["security"].as_str().expect("alice logs in");
    http.post(format!("{uri}/rest/my-mission/api/my-mission/list/"))
        .json(&serde_json::json!({"security": code, "omflow_restapi": 1}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn recording_on_keeps_every_request_through_wiremock() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let answer = login_and_list(&fake.uri()).await;
    assert_eq!(answer["status"], 200, "{answer}");
    let server = fake.server().expect("recording on is served by wiremock");
    let paths: Vec<String> = server
        .received_requests()
        .await
        .expect("recording on")
        .iter()
        .map(|r| r.url.path().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "/accounts/api/security/get/",
            "/rest/my-mission/api/my-mission/list/"
        ]
    );
}

#[tokio::test]
async fn recording_off_answers_the_same_without_wiremock() {
    let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    let start = |record| {
        FakeOmflow::builder()
            .seed(Seed::demo())
            .clock(Clock::frozen(at))
            .record_requests(record)
            .start()
    };
    let (recorded, plain) = (start(true).await.unwrap(), start(false).await.unwrap());
    assert!(plain.server().is_none(), "no wiremock server to mount on");
    let (a, b) = (
        login_and_list(&recorded.uri()).await,
        login_and_list(&plain.uri()).await,
    );
    let strip = |mut v: Value| {
        for row in v["result"].as_array_mut().into_iter().flatten() {
            row.as_object_mut()
                .unwrap()
                .retain(|k, _| !k.ends_with("time"));
        }
        v
    };
    let (a, b) = (strip(a), strip(b));
    assert!(a["result"].as_array().is_some_and(|r| !r.is_empty()), "{a}");
    assert_eq!(a, b);
    // The state is shared with the handle as before.
    assert!(plain.state().login_count() >= 1);
}
