//! Deployed apps (`flow-active-app/list/` and `/export/`, for holders of the flow-management
//! permission): which apps a server runs, and each as the export file a flow manager
//! downloads, the same file `flow-workspace-app/import/` takes back and the fake loads.

use crate::ids::FlowUuid;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Body of `flow-active-app/list/` as the app picker sends it (no DataTables fields): every
/// active app, or every one but `app_id`; with `schedule`, the apps and their flows
/// ([`AppsAndFlows`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListApps {
    /// Leave this app out (the picker of an app's relations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<u64>,
    /// The scheduler's picker: the apps and every flow (not subflows) with its uuid.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub schedule: bool,
}

/// What `flow-active-app/list/` answers: the apps, or with `schedule` the apps and flows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum AppList {
    /// The apps.
    Apps(Vec<ActiveApp>),
    /// The apps and their flows.
    AppsAndFlows(AppsAndFlows),
}

/// The scheduler's picker: the active apps and their flows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AppsAndFlows {
    /// The apps.
    pub app: Vec<ActiveApp>,
    /// Their flows.
    pub flow: Vec<ActiveFlow>,
}

/// A deployed flow (not a subflow) as the scheduler's picker lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ActiveFlow {
    /// Its row id (`FlowActive.id`).
    pub id: u64,
    /// Its uuid as the server deployed it.
    pub flow_uuid: FlowUuid,
    /// Its name.
    pub flow_name: String,
    /// Its app ([`ActiveApp::id`]).
    pub flow_app_id: u64,
}

/// An active app: its id and name (`flow-active-app/list/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ActiveApp {
    /// The app's id (`ActiveApplication.id`), what an export names it by.
    pub id: u64,
    /// The app's name.
    pub app_name: String,
}

/// Body of `flow-active-app/export/`: the apps to export, by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ExportApps {
    /// The apps' ids ([`ActiveApp::id`]).
    pub app_id_list: Vec<u64>,
}

/// One app of an export file: its name and kind, and each of its flows as deployed (the
/// design as the designer saved it, and the flow's settings and permissions by role name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct AppExport {
    /// The app's name.
    pub app_name: String,
    /// `user`, `cloud`, `lib` or `sys`.
    #[serde(default)]
    pub app_attr: String,
    /// Its flows: `{flow_name, description, flowobject, config}` each, kept as the server
    /// wrote them (the file is handed on to an import as it is).
    pub flow_list: Vec<Value>,
    /// The app's translations.
    #[serde(default)]
    pub language_package: Value,
    /// Any other member the server wrote, kept so that the file is written back as read.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

impl AppExport {
    /// The names of the app's flows.
    pub fn flow_names(&self) -> impl Iterator<Item = &str> {
        self.flow_list
            .iter()
            .filter_map(|flow| flow["flow_name"].as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_export_reads_its_flows_and_keeps_them_as_written() {
        let file = json!([{"app_name": "應用測試", "app_attr": "user", "flow_list": [
            {"flow_name": "採購單", "description": "", "flowobject": {"items": []}, "config": {"api_path": "p"}}
        ], "language_package": {}}]);
        let apps: Vec<AppExport> = serde_json::from_value(file.clone()).unwrap();
        assert_eq!(apps[0].flow_names().collect::<Vec<_>>(), ["採購單"]);
        assert_eq!(
            serde_json::to_value(&apps).unwrap(),
            file,
            "written back unchanged"
        );
        assert_eq!(
            serde_json::to_value(ListApps::default()).unwrap(),
            json!({}),
            "the picker's body"
        );
    }
}
