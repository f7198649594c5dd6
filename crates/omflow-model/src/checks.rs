//! The checks the web form makes before it sends a push or a create, on the form the stop
//! shows (`omdata/load`'s `formobject`, or the start form). The real server makes almost none
//! of them (it never enforces `readonly`, nor a status value against the choices), so a value
//! the form would refuse is stored as sent, and a switch after the stop may then find no rule
//! for it and leave the ticket where only an administrator can repair it.
//!
//! - A field must be on the form, visible, and not read-only at this stop.
//! - A field is set once.
//! - A field with choices (`h_status`, `h_level`, lists, radios, checkboxes) takes one of
//!   their values; a label is accepted and mapped to its value when exactly one choice has it.
//! - A required field is not set empty; a value matches the field's regular expression
//!   (anchored at the start, as Python's `re.match`, also when empty).
//! - Numbers, e-mail addresses, dates, date-times and times are written as the form's inputs
//!   write them.

use crate::design::{Choice, DesignItem, FormDesign};
use crate::form::{FieldType, FormItem};
use crate::ids::FieldId;
use serde_json::Value;
use std::fmt;

/// A value the stop's form refuses; nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The form has no such field.
    UnknownField {
        /// The field asked for.
        field: String,
        /// The form's fields, `FORMITM_1 主旨, ...`.
        available: String,
    },
    /// The field was set more than once.
    SetTwice {
        /// The field and its title.
        field: FieldRef,
    },
    /// The field is read-only at this stop.
    ReadOnly {
        /// The field and its title.
        field: FieldRef,
    },
    /// The field is hidden at this stop.
    Hidden {
        /// The field and its title.
        field: FieldRef,
    },
    /// The value is none of the field's choices at this stop.
    NotAChoice {
        /// The field and its title.
        field: FieldRef,
        /// What was given.
        given: String,
        /// The choices.
        allowed: Vec<Choice>,
    },
    /// The label names several choices.
    AmbiguousLabel {
        /// The field and its title.
        field: FieldRef,
        /// The label given.
        given: String,
        /// The choices with that label.
        candidates: Vec<Choice>,
    },
    /// A required field set empty.
    Required {
        /// The field and its title.
        field: FieldRef,
    },
    /// The value does not match the field's regular expression.
    Pattern {
        /// The field and its title.
        field: FieldRef,
        /// The expression.
        pattern: String,
        /// What was given.
        given: String,
    },
    /// The value is not written as the field's input writes it.
    Format {
        /// The field and its title.
        field: FieldRef,
        /// What the field takes.
        expected: &'static str,
        /// What was given.
        given: String,
    },
    /// The value does not fit the field's type (an object for a text, ...).
    Type {
        /// The field and its title.
        field: FieldRef,
        /// What is wrong.
        message: String,
    },
}

/// A field and its title, for messages (`FORMITM_4 階段`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRef {
    /// The field.
    pub id: String,
    /// Its title at the stop (empty when it has none).
    pub title: String,
}

impl FieldRef {
    /// The field of a form design, with its title.
    #[must_use]
    pub fn of(item: &DesignItem) -> FieldRef {
        FieldRef {
            id: item.id.clone(),
            title: item.title().unwrap_or_default().to_string(),
        }
    }
}

impl fmt::Display for FieldRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.title.is_empty() {
            f.write_str(&self.id)
        } else {
            write!(f, "{} {}", self.id, self.title)
        }
    }
}

