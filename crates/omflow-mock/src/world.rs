//! The fake server's state and its transitions, as the real server applies them.

use crate::clock::Clock;
use crate::pyjson::dumps;
use crate::seed::{Seed, SeedError, SeedFlow, SeedInput, SeedItem, SeedStep};
use chrono::NaiveDateTime;
use omflow_model::{Lang, MessageId, Timestamp};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

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
}

/// Everything the fake knows.
#[derive(Debug, Clone)]
pub struct World {
    pub(crate) users: Vec<User>,
    pub(crate) groups: Vec<Group>,
    pub(crate) flows: Vec<Flow>,
    pub(crate) missions: BTreeMap<u64, Map<String, Value>>,
    next_mission_id: u64,
    pub(crate) tokens: BTreeMap<String, Token>,
    pub(crate) by_user: BTreeMap<String, String>,
    pub(crate) clock: Clock,
    pending: Vec<Pending>,
    /// Delay between a create/push and the engine moving the ticket on (0 = synchronous).
    pub engine_delay_ms: u64,
    pub(crate) logins: u64,
    #[cfg_attr(not(feature = "garoon"), allow(dead_code))]
    pub(crate) garoon: crate::seed::GaroonSeed,
    /// Mission ids per ticket (flow uuid, data_no), so that no transition scans every mission.
    pub(crate) by_ticket: std::collections::HashMap<(String, u64), Vec<u64>>,
    /// How long a security code lives after its last use (the real server: 300 s).
    pub token_ttl: chrono::Duration,
    /// Ids of missions with `history == false` (the only ones my-missions can show).
    pub(crate) open_missions: BTreeMap<u64, Visibility>,
    /// Uploaded attachment records (names and sizes; the fake keeps no file content).
    pub(crate) attachments: Vec<crate::files::Attachment>,
    /// Python-style JSON text of missions already listed, dropped whenever one changes
    /// (rendering rows is most of a list call's cost).
    mission_text: std::collections::HashMap<u64, String>,
    pub(crate) next_attachment_id: u64,
    /// The last write stamp handed out (see [`World::stamp`]).
    last_stamp: std::cell::Cell<Option<NaiveDateTime>>,
}

/// What decides whether an open mission shows in someone's my-missions, kept typed so the
/// list does not look into every mission's JSON.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Visibility {
    pub active: bool,
    pub deployed: bool,
    pub assignee: Option<u64>,
    pub group: Option<u64>,
}

impl Visibility {
    fn of(mission: &Map<String, Value>) -> Visibility {
        Visibility {
            active: mission["is_active"] == true,
            deployed: mission["deploy_flag"] == true,
            assignee: mission["assignee_id"].as_u64(),
            group: mission["assign_group_id"].as_u64(),
        }
    }

