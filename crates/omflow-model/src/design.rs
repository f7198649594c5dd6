//! What the assignee sees of a ticket: the ticket load (`omdata/load`), form designs, and
//! the discovery calls (`flow-name/load`, `form-design/load`). These are the calls the web
//! UI makes for an ordinary user; none needs the flow-management permission.

use crate::form::FieldType;
use crate::ids::{DataId, FieldId, FlowUuid};
use crate::mission::QuickActionLabels;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

pub(crate) fn simple_uuid<S: Serializer>(
    uuid: &FlowUuid,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&uuid.simple())
}

/// Body of `omdata/load`: the flow (sent as 32 hex digits, as the server requires) and the
/// ticket row.
///
/// ```
/// use omflow_model::{DataId, FlowUuid, LoadTicket};
/// let uuid = FlowUuid::parse("dc33fb34-0034-418c-8fbb-3baf15525e86")?;
/// let body = LoadTicket { flow_uuid: uuid, data_id: DataId(17) };
/// assert_eq!(
///     serde_json::to_string(&body)?,
///     r#"{"flow_uuid":"dc33fb340034418c8fbb3baf15525e86","data_id":17}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LoadTicket {
    /// The ticket's flow.
    #[serde(serialize_with = "simple_uuid")]
    pub flow_uuid: FlowUuid,
    /// The ticket row.
    pub data_id: DataId,
}

/// Body of `flow-name/load` (`a_flow_uuid`, 32 hex digits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LoadFlowNames {
    /// The deployed flow.
    #[serde(serialize_with = "simple_uuid", rename = "a_flow_uuid")]
    pub flow_uuid: FlowUuid,
}

/// Body of `form-design/load` (the start form of a flow).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LoadStartForm {
    /// The flow.
    #[serde(serialize_with = "simple_uuid")]
    pub flow_uuid: FlowUuid,
}

/// A text with its translation (`{"trans": …, "original": …}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Translated {
    /// In the request's language (equal to `original` without a language pack).
    #[serde(default)]
    pub trans: String,
    /// As designed.
    #[serde(default)]
    pub original: String,
}

/// The names of a flow (`flow-name/load`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct FlowNames {
    /// The flow's name.
    pub flow_name: String,
    /// Its application's name.
    pub app_name: String,
}

/// One option of a list-like field (`{"value": "work_done", "text": "處理完畢"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Choice {
    /// What is stored and sent.
    #[serde(default)]
    pub value: String,
    /// What the form shows.
    #[serde(default)]
    pub text: String,
}