fn describe_choices(choices: &[Choice]) -> String {
    choices
        .iter()
        .map(|c| {
            if c.text.is_empty() || c.text == c.value {
                c.value.clone()
            } else {
                format!("{} ({})", c.value, c.text)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::UnknownField { field, available } => {
                write!(
                    f,
                    "field {field} is not on this stop's form; its fields: {available}"
                )
            }
            Refusal::SetTwice { field } => write!(f, "field {field} is set more than once"),
            Refusal::ReadOnly { field } => write!(f, "field {field} is read-only at this stop"),
            Refusal::Hidden { field } => write!(f, "field {field} is hidden at this stop"),
            Refusal::NotAChoice {
                field,
                given,
                allowed,
            } => {
                write!(
                    f,
                    "field {field}: {given:?} is not one of its values at this stop: {}",
                    describe_choices(allowed)
                )?;
                if let Some(close) = allowed
                    .iter()
                    .find(|c| c.value.eq_ignore_ascii_case(given) || c.text == given.trim())
                {
                    write!(f, " (did you mean {}?)", close.value)?;
                }
                Ok(())
            }
            Refusal::AmbiguousLabel {
                field,
                given,
                candidates,
            } => write!(
                f,
                "field {field}: the label {given:?} names several values: {}; give the value",
                describe_choices(candidates)
            ),
            Refusal::Required { field } => {
                write!(
                    f,
                    "field {field} is required at this stop and cannot be empty"
                )
            }
            Refusal::Pattern {
                field,
                pattern,
                given,
            } => write!(f, "field {field}: {given:?} does not match /{pattern}/"),
            Refusal::Format {
                field,
                expected,
                given,
            } => write!(f, "field {field}: {given:?} is not {expected}"),
            Refusal::Type { field, message } => write!(f, "field {field}: {message}"),
        }
    }
}

impl std::error::Error for Refusal {}

impl Refusal {
    /// The field refused.
    #[must_use]
    pub fn field(&self) -> &str {
        match self {
            Refusal::UnknownField { field, .. } => field,
            Refusal::SetTwice { field }
            | Refusal::ReadOnly { field }
            | Refusal::Hidden { field }
            | Refusal::NotAChoice { field, .. }
            | Refusal::AmbiguousLabel { field, .. }
            | Refusal::Required { field }
            | Refusal::Pattern { field, .. }
            | Refusal::Format { field, .. }
            | Refusal::Type { field, .. } => &field.id,
        }
    }
}

/// Checks values set by field id against the stop's form and types them from it; labels of
/// choices become their values. The first refusal is the error.
///
/// ```
/// use omflow_model::checks::{check_values, Refusal};
/// use omflow_model::{FieldId, FormDesign};
/// let form: FormDesign = serde_json::from_str(r#"{"items": [
///   {"id": "FORMITM_4", "type": "h_status", "config": {"title": "階段", "require": true,
///    "lists": [{"value": "work", "text": "處理中"}, {"value": "work_done", "text": "處理完畢"}]}}]}"#)?;
/// let id = FieldId::new("FORMITM_4")?;
/// let items = check_values(&form, &[(id.clone(), "處理完畢".into())])?;
/// assert_eq!(items[0].value(), "work_done");
/// let refused = check_values(&form, &[(id, "dispatch_done".into())]).unwrap_err();
/// assert!(matches!(refused, Refusal::NotAChoice { .. }));
/// assert_eq!(
///     refused.to_string(),
///     r#"field FORMITM_4 階段: "dispatch_done" is not one of its values at this stop: work (處理中), work_done (處理完畢)"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// The first [`Refusal`], in the order the values were given.
pub fn check_values(
    design: &FormDesign,
    values: &[(FieldId, Value)],
) -> Result<Vec<FormItem>, Refusal> {
    check_values_as(design, values, true)
}

/// [`check_values`] for a create: the start form marks fields the flow sets itself (a
/// status, an assignment) read-only, yet creating through the API has always set them, so
/// read-only and hidden are not refused there; every other check is made.
///
/// # Errors
/// The first [`Refusal`].
pub fn check_create_values(
    design: &FormDesign,
    values: &[(FieldId, Value)],
) -> Result<Vec<FormItem>, Refusal> {
    let items = check_values_as(design, values, false)?;
    // A create is checked for every required field of the start form (a push only for
    // those it sends): a missing one is refused before sending.
    if let Some(missing) = design.fields().find(|field| {
        field.required()
            && !values
                .iter()
                .any(|(id, _)| Some(id) == field.field_id().as_ref())
    }) {
        return Err(Refusal::Required {
            field: FieldRef::of(missing),
        });
    }
    Ok(items)
}

fn check_values_as(
    design: &FormDesign,
    values: &[(FieldId, Value)],
    at_stop: bool,
) -> Result<Vec<FormItem>, Refusal> {
    let mut items: Vec<FormItem> = Vec::with_capacity(values.len());
    for (index, (id, value)) in values.iter().enumerate() {
        let Some(field) = design.field(id) else {
            return Err(Refusal::UnknownField {
                field: id.to_string(),
                available: design.describe_fields(),
            });
        };
        if values[..index].iter().any(|(earlier, _)| earlier == id) {
            return Err(Refusal::SetTwice {
                field: FieldRef::of(field),
            });
        }
        let value = check_field_as(field, value, at_stop)?;
        let item =
            FormItem::new(id.clone(), field.field_type(), value).map_err(|e| Refusal::Type {
                field: FieldRef::of(field),
                message: e.to_string(),
            })?;
        items.push(item);
    }
    Ok(items)
}

/// Checks one value against its field's settings at the stop; returns the value to send
/// (a label mapped to its choice's value).
///
/// # Errors
/// The field's [`Refusal`].
pub fn check_field(field: &DesignItem, value: &Value) -> Result<Value, Refusal> {
    check_field_as(field, value, true)
}

fn check_field_as(field: &DesignItem, value: &Value, at_stop: bool) -> Result<Value, Refusal> {
    let name = || FieldRef::of(field);
    if at_stop && field.hidden == Some(true) {
        return Err(Refusal::Hidden { field: name() });
    }
    if at_stop && field.readonly() {
        return Err(Refusal::ReadOnly { field: name() });
    }
    let field_type = field.field_type();
    if field_type == FieldType::HGroup {
        return check_group(field, value);
    }
    let value = if field.choices().is_empty() {
        value.clone()
    } else if field_type == FieldType::Checkbox {
        let chosen: Vec<String> = match value {
            Value::Array(items) => items.iter().map(text_of).collect(),
            Value::String(text) if text.is_empty() => Vec::new(),
            Value::String(text) => text.split(',').map(|s| s.trim().to_string()).collect(),
            other => vec![text_of(other)],
        };
        let mut mapped = Vec::with_capacity(chosen.len());
        for given in chosen {
            mapped.push(Value::String(choose(field, &given)?));
        }
        if mapped.is_empty() && field.required() {
            return Err(Refusal::Required { field: name() });
        }
        return Ok(Value::Array(mapped));
    } else {
        let given = text_of(value);
        if given.is_empty() && !field.required() {
            Value::String(given)
        } else {
            Value::String(choose(field, &given)?)
        }
    };
    let text = match &value {
        Value::String(text) => text.clone(),
        Value::Number(_) | Value::Bool(_) => value.to_string(),
        _ => return Ok(value),
    };
    if text.is_empty() && field.required() {
        return Err(Refusal::Required { field: name() });
    }
    if let Some(pattern) = field.regex() {
        if let Ok(anchored) = regex::Regex::new(&format!("^(?:{pattern})")) {
            if !anchored.is_match(&text) {
                return Err(Refusal::Pattern {
                    field: name(),
                    pattern: pattern.to_string(),
                    given: text,
                });
            }
        }
    }
    if !text.is_empty() {
        if let Some(expected) = format_problem(field, &text) {
            return Err(Refusal::Format {
                field: name(),
                expected,
                given: text,
            });
        }
    }
    Ok(value)
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A choice's value for `given`: a value as is, else the one choice with that label.
fn choose(field: &DesignItem, given: &str) -> Result<String, Refusal> {
    let choices = field.choices();
    if choices.iter().any(|c| c.value == given) {
        return Ok(given.to_string());
    }
    let labelled: Vec<Choice> = choices
        .iter()
        .filter(|c| c.text == given)
        .cloned()
        .collect();
    match labelled.as_slice() {
        [one] => Ok(one.value.clone()),
        [] => Err(Refusal::NotAChoice {
            field: FieldRef::of(field),
            given: given.to_string(),
            allowed: choices.to_vec(),
        }),
        _ => Err(Refusal::AmbiguousLabel {
            field: FieldRef::of(field),
            given: given.to_string(),
            candidates: labelled,
        }),
    }
}

/// An `h_group` value: a group id (digits) and a user id (digits or empty); the group is
/// required when the field is, the user when `user_require` says so.
fn check_group(field: &DesignItem, value: &Value) -> Result<Value, Refusal> {
    let name = || FieldRef::of(field);
    let part = |key: &str| match value.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Null) | None => Some(String::new()),
        Some(_) => None,
    };
    let (true, Some(group), Some(user)) = (value.is_object(), part("group"), part("user")) else {
        return Err(Refusal::Type {
            field: name(),
            message: format!("an h_group value is {{\"group\": \"<id>\", \"user\": \"<id or empty>\"}}, got {value}"),
        });
    };
    for (what, id) in [("group", &group), ("user", &user)] {
        if !id.is_empty() && !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Refusal::Format {
                field: name(),
                expected: if what == "group" {
                    "a group id (digits)"
                } else {
                    "a user id (digits)"
                },
                given: id.clone(),
            });
        }
    }
    if (group.is_empty() && field.required()) || (user.is_empty() && field.user_required()) {
        return Err(Refusal::Required { field: name() });
    }
    Ok(value.clone())
}

