//! Garoon's failures: the layers of a failed call with Garoon's JSON error as the
//! service's, and the diagnoses only Garoon's answers allow.

use super::{CallError, RawAnswer, Sent};
use crate::model::GaroonParseError;
use std::fmt;

/// A Garoon failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GaroonError {
    /// The request was invalid and was not sent.
    #[error("invalid Garoon request (not sent): {0}")]
    InvalidRequest(String),
    /// One call failed, by layer ([`CallError`]): no answer (whether the request may have
    /// reached Garoon is [`GaroonError::sent`]), an answer that is not Garoon's JSON (a
    /// proxy, a Basic-auth front door), or Garoon's JSON error ([`GaroonApiError`]); each
    /// keeps the answer it got ([`GaroonError::raw`]).
    #[error(transparent)]
    Call(Box<GaroonCallFailure>),
    /// The endpoint does not exist here (the single-request endpoint is cloud-only).
    #[error("this Garoon does not offer {path} (HTTP {status}); the single-request endpoint needs Garoon cloud after April 2026")]
    EndpointUnavailable {
        /// HTTP status.
        status: u16,
        /// The path.
        path: String,
    },
    /// A SOAP call answered by something other than Garoon's SOAP service (a web page, a
    /// 404): the base URL is not Garoon's, or the site does not serve SOAP there.
    #[error("{url} answered HTTP {} with no SOAP answer: is the base URL Garoon's (https://SUBDOMAIN.cybozu.com/g on cloud, .../grn.cgi on a package edition)? {}", raw.status(), raw.snippet())]
    NotSoap {
        /// The SOAP endpoint called.
        url: String,
        /// The answer as it came.
        raw: RawAnswer,
    },
    /// The answer did not decode.
    #[error(transparent)]
    Decode(#[from] GaroonParseError),
    /// A SOAP call was refused (a fault, with Garoon's code) or answered with something else.
    #[error(transparent)]
    Soap(#[from] crate::soap::SoapError),
    /// Paging broke the protocol (an empty page that says more follow).
    #[error("Garoon paging error: {0}")]
    Protocol(String),
}

impl GaroonError {
    pub(super) fn call(error: CallError<GaroonApiError>) -> GaroonError {
        error.into()
    }

    /// The failed call's layer, for [`GaroonError::Call`].
    #[must_use]
    pub fn call_error(&self) -> Option<&CallError<GaroonApiError>> {
        match self {
            GaroonError::Call(failure) => Some(&failure.error),
            _ => None,
        }
    }

    /// Garoon's JSON error, if it answered with one.
    #[must_use]
    pub fn api(&self) -> Option<&GaroonApiError> {
        self.call_error().and_then(CallError::service)
    }

    /// The answer as it came, when a call got one that failed.
    #[must_use]
    pub fn raw(&self) -> Option<&RawAnswer> {
        match self {
            GaroonError::NotSoap { raw, .. } => Some(raw),
            other => other.call_error().and_then(CallError::raw),
        }
    }

    /// The HTTP status of a failed answer.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            GaroonError::EndpointUnavailable { status, .. } => Some(*status),
            other => other.raw().map(RawAnswer::status),
        }
    }

    /// Whether the request may have reached Garoon: only what was refused before sending
    /// and a connection never made say no.
    #[must_use]
    pub fn sent(&self) -> Sent {
        match self {
            GaroonError::InvalidRequest(_) => Sent::No,
            GaroonError::Call(failure) => failure.error.sent(),
            _ => Sent::Maybe,
        }
    }

    /// Whether no answer came at all (no connection, a timeout, a broken connection).
    #[must_use]
    pub fn is_unanswered(&self) -> bool {
        self.call_error().is_some_and(CallError::is_unanswered)
    }
}

impl GaroonApiError {
    /// Garoon's error answered with `status`: its message, and its code when it has one
    /// (for a test of one's own that fakes one; cause and counter-measure are empty).
    #[must_use]
    pub fn new(status: u16, error_code: Option<String>, message: impl Into<String>) -> Self {
        GaroonApiError {
            status,
            error_code,
            message: message.into(),
            cause: None,
            counter_measure: None,
        }
    }
}

impl From<CallError<GaroonApiError>> for GaroonError {
    fn from(error: CallError<GaroonApiError>) -> Self {
        GaroonError::Call(Box::new(GaroonCallFailure::new(error)))
    }
}

/// One Garoon call that failed, by layer ([`CallError`] with Garoon's JSON error as the
/// service's), said in Garoon's words.
#[derive(Debug)]
pub struct GaroonCallFailure {
    error: CallError<GaroonApiError>,
}

impl GaroonCallFailure {
    /// A failed call that failed so (for a test of one's own that fakes one).
    #[must_use]
    pub fn new(error: CallError<GaroonApiError>) -> Self {
        GaroonCallFailure { error }
    }

    /// How it failed, by layer.
    #[must_use]
    pub fn error(&self) -> &CallError<GaroonApiError> {
        &self.error
    }

    /// How it failed, owned.
    #[must_use]
    pub fn into_error(self) -> CallError<GaroonApiError> {
        self.error
    }
}

impl fmt::Display for GaroonCallFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.error {
            CallError::Response { raw } => write!(
                f,
                "Garoon answered HTTP {} with a non-JSON body (a proxy or Basic-auth front door?): {}",
                raw.status(),
                raw.snippet()
            ),
            CallError::Service { error, .. } => write!(f, "{error}"),
            other => write!(f, "Garoon: {other}"),
        }
    }
}

impl std::error::Error for GaroonCallFailure {
    /// The layer's cause (the transport's error under no answer); the layer itself is said
    /// in this failure's text.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.error)
    }
}

/// Garoon's JSON error (`{"error": {...}}`), with the HTTP status it came with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Garoon answered HTTP {status} {}: {}", error_code.as_deref().unwrap_or("(no code)"), sentences(message, counter_measure.as_deref()))]
#[non_exhaustive]
pub struct GaroonApiError {
    /// HTTP status.
    pub status: u16,
    /// `GRN_<APP>_<digits>`.
    pub error_code: Option<String>,
    /// Message.
    pub message: String,
    /// Cause.
    pub cause: Option<String>,
    /// What to do.
    pub counter_measure: Option<String>,
}

/// Garoon's message and what to do, as sentences (`"It does not exist. Check the id."`).
fn sentences(message: &str, counter_measure: Option<&str>) -> String {
    match counter_measure.map(str::trim).filter(|c| !c.is_empty()) {
        None => message.to_string(),
        Some(measure) if message.trim_end().ends_with(['.', '。', '!', '?']) => {
            format!("{} {measure}", message.trim_end())
        }
        Some(measure) => format!("{message}; {measure}"),
    }
}
