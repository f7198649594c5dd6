//! One exchange as a step of the recording format, its secrets scrubbed.

use super::multipart::multipart_summary;
use super::recorder::{lock, Shared};
use super::secrets::{hide_body_passwords, Secrets};
use crate::format::{Exchange, OutOfBand, OutOfBandKind, Request, Response, Step};
use base64::Engine as _;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

/// The Basic header's user and password.
fn basic_credentials(header: &str) -> Option<(String, String)> {
    let encoded = header.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// The fake's control calls as the replayer's out-of-band steps.
fn control_step(method: &str, path: &str, body: &[u8]) -> Option<Value> {
    let rest = path.strip_prefix("/__mock/")?;
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    match (method, rest) {
        ("POST", "reset") => Some(json!({"type": "reset"})),
        ("POST", "tokens/expire") => Some(json!({"type": "expire_tokens"})),
        ("POST", "clock/advance") => {
            Some(json!({"type": "advance_clock", "seconds": value["seconds"]}))
        }
        _ => None,
    }
}

/// One exchange in the recordings' format as JSON text, secrets scrubbed. The answer is
/// embedded as the upstream sent it (checked to be JSON, never rebuilt: a page of missions
/// is most of the cost otherwise); only a login answer is parsed, for its security code.
#[allow(clippy::too_many_arguments)]
pub(super) fn record_step(
    state: &Shared,
    parts: &hyper::http::request::Parts,
    path: &str,
    body: &[u8],
    status: u16,
    headers: &reqwest::header::HeaderMap,
    answer: &[u8],
    (elapsed_ms, duration_ms): (u128, u128),
) -> String {
    let method = parts.method.as_str();
    if let Some(action) = control_step(method, parts.uri.path(), body) {
        return step_json(&Step::OutOfBand(OutOfBand {
            kind: OutOfBandKind::OutOfBand,
            action,
            elapsed_ms_since_previous: Some(elapsed_ms),
        }));
    }
    let mut secrets = lock(&state.secrets);
    let request = recorded_request(state, parts, path, body, answer, &mut secrets);
    let response_headers = recorded_response_headers(headers);
    let embedded = embeddable_answer(headers, answer);
    let text = step_text(
        (elapsed_ms, duration_ms),
        request,
        status,
        response_headers,
        embedded,
    );
    // Codes may sit anywhere (paths, bodies, answers): replaced in the text, where a code
    // (hex and hyphens) can only be a string's content.
    secrets.scrub_codes(&text)
}

/// The `request` part of a step: method, Basic user, path, kept headers and body, with
/// every password hidden (and remembered, with a login answer's new code, in `secrets`).
fn recorded_request(
    state: &Shared,
    parts: &hyper::http::request::Parts,
    path: &str,
    body: &[u8],
    answer: &[u8],
    secrets: &mut Secrets,
) -> Map<String, Value> {
    let is_login = parts.uri.path() == omflow_model::paths::SECURITY;
    let issued = login_issued_code(is_login, answer, secrets);
    let mut request = Map::new();
    request.insert("method".into(), json!(parts.method.as_str()));
    let kept_headers = request_headers(parts, is_login, issued, secrets, &mut request);
    let content_type = kept_headers
        .get("Content-Type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let (kind, mut recorded_body) = request_body(body, &content_type, state.options.keep_files);
    hide_body_passwords(&mut recorded_body, secrets);
    request.insert("path".into(), json!(secrets.scrub_passwords(path)));
    request.insert("headers".into(), Value::Object(kept_headers));
    request.insert("body_kind".into(), json!(kind));
    request.insert("body".into(), recorded_body);
    request
}

/// Whether a login answer issued a new security code; the code gets its placeholder
/// before anything is written.
fn login_issued_code(is_login: bool, answer: &[u8], secrets: &mut Secrets) -> bool {
    is_login
        && serde_json::from_slice::<Value>(answer)
            .ok()
            .and_then(|a| {
                a["result"]["security"]
                    .as_str()
                    .map(|code| secrets.placeholder(code))
            })
            .is_some()
}

/// The request headers a step keeps (`Content-Type`), returned; a Basic header becomes
/// `basic_auth` in `request` (its user, and which password), its password remembered.
fn request_headers(
    parts: &hyper::http::request::Parts,
    is_login: bool,
    issued: bool,
    secrets: &mut Secrets,
    request: &mut Map<String, Value>,
) -> Map<String, Value> {
    let mut kept_headers = Map::new();
    for (name, value) in &parts.headers {
        let value = value.to_str().unwrap_or("");
        if name == hyper::header::AUTHORIZATION {
            if let Some((user, password)) = basic_credentials(value) {
                if !secrets.passwords.contains(&password) {
                    secrets.passwords.push(password);
                }
                // Whether the password was the user's own, as the answer tells (a login
                // that issued a code): a replay sends the real one or a wrong one.
                let password = if issued || !is_login {
                    crate::replay::THE_PASSWORD
                } else {
                    crate::replay::A_WRONG_PASSWORD
                };
                request.insert(
                    "basic_auth".into(),
                    json!({"user": user, "password": password}),
                );
            }
        } else if name == hyper::header::CONTENT_TYPE {
            kept_headers.insert("Content-Type".into(), json!(value));
        }
    }
    kept_headers
}

/// A request body as a step records it: its kind and its value (JSON as is, a multipart
/// body summarized unless files are kept, other text as text, anything else base64).
fn request_body(body: &[u8], content_type: &str, keep_files: bool) -> (&'static str, Value) {
    match serde_json::from_slice::<Value>(body) {
        _ if body.is_empty() => ("none", Value::Null),
        Ok(value) => ("json", value),
        Err(_) if content_type.starts_with("multipart/") && !keep_files => {
            ("multipart_summary", multipart_summary(content_type, body))
        }
        Err(_) => match std::str::from_utf8(body) {
            Ok(text) if content_type.starts_with("multipart/") => ("multipart", json!(text)),
            Ok(text) if content_type.starts_with("application/x-www-form-urlencoded") => {
                ("form", json!(text))
            }
            Ok(text) => ("raw", json!(text)),
            Err(_) => (
                "raw_base64",
                json!(base64::engine::general_purpose::STANDARD.encode(body)),
            ),
        },
    }
}

/// The answer headers a step keeps.
fn recorded_response_headers(headers: &reqwest::header::HeaderMap) -> Map<String, Value> {
    let header = |key: &str| {
        headers
            .get(key)
            .and_then(|v| v.to_str().ok())
            .map(|v| Value::String(v.to_string()))
    };
    let mut response_headers = Map::new();
    for key in ["content-type", "location", "content-language"] {
        if let Some(value) = header(key) {
            response_headers.insert(key.into(), value);
        }
    }
    response_headers
}

/// The answer's text when it goes into the step as sent: JSON answers as sent; HTML and
/// other text as status and content type only. A JSON answer is embedded as sent (checked
/// to be JSON, not rebuilt into values).
fn embeddable_answer<'a>(
    headers: &reqwest::header::HeaderMap,
    answer: &'a [u8],
) -> Option<&'a str> {
    let says_json = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    std::str::from_utf8(answer)
        .ok()
        .map(str::trim)
        .filter(|text| says_json && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok())
}

