//! The engine's walk: from the stop a ticket leaves, item by item, to the next form (where
//! it waits) or end (where it closes), or to the item that fails it. One method per kind
//! of item; each says where the walk goes next.

use super::*;
use crate::seed::SeedRule;
use omflow_model::routing;

/// A ticket on its way through the engine.
pub(super) struct Walk {
    pub(super) flow: usize,
    pub(super) row_id: u64,
    /// The row as the engine holds it (written back where the walk ends).
    pub(super) row: Map<String, Value>,
    pub(super) flow_value: Map<String, Value>,
    pub(super) data_no: u64,
    /// The item the ticket came from.
    pub(super) previous: String,
    /// The last switch's input log.
    pub(super) chart_input: Option<Map<String, Value>>,
    /// The `data_id` as the push sent it.
    pub(super) sent_id: Value,
    /// The parallel run a branch belongs to (an async's `collection_uuid`).
    pub(super) collection: Option<String>,
    /// Inside a subflow: the path of stops before the walk's own (`FITEM_8-`), and what the
    /// calling flow holds until the subflow ends (`data_param`'s `content`).
    pub(super) prefix: String,
    pub(super) content: Option<Value>,
    /// What the parameters carry along from stop to stop: see [`CARRIED`].
    pub(super) carried: Map<String, Value>,
    /// The keys of the ticket's parameters in the order the engine first wrote them: a key
    /// keeps its place, a new one comes last, as in the engine's dictionary.
    pub(super) order: Vec<String>,
}

impl Walk {
    pub(super) fn arrival(&mut self) -> Arrival<'_> {
        Arrival {
            previous: &self.previous,
            flow_value: &self.flow_value,
            chart_input: self.chart_input.clone(),
            sent_id: self.sent_id.clone(),
            collection: self.collection.as_deref(),
            content: self.content.as_ref(),
            carried: &self.carried,
            within: &self.prefix,
            order: &self.order,
        }
    }

    /// Takes the key order of parameters just written.
    pub(super) fn remember(&mut self, param: &Map<String, Value>) {
        self.order = param.keys().cloned().collect();
    }

    /// Goes on with `param` as the engine's parameters (a merge's main branch, a subflow's
    /// caller): what they carry and the order of their keys.
    pub(super) fn adopt(&mut self, param: &Value) {
        self.carried = carried_of(param);
        match param.as_object() {
            Some(map) => self.remember(map),
            None => self.order = Vec::new(),
        }
    }

    /// Passes `item` on to `next`.
    pub(super) fn pass(&mut self, item: &SeedItem, next: Option<String>) -> Step {
        self.previous = item.id.clone();
        Step::To(next)
    }
}

/// What a ticket's parameters carry along, written by one stop and kept by the others: what
/// python stops leave (`autoinstall`, kept while false, and `load_balance`, false on a
/// server without the licence for it), and, in a ticket an outflow or inflow opened, the
/// calling ticket's parameters (`outflow_content`).
pub(super) const CARRIED: [&str; 3] = ["autoinstall", "load_balance", "outflow_content"];

/// A row's parameters (`data_param`, JSON text), or null.
pub(super) fn param_of(row: &Map<String, Value>) -> Value {
    row.get("data_param")
        .and_then(Value::as_str)
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or(Value::Null)
}

/// The [`CARRIED`] members of a ticket's parameters.
fn carried_of(param: &Value) -> Map<String, Value> {
    CARRIED
        .into_iter()
        .filter_map(|key| Some((key.to_string(), param.get(key)?.clone())))
        .collect()
}

/// How deeply walks may nest (outflows opening tickets whose walks resume their callers,
/// async branches).
const MAX_NESTED_WALKS: usize = 40;

/// Where the walk goes after an item.
pub(super) enum Step {
    /// To this item (nowhere: the engine's "no match").
    To(Option<String>),
    /// The ticket waits, closed or failed: the walk is over.
    Done,
}

impl World {
    /// The engine: walks from `from` to the next form or end item.
    pub(super) fn advance(&mut self, flow: usize, row_id: u64, from: &str, sent_id: Value) {
        self.advance_with(flow, row_id, from, sent_id, None);
    }

