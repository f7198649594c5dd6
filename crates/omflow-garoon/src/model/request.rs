//! The request object itself: [`WorkflowRequest`], its status and shape, its encoding, and
//! decoding one request.

use super::context::{
    entries, flag, join, text, Ctx, Decoded, GaroonParseError, Mode, ParseErrorKind,
};
use super::items::{item, Items};
use super::js::{folders, operations, AvailableOperations, Folder};
use super::json::Json;
use super::keyed::Keyed;
use super::refs::{form_ref, person, FormRef, Person};
use super::steps::{step, Steps};
use super::time::{utc_time, UtcTime};
use super::tokens::StatusType;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The request's status.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// Localized label, as sent (display only); `None` when the object has none (which is
    /// undocumented, and warned about).
    pub name: Option<String>,
    /// The machine value.
    pub kind: StatusType,
    /// Members this SDK does not know, exactly as sent.
    pub extra: Keyed<Json>,
}

/// The members of a request object (what `fields=` may ask for).
pub const REQUEST_FIELDS: [&str; 13] = [
    "id",
    "status",
    "createdAt",
    "processingStepCode",
    "name",
    "number",
    "isUrgent",
    "applicant",
    "form",
    "items",
    "steps",
    "availableOperations",
    "folders",
];

/// The members the REST API's `fields=` can select (the JS-only members are not).
pub const SELECTABLE_FIELDS: [&str; 11] = [
    "id",
    "status",
    "createdAt",
    "processingStepCode",
    "name",
    "number",
    "isUrgent",
    "applicant",
    "form",
    "items",
    "steps",
];

/// Which shape a decoded request came in.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Variant {
    /// A bare request object (the REST API's).
    Rest,
    /// The JavaScript API's wrapper `{"request": {...}}`.
    JsWrapper {
        /// The wrapper's members besides `request` (such as `type`), exactly as sent, in
        /// order: its `extra`, as every decoded object keeps its other members.
        extra: Keyed<Json>,
    },
}

/// A Garoon workflow request, decoded. Every top-level member is optional (`fields=` can
/// drop any). The fields are what was read; encoding (`Serialize`,
/// [`WorkflowRequest::to_json`]) writes the document exactly as it was read, member order and
/// number text included, whatever the fields hold since.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WorkflowRequest {
    /// Request id (`None` also for `null` on the JS create screen).
    pub id: Option<String>,
    /// Status.
    pub status: Option<Status>,
    /// Creation instant.
    pub created_at: Option<UtcTime>,
    /// Current step key, as sent (`""` once finished); see [`WorkflowRequest::processing_step`].
    pub processing_step_code: Option<String>,
    /// Display name (opaque).
    pub name: Option<String>,
    /// Request number.
    pub number: Option<String>,
    /// Urgent.
    pub is_urgent: Option<bool>,
    /// Applicant.
    pub applicant: Option<Person>,
    /// Form.
    pub form: Option<FormRef>,
    /// Items (`None` when not requested).
    pub items: Option<Items>,
    /// Steps (`None` when not requested).
    pub steps: Option<Steps>,
    /// What the viewer could do next (JS variant only).
    pub available_operations: Option<AvailableOperations>,
    /// The folders the request is in (JS variant only).
    pub folders: Option<Vec<Folder>>,
    /// Top-level members this SDK does not know, exactly as sent.
    pub extra: Keyed<Json>,
    /// Which shape the document came in.
    pub variant: Variant,
    source: Json,
}

impl WorkflowRequest {
    fn empty() -> WorkflowRequest {
        WorkflowRequest {
            id: None,
            status: None,
            created_at: None,
            processing_step_code: None,
            name: None,
            number: None,
            is_urgent: None,
            applicant: None,
            form: None,
            items: None,
            steps: None,
            available_operations: None,
            folders: None,
            extra: Keyed::default(),
            variant: Variant::Rest,
            source: Json::Null,
        }
    }

    /// The document exactly as read (the wrapper included for the JS variant).
    #[must_use]
    pub fn to_json(&self) -> &Json {
        &self.source
    }
    /// The current step key; `None` when finished (`""`) or absent.
    #[must_use]
    pub fn processing_step(&self) -> Option<&str> {
        self.processing_step_code
            .as_deref()
            .filter(|s| !s.is_empty())
    }
}

