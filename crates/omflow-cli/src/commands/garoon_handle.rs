//! `omflow garoon pending` and the approver's handling (`approve`, `reject`, `send-back`,
//! `confirm`, `withdraw`, `cancel`, `acknowledge`) over Garoon's SOAP API. A request is
//! checked before it is sent: one not waiting for the user, or that does not offer the
//! operation, is refused (not sent) with what it offers. A handle whose answer is lost is
//! read back before it is reported.

use crate::args::GaroonHandleArgs;
use crate::failure::Failure;
use crate::listing::{columns_of, emit};
use crate::output::Format;
use crate::report::Reporter;
use omflow_garoon::client::{GaroonClient, GaroonError};
use omflow_garoon::soap::{Application, Handle, Operation, SendBackTarget, SoapError};
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
        "may": offered(application).join(", "),
    })
}

/// The requests waiting for the user.
pub(crate) async fn pending(client: &GaroonClient, format: Format) -> Result<(), Failure> {
    let waiting = client.pending().await.map_err(boxed)?;
    let rows: Vec<Value> = waiting.iter().map(pending_row).collect();
    emit(format, &rows, &columns_of(&PENDING_COLUMNS, &[]))
}

fn boxed(err: GaroonError) -> Failure {
    Failure::Operation(Box::new(err))
}

/// Why a request cannot be handled with `operation` (checked before sending), if it cannot.
fn refusal(operation: &Operation, id: &str, waiting: &[Application]) -> Option<String> {
    // The applicant's operations are not in the approver's folder: Garoon checks them.
    if matches!(
        operation,
        Operation::Withdraw | Operation::Cancel | Operation::Acknowledge
    ) {
        return None;
    }
    let Some(application) = waiting.iter().find(|a| a.id == id) else {
        return Some(format!(
            "request {id} is not waiting for you (Garoon would refuse it: GRN_WRKF_25302); `omflow garoon pending` lists those that are"
        ));
    };
    (!application.allows(operation)).then(|| {
        format!(
            "request {id} does not offer {} to you; it offers: {}",
            operation.tag().replace('_', "-"),
            offered(application).join(", ")
        )
    })
}

/// Handles each request in turn and reports each; exit 1 when any failed or was refused.
pub(crate) async fn run(
    client: &GaroonClient,
    operation: Operation,
    args: &GaroonHandleArgs,
) -> Result<ExitCode, Failure> {
    let waiting = client.pending().await.map_err(boxed)?;
    let mut reporter = Reporter::new(args.report.format);
    let verb = match &operation {
        Operation::SendBack(_) => "send back".to_string(),
        other => other.tag().to_string(),
    };
    let (mut done, mut refused, mut failed) = (0, 0, 0);
    let mut seen: Vec<&String> = Vec::new();
    for id in &args.ids {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        if let Some(why) = refusal(&operation, id, &waiting) {
            refused += 1;
            reporter.ticket(
                &format!("refused {id} (not sent): {why}"),
                json!({"outcome": "refused", "request": id, "reason": why}),
            );
            continue;
        }
        if args.dry_run {
            done += 1;
            reporter.ticket(
                &format!("would {verb} {id}"),
                json!({"outcome": format!("would_{}", operation.tag()), "request": id}),
            );
            continue;
        }
        let mut handle = Handle::new(id.clone(), operation.clone());
        if let Some(comment) = &args.comment {
            handle = handle.comment(comment.clone());
        }
        match client.handle(&[handle]).await {
            Ok(after) => {
                done += 1;
                let status = after
                    .first()
                    .and_then(|a| a.status_type.clone())
                    .unwrap_or_default();
                reporter.ticket(
                    &format!("{verb} {id}: now {status}"),
                    json!({"outcome": "done", "operation": operation.tag(), "request": id, "status": status}),
                );
            }
            Err(GaroonError::Soap(SoapError::Fault(fault))) => {
                failed += 1;
                let meaning = fault
                    .meaning()
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default();
                reporter.ticket(
                    &format!("failed {id}: {fault}{meaning}"),
                    json!({"outcome": "failed", "request": id, "code": fault.code, "reason": fault.to_string()}),
                );
            }
            Err(err) => {
                failed += 1;
                // A lost answer may have been applied: read the folder back.
                let still = client
                    .pending()
                    .await
                    .map(|now| now.iter().any(|a| a.id == *id));
                let (outcome, said) = match still {
                    Ok(false) => ("unknown_applied", "the answer was lost; the request is no longer waiting for you, so it was most likely handled"),
                    Ok(true) => ("unknown_not_applied", "the answer was lost; the request still waits for you: not applied, safe to send again"),
                    Err(_) => ("unknown", "the answer was lost and reading back failed: check in Garoon before sending again"),
                };
                reporter.ticket(
                    &format!("unknown {id}: {err}; {said}"),
                    json!({"outcome": outcome, "request": id, "reason": err.to_string()}),
                );
            }
        }
    }
    let summary = if args.dry_run {
        format!("dry run: {done} would be sent, {refused} refused (nothing was sent)")
    } else {
        format!("{verb}: {done} done, {refused} refused (not sent), {failed} failed")
    };
    reporter.finish(Some(&summary));
    Ok(if refused + failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