/// What the field's input takes, when `text` is not written that way.
fn format_problem(field: &DesignItem, text: &str) -> Option<&'static str> {
    let input_type = field
        .config
        .extra
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or(&field.item_type);
    let ok = match input_type {
        "number" => text.trim().parse::<f64>().is_ok_and(f64::is_finite),
        "email" => text.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && !host.is_empty() && !host.contains('@')
        }),
        "date" => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
        "datetime" | "datetime-local" => [
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
        ]
        .iter()
        .any(|f| chrono::NaiveDateTime::parse_from_str(text, f).is_ok()),
        "time" => ["%H:%M:%S", "%H:%M"]
            .iter()
            .any(|f| chrono::NaiveTime::parse_from_str(text, f).is_ok()),
        _ => return None,
    };
    (!ok).then_some(match input_type {
        "number" => "a number",
        "email" => "an e-mail address",
        "date" => "a date (YYYY-MM-DD)",
        "time" => "a time (HH:MM)",
        _ => "a date and time (YYYY-MM-DD HH:MM)",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form() -> FormDesign {
        serde_json::from_value(json!({"items": [
            {"id": "FORMITM_1", "type": "h_title", "config": {"title": "主旨", "require": true}},
            {"id": "FORMITM_2", "type": "areabox", "config": {"title": "說明", "readonly": true}},
            {"id": "FORMITM_3", "type": "h_level", "config": {"title": "燈號", "require": true, "lists": [
                {"value": "green", "text": "綠燈"}, {"value": "red", "text": "紅燈"}]}},
            {"id": "FORMITM_4", "type": "h_status", "config": {"title": "階段", "lists": [
                {"value": "a", "text": "同"}, {"value": "b", "text": "同"}]}},
            {"id": "FORMITM_5", "type": "h_group", "config": {"group_title": "受派組織", "require": true, "user_require": false}},
            {"id": "FORMITM_6", "type": "inputbox", "hidden": true, "config": {"title": "隱藏"}},
            {"id": "FORMITM_7", "type": "inputbox", "config": {"title": "金額", "type": "number", "regex": "^[0-9]{1,6}$"}},
            {"id": "FORMITM_8", "type": "checkbox", "config": {"title": "標籤", "lists": [
                {"value": "urgent", "text": "緊急"}, {"value": "budget", "text": "預算內"}]}},
            {"id": "FORMITM_9", "type": "inputbox", "config": {"title": "日期", "type": "date"}}
        ]}))
        .unwrap()
    }

    fn check(values: &[(&str, Value)]) -> Result<Vec<FormItem>, Refusal> {
        let values: Vec<(FieldId, Value)> = values
            .iter()
            .map(|(id, v)| (FieldId::new(id).unwrap(), v.clone()))
            .collect();
        check_values(&form(), &values)
    }

    #[test]
    fn every_refusal_names_the_field_and_its_title() {
        let cases: Vec<(Vec<(&str, Value)>, &str)> = vec![
            (vec![("FORMITM_99", json!("x"))], "FORMITM_99 is not on this stop's form; its fields: FORMITM_1 主旨"),
            (vec![("FORMITM_3", json!("red")), ("FORMITM_3", json!("green"))], "FORMITM_3 燈號 is set more than once"),
            (vec![("FORMITM_2", json!("x"))], "FORMITM_2 說明 is read-only"),
            (vec![("FORMITM_6", json!("x"))], "FORMITM_6 隱藏 is hidden"),
            (vec![("FORMITM_3", json!("purple"))], "FORMITM_3 燈號: \"purple\" is not one of its values at this stop: green (綠燈), red (紅燈)"),
            (vec![("FORMITM_3", json!("Red"))], "(did you mean red?)"),
            (vec![("FORMITM_4", json!("同"))], "FORMITM_4 階段: the label \"同\" names several values: a (同), b (同)"),
            (vec![("FORMITM_1", json!(""))], "FORMITM_1 主旨 is required"),
            (vec![("FORMITM_3", json!(""))], "\"\" is not one of its values"),
            (vec![("FORMITM_7", json!("1234567"))], "does not match /^[0-9]{1,6}$/"),
            (vec![("FORMITM_7", json!(""))], "does not match", ),
            (vec![("FORMITM_9", json!("2026-13-01"))], "is not a date (YYYY-MM-DD)"),
            (vec![("FORMITM_8", json!(["urgent", "nope"]))], "FORMITM_8 標籤: \"nope\" is not one"),
            (vec![("FORMITM_5", json!({"group": "", "user": ""}))], "FORMITM_5 受派組織 is required"),
            (vec![("FORMITM_5", json!({"group": "x2", "user": ""}))], "is not a group id"),
            (vec![("FORMITM_5", json!("2"))], "an h_group value is"),
            (vec![("FORMITM_1", json!({"a": 1}))], "FORMITM_1 主旨: "),
        ];
        for (values, expected) in cases {
            let refusal = check(&values).unwrap_err();
            assert!(
                refusal.to_string().contains(expected),
                "{values:?}: {refusal}"
            );
            assert_eq!(refusal.field(), values.last().unwrap().0);
        }
    }

    #[test]
    fn labels_map_to_values_and_good_values_pass() {
        let items = check(&[
            ("FORMITM_1", json!("Printer jam")),
            ("FORMITM_3", json!("紅燈")),
            ("FORMITM_4", json!("b")),
            ("FORMITM_5", json!({"group": "2", "user": ""})),
            ("FORMITM_7", json!("120")),
            ("FORMITM_8", json!("緊急, budget")),
            ("FORMITM_9", json!("2026-12-04")),
        ])
        .unwrap();
        let values: Vec<&Value> = items.iter().map(FormItem::value).collect();
        assert_eq!(values[1], "red");
        assert_eq!(values[4], "120");
        assert_eq!(values[5], &json!(["urgent", "budget"]));
        assert_eq!(items[1].field_type(), &FieldType::HLevel);
    }
}
