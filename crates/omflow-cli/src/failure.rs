//! How a command fails, and errors in the command line's words.

use crate::output;
use omflow_client::{Error, PushRefusal};
use omflow_model::{ApiErrorKind, Operation};

/// A failure: a usage problem (exit 2) or a failed operation (exit 1).
#[derive(Debug)]
pub enum Failure {
    /// Bad arguments.
    Usage(String),
    /// The operation failed.
    Operation(Box<dyn std::error::Error + Send + Sync>),
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        Failure::Operation(Box::new(err))
    }
}

pub(crate) fn usage(message: impl Into<String>) -> Failure {
    Failure::Usage(message.into())
}

/// A failure of the operation with a message of our own.
pub(crate) fn failed(message: String) -> Failure {
    Failure::Operation(message.into())
}

/// One line: the error in the command line's words, then its causes.
pub(crate) fn one_line(err: &(dyn std::error::Error + 'static)) -> String {
    one_line_for(err, None)
}

/// [`one_line`], for a command that named the flow `flow`.
pub(crate) fn one_line_for(err: &(dyn std::error::Error + 'static), flow: Option<&str>) -> String {
    if let Some(summary) = err.downcast_ref::<Error>().and_then(lost_answer) {
        // Said whole: its causes would repeat it.
        return summary;
    }
    let mut line = in_cli_words(err, flow);
    let mut source = err.source();
    while let Some(cause) = source {
        line.push_str(": ");
        line.push_str(&in_cli_words(cause, flow));
        if cause.is::<omflow_client::TransportError>() {
            // Below the transport's own words, the HTTP library's layers ("error sending
            // request", "client error (Connect)") say nothing a user acts on: only the
            // system's root cause ("Connection refused") follows.
            if let Some(root) = root_cause(cause) {
                line.push_str(": ");
                line.push_str(&output::printable(&root.to_string()));
            }
            break;
        }
        source = cause.source();
    }
    line
}

/// The last error in `err`'s chain of sources, below `err` itself.
fn root_cause<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a (dyn std::error::Error + 'static)> {
    let mut root = err.source()?;
    while let Some(next) = root.source() {
        root = next;
    }
    Some(root)
}

/// A push whose answer was lost and was read back, or a comment written before a push that
/// then failed: one sentence saying what is known and whether to run again.
fn lost_answer(err: &Error) -> Option<String> {
    match err {
        Error::NotApplied { operation, .. } => Some(format!(
            "{}: the answer was lost, and reading the ticket back shows it was not applied: safe to run again",
            doing(operation).unwrap_or(operation)
        )),
        Error::AfterComment { source } => {
            let then = lost_answer(source).unwrap_or_else(|| one_line(source.as_ref()));
            Some(format!(
                "the comment was written; then {then} (run again without --comment: the comment is there)"
            ))
        }
        _ => None,
    }
}

/// An unknown flow, as the user typed it.
fn unknown_flow(name: &str) -> String {
    output::printable(&format!(
        "no flow {name:?}: no mission of yours is in a flow of that name, and no deployed flow has it as its api_path; give the flow's name as `omflow missions` shows it (FLOW), or its uuid"
    ))
}

/// An error as a command-line user reads it: flags and commands, not Rust calls; the flow
/// as the user named it (`flow`); what an operation was doing, not its name.
pub(crate) fn in_cli_words(err: &(dyn std::error::Error + 'static), flow: Option<&str>) -> String {
    let Some(client_err) = err.downcast_ref::<Error>() else {
        return output::printable(&err.to_string());
    };
    if let Error::UnknownFlow { name } = client_err {
        return unknown_flow(name);
    }
    if let (Some(flow), Some(ApiErrorKind::FlowNotFound)) = (flow, client_err.api_kind()) {
        return unknown_flow(flow);
    }
    let operation = client_err.operation().and_then(Operation::from_name);
    if let (Some(Operation::TicketsList), Some(api)) = (operation, client_err.api()) {
        if api.kind() == ApiErrorKind::PermissionDenied {
            return output::printable(&format!(
                "reading the flow's tickets: not allowed (status {}): {}; that needs the flow's View permission (`omflow missions` lists the tickets assigned to you)",
                api.status(),
                api.message()
            ));
        }
    }
    let mut text = in_own_words(client_err);
    if let (Error::NoAccess { may_not_exist, .. }, Some(flow)) = (client_err, flow) {
        text = with_flow_named(&text, flow);
        if *may_not_exist {
            text.push_str(" (`omflow missions` lists the rows you can push, with their DATA_ID)");
        }
    }
    let named = client_err
        .operation()
        .filter(|_| !matches!(client_err, Error::AfterComment { .. }));
    match named.and_then(|name| Some((name, doing(name)?))) {
        Some((name, doing)) => match text.strip_prefix(&format!("{name}: ")) {
            Some(rest) => format!("{doing}: {rest}"),
            None => text,
        },
        None => text,
    }
}

/// What the operation `name` was doing, in people's words: the operations table's, or for
/// the one call outside it (a file's download through the web pages), the CLI's own.
fn doing(name: &str) -> Option<&'static str> {
    match Operation::from_name(name) {
        Some(op) => Some(op.doing()),
        None if name == "files.download" => Some("downloading the file"),
        None => None,
    }
}

/// The client's error with the CLI's advice where the client's names a Rust call.
fn in_own_words(err: &Error) -> String {
    match err {
        Error::Refused(PushRefusal::QuickActionUnavailable { action, labels }) => {
            let offered: Vec<String> = [
                labels.action1.as_ref().map(|l| format!("action1 {l:?}")),
                labels.action2.as_ref().map(|l| format!("action2 {l:?}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            format!(
                "quick action {action} is not offered at this stop (offered: {}); not sent, add --force to send it anyway (the server then pushes the ticket on with its values unchanged)",
                if offered.is_empty() { "none".to_string() } else { offered.join(", ") }
            )
        }
        Error::Refused(
            PushRefusal::Form(_)
            | PushRefusal::WouldStrand { .. }
            | PushRefusal::CreateWouldStrand { .. }
            | PushRefusal::NotAmongMissions { .. },
        ) => output::printable(&format!("{err}; {}", force_advice(err))),
        // The client's advice names its Rust calls; on the command line they are flags.
        _ => output::printable(
            &err.to_string()
                .replace(" (client.flow(uuid).create())", "")
                .replace(" (set_typed)", "")
                .replace(
                    "give each field's type",
                    "give each field's type (--set FORMITM_N:TYPE=VALUE)",
                ),
        ),
    }
}

/// `text` with the flow's hex uuid after "of flow " replaced by the name the user gave.
fn with_flow_named(text: &str, flow: &str) -> String {
    const MARK: &str = "of flow ";
    let Some(at) = text.find(MARK).map(|at| at + MARK.len()) else {
        return text.to_string();
    };
    let hex = text[at..].bytes().take_while(u8::is_ascii_hexdigit).count();
    if hex != 32 || flow.eq_ignore_ascii_case(&text[at..at + hex]) {
        return text.to_string();
    }
    format!(
        "{}{}{}",
        &text[..at],
        output::printable(flow),
        &text[at + hex..]
    )
}

/// What `--force` would do instead of the refusal: it is never harmless. A refusal of a row
/// not among the user's missions is advised as the refusal it wraps.
fn force_advice(err: &Error) -> &'static str {
    let refusal = match err.refusal() {
        Some(PushRefusal::NotAmongMissions { refusal, .. }) => Some(&**refusal),
        other => other,
    };
    match refusal {
        Some(PushRefusal::QuickActionUnavailable { .. }) => {
            "add --force to send it anyway (the server then pushes the ticket on with its values unchanged)"
        }
        Some(PushRefusal::WouldStrand { .. } | PushRefusal::CreateWouldStrand { .. }) => {
            "--force sends it anyway, and the engine then leaves the ticket in its error state, where only an administrator can repair it"
        }
        _ => "add --force to send it anyway (at your risk: a value the stop does not offer can leave the ticket where only an administrator can repair it)",
    }
}

/// For an error that never got an answer (no connection, a timeout, TLS), which server it
/// was and what to check.
pub(crate) fn where_(err: &(dyn std::error::Error + 'static), server: Option<&str>) -> String {
    use omflow_garoon::client::GaroonError;
    use omflow_garoon::client::{CallError, TransportError};
    let garoon = err.downcast_ref::<GaroonError>();
    match garoon.and_then(GaroonError::call_error) {
        Some(CallError::Dispatch(TransportError::Connect { .. })) => {
            return " (check GAROON_URL or --garoon-url, that Garoon is up, and http:// vs https://)"
                .into()
        }
        Some(CallError::Dispatch(_) | CallError::OperationTimeout { .. }) => {
            return " (check GAROON_URL or --garoon-url, that Garoon is up, and http:// vs https://; --timeout sets how long to wait)".into();
        }
        _ => {}
    }
    match garoon {
        Some(GaroonError::Soap(omflow_garoon::soap::SoapError::Fault(fault)))
            if fault.code.as_deref() == Some("GRN_CMMN_00105") =>
        {
            return " (check GAROON_USER and GAROON_PASSWORD, or --garoon-user and --garoon-password)"
                .into();
        }
        Some(GaroonError::NotSoap { .. }) => {
            return " (check GAROON_URL or --garoon-url)".into();
        }
        _ => {}
    }
    let Some(err) = err.downcast_ref::<Error>() else {
        return String::new();
    };
    let Some(url) = server.map(without_user_info) else {
        return String::new();
    };
    // A timeout after the request left (not a connection never made: the connect timeout
    // is fixed, and a host that does not answer is a wrong URL more often than a slow one).
    let timed_out = matches!(
        err.call_error(),
        Some(
            CallError::OperationTimeout { .. }
                | CallError::Dispatch(omflow_client::TransportError::Timeout {
                    sent: omflow_client::Sent::Maybe,
                    ..
                })
        )
    );
    let answered = match err.call_error() {
        Some(CallError::Response { raw }) => Some(raw.status()),
        _ => None,
    };
    let overloaded = answered.is_some_and(|status| status == 429 || (500..600).contains(&status));
    let not_omflow =
        answered.is_some() && !overloaded && err.operation() == Some(Operation::Login.name());
    if overloaded {
        format!(" (the server at {url}, or a proxy in front of it, answered with an error after the retries: try again later, or ask its administrator)")
    } else if timed_out {
        format!(" (server {url} did not answer in time: --timeout or OMFLOW_TIMEOUT allows longer; check that the server is up)")
    } else if err.is_unanswered() {
        format!(" (server {url}: check the URL, that the server is up, and http:// vs https://; --timeout or OMFLOW_TIMEOUT sets how long to wait)")
    } else if not_omflow {
        format!(" ({url} does not answer as an OMFLOW server: check --url or OMFLOW_URL, the address of the OMFLOW site)")
    } else {
        String::new()
    }
}

/// For a command of one write (`written`: "pushed", "created"), that nothing was, when the
/// failure came from a read before it (loading the ticket, listing missions, logging in)
/// and says nothing of its own about what was sent (refusals and usage errors already do).
pub(crate) fn nothing_written(
    err: &(dyn std::error::Error + 'static),
    written: Option<&str>,
) -> String {
    let (Some(written), Some(err)) = (written, err.downcast_ref::<Error>()) else {
        return String::new();
    };
    let read_failed = matches!(err, Error::Call(_))
        && err
            .operation()
            .and_then(Operation::from_name)
            .is_some_and(|op| op.access() == omflow_model::Access::Read);
    if read_failed || matches!(err, Error::Auth(_) | Error::NoAccess { .. }) {
        format!("; nothing was {written}")
    } else {
        String::new()
    }
}

/// A URL as typed, with any `user:password@` left out.
fn without_user_info(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let scheme = if scheme.is_empty() {
        String::new()
    } else {
        format!("{scheme}://")
    };
    format!("{scheme}{host}{path}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_lost_answer_after_a_comment_is_said_once_in_the_users_words() {
        use omflow_client::Error;
        let not_applied = Error::NotApplied {
            operation: "tickets.push",
            source: Box::new(Error::InvalidRequest("no answer".into())),
        };
        let after = Error::AfterComment {
            source: Box::new(not_applied),
        };
        let said = super::one_line(&after);
        assert_eq!(
            said,
            "the comment was written; then pushing the ticket: the answer was lost, and reading the ticket back shows it was not applied: safe to run again (run again without --comment: the comment is there)"
        );
        assert!(!said.contains("tickets.push"), "{said}");
    }

    #[test]
    fn a_server_url_is_shown_without_its_password() {
        assert_eq!(
            super::without_user_info("https://alice:hunter2@omflow.example.com/base"),
            "https://omflow.example.com/base"
        );
        assert_eq!(
            super::without_user_info("http://127.0.0.1:8000"),
            "http://127.0.0.1:8000"
        );
    }

    fn call(
        operation: &'static str,
        error: omflow_client::CallError<omflow_client::model::ApiError>,
    ) -> omflow_client::Error {
        omflow_client::CallFailure::new(operation, false, error).into()
    }

    #[test]
    fn the_server_hint_tells_a_wrong_address_a_slow_server_a_proxy_and_a_site_that_is_not_omflow() {
        use omflow_client::{CallError, RawAnswer, Sent, TransportError};
        use std::time::Duration;
        let url = Some("http://omflow.example.com");
        let hint = |err: omflow_client::Error| super::where_(&err, url);
        let never_connected = call(
            "security.get",
            CallError::Dispatch(TransportError::Timeout {
                timeout: Duration::from_secs(10),
                sent: Sent::No,
            }),
        );
        assert!(hint(never_connected).contains("check the URL"));
        let slow = call(
            "missions.list",
            CallError::OperationTimeout {
                after: Duration::from_secs(2),
            },
        );
        assert!(hint(slow).contains("did not answer in time"));
        let answered = |status: u16| {
            call(
                "security.get",
                CallError::Response {
                    raw: RawAnswer::new(status, "<html>".into()),
                },
            )
        };
        assert!(hint(answered(502)).contains("a proxy in front of it"));
        assert!(hint(answered(404)).contains("does not answer as an OMFLOW server"));
    }

    #[test]
    fn force_advice_follows_the_refusal_a_row_not_among_my_missions_wraps() {
        use omflow_client::model::{DataId, QuickAction, QuickActionLabels};
        use omflow_client::PushRefusal;
        let wrapped = omflow_client::Error::from(PushRefusal::NotAmongMissions {
            data_id: DataId(2),
            refusal: Box::new(PushRefusal::QuickActionUnavailable {
                action: QuickAction::Action2,
                labels: QuickActionLabels::default(),
            }),
        });
        let said = super::one_line(&wrapped);
        assert!(said.contains("not among your open missions"), "{said}");
        assert!(said.contains("values unchanged"), "{said}");
    }

    #[test]
    fn a_download_that_fails_is_said_in_words_not_by_its_call_name() {
        use omflow_client::{CallError, RawAnswer};
        let err: omflow_client::Error = omflow_client::CallFailure::new(
            "files.download",
            false,
            CallError::Response {
                raw: RawAnswer::new(404, "<html>".into()),
            },
        )
        .into();
        let said = super::one_line(&err);
        assert!(said.starts_with("downloading the file: HTTP 404"), "{said}");
        assert!(!said.contains("files.download"), "{said}");
    }
}
