//! The assignee's desk beyond the form: a ticket's work log (comments) and the groups.
//!
//! A ticket is named by its flow and its number ([`FlowHandle::ticket`]); the server checks
//! a work log's permissions on a row of the ticket, which the client finds: the caller's
//! mission of the ticket (an assignee), else the ticket's current row (View permission),
//! else none (a superuser and a holder of the flow's Modify or View permission need none).

use crate::client::Client;
use crate::error::Error;
use crate::flows::{FlowHandle, ResolvedFlow};
use omflow_model::calls;
use omflow_model::chart::{FlowChart, LoadFlowChart, LoadedFlowChart};
use omflow_model::query::{col, Query};
use omflow_model::{
    AddWorklog, DataId, DataNo, FlowLogEntry, FlowRef, FlowUuid, GroupId, GroupRow, GroupUser,
    HistoryPage, HistoryRow, ListGroupUsers, ListGroups, ListHistory, ListWorklog, Operation,
    WorklogEntry,
};

/// Where a ticket has been; see [`TicketHandle::flow_log`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FlowLog {
    /// The flow's design.
    pub chart: FlowChart,
    /// Every stop the ticket entered, oldest first.
    pub entries: Vec<FlowLogEntry>,
}

impl FlowLog {
    /// The flow drawn with the ticket's path (`dot()` for Graphviz, `mermaid()`).
    #[must_use]
    pub fn path(&self) -> omflow_model::history::Path<'_> {
        omflow_model::history::Path {
            chart: &self.chart,
            passed: &self.entries,
        }
    }
}

/// A ticket of a flow, by its number; see [`FlowHandle::ticket`].
#[derive(Debug, Clone)]
#[must_use = "a ticket handle does nothing until an operation is called on it"]
pub struct TicketHandle {
    client: Client,
    flow: FlowRef,
    data_no: DataNo,
}

impl FlowHandle {
    /// Ticket `data_no` of this flow: its work log (comments).
    pub fn ticket(&self, data_no: DataNo) -> TicketHandle {
        TicketHandle {
            client: self.client().clone(),
            flow: self.reference().clone(),
            data_no,
        }
    }
}

impl TicketHandle {
    /// The ticket's number.
    #[must_use]
    pub fn data_no(&self) -> DataNo {
        self.data_no
    }

    /// Adds a comment (a work log entry). Allowed to the assignee of the ticket's current
    /// row, a holder of the flow's Modify permission and a superuser; not to its creator.
    ///
    /// # Errors
    /// [`Error::NoAccess`] when the user may not; [`Error::InvalidRequest`] for an empty
    /// text; transport errors (a write: never resent once it may have been applied).
    pub async fn comment(&self, text: &str) -> Result<(), Error> {
        if text.trim().is_empty() {
            return Err(Error::InvalidRequest("a comment needs some text".into()));
        }
        let (flow_uuid, data_id) = self.permission_row().await?;
        add_comment(&self.client, flow_uuid, self.data_no, data_id, text).await
    }

    /// The ticket's comments, oldest first. Readable by its assignee and its creator, and
    /// by holders of the flow's View permission.
    ///
    /// # Errors
    /// [`Error::NoAccess`] when the user may not read them; transport errors (a read).
    pub async fn comments(&self) -> Result<Vec<WorklogEntry>, Error> {
        let (flow_uuid, data_id) = self.permission_row().await?;
        let body = ListWorklog {
            flow_uuid,
            data_no: self.data_no,
            data_id,
        };
        self.client
            .call::<calls::WorklogList>(None, &body)
            .await
            .map_err(|err| {
                crate::assignee::no_access(err, || {
                    (
                        format!("read the comments of ticket {}", self.data_no),
                        "to be the assignee of its current row or its creator, or the flow's View permission".into(),
                    )
                })
            })
    }

    /// The ticket's earlier rows, oldest first (level, status, when and by whom each was
    /// written). Readable by its assignee and holders of the flow's View permission.
    ///
    /// # Errors
    /// [`Error::NoAccess`] when the user may not read them; transport errors (a read).
    pub async fn history(&self) -> Result<Vec<HistoryRow>, Error> {
        let (flow_uuid, data_id) = self.permission_row().await?;
        let mut rows = Vec::new();
        loop {
            let body = ListHistory::new(flow_uuid, self.data_no, data_id, rows.len() as u64, 100);
            let page: HistoryPage = self
                .client
                .call::<calls::TicketsHistory>(None, &body)
                .await
                .map_err(|err| {
                    crate::assignee::no_access(err, || {
                        (
                            format!("read the history of ticket {}", self.data_no),
                            "to be the assignee of its current row, or the flow's View permission"
                                .into(),
                        )
                    })
                })?;
            let last = page.data.is_empty()
                || rows.len() + page.data.len() >= page.records_filtered as usize;
            rows.extend(page.data);
            if last {
                return Ok(rows);
            }
        }
    }

