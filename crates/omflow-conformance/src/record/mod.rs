//! A recording reverse proxy: forwards every request to an upstream OMFLOW server unchanged
//! and writes each exchange to `DIR/NNN_<endpoint>.json` as it happens, in the format of the
//! recorded sessions (`fixtures/omflow/session/`), so that [`crate::replay`] can replay it
//! against a fake.
//!
//! The answer goes back to the client first; a writer thread scrubs the exchange and writes
//! its file right after (to a partial file, then renamed), so the disk does not slow the
//! client down. [`Recorder::flush`] (and `omflow record` on Ctrl-C) waits until every answered
//! exchange is written; a crash loses at most the exchanges answered in the moment before it
//! (the one being written and at most [`WRITE_QUEUE`] queued: beyond that, answers wait for
//! the disk). Dropping the recorder stops it accepting connections; call `flush` first, or
//! the exchanges still queued are lost if the process exits.
//!
//! Secrets never reach the files: a Basic header is kept as its user only (no password, no
//! header), every security code is written as a stable placeholder `<security:N>` in requests
//! and answers alike, a password a request body sets (`user/add`'s `token`) is written as
//! `<password>`, and every password seen (Basic or body) is replaced wherever else it
//! appears. The fake's control calls (`/__mock/...`) are forwarded and written as the
//! out-of-band steps the replayer applies to a fake (clock, token expiry, reset).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use omflow_conformance::record::{RecordOptions, Recorder};
//!
//! let options = RecordOptions::new("https://omflow.example.com", "recording".into());
//! let recorder = Recorder::start("127.0.0.1:8001", options).await?;
//! println!("point OMFLOW_URL at {}", recorder.uri());
//! recorder.finished().await; // after --max-exchanges (or stop on Ctrl-C, then flush)
//! println!("{} exchanges written", recorder.exchanges());
//! # Ok(()) }
//! ```

use crate::format::{Exchange, OutOfBand, OutOfBandKind, Request, Response, Step};
use aho_corasick::{AhoCorasick, MatchKind};
use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming as Body;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// What a recording keeps and how much.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordOptions {
    /// The server every request goes to (`https://omflow.example.com`).
    pub upstream: String,
    /// The directory the exchange files are written to (created if missing).
    pub out: PathBuf,
    /// Stop recording (and answer 503) after this many exchanges.
    pub max_exchanges: Option<usize>,
    /// The largest request or answer body recorded; larger ones are refused with 413.
    pub max_body_bytes: usize,
    /// Keep multipart bodies whole (file contents included); otherwise only their parts'
    /// names and sizes.
    pub keep_files: bool,
}

impl RecordOptions {
    /// Records everything sent to `upstream` into `out`, multipart file contents left out,
    /// bodies up to 32 MiB.
    #[must_use]
    pub fn new(upstream: &str, out: PathBuf) -> Self {
        RecordOptions {
            upstream: upstream.trim_end_matches('/').to_string(),
            out,
            max_exchanges: None,
            max_body_bytes: 32 * 1024 * 1024,
            keep_files: false,
        }
    }

    /// Stops after `n` exchanges.
    #[must_use]
    pub fn max_exchanges(mut self, n: usize) -> Self {
        self.max_exchanges = Some(n);
        self
    }

    /// Keeps multipart bodies whole.
    #[must_use]
    pub fn keep_files(mut self, keep: bool) -> Self {
        self.keep_files = keep;
        self
    }

    /// The largest body recorded.
    #[must_use]
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }
}

