//! Pushes and quick actions as the assignee does them: load the ticket as its assignee sees
//! it (`omdata/load`), type and check the fields against the stop's form, send, and
//! optionally wait for the engine to say where the ticket went.

use crate::client::Client;
use crate::error::{Error, PushRefusal};
use crate::fields::FieldValues;
use crate::guard::{Whereabouts, Writes};
use crate::outcome::{observe, TicketState};
pub(crate) use crate::push_target::Target;
use omflow_model::routing::Prediction;
use omflow_model::{
    calls, ApiErrorKind, ApiPath, Call, DataId, DataNo, DataNoResult, FieldType, FlowUuid,
    FormItem, LoadedTicket, Mission, Operation, PushTicket, QuickAction, QuickActionTicket,
    TicketRef,
};
use serde_json::Value;
use std::time::Duration;

/// The row a mission names.
fn row_of(mission: &Mission) -> Result<TicketRef, Error> {
    TicketRef::try_from(mission).map_err(|e| Error::InvalidRequest(e.to_string()))
}

/// Row `data_id` of the flow at `api_path` (checked).
fn row_by_path(api_path: &str, data_id: DataId) -> Result<TicketRef, Error> {
    ApiPath::new(api_path)
        .map(|path| TicketRef::new(path, data_id))
        .map_err(|e| Error::InvalidRequest(e.to_string()))
}

impl Client {
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
        let mut builder = self.push_row(row_of(mission));
        builder.hint = Whereabouts::of_mission(mission);
        builder
    }

    /// A push of `row` (or of the reason it names none).
    pub(crate) fn push_row(&self, row: Result<TicketRef, Error>) -> PushBuilder {
        PushBuilder::new(self.clone(), row)
    }

    /// Pushes ticket row `data_id` of the flow at `api_path` (see [`Client::push_mission`]);
    /// the same as `client.flow(ApiPath::new(api_path)?).push(data_id)`, with the api_path
    /// checked when the push is sent. A flow named any other way: [`Client::flow`].
    ///
    /// # Errors
    /// See [`PushBuilder::send`].
    pub fn push(&self, api_path: &str, data_id: DataId) -> PushBuilder {
        self.push_row(row_by_path(api_path, data_id))
    }
}

/// What a push or quick action did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PushOutcome {
    /// The ticket number the server answered with (`None` when the server sent none).
    pub data_no: Option<DataNo>,
    /// Where the engine took the ticket, when waited for ([`PushBuilder::wait_for_engine`]).
    pub state: Option<TicketState>,
    /// Where the flow's design said the push (or create) would take the ticket, before it was
    /// sent (`None` for a create whose fields were all typed by the caller: no design read).
    pub prediction: Option<Prediction>,
    /// What the checks refused and [`PushBuilder::force`] sent anyway (empty when nothing
    /// was overridden).
    pub forced: Vec<String>,
    /// The answer was lost and reading the ticket back showed the push applied.
    pub resolved_after_lost_answer: bool,
    /// A comment was written before the push ([`PushBuilder::comment`]).
    pub commented: bool,
    /// The write was applied, but reading where the engine took the ticket failed: why
    /// (`state` is then `None`). The write is done; do not send it again.
    pub unobserved: Option<String>,
}

impl PushOutcome {
    pub(crate) fn new(data_no: Option<DataNo>, state: Option<TicketState>) -> Self {
        PushOutcome {
            data_no,
            state,
            prediction: None,
            forced: Vec::new(),
            resolved_after_lost_answer: false,
            commented: false,
            unobserved: None,
        }
    }

    /// The outcome of an applied write whose engine was waited for: `observed` is where the
    /// engine took the ticket, or why that could not be read (the write stays done).
    pub(crate) fn observed(
        data_no: Option<DataNo>,
        observed: Option<Result<TicketState, Error>>,
    ) -> Self {
        match observed {
            None => PushOutcome::new(data_no, None),
            Some(Ok(state)) => PushOutcome::new(data_no, Some(state)),
            Some(Err(err)) => {
                tracing::warn!(error = %err, "the write was applied; reading where the engine took the ticket failed");
                let mut outcome = PushOutcome::new(data_no, None);
                outcome.unobserved = Some(err.to_string());
                outcome
            }
        }
    }

