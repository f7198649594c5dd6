//! The assignee's desk transcripts (`fixtures/omflow-3/desk/`, issue 25) replayed on the
//! state they were recorded in: the second corpus's setup, then the writes the answers show
//! (dave creates ticket 8, carol pushes data_no 2 on to 任務處理, admin sends data_no 1 back
//! from review with `check_fail`: its current row is 22 of 22), then each single exchange, tokens bound by the user its note names and web
//! session cookies bound at the web login that set them.

use crate::fixtures::{
    admin_pushes_ticket_1, bind_recorded_token, current_row, login, step, transcripts_start,
    PASSWORD,
};
use anyhow::{Context, Result};
use omflow_conformance::replay::{Outcome, Recording, Replayer, Report};
use std::path::Path;

/// The exchanges where the fake differs from the real server on purpose, and why.
pub const DELIBERATE: [(&str, &str); 1] = [(
    "096_file_download_session_carol_96.json",
    "the real server joins a download path to its media root unchecked and serves ../LICENSE; the fake serves only the attachments it stores (a tester's machine is not to be read through it)",
)];

/// Replays the desk transcripts; the deliberate differences are reported apart.
///
/// # Errors
/// When the fake cannot start, a setup write fails, or a transcript names no user.
pub async fn replay(root: &Path, second_corpus: &Recording) -> Result<(Report, Vec<Outcome>)> {
    let start = chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
        .and_then(|d| d.and_hms_opt(1, 45, 50))
        .context("date")?;
    let (fake, mut report) = transcripts_start(second_corpus, start).await?;
    // The answers show data_no 2 pushed on to 任務處理 by carol (its row 4).
    let carol = login(&fake, "carol", PASSWORD).await?;
    step(
        &fake,
        &carol,
        serde_json::json!({"action": "update", "data_id": current_row(&fake, 2)?, "formdata": [
            {"id": "FORMITM_1", "type": "h_title", "value": "Beta network down"},
            {"id": "FORMITM_3", "type": "h_level", "value": "red"},
            {"id": "FORMITM_4", "type": "h_status", "value": "dispatch_done"},
            {"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}}]}),
    )
    .await?;
    let admin = login(&fake, "admin", "admin").await?;
    admin_pushes_ticket_1(&fake, &admin, current_row(&fake, 1)?, "check_fail").await?;
    let mut replayer = Replayer::new(&fake)?;
    let transcripts = Recording::load_dir(&root.join("fixtures/omflow-3/desk"))?;
    let mut deliberate = Vec::new();
    for exchange in &transcripts.steps {
        if let Some(recorded) = exchange.raw["request"]["body"]["security"]
            .as_str()
            .map(str::to_owned)
            .or_else(|| multipart_token(&exchange.raw))
        {
            bind_recorded_token(&mut replayer, &fake, exchange, &recorded).await?;
        }
        let Some(outcome) = replayer.step(exchange).await else {
            continue;
        };
        if outcome.difference.is_some() && DELIBERATE.iter().any(|(name, _)| *name == outcome.name)
        {
            deliberate.push(outcome);
        } else {
            report.outcomes.push(outcome);
        }
    }
    Ok((report, deliberate))
}

/// The security code inside a recorded multipart body (`name="security"`).
fn multipart_token(exchange: &serde_json::Value) -> Option<String> {
    let body = exchange["request"]["body"].as_str()?;
    let (_, after) = body.split_once("name=\"security\"")?;
    let value = after.trim_start_matches(['\r', '\n']);
    let token: String = value
        .chars()
        .take_while(|c| c.is_ascii_hexdigit() || *c == '-')
        .collect();
    (!token.is_empty()).then_some(token)
}
