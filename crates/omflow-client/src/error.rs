//! The client's errors: where it failed, and whether the request may have been applied.

use omflow_model::checks::Refusal;
use omflow_model::routing::Prediction;
use omflow_model::{ApiError, ApiErrorKind, QuickAction, QuickActionLabels};
pub use omflow_transport::Sent;
use omflow_transport::TransportError;
use std::fmt;

/// Why a login failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// No credentials were configured.
    #[error("no credentials: set them with ClientBuilder::credentials")]
    NoCredentials,
    /// Wrong password, or the user is inactive.
    #[error("login failed for {username:?}: wrong password or inactive user")]
    WrongPassword {
        /// The username.
        username: String,
    },
    /// The user does not exist (the server answers with a Python error text).
    #[error("login failed: unknown user {username:?} (usernames are exact and case-sensitive)")]
    UnknownUser {
        /// The username.
        username: String,
    },
    /// The username contains `@`: the server looks it up as an email and cannot log in that way.
    #[error("login failed: {username:?} looks like an email address; this server cannot log in by email, use the username")]
    EmailLogin {
        /// The username.
        username: String,
    },
    /// The username contains `:`, which HTTP Basic cannot carry; refused before sending.
    #[error("the username {username:?} contains ':', which HTTP Basic authentication cannot carry (not sent)")]
    UsernameContainsColon {
        /// The username.
        username: String,
    },
    /// The password contains `:`, which this server cannot split; refused before sending.
    #[error("the password contains ':', which the OMFLOW server cannot accept; change the password (not sent)")]
    PasswordContainsColon,
    /// Another username contains this one, so the server fails every call of this user.
    #[error("the server cannot tell user {username:?} from another username that contains it; an administrator must rename one")]
    AmbiguousUsername {
        /// The username.
        username: String,
    },
    /// A fresh security code was refused again.
    #[error("the server refused a freshly issued security code: {0}")]
    Rejected(String),
}

/// An operation's failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request was invalid and was not sent.
    #[error("invalid request (not sent): {0}")]
    InvalidRequest(String),
    /// No response. For a write, `sent == Sent::Maybe` means it may have been applied.
    #[error("{operation}: no answer from the server{}", if *sent == Sent::Maybe && *write { " (the request may have been applied, check before retrying)" } else { "" })]
    Transport {
        /// The operation.
        operation: &'static str,
        /// Whether the request may have reached the server.
        sent: Sent,
        /// Whether the operation changes state.
        write: bool,
        /// What failed.
        #[source]
        source: TransportError,
    },
    /// The call did not finish within the operation timeout
    /// ([`crate::ClientBuilder::operation_timeout`]).
    #[error("{operation}: no result within {after:?}{}", if *write { " (the request may have been applied, check before retrying)" } else { "" })]
    OperationTimeout {
        /// The operation.
        operation: &'static str,
        /// The limit.
        after: std::time::Duration,
        /// Whether the operation changes state.
        write: bool,
    },
    /// An HTTP answer that is not an OMFLOW envelope (a proxy error, a Django HTML page).
    #[error("{operation}: HTTP {status} instead of an OMFLOW answer{}: {snippet}", if *sent == Sent::Maybe && *write { " (the request may have been applied)" } else { "" })]
    Http {
        /// The operation.
        operation: &'static str,
        /// HTTP status.
        status: u16,
        /// Start of the body.
        snippet: String,
        /// Whether the request may have reached the server.
        sent: Sent,
        /// Whether the operation changes state.
        write: bool,
    },
    /// The server answered with a failure.
    #[error("{operation}: {error}")]
    Api {
        /// The operation.
        operation: &'static str,
        /// The classified failure.
        error: Box<ApiError>,
    },
    /// The answer had an unexpected shape.
    #[error("{operation}: unexpected answer at {path}: {message}")]
    Decode {
        /// The operation.
        operation: &'static str,
        /// JSON path.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// Logging in failed.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The stop's form refuses a value (not sent): an unknown, hidden or read-only field, a
    /// value none of the field's choices, a field set twice, a required field left empty, a
    /// value off the field's pattern or format.
    #[error("{refusal} (not sent)")]
    Refused {
        /// What the form refuses, naming the field, its title and what it allows.
        refusal: Refusal,
    },
    /// The engine would leave the ticket in its error state, where only an administrator can
    /// repair it (not sent).
    #[error("ticket row {data_id}: the push {} (not sent)", prediction.route)]
    WouldStrand {
        /// The row.
        data_id: omflow_model::DataId,
        /// The prediction: the stops passed and the switch with its rules as tested.
        prediction: Box<Prediction>,
    },
    /// The engine would leave the new ticket in its error state on its way from the start, where
    /// only an administrator can repair it (not sent).
    #[error("the create {} (not sent)", prediction.route)]
    CreateWouldStrand {
        /// The prediction from the start: the stops passed and the switch with its rules.
        prediction: Box<Prediction>,
    },
    /// The answer to a write was lost, and reading the ticket back showed that the write was
    /// not applied: sending it again is safe.
    #[error("{operation}: the answer was lost; reading the ticket back shows it was not applied")]
    NotApplied {
        /// The operation.
        operation: &'static str,
        /// The lost answer's error.
        #[source]
        source: Box<Error>,
    },
    /// The comment asked for with a push or quick action was written (comments go first:
    /// the assignee may comment only while the row is theirs), then the push or quick
    /// action failed; the source says how, and whether it may have been applied.
    #[error("the comment was written, then: {source}")]
    AfterComment {
        /// Why the push or quick action failed.
        #[source]
        source: Box<Error>,
    },
    /// A flow named by a name that is neither the flow of one of my missions nor the
    /// api_path of a deployed flow (nothing acting was sent).
    #[error("no flow {name:?}: no mission of yours is in a flow of that name, and no deployed flow has it as its api_path (not sent); check the name as your missions show it, or name the flow by uuid")]
    UnknownFlow {
        /// The name as given.
        name: String,
    },
    /// The user may not read what the operation needs (not sent).
    #[error("not allowed to {action}: that needs {needs}")]
    NoAccess {
        /// What was tried.
        action: String,
        /// Which permission or role it needs.
        needs: String,
    },
    /// The row cannot be pushed now (not sent).
    #[error("ticket row {data_id} cannot be pushed: {reason} (not sent)")]
    NotActionable {
        /// The row.
        data_id: omflow_model::DataId,
        /// Why.
        reason: String,
    },
    /// The server says the row is not the ticket's current row: it already moved on (or
    /// closed). Nothing was applied.
    #[error("ticket row {data_id} already moved on (pushed before, or closed); use the ticket's current data_id from my missions")]
    MovedOn {
        /// The row sent.
        data_id: omflow_model::DataId,
    },
    /// The server accepted a push, then the engine left the ticket in its error state.
    #[error("ticket {}: the push was accepted, then {state}", data_no.map(|n| n.to_string()).unwrap_or_else(|| "?".into()))]
    EngineFailed {
        /// The ticket.
        data_no: Option<omflow_model::DataNo>,
        /// Where it stands.
        state: crate::TicketState,
    },
    /// The mission's stop does not offer this quick action (the server would push the ticket
    /// unchanged instead); use `force()` to send it anyway.
    #[error(
        "quick action {action} is not offered at this stop (offered: {}); not sent",
        describe_labels(labels)
    )]
    QuickActionUnavailable {
        /// The action.
        action: QuickAction,
        /// What the stop offers.
        labels: QuickActionLabels,
    },
}

