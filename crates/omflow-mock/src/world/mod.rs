//! The fake server's state and its transitions, as the real server applies them.

use crate::clock::Clock;
use crate::pyjson::dumps;
use crate::seed::{Seed, SeedError, SeedFlow, SeedItem, SeedStep};
use chrono::NaiveDateTime;
use omflow_model::{Lang, MessageId, Timestamp};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

mod admin;
mod apps;
mod auth;
mod edit;
mod engine;
mod flowlog;
mod form;
mod missions;
mod outflow;
mod parallel;
mod py;
mod state;
mod stops;
mod subflow;
mod walk;

pub(crate) use missions::{MissionRow, MissionStore};
pub(crate) use py::{hyphenate, inner_name, int_like, py_type, python_utf8_error, truthy};
pub(crate) use state::{Flag, StateColumns};

/// Token lifetime after the last accepted use.
pub const TOKEN_TTL_SECONDS: i64 = 300;

/// One reply of the fake, before it becomes HTTP.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// HTTP 200 with a `{status, message, result}` body.
    Envelope {
        /// Envelope status.
        status: u16,
        /// Message.
        message: String,
        /// Result.
        result: Value,
    },
    /// HTTP 200 with an envelope whose `result` is already rendered JSON text.
    Rendered {
        /// Envelope status.
        status: u16,
        /// Message.
        message: String,
        /// `result`, as Python-style JSON text.
        result: String,
    },
    /// HTTP 200 with a JSON body that is not an envelope (the DataTables answers).
    Bare {
        /// The body.
        body: Value,
    },
    /// A Django page: status, content type, optional `Location`, body.
    Page {
        /// HTTP status.
        http: u16,
        /// Content type.
        content_type: &'static str,
        /// Redirect target.
        location: Option<String>,
        /// Body.
        body: String,
    },
}

impl Reply {
    pub(crate) fn ok(message: String, result: Value) -> Reply {
        Reply::Envelope {
            status: 200,
            message,
            result,
        }
    }

