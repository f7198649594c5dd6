//! The Cybozu Garoon workflow request object ("workflow object"), parsed strictly but
//! tolerantly (garoon-workflow.md §10).
//!
//! Every documented field decodes exactly; odd values never fail a whole page in
//! [`Mode::Tolerant`] (the default): they are normalised and reported as [`ParseWarning`]s
//! with an RFC 6901 pointer to the member, and whatever is not understood is kept exactly
//! (numbers keep their text). [`Mode::Strict`] turns every such event into an error. The
//! decoded request is a read-only typed view: encoding ([`WorkflowRequest::to_json`],
//! `Serialize`) writes the document exactly as it was read, member order and number text
//! included, nothing added.
//!
//! ```
//! use omflow_garoon::model::{decode_request, Mode, StatusType, ItemValue};
//! let text = r#"{"id":"7","status":{"name":"承認","type":"APPROVED"},
//!   "items":{"Item1":{"name":"Day","type":"DATE","value":"2025--14"}}}"#;
//! let decoded = decode_request(text, Mode::Strict)?;
//! let request = decoded.value;
//! assert_eq!(request.status().unwrap().kind, StatusType::Approved);
//! match &request.items().unwrap().get("Item1").unwrap().value {
//!     Some(ItemValue::Date(date)) => assert_eq!((date.year, date.month, date.day), (Some(2025), None, Some(14))),
//!     other => panic!("{other:?}"),
//! }
//! assert_eq!(request.to_json().to_text(), omflow_garoon::model::Json::parse(text).unwrap().to_text());
//! # Ok::<(), omflow_garoon::model::GaroonParseError>(())
//! ```
//!
//! Garoon's REST API is read-only for workflow: there is no approve or reject endpoint.

mod json;

pub use json::{InexactNumber, Json};

#[rustfmt::skip]
mod labels;

use chrono::{DateTime, FixedOffset, NaiveDate};
use labels::{REQUIREMENT_LABELS, RESULT_LABELS, STATUS_LABELS};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use std::fmt;

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
#[error("garoon request object at {path}: {message}")]
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

struct Ctx {
    mode: Mode,
    warnings: Vec<ParseWarning>,
}

impl Ctx {
    fn warn(&mut self, path: &str, message: impl Into<String>) -> Result<(), GaroonParseError> {
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
fn join(path: &str, key: &str) -> String {
    format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// Appends an array index.
fn index(path: &str, i: usize) -> String {
    format!("{path}/{i}")
}

fn entries<'a>(json: &'a Json, path: &str) -> Result<&'a [(String, Json)], GaroonParseError> {
    match json {
        Json::Object(entries) => Ok(entries),
        other => Err(GaroonParseError {
            path: path.to_string(),
            message: format!("expected an object, got {}", other.kind()),
        }),
    }
}

/// Reads a text field: strings as they are, numbers as their exact text (with a warning).
fn text(ctx: &mut Ctx, json: &Json, path: &str) -> Result<Option<String>, GaroonParseError> {
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
fn flag(
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

macro_rules! token_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $token:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
            /// A token this SDK does not know, kept as sent.
            Unknown(String),
        }

        impl $name {
            /// The wire token.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $token,)*
                    $name::Unknown(raw) => raw,
                }
            }

