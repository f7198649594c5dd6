//! Tickets: create, delete, the query-form list and the data-id lookup.

use crate::client::Client;
use crate::error::{Error, PushRefusal};
use crate::fields::FieldValues;
use crate::flows::ResolvedFlow;
use crate::missions::paged;
use futures::Stream;
use omflow_model::calls;
use omflow_model::query::{col, Query};
use omflow_model::{
    ApiPath, CreateTicket, DataIdEntry, DataIdLookup, DataNo, DataNoResult, DeleteTickets,
    FieldType, FlowRef, FlowUuid, ProjectedRow, QueryInFlow, TicketRow,
};
use serde_json::Value;

fn parse_path(api_path: &str) -> Result<ApiPath, Error> {
    ApiPath::new(api_path).map_err(|e| Error::InvalidRequest(e.to_string()))
}

/// A ticket creation; see [`Client::create`].
#[derive(Debug)]
#[must_use = "a create does nothing until sent"]
pub struct CreateBuilder {
    client: Client,
    flow: Result<FlowRef, String>,
    fields: FieldValues,
    wait: Option<std::time::Duration>,
    force: bool,
}

impl Client {
    /// Creates a ticket on the flow at `api_path`; returns its `data_no` (a flow named any
    /// other way: [`Client::flow`]).
    ///
    /// Needs `Omdata_<hex>_Add`. Fields set with [`CreateBuilder::set`] are typed from the
    /// flow's start form, which needs View or `OmFormFlow_Manage` as well (and, by
    /// api_path, View to learn the flow's uuid); with Add alone, use
    /// [`CreateBuilder::set_typed`] for every field.
    pub fn create(&self, api_path: &str) -> CreateBuilder {
        self.create_ref(parse_path(api_path).map(FlowRef::from))
    }

    /// A create in `flow` (or of the reason it names none).
    pub(crate) fn create_ref(&self, flow: Result<FlowRef, Error>) -> CreateBuilder {
        CreateBuilder {
            client: self.clone(),
            flow: flow.map_err(|e| e.to_string()),
            fields: FieldValues::default(),
            wait: None,
            force: false,
        }
    }
}

impl CreateBuilder {
    /// Sends even what the start form's checks refuse (see [`crate::PushBuilder::force`]).
    pub fn force(mut self) -> Self {
        self.force = true;
        self
    }

    /// With [`CreateBuilder::send_and_observe`]: wait up to `timeout` for the engine to
    /// move the new ticket to its first stop.
    pub fn wait_for_engine(mut self, timeout: std::time::Duration) -> Self {
        self.wait = Some(timeout);
        self
    }

    /// Sends the create and, when waited for, reports where the engine took the ticket.
    ///
    /// # Errors
    /// As [`CreateBuilder::send`].
    pub async fn send_and_observe(self) -> Result<crate::PushOutcome, Error> {
        let client = self.client.clone();
        let wait = self.wait;
        let (data_no, flow, plan) = self.send_resolved().await?;
        let observed = match (wait, data_no) {
            (Some(timeout), Some(data_no)) => {
                let (uuid, api_path) = match flow {
                    ResolvedFlow::Uuid(uuid) => (Some(uuid), None),
                    ResolvedFlow::ApiPath(path) => (None, Some(path)),
                };
                Some(
                    crate::outcome::observe(
                        &client,
                        uuid,
                        api_path.as_ref(),
                        data_no,
                        None,
                        timeout,
                    )
                    .await,
                )
            }
            _ => None,
        };
        let mut outcome = crate::PushOutcome::observed(data_no, observed);
        outcome.prediction = plan.prediction;
        outcome.forced = plan.forced;
        Ok(outcome)
    }

    /// Sets a field (typed from the flow's start form).
    pub fn set(mut self, field_id: &str, value: impl Into<Value>) -> Self {
        self.fields.set(field_id, value.into());
        self
    }

    /// Sets a field with an explicit type (no design needed).
    pub fn set_typed(
        mut self,
        field_id: &str,
        field_type: FieldType,
        value: impl Into<Value>,
    ) -> Self {
        self.fields.set_typed(field_id, field_type, value.into());
        self
    }

    /// Sends the create.
    ///
    /// Where the start form is read (fields set with [`CreateBuilder::set`]), the flow's design
    /// is read too and the new ticket's route predicted from the start: a create the engine
    /// would leave in its error state is refused unless forced.
    ///
    /// # Errors
    /// Not sent: [`Error::InvalidRequest`] (no field), [`Error::Refused`] ([`PushRefusal::Form`]: the start form refuses a value;
    /// [`PushRefusal::CreateWouldStrand`]: no rule routes the new ticket),
    /// [`Error::NoAccess`] (the start form cannot be read to type the fields). From the
    /// server: the server's failure ([`Error::api`]) (`PermissionDenied` without Add, `MissingRequiredFields`).
    /// Never resent once it may have reached the server.
    pub async fn send(self) -> Result<Option<DataNo>, Error> {
        Ok(self.send_resolved().await?.0)
    }

