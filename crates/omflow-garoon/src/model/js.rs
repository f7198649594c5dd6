//! The members only the JavaScript API's request has: `availableOperations` and `folders`,
//! and their decoding.

use super::context::{entries, index, join, text, Ctx, GaroonParseError, ParseErrorKind};
use super::json::Json;
use super::keyed::Keyed;
use super::tokens::{FolderType, Operation};

/// Where a request may be sent back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SentBackTarget {
    /// The applicant (`$applicant`).
    Applicant,
    /// A step key.
    Step(String),
}

/// What the viewer could do next (JS variant).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AvailableOperations {
    /// Operations.
    pub list: Vec<Operation>,
    /// Send-back targets as sent.
    pub sent_back_targets: Vec<String>,
    /// Members this SDK does not know, exactly as sent, in order.
    pub extra: Keyed<Json>,
}

impl AvailableOperations {
    /// The send-back targets, typed.
    #[must_use]
    pub fn targets(&self) -> Vec<SentBackTarget> {
        self.sent_back_targets
            .iter()
            .map(|t| {
                if t == "$applicant" {
                    SentBackTarget::Applicant
                } else {
                    SentBackTarget::Step(t.clone())
                }
            })
            .collect()
    }
}

/// A folder the request is in (JS variant).
#[derive(Debug, Clone, PartialEq)]
pub struct Folder {
    /// Folder id, as text.
    pub id: Option<String>,
    /// Folder kind.
    pub kind: FolderType,
    /// Members this SDK does not know, exactly as sent, in order.
    pub extra: Keyed<Json>,
}

pub(super) fn operations(
    ctx: &mut Ctx,
    json: &Json,
    path: &str,
) -> Result<AvailableOperations, GaroonParseError> {
    let mut ops = AvailableOperations::default();
    for (key, value) in entries(json, path)? {
        let at = join(path, key);
        match (key.as_str(), value) {
            ("list", Json::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    let token = item.as_str().ok_or_else(|| GaroonParseError {
                        kind: ParseErrorKind::Shape,
                        path: index(&at, i),
                        message: "expected a string".into(),
                    })?;
                    ops.list
                        .push(Operation::decode(ctx, token, &index(&at, i))?);
                }
            }
            ("sentBackTargets", Json::Array(items)) => {
                ops.sent_back_targets = items
                    .iter()
                    .enumerate()
                    .map(|(i, t)| text(ctx, t, &index(&at, i)).map(Option::unwrap_or_default))
                    .collect::<Result<_, _>>()?
            }
            ("sentBackTargets", Json::String(s)) => {
                ctx.warn(
                    &at,
                    "sentBackTargets given as a bare string; read as a one-element list",
                )?;
                ops.sent_back_targets = vec![s.clone()];
            }
            _ => {
                ops.extra.push(key, value.clone());
            }
        }
    }
    if json.get("sentBackTargets").is_none() {
        ctx.warn(
            path,
            "availableOperations without \"sentBackTargets\" (documented); read as none",
        )?;
    }
    Ok(ops)
}

pub(super) fn folders(
    ctx: &mut Ctx,
    json: &Json,
    path: &str,
) -> Result<Vec<Folder>, GaroonParseError> {
    let list = match json {
        Json::Array(items) => items,
        Json::Object(_) => {
            match json.get("value") {
                Some(Json::Array(items)) => {
                    ctx.warn(path, "legacy folders wrapped as {\"type\": \"FOLDER\", \"value\": […]}; unwrapped")?;
                    items
                }
                _ => {
                    return Err(GaroonParseError {
                        kind: ParseErrorKind::Shape,
                        path: path.to_string(),
                        message: "expected a list of folders".into(),
                    })
                }
            }
        }
        other => {
            return Err(GaroonParseError {
                kind: ParseErrorKind::Shape,
                path: path.to_string(),
                message: format!("expected a list of folders, got {}", other.kind()),
            })
        }
    };
    list.iter()
        .enumerate()
        .map(|(i, folder)| {
            let at = index(path, i);
            let mut out = Folder {
                id: None,
                kind: FolderType::Unknown(String::new()),
                extra: Keyed::default(),
            };
            for (key, value) in entries(folder, &at)? {
                match key.as_str() {
                    "id" => out.id = text(ctx, value, &join(&at, key))?,
                    "type" => {
                        out.kind =
                            FolderType::decode(ctx, value.as_str().unwrap_or(""), &join(&at, key))?
                    }
                    _ => {
                        out.extra.push(key, value.clone());
                    }
                }
            }
            Ok(out)
        })
        .collect()
}
