//! What a tester steers the fake with while it runs: the requests it received (filtered by
//! endpoint and user, counted, cleared) and faults (a delay, an HTTP error, a failure
//! envelope, a dropped connection) on chosen endpoints and users, for every call or the next
//! N. The HTTP control API (`/__mock/`) and [`crate::Control`] both use this one
//! implementation.

use omflow_model::Endpoint;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

/// How many received requests the fake keeps (the oldest go first); counts stay exact.
pub const REQUEST_LOG_LIMIT: usize = 10_000;

/// The longest delay a fault may add, in milliseconds (ten minutes).
pub const MAX_FAULT_DELAY_MS: u64 = 600_000;

/// A request the fake received (control calls are not logged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// Its number, from 1, in the order received.
    pub seq: u64,
    /// `GET`, `POST`.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The endpoint, as the OpenAPI document's `operationId` names it (`MyMissions`,
    /// `TicketEdit`), `garoon.soap.<Action>`, `garoon.rest`, `web` or `other`.
    pub endpoint: String,
    /// Who called: the login a Basic or Garoon header (or SOAP envelope) names, as sent, or
    /// the user of the security code; `None` when the request names no one.
    pub user: Option<String>,
    /// The HTTP status answered; `0` when a fault dropped the connection.
    pub status: u16,
    /// The fault that shaped the answer, by its id.
    pub fault: Option<u64>,
}

/// Which received requests (or which calls a fault applies to): every field given must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RequestFilter {
    /// The endpoint's name (see [`ReceivedRequest::endpoint`]).
    #[serde(default)]
    pub endpoint: Option<String>,
    /// The user.
    #[serde(default)]
    pub user: Option<String>,
}

impl RequestFilter {
    /// Every request.
    #[must_use]
    pub fn all() -> Self {
        RequestFilter::default()
    }

    /// Only calls of `endpoint` (`TicketEdit`).
    #[must_use]
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Only calls by `user`.
    #[must_use]
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    fn matches(&self, endpoint: &str, user: Option<&str>) -> bool {
        in_scope(
            self.endpoint.as_deref(),
            self.user.as_deref(),
            endpoint,
            user,
        )
    }
}

/// Whether a call of `endpoint` by `user` is within a scope (a filter's or a fault's): every
/// part given must match.
fn in_scope(
    scope_endpoint: Option<&str>,
    scope_user: Option<&str>,
    endpoint: &str,
    user: Option<&str>,
) -> bool {
    scope_endpoint.is_none_or(|e| e == endpoint) && scope_user.is_none_or(|u| Some(u) == user)
}

/// What a fault does to a call it matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FaultAction {
    /// Answers as usual, `ms` later (the view runs at once).
    Delay {
        /// Milliseconds, at most [`MAX_FAULT_DELAY_MS`].
        ms: u64,
    },
    /// Answers this HTTP status and body instead; the view does not run (nothing changes).
    Http {
        /// The HTTP status (100 to 599).
        status: u16,
        /// The body.
        #[serde(default)]
        body: String,
        /// Its content type (default `text/html`).
        #[serde(default = "html")]
        content_type: String,
    },
    /// Answers HTTP 200 with the server's failure envelope `{"status": status, "message":
    /// message, "result": null}` instead; the view does not run.
    Envelope {
        /// The envelope's status (the real server uses 400, 403, 500).
        status: u16,
        /// Its message.
        message: String,
    },
    /// Drops the connection without an answer: before the view runs (`after: false`,
    /// nothing changes) or after (`after: true`: the change is made and its answer lost).
    /// Only a fake on the plain server drops connections (wiremock cannot).
    Reset {
        /// Whether the view runs first.
        #[serde(default)]
        after: bool,
    },
}

fn html() -> String {
    "text/html".into()
}

/// A fault: what to do ([`FaultAction`]) to which calls, and how many times.
///
/// ```
/// use omflow_mock::{Fault, FaultAction};
/// let fault = Fault::new(FaultAction::Http { status: 503, body: "busy".into(), content_type: "text/plain".into() })
///     .endpoint("TicketEdit")
///     .user("alice")
///     .times(1);
/// assert_eq!(
///     serde_json::to_value(&fault).unwrap(),
///     serde_json::json!({"endpoint": "TicketEdit", "user": "alice", "times": 1, "kind": "http", "status": 503, "body": "busy", "content_type": "text/plain"})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Fault {
    /// Only calls of this endpoint (any when `None`).
    #[serde(default)]
    pub endpoint: Option<String>,
    /// Only calls by this user (any when `None`).
    #[serde(default)]
    pub user: Option<String>,
    /// Only the next this many matching calls (every one when `None`).
    #[serde(default)]
    pub times: Option<u32>,
    /// What it does.
    #[serde(flatten)]
    pub action: FaultAction,
}