            fn exact(token: &str) -> Option<Self> {
                match token {
                    $($token => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// Reads a token; `None` for an unknown one (see `parse_lenient`).
            pub fn from_token(token: &str) -> Option<Self> {
                Self::exact(token)
            }

            fn decode(ctx: &mut Ctx, token: &str, path: &str) -> Result<Self, GaroonParseError> {
                if let Some(known) = Self::exact(token) {
                    return Ok(known);
                }
                if let Some(known) = Self::exact(&token.to_ascii_uppercase()) {
                    ctx.warn(path, format!("token {token:?} is not upper-case; read as {}", known.as_str()))?;
                    return Ok(known);
                }
                ctx.warn(path, format!("unknown token {token:?}; kept as sent"))?;
                Ok($name::Unknown(token.to_string()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

token_enum!(
    /// `status.type`: the machine value. Never derived from the localized `status.name`.
    StatusType {
        /// Filed, no step has acted yet.
        Unprocessing = "UNPROCESSING",
        /// Approval under way.
        InProgress = "IN_PROGRESS",
        /// Sent back to the applicant or an earlier step.
        SentBack = "SENT_BACK",
        /// The final approval step approved it.
        Approved = "APPROVED",
        /// An approver rejected it.
        Rejected = "REJECTED",
        /// The applicant pulled it back.
        Withdrawn = "WITHDRAWN",
        /// Cancelled.
        Cancelled = "CANCELLED",
        /// Finished, acknowledgements included.
        Completed = "COMPLETED",
    }
);

token_enum!(
    /// An operation the viewer could take next (JS variant).
    Operation {
        /// Send back.
        SentBack = "SENT_BACK",
        /// Approve.
        Approve = "APPROVE",
        /// Reject.
        Reject = "REJECT",
        /// Withdraw (applicant).
        Withdraw = "WITHDRAW",
        /// Cancel.
        Cancel = "CANCEL",
        /// Confirm an acknowledgement step.
        Confirm = "CONFIRM",
        /// Confirm a completed request.
        Acknowledge = "ACKNOWLEDGE",
    }
);

token_enum!(
    /// A folder kind (JS variant).
    FolderType {
        /// Latest items, unprocessed view.
        Unprocessed = "UNPROCESSED",
        /// Sent folder.
        Sent = "SENT",
        /// Received folder.
        Received = "RECEIVED",
        /// Drafts.
        Draft = "DRAFT",
        /// Latest items, completed view.
        Finish = "FINISH",
    }
);

/// A language Garoon labels are documented in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelLang {
    /// Japanese.
    Ja,
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

impl StatusType {
    /// The documented display label of this status in `lang` (for showing, never parsing).
    /// `UNPROCESSING`, `SENT_BACK` and `WITHDRAWN` have no documented label.
    #[must_use]
    pub fn label(&self, lang: LabelLang) -> Option<&'static str> {
        STATUS_LABELS
            .iter()
            .find(|row| row.0 == self.as_str())
            .map(|row| match lang {
                LabelLang::Ja => row.1,
                LabelLang::En => row.2,
                LabelLang::Zh => row.3,
            })
    }
}

fn normalize_label(label: &str) -> String {
    label
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .collect::<String>()
        .to_lowercase()
}

/// The kind a label names and, when only one language spells it so, that language.
fn match_label(
    table: &[(&'static str, &str, &str, &str)],
    raw: &str,
) -> Option<(&'static str, Option<LabelLang>)> {
    let wanted = normalize_label(raw);
    table.iter().find_map(|row| {
        let langs: Vec<LabelLang> = [
            (LabelLang::Ja, row.1),
            (LabelLang::En, row.2),
            (LabelLang::Zh, row.3),
        ]
        .into_iter()
        .filter(|(_, label)| normalize_label(label) == wanted)
        .map(|(lang, _)| lang)
        .collect();
        match langs.as_slice() {
            [] => None,
            [only] => Some((row.0, Some(*only))),
            _ => Some((row.0, None)),
        }
    })
}

/// A label of a table row by its kind name.
fn label_of(
    table: &[(&'static str, &'static str, &'static str, &'static str)],
    kind: &str,
    lang: LabelLang,
) -> Option<&'static str> {
    table
        .iter()
        .find(|row| row.0 == kind)
        .map(|row| match lang {
            LabelLang::Ja => row.1,
            LabelLang::En => row.2,
            LabelLang::Zh => row.3,
        })
}

impl RequirementKind {
    /// The documented label of this kind in `lang` (`None` for [`RequirementKind::Unknown`]).
    #[must_use]
    pub fn label(&self, lang: LabelLang) -> Option<&'static str> {
        let kind = match self {
            RequirementKind::AllApprovers => "AllApprovers",
            RequirementKind::AnyOneApprover => "AnyOneApprover",
            RequirementKind::Acknowledgment => "Acknowledgment",
            RequirementKind::Unknown(_) => return None,
        };
        label_of(REQUIREMENT_LABELS, kind, lang)
    }
}

impl ResultKind {
    /// The documented label of this kind in `lang` (`None` for [`ResultKind::Unknown`]).
    #[must_use]
    pub fn label(&self, lang: LabelLang) -> Option<&'static str> {
        let kind = match self {
            ResultKind::NoAction => "NoAction",
            ResultKind::Approved => "Approved",
            ResultKind::Rejected => "Rejected",
            ResultKind::Acknowledged => "Acknowledged",
            ResultKind::Unknown(_) => return None,
        };
        label_of(RESULT_LABELS, kind, lang)
    }
}

/// A step's requirement, matched on its label in ja, en or zh.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequirementKind {
    /// Every approver must approve.
    AllApprovers,
    /// Any one approver suffices.
    AnyOneApprover,
    /// Acknowledgement (circulation).
    Acknowledgment,
    /// A label in no documented language.
    Unknown(String),
}

/// A processor's result, matched on its label in ja, en or zh.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResultKind {
    /// `-`: no action.
    NoAction,
    /// Approved.
    Approved,
    /// Rejected.
    Rejected,
    /// Acknowledged.
    Acknowledged,
    /// A label in no documented language.
    Unknown(String),
}

/// A localized label: the text as sent, what it means, and which documented language it
/// matched (`None` for an unknown label, or one spelt alike in several languages, as `-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label<K> {
    /// The text as sent.
    pub raw: String,
    /// What it means.
    pub kind: K,
    /// The language whose label it matched.
    pub lang: Option<LabelLang>,
}

fn requirement(
    ctx: &mut Ctx,
    raw: String,
    path: &str,
) -> Result<Label<RequirementKind>, GaroonParseError> {
    let matched = match_label(REQUIREMENT_LABELS, &raw);
    let kind = match matched.map(|m| m.0) {
        Some("AllApprovers") => RequirementKind::AllApprovers,
        Some("AnyOneApprover") => RequirementKind::AnyOneApprover,
        Some("Acknowledgment") => RequirementKind::Acknowledgment,
        _ => {
            ctx.warn(
                path,
                format!("unknown requirement label {raw:?}; kept as sent"),
            )?;
            RequirementKind::Unknown(raw.clone())
        }
    };
    Ok(Label {
        raw,
        kind,
        lang: matched.and_then(|m| m.1),
    })
}

fn result_label(
    ctx: &mut Ctx,
    raw: String,
    path: &str,
) -> Result<Label<ResultKind>, GaroonParseError> {
    let matched = match_label(RESULT_LABELS, &raw);
    let kind = match matched.map(|m| m.0) {
        Some("NoAction") => ResultKind::NoAction,
        Some("Approved") => ResultKind::Approved,
        Some("Rejected") => ResultKind::Rejected,
        Some("Acknowledged") => ResultKind::Acknowledged,
        _ => {
            ctx.warn(path, format!("unknown result label {raw:?}; kept as sent"))?;
            ResultKind::Unknown(raw.clone())
        }
    };
    Ok(Label {
        raw,
        kind,
        lang: matched.and_then(|m| m.1),
    })
}

/// A UTC instant as sent (`2025-06-10T01:15:32Z`), parsed when well-formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtcTime {
    /// The text as sent.
    pub raw: String,
    /// The instant, when the text is RFC 3339 with a `Z`.
    pub parsed: Option<DateTime<FixedOffset>>,
}

fn utc_time(ctx: &mut Ctx, raw: String, path: &str) -> Result<UtcTime, GaroonParseError> {
    let parsed = DateTime::parse_from_rfc3339(&raw)
        .ok()
        .filter(|_| raw.ends_with('Z'));
    if parsed.is_none() {
        ctx.warn(
            path,
            format!("{raw:?} is not an RFC 3339 UTC time; kept as text"),
        )?;
    }
    Ok(UtcTime { raw, parsed })
}

/// The request's status.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// Localized label, as sent (display only).
    pub name: String,
    /// The machine value.
    pub kind: StatusType,
    /// Members this SDK does not know, exactly as sent.
    pub extra: Keyed<Json>,
}

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

