//! The missions (`OmMission` rows) and the one owner of their indexes: per ticket, the open
//! ones with what decides their visibility, and the rendered text of the listed ones.
//!
//! A row is kept in the real server's wire form (what `values()` and my-missions render),
//! but the engine reads and writes the columns it reasons about through typed accessors of
//! [`MissionRow`], and every change goes through [`MissionStore::update`], which keeps the
//! indexes right: no index is updated by hand.

use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};

/// The key an integer column's value is found under by an exact match, as SQLite compares
/// it with the integer the query binds: a number, or text that is the integer's digits
/// (what an integer column holds after a write of text).
pub(crate) fn integer_key(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::Number(n) => n.as_u64(),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

/// One mission row: the wire form, with typed access to the columns the fake reasons about.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MissionRow(Map<String, Value>);

impl std::ops::Deref for MissionRow {
    type Target = Map<String, Value>;
    fn deref(&self) -> &Map<String, Value> {
        &self.0
    }
}

impl MissionRow {
    /// The flow's uuid (hyphenated, as stored).
    pub fn flow_uuid(&self) -> &str {
        self.0
            .get("flow_uuid")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// The ticket number.
    pub fn data_no(&self) -> u64 {
        self.0.get("data_no").and_then(Value::as_u64).unwrap_or(0)
    }

    /// The ticket row the mission stands for.
    pub fn data_id(&self) -> Option<u64> {
        self.0.get("data_id").and_then(Value::as_u64)
    }

    /// Open: `history` is `false` (only open missions can show in my-missions).
    pub fn is_open(&self) -> bool {
        self.0.get("history") == Some(&Value::Bool(false))
    }

    /// The ticket carries attachments.
    pub fn attachment(&self) -> bool {
        self.flag("attachment")
    }

    /// Marks the mission done by `user` at `when`.
    pub fn finish(&mut self, user: &str, when: Value) {
        self.0.insert("history".into(), json!(true));
        self.0.insert("update_user_id".into(), json!(user));
        self.0.insert("updatetime".into(), when);
    }

    /// Marks the ticket closed (it reached an end).
    pub fn close(&mut self) {
        self.0.insert("closed".into(), json!(true));
    }

    /// Marks the ticket as carrying attachments.
    pub fn mark_attachment(&mut self) {
        self.0.insert("attachment".into(), json!(true));
    }

    /// The flow was enabled or disabled.
    pub fn set_active(&mut self, active: bool) {
        self.0.insert("is_active".into(), json!(active));
    }

    fn flag(&self, column: &str) -> bool {
        self.0.get(column) == Some(&Value::Bool(true))
    }

    fn visibility(&self) -> Visibility {
        Visibility {
            active: self.flag("is_active"),
            deployed: self.flag("deploy_flag"),
            assignee: self.0.get("assignee_id").and_then(Value::as_u64),
            group: self.0.get("assign_group_id").and_then(Value::as_u64),
        }
    }
}

/// What decides whether an open mission shows in someone's my-missions, kept typed so the
/// list does not look into every mission's JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Visibility {
    pub active: bool,
    pub deployed: bool,
    pub assignee: Option<u64>,
    pub group: Option<u64>,
}

impl Visibility {
    /// The real server's rule: assigned to the user, or to one of their groups with no
    /// individual assignee; the flow enabled and deployed.
    pub fn shows_to(&self, user_id: u64, groups: &[u64]) -> bool {
        self.active
            && self.deployed
            && (self.assignee == Some(user_id)
                || (self.assignee.is_none() && self.group.is_some_and(|g| groups.contains(&g))))
    }
}

/// Every mission, by id, with its indexes.
#[derive(Debug, Clone)]
pub(crate) struct MissionStore {
    rows: BTreeMap<u64, MissionRow>,
    next_id: u64,
    /// Mission ids per ticket (flow uuid, data_no), so that no transition scans every mission.
    by_ticket: HashMap<(String, u64), Vec<u64>>,
    /// Mission ids per ticket number and per ticket row, for lists that start with
    /// `data_no = N` or `data_id = N` (neither column changes once a mission is stored).
    by_data_no: HashMap<u64, Vec<u64>>,
    by_data_id: HashMap<u64, Vec<u64>>,
    /// Missions with `history == false` (the only ones my-missions can show).
    open: BTreeMap<u64, Visibility>,
    /// Python-style JSON text of missions already listed, dropped whenever one changes
    /// (rendering rows is most of a list call's cost).
    text: HashMap<u64, String>,
}

impl Default for MissionStore {
    fn default() -> Self {
        MissionStore {
            rows: BTreeMap::new(),
            next_id: 1,
            by_ticket: HashMap::new(),
            by_data_no: HashMap::new(),
            by_data_id: HashMap::new(),
            open: BTreeMap::new(),
            text: HashMap::new(),
        }
    }
}

impl MissionStore {
    /// Stores a new mission under the next id (written first, as the wire has it).
    pub fn insert(&mut self, mission: Map<String, Value>) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let mut ordered = Map::new();
        ordered.insert("id".into(), json!(id));
        ordered.extend(mission.into_iter().filter(|(k, _)| k != "id"));
        let row = MissionRow(ordered);
        self.by_ticket
            .entry((row.flow_uuid().to_string(), row.data_no()))
            .or_default()
            .push(id);
        if let Some(data_no) = integer_key(row.get("data_no")) {
            self.by_data_no.entry(data_no).or_default().push(id);
        }
        if let Some(data_id) = integer_key(row.get("data_id")) {
            self.by_data_id.entry(data_id).or_default().push(id);
        }
        if row.is_open() {
            self.open.insert(id, row.visibility());
        }
        self.rows.insert(id, row);
        id
    }

    /// The ids of the missions with this `data_no` (any flow), oldest first.
    pub fn with_data_no(&self, data_no: u64) -> &[u64] {
        self.by_data_no.get(&data_no).map_or(&[], Vec::as_slice)
    }

    /// The ids of the missions of ticket row `data_id` (any flow), oldest first.
    pub fn with_data_id(&self, data_id: u64) -> &[u64] {
        self.by_data_id.get(&data_id).map_or(&[], Vec::as_slice)
    }

    pub fn get(&self, id: u64) -> Option<&MissionRow> {
        self.rows.get(&id)
    }

    /// Every mission in id order.
    pub fn iter(&self) -> std::collections::btree_map::Iter<'_, u64, MissionRow> {
        self.rows.iter()
    }

    /// The open missions in id order, with their visibility.
    pub fn open(&self) -> &BTreeMap<u64, Visibility> {
        &self.open
    }

    /// The ids of a ticket's missions, oldest first.
    pub fn of_ticket(&self, flow_uuid: &str, data_no: u64) -> &[u64] {
        self.by_ticket
            .get(&(flow_uuid.to_string(), data_no))
            .map_or(&[], Vec::as_slice)
    }

    /// Changes a mission; its indexes follow. `false` when there is no such mission.
    pub fn update(&mut self, id: u64, change: impl FnOnce(&mut MissionRow)) -> bool {
        let Some(row) = self.rows.get_mut(&id) else {
            return false;
        };
        change(row);
        self.text.remove(&id);
        if row.is_open() {
            self.open.insert(id, row.visibility());
        } else {
            self.open.remove(&id);
        }
        true
    }

    /// Changes every mission of a ticket.
    pub fn update_ticket(
        &mut self,
        flow_uuid: &str,
        data_no: u64,
        change: impl Fn(&mut MissionRow),
    ) {
        for id in self.of_ticket(flow_uuid, data_no).to_vec() {
            self.update(id, &change);
        }
    }

    /// Changes every mission of a flow.
    pub fn update_flow(&mut self, flow_uuid: &str, change: impl Fn(&mut MissionRow)) {
        let ids: Vec<u64> = self
            .rows
            .iter()
            .filter(|(_, m)| m.flow_uuid() == flow_uuid)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.update(id, &change);
        }
    }

    /// Removes a ticket's missions.
    pub fn remove_ticket(&mut self, flow_uuid: &str, data_no: u64) {
        for id in self
            .by_ticket
            .remove(&(flow_uuid.to_string(), data_no))
            .unwrap_or_default()
        {
            if let Some(row) = self.rows.remove(&id) {
                let drop_id = |index: &mut HashMap<u64, Vec<u64>>, key: u64| {
                    if let Some(ids) = index.get_mut(&key) {
                        ids.retain(|&other| other != id);
                        if ids.is_empty() {
                            index.remove(&key);
                        }
                    }
                };
                if let Some(data_no) = integer_key(row.get("data_no")) {
                    drop_id(&mut self.by_data_no, data_no);
                }
                if let Some(data_id) = integer_key(row.get("data_id")) {
                    drop_id(&mut self.by_data_id, data_id);
                }
            }
            self.text.remove(&id);
            self.open.remove(&id);
        }
    }

    /// These missions as a Python-style JSON array, exactly as `dumps` writes them, reusing
    /// the text of missions that did not change since they were last listed.
    pub fn render(&mut self, ids: &[u64]) -> String {
        let mut out = String::with_capacity(ids.len() * 700 + 2);
        out.push('[');
        for (index, id) in ids.iter().enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            let rows = &self.rows;
            let text = self.text.entry(*id).or_insert_with(|| {
                rows.get(id)
                    .map_or_else(|| "null".into(), |row| crate::pyjson::dumps(&row.0))
            });
            out.push_str(text);
        }
        out.push(']');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mission(data_no: u64, history: bool, assignee: Option<u64>) -> Map<String, Value> {
        let value = json!({"id": null, "flow_uuid": "f", "data_no": data_no, "data_id": 7,
            "history": history, "is_active": true, "deploy_flag": true,
            "assignee_id": assignee, "assign_group_id": 2, "attachment": false});
        value.as_object().unwrap().clone()
    }

    #[test]
    fn indexes_follow_every_change() {
        let mut store = MissionStore::default();
        let open = store.insert(mission(1, false, None));
        let done = store.insert(mission(1, true, None));
        let other = store.insert(mission(2, false, Some(5)));
        assert_eq!(store.of_ticket("f", 1), &[open, done]);
        assert_eq!(
            store.open().keys().copied().collect::<Vec<_>>(),
            [open, other]
        );
        assert_eq!(store.get(open).unwrap()["id"], json!(open));
        assert!(store.open()[&other].shows_to(5, &[]));
        assert!(!store.open()[&open].shows_to(5, &[]));
        assert!(store.open()[&open].shows_to(5, &[2]));

        let before = store.render(&[open]);
        store.update(open, |m| m.finish("alice", json!("t")));
        assert!(!store.open().contains_key(&open));
        assert_ne!(
            store.render(&[open]),
            before,
            "the rendered text follows the change"
        );
        assert!(!store.get(open).unwrap().is_open());
        assert_eq!(store.get(open).unwrap()["update_user_id"], "alice");

        store.update_flow("f", |m| m.set_active(false));
        assert!(!store.open()[&other].shows_to(5, &[]));

        assert_eq!(store.with_data_no(1), &[open, done]);
        assert_eq!(store.with_data_id(7), &[open, done, other]);
        store.remove_ticket("f", 1);
        assert!(store.with_data_no(1).is_empty());
        assert_eq!(store.with_data_id(7), &[other]);
        assert!(store.get(open).is_none() && store.get(done).is_none());
        assert!(store.of_ticket("f", 1).is_empty());
        assert!(!store.update(open, |m| m.close()));
        assert_eq!(store.render(&[open]), "[null]");
    }
}
