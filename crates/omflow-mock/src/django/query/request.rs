//! The request body read as the server's Python reads it: `int()`, `*` unpacking, conditions.

use serde_json::{Map, Value};

use crate::django::value::{py_int_wide, py_type};

/// `int(body[key])`, or `default` when the body has no such key.
pub(super) fn int_or(body: &Map<String, Value>, key: &str, default: i128) -> Result<i128, String> {
    match body.get(key) {
        None => Ok(default),
        Some(v) => py_int_wide(v),
    }
}

/// `*value` as a call argument: the items Python would unpack, or its error.
pub(super) fn unpack(value: &Value, call: &str) -> Result<Vec<Value>, String> {
    match value {
        Value::Array(items) => Ok(items.clone()),
        Value::String(s) => Ok(s.chars().map(|c| Value::String(c.to_string())).collect()),
        Value::Object(o) => Ok(o.keys().map(|k| Value::String(k.clone())).collect()),
        other => Err(format!(
            "django.db.models.query.QuerySet.{call}() argument after * must be an iterable, not {}",
            py_type(other)
        )),
    }
}

/// `searchConditionBuilder`: the conditions before the first one it cannot build.
pub(super) fn condition_words(value: Option<&Value>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let Some(Value::Array(items)) = value else {
        return out;
    };
    for item in items {
        let Some(object) = item.as_object() else {
            break;
        };
        let (Some(Value::String(column)), Some(word), Some(value)) = (
            object.get("column"),
            object.get("condition"),
            object.get("value"),
        ) else {
            break;
        };
        let suffix = match word {
            Value::Array(_) | Value::Object(_) => break,
            Value::String(w) => match w.as_str() {
                "in" => "__in",
                "contains" => "__icontains",
                ">" => "__gt",
                "<" => "__lt",
                _ => "",
            },
            _ => "",
        };
        out.push((format!("{column}{suffix}"), value.clone()));
    }
    out
}