/// A date with any part left empty: `YYYY-MM-DD`, `--`, `-MM-DD`, `YYYY--DD`, `YYYY-MM-`.
#[derive(Clone, PartialEq, Eq)]
pub struct PartialDate {
    /// The text as sent.
    pub raw: String,
    /// Year, if entered.
    pub year: Option<i32>,
    /// Month, if entered.
    pub month: Option<u8>,
    /// Day, if entered.
    pub day: Option<u8>,
}

impl fmt::Debug for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PartialDate")
            .field("raw", &self.raw)
            .field("year", &self.year)
            .field("month", &self.month)
            .field("day", &self.day)
            .finish()
    }
}

impl PartialDate {
    /// Parses the three `-`-separated parts, each empty or all digits.
    #[must_use]
    pub fn parse(raw: &str) -> Option<PartialDate> {
        let parts: Vec<&str> = raw.split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return None;
        };
        let part = |p: &str, max_len: usize| -> Option<Option<u32>> {
            if p.is_empty() {
                Some(None)
            } else if p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse().ok().map(Some)
            } else {
                None
            }
        };
        let year = part(y, 4)?;
        let month = part(m, 2)?;
        let day = part(d, 2)?;
        if month.is_some_and(|m| !(1..=12).contains(&m))
            || day.is_some_and(|d| !(1..=31).contains(&d))
        {
            return None;
        }
        Some(PartialDate {
            raw: raw.to_string(),
            year: year.map(|y| y as i32),
            month: month.map(|m| m as u8),
            day: day.map(|d| d as u8),
        })
    }

    /// The date, when all three parts are present and valid.
    #[must_use]
    pub fn to_naive_date(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year?, u32::from(self.month?), u32::from(self.day?))
    }
}

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

    /// `NUMBER`/`CALC` as an exact decimal (`None` for no input or non-numbers).
    #[must_use]
    pub fn as_decimal(&self) -> Option<rust_decimal::Decimal> {
        match self {
            ItemValue::Number(text) | ItemValue::Calc(text) if !text.is_empty() => {
                rust_decimal::Decimal::from_str_exact(text).ok()
            }
            _ => None,
        }
    }
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

