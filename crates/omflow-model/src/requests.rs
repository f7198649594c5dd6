//! Request bodies. Every `/rest/` body is a JSON object with `omflow_restapi: 1` and the
//! security code ([`RestBody`]); form encoding breaks on the real server, so there is none.

use crate::form::{FieldType, FormItem};
use crate::ids::{DataId, DataNo, FieldId};
use crate::security::SecurityCode;
use serde::de::{self, Deserializer};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;
use std::str::FromStr;

/// The body of the query-form list (`omdata/list/<api_path>/`): the list query, and on the
/// path `None` the flow's uuid beside it (without it, the same text as the query alone).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryInFlow {
    /// The flow (32 hex digits), when the path does not name it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow_uuid: Option<String>,
    /// The query.
    #[serde(flatten)]
    pub query: crate::query::Query,
}

/// Wraps an operation's body with the fields every `/rest/` call needs.
///
/// ```
/// use omflow_model::{RestBody, SecurityCode, DataIdLookup, DataNo};
/// let code = SecurityCode::new("c0de");
/// let body = RestBody::new(&code, &DataIdLookup { data_no: DataNo(8) });
/// assert_eq!(
///     serde_json::to_string(&body)?,
///     r#"{"security":"c0de","omflow_restapi":1,"data_no":8}"#
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Serialize)]
pub struct RestBody<'a, B: Serialize> {
    security: &'a SecurityCode,
    omflow_restapi: u8,
    #[serde(flatten)]
    body: &'a B,
}

impl<'a, B: Serialize> RestBody<'a, B> {
    /// The body of one call.
    pub fn new(security: &'a SecurityCode, body: &'a B) -> Self {
        RestBody {
            security,
            omflow_restapi: 1,
            body,
        }
    }
}

impl<B: Serialize> fmt::Debug for RestBody<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestBody")
            .field("security", &self.security)
            .finish_non_exhaustive()
    }
}

macro_rules! action_tag {
    ($name:ident, $word:literal) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        enum $name {
            #[default]
            #[serde(rename = $word)]
            Tag,
        }
    };
}
action_tag!(CreateTag, "create");
action_tag!(UpdateTag, "update");
action_tag!(DeleteTag, "delete");

/// Create a ticket (`action: "create"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateTicket {
    action: CreateTag,
    /// The flow as 32 hex digits, for the edit path `None` ([`crate::paths::EDIT_BY_UUID`]);
    /// absent when the path names the flow's api_path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_uuid: Option<String>,
    /// The fields to set; every required field of the flow's main form must be here.
    pub formdata: Vec<FormItem>,
}

impl CreateTicket {
    /// A create with these fields.
    #[must_use]
    pub fn new(formdata: Vec<FormItem>) -> Self {
        CreateTicket {
            action: CreateTag::Tag,
            flow_uuid: None,
            formdata,
        }
    }
}

/// Push a ticket (`action: "update"` with `formdata`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PushTicket {
    action: UpdateTag,
    /// The flow as 32 hex digits, for the edit path `None` ([`crate::paths::EDIT_BY_UUID`]);
    /// absent when the path names the flow's api_path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_uuid: Option<String>,
    /// The ticket's current row.
    pub data_id: DataId,
    /// The fields to write; every required field of the current stop must be here.
    pub formdata: Vec<FormItem>,
}

impl PushTicket {
    /// A push of `data_id` with these fields.
    #[must_use]
    pub fn new(data_id: DataId, formdata: Vec<FormItem>) -> Self {
        PushTicket {
            action: UpdateTag::Tag,
            flow_uuid: None,
            data_id,
            formdata,
        }
    }
}

/// A stop's quick action. The server knows exactly these two words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum QuickAction {
    /// `action1`.
    #[serde(rename = "action1")]
    Action1,
    /// `action2`.
    #[serde(rename = "action2")]
    Action2,
}

