//! Pushes and quick actions as the assignee does them: load the ticket as its assignee sees
//! it (`omdata/load`), type and check the fields against the stop's form, send, and
//! optionally wait for the engine to say where the ticket went.

use crate::client::Client;
use crate::error::Error;
use crate::fields::{FieldValues, Typed};
use crate::outcome::{observe, TicketState};
use omflow_model::query::{col, Query};
use omflow_model::{
    paths, ApiErrorKind, ApiPath, DataId, DataNo, DataNoResult, Endpoint, FieldId, FieldType,
    FlowUuid, FormItem, LoadedTicket, Mission, PushTicket, QuickAction, QuickActionTicket,
};
use serde_json::Value;
use std::time::Duration;

/// Which ticket row a push or quick action acts on, and how its flow is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// By flow uuid (what missions carry): the edit path `None` with the uuid in the body.
    Flow(FlowUuid, DataId),
    /// By the flow's api_path (the uuid is looked up when the ticket is loaded).
    Path(ApiPath, DataId),
}

impl Target {
    pub(crate) fn of_mission(mission: &Mission) -> Result<Target, Error> {
        let data_id = mission.data_id.ok_or_else(|| {
            Error::InvalidRequest(format!("mission {} has no data_id", mission.id))
        })?;
        let flow = mission.flow_uuid.ok_or_else(|| {
            Error::InvalidRequest(format!("mission {} has no flow_uuid", mission.id))
        })?;
        Ok(Target::Flow(flow, data_id))
    }

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
    /// Finds the flow uuid of a row named by api_path: from my missions (the assignee), else
    /// from the query-form list (View permission).
    pub(crate) async fn resolve_uuid(&self, target: &Target) -> Result<FlowUuid, Error> {
        let (api_path, data_id) = match target {
            Target::Flow(uuid, _) => return Ok(*uuid),
            Target::Path(api_path, data_id) => (api_path, *data_id),
        };
        let by_row = Query::builder()
            .filter(col("data_id").eq(data_id))
            .page_size(1)
            .build()
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        if let Some(uuid) = self
            .missions()
            .query(by_row)
            .send()
            .await?
            .into_iter()
            .find_map(|m| m.flow_uuid)
        {
            return Ok(uuid);
        }
        let by_id = Query::builder()
            .filter(col("id").eq(data_id))
            .page_size(1)
            .build()
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        match self
            .tickets(api_path.as_str())
            .include_history()
            .query(by_id)
            .send()
            .await
        {
            Ok(rows) => rows.into_iter().next().and_then(|row| row.flow_uuid).ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "flow {api_path} has no ticket row {data_id}; not sent"
                ))
            }),
            Err(err) if err.api_kind() == Some(ApiErrorKind::PermissionDenied) => {
                Err(Error::NoAccess {
                    action: format!("find ticket row {data_id} of flow {api_path}"),
                    needs: "the row among your missions, or the flow's View permission; push the mission itself (push_mission), or name the flow by uuid".into(),
                })
            }
            Err(err) => Err(err),
        }
    }

    /// Pushes a mission from my missions: loads its ticket, types the fields from the stop's
    /// form, fills the stop's other required fields with the current values, and sends.
    ///
    /// ```no_run
    /// # async fn run(client: omflow_client::Client, mission: omflow_model::Mission) -> Result<(), omflow_client::Error> {
    /// let outcome = client.push_mission(&mission).set("FORMITM_4", "dispatch_done").send().await?;
    /// println!("pushed ticket {:?}", outcome.data_no);
    /// # Ok(()) }
    /// ```
    pub fn push_mission(&self, mission: &Mission) -> PushBuilder {
        PushBuilder::new(self.clone(), Target::of_mission(mission))
    }

    /// Pushes ticket row `data_id` of the flow at `api_path` (see [`Client::push_mission`]).
    ///
    /// # Errors
    /// See [`PushBuilder::send`].
    pub fn push(&self, api_path: &str, data_id: DataId) -> PushBuilder {
        let target = ApiPath::new(api_path)
            .map(|path| Target::Path(path, data_id))
            .map_err(|e| Error::InvalidRequest(e.to_string()));
        PushBuilder::new(self.clone(), target)
    }

    /// Pushes ticket row `data_id` of the flow with this uuid (see [`Client::push_mission`]).
    pub fn push_in_flow(&self, flow_uuid: FlowUuid, data_id: DataId) -> PushBuilder {
        PushBuilder::new(self.clone(), Ok(Target::Flow(flow_uuid, data_id)))
    }
}

/// What a push or quick action did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PushOutcome {
    /// The ticket number the server answered with (`None` when the server sent none).
    pub data_no: Option<DataNo>,
    /// Where the engine took the ticket, when waited for ([`PushBuilder::wait_for_engine`]).
    pub state: Option<TicketState>,
}