/// An object keyed by codes, in server order (positional `$N` keys only make sense in order).
#[derive(Debug, Clone, PartialEq)]
pub struct Keyed<T>(Vec<(String, T)>);

impl<T> Default for Keyed<T> {
    fn default() -> Self {
        Keyed(Vec::new())
    }
}

impl<T> Keyed<T> {
    /// An entry by key.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The entries in server order.
    #[must_use]
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &T)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The keys in server order.
    #[must_use]
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// How many entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn push(&mut self, key: &str, value: T) {
        self.0.push((key.to_string(), value));
    }
}

impl<'a, T> IntoIterator for &'a Keyed<T> {
    type Item = (&'a str, &'a T);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (String, T)>, fn(&'a (String, T)) -> (&'a str, &'a T)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// `items`, in server order.
pub type Items = Keyed<Item>;

/// A processor of a step.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Processor {
    /// The processor.
    pub person: Person,
    /// Result, once acted.
    pub result: Option<Label<ResultKind>>,
    /// When they acted.
    pub operated_at: Option<UtcTime>,
    /// Comment.
    pub comment: Option<String>,
}

impl Processor {
    /// Who acted on the processor's behalf (proxy approval).
    #[must_use]
    pub fn proxy(&self) -> Option<&Person> {
        self.person.proxy.as_deref()
    }