impl Fault {
    /// `action` on every call.
    #[must_use]
    pub fn new(action: FaultAction) -> Self {
        Fault {
            endpoint: None,
            user: None,
            times: None,
            action,
        }
    }

    /// Only on calls of `endpoint` (`TicketEdit`, `MyMissions`, `garoon.soap.WorkflowHandleApplications`).
    #[must_use]
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Only on calls by `user`.
    #[must_use]
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// Only the next `n` matching calls.
    #[must_use]
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    fn check(&self, drops_connections: bool) -> Result<(), FaultError> {
        let bad = |why: &str| Err(FaultError(why.to_string()));
        match &self.action {
            FaultAction::Delay { ms } if *ms > MAX_FAULT_DELAY_MS => {
                return bad("a delay is at most 600000 ms (ten minutes)")
            }
            FaultAction::Http { status, .. } if !(200..=599).contains(status) => {
                return bad("an answer's HTTP status is between 200 and 599")
            }
            FaultAction::Http { content_type, .. }
                if http::HeaderValue::from_str(content_type).is_err() =>
            {
                return bad("the content type is not a valid header value")
            }
            FaultAction::Reset { .. } if !drops_connections => {
                return bad("wiremock cannot drop a connection: start the fake with record_requests(false) or standalone for reset faults")
            }
            _ => {}
        }
        if self.times == Some(0) {
            return bad("times is at least 1 (leave it out for every call)");
        }
        if let Some(endpoint) = &self.endpoint {
            check_endpoint(endpoint).map_err(FaultError)?;
        }
        Ok(())
    }
}

/// The endpoint names a fault or a filter may use; a name the fake never logs (a typo, the
/// wrong case) is refused rather than never matching.
pub(crate) fn check_endpoint(name: &str) -> Result<(), String> {
    let known = Endpoint::ALL.iter().any(|e| e.name() == name)
        || matches!(name, "garoon.soap" | "garoon.rest" | "web" | "other")
        || name
            .strip_prefix("garoon.soap.")
            .is_some_and(|action| !action.is_empty());
    if known {
        return Ok(());
    }
    let names: Vec<&str> = Endpoint::ALL.iter().map(|e| e.name()).collect();
    let close = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(name))
        .map(|n| format!(" (did you mean {n}?)"))
        .unwrap_or_default();
    Err(format!(
        "no endpoint named {name:?}{close}; the names are {}, garoon.soap.<Action>, garoon.rest, web and other",
        names.join(", ")
    ))
}

/// The members a fault of `kind` may have, besides `kind`, `endpoint`, `user` and `times`.
pub(crate) fn fault_members(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "delay" => &["ms"],
        "http" => &["status", "body", "content_type"],
        "envelope" => &["status", "message"],
        "reset" => &["after"],
        _ => return None,
    })
}

/// A fault the fake does not take, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("fault not added: {0}")]
pub struct FaultError(pub String);

/// A fault in effect, with the id to remove it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ActiveFault {
    /// Its id.
    pub id: u64,
    /// The fault (its `times` counts down).
    #[serde(flatten)]
    pub fault: Fault,
}

/// A logged request as kept: names shared, not copied, where they are static.
#[derive(Debug)]
struct Entry {
    seq: u64,
    method: Cow<'static, str>,
    path: Box<str>,
    endpoint: Cow<'static, str>,
    user: Option<String>,
    status: u16,
    fault: Option<u64>,
}

impl Entry {
    fn to_request(&self) -> ReceivedRequest {
        ReceivedRequest {
            seq: self.seq,
            method: self.method.to_string(),
            path: self.path.to_string(),
            endpoint: self.endpoint.to_string(),
            user: self.user.clone(),
            status: self.status,
            fault: self.fault,
        }
    }
}

