//! The seed's approach vs this SDK: 1,000 my-missions list calls (100 rows) from a Python
//! `requests` script (one session, JSON bodies) and from `omflow-client`, against the same
//! in-process fake in one run. Both wall time (where the fake's share dominates) and each
//! client's own CPU time: the Python process's user + system time, and the CPU time of the
//! one thread that runs the Rust client (a current-thread runtime of its own; the fake runs
//! on other threads). `cargo bench -p omflow-client --bench python`; the interpreter is
//! `$OMFLOW_BENCH_PYTHON`, else `target/bench-tools/venv/bin/python` (made by
//! `scripts/bench-tools`), else `python3`, and needs `requests`.

use futures::StreamExt;
use omflow_client::Client;
use omflow_mock::{FakeOmflow, Seed};
use omflow_model::query::Query;
use std::time::{Duration, Instant};

const CALLS: usize = 1_000;

/// CPU time this thread has run, from `/proc/thread-self/schedstat` (nanoseconds).
fn thread_cpu() -> Duration {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let ns = text
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    Duration::from_nanos(ns)
}

/// CPU time of this whole process, exited threads included (user + system from
/// `/proc/self/stat`, in clock ticks of 10 ms).
fn process_cpu() -> Duration {
    let text = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = text.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after_name
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    let ticks = fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

fn python() -> String {
    if let Some(python) = std::env::var("OMFLOW_BENCH_PYTHON")
        .ok()
        .filter(|p| !p.trim().is_empty())
    {
        return python;
    }
    let venv = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../target/bench-tools/venv/bin/python"
    );
    if std::path::Path::new(venv).exists() {
        venv.into()
    } else {
        "python3".into()
    }
}

struct Side {
    wall: f64,
    cpu: f64,
}

/// The Rust client's 1,000 calls on a thread of its own; `in_flight` at a time.
fn rust_side(uri: String, in_flight: usize) -> Side {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let client = Client::builder(uri)
                .credentials("admin", "admin")
                .build()
                .unwrap();
            let query = Query::builder().page_size(100).build().unwrap();
            for _ in 0..20 {
                client.missions().query(query.clone()).send().await.unwrap();
            }
            let (started, cpu_started) = (Instant::now(), thread_cpu());
            let pages: Vec<usize> = futures::stream::iter(0..CALLS)
                .map(|_| {
                    let (client, query) = (client.clone(), query.clone());
                    async move { client.missions().query(query).send().await.unwrap().len() }
                })
                .buffer_unordered(in_flight)
                .collect()
                .await;
            assert!(pages.iter().all(|&n| n == 100));
            Side {
                wall: started.elapsed().as_secs_f64(),
                cpu: (thread_cpu() - cpu_started).as_secs_f64(),
            }
        })
    })
    .join()
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
    let fake = FakeOmflow::builder()
        .seed(seed)
        .record_requests(false)
        .start()
        .await
        .unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/python_requests.py");
    let (uri, interpreter) = (fake.uri(), python());
    let shown = interpreter.clone();
    let fake_cpu_started = process_cpu();
    let python = tokio::task::spawn_blocking(move || {
        std::process::Command::new(&interpreter)
            .args([script, &uri, &CALLS.to_string()])
            .output()
    })
    .await
    .unwrap();
    let fake_cpu_python = (process_cpu() - fake_cpu_started).as_secs_f64();
    let python = match python {
        Ok(out) if out.status.success() => serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .ok()
            .and_then(|v| {
                Some(Side {
                    wall: v["seconds"].as_f64()?,
                    cpu: v["cpu_seconds"].as_f64()?,
                })
            }),
        Ok(out) => {
            println!(
                "python script failed with {shown:?} (is `requests` installed? scripts/bench-tools): {}",
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            );
            None
        }
        Err(err) => {
            println!("python not runnable as {shown:?} ({err}); scripts/bench-tools makes a venv");
            None
        }
    };
    let uri = fake.uri();
    let process_started = process_cpu();
    let sequential = tokio::task::spawn_blocking(move || rust_side(uri, 1))
        .await
        .unwrap();
    let fake_cpu_rust = (process_cpu() - process_started).as_secs_f64() - sequential.cpu;
    let uri = fake.uri();
    let concurrent = tokio::task::spawn_blocking(move || rust_side(uri, 16))
        .await
        .unwrap();
    let per_call = |seconds: f64| seconds * 1e6 / CALLS as f64;
    println!("{CALLS} list calls of 100 missions each against one fake");
    println!(
        "{:<34} {:>8} {:>12} {:>14}",
        "", "wall s", "client CPU", "fake CPU"
    );
    if let Some(py) = &python {
        println!(
            "{:<34} {:>8.2} {:>9.0} µs/call {:>8.0} µs/call",
            "python requests (one Session)",
            py.wall,
            per_call(py.cpu),
            per_call(fake_cpu_python)
        );
    }
    println!(
        "{:<34} {:>8.2} {:>9.0} µs/call {:>8.0} µs/call",
        "omflow-client, sequential",
        sequential.wall,
        per_call(sequential.cpu),
        per_call(fake_cpu_rust)
    );
    println!(
        "{:<34} {:>8.2} {:>9.0} µs/call",
        "omflow-client, 16 in flight",
        concurrent.wall,
        per_call(concurrent.cpu)
    );
    if let Some(py) = python {
        let cpu_ratio = py.cpu / sequential.cpu;
        println!(
            "client CPU per call: python / omflow-client = {cpu_ratio:.1}x (goal >= 20x: {}); wall: {:.1}x sequential, {:.1}x with 16 in flight",
            if cpu_ratio >= 20.0 { "met" } else { "NOT met" },
            py.wall / sequential.wall,
            py.wall / concurrent.wall
        );
    }
}
