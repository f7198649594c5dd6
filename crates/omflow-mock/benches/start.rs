//! Start-up cost of an in-process fake, side by side with a bare wiremock server.
//!
//! `cargo bench -p omflow-mock --bench start` prints the mean start time of each over the
//! same number of runs and their ratio. Goal: the fake starts in under 50 ms.

use omflow_mock::{FakeOmflow, Seed};
use std::time::{Duration, Instant};

const RUNS: u32 = 40;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let bare = runtime.block_on(async {
        let mut total = Duration::ZERO;
        for _ in 0..RUNS {
            let started = Instant::now();
            let server = wiremock::MockServer::start().await;
            total += started.elapsed();
            drop(server);
        }
        total / RUNS
    });
    let fake = |seed: fn() -> Seed| {
        runtime.block_on(async {
            let mut total = Duration::ZERO;
            for _ in 0..RUNS {
                let started = Instant::now();
                let fake = FakeOmflow::start_with(seed()).await.expect("starts");
                total += started.elapsed();
                drop(fake);
            }
            total / RUNS
        })
    };
    let pristine = fake(Seed::pristine);
    let demo = fake(Seed::demo);
    println!(
        "bare wiremock MockServer::start   mean {:>8.2} ms",
        bare.as_secs_f64() * 1e3
    );
    println!(
        "FakeOmflow pristine seed         mean {:>8.2} ms  ({:.2}x bare)",
        pristine.as_secs_f64() * 1e3,
        pristine.as_secs_f64() / bare.as_secs_f64()
    );
    println!(
        "FakeOmflow demo seed (12 tickets) mean {:>8.2} ms  ({:.2}x bare)",
        demo.as_secs_f64() * 1e3,
        demo.as_secs_f64() / bare.as_secs_f64()
    );
    let goal = Duration::from_millis(50);
    println!(
        "goal < 50 ms: pristine {}, demo {}",
        if pristine < goal { "met" } else { "NOT met" },
        if demo < goal { "met" } else { "NOT met" }
    );
}
