//! API failures, classified into kinds that do not depend on the server's language.

use crate::catalog::{recognize, Lang, MessageId};
use crate::envelope::StatusCode;
use serde_json::Value;
use std::fmt;

/// What kind of failure the server reported. Independent of the answer's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// The security code expired (idle 5 minutes); log in again.
    SecurityExpired,
    /// The security code is unknown (wrong, replaced by a newer one, or the key was missing).
    SecurityWrong,
    /// The security code was sent as JSON `null`.
    SecurityMissing,
    /// The body lacked a truthy `omflow_restapi` (or was not JSON at all).
    RestApiFlagMissing,
    /// The `/rest/` path does not exist on the server.
    UrlError,
    /// Wrong password, or the user is inactive.
    LoginFailed,
    /// The username does not exist (the server answers with a Python error text).
    UnknownUser,
    /// The username contained `@`: this server cannot log in by email.
    EmailLoginUnsupported,
    /// The password contains `:`: this server cannot split such credentials.
    PasswordContainsColon,
    /// Another username contains this one: every `/rest/` call of this user fails on the server.
    AmbiguousUsername,
    /// The user may not do this (also a push to an unknown `data_id`).
    PermissionDenied,
    /// A required form field of the stop was not submitted.
    MissingRequiredFields,
    /// A required request parameter (such as `action` or `data_no`) was missing.
    MissingParameter,
    /// A required request parameter was empty.
    EmptyParameter,
    /// A request parameter had the wrong format.
    InvalidParameterFormat,
    /// `action` was not `create`, `update` or `delete`.
    InvalidAction,
    /// A `formdata` item was malformed: no `type`/`id`/`value`, an `h_group` value that is
    /// not an object, or a field the ticket table does not have.
    InvalidFormData,
    /// The `data_id` is not the ticket's current open row (already pushed, or ticket closed).
    TicketNotFound,
    /// The ticket is still being processed after a push; retry later.
    TicketRunning,
    /// The ticket is not at a manual (form) stop.
    NotAtManualStop,
    /// The flow is disabled.
    FlowDisabled,
    /// The flow does not allow API calls.
    ApiDisabled,
    /// No deployed flow has this `api_path` (or name).
    FlowNotFound,
    /// The flow has no (or several) released versions.
    FlowNotReleased,
    /// My-missions: the user has no visible missions at all (the server's 404 quirk).
    NoVisibleMissions,
    /// A list query failed; the detail has the server's exception text.
    QueryFailed,
    /// The workflow engine refused a create or push; the detail says why.
    EngineFailed,
    /// Any other exception on the server (status 500).
    ServerError,
    /// A failure this SDK does not recognise.
    Unknown,
}

impl ApiErrorKind {
    /// What to do about it, in one sentence.
    #[must_use]
    pub fn hint(self) -> &'static str {
        use ApiErrorKind::*;
        match self {
            SecurityExpired | SecurityWrong | SecurityMissing => {
                "obtain a new security code (the client does this once by itself)"
            }
            RestApiFlagMissing => "send a JSON object body with \"omflow_restapi\": 1",
            UrlError => "check the server URL and the API path",
            LoginFailed => "check the password and that the user is active",
            UnknownUser => "check the username (login is by exact, case-sensitive username)",
            EmailLoginUnsupported => "log in with the username, not the email address",
            PasswordContainsColon => {
                "this server cannot accept passwords containing ':'; change the password"
            }
            AmbiguousUsername => {
                "another username contains this one; an administrator must rename one of them"
            }
            PermissionDenied => {
                "check the user's group and the flow's permissions, and that the data_id is current"
            }
            MissingRequiredFields => "set every required field of the ticket's current stop",
            MissingParameter | EmptyParameter | InvalidParameterFormat | InvalidAction => {
                "fix the request parameters"
            }
            InvalidFormData => {
                "give every formdata item an id, a type and a value that fits the type"
            }
            TicketNotFound => "look up the ticket's current data_id; it moved on or closed",
            TicketRunning => "wait for the engine to finish the previous push, then retry",
            NotAtManualStop => "the ticket is not waiting for a person; check its stop",
            FlowDisabled => "enable the flow on the server",
            ApiDisabled => "enable API calls for the flow in its settings",
            FlowNotFound => "check the api_path (case-sensitive) and that the flow is deployed",
            FlowNotReleased => "release exactly one version of the flow",
            NoVisibleMissions => "nothing to do: the user has no missions",
            QueryFailed => "check the query's columns and values",
            EngineFailed => "check the ticket's values against the flow",
            ServerError | Unknown => "see the server's message",
        }
    }

    /// Whether the security code was refused: renew it and replay the call once.
    #[must_use]
    pub fn is_security_rejection(self) -> bool {
        matches!(
            self,
            ApiErrorKind::SecurityExpired
                | ApiErrorKind::SecurityWrong
                | ApiErrorKind::SecurityMissing
        )
    }
}

