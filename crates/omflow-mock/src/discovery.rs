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
        let items: Vec<Value> = def
            .items
            .iter()
            .map(|item| json!({"id": item.id, "type": item.item_type, "text": item.text}))
            .collect();
        Reply::ok(
            text(MessageId::UpdateSuccess, lang),
            json!({
                "flowobject": crate::pyjson::dumps(&json!({"items": items})),
                "inoutput": [],
                "flow_name": def.flow_name,
            }),
        )
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