/// The text of an exchange, its answer embedded as the server sent it.
fn step_text(
    (elapsed_ms, duration_ms): (u128, u128),
    mut request: Map<String, Value>,
    status: u16,
    response_headers: Map<String, Value>,
    embedded: Option<&str>,
) -> String {
    let text_of = |key: &str, request: &mut Map<String, Value>| match request.remove(key) {
        Some(Value::String(text)) => text,
        _ => String::new(),
    };
    let (method, path) = (
        text_of("method", &mut request),
        text_of("path", &mut request),
    );
    step_json(&Step::Exchange(Exchange {
        elapsed_ms_since_previous: Some(elapsed_ms),
        duration_ms: Some(duration_ms),
        request: Request {
            method,
            path,
            rest: request,
        },
        response: Response {
            http_status: status,
            headers: response_headers,
            body: embedded.and_then(|raw| RawValue::from_string(raw.to_string()).ok()),
        },
    }))
}

/// A step as one line of JSON.
fn step_json(step: &Step) -> String {
    serde_json::to_string(step)
        .unwrap_or_else(|e| format!("{{\"unwritable_step\":{:?}}}", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::super::writer::endpoint_name;
    use super::*;

    #[test]
    fn file_names_and_credentials() {
        assert_eq!(
            endpoint_name("/rest/my-mission/api/my-mission/list/"),
            "my_mission_api_my_mission_list"
        );
        assert_eq!(
            basic_credentials("Basic YWxpY2U6YWxpY2UtcGFzcw=="),
            Some(("alice".into(), "alice-pass".into()))
        );
        assert_eq!(
            control_step("POST", "/__mock/tokens/expire", b""),
            Some(json!({"type": "expire_tokens"}))
        );
    }
}
