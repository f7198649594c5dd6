//! Soak: security codes live 1 s on the fake (and are dropped every 300 ms on top), 16 tasks
//! run mixed reads and writes; nothing fails and re-logins are counted.
//!
//! Short form in CI (1,000 operations). Long form: `OMFLOW_SOAK_OPS=10000 cargo test -p
//! omflow-client --release --test soak -- --nocapture`.

use omflow_client::{Client, RetryPolicy};
use omflow_mock::{FakeOmflow, Seed};
use omflow_model::query::{col, Query};
use omflow_model::{DataNo, QuickAction};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TASKS: usize = 16;

/// A fake with `tickets` red tickets of admin's (group 2) and security codes that live 1 s.
async fn start_fake(tickets: usize) -> Arc<FakeOmflow> {
    let seed = (0..tickets)
        .fold(Seed::pristine().builder().join_group("admin", 2), |b, i| {
            b.ticket("mission", "admin", &format!("Soak {i}"), "red")
        })
        .build()
        .unwrap();
    Arc::new(
        FakeOmflow::builder()
            .record_requests(false)
            .seed(seed)
            .token_ttl(Duration::from_secs(1))
            .start()
            .await
            .unwrap(),
    )
}

/// Operation `op` of a task: two in five list missions, one lists a ticket, two advance it.
async fn one_op(client: &Client, op: usize, data_no: DataNo) -> Result<(), omflow_client::Error> {
    match op % 5 {
        0 | 1 => client
            .missions()
            .query(
                Query::builder()
                    .page_size(20)
                    .offset((op % 7) as u64)
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .map(|_| ()),
        2 => client
            .tickets("mission")
            .query(
                Query::builder()
                    .filter(col("data_no").eq(data_no))
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .map(|_| ()),
        _ => advance(client, data_no).await,
    }
}

/// Pushes the ticket on from FITEM_2, or forces quick action 1 wherever else it waits;
/// a closed ticket is left alone.
async fn advance(client: &Client, data_no: DataNo) -> Result<(), omflow_client::Error> {
    let Some(entry) = client
        .lookup_data_id("mission", data_no)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    let row = client
        .tickets("mission")
        .query(
            Query::builder()
                .filter(col("id").eq(entry.data_id))
                .build()
                .unwrap(),
        )
        .send()
        .await?;
    match row.first().and_then(|r| r.stop_uuid.clone()).as_deref() {
        Some("FITEM_2") => client
            .push("mission", entry.data_id)
            .set("FORMITM_4", "dispatch_done")
            .send()
            .await
            .map(|_| ()),
        Some(_) => client
            .quick_action("mission", entry.data_id, QuickAction::Action1)
            .force()
            .send()
            .await
            .map(|_| ()),
        None => Ok(()),
    }
}

/// One task's share of the operations over its own tickets; returns its failures.
async fn run_task(
    client: Client,
    done: Arc<AtomicUsize>,
    task: usize,
    tickets_per_task: usize,
    total_ops: usize,
) -> Vec<String> {
    let mine: Vec<u64> = (0..tickets_per_task)
        .map(|k| (k * TASKS + task + 1) as u64)
        .collect();
    let mut failures = Vec::new();
    for op in 0..total_ops / TASKS {
        let data_no = DataNo(mine[op % mine.len()]);
        let result = one_op(&client, op, data_no).await;
        if let Err(err) = result {
            failures.push(format!("op {op}: {err}"));
        }
        done.fetch_add(1, Ordering::Relaxed);
        if op.is_multiple_of(10) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    failures
}

/// Prints the summary, then checks that nothing failed and the churn forced re-logins.
fn check_outcome(failures: &[String], done: usize, started: Instant, logins: u64) {
    println!("soak: {} operations from {TASKS} tasks in {:.2?}, {} failures, {logins} logins (re-logins: {})", done, started.elapsed(), failures.len(), logins.saturating_sub(1));
    assert!(
        failures.is_empty(),
        "{} failures, first: {}",
        failures.len(),
        failures[0]
    );
    assert!(logins > 1, "the token churn forced re-logins");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_operations_survive_token_churn() {
    let total_ops: usize = std::env::var("OMFLOW_SOAK_OPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    let tickets_per_task = (total_ops / TASKS / 5).max(2);
    let fake = start_fake(TASKS * tickets_per_task).await;
    let client = Client::builder(fake.uri())
        .credentials("admin", "admin")
        .retry(RetryPolicy::new(3, Duration::from_millis(5), Duration::from_millis(50)).unwrap())
        .build()
        .unwrap();
    let chaos = {
        let fake = fake.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(300)).await;
                fake.expire_tokens();
            }
        })
    };
    let done = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            tokio::spawn(run_task(
                client.clone(),
                done.clone(),
                task,
                tickets_per_task,
                total_ops,
            ))
        })
        .collect();
    let mut failures = Vec::new();
    for task in tasks {
        failures.extend(task.await.unwrap());
    }
    chaos.abort();
    let logins = fake.state().login_count();
    check_outcome(&failures, done.load(Ordering::Relaxed), started, logins);
}
