//! The rule that sets aside what the recorded server's broken sleep stop shows.
//!
//! The server `omflow-real-3` was recorded on runs its scheduler on a Python that removed an
//! API it uses: every sleep stop ends in an error row, the first one after a start still fires
//! and leaves the ticket with two current rows, and each of those rows and missions takes an
//! id the fake (which runs the stop as the engine intends) does not draw. So an answer about a
//! ticket that entered a sleep stop cannot agree, and neither can the row ids of the sleep's
//! flow and the mission ids (one counter for every flow) drawn after it.
//!
//! The rule applies only to what shows that failure: tickets are learned from the recorded
//! answers when a row or mission of theirs stands *in error* at a sleep stop of its flow (the
//! flows' designs read from the apps the recording imports); on a server whose sleep works a
//! ticket waits there running, and nothing is ever set aside. An exchange that differs is set
//! aside, not counted as a difference, when its request names such a ticket (its number, or
//! the id of one of its rows); when the recorded server failed to list what its sleeps left
//! while the fake lists those tickets; or when only the bodies differ and they agree once the
//! tickets' own rows, missions and log entries are left out and the row ids of the sleep's
//! flow and the mission ids are not compared. Any other difference stays a difference. A
//! request naming by id another row of such a flow is sent with the fake's row of the same
//! ticket (the ids the failed sleeps drew shift the others), and is compared as any other.

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What the rule knows in a replay: the sleep stops of the apps loaded, the recorded uuids of
/// their flows, and the tickets (and their rows) that entered one in this episode.
#[derive(Debug, Default, Clone)]
pub(super) struct SleepRule {
    /// Flow name → the ids of its sleep stops.
    stops: BTreeMap<String, BTreeSet<String>>,
    /// A recorded flow uuid (hex, lower case) or api_path → its flow's name, for flows with
    /// sleep stops.
    flows: HashMap<String, String>,
    /// (flow name, data_no) of the tickets that entered a sleep stop.
    tickets: BTreeSet<(String, u64)>,
    /// (flow name, data_id) of those tickets' rows.
    rows: BTreeSet<(String, u64)>,
    /// Flow name → its api_path, for flows with sleep stops.
    api_paths: HashMap<String, String>,
    /// (flow name, recorded row id) → the row's ticket and whether it was current, for every
    /// row of a flow with sleep stops a recorded list showed.
    recorded_rows: HashMap<(String, u64), RecordedRow>,
}

/// A row of a flow with sleep stops as a recorded list showed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RecordedRow {
    /// Its ticket.
    pub data_no: u64,
    /// Not history (the ticket's current row, errored or not).
    pub current: bool,
}

/// A request's row of a flow whose ids the failed sleeps shifted: where to find the same
/// row in the fake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ShiftedRow {
    /// The flow's api_path (the fake's state names flows by it).
    pub api_path: String,
    /// The row as recorded.
    pub row: RecordedRow,
}

/// Why an exchange was set aside (the report says it once per exchange).
pub const SET_ASIDE: &str = "tickets whose sleep stop failed on the recorded server (its \
     scheduler fails on its Python: fixtures' README); the fake runs the stop as the engine intends";

