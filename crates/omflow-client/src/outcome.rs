//! Where the engine took a ticket after a push. The real engine works after the server has
//! answered, so the client watches with what the user may read: the query-form list (View
//! permission: stop, closed, error state and message), else my missions and the ticket
//! load (the assignee).

use crate::client::Client;
use crate::error::Error;
use omflow_model::query::{col, Query};
use omflow_model::{ApiErrorKind, ApiPath, DataId, DataNo, FlowUuid};
use std::fmt;
use std::time::Duration;

/// Where a ticket stands after the engine has run.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TicketState {
    /// At a form stop, waiting for a person.
    AtStop {
        /// The new current row (`None` when it is not visible to this user: assigned to
        /// someone else).
        data_id: Option<DataId>,
        /// The stop's name, when visible.
        stop: Option<String>,
    },
    /// The ticket is closed.
    Closed {
        /// Its closed row, when visible.
        data_id: Option<DataId>,
    },
    /// The engine left the ticket in its error state (for example, no rule of a switch
    /// matched the pushed value). It cannot be pushed on; an administrator must repair it.
    EngineError {
        /// The errored row, when visible.
        data_id: Option<DataId>,
        /// The stop it stands at, when visible.
        stop: Option<String>,
        /// The engine's message (`找不到符合的條件。`); `None` when the user lacks the View
        /// permission that shows it.
        message: Option<String>,
    },
    /// The engine had not finished when the wait ended.
    Running,
    /// The ticket is parked: an outflow or inflow stop opened a ticket in another flow, and
    /// this one goes on when that ticket ends (it is running, at no stop, meanwhile).
    WaitingFor {
        /// The stop that opened it.
        stop: Option<String>,
        /// The other ticket's flow (32 hex digits).
        flow_uuid: Option<String>,
        /// The other ticket.
        data_no: DataNo,
    },
}

impl TicketState {
    /// The row the ticket now stands at, when visible.
    #[must_use]
    pub fn data_id(&self) -> Option<DataId> {
        match self {
            TicketState::AtStop { data_id, .. }
            | TicketState::Closed { data_id }
            | TicketState::EngineError { data_id, .. } => *data_id,
            TicketState::Running | TicketState::WaitingFor { .. } => None,
        }
    }

    /// Whether the engine failed the ticket.
    #[must_use]
    pub fn is_engine_error(&self) -> bool {
        matches!(self, TicketState::EngineError { .. })
    }
}

impl fmt::Display for TicketState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let row = |id: &Option<DataId>| id.map(|id| format!(" (data_id {id})")).unwrap_or_default();
        match self {
            TicketState::AtStop { data_id, stop } => match stop {
                Some(stop) => write!(f, "at stop {stop}{}", row(data_id)),
                None => write!(f, "moved on to a stop not shown to you{}", row(data_id)),
            },
            TicketState::Closed { data_id } => write!(f, "closed{}", row(data_id)),
            TicketState::EngineError {
                data_id,
                stop,
                message,
            } => {
                write!(f, "engine error")?;
                if let Some(stop) = stop {
                    write!(f, " at {stop}")?;
                }
                write!(f, "{}", row(data_id))?;
                match message {
                    Some(message) => write!(f, ": {message}"),
                    None => write!(f, ": the engine stopped the ticket at a stop that is not a form; an administrator of the flow can read the engine's message and repair the ticket"),
                }
            }
            TicketState::Running => write!(f, "still running when the wait ended"),
            TicketState::WaitingFor {
                stop,
                flow_uuid,
                data_no,
            } => {
                write!(f, "waiting for ticket {data_no}")?;
                if let Some(flow) = flow_uuid {
                    write!(f, " of flow {flow}")?;
                }
                if let Some(stop) = stop {
                    write!(f, ", which stop {stop} opened")?;
                }
                write!(f, ": it goes on when that ticket ends")
            }
        }
    }
}

/// Watches ticket `data_no` until the engine has moved it on from row `old` (`None` for a
/// create, which has no earlier row), or `timeout`.
pub(crate) async fn observe(
    client: &Client,
    flow: Option<FlowUuid>,
    api_path: Option<&ApiPath>,
    data_no: DataNo,
    old: Option<DataId>,
    timeout: Duration,
) -> Result<TicketState, Error> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut pause = Duration::from_millis(50);
    let mut rows_visible = true;
    loop {
        let last = tokio::time::Instant::now() >= deadline;
        if rows_visible {
            match settled_from_rows(client, flow, api_path, data_no, old).await {
                Ok(Some(state)) => return Ok(state),
                Ok(None) => {}
                Err(err) if err.api_kind() == Some(ApiErrorKind::PermissionDenied) => {
                    rows_visible = false;
                }
                Err(err) => return Err(err),
            }
        }
        if !rows_visible {
            let Some(flow) = flow else {
                return Ok(TicketState::Running);
            };
            if let Some(state) = settled_as_assignee(client, flow, data_no, old, last).await? {
                return Ok(state);
            }
        }
        if last {
            let parked = match flow {
                Some(flow) => waiting_for(client, flow, data_no).await,
                None => None,
            };
            return Ok(parked.unwrap_or(TicketState::Running));
        }
        let now = tokio::time::Instant::now();
        tokio::time::sleep(pause.min(deadline.saturating_duration_since(now))).await;
        pause = (pause * 2).min(Duration::from_secs(1));
    }
}

