//! The users and the form a request refers to: [`Person`] (applicant, processor, proxy) and
//! [`FormRef`], and their decoding.

use super::context::{entries, join, text, Ctx, GaroonParseError};
use super::json::Json;
use super::keyed::Keyed;

/// A user reference (applicant, processor, proxy).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Person {
    /// Garoon user id (REST only).
    pub id: Option<String>,
    /// Current login name (`""` for a deleted user).
    pub code: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Who acted on their behalf.
    pub proxy: Option<Box<Person>>,
    /// Members this SDK does not know, exactly as sent, in order.
    pub extra: Keyed<Json>,
}

impl Person {
    /// A deleted user: Garoon sends an empty login name (and the name from back then).
    #[must_use]
    pub fn is_deleted(&self) -> bool {
        self.code.as_deref() == Some("")
    }
}

/// The request form.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FormRef {
    /// Form id.
    pub id: Option<String>,
    /// Form name (REST only).
    pub name: Option<String>,
    /// Members this SDK does not know, exactly as sent, in order.
    pub extra: Keyed<Json>,
}

pub(super) fn person(
    ctx: &mut Ctx,
    json: &Json,
    path: &str,
    lift_form: &mut Option<Json>,
) -> Result<Person, GaroonParseError> {
    let mut p = Person::default();
    for (key, value) in entries(json, path)? {
        let at = join(path, key);
        match key.as_str() {
            "id" => p.id = text(ctx, value, &at)?,
            "code" => p.code = text(ctx, value, &at)?,
            "name" => p.name = text(ctx, value, &at)?,
            "proxy" if matches!(value, Json::Null) => {}
            "proxy" => p.proxy = Some(Box::new(person(ctx, value, &at, &mut None)?)),
            "form" if matches!(value, Json::Object(_)) && lift_form.is_none() => {
                *lift_form = Some(value.clone());
            }
            _ => {
                p.extra.push(key, value.clone());
            }
        }
    }
    Ok(p)
}

pub(super) fn form_ref(
    ctx: &mut Ctx,
    json: &Json,
    path: &str,
) -> Result<FormRef, GaroonParseError> {
    let mut f = FormRef::default();
    for (key, value) in entries(json, path)? {
        let at = join(path, key);
        match key.as_str() {
            "id" => f.id = text(ctx, value, &at)?,
            "name" => f.name = text(ctx, value, &at)?,
            _ => {
                f.extra.push(key, value.clone());
            }
        }
    }
    Ok(f)
}
