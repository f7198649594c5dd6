//! A page of the admin request list: [`RequestPage`], its encoding, and its decoding.

use super::context::{entries, flag, index, Ctx, Decoded, GaroonParseError, Mode, ParseErrorKind};
use super::json::Json;
use super::keyed::Keyed;
use super::request::{request, WorkflowRequest};
use serde::{Serialize, Serializer};

/// A page of `GET /api/v1/workflow/admin/requests`, decoded. The fields are what was read;
/// encoding writes the page exactly as read.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RequestPage {
    /// The requests, in server order.
    pub requests: Vec<WorkflowRequest>,
    /// More pages follow.
    pub has_next: bool,
    /// Members this SDK does not know, exactly as sent.
    pub extra: Keyed<Json>,
    source: Json,
}

impl RequestPage {
    /// The page exactly as read.
    #[must_use]
    pub fn to_json(&self) -> &Json {
        &self.source
    }
}

/// Decodes a list page.
///
/// # Errors
/// As [`decode_request`](super::decode_request); also a missing `hasNext` in strict mode.
pub fn decode_page(text: &str, mode: Mode) -> Result<Decoded<RequestPage>, GaroonParseError> {
    let json = Json::parse(text).map_err(|e| GaroonParseError::not_json(&e))?;
    decode_page_json(&json, mode)
}

/// Decodes a list page from a parsed tree.
///
/// # Errors
/// As [`decode_page`].
pub fn decode_page_json(json: &Json, mode: Mode) -> Result<Decoded<RequestPage>, GaroonParseError> {
    let mut ctx = Ctx {
        mode,
        warnings: Vec::new(),
    };
    let mut page = RequestPage {
        requests: Vec::new(),
        has_next: false,
        extra: Keyed::default(),
        source: json.clone(),
    };
    let mut seen_has_next = false;
    for (key, value) in entries(json, "")? {
        match key.as_str() {
            "requests" => match value {
                Json::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        page.requests
                            .push(request(&mut ctx, item, &index("/requests", i))?);
                    }
                }
                other => {
                    return Err(GaroonParseError {
                        kind: ParseErrorKind::Shape,
                        path: "/requests".into(),
                        message: format!("expected a list, got {}", other.kind()),
                    })
                }
            },
            "hasNext" => {
                seen_has_next = true;
                page.has_next = flag(&mut ctx, value, "/hasNext", false)?.unwrap_or(false);
            }
            _ => {
                page.extra.push(key, value.clone());
            }
        }
    }
    if !seen_has_next {
        ctx.warn("/hasNext", "missing hasNext; read as false")?;
    }
    Ok(Decoded {
        value: page,
        warnings: ctx.warnings,
    })
}

impl Serialize for RequestPage {
    /// Writes the page as it was read.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.source.serialize(serializer)
    }
}
