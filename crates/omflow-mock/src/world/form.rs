//! Form designs and form data: field types, status texts, group headers, the rules
//! of formdata items.

use super::*;

impl World {
    pub(super) fn model_name(&self, flow: usize) -> String {
        format!("Omdata_{}", self.flows[flow].def.flow_uuid)
    }

    /// The item at `id`: `FITEM_n`, or a path into subflows (`FITEM_8-FITEM_2`, as a row
    /// inside a subflow names its stop).
    pub(crate) fn item<'a>(&'a self, flow: usize, id: &str) -> Option<&'a SeedItem> {
        let mut parts = id.split('-');
        let first = parts.next()?;
        let mut item = self.flows[flow].def.items.iter().find(|i| i.id == first)?;
        for part in parts {
            item = item.sub_items.iter().find(|i| i.id == part)?;
        }
        Some(item)
    }

    /// The item at path `id`, with the whole path as its id (what a row's `stop_uuid` and
    /// the flow log write for a stop inside a subflow).
    pub(super) fn item_at(&self, flow: usize, id: &str) -> Option<SeedItem> {
        let mut item = self.item(flow, id)?.clone();
        item.id = id.to_string();
        Some(item)
    }

    pub(super) fn field_type(&self, flow: usize, id: &str) -> Option<String> {
        self.flows[flow]
            .def
            .fields
            .iter()
            .find(|f| f.id.eq_ignore_ascii_case(id))
            .map(|f| f.field_type.clone())
    }

    /// The status's text for `value` (`getFormobjectListText`): a push reads the choices of
    /// the form it was sent on (the stop's own form when it has one: a value that form does
    /// not offer is stored as sent), anything else the flow's merged form.
    pub(super) fn status_text(&self, flow: usize, stop: Option<&str>, value: &str) -> String {
        let own_form = stop
            .and_then(|s| self.item(flow, s))
            .filter(|item| item.form_object.is_some() || !item.fields.is_empty());
        let options = match own_form {
            Some(item) => item
                .fields
                .iter()
                .find(|f| f.field_type == "h_status")
                .map(|f| &f.options),
            None => self.flows[flow]
                .def
                .fields
                .iter()
                .find(|f| f.field_type == "h_status")
                .map(|f| &f.options),
        };
        options
            .and_then(|options| options.iter().find(|o| o.value == value))
            .map(|o| o.text.clone())
            .unwrap_or_else(|| value.to_string())
    }

    pub(super) fn group_header(&self, group: &str, user: &str) -> String {
        let group_name = group
            .parse::<u64>()
            .ok()
            .and_then(|id| self.groups.iter().find(|g| g.id == id))
            .map(|g| g.display_name.clone())
            .unwrap_or_else(|| group.to_string());
        let user_name = user
            .parse::<u64>()
            .ok()
            .and_then(|id| self.users.iter().find(|u| u.id == id))
            .map(|u| u.nick_name.clone())
            .unwrap_or_else(|| user.to_string());
        dumps(&json!({"group": group_name, "user": user_name}))
    }

    /// Writes one typed value into a row (the column and its header column).
    pub(super) fn write_field(
        &self,
        flow: usize,
        row: &mut Map<String, Value>,
        id: &str,
        field_type: &str,
        value: &Value,
        stop: Option<&str>,
    ) {
        let column = id.to_lowercase();
        let as_text = |v: &Value| match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            Value::Bool(true) => "True".to_string(),
            Value::Bool(false) => "False".to_string(),
            other => dumps(other),
        };
        match field_type {
            "h_group" => {
                let group = value["group"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| as_text(&value["group"]));
                let user = value["user"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| as_text(&value["user"]));
                row.insert(
                    column,
                    Value::String(dumps(&json!({"group": group, "user": user}))),
                );
                row.insert(
                    "group".into(),
                    Value::String(self.group_header(&group, &user)),
                );
            }
            _ => {
                // Python's `str()` of what was sent (`FormatFormdataListToFormdata`): null is
                // the empty text, `false` is "False" (an areabox as any other field).
                let stored = as_text(value);
                match field_type {
                    "h_title" => {
                        row.insert("title".into(), Value::String(stored.clone()));
                    }
                    "h_level" => {
                        row.insert("level".into(), Value::String(stored.clone()));
                    }
                    "h_status" => {
                        row.insert(
                            "status".into(),
                            Value::String(self.status_text(flow, stop, &stored)),
                        );
                    }
                    _ => {}
                }
                row.insert(column, Value::String(stored));
            }
        }
    }

    /// The columns of flow `flow`'s ticket table, which a formdata id (lower-cased) must
    /// name: a form column, or any other column (`title` is written directly). The model is
    /// built once per call, not once per column asked about.
    pub(super) fn columns(&self, flow: usize) -> Vec<String> {
        let model = crate::django::schema::tickets(flow, self.flows[flow].def.column_count);
        model
            .fields
            .iter()
            .filter_map(|f| f.attname.clone())
            .collect()
    }

    /// An h_group value without its `user` key: the engine's KeyError.
    pub(super) fn group_without_user(items: &[Value]) -> bool {
        items.iter().any(|item| {
            item["type"] == "h_group"
                && item["value"]
                    .as_object()
                    .is_some_and(|v| !v.contains_key("user"))
        })
    }

    /// Checks formdata items have `id`, `type` and `value`; the first missing key is the error.
    pub(super) fn item_keys(items: &[Value]) -> Result<(), String> {
        for item in items {
            for key in ["id", "type", "value"] {
                if item.get(key).is_none() {
                    return Err(format!("'{key}'"));
                }
            }
        }
        Ok(())
    }

    /// `FormDataChecker`: required fields of `design`, on the submitted items only.
    pub(super) fn check_required(items: &[Value], design: &[DesignField]) -> Result<bool, String> {
        for field in design {
            let DesignField {
                id,
                field_type,
                required,
                regex,
            } = field;
            if !id.starts_with("FORMITM_") {
                continue;
            }
            let item = items.iter().find(|i| i["id"] == id.as_str());
            // A pattern is checked on every value sent, empty or not, required or not.
            if let (Some(item), Some(pattern)) = (item, regex.as_deref()) {
                if field_type != "h_group" && !python_match(pattern, &item["value"])? {
                    return Ok(false);
                }
            }
            if !required {
                continue;
            }
            let Some(item) = item else {
                return Ok(false);
            };
            let value = &item["value"];
            if field_type == "h_group" {
                let Some(object) = value.as_object() else {
                    return Err(match value {
                        Value::String(_) => {
                            "string indices must be integers, not 'str'".to_string()
                        }
                        Value::Array(_) => {
                            "list indices must be integers or slices, not str".to_string()
                        }
                        _ => format!("'{}' object is not subscriptable", py_type(value)),
                    });
                };
                let group = object.get("group").ok_or_else(|| "'group'".to_string())?;
                if !truthy(group) {
                    return Ok(false);
                }
            } else if !(truthy(value) || value.as_f64() == Some(0.0) || value == &json!(false)) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    pub(super) fn main_design(&self, flow: usize) -> Vec<DesignField> {
        self.flows[flow]
            .def
            .fields
            .iter()
            .map(|f| DesignField {
                id: f.id.clone(),
                field_type: f.field_type.clone(),
                required: f.required,
                regex: f.regex.clone().filter(|r| !r.is_empty()),
            })
            .collect()
    }

    pub(super) fn stop_design(&self, flow: usize, stop: &str) -> Vec<DesignField> {
        match self.item(flow, stop) {
            Some(item) if !item.fields.is_empty() => item
                .fields
                .iter()
                .map(|f| DesignField {
                    id: f.id.clone(),
                    field_type: f.field_type.clone(),
                    required: f.required,
                    regex: f.regex.clone().filter(|r| !r.is_empty()),
                })
                .collect(),
            _ => self.main_design(flow),
        }
    }
}

/// A field as `FormDataChecker` reads it from a form design.
pub(super) struct DesignField {
    pub(super) id: String,
    pub(super) field_type: String,
    pub(super) required: bool,
    /// `config.regex`, when not empty.
    pub(super) regex: Option<String>,
}

/// Python's `re.compile(pattern).match(value)` (anchored at the start only); a value that is
/// no text raises as Python's does. A pattern Rust's `regex` cannot read is not checked.
fn python_match(pattern: &str, value: &Value) -> Result<bool, String> {
    let Value::String(text) = value else {
        return Err(format!(
            "expected string or bytes-like object, got '{}'",
            py_type(value)
        ));
    };
    Ok(match regex::Regex::new(pattern) {
        Ok(re) => re.find(text).is_some_and(|m| m.start() == 0),
        Err(_) => true,
    })
}

/// Formdata items with the header items (types `h_*`) last, order otherwise kept.
pub(super) fn headers_last(items: &[Value]) -> impl Iterator<Item = &Value> {
    let header = |item: &&Value| item["type"].as_str().is_some_and(|t| t.starts_with("h_"));
    items
        .iter()
        .filter(move |item| !header(item))
        .chain(items.iter().filter(header))
}
