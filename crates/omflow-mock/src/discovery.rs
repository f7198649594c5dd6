//! The designer's discovery views the `/rest/` wrapper also reaches: `flow-display/get`,
//! `flow-object/load`, `flow-active/list` and `flow-active-display-field/get`.
//!
//! Their error paths follow the real server (checked against the recorded transcripts);
//! their success answers are built from the seed, which keeps no flow chart, display
//! settings or language pack, so those are approximations.

use crate::checker;
use crate::world::{hyphenate, text, Caller, Reply, World};
use omflow_model::{Lang, MessageId};
use serde_json::{json, Map, Value};

impl World {
    fn named_flow(&self, body: &Map<String, Value>) -> Option<usize> {
        let name = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or("");
        self.flow_by_name(name("app_name"), name("flow_name"))
    }

    /// `getFlowFieldNameAjax` (flow management): field ids with their titles.
    pub(crate) fn flow_field_names(&self, body: &Map<String, Value>, lang: Lang) -> Reply {
        if let Some(reply) = checker::check(body, &["app_name", "flow_name"], lang) {
            return reply;
        }
        let Some(flow) = self.named_flow(body) else {
            return Reply::fail(500, "'NoneType' object has no attribute 'flow_uuid'");
        };
        let design = self.main_form_object(flow);
        let mut names = Map::new();
        for item in design["items"].as_array().into_iter().flatten() {
            let id = item["id"].as_str().unwrap_or("").to_lowercase();
            if id.starts_with("formitm_") {
                let config = &item["config"];
                let title = config
                    .get("title")
                    .or_else(|| config.get("group_title"))
                    .cloned()
                    .unwrap_or(Value::Null);
                names.insert(id, title);
            }
        }
        Reply::ok(text(MessageId::ReadSuccess, lang), Value::Object(names))
    }

    /// `loadFlowObjectAjax` (login; `checkOmDataPermission` by data_no for `_View`).
    pub(crate) fn flow_object(
        &self,
        body: &Map<String, Value>,
        caller: &Caller,
        lang: Lang,
    ) -> Reply {
        let empty = Value::String(String::new());
        let flow_uuid = body.get("flow_uuid").unwrap_or(&empty);
        let data_no = body.get("data_no").unwrap_or(&empty);
        if !self.check_omdata_permission(caller, flow_uuid, data_no, &Value::Null, "_View") {
            return Reply::fail(403, text(MessageId::NoPermission, lang));
        }
        if let Some(reply) = checker::check(body, &["flow_uuid", "flow_level", "data_no"], lang) {
            return reply;
        }
        let Some(flow) = flow_uuid.as_str().and_then(|hex| self.flow_by_hex(hex)) else {
            return Reply::fail(404, text(MessageId::FlowNotFound, lang));
        };
        let def = &self.flows[flow].def;
        // A subflow's level: its design, and the log of the stops inside subflow stop
        // `parent_chart_id`.
        let text_of = |key: &str| body.get(key).map(plain_text).unwrap_or_default();
        let flow_uid = text_of("flow_uid");
        let parent = text_of("parent_chart_id");
        let within = (!flow_uid.is_empty() && !parent.is_empty()).then_some(parent.as_str());
        // The log of the asked level (`int(flow_level)` per entry: a bad level answers null,
        // but only when there are entries to test it on).
        let entries = crate::world::int_like(data_no)
            .map(|n| self.flow_log(flow, n, within))
            .unwrap_or_default();
        let level = body.get("flow_level").and_then(crate::world::int_like);
        let inoutput = match level {
            _ if entries.is_empty() => json!([]),
            Some(1) if within.is_none() => Value::Array(entries),
            Some(2) if within.is_some() => Value::Array(entries),
            Some(_) => json!([]),
            None => Value::Null,
        };
        let design = def
            .flowobject
            .clone()
            .unwrap_or_else(|| crate::pyjson::dumps(&self.flow_chart(flow)));
        let design = if flow_uid.is_empty() {
            design
        } else {
            match subflow_design(&design, &flow_uid) {
                Some(sub) => sub,
                None => return Reply::fail(404, text(MessageId::FlowNotFound, lang)),
            }
        };
        Reply::ok(
            text(MessageId::UpdateSuccess, lang),
            json!({
                "flowobject": design,
                "inoutput": inoutput,
                "flow_name": subflow_name(&def.items, &flow_uid).unwrap_or(&def.flow_name),
            }),
        )
    }