impl QuickAction {
    /// The wire word.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            QuickAction::Action1 => "action1",
            QuickAction::Action2 => "action2",
        }
    }
}

impl fmt::Display for QuickAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Not `action1` or `action2`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown quick action {0:?}: use action1 or action2")]
pub struct UnknownQuickAction(pub String);

impl FromStr for QuickAction {
    type Err = UnknownQuickAction;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "action1" => Ok(QuickAction::Action1),
            "action2" => Ok(QuickAction::Action2),
            other => Err(UnknownQuickAction(other.to_string())),
        }
    }
}

/// Run a stop's quick action (`action: "update"` with `quick_action`). The server ignores any
/// `formdata` and skips the required-field check, so this body has none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct QuickActionTicket {
    action: UpdateTag,
    /// The flow as 32 hex digits, for the edit path `None` ([`crate::paths::EDIT_BY_UUID`]);
    /// absent when the path names the flow's api_path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_uuid: Option<String>,
    /// The ticket's current row.
    pub data_id: DataId,
    /// Which action.
    pub quick_action: QuickAction,
}

impl QuickActionTicket {
    /// Runs `quick_action` on `data_id`.
    #[must_use]
    pub fn new(data_id: DataId, quick_action: QuickAction) -> Self {
        QuickActionTicket {
            action: UpdateTag::Tag,
            flow_uuid: None,
            data_id,
            quick_action,
        }
    }
}

/// Delete tickets by number (`action: "delete"`). Numbers are sent as strings: the server
/// answers "not found" for a bare integer and deletes nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DeleteTickets {
    action: DeleteTag,
    /// The tickets to delete.
    #[serde(
        serialize_with = "data_nos_as_strings",
        deserialize_with = "data_nos_from_list"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<DataNo>"))]
    pub data_no: Vec<DataNo>,
}

impl DeleteTickets {
    /// Deletes these tickets.
    #[must_use]
    pub fn new(data_no: Vec<DataNo>) -> Self {
        DeleteTickets {
            action: DeleteTag::Tag,
            data_no,
        }
    }
}

fn data_nos_as_strings<S: Serializer>(
    numbers: &[DataNo],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut seq = serializer.serialize_seq(Some(numbers.len()))?;
    for number in numbers {
        seq.serialize_element(&number.to_string())?;
    }
    seq.end()
}

fn data_nos_from_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<DataNo>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Array(items) => items
            .into_iter()
            .map(|item| DataNo::deserialize(item).map_err(de::Error::custom))
            .collect(),
        other => Err(de::Error::custom(format!(
            "data_no must be a list (the server deletes nothing for a bare number), got {other}"
        ))),
    }
}

/// Look up a ticket's current `data_id` by its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DataIdLookup {
    /// The ticket number.
    pub data_no: DataNo,
}

/// What the API-format helper (`/rest/flowmanage/api/flow-active-api-format/get/`) describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum ApiFormatAction {
    /// The flow's `api_path` (a string result).
    Query,
    /// The create body.
    Create,
    /// The push body.
    Update,
}

/// Ask the server how a flow's API bodies look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiFormatRequest {
    /// The flow's application.
    pub app_name: String,
    /// The flow's name.
    pub flow_name: String,
    /// What to describe.
    pub action: ApiFormatAction,
}

/// The API-format helper's description of a create or push body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApiFormat {
    /// An example input body.
    pub input: ApiFormatInput,
    /// Example outputs (statuses shown as strings).
    #[serde(default)]
    pub output: Value,
}

/// The example input of [`ApiFormat`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApiFormatInput {
    /// The flow's api_path.
    #[serde(default)]
    pub api_path: Option<String>,
    /// `create` or `update`.
    #[serde(default)]
    pub action: Option<String>,
    /// One item per form field, with its type and a `<title>` placeholder value.
    pub formdata: Vec<ApiFormatField>,
    /// Everything else, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A field in [`ApiFormatInput::formdata`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApiFormatField {
    /// The field id.
    pub id: FieldId,
    /// The placeholder value (`"<主旨>"`, or `{"group": "<…>", "user": "<…>"}`).
    pub value: Value,
    /// The field's type: what the client puts in `type`.
    #[serde(rename = "type")]
    pub field_type: FieldType,
}

