//! Bulk approve 10,000 tickets on the fake at concurrency 16 vs sequentially (each on a
//! fresh fake, same seed), on loopback and with 5 ms of simulated latency per answer; every
//! ticket must be pushed exactly once: `cargo bench -p omflow-client --bench bulk`.
//! `BULK_TICKETS=N` changes the count.

mod common;

use omflow_client::{ApprovalResult, Client};
use std::time::{Duration, Instant};

async fn run(tickets: usize, concurrency: usize, latency: Duration) -> f64 {
    let fake = common::bulk_fake(tickets, latency).await;
    let client = Client::builder(fake.uri())
        .credentials("admin", "admin")
        .build()
        .unwrap();
    let started = Instant::now();
    let outcomes = common::dispatch_all(&client, concurrency)
        .send()
        .await
        .unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(outcomes.len(), tickets);
    assert!(outcomes
        .iter()
        .all(|o| matches!(o.result, ApprovalResult::Approved(_))));
    let rows = fake.state().tickets("mission").unwrap();
    assert_eq!(
        rows.len(),
        tickets * 3,
        "two rows per create, exactly one more per push"
    );
    elapsed
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let tickets: usize = std::env::var("BULK_TICKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    for latency in [Duration::ZERO, Duration::from_millis(5)] {
        let sequential = run(tickets, 1, latency).await;
        let concurrent = run(tickets, 16, latency).await;
        println!(
            "{tickets} tickets, latency {:>2} ms: sequential {:>7.2} s, concurrency 16 {:>6.2} s, speed-up {:>5.1}x (goal >= 12x with latency: {}); each pushed exactly once",
            latency.as_millis(),
            sequential,
            concurrent,
            sequential / concurrent,
            if sequential / concurrent >= 12.0 { "met" } else { "NOT met" }
        );
    }
}
