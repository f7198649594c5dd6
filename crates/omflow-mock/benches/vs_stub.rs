//! The stateful fake vs what integration testers use instead: a static wiremock `Mock`
//! answering the same 61 KB my-missions answer. The same load for both, from an outside
//! process (`wrk`, 64 connections, installed by `scripts/bench-tools`), rounds alternating
//! between the two servers in one run:
//! `scripts/bench-tools && cargo bench -p omflow-mock --bench vs_stub`
//! (`VS_STUB_SECONDS=N` per round, default 8; `VS_STUB_ROUNDS=N`, default 3).

mod common;

use common::{admin_token, tickets_seed};
use omflow_mock::FakeOmflow;
use std::process::Command;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LIST: &str = "/rest/my-mission/api/my-mission/list/";

struct Round {
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// wrk's latency figure ("1.23ms", "850.00us", "1.10s") in milliseconds.
fn millis(text: &str) -> Option<f64> {
    let (number, factor) = if let Some(n) = text.strip_suffix("us") {
        (n, 1e-3)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1e3)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| n * factor)
}

fn wrk(url: &str, script: &std::path::Path, seconds: u64) -> Round {
    let out = Command::new("wrk")
        .args(["-t2", "-c64", &format!("-d{seconds}s"), "--latency", "-s"])
        .arg(script)
        .arg(url)
        .output()
        .expect("wrk runs (scripts/bench-tools installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "wrk failed: {text}");
    assert!(
        !text.contains("Non-2xx"),
        "every answer must be a 200: {text}"
    );
    assert!(!text.contains("Socket errors"), "no socket errors: {text}");
    let field = |prefix: &str| {
        text.lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix(prefix)
                    .map(str::trim)
                    .map(str::to_string)
            })
            .unwrap_or_else(|| panic!("wrk printed no {prefix:?}: {text}"))
    };
    Round {
        requests_per_second: field("Requests/sec:").parse().expect("a rate"),
        p50_ms: millis(&field("50%")).expect("a p50"),
        p99_ms: millis(&field("99%")).expect("a p99"),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let seconds: u64 = std::env::var("VS_STUB_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let rounds: usize = std::env::var("VS_STUB_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let seed = tickets_seed(1_000);
    let fake = FakeOmflow::builder()
        .seed(seed)
        .start_standalone()
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let token = admin_token(&http, &fake.uri()).await;
    let body = serde_json::json!({"security": token, "omflow_restapi": 1, "order_columns": ["-id"], "limit": 100, "start": 0}).to_string();
    let answer = http
        .post(format!("{}{LIST}", fake.uri()))
        .body(body.clone())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(answer.len() > 50_000, "a page of 100 missions");
    // What a tester writes instead: wiremock answering the recorded bytes, as it starts by default.
    let stub = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(200).set_body_raw(answer.to_vec(), "application/json"))
        .mount(&stub)
        .await;
    let script = std::env::temp_dir().join(format!("omflow-vs-stub-{}.lua", std::process::id()));
    std::fs::write(
        &script,
        format!(
            "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = {}\n",
            serde_json::to_string(&body).unwrap()
        ),
    )
    .unwrap();
    let (fake_url, stub_url) = (
        format!("{}{LIST}", fake.uri()),
        format!("{}{LIST}", stub.uri()),
    );
    let (mut fakes, mut stubs) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        let (url, lua) = (fake_url.clone(), script.clone());
        let f = tokio::task::spawn_blocking(move || wrk(&url, &lua, seconds))
            .await
            .unwrap();
        let (url, lua) = (stub_url.clone(), script.clone());
        let s = tokio::task::spawn_blocking(move || wrk(&url, &lua, seconds))
            .await
            .unwrap();
        println!(
            "round {round}: fake {:>7.0} req/s p50 {:>5.2} ms p99 {:>6.2} ms | wiremock stub {:>7.0} req/s p50 {:>5.2} ms p99 {:>6.2} ms",
            f.requests_per_second, f.p50_ms, f.p99_ms, s.requests_per_second, s.p50_ms, s.p99_ms
        );
        fakes.push(f);
        stubs.push(s);
    }
    let _ = std::fs::remove_file(&script);
    let mean = |rounds: &[Round], f: fn(&Round) -> f64| {
        rounds.iter().map(f).sum::<f64>() / rounds.len() as f64
    };
    let (fr, sr) = (
        mean(&fakes, |r| r.requests_per_second),
        mean(&stubs, |r| r.requests_per_second),
    );
    let (fp, sp) = (mean(&fakes, |r| r.p99_ms), mean(&stubs, |r| r.p99_ms));
    println!(
        "mean: fake {fr:.0} req/s p99 {fp:.2} ms, stub {sr:.0} req/s p99 {sp:.2} ms; throughput fake/stub {:.2}x (goal >= 1.0: {}), p99 fake/stub {:.2}x (goal <= 1.2: {})",
        fr / sr,
        if fr >= sr { "met" } else { "NOT met" },
        fp / sp,
        if fp <= sp * 1.2 { "met" } else { "NOT met" }
    );
}