impl SleepRule {
    /// Learns the sleep stops of every flow of an app export.
    pub(super) fn learn_apps(&mut self, apps: &[Value]) {
        let flows = apps
            .iter()
            .flat_map(|app| app["flow_list"].as_array().into_iter().flatten());
        for flow in flows {
            let design = match &flow["flowobject"] {
                Value::String(text) => serde_json::from_str(text).unwrap_or(Value::Null),
                other => other.clone(),
            };
            let sleeps: BTreeSet<String> = design["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|item| item["type"] == "sleep")
                .filter_map(|item| item["id"].as_str().map(str::to_string))
                .collect();
            if let (false, Some(name)) = (sleeps.is_empty(), flow["flow_name"].as_str()) {
                self.stops.insert(name.to_string(), sleeps);
            }
        }
    }

    /// Learns the uuid (and api_path) the recorded server deployed flow `name` with.
    pub(super) fn learn_flow(&mut self, name: &str, recorded_uuid: &str, api_path: Option<&str>) {
        if self.stops.contains_key(name) {
            self.flows.insert(
                recorded_uuid.replace('-', "").to_lowercase(),
                name.to_string(),
            );
            if let Some(path) = api_path.filter(|p| !p.is_empty()) {
                self.flows.insert(format!("/{path}/"), name.to_string());
                self.api_paths.insert(name.to_string(), path.to_string());
            }
        }
    }

    /// A new episode: the server restarted, no ticket has entered a sleep yet.
    pub(super) fn new_episode(&mut self) {
        self.tickets.clear();
        self.rows.clear();
        self.recorded_rows.clear();
    }

    /// Learns from a recorded answer the tickets at a sleep stop and the rows of every
    /// ticket learned.
    pub(super) fn learn_answer(&mut self, recorded: &Value) {
        if self.stops.is_empty() {
            return;
        }
        let mut objects = Vec::new();
        collect_objects(recorded, &mut objects);
        for object in &objects {
            let (Some(flow), Some(data_no), Some(stop)) = (
                self.flow_of(object),
                object.get("data_no").and_then(Value::as_u64),
                object.get("stop_uuid").and_then(Value::as_str),
            ) else {
                continue;
            };
            let failed = object.get("error").and_then(Value::as_bool) == Some(true);
            if failed && self.stops.get(&flow).is_some_and(|ids| ids.contains(stop)) {
                self.tickets.insert((flow, data_no));
            }
        }
        for object in &objects {
            let (Some(flow), Some(data_no)) = (
                self.flow_of(object),
                object.get("data_no").and_then(Value::as_u64),
            ) else {
                continue;
            };
            // A query-form list's row (a mission names its row as `data_id`).
            if let (false, Some(id), Some(history)) = (
                is_mission(object),
                object.get("id").and_then(Value::as_u64),
                object.get("history").and_then(Value::as_bool),
            ) {
                let row = RecordedRow {
                    data_no,
                    current: !history,
                };
                self.recorded_rows.insert((flow.clone(), id), row);
            }
            let row = object
                .get("data_id")
                .or_else(|| object.get("id").filter(|_| !is_mission(object)))
                .and_then(Value::as_u64);
            if let (true, Some(row)) = (self.tickets.contains(&(flow.clone(), data_no)), row) {
                self.rows.insert((flow, row));
            }
        }
    }

    /// Whether a request names a ticket whose sleep failed: its number, or the recorded id
    /// of one of its rows. The flow is the body's `flow_uuid` or the api_path in the
    /// request's path.
    pub(super) fn names_a_ticket(&self, request: &Value) -> bool {
        let Some(flow) = self.flow_of_request(request) else {
            return false;
        };
        let body = &request["body"];
        number(&body["data_no"]).is_some_and(|n| self.tickets.contains(&(flow.clone(), n)))
            || number(&body["data_id"]).is_some_and(|id| self.rows.contains(&(flow.clone(), id)))
    }

    /// The row a request names by id in a flow whose ids the failed sleeps shifted, as the
    /// recording showed it: the replayer sends the fake's row of the same ticket instead
    /// (its current row, or one of its history rows), so that a push lands on the ticket
    /// the recorded one did.
    pub(super) fn shifted_row(&self, request: &Value) -> Option<ShiftedRow> {
        let flow = self.flow_of_request(request)?;
        if !self.slept_in(flow) {
            return None;
        }
        let id = number(&request["body"]["data_id"])?;
        Some(ShiftedRow {
            api_path: self.api_paths.get(flow)?.clone(),
            row: *self.recorded_rows.get(&(flow.clone(), id))?,
        })
    }

    fn slept_in(&self, flow: &str) -> bool {
        self.tickets.iter().any(|(f, _)| f == flow)
    }

    /// The flow with sleep stops a request is about: its body's `flow_uuid`, or the api_path
    /// in its path.
    fn flow_of_request(&self, request: &Value) -> Option<&String> {
        let by_uuid = request["body"]["flow_uuid"]
            .as_str()
            .and_then(|uuid| self.flows.get(&uuid.replace('-', "").to_lowercase()));
        let path = request["path"].as_str().unwrap_or_default();
        by_uuid.or_else(|| {
            self.flows
                .iter()
                .find(|(key, _)| key.starts_with('/') && path.ends_with(key.as_str()))
                .map(|(_, name)| name)
        })
    }

    /// Whether an answer lists a row or mission of a ticket that entered a sleep stop.
    pub(super) fn mentions_a_ticket(&self, answer: &Value) -> bool {
        let mut objects = Vec::new();
        collect_objects(answer, &mut objects);
        objects
            .into_iter()
            .any(|o| self.is_of_a_sleep_ticket(&Value::Object(o.clone())))
    }

    /// Whether any ticket entered a sleep stop in this episode.
    pub(super) fn active(&self) -> bool {
        !self.tickets.is_empty()
    }

    /// A normalised answer with what the rule does not compare left out: the tickets' own
    /// rows, missions and log entries, the row ids of flows with sleep stops, mission ids.
    pub(super) fn without_sleep(&self, value: &Value) -> Value {
        match value {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .filter(|item| !self.is_of_a_sleep_ticket(item))
                    .map(|item| self.without_sleep(item))
                    .collect(),
            ),
            Value::Object(map) => {
                let sleep_flow = self
                    .flow_of(map)
                    .is_some_and(|f| self.stops.contains_key(&f));
                let mission = is_mission(map);
                let mut out = Map::new();
                for (key, item) in map {
                    let row_key = matches!(key.as_str(), "id" | "data_id" | "init_data_id");
                    if (sleep_flow && (row_key || key == "ex_data_id")) || (mission && key == "id")
                    {
                        continue;
                    }
                    out.insert(key.clone(), self.without_sleep(item));
                }
                Value::Object(out)
            }
            other => other.clone(),
        }
    }

