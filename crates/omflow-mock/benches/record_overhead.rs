//! What recording costs: the same my-missions list calls (100 of 1,000 missions) sent to the
//! standalone fake directly and through the recording proxy (`omflow record`'s
//! [`omflow_mock::record::Recorder`], writing every exchange to disk), interleaved in blocks
//! of 50 in one run: `cargo bench -p omflow-mock --features replay --bench record_overhead`
//! (1,000 calls a side; `RECORD_CALLS=N` for another count). Goal: the proxy under 1.3× direct.

mod common;

use common::admin_token;
use omflow_mock::record::{RecordOptions, Recorder};
use omflow_mock::{FakeOmflow, Seed};
use std::time::{Duration, Instant};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let calls: usize = std::env::var("RECORD_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    // Bare loopback (the fake answers in about a quarter of a millisecond), then a server
    // 5 ms away (a LAN), where a recording is used in practice.
    measure(calls, Duration::ZERO).await;
    measure(calls / 5, Duration::from_millis(5)).await;
}

async fn measure(calls: usize, latency: Duration) {
    let seed = (0..1_000)
        .fold(Seed::pristine().builder().join_group("admin", 2), |b, i| {
            b.ticket("mission", "admin", &format!("Ticket {i}"), "green")
        })
        .build();
    let fake = FakeOmflow::builder()
        .record_requests(false)
        .seed(seed)
        .latency(latency)
        .start_standalone()
        .await
        .expect("the fake starts");
    let out = std::env::temp_dir().join(format!("omflow-record-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let recorder = Recorder::start("127.0.0.1:0", RecordOptions::new(&fake.uri(), out.clone()))
        .await
        .expect("the recorder starts");
    let http = reqwest::Client::new();
    let body = |token: &str| {
        serde_json::json!({"security": token, "omflow_restapi": 1, "limit": 100}).to_string()
    };
    let direct_body = body(&admin_token(&http, &fake.uri()).await);
    let proxy_body = body(&admin_token(&http, &recorder.uri()).await);
    let list = |base: String, body: String| {
        let http = http.clone();
        async move {
            let started = Instant::now();
            let bytes = http
                .post(format!("{base}/rest/my-mission/api/my-mission/list/"))
                .body(body)
                .send()
                .await
                .expect("answer")
                .bytes()
                .await
                .expect("body");
            assert!(bytes.len() > 10_000, "a page of 100 missions");
            started.elapsed()
        }
    };
    // Warm both paths, then interleave blocks so drift hits both sides alike.
    for _ in 0..20 {
        list(fake.uri(), direct_body.clone()).await;
        list(recorder.uri(), proxy_body.clone()).await;
    }
    let (mut direct, mut proxied) = (Duration::ZERO, Duration::ZERO);
    let block = 50;
    for _ in 0..calls.div_ceil(block) {
        for _ in 0..block {
            direct += list(fake.uri(), direct_body.clone()).await;
        }
        for _ in 0..block {
            proxied += list(recorder.uri(), proxy_body.clone()).await;
        }
    }
    let n = (calls.div_ceil(block) * block) as f64;
    let per = |d: Duration| d.as_secs_f64() * 1e6 / n;
    let files = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
    println!(
        "record overhead, server latency {latency:?}: {n} list calls a side; direct {:.0} µs/call, through the recording proxy {:.0} µs/call: {:.2}x ({files} exchange files written)",
        per(direct),
        per(proxied),
        proxied.as_secs_f64() / direct.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&out);
}