/// A form design (`formobject`): layout boxes and fields, as the designer saved them.
/// Members this SDK does not read are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct FormDesign {
    /// Boxes (`FORMBOX_n`) and fields (`FORMITM_n`), in form order.
    #[serde(default)]
    pub items: Vec<DesignItem>,
    /// Everything else (`form_item_counter`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl FormDesign {
    /// The fields (`FORMITM_n` items), in form order.
    pub fn fields(&self) -> impl Iterator<Item = &DesignItem> {
        self.items.iter().filter(|item| item.field_id().is_some())
    }

    /// The field with this id.
    #[must_use]
    pub fn field(&self, id: &FieldId) -> Option<&DesignItem> {
        self.fields()
            .find(|item| item.field_id().as_ref() == Some(id))
    }

    /// `FORMITM_3 燈號, FORMITM_4 階段, ...`: the field ids with their titles, for messages.
    #[must_use]
    pub fn describe_fields(&self) -> String {
        self.fields()
            .map(|item| match item.title() {
                Some(title) if !title.is_empty() => format!("{} {title}", item.id),
                _ => item.id.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One item of a [`FormDesign`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct DesignItem {
    /// `FORMBOX_n` or `FORMITM_n`.
    #[serde(default)]
    pub id: String,
    /// Designer type (`h_title`, `h_status`, `box6`, ...).
    #[serde(rename = "type", default)]
    pub item_type: String,
    /// The containing box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Hidden in the form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    /// The field's settings.
    #[serde(default)]
    pub config: DesignConfig,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl DesignItem {
    /// The field id, when this item is a field.
    #[must_use]
    pub fn field_id(&self) -> Option<FieldId> {
        if self.id.starts_with("FORMITM_") {
            FieldId::new(&self.id).ok()
        } else {
            None
        }
    }

    /// The field's type.
    #[must_use]
    pub fn field_type(&self) -> FieldType {
        FieldType::parse(&self.item_type)
    }

    /// The title shown (the group title for `h_group`).
    #[must_use]
    pub fn title(&self) -> Option<&str> {
        self.config
            .title
            .as_deref()
            .or(self.config.group_title.as_deref())
    }

    /// Whether the stop requires a value (for `h_group`: a group).
    #[must_use]
    pub fn required(&self) -> bool {
        self.config.require
    }

    /// Whether an `h_group` field also requires a user.
    #[must_use]
    pub fn user_required(&self) -> bool {
        self.config.user_require
    }

    /// Whether the form shows it read-only at this stop.
    #[must_use]
    pub fn readonly(&self) -> bool {
        self.config.readonly
    }

    /// The regular expression a value must match at its start, if any.
    #[must_use]
    pub fn regex(&self) -> Option<&str> {
        self.config.regex.as_deref().filter(|r| !r.is_empty())
    }

    /// The options of a list-like field (`h_status`, `h_level`, ...).
    #[must_use]
    pub fn choices(&self) -> &[Choice] {
        &self.config.lists
    }
}

/// The settings of a [`DesignItem`] this SDK reads; the rest is kept in `extra`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct DesignConfig {
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Title of an `h_group` field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_title: Option<String>,
    /// Required.
    #[serde(default)]
    pub require: bool,
    /// `h_group`: a user is required too.
    #[serde(default)]
    pub user_require: bool,
    /// Read-only.
    #[serde(default)]
    pub readonly: bool,
    /// Regular expression (empty: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    /// Options.
    #[serde(default, deserialize_with = "choices_or_empty")]
    #[cfg_attr(
        feature = "schema",
        schemars(
            with = "serde_json::Value",
            description = "Options: a list of `{value, text}` on list fields; anything else reads as none."
        )
    )]
    pub lists: Vec<Choice>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `lists` is a list of `{value, text}` on list fields; anything else reads as no options.
fn choices_or_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Choice>, D::Error> {
    let value = Value::deserialize(d)?;
    Ok(match value {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|item| serde_json::from_value(item).ok())
            .collect(),
        _ => Vec::new(),
    })
}

/// A field's current value as `omdata/load` sends it (`h_group` as an object, `checkbox` as
/// a list, others as stored).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CurrentValue {
    /// The field.
    pub id: FieldId,
    /// Its value.
    pub value: Value,
    /// Its type.
    #[serde(rename = "type")]
    pub field_type: FieldType,
}

/// A ticket row as its assignee sees it (`omdata/load`): the form of the stop the row is at,
/// the current values, the stop's quick actions, the names, and whether the ticket is closed.
///
/// ```
/// use omflow_model::{decode_body, FieldId, LoadedTicket, QuickAction};
/// let body = r#"{"status": 200, "message": "ok", "result": {
///   "formobject": {"items": [
///     {"id": "FORMBOX_1", "type": "box6", "config": {"title": "box"}},
///     {"id": "FORMITM_4", "type": "h_status", "config": {"title": "階段", "require": true,
///      "lists": [{"value": "work", "text": "處理中"}, {"value": "work_done", "text": "處理完畢"}]}}]},
///   "formdata": [{"id": "FORMITM_4", "value": "work", "type": "h_status"}],
///   "config": {}, "flow_name": {"trans": "任務單", "original": "任務單"},
///   "app_name": {"trans": "任務處理", "original": "任務處理"},
///   "quick_action": "完成,退回", "files": [], "find_item": true, "closed": false}}"#;
/// let ticket: LoadedTicket = decode_body(body.as_bytes())?;
/// let status = ticket.formobject.field(&FieldId::new("FORMITM_4")?).unwrap();
/// assert!(status.required());
/// assert_eq!(status.choices()[1].value, "work_done");
/// assert!(ticket.quick_actions().offers(QuickAction::Action2));
/// assert!(ticket.is_at_form_stop());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct LoadedTicket {
    /// The design of the stop the row is at (the start form when it is not at a form stop).
    pub formobject: FormDesign,
    /// Every field of that design with its current value.
    #[serde(default)]
    pub formdata: Vec<CurrentValue>,
    /// The flow's display settings.
    #[serde(default)]
    pub config: Map<String, Value>,
    /// The flow's name.
    #[serde(default)]
    pub flow_name: Translated,
    /// The application's name.
    #[serde(default)]
    pub app_name: Translated,
    /// `"<label 1>,<label 2>"` of the stop's quick actions, or `null`.
    #[serde(default)]
    pub quick_action: Option<String>,
    /// The row's attachments, as sent.
    #[serde(default)]
    pub files: Vec<Value>,
    /// The row stands at a form stop (where a person acts).
    #[serde(default)]
    pub find_item: bool,
    /// The ticket is closed.
    #[serde(default)]
    pub closed: bool,
}

