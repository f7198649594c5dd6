//! The seed's approach vs this SDK: 1,000 my-missions list calls (100 rows) from a Python
//! `requests` script (one session, JSON bodies) and from `omflow-client`, sequentially and
//! with 16 calls in flight, against the same fake in one run:
//! `cargo bench -p omflow-client --bench python` (needs `python3 -m pip install requests`).

use futures::StreamExt;
use omflow_client::Client;
use omflow_mock::{FakeOmflow, Seed};
use omflow_model::query::Query;
use std::time::Instant;

const CALLS: usize = 1_000;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let seed = (0..120)
        .fold(Seed::pristine().builder().join_group("admin", 2), |b, i| {
            b.ticket("mission", "admin", &format!("Ticket {i}"), "red")
        })
        .build();
    let fake = FakeOmflow::start_with(seed).await.unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/python_requests.py");
    let uri = fake.uri();
    let python = tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3")
            .args([script, &uri, &CALLS.to_string()])
            .output()
    })
    .await
    .unwrap();
    let python_seconds = match python {
        Ok(out) if out.status.success() => serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .ok()
            .and_then(|v| v["seconds"].as_f64()),
        Ok(out) => {
            println!(
                "python script failed (is `requests` installed?): {}",
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            );
            None
        }
        Err(err) => {
            println!("python3 not runnable: {err}");
            None
        }
    };
    let client = Client::builder(fake.uri())
        .credentials("admin", "admin")
        .build()
        .unwrap();
    let query = Query::builder().page_size(100).build().unwrap();
    let started = Instant::now();
    for _ in 0..CALLS {
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
    }
    let sequential = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let pages: Vec<usize> = futures::stream::iter(0..CALLS)
        .map(|_| {
            let (client, query) = (client.clone(), query.clone());
            async move { client.missions().query(query).send().await.unwrap().len() }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert!(pages.iter().all(|&n| n == 100));
    let concurrent = started.elapsed().as_secs_f64();
    println!("{CALLS} list calls of 100 missions each against one fake");
    if let Some(py) = python_seconds {
        println!(
            "python requests (one Session, JSON)    {:>7.2} s  {:>7.0} calls/s",
            py,
            CALLS as f64 / py
        );
        println!(
            "omflow-client, sequential              {:>7.2} s  {:>7.0} calls/s  ({:.1}x python)",
            sequential,
            CALLS as f64 / sequential,
            py / sequential
        );
        println!(
            "omflow-client, 16 in flight            {:>7.2} s  {:>7.0} calls/s  ({:.1}x python)",
            concurrent,
            CALLS as f64 / concurrent,
            py / concurrent
        );
        let best = py / sequential.min(concurrent);
        println!(
            "goal >= 20x throughput: {}",
            if best >= 20.0 {
                "met"
            } else {
                "NOT met (see BENCHMARKS.md)"
            }
        );
    } else {
        println!("omflow-client, sequential {sequential:.2} s; 16 in flight {concurrent:.2} s; python comparison skipped");
    }
}
