//! `omflow garoon pending` and the approver's handling (`approve`, `reject`, `send-back`,
//! `confirm`, `withdraw`, `cancel`, `acknowledge`) over Garoon's SOAP API. A request is
//! checked before it is sent: one not waiting for the user, or that does not offer the
//! operation, is refused (not sent) with what it offers. A handle whose answer is lost is
//! read back before it is reported.

use crate::args::{GaroonHandleArgs, GaroonPeriodArgs};
use crate::failure::Failure;
use crate::listing::{columns_of, emit};
use crate::output::Format;
use crate::report::Reporter;
use futures::{StreamExt, TryStreamExt};
use omflow_garoon::client::{GaroonClient, GaroonError, HandleOutcome, HandleResult};
use omflow_garoon::soap::{Application, Folder, Handle, Operation, Period, SendBackTarget};
use serde_json::{json, Value};
use std::process::ExitCode;

const PENDING_COLUMNS: [(&str, &str); 6] = [
    ("ID", "id"),
    ("NUMBER", "number"),
    ("NAME", "name"),
    ("APPLICANT", "applicant"),
    ("STEP", "step"),
    ("YOU MAY", "may"),
];

/// What the user may do with a request, as the command line names it.
fn offered(application: &Application) -> Vec<String> {
    application
        .operations
        .iter()
        .map(|op| match op {
            Operation::SendBack(SendBackTarget::Applicant) => "send-back --to applicant".into(),
            Operation::SendBack(SendBackTarget::Step(id)) => format!("send-back --to {id}"),
            other => other.tag().replace('_', "-"),
        })
        .collect()
}

fn pending_row(application: &Application) -> Value {
    let step = application
        .steps
        .iter()
        .find(|s| s.id.is_some() && s.id == application.processing_step);
    json!({
        "id": application.id,
        "number": application.number,
        "name": application.name,
        "status": application.status_type,
        "applicant": application.applicant.as_ref().and_then(|a| a.name.clone()),
        "step": step.and_then(|s| s.name.clone()),
        "may": offered(application),
    })
}

/// The requests waiting for the user, or for the user they are the proxy approver of.
pub(crate) async fn pending(
    client: &GaroonClient,
    proxy_of: Option<&str>,
    format: Format,
) -> Result<(), Failure> {
    let waiting = match proxy_of {
        Some(delegator) => {
            let since = chrono::DateTime::UNIX_EPOCH;
            client
                .proxy_approvals(delegator, &Period::since(since))
                .await
        }
        None => client.pending().await,
    }
    .map_err(boxed)?;
    let rows: Vec<Value> = waiting.iter().map(pending_row).collect();
    emit(format, &rows, &columns_of(&PENDING_COLUMNS, &[]))
}

const FOLDER_COLUMNS: [(&str, &str); 6] = [
    ("ID", "id"),
    ("NUMBER", "number"),
    ("NAME", "name"),
    ("STATUS", "status"),
    ("APPLICANT", "applicant"),
    ("STEP", "step"),
];

/// Which listing of [`folder`].
pub(crate) enum Listing {
    Sent,
    Received,
    Upcoming,
}

/// The requests of a folder (sent, received) or of the pending-approval list, in the period.
pub(crate) async fn folder(
    client: &GaroonClient,
    listing: Listing,
    args: &GaroonPeriodArgs,
) -> Result<(), Failure> {
    let period = period(args)?;
    let found: Vec<Application> = match listing {
        Listing::Sent => client.folder(Folder::Sent(period)).try_collect().await,
        Listing::Received => client.folder(Folder::Received(period)).try_collect().await,
        Listing::Upcoming => client.pending_approvals(&period).await,
    }
    .map_err(boxed)?;
    if found.is_empty() && args.since.is_none() {
        eprintln!(
            "omflow: none created in the {DEFAULT_DAYS} days before {}; --since DAY looks further back",
            if args.until.is_some() { "--until" } else { "now" }
        );
    }
    let rows: Vec<Value> = found.iter().map(pending_row).collect();
    emit(args.output, &rows, &columns_of(&FOLDER_COLUMNS, &[]))
}