    /// Where the ticket has been: the flow's design and every stop the ticket entered, with
    /// what went in and came out. Readable by the assignee or creator of any of its rows,
    /// and holders of the flow's View permission.
    ///
    /// # Errors
    /// [`Error::NoAccess`] when the user may not read it; [`crate::CallError::Decode`] for a design that
    /// is not JSON; transport errors (a read).
    pub async fn flow_log(&self) -> Result<FlowLog, Error> {
        let (flow_uuid, _) = self.permission_row().await?;
        self.log_at(LoadFlowChart::new(flow_uuid, self.data_no))
            .await
    }

    /// Where the ticket has been inside subflow stop `parent_chart_id` (a level-1 entry's
    /// `chart_id` whose [`FlowLogEntry::subflow_uid`](omflow_model::FlowLogEntry::subflow_uid)
    /// is `subflow_uid`): the subflow's design and its stops the ticket entered, named by
    /// their path (`FITEM_8-FITEM_2`).
    ///
    /// # Errors
    /// As [`TicketHandle::flow_log`].
    pub async fn subflow_log(
        &self,
        subflow_uid: &str,
        parent_chart_id: &str,
    ) -> Result<FlowLog, Error> {
        let (flow_uuid, _) = self.permission_row().await?;
        let at = LoadFlowChart::inside(flow_uuid, self.data_no, subflow_uid, parent_chart_id);
        self.log_at(at).await
    }

    async fn log_at(&self, at: LoadFlowChart) -> Result<FlowLog, Error> {
        let loaded: LoadedFlowChart = self
            .client
            .call::<calls::TicketsFlowLog>(None, &at)
            .await
            .map_err(|err| {
                crate::assignee::no_access(err, || {
                    (
                        format!("read where ticket {} has been", self.data_no),
                        "to be the assignee or creator of one of its rows, or the flow's View permission".into(),
                    )
                })
            })?;
        let chart = loaded.chart().map_err(|e| {
            Error::decode(
                Operation::TicketsFlowLog.name(),
                "result.flowobject",
                e.to_string(),
                None,
            )
        })?;
        let entries = loaded
            .inoutput
            .unwrap_or_default()
            .into_iter()
            .filter_map(|entry| serde_json::from_value(entry).ok())
            .collect();
        Ok(FlowLog { chart, entries })
    }

    /// The client.
    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    /// The flow's uuid and the row the server checks permissions on; a ticket the flow's
    /// rows show does not exist is refused here (the server would take a comment or a file
    /// for it, and list nothing).
    pub(crate) async fn permission_row(&self) -> Result<(FlowUuid, Option<DataId>), Error> {
        let flow_uuid = self.flow_uuid().await?;
        match self.client.current_row_of(flow_uuid, self.data_no).await? {
            Sight::Row(data_id) => Ok((flow_uuid, Some(data_id))),
            Sight::Unseen => Ok((flow_uuid, None)),
            Sight::Absent => Err(Error::InvalidRequest(format!(
                "{} has no ticket {}",
                self.flow, self.data_no
            ))),
        }
    }

    /// The flow's uuid (a name is resolved from my missions, an api_path from a row).
    async fn flow_uuid(&self) -> Result<FlowUuid, Error> {
        let flow_uuid = match self.client.resolve_flow(&self.flow).await? {
            ResolvedFlow::Uuid(uuid) => uuid,
            ResolvedFlow::ApiPath(path) => match self.client.flow_uuid_of_path(path.as_str()).await
            {
                Ok(uuid) => uuid,
                Err(err) if err.api_kind() == Some(omflow_model::ApiErrorKind::FlowNotFound) => {
                    return Err(match &self.flow {
                        FlowRef::Name(name) => Error::UnknownFlow { name: name.clone() },
                        _ => err,
                    })
                }
                Err(err) => return Err(err),
            },
        };
        Ok(flow_uuid)
    }
}

/// What the caller can see of a ticket's current row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sight {
    /// This row (a mission of mine, or the flow's rows).
    Row(DataId),
    /// Not among my missions, and the flow's rows are not mine to read.
    Unseen,
    /// The flow's rows show no such ticket.
    Absent,
}