    /// The processor's members this SDK does not know, exactly as sent.
    #[must_use]
    pub fn extra(&self) -> &Keyed<Json> {
        &self.person.extra
    }
}

/// A route step.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Step {
    /// Step id.
    pub id: Option<String>,
    /// Step name.
    pub name: Option<String>,
    /// Requirement.
    pub requirement: Option<Label<RequirementKind>>,
    /// Approval step (`1`) or acknowledgement (`0`).
    pub is_approval_step: Option<bool>,
    /// Processors.
    pub processors: Vec<Processor>,
    /// Members this SDK does not know, exactly as sent, in order.
    pub extra: Keyed<Json>,
}

/// `steps`, in server order.
pub type Steps = Keyed<Step>;

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
    /// The JavaScript API's wrapper `{"request": {...}}`; `members` are the wrapper's other
    /// members (such as `type`), exactly as sent.
    JsWrapper {
        /// The wrapper's members besides `request`, in order.
        members: Keyed<Json>,
    },
}

/// A Garoon workflow request, decoded. Every top-level member is optional (`fields=` can
/// drop any). The typed view is read-only: encoding (`Serialize`, [`WorkflowRequest::to_json`])
/// writes the document exactly as it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowRequest {
    id: Option<String>,
    status: Option<Status>,
    created_at: Option<UtcTime>,
    processing_step_code: Option<String>,
    name: Option<String>,
    number: Option<String>,
    is_urgent: Option<bool>,
    applicant: Option<Person>,
    form: Option<FormRef>,
    items: Option<Items>,
    steps: Option<Steps>,
    available_operations: Option<AvailableOperations>,
    folders: Option<Vec<Folder>>,
    extra: Keyed<Json>,
    variant: Variant,
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

    /// Request id (`None` also for `null` on the JS create screen).
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    /// Status.
    #[must_use]
    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }
    /// Creation instant.
    #[must_use]
    pub fn created_at(&self) -> Option<&UtcTime> {
        self.created_at.as_ref()
    }
    /// Current step key, as sent (`""` once finished); see [`WorkflowRequest::processing_step`].
    #[must_use]
    pub fn processing_step_code(&self) -> Option<&str> {
        self.processing_step_code.as_deref()
    }
    /// Display name (opaque).
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    /// Request number.
    #[must_use]
    pub fn number(&self) -> Option<&str> {
        self.number.as_deref()
    }
    /// Urgent.
    #[must_use]
    pub fn is_urgent(&self) -> Option<bool> {
        self.is_urgent
    }
    /// Applicant.
    #[must_use]
    pub fn applicant(&self) -> Option<&Person> {
        self.applicant.as_ref()
    }
    /// Form.
    #[must_use]
    pub fn form(&self) -> Option<&FormRef> {
        self.form.as_ref()
    }
    /// Items (`None` when not requested).
    #[must_use]
    pub fn items(&self) -> Option<&Items> {
        self.items.as_ref()
    }
    /// Steps (`None` when not requested).
    #[must_use]
    pub fn steps(&self) -> Option<&Steps> {
        self.steps.as_ref()
    }
    /// What the viewer could do next (JS variant only).
    #[must_use]
    pub fn available_operations(&self) -> Option<&AvailableOperations> {
        self.available_operations.as_ref()
    }
    /// The folders the request is in (JS variant only).
    #[must_use]
    pub fn folders(&self) -> Option<&[Folder]> {
        self.folders.as_deref()
    }
    /// Top-level members this SDK does not know, exactly as sent.
    #[must_use]
    pub fn extra(&self) -> &Keyed<Json> {
        &self.extra
    }
    /// Which shape the document came in.
    #[must_use]
    pub fn variant(&self) -> &Variant {
        &self.variant
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

fn person(
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

fn form_ref(ctx: &mut Ctx, json: &Json, path: &str) -> Result<FormRef, GaroonParseError> {
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

fn item_value(
    ctx: &mut Ctx,
    raw_type: &str,
    json: &Json,
    path: &str,
    type_at: &str,
) -> Result<ItemValue, GaroonParseError> {
    let canonical = match raw_type {
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
                return Ok(ItemValue::Unknown {
                    type_: t.to_string(),
                    raw: json.clone(),
                });
            }
        }
    };
    let mismatch = |ctx: &mut Ctx, why: &str| -> Result<ItemValue, GaroonParseError> {
        ctx.warn(path, format!("{canonical} value {why}; kept as sent"))?;
        Ok(ItemValue::Mismatch {
            type_: canonical.clone(),
            raw: json.clone(),
        })
    };
    let string = |ctx: &mut Ctx| -> Result<Option<String>, GaroonParseError> {
        match json {
            Json::String(s) => Ok(Some(s.clone())),
            Json::Number(n) => {
                ctx.warn(
                    path,
                    format!("expected a string, got the number {n}; kept as its exact text"),
                )?;
                Ok(Some(n.clone()))
            }
            _ => Ok(None),
        }
    };
    Ok(match canonical.as_str() {
        "SINGLE_LINE_TEXT" | "MULTI_LINE_TEXT" | "RADIO_BUTTON" | "DROP_DOWN" => match json {
            Json::String(s) => match canonical.as_str() {
                "SINGLE_LINE_TEXT" => ItemValue::Text(s.clone()),
                "MULTI_LINE_TEXT" => ItemValue::MultiText(s.clone()),
                "RADIO_BUTTON" => ItemValue::Radio(s.clone()),
                _ => ItemValue::DropDown(s.clone()),
            },
            _ => return mismatch(ctx, "is not a string"),
        },
        "NUMBER" | "CALC" => match string(ctx)? {
            Some(s) if canonical == "NUMBER" => ItemValue::Number(s),
            Some(s) => ItemValue::Calc(s),
            None => return mismatch(ctx, "is not decimal text"),
        },
        "CHECK_BOX" => match flag(ctx, json, path, false) {
            Ok(Some(b)) => ItemValue::CheckBox(b),
            Ok(None) | Err(_) if ctx.mode == Mode::Tolerant => {
                return mismatch(ctx, "is not a boolean")
            }
            Ok(None) => return mismatch(ctx, "is not a boolean"),
            Err(e) => return Err(e),
        },
        "FILE" => match json {
            Json::Array(files) => ItemValue::Files(
                files
                    .iter()
                    .enumerate()
                    .map(|(i, f)| file_ref(ctx, f, &index(path, i)))
                    .collect::<Result<_, _>>()?,
            ),
            _ => return mismatch(ctx, "is not a list of files"),
        },
        "DATE" => match json {
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
                None => return mismatch(ctx, "is not YYYY-MM-DD with optional parts"),
            },
            _ => return mismatch(ctx, "is not a string"),
        },
        "DATETIME" => {
            let date = json
                .get("date")
                .and_then(Json::as_str)
                .and_then(PartialDate::parse);
            let time = json.get("time").and_then(Json::as_str);
            match (date, time) {
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
                        return mismatch(ctx, "has a time that is not HH:MM");
                    }
                    ItemValue::DateTime {
                        date,
                        time: Some(t.to_string()),
                    }
                }
                (Some(date), None) => ItemValue::DateTime { date, time: None },
                _ => return mismatch(ctx, "is not {date, time}"),
            }
        }
        "ROUTE_NAVI" => {
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
            match (part("route"), part("expense")) {
                (Some((route, a)), Some((expense, b))) => {
                    if a || b {
                        ctx.warn(
                            path,
                            "legacy ROUTE_NAVI parts wrapped as {\"value\": …}; unwrapped",
                        )?;
                    }
                    ItemValue::RouteNavi { route, expense }
                }
                _ => return mismatch(ctx, "is not {route, expense}"),
            }
        }
        _ => ItemValue::Blank,
    })
}

