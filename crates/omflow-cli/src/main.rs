//! `omflow`: list my missions, approve a flow's missions, manage tickets.

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = omflow_cli::Cli::parse();
    omflow_cli::run(cli).await
}