fn describe_labels(labels: &QuickActionLabels) -> String {
    let mut parts = Vec::new();
    if let Some(a) = &labels.action1 {
        parts.push(format!("action1 {a:?}"));
    }
    if let Some(a) = &labels.action2 {
        parts.push(format!("action2 {a:?}"));
    }
    if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join(", ")
    }
}

impl Error {
    pub(crate) fn refused(refusal: Refusal) -> Error {
        Error::Refused { refusal }
    }

    /// Whether the SDK refused the request before sending it because the stop's form or the
    /// flow's routing would not take it ([`Error::Refused`], [`Error::WouldStrand`],
    /// [`Error::CreateWouldStrand`], [`Error::QuickActionUnavailable`], [`Error::NotActionable`]).
    #[must_use]
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            Error::Refused { .. }
                | Error::WouldStrand { .. }
                | Error::CreateWouldStrand { .. }
                | Error::QuickActionUnavailable { .. }
                | Error::NotActionable { .. }
        )
    }

    /// What a refusal says was wrong, without "not sent": what [`crate::PushOutcome::forced`]
    /// lists when a forced push overrode it.
    pub(crate) fn overridden(&self) -> String {
        match self {
            Error::Refused { refusal } => refusal.to_string(),
            Error::WouldStrand { prediction, .. } | Error::CreateWouldStrand { prediction } => {
                prediction.route.to_string()
            }
            Error::QuickActionUnavailable { action, labels } => format!(
                "quick action {action} is not offered at this stop (offered: {})",
                describe_labels(labels)
            ),
            Error::NotActionable { data_id, reason } => {
                format!("ticket row {data_id} cannot be pushed: {reason}")
            }
            other => other.to_string(),
        }
    }

    /// The classified API failure, if the server answered with one.
    #[must_use]
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api { error, .. } => Some(error),
            Error::AfterComment { source } => source.api(),
            _ => None,
        }
    }

    /// Whether trying the same call again may succeed and is safe: connection failures,
    /// timeouts and overload answers of reads, and writes that certainly were not sent;
    /// never a write that may have been applied, a refusal, or a request that was invalid.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { sent, write, .. } => !*write || *sent == Sent::No,
            Error::OperationTimeout { write, .. } => !*write,
            Error::Http { status, write, .. } => {
                !*write && (*status == 429 || (500..600).contains(status))
            }
            Error::Api { error, .. } => error.is_retryable(),
            Error::NotApplied { .. } => true,
            _ => false,
        }
    }

    /// The status that failed: the HTTP status of a non-OMFLOW answer, or the envelope
    /// status of an OMFLOW failure (403, 404, 500, ...).
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Http { status, .. } => Some(*status),
            Error::Api { error, .. } => Some(error.status().0),
            Error::AfterComment { source } => source.status(),
            _ => None,
        }
    }

    /// The name of the operation that failed ([`omflow_model::Operation::name`]), for the
    /// errors that come from one call.
    #[must_use]
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Transport { operation, .. }
            | Error::OperationTimeout { operation, .. }
            | Error::Http { operation, .. }
            | Error::Api { operation, .. }
            | Error::Decode { operation, .. }
            | Error::NotApplied { operation, .. } => Some(operation),
            Error::AfterComment { source } => source.operation(),
            _ => None,
        }
    }

    /// The API failure kind, if any.
    pub fn api_kind(&self) -> Option<ApiErrorKind> {
        self.api().map(ApiError::kind)
    }

    /// Whether the request may have reached the server (and a write may have been applied).
    #[must_use]
    pub fn sent(&self) -> Sent {
        match self {
            Error::Transport { sent, .. } | Error::Http { sent, .. } => *sent,
            Error::Api { .. } | Error::Decode { .. } => Sent::Maybe,
            Error::InvalidRequest(_)
            | Error::UnknownFlow { .. }
            | Error::Refused { .. }
            | Error::WouldStrand { .. }
            | Error::CreateWouldStrand { .. }
            | Error::NotApplied { .. }
            | Error::NoAccess { .. }
            | Error::NotActionable { .. }
            | Error::QuickActionUnavailable { .. } => Sent::No,
            Error::MovedOn { .. } | Error::EngineFailed { .. } => Sent::Maybe,
            Error::Auth(_) => Sent::No,
            Error::OperationTimeout { .. } => Sent::Maybe,
            Error::AfterComment { source } => source.sent(),
        }
    }

    /// Whether a write may have been applied although no answer said so.
    #[must_use]
    pub fn may_have_been_applied(&self) -> bool {
        if let Error::AfterComment { source } = self {
            return source.may_have_been_applied();
        }
        matches!(
            self,
            Error::Transport {
                write: true,
                sent: Sent::Maybe,
                ..
            } | Error::Http {
                write: true,
                sent: Sent::Maybe,
                ..
            } | Error::OperationTimeout { write: true, .. }
        )
    }

    /// Whether this is a login or security-code failure.
    #[must_use]
    pub fn is_auth(&self) -> bool {
        matches!(self, Error::Auth(_))
    }
}