    /// [`World::advance`] with what the stop left hands on (an outflow's returned outputs).
    pub(super) fn advance_with(
        &mut self,
        flow: usize,
        row_id: u64,
        from: &str,
        sent_id: Value,
        chart_input: Option<Map<String, Value>>,
    ) {
        let Some(row) = self.flows[flow].rows.get(&row_id).cloned() else {
            return;
        };
        let param = param_of(&row);
        let mut walk = Walk {
            flow,
            row_id,
            flow_value: param["flow_value"].as_object().cloned().unwrap_or_default(),
            data_no: row["data_no"].as_u64().unwrap_or(0),
            row,
            previous: from.to_string(),
            // A form's leaving keeps the parameters' last input log; what an outflow's
            // ticket handed back replaces it.
            chart_input: chart_input.or_else(|| param["chart_input"].as_object().cloned()),
            sent_id,
            collection: param["collection_uuid"].as_str().map(str::to_string),
            prefix: from
                .rfind('-')
                .map(|at| from[..=at].to_string())
                .unwrap_or_default(),
            content: Some(param["content"].clone()).filter(Value::is_object),
            carried: carried_of(&param),
            // The parameters a create leaves before the engine's first write have no order
            // of the engine's.
            order: match param.as_object() {
                Some(map) if map.contains_key("flow_uuid") => map.keys().cloned().collect(),
                _ => Vec::new(),
            },
        };
        if !self.leave(&mut walk, from) {
            return;
        }
        let next = self.item(flow, from).and_then(|i| i.next.clone());
        self.walk_on(walk, next);
    }

    /// The walk from item `next` on, until the ticket waits, closes or fails. A walk that
    /// starts walks (a ticket opened by an outflow that ends at once, async branches) nests;
    /// past [`MAX_NESTED_WALKS`] the ticket fails as Python's recursion limit fails it,
    /// instead of the fake overflowing its stack.
    pub(super) fn walk_on(&mut self, mut walk: Walk, next: Option<String>) {
        if self.walk_depth >= MAX_NESTED_WALKS {
            let row = std::mem::take(&mut walk.row);
            self.fail_row(walk.flow, row, None, "maximum recursion depth exceeded");
            return;
        }
        self.walk_depth += 1;
        self.walk_steps(walk, next);
        self.walk_depth -= 1;
    }

    fn walk_steps(&mut self, mut walk: Walk, mut next: Option<String>) {
        let flow = walk.flow;
        for _ in 0..64 {
            let path = next.as_deref().map(|id| format!("{}{id}", walk.prefix));
            let Some(item) = path.and_then(|path| self.item_at(flow, &path)) else {
                break;
            };
            let step = match item.item_type.as_str() {
                "switch" => self.at_switch(&mut walk, &item),
                "setform" => self.at_setform(&mut walk, &item),
                "python" => self.at_python(&mut walk, &item),
                "sleep" => self.at_sleep(&mut walk, &item),
                "outflow" | "inflow" => self.at_outflow(&mut walk, &item),
                "async" => self.at_async(&mut walk, &item),
                "collection" => self.at_collection(&mut walk, &item),
                "subflow" => self.at_subflow(&mut walk, &item),
                "end" if walk.content.is_some() => self.at_subflow_end(&mut walk, &item),
                // Without the organisation app the engine skips their inputs and lookups,
                // logs both sides empty and passes the ticket on.
                "org1" | "org2" => {
                    self.log_stop(flow, &walk.row, &item, json!({}), json!({}), false);
                    walk.pass(&item, item.next.clone())
                }
                "form" => self.at_form(&mut walk, &item),
                "end" => self.at_end(&mut walk, &item),
                _ => break,
            };
            match step {
                Step::To(to) => next = to,
                Step::Done => return,
            }
        }
        let row = std::mem::take(&mut walk.row);
        self.fail_row(flow, row, None, routing::NO_RULE_MATCHED);
    }

    /// Leaving `from`: a start logs its values; a form's open entry gets its outputs. False
    /// when that failed the ticket.
    fn leave(&mut self, walk: &mut Walk, from: &str) -> bool {
        let Some(left) = self.item_at(walk.flow, from) else {
            return true;
        };
        if left.item_type == "start" {
            let values = Value::Object(walk.flow_value.clone());
            self.log_stop(walk.flow, &walk.row, &left, values, json!(""), false);
            return true;
        }
        if matches!(left.item_type.as_str(), "outflow" | "inflow") {
            let in_output = walk.chart_input.clone().unwrap_or_default();
            let written = Self::outflow_outputs(&left, &in_output, &mut walk.flow_value);
            self.log_leave(walk.flow, walk.data_no, &left.id, Value::Object(written));
            return true;
        }
        if left.item_type == "sleep" {
            // The wait is logged when it ends, as the engine's resumed walk logs it.
            self.log_stop(walk.flow, &walk.row, &left, json!(""), json!(""), false);
            return true;
        }
        self.outputs_or_fail(walk, &left)
    }

