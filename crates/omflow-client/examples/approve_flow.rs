//! Approves every mission of one flow (the official sample script's job):
//! `OMFLOW_URL=... OMFLOW_USER=... OMFLOW_PASSWORD=... cargo run -p omflow-client --example approve_flow -- 任務單 FORMITM_4 dispatch_done`.

use omflow_client::{Approval, ApprovalResult, Client};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [flow, field, value] = args.as_slice() else {
        return Err("usage: approve_flow FLOW_NAME FORMITM_N VALUE".into());
    };
    let client = Client::builder(std::env::var("OMFLOW_URL")?)
        .credentials(
            std::env::var("OMFLOW_USER")?,
            std::env::var("OMFLOW_PASSWORD")?,
        )
        .build()?;
    let outcomes = client
        .approve(
            flow,
            Approval::Set(vec![(field.clone(), value.clone().into())]),
        )
        .concurrency(8)
        .send()
        .await?;
    for outcome in outcomes {
        let id = outcome
            .mission
            .data_id
            .map(|d| d.to_string())
            .unwrap_or_default();
        match outcome.result {
            ApprovalResult::Approved(pushed) => match pushed.state {
                Some(state) => println!("approved {id}: now {state}"),
                None => println!("approved {id}"),
            },
            ApprovalResult::Skipped(why) => println!("skipped {id}: {why}"),
            ApprovalResult::Failed(err) => println!("failed {id}: {err}"),
            other => println!("{id}: {other:?}"),
        }
    }
    Ok(())
}
