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

/// Exit 1 with one line (the error and its causes) when the fake cannot run: an error
/// returned from `main` would be printed with its debug form and, under `RUST_BACKTRACE`,
/// a backtrace.
#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    match serve(&args.serve).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {:#}", anyhow::Error::new(e));
            std::process::ExitCode::FAILURE
        }
    }
}
