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
        self.create_opened_by(flow, formdata, start_input, None, caller, lang)
    }

    /// [`World::create`] of a ticket an outflow or inflow opens: its parameters carry the
    /// calling ticket's (`outflow_content`).
    pub(super) fn create_opened_by(
        &mut self,
        flow: usize,
        formdata: &Value,
        start_input: Option<&Value>,
        outflow_content: Option<Value>,
        caller: &Caller,
        lang: Lang,
    ) -> Reply {
        if !self.has_permission(caller, flow, "Add") {
            return Reply::fail(403, text(MessageId::NoPermission, lang));
        }
        let items = match self.create_items(flow, formdata, lang) {
            Ok(items) => items,
            Err(reply) => return reply,
        };
        // An id that is not a column makes the engine's insert fail inside `checkActive`,
        // which answers nothing: the view reports success with no number, and the number
        // drawn before the insert stays used.
        if self.first_unknown_column(flow, &items).is_some() {
            self.flows[flow].next_data_no += 1;
            return Reply::ok(text(MessageId::CreateSuccess, lang), Value::Null);
        }
        let (id, data_no, mut row) = self.new_ticket_row(flow, caller);
        // Defaults for fields not supplied, then the submitted items.
        self.write_defaults(flow, &mut row, &items);
        // `FormatFormdataListToFormdata` maps the header items (h_title, h_level, ...) onto
        // their columns after every item is read: a header wins over an item naming the
        // column itself.
        self.write_items(flow, &mut row, &items, None);
        let start = self.flows[flow]
            .def
            .items
            .iter()
            .find(|i| i.item_type == "start")
            .cloned()
            .expect("checked at seed time");
        let flow_value = Self::start_flow_value(&start, start_input);
        let mut param = json!({"flow_value": flow_value});
        if let Some(content) = outflow_content {
            param["outflow_content"] = content;
        }
        row.insert("data_param".into(), Value::String(dumps(&param)));
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
        let (data_id, mut row) = match self.idle_current_row(flow, &model, sent_id, lang) {
            Ok(found) => found,
            Err(reply) => return reply,
        };
        let stop = match self.manual_stop(flow, &row, lang) {
            Ok(stop) => stop,
            Err(reply) => return reply,
        };
        let items = match body.get("quick_action").filter(|v| truthy(v)) {
            Some(quick) => self.quick_action_items(flow, &row, &stop, quick),
            None => self.push_items(flow, &stop.id, body.get("formdata"), lang),
        };
        let items = match items {
            Ok(items) => items,
            Err(reply) => return reply,
        };
        // A push writes the row itself (Django's own error names the column), unlike create.
        if let Some(column) = self.first_unknown_column(flow, &items) {
            return Reply::fail(404, format!("{model} has no field named '{column}'"));
        }
        self.write_items(flow, &mut row, &items, Some(&stop.id));
        let data_no = self.store_pushed_row(flow, data_id, row, caller);
        self.schedule(flow, data_id, &stop.id, sent_id.clone());
        Reply::ok(text(MessageId::PushSuccess, lang), data_no)
    }

    // ------------------------------------------------------------ create's steps

    /// The create's formdata as items, checked in the view's order: the formdata's shape
    /// and the items' keys (500), the flow being active, required fields and group users
    /// (404).
    fn create_items(&self, flow: usize, formdata: &Value, lang: Lang) -> Result<Vec<Value>, Reply> {
        let items = Self::create_formdata(formdata)?;
        if let Err(message) = Self::item_keys(&items) {
            return Err(Reply::fail(500, message));
        }
        if !self.flows[flow].def.is_active {
            return Err(Reply::fail(404, text(MessageId::FlowDisabled, lang)));
        }
        Self::check_filled(&items, &self.main_design(flow), lang)?;
        Ok(items)
    }

    /// The create's `formdata`: a list, JSON text of one, or nothing.
    fn create_formdata(formdata: &Value) -> Result<Vec<Value>, Reply> {
        match formdata {
            Value::Array(items) => Ok(items.clone()),
            Value::String(s) => match serde_json::from_str::<Value>(s) {
                Ok(Value::Array(items)) => Ok(items),
                _ => Err(Reply::fail(
                    500,
                    "Expecting value: line 1 column 1 (char 0)",
                )),
            },
            Value::Null => Ok(Vec::new()),
            other => Err(Reply::fail(
                500,
                format!("'{}' object is not iterable", py_type(other)),
            )),
        }
    }

    /// Draws a new ticket's row id and number and builds its row: running, every form
    /// column empty, `data_param` still null.
    fn new_ticket_row(&mut self, flow: usize, caller: &Caller) -> (u64, u64, Map<String, Value>) {
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
        (id, data_no, row)
    }

    /// Writes the design defaults of the fields no item supplies: they are the columns'
    /// own defaults, so a header field's text (title, level, status, group) stays unset
    /// until an item or a stop writes the field.
    fn write_defaults(&self, flow: usize, row: &mut Map<String, Value>, items: &[Value]) {
        for field in &self.flows[flow].def.fields {
            if items.iter().any(|i| i["id"] == field.id.as_str()) {
                continue;
            }
            let Some(value) = Self::default_value(field) else {
                continue;
            };
            let header = super::flowlog::header_column(&field.field_type);
            let unset = header.map(|key| (key, row.get(key).cloned()));
            self.write_field(flow, row, &field.id, &field.field_type, &value, None);
            if let Some((key, before)) = unset {
                row.insert(key.into(), before.unwrap_or(Value::Null));
            }
        }
    }

    /// A field's design default as a formdata value (`None`: it has none).
    fn default_value(field: &crate::seed::SeedField) -> Option<Value> {
        // An areabox's design default is the empty text (other types have none).
        let default = match (field.default.as_deref(), field.field_type.as_str()) {
            (Some(default), _) => default,
            (None, "areabox") => "",
            (None, _) => return None,
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
        Some(value)
    }

    /// `startPoint`: a non-empty `start_input` object (or JSON text of one) fills the
    /// flow values instead of the start item's own inputs.
    fn start_flow_value(start: &SeedItem, start_input: Option<&Value>) -> Map<String, Value> {
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
        flow_value
    }

    // ------------------------------------------------------------ update's steps

    /// `objects.get(id=data_id, history=False, closed=False)` inside updateOmData's
    /// error handling (Python's int() of the id, then the lookup), then the ticket must
    /// not be running: the row's id and a copy of the row.
    fn idle_current_row(
        &self,
        flow: usize,
        model: &str,
        sent_id: &Value,
        lang: Lang,
    ) -> Result<(u64, Map<String, Value>), Reply> {
        // `get(id=None)` is Django's `IS NULL`: no row, not an int() error.
        let data_id = match sent_id {
            Value::Null => -1,
            sent => match crate::django::value::py_int_wide(sent) {
                Ok(id) => id,
                Err(error) => return Err(Reply::fail(404, error)),
            },
        };
        let existing = u64::try_from(data_id)
            .ok()
            .and_then(|id| self.flows[flow].rows.get(&id).map(|row| (id, row)));
        let Some((data_id, existing)) = existing else {
            return Err(Reply::fail(
                404,
                format!("{model} matching query does not exist."),
            ));
        };
        let row = existing.clone();
        if !row.is_current() {
            return Err(Reply::fail(
                404,
                format!("{model} matching query does not exist."),
            ));
        }
        if row.is(Flag::Running, true) {
            return Err(Reply::fail(404, text(MessageId::TicketRunning, lang)));
        }
        Ok((data_id, row))
    }

    /// The form item the row stopped at (its `stop_uuid`), once the flow is active.
    fn manual_stop(
        &self,
        flow: usize,
        row: &Map<String, Value>,
        lang: Lang,
    ) -> Result<SeedItem, Reply> {
        let Some(stop_id) = row["stop_uuid"].as_str().map(str::to_string) else {
            return Err(Reply::fail(
                404,
                "'NoneType' object has no attribute 'split'",
            ));
        };
        if !self.flows[flow].def.is_active {
            return Err(Reply::fail(404, text(MessageId::FlowDisabled, lang)));
        }
        let stop = self.item_at(flow, &stop_id);
        let Some(stop) = stop.filter(|s| s.item_type == "form") else {
            return Err(Reply::fail(404, text(MessageId::NotAtManualStop, lang)));
        };
        Ok(stop)
    }

    /// A quick action's inputs as formdata items, their values resolved against the row
    /// and its flow values.
    fn quick_action_items(
        &self,
        flow: usize,
        row: &Map<String, Value>,
        stop: &SeedItem,
        quick: &Value,
    ) -> Result<Vec<Value>, Reply> {
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
            let target = Self::input_target(&input.name);
            let Some(field_type) = self.field_type(flow, &target) else {
                return Err(Reply::fail(404, "'id'"));
            };
            let value = match input.value.as_deref() {
                None => String::new(),
                Some(v) => Self::resolve_ref(row, &flow_value, v),
            };
            items.push(json!({"id": target, "type": field_type, "value": value}));
        }
        Ok(items)
    }

    /// The field an action input targets: its name without the first two characters and
    /// the last one (empty when shorter than three).
    fn input_target(name: &str) -> String {
        inner_name(name)
    }

    /// A push's `formdata` as items, checked (all 404): its shape, the items' keys,
    /// required fields of the stop's design and group users.
    fn push_items(
        &self,
        flow: usize,
        stop: &str,
        formdata: Option<&Value>,
        lang: Lang,
    ) -> Result<Vec<Value>, Reply> {
        let items = match formdata {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.clone(),
            Some(Value::String(_)) => {
                return Err(Reply::fail(
                    404,
                    "string indices must be integers, not 'str'",
                ))
            }
            // Iterating an object yields its keys: texts, which have no `['id']`.
            Some(Value::Object(keys)) if keys.is_empty() => Vec::new(),
            Some(Value::Object(_)) => {
                return Err(Reply::fail(
                    404,
                    "string indices must be integers, not 'str'",
                ))
            }
            Some(other) => {
                return Err(Reply::fail(
                    404,
                    format!("'{}' object is not iterable", py_type(other)),
                ))
            }
        };
        if let Err(message) = Self::item_keys(&items) {
            return Err(Reply::fail(404, message));
        }
        Self::check_filled(&items, &self.stop_design(flow, stop), lang)?;
        Ok(items)
    }

    /// Marks the pushed row running again and stores it, then finishes the ticket's open
    /// mission when exactly one matches the row. Returns the ticket's `data_no`.
    fn store_pushed_row(
        &mut self,
        flow: usize,
        data_id: u64,
        mut row: Map<String, Value>,
        caller: &Caller,
    ) -> Value {
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
        data_no
    }

    // ------------------------------------------------------------ shared checks

    /// `FormDataChecker`'s required fields of `design`, then an h_group value without its
    /// `user` key (the engine's KeyError): both answer 404.
    fn check_filled(
        items: &[Value],
        design: &[super::form::DesignField],
        lang: Lang,
    ) -> Result<(), Reply> {
        match Self::check_required(items, design) {
            Ok(true) => {}
            Ok(false) => {
                return Err(Reply::fail(
                    404,
                    text(MessageId::MissingRequiredFields, lang),
                ))
            }
            Err(message) => return Err(Reply::fail(404, message)),
        }
        if Self::group_without_user(items) {
            return Err(Reply::fail(404, "'user'"));
        }
        Ok(())
    }

    /// The first item id (lower-cased) that names no column of the ticket table.
    fn first_unknown_column(&self, flow: usize, items: &[Value]) -> Option<String> {
        let columns = self.columns(flow);
        items
            .iter()
            .map(|item| item["id"].as_str().unwrap_or("").to_lowercase())
            .find(|column| !columns.contains(column))
    }

    /// Writes formdata items into a row, the header items last.
    fn write_items(
        &self,
        flow: usize,
        row: &mut Map<String, Value>,
        items: &[Value],
        stop: Option<&str>,
    ) {
        for item in headers_last(items) {
            let id = item["id"].as_str().unwrap_or("");
            let field_type = item["type"].as_str().unwrap_or("");
            self.write_field(flow, row, id, field_type, &item["value"], stop);
        }
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
        self.forget_parked(flow, n);
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
        // The ticket's rows from the data_no index (a number no row can have finds none).
        let rows: Vec<Value> = i64::try_from(n)
            .ok()
            .and_then(|n| u64::try_from(n).ok())
            .map(|data_no| self.flows[flow].rows_of_ticket(data_no))
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.is_idle_current())
            .map(|r| json!({"data_id": r["id"], "stop_chart_text": r["stop_chart_text"]}))
            .collect();
        Reply::ok(text(MessageId::QuerySuccess, lang), Value::Array(rows))
    }
}
