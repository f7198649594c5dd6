//! The flow log: what the engine writes per stop a ticket enters (the `inoutput` of
//! `flow-object/load` with a `data_no`): the stop, when it was entered and left, what went in
//! and what came out. `output` stays `null` while the ticket waits at a form.

use super::*;

/// One entry of a ticket's flow log.
#[derive(Debug, Clone)]
pub(crate) struct FlowLogEntry {
    pub flow: usize,
    pub data_no: u64,
    pub chart_id: String,
    pub stop_type: String,
    pub stop_text: String,
    pub createtime: String,
    pub updatetime: String,
    pub input: Value,
    pub output: Value,
    pub error: bool,
    /// A subflow stop's subflow (`config.subflow_id`).
    pub subflow_uid: Option<String>,
}

/// The engine's flow log, in the order written, with each ticket's entries found without a
/// scan of every ticket's (a push and a flow-log read cost the same at 100,000 tickets as at
/// 1,000).
#[derive(Debug, Clone, Default)]
pub(crate) struct FlowLogs {
    entries: Vec<FlowLogEntry>,
    /// Positions in `entries` per ticket (flow, data_no), oldest first.
    by_ticket: std::collections::HashMap<(usize, u64), Vec<usize>>,
}

impl FlowLogs {
    /// How many entries there are (the next entry's position).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Appends an entry; its position.
    pub fn push(&mut self, entry: FlowLogEntry) -> usize {
        let at = self.entries.len();
        self.by_ticket
            .entry((entry.flow, entry.data_no))
            .or_default()
            .push(at);
        self.entries.push(entry);
        at
    }

    /// The input log of the entry at `at` (a position [`FlowLogs::push`] gave); its ticket
    /// cannot change, so the index stays right.
    pub fn input_mut(&mut self, at: usize) -> Option<&mut Value> {
        self.entries.get_mut(at).map(|entry| &mut entry.input)
    }

    /// Ticket `data_no` of `flow`'s entries, oldest first.
    pub fn of_ticket(&self, flow: usize, data_no: u64) -> impl Iterator<Item = &FlowLogEntry> {
        self.by_ticket
            .get(&(flow, data_no))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter_map(|&at| self.entries.get(at))
    }

    /// The newest entry of the ticket that matches `wanted`.
    fn newest_of_ticket_mut(
        &mut self,
        flow: usize,
        data_no: u64,
        wanted: impl Fn(&FlowLogEntry) -> bool,
    ) -> Option<&mut FlowLogEntry> {
        let at = *self
            .by_ticket
            .get(&(flow, data_no))?
            .iter()
            .rev()
            .find(|&&at| self.entries.get(at).is_some_and(&wanted))?;
        self.entries.get_mut(at)
    }
}

/// The header column a field of `field_type` also writes (`FormatToFormdataList`): the
/// status's, level's, group's or title's text beside the field's own column.
pub(super) fn header_column(field_type: &str) -> Option<&'static str> {
    match field_type {
        "h_group" => Some("group"),
        "h_status" => Some("status"),
        "h_level" => Some("level"),
        "h_title" => Some("title"),
        _ => None,
    }
}

impl World {
    /// Logs entering stop `item` of ticket `row`.
    pub(super) fn log_stop(
        &mut self,
        flow: usize,
        row: &Map<String, Value>,
        item: &SeedItem,
        input: Value,
        output: Value,
        error: bool,
    ) {
        let createtime = self.stamp_micros();
        let _ = self.flow_logs.push(FlowLogEntry {
            flow,
            data_no: row["data_no"].as_u64().unwrap_or(0),
            chart_id: item.id.clone(),
            stop_type: item.item_type.clone(),
            subflow_uid: (item.item_type == "subflow")
                .then(|| item.subflow_id.clone())
                .flatten(),
            stop_text: item.text.clone(),
            updatetime: createtime.clone(),
            createtime,
            input,
            output,
            error,
        });
    }