impl LoadedTicket {
    /// The stop's quick-action labels.
    #[must_use]
    pub fn quick_actions(&self) -> QuickActionLabels {
        QuickActionLabels::parse(self.quick_action.as_deref())
    }

    /// Whether a person can push the row now: it is at a form stop and the ticket is open.
    /// (A row at a switch or other non-form stop is in the engine's error state, or the
    /// engine is still working on it.)
    #[must_use]
    pub fn is_at_form_stop(&self) -> bool {
        self.find_item && !self.closed
    }

    /// The current value of a field.
    #[must_use]
    pub fn current(&self, id: &FieldId) -> Option<&CurrentValue> {
        self.formdata.iter().find(|value| &value.id == id)
    }
}

/// The start form of a flow (`form-design/load`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct StartForm {
    /// The start stop's inputs when the flow has no form.
    #[serde(default)]
    pub start_input: Vec<Value>,
    /// The flow's name.
    #[serde(default)]
    pub flow_name: String,
    /// The design, as JSON text (the server sends it encoded twice).
    pub formobject: String,
    /// Attachments allowed.
    #[serde(default)]
    pub attachment: bool,
    /// The flow has a form.
    #[serde(default)]
    pub use_form: bool,
}

impl StartForm {
    /// The design, decoded from its JSON text.
    ///
    /// # Errors
    /// serde_json's error when the JSON text is not a form design.
    pub fn design(&self) -> Result<FormDesign, serde_json::Error> {
        serde_json::from_str(&self.formobject)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn design_round_trips_unknown_members() {
        let text = r#"{"form_item_counter":7,"items":[{"id":"FORMITM_5","type":"h_group","parent":"FORMBOX_2","hidden":false,"config":{"idcounter":5,"group_title":"受派組織","lists":[],"value":"","require":true,"readonly":true,"user":true,"user_title":"受派人員","user_require":false}}]}"#;
        let design: FormDesign = serde_json::from_str(text).unwrap();
        let field = design.field(&FieldId::new("FORMITM_5").unwrap()).unwrap();
        assert_eq!(field.title(), Some("受派組織"));
        assert_eq!(field.field_type(), FieldType::HGroup);
        assert!(field.required() && field.readonly() && !field.user_required());
        let back: Value = serde_json::to_value(&design).unwrap();
        let original: Value = serde_json::from_str(text).unwrap();
        assert_eq!(back["form_item_counter"], 7);
        assert_eq!(back["items"][0]["config"]["user_title"], "受派人員");
        assert_eq!(
            back["items"][0]["config"]["idcounter"],
            original["items"][0]["config"]["idcounter"]
        );
    }

    #[test]
    fn odd_lists_read_as_no_choices() {
        let item: DesignItem = serde_json::from_str(
            r#"{"id":"FORMITM_9","type":"inputbox","config":{"lists":"nope","regex":""}}"#,
        )
        .unwrap();
        assert!(item.choices().is_empty());
        assert_eq!(item.regex(), None);
        assert_eq!(
            FormDesign {
                items: vec![item],
                ..Default::default()
            }
            .describe_fields(),
            "FORMITM_9"
        );
    }
}
