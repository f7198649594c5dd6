//! `cargo xtask fixtures`: every file under `fixtures/` decodes and round-trips, and the
//! recorded real-server session replays against the fake with the same answers.
//!
//! The replay itself is `omflow_conformance::replay` (one implementation for every recording): see
//! its documentation for what is normalised and compared. Ids are not normalised: the fake
//! allocates data ids, mission ids and ticket numbers as the real server does.

use anyhow::{bail, Context, Result};
use omflow_conformance::replay::{Outcome, Recording, Replayer, Report};
use omflow_mock::{Clock, FakeOmflow, Seed};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// Checks every fixture file; prints a summary; fails on the first broken file or any
/// replay difference.
///
/// # Errors
/// On the first fixture that does not decode, or any replay difference.
pub fn run(root: &Path) -> Result<()> {
    let checked = check_files(root)?;
    println!("fixtures: {checked} files decode and round-trip");
    // The second corpus is read once: the OpenAPI and DSL checks, its replay and the
    // transcripts' setup.
    let second = Recording::load_dir(&root.join("fixtures/omflow-2/session"))?;
    check_openapi(root, &second)?;
    check_dsl(&second)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(replay(root, &second))
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

/// Every recorded real-server answer is one `crates/omflow-mock/openapi/omflow.json` allows.
fn check_openapi(root: &Path, second: &Recording) -> Result<()> {
    let first = Recording::load_dir(&root.join("fixtures/omflow/session"))?;
    let transcripts = Recording::load_dir(&root.join("fixtures/omflow-2/transcripts"))?;
    let desk = Recording::load_dir(&root.join("fixtures/omflow-3/desk"))?;
    let document = omflow_conformance::openapi::document();
    let steps = [&first, second, &transcripts, &desk]
        .into_iter()
        .flat_map(|recording| &recording.steps);
    let summary =
        crate::openapi_check::check(&document, steps.map(|step| (step.name.as_str(), &step.raw)))?;
    println!(
        "openapi: {} recorded real-server answers validate against crates/omflow-mock/openapi/omflow.json, {} unprojected list rows against their typed row ({} more of a documented status without a JSON body; {} calls to paths or methods the document does not describe)",
        summary.validated, summary.typed_rows, summary.status_only, summary.not_in_document
    );
    for (operation, count) in &summary.per_operation {
        println!("  {count:>5}  {operation}");
    }
    Ok(())
}

fn check_files(root: &Path) -> Result<usize> {
    let mut files = Vec::new();
    json_files(&root.join("fixtures"), &mut files)?;
    // The built-in seeds live in the fake's package (so it can be published).
    json_files(&root.join("crates/omflow-mock/seeds"), &mut files)?;
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
        if relative.starts_with("crates/omflow-mock/seeds/") {
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
        } else if relative.starts_with("fixtures/omflow/session/")
            || relative.starts_with("fixtures/omflow-2/")
        {
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

/// Replays every recording; all of them must agree exchange by exchange.
async fn replay(root: &Path, second_corpus: &Recording) -> Result<()> {
    let first = replay_first(root).await?;
    let second = replay_second(second_corpus).await?;
    let transcripts = replay_transcripts(root, second_corpus).await?;
    let (desk, deliberate) = crate::desk::replay(root, second_corpus).await?;
    let apps = replay_apps(root).await?;
    print_summary("first session (fixtures/omflow/session)", &first, false);
    print_summary("second corpus (fixtures/omflow-2/session)", &second, true);
    print_summary(
        "transcripts (fixtures/omflow-2/transcripts)",
        &transcripts,
        false,
    );
    print_summary("desk transcripts (fixtures/omflow-3/desk)", &desk, false);
    print_summary("users' own apps (fixtures/omflow-3/session)", &apps, true);
    for outcome in &deliberate {
        let why = crate::desk::DELIBERATE
            .iter()
            .find(|(name, _)| *name == outcome.name)
            .map_or("", |(_, why)| why);
        println!("  deliberate difference {}: {why}", outcome.name);
    }
    let differences: Vec<String> = [&first, &second, &transcripts, &desk, &apps]
        .iter()
        .flat_map(|report| report.differences().map(describe))
        .collect();
    if !differences.is_empty() {
        for diff in &differences {
            println!("  DIFF {diff}");
        }
        bail!(
            "{} recorded exchanges differ from the fake's answers",
            differences.len()
        );
    }
    Ok(())
}

/// The typed query DSL against the real server's answers: every list query of the second
/// corpus that the real server answered with success and the DSL accepts round-trips through
/// it unchanged, and each Django lookup the DSL can write was accepted by the real server at
/// least once in the form the DSL writes it.
fn check_dsl(recording: &Recording) -> Result<()> {
    use omflow_model::query::{col, Query};
    const LIST_PATHS: [&str; 2] = [
        "/rest/my-mission/api/my-mission/list/",
        "/rest/flowmanage/api/omdata/list/mission/",
    ];
    let mut accepted_columns: BTreeSet<String> = BTreeSet::new();
    let (mut round_trips, mut refused) = (0usize, 0usize);
    for step in &recording.steps {
        let request = &step.raw["request"];
        let answered = &step.raw["response"]["body"];
        if !LIST_PATHS.contains(&request["path"].as_str().unwrap_or(""))
            || answered["status"] != 200
        {
            continue;
        }
        let Some(body) = request["body"].as_object() else {
            continue;
        };
        let mut query_part = body.clone();
        query_part.retain(|k, _| k != "security" && k != "omflow_restapi");
        let wire = Value::Object(query_part);
        for key in ["search_conditions", "exclude_conditions"] {
            for condition in wire[key].as_array().into_iter().flatten() {
                if condition["condition"] == "=" {
                    if let Some(column) = condition["column"].as_str() {
                        accepted_columns.insert(column.to_string());
                    }
                }
            }
        }
        match Query::from_wire(&wire) {
            Ok(query) => {
                let again = serde_json::to_value(&query)?;
                let back = Query::from_wire(&again)
                    .with_context(|| format!("{}: the DSL's own wire form", step.name))?;
                if serde_json::to_value(&back)? != again {
                    bail!("{}: the DSL does not round-trip {again}", step.name);
                }
                round_trips += 1;
            }
            Err(_) => refused += 1,
        }
    }
    // What the DSL writes for each lookup, and whether the real server took that form.
    let written = [
        col("createtime").gte("2026-01-01"),
        col("data_no").lte(1),
        col("assignee_id").is_null(true),
        col("title").starts_with("A"),
        col("title").ends_with("A"),
        col("title").eq_ignore_case("a"),
        col("title").matches_regex("^A"),
        col("create_user").span("nick_name").eq("admin"),
    ];
    let (mut confirmed, mut missing) = (Vec::new(), Vec::new());
    for spec in written {
        let query = Query::builder().filter(spec).build()?;
        let wire = serde_json::to_value(&query)?;
        let column = wire["search_conditions"][0]["column"]
            .as_str()
            .unwrap_or("")
            .to_string();
        // The same lookup (or, for a span, the same relation) on any column.
        let (relation, last) = column.split_once("__").unwrap_or((&column, ""));
        let seen = accepted_columns.iter().any(|c| {
            if relation == "create_user" {
                c.starts_with("create_user__") || c.starts_with("create_user_id__")
            } else {
                c.rsplit_once("__").is_some_and(|(_, l)| l == last)
            }
        });
        if seen {
            confirmed.push(column);
        } else {
            missing.push(column);
        }
    }
    println!(
        "query DSL: forms the real server accepted in the recordings: {}",
        confirmed.join(", ")
    );
    println!(
        "query DSL: {round_trips} successful list queries of the second corpus round-trip, {refused} refused as ambiguous or malformed"
    );
    if !missing.is_empty() {
        // Checked against the fake only (crates/omflow-mock/tests/dsl_lookups.rs).
        println!(
            "query DSL: forms no successful recorded query shows (checked against the fake): {}",
            missing.join(", ")
        );
    }
    Ok(())
}

fn describe(outcome: &Outcome) -> String {
    format!(
        "{}: {}",
        outcome.name,
        outcome.difference.as_deref().unwrap_or("agrees")
    )
}

fn print_summary(title: &str, report: &Report, per_endpoint: bool) {
    let total = report.counted();
    let agree = report.agreeing();
    println!(
        "replay {title}: {agree} of {total} exchanges agree ({:.1} %)",
        percent(agree, total)
    );
    for (reason, count) in report.set_aside_reasons() {
        println!("  {count} more differ and are set aside (not counted): they concern {reason}");
    }
    let episodes = report.by_episode();
    if episodes.len() > 1 {
        let complete = episodes.values().filter(|t| t.agree == t.total).count();
        println!(
            "  episodes: {complete} of {} agree completely",
            episodes.len()
        );
    }
    if per_endpoint {
        for (endpoint, tally) in report.by_endpoint() {
            println!(
                "  {:>5} of {:>5} ({:5.1} %)  {endpoint}",
                tally.agree,
                tally.total,
                percent(tally.agree, tally.total)
            );
        }
    }
}

#[allow(clippy::cast_precision_loss)]
fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

pub(crate) async fn fake_at(start: chrono::NaiveDateTime) -> Result<FakeOmflow> {
    Ok(FakeOmflow::builder()
        .seed(Seed::pristine())
        .clock(Clock::frozen(start))
        .record_requests(false)
        .start()
        .await?)
}

/// The server-local time (Asia/Taipei) of a recording's first step.
fn local_start(recording: &Recording) -> Result<chrono::NaiveDateTime> {
    let first = recording
        .steps
        .iter()
        .find_map(|s| s.raw["wall_clock_utc"].as_str())
        .context("the recording has no wall clock")?;
    let utc: chrono::DateTime<chrono::FixedOffset> = chrono::DateTime::parse_from_rfc3339(first)?;
    Ok(utc.naive_utc() + chrono::Duration::hours(8))
}

async fn replay_first(root: &Path) -> Result<Report> {
    let recording = Recording::load_dir(&root.join("fixtures/omflow/session"))?;
    let start = chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
        .and_then(|d| d.and_hms_opt(16, 59, 0))
        .context("date")?;
    let fake = fake_at(start).await?;
    Ok(Replayer::new(&fake)?.replay(&recording).await)
}

/// The episodes recorded on a real server running users' own apps (every kind of stop):
/// each imports the apps beside the session (`fixtures/omflow-3/apps`). Their python stops
/// run in `python3`.
async fn replay_apps(root: &Path) -> Result<Report> {
    let recording = Recording::load_dir(&root.join("fixtures/omflow-3/session"))?;
    let python = omflow_mock::python::PythonRunner::find_python3()
        .context("the apps' python stops need python3 on PATH")?;
    let fake = FakeOmflow::builder()
        .seed(Seed::pristine())
        .clock(Clock::frozen(local_start(&recording)?))
        .record_requests(false)
        .python_interpreter(python)
        .start()
        .await?;
    Ok(Replayer::new(&fake)?.replay(&recording).await)
}

async fn replay_second(recording: &Recording) -> Result<Report> {
    let fake = fake_at(local_start(recording)?).await?;
    Ok(Replayer::new(&fake)?.replay(recording).await)
}

/// Logs in on the fake as `user` and returns the live code.
pub(crate) async fn login(fake: &FakeOmflow, user: &str, password: &str) -> Result<String> {
    let answer: Value = reqwest::Client::new()
        .get(format!("{}/accounts/api/security/get/", fake.uri()))
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

/// Sends one write the transcripts' README describes (not compared: it was not recorded).
pub(crate) async fn step(fake: &FakeOmflow, token: &str, body: Value) -> Result<Value> {
    let mut body = body;
    body["security"] = Value::String(token.to_string());
    body["omflow_restapi"] = Value::from(1);
    let answer: Value = reqwest::Client::new()
        .post(format!(
            "{}/rest/flowmanage/api/omdata/edit/mission/",
            fake.uri()
        ))
        .json(&body)
        .send()
        .await?
        .json()
        .await?;
    if answer["status"] != 200 {
        bail!("setup step failed on the fake: {answer}");
    }
    Ok(answer)
}

/// The setup exchanges (and the reset before them) of the second corpus's first episode:
/// the state every transcript starts from.
pub(crate) fn first_episode_setup(second_corpus: &Recording) -> Recording {
    Recording {
        steps: second_corpus
            .steps
            .iter()
            .filter(|s| {
                s.episode() == Some(1)
                    && (s.name.contains("_setup_") || s.name.contains("_oob_reset"))
            })
            .cloned()
            .collect(),
        dir: None,
    }
}

/// Dave creates ticket 8, "Iota created by dave" (asking for group 1), as both transcript
/// sets' READMEs say.
pub(crate) async fn dave_creates_ticket_8(fake: &FakeOmflow, dave: &str) -> Result<Value> {
    step(
        fake,
        dave,
        serde_json::json!({"action": "create", "formdata": [
            {"id": "FORMITM_1", "type": "h_title", "value": "Iota created by dave"},
            {"id": "FORMITM_2", "type": "areabox", "value": "desc"},
            {"id": "FORMITM_3", "type": "h_level", "value": "green"},
            {"id": "FORMITM_4", "type": "h_status", "value": "dispatch"},
            {"id": "FORMITM_5", "type": "h_group", "value": {"group": "1", "user": ""}}]}),
    )
    .await
}

/// The password the transcripts' setup gives every user but admin.
pub(crate) const PASSWORD: &str = "Diff-Pass-123";

/// A fake at `start` with the second corpus's first-episode setup replayed (and compared),
/// and dave's ticket 8 created: where every set of transcripts starts.
pub(crate) async fn transcripts_start(
    second_corpus: &Recording,
    start: chrono::NaiveDateTime,
) -> Result<(FakeOmflow, Report)> {
    let fake = fake_at(start).await?;
    let report = Replayer::new(&fake)?
        .replay(&first_episode_setup(second_corpus))
        .await;
    let dave = login(&fake, "dave", PASSWORD).await?;
    dave_creates_ticket_8(&fake, &dave).await?;
    Ok((fake, report))
}

/// Ticket `data_no`'s current row on `fake`.
pub(crate) fn current_row(fake: &FakeOmflow, data_no: u64) -> Result<u64> {
    fake.state()
        .current_row("mission", data_no)?
        .map(|row| row.id.get())
        .with_context(|| format!("ticket {data_no} has no current row"))
}

/// Admin pushes ticket 1 ("Alpha printer broken") on from its row `data_id` with `status`.
pub(crate) async fn admin_pushes_ticket_1(
    fake: &FakeOmflow,
    admin: &str,
    data_id: u64,
    status: &str,
) -> Result<Value> {
    step(
        fake,
        admin,
        serde_json::json!({"action": "update", "data_id": data_id, "formdata": [
            {"id": "FORMITM_1", "type": "h_title", "value": "Alpha printer broken"},
            {"id": "FORMITM_3", "type": "h_level", "value": "green"},
            {"id": "FORMITM_4", "type": "h_status", "value": status},
            {"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}}]}),
    )
    .await
}

/// Binds the security code `recorded` (when not bound yet) to a live login of the user the
/// exchange's note names.
pub(crate) async fn bind_recorded_token(
    replayer: &mut Replayer<'_>,
    fake: &FakeOmflow,
    exchange: &omflow_conformance::replay::RecordedStep,
    recorded: &str,
) -> Result<()> {
    if replayer.knows_token(recorded) {
        return Ok(());
    }
    let user = transcript_user(&exchange.raw)
        .with_context(|| format!("{}: the note names no user", exchange.name))?;
    let password = if user == "admin" { "admin" } else { PASSWORD };
    let live = login(fake, &user, password).await?;
    replayer.bind_token(&user, recorded, &live);
    Ok(())
}

/// The second recording's single-endpoint transcripts, on the state they were recorded in:
/// the first episode's setup (replayed and compared), then the steps its README describes
/// (dave creates ticket 8, admin pushes data_no 1 to the end and quick-actions data_no 3).
async fn replay_transcripts(root: &Path, second_corpus: &Recording) -> Result<Report> {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
        .and_then(|d| d.and_hms_opt(21, 0, 0))
        .context("date")?;
    let (fake, mut report) = transcripts_start(second_corpus, start).await?;
    let admin = login(&fake, "admin", "admin").await?;
    let (first, third) = (current_row(&fake, 1)?, current_row(&fake, 3)?);
    admin_pushes_ticket_1(&fake, &admin, first, "check_done").await?;
    step(
        &fake,
        &admin,
        serde_json::json!({"action": "update", "data_id": third, "quick_action": "action1"}),
    )
    .await?;
    let mut replayer = Replayer::new(&fake)?;
    let transcripts = Recording::load_dir(&root.join("fixtures/omflow-2/transcripts"))?;
    for exchange in &transcripts.steps {
        if let Some(recorded) = exchange.raw["request"]["body"]["security"].as_str() {
            bind_recorded_token(&mut replayer, &fake, exchange, recorded).await?;
        }
        report.outcomes.extend(replayer.step(exchange).await);
    }
    Ok(report)
}

/// The user a transcript's note names: `(user dave)`, `REST token of dave`, else `as dave`.
pub(crate) fn transcript_user(exchange: &Value) -> Option<String> {
    let note = exchange["note"].as_str()?;
    let after = note
        .split_once("(user ")
        .or_else(|| note.split_once("REST token of "))
        .map(|(_, rest)| rest)
        .or_else(|| note.rsplit_once(" as ").map(|(_, rest)| rest))?;
    let user: String = after
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    (!user.is_empty()).then_some(user)
}
