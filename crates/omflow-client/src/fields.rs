//! Field values a push or create sets: by id (typed and checked against a form design) or with
//! an explicit type. Invalid ids and values are reported when the request is sent, before
//! anything is.

use crate::error::Error;
use omflow_model::checks::{check_create_values, check_values, Refusal};
use omflow_model::{FieldId, FieldType, FormDesign, FormItem};
use serde_json::Value;

/// One value as set, in order.
#[derive(Debug, Clone)]
struct Entry {
    id: Result<FieldId, String>,
    value: Value,
    field_type: Option<FieldType>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct FieldValues {
    entries: Vec<Entry>,
}

impl FieldValues {
    pub(crate) fn set(&mut self, field_id: &str, value: Value) {
        self.entries.push(Entry {
            id: FieldId::new(field_id).map_err(|e| e.to_string()),
            value,
            field_type: None,
        });
    }

    pub(crate) fn set_typed(&mut self, field_id: &str, field_type: FieldType, value: Value) {
        self.entries.push(Entry {
            id: FieldId::new(field_id).map_err(|e| e.to_string()),
            value,
            field_type: Some(field_type),
        });
    }

    /// The first invalid field id or value, before anything is sent.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        for entry in &self.entries {
            let id = entry.id.clone().map_err(Error::InvalidRequest)?;
            if let Some(field_type) = &entry.field_type {
                FormItem::new(id, field_type.clone(), entry.value.clone())
                    .map_err(|e| Error::InvalidRequest(e.to_string()))?;
            }
        }
        Ok(())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether some value still needs its type from a design.
    pub(crate) fn needs_types(&self) -> bool {
        self.entries.iter().any(|e| e.field_type.is_none())
    }

    /// The values checked against the form a stop shows ([`omflow_model::checks`]): typed from
    /// the form (an explicit type gives way to the form's), labels mapped to values. The
    /// first refusal is the error.
    pub(crate) fn checked(&self, design: &FormDesign) -> Result<Vec<FormItem>, Error> {
        check_values(design, &self.pairs()?).map_err(Error::refused)
    }

    /// As [`FieldValues::checked`], on a start form ([`check_create_values`]).
    pub(crate) fn checked_for_create(&self, design: &FormDesign) -> Result<Vec<FormItem>, Error> {
        check_create_values(design, &self.pairs()?).map_err(Error::refused)
    }

    fn pairs(&self) -> Result<Vec<(FieldId, Value)>, Error> {
        self.entries
            .iter()
            .map(|entry| {
                Ok((
                    entry.id.clone().map_err(Error::InvalidRequest)?,
                    entry.value.clone(),
                ))
            })
            .collect::<Result<Vec<_>, Error>>()
    }

    /// The items unchecked (a forced push, or a create without a design): typed by `type_of`
    /// (the form), else explicitly; a later value for the same field replaces an earlier one.
    pub(crate) fn unchecked(
        &self,
        type_of: impl Fn(&FieldId) -> Option<FieldType>,
        available: impl Fn() -> String,
    ) -> Result<Vec<FormItem>, Error> {
        let mut items: Vec<FormItem> = Vec::with_capacity(self.entries.len());
        for entry in &self.entries {
            let id = entry.id.clone().map_err(Error::InvalidRequest)?;
            let field_type = match type_of(&id).or_else(|| entry.field_type.clone()) {
                Some(field_type) => field_type,
                None => {
                    return Err(Error::refused(Refusal::UnknownField {
                        field: id.to_string(),
                        available: available(),
                    }))
                }
            };
            items.retain(|item| item.id() != &id);
            items.push(
                FormItem::new(id, field_type, entry.value.clone())
                    .map_err(|e| Error::InvalidRequest(e.to_string()))?,
            );
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn design() -> FormDesign {
        serde_json::from_str(
            r#"{"items": [{"id": "FORMITM_1", "type": "h_title", "config": {"title": "主旨"}},
                {"id": "FORMITM_4", "type": "h_status", "config": {"title": "階段",
                 "lists": [{"value": "a", "text": "甲"}, {"value": "b", "text": "乙"}]}}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn unknown_field_lists_the_form() {
        let mut values = FieldValues::default();
        values.set("FORMITM_9", Value::from("x"));
        let err = values.checked(&design()).unwrap_err();
        assert!(
            matches!(&err, Error::Refused(crate::PushRefusal::Form(refusal)) if refusal.field() == "FORMITM_9"),
            "{err}"
        );
        assert!(err.to_string().contains("FORMITM_1 主旨"), "{err}");
    }

    #[test]
    fn a_field_set_twice_is_refused_unless_forced() {
        let mut values = FieldValues::default();
        values.set_typed("FORMITM_4", FieldType::HStatus, Value::from("a"));
        values.set("FORMITM_4", Value::from("乙"));
        let err = values.checked(&design()).unwrap_err();
        assert!(err.to_string().contains("set more than once"), "{err}");
        let items = values
            .unchecked(|_| Some(FieldType::HStatus), String::new)
            .unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(
            items[0].value(),
            "乙",
            "forced: sent as given, the last wins"
        );
        let mut bad = FieldValues::default();
        bad.set("title", Value::from("x"));
        assert!(bad.validate().is_err());
    }

    #[test]
    fn labels_become_values_and_typed_fields_off_the_form_are_refused() {
        let mut values = FieldValues::default();
        values.set("FORMITM_4", Value::from("乙"));
        let items = values.checked(&design()).unwrap();
        assert_eq!(items[0].value(), "b");
        values.set_typed("FORMITM_7", FieldType::Inputbox, Value::from("x"));
        assert!(values.checked(&design()).is_err());
    }
}
