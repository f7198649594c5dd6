//! One call's failure in layers, shared by the OMFLOW and Garoon clients (in the spirit of
//! smithy's `SdkError`): no answer at all, no result within the operation's limit, an answer
//! that is not the service's, the service's answer in another shape than declared, or the
//! service's own failure. Each layer that got an answer keeps it as it came ([`RawAnswer`]).

use crate::{body_snippet, HttpResponse, Sent, TransportError};
use bytes::Bytes;
use std::fmt;
use std::time::Duration;

/// An HTTP answer as it came: its status and its whole body.
///
/// ```
/// use omflow_transport::RawAnswer;
///
/// let raw = RawAnswer::new(502, "<html>Bad Gateway</html>".into());
/// assert_eq!(raw.status(), 502);
/// assert_eq!(raw.body().as_ref(), b"<html>Bad Gateway</html>");
/// assert!(raw.snippet().contains("Bad Gateway"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RawAnswer {
    status: u16,
    body: Bytes,
}

impl RawAnswer {
    /// An answer of `status` with `body`.
    #[must_use]
    pub fn new(status: u16, body: Bytes) -> Self {
        RawAnswer { status, body }
    }

    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body, whole (cheap to clone).
    #[must_use]
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The start of the body as text, for a message.
    #[must_use]
    pub fn snippet(&self) -> String {
        body_snippet(&self.body)
    }
}

impl From<&HttpResponse> for RawAnswer {
    fn from(response: &HttpResponse) -> Self {
        RawAnswer::new(response.status, response.body.clone())
    }
}

impl fmt::Debug for RawAnswer {
    /// The status, the body's length and its start (a body may be large).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawAnswer")
            .field("status", &self.status)
            .field("body_bytes", &self.body.len())
            .field("snippet", &self.snippet())
            .finish()
    }
}

/// How one call failed, by layer. `E` is the service's own error (OMFLOW's classified
/// envelope failure, Garoon's JSON error).
///
/// ```
/// use omflow_transport::{CallError, RawAnswer, Sent, TransportError};
///
/// let lost: CallError<String> = CallError::Dispatch(TransportError::Io {
///     message: "connection reset".into(),
///     cause: None,
/// });
/// assert_eq!(lost.sent(), Sent::Maybe);
/// assert!(lost.raw().is_none());
///
/// let proxy: CallError<String> = CallError::Response {
///     raw: RawAnswer::new(502, "Bad Gateway".into()),
/// };
/// assert_eq!(proxy.raw().map(RawAnswer::status), Some(502));
/// assert_eq!(proxy.to_string(), "HTTP 502 instead of the service's answer: Bad Gateway");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallError<E> {
    /// No answer: no connection, no response in time, or a connection broken mid-request.
    /// [`TransportError::sent`] says whether the request may have reached the server.
    #[error("no answer from the server")]
    Dispatch(#[source] TransportError),
    /// The whole operation (its attempts and waits) did not finish within its limit; the
    /// request may have reached the server.
    #[error("no result within {after:?}")]
    OperationTimeout {
        /// The limit.
        after: Duration,
    },
    /// An answer that is not the service's: a proxy's error page, a redirect to a login or
    /// permission page, a body in another format.
    #[error("HTTP {} instead of the service's answer: {}", raw.status(), raw.snippet())]
    Response {
        /// The answer as it came.
        raw: RawAnswer,
    },
    /// The service's answer in another shape than the operation declares.
    #[error("unexpected answer{}: {message}", if path.is_empty() { String::new() } else { format!(" at {path}") })]
    Decode {
        /// Where in the answer (a JSON path; empty for the whole).
        path: String,
        /// What was wrong.
        message: String,
        /// The answer as it came, when the failure was in it (not in a value nested as text
        /// and read later).
        raw: Option<RawAnswer>,
    },
    /// The service's own failure.
    #[error("{error}")]
    Service {
        /// The service's error.
        error: E,
        /// The answer as it came.
        raw: RawAnswer,
    },
}

impl<E> CallError<E> {
    /// Whether the request may have reached the server: only a failure to connect says it
    /// did not; every answer says it did.
    #[must_use]
    pub fn sent(&self) -> Sent {
        match self {
            CallError::Dispatch(source) => source.sent(),
            _ => Sent::Maybe,
        }
    }

    /// The answer as it came, for the layers that got one.
    #[must_use]
    pub fn raw(&self) -> Option<&RawAnswer> {
        match self {
            CallError::Response { raw } | CallError::Service { raw, .. } => Some(raw),
            CallError::Decode { raw, .. } => raw.as_ref(),
            CallError::Dispatch(_) | CallError::OperationTimeout { .. } => None,
        }
    }