    /// Sends, and says how the flow was resolved and what was predicted and forced.
    async fn send_resolved(self) -> Result<(Option<DataNo>, ResolvedFlow, CreatePlan), Error> {
        let flow = self.flow.clone().map_err(Error::InvalidRequest)?;
        self.fields.validate()?;
        if self.fields.is_empty() {
            return Err(Error::InvalidRequest(
                "a create needs at least the flow's required fields".into(),
            ));
        }
        let flow = self.client.resolve_flow(&flow).await?;
        let design = if self.fields.needs_types() {
            let uuid = match &flow {
                ResolvedFlow::Uuid(uuid) => *uuid,
                ResolvedFlow::ApiPath(api_path) => {
                    self.client.flow_uuid_of_path(api_path.as_str()).await?
                }
            };
            Some((uuid, self.client.start_form(uuid).await?))
        } else {
            None
        };
        let mut plan = CreatePlan::default();
        let items = match &design {
            Some((_, design)) => match self.fields.checked_for_create(design) {
                Err(err) if self.force && err.is_refusal() => {
                    tracing::warn!(refusal = %err, "create forced past the start form's checks");
                    plan.forced.push(err.overridden());
                    self.fields.unchecked(
                        |id| design.field(id).map(|f| f.field_type()),
                        || design.describe_fields(),
                    )?
                }
                other => other?,
            },
            None => self.fields.unchecked(|_| None, String::new)?,
        };
        if let Some((uuid, _)) = design {
            let prediction = self.client.predict_create(uuid, &items).await;
            if prediction.route.is_stranded() {
                let err = Error::from(PushRefusal::CreateWouldStrand {
                    prediction: Box::new(prediction.clone()),
                });
                if !self.force {
                    return Err(err);
                }
                plan.forced.push(err.overridden());
            }
            plan.prediction = Some(prediction);
        }
        let mut body = CreateTicket::new(items);
        body.flow_uuid = flow.body_uuid();
        let result: DataNoResult = self
            .client
            .call::<calls::TicketsCreate>(Some(flow.path_param()), &body)
            .await?;
        Ok((result.0, flow, plan))
    }
}

/// What a create's checks found before it was sent.
#[derive(Default)]
struct CreatePlan {
    /// Where the flow's design says the new ticket goes.
    prediction: Option<omflow_model::routing::Prediction>,
    /// What the checks refused and [`CreateBuilder::force`] sent anyway.
    forced: Vec<String>,
}

impl Client {
    /// The uuid of the flow at `api_path`, from its first ticket row (View permission), or,
    /// for a flow with no ticket yet, from the deployed flows' list and their api_paths (the
    /// flow-management permission).
    pub(crate) async fn flow_uuid_of_path(&self, api_path: &str) -> Result<FlowUuid, Error> {
        let first = Query::builder()
            .page_size(1)
            .build()
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let rows = self
            .tickets(api_path)
            .include_history()
            .query(first)
            .send()
            .await
            .map_err(|err| {
                crate::assignee::no_access(err, || {
                    (
                        format!("learn the uuid of flow {api_path}"),
                        "the flow's View permission; name the flow by uuid (client.flow(uuid).create()), or give each field's type (set_typed)".into(),
                    )
                })
            })?;
        if let Some(uuid) = rows.into_iter().find_map(|row| row.flow_uuid) {
            return Ok(uuid);
        }
        if let Some(uuid) = self.flow_uuid_from_apps(api_path).await {
            return Ok(uuid);
        }
        Err(Error::InvalidRequest(format!(
            "flow {api_path} has no ticket yet to learn its uuid from; name the flow by uuid (client.flow(uuid).create()) or give each field's type (set_typed)"
        )))
    }

    /// The uuid of the deployed flow whose api_path (the API-format helper's) is
    /// `api_path`; `None` for a user without the flow-management permission.
    async fn flow_uuid_from_apps(&self, api_path: &str) -> Option<FlowUuid> {
        let listed = self.app_flows().await.ok()?;
        for flow in &listed.flow {
            let Some(app) = listed.app.iter().find(|a| a.id == flow.flow_app_id) else {
                continue;
            };
            if let Ok(info) = self.flow_info(&app.app_name, &flow.flow_name).await {
                if info.api_path.as_str() == api_path {
                    return Some(flow.flow_uuid);
                }
            }
        }
        None
    }
}

/// A query-form list request; see [`Client::tickets`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until sent or streamed"]
pub struct TicketsRequest {
    client: Client,
    flow: Result<FlowRef, String>,
    query: Query,
    history: bool,
}