    /// The ticket's next row, when waited for and seen.
    pub fn next_data_id(&self) -> Option<DataId> {
        self.state.as_ref().and_then(TicketState::data_id)
    }
}

/// What a push would do, checked without sending: the items it would send, where the flow's
/// design says the ticket would go, and what [`PushBuilder::force`] overrides.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PushPlan {
    /// The ticket's flow.
    pub flow: FlowUuid,
    /// The row pushed.
    pub data_id: DataId,
    /// The form items to send (labels mapped to values, the stop's other required fields
    /// filled with their current values).
    pub items: Vec<FormItem>,
    /// Where the ticket would go.
    pub prediction: Prediction,
    /// The refusals a forced push overrides (empty without `force`).
    pub forced: Vec<String>,
    /// The row as the server takes it, resolved once.
    pub(crate) target: Target,
    /// What is known of where the row stands (from a mission of mine, or the row read).
    pub(crate) hint: Whereabouts,
}

/// A push; see [`Client::push_mission`].
#[derive(Debug)]
#[must_use = "a push does nothing until sent"]
pub struct PushBuilder {
    client: Client,
    row: Result<TicketRef, String>,
    fields: FieldValues,
    fill_required: bool,
    wait: Option<Duration>,
    force: bool,
    hint: Whereabouts,
    comment: Option<String>,
}

impl PushBuilder {
    fn new(client: Client, row: Result<TicketRef, Error>) -> Self {
        PushBuilder {
            client,
            row: row.map_err(|e| e.to_string()),
            fields: FieldValues::default(),
            fill_required: true,
            wait: None,
            force: false,
            hint: Whereabouts::default(),
            comment: None,
        }
    }

    /// Sends even what the checks refuse (a value the stop's form does not offer, a read-only
    /// field, a field set twice, a push the engine cannot route): the outcome's
    /// [`PushOutcome::forced`] says what was overridden. A push the engine cannot route
    /// leaves the ticket in its error state, where only an administrator can repair it.
    pub fn force(mut self) -> Self {
        self.force = true;
        self
    }

    /// Writes `text` as a comment (a work log entry) on the ticket, after the checks pass
    /// and before the push is sent: the assignee may comment only while the row is theirs.
    /// If the comment cannot be written nothing is pushed; if the push then fails, the
    /// error is [`Error::AfterComment`] (the comment stays).
    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = Some(text.into());
        self
    }

    /// Sets a field; its type comes from the stop's form, and a choice's label is mapped to
    /// its value.
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

    /// Loads the ticket, checks the values against the stop's form and predicts where the
    /// engine takes the ticket, without sending anything.
    ///
    /// # Errors
    /// Those of [`PushBuilder::send`] that come before sending.
    pub async fn check(&self) -> Result<PushPlan, Error> {
        self.fields.validate()?;
        located(&self.client, &self.row, &self.hint, |target, flow, hint| {
            self.plan(target, flow, hint)
        })
        .await
    }

    /// [`PushBuilder::check`] of the row found.
    async fn plan(
        &self,
        target: Target,
        flow: FlowUuid,
        hint: Whereabouts,
    ) -> Result<PushPlan, Error> {
        let ticket = self.client.load_ticket(flow, target.data_id()).await?;
        ensure_actionable(&ticket, target.data_id())?;
        let mut forced = Vec::new();
        let items = match self.fields.checked(&ticket.formobject) {
            Ok(items) => items,
            Err(err) if self.force && err.is_refusal() => {
                forced.push(err.overridden());
                self.fields.unchecked(
                    |id| ticket.formobject.field(id).map(|f| f.field_type()),
                    || ticket.formobject.describe_fields(),
                )?
            }
            Err(err) => return Err(err),
        };
        let items = if self.fill_required {
            with_required(&ticket, items, self.force, &mut forced)?
        } else {
            items
        };
        let prediction = self
            .client
            .predict_push(
                flow,
                target.data_id(),
                hint.clone(),
                &ticket,
                Writes::Items(&items),
            )
            .await;
        guard_route(&prediction, target.data_id(), self.force, &mut forced)?;
        Ok(PushPlan {
            flow,
            data_id: target.data_id(),
            items,
            prediction,
            forced,
            target,
            hint,
        })
    }

    /// Loads the ticket, checks and sends the push.
    ///
    /// # Errors
    /// Before sending (nothing was sent): [`Error::NoAccess`] (the user may not read the
    /// row), [`Error::Refused`] with a [`PushRefusal`]: `Form` (the stop's form refuses a
    /// value), `WouldStrand` (no rule after the stop routes the values: the engine would
    /// leave the ticket in its error state), `NotActionable` (closed, or not at a form stop);
    /// [`Error::InvalidRequest`]. From the server: [`Error::MovedOn`] (the row is not
    /// current any more: already pushed), the server's failure ([`Error::api`]: `MissingRequiredFields`,
    /// `PermissionDenied`, `TicketRunning`, ...). A push is never resent: when its answer is
    /// lost the ticket is read back, and [`Error::NotApplied`] says it was not applied (safe
    /// to send again); only when the read-back fails too is the error one that
    /// [`Error::may_have_been_applied`].
    pub async fn send(self) -> Result<PushOutcome, Error> {
        let mut plan = self.check().await?;
        let mut body = PushTicket::new(plan.data_id, std::mem::take(&mut plan.items));
        body.flow_uuid = plan.target.body_uuid();
        deliver::<calls::TicketsPush>(
            &self.client,
            plan,
            &body,
            self.wait,
            self.comment.as_deref(),
        )
        .await
    }
}