    pub(crate) fn fail(status: u16, message: impl Into<String>) -> Reply {
        Reply::Envelope {
            status,
            message: message.into(),
            result: Value::Null,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub id: u64,
    pub username: String,
    pub password: Option<String>,
    pub email: String,
    pub nick_name: String,
    pub is_superuser: bool,
    pub is_staff: bool,
    pub is_active: bool,
    pub groups: Vec<u64>,
    /// Created through `user/add` (whose form writes empty strings where the model's
    /// defaults are `"male"` and nulls).
    pub via_api: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub id: u64,
    pub display_name: String,
    pub permissions: Vec<String>,
    /// A role rather than a group.
    pub functional: bool,
    pub group_uuid: String,
    pub description: String,
}

/// A work log entry (a comment) on a ticket: the real `OmdataWorklog` keeps the flow, the
/// ticket number, the text, the author and the time.
#[derive(Debug, Clone)]
pub(crate) struct WorklogRow {
    pub flow_uuid: String,
    pub data_no: i128,
    pub content: String,
    pub author: String,
    pub createtime: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub username: String,
    pub updated: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub(crate) struct Flow {
    pub def: SeedFlow,
    pub rows: BTreeMap<u64, Map<String, Value>>,
    pub next_row_id: u64,
    pub next_data_no: u64,
    /// Row ids by ticket number, for lists that start with `data_no = N`.
    pub by_data_no: IndexCell,
}

/// The [`DataNoIndex`] behind a lock (it is brought up to date on reads through `&Flow`).
#[derive(Debug, Default)]
pub(crate) struct IndexCell(std::sync::Mutex<DataNoIndex>);

impl Clone for IndexCell {
    fn clone(&self) -> Self {
        IndexCell(std::sync::Mutex::new(
            self.0.lock().unwrap_or_else(|p| p.into_inner()).clone(),
        ))
    }
}

/// Row ids by `data_no`, brought up to date when read: rows are only ever added with a
/// new, larger id (and their `data_no` never changes), so the index takes in the rows
/// above the last id it has seen; ids of rows deleted since are dropped when looked up.
#[derive(Debug, Clone, Default)]
pub(crate) struct DataNoIndex {
    seen_below: u64,
    ids: std::collections::HashMap<u64, Vec<u64>>,
}

/// The rows and flow log a seed gives a flow name their row and ticket: each row an `id`
/// (unique) and a `data_no` (integers), each log entry a `data_no`.
fn check_rows(def: &SeedFlow) -> Result<(), SeedError> {
    let mut ids = std::collections::BTreeSet::new();
    let int = |value: Option<&Value>| value.and_then(Value::as_u64);
    for (at, row) in def.rows.iter().enumerate() {
        let problem = match (int(row.get("id")), int(row.get("data_no"))) {
            (None, _) => Some("has no integer id"),
            (Some(_), None) => Some("has no integer data_no"),
            (Some(id), Some(_)) if !ids.insert(id) => Some("repeats an id"),
            _ => None,
        };
        if let Some(problem) = problem {
            return Err(SeedError::Invalid(format!(
                "flow {}: row {at} {problem}",
                def.flow_name
            )));
        }
    }
    if let Some(at) = def
        .flow_logs
        .iter()
        .position(|e| int(e.get("data_no")).is_none())
    {
        return Err(SeedError::Invalid(format!(
            "flow {}: flow log entry {at} has no integer data_no",
            def.flow_name
        )));
    }
    Ok(())
}

impl Flow {
    /// A flow as deployed, with the rows its seed gives; new rows and tickets are numbered
    /// after them.
    fn of(def: &SeedFlow) -> Flow {
        let mut rows = BTreeMap::new();
        for row in &def.rows {
            if let Some(id) = row.get("id").and_then(Value::as_u64) {
                rows.insert(id, row.clone());
            }
        }
        let last = |key: &str| {
            rows.values()
                .filter_map(|row| row.get(key).and_then(Value::as_u64))
                .max()
                .unwrap_or(0)
        };
        let (next_row_id, next_data_no) = (
            last("id").saturating_add(1),
            last("data_no").saturating_add(1),
        );
        let mut def = def.clone();
        def.rows = Vec::new();
        def.flow_logs = Vec::new();
        Flow {
            def,
            rows,
            next_row_id,
            next_data_no,
            by_data_no: Default::default(),
        }
    }

    /// The rows whose `data_no` is the integer `data_no`, in id order (what a scan of
    /// every row keeping those with that number gives).
    pub(crate) fn rows_of_ticket(&self, data_no: u64) -> Vec<&Map<String, Value>> {
        let mut index = self.by_data_no.0.lock().unwrap_or_else(|p| p.into_inner());
        let from = index.seen_below;
        for (&id, row) in self.rows.range(from..) {
            if let Some(n) = missions::integer_key(row.get("data_no")) {
                index.ids.entry(n).or_default().push(id);
            }
            index.seen_below = id + 1;
        }
        let Some(ids) = index.ids.get_mut(&data_no) else {
            return Vec::new();
        };
        ids.retain(|id| self.rows.contains_key(id));
        ids.iter()
            .filter_map(|id| self.rows.get(id))
            .filter(|row| row.get("data_no").and_then(Value::as_u64) == Some(data_no))
            .collect()
    }
}

#[derive(Debug, Clone)]
struct Pending {
    due: NaiveDateTime,
    flow: usize,
    row: u64,
    from: String,
    /// The `data_id` as the push sent it (the engine logs it so in `data_param`).
    sent_id: Value,
}

/// How the engine reached a stop, as its `data_param` logs it.
struct Arrival<'a> {
    /// The item it came from.
    previous: &'a str,
    flow_value: &'a Map<String, Value>,
    /// The last switch's input log.
    chart_input: Option<Map<String, Value>>,
    /// The `data_id` as the push sent it.
    sent_id: Value,
    /// The parallel run a branch belongs to.
    collection: Option<&'a str>,
    /// Inside a subflow: what the calling flow holds.
    content: Option<&'a Value>,
    /// What the parameters carry along: see [`walk::CARRIED`].
    carried: &'a Map<String, Value>,
    /// Inside a subflow: the path before the walk's own stops (`FITEM_8-`), else empty.
    within: &'a str,
    /// The order the parameters' keys were first written in (Python keeps a dictionary's
    /// insertion order): see [`walk::Walk::order`].
    order: &'a [String],
}

/// Everything the fake knows.
#[derive(Debug, Clone)]
pub struct World {
    pub(crate) users: Vec<User>,
    pub(crate) groups: Vec<Group>,
    pub(crate) flows: Vec<Flow>,
    pub(crate) missions: MissionStore,
    pub(crate) tokens: BTreeMap<String, Token>,
    pub(crate) by_user: BTreeMap<String, String>,
    pub(crate) clock: Clock,
    pending: Vec<Pending>,
    /// Delay between a create/push and the engine moving the ticket on (0 = synchronous).
    pub engine_delay_ms: u64,
    pub(crate) logins: u64,
    #[cfg_attr(not(feature = "garoon"), allow(dead_code))]
    pub(crate) garoon: crate::seed::GaroonSeed,
    /// How long a security code lives after its last use (the real server: 300 s).
    pub token_ttl: chrono::Duration,
    /// Uploaded attachment records (names and sizes; the fake keeps no file content).
    pub(crate) attachments: Vec<crate::files::Attachment>,
    /// Work log entries (comments), in the order written.
    pub(crate) worklogs: Vec<WorklogRow>,
    /// The engine's flow log, in the order written.
    pub(crate) flow_logs: flowlog::FlowLogs,
    /// The apps loaded from export files, as exported ([`Seed::apps`]).
    pub(crate) app_exports: Vec<Value>,
    /// Web sessions (`sessionid` → user, expiry) for attachment downloads.
    pub(crate) sessions: BTreeMap<String, (String, NaiveDateTime)>,
    pub(crate) next_attachment_id: u64,
    /// The last write stamp handed out (see [`World::stamp`]).
    last_stamp: std::cell::Cell<Option<NaiveDateTime>>,
    /// How python stops run (handlers, an interpreter): a setting, kept across seeds.
    pub(crate) python: crate::python::PythonRunner,
    /// Tickets parked at an outflow or inflow until the ticket they opened ends.
    parked: Vec<outflow::Parked>,
    /// How many engine walks are running inside one another now.
    walk_depth: usize,
}

/// Who is calling, after the `/rest/` wrapper accepted the token.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub username: String,
}

pub(crate) fn text(id: MessageId, lang: Lang) -> String {
    id.text(lang).to_string()
}

impl World {
    /// Builds the world from a seed (creating and moving its tickets).
    ///
    /// # Errors
    /// [`SeedError::Invalid`] for an inconsistent seed (a ticket of an unknown flow or user, a step that fails).
    pub fn from_seed(seed: &Seed, clock: Clock) -> Result<World, SeedError> {
        Self::from_seed_with(seed, clock, crate::python::PythonRunner::default())
    }

