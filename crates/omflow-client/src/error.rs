//! The client's errors: where it failed, and whether the request may have been applied.

use omflow_model::checks::Refusal;
use omflow_model::routing::Prediction;
use omflow_model::{ApiError, ApiErrorKind, QuickAction, QuickActionLabels};
#[cfg(test)]
use omflow_transport::TransportError;
pub use omflow_transport::{CallError, RawAnswer, Sent};
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

/// One call that failed: the operation, whether it writes, and how it failed, by layer
/// ([`CallError`]: no answer, no result in time, an answer that is not OMFLOW's, a result of
/// another shape, or the server's classified failure, each keeping the answer it got).
///
/// ```
/// use omflow_client::{CallError, CallFailure, RawAnswer};
///
/// let failure = CallFailure::new(
///     "tickets.push",
///     true,
///     CallError::Response { raw: RawAnswer::new(502, "Bad Gateway".into()) },
/// );
/// assert!(failure.may_have_been_applied());
/// assert_eq!(
///     failure.to_string(),
///     "tickets.push: HTTP 502 instead of an OMFLOW answer (the request may have been applied): Bad Gateway"
/// );
/// ```
#[derive(Debug)]
pub struct CallFailure {
    operation: &'static str,
    write: bool,
    error: CallError<ApiError>,
}

impl CallFailure {
    /// A failure of `operation` (a name of [`omflow_model::Operation`]); `write` when the
    /// operation changes state.
    #[must_use]
    pub fn new(operation: &'static str, write: bool, error: CallError<ApiError>) -> Self {
        CallFailure {
            operation,
            write,
            error,
        }
    }

    /// The operation's name.
    #[must_use]
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// Whether the operation changes state.
    #[must_use]
    pub fn is_write(&self) -> bool {
        self.write
    }

    /// How it failed, by layer.
    #[must_use]
    pub fn error(&self) -> &CallError<ApiError> {
        &self.error
    }

    /// How it failed, owned.
    #[must_use]
    pub fn into_error(self) -> CallError<ApiError> {
        self.error
    }

    /// Whether a write may have been applied although no answer said so.
    #[must_use]
    pub fn may_have_been_applied(&self) -> bool {
        self.error.may_have_been_applied(self.write)
    }
}

impl fmt::Display for CallFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let maybe = if self.may_have_been_applied() {
            " (the request may have been applied, check before retrying)"
        } else {
            ""
        };
        let operation = self.operation;
        match &self.error {
            // OMFLOW's own words for an answer that is not OMFLOW's.
            CallError::Response { raw } => write!(
                f,
                "{operation}: HTTP {} instead of an OMFLOW answer{}: {}",
                raw.status(),
                if maybe.is_empty() {
                    ""
                } else {
                    " (the request may have been applied)"
                },
                raw.snippet()
            ),
            error => write!(f, "{operation}: {error}{maybe}"),
        }
    }
}

impl std::error::Error for CallFailure {
    /// The layer's cause (the transport's error under no answer); the layer itself is said
    /// in this failure's text.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.error)
    }
}

/// Why the SDK would not send a push, quick action or create: the stop's form refuses a
/// value, the engine would strand the ticket, the row cannot be pushed, or the stop does
/// not offer the quick action. A forced call sends anyway and lists these in
/// [`crate::PushOutcome::forced`], except a push of a row that is not actionable (closed,
/// or not at a form stop), which no force sends.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum PushRefusal {
    /// The stop's form refuses a value: an unknown, hidden or read-only field, a value none
    /// of the field's choices, a field set twice, a required field left empty, a value off
    /// the field's pattern or format.
    #[error("{0}")]
    Form(Refusal),
    /// The engine would leave the ticket in its error state, where only an administrator can
    /// repair it.
    #[error("ticket row {data_id}: the push {}", prediction.route)]
    WouldStrand {
        /// The row.
        data_id: omflow_model::DataId,
        /// The prediction: the stops passed and the switch with its rules as tested.
        prediction: Box<Prediction>,
    },
    /// The engine would leave the new ticket in its error state on its way from the start,
    /// where only an administrator can repair it.
    #[error("the create {}", prediction.route)]
    CreateWouldStrand {
        /// The prediction from the start: the stops passed and the switch with its rules.
        prediction: Box<Prediction>,
    },
    /// The row cannot be pushed now.
    #[error("ticket row {data_id} cannot be pushed: {reason}")]
    NotActionable {
        /// The row.
        data_id: omflow_model::DataId,
        /// Why.
        reason: String,
    },
    /// A refusal of a row that is not among the user's open missions, and whose standing
    /// they cannot read (no View permission): what the form shows may be the form of the
    /// stop the ticket moved on to, not of the row's own.
    #[error("ticket row {data_id} is not among your open missions (if it moved on, your missions show the ticket's current data_id); as the row reads now, {refusal}")]
    NotAmongMissions {
        /// The row.
        data_id: omflow_model::DataId,
        /// What the checks refused.
        refusal: Box<PushRefusal>,
    },
    /// The mission's stop does not offer this quick action (the server would push the ticket
    /// unchanged instead).
    #[error(
        "quick action {action} is not offered at this stop (offered: {})",
        describe_labels(labels)
    )]
    QuickActionUnavailable {
        /// The action.
        action: QuickAction,
        /// What the stop offers.
        labels: QuickActionLabels,
    },
}

