//! `cargo xtask fixtures`: every file under `fixtures/` decodes and round-trips, and the
//! recorded real-server session replays against the fake with the same answers.
//!
//! Replay normalization (the only differences allowed):
//! - security codes: each recorded code is bound to the code the fake issues at the same
//!   step; requests carry the live code, answers are compared after mapping it back;
//! - timestamps: any string that is a server timestamp (`YYYY-MM-DDTHH:MM:SS[.mmm]`) compares
//!   as `<timestamp>`;
//! - HTML pages (non-`/rest/` Django answers) compare on HTTP status, content type and
//!   `Location` only.
//!
//! Ids are not normalized: the fake allocates data ids, mission ids and ticket numbers as
//! the real server does, so they compare literally.

use anyhow::{bail, Context, Result};
use omflow_mock::{Clock, FakeOmflow, Seed};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// Checks every fixture file; prints a summary; fails on the first broken file or any
/// replay difference.
///
/// # Errors
/// On the first fixture that does not decode, or any replay difference.
pub fn run(root: &Path) -> Result<()> {
    let checked = check_files(root)?;
    println!("fixtures: {checked} files decode and round-trip");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let report = runtime.block_on(replay(root))?;
    println!(
        "replay: {} exchanges replayed, {} agree",
        report.total,
        report.total - report.diffs.len()
    );
    if !report.diffs.is_empty() {
        for diff in &report.diffs {
            println!("  DIFF {diff}");
        }
        bail!(
            "{} recorded exchanges differ from the fake's answers",
            report.diffs.len()
        );
    }
    Ok(())
}

fn json_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            json_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

fn check_files(root: &Path) -> Result<usize> {
    let mut files = Vec::new();
    json_files(&root.join("fixtures"), &mut files)?;
    files.sort();
    for path in &files {
        let text = std::fs::read_to_string(path)?;
        let value: Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        let relative = path
            .strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        if relative.starts_with("fixtures/omflow/seeds/") {
            let seed: Seed = serde_json::from_value(value)
                .with_context(|| format!("{relative} is not a seed"))?;
            let again: Seed = serde_json::from_value(serde_json::to_value(&seed)?)?;
            if again != seed {
                bail!("{relative}: seed does not round-trip");
            }
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime
                .block_on(async { FakeOmflow::start_with(seed).await.map(|_| ()) })
                .with_context(|| format!("{relative}: the fake refuses it"))?;
        } else if relative.starts_with("fixtures/omflow/session/") {
            let body = &value["response"]["body"];
            if body.is_object() {
                let envelope: omflow_model::Envelope = serde_json::from_value(body.clone())
                    .with_context(|| format!("{relative}: response is not an envelope"))?;
                let again: omflow_model::Envelope =
                    serde_json::from_value(serde_json::to_value(&envelope)?)?;
                if again != envelope {
                    bail!("{relative}: envelope does not round-trip");
                }
            }
        } else if let Some(name) = relative.strip_prefix("fixtures/garoon/") {
            use omflow_garoon::model::{decode_page, decode_request, Json, Mode};
            let decoded = match name {
                "admin-requests-list.ja.json" => {
                    Some(decode_page(&text, Mode::Strict).map(|d| d.value.to_json().to_text()))
                }
                "request-single.en.json" | "js-event-request.zh.json" => {
                    Some(decode_request(&text, Mode::Strict).map(|d| d.value.to_json().to_text()))
                }
                _ => None,
            };
            if let Some(decoded) = decoded {
                let back =
                    decoded.with_context(|| format!("{relative} does not decode strictly"))?;
                let original = Json::parse(&text)?.to_text();
                if back != original {
                    bail!("{relative}: decode and encode changed the document");
                }
            }
        } else if relative == "fixtures/omflow/messages.json" {
            let entries = value.as_array().context("messages.json is a list")?;
            if entries.len() != omflow_model::MessageId::ALL.len() {
                bail!("messages.json has {} entries, the generated catalog {}: run cargo xtask codegen", entries.len(), omflow_model::MessageId::ALL.len());
            }
        }
    }
    Ok(files.len())
}

struct Report {
    total: usize,
    diffs: Vec<String>,
}

fn is_timestamp(text: &str) -> bool {
    text.len() >= 19
        && text.as_bytes().get(10) == Some(&b'T')
        && text.parse::<omflow_model::Timestamp>().is_ok()
}

fn normalize(value: &Value, live_to_recorded: &HashMap<String, String>) -> Value {
    match value {
        Value::String(s) if is_timestamp(s) => Value::String("<timestamp>".into()),
        Value::String(s) => Value::String(
            live_to_recorded
                .get(s)
                .cloned()
                .unwrap_or_else(|| s.clone()),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| normalize(v, live_to_recorded))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), normalize(v, live_to_recorded)))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

