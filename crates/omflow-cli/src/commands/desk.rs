//! `omflow comment`, `omflow comments` and `omflow groups`: the assignee's desk.

use crate::failure::Failure;
use crate::listing::{columns_of, emit, say};
use crate::output::Format;
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
) -> Result<(), Failure> {
    client
        .flow(FlowRef::parse(flow))
        .ticket(DataNo(data_no))
        .comment(text)
        .await?;
    say(&format!("commented on ticket {data_no}"));
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
