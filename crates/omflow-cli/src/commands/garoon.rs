//! `omflow garoon`: Garoon workflow requests.

use super::garoon_handle::Listing;
use crate::args::{GaroonArgs, GaroonCommand};
use crate::failure::{usage, Failure};
use crate::listing::{columns_of, emit, say_raw};
use crate::output::Format;
use futures::TryStreamExt;
use omflow_garoon::soap::{Operation, SendBackTarget};
use omflow_mock::{FakeOmflow, Seed};
use serde_json::Value;
use std::io::Write;
use std::process::ExitCode;

pub(crate) const GAROON_COLUMNS: [(&str, &str); 6] = [
    ("ID", "id"),
    ("NUMBER", "number"),
    ("STATUS", "status"),
    ("NAME", "name"),
    ("APPLICANT", "applicant"),
    ("CREATED", "createdAt"),
];

/// A table row of a Garoon request (typed fields, for people).
pub(crate) fn garoon_row(request: &omflow_garoon::model::WorkflowRequest) -> Value {
    serde_json::json!({
        "id": request.id.as_deref(),
        "number": request.number.as_deref(),
        "status": request.status.as_ref().map(|s| s.kind.as_str().to_string()),
        "name": request.name.as_deref(),
        "applicant": request.applicant.as_ref().and_then(|a| a.name.clone()),
        "createdAt": request.created_at.as_ref().map(|t| t.raw.clone()),
    })
}

/// `--timeout` (or `OMFLOW_TIMEOUT`): the whole call within the limit, each attempt a
/// quarter of it, as for OMFLOW.
fn with_timeout(
    builder: omflow_garoon::client::GaroonClientBuilder,
    timeout: Option<std::time::Duration>,
) -> omflow_garoon::client::GaroonClientBuilder {
    match timeout {
        Some(limit) => builder
            .operation_timeout(Some(limit))
            .timeout(Some(limit / 4)),
        None => builder,
    }
}

/// Prints Garoon requests: a table from the typed view, JSON exactly as Garoon sent it.
pub(crate) fn emit_garoon(
    format: Format,
    requests: &[omflow_garoon::model::WorkflowRequest],
) -> Result<(), Failure> {
    if format.is_table() {
        let rows: Vec<Value> = requests.iter().map(garoon_row).collect();
        return emit(format, &rows, &columns_of(&GAROON_COLUMNS, &[]));
    }
    let texts: Vec<String> = requests.iter().map(|r| r.to_json().to_text()).collect();
    let text = match format {
        Format::Ndjson => texts.join("\n"),
        _ => format!("[{}]", texts.join(",")),
    };
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| Failure::Operation(Box::new(e))),
    }
}

