//! Tickets: push, quick actions, create, delete, the query-form list and the data-id lookup.

use crate::client::{Client, Effect, FlowInfo};
use crate::error::Error;
use crate::missions::paged;
use futures::Stream;
use omflow_model::query::{col, Query};
use omflow_model::{
    paths, ApiPath, CreateTicket, DataId, DataIdEntry, DataIdLookup, DataNo, DataNoResult,
    DeleteTickets, FieldId, FieldType, FormItem, Mission, ProjectedRow, PushTicket, QuickAction,
    QuickActionLabels, QuickActionTicket, TicketRow,
};
use serde_json::Value;
use std::time::Duration;

fn edit_path(api_path: &ApiPath) -> String {
    format!("{}{}/", paths::TICKET_EDIT, api_path)
}

fn parse_path(api_path: &str) -> Result<ApiPath, Error> {
    ApiPath::new(api_path).map_err(|e| Error::InvalidRequest(e.to_string()))
}

fn field(id: &str) -> Result<FieldId, Error> {
    FieldId::new(id).map_err(|e| Error::InvalidRequest(e.to_string()))
}

/// A value as stored in a ticket row, turned back into what a push sends.
fn stored_to_value(field_type: &FieldType, stored: &str) -> Value {
    match field_type {
        FieldType::HGroup | FieldType::Checkbox => {
            serde_json::from_str(stored).unwrap_or_else(|_| Value::String(stored.to_string()))
        }
        _ => Value::String(stored.to_string()),
    }
}

/// A field id and the value to give it.
type FieldValue = (FieldId, Value);

/// Field values a push or create sets: by id (typed from the API format) or with an
/// explicit type. Invalid ids and values are reported when the request is sent.
#[derive(Debug, Default)]
struct FieldValues {
    values: Vec<(Result<FieldId, Error>, Value)>,
    typed: Vec<Result<FormItem, Error>>,
}

impl FieldValues {
    fn set(&mut self, field_id: &str, value: Value) {
        self.values.push((field(field_id), value));
    }

    fn set_typed(&mut self, field_id: &str, field_type: FieldType, value: Value) {
        let item = field(field_id).and_then(|id| {
            FormItem::new(id, field_type, value).map_err(|e| Error::InvalidRequest(e.to_string()))
        });
        self.typed.push(item);
    }

    /// The checked values and items, or the first invalid one.
    fn checked(self) -> Result<(Vec<FieldValue>, Vec<FormItem>), Error> {
        let values = self
            .values
            .into_iter()
            .map(|(id, value)| id.map(|id| (id, value)))
            .collect::<Result<_, _>>()?;
        let typed = self.typed.into_iter().collect::<Result<_, _>>()?;
        Ok((values, typed))
    }
}

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PushOutcome {
    /// The ticket number the server answered with (`None` when the server sent none).
    pub data_no: Option<DataNo>,
    /// The ticket's next open row, when waited for ([`PushBuilder::wait_for_next`]) and the
    /// ticket stopped at a form stop.
    pub next_data_id: Option<DataId>,
}

/// A push of a ticket; see [`Client::push`].
#[derive(Debug)]
pub struct PushBuilder {
    client: Client,
    api_path: Result<ApiPath, Error>,
    data_id: DataId,
    fields: FieldValues,
    fill_current: bool,
    wait: Option<Duration>,
}

impl Client {
    /// Pushes ticket row `data_id` of the flow at `api_path` with field changes.
    ///
    /// For a registered flow ([`crate::ClientBuilder::flow`]) each item's `type` comes from
    /// the flow's API format, and every field the caller does not set is sent with the
    /// ticket's current value, so the server's required-field check (which only looks at
    /// submitted items) passes.
    ///
    /// ```no_run
    /// # async fn run(client: omflow_client::Client) -> Result<(), omflow_client::Error> {
    /// let outcome = client.push("mission", omflow_model::DataId(4)).set("FORMITM_4", "dispatch_done").send().await?;
    /// println!("pushed ticket {:?}", outcome.data_no);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] with kind `TicketNotFound` when the row is no longer current (already
    /// pushed, or the ticket closed), `MissingRequiredFields`, `PermissionDenied`. A push is
    /// never resent once it may have reached the server: [`Error::may_have_been_applied`].
    pub fn push(&self, api_path: &str, data_id: DataId) -> PushBuilder {
        PushBuilder {
            client: self.clone(),
            api_path: parse_path(api_path),
            data_id,
            fields: FieldValues::default(),
            fill_current: true,
            wait: None,
        }
    }