    /// The real server's rule: assigned to the user, or to one of their groups with no
    /// individual assignee; the flow enabled and deployed.
    pub fn shows_to(&self, user_id: u64, groups: &[u64]) -> bool {
        self.active
            && self.deployed
            && (self.assignee == Some(user_id)
                || (self.assignee.is_none() && self.group.is_some_and(|g| groups.contains(&g))))
    }
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
                })
                .collect(),
            flows: Vec::new(),
            missions: BTreeMap::new(),
            next_mission_id: 1,
            tokens: BTreeMap::new(),
            by_user: BTreeMap::new(),
            clock,
            pending: Vec::new(),
            engine_delay_ms: 0,
            logins: 0,
            garoon: seed.garoon.clone().unwrap_or_default(),
            by_ticket: std::collections::HashMap::new(),
            token_ttl: chrono::Duration::seconds(TOKEN_TTL_SECONDS),
            open_missions: BTreeMap::new(),
            attachments: Vec::new(),
            next_attachment_id: 1,
            last_stamp: std::cell::Cell::new(None),
            mission_text: std::collections::HashMap::new(),
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
            world.flows.push(Flow {
                def: def.clone(),
                rows: BTreeMap::new(),
                next_row_id: 1,
                next_data_no: 1,
            });
        }
        for (index, ticket) in seed.tickets.iter().enumerate() {
            let fail = |what: String| SeedError::Invalid(format!("ticket {index}: {what}"));
            let flow = world
                .flow_index(&ticket.api_path)
                .ok_or_else(|| fail(format!("unknown api_path {}", ticket.api_path)))?;
            let caller = Caller {
                username: ticket.user.clone(),
            };
            let data_no = match world.create(
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
                let data_id = world
                    .current_row_id(flow, data_no)
                    .ok_or_else(|| fail("the ticket is closed before its last step".to_string()))?;
                let mut body = json!({"action": "update", "data_id": data_id});
                match step {
                    SeedStep::Push(formdata) => body["formdata"] = Value::Array(formdata.clone()),
                    SeedStep::QuickAction(action) => {
                        body["quick_action"] = Value::String(action.clone())
                    }
                }
                let hex = Value::String(world.flows[flow].def.flow_uuid.clone());
                match world.update(
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
        Ok(world)
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
            .find(|r| r["data_no"] == data_no && r["history"] == false && r["closed"] == false)
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

    /// `/accounts/api/security/get/`.
    pub fn login(&mut self, authorization: Option<&str>, lang: Lang) -> Reply {
        use base64::Engine as _;
        let no_user = || Reply::fail(500, "OmUser matching query does not exist.");
        let Some(header) = authorization.filter(|h| h.len() > 7) else {
            return no_user();
        };
        let encoded = header.get(6..).unwrap_or("").trim();
        let decoded = match base64::engine::general_purpose::STANDARD.decode(encoded) {
            Ok(bytes) => bytes,
            Err(_) => return Reply::fail(500, "Incorrect padding"),
        };
        let decoded = match String::from_utf8(decoded) {
            Ok(text) => text,
            Err(error) => {
                return Reply::fail(500, python_utf8_error(error.as_bytes(), error.utf8_error()))
            }
        };
        let parts: Vec<&str> = decoded.split(':').collect();
        let (username, password) = match parts.as_slice() {
            [u, p] => (*u, *p),
            [_] => return Reply::fail(500, "not enough values to unpack (expected 2, got 1)"),
            _ => return Reply::fail(500, "too many values to unpack (expected 2)"),
        };
        let by_email = username
            .split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty() && !b.contains('@'));
        let user = if by_email {
            self.users.iter().find(|u| u.email == username)
        } else {
            self.users.iter().find(|u| u.username == username)
        };
        let Some(user) = user else {
            return no_user();
        };
        if !user.is_active || user.password.as_deref() != Some(password) {
            return Reply::fail(403, text(MessageId::SecurityUserNotFoundOrInactive, lang));
        }
        if by_email {
            return Reply::fail(500, "cannot access local variable 'username_db' where it is not associated with a value");
        }
        let username = user.username.clone();
        let now = self.now();
        self.logins += 1;
        if let Some(token) = self.by_user.get(&username).cloned() {
            if let Some(record) = self.tokens.get_mut(&token) {
                if now < record.updated + self.token_ttl {
                    record.updated = now;
                    return Reply::ok(
                        text(MessageId::SecurityGetSuccess, lang),
                        json!({"security": token}),
                    );
                }
            }
            self.tokens.remove(&token);
        }
        let token = uuid::Uuid::new_v4().to_string();
        self.tokens.insert(
            token.clone(),
            Token {
                username: username.clone(),
                updated: now,
            },
        );
        self.by_user.insert(username, token.clone());
        Reply::ok(
            text(MessageId::SecurityGetSuccess, lang),
            json!({"security": token}),
        )
    }

    /// The `/rest/` wrapper's token checks; returns the caller or the refusal.
    pub(crate) fn authenticate(
        &mut self,
        security: Option<&Value>,
        lang: Lang,
    ) -> Result<Caller, Reply> {
        let wrong = || Reply::fail(403, text(MessageId::RestSecurityWrong, lang));
        let token = match security {
            None => String::new(),
            Some(Value::Null) => {
                return Err(Reply::fail(403, text(MessageId::RestSecurityMissing, lang)))
            }
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(_)) => return Err(Reply::fail(500, "unhashable type: 'list'")),
            Some(Value::Object(_)) => return Err(Reply::fail(500, "unhashable type: 'dict'")),
            Some(_) => return Err(wrong()),
        };
        let now = self.now();
        let ttl = self.token_ttl;
        let Some(record) = self.tokens.get_mut(&token) else {
            return Err(wrong());
        };
        if now >= record.updated + ttl {
            return Err(Reply::fail(403, text(MessageId::RestSecurityExpired, lang)));
        }
        record.updated = now;
        let needle = record.username.to_lowercase();
        let matches: Vec<&User> = self
            .users
            .iter()
            .filter(|u| u.username.to_lowercase().contains(&needle))
            .collect();
        match matches.len() {
            0 => Err(Reply::fail(500, "OmUser matching query does not exist.")),
            1 => Ok(Caller {
                username: matches[0].username.clone(),
            }),
            n => Err(Reply::fail(
                500,
                format!("get() returned more than one OmUser -- it returned {n}!"),
            )),
        }
    }

    // ---------------------------------------------------------------- permissions

    pub(crate) fn has_permission(&self, caller: &Caller, flow: usize, perm: &str) -> bool {
        let Some(user) = self.user(&caller.username) else {
            return false;
        };
        if user.is_superuser {
            return true;
        }
        let codename = format!("Omdata_{}_{}", self.flows[flow].def.flow_uuid, perm);
        self.groups
            .iter()
            .any(|g| user.groups.contains(&g.id) && g.permissions.contains(&codename))
    }

    // ---------------------------------------------------------------- tickets

    fn model_name(&self, flow: usize) -> String {
        format!("Omdata_{}", self.flows[flow].def.flow_uuid)
    }

    fn item<'a>(&'a self, flow: usize, id: &str) -> Option<&'a SeedItem> {
        self.flows[flow].def.items.iter().find(|i| i.id == id)
    }

    fn field_type(&self, flow: usize, id: &str) -> Option<String> {
        self.flows[flow]
            .def
            .fields
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.field_type.clone())
    }

    fn status_text(&self, flow: usize, stop: Option<&str>, value: &str) -> String {
        let stop_options = stop
            .and_then(|s| self.item(flow, s))
            .and_then(|item| item.fields.iter().find(|f| f.field_type == "h_status"))
            .map(|f| f.options.clone())
            .unwrap_or_default();
        let merged = self.flows[flow]
            .def
            .fields
            .iter()
            .find(|f| f.field_type == "h_status")
            .map(|f| f.options.clone())
            .unwrap_or_default();
        stop_options
            .iter()
            .chain(merged.iter())
            .find(|o| o.value == value)
            .map(|o| o.text.clone())
            .unwrap_or_else(|| value.to_string())
    }

    fn group_header(&self, group: &str, user: &str) -> String {
        let group_name = group
            .parse::<u64>()
            .ok()
            .and_then(|id| self.groups.iter().find(|g| g.id == id))
            .map(|g| g.display_name.clone())
            .unwrap_or_else(|| group.to_string());
        let user_name = user
            .parse::<u64>()
            .ok()
            .and_then(|id| self.users.iter().find(|u| u.id == id))
            .map(|u| u.nick_name.clone())
            .unwrap_or_else(|| user.to_string());
        dumps(&json!({"group": group_name, "user": user_name}))
    }

    /// Writes one typed value into a row (the column and its header column).
    fn write_field(
        &self,
        flow: usize,
        row: &mut Map<String, Value>,
        id: &str,
        field_type: &str,
        value: &Value,
        stop: Option<&str>,
    ) {
        let column = id.to_lowercase();
        let as_text = |v: &Value| match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            Value::Bool(true) => "True".to_string(),
            Value::Bool(false) => "False".to_string(),
            other => dumps(other),
        };
        match field_type {
            "h_group" => {
                let group = value["group"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| as_text(&value["group"]));
                let user = value["user"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| as_text(&value["user"]));
                row.insert(
                    column,
                    Value::String(dumps(&json!({"group": group, "user": user}))),
                );
                row.insert(
                    "group".into(),
                    Value::String(self.group_header(&group, &user)),
                );
            }
            _ => {
                // An unfilled areabox (null or false) keeps the design's empty default.
                let stored = match (field_type, value) {
                    ("areabox", Value::Null | Value::Bool(false)) => String::new(),
                    _ => as_text(value),
                };
                match field_type {
                    "h_title" => {
                        row.insert("title".into(), Value::String(stored.clone()));
                    }
                    "h_level" => {
                        row.insert("level".into(), Value::String(stored.clone()));
                    }
                    "h_status" => {
                        row.insert(
                            "status".into(),
                            Value::String(self.status_text(flow, stop, &stored)),
                        );
                    }
                    _ => {}
                }
                row.insert(column, Value::String(stored));
            }
        }
    }

    /// Whether a formdata id (lower-cased) names a column of the ticket table: a form
    /// column, or any other column (`title` is written directly).
    fn valid_column(&self, flow: usize, column: &str) -> bool {
        let model = crate::django::schema::tickets(flow, self.flows[flow].def.column_count);
        model
            .fields
            .iter()
            .filter_map(|f| f.attname.as_deref())
            .any(|attname| attname == column)
    }

    /// An h_group value without its `user` key: the engine's KeyError.
    fn group_without_user(items: &[Value]) -> bool {
        items.iter().any(|item| {
            item["type"] == "h_group"
                && item["value"]
                    .as_object()
                    .is_some_and(|v| !v.contains_key("user"))
        })
    }

    /// Checks formdata items have `id`, `type` and `value`; the first missing key is the error.
    fn item_keys(items: &[Value]) -> Result<(), String> {
        for item in items {
            for key in ["id", "type", "value"] {
                if item.get(key).is_none() {
                    return Err(format!("'{key}'"));
                }
            }
        }
        Ok(())
    }

    /// `FormDataChecker`: required fields of `design`, on the submitted items only.
    fn check_required(items: &[Value], design: &[(String, String, bool)]) -> Result<bool, String> {
        for (id, field_type, required) in design {
            if !required || !id.starts_with("FORMITM_") {
                continue;
            }
            let Some(item) = items.iter().find(|i| i["id"] == id.as_str()) else {
                return Ok(false);
            };
            let value = &item["value"];
            if field_type == "h_group" {
                let Some(object) = value.as_object() else {
                    return Err(match value {
                        Value::String(_) => {
                            "string indices must be integers, not 'str'".to_string()
                        }
                        Value::Array(_) => {
                            "list indices must be integers or slices, not str".to_string()
                        }
                        _ => format!("'{}' object is not subscriptable", py_type(value)),
                    });
                };
                let group = object.get("group").ok_or_else(|| "'group'".to_string())?;
                if !truthy(group) {
                    return Ok(false);
                }
            } else if !(truthy(value) || value.as_f64() == Some(0.0) || value == &json!(false)) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn main_design(&self, flow: usize) -> Vec<(String, String, bool)> {
        self.flows[flow]
            .def
            .fields
            .iter()
            .map(|f| (f.id.clone(), f.field_type.clone(), f.required))
            .collect()
    }

    fn stop_design(&self, flow: usize, stop: &str) -> Vec<(String, String, bool)> {
        match self.item(flow, stop) {
            Some(item) if !item.fields.is_empty() => item
                .fields
                .iter()
                .map(|f| (f.id.clone(), f.field_type.clone(), f.required))
                .collect(),
            _ => self.main_design(flow),
        }
    }

    /// Create (`action: "create"`).
    pub(crate) fn create(
        &mut self,
        flow: usize,
        formdata: &Value,
        start_input: Option<&Value>,
        caller: &Caller,
        lang: Lang,
    ) -> Reply {
        if !self.has_permission(caller, flow, "Add") {
            return Reply::fail(403, text(MessageId::NoPermission, lang));
        }
        let items: Vec<Value> = match formdata {
            Value::Array(items) => items.clone(),
            Value::String(s) => match serde_json::from_str::<Value>(s) {
                Ok(Value::Array(items)) => items,
                _ => return Reply::fail(500, "Expecting value: line 1 column 1 (char 0)"),
            },
            Value::Null => Vec::new(),
            other => {
                return Reply::fail(500, format!("'{}' object is not iterable", py_type(other)))
            }
        };
        if let Err(message) = Self::item_keys(&items) {
            return Reply::fail(500, message);
        }
        if !self.flows[flow].def.is_active {
            return Reply::fail(404, text(MessageId::FlowDisabled, lang));
        }
        match Self::check_required(&items, &self.main_design(flow)) {
            Ok(true) => {}
            Ok(false) => return Reply::fail(404, text(MessageId::MissingRequiredFields, lang)),
            Err(message) => return Reply::fail(404, message),
        }
        if Self::group_without_user(&items) {
            return Reply::fail(404, "'user'");
        }
        // An id that is not a column makes the engine's insert fail inside `checkActive`,
        // which answers nothing: the view reports success with no number, and the number
        // drawn before the insert stays used.
        let unknown_column = items.iter().any(|item| {
            let column = item["id"].as_str().unwrap_or("").to_lowercase();
            !self.valid_column(flow, &column)
        });
        if unknown_column {
            self.flows[flow].next_data_no += 1;
            return Reply::ok(text(MessageId::CreateSuccess, lang), Value::Null);
        }
        let now = self.stamp();
        let f = &mut self.flows[flow];
        let id = f.next_row_id;
        f.next_row_id += 1;
        let data_no = f.next_data_no;
        f.next_data_no += 1;
        let uuid = f.def.flow_uuid.clone();
        let mut row = Map::new();
        row.insert("id".into(), json!(id));
        row.insert("flow_uuid".into(), json!(hyphenate(&uuid)));
        row.insert("dataid_header".into(), json!(""));
        row.insert("data_no".into(), json!(data_no));
        row.insert("history".into(), json!(false));
        for key in ["status", "title", "level", "group"] {
            row.insert(key.into(), Value::Null);
        }
        row.insert("closed".into(), json!(false));
        row.insert("stop_uuid".into(), Value::Null);
        row.insert("stop_chart_type".into(), Value::Null);
        row.insert("stop_chart_text".into(), Value::Null);
        row.insert("running".into(), json!(true));
        row.insert("error".into(), json!(false));
        row.insert("createtime".into(), now.clone());
        row.insert("updatetime".into(), now.clone());
        row.insert("stoptime".into(), Value::Null);
        row.insert("create_user_id".into(), json!(caller.username));
        row.insert("update_user_id".into(), json!(caller.username));
        row.insert("data_param".into(), Value::Null);
        row.insert("error_message".into(), Value::Null);
        row.insert("init_data_id".into(), json!(id));
        row.insert("is_child".into(), json!(false));
        for n in 1..=f.def.column_count {
            row.insert(format!("formitm_{n}"), Value::Null);
        }
        // Defaults for fields not supplied, then the submitted items.
        let fields = f.def.fields.clone();
        for field in &fields {
            if items.iter().any(|i| i["id"] == field.id.as_str()) {
                continue;
            }
            // An areabox's design default is the empty text (other types have none).
            let default = match (field.default.as_deref(), field.field_type.as_str()) {
                (Some(default), _) => default,
                (None, "areabox") => "",
                (None, _) => continue,
            };
            let value = match field.field_type.as_str() {
                "h_group" => {
                    let (g, u) = default.split_once(',').unwrap_or((default, ""));
                    json!({"group": g, "user": u})
                }
                "checkbox" => Value::String(dumps(
                    &default
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>(),
                )),
                _ => Value::String(default.to_string()),
            };
            self.write_field(flow, &mut row, &field.id, &field.field_type, &value, None);
        }
        // `FormatFormdataListToFormdata` maps the header items (h_title, h_level, ...) onto
        // their columns after every item is read: a header wins over an item naming the
        // column itself.
        for item in headers_last(&items) {
            let id = item["id"].as_str().unwrap_or("");
            let field_type = item["type"].as_str().unwrap_or("");
            self.write_field(flow, &mut row, id, field_type, &item["value"], None);
        }
        let start = self.flows[flow]
            .def
            .items
            .iter()
            .find(|i| i.item_type == "start")
            .cloned()
            .expect("checked at seed time");
        // `startPoint`: a non-empty `start_input` object (or JSON text of one) fills the
        // flow values instead of the start item's own inputs.
        let start_input = match start_input {
            Some(Value::String(text)) => serde_json::from_str::<Value>(text).ok(),
            other => other.cloned(),
        };
        let mut flow_value = Map::new();
        match start_input {
            Some(Value::Object(given)) if !given.is_empty() => flow_value = given,
            _ => {
                for input in &start.inputs {
                    flow_value.insert(
                        input.name.clone(),
                        Value::String(input.value.clone().unwrap_or_default()),
                    );
                }
            }
        }
        row.insert(
            "data_param".into(),
            Value::String(dumps(&json!({"flow_value": flow_value}))),
        );
        self.flows[flow].rows.insert(id, row.clone());
        // The creation record: never visible; skipped (no id used) when its keys fail.
        if let Some(mut creation) = self.mission_for(flow, &row, &start.id, &start.text, None) {
            creation.insert("history".into(), json!(true));
            creation.insert("update_user_id".into(), json!(caller.username));
            self.insert_mission(creation);
        }
        self.schedule(flow, id, &start.id, json!(id));
        Reply::ok(text(MessageId::CreateSuccess, lang), json!(data_no))
    }

    fn schedule(&mut self, flow: usize, row: u64, from: &str, sent_id: Value) {
        if self.engine_delay_ms == 0 {
            self.advance(flow, row, from, sent_id);
        } else {
            let due = self.now() + chrono::Duration::milliseconds(self.engine_delay_ms as i64);
            self.pending.push(Pending {
                due,
                flow,
                row,
                from: from.to_string(),
                sent_id,
            });
        }
    }

    fn ticket_missions(&self, flow_uuid: &str, data_no: u64) -> Vec<u64> {
        self.by_ticket
            .get(&(flow_uuid.to_string(), data_no))
            .cloned()
            .unwrap_or_default()
    }

    fn insert_mission(&mut self, mut mission: Map<String, Value>) {
        let id = self.next_mission_id;
        self.next_mission_id += 1;
        let key = (
            mission["flow_uuid"].as_str().unwrap_or("").to_string(),
            mission["data_no"].as_u64().unwrap_or(0),
        );
        self.by_ticket.entry(key).or_default().push(id);
        if mission["history"] == false {
            self.open_missions.insert(id, Visibility::of(&mission));
        }
        mission.insert("id".into(), json!(id));
        // Keep the wire key order with `id` first.
        let mut ordered = Map::new();
        ordered.insert("id".into(), json!(id));
        for (k, v) in mission {
            if k != "id" {
                ordered.insert(k, v);
            }
        }
        self.missions.insert(id, ordered);
    }

    /// A mission to change (its rendered text is dropped).
    pub(crate) fn mission_mut(&mut self, id: u64) -> Option<&mut Map<String, Value>> {
        self.mission_text.remove(&id);
        self.missions.get_mut(&id)
    }

    /// These missions as a Python-style JSON array, exactly as `dumps` writes them, reusing
    /// the text of missions that did not change since they were last listed.
    pub(crate) fn render_missions(&mut self, ids: &[u64]) -> String {
        let mut out = String::with_capacity(ids.len() * 700 + 2);
        out.push('[');
        for (index, id) in ids.iter().enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            let missions = &self.missions;
            let text = self.mission_text.entry(*id).or_insert_with(|| {
                missions
                    .get(id)
                    .map(crate::pyjson::dumps)
                    .unwrap_or_else(|| "null".into())
            });
            out.push_str(text);
        }
        out.push(']');
        out
    }

    fn mission_for(
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
            .ticket_missions(
                row["flow_uuid"].as_str().unwrap_or(""),
                data_no.as_u64().unwrap_or(0),
            )
            .iter()
            .any(|id| {
                self.missions
                    .get(id)
                    .is_some_and(|m| m["attachment"] == true)
            });
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

    fn resolve_ref(
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

    /// The engine: walks from `from` to the next form or end item.
    fn advance(&mut self, flow: usize, row_id: u64, from: &str, sent_id: Value) {
        let Some(mut row) = self.flows[flow].rows.get(&row_id).cloned() else {
            return;
        };
        let param: Value = row
            .get("data_param")
            .and_then(Value::as_str)
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or(Value::Null);
        let flow_value = param["flow_value"].as_object().cloned().unwrap_or_default();
        let mut previous = from.to_string();
        let mut next = self.item(flow, from).and_then(|i| i.next.clone());
        let mut chart_input: Option<Map<String, Value>> = None;
        for _ in 0..64 {
            let Some(item) = next.as_deref().and_then(|id| self.item(flow, id)).cloned() else {
                break;
            };
            match item.item_type.as_str() {
                "switch" => {
                    let mut inputs = Map::new();
                    let mut target = None;
                    for rule in &item.rules {
                        // `switchPoint`'s input log: each side's reference under its inner
                        // name, and a literal left side under itself (a literal right side
                        // is not logged).
                        for (side, literal_logged) in [(&rule.value1, true), (&rule.value2, false)]
                        {
                            let inner = side
                                .strip_prefix("#(")
                                .or_else(|| side.strip_prefix("$("))
                                .and_then(|t| t.strip_suffix(')'));
                            match inner {
                                Some(inner) => {
                                    inputs.insert(
                                        inner.to_string(),
                                        json!(Self::resolve_ref(&row, &flow_value, side)),
                                    );
                                }
                                None if literal_logged => {
                                    inputs.insert(side.clone(), json!(side));
                                }
                                None => {}
                            }
                        }
                        if Self::resolve_ref(&row, &flow_value, &rule.value1)
                            == Self::resolve_ref(&row, &flow_value, &rule.value2)
                        {
                            target = Some(rule.target.clone());
                        }
                    }
                    let Some(target) = target else {
                        // No rule matches: the engine had logged its move to the switch
                        // (without this switch's inputs), then marks the row as errored.
                        let via = Arrival {
                            previous: &previous,
                            flow_value: &flow_value,
                            chart_input,
                            sent_id,
                        };
                        let param = self.engine_param(flow, &row, &item.id, via);
                        row.insert("data_param".into(), Value::String(dumps(&param)));
                        self.fail_row(flow, row, Some(&item), "找不到符合的條件。");
                        return;
                    };
                    chart_input = Some(inputs);
                    previous = item.id.clone();
                    next = Some(target);
                }
                "form" => {
                    let via = Arrival {
                        previous: &previous,
                        flow_value: &flow_value,
                        chart_input,
                        sent_id,
                    };
                    self.arrive(flow, &mut row, &item, via);
                    return;
                }
                "end" => {
                    let now = self.stamp();
                    // At an end the engine logs no next item and the end as where it came from.
                    let via = Arrival {
                        previous: &item.id,
                        flow_value: &flow_value,
                        chart_input,
                        sent_id,
                    };
                    let param = self.engine_param(flow, &row, "", via);
                    row.insert("data_param".into(), Value::String(dumps(&param)));
                    row.insert("closed".into(), json!(true));
                    row.insert("running".into(), json!(false));
                    row.insert("stop_uuid".into(), json!(item.id));
                    row.insert("stop_chart_text".into(), json!(item.text));
                    row.insert("stoptime".into(), now);
                    let data_no = row["data_no"].clone();
                    let uuid = row["flow_uuid"].clone();
                    self.flows[flow].rows.insert(row_id, row);
                    for id in self
                        .ticket_missions(uuid.as_str().unwrap_or(""), data_no.as_u64().unwrap_or(0))
                    {
                        if let Some(m) = self.mission_mut(id) {
                            m.insert("closed".into(), json!(true));
                        }
                    }
                    return;
                }
                _ => break,
            }
        }
        self.fail_row(flow, row, None, "找不到符合的條件。");
    }

    /// `markError`: the row stops at the failing item (`stop`), errored, as history; an
    /// errored copy becomes the current row.
    fn fail_row(
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
        row.insert("error".into(), json!(true));
        row.insert("error_message".into(), json!(message));
        row.insert("history".into(), json!(true));
        row.insert("running".into(), json!(false));
        self.flows[flow].rows.insert(id, row.clone());
        let new_id = self.flows[flow].next_row_id;
        self.flows[flow].next_row_id += 1;
        row.insert("id".into(), json!(new_id));
        row.insert("history".into(), json!(false));
        row.insert("error".into(), json!(true));
        row.insert("error_message".into(), json!(message));
        self.flows[flow].rows.insert(new_id, row);
    }

    /// The engine's `data_param` for a row it moves to `to` (`""` at an end).
    fn engine_param(
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
        } = via;
        let uuid = self.flows[flow].def.flow_uuid.clone();
        let mut param = Map::new();
        param.insert("flow_uuid".into(), json!(uuid));
        param.insert("chart_id_to".into(), json!(to));
        param.insert("chart_id_from".into(), json!(from));
        param.insert("data_no".into(), row["data_no"].clone());
        param.insert("data_id".into(), sent_id);
        param.insert("table_uuid".into(), json!(uuid));
        param.insert("flowlog".into(), json!(true));
        param.insert("error".into(), json!(false));
        param.insert("flow_value".into(), Value::Object(flow_value.clone()));
        param.insert("error_pass".into(), json!(false));
        if let Some(inputs) = chart_input {
            param.insert("chart_input".into(), Value::Object(inputs));
        }
        param
    }

    fn arrive(
        &mut self,
        flow: usize,
        row: &mut Map<String, Value>,
        stop: &SeedItem,
        via: Arrival<'_>,
    ) {
        self.apply_inputs(flow, row, &stop.inputs, Some(&stop.id));
        let now = self.stamp();
        let id = row["id"].as_u64().unwrap_or(0);
        let mut param = self.engine_param(flow, row, &stop.id, via);
        row.insert("stop_uuid".into(), json!(stop.id));
        row.insert("stop_chart_text".into(), json!(stop.text));
        row.insert("stoptime".into(), now.clone());
        row.insert("running".into(), json!(false));
        row.insert("history".into(), json!(true));
        row.insert("data_param".into(), Value::String(dumps(&param)));
        self.flows[flow].rows.insert(id, row.clone());
        let new_id = self.flows[flow].next_row_id;
        self.flows[flow].next_row_id += 1;
        let mut copy = row.clone();
        param.insert("ex_data_id".into(), json!(id));
        copy.insert("id".into(), json!(new_id));
        copy.insert("history".into(), json!(false));
        copy.insert("createtime".into(), now.clone());
        copy.insert("updatetime".into(), now);
        copy.insert("data_param".into(), Value::String(dumps(&param)));
        self.flows[flow].rows.insert(new_id, copy.clone());
        let has_group = copy
            .get("group")
            .and_then(Value::as_str)
            .is_some_and(|g| !g.is_empty());
        if self.flows[flow].def.mission && has_group {
            let label = |a: &Option<crate::seed::SeedQuickAction>| {
                a.as_ref().map(|a| a.text.clone()).unwrap_or_default()
            };
            let action = format!("{},{}", label(&stop.action1), label(&stop.action2));
            if let Some(mission) = self.mission_for(flow, &copy, &stop.id, &stop.text, Some(action))
            {
                self.insert_mission(mission);
            }
        }
    }

    fn apply_inputs(
        &self,
        flow: usize,
        row: &mut Map<String, Value>,
        inputs: &[SeedInput],
        stop: Option<&str>,
    ) {
        for input in inputs {
            let value = input.value.clone().unwrap_or_default();
            if let Some(inner) = input
                .name
                .strip_prefix("#G")
                .and_then(|t| t.split_once('('))
                .and_then(|(_, rest)| rest.strip_suffix(')'))
            {
                let column = inner.to_lowercase();
                let current: Value = row
                    .get(&column)
                    .and_then(Value::as_str)
                    .and_then(|t| serde_json::from_str(t).ok())
                    .unwrap_or(Value::Null);
                let _ = current;
                self.write_field(
                    flow,
                    row,
                    inner,
                    "h_group",
                    &json!({"group": value, "user": ""}),
                    stop,
                );
            } else if let Some(inner) = input
                .name
                .strip_prefix("#(")
                .and_then(|t| t.strip_suffix(')'))
            {
                let field_type = self.field_type(flow, inner).unwrap_or_default();
                self.write_field(flow, row, inner, &field_type, &Value::String(value), stop);
            }
        }
    }

    /// Push or quick action (`action: "update"`).
    pub(crate) fn update(
        &mut self,
        flow: usize,
        flow_uuid: &Value,
        body: &Map<String, Value>,
        caller: &Caller,
        lang: Lang,
    ) -> Reply {
        let model = self.model_name(flow);
        // `postdata.get('data_id', '')`.
        let empty = Value::String(String::new());
        let sent_id = body.get("data_id").unwrap_or(&empty);
        if !self.check_omdata_permission(caller, flow_uuid, &Value::Null, sent_id, "_Modify") {
            return Reply::fail(403, text(MessageId::NoPermission, lang));
        }
        // `objects.get(id=data_id, history=False, closed=False)` inside updateOmData's
        // error handling: Python's int() of the id, then the lookup.
        // `get(id=None)` is Django's `IS NULL`: no row, not an int() error.
        let data_id = match sent_id {
            Value::Null => -1,
            sent => match crate::django::value::py_int_wide(sent) {
                Ok(id) => id,
                Err(error) => return Reply::fail(404, error),
            },
        };
        let existing = u64::try_from(data_id)
            .ok()
            .and_then(|id| self.flows[flow].rows.get(&id).map(|row| (id, row)));
        let Some((data_id, existing)) = existing else {
            return Reply::fail(404, format!("{model} matching query does not exist."));
        };
        let mut row = existing.clone();
        if row["history"] != false || row["closed"] != false {
            return Reply::fail(404, format!("{model} matching query does not exist."));
        }
        if row["running"] == true {
            return Reply::fail(404, text(MessageId::TicketRunning, lang));
        }
        let Some(stop_id) = row["stop_uuid"].as_str().map(str::to_string) else {
            return Reply::fail(404, "'NoneType' object has no attribute 'split'");
        };
        if !self.flows[flow].def.is_active {
            return Reply::fail(404, text(MessageId::FlowDisabled, lang));
        }
        let stop = self
            .item(flow, stop_id.rsplit('-').next().unwrap_or(&stop_id))
            .cloned();
        let Some(stop) = stop.filter(|s| s.item_type == "form") else {
            return Reply::fail(404, text(MessageId::NotAtManualStop, lang));
        };
        let quick = body.get("quick_action").filter(|v| truthy(v));
        let items: Vec<Value> = if let Some(quick) = quick {
            let config = match quick.as_str() {
                Some("action1") => stop.action1.clone(),
                Some("action2") => stop.action2.clone(),
                _ => None,
            };
            let param: Value = row
                .get("data_param")
                .and_then(Value::as_str)
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or(Value::Null);
            let flow_value = param["flow_value"].as_object().cloned().unwrap_or_default();
            let mut items = Vec::new();
            for input in config.map(|c| c.inputs).unwrap_or_default() {
                let chars: Vec<char> = input.name.chars().collect();
                let target: String = if chars.len() >= 3 {
                    chars[2..chars.len() - 1].iter().collect()
                } else {
                    String::new()
                };
                let Some(field_type) = self.field_type(flow, &target) else {
                    return Reply::fail(404, "'id'");
                };
                let value = match input.value.as_deref() {
                    None => String::new(),
                    Some(v) => Self::resolve_ref(&row, &flow_value, v),
                };
                items.push(json!({"id": target, "type": field_type, "value": value}));
            }
            items
        } else {
            let items = match body.get("formdata") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(items)) => items.clone(),
                Some(Value::String(_)) => {
                    return Reply::fail(404, "string indices must be integers, not 'str'")
                }
                // Iterating an object yields its keys: texts, which have no `['id']`.
                Some(Value::Object(keys)) if keys.is_empty() => Vec::new(),
                Some(Value::Object(_)) => {
                    return Reply::fail(404, "string indices must be integers, not 'str'")
                }
                Some(other) => {
                    return Reply::fail(404, format!("'{}' object is not iterable", py_type(other)))
                }
            };
            if let Err(message) = Self::item_keys(&items) {
                return Reply::fail(404, message);
            }
            match Self::check_required(&items, &self.stop_design(flow, &stop.id)) {
                Ok(true) => {}
                Ok(false) => return Reply::fail(404, text(MessageId::MissingRequiredFields, lang)),
                Err(message) => return Reply::fail(404, message),
            }
            if Self::group_without_user(&items) {
                return Reply::fail(404, "'user'");
            }
            items
        };
        // A push writes the row itself (Django's own error names the column), unlike create.
        for item in &items {
            let column = item["id"].as_str().unwrap_or("").to_lowercase();
            if !self.valid_column(flow, &column) {
                return Reply::fail(404, format!("{model} has no field named '{column}'"));
            }
        }
        for item in headers_last(&items) {
            let id = item["id"].as_str().unwrap_or("");
            let field_type = item["type"].as_str().unwrap_or("");
            self.write_field(
                flow,
                &mut row,
                id,
                field_type,
                &item["value"],
                Some(&stop.id),
            );
        }
        let now = self.stamp();
        row.insert("running".into(), json!(true));
        row.insert("update_user_id".into(), json!(caller.username));
        row.insert("updatetime".into(), now.clone());
        for key in ["stop_uuid", "stop_chart_text", "stoptime", "error_message"] {
            row.insert(key.into(), Value::Null);
        }
        row.insert("error".into(), json!(false));
        let data_no = row["data_no"].clone();
        let uuid = row["flow_uuid"].clone();
        self.flows[flow].rows.insert(data_id, row);
        let matching: Vec<u64> = self
            .ticket_missions(uuid.as_str().unwrap_or(""), data_no.as_u64().unwrap_or(0))
            .into_iter()
            .filter(|id| {
                self.missions
                    .get(id)
                    .is_some_and(|m| m["data_id"] == data_id)
            })
            .collect();
        if matching.len() == 1 {
            self.open_missions.remove(&matching[0]);
            if let Some(m) = self.mission_mut(matching[0]) {
                m.insert("history".into(), json!(true));
                m.insert("update_user_id".into(), json!(caller.username));
                m.insert("updatetime".into(), now);
            }
        }
        self.schedule(flow, data_id, &stop.id, sent_id.clone());
        Reply::ok(text(MessageId::PushSuccess, lang), data_no)
    }

    /// Delete (`action: "delete"`).
    pub(crate) fn delete(
        &mut self,
        flow: usize,
        data_no: Option<&Value>,
        caller: &Caller,
        lang: Lang,
    ) -> Reply {
        if !self.has_permission(caller, flow, "Delete") {
            return Reply::fail(403, text(MessageId::NoPermission, lang));
        }
        // `for data_no in param.get('data_no', [])` (a string as a one-item list): each
        // number is deleted as it comes; the first failure stops the walk with "not found",
        // what was deleted before it stays deleted.
        let items: Vec<Value> = match data_no {
            None => Vec::new(),
            Some(Value::Array(items)) => items.clone(),
            Some(Value::String(s)) => vec![Value::String(s.clone())],
            Some(Value::Object(keys)) => keys.keys().map(|k| Value::String(k.clone())).collect(),
            Some(_) => return Reply::fail(404, text(MessageId::DataNotFound, lang)),
        };
        let mut seen: Vec<&Value> = Vec::new();
        for item in &items {
            if seen.contains(&item) {
                continue;
            }
            seen.push(item);
            if item.is_null() {
                // `filter(data_no=None)`: no ticket has a null number.
                continue;
            }
            let n = match crate::django::value::py_int_wide(item) {
                Ok(n) => n,
                Err(_) => return Reply::fail(404, text(MessageId::DataNotFound, lang)),
            };
            if let Ok(n) = u64::try_from(n) {
                self.delete_ticket(flow, n);
            }
        }
        Reply::ok(text(MessageId::DeleteSuccess, lang), json!(""))
    }

    /// Removes one ticket: its rows, missions, attachments and pending engine work.
    fn delete_ticket(&mut self, flow: usize, n: u64) {
        let uuid = hyphenate(&self.flows[flow].def.flow_uuid);
        self.flows[flow].rows.retain(|_, r| r["data_no"] != n);
        for id in self.by_ticket.remove(&(uuid, n)).unwrap_or_default() {
            self.missions.remove(&id);
            self.mission_text.remove(&id);
            self.open_missions.remove(&id);
        }
        let hex = &self.flows[flow].def.flow_uuid;
        self.attachments
            .retain(|a| &a.flow_uuid != hex || a.data_no != n);
        self.pending
            .retain(|p| p.flow != flow || self.flows[flow].rows.contains_key(&p.row));
    }

    /// The data-id lookup.
    pub(crate) fn lookup_data_id(
        &self,
        api_path: &str,
        body: &Map<String, Value>,
        lang: Lang,
    ) -> Reply {
        let missing = text(MessageId::CheckerMissingRequiredParam, lang);
        let Some(value) = body.get("data_no") else {
            return Reply::Envelope {
                status: 404,
                message: missing.clone(),
                result: json!({"status": "require missing", "result": ["data_no"], "message": missing}),
            };
        };
        if !truthy(value) || value == "null" {
            let empty = text(MessageId::CheckerRequiredParamEmpty, lang);
            return Reply::Envelope {
                status: 404,
                message: empty.clone(),
                result: json!({"status": "require null", "result": ["data_no"], "message": empty}),
            };
        }
        let Some(flow) = self.flows.iter().position(|f| f.def.api_path == api_path) else {
            return Reply::fail(404, text(MessageId::QueryFailed, lang));
        };
        // `int(data_no)` runs outside the view's error handling: its error is a 500.
        let n = match crate::django::value::py_int_wide(value) {
            Ok(n) => n,
            Err(error) => return Reply::fail(500, error),
        };
        let rows: Vec<Value> = self.flows[flow]
            .rows
            .values()
            .filter(|r| {
                r["data_no"].as_i64().map(i128::from) == Some(n)
                    && r["history"] == false
                    && r["running"] == false
                    && r["closed"] == false
            })
            .map(|r| json!({"data_id": r["id"], "stop_chart_text": r["stop_chart_text"]}))
            .collect();
        Reply::ok(text(MessageId::QuerySuccess, lang), Value::Array(rows))
    }

    /// The API-format helper.
    pub(crate) fn api_format(&self, body: &Map<String, Value>, lang: Lang) -> Reply {
        let name = |k: &str| {
            body.get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let Some(flow) = self.flow_by_name(&name("app_name"), &name("flow_name")) else {
            return Reply::Envelope {
                status: 200,
                message: text(MessageId::ReadFailed, lang),
                result: Value::Null,
            };
        };
        let def = &self.flows[flow].def;
        // `postdata.get('action', '')`: any other value, even a missing one, gets the template.
        let action = body.get("action").cloned().unwrap_or_else(|| json!(""));
        if action == "query" {
            return Reply::ok(text(MessageId::ReadSuccess, lang), json!(def.api_path));
        }
        let formdata: Vec<Value> = def
            .fields
            .iter()
            .map(|f| {
                let value = if f.field_type == "h_group" {
                    json!({"group": format!("<{}>", f.title), "user": format!("<{}>", f.user_title.clone().unwrap_or_default())})
                } else {
                    json!(format!("<{}>", f.title))
                };
                json!({"id": f.id, "value": value, "type": f.field_type})
            })
            .collect();
        let mut input = Map::new();
        input.insert("security".into(), json!("<security>"));
        input.insert("api_path".into(), json!(def.api_path));
        input.insert("action".into(), action.clone());
        input.insert("omflow_restapi".into(), json!(1));
        if action == "update" {
            input.insert("data_id".into(), json!("<data_id>"));
        }
        input.insert("formdata".into(), Value::Array(formdata));
        let output = if action == "create" {
            json!({
                "success1": {"status": "200", "message": text(MessageId::ApiFormatExampleCreateSuccess, lang), "result": "<data_no>"},
                "success2": {"status": "200", "message": text(MessageId::ApiFormatExampleCreateSuccess, lang), "result": ""},
                "error": {"status": "404", "message": text(MessageId::ApiFormatExampleCreateFailed, lang)}
            })
        } else if action == "update" {
            json!({
                "success": {"status": "200", "message": text(MessageId::ApiFormatExamplePushSuccess, lang), "result": ""},
                "error": {"status": "404", "message": text(MessageId::ApiFormatExamplePushFailed, lang)}
            })
        } else {
            json!({})
        };
        Reply::ok(
            text(MessageId::ReadSuccess, lang),
            json!({"input": input, "output": output}),
        )
    }

    // ---------------------------------------------------------------- admin calls the session uses

    pub(crate) fn set_group_members(&mut self, body: &Map<String, Value>, lang: Lang) -> Reply {
        let group = body.get("group_id").and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        });
        let Some(group) = group.filter(|g| self.groups.iter().any(|x| x.id == *g)) else {
            return Reply::fail(403, text(MessageId::GroupError, lang));
        };
        let names: Vec<String> = body
            .get("user_list")
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        for user in &mut self.users {
            let member = names.contains(&user.username);
            user.groups.retain(|g| *g != group);
            if member {
                user.groups.push(group);
            }
        }
        Reply::ok(text(MessageId::UpdateSuccess, lang), Value::Null)
    }

    pub(crate) fn add_user(&mut self, body: &Map<String, Value>, lang: Lang) -> Reply {
        let get = |k: &str| {
            body.get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let username = get("username");
        if username.is_empty() {
            let missing = text(MessageId::CheckerMissingRequiredParam, lang);
            return Reply::Envelope {
                status: 404,
                message: missing.clone(),
                result: json!({"status": "require missing", "result": ["username"], "message": missing}),
            };
        }
        if self.user(&username).is_some() {
            return Reply::fail(403, text(MessageId::UsernameTaken, lang));
        }
        let id = self.users.iter().map(|u| u.id).max().unwrap_or(0) + 1;
        let nick = get("nick_name");
        self.users.push(User {
            id,
            username: username.clone(),
            password: Some(get("token")),
            email: get("email_@"),
            nick_name: if nick.is_empty() { username } else { nick },
            is_superuser: false,
            is_staff: false,
            is_active: true,
            groups: Vec::new(),
            via_api: true,
        });
        Reply::ok(text(MessageId::UserAddSuccess, lang), Value::Null)
    }

    /// `updateFlowActiveAjax`: the required fields first, then the flow by names; only
    /// `is_active` and `api` change what the fake keeps (`flowlog` and `display_field` are
    /// saved by the real server and shown nowhere the fake serves); any other non-empty
    /// field saves nothing new and answers success all the same.
    pub(crate) fn toggle_flow_flag(&mut self, body: &Map<String, Value>, lang: Lang) -> Reply {
        if let Some(reply) = crate::checker::check(body, &["field", "app_name", "flow_name"], lang)
        {
            return reply;
        }
        let get = |k: &str| {
            body.get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let Some(flow) = self.flow_by_name(&get("app_name"), &get("flow_name")) else {
            return Reply::fail(404, text(MessageId::FlowNotFoundSetting, lang));
        };
        let uuid = json!(hyphenate(&self.flows[flow].def.flow_uuid));
        let def = &mut self.flows[flow].def;
        match body.get("field").and_then(Value::as_str) {
            Some("api") => def.api = !def.api,
            Some("is_active") => {
                def.is_active = !def.is_active;
                let active = def.is_active;
                self.mission_text.clear();
                for (id, m) in self
                    .missions
                    .iter_mut()
                    .filter(|(_, m)| m["flow_uuid"] == uuid)
                {
                    m.insert("is_active".into(), json!(active));
                    if let Some(visibility) = self.open_missions.get_mut(id) {
                        visibility.active = active;
                    }
                }
            }
            _ => {}
        }
        Reply::ok(text(MessageId::SettingSuccess, lang), Value::Null)
    }

    /// Removes a user outright (the recorded session's out-of-band step). Its token stays.
    pub fn delete_user(&mut self, username: &str) -> bool {
        let before = self.users.len();
        self.users.retain(|u| u.username != username);
        before != self.users.len()
    }

    /// Marks every token as idle since long ago, so the next use answers "expired".
    pub fn expire_tokens(&mut self) {
        let long_ago = self.now() - self.token_ttl - chrono::Duration::seconds(1);
        for token in self.tokens.values_mut() {
            token.updated = long_ago;
        }
    }

    /// Number of successful logins so far.
    #[must_use]
    pub fn login_count(&self) -> u64 {
        self.logins
    }

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
            "missions": self.missions.values().cloned().collect::<Vec<_>>(),
            "tokens": self.tokens.values().map(|t| json!({"username": t.username, "last_use": Timestamp::from_naive(t.updated).as_str()})).collect::<Vec<_>>(),
            "logins": self.logins,
            "attachments": self.attachments.iter().map(crate::files::Attachment::dump).collect::<Vec<_>>(),
        })
    }
}

