//! Which flow and which ticket row the command line names.

use crate::failure::{usage, Failure};
use futures::TryStreamExt;
use omflow_client::Client;
use omflow_model::query::Query;
use omflow_model::{DataId, FlowUuid};

/// How the command line named a ticket row's flow.
pub(crate) enum Row {
    /// The row is among my missions (matched by data_id and flow name).
    Mission(Box<omflow_model::Mission>),
    Uuid(FlowUuid),
    Path(String),
}

/// Resolves `FLOW DATA_ID`: a uuid; a flow name among my missions; else an api_path.
pub(crate) async fn row_in(client: &Client, flow: &str, data_id: DataId) -> Result<Row, Failure> {
    if let Ok(uuid) = FlowUuid::parse(flow) {
        return Ok(Row::Uuid(uuid));
    }
    let mine = Query::builder()
        .filter(omflow_model::query::col("data_id").eq(data_id))
        .filter(omflow_model::query::col("flow_name").eq(flow))
        .page_size(1)
        .build()
        .map_err(|e| usage(e.to_string()))?;
    if let Some(mission) = client
        .missions()
        .query(mine)
        .send()
        .await?
        .into_iter()
        .next()
    {
        return Ok(Row::Mission(Box::new(mission)));
    }
    // Not (or no longer) among my missions: the flow's uuid from any mission of that name.
    Ok(match flow_in(client, flow).await? {
        Flow::Uuid(uuid) => Row::Uuid(uuid),
        Flow::Path(api_path) => Row::Path(api_path),
    })
}

/// How the command line named a flow.
pub(crate) enum Flow {
    Uuid(FlowUuid),
    Path(String),
}

/// Resolves `FLOW`: a uuid; a flow name among my missions; else an api_path.
pub(crate) async fn flow_in(client: &Client, flow: &str) -> Result<Flow, Failure> {
    if let Ok(uuid) = FlowUuid::parse(flow) {
        return Ok(Flow::Uuid(uuid));
    }
    let named = Query::builder()
        .filter(omflow_model::query::col("flow_name").eq(flow))
        .page_size(1)
        .build()
        .map_err(|e| usage(e.to_string()))?;
    Ok(
        match client
            .missions()
            .query(named)
            .send()
            .await?
            .into_iter()
            .find_map(|m| m.flow_uuid)
        {
            Some(uuid) => Flow::Uuid(uuid),
            None => Flow::Path(flow.to_string()),
        },
    )
}

/// The flows of my missions: (uuid, name), each once, in first-seen order.
pub(crate) async fn my_flows(client: &Client) -> Result<Vec<(FlowUuid, String)>, Failure> {
    let query = Query::builder()
        .columns(["flow_uuid", "flow_name"])
        .page_size(500)
        .build()
        .map_err(|e| usage(e.to_string()))?;
    let rows: Vec<omflow_model::ProjectedRow> = client
        .missions()
        .query(query)
        .stream_projected()
        .try_collect()
        .await?;
    let mut flows: Vec<(FlowUuid, String)> = Vec::new();
    for row in rows {
        let uuid = row.get::<FlowUuid>("flow_uuid").ok().flatten();
        let name = row
            .get::<String>("flow_name")
            .ok()
            .flatten()
            .unwrap_or_default();
        if let Some(uuid) = uuid {
            if !flows.iter().any(|(known, _)| *known == uuid) {
                flows.push((uuid, name));
            }
        }
    }
    Ok(flows)
}