pub(super) fn request(
    ctx: &mut Ctx,
    json: &Json,
    path: &str,
) -> Result<WorkflowRequest, GaroonParseError> {
    let mut r = WorkflowRequest::empty();
    let mut lifted_form = None;
    let members = entries(json, path)?;
    if !members
        .iter()
        .any(|(key, _)| REQUEST_FIELDS.contains(&key.as_str()))
    {
        ctx.warn(
            path,
            "the object has none of a request object's members; read as an empty request",
        )?;
    }
    for (key, value) in members {
        let at = join(path, key);
        if matches!(value, Json::Null) && REQUEST_FIELDS.contains(&key.as_str()) {
            continue;
        }
        match key.as_str() {
            "id" => r.id = text(ctx, value, &at)?,
            "status" => {
                let mut extra = Keyed::default();
                for (member, inner) in entries(value, &at)? {
                    if member != "name" && member != "type" {
                        extra.push(member, inner.clone());
                    }
                }
                let name = value.get("name").and_then(Json::as_str).map(str::to_string);
                if name.is_none() {
                    ctx.warn(
                        &at,
                        "status without a \"name\" (documented); kept without one",
                    )?;
                }
                let token =
                    value
                        .get("type")
                        .and_then(Json::as_str)
                        .ok_or_else(|| GaroonParseError {
                            kind: ParseErrorKind::Shape,
                            path: at.clone(),
                            message: "status without a \"type\"".into(),
                        })?;
                let kind = StatusType::decode(ctx, token, &join(&at, "type"))?;
                r.status = Some(Status { name, kind, extra });
            }
            "createdAt" => {
                r.created_at = text(ctx, value, &at)?
                    .map(|raw| utc_time(ctx, raw, &at))
                    .transpose()?
            }
            "processingStepCode" => r.processing_step_code = text(ctx, value, &at)?,
            "name" => r.name = text(ctx, value, &at)?,
            "number" => r.number = text(ctx, value, &at)?,
            "isUrgent" => r.is_urgent = flag(ctx, value, &at, false)?,
            "applicant" => r.applicant = Some(person(ctx, value, &at, &mut lifted_form)?),
            "form" => r.form = Some(form_ref(ctx, value, &at)?),
            "items" => {
                r.items = Some(Keyed(
                    entries(value, &at)?
                        .iter()
                        .map(|(k, v)| item(ctx, v, &join(&at, k)).map(|i| (k.clone(), i)))
                        .collect::<Result<_, _>>()?,
                ))
            }
            "steps" => {
                r.steps = Some(Keyed(
                    entries(value, &at)?
                        .iter()
                        .map(|(k, v)| step(ctx, v, &join(&at, k)).map(|s| (k.clone(), s)))
                        .collect::<Result<_, _>>()?,
                ))
            }
            "availableOperations" => r.available_operations = Some(operations(ctx, value, &at)?),
            "folders" => r.folders = Some(folders(ctx, value, &at)?),
            _ => {
                r.extra.push(key, value.clone());
            }
        }
    }
    r.source = json.clone();
    if let Some(form) = lifted_form {
        let at = join(&join(path, "applicant"), "form");
        if r.form.is_none() {
            ctx.warn(&at, "form inside applicant; lifted to the top level")?;
            r.form = Some(form_ref(ctx, &form, &at)?);
        } else if let Some(applicant) = r.applicant.as_mut() {
            applicant.extra.push("form", form);
        }
    }
    Ok(r)
}

/// Decodes one request object (also inside the JS wrapper `{"request": {...}}`).
///
/// # Errors
/// [`GaroonParseError`] for text that is not JSON, a shape no tolerance covers, and in [`Mode::Strict`] every tolerance event.
pub fn decode_request(
    text: &str,
    mode: Mode,
) -> Result<Decoded<WorkflowRequest>, GaroonParseError> {
    let json = Json::parse(text).map_err(|e| GaroonParseError::not_json(&e))?;
    decode_request_json(&json, mode)
}

/// Decodes one request object from a parsed tree.
///
/// # Errors
/// As [`decode_request`].
pub fn decode_request_json(
    json: &Json,
    mode: Mode,
) -> Result<Decoded<WorkflowRequest>, GaroonParseError> {
    let mut ctx = Ctx {
        mode,
        warnings: Vec::new(),
    };
    let members = json.members();
    let bare = members
        .iter()
        .any(|(key, _)| REQUEST_FIELDS.contains(&key.as_str()));
    let value = match json.get("request") {
        // The JS API's wrapper, whatever members it has besides `request`.
        Some(inner @ Json::Object(_)) if !bare => {
            let mut value = request(&mut ctx, inner, "/request")?;
            let mut siblings = Keyed::default();
            for (key, member) in members.iter().filter(|(key, _)| key != "request") {
                siblings.push(key, member.clone());
            }
            value.variant = Variant::JsWrapper { extra: siblings };
            value.source = json.clone();
            value
        }
        _ => request(&mut ctx, json, "")?,
    };
    Ok(Decoded {
        value,
        warnings: ctx.warnings,
    })
}

impl Serialize for WorkflowRequest {
    /// Writes the document as it was read: member order, number text and unknown members
    /// exactly, nothing added (also for legacy shapes the typed view normalised).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.source.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for WorkflowRequest {
    /// Tolerant decoding (warnings dropped); use [`decode_request`] to see them.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json = Json::deserialize(deserializer)?;
        decode_request_json(&json, Mode::Tolerant)
            .map(|d| d.value)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_type_never_comes_from_the_label() {
        let d = decode_request(
            r#"{"status":{"name":"承認","type":"IN_PROGRESS"}}"#,
            Mode::Strict,
        )
        .unwrap();
        assert_eq!(d.value.status.unwrap().kind, StatusType::InProgress);
    }
}
