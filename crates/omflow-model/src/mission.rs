//! My-missions records (`/rest/my-mission/api/my-mission/list/`).

use crate::ids::{DataId, DataNo, FlowUuid, GroupId, MissionId, UserId};
use crate::time::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use serde_json::{Map, Value};

/// One mission (a to-do at a form stop), with every column the server returns.
///
/// Nullability follows the real server. Unknown columns are kept in [`Mission::extra`] and
/// written back, so a record round-trips.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Mission {
    /// Mission id (global across flows).
    pub id: MissionId,
    /// The ticket's flow.
    pub flow_uuid: Option<FlowUuid>,
    /// The flow's name at deploy time.
    pub flow_name: Option<String>,
    /// Display text of the ticket's status field when the mission was created.
    pub status: Option<String>,
    /// Raw value of the level field (`green`, `yellow`, `red`, or empty).
    pub level: Option<String>,
    /// Ticket title when the mission was created.
    pub title: Option<String>,
    /// Ticket number.
    pub data_no: Option<DataNo>,
    /// The ticket row this mission belongs to: what a push or quick action names.
    pub data_id: Option<DataId>,
    /// Handled already (and always for the creation record).
    pub history: bool,
    /// Stop id (`FITEM_n`, or a `-` path in subflows).
    pub stop_uuid: Option<String>,
    /// Stop display name.
    pub stop_chart_text: Option<String>,
    /// Username of the ticket's creator.
    pub create_user_id: Option<String>,
    /// Username of whoever pushed it.
    pub update_user_id: Option<String>,
    /// Creation time of the ticket.
    pub ticket_createtime: Option<Timestamp>,
    /// Mission creation time.
    pub createtime: Timestamp,
    /// Last change of the mission.
    pub updatetime: Timestamp,
    /// Assigned user.
    pub assignee_id: Option<UserId>,
    /// Assigned group.
    pub assign_group_id: Option<GroupId>,
    /// Quick-action labels as sent (`"完成,退回"`, `","`); see [`Mission::quick_actions`].
    pub action: Option<String>,
    /// The ticket has uploaded files.
    pub attachment: bool,
    /// The ticket is closed.
    pub closed: bool,
    /// The flow is enabled (absent on older builds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    /// The flow is deployed (absent on older builds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy_flag: Option<bool>,
    /// Columns this SDK does not know, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

crate::record::record_deserialize!(
    Mission,
    "a mission record",
    required {
        id: MissionId,
        history: bool,
        createtime: Timestamp,
        updatetime: Timestamp,
        attachment: bool,
        closed: bool,
    },
    optional {
        flow_uuid: FlowUuid,
        flow_name: String,
        status: String,
        level: String,
        title: String,
        data_no: DataNo,
        data_id: DataId,
        stop_uuid: String,
        stop_chart_text: String,
        create_user_id: String,
        update_user_id: String,
        ticket_createtime: Timestamp,
        assignee_id: UserId,
        assign_group_id: GroupId,
        action: String,
        is_active: bool,
        deploy_flag: bool,
    },
    extra: extra
);

impl Mission {
    /// The quick actions the mission's stop offers, from [`Mission::action`].
    #[must_use]
    pub fn quick_actions(&self) -> QuickActionLabels {
        QuickActionLabels::parse(self.action.as_deref())
    }
}

/// The labels of a stop's quick actions `action1` and `action2`.
///
/// ```
/// use omflow_model::QuickActionLabels;
/// let labels = QuickActionLabels::parse(Some("完成,退回"));
/// assert_eq!(labels.action1.as_deref(), Some("完成"));
/// assert_eq!(labels.action2.as_deref(), Some("退回"));
/// assert!(QuickActionLabels::parse(Some(",")).is_empty());
/// assert!(QuickActionLabels::parse(None).is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QuickActionLabels {
    /// Label of `action1`, when the stop has one.
    pub action1: Option<String>,
    /// Label of `action2`, when the stop has one.
    pub action2: Option<String>,
}

impl QuickActionLabels {
    /// Splits the wire text on its first comma (labels containing commas are ambiguous).
    #[must_use]
    pub fn parse(action: Option<&str>) -> Self {
        let Some(text) = action else {
            return QuickActionLabels::default();
        };
        let (first, second) = text.split_once(',').unwrap_or((text, ""));
        let label = |s: &str| (!s.is_empty()).then(|| s.to_string());
        QuickActionLabels {
            action1: label(first),
            action2: label(second),
        }
    }

    /// Whether the stop has no quick action at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.action1.is_none() && self.action2.is_none()
    }

    /// Whether the stop offers `action`.
    #[must_use]
    pub fn offers(&self, action: crate::QuickAction) -> bool {
        match action {
            crate::QuickAction::Action1 => self.action1.is_some(),
            crate::QuickAction::Action2 => self.action2.is_some(),
        }
    }
}

/// A row of a projected list (`search_columns`): any subset of columns, relation paths
/// (`assign_group__display_name`) included. Read columns with [`ProjectedRow::get`].
///
/// ```
/// use omflow_model::{ProjectedRow, DataId};
/// let row: ProjectedRow = serde_json::from_str(r#"{"id":16,"data_id":16,"title":"Alpha"}"#).unwrap();
/// assert_eq!(row.get::<DataId>("data_id").unwrap(), Some(DataId(16)));
/// assert_eq!(row.get::<String>("missing").unwrap(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct ProjectedRow(pub Map<String, Value>);

impl ProjectedRow {
    /// Reads one column as `T`; `Ok(None)` when the column is absent or `null`.
    ///
    /// # Errors
    /// serde_json's error when the column's value is not a `T`.
    pub fn get<T: DeserializeOwned>(&self, column: &str) -> Result<Option<T>, serde_json::Error> {
        match self.0.get(column) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => T::deserialize(value).map(Some),
        }
    }

    /// The raw value of a column.
    #[must_use]
    pub fn raw(&self, column: &str) -> Option<&Value> {
        self.0.get(column)
    }

    /// Column names in the order the server sent them.
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}
