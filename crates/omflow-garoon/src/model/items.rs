//! Form items: [`Item`], its value by item type ([`ItemValue`], [`FileRef`]) and their decoding.

use super::context::{
    entries, flag, index, join, text, Ctx, GaroonParseError, Mode, ParseErrorKind,
};
use super::json::Json;
use super::keyed::Keyed;
use super::time::PartialDate;

/// An attached file's reference.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileRef {
    /// File id (for the file download).
    pub id: Option<String>,
    /// MIME type.
    pub content_type: Option<String>,
    /// File name.
    pub name: Option<String>,
    /// Size in bytes, as text.
    pub size: Option<String>,
    /// Members this SDK does not know, exactly as sent, in order.
    pub extra: Keyed<Json>,
}

impl FileRef {
    /// The size in bytes (`None` when absent or not a whole number).
    #[must_use]
    pub fn size_bytes(&self) -> Option<u64> {
        self.size.as_deref()?.parse().ok()
    }
}

/// A form item's value, by the item's type.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ItemValue {
    /// `SINGLE_LINE_TEXT`.
    Text(String),
    /// `MULTI_LINE_TEXT`.
    MultiText(String),
    /// `NUMBER`, exact decimal text (`""` = no input).
    Number(String),
    /// `CALC`, exact decimal text.
    Calc(String),
    /// `CHECK_BOX`.
    CheckBox(bool),
    /// `RADIO_BUTTON`: the chosen label.
    Radio(String),
    /// `DROP_DOWN`: the chosen label.
    DropDown(String),
    /// `FILE`.
    Files(Vec<FileRef>),
    /// `DATE`.
    Date(PartialDate),
    /// `DATETIME`: a wall-clock date and `HH:MM`.
    DateTime {
        /// Date part.
        date: PartialDate,
        /// Time part, as sent.
        time: Option<String>,
    },
    /// `ROUTE_NAVI` (alias `ROUTE_TRAVEL_EXPENSE`).
    RouteNavi {
        /// Route text.
        route: String,
        /// Fare, as text.
        expense: String,
    },
    /// `BLANK_LINE` (layout only).
    Blank,
    /// A type this SDK does not know; the value as sent.
    Unknown {
        /// The type token.
        type_: String,
        /// The value, exactly as sent.
        raw: Json,
    },
    /// A known type whose value has another shape; the value as sent.
    Mismatch {
        /// The type token.
        type_: String,
        /// The value, exactly as sent.
        raw: Json,
    },
}

impl ItemValue {
    /// The chosen label of a `RADIO_BUTTON` or `DROP_DOWN`; `None` for no choice (`""`) and
    /// for other types.
    #[must_use]
    pub fn choice(&self) -> Option<&str> {
        match self {
            ItemValue::Radio(label) | ItemValue::DropDown(label) if !label.is_empty() => {
                Some(label)
            }
            _ => None,
        }
    }

    /// The fare of a `ROUTE_NAVI` as an exact decimal (`None` for no input, other text or
    /// other types).
    #[must_use]
    pub fn expense(&self) -> Option<rust_decimal::Decimal> {
        match self {
            ItemValue::RouteNavi { expense, .. } if !expense.is_empty() => {
                rust_decimal::Decimal::from_str_exact(expense).ok()
            }
            _ => None,
        }
    }

    /// `NUMBER`/`CALC` as an exact decimal: `Ok(None)` for no input (`""`) and for other
    /// kinds of value, [`NotADecimal`] for text that is no decimal number (`"abc"`, or a
    /// `CALC` that could not compute).
    ///
    /// # Errors
    /// [`NotADecimal`] with the text.
    pub fn as_decimal(&self) -> Result<Option<rust_decimal::Decimal>, NotADecimal> {
        match self {
            ItemValue::Number(text) | ItemValue::Calc(text) if !text.is_empty() => {
                rust_decimal::Decimal::from_str_exact(text)
                    .map(Some)
                    .map_err(|_| NotADecimal { text: text.clone() })
            }
            _ => Ok(None),
        }
    }
}

/// A `NUMBER` or `CALC` value that is not a decimal number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a decimal number")]
pub struct NotADecimal {
    /// The text as sent.
    pub text: String,
}

/// One entry of `items`.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Label.
    pub name: Option<String>,
    /// The type token as sent.
    pub raw_type: String,
    /// The value; `None` when withheld (permission) or absent.
    pub value: Option<ItemValue>,
    /// Members this SDK does not know, exactly as sent, in order.
    pub extra: Keyed<Json>,
}