/// Formdata items with the header items (types `h_*`) last, order otherwise kept.
fn headers_last(items: &[Value]) -> impl Iterator<Item = &Value> {
    let header = |item: &&Value| item["type"].as_str().is_some_and(|t| t.starts_with("h_"));
    items
        .iter()
        .filter(move |item| !header(item))
        .chain(items.iter().filter(header))
}

/// Python's `UnicodeDecodeError` text for bytes that are not UTF-8.
pub(crate) fn python_utf8_error(bytes: &[u8], error: std::str::Utf8Error) -> String {
    let at = error.valid_up_to();
    let first = bytes.get(at).copied().unwrap_or(0);
    match error.error_len() {
        None => format!(
            "'utf-8' codec can't decode byte 0x{first:02x} in position {at}: unexpected end of data"
        ),
        Some(1) => {
            let reason = if matches!(first, 0x80..=0xc1 | 0xf5..=0xff) {
                "invalid start byte"
            } else {
                "invalid continuation byte"
            };
            format!("'utf-8' codec can't decode byte 0x{first:02x} in position {at}: {reason}")
        }
        Some(n) => format!(
            "'utf-8' codec can't decode bytes in position {at}-{}: invalid continuation byte",
            at + n - 1
        ),
    }
}

pub(crate) fn hyphenate(hex: &str) -> String {
    omflow_model::FlowUuid::parse(hex)
        .map(|u| u.hyphenated())
        .unwrap_or_else(|_| hex.to_string())
}

