//! Async and collection stops (`asyncPoint`, `collectionPoint`): at an async the ticket's row
//! stops as history and each branch (the async's rule targets) walks on a copy of it, all
//! marked with one random `collection_uuid`; at the collection each branch's row stops as
//! history, and when the last expected branch arrives (the collection's rule targets) one
//! merged row goes on: the main branch's row and flow values (`config.main`, else the branch
//! that arrived last), with the other branches' values filling what it left empty. The fake
//! runs the branches one after the other, so the merge happens once, as the engine intends.

use super::walk::{param_of, Step, Walk};
use super::*;

impl World {
    /// Stops `walk`'s row at `item` as history (its data_param written); the row.
    fn stop_as_history(&mut self, walk: &mut Walk, item: &SeedItem) -> Map<String, Value> {
        let flow = walk.flow;
        let mut row = std::mem::take(&mut walk.row);
        row.set(Flag::Running, false);
        row.set(Flag::History, true);
        row.insert("stop_uuid".into(), json!(item.id));
        row.insert("stop_chart_text".into(), json!(item.text));
        row.insert("stoptime".into(), self.stamp());
        let via = walk.arrival();
        let param = self.engine_param(flow, &row, &item.id, via);
        walk.remember(&param);
        row.insert("data_param".into(), Value::String(dumps(&param)));
        self.flows[flow].rows.insert(walk.row_id, row.clone());
        row
    }

    /// A new current row copied from `from`: running, at no stop.
    fn running_copy(
        &mut self,
        flow: usize,
        from: &Map<String, Value>,
    ) -> (u64, Map<String, Value>) {
        let id = self.flows[flow].next_row_id;
        self.flows[flow].next_row_id += 1;
        let mut copy = from.clone();
        copy.insert("id".into(), json!(id));
        copy.set(Flag::Running, true);
        copy.set(Flag::History, false);
        copy.insert("stop_uuid".into(), Value::Null);
        copy.insert("stop_chart_text".into(), Value::Null);
        copy.insert("stoptime".into(), Value::Null);
        (id, copy)
    }

    pub(super) fn at_async(&mut self, walk: &mut Walk, item: &SeedItem) -> Step {
        let flow = walk.flow;
        let main = self.stop_as_history(walk, item);
        // The branches leave on new rows: the async's own log entry keeps no output.
        self.log_stop(flow, &main, item, json!(item.id), Value::Null, false);
        let collection = uuid::Uuid::new_v4().simple().to_string();
        for branch in item.rules.iter().map(|rule| rule.target.clone()) {
            let (row_id, row) = self.running_copy(flow, &main);
            self.flows[flow].rows.insert(row_id, row.clone());
            let walk = Walk {
                flow,
                row_id,
                row,
                flow_value: walk.flow_value.clone(),
                data_no: walk.data_no,
                previous: item.id.clone(),
                chart_input: walk.chart_input.clone(),
                // Each branch runs on its own row.
                sent_id: json!(row_id),
                collection: Some(collection.clone()),
                prefix: walk.prefix.clone(),
                content: walk.content.clone(),
                carried: walk.carried.clone(),
                // The branch's parameters gain their `collection_uuid` here.
                order: walk
                    .order
                    .iter()
                    .filter(|key| *key != "collection_uuid")
                    .cloned()
                    .chain(["collection_uuid".to_string()])
                    .collect(),
            };
            self.walk_on(walk, Some(branch));
        }
        Step::Done
    }

    pub(super) fn at_collection(&mut self, walk: &mut Walk, item: &SeedItem) -> Step {
        let flow = walk.flow;
        let arrived_from = walk.previous.clone();
        self.stop_as_history(walk, item);
        let expected = item.rules.len();
        let arrived: Vec<Map<String, Value>> = self.flows[flow]
            .rows
            .values()
            .filter(|row| {
                row["data_no"] == walk.data_no
                    && row.is(Flag::History, true)
                    && row.is(Flag::Running, false)
                    && row.is(Flag::Error, false)
                    && row["stop_uuid"] == item.id.as_str()
                    && param_of(row)["collection_uuid"].as_str() == walk.collection.as_deref()
            })
            .cloned()
            .collect();
        // `return_num == count`: the merge happens when exactly the expected branches are in.
        if arrived.len() != expected {
            return Step::Done;
        }
        let main_id = item.main.clone().unwrap_or(arrived_from);
        let main_id = main_id.rsplit('-').next().unwrap_or_default().to_string();
        // Inside a subflow a branch's `chart_id_from` is its path (`FITEM_8-FITEM_5`).
        let is_main = |row: &Map<String, Value>| {
            param_of(row)["chart_id_from"]
                .as_str()
                .and_then(|from| from.rsplit('-').next())
                == Some(main_id.as_str())
        };
        let Some(main) = arrived.iter().find(|row| is_main(row)).or(arrived.last()) else {
            return Step::Done;
        };
        let mut flow_value = param_of(main)["flow_value"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        for minor in arrived.iter().filter(|row| !is_main(row)) {
            for (name, value) in param_of(minor)["flow_value"]
                .as_object()
                .into_iter()
                .flatten()
            {
                if !flow_value.get(name).is_some_and(truthy) {
                    flow_value.insert(name.clone(), value.clone());
                }
            }
        }
        let (row_id, row) = self.running_copy(flow, main);
        self.flows[flow].rows.insert(row_id, row.clone());
        self.log_stop(
            flow,
            &row,
            item,
            Value::Object(flow_value.clone()),
            json!(""),
            false,
        );
        // The merged ticket goes on with the main branch's parameters.
        let main_param = param_of(main);
        walk.chart_input = main_param["chart_input"].as_object().cloned();
        walk.adopt(&main_param);
        walk.row_id = row_id;
        walk.sent_id = json!(row_id);
        walk.row = row;
        walk.flow_value = flow_value;
        walk.collection = None;
        walk.pass(item, item.next.clone())
    }
}
