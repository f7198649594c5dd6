//! Form data items `{id, type, value}`: what create and push send.

use crate::ids::{FieldId, GroupId, UserId};
use serde::de::{self, Deserializer};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// A form field's designer type. The server trusts the `type` a client sends: it decides which
/// header column (`title`, `level`, `status`, `group`) a value also updates.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldType {
    /// `h_title`: the ticket title.
    HTitle,
    /// `h_level`: the level (`green`/`yellow`/`red` on the sample flow).
    HLevel,
    /// `h_status`: the status value; the server stores its display text in `status`.
    HStatus,
    /// `h_group`: the assignment, an object `{group, user}` of ids.
    HGroup,
    /// `areabox`: multi-line text.
    Areabox,
    /// `inputbox`: single-line text.
    Inputbox,
    /// `checkbox`: a list of chosen option values.
    Checkbox,
    /// Any other designer type, kept by name.
    Other(String),
}

impl FieldType {
    /// Every type the form designer offers (the web client's `workflow.js`).
    pub const DESIGNER_TYPES: [&'static str; 11] = [
        "h_title", "h_level", "h_status", "h_group", "inputbox", "areabox", "checkbox", "list",
        "date", "datetime", "subquery",
    ];

    /// The designer's name for the type.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            FieldType::HTitle => "h_title",
            FieldType::HLevel => "h_level",
            FieldType::HStatus => "h_status",
            FieldType::HGroup => "h_group",
            FieldType::Areabox => "areabox",
            FieldType::Inputbox => "inputbox",
            FieldType::Checkbox => "checkbox",
            FieldType::Other(name) => name,
        }
    }

    /// Reads a designer type name (never fails: unknown names are [`FieldType::Other`]).
    #[must_use]
    pub fn parse(name: &str) -> FieldType {
        match name {
            "h_title" => FieldType::HTitle,
            "h_level" => FieldType::HLevel,
            "h_status" => FieldType::HStatus,
            "h_group" => FieldType::HGroup,
            "areabox" => FieldType::Areabox,
            "inputbox" => FieldType::Inputbox,
            "checkbox" => FieldType::Checkbox,
            other => FieldType::Other(other.to_string()),
        }
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FieldType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FieldType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        if name.is_empty() {
            return Err(de::Error::custom("field type must not be empty"));
        }
        Ok(FieldType::parse(&name))
    }
}

/// The value of an `h_group` field: group and user ids, sent as strings
/// (`{"group":"2","user":""}`). The user counts only when a group is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct GroupAssignment {
    /// Assigned group.
    pub group: Option<GroupId>,
    /// Assigned user within the group.
    pub user: Option<UserId>,
}

impl GroupAssignment {
    /// Assigns to a whole group.
    pub fn group(group: impl Into<GroupId>) -> Self {
        GroupAssignment {
            group: Some(group.into()),
            user: None,
        }
    }

    /// The JSON object the server expects.
    pub fn to_value(&self) -> Value {
        let text = |id: Option<u64>| Value::String(id.map(|n| n.to_string()).unwrap_or_default());
        let mut map = Map::new();
        map.insert("group".into(), text(self.group.map(GroupId::get)));
        map.insert("user".into(), text(self.user.map(UserId::get)));
        Value::Object(map)
    }

    /// Reads `{"group": "2", "user": ""}` (ids as strings or numbers, `""` for none).
    ///
    /// # Errors
    /// [`FormError::GroupValue`] for anything but an object of id texts or numbers.
    pub fn from_value(value: &Value) -> Result<Self, FormError> {
        let object = value.as_object().ok_or_else(|| FormError::GroupValue {
            found: value.to_string(),
        })?;
        let read = |key: &str| -> Result<Option<u64>, FormError> {
            match object.get(key) {
                Some(Value::String(s)) if s.is_empty() => Ok(None),
                Some(Value::String(s)) => s.parse().map(Some).map_err(|_| FormError::GroupValue {
                    found: value.to_string(),
                }),
                Some(Value::Number(n)) => {
                    n.as_u64().map(Some).ok_or_else(|| FormError::GroupValue {
                        found: value.to_string(),
                    })
                }
                _ => Err(FormError::GroupValue {
                    found: value.to_string(),
                }),
            }
        };
        Ok(GroupAssignment {
            group: read("group")?.map(GroupId),
            user: read("user")?.map(UserId),
        })
    }
}

impl Serialize for GroupAssignment {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for GroupAssignment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        GroupAssignment::from_value(&Value::deserialize(deserializer)?).map_err(de::Error::custom)
    }
}

/// A value that does not fit its field type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormError {
    /// An `h_group` value that is not `{"group": "<id>", "user": "<id or empty>"}`.
    #[error("an h_group value must be an object {{\"group\": \"<group id>\", \"user\": \"<user id or empty>\"}}, got {found}")]
    GroupValue {
        /// The value found.
        found: String,
    },
    /// A checkbox value that is not a list of strings.
    #[error("field {id}: a checkbox value must be a list of option values, got {found}")]
    CheckboxValue {
        /// The field.
        id: String,
        /// The value found.
        found: String,
    },
    /// A text field given an object or a list.
    #[error("field {id} ({field_type}): expected text, a number or a boolean, got {found}")]
    TextValue {
        /// The field.
        id: String,
        /// Its type.
        field_type: String,
        /// The value found.
        found: String,
    },
}