pub(crate) async fn garoon(
    args: &GaroonArgs,
    timeout: Option<std::time::Duration>,
) -> Result<ExitCode, Failure> {
    let fail = |e: omflow_garoon::client::GaroonError| Failure::Operation(Box::new(e));
    let (client, _fake) = client_of(args, timeout).await?;
    match &args.command {
        GaroonCommand::Requests {
            status,
            form,
            newest_first,
            output: format,
        } => {
            let mut query = client.requests().statuses(status.clone());
            if let Some(form) = form {
                query = query.form(form.clone());
            }
            if *newest_first {
                query = query.newest_first();
            }
            let requests: Vec<_> = query.stream().try_collect().await.map_err(fail)?;
            emit_garoon(*format, &requests)?;
        }
        GaroonCommand::Pending { proxy_of, output } => {
            super::garoon_handle::pending(&client, proxy_of.as_deref(), *output).await?
        }
        GaroonCommand::Sent(period) => {
            super::garoon_handle::folder(&client, Listing::Sent, period).await?
        }
        GaroonCommand::Received(period) => {
            super::garoon_handle::folder(&client, Listing::Received, period).await?
        }
        GaroonCommand::Upcoming(period) => {
            super::garoon_handle::folder(&client, Listing::Upcoming, period).await?
        }
        GaroonCommand::Approve(handle) => {
            return super::garoon_handle::run(&client, Operation::Approve, handle).await
        }
        GaroonCommand::Reject(handle) => {
            return super::garoon_handle::run(&client, Operation::Reject, handle).await
        }
        GaroonCommand::SendBack { to, handle } => {
            let target = if to == "applicant" {
                SendBackTarget::Applicant
            } else if !to.is_empty() && to.bytes().all(|b| b.is_ascii_digit()) {
                SendBackTarget::Step(to.clone())
            } else {
                return Err(usage(format!(
                    "--to {to:?}: give applicant or a step id (digits, as `garoon pending` shows)"
                )));
            };
            return super::garoon_handle::run(&client, Operation::SendBack(target), handle).await;
        }
        GaroonCommand::Confirm(handle) => {
            return super::garoon_handle::run(&client, Operation::Confirm, handle).await
        }
        GaroonCommand::Withdraw(handle) => {
            return super::garoon_handle::run(&client, Operation::Withdraw, handle).await
        }
        GaroonCommand::Cancel(handle) => {
            return super::garoon_handle::run(&client, Operation::Cancel, handle).await
        }
        GaroonCommand::Acknowledge(handle) => {
            return super::garoon_handle::run(&client, Operation::Acknowledge, handle).await
        }
        GaroonCommand::Request { id, output: format } => {
            let request = client.request(id).await.map_err(fail)?.value;
            if *format == Format::Json {
                // One request: the object itself, exactly as sent.
                say_raw(&request.to_json().to_text());
            } else {
                emit_garoon(*format, std::slice::from_ref(&request))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The Garoon client the options ask for (after the checks that need no server), and the
/// embedded fake it talks to when no Garoon URL is given (kept alive by the caller).
async fn client_of(
    args: &GaroonArgs,
    timeout: Option<std::time::Duration>,
) -> Result<(omflow_garoon::client::GaroonClient, Option<FakeOmflow>), Failure> {
    use omflow_garoon::client::GaroonClient;
    if let GaroonCommand::Sent(period)
    | GaroonCommand::Received(period)
    | GaroonCommand::Upcoming(period) = &args.command
    {
        super::garoon_handle::period(period)?;
    }
    if let GaroonCommand::Withdraw(handle)
    | GaroonCommand::Cancel(handle)
    | GaroonCommand::Acknowledge(handle) = &args.command
    {
        if handle.proxy_of.is_some() {
            return Err(usage(
                "--proxy-of acts for approve, reject, send-back and confirm: withdrawing, cancelling and acknowledging are the applicant's own",
            ));
        }
    }
    for (given, what) in [
        (&args.garoon_user, "the Garoon login name"),
        (&args.garoon_password, "the Garoon password"),
    ] {
        if given.as_deref() == Some("") {
            return Err(usage(format!(
                "{what} is empty: give the Garoon login name and password (GAROON_USER and GAROON_PASSWORD, or --garoon-user and --garoon-password)"
            )));
        }
    }
    Ok(match &args.garoon_url {
        Some(url) => {
            let builder = GaroonClient::builder(url.clone());
            let builder = match (&args.garoon_token, &args.garoon_user, &args.garoon_password) {
                (Some(token), _, _) => builder.oauth(token.clone()),
                (None, Some(user), Some(password)) => builder.password(user.clone(), password.clone()),
                _ => return Err(usage("Garoon needs --garoon-token, or --garoon-user with --garoon-password (or GAROON_* variables)")),
            };
            (
                with_timeout(builder, timeout)
                    .build()
                    .map_err(|e| usage(e.to_string()))?,
                None,
            )
        }
        None => {
            let fake = FakeOmflow::start_with(Seed::demo())
                .await
                .map_err(|e| Failure::Operation(Box::new(e)))?;
            // The demo's users (admin/admin, alice/alice-pass), as given, else admin.
            let (user, password) = match (&args.garoon_user, &args.garoon_password) {
                (Some(user), Some(password)) => (user.clone(), password.clone()),
                _ => ("admin".to_string(), "admin".to_string()),
            };
            eprintln!("omflow: no GAROON_URL set; using the embedded fake server's Garoon demo data at {} as user {user}", fake.garoon_uri());
            (
                with_timeout(
                    GaroonClient::builder(fake.garoon_uri()).password(user, password),
                    timeout,
                )
                .build()
                .map_err(|e| usage(e.to_string()))?,
                Some(fake),
            )
        }
    })
}
