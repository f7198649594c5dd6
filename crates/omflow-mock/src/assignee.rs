//! What the web UI shows an ordinary user: the ticket load (`loadOmDataAjax`), the flow
//! names (`getApplicationFlowNameAjax`) and the start form (`loadFormDesignAjax`), with the
//! real permission rules (`checkOmDataPermission` for `_View`).

use crate::checker;
use crate::seed::{SeedField, SeedStopField};
use crate::world::{int_like, text, truthy, Caller, Flag, Reply, StateColumns, User, World};
use omflow_model::{Lang, MessageId};
use serde_json::{json, Map, Value};

/// The flow-management permission the designer views require.
pub(crate) const MANAGE_PERMISSION: &str = "OmFormFlow_Manage";

impl World {
    /// Whether the caller holds a permission codename (superusers hold every one).
    pub(crate) fn holds_permission(&self, caller: &Caller, codename: &str) -> bool {
        let Some(user) = self.user(&caller.username) else {
            return false;
        };
        user.is_superuser
            || self
                .groups
                .iter()
                .any(|g| user.groups.contains(&g.id) && g.permissions.iter().any(|p| p == codename))
    }

    /// `permission_required('omformflow.OmFormFlow_Manage')`.
    pub(crate) fn is_manager(&self, caller: &Caller) -> bool {
        self.holds_permission(caller, MANAGE_PERMISSION)
    }

    /// `checkOmDataPermission(user, flow_uuid, data_no, data_id, per_type)`, the one check
    /// behind the ticket load, the flow object and the attachments: with a `data_id`, the
    /// ticket model named from the uuid as sent (an unknown or hyphenated uuid denies,
    /// superusers included), that row's assignee, for a history row the assignee of
    /// an open row of the same ticket, and for `_View` its creator; else with a `data_no`,
    /// the creator or assignee of any of its rows; then the permission named from the uuid
    /// (superusers hold every one). Any failure inside the check denies.
    pub(crate) fn check_omdata_permission(
        &self,
        caller: &Caller,
        flow_uuid: &Value,
        data_no: &Value,
        data_id: &Value,
        per_type: &str,
    ) -> bool {
        // `'Omdata_' + flow_uuid` raises for anything but a string.
        let Some(sent) = flow_uuid.as_str() else {
            return false;
        };
        let Some(user) = self.user(&caller.username) else {
            return false;
        };
        let user_groups = self.group_names(user);
        // `getModel` answers False for an unknown name; only reading a row then fails.
        let model = self.flow_by_hex(&sent.to_ascii_lowercase());
        let mut assigned = false;
        if truthy(data_id) {
            let Some(flow) = model else {
                return false;
            };
            let rows = &self.flows[flow].rows;
            let Some(row) = row_id(data_id).and_then(|id| rows.get(&id)) else {
                return false;
            };
            let own = header(row);
            assigned = names_user(&own, &own, &user.nick_name, &user_groups);
            if row.is(Flag::History, true) && !assigned {
                let data_no = &row["data_no"];
                // The real check tests the open row's group but the history row's user part.
                assigned = rows.values().any(|open| {
                    &open["data_no"] == data_no
                        && open.is_idle_current()
                        && names_user(&header(open), &own, &user.nick_name, &user_groups)
                });
            }
            if per_type == "_View" && !assigned {
                assigned = row["create_user_id"].as_str() == Some(caller.username.as_str());
            }
        } else if truthy(data_no) {
            let Some(flow) = model else {
                return false;
            };
            let Ok(n) = crate::django::value::py_int_wide(data_no) else {
                return false;
            };
            assigned = self.flows[flow]
                .rows
                .values()
                .filter(|row| row["data_no"].as_i64().map(i128::from) == Some(n))
                .any(|row| {
                    row["create_user_id"].as_str() == Some(user.username.as_str()) || {
                        let own = header(row);
                        names_user(&own, &own, &user.nick_name, &user_groups)
                    }
                });
        }
        assigned || self.holds_permission(caller, &format!("Omdata_{sent}{per_type}"))
    }

    /// The display names of the user's groups (what a row's `group` header names).
    pub(crate) fn group_names(&self, user: &User) -> Vec<&str> {
        self.groups
            .iter()
            .filter(|g| user.groups.contains(&g.id))
            .map(|g| g.display_name.as_str())
            .collect()
    }

