//! `omflow-mock`: the fake OMFLOW server as a standalone process.

use clap::Parser;
use omflow_mock::{FakeOmflow, Seed};

/// A fake OMFLOW server that behaves like the real one (the same flags and defaults as
/// `omflow mock serve`). The demo seed's users: admin/admin (superuser) and
/// alice/alice-pass (an ordinary approver in the assigned group).
#[derive(Parser)]
#[command(
    name = "omflow-mock",
    version,
    after_help = "Example: omflow-mock --addr 127.0.0.1:8000 --seed demo, then OMFLOW_URL=http://127.0.0.1:8000 OMFLOW_USER=alice OMFLOW_PASSWORD=alice-pass omflow missions"
)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8000")]
    addr: String,
    /// `pristine`, `demo`, or a seed JSON file.
    #[arg(long, default_value = "demo")]
    seed: String,
    /// Delay the engine after each create/push by this many milliseconds.
    #[arg(long, default_value_t = 0)]
    engine_delay_ms: u64,
    /// Delay every answer by this many milliseconds (a slow network or server).
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let seed = Seed::load(&args.seed)?;
    let fake = FakeOmflow::builder()
        .seed(seed)
        .addr(&args.addr)
        .engine_delay_ms(args.engine_delay_ms)
        .latency(std::time::Duration::from_millis(args.latency_ms))
        .start_standalone()
        .await?;
    println!("listening on {}", fake.uri());
    tokio::signal::ctrl_c().await?;
    Ok(())
}
