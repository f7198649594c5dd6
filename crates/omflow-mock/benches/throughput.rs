//! The standalone fake (the `omflow-mock` binary's server) under load: my-missions list calls (100 of 1,000 visible missions) from 64
//! concurrent connections; requests/s, p50/p99 latency, and resident memory as the request
//! count grows (no request recording, so no growth):
//! `cargo bench -p omflow-mock --bench throughput` (100,000 requests; set
//! `THROUGHPUT_REQUESTS=1000000` for the long form). The load generator runs in the same
//! process on the same 2 cores, so the figures are a lower bound for the server alone.

mod common;

use common::{admin_token, rss_mb, tickets_seed};
use omflow_mock::FakeOmflow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let total: u64 = std::env::var("THROUGHPUT_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let seed = tickets_seed(1_000);
    let fake = FakeOmflow::builder()
        .record_requests(false)
        .seed(seed)
        .start_standalone()
        .await
        .unwrap();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let token = admin_token(&http, &fake.uri()).await;
    let body = serde_json::json!({"security": token, "omflow_restapi": 1, "order_columns": ["-id"], "limit": 100, "start": 0}).to_string();
    let url = format!("{}/rest/my-mission/api/my-mission/list/", fake.uri());
    let sent = Arc::new(AtomicU64::new(0));
    let rss_at_start = rss_mb();
    let started = Instant::now();
    let monitor = {
        let sent = sent.clone();
        tokio::spawn(async move {
            let mut marks = Vec::new();
            for fraction in [10u64, 50, 100] {
                while sent.load(Ordering::Relaxed) < total * fraction / 100 {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                marks.push((fraction, rss_mb()));
            }
            marks
        })
    };
    let workers: Vec<_> = (0..64)
        .map(|_| {
            let (http, url, body, sent) = (http.clone(), url.clone(), body.clone(), sent.clone());
            tokio::spawn(async move {
                // Preallocated, so the memory curve measures the server, not these samples.
                let mut latencies = Vec::with_capacity((total / 64 + 64) as usize);
                while sent.fetch_add(1, Ordering::Relaxed) < total {
                    let t = Instant::now();
                    let response = http.post(&url).body(body.clone()).send().await.unwrap();
                    let bytes = response.bytes().await.unwrap();
                    latencies.push(t.elapsed());
                    assert!(bytes.len() > 1000);
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    sent.store(u64::MAX / 2, Ordering::Relaxed);
    let marks = monitor.await.unwrap();
    latencies.sort();
    let pct = |p: f64| {
        latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)].as_secs_f64()
            * 1e3
    };
    println!(
        "{} list calls (100 of 1,000 missions) from 64 connections in {:.1} s",
        latencies.len(),
        elapsed
    );
    println!("throughput {:>8.0} req/s   p50 {:.2} ms   p99 {:.2} ms   (goal >= 20,000 req/s, p99 < 5 ms)", latencies.len() as f64 / elapsed, pct(0.50), pct(0.99));
    println!(
        "resident memory: start {rss_at_start:.1} MB; {}",
        marks
            .iter()
            .map(|(f, mb)| format!("after {f}% {mb:.1} MB"))
            .collect::<Vec<_>>()
            .join(", ")
    );
}
