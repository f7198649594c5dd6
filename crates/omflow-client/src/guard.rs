//! What keeps a push from stranding a ticket: the stop's form checks the values
//! ([`omflow_model::checks`]), and the flow's design (`flow-object/load`, which the ticket's
//! assignee and creator may read) predicts where the engine takes the ticket
//! ([`omflow_model::routing`]). A push the engine cannot route is refused before it is sent,
//! unless forced.

use crate::client::Client;
use crate::error::{Error, PushRefusal};
use omflow_model::calls;
use omflow_model::chart::{Assignment, FlowChart, LoadFlowChart, LoadedFlowChart};
use omflow_model::query::{col, Query};
use omflow_model::routing::{
    predict, predict_create, Operand, Prediction, Reference, Route, StopRef, TicketValues,
};
use omflow_model::{
    DataId, DataNo, FlowUuid, FormItem, LoadedTicket, Mission, Operation, TicketRow,
};
use std::collections::HashMap;
use std::sync::Arc;

/// Flow designs per flow, each loaded once per client (concurrent callers share the load).
pub(crate) type Charts = HashMap<FlowUuid, Arc<tokio::sync::OnceCell<Arc<FlowChart>>>>;

/// Where a ticket row stands, as far as the user can see: its ticket number and its stop.
#[derive(Debug, Clone, Default)]
pub(crate) struct Whereabouts {
    pub(crate) data_no: Option<DataNo>,
    pub(crate) stop: Option<String>,
    /// The ticket list showed the row as history: it moved on.
    pub(crate) moved_on: bool,
}

impl Whereabouts {
    pub(crate) fn of_mission(mission: &Mission) -> Self {
        Whereabouts {
            data_no: mission.data_no,
            stop: mission.stop_uuid.clone(),
            moved_on: false,
        }
    }
}

impl Client {
    /// The design of a flow (stops, lines, switch rules), read through ticket `data_no`
    /// (`flow-object/load` admits the ticket's assignee and creator, and View holders). Loaded
    /// once per flow for the client's lifetime: a flow redeployed while a client runs is seen
    /// by a new client.
    ///
    /// # Errors
    /// [`Error::NoAccess`] when the user may not read the ticket; [`crate::CallError::Decode`] when the
    /// design is not valid JSON; transport errors (a read: retrying is safe).
    pub async fn flow_chart(
        &self,
        flow_uuid: FlowUuid,
        data_no: DataNo,
    ) -> Result<Arc<FlowChart>, Error> {
        let cell = {
            let mut charts = self.inner.charts.lock().await;
            charts.entry(flow_uuid).or_default().clone()
        };
        cell.get_or_try_init(|| async {
            let loaded: LoadedFlowChart = self
                .call::<calls::FlowsChart>(None, &LoadFlowChart::new(flow_uuid, data_no))
                .await
                .map_err(|err| {
                    crate::assignee::no_access(err, || {
                        (
                            format!(
                                "read the design of flow {} through ticket {data_no}",
                                flow_uuid.simple()
                            ),
                            "the flow's View permission, or being the ticket's assignee or creator"
                                .into(),
                        )
                    })
                })?;
            loaded.chart().map(Arc::new).map_err(|e| {
                Error::decode(
                    Operation::FlowsChart.name(),
                    "result.flowobject",
                    e.to_string(),
                    None,
                )
            })
        })
        .await
        .cloned()
    }

