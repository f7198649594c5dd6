//! The flow engine: moving a ticket from stop to stop, missions for the stops it reaches,
//! switches and their inputs, errors, delayed moves.

use super::stops::flow_reference;
use super::*;
use omflow_model::routing::{Calculated, Operand, TicketValues};

/// The row and flow values as the engine reads them (every column known).
pub(super) fn engine_values(
    row: &Map<String, Value>,
    flow_value: &Map<String, Value>,
) -> TicketValues {
    let mut values = TicketValues::complete();
    for (column, value) in row {
        if column.starts_with("formitm_") {
            values.set_field(column, Operand::from_json(value));
        }
    }
    for (name, value) in flow_value {
        values.set_flow(name, Operand::from_json(value));
    }
    values
}

/// A form stop's quick actions as a mission lists them (`"核准,退回"`).
fn quick_action_labels(stop: &SeedItem) -> String {
    let label = |a: &Option<crate::seed::SeedQuickAction>| {
        a.as_ref().map(|a| a.text.clone()).unwrap_or_default()
    };
    format!("{},{}", label(&stop.action1), label(&stop.action2))
}

impl World {
    pub(super) fn schedule(&mut self, flow: usize, row: u64, from: &str, sent_id: Value) {
        if self.engine_delay_ms == 0 {
            self.advance(flow, row, from, sent_id);
        } else {
            let delay = i64::try_from(self.engine_delay_ms)
                .ok()
                .and_then(chrono::Duration::try_milliseconds)
                .unwrap_or(chrono::Duration::MAX);
            let due = self
                .now()
                .checked_add_signed(delay)
                .unwrap_or(chrono::NaiveDateTime::MAX);
            self.pending.push(Pending {
                due,
                flow,
                row,
                from: from.to_string(),
                sent_id,
            });
        }
    }

    pub(super) fn mission_for(
        &self,
        flow: usize,
        row: &Map<String, Value>,
        stop: &str,
        stop_text: &str,
        action: Option<String>,
    ) -> Option<Map<String, Value>> {
        let f = &self.flows[flow];
        let group_field = f
            .def
            .fields
            .iter()
            .find(|fd| fd.field_type == "h_group")
            .map(|fd| fd.id.to_lowercase());
        let assignment: Value = group_field
            .and_then(|c| {
                row.get(&c)
                    .and_then(Value::as_str)
                    .and_then(|t| serde_json::from_str(t).ok())
            })
            .unwrap_or(Value::Null);
        // The mission's keys point at a group and a user: a value naming neither (a number
        // with no such row, or not a number) fails the insert's foreign-key check.
        let key = |text: Option<&str>, exists: &dyn Fn(u64) -> bool| -> Result<Option<u64>, ()> {
            match text.unwrap_or("") {
                "" => Ok(None),
                t => t
                    .parse::<u64>()
                    .ok()
                    .filter(|id| exists(*id))
                    .map(Some)
                    .ok_or(()),
            }
        };
        let group = key(assignment["group"].as_str(), &|id| {
            self.groups.iter().any(|g| g.id == id)
        })
        .ok()?;
        let user = match group {
            Some(_) => key(assignment["user"].as_str(), &|id| {
                self.users.iter().any(|u| u.id == id)
            })
            .ok()?,
            None => None,
        };
        let now = self.stamp();
        let data_no = row["data_no"].clone();
        let ticket_createtime = row["init_data_id"]
            .as_u64()
            .and_then(|first| f.rows.get(&first))
            .map(|r| r["createtime"].clone())
            .unwrap_or_else(|| row["createtime"].clone());
        let attachment = self
            .missions
            .of_ticket(
                row["flow_uuid"].as_str().unwrap_or(""),
                data_no.as_u64().unwrap_or(0),
            )
            .iter()
            .any(|&id| self.missions.get(id).is_some_and(MissionRow::attachment));
        let mut m = Map::new();
        m.insert("id".into(), Value::Null);
        m.insert("flow_uuid".into(), row["flow_uuid"].clone());
        m.insert("flow_name".into(), json!(f.def.flow_name));
        m.insert("status".into(), row["status"].clone());
        m.insert("level".into(), row["level"].clone());
        m.insert("title".into(), row["title"].clone());
        m.insert("data_no".into(), data_no);
        m.insert("data_id".into(), row["id"].clone());
        m.insert("history".into(), json!(false));
        m.insert("stop_uuid".into(), json!(stop));
        m.insert("stop_chart_text".into(), json!(stop_text));
        m.insert("create_user_id".into(), row["create_user_id"].clone());
        m.insert("update_user_id".into(), Value::Null);
        m.insert("ticket_createtime".into(), ticket_createtime);
        m.insert("createtime".into(), now.clone());
        m.insert("updatetime".into(), now);
        m.insert("assignee_id".into(), json!(user));
        m.insert("assign_group_id".into(), json!(group));
        m.insert("action".into(), json!(action));
        m.insert("attachment".into(), json!(attachment));
        m.insert("closed".into(), json!(false));
        m.insert("is_active".into(), json!(f.def.is_active));
        m.insert("deploy_flag".into(), json!(f.def.deployed));
        Some(m)
    }