    /// [`World::from_seed`], running python stops with `python`.
    ///
    /// # Errors
    /// As [`World::from_seed`], and a python stop `python` cannot run.
    pub fn from_seed_with(
        seed: &Seed,
        clock: Clock,
        python: crate::python::PythonRunner,
    ) -> Result<World, SeedError> {
        seed.check_names()?;
        Self::check_python(&seed.flows, &python)?;
        let mut world = World {
            users: seed
                .users
                .iter()
                .map(|u| User {
                    id: u.id,
                    username: u.username.clone(),
                    password: u.password.clone(),
                    email: u.email.clone(),
                    nick_name: u.nick_name.clone(),
                    is_superuser: u.is_superuser,
                    is_staff: u.is_staff,
                    is_active: u.is_active,
                    groups: u.groups.clone(),
                    via_api: false,
                })
                .collect(),
            groups: seed
                .groups
                .iter()
                .map(|g| Group {
                    id: g.id,
                    display_name: g.display_name.clone(),
                    permissions: g.permissions.clone(),
                    functional: g.functional,
                    group_uuid: g.group_uuid.clone().unwrap_or_else(|| {
                        format!("{:032x}", 0x6f6d_666c_6f77_u128 << 64 | u128::from(g.id))
                    }),
                    description: g.description.clone(),
                })
                .collect(),
            flows: Vec::new(),
            missions: MissionStore::default(),
            tokens: BTreeMap::new(),
            by_user: BTreeMap::new(),
            clock,
            pending: Vec::new(),
            engine_delay_ms: 0,
            logins: 0,
            garoon: seed.garoon.clone().unwrap_or_default(),
            token_ttl: chrono::Duration::seconds(TOKEN_TTL_SECONDS),
            attachments: Vec::new(),
            worklogs: Vec::new(),
            flow_logs: flowlog::FlowLogs::default(),
            app_exports: seed.apps.clone(),
            sessions: BTreeMap::new(),
            next_attachment_id: 1,
            last_stamp: std::cell::Cell::new(None),
            python,
            parked: Vec::new(),
            walk_depth: 0,
        };
        for def in &seed.flows {
            if omflow_model::FlowUuid::parse(&def.flow_uuid).is_err() {
                return Err(SeedError::Invalid(format!(
                    "flow {} has an invalid uuid",
                    def.flow_name
                )));
            }
            if !def.items.iter().any(|i| i.item_type == "start") {
                return Err(SeedError::Invalid(format!(
                    "flow {} has no start item",
                    def.flow_name
                )));
            }
            check_rows(def)?;
            world.flows.push(Flow::of(def));
            world.open_missions_of_rows(world.flows.len() - 1);
            world.log_seeded(world.flows.len() - 1, def);
        }
        world.run_seed_tickets(seed)?;
        Ok(world)
    }