/// Why a recording could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}")]
    Listen {
        /// The address asked for.
        addr: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The output directory could not be created.
    #[error("cannot create {path}")]
    Output {
        /// The directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The HTTP client for the upstream could not be built.
    #[error("cannot build the HTTP client")]
    Client(#[source] reqwest::Error),
    /// The output directory holds files already (an earlier recording's would mix with
    /// this one's, which starts at `001`).
    #[error("{path} is not empty: record into a new or empty directory")]
    OutputNotEmpty {
        /// The directory.
        path: PathBuf,
    },
    /// The upstream is not an `http://` or `https://` URL.
    #[error("the upstream {url:?} is not a server URL: {problem}")]
    Upstream {
        /// The URL as given, without a user or password.
        url: String,
        /// What is wrong with it.
        problem: String,
    },
}

/// The placeholders of the security codes seen so far, and the passwords to hide.
#[derive(Default)]
struct Secrets {
    codes: HashMap<String, String>,
    /// Finds every known code (any case) in one pass; rebuilt when a code is added.
    matcher: Option<(AhoCorasick, Vec<String>)>,
    passwords: Vec<String>,
}

impl Secrets {
    fn placeholder(&mut self, code: &str) -> String {
        if code.is_empty() {
            // Nothing to hide, and an empty pattern would match everywhere.
            return String::new();
        }
        let next = self.codes.len() + 1;
        let placeholder = self
            .codes
            .entry(code.to_string())
            .or_insert_with(|| format!("<security:{next}>"))
            .clone();
        if self.codes.len() == next {
            let (codes, placeholders): (Vec<&String>, Vec<String>) =
                self.codes.iter().map(|(c, p)| (c, p.clone())).unzip();
            // Codes are hex and hyphens: ASCII case-insensitivity is "any case".
            self.matcher = AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(codes)
                .ok()
                .map(|matcher| (matcher, placeholders));
        }
        placeholder
    }

    /// `text` with every known code (any case) replaced.
    fn scrub_codes(&self, text: &str) -> String {
        if let Some((matcher, placeholders)) = &self.matcher {
            return matcher.replace_all(text, placeholders);
        }
        // No matcher (no code yet, or one could not be built): code by code.
        let mut out = text.to_string();
        for (code, placeholder) in &self.codes {
            for form in [
                code.to_ascii_lowercase(),
                code.to_ascii_uppercase(),
                code.clone(),
            ] {
                if out.contains(form.as_str()) {
                    out = out.replace(form.as_str(), placeholder);
                }
            }
        }
        out
    }

    /// A string value with every password in it replaced.
    fn scrub_passwords(&self, text: &str) -> String {
        let mut out = text.to_string();
        for password in &self.passwords {
            if !password.is_empty() {
                out = out.replace(password.as_str(), "<password>");
            }
        }
        out
    }
}

/// How many answered exchanges may wait for the disk before answers wait for it.
pub const WRITE_QUEUE: usize = 64;

/// What the proxy and the writer thread share.
struct Shared {
    options: RecordOptions,
    secrets: Mutex<Secrets>,
    progress: Mutex<Progress>,
    /// Told whenever an exchange is done (written, or failed).
    written: Notify,
}

#[derive(Default)]
struct Progress {
    /// Exchanges accepted (numbered) so far.
    started: usize,
    /// Exchanges written to their files.
    written: usize,
    /// Exchanges that will not be written: the upstream did not answer (the client got 502),
    /// the writer had stopped, or the file could not be written.
    failed: usize,
    /// Why, one line per failed exchange (the first [`MAX_FAILURES_KEPT`]).
    failures: Vec<String>,
    /// When the last exchange started.
    last_start: Option<Instant>,
}

/// One answered exchange, on its way to its file.
struct Job {
    seq: usize,
    parts: hyper::http::request::Parts,
    path_and_query: String,
    body: Bytes,
    status: u16,
    headers: reqwest::header::HeaderMap,
    answer: Bytes,
    timing: (u128, u128),
}

/// What the writer thread receives.
enum ToWriter {
    /// An exchange to write.
    Exchange(Box<Job>),
    /// Answered when every message sent before it is done.
    Barrier(tokio::sync::oneshot::Sender<()>),
}

struct State {
    shared: Arc<Shared>,
    http: reqwest::Client,
    /// The writer thread's queue: exchanges are scrubbed and written there, in the order
    /// they were answered, so the answer is not held back by the disk. Bounded: when the
    /// disk falls [`WRITE_QUEUE`] exchanges behind, answers wait for it.
    writer: tokio::sync::mpsc::Sender<ToWriter>,
}

/// A running recorder; stops when dropped.
pub struct Recorder {
    addr: SocketAddr,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("addr", &self.addr)
            .field("upstream", &self.state.shared.options.upstream)
            .finish_non_exhaustive()
    }
}

impl Recorder {
    /// Listens on `listen` (`127.0.0.1:0` picks a port) and records into `options.out`.
    ///
    /// # Errors
    /// [`RecordError::Upstream`] for an upstream that is not an `http(s)://` URL,
    /// [`RecordError::OutputNotEmpty`] for an output directory with files in it (both
    /// checked before anything is created), [`RecordError::Listen`],
    /// [`RecordError::Output`] or [`RecordError::Client`].
    pub async fn start(listen: &str, options: RecordOptions) -> Result<Recorder, RecordError> {
        crate::replay::server_base_url(&options.upstream).map_err(|problem| {
            RecordError::Upstream {
                url: crate::replay::url_for_messages(&options.upstream),
                problem,
            }
        })?;
        // A recording starts at 001: files of an earlier one would mix with it.
        if let Ok(mut entries) = std::fs::read_dir(&options.out) {
            if entries.next().is_some() {
                return Err(RecordError::OutputNotEmpty {
                    path: options.out.clone(),
                });
            }
        }
        let listener = TcpListener::bind(listen)
            .await
            .map_err(|source| RecordError::Listen {
                addr: listen.to_string(),
                source,
            })?;
        // Created once the address is ours: a recorder that cannot start leaves nothing.
        std::fs::create_dir_all(&options.out).map_err(|source| RecordError::Output {
            path: options.out.clone(),
            source,
        })?;
        let addr = listener
            .local_addr()
            .map_err(|source| RecordError::Listen {
                addr: listen.to_string(),
                source,
            })?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(RecordError::Client)?;
        let shared = Arc::new(Shared {
            options,
            secrets: Mutex::new(Secrets::default()),
            progress: Mutex::new(Progress::default()),
            written: Notify::new(),
        });
        let (writer, mut jobs) = tokio::sync::mpsc::channel::<ToWriter>(WRITE_QUEUE);
        let for_writer = shared.clone();
        std::thread::Builder::new()
            .name("omflow-record-writer".into())
            .spawn(move || {
                // Ends when the proxy (the only sender) is gone.
                while let Some(message) = jobs.blocking_recv() {
                    match message {
                        ToWriter::Exchange(job) => write_exchange(&for_writer, *job),
                        ToWriter::Barrier(done) => {
                            let _ = done.send(());
                        }
                    }
                }
            })
            .map_err(|source| RecordError::Output {
                path: shared.options.out.clone(),
                source,
            })?;
        let state = Arc::new(State {
            shared,
            http,
            writer,
        });
        let task =
            omflow_mock::accept::serve(listener, state.clone(), |state, request| async move {
                proxy(&state, request).await
            });
        Ok(Recorder { addr, state, task })
    }

    /// The base URL to point clients at.
    #[must_use]
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Exchanges written to their files so far.
    #[must_use]
    pub fn exchanges(&self) -> usize {
        lock(&self.state.shared.progress).written
    }

    /// Exchanges that were not written: the upstream did not answer (the client got HTTP
    /// 502), or the file could not be written.
    #[must_use]
    pub fn failed(&self) -> usize {
        lock(&self.state.shared.progress).failed
    }

    /// Why exchanges were not written, one line each (`exchange N: ...`), in the order they
    /// failed; at most [`MAX_FAILURES_KEPT`] ([`Recorder::failed`] counts them all).
    #[must_use]
    pub fn failures(&self) -> Vec<String> {
        lock(&self.state.shared.progress).failures.clone()
    }

    /// Waits until `max_exchanges` have been taken and each of them is done: written, or
    /// failed (forever without a limit).
    pub async fn finished(&self) {
        let shared = &self.state.shared;
        let Some(max) = shared.options.max_exchanges else {
            return std::future::pending().await;
        };
        loop {
            let notified = shared.written.notified();
            {
                let progress = lock(&shared.progress);
                if progress.started >= max && progress.written + progress.failed >= progress.started
                {
                    return;
                }
            }
            notified.await;
        }
    }

    /// Waits until every exchange answered so far is written to its file (the answer goes
    /// back to the client first; a writer thread scrubs and writes it right after). Returns
    /// at once if the writer has stopped.
    pub async fn flush(&self) {
        let (done, wait) = tokio::sync::oneshot::channel();
        if self
            .state
            .writer
            .send(ToWriter::Barrier(done))
            .await
            .is_ok()
        {
            let _ = wait.await;
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn plain(status: u16, text: &str) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "text/plain; charset=utf-8")
        .body(Full::new(Bytes::from(text.to_string())))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
}

/// The endpoint part of a file name: the path's letters, `_` for the rest.
fn endpoint_name(path: &str) -> String {
    let trimmed = path
        .trim_start_matches("/rest/")
        .trim_start_matches('/')
        .trim_end_matches('/');
    let mut name: String = trimmed
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    name.truncate(80);
    if name.is_empty() {
        "root".into()
    } else {
        name
    }
}

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

async fn proxy(state: &State, request: hyper::Request<Body>) -> hyper::Response<Full<Bytes>> {
    let options = &state.shared.options;
    let (parts, body) = request.into_parts();
    let Ok(collected) = Limited::new(body, options.max_body_bytes).collect().await else {
        return plain(
            413,
            "the recorder's body limit was reached; raise --max-body-bytes",
        );
    };
    let body = collected.to_bytes();
    let started = Instant::now();
    let (seq, elapsed_ms) = {
        let mut progress = lock(&state.shared.progress);
        if options
            .max_exchanges
            .is_some_and(|max| progress.started >= max)
        {
            return plain(
                503,
                "the recorder reached --max-exchanges and records no more",
            );
        }
        progress.started += 1;
        let elapsed = progress
            .last_start
            .map_or(0, |previous| started.duration_since(previous).as_millis());
        progress.last_start = Some(started);
        (progress.started, elapsed)
    };
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();

    // Forward unchanged (Host is the upstream's).
    let method = reqwest::Method::from_bytes(parts.method.as_str().as_bytes())
        .unwrap_or(reqwest::Method::GET);
    let mut upstream = state
        .http
        .request(method, format!("{}{path_and_query}", options.upstream));
    for (name, value) in &parts.headers {
        if name != hyper::header::HOST && name != hyper::header::CONTENT_LENGTH {
            upstream = upstream.header(name.as_str(), value.as_bytes());
        }
    }
    let answer = upstream.body(body.clone()).send().await;
    let (status, headers, answer_body) = match answer {
        Ok(response) => {
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            match response.bytes().await {
                Ok(bytes) => (status, headers, bytes),
                Err(e) => {
                    let why = format!("the upstream answer broke off: {}", chain(&e));
                    state.shared.fail(format!("exchange {seq}: {why}"));
                    return plain(502, &why);
                }
            }
        }
        Err(e) => {
            let why = format!("the upstream did not answer: {}", chain(&e));
            state.shared.fail(format!("exchange {seq}: {why}"));
            return plain(502, &why);
        }
    };
    let duration_ms = started.elapsed().as_millis();

    let mut response = hyper::Response::builder().status(status);
    for (name, value) in &headers {
        if name != reqwest::header::CONTENT_LENGTH && name != reqwest::header::TRANSFER_ENCODING {
            response = response.header(name.as_str(), value.as_bytes());
        }
    }
    let job = Job {
        seq,
        parts,
        path_and_query,
        body,
        status,
        headers,
        answer: answer_body.clone(),
        timing: (elapsed_ms, duration_ms),
    };
    // Queued before the answer leaves, so a code a login issues has its placeholder before
    // any later exchange that uses it is written.
    if state
        .writer
        .send(ToWriter::Exchange(Box::new(job)))
        .await
        .is_err()
    {
        // The upstream has answered (and may have acted): the client gets that answer, and
        // the failures say that the recording misses it.
        state.shared.fail(format!(
            "exchange {seq}: answered, but the writer has stopped"
        ));
    }
    response
        .body(Full::new(answer_body))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
}

/// Scrubs one exchange and writes it to `NNN_<endpoint>.json` (written then renamed: a crash
/// loses at most the exchanges not yet written, those answered in the moment before it).
fn write_exchange(shared: &Shared, job: Job) {
    let text = record_step(
        shared,
        &job.parts,
        &job.path_and_query,
        &job.body,
        job.status,
        &job.headers,
        &job.answer,
        job.timing,
    );
    let name = format!(
        "{:03}_{}.json",
        job.seq,
        endpoint_name(job.parts.uri.path())
    );
    let path = shared.options.out.join(&name);
    let partial = shared.options.out.join(format!(".{name}.partial"));
    match std::fs::write(&partial, text).and_then(|()| std::fs::rename(&partial, &path)) {
        Ok(()) => {
            lock(&shared.progress).written += 1;
            shared.written.notify_waiters();
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            shared.fail(format!(
                "exchange {}: writing {}: {e}",
                job.seq,
                path.display()
            ));
        }
    }
}

impl Shared {
    /// Counts an exchange that will not be written, and keeps why.
    fn fail(&self, why: String) {
        {
            let mut progress = lock(&self.progress);
            progress.failed += 1;
            if progress.failures.len() < MAX_FAILURES_KEPT {
                progress.failures.push(why);
            }
        }
        self.written.notify_waiters();
    }
}

/// How many failure lines a recorder keeps (the count goes on).
pub const MAX_FAILURES_KEPT: usize = 100;

/// An error and its sources, as one line ("error sending request" alone says nothing).
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
/// The request body fields that carry a password in clear (`user/add` sends the new
/// user's password as `token`).
const PASSWORD_FIELDS: [&str; 2] = ["token", "password"];

/// Replaces every string that holds a password, at any depth of a request body.
fn scrub_passwords(value: &mut Value, secrets: &Secrets) {
    match value {
        Value::String(text)
            if secrets
                .passwords
                .iter()
                .any(|p| !p.is_empty() && text.contains(p.as_str())) =>
        {
            *text = secrets.scrub_passwords(text);
        }
        Value::Array(items) => items.iter_mut().for_each(|v| scrub_passwords(v, secrets)),
        Value::Object(map) => map.values_mut().for_each(|v| scrub_passwords(v, secrets)),
        _ => {}
    }
}

/// One exchange in the recordings' format as JSON text, secrets scrubbed. The answer is
/// embedded as the upstream sent it (checked to be JSON, never rebuilt: a page of missions
/// is most of the cost otherwise); only a login answer is parsed, for its security code.
#[allow(clippy::too_many_arguments)]
fn record_step(
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

/// Hides the passwords in a recorded request body.
fn hide_body_passwords(recorded_body: &mut Value, secrets: &mut Secrets) {
    // A password a body sets (user/add's `token`) is hidden as a Basic one is: the field
    // itself, and the text wherever it appears in this and every later exchange.
    if let Value::Object(fields) = recorded_body {
        for key in PASSWORD_FIELDS {
            if let Some(Value::String(password)) = fields.get_mut(key) {
                let password = std::mem::replace(password, crate::replay::THE_PASSWORD.into());
                if !password.is_empty() && !secrets.passwords.contains(&password) {
                    secrets.passwords.push(password);
                }
            }
        }
    }
    scrub_passwords(recorded_body, secrets);
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

/// A multipart body's parts as names, file names and sizes (in bytes, as sent: a part's
/// content is everything between its blank line and the CRLF before the next delimiter).
fn multipart_summary(content_type: &str, body: &[u8]) -> Value {
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"'))
        .filter(|b| !b.is_empty());
    let Some(delimiters) =
        boundary.and_then(|b| AhoCorasick::new([format!("--{b}").into_bytes()]).ok())
    else {
        return json!({"parts": [], "size": body.len()});
    };
    let starts: Vec<(usize, usize)> = delimiters
        .find_iter(body)
        .map(|m| (m.start(), m.end()))
        .collect();
    let parts: Vec<Value> = starts
        .windows(2)
        .filter_map(|pair| {
            let part = &body[pair[0].1..pair[1].0];
            let blank = part.windows(4).position(|w| w == b"\r\n\r\n")?;
            let head = String::from_utf8_lossy(&part[..blank]);
            let content = &part[blank + 4..];
            let content = content.strip_suffix(b"\r\n").unwrap_or(content);
            let attribute = |name: &str| {
                head.split(';')
                    .find_map(|p| p.trim().strip_prefix(&format!("{name}=\"")))
                    .and_then(|v| v.split('"').next())
                    .map(str::to_string)
            };
            let name = attribute("name")?;
            Some(json!({"name": name, "filename": attribute("filename"), "size": content.len()}))
        })
        .collect();
    json!({"parts": parts, "size": body.len()})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_become_placeholders() {
        let mut secrets = Secrets::default();
        let first = secrets.placeholder("9f1c-aa");
        let again = secrets.placeholder("9f1c-aa");
        let second = secrets.placeholder("77-bb");
        assert_eq!(
            (first.as_str(), again.as_str(), second.as_str()),
            ("<security:1>", "<security:1>", "<security:2>")
        );
        assert_eq!(
            secrets.scrub_codes(r#"{"security": "9F1C-AA", "q": "77-bb"}"#),
            r#"{"security": "<security:1>", "q": "<security:2>"}"#
        );
        // Passwords are replaced in string values only, so a short one cannot break JSON.
        secrets.passwords.push("true".into());
        let mut body = json!({"history": true, "note": "true story", "n": ["is true"]});
        scrub_passwords(&mut body, &secrets);
        assert_eq!(
            body,
            json!({"history": true, "note": "<password> story", "n": ["is <password>"]})
        );
    }

    #[test]
    fn multipart_part_sizes_are_bytes_as_sent() {
        let file: &[u8] = &[0xff, 0xfe, 0x00, b'\r', b'\n', b'x', b'\r', b'\n'];
        let mut body = b"--XyZ\r\nContent-Disposition: form-data; name=\"security\"\r\n\r\ncode\r\n--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n".to_vec();
        body.extend_from_slice(file);
        body.extend_from_slice(b"\r\n--XyZ--\r\n");
        let summary = multipart_summary("multipart/form-data; boundary=\"XyZ\"", &body);
        assert_eq!(
            summary,
            json!({"parts": [
                {"name": "security", "filename": null, "size": 4},
                {"name": "files", "filename": "a.bin", "size": file.len()},
            ], "size": body.len()})
        );
        // No boundary, or an empty one: the whole size only.
        for content_type in ["multipart/form-data", "multipart/form-data; boundary="] {
            assert_eq!(
                multipart_summary(content_type, &body),
                json!({"parts": [], "size": body.len()})
            );
        }
    }

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
