//! One handle per flow ([`Client::flow`]): push, quick action, create, the ticket list and
//! delete hang on it, whichever way the flow is named ([`FlowRef`]); names are resolved
//! here, once, for every caller (the command line included).

use crate::client::Client;
use crate::error::Error;
use crate::guard::Whereabouts;
use crate::push::{PushBuilder, QuickActionBuilder, Target};
use crate::tickets::{CreateBuilder, TicketsRequest};
use omflow_model::query::{col, Query};
use omflow_model::{
    paths, ApiPath, DataId, DataIdEntry, DataNo, FlowRef, FlowUuid, QuickAction, TicketRef,
};

/// How the server takes a flow: by uuid (the path parameter `None`, the uuid in the body)
/// or by api_path.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResolvedFlow {
    /// By uuid.
    Uuid(FlowUuid),
    /// By api_path (the server's list and delete need it; its uuid is learnt from a row).
    ApiPath(ApiPath),
}

impl ResolvedFlow {
    /// The edit and list endpoints' path parameter.
    pub(crate) fn path_param(&self) -> &str {
        match self {
            ResolvedFlow::Uuid(_) => paths::EDIT_BY_UUID,
            ResolvedFlow::ApiPath(path) => path.as_str(),
        }
    }

    /// The body's `flow_uuid` when the path does not name the flow.
    pub(crate) fn body_uuid(&self) -> Option<String> {
        match self {
            ResolvedFlow::Uuid(uuid) => Some(uuid.simple()),
            ResolvedFlow::ApiPath(_) => None,
        }
    }
}

/// A flow of the server, named once; see [`Client::flow`].
#[derive(Debug, Clone)]
#[must_use = "a flow handle does nothing until an operation is called on it"]
pub struct FlowHandle {
    client: Client,
    flow: FlowRef,
}

impl Client {
    /// The flow named by `flow` (a uuid, an api_path, or its name as missions show it):
    /// push, quick action, create, list and delete its tickets.
    ///
    /// ```no_run
    /// # async fn run(client: omflow_client::Client) -> Result<(), omflow_client::Error> {
    /// use omflow_model::{DataId, FlowRef};
    /// let orders = client.flow(FlowRef::parse("任務單"));
    /// let outcome = orders.push(DataId(144)).set("FORMITM_4", "dispatch_done").send().await?;
    /// println!("{:?}", outcome.prediction.map(|p| p.route.to_string()));
    /// # Ok(()) }
    /// ```
    pub fn flow(&self, flow: impl Into<FlowRef>) -> FlowHandle {
        FlowHandle {
            client: self.clone(),
            flow: flow.into(),
        }
    }

    /// How the server takes `flow`: a uuid or an api_path as given; a name from the first of
    /// my missions in a flow of that name, else (no such mission) as an api_path.
    ///
    /// # Errors
    /// [`Error::UnknownFlow`] for a name no mission carries that is not a valid api_path
    /// either; the errors of the missions list.
    pub async fn resolve_flow(&self, flow: &FlowRef) -> Result<ResolvedFlow, Error> {
        let name = match flow {
            FlowRef::Uuid(uuid) => return Ok(ResolvedFlow::Uuid(*uuid)),
            FlowRef::ApiPath(path) => return Ok(ResolvedFlow::ApiPath(path.clone())),
            FlowRef::Name(name) => name,
            other => return Err(Error::InvalidRequest(format!("{other} is not supported"))),
        };
        let named = Query::builder()
            .filter(col("flow_name").eq(name.as_str()))
            .columns(["flow_uuid"])
            .page_size(1)
            .build()
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let rows = self.missions().query(named).send_projected().await?;
        if let Some(uuid) = rows
            .iter()
            .find_map(|row| row.get::<FlowUuid>("flow_uuid").ok().flatten())
        {
            return Ok(ResolvedFlow::Uuid(uuid));
        }
        ApiPath::new(name.as_str())
            .map(ResolvedFlow::ApiPath)
            .map_err(|_| Error::UnknownFlow { name: name.clone() })
    }

