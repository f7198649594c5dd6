//! Shared by the client's bench binaries.

use omflow_client::{Approval, ApproveBuilder, Client};
use omflow_mock::{FakeOmflow, Seed};
use std::time::Duration;

/// A fake (no request record) holding `tickets` tickets of the mission flow, created by
/// admin (in group 2) and waiting at its first form stop; every answer `latency` late.
pub async fn bulk_fake(tickets: usize, latency: Duration) -> FakeOmflow {
    let seed = (0..tickets)
        .fold(Seed::pristine().builder().join_group("admin", 2), |b, i| {
            b.ticket("mission", "admin", &format!("T{i}"), "red")
        })
        .build()
        .unwrap();
    FakeOmflow::builder()
        .record_requests(false)
        .seed(seed)
        .latency(latency)
        .start()
        .await
        .expect("the fake starts")
}

/// The approval the bulk benches run on [`bulk_fake`]'s tickets: set each one's status to
/// "dispatch done", `concurrency` at a time.
pub fn dispatch_all(client: &Client, concurrency: usize) -> ApproveBuilder {
    client
        .approve(
            "任務單",
            Approval::Set(vec![("FORMITM_4".into(), "dispatch_done".into())]),
        )
        .concurrency(concurrency)
}