    /// The flow log a seed gives flow `flow`'s tickets (read from a server), as written.
    pub(super) fn log_seeded(&mut self, flow: usize, def: &crate::seed::SeedFlow) {
        let text = |entry: &Value, key: &str| entry[key].as_str().unwrap_or_default().to_string();
        for entry in &def.flow_logs {
            let Some(data_no) = entry["data_no"].as_u64() else {
                continue;
            };
            let _ = self.flow_logs.push(FlowLogEntry {
                flow,
                data_no,
                chart_id: text(entry, "chart_id"),
                stop_type: text(entry, "stop_chart_type"),
                stop_text: text(entry, "stop_chart_text"),
                createtime: text(entry, "createtime"),
                updatetime: text(entry, "updatetime"),
                input: entry["input_data"].clone(),
                output: entry["output_data"].clone(),
                error: entry["error"].as_bool().unwrap_or(false),
                subflow_uid: entry["subflow_uid"].as_str().map(str::to_string),
            });
        }
    }

    /// The engine leaves stop `chart_id` of ticket `data_no`: its open entry gets `output`.
    pub(super) fn log_leave(&mut self, flow: usize, data_no: u64, chart_id: &str, output: Value) {
        let updatetime = self.stamp_micros();
        if let Some(entry) = self.flow_logs.newest_of_ticket_mut(flow, data_no, |e| {
            e.chart_id == chart_id && e.output.is_null()
        }) {
            entry.output = output;
            entry.updatetime = updatetime;
        }
    }

    /// What a form stop wrote into the ticket: each configured input's field, lower case,
    /// as the row now holds it, after the row's own column a header field also fills
    /// (`group` for an h_group, `status`, `level`, `title`), as the real log shows them.
    pub(super) fn form_input(
        row: &Map<String, Value>,
        item: &SeedItem,
        fields: &[crate::seed::SeedField],
    ) -> Value {
        let mut written = Map::new();
        for input in &item.inputs {
            let inner = input
                .name
                .split_once('(')
                .and_then(|(_, rest)| rest.strip_suffix(')'));
            let Some(field) = inner else { continue };
            let header = fields
                .iter()
                .find(|f| f.id == field)
                .and_then(|f| header_column(&f.field_type));
            let column = field.to_lowercase();
            for key in header.into_iter().chain([column.as_str()]) {
                if let Some(value) = row.get(key) {
                    written.insert(key.to_owned(), value.clone());
                }
            }
        }
        Value::Object(written)
    }

    /// An outflow's or inflow's entry names the ticket it opened beside its data: from the
    /// input log, else (older logs) from the output, as `listFlowInOutput` does (an input
    /// that is no object, or none, names nothing).
    fn name_opened_ticket(entry: &mut Value, input: &Value, output: &Value) {
        let stored = |v: &Value| !matches!(v, Value::Null) && *v != json!("");
        if !stored(input) {
            return;
        }
        let Value::Object(input) = input else { return };
        let key = |map: &Map<String, Value>, key: &str| map.get(key).cloned().unwrap_or(json!(""));
        entry["outflow_uuid"] = key(input, "outflow_uuid");
        entry["outflow_data_no"] = key(input, "outflow_data_no");
        let named = crate::world::truthy(&entry["outflow_data_no"]);
        if let (false, Value::Object(output)) = (named, output) {
            entry["outflow_uuid"] = key(output, "outflow_uuid");
            entry["outflow_data_no"] = key(output, "outflow_data_no");
        }
    }

    /// The flow log of ticket `data_no` of `flow`, oldest first, as `inoutput` shows it: the
    /// flow's own stops (level 1), or those inside subflow stop `within` (level 2, their
    /// chart ids `<within>-FITEM_n`).
    pub(crate) fn flow_log(&self, flow: usize, data_no: u64, within: Option<&str>) -> Vec<Value> {
        let inside = within.map(|parent| format!("{parent}-"));
        self.flow_logs
            .of_ticket(flow, data_no)
            .filter(|e| match &inside {
                Some(prefix) => {
                    e.chart_id.starts_with(prefix.as_str())
                        && !e.chart_id[prefix.len()..].contains('-')
                }
                None => !e.chart_id.contains('-'),
            })
            .map(|e| {
                let mut entry = json!({
                    "chart_id": e.chart_id,
                    "createtime": e.createtime,
                    "updatetime": e.updatetime,
                    "input_data": e.input,
                    "output_data": e.output,
                    "error": e.error,
                    "stop_chart_type": e.stop_type,
                    "stop_chart_text": e.stop_text,
                });
                if let Some(uid) = &e.subflow_uid {
                    entry["subflow_uid"] = json!(uid);
                }
                if matches!(e.stop_type.as_str(), "outflow" | "inflow") {
                    Self::name_opened_ticket(&mut entry, &e.input, &e.output);
                }
                entry
            })
            .collect()
    }
}
