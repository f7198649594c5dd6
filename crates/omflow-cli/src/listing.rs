//! Lists for people: queries from the flags, columns, tables, and one line of output.

use crate::args::{Filters, ListArgs};
use crate::expr;
use crate::failure::{usage, Failure};
use crate::output::{self, Format};
use futures::TryStreamExt;
use omflow_client::Error as ClientError;
use omflow_model::query::{ConditionSpec, Query};
use omflow_model::ProjectedRow;
use serde_json::Value;
use std::io::Write;

pub(crate) fn list_query(filters: &Filters, list: &ListArgs) -> Result<Query, Failure> {
    let mut builder = query_from(filters)?;
    for order in &list.order {
        builder = match order.strip_prefix('-') {
            Some(column) => builder.order_by_desc(column),
            None => builder.order_by(order.as_str()),
        };
    }
    builder = builder.columns(list.columns.clone());
    let page_size = match list.limit {
        Some(0) => {
            return Err(usage(
                "--limit 0: give at least 1 (or leave --limit out for every row)",
            ))
        }
        // One more than shown tells whether more match.
        Some(limit) => limit.saturating_add(1),
        None => list.page_size.unwrap_or(100),
    };
    builder
        .page_size(page_size)
        .build()
        .map_err(|e| usage(e.to_string()))
}

pub(crate) fn query_from(filters: &Filters) -> Result<omflow_model::query::QueryBuilder, Failure> {
    let parse = |exprs: &[String]| -> Result<Vec<ConditionSpec>, Failure> {
        exprs
            .iter()
            .map(|e| expr::parse(e).map_err(|err| usage(err.to_string())))
            .collect()
    };
    let mut builder = Query::builder();
    for condition in parse(&filters.filters)? {
        builder = builder.filter(condition);
    }
    for condition in parse(&filters.excludes)? {
        builder = builder.exclude_when_all(condition);
    }
    Ok(builder)
}

/// The `--set` arguments, each field once (a second `--set` of a field is a usage error:
/// which one was meant cannot be told).
pub(crate) fn sets(args: &[String]) -> Result<Vec<expr::SetArg>, Failure> {
    let sets: Vec<expr::SetArg> = args
        .iter()
        .map(|a| expr::parse_set(a).map_err(usage))
        .collect::<Result<_, _>>()?;
    for (first, set) in sets.iter().enumerate() {
        if let Some(second) = (first + 1..sets.len()).find(|&later| sets[later].id == set.id) {
            return Err(usage(format!(
                "--set {} is given twice ({:?} and {:?}); give each field once",
                set.id, args[first], args[second]
            )));
        }
    }
    Ok(sets)
}

pub(crate) const MISSION_COLUMNS: [(&str, &str); 8] = [
    ("DATA_ID", "data_id"),
    ("NO", "data_no"),
    ("FLOW", "flow_name"),
    ("STOP", "stop_chart_text"),
    ("LEVEL", "level"),
    ("STATUS", "status"),
    ("TITLE", "title"),
    ("ACTIONS", "action"),
];

pub(crate) const TICKET_COLUMNS: [(&str, &str); 9] = [
    ("DATA_ID", "id"),
    ("NO", "data_no"),
    ("STOP", "stop_chart_text"),
    ("LEVEL", "level"),
    ("STATUS", "status"),
    ("TITLE", "title"),
    ("CLOSED", "closed"),
    ("HISTORY", "history"),
    ("ERROR", "error_message"),
];

/// Shows `"完成,退回"` as `完成 / 退回` and `","` as nothing.
pub(crate) fn readable_actions(mut row: Value) -> Value {
    if let Some(action) = row.get("action").and_then(Value::as_str) {
        let labels = omflow_model::QuickActionLabels::parse(Some(action));
        let shown: Vec<String> = [labels.action1, labels.action2]
            .into_iter()
            .flatten()
            .collect();
        row["action"] = Value::String(shown.join(" / "));
    }
    row
}