/// The period `args` ask for: a usage error when it starts after it ends.
pub(crate) fn period(args: &GaroonPeriodArgs) -> Result<Period, Failure> {
    // Without --since: the 90 days before --until, or before now.
    let since = args.since.unwrap_or_else(|| {
        args.until.unwrap_or_else(chrono::Utc::now) - chrono::Duration::days(DEFAULT_DAYS)
    });
    match args.until {
        Some(until) => Period::new(since, until).map_err(|_| {
            Failure::Usage(format!(
                "--since {} is after --until {}",
                since.format("%Y-%m-%d %H:%M:%SZ"),
                until.format("%Y-%m-%d %H:%M:%SZ")
            ))
        }),
        None => Ok(Period::since(since)),
    }
}

/// How far back a folder listing looks without `--since`.
const DEFAULT_DAYS: i64 = 90;

fn boxed(err: GaroonError) -> Failure {
    Failure::Operation(Box::new(err))
}

/// Handles each request (checked first, at most four at a time) and reports each; exit 1
/// when any was refused (before sending or by Garoon), failed or may have been applied.
pub(crate) async fn run(
    client: &GaroonClient,
    operation: Operation,
    args: &GaroonHandleArgs,
) -> Result<ExitCode, Failure> {
    let mut ids: Vec<&String> = Vec::new();
    for id in &args.ids {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let handles: Vec<Handle> = ids
        .into_iter()
        .map(|id| {
            let mut handle = Handle::new(id.clone(), operation.clone());
            if let Some(comment) = &args.comment {
                handle = handle.comment(comment.clone());
            }
            if let Some(delegator) = &args.proxy_of {
                handle = handle.delegator(delegator.clone());
            }
            handle
        })
        .collect();
    let results = client
        .handle_each(handles, 4, !args.dry_run)
        .await
        .map_err(boxed)?;
    let mut results = std::pin::pin!(results);
    let mut reporter = Reporter::new(args.report.format);
    let verb = match &operation {
        Operation::SendBack(_) => "send back".to_string(),
        other => other.tag().to_string(),
    };
    let (mut done, mut refused, mut refused_by_garoon, mut failed) = (0, 0, 0, 0);
    while let Some(HandleResult {
        application_id: id,
        outcome,
    }) = results.next().await
    {
        let (line, object) = match outcome {
            HandleOutcome::WouldSend => {
                done += 1;
                (
                    format!("would {verb} {id}"),
                    json!({"outcome": format!("would_{}", operation.tag()), "request": id}),
                )
            }
            HandleOutcome::Done(after) => {
                done += 1;
                let status = after.status_type.clone().unwrap_or_default();
                (
                    format!("{verb} {id}: now {status}"),
                    json!({"outcome": "done", "operation": operation.tag(), "request": id, "status": status}),
                )
            }
            HandleOutcome::NotSent(why) => {
                refused += 1;
                (
                    format!("refused {id} (not sent): {why}; `omflow garoon pending` lists what waits for you"),
                    json!({"outcome": "refused", "request": id, "reason": why}),
                )
            }
            HandleOutcome::Refused(fault) => {
                refused_by_garoon += 1;
                let meaning = fault
                    .meaning()
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default();
                (
                    format!("refused by Garoon {id}: {fault}{meaning}"),
                    json!({"outcome": "refused_by_garoon", "request": id, "code": fault.code, "reason": fault.to_string()}),
                )
            }
            HandleOutcome::Unknown { applied, error } => {
                failed += 1;
                let (outcome, said) = match applied {
                    Some(true) => ("applied_after_lost_answer", "the answer was lost; the request no longer waits for you, so it was most likely handled"),
                    Some(false) => ("not_applied_after_lost_answer", "the answer was lost; the request still waits for you: not applied, safe to send again"),
                    None => ("unknown", "the answer was lost and reading back failed: check in Garoon before sending again"),
                };
                (
                    format!("{id}: {said} ({error})"),
                    json!({"outcome": outcome, "request": id, "reason": error.to_string()}),
                )
            }
            other => {
                failed += 1;
                let why = match other {
                    HandleOutcome::Failed(error) => error.to_string(),
                    unknown => format!("{unknown:?}"),
                };
                (
                    format!("failed {id}: {why}"),
                    json!({"outcome": "failed", "request": id, "reason": why}),
                )
            }
        };
        reporter.ticket(&line, object);
    }
    let summary = if args.dry_run {
        format!("dry run: {done} would be sent, {refused} refused (nothing was sent)")
    } else {
        format!("{verb}: {done} done, {refused} refused (not sent), {refused_by_garoon} refused by Garoon, {failed} failed")
    };
    reporter.finish(Some(&summary));
    Ok(if refused + refused_by_garoon + failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