/// An operation's failure, in layers: what the SDK refused before sending
/// ([`Error::Refused`]), one call that failed ([`Error::Call`], with its [`CallError`]
/// layer and the answer it got), and what a push's read-back found.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use omflow_client::{CallError, Client, Error, PushRefusal};
/// use omflow_mock::{FakeOmflow, Seed};
///
/// let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
/// let alice = Client::builder(fake.uri()).credentials("alice", "alice-pass").build().unwrap();
/// let mission = alice.missions().send().await.unwrap().remove(0);
///
/// // A value the stop does not offer is refused before anything is sent.
/// let err = alice.push_mission(&mission).set("FORMITM_4", "no such status").send().await.unwrap_err();
/// assert!(matches!(err.refusal(), Some(PushRefusal::Form(_))));
/// assert!(!err.may_have_been_applied());
///
/// // A server that answers with something that is not OMFLOW's: the answer is kept whole.
/// let elsewhere = Client::builder(format!("{}/no/such/site", fake.uri()))
///     .credentials("alice", "alice-pass")
///     .build()
///     .unwrap();
/// let err = elsewhere.missions().send().await.unwrap_err();
/// match err.call_error() {
///     Some(CallError::Response { raw }) => assert_eq!(raw.status(), 404),
///     other => panic!("{other:?}"),
/// }
/// assert!(!err.is_retryable() && err.raw().is_some());
/// # let _ = Error::InvalidRequest(String::new());
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request was invalid and was not sent.
    #[error("invalid request (not sent): {0}")]
    InvalidRequest(String),
    /// One call failed: no answer, no result within the operation timeout
    /// ([`crate::ClientBuilder::operation_timeout`]), an answer that is not OMFLOW's, a result
    /// of another shape, or the server's classified failure ([`CallFailure`]).
    #[error(transparent)]
    Call(Box<CallFailure>),
    /// Logging in failed.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The SDK refused to send a push, quick action or create that the stop's form or the
    /// flow's routing would not take ([`PushRefusal`]); `force()` sends it anyway, except a
    /// push of a row that is not actionable.
    #[error("{}", not_sent(.0))]
    Refused(PushRefusal),
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
    /// The user may not read what the operation needs (not sent); where the server answers
    /// an unknown row as it answers a forbidden one, it may also not exist.
    #[error("{}", no_access_text(action, needs, *may_not_exist))]
    NoAccess {
        /// What was tried.
        action: String,
        /// Which permission or role it needs.
        needs: String,
        /// Whether the server's refusal also stands for a row or flow that does not exist.
        may_not_exist: bool,
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
}

impl From<PushRefusal> for Error {
    fn from(refusal: PushRefusal) -> Self {
        Error::Refused(refusal)
    }
}

impl From<CallFailure> for Error {
    fn from(failure: CallFailure) -> Self {
        Error::Call(Box::new(failure))
    }
}

fn no_access_text(action: &str, needs: &str, may_not_exist: bool) -> String {
    if may_not_exist {
        format!("cannot {action}: it does not exist, or it needs {needs}")
    } else {
        format!("not allowed to {action}: that needs {needs}")
    }
}