impl PushOutcome {
    pub(crate) fn new(data_no: Option<DataNo>, state: Option<TicketState>) -> Self {
        PushOutcome { data_no, state }
    }

    /// The ticket's next row, when waited for and seen.
    pub fn next_data_id(&self) -> Option<DataId> {
        self.state.as_ref().and_then(TicketState::data_id)
    }
}

/// A push; see [`Client::push_mission`].
#[derive(Debug)]
#[must_use = "a push does nothing until sent"]
pub struct PushBuilder {
    client: Client,
    target: Result<Target, Error>,
    fields: FieldValues,
    fill_required: bool,
    wait: Option<Duration>,
}

impl PushBuilder {
    fn new(client: Client, target: Result<Target, Error>) -> Self {
        PushBuilder {
            client,
            target,
            fields: FieldValues::default(),
            fill_required: true,
            wait: None,
        }
    }

    /// Sets a field; its type comes from the stop's form.
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

    /// Sends only the fields set (default: the stop's other required fields are sent with
    /// the ticket's current values, since the server checks only submitted items).
    pub fn only_set_fields(mut self) -> Self {
        self.fill_required = false;
        self
    }

    /// After the push, waits up to `timeout` for the engine (which works after the answer)
    /// and reports where the ticket went in [`PushOutcome::state`].
    pub fn wait_for_engine(mut self, timeout: Duration) -> Self {
        self.wait = Some(timeout);
        self
    }

    /// Loads the ticket, checks and sends the push.
    ///
    /// # Errors
    /// Before sending (nothing was sent): [`Error::NoAccess`] (the user may not read the
    /// row), [`Error::UnknownField`], [`Error::NotActionable`] (closed, or not at a form
    /// stop), [`Error::InvalidRequest`]. From the server: [`Error::MovedOn`] (the row is not
    /// current any more: already pushed), [`Error::Api`] (`MissingRequiredFields`,
    /// `PermissionDenied`, `TicketRunning`, ...). A push is never resent once it may have
    /// reached the server: see [`Error::may_have_been_applied`].
    pub async fn send(self) -> Result<PushOutcome, Error> {
        let target = self.target?;
        self.fields.validate()?;
        let flow = self.client.resolve_uuid(&target).await?;
        let ticket = self.client.load_ticket(flow, target.data_id()).await?;
        ensure_actionable(&ticket, target.data_id())?;
        let items = self.fields.typed(&ticket)?;
        let items = if self.fill_required {
            with_required(&ticket, items)?
        } else {
            items
        };
        check_patterns(&ticket, &items)?;
        let mut body = PushTicket::new(target.data_id(), items);
        body.flow_uuid = target.body_uuid();
        let data_no = send_edit(&self.client, "tickets.push", &target, &body).await?;
        finish(&self.client, &target, flow, data_no, self.wait).await
    }
}

/// Refuses rows a person cannot push now.
fn ensure_actionable(ticket: &LoadedTicket, data_id: DataId) -> Result<(), Error> {
    if ticket.closed {
        return Err(Error::NotActionable {
            data_id,
            reason: "the ticket is closed".into(),
        });
    }
    if !ticket.find_item {
        return Err(Error::NotActionable {
            data_id,
            reason: "the row is not at a form stop (the engine is still working on it, or left it in its error state)".into(),
        });
    }
    Ok(())
}

/// Adds the stop's required fields the caller did not set, with their current values.
fn with_required(ticket: &LoadedTicket, mut items: Vec<FormItem>) -> Result<Vec<FormItem>, Error> {
    for field in ticket.formobject.fields() {
        let Some(id) = field.field_id() else { continue };
        let needed = field.required() || field.user_required();
        if !needed || items.iter().any(|item| item.id() == &id) {
            continue;
        }
        let Some(current) = ticket.current(&id) else {
            continue;
        };
        let item = FormItem::new(
            id.clone(),
            current.field_type.clone(),
            current.value.clone(),
        )
        .map_err(|e| {
            Error::InvalidRequest(format!("the current value of {id} cannot be resent: {e}"))
        })?;
        items.push(item);
    }
    Ok(items)
}

/// The server checks each submitted value against its field's regular expression (Python's
/// `re.match`: anchored at the start); a mismatch would come back as "missing required
/// fields". Patterns Rust's `regex` cannot read are left to the server.
fn check_patterns(ticket: &LoadedTicket, items: &[FormItem]) -> Result<(), Error> {
    for item in items {
        let Some(pattern) = ticket
            .formobject
            .field(item.id())
            .and_then(|field| field.regex())
        else {
            continue;
        };
        let Ok(anchored) = regex::Regex::new(&format!("^(?:{pattern})")) else {
            continue;
        };
        let matches = match item.value() {
            Value::String(text) => anchored.is_match(text),
            _ => false,
        };
        if !matches {
            return Err(Error::InvalidValue {
                field: item.id().to_string(),
                reason: format!(
                    "the stop requires text matching /{pattern}/, got {}",
                    item.value()
                ),
            });
        }
    }
    Ok(())
}

