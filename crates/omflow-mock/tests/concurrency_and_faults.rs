//! Concurrent writes to one ticket, and fault injection through higher-priority mocks.

mod common;

use common::*;
use omflow_mock::Seed;
use serde_json::json;
use std::sync::Arc;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_pushes_of_one_data_id_exactly_one_wins() {
    let s = Arc::new(
        Session::new(
            Seed::pristine()
                .builder()
                .join_group("admin", 2)
                .ticket("mission", "admin", "T", "red")
                .build()
                .unwrap(),
        )
        .await,
    );
    let data_id = s.current_data_id(1).await;
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let s = s.clone();
            tokio::spawn(async move { s.edit(push_body(data_id, "T", "dispatch_done")).await })
        })
        .collect();
    let mut wins = 0;
    for task in tasks {
        let answer = task.await.unwrap();
        if answer["status"] == 200 {
            wins += 1;
        } else {
            assert_eq!(
                answer["message"],
                "Omdata_dc33fb340034418c8fbb3baf15525e86 matching query does not exist."
            );
        }
    }
    assert_eq!(wins, 1);
    let rows = s.fake.state().tickets("mission").unwrap();
    assert_eq!(
        rows.len(),
        3,
        "create wrote two rows, the single push one more"
    );
}

#[tokio::test]
async fn mounted_mocks_take_precedence_and_the_fake_keeps_working() {
    let s = Session::new(Seed::demo()).await;
    Mock::given(method("POST"))
        .and(path("/rest/my-mission/api/my-mission/list/"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(s.fake.server().expect("a wiremock-served fake"))
        .await;
    let url = format!("{}/rest/my-mission/api/my-mission/list/", s.fake.uri());
    let body = json!({"security": s.token, "omflow_restapi": 1}).to_string();
    for _ in 0..2 {
        assert_eq!(
            s.http
                .post(&url)
                .body(body.clone())
                .send()
                .await
                .unwrap()
                .status(),
            503
        );
    }
    let answer: serde_json::Value = s
        .http
        .post(&url)
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["status"], 200);
    assert!(!answer["result"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn demo_seed_shows_missions_at_every_stop() {
    let s = Session::new(Seed::demo()).await;
    let all = s.missions(json!({"limit": 100})).await;
    let stops: std::collections::BTreeSet<String> = all["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["stop_uuid"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        stops.into_iter().collect::<Vec<_>>(),
        vec!["FITEM_2", "FITEM_5", "FITEM_6"]
    );
    s.fake.reset().unwrap();
    assert_eq!(
        s.fake
            .state()
            .tickets("mission")
            .unwrap()
            .iter()
            .filter(|r| !r.history)
            .count(),
        12
    );
}