    /// The flow's design as the designer saves it: its stops with their inputs, quick
    /// actions and switch rules, a line per `next`, and the main form.
    pub(crate) fn flow_chart(&self, flow: usize) -> Value {
        let def = &self.flows[flow].def;
        let assignments = |inputs: &[crate::seed::SeedInput]| -> Vec<Value> {
            inputs
                .iter()
                .map(|i| json!({"require": false, "value": i.value, "name": i.name, "des": ""}))
                .collect()
        };
        let mut items: Vec<Value> = Vec::new();
        for item in &def.items {
            let mut config = Map::new();
            match item.item_type.as_str() {
                "switch" => {
                    let rules: Vec<Value> = item
                        .rules
                        .iter()
                        .map(|r| json!({"target": r.target, "value1": r.value1, "value2": r.value2, "rule": r.rule}))
                        .collect();
                    config.insert("calculate".into(), json!(item.calculate));
                    config.insert("rules".into(), Value::Array(rules));
                }
                _ => {
                    config.insert("calculate".into(), json!(item.calculate));
                    config.insert("input".into(), Value::Array(assignments(&item.inputs)));
                    config.insert("output".into(), Value::Array(assignments(&item.outputs)));
                }
            }
            if item.item_type == "form" {
                // A stop with a form of its own carries it; the others show the main form.
                let own = item.form_object.is_some() || !item.fields.is_empty();
                let form = if own {
                    self.stop_form_object(flow, &item.id)
                } else {
                    json!("")
                };
                config.insert("form_object".into(), form);
                for (n, action) in [(1, &item.action1), (2, &item.action2)] {
                    config.insert(format!("action{n}"), json!(action.is_some()));
                    config.insert(
                        format!("action{n}_text"),
                        json!(action.as_ref().map(|a| a.text.clone()).unwrap_or_default()),
                    );
                    config.insert(
                        format!("input{n}"),
                        Value::Array(
                            action
                                .as_ref()
                                .map(|a| assignments(&a.inputs))
                                .unwrap_or_default(),
                        ),
                    );
                }
            }
            items.push(
                json!({"id": item.id, "type": item.item_type, "text": item.text, "config": config}),
            );
        }
        let mut line = 0;
        for item in &def.items {
            if let Some(next) = &item.next {
                line += 1;
                items.push(
                    json!({"id": format!("FLINE_MW{line}"), "type": "line", "text": "",
                    "config": {"source_item": item.id, "target_item": next}}),
                );
            }
        }
        json!({
            "flow_item_counter": def.items.len(),
            "flow_line_counter": line,
            "form_object": self.main_form_object(flow),
            "is_sub": false,
            "subflow": [],
            "items": items,
            "version": 1,
        })
    }

    /// `listFlowActiveAjax` (flow management): the deployed flows of an application.
    pub(crate) fn list_flows(&self, body: &Map<String, Value>, lang: Lang) -> Reply {
        let app = body.get("app_name").and_then(Value::as_str).unwrap_or("");
        let flows: Vec<Value> = if app.is_empty() {
            Vec::new()
        } else {
            self.flows
                .iter()
                .enumerate()
                .filter(|(_, f)| f.def.app_name == app && f.def.deployed)
                .map(|(i, f)| {
                    json!({"id": i + 1, "flow_uuid": hyphenate(&f.def.flow_uuid), "flow_name": f.def.flow_name})
                })
                .collect()
        };
        Reply::ok(text(MessageId::QuerySuccess, lang), Value::Array(flows))
    }

    /// `getFlowActiveDisplayFieldAjax` (login): by names, else by `a_flow_uuid`.
    pub(crate) fn display_fields(&self, body: &Map<String, Value>, lang: Lang) -> Reply {
        let text_of = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or("");
        let flow = if !text_of("app_name").is_empty() && !text_of("flow_name").is_empty() {
            self.named_flow(body)
        } else {
            self.flow_by_hex(text_of("a_flow_uuid"))
        };
        match flow {
            Some(_) => Reply::ok(
                text(MessageId::ReadSuccess, lang),
                json!({"display_field": "{}", "display_text": {}}),
            ),
            None => Reply::fail(500, "'NoneType' object has no attribute 'display_field'"),
        }
    }
}

/// The design of subflow `uid` inside a flow's design text, as the server stores it.
fn subflow_design(design: &str, uid: &str) -> Option<String> {
    let design: Value = serde_json::from_str(design).ok()?;
    design["subflow"]
        .as_array()?
        .iter()
        .find(|sub| sub.get("uid").map(plain_text).as_deref() == Some(uid))
        .map(crate::pyjson::dumps)
}

/// The name of subflow `uid` (`FlowActive.flow_name` of the deployed subflow), when a stop
/// of the flow runs it.
fn subflow_name<'a>(items: &'a [crate::seed::SeedItem], uid: &str) -> Option<&'a String> {
    if uid.is_empty() {
        return None;
    }
    items.iter().find_map(|item| match &item.subflow_id {
        Some(id) if id == uid => item.subflow_name.as_ref(),
        _ => subflow_name(&item.sub_items, uid),
    })
}

/// A text or a number as its text (a uid may come as either).
fn plain_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}
