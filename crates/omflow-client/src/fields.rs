//! Field values a push or create sets: by id (typed from a form design) or with an explicit
//! type. Invalid ids and values are reported when the request is sent, before anything is.

use crate::error::Error;
use omflow_model::{FieldId, FieldType, FormItem};
use serde_json::Value;

/// What a design says of a field id.
pub(crate) enum Typed {
    /// The field and its type.
    Known(FieldType),
    /// No such field; the text lists the fields there are (`FORMITM_1 主旨, ...`).
    Unknown(String),
}

#[derive(Debug, Default)]
pub(crate) struct FieldValues {
    values: Vec<(Result<FieldId, Error>, Value)>,
    typed: Vec<Result<FormItem, Error>>,
}

fn field(id: &str) -> Result<FieldId, Error> {
    FieldId::new(id).map_err(|e| Error::InvalidRequest(e.to_string()))
}

impl FieldValues {
    pub(crate) fn set(&mut self, field_id: &str, value: Value) {
        self.values.push((field(field_id), value));
    }

    pub(crate) fn set_typed(&mut self, field_id: &str, field_type: FieldType, value: Value) {
        let item = field(field_id).and_then(|id| {
            FormItem::new(id, field_type, value).map_err(|e| Error::InvalidRequest(e.to_string()))
        });
        self.typed.push(item);
    }

    /// The first invalid field id or value, before anything is sent.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        let invalid = self
            .values
            .iter()
            .filter_map(|(id, _)| id.as_ref().err())
            .chain(self.typed.iter().filter_map(|item| item.as_ref().err()))
            .next();
        match invalid {
            Some(Error::InvalidRequest(message)) => Err(Error::InvalidRequest(message.clone())),
            Some(other) => Err(Error::InvalidRequest(other.to_string())),
            None => Ok(()),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.values.is_empty() && self.typed.is_empty()
    }

    /// Whether some value still needs its type from a design.
    pub(crate) fn needs_types(&self) -> bool {
        !self.values.is_empty()
    }

    /// The items, typing untyped values with `type_of`; a later value for the same field
    /// replaces an earlier one. The first invalid id or value is the error.
    pub(crate) fn into_items(
        self,
        type_of: impl Fn(&FieldId) -> Typed,
    ) -> Result<Vec<FormItem>, Error> {
        let mut items: Vec<FormItem> = self.typed.into_iter().collect::<Result<_, _>>()?;
        for (id, value) in self.values {
            let id = id?;
            let field_type = match type_of(&id) {
                Typed::Known(field_type) => field_type,
                Typed::Unknown(available) => {
                    return Err(Error::UnknownField {
                        field: id.to_string(),
                        available,
                    })
                }
            };
            items.retain(|item| item.id() != &id);
            items.push(
                FormItem::new(id, field_type, value)
                    .map_err(|e| Error::InvalidRequest(e.to_string()))?,
            );
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_lists_the_form() {
        let mut values = FieldValues::default();
        values.set("FORMITM_9", Value::from("x"));
        let err = values
            .into_items(|_| Typed::Unknown("FORMITM_1 主旨".into()))
            .unwrap_err();
        assert!(matches!(&err, Error::UnknownField { field, .. } if field == "FORMITM_9"));
        assert!(err.to_string().contains("FORMITM_1 主旨"), "{err}");
    }

    #[test]
    fn later_values_replace_earlier_ones_and_bad_ids_fail() {
        let mut values = FieldValues::default();
        values.set_typed("FORMITM_4", FieldType::HStatus, Value::from("a"));
        values.set("FORMITM_4", Value::from("b"));
        let items = values
            .into_items(|_| Typed::Known(FieldType::HStatus))
            .unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].value(), "b");
        let mut bad = FieldValues::default();
        bad.set("title", Value::from("x"));
        assert!(bad.into_items(|_| Typed::Known(FieldType::HTitle)).is_err());
    }
}