pub(crate) use omflow_transport::body_snippet as snippet;

/// Displays an error with its chain of causes.
pub struct Chain<'a>(pub &'a (dyn std::error::Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, "\n  caused by: {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transport(sent: Sent, write: bool) -> Error {
        Error::Transport {
            operation: "tickets.push",
            sent,
            write,
            source: match sent {
                Sent::No => TransportError::Connect {
                    message: "connection refused".into(),
                },
                Sent::Maybe => TransportError::Io {
                    message: "connection reset".into(),
                },
            },
        }
    }

    #[test]
    fn display_names_each_cause_once() {
        let err = transport(Sent::No, false);
        assert!(!err.to_string().contains("refused"), "{err}");
        let chain = Chain(&err).to_string();
        assert_eq!(chain.matches("connection refused").count(), 1, "{chain}");
    }

    #[test]
    fn retryable_and_status() {
        assert!(transport(Sent::No, false).is_retryable());
        assert!(transport(Sent::No, true).is_retryable(), "never sent");
        assert!(
            !transport(Sent::Maybe, true).is_retryable(),
            "may have been applied"
        );
        assert!(transport(Sent::Maybe, true).may_have_been_applied());
        let http = |status, write| Error::Http {
            operation: "x",
            status,
            snippet: String::new(),
            sent: Sent::Maybe,
            write,
        };
        assert!(http(503, false).is_retryable());
        assert!(!http(503, true).is_retryable());
        assert!(!http(404, false).is_retryable());
        assert_eq!(http(502, false).status(), Some(502));
        assert!(!Error::InvalidRequest("x".into()).is_retryable());
        assert_eq!(Error::InvalidRequest("x".into()).status(), None);
    }
}