    /// Creates the seed's tickets and moves each through its steps.
    fn run_seed_tickets(&mut self, seed: &Seed) -> Result<(), SeedError> {
        for (index, ticket) in seed.tickets.iter().enumerate() {
            let fail = |what: String| SeedError::Invalid(format!("ticket {index}: {what}"));
            let flow = self
                .flow_index(&ticket.api_path)
                .ok_or_else(|| fail(format!("unknown api_path {}", ticket.api_path)))?;
            let caller = Caller {
                username: ticket.user.clone(),
            };
            let data_no = match self.create(
                flow,
                &Value::Array(ticket.formdata.clone()),
                None,
                &caller,
                Lang::ZhHant,
            ) {
                Reply::Envelope {
                    status: 200,
                    result,
                    ..
                } => result.as_u64().unwrap_or(0),
                other => return Err(fail(format!("create failed: {other:?}"))),
            };
            for step in &ticket.then {
                let data_id = self
                    .current_row_id(flow, data_no)
                    .ok_or_else(|| fail("the ticket is closed before its last step".to_string()))?;
                let mut body = json!({"action": "update", "data_id": data_id});
                match step {
                    SeedStep::Push(formdata) => body["formdata"] = Value::Array(formdata.clone()),
                    SeedStep::QuickAction(action) => {
                        body["quick_action"] = Value::String(action.clone())
                    }
                }
                let hex = Value::String(self.flows[flow].def.flow_uuid.clone());
                match self.update(
                    flow,
                    &hex,
                    body.as_object().expect("object"),
                    &caller,
                    Lang::ZhHant,
                ) {
                    Reply::Envelope { status: 200, .. } => {}
                    other => return Err(fail(format!("step {step:?} failed: {other:?}"))),
                }
            }
        }
        Ok(())
    }

    /// Adds `seed`'s flows from index `from` on (none of them served yet) and the
    /// permissions its groups hold that the world's do not; the names of the flows added.
    ///
    /// # Errors
    /// [`SeedError::Invalid`] for a python stop the fake cannot run (nothing is added).
    pub(crate) fn add_flows(&mut self, seed: &Seed, from: usize) -> Result<Vec<String>, SeedError> {
        let added = seed.flows.get(from..).unwrap_or_default();
        Self::check_python(added, &self.python)?;
        for def in added {
            check_rows(def)?;
            self.flows.push(Flow::of(def));
            self.open_missions_of_rows(self.flows.len() - 1);
            self.log_seeded(self.flows.len() - 1, def);
        }
        for group in &seed.groups {
            if let Some(held) = self.groups.iter_mut().find(|g| g.id == group.id) {
                for permission in &group.permissions {
                    if !held.permissions.contains(permission) {
                        held.permissions.push(permission.clone());
                    }
                }
            }
        }
        self.app_exports.clone_from(&seed.apps);
        Ok(added.iter().map(|f| f.flow_name.clone()).collect())
    }