impl Item {
    /// The chosen label of a `RADIO_BUTTON` or `DROP_DOWN` ([`ItemValue::choice`]).
    #[must_use]
    pub fn choice(&self) -> Option<&str> {
        self.value.as_ref().and_then(ItemValue::choice)
    }

    /// The fare of a `ROUTE_NAVI` ([`ItemValue::expense`]).
    #[must_use]
    pub fn expense(&self) -> Option<rust_decimal::Decimal> {
        self.value.as_ref().and_then(ItemValue::expense)
    }

    /// `NUMBER`/`CALC` as an exact decimal ([`ItemValue::as_decimal`]); `Ok(None)` also for a
    /// withheld value.
    ///
    /// # Errors
    /// [`NotADecimal`] with the text.
    pub fn as_decimal(&self) -> Result<Option<rust_decimal::Decimal>, NotADecimal> {
        self.value.as_ref().map_or(Ok(None), ItemValue::as_decimal)
    }
}

/// `items`, in server order.
pub type Items = Keyed<Item>;

fn file_ref(ctx: &mut Ctx, json: &Json, path: &str) -> Result<FileRef, GaroonParseError> {
    let mut f = FileRef::default();
    for (key, value) in entries(json, path)? {
        let at = join(path, key);
        match key.as_str() {
            "id" => f.id = text(ctx, value, &at)?,
            "contentType" => f.content_type = text(ctx, value, &at)?,
            "name" => f.name = text(ctx, value, &at)?,
            "size" => f.size = text(ctx, value, &at)?,
            _ => {
                f.extra.push(key, value.clone());
            }
        }
    }
    Ok(f)
}

/// The item types of request objects (`BLANK_LINE` from the form API included).
const ITEM_TYPES: [&str; 12] = [
    "SINGLE_LINE_TEXT",
    "MULTI_LINE_TEXT",
    "NUMBER",
    "CALC",
    "CHECK_BOX",
    "RADIO_BUTTON",
    "DROP_DOWN",
    "FILE",
    "DATE",
    "DATETIME",
    "ROUTE_NAVI",
    "BLANK_LINE",
];

/// The canonical type of an item (`None` for a type this SDK does not know, warned about).
fn canonical_type(
    ctx: &mut Ctx,
    raw_type: &str,
    type_at: &str,
) -> Result<Option<String>, GaroonParseError> {
    Ok(Some(match raw_type {
        "ROUTE_TRAVEL_EXPENSE" => {
            ctx.warn(
                type_at,
                "type ROUTE_TRAVEL_EXPENSE is the form API's name, not a request item type; read as ROUTE_NAVI",
            )?;
            "ROUTE_NAVI".to_string()
        }
        t => {
            const KNOWN: [&str; 12] = ITEM_TYPES;
            if KNOWN.contains(&t) {
                t.to_string()
            } else if KNOWN.contains(&t.to_ascii_uppercase().as_str()) {
                ctx.warn(
                    type_at,
                    format!(
                        "type {t:?} is not upper-case; read as {}",
                        t.to_ascii_uppercase()
                    ),
                )?;
                t.to_ascii_uppercase()
            } else {
                ctx.warn(
                    type_at,
                    format!("unknown item type {t:?}; value kept as sent"),
                )?;
                return Ok(None);
            }
        }
    }))
}

/// A known type's value of another shape: kept as sent, with a warning.
fn mismatch(
    ctx: &mut Ctx,
    canonical: &str,
    json: &Json,
    path: &str,
    why: &str,
) -> Result<ItemValue, GaroonParseError> {
    ctx.warn(path, format!("{canonical} value {why}; kept as sent"))?;
    Ok(ItemValue::Mismatch {
        type_: canonical.to_string(),
        raw: json.clone(),
    })
}

fn item_value(
    ctx: &mut Ctx,
    raw_type: &str,
    json: &Json,
    path: &str,
    type_at: &str,
) -> Result<ItemValue, GaroonParseError> {
    let Some(canonical) = canonical_type(ctx, raw_type, type_at)? else {
        return Ok(ItemValue::Unknown {
            type_: raw_type.to_string(),
            raw: json.clone(),
        });
    };
    match canonical.as_str() {
        "SINGLE_LINE_TEXT" | "MULTI_LINE_TEXT" | "RADIO_BUTTON" | "DROP_DOWN" => {
            text_value(ctx, &canonical, json, path)
        }
        "NUMBER" | "CALC" => decimal_value(ctx, &canonical, json, path),
        "CHECK_BOX" => check_box_value(ctx, &canonical, json, path),
        "FILE" => files_value(ctx, &canonical, json, path),
        "DATE" => date_value(ctx, &canonical, json, path),
        "DATETIME" => date_time_value(ctx, &canonical, json, path),
        "ROUTE_NAVI" => route_navi_value(ctx, &canonical, json, path),
        _ => Ok(ItemValue::Blank),
    }
}