impl fmt::Display for ApiErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ApiErrorKind::*;
        let text = match self {
            SecurityExpired => "security code expired",
            SecurityWrong => "security code wrong",
            SecurityMissing => "security code missing",
            RestApiFlagMissing => "omflow_restapi missing",
            UrlError => "URL error",
            LoginFailed => "login failed",
            UnknownUser => "unknown user",
            EmailLoginUnsupported => "login by email is not supported by the server",
            PasswordContainsColon => "password contains ':'",
            AmbiguousUsername => "ambiguous username on the server",
            PermissionDenied => "permission denied",
            MissingRequiredFields => "missing required fields",
            MissingParameter => "missing parameter",
            EmptyParameter => "empty parameter",
            InvalidParameterFormat => "invalid parameter format",
            InvalidAction => "invalid action",
            InvalidFormData => "invalid form data",
            TicketNotFound => "ticket not found",
            TicketRunning => "ticket is running",
            NotAtManualStop => "ticket is not at a manual stop",
            FlowDisabled => "flow disabled",
            ApiDisabled => "API disabled for the flow",
            FlowNotFound => "flow not found",
            FlowNotReleased => "flow not released",
            NoVisibleMissions => "no visible missions",
            QueryFailed => "query failed",
            EngineFailed => "engine refused the ticket",
            ServerError => "server error",
            Unknown => "API error",
        };
        f.write_str(text)
    }
}

/// A failure the server reported in the envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    status: StatusCode,
    kind: ApiErrorKind,
    message: String,
    detail: Option<String>,
    lang: Option<Lang>,
    result: Value,
}

impl ApiError {
    /// Classifies an envelope's failure.
    pub fn from_envelope(status: StatusCode, message: impl Into<String>, result: Value) -> Self {
        let message = message.into();
        let (kind, detail, lang) = classify(status, &message);
        ApiError {
            status,
            kind,
            message,
            detail,
            lang,
            result,
        }
    }

    /// The envelope status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The language-independent kind.
    #[must_use]
    pub fn kind(&self) -> ApiErrorKind {
        self.kind
    }

    /// The server's message, as sent.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The untranslated text after a prefix message (an exception text), if any.
    #[must_use]
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// The language the message was recognised in, if it is in the catalog.
    #[must_use]
    pub fn lang(&self) -> Option<Lang> {
        self.lang
    }

    /// The envelope's `result` (usually `null`; the parameter checker's object otherwise).
    #[must_use]
    pub fn result(&self) -> &Value {
        &self.result
    }