    pub(super) fn resolve_ref(
        row: &Map<String, Value>,
        flow_value: &Map<String, Value>,
        text: &str,
    ) -> String {
        if let Some(inner) = text.strip_prefix("#(").and_then(|t| t.strip_suffix(')')) {
            return row
                .get(&inner.to_lowercase())
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
        }
        if let Some(inner) = text.strip_prefix("$(").and_then(|t| t.strip_suffix(')')) {
            return match flow_value.get(inner) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
        }
        text.to_string()
    }

    /// `switchPoint`'s input log: each side's reference under its inner name, and a literal
    /// left side under itself (a literal right side is not logged). A `$(name)` reads this
    /// stop's calculated value where there is one, else the flow value; the right side does
    /// so only when the left side's name was calculated, as the engine's check (which
    /// looks at the left side) has it.
    pub(super) fn switch_inputs(
        item: &SeedItem,
        row: &Map<String, Value>,
        flow_value: &Map<String, Value>,
        calculated: &Calculated,
    ) -> Map<String, Value> {
        let calculated_text = |name: &str| match calculated.get(name) {
            Some(Some(result)) => Some(result.to_text()),
            _ => None,
        };
        let mut inputs = Map::new();
        for rule in &item.rules {
            let left = flow_reference(&rule.value1);
            let left_calculated = left.as_deref().and_then(calculated_text).is_some();
            for (side, is_left) in [(&rule.value1, true), (&rule.value2, false)] {
                if let Some(name) = flow_reference(side) {
                    let value = if left_calculated {
                        calculated_text(&name).unwrap_or_default()
                    } else {
                        Self::resolve_ref(row, flow_value, side)
                    };
                    inputs.insert(name, json!(value));
                } else if let Some(inner) =
                    side.strip_prefix("#(").and_then(|t| t.strip_suffix(')'))
                {
                    let value = Self::resolve_ref(row, flow_value, side);
                    inputs.insert(inner.to_string(), json!(value));
                } else if is_left {
                    inputs.insert(side.clone(), json!(side));
                }
            }
        }
        inputs
    }

    /// `markError`: the row stops at the failing item (`stop`), errored, as history; an
    /// errored copy becomes the current row.
    pub(super) fn fail_row(
        &mut self,
        flow: usize,
        mut row: Map<String, Value>,
        stop: Option<&SeedItem>,
        message: &str,
    ) {
        let id = row["id"].as_u64().unwrap_or(0);
        if let Some(item) = stop {
            row.insert("stop_uuid".into(), json!(item.id));
            row.insert("stop_chart_text".into(), json!(item.text));
            row.insert("stoptime".into(), self.stamp());
        }
        row.set(Flag::Error, true);
        row.insert("error_message".into(), json!(message));
        row.set(Flag::History, true);
        row.set(Flag::Running, false);
        self.flows[flow].rows.insert(id, row.clone());
        let new_id = self.flows[flow].next_row_id;
        self.flows[flow].next_row_id += 1;
        row.insert("id".into(), json!(new_id));
        row.set(Flag::History, false);
        row.set(Flag::Error, true);
        row.insert("error_message".into(), json!(message));
        self.flows[flow].rows.insert(new_id, row);
    }