/// `SINGLE_LINE_TEXT`, `MULTI_LINE_TEXT`, `RADIO_BUTTON`, `DROP_DOWN`: a string.
fn text_value(
    ctx: &mut Ctx,
    canonical: &str,
    json: &Json,
    path: &str,
) -> Result<ItemValue, GaroonParseError> {
    Ok(match json {
        Json::String(s) => match canonical {
            "SINGLE_LINE_TEXT" => ItemValue::Text(s.clone()),
            "MULTI_LINE_TEXT" => ItemValue::MultiText(s.clone()),
            "RADIO_BUTTON" => ItemValue::Radio(s.clone()),
            _ => ItemValue::DropDown(s.clone()),
        },
        _ => return mismatch(ctx, canonical, json, path, "is not a string"),
    })
}

/// `NUMBER`, `CALC`: decimal text (a JSON number is kept as its exact text, with a warning).
fn decimal_value(
    ctx: &mut Ctx,
    canonical: &str,
    json: &Json,
    path: &str,
) -> Result<ItemValue, GaroonParseError> {
    let string = match json {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => {
            ctx.warn(
                path,
                format!("expected a string, got the number {n}; kept as its exact text"),
            )?;
            Some(n.as_str().to_string())
        }
        _ => None,
    };
    Ok(match string {
        Some(s) if canonical == "NUMBER" => {
            if !s.is_empty() && rust_decimal::Decimal::from_str_exact(&s).is_err() {
                ctx.warn(
                    path,
                    format!("NUMBER value {s:?} is not a decimal number; kept as text"),
                )?;
            }
            ItemValue::Number(s)
        }
        Some(s) => ItemValue::Calc(s),
        None => return mismatch(ctx, canonical, json, path, "is not decimal text"),
    })
}

/// `CHECK_BOX`: a boolean.
fn check_box_value(
    ctx: &mut Ctx,
    canonical: &str,
    json: &Json,
    path: &str,
) -> Result<ItemValue, GaroonParseError> {
    Ok(match flag(ctx, json, path, false) {
        Ok(Some(b)) => ItemValue::CheckBox(b),
        Ok(None) | Err(_) if ctx.mode == Mode::Tolerant => {
            return mismatch(ctx, canonical, json, path, "is not a boolean")
        }
        Ok(None) => return mismatch(ctx, canonical, json, path, "is not a boolean"),
        Err(e) => return Err(e),
    })
}

/// `FILE`: a list of file references.
fn files_value(
    ctx: &mut Ctx,
    canonical: &str,
    json: &Json,
    path: &str,
) -> Result<ItemValue, GaroonParseError> {
    Ok(match json {
        Json::Array(files) => ItemValue::Files(
            files
                .iter()
                .enumerate()
                .map(|(i, f)| file_ref(ctx, f, &index(path, i)))
                .collect::<Result<_, _>>()?,
        ),
        _ => return mismatch(ctx, canonical, json, path, "is not a list of files"),
    })
}

/// `DATE`: a partial date (`""` read as no date, with a warning).
fn date_value(
    ctx: &mut Ctx,
    canonical: &str,
    json: &Json,
    path: &str,
) -> Result<ItemValue, GaroonParseError> {
    Ok(match json {
        Json::String(s) if s.is_empty() => {
            ctx.warn(
                path,
                "empty DATE \"\" is undocumented (\"--\" is the empty form); read as no date",
            )?;
            ItemValue::Date(PartialDate {
                raw: String::new(),
                year: None,
                month: None,
                day: None,
            })
        }
        Json::String(s) => match PartialDate::parse(s) {
            Some(date) => ItemValue::Date(date),
            None => {
                return mismatch(
                    ctx,
                    canonical,
                    json,
                    path,
                    "is not YYYY-MM-DD with optional parts",
                )
            }
        },
        _ => return mismatch(ctx, canonical, json, path, "is not a string"),
    })
}

