//! `omflow`: list my missions, approve a flow's missions, manage tickets.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = omflow_cli::Cli::parse_args();
    omflow_cli::run(cli).await
}
