//! `omflow seed from-server` as a flow manager: every app the server runs, exported as a
//! flow manager downloads it, with the uuids the server deployed its flows with, and every
//! ticket row of each of their flows (history rows included), read through the query-form
//! list. The fake started from such a seed answers list, load and flow-design calls as the
//! server did; missions are rebuilt for the tickets waiting at a form stop.

use futures::TryStreamExt;
use omflow_client::model::query::Query;
use omflow_client::model::{DataNo, FlowRef};
use omflow_client::{Client, Error};
use omflow_mock::Seed;
use serde_json::Value;

/// What reading the apps gave: the flows added, and what could not be read.
pub(crate) struct AppsRead {
    /// Flows whose rows were read and hold some.
    pub flows: usize,
    /// Rows read.
    pub rows: usize,
    /// One line per thing that could not be read.
    pub gaps: Vec<String>,
}

/// Adds every app the server runs to `seed`, with its flows' ticket rows. `Err` (nothing
/// added) when the user may not list apps: the flow-management permission is needed.
pub(crate) async fn read_apps(client: &Client, seed: &mut Seed) -> Result<AppsRead, Error> {
    let listed = client.app_flows().await?;
    let ids: Vec<u64> = listed.app.iter().map(|a| a.id).collect();
    let mut read = AppsRead {
        flows: 0,
        rows: 0,
        gaps: Vec::new(),
    };
    if ids.is_empty() {
        return Ok(read);
    }
    let export = client.export_apps(&ids).await?;
    // The apps grant their permissions to roles by name: every group and every role, not
    // only those with members.
    let groups = client.groups().await?.into_iter().map(|g| (g, false));
    let roles = client.roles().await?.into_iter().map(|g| (g, true));
    for (group, functional) in groups.chain(roles) {
        if !seed.groups.iter().any(|g| g.id == group.id.get()) {
            seed.groups.push(omflow_mock::seed::SeedGroup {
                id: group.id.get(),
                display_name: group.display_name,
                functional,
                ..Default::default()
            });
        }
    }
    seed.groups.sort_by_key(|g| g.id);
    for app in export {
        let app = serde_json::to_value(&app).unwrap_or(Value::Null);
        let name = app["app_name"].as_str().unwrap_or_default().to_string();
        let exported: Vec<String> = app["flow_list"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["flow_name"].as_str().map(str::to_string))
            .collect();
        // The flows read from missions are replaced by the export's, which are whole.
        let mut without = seed.clone();
        without
            .flows
            .retain(|f| !(f.app_name == name && exported.contains(&f.flow_name)));
        let before = without.flows.len();
        if let Err(why) = without.add_app(&Value::Array(vec![app])) {
            read.gaps.push(format!("app {name}: not copied ({why})"));
            continue;
        }
        *seed = without;
        for at in before..seed.flows.len() {
            let app_id = listed.app.iter().find(|a| a.app_name == name).map(|a| a.id);
            let deployed = listed
                .flow
                .iter()
                .find(|f| Some(f.flow_app_id) == app_id && f.flow_name == seed.flows[at].flow_name)
                .map(|f| f.flow_uuid.simple());
            match deployed {
                Some(uuid) => rename_flow(seed, at, &uuid),
                None => read.gaps.push(format!(
                    "the uuid of flow {}: the server's app list does not name it; the seed gives it one of its own",
                    seed.flows[at].flow_name
                )),
            }
            match flow_rows(client, &seed.flows[at].api_path).await {
                Ok(rows) => {
                    read.rows += rows.len();
                    read.flows += usize::from(!rows.is_empty());
                    let uuid = seed.flows[at].flow_uuid.clone();
                    match flow_logs(client, &uuid, &rows).await {
                        Ok(logs) => seed.flows[at].flow_logs = logs,
                        Err(why) => read.gaps.push(format!(
                            "flow log of flow {}: not read ({why})",
                            seed.flows[at].flow_name
                        )),
                    }
                    seed.flows[at].rows = rows;
                }
                Err(why) => read.gaps.push(format!(
                    "tickets of flow {}: not read ({why})",
                    seed.flows[at].flow_name
                )),
            }
        }
    }
    Ok(read)
}

/// Gives flow `at` the uuid the server deployed it with (the export names flows, not
/// uuids), in the flow and in the permissions the app granted on it.
fn rename_flow(seed: &mut Seed, at: usize, uuid: &str) {
    let old = std::mem::replace(&mut seed.flows[at].flow_uuid, uuid.to_string());
    for group in &mut seed.groups {
        for permission in &mut group.permissions {
            if let Some(rest) = permission.strip_prefix(&format!("Omdata_{old}_")) {
                *permission = format!("Omdata_{uuid}_{rest}");
            }
        }
    }
}

/// The flow log of every ticket among `rows`, subflows' stops included, each entry with its
/// ticket's `data_no`.
async fn flow_logs(
    client: &Client,
    flow_uuid: &str,
    rows: &[serde_json::Map<String, Value>],
) -> Result<Vec<Value>, Error> {
    let mut tickets: Vec<u64> = rows
        .iter()
        .filter_map(|row| row.get("data_no").and_then(Value::as_u64))
        .collect();
    tickets.sort_unstable();
    tickets.dedup();
    let flow = client.flow(FlowRef::parse(flow_uuid));
    let mut logs = Vec::new();
    for data_no in tickets {
        let ticket = flow.ticket(DataNo(data_no));
        let mut entries = ticket.flow_log().await?.entries;
        let inside: Vec<(String, String)> = entries
            .iter()
            .filter_map(|e| Some((e.subflow_uid.clone()?, e.chart_id.clone())))
            .collect();
        for (uid, stop) in inside {
            entries.extend(ticket.subflow_log(&uid, &stop).await?.entries);
        }
        for entry in entries {
            let mut entry = serde_json::to_value(entry).unwrap_or(Value::Null);
            entry["data_no"] = Value::from(data_no);
            logs.push(entry);
        }
    }
    Ok(logs)
}

/// Every row of a flow (history rows too), every column, in id order.
async fn flow_rows(
    client: &Client,
    api_path: &str,
) -> Result<Vec<serde_json::Map<String, Value>>, Error> {
    let query = Query::builder()
        .order_by("id")
        .build()
        .map_err(|e| Error::InvalidRequest(e.to_string()))?;
    let rows: Vec<omflow_client::model::ProjectedRow> = client
        .tickets(api_path)
        .include_history()
        .query(query)
        .stream_projected()
        .try_collect()
        .await?;
    Ok(rows.into_iter().map(|row| row.0).collect())
}
