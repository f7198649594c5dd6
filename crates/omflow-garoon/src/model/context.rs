//! The decoding context: strict or tolerant mode, the warnings and errors it raises, and the
//! small readers (paths, objects, text, flags) every part of the request object uses.

use super::json::Json;

/// How odd input is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Every tolerance event is an error (tests, CI).
    Strict,
    /// Tolerance events are normalised and reported as warnings (the default).
    #[default]
    Tolerant,
}

/// Something odd that tolerant decoding normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseWarning {
    /// Where: an RFC 6901 JSON pointer to the member (`/items/Item1/value`; `""` is the whole document).
    pub path: String,
    /// What was odd and what was done.
    pub message: String,
}

/// A document that cannot be decoded (in strict mode, any tolerance event).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("garoon request object at {}: {message}", if path.is_empty() { "the document root" } else { path.as_str() })]
pub struct GaroonParseError {
    /// Which kind of failure.
    pub kind: ParseErrorKind,
    /// Where: an RFC 6901 pointer (`""` is the whole document).
    pub path: String,
    /// What.
    pub message: String,
}

/// Why a document could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The text is not JSON.
    NotJson,
    /// JSON, but a member has a shape no reading covers (an object where text belongs): an
    /// error in either mode.
    Shape,
    /// Something tolerant mode would have normalised with a warning; strict mode refuses it.
    Strict,
}

impl GaroonParseError {
    /// A member of a shape no reading covers.
    pub(super) fn shape(path: &str, message: impl Into<String>) -> Self {
        GaroonParseError {
            kind: ParseErrorKind::Shape,
            path: path.to_string(),
            message: message.into(),
        }
    }

    /// Text that is not JSON.
    pub(crate) fn not_json(error: &serde_json::Error) -> Self {
        GaroonParseError {
            kind: ParseErrorKind::NotJson,
            path: String::new(),
            message: format!("not JSON: {error}"),
        }
    }
}

/// A decoded value with the warnings tolerant decoding raised.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded<T> {
    /// The value.
    pub value: T,
    /// The tolerance events, in document order.
    pub warnings: Vec<ParseWarning>,
}

pub(super) struct Ctx {
    pub(super) mode: Mode,
    pub(super) warnings: Vec<ParseWarning>,
}

impl Ctx {
    pub(super) fn warn(
        &mut self,
        path: &str,
        message: impl Into<String>,
    ) -> Result<(), GaroonParseError> {
        let message = message.into();
        match self.mode {
            // Strict mode rejects what was found; the part after the last "; " says what
            // tolerant mode does about it.
            Mode::Strict => Err(GaroonParseError {
                kind: ParseErrorKind::Strict,
                path: path.to_string(),
                message: message
                    .rsplit_once("; ")
                    .map_or(message.as_str(), |(what, _)| what)
                    .to_string(),
            }),
            Mode::Tolerant => {
                self.warnings.push(ParseWarning {
                    path: path.to_string(),
                    message,
                });
                Ok(())
            }
        }
    }
}

/// Appends one RFC 6901 reference token (`~` as `~0`, `/` as `~1`; `.` stays as it is).
pub(super) fn join(path: &str, key: &str) -> String {
    format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// Appends an array index.
pub(super) fn index(path: &str, i: usize) -> String {
    format!("{path}/{i}")
}

pub(super) fn entries<'a>(
    json: &'a Json,
    path: &str,
) -> Result<&'a [(String, Json)], GaroonParseError> {
    match json {
        Json::Object(entries) => Ok(entries),
        other => Err(GaroonParseError::shape(
            path,
            format!("expected an object, got {}", other.kind()),
        )),
    }
}

/// Reads a text field: strings as they are, numbers as their exact text (with a warning).
pub(super) fn text(
    ctx: &mut Ctx,
    json: &Json,
    path: &str,
) -> Result<Option<String>, GaroonParseError> {
    match json {
        Json::Null => Ok(None),
        Json::String(s) => Ok(Some(s.clone())),
        Json::Number(n) => {
            ctx.warn(
                path,
                format!("expected a string, got the number {n}; kept as its exact text"),
            )?;
            Ok(Some(n.as_str().to_string()))
        }
        other => Err(GaroonParseError::shape(
            path,
            format!("expected a string, got {}", other.kind()),
        )),
    }
}

/// Reads a boolean that may arrive as `0`/`1`, `"0"`/`"1"`, `"true"`/`"false"`.
pub(super) fn flag(
    ctx: &mut Ctx,
    json: &Json,
    path: &str,
    canonical_numbers: bool,
) -> Result<Option<bool>, GaroonParseError> {
    let odd = |ctx: &mut Ctx, value: bool, shown: &str| -> Result<Option<bool>, GaroonParseError> {
        ctx.warn(
            path,
            format!(
                "expected {}, got {shown}; read as {value}",
                if canonical_numbers {
                    "0 or 1"
                } else {
                    "true or false"
                }
            ),
        )?;
        Ok(Some(value))
    };
    match json {
        Json::Null => Ok(None),
        Json::Bool(b) if !canonical_numbers => Ok(Some(*b)),
        Json::Number(n) if canonical_numbers && (n == "0" || n == "1") => Ok(Some(n == "1")),
        Json::Bool(b) => odd(ctx, *b, if *b { "true" } else { "false" }),
        Json::Number(n) if n == "0" || n == "1" => odd(ctx, n == "1", n.as_str()),
        Json::String(s) if matches!(s.as_str(), "true" | "1") => odd(ctx, true, &format!("{s:?}")),
        Json::String(s) if matches!(s.as_str(), "false" | "0") => {
            odd(ctx, false, &format!("{s:?}"))
        }
        other => Err(GaroonParseError::shape(
            path,
            format!("expected a boolean, got {}", other.kind()),
        )),
    }
}
