//! Client overhead: 1,000 my-missions list calls (100 rows each) against the fake over
//! loopback, side by side (alternating blocks): through `omflow-client`; what a Rust user
//! writes without it (one `reqwest::Client`, a `#[derive(Deserialize)]` mission row,
//! `.json()`); a bare loop that only reads the bytes; and one that parses them into
//! `serde_json::Value`: `cargo bench -p omflow-client --bench overhead`.

use omflow_client::Client;
use omflow_mock::{FakeOmflow, Seed};
use omflow_model::query::Query;
use std::time::{Duration, Instant};

const CALLS: usize = 1_000;
const BLOCK: usize = 100;

#[path = "../../omflow-model/benches/hand_written/mod.rs"]
mod hand_written;
use hand_written::HandEnvelope;

/// One list call the way a user writes it with reqwest: JSON body, answer as it comes.
async fn list_call(http: &reqwest::Client, url: &str, body: &[u8]) -> reqwest::Response {
    http.post(url)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .unwrap()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let seed = (0..120)
        .fold(Seed::pristine().builder().join_group("admin", 2), |b, i| {
            b.ticket("mission", "admin", &format!("Ticket {i}"), "red")
        })
        .build()
        .unwrap();
    let fake = FakeOmflow::start_with(seed).await.unwrap();
    let client = Client::builder(fake.uri())
        .credentials("admin", "admin")
        .build()
        .unwrap();
    let query = Query::builder().page_size(100).build().unwrap();
    let code = client.login().await.unwrap();
    let mut body = serde_json::to_value(&query).unwrap();
    body["security"] = code.expose().into();
    body["omflow_restapi"] = 1.into();
    let body = serde_json::to_vec(&body).unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/rest/my-mission/api/my-mission/list/", fake.uri());
    // Warm up both paths.
    for _ in 0..50 {
        assert_eq!(
            client
                .missions()
                .query(query.clone())
                .send()
                .await
                .unwrap()
                .len(),
            100
        );
        list_call(&http, &url, &body).await.bytes().await.unwrap();
    }
    let (mut sdk, mut bare, mut bare_json, mut hand) = (
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
    );
    for _ in 0..CALLS / BLOCK {
        let started = Instant::now();
        for _ in 0..BLOCK {
            let page = client.missions().query(query.clone()).send().await.unwrap();
            assert_eq!(page.len(), 100);
        }
        sdk += started.elapsed();
        let started = Instant::now();
        for _ in 0..BLOCK {
            let bytes = list_call(&http, &url, &body).await.bytes().await.unwrap();
            assert!(bytes.len() > 10_000);
        }
        bare += started.elapsed();
        let started = Instant::now();
        for _ in 0..BLOCK {
            let bytes = list_call(&http, &url, &body).await.bytes().await.unwrap();
            let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(value["result"].as_array().map(Vec::len), Some(100));
        }
        bare_json += started.elapsed();
        let started = Instant::now();
        for _ in 0..BLOCK {
            let page: HandEnvelope = list_call(&http, &url, &body).await.json().await.unwrap();
            assert_eq!(page.result.len(), 100);
        }
        hand += started.elapsed();
    }
    println!("{CALLS} list calls of 100 missions each, alternating blocks of {BLOCK}");
    println!(
        "omflow-client (typed Vec<Mission>, token cache)  {:>8.1} ms  ({:.0} µs/call)",
        sdk.as_secs_f64() * 1e3,
        sdk.as_secs_f64() * 1e6 / CALLS as f64
    );
    println!(
        "hand-written reqwest + serde (derive, .json())   {:>8.1} ms  ({:.0} µs/call)",
        hand.as_secs_f64() * 1e3,
        hand.as_secs_f64() * 1e6 / CALLS as f64
    );
    println!(
        "bare reqwest loop (bytes only)                   {:>8.1} ms  ({:.0} µs/call)",
        bare.as_secs_f64() * 1e3,
        bare.as_secs_f64() * 1e6 / CALLS as f64
    );
    println!(
        "bare reqwest loop + serde_json::Value decode     {:>8.1} ms  ({:.0} µs/call)",
        bare_json.as_secs_f64() * 1e3,
        bare_json.as_secs_f64() * 1e6 / CALLS as f64
    );
    let vs_hand = sdk.as_secs_f64() / hand.as_secs_f64();
    println!(
        "ratio client / hand-written reqwest + serde: {vs_hand:.3} (issue 29's goal <= 0.90: {}; the earlier goal <= 1.05: {})",
        if vs_hand <= 0.90 { "met" } else { "NOT met" },
        if vs_hand <= 1.05 { "met" } else { "NOT met" }
    );
    let ratio = sdk.as_secs_f64() / bare.as_secs_f64();
    println!(
        "ratio client / bare bytes-only loop: {ratio:.3} (goal <= 1.15: {}); client adds {:.0} µs/call",
        if ratio <= 1.15 { "met" } else { "NOT met" },
        (sdk.as_secs_f64() - bare.as_secs_f64()) * 1e6 / CALLS as f64
    );
    println!(
        "ratio client / bare loop that also decodes JSON: {:.3}",
        sdk.as_secs_f64() / bare_json.as_secs_f64()
    );
}