/// `DATETIME`: `{date, time}` with a partial date and `HH:MM` (seconds kept, with a warning).
fn date_time_value(
    ctx: &mut Ctx,
    canonical: &str,
    json: &Json,
    path: &str,
) -> Result<ItemValue, GaroonParseError> {
    let date = json
        .get("date")
        .and_then(Json::as_str)
        .and_then(PartialDate::parse);
    let time = json.get("time").and_then(Json::as_str);
    Ok(match (date, time) {
        (Some(date), Some("")) => {
            ctx.warn(
                &join(path, "time"),
                "empty time is undocumented; read as no time",
            )?;
            ItemValue::DateTime { date, time: None }
        }
        (Some(date), Some(t)) => {
            let ok = t.len() == 5
                && t.as_bytes()[2] == b':'
                && t.bytes()
                    .enumerate()
                    .all(|(i, b)| i == 2 || b.is_ascii_digit());
            let long = t.len() == 8 && t.as_bytes()[2] == b':' && t.as_bytes()[5] == b':';
            if !ok && long {
                ctx.warn(
                    &join(path, "time"),
                    format!("time {t:?} has seconds (HH:MM is documented); kept"),
                )?;
            } else if !ok {
                return mismatch(ctx, canonical, json, path, "has a time that is not HH:MM");
            }
            ItemValue::DateTime {
                date,
                time: Some(t.to_string()),
            }
        }
        (Some(date), None) => {
            // `time` is documented as HH:MM: absent (or not text) is as undocumented as "".
            ctx.warn(
                &join(path, "time"),
                "no time (HH:MM is documented); read as no time",
            )?;
            ItemValue::DateTime { date, time: None }
        }
        _ => return mismatch(ctx, canonical, json, path, "is not {date, time}"),
    })
}

/// `ROUTE_NAVI`: `{route, expense}` (legacy parts wrapped as `{"value": …}` unwrapped, with a
/// warning).
fn route_navi_value(
    ctx: &mut Ctx,
    canonical: &str,
    json: &Json,
    path: &str,
) -> Result<ItemValue, GaroonParseError> {
    let part = |name: &str| -> Option<(String, bool)> {
        match json.get(name)? {
            Json::String(s) => Some((s.clone(), false)),
            nested @ Json::Object(_) => nested
                .get("value")
                .and_then(Json::as_str)
                .map(|s| (s.to_string(), true)),
            _ => None,
        }
    };
    Ok(match (part("route"), part("expense")) {
        (Some((route, a)), Some((expense, b))) => {
            if a || b {
                ctx.warn(
                    path,
                    "legacy ROUTE_NAVI parts wrapped as {\"value\": …}; unwrapped",
                )?;
            }
            ItemValue::RouteNavi { route, expense }
        }
        _ => return mismatch(ctx, canonical, json, path, "is not {route, expense}"),
    })
}

pub(super) fn item(ctx: &mut Ctx, json: &Json, path: &str) -> Result<Item, GaroonParseError> {
    let mut name = None;
    let mut raw_type = None;
    let mut raw_value = None;
    let mut extra = Keyed::default();
    for (key, value) in entries(json, path)? {
        match key.as_str() {
            "name" => name = text(ctx, value, &join(path, key))?,
            "type" => raw_type = value.as_str().map(str::to_string),
            "value" => raw_value = Some(value),
            _ => {
                extra.push(key, value.clone());
            }
        }
    }
    let raw_type = raw_type.ok_or_else(|| GaroonParseError {
        kind: ParseErrorKind::Shape,
        path: path.to_string(),
        message: "item without a \"type\"".into(),
    })?;
    let at = join(path, "value");
    let type_at = join(path, "type");
    let value = match raw_value {
        None | Some(Json::Null) if raw_type == "BLANK_LINE" => {
            ctx.warn(
                &type_at,
                "BLANK_LINE is not documented in request objects; read as a blank item",
            )?;
            Some(ItemValue::Blank)
        }
        None | Some(Json::Null) => {
            let upper = raw_type.to_ascii_uppercase();
            if raw_type != "ROUTE_TRAVEL_EXPENSE" && !ITEM_TYPES.contains(&upper.as_str()) {
                ctx.warn(
                    &type_at,
                    format!("unknown item type {raw_type:?}; kept as sent"),
                )?;
            }
            None
        }
        Some(v) => Some(item_value(ctx, &raw_type, v, &at, &type_at)?),
    };
    Ok(Item {
        name,
        raw_type,
        value,
        extra,
    })
}