    /// Every python stop of these flows can be run by `python`.
    fn check_python(
        flows: &[SeedFlow],
        python: &crate::python::PythonRunner,
    ) -> Result<(), SeedError> {
        fn with_nested(items: &[SeedItem], into: &mut Vec<SeedItem>, prefix: &str) {
            for item in items {
                let mut named = item.clone();
                named.id = format!("{prefix}{}", item.id);
                with_nested(&item.sub_items, into, &format!("{}-", named.id));
                into.push(named);
            }
        }
        for flow in flows {
            let mut all = Vec::new();
            with_nested(&flow.items, &mut all, "");
            for item in all.iter().filter(|i| i.item_type == "python") {
                if !python.can_run(&flow.flow_name, &item.id) {
                    return Err(SeedError::Invalid(format!(
                        "flow {}: python stop {} ({}) has neither a handler nor an interpreter to run it; register one (FakeOmflowBuilder::python_handler), or give the fake a Python interpreter (python_interpreter; the standalone fake finds python3)",
                        flow.flow_name, item.text, item.id
                    )));
                }
            }
        }
        Ok(())
    }

    /// The time a work log records, with microseconds as Django stores it.
    pub(crate) fn stamp_micros(&self) -> String {
        let stamp = self.stamp();
        let text = stamp.as_str().unwrap_or_default().replacen('T', " ", 1);
        match text.split_once('.') {
            Some((whole, fraction)) => format!("{whole}.{fraction:0<6}"),
            None => format!("{text}.000000"),
        }
    }

    /// Sets the clock; stamps written from now on follow it, earlier or later.
    pub(crate) fn set_clock(&mut self, at: NaiveDateTime) {
        self.clock.set(at);
        self.last_stamp.set(None);
    }

    pub(crate) fn now(&self) -> NaiveDateTime {
        self.clock.now()
    }

    /// The time a write records. Two writes never share a stamp: the real server stores
    /// microseconds, so its rows always order by time in the order they were written; the
    /// fake's stamps (milliseconds, as the wire shows them) step forward by a millisecond
    /// when the clock has not moved since the last one (a frozen clock included).
    fn stamp(&self) -> Value {
        use chrono::{DurationRound, TimeDelta};
        let now = self.now();
        let now = now
            .duration_trunc(TimeDelta::milliseconds(1))
            .unwrap_or(now);
        let last = self.last_stamp.get();
        let at = match last {
            Some(last) if now <= last => last + TimeDelta::milliseconds(1),
            _ => now,
        };
        self.last_stamp.set(Some(at));
        Value::String(Timestamp::from_naive(at).as_str().to_string())
    }

    pub(crate) fn flow_index(&self, api_path: &str) -> Option<usize> {
        self.flows
            .iter()
            .position(|f| f.def.api_path == api_path && f.def.deployed)
    }

    pub(crate) fn flow_by_name(&self, app_name: &str, flow_name: &str) -> Option<usize> {
        self.flows
            .iter()
            .position(|f| f.def.app_name == app_name && f.def.flow_name == flow_name)
    }

    pub(crate) fn user(&self, username: &str) -> Option<&User> {
        self.users.iter().find(|u| u.username == username)
    }

    /// The first row (`init_data_id`) of a ticket.
    pub(crate) fn first_row_id(&self, flow: usize, data_no: u64) -> Option<u64> {
        self.flows[flow]
            .rows
            .values()
            .find(|r| r["data_no"] == data_no)
            .and_then(|r| r["init_data_id"].as_u64())
    }

    fn current_row_id(&self, flow: usize, data_no: u64) -> Option<u64> {
        self.flows[flow]
            .rows
            .values()
            .find(|r| r["data_no"] == data_no && r.is_current())
            .and_then(|r| r["id"].as_u64())
    }