    /// A refusal of row `data_id` said with where the row stands, when the user did not find
    /// it among their open missions (`hint` empty): a row the ticket list shows as history
    /// (View holders) moved on, and is refused as such; a row whose standing the user cannot
    /// read keeps its refusal, said as of a row that is not among their missions (the form
    /// a moved-on row shows is the next stop's).
    pub(crate) async fn explain_refusal(
        &self,
        flow: FlowUuid,
        data_id: DataId,
        hint: &Whereabouts,
        err: Error,
    ) -> Error {
        // A closed row, or one not at a form stop, is refused for what it is, whichever
        // stop's form it reads with.
        let Error::Refused(refusal) = err else {
            return err;
        };
        if matches!(refusal, PushRefusal::NotActionable { .. }) {
            return Error::Refused(refusal);
        }
        let moved_on = || {
            PushRefusal::NotActionable {
            data_id,
            reason: "it is not the ticket's current row: it moved on (pushed before) or closed; your missions show each ticket's current data_id".into(),
        }
        };
        if hint.moved_on {
            return moved_on().into();
        }
        // Among the user's open missions now (a `Mission` given to push may be one read
        // before the row moved on), or not known (the list did not answer): the refusal as
        // it is.
        if self.is_open_mission(flow, data_id).await != Some(false) {
            return Error::Refused(refusal);
        }
        match self.row_is_history(flow, data_id).await {
            Some(true) => moved_on().into(),
            Some(false) => Error::Refused(refusal),
            None => PushRefusal::NotAmongMissions {
                data_id,
                refusal: Box::new(refusal),
            }
            .into(),
        }
    }

    /// Whether row `data_id` of `flow` is one of the user's open missions (`None` when the
    /// list does not answer).
    async fn is_open_mission(&self, flow: FlowUuid, data_id: DataId) -> Option<bool> {
        Some(self.open_mission(flow, data_id).await.ok()?.is_some())
    }

    /// Whether row `data_id` is a history row, as the ticket list shows it (View holders);
    /// `None` when the user cannot read it.
    async fn row_is_history(&self, flow: FlowUuid, data_id: DataId) -> Option<bool> {
        Some(self.listed_row(flow, data_id).await.ok()??.history)
    }

    /// The user's open mission for row `data_id` of `flow`, if any.
    pub(crate) async fn open_mission(
        &self,
        flow: FlowUuid,
        data_id: DataId,
    ) -> Result<Option<Mission>, Error> {
        let by_row = Query::builder()
            .filter(col("data_id").eq(data_id))
            .filter(col("flow_uuid").eq(flow.simple()))
            .page_size(1)
            .build()
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        Ok(self
            .missions()
            .query(by_row)
            .send()
            .await?
            .into_iter()
            .next())
    }

    /// Row `data_id` of `flow` as the ticket list shows it, history included (View holders).
    pub(crate) async fn listed_row(
        &self,
        flow: FlowUuid,
        data_id: DataId,
    ) -> Result<Option<TicketRow>, Error> {
        let by_id = Query::builder()
            .filter(col("id").eq(data_id))
            .page_size(1)
            .build()
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let rows = self
            .flow(flow)
            .tickets()
            .include_history()
            .query(by_id)
            .send()
            .await?;
        Ok(rows.into_iter().next())
    }

    /// The ticket number and stop of row `data_id`: from my missions, else from the
    /// query-form list (View permission); unknown when neither shows it.
    pub(crate) async fn whereabouts(
        &self,
        flow: FlowUuid,
        data_id: DataId,
        known: Whereabouts,
    ) -> Whereabouts {
        if known.data_no.is_some() && known.stop.is_some() {
            return known;
        }
        if let Ok(Some(mission)) = self.open_mission(flow, data_id).await {
            return Whereabouts::of_mission(&mission);
        }
        if let Ok(Some(row)) = self.listed_row(flow, data_id).await {
            return Whereabouts {
                data_no: Some(row.data_no),
                stop: row.stop_uuid.clone(),
                moved_on: row.history,
            };
        }
        known
    }

    /// Where a push leaving `ticket` with `writes` would take it, or why that cannot be told.
    pub(crate) async fn predict_push(
        &self,
        flow: FlowUuid,
        data_id: DataId,
        known: Whereabouts,
        ticket: &LoadedTicket,
        writes: Writes<'_>,
    ) -> Prediction {
        let mut prediction = self
            .predict_route(flow, data_id, known, ticket, writes)
            .await;
        self.name_group(&mut prediction).await;
        prediction
    }

