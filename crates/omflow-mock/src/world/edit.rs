//! The edit endpoint's actions on stored tickets: create, update (push and quick
//! actions), delete, and the data-id lookup.

use super::form::headers_last;
use super::*;

impl World {
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
        row.set(Flag::History, false);
        for key in ["status", "title", "level", "group"] {
            row.insert(key.into(), Value::Null);
        }
        row.set(Flag::Closed, false);
        row.insert("stop_uuid".into(), Value::Null);
        row.insert("stop_chart_type".into(), Value::Null);
        row.insert("stop_chart_text".into(), Value::Null);
        row.set(Flag::Running, true);
        row.set(Flag::Error, false);
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
            creation.set(Flag::History, true);
            creation.insert("update_user_id".into(), json!(caller.username));
            self.missions.insert(creation);
        }
        self.schedule(flow, id, &start.id, json!(id));
        Reply::ok(text(MessageId::CreateSuccess, lang), json!(data_no))
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
        if !row.is_current() {
            return Reply::fail(404, format!("{model} matching query does not exist."));
        }
        if row.is(Flag::Running, true) {
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
        row.set(Flag::Running, true);
        row.insert("update_user_id".into(), json!(caller.username));
        row.insert("updatetime".into(), now.clone());
        for key in ["stop_uuid", "stop_chart_text", "stoptime", "error_message"] {
            row.insert(key.into(), Value::Null);
        }
        row.set(Flag::Error, false);
        let data_no = row["data_no"].clone();
        let uuid = row["flow_uuid"].clone();
        self.flows[flow].rows.insert(data_id, row);
        let matching: Vec<u64> = self
            .missions
            .of_ticket(uuid.as_str().unwrap_or(""), data_no.as_u64().unwrap_or(0))
            .iter()
            .copied()
            .filter(|&id| {
                self.missions
                    .get(id)
                    .is_some_and(|m| m.data_id() == Some(data_id))
            })
            .collect();
        if let [only] = matching[..] {
            self.missions
                .update(only, |m| m.finish(&caller.username, now));
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
    pub(super) fn delete_ticket(&mut self, flow: usize, n: u64) {
        let uuid = hyphenate(&self.flows[flow].def.flow_uuid);
        self.flows[flow].rows.retain(|_, r| r["data_no"] != n);
        self.missions.remove_ticket(&uuid, n);
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
            .filter(|r| r["data_no"].as_i64().map(i128::from) == Some(n) && r.is_idle_current())
            .map(|r| json!({"data_id": r["id"], "stop_chart_text": r["stop_chart_text"]}))
            .collect();
        Reply::ok(text(MessageId::QuerySuccess, lang), Value::Array(rows))
    }
}
