//! Which ticket row a push or quick action acts on, and how the flow of a row named by
//! api_path is found (the flow's own list, else the caller's missions, checked with the
//! data-id lookup).

use crate::client::Client;
use crate::error::Error;
use crate::guard::Whereabouts;
use omflow_model::query::{col, Query};
use omflow_model::{paths, ApiErrorKind, ApiPath, DataId, FlowUuid, Mission};

/// Which ticket row a push or quick action acts on, and how its flow is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// By flow uuid (what missions carry): the edit path `None` with the uuid in the body.
    Flow(FlowUuid, DataId),
    /// By the flow's api_path (the uuid is looked up when the ticket is loaded).
    Path(ApiPath, DataId),
}

impl Target {
    pub(crate) fn data_id(&self) -> DataId {
        match self {
            Target::Flow(_, id) | Target::Path(_, id) => *id,
        }
    }

    /// The edit endpoint's path parameter for this target.
    pub(crate) fn edit_param(&self) -> &str {
        match self {
            Target::Flow(..) => paths::EDIT_BY_UUID,
            Target::Path(api_path, _) => api_path.as_str(),
        }
    }

    /// The flow's uuid as a body field, when the path does not name the flow.
    pub(crate) fn body_uuid(&self) -> Option<String> {
        match self {
            Target::Flow(uuid, _) => Some(uuid.simple()),
            Target::Path(..) => None,
        }
    }

    pub(crate) fn api_path(&self) -> Option<&ApiPath> {
        match self {
            Target::Path(api_path, _) => Some(api_path),
            Target::Flow(..) => None,
        }
    }
}

impl Client {
    /// Finds the flow uuid of a row named by api_path: from the flow's own list (View
    /// permission), else from my missions (the assignee). A data_id is a row of one flow's
    /// table and other flows have rows with the same id, so my missions tell the flow only
    /// when they hold that id in one flow alone. What the row found tells of its ticket and
    /// stop is kept in `hint` (the prediction needs it, so it is not read again).
    pub(crate) async fn resolve_uuid(
        &self,
        target: &Target,
        hint: &mut Whereabouts,
    ) -> Result<FlowUuid, Error> {
        let (api_path, data_id) = match target {
            Target::Flow(uuid, _) => return Ok(*uuid),
            Target::Path(api_path, data_id) => (api_path, *data_id),
        };
        let query = |column: &str, page_size: u64| {
            Query::builder()
                .filter(col(column).eq(data_id))
                .page_size(page_size)
                .build()
                .map_err(|e| Error::InvalidRequest(e.to_string()))
        };
        let listed = self
            .tickets(api_path.as_str())
            .include_history()
            .query(query("id", 1)?)
            .send()
            .await;
        match listed {
            Ok(rows) => {
                let row = rows.into_iter().next().ok_or_else(|| {
                    Error::InvalidRequest(format!(
                        "flow {api_path} has no ticket row {data_id} (omflow tickets list shows its rows)"
                    ))
                })?;
                let uuid = row.flow_uuid.ok_or_else(|| {
                    Error::InvalidRequest(format!(
                        "flow {api_path}: ticket row {data_id} names no flow"
                    ))
                })?;
                *hint = Whereabouts {
                    data_no: Some(row.data_no),
                    stop: row.stop_uuid,
                    moved_on: row.history,
                };
                return Ok(uuid);
            }
            Err(err) if err.api_kind() == Some(ApiErrorKind::PermissionDenied) => {}
            Err(err) => return Err(err),
        }
        let missions = self.missions().query(query("data_id", 100)?).send().await?;
        let mut flows: Vec<(FlowUuid, &Mission)> = Vec::new();
        for mission in &missions {
            if let Some(uuid) = mission.flow_uuid {
                if !flows.iter().any(|(known, _)| *known == uuid) {
                    flows.push((uuid, mission));
                }
            }
        }
        // Row ids are per flow: a mission of another flow may have the same one. The
        // data-id lookup (any logged-in user) tells whether the mission's ticket has that
        // current row at this api_path.
        let mut here: Vec<(FlowUuid, &Mission)> = Vec::new();
        for (uuid, mission) in &flows {
            let Some(data_no) = mission.data_no else {
                continue;
            };
            let current = self.lookup_data_id(api_path.as_str(), data_no).await?;
            if current.iter().any(|entry| entry.data_id == data_id) {
                here.push((*uuid, mission));
            }
        }
        if here.is_empty() && !flows.is_empty() {
            let elsewhere: Vec<String> = flows
                .iter()
                .map(|(_, m)| m.flow_name.clone().unwrap_or_default())
                .collect();
            return Err(Error::InvalidRequest(format!(
                "ticket row {data_id} among your missions is in flow {}, not at api_path {api_path} (your missions show no row {data_id} there)",
                elsewhere.join(", ")
            )));
        }
        match here.as_slice() {
            [(uuid, mission)] => {
                *hint = Whereabouts::of_mission(mission);
                Ok(*uuid)
            }
            [] => Err(Error::NoAccess {
                action: format!("find ticket row {data_id} of flow {api_path}"),
                needs: "the row among your missions (a row that moved on is not: your missions show the ticket's current data_id), or the flow's View permission".into(),
                may_not_exist: false,
            }),
            several => Err(Error::InvalidRequest(format!(
                "ticket row {data_id} is among your missions in more than one flow ({}), and which of them is at api_path {api_path} needs the flow's View permission to tell; name the flow by its name or uuid",
                several
                    .iter()
                    .map(|(_, m)| m.flow_name.clone().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }
}