pub(crate) fn columns_of(defaults: &[(&str, &str)], chosen: &[String]) -> Vec<(String, String)> {
    if chosen.is_empty() {
        defaults
            .iter()
            .map(|(h, k)| (h.to_string(), k.to_string()))
            .collect()
    } else {
        chosen
            .iter()
            .map(|c| (c.to_uppercase(), c.clone()))
            .collect()
    }
}

pub(crate) fn emit(
    format: Format,
    rows: &[Value],
    columns: &[(String, String)],
) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    match output::print(&mut lock, format, rows, columns).and_then(|()| lock.flush()) {
        // A reader that stopped early (`| head -1`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Operation(
            format!("cannot write to stdout: {e}").into(),
        )),
        Ok(()) => Ok(()),
    }
}

/// The first `limit` rows of a page asked one row longer; says on stderr when more match.
pub(crate) fn shown_of(mut rows: Vec<Value>, limit: u64) -> Vec<Value> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() > limit {
        rows.truncate(limit);
        eprintln!(
            "omflow: showing the first {limit} rows; more match (leave --limit out to list every row)"
        );
    }
    rows
}

/// The first failed write to stdout that was not a closed pipe: the command still finishes
/// what it started, then exits 1 saying so.
static STDOUT_FAILURE: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Why writing to stdout failed, if it did.
pub(crate) fn stdout_failure() -> Option<String> {
    STDOUT_FAILURE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

fn remember(result: std::io::Result<()>) {
    if let Err(e) = result {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            STDOUT_FAILURE
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get_or_insert_with(|| e.to_string());
        }
    }
}

/// Prints one line of output built from server text (escaped for the terminal); a closed
/// pipe is not an error, another failure is remembered ([`stdout_failure`]).
pub(crate) fn say(text: &str) {
    let mut out = std::io::stdout().lock();
    remember(writeln!(out, "{}", output::printable(text)).and_then(|()| out.flush()));
}

/// Prints text that is not from a table (already exact JSON); as [`say`].
pub(crate) fn say_raw(text: &str) {
    let mut out = std::io::stdout().lock();
    remember(writeln!(out, "{text}").and_then(|()| out.flush()));
}

/// A list the CLI prints: my missions or a flow's tickets, as projected rows.
pub(crate) trait ProjectedList {
    /// Every matching row, page after page.
    fn all(self) -> futures::stream::BoxStream<'static, Result<ProjectedRow, ClientError>>;
    /// One page.
    fn page(self) -> futures::future::BoxFuture<'static, Result<Vec<ProjectedRow>, ClientError>>;
}

impl ProjectedList for omflow_client::MissionsRequest {
    fn all(self) -> futures::stream::BoxStream<'static, Result<ProjectedRow, ClientError>> {
        Box::pin(self.stream_projected())
    }
    fn page(self) -> futures::future::BoxFuture<'static, Result<Vec<ProjectedRow>, ClientError>> {
        Box::pin(self.send_projected())
    }
}

impl ProjectedList for omflow_client::TicketsRequest {
    fn all(self) -> futures::stream::BoxStream<'static, Result<ProjectedRow, ClientError>> {
        Box::pin(self.stream_projected())
    }
    fn page(self) -> futures::future::BoxFuture<'static, Result<Vec<ProjectedRow>, ClientError>> {
        Box::pin(self.send_projected())
    }
}

/// The rows of `list`: every one (streamed) without a limit; with one, the page of
/// `limit + 1` the query asked for, cut to `limit` with a note when more match.
pub(crate) async fn rows_of(
    list: impl ProjectedList,
    limit: Option<u64>,
) -> Result<Vec<Value>, Failure> {
    Ok(match limit {
        None => {
            list.all()
                .map_ok(|row| Value::Object(row.0))
                .try_collect()
                .await?
        }
        Some(limit) => shown_of(
            list.page()
                .await?
                .into_iter()
                .map(|row| Value::Object(row.0))
                .collect(),
            limit,
        ),
    })
}

/// Writes bytes to stdout: a reader that stopped early (`| head`) is not an error; another
/// failure names stdout.
pub(crate) fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Operation(
            format!("cannot write to stdout: {e}").into(),
        )),
        Ok(()) => Ok(()),
    }
}
