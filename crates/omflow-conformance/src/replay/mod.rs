//! Replays a recorded session (the format of `fixtures/omflow/session/` and
//! `fixtures/omflow-2/session/`) against a server, by default a [`FakeOmflow`], and says
//! for every exchange whether the answer agrees with the recorded one.
//!
//! One implementation serves `cargo xtask fixtures` and anyone who records their own
//! server. What is compared, after [`normalize`] on each side: HTTP status, content type
//! (without parameters), `Location`, `Content-Language` (when recorded), and for JSON
//! answers the whole body as text (values, JSON types, key order and list order; a
//! random-order answer's `result` as a multiset of rows, or only its row count and keys when
//! the server also picked a random subset). HTML answers compare on status, content type and
//! location only.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use omflow_conformance::replay::{Recording, Replayer};
//! use omflow_mock::FakeOmflow;
//!
//! let recording = Recording::load_dir("fixtures/omflow-2/session".as_ref())?;
//! let fake = FakeOmflow::start().await;
//! let report = Replayer::new(&fake)?.replay(&recording).await;
//! println!("{} of {} agree", report.agreeing(), report.outcomes.len());
//! # Ok(()) }
//! ```

pub mod normalize;

use crate::format::Step;
use base64::Engine as _;
use normalize::TokenBook;
use omflow_mock::FakeOmflow;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Why a recording could not be read or a replay could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// A file or directory of the recording could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The file or directory.
        path: PathBuf,
        /// What the file system said.
        #[source]
        source: std::io::Error,
    },
    /// A file of the recording is not JSON.
    #[error("{path} is not JSON")]
    NotJson {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        #[source]
        source: serde_json::Error,
    },
    /// A file of the recording is JSON but not a recorded step.
    #[error("{path} is not a recorded exchange: {problem}")]
    NotAnExchange {
        /// The file.
        path: PathBuf,
        /// What it lacks.
        problem: &'static str,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the replay's HTTP client")]
    Client(#[source] reqwest::Error),
    /// The server to replay against is not an `http://` or `https://` URL.
    #[error("{url:?} is not a server URL: {problem}")]
    ServerUrl {
        /// The URL as given, without a user or password.
        url: String,
        /// What is wrong with it.
        problem: String,
    },
}

/// Whether a recorded request carries its `Authorization` header as sent (the corpora do;
/// `omflow record` keeps only the user).
fn sends_its_header(request: &Value) -> bool {
    request["headers"]
        .as_object()
        .is_some_and(|h| h.keys().any(|k| k.eq_ignore_ascii_case("authorization")))
}

/// Whether a recorded login used the user's right password without keeping it: the replay
/// supplies it.
fn password_to_supply(request: &Value) -> bool {
    matches!(
        request["basic_auth"]["password"].as_str(),
        None | Some(THE_PASSWORD)
    )
}

/// `url` as an error message may show it: without a user or password, even when it does
/// not parse (whatever comes before the last `@` is hidden).
pub(crate) fn url_for_messages(url: &str) -> String {
    if let Ok(mut parsed) = url::Url::parse(url) {
        if !parsed.username().is_empty() || parsed.password().is_some() {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            return parsed.to_string();
        }
    }
    match url.rsplit_once('@') {
        Some((head, tail)) => {
            let scheme = head.split_once("://").map_or("", |(s, _)| s);
            if scheme.is_empty() {
                format!("***@{tail}")
            } else {
                format!("{scheme}://***@{tail}")
            }
        }
        None => url.to_string(),
    }
}

/// A server's base URL as `omflow record` and `omflow replay` take it: `http://` or
/// `https://` with a host, no query or fragment; returned without a trailing `/`.
pub(crate) fn server_base_url(url: &str) -> Result<String, String> {
    let parsed = url::Url::parse(url).map_err(|e| match e {
        url::ParseError::RelativeUrlWithoutBase => {
            "it has no scheme: add http:// or https://".to_string()
        }
        other => other.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "the scheme {:?} is not http or https",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("it has no host".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(
            "a base URL takes no user or password: the recorded logins carry their own".into(),
        );
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err("a base URL takes no query or fragment".into());
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// One step of a recording: an HTTP exchange or an out-of-band step (`reset`, `delete_user`).
#[derive(Debug, Clone)]
pub struct RecordedStep {
    /// The file name (or any label) the step is reported under.
    pub name: String,
    /// The step as recorded.
    pub raw: Value,
}

impl RecordedStep {
    /// The episode the step belongs to (the second corpus numbers them; others have none).
    #[must_use]
    pub fn episode(&self) -> Option<u64> {
        self.raw["episode"].as_u64()
    }

    fn is_out_of_band(&self) -> bool {
        self.raw["kind"] == "out_of_band"
    }
}

/// An ordered recording.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    /// The steps in the order they happened.
    pub steps: Vec<RecordedStep>,
}

impl Recording {
    /// The users this recording creates (`user/add` requests), sorted.
    #[must_use]
    pub fn added_users(&self) -> Vec<String> {
        self.users(|request| {
            let adds = request["path"]
                .as_str()
                .is_some_and(|path| path.trim_end_matches('/').ends_with("/api/user/add"));
            adds.then(|| request["body"]["username"].as_str()).flatten()
        })
    }

    /// Every user this recording logs in as (Basic), in any form: with the password kept,
    /// kept out, or recorded as wrong; sorted.
    #[must_use]
    pub fn login_users(&self) -> Vec<String> {
        self.users(|request| request["basic_auth"]["user"].as_str())
    }

    /// The users this recording logs in as with their right password without keeping it
    /// (`omflow record` keeps only the user), sorted: a replay needs their passwords.
    #[must_use]
    pub fn logins_without_password(&self) -> Vec<String> {
        self.users(|request| {
            let user = request["basic_auth"]["user"].as_str()?;
            (password_to_supply(request) && !sends_its_header(request)).then_some(user)
        })
    }

    /// The users `pick` finds in the steps' requests, sorted, each once.
    fn users(&self, pick: impl Fn(&Value) -> Option<&str>) -> Vec<String> {
        let users: std::collections::BTreeSet<&str> = self
            .steps
            .iter()
            .filter_map(|step| pick(&step.raw["request"]))
            .collect();
        users.into_iter().map(str::to_string).collect()
    }

    /// Every `*.json` file of `dir`, in file-name order.
    ///
    /// # Errors
    /// [`ReplayError::Read`] when the directory or a file cannot be read,
    /// [`ReplayError::NotJson`] when a file is not JSON, [`ReplayError::NotAnExchange`] when
    /// it is JSON but no recorded step.
    pub fn load_dir(dir: &Path) -> Result<Recording, ReplayError> {
        let read = |source| ReplayError::Read {
            path: dir.to_path_buf(),
            source,
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(read)? {
            let path = entry.map_err(read)?.path();
            if path.extension().is_some_and(|e| e == "json") {
                paths.push(path);
            }
        }
        // By the number a name starts with, then by name: `1000_…` comes after `999_…`
        // (a recording past 999 exchanges), as `00002_…` after `00001_…`.
        paths.sort_by_cached_key(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
            (digits.parse::<u128>().ok(), name.into_owned())
        });
        let mut steps = Vec::with_capacity(paths.len());
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|source| ReplayError::Read {
                path: path.clone(),
                source,
            })?;
            let raw = serde_json::from_str(&text).map_err(|source| ReplayError::NotJson {
                path: path.clone(),
                source,
            })?;
            if let Err(problem) = check_step(&text, &raw) {
                return Err(ReplayError::NotAnExchange { path, problem });
            }
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            steps.push(RecordedStep { name, raw });
        }
        Ok(Recording { steps })
    }
}

/// Whether `text` (read as `raw`) is a step of the recording format ([`Step`]) a replay
/// can send or apply: an exchange with an absolute path, or an out-of-band step whose
/// action has a type. What is wrong is said member by member.
fn check_step(text: &str, raw: &Value) -> Result<(), &'static str> {
    match Step::from_json(text) {
        Ok(Step::Exchange(exchange)) if exchange.request.path.starts_with('/') => return Ok(()),
        Ok(Step::OutOfBand(step)) if step.action["type"].is_string() => return Ok(()),
        _ => {}
    }
    if !raw.is_object() {
        return Err("not a JSON object");
    }
    if raw["kind"] == "out_of_band" {
        return if raw["action"]["type"].is_string() {
            Ok(())
        } else {
            Err("an out-of-band step without an action type")
        };
    }
    let request = &raw["request"];
    if !request["method"].is_string() {
        return Err("no request.method");
    }
    if !request["path"].as_str().is_some_and(|p| p.starts_with('/')) {
        return Err("no request.path starting with /");
    }
    if !raw["response"]["http_status"].is_u64() {
        return Err("no response.http_status");
    }
    Err("not a step of the recording format")
}

/// What one recorded exchange gave on replay.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Outcome {
    /// The step's name.
    pub name: String,
    /// Its episode, where the recording has them.
    pub episode: Option<u64>,
    /// The request's path (the endpoint).
    pub endpoint: String,
    /// `None` when the answers agree, else what differs first.
    pub difference: Option<String>,
}

