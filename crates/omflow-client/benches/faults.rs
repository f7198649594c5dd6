//! Fault runs: a 10,000-ticket bulk approval (concurrency 16) through a TCP proxy that resets
//! 1 %, 5 % and 20 % of the requests it carries, half of them before the server sees the
//! request and half after the server has answered (the answer is lost). Every ticket must be
//! pushed exactly once, or reported as "may have been applied" and pushed at most once;
//! never twice. `cargo bench -p omflow-client --bench faults` (`FAULT_TICKETS=N`).

mod common;

use omflow_client::{ApprovalResult, Client, RetryPolicy};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Default)]
struct Injected {
    before_server: AtomicU64,
    answer_lost: AtomicU64,
}

/// A small deterministic generator (xorshift64*), so a run can be repeated.
struct Dice(u64);

impl Dice {
    fn roll(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One proxied connection: copies both ways; a request chosen by the dice is either reset
/// before it is forwarded or forwarded and its answer replaced by a reset.
async fn carry(inbound: TcpStream, target: String, rate: f64, seed: u64, injected: Arc<Injected>) {
    let Ok(outbound) = TcpStream::connect(&target).await else {
        return;
    };
    #[allow(deprecated)]
    let _ = inbound.set_linger(Some(Duration::ZERO)); // dropping it sends a reset
    let (mut client_in, mut client_out) = inbound.into_split();
    let (mut server_in, mut server_out) = outbound.into_split();
    let answer_lost = AtomicBool::new(false);
    let mut dice = Dice(seed | 1);
    let up = async {
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            let n = match client_in.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if dice.roll() < rate {
                if dice.roll() < 0.5 {
                    injected.before_server.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                injected.answer_lost.fetch_add(1, Ordering::Relaxed);
                answer_lost.store(true, Ordering::SeqCst);
            }
            if server_out.write_all(&buffer[..n]).await.is_err() {
                return;
            }
        }
    };
    let down = async {
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            let n = match server_in.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            if answer_lost.load(Ordering::SeqCst) {
                return;
            }
            if client_out.write_all(&buffer[..n]).await.is_err() {
                return;
            }
        }
    };
    tokio::select! {
        () = up => {},
        () = down => {},
    }
}

async fn proxy(target: String, rate: f64, injected: Arc<Injected>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        while let Ok((inbound, _)) = listener.accept().await {
            seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
            tokio::spawn(carry(inbound, target.clone(), rate, seed, injected.clone()));
        }
    });
    address
}

#[derive(Default, Debug)]
struct Counts {
    approved_once: usize,
    maybe_applied_once: usize,
    maybe_not_applied: usize,
    failed_not_applied: usize,
    wrong: usize,
    twice: usize,
}

async fn run(tickets: usize, rate: f64) {
    let fake = common::bulk_fake(tickets, Duration::ZERO).await;
    let injected = Arc::new(Injected::default());
    let url = proxy(
        fake.uri().trim_start_matches("http://").to_string(),
        rate,
        injected.clone(),
    )
    .await;
    let client = Client::builder(url)
        .credentials("admin", "admin")
        .retry(RetryPolicy::new(8, Duration::from_millis(2), Duration::from_millis(50)).unwrap())
        .build()
        .unwrap();
    let started = Instant::now();
    let outcomes = common::dispatch_all(&client, 16).send().await;
    let elapsed = started.elapsed().as_secs_f64();
    let outcomes = match outcomes {
        Ok(outcomes) => outcomes,
        Err(err) => {
            println!(
                "{:>4.0} % resets: the approval failed as a whole: {err}",
                rate * 100.0
            );
            return;
        }
    };
    let mut rows_per_ticket: HashMap<u64, usize> = HashMap::new();
    for row in fake.state().tickets("mission") {
        *rows_per_ticket.entry(row.data_no.get()).or_default() += 1;
    }
    let mut counts = Counts::default();
    for outcome in &outcomes {
        let data_no = outcome.mission.data_no.map(|n| n.get()).unwrap_or(0);
        let pushes = rows_per_ticket
            .get(&data_no)
            .copied()
            .unwrap_or(0)
            .saturating_sub(2);
        match (&outcome.result, pushes) {
            (_, n) if n > 1 => counts.twice += 1,
            (ApprovalResult::Approved(_), 1) => counts.approved_once += 1,
            (ApprovalResult::Failed(err), 1) if err.may_have_been_applied() => {
                counts.maybe_applied_once += 1
            }
            (ApprovalResult::Failed(err), 0) if err.may_have_been_applied() => {
                counts.maybe_not_applied += 1
            }
            (ApprovalResult::Failed(_), 0) => counts.failed_not_applied += 1,
            _ => counts.wrong += 1,
        }
    }
    let untouched = rows_per_ticket.values().filter(|&&rows| rows == 2).count();
    println!(
        "{:>4.0} % resets ({} before the server, {} answers lost), {} tickets in {elapsed:.1} s: pushed once and reported approved {}; reported \"may have been applied\": {} applied once, {} not applied; failed and not applied {}; pushed twice {}; result contradicting the state {}; tickets left unpushed {untouched}",
        rate * 100.0,
        injected.before_server.load(Ordering::Relaxed),
        injected.answer_lost.load(Ordering::Relaxed),
        outcomes.len(),
        counts.approved_once,
        counts.maybe_applied_once,
        counts.maybe_not_applied,
        counts.failed_not_applied,
        counts.twice,
        counts.wrong,
    );
    assert_eq!(outcomes.len(), tickets, "every ticket has an outcome");
    assert_eq!(counts.twice, 0, "no ticket pushed twice");
    assert_eq!(counts.wrong, 0, "every result agrees with the state");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let tickets: usize = std::env::var("FAULT_TICKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    for rate in [0.01, 0.05, 0.20] {
        run(tickets, rate).await;
    }
}
