//! `omflow approve`: a flow's missions, checked, planned (`--dry-run`) or run.

use crate::args::ApproveArgs;
use crate::failure::{failed, usage, Failure};
use crate::listing::{query_from, sets};
use crate::output;
use crate::report::{push_json, ReportFormat, Reporter};
use futures::{Stream, StreamExt, TryStreamExt};
use omflow_client::{Approval, ApprovalOutcome, ApprovalResult, ApproveBuilder, Client};
use omflow_model::query::Query;
use omflow_model::FlowUuid;
use serde_json::json;
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
        return dry_run(builder, args.report.format).await;
    }
    run(builder, stop, args.report.format).await
}

/// Sends the approval and reports each ticket, then the counts. The first Ctrl-C stops new
/// pushes and waits for those in flight; a second one exits at once (130).
async fn run(
    builder: ApproveBuilder,
    stop: Arc<AtomicBool>,
    report: ReportFormat,
) -> Result<ExitCode, Failure> {
    // Collecting the missions pushes nothing: a Ctrl-C there still ends the process. The
    // stream pushes only when polled, so listening here, before the first poll, means a
    // Ctrl-C from the first push on stops new pushes and never kills.
    let outcomes = builder.start().await?;
    // Every mission is collected before the first push: the stream knows how many it holds.
    let total = outcomes.size_hint().1.unwrap_or(0) as u64;
    let watcher = tokio::spawn(watch_interrupts(stop.clone()));
    let mut progress = Progress::new(total);
    let mut reporter = Reporter::new(report);
    let mut outcomes = std::pin::pin!(outcomes);
    let mut counts = Counts::default();
    let mut ticker = tokio::time::interval(PROGRESS_EVERY);
    ticker.tick().await;
    loop {
        let outcome = tokio::select! {
            next = outcomes.next() => match next {
                Some(outcome) => outcome,
                None => break,
            },
            _ = ticker.tick() => {
                progress.tick();
                continue;
            }
        };
        let (line, object) = counts.add(&outcome);
        progress.done_one(&line, || reporter.ticket(&line, object));
    }
    watcher.abort();
    progress.finish();
    reporter.finish(Some(&counts.summary()));
    Ok(if stop.load(Ordering::SeqCst) {
        ExitCode::from(130)
    } else if counts.failed + counts.unknown > 0 || (counts.approved == 0 && counts.skipped > 0) {
        // Nothing approved because the checks refused every ticket is a failure too.
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The first Ctrl-C sets `stop` (no new push starts); the second exits at once.
async fn watch_interrupts(stop: Arc<AtomicBool>) {
    let Ok(mut interrupt) = omflow_mock::serve::Interrupt::listen() else {
        return;
    };
    interrupt.recv().await;
    stop.store(true, Ordering::SeqCst);
    eprintln!("omflow: interrupted; waiting for the pushes in flight (no new one starts; Ctrl-C again to exit now)");
    interrupt.recv().await;
    eprintln!("omflow: interrupted again; exiting without waiting: the pushes in flight may or may not have been applied (`omflow missions` shows what is still yours)");
    std::process::exit(130);
}

/// How often progress is said off a terminal.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Progress of a run: a bar with done/total, rate and time left on a terminal; off one, a
/// line on stderr every [`PROGRESS_EVERY`] while tickets remain.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: u64,
    done: u64,
    started: std::time::Instant,
}

impl Progress {
    fn new(total: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{pos}/{len} tickets [{elapsed}] {per_sec} about {eta} left: {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Progress {
            bar,
            total,
            done: 0,
            started: std::time::Instant::now(),
        }
    }

    /// One ticket done; `print` reports it (above the bar on a terminal).
    fn done_one(&mut self, line: &str, print: impl FnOnce()) {
        self.done += 1;
        match &self.bar {
            Some(bar) => {
                bar.inc(1);
                bar.set_message(output::printable(line));
                bar.suspend(print);
            }
            None => print(),
        }
    }

    /// Off a terminal, a line saying how far the run is.
    fn tick(&self) {
        if self.bar.is_some() || self.done >= self.total {
            return;
        }
        eprintln!(
            "omflow: {}",
            progress_line(self.done, self.total, self.started.elapsed())
        );
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// "12/40 tickets done (2.4/s, about 12 s left)".
fn progress_line(done: u64, total: u64, elapsed: std::time::Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    if done == 0 || seconds <= 0.0 {
        return format!("{done}/{total} tickets done");
    }
    let rate = done as f64 / seconds;
    let left = (total.saturating_sub(done)) as f64 / rate;
    format!("{done}/{total} tickets done ({rate:.1}/s, about {left:.0} s left)")
}

/// The run's counts, and each outcome as a line and an object.
#[derive(Debug, Default)]
struct Counts {
    approved: usize,
    skipped: usize,
    failed: usize,
    unknown: usize,
    not_sent: usize,
}

impl Counts {
    fn add(&mut self, outcome: &ApprovalOutcome) -> (String, serde_json::Value) {
        let data_id = outcome.mission.data_id.map(|d| d.0);
        let id = data_id.map(|d| d.to_string()).unwrap_or_default();
        let ticket = outcome
            .mission
            .data_no
            .map(|d| d.to_string())
            .unwrap_or_default();
        let object = |outcome: &str, reason: &str| json!({"outcome": outcome, "data_id": data_id, "ticket": ticket.parse::<u64>().ok(), "reason": reason});
        match &outcome.result {
            ApprovalResult::Approved(pushed) => {
                self.approved += 1;
                let route = pushed
                    .prediction
                    .as_ref()
                    .map(|p| format!(": {}", p.route))
                    .unwrap_or_default();
                let commented = if pushed.commented { ", commented" } else { "" };
                let line = match &pushed.state {
                    Some(state) => format!(
                        "approved data_id {id} (ticket {ticket}{commented}){route}; now {state}"
                    ),
                    None => format!("approved data_id {id} (ticket {ticket}{commented}){route}"),
                };
                (line, push_json("approved", data_id, pushed))
            }
            ApprovalResult::Skipped(why) => {
                self.skipped += 1;
                (
                    format!("skipped data_id {id} (ticket {ticket}): {why}"),
                    object("skipped", why),
                )
            }
            ApprovalResult::Failed(err) if err.may_have_been_applied() => {
                self.unknown += 1;
                let why = crate::one_line(err);
                (
                    format!("unknown data_id {id} (ticket {ticket}): may have been applied: {why}"),
                    object("unknown", &why),
                )
            }
            ApprovalResult::Failed(err) => {
                self.failed += 1;
                let why = crate::one_line(err);
                (
                    format!("failed data_id {id} (ticket {ticket}): {why}"),
                    object("failed", &why),
                )
            }
            ApprovalResult::NotSent(why) => {
                self.not_sent += 1;
                (
                    format!("not sent data_id {id} (ticket {ticket}): {why}"),
                    object("not_sent", why),
                )
            }
            other => {
                self.failed += 1;
                let why = format!("{other:?}");
                (
                    format!("data_id {id} (ticket {ticket}): {why}"),
                    object("failed", &why),
                )
            }
        }
    }

    fn summary(&self) -> String {
        let mut summary = format!(
            "approved {}, skipped {}, failed {}",
            self.approved, self.skipped, self.failed
        );
        if self.unknown > 0 {
            summary.push_str(&format!(
                ", unknown {} (may have been applied)",
                self.unknown
            ));
        }
        if self.not_sent > 0 {
            summary.push_str(&format!(", not sent {} (interrupted)", self.not_sent));
        }
        summary
    }
}

/// Plans the approval and prints each ticket's verdict (the checks the real run makes).
async fn dry_run(builder: ApproveBuilder, report: ReportFormat) -> Result<ExitCode, Failure> {
    let plan = builder.plan().await?;
    let mut reporter = Reporter::new(report);
    let mut sending = 0;
    for planned in &plan {
        let m = &planned.mission;
        let data_id = m.data_id.map(|d| d.0);
        let id = data_id.map(|d| d.to_string()).unwrap_or_default();
        let ticket = m.data_no.map(|d| d.to_string()).unwrap_or_default();
        let route = planned.prediction.as_ref().map(|p| p.route.to_string());
        let object = json!({
            "outcome": if planned.skip.is_some() { "would_skip" } else { "would_approve" },
            "data_id": data_id,
            "ticket": m.data_no.map(|n| n.get()),
            "route": route,
            "reason": planned.skip,
        });
        let line = match &planned.skip {
            None => {
                sending += 1;
                format!(
                    "would approve data_id {id} (ticket {ticket}, {}){}",
                    m.title.clone().unwrap_or_default(),
                    route.map(|r| format!(": {r}")).unwrap_or_default()
                )
            }
            Some(why) => format!("would skip data_id {id} (ticket {ticket}): {why}"),
        };
        reporter.ticket(&line, object);
    }
    reporter.finish(Some(&format!(
        "dry run: {sending} mission(s) would be approved, {} skipped",
        plan.len() - sending
    )));
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

#[cfg(test)]
mod tests {
    use super::progress_line;
    use std::time::Duration;

    #[test]
    fn progress_says_done_of_total_rate_and_time_left() {
        assert_eq!(
            progress_line(12, 40, Duration::from_secs(5)),
            "12/40 tickets done (2.4/s, about 12 s left)"
        );
        assert_eq!(
            progress_line(0, 40, Duration::from_secs(5)),
            "0/40 tickets done"
        );
    }
}