/// One `formdata` item. Always carries `type` (the server answers 500 `'type'` on create and
/// 404 on push without it), and its value fits the type.
///
/// ```
/// use omflow_model::{FormItem, FieldId, FieldType, GroupAssignment};
/// let status = FormItem::new(FieldId::new("FORMITM_4")?, FieldType::HStatus, "dispatch_done")?;
/// let group = FormItem::group(FieldId::new("FORMITM_5")?, GroupAssignment::group(2u64));
/// assert_eq!(
///     serde_json::to_string(&vec![status, group])?,
///     r#"[{"id":"FORMITM_4","type":"h_status","value":"dispatch_done"},{"id":"FORMITM_5","type":"h_group","value":{"group":"2","user":""}}]"#
/// );
/// assert!(FormItem::new(FieldId::new("FORMITM_5")?, FieldType::HGroup, "2").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FormItem {
    id: FieldId,
    field_type: FieldType,
    value: Value,
}

impl FormItem {
    /// Checks that `value` fits `field_type` and builds the item.
    ///
    /// # Errors
    /// [`FormError`] when the value does not fit the type (an `h_group` that is not `{group, user}`, a checkbox that is not a list of texts, an object for a text field).
    pub fn new(
        id: FieldId,
        field_type: FieldType,
        value: impl Into<Value>,
    ) -> Result<Self, FormError> {
        let value = value.into();
        match &field_type {
            FieldType::HGroup => {
                let assignment = GroupAssignment::from_value(&value)?;
                return Ok(FormItem::group(id, assignment));
            }
            FieldType::Checkbox => {
                let ok = value
                    .as_array()
                    .is_some_and(|items| items.iter().all(Value::is_string));
                if !ok {
                    return Err(FormError::CheckboxValue {
                        id: id.to_string(),
                        found: value.to_string(),
                    });
                }
            }
            FieldType::HTitle
            | FieldType::HLevel
            | FieldType::HStatus
            | FieldType::Areabox
            | FieldType::Inputbox => {
                if value.is_object() || value.is_array() {
                    return Err(FormError::TextValue {
                        id: id.to_string(),
                        field_type: field_type.to_string(),
                        found: value.to_string(),
                    });
                }
            }
            FieldType::Other(_) => {}
        }
        Ok(FormItem {
            id,
            field_type,
            value,
        })
    }

    /// An `h_group` item.
    #[must_use]
    pub fn group(id: FieldId, assignment: GroupAssignment) -> Self {
        FormItem {
            id,
            field_type: FieldType::HGroup,
            value: assignment.to_value(),
        }
    }

    /// The field.
    #[must_use]
    pub fn id(&self) -> &FieldId {
        &self.id
    }

    /// The field's type.
    #[must_use]
    pub fn field_type(&self) -> &FieldType {
        &self.field_type
    }

    /// The value as it is sent.
    #[must_use]
    pub fn value(&self) -> &Value {
        &self.value
    }
}

impl Serialize for FormItem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut item = serializer.serialize_struct("FormItem", 3)?;
        item.serialize_field("id", &self.id)?;
        item.serialize_field("type", &self.field_type)?;
        item.serialize_field("value", &self.value)?;
        item.end()
    }
}

impl<'de> Deserialize<'de> for FormItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Wire {
            id: Option<FieldId>,
            #[serde(rename = "type")]
            field_type: Option<FieldType>,
            value: Option<Value>,
        }
        let wire = Wire::deserialize(deserializer)?;
        let id = wire
            .id
            .ok_or_else(|| de::Error::custom("formdata item without \"id\""))?;
        let field_type = wire.field_type.ok_or_else(|| {
            de::Error::custom(format!(
                "formdata item {id} without \"type\" (the server rejects it: 500 on create, 404 on push)"
            ))
        })?;
        let value = wire
            .value
            .ok_or_else(|| de::Error::custom(format!("formdata item {id} without \"value\"")))?;
        FormItem::new(id, field_type, value).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_without_type_is_a_typed_error() {
        let err =
            serde_json::from_str::<FormItem>(r#"{"id":"FORMITM_1","value":"x"}"#).unwrap_err();
        assert!(err.to_string().contains("without \"type\""), "{err}");
    }

    #[test]
    fn group_value_must_be_an_object() {
        let err =
            serde_json::from_str::<FormItem>(r#"{"id":"FORMITM_5","type":"h_group","value":"2"}"#)
                .unwrap_err();
        assert!(err.to_string().contains("h_group"), "{err}");
        let ok: FormItem = serde_json::from_str(
            r#"{"id":"FORMITM_5","type":"h_group","value":{"group":"2","user":""}}"#,
        )
        .unwrap();
        assert_eq!(
            GroupAssignment::from_value(ok.value()).unwrap(),
            GroupAssignment::group(2u64)
        );
    }

    #[test]
    fn checkbox_and_other_types() {
        let id = FieldId::new("FORMITM_6").unwrap();
        assert!(FormItem::new(
            id.clone(),
            FieldType::Checkbox,
            serde_json::json!(["a", "b"])
        )
        .is_ok());
        assert!(FormItem::new(id.clone(), FieldType::Checkbox, "a").is_err());
        let other = FormItem::new(id, FieldType::parse("date"), "2026-01-01").unwrap();
        assert_eq!(other.field_type(), &FieldType::Other("date".into()));
    }
}