/// A ticket still running when the wait ended, parked at an outflow or inflow stop: its flow
/// log's last entry is that stop, with no output yet and the ticket it opened. `None` when
/// the log says otherwise or cannot be read.
async fn waiting_for(client: &Client, flow: FlowUuid, data_no: DataNo) -> Option<TicketState> {
    let log = client
        .flow(omflow_model::FlowRef::from(flow))
        .ticket(data_no)
        .flow_log()
        .await
        .ok()?;
    let last = log.entries.last()?;
    let parked_at = matches!(last.stop_chart_type.as_deref(), Some("outflow" | "inflow"));
    if !parked_at || !last.output_data.is_null() {
        return None;
    }
    Some(TicketState::WaitingFor {
        stop: last.stop_chart_text.clone(),
        flow_uuid: last.outflow_uuid.clone(),
        data_no: last.outflow_data_no?,
    })
}

/// With View permission: the ticket's current rows tell everything.
async fn settled_from_rows(
    client: &Client,
    flow: Option<FlowUuid>,
    api_path: Option<&ApiPath>,
    data_no: DataNo,
    old: Option<DataId>,
) -> Result<Option<TicketState>, Error> {
    let query = Query::builder()
        .filter(col("data_no").eq(data_no))
        .order_by("id")
        .build()
        .map_err(|e| Error::InvalidRequest(e.to_string()))?;
    let request = match (api_path, flow) {
        (Some(path), _) => client.tickets(path.as_str()),
        (None, Some(flow)) => client.flow(flow).tickets(),
        (None, None) => return Ok(None),
    };
    let rows = request.query(query).send().await?;
    let Some(row) = rows
        .into_iter()
        .find(|row| !row.running && (Some(row.id) != old || row.closed || row.error))
    else {
        return Ok(None);
    };
    let data_id = Some(row.id);
    Ok(Some(if row.error {
        TicketState::EngineError {
            data_id,
            stop: row.stop_chart_text,
            message: row.error_message,
        }
    } else if row.closed {
        TicketState::Closed { data_id }
    } else {
        TicketState::AtStop {
            data_id,
            stop: row.stop_chart_text,
        }
    }))
}

/// Without View permission: a new mission of the ticket, or the old row as loaded.
async fn settled_as_assignee(
    client: &Client,
    flow: FlowUuid,
    data_no: DataNo,
    old: Option<DataId>,
    last: bool,
) -> Result<Option<TicketState>, Error> {
    let query = Query::builder()
        .filter(col("data_no").eq(data_no))
        .filter(col("flow_uuid").eq(flow.simple()))
        .build()
        .map_err(|e| Error::InvalidRequest(e.to_string()))?;
    let missions = client.missions().query(query).send().await?;
    if let Some(mission) = missions.into_iter().find(|m| m.data_id != old) {
        return Ok(Some(TicketState::AtStop {
            data_id: mission.data_id,
            stop: mission.stop_chart_text,
        }));
    }
    let Some(old) = old else {
        // A create: there is no earlier row to load.
        return Ok(None);
    };
    match client.load_ticket(flow, old).await {
        Ok(ticket) if ticket.closed => Ok(Some(TicketState::Closed { data_id: None })),
        Ok(ticket) if ticket.find_item => Ok(Some(TicketState::AtStop {
            data_id: None,
            stop: None,
        })),
        // Not at a form stop: the engine is running, or left it in its error state; only
        // time tells them apart for a user who cannot read the row's error flag.
        Ok(_) if last => Ok(Some(TicketState::EngineError {
            data_id: None,
            stop: None,
            message: None,
        })),
        Ok(_) => Ok(None),
        // The row names someone else now: the ticket moved on out of this user's sight.
        Err(Error::NoAccess { .. }) => Ok(Some(TicketState::AtStop {
            data_id: None,
            stop: None,
        })),
        Err(err) => Err(err),
    }
}

/// Whether a write to row `data_id` was applied, read back after its answer was lost:
/// `Some((applied, data_no))`, or `None` when the user can see neither the row (View
/// permission: a row that became history, or is running, was pushed) nor its mission (an
/// open mission of the row means it is still current: not pushed).
pub(crate) async fn applied(
    client: &Client,
    flow: FlowUuid,
    data_id: DataId,
    hint: &crate::guard::Whereabouts,
) -> Option<(bool, Option<DataNo>)> {
    let by_id = Query::builder()
        .filter(col("id").eq(data_id))
        .page_size(1)
        .build()
        .ok()?;
    if let Ok(rows) = client
        .flow(flow)
        .tickets()
        .include_history()
        .query(by_id)
        .send()
        .await
    {
        if let Some(row) = rows.first() {
            return Some((row.history || row.running, Some(row.data_no)));
        }
    }
    // Only a row that was one of the user's missions tells by its mission.
    hint.stop.as_ref()?;
    let mission = Query::builder()
        .filter(col("data_id").eq(data_id))
        .filter(col("flow_uuid").eq(flow.simple()))
        .page_size(1)
        .build()
        .ok()?;
    let missions = client.missions().query(mission).send().await.ok()?;
    Some((missions.is_empty(), hint.data_no))
}