impl Client {
    /// The flow's ticket rows (`/rest/flowmanage/api/omdata/list/<api_path>`): current rows
    /// only unless [`TicketsRequest::include_history`]. Needs the flow's View permission. A
    /// flow named any other way: [`Client::flow`].
    pub fn tickets(&self, api_path: &str) -> TicketsRequest {
        self.tickets_ref(parse_path(api_path).map(FlowRef::from))
    }

    /// The rows of `flow` (or of the reason it names none).
    pub(crate) fn tickets_ref(&self, flow: Result<FlowRef, Error>) -> TicketsRequest {
        TicketsRequest {
            client: self.clone(),
            flow: flow.map_err(|e| e.to_string()),
            query: Query::default(),
            history: false,
        }
    }

    /// Deletes tickets by number (all their rows and missions; not reversible).
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] (not sent) for no number or a bad api_path; the server's failure ([`Error::api`]) (`PermissionDenied` without the Delete permission). A write: never resent once it may have reached the server.
    pub async fn delete(&self, api_path: &str, data_nos: &[DataNo]) -> Result<(), Error> {
        let api_path = parse_path(api_path)?;
        if data_nos.is_empty() {
            return Err(Error::InvalidRequest("no ticket number to delete".into()));
        }
        self.call::<calls::TicketsDelete>(
            Some(api_path.as_str()),
            &DeleteTickets::new(data_nos.to_vec()),
        )
        .await?;
        Ok(())
    }

    /// The current open row(s) of ticket `data_no` (empty when closed or running).
    ///
    /// # Errors
    /// the server's failure ([`Error::api`]) (`FlowNotFound` for an unknown api_path, `MissingParameter`); a read, safe to retry.
    pub async fn lookup_data_id(
        &self,
        api_path: &str,
        data_no: DataNo,
    ) -> Result<Vec<DataIdEntry>, Error> {
        let api_path = parse_path(api_path)?;
        self.call::<calls::TicketsLookupDataId>(Some(api_path.as_str()), &DataIdLookup { data_no })
            .await
    }
}

impl TicketsRequest {
    /// Filters, order, projection and paging.
    pub fn query(mut self, query: Query) -> Self {
        self.query = query;
        self
    }

    /// Includes history rows (snapshots of earlier stops).
    pub fn include_history(mut self) -> Self {
        self.history = true;
        self
    }

    /// The flow as the server takes it, and the query with the history filter.
    async fn effective(&self) -> Result<(ResolvedFlow, Query), Error> {
        let flow = self.flow.clone().map_err(Error::InvalidRequest)?;
        let flow = self.client.resolve_flow(&flow).await?;
        let query = if self.history {
            self.query.clone()
        } else {
            self.query
                .and_filter(col("history").eq(false))
                .map_err(|e| Error::InvalidRequest(e.to_string()))?
        };
        Ok((flow, query))
    }

    /// One page of rows.
    ///
    /// # Errors
    /// the server's failure ([`Error::api`]) (`PermissionDenied` without the flow's View permission, `FlowNotFound`, `QueryFailed`); a read, safe to retry.
    pub async fn send(self) -> Result<Vec<TicketRow>, Error> {
        let (flow, query) = self.effective().await?;
        fetch_rows(&self.client, &flow, &query).await
    }

    /// One page of projected rows.
    ///
    /// # Errors
    /// As [`TicketsRequest::send`].
    pub async fn send_projected(self) -> Result<Vec<ProjectedRow>, Error> {
        let (flow, query) = self.effective().await?;
        fetch_rows(&self.client, &flow, &query).await
    }

    /// Every matching row, a page fetched when polled.
    pub fn stream(self) -> impl Stream<Item = Result<TicketRow, Error>> + Send + 'static {
        self.stream_of()
    }

    /// Every matching projected row, a page fetched when polled.
    pub fn stream_projected(
        self,
    ) -> impl Stream<Item = Result<ProjectedRow, Error>> + Send + 'static {
        self.stream_of()
    }

    fn stream_of<T: serde::de::DeserializeOwned + Send + 'static>(
        self,
    ) -> impl Stream<Item = Result<T, Error>> + Send + 'static {
        use futures::StreamExt;
        // The flow is resolved once, when the stream is first polled.
        futures::stream::once(async move {
            match self.effective().await {
                Ok((flow, query)) => paged(self.client, query, move |client, query| {
                    let flow = flow.clone();
                    Box::pin(async move { fetch_rows(&client, &flow, &query).await })
                })
                .boxed(),
                Err(err) => futures::stream::once(async move { Err(err) }).boxed(),
            }
        })
        .flatten()
    }
}

async fn fetch_rows<T: serde::de::DeserializeOwned>(
    client: &Client,
    flow: &ResolvedFlow,
    query: &Query,
) -> Result<Vec<T>, Error> {
    let body = QueryInFlow {
        flow_uuid: flow.body_uuid(),
        query: query.clone(),
    };
    client
        .call_as::<calls::TicketsList, Vec<T>>(Some(flow.path_param()), &body)
        .await
}