    /// The engine's `data_param` for a row it moves to `to` (`""` at an end).
    pub(super) fn engine_param(
        &self,
        flow: usize,
        row: &Map<String, Value>,
        to: &str,
        via: Arrival<'_>,
    ) -> Map<String, Value> {
        let Arrival {
            previous: from,
            flow_value,
            chart_input,
            sent_id,
            collection,
            content,
            carried,
            within,
            order,
        } = via;
        let uuid = self.flows[flow].def.flow_uuid.clone();
        // Inside a subflow the engine runs the subflow's own deployed flow (its uuid, its
        // stops' ids) on the calling flow's table.
        let running = Some(within.trim_end_matches('-'))
            .filter(|path| !path.is_empty())
            .and_then(|path| self.item_at(flow, path))
            .and_then(|subflow| subflow.subflow_uuid)
            .unwrap_or_else(|| uuid.clone());
        let own_id = |path: &str| path.rsplit('-').next().unwrap_or_default().to_string();
        let mut param = Map::new();
        param.insert("flow_uuid".into(), json!(running));
        param.insert("chart_id_to".into(), json!(own_id(to)));
        param.insert("chart_id_from".into(), json!(own_id(from)));
        param.insert("data_no".into(), row["data_no"].clone());
        param.insert("data_id".into(), sent_id);
        param.insert("table_uuid".into(), json!(uuid));
        param.insert("flowlog".into(), json!(true));
        param.insert("error".into(), json!(false));
        param.insert("flow_value".into(), Value::Object(flow_value.clone()));
        // The keys the engine's dictionary gained later come after those it had: an opened
        // ticket's caller from the start, what python stops leave after the input log.
        let (outflow, flags): (Vec<_>, Vec<_>) = carried
            .iter()
            .partition(|(key, _)| key.as_str() == "outflow_content");
        param.extend(outflow.into_iter().map(|(k, v)| (k.clone(), v.clone())));
        param.insert("error_pass".into(), json!(false));
        if let Some(inputs) = chart_input {
            param.insert("chart_input".into(), Value::Object(inputs));
        }
        param.extend(flags.into_iter().map(|(k, v)| (k.clone(), v.clone())));
        if let Some(collection) = collection {
            param.insert("collection_uuid".into(), json!(collection));
        }
        if let Some(content) = content {
            param.insert("content".into(), content.clone());
        }
        let mut ordered = Map::new();
        for key in order {
            if let Some(value) = param.shift_remove(key) {
                ordered.insert(key.clone(), value);
            }
        }
        ordered.extend(param);
        ordered
    }

    pub(super) fn arrive(
        &mut self,
        flow: usize,
        row: &mut Map<String, Value>,
        stop: &SeedItem,
        via: Arrival<'_>,
    ) {
        let now = self.stamp();
        let id = row["id"].as_u64().unwrap_or(0);
        let mut param = self.engine_param(flow, row, &stop.id, via);
        row.insert("stop_uuid".into(), json!(stop.id));
        row.insert("stop_chart_text".into(), json!(stop.text));
        row.insert("stoptime".into(), now.clone());
        row.set(Flag::Running, false);
        row.set(Flag::History, true);
        row.insert("data_param".into(), Value::String(dumps(&param)));
        self.flows[flow].rows.insert(id, row.clone());
        let new_id = self.flows[flow].next_row_id;
        self.flows[flow].next_row_id += 1;
        let mut copy = row.clone();
        param.insert("ex_data_id".into(), json!(id));
        copy.insert("id".into(), json!(new_id));
        copy.set(Flag::History, false);
        copy.insert("createtime".into(), now.clone());
        copy.insert("updatetime".into(), now);
        copy.insert("data_param".into(), Value::String(dumps(&param)));
        self.flows[flow].rows.insert(new_id, copy.clone());
        let has_group = copy
            .get("group")
            .and_then(Value::as_str)
            .is_some_and(|g| !g.is_empty());
        if self.flows[flow].def.mission && has_group {
            let action = quick_action_labels(stop);
            if let Some(mission) = self.mission_for(flow, &copy, &stop.id, &stop.text, Some(action))
            {
                self.missions.insert(mission);
            }
        }
    }

    /// The missions of the current rows a seed gives a flow (read from a server): one per
    /// ticket waiting at a form stop, as the engine opened it when the ticket arrived.
    pub(super) fn open_missions_of_rows(&mut self, flow: usize) {
        if !self.flows[flow].def.mission {
            return;
        }
        let waiting: Vec<(Map<String, Value>, SeedItem)> = self.flows[flow]
            .rows
            .values()
            .filter(|row| {
                row.is(Flag::History, false)
                    && row.is(Flag::Closed, false)
                    && row.is(Flag::Running, false)
                    && row.is(Flag::Error, false)
                    && row
                        .get("group")
                        .and_then(Value::as_str)
                        .is_some_and(|g| !g.is_empty())
            })
            .filter_map(|row| {
                let stop = self.item_at(flow, row.get("stop_uuid")?.as_str()?)?;
                (stop.item_type == "form").then(|| (row.clone(), stop))
            })
            .collect();
        for (row, stop) in waiting {
            let action = quick_action_labels(&stop);
            if let Some(mission) = self.mission_for(flow, &row, &stop.id, &stop.text, Some(action))
            {
                self.missions.insert(mission);
            }
        }
    }
}
