//! Fault runs: a 10,000-ticket bulk approval (concurrency 16) through a TCP proxy that resets
//! 1 %, 5 % and 20 % of the requests it carries, half of them before the server sees the
//! request and half after the server has answered (the answer is lost). A lost answer is
//! resolved by reading the ticket back; a push found not applied is sent once more. Goals:
//! nothing left "may have been applied" at 1 % and 5 %, at most 1 in 200 at 20 %, nothing
//! pushed twice, and every ticket reported approved at its predicted next stop in the fake's
//! state. `cargo bench -p omflow-client --bench faults` (`FAULT_TICKETS=N`).

mod common;

use omflow_client::{ApprovalResult, Client, RetryPolicy};
use omflow_model::routing::Route;
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

/// What one rate's run found, by the client's report checked against the fake's state.
#[derive(Default, Debug)]
struct Counts {
    /// Reported approved, pushed once, and now at the stop the prediction named.
    approved: usize,
    /// Of those, the first answer was lost, the read-back showed it not applied, and it was
    /// sent again.
    resent: usize,
    /// Reported "may have been applied": the read-back itself failed.
    unresolved: usize,
    /// Reported failed (not "may have been applied") and not pushed.
    failed: usize,
    /// Of those, sent again after a first lost answer, and the second answer lost too (read
    /// back: not applied; a bulk approval resends at most once).
    failed_after_resend: usize,
    /// Pushed more than once.
    twice: usize,
    /// A report the state contradicts (approved but not pushed, or not at its next stop;
    /// failed but pushed).
    wrong: usize,
}

/// The stop an approved ticket should now be at: the one its prediction named.
fn predicted_stop(outcome: &omflow_client::PushOutcome) -> Option<&str> {
    match &outcome.prediction.as_ref()?.route {
        Route::AtStop { stop, .. } => Some(stop.id.as_str()),
        _ => None,
    }
}

async fn run(tickets: usize, rate: f64) -> Counts {
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
        Err(err) => panic!(
            "resets {:.0}%: the approval failed as a whole: {err}",
            rate * 100.0
        ),
    };
    let rows = fake.state().tickets("mission").unwrap();
    let mut pushes_per_ticket: HashMap<u64, usize> = HashMap::new();
    let mut stop_now: HashMap<u64, String> = HashMap::new();
    for row in &rows {
        // A seeded ticket has two rows (its creation and its current row); each push adds one.
        *pushes_per_ticket.entry(row.data_no.get()).or_default() += 1;
        if !row.history && !row.error {
            if let Some(stop) = &row.stop_uuid {
                stop_now.insert(row.data_no.get(), stop.clone());
            }
        }
    }
    let mut counts = Counts::default();
    for outcome in &outcomes {
        let data_no = outcome.mission.data_no.map(|n| n.get()).unwrap_or(0);
        let pushes = pushes_per_ticket
            .get(&data_no)
            .copied()
            .unwrap_or(0)
            .saturating_sub(2);
        if pushes > 1 {
            counts.twice += 1;
            continue;
        }
        match (&outcome.result, pushes) {
            (ApprovalResult::Approved(pushed), 1)
                if predicted_stop(pushed).is_some()
                    && predicted_stop(pushed) == stop_now.get(&data_no).map(String::as_str) =>
            {
                counts.approved += 1;
                counts.resent += usize::from(outcome.resent);
            }
            (ApprovalResult::Failed(err), _) if err.may_have_been_applied() => {
                counts.unresolved += 1
            }
            (ApprovalResult::Failed(_), 0) => {
                counts.failed += 1;
                counts.failed_after_resend += usize::from(outcome.resent);
            }
            _ => counts.wrong += 1,
        }
    }
    println!(
        "resets {:.0}%: approved {}, resent after a check {}, unresolved {}, pushed twice {} \
         ({} tickets in {elapsed:.1} s; {} resets before the server, {} answers lost; \
         failed and not applied {} ({} of them after their one resend); reports the state contradicts {})",
        rate * 100.0,
        counts.approved,
        counts.resent,
        counts.unresolved,
        counts.twice,
        outcomes.len(),
        injected.before_server.load(Ordering::Relaxed),
        injected.answer_lost.load(Ordering::Relaxed),
        counts.failed,
        counts.failed_after_resend,
        counts.wrong,
    );
    assert_eq!(outcomes.len(), tickets, "every ticket has an outcome");
    counts
}

/// The goals of issue 23: nothing unresolved at 1 % and 5 % resets, at most 50 (of 10,000)
/// at 20 %, nothing pushed twice, and every report agreeing with the fake's state.
fn check_goals(rate: f64, tickets: usize, counts: &Counts) {
    let allowed_unresolved = if rate > 0.1 { tickets / 200 } else { 0 };
    assert!(
        counts.unresolved <= allowed_unresolved,
        "resets {:.0}%: {} unresolved, goal at most {allowed_unresolved}",
        rate * 100.0,
        counts.unresolved
    );
    assert_eq!(counts.twice, 0, "no ticket pushed twice");
    assert_eq!(counts.wrong, 0, "every report agrees with the state");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let tickets: usize = std::env::var("FAULT_TICKETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let mut results = Vec::new();
    for rate in [0.01, 0.05, 0.20] {
        results.push((rate, run(tickets, rate).await));
    }
    for (rate, counts) in &results {
        check_goals(*rate, tickets, counts);
    }
    println!("goals met: unresolved 0 at 1 % and 5 %, at most 1 in 200 at 20 %; pushed twice 0; every approved ticket at its predicted next stop");
}