    /// The row `row` names, with what a mission of mine tells about it kept in `hint` (a row
    /// named by flow name is looked for among my missions first, so an assignee's push
    /// resolves a lost answer from its mission).
    pub(crate) async fn resolve_row(
        &self,
        row: &TicketRef,
        hint: &mut Whereabouts,
    ) -> Result<Target, Error> {
        let data_id = row.data_id;
        if let FlowRef::Name(name) = &row.flow {
            let mine = Query::builder()
                .filter(col("data_id").eq(data_id))
                .filter(col("flow_name").eq(name.as_str()))
                .page_size(1)
                .build()
                .map_err(|e| Error::InvalidRequest(e.to_string()))?;
            let missions = self.missions().query(mine).send().await?;
            if let Some((uuid, mission)) = missions
                .into_iter()
                .find_map(|mission| Some((mission.flow_uuid?, mission)))
            {
                *hint = Whereabouts::of_mission(&mission);
                return Ok(Target::Flow(uuid, data_id));
            }
        }
        Ok(match self.resolve_flow(&row.flow).await? {
            ResolvedFlow::Uuid(uuid) => Target::Flow(uuid, data_id),
            ResolvedFlow::ApiPath(path) => Target::Path(path, data_id),
        })
    }
}

impl FlowHandle {
    /// The client.
    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    /// How the flow was named.
    #[must_use]
    pub fn reference(&self) -> &FlowRef {
        &self.flow
    }

    /// Pushes ticket row `data_id` (see [`Client::push_mission`]).
    pub fn push(&self, data_id: DataId) -> PushBuilder {
        self.client
            .push_row(Ok(TicketRef::new(self.flow.clone(), data_id)))
    }

    /// Runs quick action `action` on ticket row `data_id` (see
    /// [`Client::quick_action_mission`]).
    pub fn quick_action(&self, data_id: DataId, action: QuickAction) -> QuickActionBuilder {
        self.client
            .quick_action_row(Ok(TicketRef::new(self.flow.clone(), data_id)), action)
    }

    /// Creates a ticket (see [`Client::create`]).
    pub fn create(&self) -> CreateBuilder {
        self.client.create_ref(Ok(self.flow.clone()))
    }

    /// The flow's ticket rows (see [`Client::tickets`]).
    pub fn tickets(&self) -> TicketsRequest {
        self.client.tickets_ref(Ok(self.flow.clone()))
    }

    /// Deletes tickets by number (see [`Client::delete`]). The server deletes by api_path
    /// only, so a flow named by uuid cannot be.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] when the flow resolves to a uuid; those of
    /// [`Client::delete`].
    pub async fn delete(&self, data_nos: &[DataNo]) -> Result<(), Error> {
        match self.client.resolve_flow(&self.flow).await? {
            ResolvedFlow::ApiPath(path) => self.client.delete(path.as_str(), data_nos).await,
            ResolvedFlow::Uuid(_) => Err(Error::InvalidRequest(format!(
                "{} resolves to a uuid, and the server deletes by api_path only; name the flow by its api_path",
                self.flow
            ))),
        }
    }

    /// The current data_id of ticket `data_no` (see [`Client::lookup_data_id`]).
    ///
    /// # Errors
    /// As [`FlowHandle::delete`] for a flow that resolves to a uuid; those of
    /// [`Client::lookup_data_id`].
    pub async fn lookup_data_id(&self, data_no: DataNo) -> Result<Vec<DataIdEntry>, Error> {
        match self.client.resolve_flow(&self.flow).await? {
            ResolvedFlow::ApiPath(path) => self.client.lookup_data_id(path.as_str(), data_no).await,
            ResolvedFlow::Uuid(_) => Err(Error::InvalidRequest(format!(
                "{} resolves to a uuid, and the data_id lookup takes an api_path; name the flow by its api_path",
                self.flow
            ))),
        }
    }
}