async fn send_edit<B: serde::Serialize>(
    client: &Client,
    operation: &'static str,
    target: &Target,
    body: &B,
) -> Result<Option<DataNo>, Error> {
    let result: Result<DataNoResult, Error> = client
        .rest(
            operation,
            Endpoint::TicketEdit,
            Some(target.edit_param()),
            body,
        )
        .await;
    match result {
        Ok(result) => Ok(result.0),
        Err(err) if err.api_kind() == Some(ApiErrorKind::TicketNotFound) => Err(Error::MovedOn {
            data_id: target.data_id(),
        }),
        Err(err) => Err(err),
    }
}

async fn finish(
    client: &Client,
    target: &Target,
    flow: FlowUuid,
    data_no: Option<DataNo>,
    wait: Option<Duration>,
) -> Result<PushOutcome, Error> {
    let state = match (wait, data_no) {
        (Some(timeout), Some(data_no)) => Some(
            observe(
                client,
                Some(flow),
                target.api_path(),
                data_no,
                target.data_id(),
                timeout,
            )
            .await?,
        ),
        _ => None,
    };
    Ok(PushOutcome { data_no, state })
}

/// A quick action; see [`Client::quick_action_mission`].
#[derive(Debug)]
#[must_use = "a quick action does nothing until sent"]
pub struct QuickActionBuilder {
    client: Client,
    target: Result<Target, Error>,
    action: QuickAction,
    force: bool,
    wait: Option<Duration>,
}

impl Client {
    /// Runs quick action `action1`/`action2` on a mission. The client loads the ticket and
    /// refuses when its stop does not offer the action (the server would push the ticket
    /// unchanged instead), unless [`QuickActionBuilder::force`].
    pub fn quick_action_mission(
        &self,
        mission: &Mission,
        action: QuickAction,
    ) -> QuickActionBuilder {
        QuickActionBuilder::new(self.clone(), Target::of_mission(mission), action)
    }

    /// Runs a quick action on ticket row `data_id` of the flow at `api_path`.
    pub fn quick_action(
        &self,
        api_path: &str,
        data_id: DataId,
        action: QuickAction,
    ) -> QuickActionBuilder {
        let target = ApiPath::new(api_path)
            .map(|path| Target::Path(path, data_id))
            .map_err(|e| Error::InvalidRequest(e.to_string()));
        QuickActionBuilder::new(self.clone(), target, action)
    }

    /// Runs a quick action on ticket row `data_id` of the flow with this uuid.
    pub fn quick_action_in_flow(
        &self,
        flow_uuid: FlowUuid,
        data_id: DataId,
        action: QuickAction,
    ) -> QuickActionBuilder {
        QuickActionBuilder::new(self.clone(), Ok(Target::Flow(flow_uuid, data_id)), action)
    }
}

impl QuickActionBuilder {
    fn new(client: Client, target: Result<Target, Error>, action: QuickAction) -> Self {
        QuickActionBuilder {
            client,
            target,
            action,
            force: false,
            wait: None,
        }
    }

    /// Sends even when the stop does not offer the action (the server then pushes the
    /// ticket on with its values unchanged).
    pub fn force(mut self) -> Self {
        self.force = true;
        self
    }

    /// Waits up to `timeout` for the engine; see [`PushBuilder::wait_for_engine`].
    pub fn wait_for_engine(mut self, timeout: Duration) -> Self {
        self.wait = Some(timeout);
        self
    }

    /// Loads the ticket, checks the action and sends it.
    ///
    /// # Errors
    /// [`Error::QuickActionUnavailable`] (not sent), and those of [`PushBuilder::send`].
    pub async fn send(self) -> Result<PushOutcome, Error> {
        let target = self.target?;
        let flow = self.client.resolve_uuid(&target).await?;
        let ticket = self.client.load_ticket(flow, target.data_id()).await?;
        if !self.force {
            ensure_actionable(&ticket, target.data_id())?;
            let labels = ticket.quick_actions();
            if !labels.offers(self.action) {
                return Err(Error::QuickActionUnavailable {
                    action: self.action,
                    labels,
                });
            }
        }
        let mut body = QuickActionTicket::new(target.data_id(), self.action);
        body.flow_uuid = target.body_uuid();
        let data_no = send_edit(&self.client, "tickets.quick_action", &target, &body).await?;
        finish(&self.client, &target, flow, data_no, self.wait).await
    }
}

impl FieldValues {
    /// Types every value from the loaded stop's form.
    fn typed(self, ticket: &LoadedTicket) -> Result<Vec<FormItem>, Error> {
        self.into_items(|id: &FieldId| {
            ticket
                .formobject
                .field(id)
                .map(|field| Typed::Known(field.field_type()))
                .unwrap_or_else(|| Typed::Unknown(ticket.formobject.describe_fields()))
        })
    }
}