    /// `POST /rest/flowmanage/api/omdata/load/`.
    pub(crate) fn load_ticket(
        &self,
        body: &Map<String, Value>,
        caller: &Caller,
        lang: Lang,
    ) -> Reply {
        // `postdata.get(key, '')`: a missing key reads as the empty text.
        let empty = Value::String(String::new());
        let flow_uuid = body.get("flow_uuid").unwrap_or(&empty);
        let data_id = body.get("data_id").unwrap_or(&empty);
        if !self.check_omdata_permission(caller, flow_uuid, &Value::Null, data_id, "_View") {
            return Reply::fail(403, text(MessageId::NoPermission, lang));
        }
        if let Some(reply) = checker::check(body, &["flow_uuid", "data_id"], lang) {
            return reply;
        }
        let not_found = || Reply::fail(404, text(MessageId::FlowNotFoundSetting, lang));
        // The load itself looks the flow up by its exact (lower-case) hex.
        let Some(flow) = flow_uuid.as_str().and_then(|hex| self.flow_by_hex(hex)) else {
            return not_found();
        };
        let Some(row) = row_id(data_id).and_then(|id| self.flows[flow].rows.get(&id)) else {
            return not_found();
        };
        let def = &self.flows[flow].def;
        let chart_id = row["stop_uuid"].as_str().filter(|s| !s.is_empty());
        let stop = chart_id.and_then(|id| self.item(flow, id));
        let (design, find_item, quick_action) = match stop {
            Some(item) if item.item_type == "form" => {
                let label = |a: &Option<crate::seed::SeedQuickAction>| {
                    a.as_ref().map(|a| a.text.clone()).unwrap_or_default()
                };
                let (a1, a2) = (label(&item.action1), label(&item.action2));
                let quick = if a1.is_empty() && a2.is_empty() {
                    Value::Null
                } else {
                    Value::String(format!("{a1},{a2}"))
                };
                let path = chart_id.unwrap_or(&item.id);
                (self.stop_form_object(flow, path), true, quick)
            }
            _ => (self.main_form_object(flow), false, Value::Null),
        };
        let mut formdata = Vec::new();
        for item in design["items"].as_array().into_iter().flatten() {
            let id = item["id"].as_str().unwrap_or("");
            let column = id.to_lowercase();
            if !column.starts_with("formitm_") {
                continue;
            }
            let Some(stored) = row.get(&column) else {
                return not_found();
            };
            let field_type = item["type"].as_str().unwrap_or("");
            let value = match field_type {
                "h_group" | "checkbox" if truthy(stored) => {
                    match stored.as_str().map(serde_json::from_str::<Value>) {
                        Some(Ok(parsed)) => parsed,
                        _ => return not_found(),
                    }
                }
                "h_group" => json!({}),
                "checkbox" => json!([]),
                _ => stored.clone(),
            };
            formdata.push(json!({"id": id, "value": value, "type": item["type"]}));
        }
        let files: Vec<Value> = self
            .attachments
            .iter()
            .filter(|a| a.flow_uuid == def.flow_uuid && Some(a.data_id) == row["id"].as_u64())
            .map(|a| {
                let nick = self
                    .user(&a.upload_user)
                    .map(|u| u.nick_name.clone())
                    .unwrap_or_default();
                a.loaded(&nick)
            })
            .collect();
        let config = def.ui_config.clone().unwrap_or_else(|| {
            json!({"fp_show": true, "worklog": true, "history": true, "attachment": true, "relation": true})
        });
        Reply::ok(
            text(MessageId::ReadSuccess, lang),
            json!({
                "formobject": design,
                "formdata": formdata,
                "config": config,
                "flow_name": {"trans": def.flow_name, "original": def.flow_name},
                "app_name": {"trans": def.app_name, "original": def.app_name},
                "quick_action": quick_action,
                "files": files,
                "find_item": find_item,
                "closed": row["closed"],
            }),
        )
    }

    /// `POST /rest/flowmanage/api/flow-name/load/`: login only.
    pub(crate) fn flow_names(&self, body: &Map<String, Value>, lang: Lang) -> Reply {
        let given = |key: &str| body.get(key).filter(|v| truthy(v));
        let read = text(MessageId::ReadSuccess, lang);
        if let Some(uuid) = given("a_flow_uuid") {
            return match uuid.as_str().and_then(|hex| self.flow_by_hex(hex)) {
                Some(flow) => {
                    let def = &self.flows[flow].def;
                    Reply::ok(
                        read,
                        json!({"flow_name": def.flow_name, "app_name": def.app_name}),
                    )
                }
                None => Reply::fail(500, "'NoneType' object has no attribute 'flow_app_id'"),
            };
        }
        // Workspace and application ids: the fake numbers flows and apps from 1 in seed order.
        let by_number = |value: &Value| int_like(value).and_then(|n| n.checked_sub(1));
        if let Some(id) = given("w_flow_id") {
            return match by_number(id).and_then(|i| self.flows.get(i as usize)) {
                Some(flow) => Reply::ok(
                    read,
                    json!({"flow_name": flow.def.flow_name, "app_name": flow.def.app_name}),
                ),
                None => Reply::fail(500, "FlowWorkspace matching query does not exist."),
            };
        }
        for (key, model) in [
            ("a_app_id", "ActiveApplication"),
            ("w_app_id", "WorkspaceApplication"),
        ] {
            if let Some(id) = given(key) {
                let apps = self.app_names();
                return match by_number(id).and_then(|i| apps.get(i as usize)) {
                    Some(app) => Reply::ok(read, json!(app)),
                    None => Reply::fail(500, format!("{model} matching query does not exist.")),
                };
            }
        }
        Reply::fail(
            500,
            "cannot access local variable 'result' where it is not associated with a value",
        )
    }

