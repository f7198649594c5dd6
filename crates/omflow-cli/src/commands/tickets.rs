//! `omflow tickets list|create|delete`.

use crate::args::{Filters, ListArgs, Wait};
use crate::commands::push::report_push;
use crate::failure::{failed, usage, Failure};
use crate::listing::{columns_of, emit, list_query, rows_of, say, sets, TICKET_COLUMNS};
use crate::report::{push_json, ReportFormat, Reporter};
use futures::TryStreamExt;
use omflow_client::{Client, ResolvedFlow, TicketsRequest};
use omflow_model::query::Query;
use omflow_model::{DataNo, FlowRef};
use std::process::ExitCode;

/// Lists a flow's tickets: every row (streamed), or `--limit` of them.
pub(crate) async fn list(
    client: &Client,
    flow: &str,
    filters: &Filters,
    history: bool,
    list: &ListArgs,
) -> Result<(), Failure> {
    let query = list_query(filters, list)?;
    let mut request = client.flow(FlowRef::parse(flow)).tickets().query(query);
    if history {
        request = request.include_history();
    }
    let rows = rows_of(request, list.limit).await?;
    emit(
        list.output,
        &rows,
        &columns_of(&TICKET_COLUMNS, &list.columns),
    )
}

/// Creates a ticket in `flow` with `set`, checked (unless `force`) and reported.
pub(crate) async fn create(
    client: &Client,
    flow: &str,
    set: &[String],
    force: bool,
    wait: &Wait,
    report: ReportFormat,
) -> Result<ExitCode, Failure> {
    let values = sets(set)?;
    if values.iter().all(|set| set.field_type.is_some()) {
        eprintln!(
            "omflow: every field has its type, so the start form is not read: the values are sent unchecked and the new ticket's route is not predicted"
        );
    }
    let wait = wait.duration()?;
    let mut builder = client.flow(FlowRef::parse(flow)).create();
    for set in values {
        builder = match set.field_type {
            Some(field_type) => builder.set_typed(&set.id, field_type, set.value),
            None => builder.set(&set.id, set.value),
        };
    }
    if force {
        builder = builder.force();
    }
    if let Some(wait) = wait {
        builder = builder.wait_for_engine(wait);
    }
    let created = builder.send_and_observe().await?;
    let object = push_json("created", None, &created);
    Ok(report_push("created", &created, object, report))
}

/// Which of `numbers` exist in the flow (history rows included).
async fn existing(request: TicketsRequest, numbers: &[DataNo]) -> Result<Vec<u64>, Failure> {
    let query = Query::builder()
        .filter(omflow_model::query::col("data_no").is_in(numbers.iter().map(|n| n.get())))
        .columns(["data_no"])
        .page_size(1000)
        .build()
        .map_err(|e| usage(e.to_string()))?;
    let rows: Vec<omflow_model::ProjectedRow> = request
        .include_history()
        .query(query)
        .stream_projected()
        .try_collect()
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| r.get::<u64>("data_no").ok().flatten())
        .collect())
}

/// Deletes tickets `data_nos` of `flow`: refused whole when one does not exist, and checked
/// afterwards.
pub(crate) async fn delete(
    client: &Client,
    flow: &str,
    data_nos: &[u64],
    report: ReportFormat,
) -> Result<(), Failure> {
    // Each ticket once, in the order given.
    let mut unique: Vec<u64> = Vec::new();
    for n in data_nos {
        if !unique.contains(n) {
            unique.push(*n);
        }
    }
    let data_nos = unique.as_slice();
    let flow = client.flow(FlowRef::parse(flow));
    let request = flow.tickets();
    let numbers: Vec<DataNo> = data_nos.iter().copied().map(DataNo).collect();
    let listed = |numbers: &[u64], among: &[u64], present: bool| -> Vec<String> {
        numbers
            .iter()
            .filter(|n| among.contains(n) == present)
            .map(u64::to_string)
            .collect()
    };
    let before = existing(request.clone(), &numbers).await?;
    let missing = listed(data_nos, &before, false);
    if !missing.is_empty() {
        return Err(failed(format!(
            "no ticket {} in this flow; nothing was deleted",
            missing.join(", ")
        )));
    }
    if let ResolvedFlow::Uuid(_) = client.resolve_flow(flow.reference()).await? {
        return Err(usage(
            "tickets delete needs the flow's api_path (the server deletes by api_path only)",
        ));
    }
    flow.delete(&numbers).await?;
    let after = existing(request, &numbers).await?;
    let left = listed(data_nos, &after, true);
    if !left.is_empty() {
        return Err(failed(format!(
            "the server answered success but ticket(s) {} still exist",
            left.join(", ")
        )));
    }
    let mut reporter = Reporter::new(report);
    if reporter.is_text() {
        say(&format!(
            "deleted ticket(s) {}",
            data_nos
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    } else {
        for n in data_nos {
            reporter.ticket("", serde_json::json!({"outcome": "deleted", "ticket": n}));
        }
    }
    reporter.finish(None);
    Ok(())
}