/// Calls counted by endpoint, then by user (the first number: no one the fake knows).
#[derive(Debug, Default)]
struct Counts(BTreeMap<Cow<'static, str>, (u64, BTreeMap<String, u64>)>);

impl Counts {
    // The Cow is cloned into the map, so a static name stays borrowed.
    #[allow(clippy::ptr_arg)]
    fn add(&mut self, endpoint: &Cow<'static, str>, user: Option<&str>) {
        if !self.0.contains_key(endpoint.as_ref()) {
            self.0.insert(endpoint.clone(), (0, BTreeMap::new()));
        }
        let Some(by_user) = self.0.get_mut(endpoint.as_ref()) else {
            return;
        };
        match user {
            None => by_user.0 += 1,
            Some(user) => match by_user.1.get_mut(user) {
                Some(n) => *n += 1,
                None => {
                    by_user.1.insert(user.to_string(), 1);
                }
            },
        }
    }

    fn matching(&self, filter: &RequestFilter) -> u64 {
        self.0
            .iter()
            .filter(|(endpoint, _)| {
                filter
                    .endpoint
                    .as_deref()
                    .is_none_or(|e| e == endpoint.as_ref())
            })
            .map(|(_, (anonymous, by_user))| match filter.user.as_deref() {
                Some(user) => by_user.get(user).copied().unwrap_or(0),
                None => anonymous + by_user.values().sum::<u64>(),
            })
            .sum()
    }
}

#[derive(Debug, Default)]
struct Log {
    next_seq: u64,
    kept: VecDeque<Entry>,
    counts: Counts,
}

#[derive(Debug, Default)]
struct Faults {
    next_id: u64,
    active: Vec<ActiveFault>,
}

/// The request log and the faults of one fake.
#[derive(Debug)]
pub(crate) struct Steering {
    log: Mutex<Log>,
    faults: Mutex<Faults>,
    /// How many faults are in effect, and how many of them name a user (read without the
    /// lock on every request).
    active: AtomicUsize,
    user_scoped: AtomicUsize,
    /// Whether the server behind can drop a connection (the plain server can, wiremock not).
    pub(crate) drops_connections: bool,
}

pub(crate) fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Steering {
    pub(crate) fn new(drops_connections: bool) -> Self {
        Steering {
            log: Mutex::default(),
            faults: Mutex::default(),
            active: AtomicUsize::new(0),
            user_scoped: AtomicUsize::new(0),
            drops_connections,
        }
    }

    /// Logs a request; returns its number.
    pub(crate) fn record(
        &self,
        method: &str,
        path: &str,
        endpoint: Cow<'static, str>,
        user: Option<String>,
        status: u16,
        fault: Option<u64>,
    ) -> u64 {
        let method = match method {
            "GET" => Cow::Borrowed("GET"),
            "POST" => Cow::Borrowed("POST"),
            other => Cow::Owned(other.to_string()),
        };
        let mut log = locked(&self.log);
        log.next_seq += 1;
        let seq = log.next_seq;
        log.counts.add(&endpoint, user.as_deref());
        if log.kept.len() == REQUEST_LOG_LIMIT {
            log.kept.pop_front();
        }
        log.kept.push_back(Entry {
            seq,
            method,
            path: path.into(),
            endpoint,
            user,
            status,
            fault,
        });
        seq
    }

    pub(crate) fn requests(&self, filter: &RequestFilter) -> Vec<ReceivedRequest> {
        locked(&self.log)
            .kept
            .iter()
            .filter(|r| filter.matches(&r.endpoint, r.user.as_deref()))
            .map(Entry::to_request)
            .collect()
    }

    pub(crate) fn count(&self, filter: &RequestFilter) -> u64 {
        locked(&self.log).counts.matching(filter)
    }

    /// Forgets every logged request; returns how many there were.
    pub(crate) fn clear_requests(&self) -> u64 {
        let mut log = locked(&self.log);
        let n = log.counts.matching(&RequestFilter::all());
        log.kept.clear();
        log.counts = Counts::default();
        n
    }

    /// Whether a fault in effect names a user (so the caller must be known before the view).
    pub(crate) fn has_user_faults(&self) -> bool {
        self.user_scoped.load(Ordering::Acquire) > 0
    }

    /// Recounts the faults after a change (under the faults' lock).
    fn recount(&self, faults: &Faults) {
        self.active.store(faults.active.len(), Ordering::Release);
        let scoped = faults
            .active
            .iter()
            .filter(|f| f.fault.user.is_some())
            .count();
        self.user_scoped.store(scoped, Ordering::Release);
    }

    pub(crate) fn add_fault(&self, fault: Fault) -> Result<u64, FaultError> {
        fault.check(self.drops_connections)?;
        let mut faults = locked(&self.faults);
        faults.next_id += 1;
        let id = faults.next_id;
        faults.active.push(ActiveFault { id, fault });
        self.recount(&faults);
        Ok(id)
    }

    pub(crate) fn faults(&self) -> Vec<ActiveFault> {
        locked(&self.faults).active.clone()
    }

    pub(crate) fn remove_fault(&self, id: u64) -> bool {
        let mut faults = locked(&self.faults);
        let before = faults.active.len();
        faults.active.retain(|f| f.id != id);
        self.recount(&faults);
        faults.active.len() < before
    }

    pub(crate) fn clear_faults(&self) -> usize {
        let mut faults = locked(&self.faults);
        let n = std::mem::take(&mut faults.active).len();
        self.recount(&faults);
        n
    }

    /// The first fault (in the order added) that matches a call, counted down.
    pub(crate) fn take_fault(
        &self,
        endpoint: &str,
        user: Option<&str>,
    ) -> Option<(u64, FaultAction)> {
        if self.active.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut faults = locked(&self.faults);
        let index = faults.active.iter().position(|f| {
            in_scope(
                f.fault.endpoint.as_deref(),
                f.fault.user.as_deref(),
                endpoint,
                user,
            )
        })?;
        let active = &mut faults.active[index];
        let taken = (active.id, active.fault.action.clone());
        match &mut active.fault.times {
            Some(1) => {
                faults.active.remove(index);
                self.recount(&faults);
            }
            Some(n) => *n -= 1,
            None => {}
        }
        Some(taken)
    }
}

/// The endpoint a request calls, by the names [`ReceivedRequest::endpoint`] lists.
pub(crate) fn endpoint_of(path: &str, body: &[u8]) -> Cow<'static, str> {
    let resolved = if path.ends_with('/') {
        Endpoint::resolve(path).map(|(endpoint, _)| endpoint)
    } else {
        Endpoint::resolve(&format!("{path}/")).map(|(endpoint, _)| endpoint)
    };
    if let Some(endpoint) = resolved {
        return Cow::Borrowed(endpoint.name());
    }
    if path.starts_with("/g/cbpapi/") {
        return match element_text(body, "Action") {
            Some(action) => Cow::Owned(format!("garoon.soap.{action}")),
            None => Cow::Borrowed("garoon.soap"),
        };
    }
    if path.starts_with("/g/api/") {
        return Cow::Borrowed("garoon.rest");
    }
    if path == omflow_model::web::LOGIN || path.starts_with(omflow_model::web::DOWNLOAD_PREFIX) {
        return Cow::Borrowed("web");
    }
    Cow::Borrowed("other")
}

