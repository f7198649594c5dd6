//! Outflow and inflow stops (`outflowPoint`, `inflowPoint`): the ticket opens a ticket in
//! another flow (an outflow names its app; an inflow calls a flow of its own app), created by
//! `system` with the stop's inputs as start inputs and form fields, and waits, parked
//! (running, no stop, no mission), until that ticket ends; the end's outputs come back as the
//! stop's outputs, with the other ticket's flow and number, and the walk goes on.

use super::stops::{flow_reference, process_input};
use super::*;
use omflow_model::routing::{self, Reference};

/// A ticket waiting at an outflow or inflow for the ticket it opened.
#[derive(Debug, Clone)]
pub(super) struct Parked {
    /// The ticket it waits for.
    child_flow: usize,
    child_data_no: u64,
    /// The waiting row and the stop it waits at.
    parent_flow: usize,
    parent_row: u64,
    stop: String,
    sent_id: Value,
}

/// What an outflow gives the ticket it opens: start inputs, form fields, and both as logged.
#[derive(Default)]
struct Given {
    start_input: Map<String, Value>,
    form: Vec<(String, Value)>,
    logged: Map<String, Value>,
}

impl World {
    /// Forgets the waits of and for ticket `data_no` of `flow` (deleted).
    pub(super) fn forget_parked(&mut self, flow: usize, data_no: u64) {
        let rows = &self.flows[flow].rows;
        self.parked.retain(|p| {
            let waited_for = p.child_flow == flow && p.child_data_no == data_no;
            let waiting = p.parent_flow == flow && !rows.contains_key(&p.parent_row);
            !waited_for && !waiting
        });
    }

    /// Reads the stop's inputs from the waiting ticket (`subflow_input`).
    fn outflow_inputs(
        &self,
        item: &SeedItem,
        row: &Map<String, Value>,
        flow_value: &Map<String, Value>,
    ) -> Result<Given, String> {
        let none = routing::Calculated::default();
        let mut given = Given::default();
        for input in &item.subflow_inputs {
            let value = process_input(input.value.as_deref(), &none, flow_value, row)?;
            if let Some(name) = flow_reference(&input.name) {
                given.start_input.insert(name.clone(), json!(value));
                given.logged.insert(name, json!(value));
                continue;
            }
            match Reference::parse(&input.name) {
                Reference::GroupPart { column, part } => {
                    let id = column.to_uppercase();
                    let at = given.form.iter().position(|(f, _)| *f == id);
                    let at = at.unwrap_or_else(|| {
                        given.form.push((id.clone(), json!([])));
                        given.form.len() - 1
                    });
                    // A field given whole and then by part: Python's `append` on a text.
                    let Some(list) = given.form[at].1.as_array_mut() else {
                        return Err("'str' object has no attribute 'append'".into());
                    };
                    while list.len() + 1 < usize::from(part) {
                        list.push(json!(""));
                    }
                    list.push(json!(value));
                    given.logged.insert(column, given.form[at].1.clone());
                }
                Reference::Field(column) => {
                    given.form.push((column.to_uppercase(), json!(value)));
                    // Logged under the name inside `#(...)` as the design writes it.
                    given.logged.insert(inner_name(&input.name), json!(value));
                }
                _ => {
                    given.logged.insert(input.name.clone(), json!(value));
                }
            }
        }
        Ok(given)
    }

    /// The formdata items of `given`'s fields, typed by `flow`'s form (`FormatToFormdataList`).
    fn outflow_items(&self, flow: usize, given: &Given) -> Vec<Value> {
        given
            .form
            .iter()
            .filter_map(|(id, value)| {
                let field_type = self.field_type(flow, id)?;
                let value = match (field_type.as_str(), value) {
                    ("h_group", Value::Array(parts)) => json!({
                        "group": parts.first().cloned().unwrap_or(json!("")),
                        "user": parts.get(1).cloned().unwrap_or(json!("")),
                    }),
                    (_, value) => value.clone(),
                };
                Some(json!({"id": id, "type": field_type, "value": value}))
            })
            .collect()
    }