/// Python's `int()` of an id or a ticket number, when it is a non-negative integer.
pub(crate) fn int_like(value: &Value) -> Option<u64> {
    crate::django::value::py_int_wide(value)
        .ok()
        .and_then(|n| u64::try_from(n).ok())
}

/// Python truthiness of a JSON value.
pub(crate) fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Python's type name for a decoded JSON value.
pub(crate) fn py_type(value: &Value) -> &'static str {
    crate::django::value::py_type(value)
}

#[cfg(test)]
mod tests {
    use super::python_utf8_error;

    #[test]
    fn utf8_errors_read_like_python() {
        let text = |bytes: &[u8]| python_utf8_error(bytes, std::str::from_utf8(bytes).unwrap_err());
        assert_eq!(
            text(b"ab:\xff"),
            "'utf-8' codec can't decode byte 0xff in position 3: invalid start byte"
        );
        assert_eq!(
            text(b"\xe4A"),
            "'utf-8' codec can't decode byte 0xe4 in position 0: invalid continuation byte"
        );
        assert_eq!(
            text(b"\xe4\xb8A"),
            "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte"
        );
        assert_eq!(
            text(b"a\xe4"),
            "'utf-8' codec can't decode byte 0xe4 in position 1: unexpected end of data"
        );
    }
}