/// Every exchange's outcome, in order.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// One per replayed exchange (and per out-of-band step that could not be applied).
    pub outcomes: Vec<Outcome>,
}

/// Agreement of a group of exchanges (an episode or an endpoint).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Exchanges in the group.
    pub total: usize,
    /// Those that agree.
    pub agree: usize,
}

impl Report {
    /// How many exchanges agree.
    #[must_use]
    pub fn agreeing(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.difference.is_none())
            .count()
    }

    /// The outcomes that differ.
    pub fn differences(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().filter(|o| o.difference.is_some())
    }

    /// Agreement per episode (steps without an episode under 0).
    #[must_use]
    pub fn by_episode(&self) -> BTreeMap<u64, Tally> {
        self.tally(|o| o.episode.unwrap_or(0))
    }

    /// Agreement per endpoint path.
    #[must_use]
    pub fn by_endpoint(&self) -> BTreeMap<String, Tally> {
        self.tally(|o| o.endpoint.clone())
    }

    fn tally<K: Ord>(&self, key: impl Fn(&Outcome) -> K) -> BTreeMap<K, Tally> {
        let mut out: BTreeMap<K, Tally> = BTreeMap::new();
        for outcome in &self.outcomes {
            let tally = out.entry(key(outcome)).or_default();
            tally.total += 1;
            tally.agree += usize::from(outcome.difference.is_none());
        }
        out
    }
}