/// Refuses a push the engine would strand, unless forced (then says so).
fn guard_route(
    prediction: &Prediction,
    data_id: DataId,
    force: bool,
    forced: &mut Vec<String>,
) -> Result<(), Error> {
    if !prediction.route.is_stranded() {
        return Ok(());
    }
    if force {
        forced.push(prediction.route.to_string());
        return Ok(());
    }
    Err(PushRefusal::WouldStrand {
        data_id,
        prediction: Box::new(prediction.clone()),
    }
    .into())
}

/// Sends a checked push or quick action, resolves a lost answer, waits for the engine when
/// asked, and reports with the plan's prediction and what was forced.
async fn deliver<C: Call<Answer = DataNoResult>>(
    client: &Client,
    plan: PushPlan,
    body: &C::Body,
    wait: Option<Duration>,
    comment: Option<&str>,
) -> Result<PushOutcome, Error> {
    // The comment goes first: the assignee may comment only while the row is theirs.
    if let Some(text) = comment {
        crate::desk::comment_on_row(client, plan.flow, plan.data_id, plan.hint.data_no, text)
            .await?;
    }
    let delivered = deliver_checked::<C>(client, plan, body, wait).await;
    match (delivered, comment) {
        (Ok(mut outcome), Some(_)) => {
            outcome.commented = true;
            Ok(outcome)
        }
        (Err(err), Some(_)) => Err(Error::AfterComment {
            source: Box::new(err),
        }),
        (result, None) => result,
    }
}

/// Sends a checked push or quick action (see [`deliver`]).
async fn deliver_checked<C: Call<Answer = DataNoResult>>(
    client: &Client,
    plan: PushPlan,
    body: &C::Body,
    wait: Option<Duration>,
) -> Result<PushOutcome, Error> {
    let operation = C::OPERATION;
    let (target, hint) = (&plan.target.clone(), &plan.hint.clone());
    let sent = send_edit::<C>(client, target, body).await;
    let Sent { data_no, resolved } =
        resolve_lost(client, plan.flow, target, hint, operation, sent).await?;
    let mut outcome = finish(client, target, plan.flow, data_no, wait).await?;
    // A user without View cannot read the engine's message; the prediction knows it.
    if let Some(TicketState::EngineError { message, .. }) = &mut outcome.state {
        if message.is_none() {
            *message = plan.prediction.route.engine_message();
        }
    }
    outcome.prediction = Some(plan.prediction);
    outcome.forced = plan.forced;
    outcome.resolved_after_lost_answer = resolved;
    Ok(outcome)
}

/// The answer of a write, with a lost answer resolved by reading the ticket back.
struct Sent {
    data_no: Option<DataNo>,
    resolved: bool,
}