    /// `POST /rest/flowmanage/api/form-design/load/`: View permission (named from the uuid as
    /// sent) or flow management, checked first.
    pub(crate) fn start_form(
        &self,
        body: &Map<String, Value>,
        caller: &Caller,
        lang: Lang,
    ) -> Reply {
        let sent = match body.get("flow_uuid") {
            None => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => crate::pyjson::dumps(other),
        };
        if !self.holds_permission(caller, &format!("Omdata_{sent}_View"))
            && !self.is_manager(caller)
        {
            return Reply::fail(403, text(MessageId::NoPermission, lang));
        }
        if let Some(reply) = checker::check(body, &["flow_uuid"], lang) {
            return reply;
        }
        let Some(flow) = self.flow_by_hex(&sent) else {
            return Reply::fail(404, text(MessageId::FlowNotFoundSetting, lang));
        };
        let def = &self.flows[flow].def;
        let design = self.main_form_object(flow);
        let has_form = design["items"]
            .as_array()
            .is_some_and(|items| !items.is_empty());
        let start_input: Value = if has_form {
            json!([])
        } else {
            def.items
                .iter()
                .find(|i| i.item_type == "start")
                .map(|i| {
                    i.inputs
                        .iter()
                        .map(|input| json!({"require": false, "value": input.value, "name": input.name, "des": ""}))
                        .collect()
                })
                .unwrap_or_default()
        };
        Reply::ok(
            text(MessageId::ReadSuccess, lang),
            json!({
                "start_input": start_input,
                "flow_name": def.flow_name,
                "formobject": crate::pyjson::dumps(&design),
                "attachment": true,
                "use_form": has_form,
            }),
        )
    }

    /// The apps' names in id order (`ActiveApplication.id` = position + 1): the flows' app
    /// names in the order the fake deployed them.
    pub(crate) fn app_names(&self) -> Vec<String> {
        let mut apps: Vec<String> = Vec::new();
        for flow in &self.flows {
            if !apps.contains(&flow.def.app_name) {
                apps.push(flow.def.app_name.clone());
            }
        }
        apps
    }

    /// The main form's design: as stored in the seed, or built from its fields.
    pub(crate) fn main_form_object(&self, flow: usize) -> Value {
        let def = &self.flows[flow].def;
        def.form_object
            .clone()
            .unwrap_or_else(|| built_design(def.fields.iter().map(FieldSpec::from)))
    }

    /// A form stop's design: its own, else the main form.
    pub(crate) fn stop_form_object(&self, flow: usize, stop: &str) -> Value {
        let def = &self.flows[flow].def;
        match self.item(flow, stop) {
            Some(item) if item.form_object.is_some() => {
                item.form_object.clone().unwrap_or_default()
            }
            Some(item) if !item.fields.is_empty() => built_design(
                item.fields
                    .iter()
                    .map(|f| FieldSpec::from_stop(f, &def.fields)),
            ),
            _ => self.main_form_object(flow),
        }
    }
}

/// The parsed `group` header column of a row (`{"group": <display name>, "user": <nick>}`).
fn header(row: &Map<String, Value>) -> Value {
    row.get("group")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null)
}

/// The assignee rule: the user part names the nick name, or the group part names one of the
/// user's groups while `user_of` has an empty user part.
fn names_user(group_of: &Value, user_of: &Value, nick: &str, groups: &[&str]) -> bool {
    let user = group_of["user"].as_str().unwrap_or("");
    let group = group_of["group"].as_str().unwrap_or("");
    let empty_user = user_of["user"].as_str().unwrap_or("").is_empty();
    (!user.is_empty() && user == nick) || (groups.contains(&group) && empty_user)
}