/// A recorded Basic password that stands for the user's own (recordings made by
/// `omflow record` keep no password): the replay logs in with the one it was given.
pub const THE_PASSWORD: &str = "<password>";

/// A recorded Basic password that stands for a wrong one (a refused login).
pub const A_WRONG_PASSWORD: &str = "<wrong password>";

/// Where a replay sends its requests.
#[derive(Clone, Copy)]
enum Target<'a> {
    /// A fake: its clock follows the recording and out-of-band steps apply to it.
    Fake(&'a FakeOmflow),
    /// Any server at a base URL: time passes as it does and out-of-band steps cannot apply.
    Server(&'a str),
}

/// Sends recorded requests to a fake (or any server) and compares its answers with the
/// recorded ones.
pub struct Replayer<'a> {
    target: Target<'a>,
    http: reqwest::Client,
    /// Passwords for recordings that keep only the Basic user (`omflow record`).
    passwords: HashMap<String, String>,
    recorded_to_live: HashMap<String, String>,
    recorded_tokens: TokenBook,
    live_tokens: TokenBook,
}

impl std::fmt::Debug for Replayer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replayer")
            .field("target", &self.base_url())
            .field("bound_tokens", &self.recorded_to_live.len())
            .finish_non_exhaustive()
    }
}

impl<'a> Replayer<'a> {
    /// A replayer against `fake` (redirects are not followed: they are compared).
    ///
    /// # Errors
    /// [`ReplayError::Client`] when the HTTP client cannot be built.
    pub fn new(fake: &'a FakeOmflow) -> Result<Replayer<'a>, ReplayError> {
        Self::with_target(Target::Fake(fake))
    }

    /// A replayer against any server at `base_url` (a real one, or a fake in another
    /// process): time is not moved and out-of-band steps are reported as not applied.
    ///
    /// # Errors
    /// [`ReplayError::ServerUrl`] when `base_url` is not an `http://` or `https://` URL with
    /// a host; [`ReplayError::Client`] when the HTTP client cannot be built.
    pub fn against(base_url: &'a str) -> Result<Replayer<'a>, ReplayError> {
        server_base_url(base_url).map_err(|problem| ReplayError::ServerUrl {
            url: url_for_messages(base_url),
            problem,
        })?;
        Self::with_target(Target::Server(base_url.trim_end_matches('/')))
    }

    fn with_target(target: Target<'a>) -> Result<Replayer<'a>, ReplayError> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(ReplayError::Client)?;
        Ok(Replayer {
            target,
            http,
            passwords: HashMap::new(),
            recorded_to_live: HashMap::new(),
            recorded_tokens: TokenBook::default(),
            live_tokens: TokenBook::default(),
        })
    }

    /// The password to log in as `user` with, for recorded logins that keep only the user
    /// (recordings made by `omflow record` never hold a password).
    pub fn password(&mut self, user: &str, password: &str) {
        self.passwords
            .insert(user.to_string(), password.to_string());
    }

    /// The users `recording` logs in as with a password it does not keep (recordings made
    /// by `omflow record`) and this replayer has none for, sorted: replaying those logins
    /// could only fail, so a caller asks for the passwords before sending anything.
    #[must_use]
    pub fn missing_passwords(&self, recording: &Recording) -> Vec<String> {
        recording
            .logins_without_password()
            .into_iter()
            .filter(|user| !self.passwords.contains_key(user))
            .collect()
    }

    fn base_url(&self) -> String {
        match self.target {
            Target::Fake(fake) => fake.uri(),
            Target::Server(url) => url.to_string(),
        }
    }

    /// Binds a recorded token to a live one issued to `user` outside the recording (a
    /// transcript that starts with a token its file does not log in for).
    pub fn bind_token(&mut self, user: &str, recorded: &str, live: &str) {
        self.recorded_to_live
            .insert(recorded.to_string(), live.to_string());
        self.recorded_tokens.learn(user, recorded);
        self.live_tokens.learn(user, live);
    }

    /// Whether a recorded token is bound already.
    #[must_use]
    pub fn knows_token(&self, recorded: &str) -> bool {
        self.recorded_to_live.contains_key(recorded)
    }

    /// Replays every step of `recording` in order.
    pub async fn replay(&mut self, recording: &Recording) -> Report {
        let mut report = Report::default();
        for step in &recording.steps {
            if let Some(outcome) = self.step(step).await {
                report.outcomes.push(outcome);
            }
        }
        report
    }

    /// Replays one step; `None` for an out-of-band step that was applied.
    pub async fn step(&mut self, step: &RecordedStep) -> Option<Outcome> {
        let elapsed = step.raw["elapsed_ms_since_previous"]
            .as_f64()
            .unwrap_or(0.0);
        if let Target::Fake(fake) = self.target {
            fake.advance_clock(elapsed / 1000.0);
        }
        let outcome = |difference: Option<String>| Outcome {
            name: step.name.clone(),
            episode: step.episode(),
            endpoint: step.raw["request"]["path"]
                .as_str()
                .unwrap_or("(out of band)")
                .to_string(),
            difference,
        };
        if step.is_out_of_band() {
            return (!self.out_of_band(&step.raw["action"]))
                .then(|| outcome(Some("out-of-band step could not be applied".into())));
        }
        Some(outcome(self.exchange(&step.raw).await.err()))
    }

    fn out_of_band(&mut self, action: &Value) -> bool {
        let Target::Fake(fake) = self.target else {
            return false;
        };
        match action["type"].as_str() {
            Some("delete_user") => {
                let username = action["username"].as_str().unwrap_or("");
                fake.with_world(|w| w.delete_user(username))
            }
            Some("reset") => {
                self.recorded_to_live.clear();
                self.recorded_tokens.clear();
                self.live_tokens.clear();
                fake.reset().is_ok()
            }
            Some("expire_tokens") => {
                fake.with_world(|w| w.expire_tokens());
                true
            }
            Some("advance_clock") => {
                fake.advance_clock(action["seconds"].as_f64().unwrap_or(0.0));
                true
            }
            _ => false,
        }
    }

    fn to_live(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (recorded, live) in &self.recorded_to_live {
            if out.contains(recorded.as_str()) {
                out = out.replace(recorded.as_str(), live);
            }
            let upper = recorded.to_uppercase();
            if out.contains(upper.as_str()) {
                out = out.replace(upper.as_str(), &live.to_uppercase());
            }
        }
        out
    }

    /// A recorded body that creates a user (`user/add`: `username`, and `token` kept as
    /// [`THE_PASSWORD`]) with the password this replay was given for that user, so the
    /// user's recorded logins work; any other body as recorded.
    fn with_password(&self, body: &Value) -> Value {
        let mut body = body.clone();
        let given = body["username"]
            .as_str()
            .and_then(|user| self.passwords.get(user))
            .filter(|_| body["token"] == THE_PASSWORD)
            .cloned();
        if let Some(password) = given {
            body["token"] = Value::String(password);
        }
        body
    }

    /// Sends one recorded request; `Err` says what differs.
    async fn exchange(&mut self, exchange: &Value) -> Result<(), String> {
        let request = &exchange["request"];
        let method =
            reqwest::Method::from_bytes(request["method"].as_str().unwrap_or("GET").as_bytes())
                .map_err(|e| format!("recorded method is not valid: {e}"))?;
        let path = self.to_live(request["path"].as_str().unwrap_or("/"));
        let mut builder = self
            .http
            .request(method, format!("{}{path}", self.base_url()));
        if let Some(headers) = request["headers"].as_object() {
            for (key, value) in headers {
                builder = builder.header(key.as_str(), self.to_live(value.as_str().unwrap_or("")));
            }
        }
        // A recording without the header (`omflow record` keeps only the user): log in with
        // the password the replay was given for that user.
        if let (false, Some(user)) = (
            sends_its_header(request),
            request["basic_auth"]["user"].as_str(),
        ) {
            let password = if password_to_supply(request) {
                self.passwords
                    .get(user)
                    .map(String::as_str)
                    .ok_or_else(|| format!("no password for {user:?}: give one to the replay"))?
            } else {
                request["basic_auth"]["password"].as_str().unwrap_or("")
            };
            builder = builder.basic_auth(user, Some(password));
        }
        if request["body_kind"] == "multipart_summary" {
            return Err("recorded without its file contents (record with --keep-files)".into());
        }
        let body: Option<Vec<u8>> = match request["body_kind"].as_str() {
            Some("json") => {
                let body = self.with_password(&request["body"]);
                Some(
                    self.to_live(&omflow_mock::pyjson::dumps(&body))
                        .into_bytes(),
                )
            }
            Some("raw" | "form" | "multipart") => Some(
                self.to_live(request["body"].as_str().unwrap_or(""))
                    .into_bytes(),
            ),
            Some("raw_base64") => Some(
                base64::engine::general_purpose::STANDARD
                    .decode(request["body"].as_str().unwrap_or(""))
                    .map_err(|e| format!("recorded raw_base64 body is not base64: {e}"))?,
            ),
            _ => None,
        };
        if let Some(body) = body {
            builder = builder.body(body);
        }
        let response = builder
            .send()
            .await
            .map_err(|e| format!("request failed: {e}"))?;
        let status = response.status().as_u16();
        let header = |key: &str| {
            response
                .headers()
                .get(key)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type").unwrap_or_default();
        let location = header("location");
        let language = header("content-language");
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("answer could not be read: {e}"))?;
        let want = &exchange["response"];
        let mut problems = Vec::new();
        if want["http_status"].as_u64() != Some(u64::from(status)) {
            problems.push(format!("HTTP {status}, recorded {}", want["http_status"]));
        }
        let want_type = want["headers"]["content-type"].as_str().unwrap_or("");
        if want_type.split(';').next() != content_type.split(';').next() {
            problems.push(format!(
                "content-type {content_type:?}, recorded {want_type:?}"
            ));
        }
        if want["headers"]["location"].as_str() != location.as_deref() {
            problems.push(format!(
                "location {location:?}, recorded {}",
                want["headers"]["location"]
            ));
        }
        if let Some(want_language) = want["headers"]["content-language"].as_str() {
            if Some(want_language) != language.as_deref() {
                problems.push(format!(
                    "content-language {language:?}, recorded {want_language:?}"
                ));
            }
        }
        if want["body"].is_object() {
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(live) => {
                    if let Some(problem) = self.compare_body(exchange, &live) {
                        problems.push(problem);
                    }
                }
                Err(_) => problems.push(format!(
                    "body is not JSON: {}",
                    String::from_utf8_lossy(&bytes)
                        .chars()
                        .take(120)
                        .collect::<String>()
                )),
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }

    fn compare_body(&mut self, exchange: &Value, live: &Value) -> Option<String> {
        let want = &exchange["response"]["body"];
        let request = &exchange["request"];
        if request["path"]
            .as_str()
            .is_some_and(|p| p.starts_with("/accounts/api/security/get"))
        {
            let user = login_user(request).unwrap_or_default();
            let recorded = want["result"]["security"].as_str();
            let issued = live["result"]["security"].as_str();
            if let Some(recorded) = recorded {
                self.recorded_tokens.learn(&user, recorded);
            }
            if let Some(issued) = issued {
                self.live_tokens.learn(&user, issued);
            }
            if let (Some(recorded), Some(issued)) = (recorded, issued) {
                self.recorded_to_live
                    .insert(recorded.to_string(), issued.to_string());
            }
        }
        let mut got = self.live_tokens.normalize(live);
        let mut expected = self.recorded_tokens.normalize(want);
        if exchange["result_order_random"] == true {
            let body = &request["body"];
            let subset = !body["start"].is_null() || !body["limit"].is_null();
            for value in [&mut got, &mut expected] {
                if let Some(result) = value.get_mut("result") {
                    *result = normalize::as_multiset(result, subset);
                }
            }
        }
        let where_ = first_difference(&got, &expected, String::new())
            .unwrap_or_else(|| "in key order".to_string());
        let (got, expected) = (got.to_string(), expected.to_string());
        (got != expected).then(|| {
            format!(
                "body differs {where_}:\n      fake:     {}\n      recorded: {}",
                cut(&got),
                cut(&expected)
            )
        })
    }
}

/// Where two values first differ, as an RFC 6901 pointer with both sides.
fn first_difference(got: &Value, expected: &Value, at: String) -> Option<String> {
    let pointer = |key: &str| format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
    match (got, expected) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, want) in b {
                match a.get(key) {
                    None => return Some(format!("at {}: missing in the fake", pointer(key))),
                    Some(have) => {
                        if let Some(found) = first_difference(have, want, pointer(key)) {
                            return Some(found);
                        }
                    }
                }
            }
            a.keys()
                .find(|k| !b.contains_key(*k))
                .map(|k| format!("at {}: only in the fake", pointer(k)))
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (have, want)) in a.iter().zip(b).enumerate() {
                if let Some(found) = first_difference(have, want, pointer(&i.to_string())) {
                    return Some(found);
                }
            }
            (a.len() != b.len()).then(|| {
                format!(
                    "at {}: {} items in the fake, {} recorded",
                    if at.is_empty() { "/" } else { &at },
                    a.len(),
                    b.len()
                )
            })
        }
        (a, b) if a == b => None,
        (a, b) => Some(format!(
            "at {}: fake {}, recorded {}",
            if at.is_empty() { "/" } else { &at },
            cut(&a.to_string()),
            cut(&b.to_string())
        )),
    }
}

