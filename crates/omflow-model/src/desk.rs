//! The assignee's desk beyond the form: a ticket's work log (comments) and the groups a
//! field can be assigned to.

use crate::design::simple_uuid;
use crate::ids::{DataId, DataNo, FlowUuid, GroupId, UserId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Body of `omdata-worklog/create`: a work log entry on ticket `data_no`, with the row
/// `data_id` the permission is checked on (the row's assignee may add one; so may a
/// superuser and a holder of `Omdata_<hex>_Modify`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AddWorklog {
    /// The flow (32 hex digits).
    #[serde(serialize_with = "simple_uuid")]
    pub flow_uuid: FlowUuid,
    /// The ticket.
    pub data_no: DataNo,
    /// The row whose assignee writes (a superuser and a Modify holder need none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_id: Option<DataId>,
    /// The text.
    pub content: String,
}

/// Body of `omdata-worklog/list`: the work log of ticket `data_no`, read through row
/// `data_id` (its assignee and creator may read it; so may View holders).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListWorklog {
    /// The flow (32 hex digits).
    #[serde(serialize_with = "simple_uuid")]
    pub flow_uuid: FlowUuid,
    /// The ticket.
    pub data_no: DataNo,
    /// The row the permission is checked on (View holders need none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_id: Option<DataId>,
}

/// One work log entry, oldest first in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct WorklogEntry {
    /// The flow (32 hex digits, as stored).
    #[serde(default)]
    pub flow_uuid: Option<String>,
    /// The author's nick name.
    #[serde(rename = "create_user_id__nick_name", default)]
    pub author: Option<String>,
    /// The text (as the server stored it: a list sent as content is stored as its Python
    /// text).
    #[serde(default)]
    pub content: String,
    /// When it was written (`YYYY-MM-DD HH:MM:SS.ffffff`, server time).
    #[serde(default)]
    pub createtime: Option<String>,
}

/// Body of `accounts/api/group/list`: the organisation's groups (`functional_flag` `"False"`)
/// or its roles (`"True"`), of either kind of account source (`ad_flag`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListGroups {
    /// `"False"`: groups; `"True"`: roles.
    pub functional_flag: String,
    /// Account sources: `"1"` directory, `"0"` local.
    pub ad_flag: Vec<String>,
}

impl Default for ListGroups {
    /// The groups a field can be assigned to, local and directory ones.
    fn default() -> Self {
        ListGroups {
            functional_flag: "False".into(),
            ad_flag: vec!["1".into(), "0".into()],
        }
    }
}

/// A group as the group list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct GroupRow {
    /// Its id (what an `h_group` value's `group` holds).
    pub id: GroupId,
    /// Its uuid (32 hex digits).
    #[serde(default)]
    pub group_uuid: Option<String>,
    /// Its name.
    pub display_name: String,
    /// The parent group, if any.
    #[serde(default)]
    pub parent_group: Option<Value>,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
}

/// Body of `announcement/api/send-group-user/search` (the users an `h_group` field offers
/// once its group is chosen): the members of group `searchkey`, or with an empty one every
/// user but `system`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListGroupUsers {
    /// The group (its id); `None` sends an empty key: every user.
    #[serde(serialize_with = "group_key")]
    pub searchkey: Option<GroupId>,
}

fn group_key<S: serde::Serializer>(key: &Option<GroupId>, s: S) -> Result<S::Ok, S::Error> {
    match key {
        Some(id) => s.serialize_u64(id.0),
        None => s.serialize_str(""),
    }
}

/// A user as the group-user search shows it (ordered by nick name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct GroupUser {
    /// Its id (what an `h_group` value's `user` holds).
    pub id: UserId,
    /// The login name.
    pub username: String,
    /// The display name.
    #[serde(default)]
    pub nick_name: Option<String>,
}

/// Body of `omdata-file/list`: the attachments of ticket `data_no`, read through row
/// `data_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListFiles {
    /// The flow (32 hex digits).
    #[serde(serialize_with = "simple_uuid")]
    pub flow_uuid: FlowUuid,
    /// The ticket.
    pub data_no: DataNo,
    /// The row the permission is checked on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_id: Option<DataId>,
}

/// The text fields of an `omdata-file/upload` form: the row the files go on (the files
/// themselves are parts named `files`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UploadForm {
    /// The flow (32 hex digits).
    #[serde(serialize_with = "simple_uuid")]
    pub flow_uuid: FlowUuid,
    /// The ticket.
    pub data_no: DataNo,
    /// The row the permission is checked on and the files are stored under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_id: Option<DataId>,
}

impl UploadForm {
    /// The form's text fields, in the order they are sent.
    #[must_use]
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![
            ("flow_uuid", self.flow_uuid.simple()),
            ("data_no", self.data_no.to_string()),
        ];
        if let Some(data_id) = self.data_id {
            fields.push(("data_id", data_id.to_string()));
        }
        fields
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for UploadForm {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UploadForm".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "properties": {
                "flow_uuid": {"type": "string", "description": "32 hex digits"},
                "data_no": {"type": "string"},
                "data_id": {"type": "string"},
                "files": {"type": "array", "items": {"type": "string", "contentMediaType": "application/octet-stream"}}
            }
        })
    }
}

/// An attachment as the file list shows it (newest first, one per name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct AttachmentRow {
    /// Its id.
    pub id: u64,
    /// Its path under the server's media root (what the download takes).
    pub file: String,
    /// Its size in bytes.
    #[serde(default)]
    pub size: u64,
    /// Marked deleted.
    #[serde(default)]
    pub delete: bool,
    /// When it was uploaded.
    #[serde(default)]
    pub createtime: Option<String>,
    /// Its name.
    #[serde(default)]
    pub file_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_work_log_and_group_list_decode() {
        let entry: WorklogEntry = serde_json::from_str(
            r#"{"flow_uuid": "dc33fb340034418c8fbb3baf15525e86", "create_user_id__nick_name": "Carol Chen", "content": "work log by carol", "createtime": "2026-12-05 01:46:02.006346"}"#,
        )
        .unwrap();
        assert_eq!(entry.author.as_deref(), Some("Carol Chen"));
        let group: GroupRow = serde_json::from_str(
            r#"{"id": 2, "group_uuid": "262684da669445f2a5b8625270cdcf1f", "display_name": "資訊服務組", "parent_group": null, "description": ""}"#,
        )
        .unwrap();
        assert_eq!(
            (group.id, group.display_name.as_str()),
            (GroupId(2), "資訊服務組")
        );
        let body = serde_json::to_value(AddWorklog {
            flow_uuid: FlowUuid::parse("dc33fb34-0034-418c-8fbb-3baf15525e86").unwrap(),
            data_no: DataNo(8),
            data_id: Some(DataId(20)),
            content: "checked".into(),
        })
        .unwrap();
        assert_eq!(body["flow_uuid"], "dc33fb340034418c8fbb3baf15525e86");
        assert_eq!(
            serde_json::to_value(ListGroups::default()).unwrap()["functional_flag"],
            "False"
        );
    }
}
