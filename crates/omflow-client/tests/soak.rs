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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_operations_survive_token_churn() {
    let total_ops: usize = std::env::var("OMFLOW_SOAK_OPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    const TASKS: usize = 16;
    let tickets_per_task = (total_ops / TASKS / 5).max(2);
    let seed = (0..TASKS * tickets_per_task)
        .fold(Seed::pristine().builder().join_group("admin", 2), |b, i| {
            b.ticket("mission", "admin", &format!("Soak {i}"), "red")
        })
        .build();
    let fake = Arc::new(
        FakeOmflow::builder()
            .record_requests(false)
            .seed(seed)
            .token_ttl(Duration::from_secs(1))
            .start()
            .await
            .unwrap(),
    );
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
            let client = client.clone();
            let done = done.clone();
            tokio::spawn(async move {
                let mine: Vec<u64> = (0..tickets_per_task)
                    .map(|k| (k * TASKS + task + 1) as u64)
                    .collect();
                let mut failures = Vec::new();
                for op in 0..total_ops / TASKS {
                    let data_no = DataNo(mine[op % mine.len()]);
                    let result: Result<(), omflow_client::Error> = async {
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
                            _ => {
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
                                        .quick_action(
                                            "mission",
                                            entry.data_id,
                                            QuickAction::Action1,
                                        )
                                        .force()
                                        .send()
                                        .await
                                        .map(|_| ()),
                                    None => Ok(()),
                                }
                            }
                        }
                    }
                    .await;
                    if let Err(err) = result {
                        failures.push(format!("op {op}: {err}"));
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                    if op.is_multiple_of(10) {
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                }
                failures
            })
        })
        .collect();
    let mut failures = Vec::new();
    for task in tasks {
        failures.extend(task.await.unwrap());
    }
    chaos.abort();
    let logins = fake.state().login_count();
    println!("soak: {} operations from {TASKS} tasks in {:.2?}, {} failures, {logins} logins (re-logins: {})", done.load(Ordering::Relaxed), started.elapsed(), failures.len(), logins.saturating_sub(1));
    assert!(
        failures.is_empty(),
        "{} failures, first: {}",
        failures.len(),
        failures[0]
    );
    assert!(logins > 1, "the token churn forced re-logins");
}