/// A row id as Django's `get(id=...)` takes it: Python's `int()` of the value.
fn row_id(value: &Value) -> Option<u64> {
    crate::django::value::py_int_wide(value)
        .ok()
        .and_then(|n| u64::try_from(n).ok())
}

/// What a built design needs of a field.
struct FieldSpec<'a> {
    id: &'a str,
    field_type: &'a str,
    title: &'a str,
    user_title: Option<&'a str>,
    required: bool,
    options: Vec<Value>,
}

impl<'a> From<&'a SeedField> for FieldSpec<'a> {
    fn from(field: &'a SeedField) -> Self {
        FieldSpec {
            id: &field.id,
            field_type: &field.field_type,
            title: &field.title,
            user_title: field.user_title.as_deref(),
            required: field.required,
            options: field
                .options
                .iter()
                .map(|o| json!({"value": o.value, "text": o.text}))
                .collect(),
        }
    }
}

impl<'a> FieldSpec<'a> {
    fn from_stop(field: &'a SeedStopField, main: &'a [SeedField]) -> Self {
        let designed = main.iter().find(|m| m.id == field.id);
        FieldSpec {
            id: &field.id,
            field_type: &field.field_type,
            title: designed.map(|m| m.title.as_str()).unwrap_or(""),
            user_title: designed.and_then(|m| m.user_title.as_deref()),
            required: field.required,
            options: field
                .options
                .iter()
                .map(|o| json!({"value": o.value, "text": o.text}))
                .collect(),
        }
    }
}

/// A plain design (one box) for seeds that carry no stored `form_object`.
fn built_design<'a>(fields: impl Iterator<Item = FieldSpec<'a>>) -> Value {
    let mut items = vec![
        json!({"id": "FORMBOX_1", "type": "box12", "parent": "public", "hidden": false, "config": {"idcounter": 1, "title": ""}}),
    ];
    let mut count = 0;
    for (n, field) in fields.enumerate() {
        count = n + 1;
        let mut config = Map::new();
        config.insert("idcounter".into(), json!(n + 1));
        if field.field_type == "h_group" {
            config.insert("group_title".into(), json!(field.title));
            config.insert("lists".into(), json!([]));
            config.insert("value".into(), json!(""));
            config.insert("require".into(), json!(field.required));
            config.insert("readonly".into(), json!(false));
            config.insert("user".into(), json!(field.user_title.is_some()));
            config.insert("user_title".into(), json!(field.user_title.unwrap_or("")));
            config.insert("user_require".into(), json!(false));
        } else {
            config.insert("title".into(), json!(field.title));
            if !field.options.is_empty() {
                config.insert("lists".into(), Value::Array(field.options));
            }
            config.insert("value".into(), json!(""));
            config.insert("require".into(), json!(field.required));
            config.insert("regex".into(), json!(""));
            config.insert("readonly".into(), json!(false));
        }
        items.push(json!({"id": field.id, "type": field.field_type, "parent": "FORMBOX_1", "hidden": false, "config": config}));
    }
    json!({"form_item_counter": count, "form_box_counter": 1, "items": items})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignee_rule() {
        let group_only = json!({"group": "資訊服務組", "user": ""});
        let named = json!({"group": "資訊服務組", "user": "Carol Chen"});
        let groups = ["資訊服務組"];
        assert!(names_user(&group_only, &group_only, "alice", &groups));
        assert!(!names_user(&named, &named, "alice", &groups));
        assert!(names_user(&named, &named, "Carol Chen", &[]));
        assert!(!names_user(&group_only, &group_only, "alice", &[]));
    }

    #[test]
    fn row_ids_as_django_reads_them() {
        assert_eq!(row_id(&json!(4)), Some(4));
        assert_eq!(row_id(&json!("4")), Some(4));
        assert_eq!(row_id(&json!(4.0)), Some(4));
        assert_eq!(row_id(&json!(4.5)), Some(4), "int() truncates");
        assert_eq!(row_id(&json!("abc")), None);
        assert_eq!(row_id(&json!(true)), Some(1));
    }

    #[test]
    fn built_design_lists_every_field() {
        let fields = [SeedField {
            id: "FORMITM_1".into(),
            field_type: "h_title".into(),
            title: "主旨".into(),
            user_title: None,
            options: Vec::new(),
            default: None,
            required: true,
            regex: None,
        }];
        let design = built_design(fields.iter().map(FieldSpec::from));
        assert_eq!(design["items"][1]["id"], "FORMITM_1");
        assert_eq!(design["items"][1]["config"]["require"], true);
        assert_eq!(design["items"][1]["config"]["title"], "主旨");
    }
}
