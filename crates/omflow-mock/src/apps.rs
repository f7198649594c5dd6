//! Apps exported from a real server (`flow-active-app/export/`): the file is a list of apps,
//! each `{app_name, app_attr, flow_list: [{flow_name, description, flowobject, config}],
//! language_package}`, the same list `flow-workspace-app/import/` takes. Each flow becomes a
//! [`SeedFlow`] served as deployed: its design as exported, its forms, api_path, quick
//! actions and the permissions its `config.permission` grants to roles by name.
//!
//! A deploy gives a flow a new uuid; the fake derives one from the app's and the flow's
//! names (UUID v5), so a flow keeps its uuid each time the same file is loaded. The
//! community licence's limit on deployed apps is not the fake's business: it loads any number.

use crate::seed::{
    SeedField, SeedFlow, SeedInput, SeedItem, SeedOption, SeedQuickAction, SeedRule, SeedStopField,
};
use serde_json::{Map, Value};

/// The kinds of stop the fake's engine runs.
pub const RUNNABLE_KINDS: [&str; 14] = [
    "start",
    "form",
    "switch",
    "setform",
    "python",
    "sleep",
    "outflow",
    "inflow",
    "async",
    "collection",
    "subflow",
    "org1",
    "org2",
    "end",
];

/// Why an export file cannot be loaded (nothing of it is).
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum AppError {
    /// The file is not an export (`[{app_name, flow_list: [...]}]`).
    #[error("not an app export ({0}): expected the list flow-active-app/export/ answers, [{{\"app_name\": ..., \"flow_list\": [{{\"flow_name\", \"flowobject\", \"config\"}}]}}]")]
    NotAnExport(String),
    /// A flow's `config.permission` names a role the fake has no group for.
    #[error("flow {flow}: its permissions name the role {role:?}, which is not a group of the seed; add the group (seed groups, or SeedBuilder::group) before loading the app")]
    UnknownRole {
        /// The flow.
        flow: String,
        /// The role's name.
        role: String,
    },
    /// Stops the fake's engine does not run yet.
    #[error("the fake does not run these stops, so it loads none of the file: {}; it runs {} (other kinds are none of the engine's)", stops.join(", "), RUNNABLE_KINDS.join(", "))]
    UnsupportedStops {
        /// `flow: text (FITEM_n, kind)`, each.
        stops: Vec<String>,
    },
    /// An api_path two flows claim (this file's, or one the fake serves already).
    #[error("api_path {0:?} is taken by two flows; a server deploys one flow per api_path")]
    DuplicateApiPath(String),
}

/// What loading an export adds: the flows, and the permissions each role gains.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LoadedApps {
    /// The flows, as deployed.
    pub flows: Vec<SeedFlow>,
    /// `(role name, permission codename)`, each.
    pub grants: Vec<(String, String)>,
}

/// Whether `text` is an app export file (a JSON list of apps, each with its `app_name` and
/// `flow_list`), so that one given where a seed is expected is named for what it is.
pub(crate) fn looks_like_export(text: &str) -> bool {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(apps)) => {
            !apps.is_empty()
                && apps
                    .iter()
                    .all(|app| app.get("app_name").is_some() && app.get("flow_list").is_some())
        }
        _ => false,
    }
}

/// Reads an export file's JSON into flows.
///
/// # Errors
/// [`AppError`]: not an export, or stops the fake does not run (nothing is loaded).
pub fn read_export(export: &Value) -> Result<LoadedApps, AppError> {
    let apps = export
        .as_array()
        .ok_or_else(|| AppError::NotAnExport("not a list".into()))?;
    let mut loaded = LoadedApps::default();
    let mut unsupported = Vec::new();
    for app in apps {
        let app_name = text(app, "app_name")
            .ok_or_else(|| AppError::NotAnExport("an app without app_name".into()))?;
        let flows = app["flow_list"]
            .as_array()
            .ok_or_else(|| AppError::NotAnExport(format!("app {app_name} has no flow_list")))?;
        for exported in flows {
            let flow = read_flow(&app_name, exported)?;
            let mut all = Vec::new();
            every_item(&flow.items, &mut all);
            for item in all {
                if !RUNNABLE_KINDS.contains(&item.item_type.as_str()) {
                    unsupported.push(format!(
                        "{}: {} ({}, {})",
                        flow.flow_name, item.text, item.id, item.item_type
                    ));
                }
            }
            loaded.grants.extend(grants(&flow, &exported["config"]));
            if loaded.flows.iter().any(|f| f.api_path == flow.api_path) {
                return Err(AppError::DuplicateApiPath(flow.api_path));
            }
            loaded.flows.push(flow);
        }
    }
    if !unsupported.is_empty() {
        return Err(AppError::UnsupportedStops { stops: unsupported });
    }
    Ok(loaded)
}