    /// The name of group `id` (the group list, read once per client; `None` when it cannot
    /// be read or has no such group).
    async fn group_name(&self, id: &str) -> Option<String> {
        let id: u64 = id.parse().ok()?;
        let groups = self
            .inner
            .groups
            .get_or_try_init(|| async { self.groups().await.map(Arc::new) })
            .await
            .ok()?;
        groups
            .iter()
            .find(|group| group.id.get() == id)
            .map(|group| group.display_name.clone())
    }

    async fn predict_route(
        &self,
        flow: FlowUuid,
        data_id: DataId,
        known: Whereabouts,
        ticket: &LoadedTicket,
        writes: Writes<'_>,
    ) -> Prediction {
        let at = self.whereabouts(flow, data_id, known).await;
        let (Some(data_no), Some(stop)) = (at.data_no, at.stop) else {
            return unpredictable(
                "this stop",
                "the SDK cannot see which stop the row is at (not among your missions, and no View permission)",
            );
        };
        let chart = match self.flow_chart(flow, data_no).await {
            Ok(chart) => chart,
            Err(err) => {
                return unpredictable(
                    &stop,
                    &format!("the flow's design could not be read: {err}"),
                )
            }
        };
        let mut values = TicketValues::partial();
        for current in &ticket.formdata {
            values.set_field_json(current.id.as_str(), &current.value);
        }
        match writes {
            Writes::Items(items) => {
                for item in items {
                    values.set_field_json(item.id().as_str(), item.value());
                }
            }
            Writes::QuickAction(which) => {
                let Some(inputs) = chart.stop(&stop).and_then(|s| s.quick_action_inputs(which))
                else {
                    // The action is not designed at this stop: the row is pushed unchanged.
                    return predict(&chart, &stop, values);
                };
                apply_quick_action(inputs, &mut values);
            }
        }
        predict(&chart, &stop, values)
    }
}

impl Client {
    /// Where a create of `items` would take the new ticket. The design is read through ticket
    /// number 1: `flow-object/load` admits a View holder whatever the number (the start form
    /// the checks read needed View already); unpredictable when it cannot be read.
    pub(crate) async fn predict_create(&self, flow: FlowUuid, items: &[FormItem]) -> Prediction {
        let chart = match self.flow_chart(flow, DataNo(1)).await {
            Ok(chart) => chart,
            Err(err) => {
                return unpredictable(
                    "the start",
                    &format!("the flow's design could not be read: {err}"),
                )
            }
        };
        let mut values = TicketValues::partial();
        for item in items {
            values.set_field_json(item.id().as_str(), item.value());
        }
        let mut prediction = predict_create(&chart, values);
        self.name_group(&mut prediction).await;
        prediction
    }

    /// Names the assignee's group of a prediction that ends at a stop.
    async fn name_group(&self, prediction: &mut Prediction) {
        if let Route::AtStop {
            assignee: Some(assignee),
            ..
        } = &mut prediction.route
        {
            assignee.group_name = self.group_name(&assignee.group).await;
        }
    }
}

/// What a push writes before the engine routes the ticket.
pub(crate) enum Writes<'a> {
    /// The form's values.
    Items(&'a [FormItem]),
    /// Quick action 1 or 2's designed inputs.
    QuickAction(u8),
}

/// A quick action's inputs (`doQuickAction`): a field gets a literal, another field's value, or
/// a flow value (which the SDK cannot see).
fn apply_quick_action(inputs: &[Assignment], values: &mut TicketValues) {
    for input in inputs {
        let Reference::Field(column) = Reference::parse(&input.name) else {
            continue;
        };
        let value = match Reference::parse(&input.value_text()) {
            Reference::Field(from) => values.field(&from),
            Reference::GroupPart { column, part } => values.group_part(&column, part),
            Reference::Flow(_) => None,
            Reference::Literal(text) => Some(Operand::Text(text)),
        };
        match value {
            Some(value) => values.set_field(&column, value),
            None => values.forget_field(&column),
        }
    }
}

fn unpredictable(stop: &str, why: &str) -> Prediction {
    let route = Route::Unpredictable {
        past: StopRef::new(stop, ""),
        why: why.to_string(),
    };
    Prediction::new(route)
}