    /// Pushes a mission from my missions (its flow must be registered by name).
    pub async fn push_mission(&self, mission: &Mission) -> Result<PushBuilder, Error> {
        let (api_path, data_id) = self.mission_target(mission).await?;
        Ok(self.push(api_path.as_str(), data_id))
    }

    pub(crate) async fn mission_target(
        &self,
        mission: &Mission,
    ) -> Result<(ApiPath, DataId), Error> {
        let data_id = mission.data_id.ok_or_else(|| {
            Error::InvalidRequest(format!("mission {} has no data_id", mission.id))
        })?;
        let name = mission.flow_name.as_deref().unwrap_or("");
        let flow = self.flow_by_name(name).await?.ok_or_else(|| {
            Error::InvalidRequest(format!(
                "flow {name:?} is not registered; add ClientBuilder::flow(app_name, {name:?})"
            ))
        })?;
        Ok((flow.api_path.clone(), data_id))
    }
}

impl PushBuilder {
    /// Sets a field (its type comes from the flow's API format).
    pub fn set(mut self, field_id: &str, value: impl Into<Value>) -> Self {
        self.fields.set(field_id, value.into());
        self
    }

    /// Sets a field with an explicit type (no API format needed).
    pub fn set_typed(
        mut self,
        field_id: &str,
        field_type: FieldType,
        value: impl Into<Value>,
    ) -> Self {
        self.fields.set_typed(field_id, field_type, value.into());
        self
    }

    /// Sends only the fields set (default: fill the others with the ticket's current values).
    pub fn only_set_fields(mut self) -> Self {
        self.fill_current = false;
        self
    }

    /// After the push, waits up to `timeout` for the engine to show the ticket's next row
    /// (the real engine finishes after the response).
    pub fn wait_for_next(mut self, timeout: Duration) -> Self {
        self.wait = Some(timeout);
        self
    }

    /// Sends the push.
    pub async fn send(self) -> Result<PushOutcome, Error> {
        let api_path = self.api_path?;
        let (values, typed) = self.fields.checked()?;
        let flow = self.client.flow_by_path(&api_path).await?;
        let mut items = build_items(flow.as_deref(), values, typed)?;
        if self.fill_current {
            if let Some(flow) = &flow {
                fill_from_current(&self.client, flow, self.data_id, &mut items).await?;
            }
        }
        let body = PushTicket::new(self.data_id, items);
        let result: DataNoResult = self
            .client
            .rest("tickets.push", &edit_path(&api_path), &body, Effect::Write)
            .await?;
        let next_data_id = match (self.wait, result.0) {
            (Some(timeout), Some(data_no)) => {
                wait_for_next(&self.client, &api_path, data_no, self.data_id, timeout).await?
            }
            _ => None,
        };
        Ok(PushOutcome {
            data_no: result.0,
            next_data_id,
        })
    }
}

fn build_items(
    flow: Option<&FlowInfo>,
    values: Vec<FieldValue>,
    typed: Vec<FormItem>,
) -> Result<Vec<FormItem>, Error> {
    let mut items = typed;
    for (id, value) in values {
        let field_type = flow
            .and_then(|f| f.fields.iter().find(|x| x.id == id))
            .map(|x| x.field_type.clone())
            .ok_or_else(|| Error::FieldTypeUnknown {
                field: id.to_string(),
            })?;
        items.retain(|item| item.id() != &id);
        items.push(
            FormItem::new(id, field_type, value)
                .map_err(|e| Error::InvalidRequest(e.to_string()))?,
        );
    }
    Ok(items)
}

async fn fill_from_current(
    client: &Client,
    flow: &FlowInfo,
    data_id: DataId,
    items: &mut Vec<FormItem>,
) -> Result<(), Error> {
    let query = Query::builder()
        .filter(col("id").eq(data_id))
        .page_size(1)
        .build()
        .map_err(|e| Error::InvalidRequest(e.to_string()))?;
    let rows = match client
        .tickets(flow.api_path.as_str())
        .include_history()
        .query(query)
        .send()
        .await
    {
        Ok(rows) => rows,
        Err(err) if err.api().is_some() => {
            tracing::debug!("cannot read the ticket's current values; sending only the fields set");
            return Ok(());
        }
        Err(err) => return Err(err),
    };
    let Some(row) = rows.into_iter().next() else {
        return Ok(());
    };
    for format_field in &flow.fields {
        if items.iter().any(|i| i.id() == &format_field.id) {
            continue;
        }
        let Some(stored) = row.field(&format_field.id) else {
            continue;
        };
        let value = stored_to_value(&format_field.field_type, stored);
        if let Ok(item) = FormItem::new(
            format_field.id.clone(),
            format_field.field_type.clone(),
            value,
        ) {
            items.push(item);
        }
    }
    Ok(())
}

