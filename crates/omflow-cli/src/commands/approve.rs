//! `omflow approve`: a flow's missions, checked, planned (`--dry-run`) or run.

use crate::args::ApproveArgs;
use crate::failure::{failed, usage, Failure};
use crate::listing::{query_from, say, sets};
use crate::output;
use futures::{StreamExt, TryStreamExt};
use omflow_client::{Approval, ApprovalResult, ApproveBuilder, Client};
use omflow_model::query::Query;
use omflow_model::FlowUuid;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What `--quick-action` or the `--set`s ask for.
fn approval_of(args: &ApproveArgs) -> Result<Approval, Failure> {
    Ok(match args.quick_action {
        Some(action) => Approval::QuickAction(action),
        None => {
            let mut values = Vec::new();
            for set in sets(&args.set)? {
                if set.field_type.is_some() {
                    return Err(usage(format!(
                        "--set {}: approve types each field from its ticket's form; drop the :TYPE",
                        set.id
                    )));
                }
                values.push((set.id, set.value));
            }
            Approval::Set(values)
        }
    })
}

/// The flow `--flow` names among the flows of my missions: (uuid, name).
async fn chosen_flow(client: &Client, flow: &str) -> Result<(FlowUuid, String), Failure> {
    let flows = my_flows(client).await?;
    let chosen = match FlowUuid::parse(flow) {
        Ok(uuid) => flows.iter().find(|(known, _)| *known == uuid),
        Err(_) => flows.iter().find(|(_, name)| *name == flow),
    };
    if let Some(chosen) = chosen {
        return Ok(chosen.clone());
    }
    let yours: Vec<String> = flows
        .iter()
        .map(|(uuid, name)| format!("{name} ({})", uuid.simple()))
        .collect();
    Err(failed(output::printable(&format!(
        "flow {flow:?} is not among the flows of your missions; yours: {}",
        if yours.is_empty() {
            "none (you have no missions)".to_string()
        } else {
            yours.join(", ")
        }
    ))))
}

/// Approves the missions of `--flow` that the filters select: planned only with
/// `--dry-run`, else sent and reported ticket by ticket.
pub(crate) async fn approve(client: &Client, args: ApproveArgs) -> Result<ExitCode, Failure> {
    let query = query_from(&args.filters)?
        .build()
        .map_err(|e| usage(e.to_string()))?;
    let approval = approval_of(&args)?;
    let wait = args.wait.duration()?;
    let (uuid, flow_name) = chosen_flow(client, &args.flow).await?;
    let stop = Arc::new(AtomicBool::new(false));
    let mut builder = client
        .approve(&flow_name, approval)
        .flow_uuid(uuid)
        .query(query)
        .concurrency(usize::from(args.concurrency))
        .wait_for_engine(wait)
        .force(args.force)
        .stop_flag(stop.clone());
    if let Some(text) = &args.comment {
        builder = builder.comment(text);
    }
    if args.dry_run {
        return dry_run(builder).await;
    }
    run(builder, stop).await
}

