//! Subflow stops (`subflowPoint`): the ticket walks the subflow's own items, its stops named
//! by their path (`FITEM_8-FITEM_2`), with flow values of its own (the subflow's start inputs,
//! then what the subflow item gives); the calling flow's values wait in `data_param`'s
//! `content`. At the subflow's end its outputs come back through the subflow item's
//! `subflow_output` and the walk goes on after that item.

use super::stops::process_input;
use super::walk::{Step, Walk};
use super::*;
use omflow_model::routing::{self, Calculated};

impl World {
    pub(super) fn at_subflow(&mut self, walk: &mut Walk, item: &SeedItem) -> Step {
        let flow = walk.flow;
        let none = Calculated::default();
        let mut given = Map::new();
        for input in item.subflow_inputs.iter().filter(|i| !i.name.is_empty()) {
            let value = process_input(input.value.as_deref(), &none, &walk.flow_value, &walk.row);
            given.insert(input.name.clone(), json!(value.unwrap_or_default()));
        }
        self.log_stop(
            flow,
            &walk.row,
            item,
            Value::Object(given.clone()),
            Value::Null,
            false,
        );
        let Some(start) = item.sub_items.iter().find(|i| i.item_type == "start") else {
            let row = std::mem::take(&mut walk.row);
            self.fail_row(flow, row, Some(item), routing::NO_RULE_MATCHED);
            return Step::Done;
        };
        // The subflow's values: its start's inputs, then what the item gives (when set).
        let mut values = Map::new();
        for input in start.inputs.iter().filter(|i| !i.name.is_empty()) {
            let value = process_input(input.value.as_deref(), &none, &walk.flow_value, &walk.row);
            values.insert(input.name.clone(), json!(value.unwrap_or_default()));
        }
        for (name, value) in &given {
            if truthy(value) {
                values.insert(name.clone(), value.clone());
            }
        }
        // The calling ticket's parameters wait in `content`, bound for the item after the
        // subflow, with the subflow item's inputs as their last input log.
        walk.previous = item.id.clone();
        walk.chart_input = Some(given);
        let after = item.next.clone().unwrap_or_default();
        let after = format!("{}{after}", walk.prefix);
        let row = std::mem::take(&mut walk.row);
        let caller = self.engine_param(flow, &row, &after, walk.arrival());
        walk.row = row;
        walk.content = Some(Value::Object(caller));
        // The subflow's own parameters start afresh, with the same last input log.
        walk.flow_value = values;
        walk.adopt(&Value::Null);
        walk.collection = None;
        walk.prefix = format!("{}-", item.id);
        let mut start = start.clone();
        start.id = format!("{}{}", walk.prefix, start.id);
        let logged = Value::Object(walk.flow_value.clone());
        self.log_stop(flow, &walk.row, &start, logged, json!(""), false);
        walk.pass(&start, start.next.clone())
    }

    /// The subflow's end: its outputs go back to the calling flow's values through the
    /// subflow item's `subflow_output`, and the walk goes on after that item.
    pub(super) fn at_subflow_end(&mut self, walk: &mut Walk, item: &SeedItem) -> Step {
        let flow = walk.flow;
        let outputs = Self::end_outputs(item, &walk.row, &mut walk.flow_value);
        self.log_stop(
            flow,
            &walk.row,
            item,
            json!(""),
            Value::Object(outputs.clone()),
            false,
        );
        let caller = walk.content.take().unwrap_or(Value::Null);
        walk.flow_value = caller["flow_value"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        walk.content = Some(caller["content"].clone()).filter(Value::is_object);
        // The calling flow goes on with the parameters it entered the subflow with, the
        // end's outputs as the last input log, and the row the ticket is on now.
        walk.adopt(&caller);
        walk.collection = caller["collection_uuid"].as_str().map(str::to_string);
        walk.chart_input = Some(outputs.clone());
        walk.sent_id = json!(walk.row_id);
        let path = walk.prefix.trim_end_matches('-').to_string();
        walk.prefix = path
            .rfind('-')
            .map(|at| path[..=at].to_string())
            .unwrap_or_default();
        let Some(subflow) = self.item_at(flow, &path) else {
            let row = std::mem::take(&mut walk.row);
            self.fail_row(flow, row, None, routing::NO_RULE_MATCHED);
            return Step::Done;
        };
        let mut written = Map::new();
        for output in subflow
            .subflow_outputs
            .iter()
            .filter(|o| !o.name.is_empty())
        {
            let name = inner_name(&output.name);
            let from = output.value.clone().unwrap_or_default();
            let value = outputs.get(&from).cloned().unwrap_or(json!(""));
            walk.flow_value.insert(name.clone(), value.clone());
            written.insert(name, value);
        }
        // The engine logs the output on the row the subflow was entered with: when a form
        // inside gave the ticket a new row, the subflow's entry keeps no output.
        if int_like(&caller["data_id"]) == Some(walk.row_id) {
            self.log_leave(flow, walk.data_no, &path, Value::Object(written));
        }
        walk.pass(&subflow, subflow.next.clone())
    }
}