/// When a push's answer is lost, reads the row back: gone from the current rows (history,
/// or running) means applied; still current means not applied ([`Error::NotApplied`]). A
/// read-back that fails keeps the original error.
async fn resolve_lost(
    client: &Client,
    flow: FlowUuid,
    target: &Target,
    hint: &Whereabouts,
    operation: Operation,
    sent: Result<Option<DataNo>, Error>,
) -> Result<Sent, Error> {
    let err = match sent {
        Ok(data_no) => {
            return Ok(Sent {
                data_no,
                resolved: false,
            })
        }
        Err(err) if err.may_have_been_applied() => err,
        Err(err) => return Err(err),
    };
    match crate::outcome::applied(client, flow, target.data_id(), hint).await {
        Some((true, data_no)) => Ok(Sent {
            data_no: data_no.or(hint.data_no),
            resolved: true,
        }),
        Some((false, _)) => Err(Error::NotApplied {
            operation: operation.name(),
            source: Box::new(err),
        }),
        None => Err(err),
    }
}

/// Finds `row` (its flow's uuid, and where it stands), plans the write with `plan`, and says
/// a refusal with where the row stands ([`Client::explain_refusal`]).
async fn located<F, Planned>(
    client: &Client,
    row: &Result<TicketRef, String>,
    hint: &Whereabouts,
    plan: F,
) -> Result<PushPlan, Error>
where
    F: FnOnce(Target, FlowUuid, Whereabouts) -> Planned,
    Planned: std::future::Future<Output = Result<PushPlan, Error>>,
{
    let row = row.clone().map_err(Error::InvalidRequest)?;
    let mut hint = hint.clone();
    let target = client.resolve_row(&row, &mut hint).await?;
    let flow = client.resolve_uuid(&target, &mut hint).await?;
    let data_id = target.data_id();
    match plan(target, flow, hint.clone()).await {
        Err(err) if err.is_refusal() => {
            Err(client.explain_refusal(flow, data_id, &hint, err).await)
        }
        planned => planned,
    }
}

/// Refuses rows a person cannot push now.
fn ensure_actionable(ticket: &LoadedTicket, data_id: DataId) -> Result<(), Error> {
    if ticket.closed {
        return Err(PushRefusal::NotActionable {
            data_id,
            reason: "the ticket is closed".into(),
        }
        .into());
    }
    if !ticket.find_item {
        return Err(PushRefusal::NotActionable {
            data_id,
            reason: "the row is not at a form stop (the engine is still working on it, or left it in its error state)".into(),
        }
        .into());
    }
    Ok(())
}