/// Sends the approval and reports each ticket, then the counts; a Ctrl-C stops new pushes.
async fn run(builder: ApproveBuilder, stop: Arc<AtomicBool>) -> Result<ExitCode, Failure> {
    // Collecting the missions pushes nothing: a Ctrl-C there still ends the process. The
    // stream pushes only when polled, so listening here, before the first poll, means a
    // Ctrl-C from the first push on stops new pushes and never kills.
    let outcomes = builder.start().await?;
    let interrupt = omflow_mock::serve::Interrupt::listen();
    let watcher = {
        let stop = stop.clone();
        tokio::spawn(async move {
            if let Ok(mut interrupt) = interrupt {
                interrupt.recv().await;
                stop.store(true, Ordering::SeqCst);
                eprintln!(
                    "omflow: interrupted; waiting for the pushes in flight (no new one starts)"
                );
            }
        })
    };
    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos} ticket(s) done: {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    });
    let mut outcomes = std::pin::pin!(outcomes);
    let (mut approved, mut skipped, mut failed_count, mut unknown, mut not_sent) = (0, 0, 0, 0, 0);
    while let Some(outcome) = outcomes.next().await {
        let id = outcome
            .mission
            .data_id
            .map(|d| d.to_string())
            .unwrap_or_default();
        let ticket = outcome
            .mission
            .data_no
            .map(|d| d.to_string())
            .unwrap_or_default();
        let line = match &outcome.result {
            ApprovalResult::Approved(pushed) => {
                approved += 1;
                let route = pushed
                    .prediction
                    .as_ref()
                    .map(|p| format!(": {}", p.route))
                    .unwrap_or_default();
                let commented = if pushed.commented { ", commented" } else { "" };
                match &pushed.state {
                    Some(state) => format!(
                        "approved data_id {id} (ticket {ticket}{commented}){route}; now {state}"
                    ),
                    None => format!("approved data_id {id} (ticket {ticket}{commented}){route}"),
                }
            }
            ApprovalResult::Skipped(why) => {
                skipped += 1;
                format!("skipped data_id {id} (ticket {ticket}): {why}")
            }
            ApprovalResult::Failed(err) if err.may_have_been_applied() => {
                unknown += 1;
                format!("unknown data_id {id} (ticket {ticket}): may have been applied: {err}")
            }
            ApprovalResult::Failed(err) => {
                failed_count += 1;
                format!("failed data_id {id} (ticket {ticket}): {err}")
            }
            ApprovalResult::NotSent(why) => {
                not_sent += 1;
                format!("not sent data_id {id} (ticket {ticket}): {why}")
            }
            other => {
                failed_count += 1;
                format!("data_id {id} (ticket {ticket}): {other:?}")
            }
        };
        match &progress {
            Some(bar) => {
                bar.inc(1);
                bar.set_message(output::printable(&line));
                bar.suspend(|| say(&line));
            }
            None => say(&line),
        }
    }
    watcher.abort();
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    let mut summary = format!("approved {approved}, skipped {skipped}, failed {failed_count}");
    if unknown > 0 {
        summary.push_str(&format!(", unknown {unknown} (may have been applied)"));
    }
    if not_sent > 0 {
        summary.push_str(&format!(", not sent {not_sent} (interrupted)"));
    }
    say(&summary);
    Ok(if stop.load(Ordering::SeqCst) {
        ExitCode::from(130)
    } else if failed_count + unknown > 0 || (approved == 0 && skipped > 0) {
        // Nothing approved because the checks refused every ticket is a failure too.
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Plans the approval and prints each ticket's verdict (the checks the real run makes).
async fn dry_run(builder: ApproveBuilder) -> Result<ExitCode, Failure> {
    let plan = builder.plan().await?;
    let mut sending = 0;
    for planned in &plan {
        let m = &planned.mission;
        let id = m.data_id.map(|d| d.to_string()).unwrap_or_default();
        let ticket = m.data_no.map(|d| d.to_string()).unwrap_or_default();
        match &planned.skip {
            None => {
                sending += 1;
                let route = planned
                    .prediction
                    .as_ref()
                    .map(|p| format!(": {}", p.route))
                    .unwrap_or_default();
                say(&format!(
                    "would approve data_id {id} (ticket {ticket}, {}){route}",
                    m.title.clone().unwrap_or_default()
                ));
            }
            Some(why) => say(&format!("would skip data_id {id} (ticket {ticket}): {why}")),
        }
    }
    say(&format!(
        "dry run: {sending} mission(s) would be approved, {} skipped",
        plan.len() - sending
    ));
    Ok(ExitCode::SUCCESS)
}

/// The flows of my missions: (uuid, name), each once, in first-seen order.
async fn my_flows(client: &Client) -> Result<Vec<(FlowUuid, String)>, Failure> {
    let query = Query::builder()
        .columns(["flow_uuid", "flow_name"])
        .page_size(500)
        .build()
        .map_err(|e| usage(e.to_string()))?;
    let rows: Vec<omflow_model::ProjectedRow> = client
        .missions()
        .query(query)
        .stream_projected()
        .try_collect()
        .await?;
    let mut flows: Vec<(FlowUuid, String)> = Vec::new();
    for row in rows {
        let uuid = row.get::<FlowUuid>("flow_uuid").ok().flatten();
        let name = row
            .get::<String>("flow_name")
            .ok()
            .flatten()
            .unwrap_or_default();
        if let Some(uuid) = uuid {
            if !flows.iter().any(|(known, _)| *known == uuid) {
                flows.push((uuid, name));
            }
        }
    }
    Ok(flows)
}