fn substitute(text: &str, recorded_to_live: &HashMap<String, String>) -> String {
    recorded_to_live
        .iter()
        .fold(text.to_string(), |acc, (recorded, live)| {
            acc.replace(recorded, live)
        })
}

/// Replays recorded exchanges against one fake, binding each recorded security code to
/// the code the fake issues (by the login that answered it, or by the user a transcript
/// names).
struct Replayer {
    fake: FakeOmflow,
    http: reqwest::Client,
    recorded_to_live: HashMap<String, String>,
    live_to_recorded: HashMap<String, String>,
    report: Report,
}

impl Replayer {
    async fn new(seed: Seed, start: chrono::NaiveDateTime) -> Result<Replayer> {
        let fake = FakeOmflow::builder()
            .seed(seed)
            .clock(Clock::frozen(start))
            .start()
            .await?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Replayer {
            fake,
            http,
            recorded_to_live: HashMap::new(),
            live_to_recorded: HashMap::new(),
            report: Report {
                total: 0,
                diffs: Vec::new(),
            },
        })
    }

    fn bind(&mut self, recorded: &str, live: &str) {
        self.recorded_to_live
            .insert(recorded.to_string(), live.to_string());
        self.live_to_recorded
            .insert(live.to_string(), recorded.to_string());
    }

    /// Logs in on the fake as `user` and returns the live code.
    async fn login(&self, user: &str, password: &str) -> Result<String> {
        let answer: Value = self
            .http
            .get(format!("{}/accounts/api/security/get/", self.fake.uri()))
            .basic_auth(user, Some(password))
            .send()
            .await?
            .json()
            .await?;
        answer["result"]["security"]
            .as_str()
            .map(str::to_string)
            .with_context(|| format!("the fake refused the login of {user}: {answer}"))
    }

    /// Sends one recorded write on the fake as `user` (not compared: a step the recording
    /// describes but did not record).
    async fn step(&self, token: &str, path: &str, body: Value) -> Result<Value> {
        let mut body = body;
        body["security"] = Value::String(token.to_string());
        body["omflow_restapi"] = Value::from(1);
        let answer: Value = self
            .http
            .post(format!("{}{path}", self.fake.uri()))
            .json(&body)
            .send()
            .await?
            .json()
            .await?;
        if answer["status"] != 200 {
            bail!("setup step {path} failed on the fake: {answer}");
        }
        Ok(answer)
    }

    /// Replays one recorded exchange file (an HTTP exchange or an out-of-band step).
    async fn exchange(&mut self, name: &str, exchange: &Value) -> Result<()> {
        let elapsed = exchange["elapsed_ms_since_previous"]
            .as_f64()
            .unwrap_or(0.0);
        self.fake.advance_clock(elapsed / 1000.0);
        if exchange["kind"] == "out_of_band" {
            let action = &exchange["action"];
            let applied = match action["type"].as_str() {
                Some("delete_user") => {
                    let username = action["username"].as_str().unwrap_or("");
                    self.fake.with_world(|w| w.delete_user(username))
                }
                Some("reset") => {
                    self.recorded_to_live.clear();
                    self.live_to_recorded.clear();
                    self.fake.reset().is_ok()
                }
                _ => false,
            };
            if !applied {
                self.report
                    .diffs
                    .push(format!("{name}: out-of-band step could not be applied"));
            }
            return Ok(());
        }
        self.report.total += 1;
        let request = &exchange["request"];
        let method =
            reqwest::Method::from_bytes(request["method"].as_str().unwrap_or("GET").as_bytes())?;
        let url = format!(
            "{}{}",
            self.fake.uri(),
            request["path"].as_str().unwrap_or("/")
        );
        let mut builder = self.http.request(method, url);
        if let Some(headers) = request["headers"].as_object() {
            for (key, value) in headers {
                builder = builder.header(key.as_str(), value.as_str().unwrap_or(""));
            }
        }
        let body = match request["body_kind"].as_str() {
            Some("json") => Some(substitute(
                &request["body"].to_string(),
                &self.recorded_to_live,
            )),
            Some("raw") | Some("form") => Some(substitute(
                request["body"].as_str().unwrap_or(""),
                &self.recorded_to_live,
            )),
            _ => None,
        };
        if let Some(body) = body {
            builder = builder.body(body);
        }
        let response = builder
            .send()
            .await
            .with_context(|| format!("{name}: request failed"))?;
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
        let bytes = response.bytes().await?;
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
        if want["body"].is_object() {
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(live) => {
                    // Bind a newly issued security code.
                    if let (Some(recorded), Some(issued)) = (
                        want["body"]["result"]["security"].as_str(),
                        live["result"]["security"].as_str(),
                    ) {
                        match self.recorded_to_live.get(recorded) {
                            Some(bound) if bound != issued => problems.push(format!(
                                "security code {recorded} was bound to another live code"
                            )),
                            Some(_) => {}
                            None => {
                                if self.live_to_recorded.contains_key(issued) {
                                    problems.push(
                                        "the fake reissued a code the server had replaced".into(),
                                    );
                                }
                                self.bind(recorded, issued);
                            }
                        }
                    }
                    let got = normalize(&live, &self.live_to_recorded);
                    let expected = normalize(&want["body"], &HashMap::new());
                    if got != expected {
                        problems.push(format!(
                            "body differs:\n      fake:     {}\n      recorded: {}",
                            cut(&got),
                            cut(&expected)
                        ));
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
        if !problems.is_empty() {
            self.report
                .diffs
                .push(format!("{name}: {}", problems.join("; ")));
        }
        Ok(())
    }
}

fn sorted_json_files(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    Ok(files)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

async fn replay(root: &Path) -> Result<Report> {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
        .and_then(|d| d.and_hms_opt(16, 59, 0))
        .context("date")?;
    let mut replayer = Replayer::new(Seed::pristine(), start).await?;
    for path in sorted_json_files(&root.join("fixtures/omflow/session"))? {
        let exchange: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        replayer.exchange(&file_name(&path), &exchange).await?;
    }
    let first = replayer.report;
    let second = replay_transcripts(root).await?;
    Ok(Report {
        total: first.total + second.total,
        diffs: first.diffs.into_iter().chain(second.diffs).collect(),
    })
}

/// The second recording's single-endpoint transcripts, on the state they were recorded in:
/// the episodes' setup (replayed and compared), then the steps its README describes (dave
/// creates ticket 8, admin pushes data_no 1 to the end and quick-actions data_no 3).
async fn replay_transcripts(root: &Path) -> Result<Report> {
    let dir = root.join("fixtures/omflow-2");
    let start = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
        .and_then(|d| d.and_hms_opt(21, 0, 0))
        .context("date")?;
    let mut replayer = Replayer::new(Seed::pristine(), start).await?;
    for path in sorted_json_files(&dir.join("session"))? {
        let exchange: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        replayer.exchange(&file_name(&path), &exchange).await?;
    }
    const PASSWORD: &str = "Diff-Pass-123";
    let dave = replayer.login("dave", PASSWORD).await?;
    let admin = replayer.login("admin", "admin").await?;
    let edit = "/rest/flowmanage/api/omdata/edit/mission/";
    replayer
        .step(
            &dave,
            edit,
            serde_json::json!({"action": "create", "formdata": [
                {"id": "FORMITM_1", "type": "h_title", "value": "Iota created by dave"},
                {"id": "FORMITM_2", "type": "areabox", "value": "desc"},
                {"id": "FORMITM_3", "type": "h_level", "value": "green"},
                {"id": "FORMITM_4", "type": "h_status", "value": "dispatch"},
                {"id": "FORMITM_5", "type": "h_group", "value": {"group": "1", "user": ""}}]}),
        )
        .await?;
    let current = |data_no: u64| {
        replayer
            .fake
            .state()
            .current_row("mission", data_no)
            .map(|row| row.id.get())
            .with_context(|| format!("ticket {data_no} has no current row"))
    };
    let (first, third) = (current(1)?, current(3)?);
    replayer
        .step(
            &admin,
            edit,
            serde_json::json!({"action": "update", "data_id": first, "formdata": [
                {"id": "FORMITM_1", "type": "h_title", "value": "Alpha printer broken"},
                {"id": "FORMITM_3", "type": "h_level", "value": "green"},
                {"id": "FORMITM_4", "type": "h_status", "value": "check_done"},
                {"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}}]}),
        )
        .await?;
    replayer
        .step(
            &admin,
            edit,
            serde_json::json!({"action": "update", "data_id": third, "quick_action": "action1"}),
        )
        .await?;
    for path in sorted_json_files(&dir.join("transcripts"))? {
        let name = file_name(&path);
        let exchange: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        if let Some(recorded) = exchange["request"]["body"]["security"].as_str() {
            if !replayer.recorded_to_live.contains_key(recorded) {
                let user = transcript_user(&exchange)
                    .with_context(|| format!("{name}: the note names no user"))?;
                let password = if user == "admin" { "admin" } else { PASSWORD };
                let live = replayer.login(&user, password).await?;
                replayer.bind(recorded, &live);
            }
        }
        replayer.exchange(&name, &exchange).await?;
    }
    Ok(replayer.report)
}

/// The user a transcript's note names: `(user dave)`, else `as dave`.
fn transcript_user(exchange: &Value) -> Option<String> {
    let note = exchange["note"].as_str()?;
    let after = note
        .split_once("(user ")
        .map(|(_, rest)| rest)
        .or_else(|| note.rsplit_once(" as ").map(|(_, rest)| rest))?;
    let user: String = after
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    (!user.is_empty()).then_some(user)
}

fn cut(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 1500 {
        format!("{}…", text.chars().take(1500).collect::<String>())
    } else {
        text
    }
}