fn item(ctx: &mut Ctx, json: &Json, path: &str) -> Result<Item, GaroonParseError> {
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

fn processor(ctx: &mut Ctx, json: &Json, path: &str) -> Result<Processor, GaroonParseError> {
    let mut p = Processor::default();
    for (key, value) in entries(json, path)? {
        let at = join(path, key);
        match key.as_str() {
            "id" => p.person.id = text(ctx, value, &at)?,
            "code" => p.person.code = text(ctx, value, &at)?,
            "name" => p.person.name = text(ctx, value, &at)?,
            "proxy" if matches!(value, Json::Null) => {}
            "proxy" => p.person.proxy = Some(Box::new(person(ctx, value, &at, &mut None)?)),
            "result" => {
                p.result = text(ctx, value, &at)?
                    .map(|raw| result_label(ctx, raw, &at))
                    .transpose()?
            }
            "operatedAt" => {
                p.operated_at = text(ctx, value, &at)?
                    .map(|raw| utc_time(ctx, raw, &at))
                    .transpose()?
            }
            "date" if p.operated_at.is_none() => {
                ctx.warn(&at, "legacy processor key \"date\"; read as operatedAt")?;
                p.operated_at = text(ctx, value, &at)?
                    .map(|raw| utc_time(ctx, raw, &at))
                    .transpose()?;
            }
            "comment" => p.comment = text(ctx, value, &at)?,
            _ => {
                p.person.extra.push(key, value.clone());
            }
        }
    }
    Ok(p)
}

fn step(ctx: &mut Ctx, json: &Json, path: &str) -> Result<Step, GaroonParseError> {
    let mut s = Step::default();
    for (key, value) in entries(json, path)? {
        let at = join(path, key);
        match key.as_str() {
            "id" => s.id = text(ctx, value, &at)?,
            "name" => s.name = text(ctx, value, &at)?,
            "requirement" => {
                s.requirement = text(ctx, value, &at)?
                    .map(|raw| requirement(ctx, raw, &at))
                    .transpose()?
            }
            "requrirement" if s.requirement.is_none() => {
                ctx.warn(
                    &at,
                    "legacy misspelt key \"requrirement\"; read as requirement",
                )?;
                s.requirement = text(ctx, value, &at)?
                    .map(|raw| requirement(ctx, raw, &at))
                    .transpose()?;
            }
            "isApprovalStep" => s.is_approval_step = flag(ctx, value, &at, true)?,
            "processors" => match value {
                Json::Array(items) => {
                    s.processors = items
                        .iter()
                        .enumerate()
                        .map(|(i, p)| processor(ctx, p, &index(&at, i)))
                        .collect::<Result<_, _>>()?
                }
                Json::Null => {}
                other => {
                    return Err(GaroonParseError {
                        path: at,
                        message: format!("expected a list of processors, got {}", other.kind()),
                    })
                }
            },
            _ => {
                s.extra.push(key, value.clone());
            }
        }
    }
    Ok(s)
}

fn operations(
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
    Ok(ops)
}

fn folders(ctx: &mut Ctx, json: &Json, path: &str) -> Result<Vec<Folder>, GaroonParseError> {
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
                        path: path.to_string(),
                        message: "expected a list of folders".into(),
                    })
                }
            }
        }
        other => {
            return Err(GaroonParseError {
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

fn request(ctx: &mut Ctx, json: &Json, path: &str) -> Result<WorkflowRequest, GaroonParseError> {
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
                let name = value
                    .get("name")
                    .and_then(Json::as_str)
                    .unwrap_or("")
                    .to_string();
                let token =
                    value
                        .get("type")
                        .and_then(Json::as_str)
                        .ok_or_else(|| GaroonParseError {
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
    let json = Json::parse(text).map_err(|e| GaroonParseError {
        path: String::new(),
        message: format!("not JSON: {e}"),
    })?;
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
            value.variant = Variant::JsWrapper { members: siblings };
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

/// A page of `GET /api/v1/workflow/admin/requests`, decoded (read-only; encoding writes the
/// page as read).
#[derive(Debug, Clone, PartialEq)]
pub struct RequestPage {
    requests: Vec<WorkflowRequest>,
    has_next: bool,
    extra: Keyed<Json>,
    source: Json,
}

impl RequestPage {
    /// The requests, in server order.
    #[must_use]
    pub fn requests(&self) -> &[WorkflowRequest] {
        &self.requests
    }
    /// The requests, taken.
    #[must_use]
    pub fn into_requests(self) -> Vec<WorkflowRequest> {
        self.requests
    }
    /// More pages follow.
    #[must_use]
    pub fn has_next(&self) -> bool {
        self.has_next
    }
    /// Members this SDK does not know, exactly as sent.
    #[must_use]
    pub fn extra(&self) -> &Keyed<Json> {
        &self.extra
    }
    /// The page exactly as read.
    #[must_use]
    pub fn to_json(&self) -> &Json {
        &self.source
    }
}

/// Decodes a list page.
///
/// # Errors
/// As [`decode_request`]; also a missing `hasNext` in strict mode.
pub fn decode_page(text: &str, mode: Mode) -> Result<Decoded<RequestPage>, GaroonParseError> {
    let json = Json::parse(text).map_err(|e| GaroonParseError {
        path: String::new(),
        message: format!("not JSON: {e}"),
    })?;
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

impl Serialize for RequestPage {
    /// Writes the page as it was read.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.source.serialize(serializer)
    }
}

/// A file from `GET /api/v1/workflow/admin/files/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileContent {
    /// File id.
    pub id: String,
    /// MIME type.
    #[serde(default)]
    pub content_type: Option<String>,
    /// File name.
    #[serde(default)]
    pub name: Option<String>,
    /// Size in bytes, as text.
    #[serde(default)]
    pub size: Option<String>,
    /// Base64 content.
    pub content: String,
}

impl FileContent {
    /// The file's bytes.
    ///
    /// # Errors
    /// base64's error when `content` is not base64.
    pub fn bytes(&self) -> Result<Vec<u8>, base64::DecodeError> {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.decode(self.content.trim())
    }
}

/// Garoon's error body `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GaroonErrorBody {
    /// `GRN_<APP>_<digits>`.
    #[serde(default)]
    pub error_code: Option<String>,
    /// Message.
    #[serde(default)]
    pub message: String,
    /// Cause.
    #[serde(default)]
    pub cause: Option<String>,
    /// What to do.
    #[serde(default)]
    pub counter_measure: Option<String>,
    /// Developer details.
    #[serde(default)]
    pub developer_info: Option<String>,
    /// Server backtrace.
    #[serde(default)]
    pub backtrace: Option<String>,
}

/// The wrapper of [`GaroonErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GaroonErrorEnvelope {
    /// The error.
    pub error: GaroonErrorBody,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates() {
        let p = |s: &str| PartialDate::parse(s).map(|d| (d.year, d.month, d.day));
        assert_eq!(p("2016-08-11"), Some((Some(2016), Some(8), Some(11))));
        assert_eq!(p("--"), Some((None, None, None)));
        assert_eq!(p("-08-11"), Some((None, Some(8), Some(11))));
        assert_eq!(p("2016--11"), Some((Some(2016), None, Some(11))));
        assert_eq!(p("2016-08-"), Some((Some(2016), Some(8), None)));
        assert_eq!(p("2016/08/11"), None);
        assert_eq!(p("2016-13-01"), None);
        assert_eq!(
            PartialDate::parse("2016-08-11").unwrap().to_naive_date(),
            NaiveDate::from_ymd_opt(2016, 8, 11)
        );
        assert_eq!(
            PartialDate::parse("2016-02-30").unwrap().to_naive_date(),
            None
        );
    }

    #[test]
    fn corrected_labels() {
        assert_eq!(StatusType::Approved.label(LabelLang::Ja), Some("承認"));
        assert_eq!(StatusType::Rejected.label(LabelLang::Ja), Some("却下"));
        assert_eq!(StatusType::Cancelled.label(LabelLang::Ja), Some("取消"));
        assert_eq!(StatusType::Cancelled.label(LabelLang::En), Some("Cancel"));
        assert_eq!(StatusType::Completed.label(LabelLang::Zh), Some("完成"));
        assert_eq!(StatusType::SentBack.label(LabelLang::Ja), None);
    }

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