    /// The parameter names the server's checker named (`result.result`), if any.
    pub fn parameters(&self) -> Vec<String> {
        self.result
            .get("result")
            .and_then(Value::as_array)
            .map(|names| {
                names
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether the same call may succeed later without any change (a running ticket).
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        self.kind == ApiErrorKind::TicketRunning
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (status {}): {}; {}",
            self.kind,
            self.status,
            self.message,
            self.kind.hint()
        )
    }
}

impl std::error::Error for ApiError {}

fn classify(status: StatusCode, message: &str) -> (ApiErrorKind, Option<String>, Option<Lang>) {
    use ApiErrorKind as K;
    if let Some(found) = recognize(message) {
        let detail = (!found.detail.is_empty()).then(|| found.detail.to_string());
        let kind = match found.id {
            MessageId::SecurityUserNotFoundOrInactive => K::LoginFailed,
            MessageId::RestUrlError => K::UrlError,
            MessageId::RestMissingParamPrefix => K::RestApiFlagMissing,
            MessageId::RestSecurityMissing => K::SecurityMissing,
            MessageId::RestSecurityWrong => K::SecurityWrong,
            MessageId::RestSecurityExpired => K::SecurityExpired,
            MessageId::QueryFailedPrefix
                if found.detail == "'NoneType' object has no attribute 'objects'" =>
            {
                K::NoVisibleMissions
            }
            MessageId::QueryFailedPrefix | MessageId::QueryFailed | MessageId::ReadFailed => {
                K::QueryFailed
            }
            MessageId::FlowNotFound | MessageId::FlowNotFoundSetting => K::FlowNotFound,
            MessageId::NoPermission | MessageId::GroupError => K::PermissionDenied,
            MessageId::InvalidAction => K::InvalidAction,
            MessageId::FlowApiDisabled => K::ApiDisabled,
            MessageId::CheckerMissingRequiredParam => K::MissingParameter,
            MessageId::CheckerRequiredParamEmpty => K::EmptyParameter,
            MessageId::CheckerFieldFormatError => K::InvalidParameterFormat,
            MessageId::CreateFailedPrefix | MessageId::PushFailedPrefix => K::EngineFailed,
            MessageId::MissingRequiredFields => K::MissingRequiredFields,
            MessageId::FlowDisabled => K::FlowDisabled,
            MessageId::FlowNoDeployedVersionCreate
            | MessageId::FlowNoDeployedVersionUpdate
            | MessageId::FlowMultipleVersions
            | MessageId::DbNotFoundPrefix => K::FlowNotReleased,
            MessageId::TicketRunning => K::TicketRunning,
            MessageId::NotAtManualStop => K::NotAtManualStop,
            MessageId::DataNotFound => K::TicketNotFound,
            _ if status == StatusCode::SERVER_ERROR => K::ServerError,
            _ => K::Unknown,
        };
        return (kind, detail, Some(found.lang));
    }
    // Untranslated Python / Django exception texts (the same in every language).
    let kind =
        if message.starts_with("Omdata_") && message.ends_with(" matching query does not exist.") {
            K::TicketNotFound
        } else if message == "OmUser matching query does not exist." {
            K::UnknownUser
        } else if message.contains("'username_db'") {
            K::EmailLoginUnsupported
        } else if message.starts_with("too many values to unpack") {
            K::PasswordContainsColon
        } else if message.starts_with("get() returned more than one OmUser") {
            K::AmbiguousUsername
        } else if message == "'NoneType' object has no attribute 'api'" {
            K::FlowNotFound
        } else if matches!(
            message,
            "'type'" | "'id'" | "'value'" | "'group'" | "'user'"
        ) || message.starts_with("string indices must be integers")
            || message == "expected string or bytes-like object"
            || (message.starts_with("Omdata_") && message.contains(" has no field named "))
        {
            K::InvalidFormData
        } else if status == StatusCode::SERVER_ERROR {
            K::ServerError
        } else {
            K::Unknown
        };
    let detail = (kind == K::ServerError || kind == K::Unknown).then(|| message.to_string());
    (kind, detail, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(status: u16, message: &str) -> ApiErrorKind {
        ApiError::from_envelope(StatusCode(status), message, Value::Null).kind()
    }

    #[test]
    fn classification_is_language_independent() {
        for lang in Lang::ALL {
            assert_eq!(
                kind(403, MessageId::RestSecurityExpired.text(lang)),
                ApiErrorKind::SecurityExpired
            );
            assert_eq!(
                kind(403, MessageId::RestSecurityWrong.text(lang)),
                ApiErrorKind::SecurityWrong
            );
            assert_eq!(
                kind(404, MessageId::TicketRunning.text(lang)),
                ApiErrorKind::TicketRunning
            );
            let quirk = format!(
                "{}'NoneType' object has no attribute 'objects'",
                MessageId::QueryFailedPrefix.text(lang)
            );
            assert_eq!(kind(404, &quirk), ApiErrorKind::NoVisibleMissions);
            let failed = format!(
                "{}Negative indexing is not supported.",
                MessageId::QueryFailedPrefix.text(lang)
            );
            let err = ApiError::from_envelope(StatusCode(404), failed, Value::Null);
            assert_eq!(err.kind(), ApiErrorKind::QueryFailed);
            assert_eq!(err.detail(), Some("Negative indexing is not supported."));
            assert!(err.lang().is_some());
        }
    }

    #[test]
    fn raw_exception_texts() {
        assert_eq!(
            kind(
                404,
                "Omdata_dc33fb340034418c8fbb3baf15525e86 matching query does not exist."
            ),
            ApiErrorKind::TicketNotFound
        );
        assert_eq!(
            kind(500, "OmUser matching query does not exist."),
            ApiErrorKind::UnknownUser
        );
        assert_eq!(
            kind(500, "cannot access local variable 'username_db' where it is not associated with a value"),
            ApiErrorKind::EmailLoginUnsupported
        );
        assert_eq!(
            kind(500, "get() returned more than one OmUser -- it returned 2!"),
            ApiErrorKind::AmbiguousUsername
        );
        assert_eq!(
            kind(500, "'NoneType' object has no attribute 'api'"),
            ApiErrorKind::FlowNotFound
        );
        assert_eq!(kind(500, "'type'"), ApiErrorKind::InvalidFormData);
        assert_eq!(
            kind(404, "string indices must be integers, not 'str'"),
            ApiErrorKind::InvalidFormData
        );
        assert_eq!(
            kind(500, "This QueryDict instance is immutable"),
            ApiErrorKind::ServerError
        );
        assert_eq!(kind(404, "something new"), ApiErrorKind::Unknown);
    }

    #[test]
    fn checker_parameters_are_exposed() {
        let result =
            serde_json::json!({"status": "require missing", "result": ["action"], "message": "x"});
        let err = ApiError::from_envelope(
            StatusCode(404),
            MessageId::CheckerMissingRequiredParam.text(Lang::ZhHant),
            result,
        );
        assert_eq!(err.kind(), ApiErrorKind::MissingParameter);
        assert_eq!(err.parameters(), vec!["action".to_string()]);
    }
}
