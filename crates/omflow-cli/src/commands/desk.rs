//! `omflow comment`, `omflow comments` and `omflow groups`: the assignee's desk.

use crate::args::HistoryFormat;
use crate::failure::Failure;
use crate::listing::{columns_of, emit, say, say_raw};
use crate::output::Format;
use crate::report::{ReportFormat, Reporter};
use omflow_client::Client;
use omflow_model::{DataNo, FlowRef};
use serde_json::Value;

const COMMENT_COLUMNS: [(&str, &str); 3] = [
    ("WHEN", "createtime"),
    ("WHO", "create_user_id__nick_name"),
    ("COMMENT", "content"),
];

const GROUP_COLUMNS: [(&str, &str); 3] = [
    ("ID", "id"),
    ("GROUP", "display_name"),
    ("DESCRIPTION", "description"),
];

/// Adds a comment to ticket `data_no` of `flow`.
pub(crate) async fn comment(
    client: &Client,
    flow: &str,
    data_no: u64,
    text: &str,
    report: ReportFormat,
) -> Result<(), Failure> {
    client
        .flow(FlowRef::parse(flow))
        .ticket(DataNo(data_no))
        .comment(text)
        .await?;
    let mut reporter = Reporter::new(report);
    reporter.ticket(
        &format!("commented on ticket {data_no}"),
        serde_json::json!({"outcome": "commented", "ticket": data_no}),
    );
    reporter.finish(None);
    Ok(())
}

/// Prints the comments of ticket `data_no` of `flow`.
pub(crate) async fn comments(
    client: &Client,
    flow: &str,
    data_no: u64,
    output: Format,
) -> Result<(), Failure> {
    let entries = client
        .flow(FlowRef::parse(flow))
        .ticket(DataNo(data_no))
        .comments()
        .await?;
    let rows = as_rows(&entries)?;
    emit(output, &rows, &columns_of(&COMMENT_COLUMNS, &[]))
}

/// Prints the groups.
pub(crate) async fn groups(client: &Client, output: Format) -> Result<(), Failure> {
    let groups = client.groups().await?;
    let rows = as_rows(&groups)?;
    emit(output, &rows, &columns_of(&GROUP_COLUMNS, &[]))
}

fn as_rows<T: serde::Serialize>(items: &[T]) -> Result<Vec<Value>, Failure> {
    items
        .iter()
        .map(|item| serde_json::to_value(item).map_err(|e| Failure::Operation(Box::new(e))))
        .collect()
}

/// Prints where ticket `data_no` of `flow` has been.
pub(crate) async fn history(
    client: &Client,
    flow: &str,
    data_no: u64,
    format: HistoryFormat,
) -> Result<(), Failure> {
    let ticket = client.flow(FlowRef::parse(flow)).ticket(DataNo(data_no));
    let log = ticket.flow_log().await?;
    match format {
        HistoryFormat::Dot => say_raw(log.path().dot().trim_end()),
        HistoryFormat::Mermaid => say_raw(log.path().mermaid().trim_end()),
        HistoryFormat::Json => {
            let rows = ticket.history().await.unwrap_or_default();
            let text = serde_json::to_string_pretty(&serde_json::json!({
                "flow_log": log.entries,
                "history": rows,
            }))
            .map_err(|e| Failure::Operation(Box::new(e)))?;
            say_raw(&text);
        }
        HistoryFormat::Text => {
            say(&format!("ticket {data_no} of {flow}"));
            for (i, entry) in log.entries.iter().enumerate() {
                let last = i + 1 == log.entries.len();
                say(&timeline_line(entry, last));
            }
            // Who wrote each earlier row (the assignee and View holders may read this).
            if let Ok(rows) = ticket.history().await {
                for row in rows {
                    say(&format!(
                        "  row {}: {} by {} ({} / {})",
                        row.id,
                        row.updatetime.unwrap_or_default(),
                        row.update_user.unwrap_or_default(),
                        row.level.unwrap_or_default(),
                        row.status.unwrap_or_default()
                    ));
                }
            }
        }
    }
    Ok(())
}

/// `name=value, ...` of a logged object (None when empty); a value that is JSON text (a
/// group field's `{"group": ...}`, escaped as the server stores it) is shown as JSON again,
/// its text readable.
fn pairs(logged: &serde_json::Value) -> Option<String> {
    let object = logged.as_object().filter(|o| !o.is_empty())?;
    let shown: Vec<String> = object
        .iter()
        .map(|(name, value)| {
            let text = match value {
                serde_json::Value::String(text) => serde_json::from_str::<serde_json::Value>(text)
                    .ok()
                    .filter(|parsed| parsed.is_object() || parsed.is_array())
                    .map_or_else(|| text.clone(), |parsed| parsed.to_string()),
                other => other.to_string(),
            };
            format!("{name}={text}")
        })
        .collect();
    Some(shown.join(", "))
}

/// One stop of the timeline: when, which stop, what went in or where it led.
fn timeline_line(entry: &omflow_model::FlowLogEntry, last: bool) -> String {
    let kind = entry.stop_chart_type.as_deref().unwrap_or("?");
    let name = entry.stop_chart_text.as_deref().unwrap_or("");
    let when = entry.createtime.as_deref().unwrap_or("");
    let what = match kind {
        "switch" if entry.error => "no rule matched: the ticket stopped in error".to_string(),
        "switch" => format!("-> {}", entry.output_data.as_str().unwrap_or("")),
        "form" | "setform" => pairs(&entry.input_data)
            .map(|set| format!("set {set}"))
            .unwrap_or_default(),
        "python" => {
            let given = pairs(&entry.input_data).unwrap_or_default();
            match pairs(&entry.output_data) {
                Some(out) => format!("ran with {given}; wrote {out}"),
                None => format!("ran with {given}"),
            }
        }
        _ => String::new(),
    };
    let here = if last && entry.output_data.is_null() {
        "  <- now here"
    } else {
        ""
    };
    format!(
        "  {when}  {name} ({}, {kind})  {what}{here}",
        entry.chart_id
    )
}
