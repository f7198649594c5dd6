//! `omflow-mock`: the fake OMFLOW server as a standalone process (the same options as
//! `omflow mock serve`).

use clap::Parser;
use omflow_mock::serve::{serve, ServeArgs};

/// A fake OMFLOW server that behaves like the real one.
#[derive(Parser)]
#[command(name = "omflow-mock", version)]
struct Args {
    #[command(flatten)]
    serve: ServeArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    serve(&args.serve).await?;
    Ok(())
}