/// Adds the stop's required fields the caller did not set, with their current values.
///
/// A required field whose current value is empty is refused (the server answers
/// "缺少必填欄位。" after the fact), unless forced (then it is said in `forced`).
fn with_required(
    ticket: &LoadedTicket,
    mut items: Vec<FormItem>,
    force: bool,
    forced: &mut Vec<String>,
) -> Result<Vec<FormItem>, Error> {
    for field in ticket.formobject.fields() {
        let Some(id) = field.field_id() else { continue };
        let needed = field.required() || field.user_required();
        if !needed || items.iter().any(|item| item.id() == &id) {
            continue;
        }
        let Some(current) = ticket.current(&id) else {
            continue;
        };
        let empty = match &current.value {
            Value::Null => true,
            Value::String(text) => text.is_empty(),
            Value::Array(list) => list.is_empty(),
            Value::Object(group) => {
                field.required()
                    && group
                        .get("group")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .is_empty()
            }
            _ => false,
        };
        if empty && field.required() {
            let refused = Error::refused(omflow_model::checks::Refusal::Required {
                field: omflow_model::checks::FieldRef::of(field),
            });
            if !force {
                return Err(refused);
            }
            forced.push(refused.overridden());
        }
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

async fn send_edit<C: Call<Answer = DataNoResult>>(
    client: &Client,
    target: &Target,
    body: &C::Body,
) -> Result<Option<DataNo>, Error> {
    let result = client.call::<C>(Some(target.edit_param()), body).await;
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
    let observed = match (wait, data_no) {
        (Some(timeout), Some(data_no)) => Some(
            observe(
                client,
                Some(flow),
                target.api_path(),
                data_no,
                Some(target.data_id()),
                timeout,
            )
            .await,
        ),
        _ => None,
    };
    Ok(PushOutcome::observed(data_no, observed))
}

/// A quick action; see [`Client::quick_action_mission`].
#[derive(Debug)]
#[must_use = "a quick action does nothing until sent"]
pub struct QuickActionBuilder {
    client: Client,
    row: Result<TicketRef, String>,
    action: QuickAction,
    force: bool,
    wait: Option<Duration>,
    hint: Whereabouts,
    comment: Option<String>,
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
        let mut builder = self.quick_action_row(row_of(mission), action);
        builder.hint = Whereabouts::of_mission(mission);
        builder
    }

    /// A quick action on `row` (or of the reason it names none).
    pub(crate) fn quick_action_row(
        &self,
        row: Result<TicketRef, Error>,
        action: QuickAction,
    ) -> QuickActionBuilder {
        QuickActionBuilder::new(self.clone(), row, action)
    }

    /// Runs a quick action on ticket row `data_id` of the flow at `api_path` (a flow named
    /// any other way: [`Client::flow`]).
    pub fn quick_action(
        &self,
        api_path: &str,
        data_id: DataId,
        action: QuickAction,
    ) -> QuickActionBuilder {
        self.quick_action_row(row_by_path(api_path, data_id), action)
    }
}

impl QuickActionBuilder {
    fn new(client: Client, row: Result<TicketRef, Error>, action: QuickAction) -> Self {
        QuickActionBuilder {
            client,
            row: row.map_err(|e| e.to_string()),
            action,
            force: false,
            wait: None,
            hint: Whereabouts::default(),
            comment: None,
        }
    }

    /// Sends even when the stop does not offer the action (the server then pushes the
    /// ticket on with its values unchanged), or when the engine could not route what the
    /// action writes; the outcome's [`PushOutcome::forced`] says what was overridden.
    pub fn force(mut self) -> Self {
        self.force = true;
        self
    }

    /// Writes a comment first; see [`PushBuilder::comment`].
    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = Some(text.into());
        self
    }

    /// Waits up to `timeout` for the engine; see [`PushBuilder::wait_for_engine`].
    pub fn wait_for_engine(mut self, timeout: Duration) -> Self {
        self.wait = Some(timeout);
        self
    }

    /// Loads the ticket, checks the action and predicts where it takes the ticket, without
    /// sending anything.
    ///
    /// # Errors
    /// Those of [`QuickActionBuilder::send`] that come before sending.
    pub async fn check(&self) -> Result<PushPlan, Error> {
        located(&self.client, &self.row, &self.hint, |target, flow, hint| {
            self.plan(target, flow, hint)
        })
        .await
    }

    /// [`QuickActionBuilder::check`] of the row found.
    async fn plan(
        &self,
        target: Target,
        flow: FlowUuid,
        hint: Whereabouts,
    ) -> Result<PushPlan, Error> {
        let ticket = self.client.load_ticket(flow, target.data_id()).await?;
        let mut forced = Vec::new();
        let refusal = ensure_actionable(&ticket, target.data_id()).and_then(|()| {
            let labels = ticket.quick_actions();
            if labels.offers(self.action) {
                Ok(())
            } else {
                Err(Error::from(PushRefusal::QuickActionUnavailable {
                    action: self.action,
                    labels,
                }))
            }
        });
        match refusal {
            Err(err) if self.force => forced.push(err.overridden()),
            Err(err) => return Err(err),
            Ok(()) => {}
        }
        let which = match self.action {
            QuickAction::Action1 => 1,
            QuickAction::Action2 => 2,
        };
        let prediction = self
            .client
            .predict_push(
                flow,
                target.data_id(),
                hint.clone(),
                &ticket,
                Writes::QuickAction(which),
            )
            .await;
        guard_route(&prediction, target.data_id(), self.force, &mut forced)?;
        Ok(PushPlan {
            flow,
            data_id: target.data_id(),
            items: Vec::new(),
            prediction,
            forced,
            target,
            hint,
        })
    }

    /// Loads the ticket, checks the action and sends it.
    ///
    /// # Errors
    /// [`Error::Refused`] with [`PushRefusal::QuickActionUnavailable`] or
    /// [`PushRefusal::WouldStrand`] (not sent), and those of
    /// [`PushBuilder::send`].
    pub async fn send(self) -> Result<PushOutcome, Error> {
        let plan = self.check().await?;
        let mut body = QuickActionTicket::new(plan.data_id, self.action);
        body.flow_uuid = plan.target.body_uuid();
        deliver::<calls::TicketsQuickAction>(
            &self.client,
            plan,
            &body,
            self.wait,
            self.comment.as_deref(),
        )
        .await
    }
}
