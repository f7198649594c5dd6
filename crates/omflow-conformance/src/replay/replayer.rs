//! The replayer: sends each recorded step to a fake (or any server) and reports the outcome.

use super::normalize::TokenBook;
use super::recording::{password_to_supply, sends_its_header};
use super::sleep::{SleepRule, SET_ASIDE};
use super::{server_base_url, url_for_messages, THE_PASSWORD};
use super::{Outcome, RecordedStep, Recording, ReplayError, Report};
use base64::Engine as _;
use omflow_mock::FakeOmflow;
use serde_json::Value;
use std::collections::HashMap;

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
    pub(super) recorded_to_live: HashMap<String, String>,
    pub(super) recorded_tokens: TokenBook,
    pub(super) live_tokens: TokenBook,
    /// Where an `import_app` step's file is looked for.
    app_dirs: Vec<std::path::PathBuf>,
    /// What sets aside the answers of tickets that entered a sleep stop.
    pub(super) sleep: SleepRule,
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
            app_dirs: Vec::new(),
            sleep: SleepRule::default(),
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
        if let Some(dir) = &recording.dir {
            self.app_dirs = vec![dir.clone()];
            self.app_dirs
                .extend(dir.parent().map(std::path::Path::to_path_buf));
        }
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
            set_aside: None,
        };
        if step.is_out_of_band() {
            if step.raw["action"]["type"] == "import_app" {
                return self
                    .import_app(&step.raw)
                    .err()
                    .map(|why| outcome(Some(format!("import_app could not be applied: {why}"))));
            }
            return (!self.out_of_band(&step.raw["action"]))
                .then(|| outcome(Some("out-of-band step could not be applied".into())));
        }
        match self.exchange(&step.raw).await {
            Ok(()) => Some(outcome(None)),
            Err(Differs { what, set_aside }) => Some(Outcome {
                set_aside,
                ..outcome(Some(what))
            }),
        }
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
                self.sleep.new_episode();
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

    /// An `import_app` step: the file (found against the recording's directory, then its
    /// parent) is loaded into the fake, and each flow the recording's deploy listed is bound
    /// by name to the fake's flow of that name, as tokens are bound (hex and hyphenated).
    fn import_app(&mut self, step: &Value) -> Result<(), String> {
        let Target::Fake(fake) = self.target else {
            return Err("only a fake can load an app".into());
        };
        let file = step["action"]["file"].as_str().unwrap_or_default();
        let path = self
            .app_dirs
            .iter()
            .map(|dir| dir.join(file))
            .find(|path| path.is_file())
            .ok_or_else(|| format!("no file {file} beside the recording"))?;
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let export: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let apps = export.as_array().cloned().unwrap_or_default();
        self.sleep.learn_apps(&apps);
        // A reset returns to the seed, which keeps the apps loaded before: load once.
        let served = fake.state();
        let served: Vec<&str> = served.json()["flows"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|flow| flow["flow_name"].as_str())
            .collect();
        let names = apps
            .iter()
            .flat_map(|app| app["flow_list"].as_array().into_iter().flatten())
            .filter_map(|flow| flow["flow_name"].as_str());
        let loaded = names.clone().count() > 0 && names.clone().all(|n| served.contains(&n));
        if !loaded {
            fake.control()
                .load_app(&export)
                .map_err(|e| e.to_string())?;
        }
        for deployed in step["deployed"]["flows"].as_array().into_iter().flatten() {
            let name = deployed["flow_name"].as_str().unwrap_or_default();
            let recorded = deployed["flow_uuid"].as_str().unwrap_or_default();
            // A flow of the app, or a subflow one of its flows declares (`config.subflow`),
            // which the deploy also gives a uuid of its own.
            let declares = |flow: &Value| {
                flow["flow_name"] == name
                    || flow["config"]["subflow"]
                        .as_array()
                        .is_some_and(|subs| subs.iter().any(|s| s["name"] == name))
            };
            let app = apps.iter().find(|app| {
                app["flow_list"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(declares)
            });
            let Some(app) = app.and_then(|app| app["app_name"].as_str()) else {
                continue;
            };
            let live = omflow_mock::apps::flow_uuid(app, name);
            let hyphenated = |hex: &str| match hex.len() {
                32 if hex.is_ascii() => format!(
                    "{}-{}-{}-{}-{}",
                    &hex[..8],
                    &hex[8..12],
                    &hex[12..16],
                    &hex[16..20],
                    &hex[20..]
                ),
                _ => hex.to_string(),
            };
            self.sleep
                .learn_flow(name, recorded, deployed["api_path"].as_str());
            let who = format!("flow:{name}");
            self.bind_token(&who, recorded, &live);
            self.bind_token(&who, &hyphenated(recorded), &hyphenated(&live));
        }
        Ok(())
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

    /// What in `answer` differs from the recorded answer of `exchange`.
    fn differences(&mut self, exchange: &Value, answer: &Answer) -> Vec<String> {
        let Answer {
            status,
            content_type,
            location,
            language,
            bytes,
        } = answer;
        let want = &exchange["response"];
        let mut problems = Vec::new();
        if want["http_status"].as_u64() != Some(u64::from(*status)) {
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
            match serde_json::from_slice::<Value>(bytes) {
                Ok(live) => {
                    if let Some(problem) = self.compare_body(exchange, &live) {
                        problems.push(problem);
                    }
                }
                Err(_) => problems.push(format!(
                    "body is not JSON: {}",
                    String::from_utf8_lossy(bytes)
                        .chars()
                        .take(120)
                        .collect::<String>()
                )),
            }
        }
        problems
    }

    /// Sends one recorded request; `Err` says what differs.
    async fn exchange(&mut self, exchange: &Value) -> Result<(), Differs> {
        self.sleep.learn_answer(&exchange["response"]["body"]);
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
            return Err(String::from(
                "recorded without its file contents (record with --keep-files)",
            )
            .into());
        }
        let body: Option<Vec<u8>> = match request["body_kind"].as_str() {
            Some("json") => {
                let body = self.with_password(&request["body"]);
                let body = self.same_row_in_the_fake(request, body);
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
        // A web login's random session id, bound like a token: later requests send the
        // recorded one back in `Cookie`.
        if let (Some(recorded), Some(live)) = (
            session_id(exchange["response"]["headers"]["set-cookie"].as_str()),
            session_id(header("set-cookie").as_deref()),
        ) {
            self.recorded_to_live
                .insert(recorded.to_string(), live.to_string());
        }
        let answer = Answer {
            status,
            content_type: header("content-type").unwrap_or_default(),
            location: header("location"),
            language: header("content-language"),
            bytes: response
                .bytes()
                .await
                .map_err(|e| format!("answer could not be read: {e}"))?,
        };
        let problems = self.differences(exchange, &answer);
        if problems.is_empty() {
            return Ok(());
        }
        let live: Value = serde_json::from_slice(&answer.bytes).unwrap_or(Value::Null);
        let body_only = problems.iter().all(|p| p.starts_with("body differs"));
        let set_aside = self.sets_aside(exchange, &live, body_only);
        Err(Differs {
            what: problems.join("; "),
            set_aside: set_aside.then(|| SET_ASIDE.to_string()),
        })
    }
}

/// An exchange whose answer differs: what differs first, and why it is set aside, if it is.
struct Differs {
    what: String,
    set_aside: Option<String>,
}

impl From<String> for Differs {
    fn from(what: String) -> Self {
        Differs {
            what,
            set_aside: None,
        }
    }
}

impl Replayer<'_> {
    /// A request naming by id a row of a flow whose ids the recorded server's failed sleeps
    /// shifted: the fake's row of the same ticket in its place (see
    /// [`super::sleep::SleepRule::shifted_row`]); any other body as it is.
    fn same_row_in_the_fake(&self, request: &Value, mut body: Value) -> Value {
        let (Target::Fake(fake), Some(shifted)) = (self.target, self.sleep.shifted_row(request))
        else {
            return body;
        };
        let state = fake.state();
        let data_no = shifted.row.data_no;
        let live = if shifted.row.current {
            state
                .current_row(&shifted.api_path, data_no)
                .ok()
                .flatten()
                .map(|row| row.id.get())
        } else {
            state.tickets(&shifted.api_path).ok().and_then(|rows| {
                rows.iter()
                    .find(|row| row.data_no.get() == data_no && row.history)
                    .map(|row| row.id.get())
            })
        };
        if let Some(id) = live {
            body["data_id"] = match body["data_id"] {
                Value::String(_) => Value::String(id.to_string()),
                _ => Value::from(id),
            };
        }
        body
    }
}

/// What the server answered, as compared.
struct Answer {
    status: u16,
    content_type: String,
    location: Option<String>,
    language: Option<String>,
    bytes: bytes::Bytes,
}

/// The `sessionid` a `Set-Cookie` header sets.
fn session_id(set_cookie: Option<&str>) -> Option<&str> {
    let (_, rest) = set_cookie?.split_once("sessionid=")?;
    let id = rest.split(';').next()?.trim();
    (!id.is_empty()).then_some(id)
}
