//! Query-form rows (`/rest/flowmanage/api/omdata/list/<api_path>`): a ticket's current row
//! and its history snapshots.

use crate::ids::{DataId, DataNo, FieldId, FlowUuid};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One row of a flow's ticket table. A ticket has one current row (`history == false`) and
/// many history rows. Field values (`formitm_N`, lower-case) and unknown columns are in
/// [`TicketRow::extra`]; read fields with [`TicketRow::field`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct TicketRow {
    /// The row's `data_id`.
    pub id: DataId,
    /// The flow.
    pub flow_uuid: Option<FlowUuid>,
    /// Usually `""`.
    pub dataid_header: Option<String>,
    /// Ticket number.
    pub data_no: DataNo,
    /// A snapshot (true) or the current row (false).
    pub history: bool,
    /// Display text of the status field.
    pub status: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Raw level value.
    pub level: Option<String>,
    /// JSON text `{"group": "<group name>", "user": "<nick name>"}`; see [`TicketRow::group_header`].
    pub group: Option<String>,
    /// Ticket closed.
    pub closed: bool,
    /// Current stop id.
    pub stop_uuid: Option<String>,
    /// Normally null.
    pub stop_chart_type: Option<String>,
    /// Current stop name.
    pub stop_chart_text: Option<String>,
    /// The engine is still processing a push.
    pub running: bool,
    /// The row is in error.
    pub error: bool,
    /// Row creation time.
    pub createtime: Timestamp,
    /// Last change.
    pub updatetime: Timestamp,
    /// When the row arrived at its stop.
    pub stoptime: Option<Timestamp>,
    /// Creator's username.
    pub create_user_id: Option<String>,
    /// Last updater's username.
    pub update_user_id: Option<String>,
    /// JSON text of the engine's state.
    pub data_param: Option<String>,
    /// Error text, when in error.
    pub error_message: Option<String>,
    /// Id of the ticket's first row.
    pub init_data_id: Option<DataId>,
    /// Subflow row.
    pub is_child: bool,
    /// `formitm_N` values and unknown columns, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

crate::record::record_deserialize!(
    TicketRow,
    "a ticket row",
    required {
        id: DataId,
        data_no: DataNo,
        history: bool,
        closed: bool,
        running: bool,
        error: bool,
        createtime: Timestamp,
        updatetime: Timestamp,
        is_child: bool,
    },
    optional {
        flow_uuid: FlowUuid,
        dataid_header: String,
        status: String,
        title: String,
        level: String,
        group: String,
        stop_uuid: String,
        stop_chart_type: String,
        stop_chart_text: String,
        stoptime: Timestamp,
        create_user_id: String,
        update_user_id: String,
        data_param: String,
        error_message: String,
        init_data_id: DataId,
    },
    extra: extra
);

/// The decoded `group` column: display names, not ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GroupHeader {
    /// Group display name.
    pub group: String,
    /// User nick name, or empty.
    pub user: String,
}

impl TicketRow {
    /// The stored text of a field (`None` when absent or null).
    pub fn field(&self, id: &FieldId) -> Option<&str> {
        self.extra.get(&id.column()).and_then(Value::as_str)
    }

    /// Every `formitm_N` column with its stored text, in column order.
    pub fn fields(&self) -> impl Iterator<Item = (FieldId, Option<&str>)> {
        self.extra.iter().filter_map(|(key, value)| {
            let id = FieldId::new(key).ok()?;
            key.starts_with("formitm_").then(|| (id, value.as_str()))
        })
    }

    /// The `group` column decoded.
    ///
    /// # Errors
    /// serde_json's error when the column is not the JSON text of a header.
    pub fn group_header(&self) -> Result<Option<GroupHeader>, serde_json::Error> {
        self.group
            .as_deref()
            .filter(|text| !text.is_empty())
            .map(serde_json::from_str)
            .transpose()
    }

    /// The `data_param` column decoded.
    ///
    /// # Errors
    /// serde_json's error when the column is not JSON text.
    pub fn data_param(&self) -> Result<Option<Value>, serde_json::Error> {
        self.data_param
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
    }
}

/// One answer row of `/rest/flowmanage/api/omdata-data-id/get/<api_path>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DataIdEntry {
    /// The ticket's current open row.
    pub data_id: DataId,
    /// Its stop's name.
    pub stop_chart_text: Option<String>,
}