/// A refusal with "not sent" after it (after a semicolon where the refusal ends in a
/// parenthesis of its own).
fn not_sent(refusal: &PushRefusal) -> String {
    match refusal {
        PushRefusal::QuickActionUnavailable { .. } => format!("{refusal}; not sent"),
        PushRefusal::NotAmongMissions { refusal: inner, .. }
            if matches!(**inner, PushRefusal::QuickActionUnavailable { .. }) =>
        {
            format!("{refusal}; not sent")
        }
        other => format!("{other} (not sent)"),
    }
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
    /// A failure of one call of `operation`.
    pub(crate) fn call(operation: &'static str, write: bool, error: CallError<ApiError>) -> Error {
        CallFailure::new(operation, write, error).into()
    }

    /// The service's answer to `operation` in another shape than declared.
    pub(crate) fn decode(
        operation: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
        raw: Option<RawAnswer>,
    ) -> Error {
        let error = CallError::Decode {
            path: path.into(),
            message: message.into(),
            raw,
        };
        Error::call(operation, false, error)
    }

    pub(crate) fn refused(refusal: Refusal) -> Error {
        Error::Refused(PushRefusal::Form(refusal))
    }

    /// What a refusal says was wrong, without "not sent": what [`crate::PushOutcome::forced`]
    /// lists when a forced push overrode it.
    pub(crate) fn overridden(&self) -> String {
        match self {
            Error::Refused(refusal) => refusal.to_string(),
            other => other.to_string(),
        }
    }

    /// Whether the SDK refused the request before sending it because the stop's form or the
    /// flow's routing would not take it ([`Error::Refused`]).
    #[must_use]
    pub fn is_refusal(&self) -> bool {
        matches!(self, Error::Refused(_))
    }

    /// Why the SDK would not send it, for [`Error::Refused`].
    #[must_use]
    pub fn refusal(&self) -> Option<&PushRefusal> {
        match self {
            Error::Refused(refusal) => Some(refusal),
            _ => None,
        }
    }

    /// The failed call, for [`Error::Call`] (also under a comment written first).
    #[must_use]
    pub fn call_failure(&self) -> Option<&CallFailure> {
        match self {
            Error::Call(failure) => Some(failure),
            Error::AfterComment { source } => source.call_failure(),
            _ => None,
        }
    }

    /// The failed call's layer, for [`Error::Call`].
    #[must_use]
    pub fn call_error(&self) -> Option<&CallError<ApiError>> {
        self.call_failure().map(CallFailure::error)
    }

    /// The answer as it came, when the call got one that failed (a proxy's page, the
    /// envelope of a failure, a result of another shape).
    #[must_use]
    pub fn raw(&self) -> Option<&RawAnswer> {
        self.call_error().and_then(CallError::raw)
    }

    /// The classified API failure, if the server answered with one.
    #[must_use]
    pub fn api(&self) -> Option<&ApiError> {
        self.call_error().and_then(CallError::service)
    }

    /// Whether trying the same call again may succeed and is safe: connection failures,
    /// timeouts and overload answers of reads, and writes that certainly were not sent;
    /// never a write that may have been applied, a refusal, or a request that was invalid.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Call(failure) => match failure.error() {
                CallError::Service { error, .. } => error.is_retryable(),
                other => other.is_retryable(failure.is_write()),
            },
            Error::NotApplied { .. } => true,
            _ => false,
        }
    }

    /// The status that failed: the HTTP status of a non-OMFLOW answer, or the envelope
    /// status of an OMFLOW failure (403, 404, 500, ...).
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self.call_error()? {
            CallError::Response { raw } => Some(raw.status()),
            CallError::Service { error, .. } => Some(error.status().0),
            _ => None,
        }
    }

    /// The name of the operation that failed ([`omflow_model::Operation::name`]), for the
    /// errors that come from one call.
    #[must_use]
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Call(failure) => Some(failure.operation()),
            Error::NotApplied { operation, .. } => Some(operation),
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
            Error::Call(failure) => failure.error().sent(),
            Error::InvalidRequest(_)
            | Error::UnknownFlow { .. }
            | Error::Refused(_)
            | Error::NotApplied { .. }
            | Error::NoAccess { .. }
            | Error::Auth(_) => Sent::No,
            Error::MovedOn { .. } | Error::EngineFailed { .. } => Sent::Maybe,
            Error::AfterComment { source } => source.sent(),
        }
    }

    /// Whether no answer came at all (no connection, a timeout, a broken connection, or the
    /// operation timeout).
    #[must_use]
    pub fn is_unanswered(&self) -> bool {
        matches!(self, Error::Call(failure) if failure.error().is_unanswered())
    }

    /// Whether a write may have been applied although no answer said so.
    #[must_use]
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            Error::Call(failure) => failure.may_have_been_applied(),
            Error::AfterComment { source } => source.may_have_been_applied(),
            _ => false,
        }
    }

    /// Whether this is a login or security-code failure.
    #[must_use]
    pub fn is_auth(&self) -> bool {
        matches!(self, Error::Auth(_))
    }
}

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
        let source = match sent {
            Sent::No => TransportError::Connect {
                message: "connection refused".into(),
                cause: None,
            },
            Sent::Maybe => TransportError::Io {
                message: "connection reset".into(),
                cause: None,
            },
        };
        Error::call("tickets.push", write, CallError::Dispatch(source))
    }

    #[test]
    fn display_names_each_cause_once() {
        let err = transport(Sent::No, false);
        assert!(!err.to_string().contains("refused"), "{err}");
        let chain = Chain(&err).to_string();
        assert_eq!(chain.matches("connection refused").count(), 1, "{chain}");
        assert_eq!(chain.matches("no answer").count(), 1, "{chain}");
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
        assert!(transport(Sent::Maybe, true).is_unanswered());
        let http = |status, write| {
            let raw = RawAnswer::new(status, bytes::Bytes::from_static(b"<html>"));
            Error::call("x", write, CallError::Response { raw })
        };
        assert!(http(503, false).is_retryable());
        assert!(!http(503, true).is_retryable());
        assert!(!http(404, false).is_retryable());
        assert_eq!(http(502, false).status(), Some(502));
        assert_eq!(
            http(502, false).raw().map(|raw| raw.body().clone()),
            Some(bytes::Bytes::from_static(b"<html>")),
            "the answer is kept whole"
        );
        assert!(!Error::InvalidRequest("x".into()).is_retryable());
        assert_eq!(Error::InvalidRequest("x".into()).status(), None);
    }

    #[test]
    fn the_servers_failure_gives_its_envelope_status_and_keeps_the_answer() {
        let body = bytes::Bytes::from_static(br#"{"status":403,"message":"no","result":null}"#);
        let api =
            ApiError::from_envelope(omflow_model::StatusCode(403), "no", serde_json::Value::Null);
        let err = Error::call(
            "tickets.list",
            false,
            CallError::Service {
                error: api,
                raw: RawAnswer::new(200, body.clone()),
            },
        );
        assert_eq!(err.status(), Some(403), "the envelope's, not HTTP's 200");
        assert_eq!(err.raw().map(RawAnswer::status), Some(200));
        assert_eq!(err.raw().map(|raw| raw.body().clone()), Some(body));
        assert_eq!(err.operation(), Some("tickets.list"));
        assert!(err.api().is_some());
        assert_eq!(err.sent(), Sent::Maybe);
    }

    #[test]
    fn a_refusal_is_typed_and_says_not_sent_once() {
        let err = Error::from(PushRefusal::NotActionable {
            data_id: omflow_model::DataId(7),
            reason: "the ticket is closed".into(),
        });
        assert!(err.is_refusal());
        assert!(matches!(
            err.refusal(),
            Some(PushRefusal::NotActionable { reason, .. }) if reason == "the ticket is closed"
        ));
        assert_eq!(
            err.to_string(),
            "ticket row 7 cannot be pushed: the ticket is closed (not sent)"
        );
        assert_eq!(
            err.overridden(),
            "ticket row 7 cannot be pushed: the ticket is closed"
        );
        assert_eq!(err.sent(), Sent::No);
    }

    #[test]
    fn a_quick_action_refusal_names_what_the_stop_offers() {
        let err = Error::from(PushRefusal::QuickActionUnavailable {
            action: QuickAction::Action2,
            labels: QuickActionLabels {
                action1: Some("承認".into()),
                action2: None,
            },
        });
        assert_eq!(
            err.to_string(),
            "quick action action2 is not offered at this stop (offered: action1 \"承認\"); not sent"
        );
        assert_eq!(
            err.overridden(),
            "quick action action2 is not offered at this stop (offered: action1 \"承認\")"
        );
    }

    #[test]
    fn no_answer_is_said_of_the_call_itself_not_of_a_push_after_a_comment() {
        assert!(transport(Sent::No, true).is_unanswered());
        let after = Error::AfterComment {
            source: Box::new(transport(Sent::Maybe, true)),
        };
        assert!(!after.is_unanswered(), "the comment's call was answered");
        assert!(
            after.may_have_been_applied(),
            "the push may have been applied"
        );
    }
}
