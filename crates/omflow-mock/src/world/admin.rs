//! Administration views: the API-format helper, group members, users, flow flags.

use super::*;

impl World {
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
        let uuid = hyphenate(&self.flows[flow].def.flow_uuid);
        let def = &mut self.flows[flow].def;
        match body.get("field").and_then(Value::as_str) {
            Some("api") => def.api = !def.api,
            Some("is_active") => {
                def.is_active = !def.is_active;
                let active = def.is_active;
                self.missions.update_flow(&uuid, |m| m.set_active(active));
            }
            _ => {}
        }
        Reply::ok(text(MessageId::SettingSuccess, lang), Value::Null)
    }
}