/// The trimmed text of the first `<name>` element of an XML body, found without parsing it
/// (a SOAP envelope's `Action` and `Username`).
pub(crate) fn element_text(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let open = format!("<{name}>");
    let start = text.find(&open)? + open.len();
    let end = start + text[start..].find(&format!("</{name}>"))?;
    let value = text[start..end].trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// The value of the `security` member of a JSON, form or multipart body, found without parsing
/// it (a file part may hold any bytes).
pub(crate) fn security_code(body: &[u8]) -> Option<String> {
    const KEY: &[u8] = b"security";
    let mut from = 0;
    while let Some(found) = find(&body[from..], KEY) {
        let at = from + found;
        from = at + KEY.len();
        let before = at.checked_sub(1).map(|i| body[i]);
        let after = &body[from..];
        let value = match before {
            // multipart: name="security" then the part's value after the blank line
            Some(b'"') if body[..at].ends_with(b"name=\"") => {
                after.strip_prefix(b"\"").and_then(|rest| {
                    let start = find(rest, b"\r\n\r\n")? + 4;
                    let value = &rest[start..];
                    Some(value[..find(value, b"\r\n").unwrap_or(value.len())].to_vec())
                })
            }
            // JSON: "security": "..."
            Some(b'"') => after.strip_prefix(b"\"").and_then(|rest| {
                let rest = trim_start(rest).strip_prefix(b":")?;
                let rest = trim_start(rest).strip_prefix(b"\"")?;
                Some(rest[..find(rest, b"\"")?].to_vec())
            }),
            // a form: security=... at the start or after '&'
            None | Some(b'&') => after.strip_prefix(b"=").map(|rest| {
                let raw = &rest[..rest.iter().position(|b| *b == b'&').unwrap_or(rest.len())];
                url::form_urlencoded::parse(&[b"v=", raw].concat())
                    .next()
                    .map(|(_, v)| v.into_owned().into_bytes())
                    .unwrap_or_default()
            }),
            _ => None,
        };
        if let Some(value) = value.and_then(|v| String::from_utf8(v).ok()) {
            if !value.is_empty() {
                return Some(value);
            }
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_for_the_next_n_calls_runs_out() {
        let steering = Steering::new(true);
        let id = steering
            .add_fault(
                Fault::new(FaultAction::Delay { ms: 5 })
                    .endpoint("MyMissions")
                    .times(2),
            )
            .unwrap();
        assert_eq!(steering.take_fault("TicketEdit", None), None);
        assert_eq!(
            steering
                .take_fault("MyMissions", Some("alice"))
                .map(|f| f.0),
            Some(id)
        );
        assert_eq!(steering.faults()[0].fault.times, Some(1));
        assert!(steering.take_fault("MyMissions", None).is_some());
        assert!(steering.take_fault("MyMissions", None).is_none(), "ran out");
        assert!(steering.faults().is_empty());
    }

    #[test]
    fn faults_a_server_cannot_give_are_refused() {
        let wiremock = Steering::new(false);
        let reset = Fault::new(FaultAction::Reset { after: true });
        assert!(wiremock
            .add_fault(reset.clone())
            .unwrap_err()
            .0
            .contains("record_requests(false)"));
        assert!(Steering::new(true).add_fault(reset).is_ok());
        let http = |status| FaultAction::Http {
            status,
            body: String::new(),
            content_type: html(),
        };
        assert!(wiremock.add_fault(Fault::new(http(600))).is_err());
        assert!(wiremock.add_fault(Fault::new(http(503)).times(0)).is_err());
        assert!(wiremock
            .add_fault(Fault::new(FaultAction::Delay {
                ms: MAX_FAULT_DELAY_MS + 1
            }))
            .is_err());
    }

    #[test]
    fn the_log_keeps_the_newest_and_counts_them_all() {
        let steering = Steering::new(true);
        for i in 0..REQUEST_LOG_LIMIT + 5 {
            let endpoint = if i % 2 == 0 { "A" } else { "B" };
            steering.record(
                "POST",
                "/x",
                Cow::Borrowed(endpoint),
                Some("alice".into()),
                200,
                None,
            );
        }
        let kept = steering.requests(&RequestFilter::all());
        assert_eq!(kept.len(), REQUEST_LOG_LIMIT);
        assert_eq!(kept[0].seq, 6, "the five oldest went first");
        assert_eq!(
            steering.count(&RequestFilter::all()),
            (REQUEST_LOG_LIMIT + 5) as u64
        );
        assert_eq!(
            steering.count(&RequestFilter::all().endpoint("A").user("alice")),
            (REQUEST_LOG_LIMIT / 2 + 3) as u64
        );
        assert_eq!(steering.count(&RequestFilter::all().user("bob")), 0);
        assert_eq!(steering.clear_requests(), (REQUEST_LOG_LIMIT + 5) as u64);
        assert!(steering.requests(&RequestFilter::all()).is_empty());
    }

    #[test]
    fn who_and_what_are_read_from_the_bytes() {
        assert_eq!(
            security_code(br#"{"omflow_restapi": true, "security" : "ab12"}"#).as_deref(),
            Some("ab12")
        );
        assert_eq!(
            security_code(b"omflow_restapi=1&security=ab%2012").as_deref(),
            Some("ab 12")
        );
        assert_eq!(security_code(b"{}"), None);
        assert_eq!(
            security_code(b"note=security+x&security=abc").as_deref(),
            Some("abc"),
            "a value that says security is not the member"
        );
        let multipart = b"--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a\"\r\n\r\n\xff\xfe\r\n--b\r\nContent-Disposition: form-data; name=\"security\"\r\n\r\nab12\r\n--b--\r\n";
        assert_eq!(security_code(multipart).as_deref(), Some("ab12"));
        let soap = b"<soap:Header><Action>\n  WorkflowHandleApplications\n</Action><Username>alice</Username>";
        assert_eq!(
            element_text(soap, "Action").as_deref(),
            Some("WorkflowHandleApplications")
        );
        assert_eq!(
            endpoint_of("/g/cbpapi/workflow/api.csp", soap),
            "garoon.soap.WorkflowHandleApplications"
        );
        assert_eq!(
            endpoint_of("/g/api/v1/workflow/requests/1", b""),
            "garoon.rest"
        );
        assert_eq!(endpoint_of("/nowhere", b""), "other");
    }
}
