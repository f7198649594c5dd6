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
    /// Where.
    pub path: String,
    /// What.
    pub message: String,
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
        other => Err(GaroonParseError {
            path: path.to_string(),
            message: format!("expected an object, got {}", other.kind()),
        }),
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
            Ok(Some(n.clone()))
        }
        other => Err(GaroonParseError {
            path: path.to_string(),
            message: format!("expected a string, got {}", other.kind()),
        }),
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
        Json::Number(n) if n == "0" || n == "1" => odd(ctx, n == "1", n),
        Json::String(s) if matches!(s.as_str(), "true" | "1") => odd(ctx, true, &format!("{s:?}")),
        Json::String(s) if matches!(s.as_str(), "false" | "0") => {
            odd(ctx, false, &format!("{s:?}"))
        }
        other => Err(GaroonParseError {
            path: path.to_string(),
            message: format!("expected a boolean, got {}", other.kind()),
        }),
    }
}
