//! The in-process fake (`FakeOmflow`) in a long test: resident memory while it answers
//! 1,000,000 small my-missions calls with request recording off, and, for contrast, what
//! 50,000 calls cost with it on (wiremock keeps a copy of every request):
//! `cargo bench -p omflow-mock --bench long_test` (`LONG_TEST_CALLS=N` for another count).
//! The load comes from 16 tasks in the same process; nothing per call is kept by them.

mod common;

use common::{admin_token, rss_mb, tickets_seed};
use omflow_mock::FakeOmflow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TASKS: u64 = 16;

/// Sends `total` list calls from [`TASKS`] tasks; returns the resident memory (MB) after
/// 10 %, 50 % and 100 % of them and the wall time.
async fn run(fake: &FakeOmflow, total: u64) -> (Vec<(u64, f64)>, Duration) {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(TASKS as usize)
        .build()
        .unwrap();
    let token = admin_token(&http, &fake.uri()).await;
    let body = serde_json::json!({"security": token, "omflow_restapi": 1, "limit": 1}).to_string();
    let url = format!("{}/rest/my-mission/api/my-mission/list/", fake.uri());
    let sent = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (http, url, body, sent) = (http.clone(), url.clone(), body.clone(), sent.clone());
            tokio::spawn(async move {
                while sent.fetch_add(1, Ordering::Relaxed) < total {
                    let answer = http.post(&url).body(body.clone()).send().await.unwrap();
                    assert_eq!(answer.status(), 200);
                    let bytes = answer.bytes().await.unwrap();
                    assert!(bytes.starts_with(b"{\"status\": 200"), "an answer");
                }
            })
        })
        .collect();
    let mut marks = Vec::new();
    for fraction in [10u64, 50] {
        while sent.load(Ordering::Relaxed) < total * fraction / 100 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        marks.push((fraction, rss_mb()));
    }
    for task in tasks {
        task.await.unwrap();
    }
    marks.push((100, rss_mb()));
    (marks, started.elapsed())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let total: u64 = std::env::var("LONG_TEST_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let off = FakeOmflow::builder()
        .seed(tickets_seed(20))
        .record_requests(false)
        .start()
        .await
        .unwrap();
    let (marks, took) = run(&off, total).await;
    let growth = marks[2].1 - marks[0].1;
    println!(
        "recording off: {total} calls in {:.1} s ({:.0} calls/s); resident {:.1} MB at 10 %, {:.1} MB at 50 %, {:.1} MB at 100 %: {growth:+.1} MB from 10 % to 100 % ({:.1} bytes per call)",
        took.as_secs_f64(),
        total as f64 / took.as_secs_f64(),
        marks[0].1,
        marks[1].1,
        marks[2].1,
        growth * 1024.0 * 1024.0 / (total as f64 * 0.9)
    );
    drop(off);
    let on_calls = (total / 20).max(1_000);
    let on = FakeOmflow::builder()
        .seed(tickets_seed(20))
        .record_requests(true)
        .start()
        .await
        .unwrap();
    let (marks, took) = run(&on, on_calls).await;
    let growth = marks[2].1 - marks[0].1;
    println!(
        "recording on:  {on_calls} calls in {:.1} s; resident {:.1} MB at 10 %, {:.1} MB at 100 %: {growth:+.1} MB ({:.0} bytes per call)",
        took.as_secs_f64(),
        marks[0].1,
        marks[2].1,
        growth * 1024.0 * 1024.0 / (on_calls as f64 * 0.9)
    );
}