    /// The outputs of a form or setform the ticket leaves, into the flow values and the
    /// stop's log; false (the ticket failed there) when one cannot be read.
    fn outputs_or_fail(&mut self, walk: &mut Walk, item: &SeedItem) -> bool {
        match Self::leave_outputs(item, &walk.row, &mut walk.flow_value) {
            Ok(written) => {
                self.log_leave(walk.flow, walk.data_no, &item.id, Value::Object(written));
                true
            }
            Err(message) => {
                let row = std::mem::take(&mut walk.row);
                self.fail_row(walk.flow, row, Some(item), &message);
                false
            }
        }
    }

    fn at_switch(&mut self, walk: &mut Walk, item: &SeedItem) -> Step {
        let rules: Vec<_> = item.rules.iter().map(SeedRule::to_chart).collect();
        let (values, calculated) = Self::calculate_at(item, &walk.row, &mut walk.flow_value);
        let inputs = Self::switch_inputs(item, &walk.row, &walk.flow_value, &calculated);
        let (outcome, _) = routing::evaluate_switch(&rules, &values, &calculated);
        let message = match outcome {
            routing::SwitchOutcome::Goes { target, .. } => {
                let previous = json!(walk.previous);
                self.log_stop(walk.flow, &walk.row, item, previous, json!(target), false);
                walk.chart_input = Some(inputs);
                return walk.pass(item, Some(target));
            }
            routing::SwitchOutcome::Raised(message) => message,
            _ => routing::NO_RULE_MATCHED.to_string(),
        };
        // No rule matches: the engine had logged its move to the switch (without this
        // switch's inputs), then marks the row as errored.
        let previous = json!(walk.previous);
        let row = self.param_at(walk, item);
        self.log_stop(walk.flow, &row, item, previous, json!(""), true);
        self.fail_row(walk.flow, row, Some(item), &message);
        Step::Done
    }

    /// The walk's row as the engine last saved it on the way to `item`: each item it
    /// leaves writes the ticket's `data_param` (bound for the next item) before that item
    /// runs, so a row failing at `item` keeps the parameters that brought it there.
    fn param_at(&mut self, walk: &mut Walk, item: &SeedItem) -> Map<String, Value> {
        let flow = walk.flow;
        let mut row = std::mem::take(&mut walk.row);
        let via = walk.arrival();
        let param = self.engine_param(flow, &row, &item.id, via);
        row.insert("data_param".into(), Value::String(dumps(&param)));
        row
    }

    fn at_setform(&mut self, walk: &mut Walk, item: &SeedItem) -> Step {
        let written = self.write_inputs(walk.flow, &mut walk.row, &mut walk.flow_value, item);
        let written = Value::Object(written);
        self.log_stop(walk.flow, &walk.row, item, written, Value::Null, false);
        if !self.outputs_or_fail(walk, item) {
            return Step::Done;
        }
        walk.pass(item, item.next.clone())
    }

    /// A python stop: the code runs, its outputs become flow values; an exception fails the
    /// ticket here with its text.
    fn at_python(&mut self, walk: &mut Walk, item: &SeedItem) -> Step {
        let ran = self.run_python(walk.flow, &walk.row, &mut walk.flow_value, item);
        match ran {
            Ok(run) => {
                let inputs = Value::Object(run.inputs);
                self.log_stop(walk.flow, &walk.row, item, inputs, Value::Null, false);
                self.log_leave(
                    walk.flow,
                    walk.data_no,
                    &item.id,
                    Value::Object(run.written),
                );
                walk.chart_input = Some(run.variables);
                // `pythonPoint` sets both flags on the way in and drops a true
                // `autoinstall` on the way out.
                if item.autoinstall {
                    walk.carried.shift_remove("autoinstall");
                } else {
                    walk.carried.insert("autoinstall".into(), json!(false));
                }
                walk.carried.insert("load_balance".into(), json!(false));
                walk.pass(item, item.next.clone())
            }
            Err(failure) => {
                let row = self.param_at(walk, item);
                if let Some(ran) = failure.ran {
                    let (inputs, outputs) = (ran.inputs, ran.outputs);
                    let (inputs, outputs) = (Value::Object(inputs), Value::Object(outputs));
                    self.log_stop(walk.flow, &row, item, inputs, outputs, true);
                }
                self.fail_row(walk.flow, row, Some(item), &failure.message);
                Step::Done
            }
        }
    }

