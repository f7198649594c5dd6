//! A seed's ticket rows (what `omflow seed from-server` reads from a server): served as
//! stored, numbered after, with a mission for each ticket waiting at a form; a row the fake
//! cannot place (no id, no ticket number, an id twice) refuses the seed, naming it.

use omflow_mock::{FakeOmflow, Seed};

mod common;
use serde_json::{json, Map, Value};

/// The demo seed with its 任務單 tickets as rows: those a fake started from the demo holds.
async fn demo_rows() -> (Seed, Vec<Map<String, Value>>) {
    let demo = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let state = demo.state();
    let rows: Vec<Map<String, Value>> = state.json()["flows"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row.as_object().unwrap().clone())
        .collect();
    let mut seed = Seed::demo();
    seed.tickets.clear();
    (seed, rows)
}

#[tokio::test]
async fn rows_are_served_as_stored_and_new_tickets_numbered_after_them() {
    let (mut seed, rows) = demo_rows().await;
    assert!(!rows.is_empty());
    seed.flows[0].rows = rows.clone();
    let fake = FakeOmflow::start_with(seed).await.unwrap();
    let served = fake.state().json()["flows"][0]["rows"].clone();
    assert_eq!(
        served,
        Value::Array(rows.iter().cloned().map(Value::Object).collect())
    );
    let waiting = rows
        .iter()
        .filter(|r| r["history"] == false && r["closed"] == false && r["stop_uuid"].is_string())
        .count();
    let missions = fake.state().json()["missions"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(
        missions >= waiting && waiting > 0,
        "{missions} missions for {waiting} waiting tickets"
    );
    let last = rows
        .iter()
        .filter_map(|r| r["data_no"].as_u64())
        .max()
        .unwrap();
    let http = reqwest::Client::new();
    let login = common::login(&http, &fake.uri(), "admin", "admin").await;
    let body = json!({
        "security": login["result"]["security"], "omflow_restapi": 1, "action": "create",
        "formdata": omflow_mock::seed::sample_formdata("After the seed", "green", "dispatch"),
    });
    let created: Value = http
        .post(format!(
            "{}/rest/flowmanage/api/omdata/edit/mission/",
            fake.uri()
        ))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(created["result"], last + 1, "{created}");
}

#[tokio::test]
async fn a_row_the_fake_cannot_place_refuses_the_seed_by_name() {
    let (seed, rows) = demo_rows().await;
    let first = rows[0].clone();
    let cases: [(&str, Map<String, Value>); 3] = [
        ("has no integer id", {
            let mut row = first.clone();
            row.insert("id".into(), json!("two"));
            row
        }),
        ("has no integer data_no", {
            let mut row = first.clone();
            row.remove("data_no");
            row
        }),
        ("repeats an id", first.clone()),
    ];
    for (problem, row) in cases {
        let mut bad = seed.clone();
        bad.flows[0].rows = vec![first.clone(), row];
        if problem != "repeats an id" {
            bad.flows[0].rows.remove(0);
        }
        let Err(error) = FakeOmflow::start_with(bad).await else {
            panic!("a seed whose row {problem} started a fake");
        };
        let error = error.to_string();
        assert!(
            error.contains(problem) && error.contains("任務單"),
            "{error}"
        );
    }
}