    fn is_of_a_sleep_ticket(&self, item: &Value) -> bool {
        let Value::Object(map) = item else {
            return false;
        };
        match (
            self.flow_of(map),
            map.get("data_no").and_then(Value::as_u64),
        ) {
            (Some(flow), Some(data_no)) => self.tickets.contains(&(flow, data_no)),
            _ => false,
        }
    }

    /// The flow an answer's object belongs to: its `flow_name`, or its `flow_uuid` (a bound
    /// placeholder `<tok:flow:NAME#n>` or a recorded uuid).
    fn flow_of(&self, object: &Map<String, Value>) -> Option<String> {
        if let Some(name) = object.get("flow_name").and_then(Value::as_str) {
            return Some(name.to_string());
        }
        let uuid = object.get("flow_uuid").and_then(Value::as_str)?;
        if let Some(rest) = uuid.strip_prefix("<tok:flow:") {
            return rest.rsplit_once('#').map(|(name, _)| name.to_string());
        }
        self.flows
            .get(&uuid.replace('-', "").to_lowercase())
            .cloned()
    }
}

/// A number sent as a number or as its text.
fn number(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A my-missions row (its `id` is a mission's, drawn from the one counter of every flow).
fn is_mission(object: &Map<String, Value>) -> bool {
    object.contains_key("assign_group_id")
}

fn collect_objects<'v>(value: &'v Value, out: &mut Vec<&'v Map<String, Value>>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect_objects(v, out)),
        Value::Object(map) => {
            out.push(map);
            map.values().for_each(|v| collect_objects(v, out));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule() -> SleepRule {
        let mut rule = SleepRule::default();
        let design = json!({"items": [{"id": "FITEM_4", "type": "sleep"}, {"id": "FITEM_2", "type": "form"}]});
        rule.learn_apps(&[json!({"flow_list": [
            {"flow_name": "等待單", "flowobject": design.to_string()},
            {"flow_name": "記錄單", "flowobject": {"items": []}}
        ]})]);
        rule.learn_flow(
            "等待單",
            "21895edb-d897-499a-be10-c1df8d4d9810",
            Some("apptest_wait"),
        );
        rule.learn_flow(
            "記錄單",
            "8c3a6a177ac9419996b4faca5fdbee3c",
            Some("apptest_log"),
        );
        rule
    }

    #[test]
    fn a_ticket_seen_at_a_sleep_stop_and_its_rows_are_learned_per_episode() {
        let mut rule = rule();
        let uuid = "21895edb-d897-499a-be10-c1df8d4d9810";
        rule.learn_answer(&json!({"result": [
            {"id": 8, "flow_uuid": uuid, "data_no": 2, "stop_uuid": "FITEM_2"},
            {"id": 9, "flow_uuid": uuid, "data_no": 2, "stop_uuid": "FITEM_4", "error": true},
            {"id": 10, "flow_uuid": uuid, "data_no": 3, "stop_uuid": "FITEM_2"},
            {"id": 11, "flow_uuid": uuid, "data_no": 4, "stop_uuid": "FITEM_4", "error": false}
        ]}));
        let hex = "21895edbd897499abe10c1df8d4d9810";
        let asks = |body: Value| json!({"path": "/rest/flowmanage/api/omdata/load/", "body": body});
        assert!(rule.names_a_ticket(&asks(json!({"flow_uuid": hex, "data_no": "2"}))));
        assert!(!rule.names_a_ticket(&asks(json!({"flow_uuid": hex, "data_no": 3}))));
        assert!(
            !rule.names_a_ticket(&asks(json!({"flow_uuid": hex, "data_no": 4}))),
            "a ticket waiting at a sleep that works shows no failure"
        );
        assert!(!rule.names_a_ticket(&asks(json!({"flow_uuid": hex, "data_id": 10}))));
        let push = json!({"path": "/rest/flowmanage/api/omdata/edit/apptest_wait/", "body": {"data_id": 8}});
        assert!(rule.names_a_ticket(&push), "the flow by its api_path");
        let other = json!({"path": "/rest/flowmanage/api/omdata/edit/apptest_log/", "body": {"data_id": 8}});
        assert!(!rule.names_a_ticket(&other));
        rule.new_episode();
        assert!(!rule.active());
        assert!(!rule.names_a_ticket(&asks(json!({"flow_uuid": hex, "data_no": 2}))));
        assert!(!rule.names_a_ticket(&push));
    }

    #[test]
    fn a_row_named_by_id_after_a_sleep_is_found_by_its_ticket() {
        let mut rule = rule();
        let uuid = "21895edb-d897-499a-be10-c1df8d4d9810";
        let push = json!({"path": "/rest/flowmanage/api/omdata/edit/apptest_wait/", "body": {"data_id": 12}});
        rule.learn_answer(&json!({"result": [
            {"id": 11, "flow_uuid": uuid, "data_no": 4, "stop_uuid": "FITEM_2", "history": true},
            {"id": 12, "flow_uuid": uuid, "data_no": 4, "stop_uuid": "FITEM_2", "history": false}
        ]}));
        assert_eq!(
            rule.shifted_row(&push),
            None,
            "no ticket slept yet: ids agree"
        );
        rule.learn_answer(&json!({"result": [
            {"id": 9, "flow_uuid": uuid, "data_no": 2, "stop_uuid": "FITEM_4", "history": false,
             "error": true}
        ]}));
        let shifted = rule.shifted_row(&push).unwrap();
        assert_eq!(shifted.api_path, "apptest_wait");
        assert_eq!(
            shifted.row,
            RecordedRow {
                data_no: 4,
                current: true
            }
        );
        let history = json!({"path": "/x/apptest_wait/", "body": {"data_id": "11"}});
        assert!(!rule.shifted_row(&history).unwrap().row.current);
    }

    #[test]
    fn without_sleep_leaves_out_the_tickets_and_the_ids_they_shift_but_nothing_else() {
        let mut rule = rule();
        rule.learn_answer(
            &json!([{"flow_name": "等待單", "data_no": 2, "stop_uuid": "FITEM_4",
                                   "assign_group_id": 2, "error": true}]),
        );
        let answer = |shifted: u64, title: &str| {
            json!({"result": [
                {"id": 30 + shifted, "flow_name": "等待單", "data_no": 2, "assign_group_id": 2, "title": "asleep"},
                {"id": 40 + shifted, "flow_name": "採購單", "data_no": 1, "data_id": 3, "assign_group_id": 2, "title": title},
                {"id": 50 + shifted, "flow_uuid": "<tok:flow:等待單#2>", "data_no": 3, "data_id": 7 + shifted}
            ]})
        };
        assert_eq!(
            rule.without_sleep(&answer(0, "a")),
            rule.without_sleep(&answer(1, "a"))
        );
        assert_ne!(
            rule.without_sleep(&answer(0, "a")),
            rule.without_sleep(&answer(0, "b")),
            "any other difference stays"
        );
    }
}