/// Every item, those of subflows included (at any depth).
fn every_item<'a>(items: &'a [SeedItem], into: &mut Vec<&'a SeedItem>) {
    for item in items {
        into.push(item);
        every_item(&item.sub_items, into);
    }
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}

fn flag(config: &Value, key: &str) -> bool {
    config.get(key).and_then(Value::as_bool).unwrap_or(true)
}

/// The uuid a flow of this app gets (the same each time).
#[must_use]
pub fn flow_uuid(app_name: &str, flow_name: &str) -> String {
    uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_OID,
        format!("omflow-mock/app/{app_name}/{flow_name}").as_bytes(),
    )
    .simple()
    .to_string()
}

fn read_flow(app_name: &str, exported: &Value) -> Result<SeedFlow, AppError> {
    let flow_name = text(exported, "flow_name").ok_or_else(|| {
        AppError::NotAnExport(format!("a flow of app {app_name} without flow_name"))
    })?;
    // The design is an object, or the JSON text the server stores.
    let design = match &exported["flowobject"] {
        Value::String(text) => serde_json::from_str(text).map_err(|e| {
            AppError::NotAnExport(format!("flow {flow_name}: its flowobject is not JSON: {e}"))
        })?,
        other => other.clone(),
    };
    if !design["items"].is_array() {
        return Err(AppError::NotAnExport(format!(
            "flow {flow_name}: its flowobject has no items"
        )));
    }
    let config = &exported["config"];
    let form_object = design["form_object"].clone();
    let fields = main_fields(&form_object);
    let mut items = items(&design);
    name_subflows(&mut items, &config["subflow"], app_name);
    let counter = form_object["form_item_counter"].as_u64().unwrap_or(0);
    let highest = fields
        .iter()
        .filter_map(|f| f.id.strip_prefix("FORMITM_")?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    let ui_config: Map<String, Value> = ["fp_show", "worklog", "history", "attachment", "relation"]
        .iter()
        .map(|key| ((*key).to_string(), Value::Bool(flag(config, key))))
        .collect();
    Ok(SeedFlow {
        app_name: app_name.to_string(),
        flow_uuid: flow_uuid(app_name, &flow_name),
        api_path: text(config, "api_path").unwrap_or_default(),
        api: flag(config, "api"),
        is_active: true,
        mission: flag(config, "mission"),
        deployed: true,
        column_count: u32::try_from(counter.max(highest)).unwrap_or(u32::MAX),
        fields,
        items,
        form_object: Some(form_object).filter(|f| f.is_object()),
        ui_config: Some(Value::Object(ui_config)),
        flowobject: Some(crate::pyjson::dumps(&design)),
        flow_name,
        rows: Vec::new(),
        flow_logs: Vec::new(),
    })
}

/// The permissions `config.permission` grants: `[{role_name, value: {view, add, modify,
/// delete}}]`, as the deploy adds them to each role.
fn grants(flow: &SeedFlow, config: &Value) -> Vec<(String, String)> {
    let mut grants = Vec::new();
    for entry in config["permission"].as_array().into_iter().flatten() {
        let Some(role) = text(entry, "role_name") else {
            continue;
        };
        for (key, suffix) in [
            ("view", "View"),
            ("add", "Add"),
            ("modify", "Modify"),
            ("delete", "Delete"),
        ] {
            if entry["value"][key].as_bool() == Some(true) {
                grants.push((role.clone(), format!("Omdata_{}_{suffix}", flow.flow_uuid)));
            }
        }
    }
    grants
}

/// The form fields of a form design (`FORMITM_n` items; boxes left out).
fn form_fields(form_object: &Value) -> impl Iterator<Item = &Value> {
    form_object["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|item| {
            item["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("FORMITM_"))
        })
}

fn options(config: &Value) -> Vec<SeedOption> {
    config["lists"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|option| {
            Some(SeedOption {
                value: option.get("value").map(value_text)?,
                text: option.get("text").map(value_text).unwrap_or_default(),
            })
        })
        .collect()
}

/// A design value as the form's text.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn main_fields(form_object: &Value) -> Vec<SeedField> {
    form_fields(form_object)
        .map(|item| {
            let config = &item["config"];
            let title = text(config, "title").or_else(|| text(config, "group_title"));
            SeedField {
                id: text(item, "id").unwrap_or_default(),
                field_type: text(item, "type").unwrap_or_default(),
                title: title.unwrap_or_default(),
                user_title: text(config, "user_title"),
                options: options(config),
                default: config.get("value").filter(|v| !v.is_null()).map(value_text),
                required: config["require"].as_bool().unwrap_or(false),
                regex: text(config, "regex").filter(|r| !r.is_empty()),
            }
        })
        .collect()
}

