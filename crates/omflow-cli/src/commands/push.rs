//! `omflow push` and `omflow quick-action`, and how a push is reported.

use crate::args::Wait;
use crate::failure::{usage, Failure};
use crate::listing::sets;
use crate::output;
use crate::report::{push_json, ReportFormat, Reporter};
use omflow_client::{Client, ResolvedFlow};
use omflow_model::{DataId, FlowRef, QuickAction};
use std::process::ExitCode;

/// How a push or quick action is sent: `--force`, `--comment`, `--wait`.
pub(crate) struct How {
    pub(crate) force: bool,
    pub(crate) comment: Option<String>,
    pub(crate) wait: Wait,
    pub(crate) report: ReportFormat,
}

impl How {
    pub(crate) fn new(
        force: bool,
        comment: Option<String>,
        wait: Wait,
        report: ReportFormat,
    ) -> How {
        How {
            force,
            comment,
            wait,
            report,
        }
    }
}

/// Pushes row `data_id` of `flow` with `set`, checked (unless `--force`) and reported.
pub(crate) async fn push(
    client: &Client,
    flow: &str,
    data_id: u64,
    set: &[String],
    how: &How,
) -> Result<ExitCode, Failure> {
    let values = sets(set)?;
    let (force, wait) = (how.force, how.wait.duration()?);
    let mut builder = client.flow(FlowRef::parse(flow)).push(DataId(data_id));
    if force {
        builder = builder.force();
    }
    for set in values {
        builder = match set.field_type {
            Some(field_type) => builder.set_typed(&set.id, field_type, set.value),
            None => builder.set(&set.id, set.value),
        };
    }
    if let Some(wait) = wait {
        builder = builder.wait_for_engine(wait);
    }
    if let Some(text) = &how.comment {
        builder = builder.comment(text);
    }
    let outcome = builder.send().await?;
    Ok(report_push(
        &format!("pushed data_id {data_id}"),
        &outcome,
        push_json("pushed", Some(data_id), &outcome),
        how.report,
    ))
}

/// Runs quick action `action` (action1, action2 or a label) on row `data_id` of `flow`.
pub(crate) async fn quick_action(
    client: &Client,
    flow: &str,
    data_id: u64,
    action: &str,
    how: &How,
) -> Result<ExitCode, Failure> {
    let (force, wait) = (how.force, how.wait.duration()?);
    let flow = FlowRef::parse(flow);
    let action = quick_action_named(client, &flow, DataId(data_id), action).await?;
    let mut builder = client.flow(flow).quick_action(DataId(data_id), action);
    if force {
        builder = builder.force();
    }
    if let Some(wait) = wait {
        builder = builder.wait_for_engine(wait);
    }
    if let Some(text) = &how.comment {
        builder = builder.comment(text);
    }
    let outcome = builder.send().await?;
    Ok(report_push(
        &format!("{action} sent for data_id {data_id}"),
        &outcome,
        push_json("quick_action", Some(data_id), &outcome),
        how.report,
    ))
}

/// Prints what a push or create did (`{what} (ticket N)` for pushes, `created ticket N`;
/// `object` for `--output json|ndjson`); exit 1 when the engine failed the ticket.
pub(crate) fn report_push(
    what: &str,
    outcome: &omflow_client::PushOutcome,
    object: serde_json::Value,
    format: ReportFormat,
) -> ExitCode {
    let mut reporter = Reporter::new(format);
    let ticket = outcome
        .data_no
        .map(|n| n.to_string())
        .unwrap_or_else(|| "?".into());
    let subject = if what == "created" {
        format!("created ticket {ticket}")
    } else {
        format!("{what} (ticket {ticket})")
    };
    for overridden in &outcome.forced {
        eprintln!(
            "omflow: sent with --force, overriding: {}",
            output::printable(overridden)
        );
    }
    if outcome.commented {
        eprintln!("omflow: the comment was written first");
    }
    if outcome.resolved_after_lost_answer {
        eprintln!("omflow: the answer was lost; reading the ticket back shows the push applied");
    }
    if let Some(why) = &outcome.unobserved {
        eprintln!(
            "omflow: {what} (ticket {ticket}), then where the engine took it could not be read: {}; do not send it again",
            output::printable(why)
        );
    }
    let predicted = outcome
        .prediction
        .as_ref()
        .map(|p| format!(": {}", p.route))
        .unwrap_or_default();
    let then = if predicted.is_empty() { ": " } else { "; " };
    let (line, code) = match &outcome.state {
        Some(state) if state.is_engine_error() => (
            format!("{subject}{predicted}{then}the server accepted it, then {state}"),
            ExitCode::from(1),
        ),
        Some(state) => (
            format!("{subject}{predicted}{then}now {state}"),
            ExitCode::SUCCESS,
        ),
        None => (format!("{subject}{predicted}"), ExitCode::SUCCESS),
    };
    reporter.ticket(&line, object);
    reporter.finish(None);
    code
}

/// `action1`, `action2`, or a label of the row's stop (`完成`).
pub(crate) async fn quick_action_named(
    client: &Client,
    flow: &FlowRef,
    data_id: DataId,
    name: &str,
) -> Result<QuickAction, Failure> {
    if let Ok(action) = name.parse::<QuickAction>() {
        return Ok(action);
    }
    let labels = match client.resolve_flow(flow).await? {
        ResolvedFlow::Uuid(uuid) => client.load_ticket(uuid, data_id).await?.quick_actions(),
        _ => omflow_model::QuickActionLabels::default(),
    };
    let matching: Vec<QuickAction> = [
        (QuickAction::Action1, &labels.action1),
        (QuickAction::Action2, &labels.action2),
    ]
    .into_iter()
    .filter(|(_, label)| label.as_deref() == Some(name))
    .map(|(action, _)| action)
    .collect();
    match matching.as_slice() {
        [one] => Ok(*one),
        [] => {
            let offered: Vec<&str> = [labels.action1.as_deref(), labels.action2.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            let offered = if offered.is_empty() {
                "this stop offers none".to_owned()
            } else {
                format!("this stop offers {}", offered.join(", "))
            };
            Err(usage(output::printable(&format!(
                "{name:?} is neither action1, action2 nor a quick action of this stop ({offered}); not sent"
            ))))
        }
        _ => Err(usage(format!(
            "{name:?} names both quick actions of this stop; give action1 or action2"
        ))),
    }
}