async fn wait_for_next(
    client: &Client,
    api_path: &ApiPath,
    data_no: DataNo,
    old: DataId,
    timeout: Duration,
) -> Result<Option<DataId>, Error> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let entries = client.lookup_data_id(api_path.as_str(), data_no).await?;
        if let Some(entry) = entries.iter().find(|e| e.data_id != old) {
            return Ok(Some(entry.data_id));
        }
        let rows = client
            .tickets(api_path.as_str())
            .query(
                Query::builder()
                    .filter(col("data_no").eq(data_no))
                    .filter(col("closed").eq(true))
                    .page_size(1)
                    .build()
                    .map_err(|e| Error::InvalidRequest(e.to_string()))?,
            )
            .send()
            .await
            .unwrap_or_default();
        if !rows.is_empty() || tokio::time::Instant::now() >= deadline {
            return Ok(None);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A quick action; see [`Client::quick_action`].
#[derive(Debug)]
pub struct QuickActionBuilder {
    client: Client,
    api_path: Result<ApiPath, Error>,
    data_id: DataId,
    action: QuickAction,
    labels: Option<QuickActionLabels>,
    force: bool,
}

impl Client {
    /// Runs quick action `action1`/`action2` on ticket row `data_id`. The server skips the
    /// required-field check and ignores form data; at a stop without that action it pushes
    /// the ticket unchanged, so the client refuses unless my missions show the stop offers
    /// it (or [`QuickActionBuilder::force`]).
    pub fn quick_action(
        &self,
        api_path: &str,
        data_id: DataId,
        action: QuickAction,
    ) -> QuickActionBuilder {
        QuickActionBuilder {
            client: self.clone(),
            api_path: parse_path(api_path),
            data_id,
            action,
            labels: None,
            force: false,
        }
    }

    /// Runs a quick action on a mission, checked against the mission's labels.
    pub async fn quick_action_mission(
        &self,
        mission: &Mission,
        action: QuickAction,
    ) -> Result<QuickActionBuilder, Error> {
        let (api_path, data_id) = self.mission_target(mission).await?;
        let mut builder = self.quick_action(api_path.as_str(), data_id, action);
        builder.labels = Some(mission.quick_actions());
        Ok(builder)
    }
}

impl QuickActionBuilder {
    /// Sends even when the stop does not offer the action.
    pub fn force(mut self) -> Self {
        self.force = true;
        self
    }

    /// The labels the stop shows (skips looking the mission up).
    pub fn labels(mut self, labels: QuickActionLabels) -> Self {
        self.labels = Some(labels);
        self
    }

    /// Sends the quick action; returns the ticket number.
    pub async fn send(self) -> Result<Option<DataNo>, Error> {
        let api_path = self.api_path?;
        if !self.force {
            let labels = match self.labels {
                Some(labels) => labels,
                None => {
                    let query = Query::builder()
                        .filter(col("data_id").eq(self.data_id))
                        .page_size(10)
                        .build()
                        .map_err(|e| Error::InvalidRequest(e.to_string()))?;
                    let missions = self.client.missions().query(query).send().await?;
                    missions.first().map(Mission::quick_actions).ok_or_else(|| {
                        Error::InvalidRequest(format!("data_id {} is not among my missions, so its quick actions are unknown; use force() to send anyway", self.data_id))
                    })?
                }
            };
            if !labels.offers(self.action) {
                return Err(Error::QuickActionUnavailable {
                    action: self.action,
                    labels,
                });
            }
        }
        let body = QuickActionTicket::new(self.data_id, self.action);
        let result: DataNoResult = self
            .client
            .rest(
                "tickets.quick_action",
                &edit_path(&api_path),
                &body,
                Effect::Write,
            )
            .await?;
        Ok(result.0)
    }
}

/// A ticket creation; see [`Client::create`].
#[derive(Debug)]
pub struct CreateBuilder {
    client: Client,
    api_path: Result<ApiPath, Error>,
    fields: FieldValues,
}

impl Client {
    /// Creates a ticket on the flow at `api_path`; returns its `data_no`.
    pub fn create(&self, api_path: &str) -> CreateBuilder {
        CreateBuilder {
            client: self.clone(),
            api_path: parse_path(api_path),
            fields: FieldValues::default(),
        }
    }
}

impl CreateBuilder {
    /// Sets a field (type from the flow's API format).
    pub fn set(mut self, field_id: &str, value: impl Into<Value>) -> Self {
        self.fields.set(field_id, value.into());
        self
    }

    /// Sets a field with an explicit type.
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
    pub async fn send(self) -> Result<Option<DataNo>, Error> {
        let api_path = self.api_path?;
        let (values, typed) = self.fields.checked()?;
        if values.is_empty() && typed.is_empty() {
            return Err(Error::InvalidRequest(
                "a create needs at least the flow's required fields".into(),
            ));
        }
        let flow = self.client.flow_by_path(&api_path).await?;
        if let Some(flow) = &flow {
            if let Some((unknown, _)) = values
                .iter()
                .find(|(id, _)| !flow.fields.iter().any(|f| &f.id == id))
            {
                return Err(Error::InvalidRequest(format!(
                    "flow {:?} has no field {unknown}",
                    flow.flow_name
                )));
            }
        }
        let items = build_items(flow.as_deref(), values, typed)?;
        let result: DataNoResult = self
            .client
            .rest(
                "tickets.create",
                &edit_path(&api_path),
                &CreateTicket::new(items),
                Effect::Write,
            )
            .await?;
        Ok(result.0)
    }
}

/// A query-form list request; see [`Client::tickets`].
#[derive(Debug, Clone)]
pub struct TicketsRequest {
    client: Client,
    api_path: String,
    query: Query,
    history: bool,
}

impl Client {
    /// The flow's ticket rows (`/rest/flowmanage/api/omdata/list/<api_path>`): current rows
    /// only unless [`TicketsRequest::include_history`]. Needs the flow's View permission.
    pub fn tickets(&self, api_path: &str) -> TicketsRequest {
        TicketsRequest {
            client: self.clone(),
            api_path: api_path.to_string(),
            query: Query::default(),
            history: false,
        }
    }

    /// Deletes tickets by number (all their rows and missions; not reversible).
    pub async fn delete(&self, api_path: &str, data_nos: &[DataNo]) -> Result<(), Error> {
        let api_path = parse_path(api_path)?;
        if data_nos.is_empty() {
            return Err(Error::InvalidRequest("no ticket number to delete".into()));
        }
        let _: Value = self
            .rest(
                "tickets.delete",
                &edit_path(&api_path),
                &DeleteTickets::new(data_nos.to_vec()),
                Effect::Write,
            )
            .await?;
        Ok(())
    }

    /// The current open row(s) of ticket `data_no` (empty when closed or running).
    pub async fn lookup_data_id(
        &self,
        api_path: &str,
        data_no: DataNo,
    ) -> Result<Vec<DataIdEntry>, Error> {
        let api_path = parse_path(api_path)?;
        let path = format!("{}{}/", paths::DATA_ID_LOOKUP, api_path);
        self.rest(
            "tickets.lookup_data_id",
            &path,
            &DataIdLookup { data_no },
            Effect::Read,
        )
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

    fn effective(&self) -> Result<(ApiPath, Query), Error> {
        let api_path = parse_path(&self.api_path)?;
        let query = if self.history {
            self.query.clone()
        } else {
            self.query
                .and_filter(col("history").eq(false))
                .map_err(|e| Error::InvalidRequest(e.to_string()))?
        };
        Ok((api_path, query))
    }

    /// One page of rows.
    pub async fn send(self) -> Result<Vec<TicketRow>, Error> {
        let (api_path, query) = self.effective()?;
        fetch_rows(&self.client, &api_path, &query).await
    }

    /// One page of projected rows.
    pub async fn send_projected(self) -> Result<Vec<ProjectedRow>, Error> {
        let (api_path, query) = self.effective()?;
        fetch_rows(&self.client, &api_path, &query).await
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
        match self.effective() {
            Ok((api_path, query)) => paged(self.client, query, move |client, query| {
                let api_path = api_path.clone();
                Box::pin(async move { fetch_rows(&client, &api_path, &query).await })
            })
            .boxed(),
            Err(err) => futures::stream::once(async move { Err(err) }).boxed(),
        }
    }
}

async fn fetch_rows<T: serde::de::DeserializeOwned>(
    client: &Client,
    api_path: &ApiPath,
    query: &Query,
) -> Result<Vec<T>, Error> {
    let path = format!("{}{}/", paths::TICKET_LIST, api_path);
    client
        .rest("tickets.list", &path, query, Effect::Read)
        .await
}