    /// Arriving at an outflow or inflow: parks the ticket and opens the other; false when the
    /// stop passes the ticket straight on (no flow named).
    pub(super) fn open_outflow(
        &mut self,
        flow: usize,
        row_id: u64,
        row: Map<String, Value>,
        flow_value: &Map<String, Value>,
        item: &SeedItem,
        sent_id: Value,
    ) -> Result<(), (Map<String, Value>, String)> {
        let target_name = item.target_flow.clone().unwrap_or_default();
        let given = self
            .outflow_inputs(item, &row, flow_value)
            .map_err(|e| (row.clone(), e))?;
        let logged_at = self.flow_logs.len();
        self.log_stop(
            flow,
            &row,
            item,
            Value::Object(given.logged.clone()),
            Value::Null,
            false,
        );
        let inflow = item.item_type == "inflow";
        let app = if inflow {
            self.flows[flow].def.app_name.clone()
        } else {
            item.target_app.clone().unwrap_or_default()
        };
        let Some(target) = self.flow_by_name(&app, &target_name) else {
            let message = if inflow {
                format!("應用內找不到此流程：{target_name}")
            } else {
                "找不到流程。".to_string()
            };
            return Err((row, message));
        };
        self.flows[flow].rows.insert(row_id, row);
        let child_data_no = self.flows[target].next_data_no;
        self.parked.push(Parked {
            child_flow: target,
            child_data_no,
            parent_flow: flow,
            parent_row: row_id,
            stop: item.id.clone(),
            sent_id,
        });
        let items = Value::Array(self.outflow_items(target, &given));
        let start_input = Value::Object(given.start_input);
        let system = Caller {
            username: "system".into(),
        };
        // The calling ticket's parameters as it left for this stop, with no item to come
        // back from (`do` clears `chart_id_from` as the opened ticket starts).
        let mut calling = super::walk::param_of(&self.flows[flow].rows[&row_id]);
        if calling.is_object() {
            calling["chart_id_from"] = Value::Null;
        }
        let created = self.create_opened_by(
            target,
            &items,
            Some(&start_input),
            Some(calling),
            &system,
            Lang::ZhHant,
        );
        match created {
            Reply::Envelope {
                status: 200,
                result: Value::Number(_),
                ..
            } => {
                // The opened ticket's start writes its flow and number into the caller's
                // input log (`startPoint` with an `outflow_content`); nothing else writes
                // that input, so writing it once the ticket is open comes to the same.
                let child_uuid = self.flows[target].def.flow_uuid.clone();
                if let Some(Value::Object(input)) = self.flow_logs.input_mut(logged_at) {
                    input.insert("outflow_uuid".into(), json!(child_uuid));
                    input.insert("outflow_data_no".into(), json!(child_data_no));
                }
                Ok(())
            }
            Reply::Envelope { status: 200, .. } => Ok(()),
            other => {
                self.parked
                    .retain(|p| !(p.child_flow == target && p.child_data_no == child_data_no));
                let message = match other {
                    Reply::Envelope { message, .. } => message,
                    _ => "the ticket could not be opened".to_string(),
                };
                let row = self.flows[flow]
                    .rows
                    .get(&row_id)
                    .cloned()
                    .unwrap_or_default();
                Err((row, message))
            }
        }
    }

    /// A ticket that ended: the ticket parked for it, if any, goes on with the end's outputs.
    pub(super) fn resume_parked(&mut self, flow: usize, data_no: u64, outputs: Map<String, Value>) {
        let Some(at) = self
            .parked
            .iter()
            .position(|p| p.child_flow == flow && p.child_data_no == data_no)
        else {
            return;
        };
        let parked = self.parked.remove(at);
        let mut in_output = outputs;
        in_output.insert("outflow_uuid".into(), json!(self.flows[flow].def.flow_uuid));
        in_output.insert("outflow_data_no".into(), json!(data_no));
        self.advance_with(
            parked.parent_flow,
            parked.parent_row,
            &parked.stop,
            parked.sent_id,
            Some(in_output),
        );
    }

    /// Leaving an outflow or inflow: its `subflow_output` rows take the other ticket's end
    /// outputs into flow values; the log adds that ticket's flow and number.
    pub(super) fn outflow_outputs(
        item: &SeedItem,
        in_output: &Map<String, Value>,
        flow_value: &mut Map<String, Value>,
    ) -> Map<String, Value> {
        let mut written = Map::new();
        for output in &item.subflow_outputs {
            let value = output.value.as_deref().unwrap_or_default();
            if output.name.is_empty() || (item.item_type == "outflow" && value.is_empty()) {
                continue;
            }
            let name = inner_name(&output.name);
            let got = in_output
                .get(&inner_name(value))
                .cloned()
                .unwrap_or(json!(""));
            flow_value.insert(name.clone(), got.clone());
            written.insert(name, got);
        }
        for key in ["outflow_uuid", "outflow_data_no"] {
            written.insert(
                key.into(),
                in_output.get(key).cloned().unwrap_or(Value::Null),
            );
        }
        written
    }
}