impl ApiFormatField {
    /// The field's title, read from the placeholder (`"<主旨>"` → `主旨`).
    #[must_use]
    pub fn title(&self) -> Option<&str> {
        let text = match &self.value {
            Value::String(s) => s.as_str(),
            Value::Object(map) => map.get("group")?.as_str()?,
            _ => return None,
        };
        text.strip_prefix('<')?.strip_suffix('>')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_in_no_named_flow_is_the_query_alone() {
        let query = crate::query::Query::builder()
            .filter(crate::query::col("data_no").eq(3))
            .build()
            .unwrap();
        let by_path = QueryInFlow {
            flow_uuid: None,
            query: query.clone(),
        };
        assert_eq!(
            serde_json::to_value(&by_path).unwrap(),
            serde_json::to_value(&query).unwrap()
        );
        let by_uuid = QueryInFlow {
            flow_uuid: Some("dc33fb340034418c8fbb3baf15525e86".into()),
            query,
        };
        assert_eq!(
            serde_json::to_value(&by_uuid).unwrap()["flow_uuid"],
            "dc33fb340034418c8fbb3baf15525e86"
        );
    }
    use serde_json::json;

    #[test]
    fn delete_sends_strings_and_refuses_a_bare_number() {
        let body = DeleteTickets::new(vec![DataNo(5), DataNo(6)]);
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"action":"delete","data_no":["5","6"]})
        );
        assert!(
            serde_json::from_value::<DeleteTickets>(json!({"action":"delete","data_no":6}))
                .is_err()
        );
        let back: DeleteTickets =
            serde_json::from_value(json!({"action":"delete","data_no":[5,"6"]})).unwrap();
        assert_eq!(back.data_no, vec![DataNo(5), DataNo(6)]);
    }

    #[test]
    fn action_tags_are_checked() {
        assert!(
            serde_json::from_value::<CreateTicket>(json!({"action":"update","formdata":[]}))
                .is_err()
        );
        assert!(serde_json::from_value::<QuickActionTicket>(
            json!({"action":"update","data_id":1,"quick_action":"action3"})
        )
        .is_err());
        let qa: QuickActionTicket = serde_json::from_value(
            json!({"action":"update","data_id":"14","quick_action":"action2"}),
        )
        .unwrap();
        assert_eq!(qa, QuickActionTicket::new(DataId(14), QuickAction::Action2));
    }

    #[test]
    fn rest_body_has_the_flag_and_code() {
        let code = SecurityCode::new("abc");
        let push = PushTicket::new(DataId(4), vec![]);
        let body = serde_json::to_value(RestBody::new(&code, &push)).unwrap();
        assert_eq!(
            body,
            json!({"security":"abc","omflow_restapi":1,"action":"update","data_id":4,"formdata":[]})
        );
        assert!(!format!("{:?}", RestBody::new(&code, &push)).contains("abc"));
    }

    #[test]
    fn api_format_reads_recorded_answer() {
        let result = json!({"input":{"security":"<security>","api_path":"mission","action":"update","omflow_restapi":1,"data_id":"<data_id>","formdata":[{"id":"FORMITM_1","value":"<主旨>","type":"h_title"},{"id":"FORMITM_5","value":{"group":"<受派組織>","user":"<受派人員>"},"type":"h_group"}]},"output":{}});
        let format: ApiFormat = serde_json::from_value(result).unwrap();
        assert_eq!(format.input.formdata[0].title(), Some("主旨"));
        assert_eq!(format.input.formdata[1].field_type, FieldType::HGroup);
        assert_eq!(format.input.formdata[1].title(), Some("受派組織"));
    }
}