/// Writes a comment on ticket `data_no`, its permission checked on row `data_id`.
pub(crate) async fn add_comment(
    client: &Client,
    flow_uuid: FlowUuid,
    data_no: DataNo,
    data_id: Option<DataId>,
    text: &str,
) -> Result<(), Error> {
    let body = AddWorklog {
        flow_uuid,
        data_no,
        data_id,
        content: text.to_string(),
    };
    client
        .call::<calls::WorklogAdd>(None, &body)
        .await
        .map_err(|err| {
            crate::assignee::no_access(err, || {
                (
                    format!("add a comment to ticket {data_no}"),
                    "to be the assignee of its current row, or the flow's Modify permission (its creator may read comments, not add them)".into(),
                )
            })
        })?;
    Ok(())
}

impl Client {
    /// The groups a field can be assigned to (any logged-in user may read them).
    ///
    /// # Errors
    /// Transport and server errors (a read: retrying is safe).
    pub async fn groups(&self) -> Result<Vec<GroupRow>, Error> {
        self.call::<calls::GroupsList>(None, &ListGroups::default())
            .await
    }

    /// The roles (the groups whose `functional_flag` is set: what a flow's permissions are
    /// granted to by name); any logged-in user may read them.
    ///
    /// # Errors
    /// Transport and server errors (a read: retrying is safe).
    pub async fn roles(&self) -> Result<Vec<GroupRow>, Error> {
        let body = ListGroups {
            functional_flag: "True".into(),
            ..ListGroups::default()
        };
        self.call::<calls::GroupsList>(None, &body).await
    }

    /// The users of group `group` (the choices an `h_group` field offers once its group is
    /// chosen), ordered by nick name; any logged-in user may read them.
    ///
    /// # Errors
    /// Transport and server errors (a read: retrying is safe).
    pub async fn group_users(&self, group: GroupId) -> Result<Vec<GroupUser>, Error> {
        self.call::<calls::GroupsUsers>(
            None,
            &ListGroupUsers {
                searchkey: Some(group),
            },
        )
        .await
    }

    /// The current row of ticket `data_no`: from my missions, else from the flow's rows
    /// (View permission); `None` when neither shows it.
    pub(crate) async fn current_row_of(
        &self,
        flow_uuid: FlowUuid,
        data_no: DataNo,
    ) -> Result<Sight, Error> {
        let mine = Query::builder()
            .filter(col("flow_uuid").eq(flow_uuid.simple()))
            .filter(col("data_no").eq(data_no))
            .page_size(1)
            .build()
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let missions = self.missions().query(mine).send().await?;
        if let Some(data_id) = missions.iter().find_map(|m| m.data_id) {
            return Ok(Sight::Row(data_id));
        }
        let current = Query::builder()
            .filter(col("data_no").eq(data_no))
            .page_size(1)
            .build()
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        match self.flow(flow_uuid).tickets().query(current).send().await {
            Ok(rows) => Ok(rows.first().map_or(Sight::Absent, |row| Sight::Row(row.id))),
            Err(err) if err.api_kind() == Some(omflow_model::ApiErrorKind::PermissionDenied) => {
                Ok(Sight::Unseen)
            }
            Err(err) => Err(err),
        }
    }
}

/// Writes a comment on the ticket of row `data_id` (its number from `data_no`, or found).
pub(crate) async fn comment_on_row(
    client: &Client,
    flow_uuid: FlowUuid,
    data_id: DataId,
    data_no: Option<DataNo>,
    text: &str,
) -> Result<(), Error> {
    if text.trim().is_empty() {
        return Err(Error::InvalidRequest("a comment needs some text".into()));
    }
    let data_no = match data_no {
        Some(data_no) => data_no,
        None => client.data_no_of(flow_uuid, data_id).await?,
    };
    add_comment(client, flow_uuid, data_no, Some(data_id), text).await
}

impl Client {
    /// The ticket number of row `data_id`: from my missions (of this flow: row ids are per
    /// flow), else from the flow's rows.
    async fn data_no_of(&self, flow_uuid: FlowUuid, data_id: DataId) -> Result<DataNo, Error> {
        if let Some(data_no) = self
            .open_mission(flow_uuid, data_id)
            .await?
            .and_then(|m| m.data_no)
        {
            return Ok(data_no);
        }
        let row = self.listed_row(flow_uuid, data_id).await.map_err(|err| {
            crate::assignee::no_access(err, || {
                (
                    format!("find the ticket of row {data_id}"),
                    "the row among your missions, or the flow's View permission".into(),
                )
            })
        })?;
        row.map(|row| row.data_no)
            .ok_or_else(|| Error::InvalidRequest(format!("the flow has no ticket row {data_id}")))
    }
}