fn assignments(list: &Value) -> Vec<SeedInput> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|row| SeedInput {
            name: text(row, "name").unwrap_or_default(),
            value: row.get("value").filter(|v| !v.is_null()).map(value_text),
        })
        .collect()
}

/// Gives each subflow stop its subflow's name, from the flow's `config.subflow` list
/// (`[{uid, name, description}]`).
fn name_subflows(items: &mut [SeedItem], names: &Value, app_name: &str) {
    for item in items {
        if let Some(uid) = &item.subflow_id {
            item.subflow_name = names
                .as_array()
                .into_iter()
                .flatten()
                .find(|entry| entry.get("uid").map(value_text).as_deref() == Some(uid))
                .and_then(|entry| text(entry, "name"));
            // A subflow is deployed as a flow of its own: its uuid as a flow's is drawn.
            let name = item.subflow_name.clone().unwrap_or_else(|| uid.clone());
            item.subflow_uuid = Some(flow_uuid(app_name, &name));
        }
        name_subflows(&mut item.sub_items, names, app_name);
    }
}

/// The embedded design a subflow item runs (`config.subflow_id` = a `subflow` entry's `uid`).
fn subflow_of<'a>(design: &'a Value, config: &Value) -> Option<&'a Value> {
    let wanted = value_text(config.get("subflow_id")?);
    if wanted.is_empty() {
        return None;
    }
    design["subflow"]
        .as_array()?
        .iter()
        .find(|sub| sub.get("uid").map(value_text).as_deref() == Some(wanted.as_str()))
}

fn items(design: &Value) -> Vec<SeedItem> {
    let all = design["items"].as_array().cloned().unwrap_or_default();
    let next_of = |id: &str| {
        all.iter()
            .find(|line| line["type"] == "line" && line["config"]["source_item"] == id)
            .and_then(|line| text(&line["config"], "target_item"))
    };
    all.iter()
        .filter(|item| item["type"] != "line")
        .map(|item| {
            let id = text(item, "id").unwrap_or_default();
            let config = &item["config"];
            let stop_form = &config["form_object"];
            let action = |n: u8| {
                (config[format!("action{n}")].as_bool() == Some(true)).then(|| SeedQuickAction {
                    text: text(config, &format!("action{n}_text")).unwrap_or_default(),
                    inputs: assignments(&config[format!("input{n}")]),
                })
            };
            SeedItem {
                next: next_of(&id),
                item_type: text(item, "type").unwrap_or_default(),
                text: text(item, "text").unwrap_or_default(),
                inputs: assignments(&config["input"]),
                outputs: assignments(&config["output"]),
                calculate: config["calculate"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|row| serde_json::from_value(row.clone()).ok())
                    .collect(),
                rules: config["rules"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|rule| SeedRule {
                        value1: rule.get("value1").map(value_text).unwrap_or_default(),
                        value2: rule.get("value2").map(value_text).unwrap_or_default(),
                        target: text(rule, "target").unwrap_or_default(),
                        rule: text(rule, "rule").unwrap_or_else(|| "=".into()),
                    })
                    .collect(),
                fields: form_fields(stop_form)
                    .map(|field| SeedStopField {
                        id: text(field, "id").unwrap_or_default(),
                        field_type: text(field, "type").unwrap_or_default(),
                        required: field["config"]["require"].as_bool().unwrap_or(false),
                        options: options(&field["config"]),
                        regex: text(&field["config"], "regex").filter(|r| !r.is_empty()),
                    })
                    .collect(),
                form_object: stop_form
                    .get("items")
                    .filter(|items| items.as_array().is_some_and(|a| !a.is_empty()))
                    .map(|_| stop_form.clone()),
                sub_items: subflow_of(design, config).map(items).unwrap_or_default(),
                subflow_name: None,
                subflow_uuid: None,
                subflow_id: config
                    .get("subflow_id")
                    .map(value_text)
                    .filter(|uid| !uid.is_empty()),
                code: text(config, "code"),
                autoinstall: config.get("autoinstall").is_some_and(crate::world::truthy),
                main: text(config, "main").filter(|v| !v.is_empty()),
                target_app: text(config, "app_name").filter(|v| !v.is_empty()),
                target_flow: text(config, "flow_name").filter(|v| !v.is_empty()),
                subflow_inputs: assignments(&config["subflow_input"]),
                subflow_outputs: assignments(&config["subflow_output"]),
                msec: config.get("msec").filter(|v| !v.is_null()).cloned(),
                wait_value: text(config, "value").filter(|v| !v.is_empty()),
                action1: action(1),
                action2: action(2),
                id,
            }
        })
        .collect()
}