/// The Basic-auth user a recorded request logged in as.
fn login_user(request: &Value) -> Option<String> {
    if let Some(user) = request["basic_auth"]["user"].as_str() {
        return Some(user.to_string());
    }
    let header = request["headers"]["Authorization"].as_str()?;
    let encoded = header.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8_lossy(&decoded);
    Some(text.split_once(':').map_or(&*text, |(u, _)| u).to_string())
}

fn cut(text: &str) -> String {
    if text.chars().count() > 1500 {
        format!("{}…", text.chars().take(1500).collect::<String>())
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use omflow_mock::{Clock, Seed};

    #[test]
    fn a_recording_past_999_exchanges_stays_in_order() {
        let dir = std::env::temp_dir().join(format!("omflow-order-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let step =
            r#"{"request": {"method": "GET", "path": "/"}, "response": {"http_status": 200}}"#;
        for name in ["1000_b.json", "999_a.json", "100_c.json", "1001_d.json"] {
            std::fs::write(dir.join(name), step).unwrap();
        }
        let names: Vec<String> = Recording::load_dir(&dir)
            .unwrap()
            .steps
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(
            names,
            ["100_c.json", "999_a.json", "1000_b.json", "1001_d.json"]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_server_url_is_http_or_https_with_a_host() {
        assert_eq!(
            server_base_url("http://127.0.0.1:8000/").as_deref(),
            Ok("http://127.0.0.1:8000")
        );
        assert_eq!(
            server_base_url("https://omflow.example.com/sub").as_deref(),
            Ok("https://omflow.example.com/sub")
        );
        for (bad, says) in [
            ("not-a-url", "no scheme"),
            ("omflow.example.com:8000", "not http or https"),
            ("ftp://omflow.example.com", "not http or https"),
            ("http://", "empty host"),
            ("http://h/?security=x", "no query"),
            ("http://h/#top", "no query or fragment"),
            ("http://user:pw@h/", "no user or password"),
            ("http://user@h/", "no user or password"),
            ("", "no scheme"),
        ] {
            let problem = server_base_url(bad).expect_err(bad);
            assert!(problem.contains(says), "{bad}: {problem}");
        }
        assert!(matches!(
            Replayer::against("not-a-url"),
            Err(ReplayError::ServerUrl { .. })
        ));
        // No message shows a password, whether the URL parses or not.
        for bad in [
            "http://alice:s3cret@h/",
            "alice:s3cret@omflow.example.com",
            "https://alice:s3cret@host:99999",
            "https://alice:s3cret@",
        ] {
            let message = Replayer::against(bad).expect_err(bad).to_string();
            assert!(!message.contains("s3cret"), "{bad}: {message}");
        }
        assert_eq!(
            url_for_messages("https://alice:s3cret@host:99999"),
            "https://***@host:99999"
        );
    }

    /// The first steps of the project's first recorded session (logins and a list).
    fn first_steps(n: usize) -> Recording {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/omflow/session");
        let mut recording = Recording::load_dir(&dir).expect("the recorded session");
        recording.steps.truncate(n);
        recording
    }

    async fn start_fake() -> FakeOmflow {
        let start = chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
            .and_then(|d| d.and_hms_opt(16, 59, 0))
            .expect("a date");
        FakeOmflow::builder()
            .seed(Seed::pristine())
            .clock(Clock::frozen(start))
            .start()
            .await
            .expect("the fake starts")
    }

    #[tokio::test]
    async fn an_answer_that_differs_is_reported_with_where_it_differs() {
        let recording = first_steps(12);
        let fake = start_fake().await;
        let agreeing = Replayer::new(&fake).unwrap().replay(&recording).await;
        assert_eq!(
            agreeing.agreeing(),
            recording.steps.len(),
            "the recording agrees"
        );

        let mut tampered = recording.clone();
        let last = tampered
            .steps
            .iter_mut()
            .rev()
            .find(|s| s.raw["response"]["body"]["message"].is_string())
            .expect("a JSON answer");
        last.raw["response"]["body"]["message"] = Value::String("not what the server said".into());
        let fake = start_fake().await;
        let report = Replayer::new(&fake).unwrap().replay(&tampered).await;
        let differences: Vec<&Outcome> = report.differences().collect();
        assert_eq!(differences.len(), 1);
        let difference = differences[0].difference.as_deref().unwrap();
        assert!(difference.contains("at /message"), "{difference}");
    }
}
