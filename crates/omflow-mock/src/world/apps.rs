//! The deployed apps (`listActiveApplicationAjax`, `exportActiveApplicationAjax`; the
//! `/rest/` wrapper checks the flow-management permission first): an app is the flows of one
//! app name, numbered in the order the fake deployed them (the shipped app first, as on a
//! real server). An app loaded from an export file exports as it was loaded; any other app's
//! export is written from its flows.

use super::*;

impl World {
    /// `flow-active-app/list/` without the DataTables fields: `[{id, app_name}]` of every
    /// active app, but `app_id`'s when given; with `schedule`, the apps and their flows.
    pub(crate) fn list_apps(&self, body: &Map<String, Value>, lang: Lang) -> Reply {
        let names = self.app_names();
        let apps = names
            .iter()
            .enumerate()
            .map(|(at, name)| (at as u64 + 1, name.as_str()));
        if body.get("schedule").is_some_and(truthy) {
            let app: Vec<Value> = apps
                .clone()
                .map(|(id, name)| json!({"id": id, "app_name": name}))
                .collect();
            let flow: Vec<Value> = self
                .flows
                .iter()
                .enumerate()
                .filter(|(_, f)| f.def.deployed)
                .map(|(at, f)| {
                    let app_id = names.iter().position(|n| *n == f.def.app_name).unwrap_or(0);
                    json!({"id": at + 1, "flow_uuid": hyphenate(&f.def.flow_uuid),
                           "flow_name": f.def.flow_name, "flow_app_id": app_id + 1})
                })
                .collect();
            return Reply::ok(
                text(MessageId::QuerySuccess, lang),
                json!({"app": app, "flow": flow}),
            );
        }
        let left_out = body.get("app_id").and_then(int_like);
        let result: Vec<Value> = apps
            .filter(|(id, _)| Some(*id) != left_out)
            .map(|(id, name)| json!({"id": id, "app_name": name}))
            .collect();
        Reply::ok(text(MessageId::QuerySuccess, lang), Value::Array(result))
    }

    /// `flow-active-app/export/`: the apps of `app_id_list`, each as the export file holds
    /// it; an id that names no active app fails the whole export.
    pub(crate) fn export_apps(&self, body: &Map<String, Value>, lang: Lang) -> Reply {
        if let Some(reply) = crate::checker::check(body, &["app_id_list"], lang) {
            return reply;
        }
        let names = self.app_names();
        let ids: Vec<Option<u64>> = match &body["app_id_list"] {
            Value::Array(ids) => ids.iter().map(int_like).collect(),
            _ => vec![None],
        };
        let mut result = Vec::new();
        for id in ids {
            let name = id
                .and_then(|id| usize::try_from(id).ok())
                .and_then(|id| id.checked_sub(1))
                .and_then(|at| names.get(at));
            let Some(name) = name else {
                return Reply::fail(404, text(MessageId::ExportFailed, lang));
            };
            result.push(self.app_export(name.as_str()));
        }
        Reply::ok(text(MessageId::ExportSuccess, lang), Value::Array(result))
    }

    /// App `name` as an export file holds it.
    fn app_export(&self, name: &str) -> Value {
        if let Some(loaded) = self.app_exports.iter().find(|a| a["app_name"] == name) {
            return loaded.clone();
        }
        let flow_list: Vec<Value> = self
            .flows
            .iter()
            .enumerate()
            .filter(|(_, f)| f.def.deployed && f.def.app_name == name)
            .map(|(at, _)| self.flow_export(at))
            .collect();
        json!({"app_name": name, "app_attr": "user", "flow_list": flow_list,
               "language_package": "{}"})
    }

    /// A flow of the fake's own as an export writes it: its design, its settings and the
    /// permissions the seed's groups hold on it, by role name.
    fn flow_export(&self, flow: usize) -> Value {
        let def = &self.flows[flow].def;
        let design: Value = def
            .flowobject
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_else(|| self.flow_chart(flow));
        let ui = def.ui_config.clone().unwrap_or(Value::Null);
        let flag = |key: &str| ui.get(key).and_then(Value::as_bool).unwrap_or(true);
        let permission: Vec<Value> = self
            .groups
            .iter()
            .filter_map(|group| {
                let holds = |suffix: &str| {
                    let codename = format!("Omdata_{}_{suffix}", def.flow_uuid);
                    group.permissions.contains(&codename)
                };
                let value = json!({"view": holds("View"), "add": holds("Add"),
                                   "modify": holds("Modify"), "delete": holds("Delete")});
                let any = value.as_object().is_some_and(|v| v.values().any(truthy));
                any.then(|| json!({"role_name": group.display_name, "value": value}))
            })
            .collect();
        let subflow: Vec<Value> = def
            .items
            .iter()
            .filter_map(|item| {
                let uid = item.subflow_id.as_ref()?;
                Some(
                    json!({"uid": uid, "name": item.subflow_name.clone().unwrap_or_default(),
                            "description": ""}),
                )
            })
            .collect();
        json!({
            "flow_name": def.flow_name,
            "description": "",
            "flowobject": design,
            "config": {
                "name": def.flow_name, "description": "",
                "fp_show": flag("fp_show"), "attachment": flag("attachment"),
                "relation": flag("relation"), "worklog": flag("worklog"),
                "history": flag("history"), "mission": def.mission, "flowlog": true,
                "api_path": def.api_path, "api": def.api, "subflow": subflow,
                "permission": permission,
            },
        })
    }
}