    /// The service's own error, if it answered with one.
    #[must_use]
    pub fn service(&self) -> Option<&E> {
        match self {
            CallError::Service { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether no answer came at all (no connection, a timeout, a broken connection, or the
    /// operation's limit).
    #[must_use]
    pub fn is_unanswered(&self) -> bool {
        matches!(
            self,
            CallError::Dispatch(_) | CallError::OperationTimeout { .. }
        )
    }

    /// Whether trying again may succeed and is safe, given whether the call writes: a read
    /// that got no answer or an overload answer (HTTP 429, 5xx), a write that certainly was
    /// not sent. The service's own failures are for the product to judge (`false` here).
    #[must_use]
    pub fn is_retryable(&self, write: bool) -> bool {
        match self {
            CallError::Dispatch(source) => !write || source.sent() == Sent::No,
            CallError::OperationTimeout { .. } => !write,
            CallError::Response { raw } => {
                !write && (raw.status() == 429 || (500..600).contains(&raw.status()))
            }
            CallError::Decode { .. } | CallError::Service { .. } => false,
        }
    }

    /// Whether a write may have been applied although no answer said so: no answer after the
    /// request may have left, the operation's limit, or an answer that is not the service's.
    #[must_use]
    pub fn may_have_been_applied(&self, write: bool) -> bool {
        write
            && match self {
                CallError::Dispatch(source) => source.sent() == Sent::Maybe,
                CallError::OperationTimeout { .. } | CallError::Response { .. } => true,
                CallError::Decode { .. } | CallError::Service { .. } => false,
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused() -> CallError<String> {
        CallError::Dispatch(TransportError::Connect {
            message: "connection refused".into(),
            cause: None,
        })
    }

    fn reset() -> CallError<String> {
        CallError::Dispatch(TransportError::Io {
            message: "connection reset".into(),
            cause: None,
        })
    }

    fn answered(status: u16) -> CallError<String> {
        CallError::Response {
            raw: RawAnswer::new(status, Bytes::from_static(b"<html>busy</html>")),
        }
    }

    #[test]
    fn only_a_refused_connection_is_certainly_not_sent() {
        assert_eq!(refused().sent(), Sent::No);
        assert_eq!(reset().sent(), Sent::Maybe);
        assert_eq!(answered(502).sent(), Sent::Maybe);
        assert_eq!(
            CallError::<String>::OperationTimeout {
                after: Duration::from_secs(1)
            }
            .sent(),
            Sent::Maybe
        );
    }

    #[test]
    fn reads_retry_on_no_answer_and_overload_writes_only_when_never_sent() {
        assert!(refused().is_retryable(true), "never sent");
        assert!(!reset().is_retryable(true), "may have been applied");
        assert!(reset().is_retryable(false));
        assert!(answered(503).is_retryable(false));
        assert!(answered(429).is_retryable(false));
        assert!(!answered(503).is_retryable(true));
        assert!(!answered(404).is_retryable(false));
        let service = CallError::Service {
            error: "no".to_string(),
            raw: RawAnswer::new(200, Bytes::new()),
        };
        assert!(!service.is_retryable(false));
    }

    #[test]
    fn a_write_may_have_been_applied_only_when_it_may_have_left() {
        assert!(!refused().may_have_been_applied(true));
        assert!(reset().may_have_been_applied(true));
        assert!(
            !reset().may_have_been_applied(false),
            "a read applies nothing"
        );
        assert!(answered(502).may_have_been_applied(true));
        let decode: CallError<String> = CallError::Decode {
            path: "x".into(),
            message: "y".into(),
            raw: None,
        };
        assert!(!decode.may_have_been_applied(true), "the service answered");
    }

    #[test]
    fn each_layer_keeps_the_answer_it_got() {
        assert!(refused().raw().is_none());
        let raw = answered(502);
        let kept = raw.raw().expect("an answer");
        assert_eq!(kept.status(), 502);
        assert_eq!(kept.body().as_ref(), b"<html>busy</html>");
        let service = CallError::Service {
            error: "denied".to_string(),
            raw: RawAnswer::new(200, Bytes::from_static(b"{\"status\":403}")),
        };
        assert_eq!(service.service().map(String::as_str), Some("denied"));
        assert_eq!(service.raw().map(RawAnswer::status), Some(200));
        assert_eq!(service.to_string(), "denied");
    }

    #[test]
    fn the_cause_of_no_answer_is_its_source_not_its_text() {
        use std::error::Error as _;
        let err = refused();
        assert_eq!(err.to_string(), "no answer from the server");
        let cause = err.source().expect("the transport's error").to_string();
        assert!(cause.contains("connection refused"), "{cause}");
    }
}
