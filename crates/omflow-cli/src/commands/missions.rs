//! `omflow missions`.

use crate::args::MissionsArgs;
use crate::failure::Failure;
use crate::listing::{columns_of, emit, list_query, readable_actions, rows_of, MISSION_COLUMNS};
use omflow_client::Client;

/// Lists my missions: every row (streamed), or `--limit` of them.
pub(crate) async fn run(client: &Client, args: MissionsArgs) -> Result<(), Failure> {
    let query = list_query(&args.filters, &args.list)?;
    let rows = rows_of(client.missions().query(query), args.list.limit).await?;
    let rows = if args.list.output.is_table() {
        rows.into_iter().map(readable_actions).collect()
    } else {
        rows
    };
    emit(
        args.list.output,
        &rows,
        &columns_of(&MISSION_COLUMNS, &args.list.columns),
    )
}