    /// A sleep: the rest of the walk is scheduled for when the wait is up, on the fake's
    /// clock (a test advances the clock instead of waiting); meanwhile the row stays where
    /// it was, running, with the flow values written so far. A wait that is no integer fails
    /// the ticket here, as `int()` does in the engine.
    fn at_sleep(&mut self, walk: &mut Walk, item: &SeedItem) -> Step {
        let flow = walk.flow;
        // `datetime.now() + timedelta(milliseconds=wait)` out of range is Python's
        // OverflowError, which fails the ticket at the sleep.
        let due = super::stops::sleep_ms(item, &walk.flow_value).and_then(|wait| {
            chrono::Duration::try_milliseconds(wait)
                .and_then(|wait| self.now().checked_add_signed(wait))
                .ok_or_else(|| {
                    "OME系統錯誤(暫停點)，請通知系統管理員。date value out of range".to_string()
                })
        });
        let due = match due {
            Ok(due) => due,
            Err(message) => {
                let row = std::mem::take(&mut walk.row);
                self.fail_row(flow, row, Some(item), &message);
                return Step::Done;
            }
        };
        let mut row = std::mem::take(&mut walk.row);
        row.set(Flag::Running, true);
        let via = walk.arrival();
        let param = self.engine_param(flow, &row, &item.id, via);
        row.insert("data_param".into(), Value::String(dumps(&param)));
        self.flows[flow].rows.insert(walk.row_id, row);
        self.pending.push(Pending {
            due,
            flow,
            row: walk.row_id,
            from: item.id.clone(),
            sent_id: walk.sent_id.clone(),
        });
        Step::Done
    }

    /// An outflow or inflow: the ticket waits, parked, for the ticket it opens (which may
    /// end, and resume it, at once); with no flow named it passes on.
    fn at_outflow(&mut self, walk: &mut Walk, item: &SeedItem) -> Step {
        let flow = walk.flow;
        if item.target_flow.as_deref().unwrap_or_default().is_empty() {
            self.log_stop(flow, &walk.row, item, json!(""), Value::Null, false);
            return walk.pass(item, item.next.clone());
        }
        let mut row = std::mem::take(&mut walk.row);
        row.set(Flag::Running, true);
        let via = walk.arrival();
        let param = self.engine_param(flow, &row, &item.id, via);
        row.insert("data_param".into(), Value::String(dumps(&param)));
        let sent_id = walk.sent_id.clone();
        let opened = self.open_outflow(flow, walk.row_id, row, &walk.flow_value, item, sent_id);
        if let Err((row, message)) = opened {
            self.fail_row(flow, row, Some(item), &message);
        }
        Step::Done
    }

    /// A form: the ticket waits here (a new current row and its mission).
    fn at_form(&mut self, walk: &mut Walk, item: &SeedItem) -> Step {
        let flow = walk.flow;
        self.write_inputs(flow, &mut walk.row, &mut walk.flow_value, item);
        let mut row = std::mem::take(&mut walk.row);
        let via = walk.arrival();
        self.arrive(flow, &mut row, item, via);
        let written = Self::form_input(&row, item, &self.flows[flow].def.fields);
        self.log_stop(flow, &row, item, written, Value::Null, false);
        Step::Done
    }

    /// An end: the ticket closes, and its missions with it.
    fn at_end(&mut self, walk: &mut Walk, item: &SeedItem) -> Step {
        let flow = walk.flow;
        let outputs = Self::end_outputs(item, &walk.row, &mut walk.flow_value);
        let logged = Value::Object(outputs.clone());
        self.log_stop(flow, &walk.row, item, json!(""), logged, false);
        let now = self.stamp();
        // At an end the engine logs no next item and the end as where it came from.
        walk.previous = item.id.clone();
        let mut row = std::mem::take(&mut walk.row);
        let via = walk.arrival();
        let param = self.engine_param(flow, &row, "", via);
        row.insert("data_param".into(), Value::String(dumps(&param)));
        row.set(Flag::Closed, true);
        row.set(Flag::Running, false);
        row.insert("stop_uuid".into(), json!(item.id));
        row.insert("stop_chart_text".into(), json!(item.text));
        row.insert("stoptime".into(), now);
        let data_no = row["data_no"].clone();
        let uuid = row["flow_uuid"].clone();
        self.flows[flow].rows.insert(walk.row_id, row);
        self.missions.update_ticket(
            uuid.as_str().unwrap_or(""),
            data_no.as_u64().unwrap_or(0),
            MissionRow::close,
        );
        self.resume_parked(flow, data_no.as_u64().unwrap_or(0), outputs);
        Step::Done
    }
}
