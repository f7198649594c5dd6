//! What an acting command did (push, quick action, approve, create, delete, comment,
//! upload): a line for people, or one JSON object per ticket with its outcome
//! (`--output json` prints them as one array at the end, `ndjson` one per line as they come).
//! In the JSON forms stdout holds only the objects; summaries go to stderr.

use crate::listing::{say, say_raw};
use omflow_client::{PushOutcome, TicketState};
use serde_json::{json, Value};

/// How an acting command reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// A line per ticket for people.
    #[default]
    Text,
    /// One JSON array of the tickets' outcomes, printed at the end.
    Json,
    /// One JSON object per ticket, printed as each is done.
    Ndjson,
}

/// The `--output` of an acting command.
#[derive(Debug, Clone, Copy, clap::Args)]
pub(crate) struct ReportArgs {
    /// text, json (one array of outcomes, one per ticket or request) or ndjson (one object
    /// each).
    #[arg(long = "output", value_enum, default_value = "text")]
    pub(crate) format: ReportFormat,
}

/// Prints each ticket's outcome in the chosen form.
#[derive(Debug)]
pub(crate) struct Reporter {
    format: ReportFormat,
    collected: Vec<Value>,
}

impl Reporter {
    pub(crate) fn new(format: ReportFormat) -> Self {
        Reporter {
            format,
            collected: Vec::new(),
        }
    }

    /// Whether people read it (text) rather than a program (JSON).
    pub(crate) fn is_text(&self) -> bool {
        self.format == ReportFormat::Text
    }

    /// One ticket's outcome: `line` for people, `object` for programs.
    pub(crate) fn ticket(&mut self, line: &str, object: Value) {
        match self.format {
            ReportFormat::Text => say(line),
            ReportFormat::Ndjson => say_raw(&object.to_string()),
            ReportFormat::Json => self.collected.push(object),
        }
    }

    /// The end: the summary line on stdout for people (stderr for programs), and the JSON
    /// array.
    pub(crate) fn finish(self, summary: Option<&str>) {
        match (self.format, summary) {
            (ReportFormat::Text, Some(summary)) => say(summary),
            (_, Some(summary)) => eprintln!("omflow: {}", crate::output::printable(summary)),
            _ => {}
        }
        if self.format == ReportFormat::Json {
            say_raw(&Value::Array(self.collected).to_string());
        }
    }
}

/// Where the engine took a ticket, as JSON.
pub(crate) fn state_json(state: &TicketState) -> Value {
    match state {
        TicketState::AtStop { data_id, stop } => {
            json!({"kind": "at_stop", "data_id": data_id.map(|d| d.0), "stop": stop})
        }
        TicketState::Closed { data_id } => {
            json!({"kind": "closed", "data_id": data_id.map(|d| d.0)})
        }
        TicketState::EngineError {
            data_id,
            stop,
            message,
        } => json!({
            "kind": "engine_error", "data_id": data_id.map(|d| d.0), "stop": stop, "message": message
        }),
        TicketState::Running => json!({"kind": "running"}),
        TicketState::WaitingFor {
            stop,
            flow_uuid,
            data_no,
        } => json!({
            "kind": "waiting_for", "stop": stop, "flow_uuid": flow_uuid, "data_no": data_no.0
        }),
        other => json!({"kind": "other", "text": other.to_string()}),
    }
}

/// A push, quick action or create as JSON: `outcome` is `what`, or `engine_error` when the
/// engine failed the ticket after the server accepted it.
pub(crate) fn push_json(what: &str, data_id: Option<u64>, outcome: &PushOutcome) -> Value {
    let failed = outcome
        .state
        .as_ref()
        .is_some_and(TicketState::is_engine_error);
    json!({
        "outcome": if failed { "engine_error" } else { what },
        "data_id": data_id,
        "ticket": outcome.data_no.map(|n| n.get()),
        "route": outcome.prediction.as_ref().map(|p| p.route.to_string()),
        "state": outcome.state.as_ref().map(state_json),
        "commented": outcome.commented,
        "forced": outcome.forced,
        "resolved_after_lost_answer": outcome.resolved_after_lost_answer,
        "unobserved": outcome.unobserved,
    })
}