    /// Runs engine work whose delay has passed.
    pub fn process_due(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let now = self.now();
        let (due, later): (Vec<_>, Vec<_>) = self.pending.drain(..).partition(|p| p.due <= now);
        self.pending = later;
        for p in due {
            if self.flows[p.flow].rows.contains_key(&p.row) {
                self.advance(p.flow, p.row, &p.from, p.sent_id);
            }
        }
    }

    // ---------------------------------------------------------------- security

    /// The state as JSON (for `GET /__mock/state`).
    pub fn dump(&self) -> Value {
        let flows: Vec<Value> = self
            .flows
            .iter()
            .map(|f| json!({"api_path": f.def.api_path, "flow_name": f.def.flow_name, "flow_uuid": f.def.flow_uuid, "api": f.def.api, "is_active": f.def.is_active, "rows": f.rows.values().cloned().collect::<Vec<_>>()}))
            .collect();
        json!({
            "now": Timestamp::from_naive(self.now()).as_str(),
            "users": self.users.iter().map(|u| json!({"id": u.id, "username": u.username, "nick_name": u.nick_name, "is_superuser": u.is_superuser, "is_active": u.is_active, "groups": u.groups})).collect::<Vec<_>>(),
            "groups": self.groups.iter().map(|g| json!({"id": g.id, "display_name": g.display_name, "permissions": g.permissions})).collect::<Vec<_>>(),
            "flows": flows,
            "missions": self.missions.iter().map(|(_, m)| Value::Object((**m).clone())).collect::<Vec<_>>(),
            "tokens": self.tokens.values().map(|t| json!({"username": t.username, "last_use": Timestamp::from_naive(t.updated).as_str()})).collect::<Vec<_>>(),
            "logins": self.logins,
            "attachments": self.attachments.iter().map(crate::files::Attachment::dump).collect::<Vec<_>>(),
            "worklogs": self.worklogs.iter().map(|w| json!({"flow_uuid": w.flow_uuid, "data_no": w.data_no.to_string(), "content": w.content, "author": w.author, "createtime": w.createtime})).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `rows_of_ticket` must give: every row with that number, in id order.
    fn scan(flow: &Flow, data_no: u64) -> Vec<u64> {
        flow.rows
            .iter()
            .filter(|(_, r)| r.get("data_no").and_then(Value::as_u64) == Some(data_no))
            .map(|(&id, _)| id)
            .collect()
    }

    fn indexed(flow: &Flow, data_no: u64) -> Vec<u64> {
        flow.rows_of_ticket(data_no)
            .iter()
            .map(|r| r["id"].as_u64().expect("rows carry their id"))
            .collect()
    }

    #[test]
    fn the_data_no_index_follows_added_and_removed_rows() {
        let mut world = World::from_seed(&Seed::demo(), Clock::running()).unwrap();
        let flow = &mut world.flows[0];
        let numbers: Vec<u64> = flow
            .rows
            .values()
            .filter_map(|r| r["data_no"].as_u64())
            .collect();
        for &n in &numbers {
            assert_eq!(indexed(flow, n), scan(flow, n));
        }
        // A new row of an existing ticket, one of a new ticket, and a deleted ticket.
        let (&last_id, template) = flow.rows.iter().next_back().unwrap();
        let mut copy = template.clone();
        let n = copy["data_no"].as_u64().unwrap();
        copy.insert("id".into(), json!(last_id + 1));
        flow.rows.insert(last_id + 1, copy.clone());
        copy.insert("id".into(), json!(last_id + 2));
        copy.insert("data_no".into(), json!(9_999));
        flow.rows.insert(last_id + 2, copy);
        let gone = numbers[0];
        flow.rows.retain(|_, r| r["data_no"] != gone);
        for m in numbers.iter().copied().chain([9_999, 12_345]) {
            assert_eq!(indexed(flow, m), scan(flow, m), "data_no {m}");
        }
        assert!(indexed(flow, n).contains(&(last_id + 1)));
        assert!(indexed(flow, gone).is_empty());
    }
}
