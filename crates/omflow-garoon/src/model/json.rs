//! A JSON tree that keeps key order and the exact text of numbers (`1234.50` stays
//! `1234.50`), read in one pass with jiter, which hands over each number's own text.

use serde::de::{self, Deserializer};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::fmt;

/// A parsed JSON value with exact number text and ordered objects.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, exactly as written.
    Number(JsonNumber),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, keys in document order.
    Object(Vec<(String, Json)>),
}

/// How deep arrays and objects may nest (what serde_json reads; its recursion limit refuses
/// the 128th level): deeper text is refused rather than read with a stack that could run out.
const MAX_DEPTH: usize = 127;

/// Why a text was not read.
enum Unread {
    /// jiter refused it.
    Jiter(jiter::JiterError),
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl From<jiter::JiterError> for Unread {
    fn from(error: jiter::JiterError) -> Self {
        Unread::Jiter(error)
    }
}

impl Json {
    /// Parses JSON text.
    ///
    /// # Errors
    /// For text that is not JSON, or nests deeper than 127 levels: a `serde_json::Error`
    /// whose message says what and where (line and column in the text; its own `line()` and
    /// `column()` are 0).
    pub fn parse(text: &str) -> Result<Json, serde_json::Error> {
        // One pass over the text with jiter, which hands over each number's own bytes (what
        // serde_json keeps only in a `RawValue`, and re-scanning nested raw values costs
        // a pass per level of nesting).
        let mut reader = jiter::Jiter::new(text.as_bytes());
        let parsed = reader
            .peek()
            .map_err(Unread::Jiter)
            .and_then(|peek| Json::read(&mut reader, peek, MAX_DEPTH))
            .and_then(|json| reader.finish().map(|()| json).map_err(Unread::Jiter));
        parsed.map_err(|unread| {
            let message = match unread {
                Unread::Jiter(error) => {
                    let at = reader.error_position(error.index);
                    format!(
                        "{} at line {} column {}",
                        error.error_type, at.line, at.column
                    )
                }
                Unread::TooDeep => {
                    let at = reader.current_position();
                    format!(
                        "nested deeper than {MAX_DEPTH} levels at line {} column {}",
                        at.line, at.column
                    )
                }
            };
            <serde_json::Error as de::Error>::custom(message)
        })
    }

    /// The value `peek` starts, read from `reader`, with at most `depth` levels of arrays
    /// and objects inside it.
    fn read(
        reader: &mut jiter::Jiter<'_>,
        peek: jiter::Peek,
        depth: usize,
    ) -> Result<Json, Unread> {
        use jiter::Peek;
        if depth == 0 && matches!(peek, Peek::Array | Peek::Object) {
            return Err(Unread::TooDeep);
        }
        Ok(match peek {
            Peek::Null => {
                reader.known_null()?;
                Json::Null
            }
            Peek::True | Peek::False => Json::Bool(reader.known_bool(peek)?),
            Peek::String => Json::String(reader.known_str()?.to_owned()),
            Peek::Array => {
                let mut items = Vec::new();
                let mut next = reader.known_array()?;
                while let Some(peek) = next {
                    items.push(Json::read(reader, peek, depth - 1)?);
                    next = reader.array_step()?;
                }
                Json::Array(items)
            }
            Peek::Object => {
                let mut entries = Vec::new();
                let mut key = reader.known_object()?.map(str::to_owned);
                while let Some(name) = key {
                    let peek = reader.peek()?;
                    entries.push((name, Json::read(reader, peek, depth - 1)?));
                    key = reader.next_key()?.map(str::to_owned);
                }
                Json::Object(entries)
            }
            number => {
                let bytes = reader.known_number_bytes(number)?;
                Json::Number(JsonNumber(String::from_utf8_lossy(bytes).into_owned()))
            }
        })
    }

    /// Converts a serde_json value (numbers take serde_json's text).
    pub fn from_value(value: &Value) -> Json {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(JsonNumber(n.to_string())),
            Value::String(s) => Json::String(s.clone()),
            Value::Array(a) => Json::Array(a.iter().map(Json::from_value).collect()),
            Value::Object(o) => Json::Object(
                o.iter()
                    .map(|(k, v)| (k.clone(), Json::from_value(v)))
                    .collect(),
            ),
        }
    }

    /// Converts to a serde_json value, refusing to round: a number serde_json cannot hold
    /// with its exact value (an integer beyond 64 bits, `1e400`, a decimal longer than an
    /// `f64` keeps) is an error naming it. Use [`Json::to_text`] or `Serialize` for the
    /// exact document.
    ///
    /// # Errors
    /// [`InexactNumber`] naming the first number serde_json cannot hold exactly.
    pub fn to_value(&self) -> Result<Value, InexactNumber> {
        Ok(match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(number) => Value::Number(
                exact_number(number.as_str())
                    .ok_or_else(|| InexactNumber(number.as_str().to_string()))?,
            ),
            Json::String(s) => Value::String(s.clone()),
            Json::Array(items) => {
                Value::Array(items.iter().map(Json::to_value).collect::<Result<_, _>>()?)
            }
            Json::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| v.to_value().map(|v| (k.clone(), v)))
                    .collect::<Result<Map<_, _>, _>>()?,
            ),
        })
    }

    /// The document as JSON text, numbers exactly as read, members in order (compact, as
    /// serde_json writes it). Never fails: every [`JsonNumber`] is valid JSON.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        let string = |out: &mut String, s: &str| out.push_str(&Value::from(s).to_string());
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(number) => out.push_str(number.as_str()),
            Json::String(s) => string(out, s),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    string(out, key);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }

    /// The members of an object (empty for other values).
    #[must_use]
    pub fn members(&self) -> &[(String, Json)] {
        match self {
            Json::Object(entries) => entries,
            _ => &[],
        }
    }

    /// A member of an object.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// A short name of the JSON type, for messages.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }
}

/// A JSON number's exact text (`1234.50`, `1e400`, `123456789012345678901234567890`),
/// checked to be a JSON number when made.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JsonNumber(String);

/// Text that is not a JSON number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a JSON number")]
pub struct NotAJsonNumber(pub String);

impl JsonNumber {
    /// `text`, when it is a JSON number.
    ///
    /// # Errors
    /// [`NotAJsonNumber`] for any other text (`"abc"`, `"1."`, `" 1"`, `"NaN"`).
    pub fn new(text: impl Into<String>) -> Result<JsonNumber, NotAJsonNumber> {
        let text = text.into();
        let starts_well = matches!(text.as_bytes().first(), Some(b'-' | b'0'..=b'9'));
        match serde_json::from_str::<&RawValue>(&text) {
            Ok(raw) if starts_well && raw.get() == text => Ok(JsonNumber(text)),
            _ => Err(NotAJsonNumber(text)),
        }
    }

    /// The text, exactly as read.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JsonNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for JsonNumber {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for JsonNumber {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// A number that a serde_json [`Value`] cannot hold exactly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the number {0} cannot be held exactly by serde_json::Value; use Json::to_text for the exact document")]
pub struct InexactNumber(pub String);

/// The serde_json number with exactly the value of `text`, if there is one.
fn exact_number(text: &str) -> Option<serde_json::Number> {
    if let Ok(i) = text.parse::<i64>() {
        return Some(i.into());
    }
    if let Ok(u) = text.parse::<u64>() {
        return Some(u.into());
    }
    let float: f64 = text.parse().ok()?;
    let number = serde_json::Number::from_f64(float)?;
    let decimal = |t: &str| {
        rust_decimal::Decimal::from_str_exact(t)
            .or_else(|_| rust_decimal::Decimal::from_scientific(t))
            .ok()
    };
    let (Some(wanted), Some(held)) = (decimal(text), decimal(&number.to_string())) else {
        return None;
    };
    (wanted == held).then_some(number)
}

impl serde::Serialize for Json {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeMap, SerializeSeq};
        match self {
            Json::Null => serializer.serialize_unit(),
            Json::Bool(b) => serializer.serialize_bool(*b),
            Json::Number(number) => RawValue::from_string(number.0.clone())
                .map_err(S::Error::custom)?
                .serialize(serializer),
            Json::String(s) => serializer.serialize_str(s),
            Json::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // The value's text (one skipping pass), then one reading pass.
        let raw: Box<RawValue> = Deserialize::deserialize(deserializer)?;
        Json::parse(raw.get()).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One pass with jiter takes the texts serde_json takes and builds the same tree, but for
    /// numbers: those serde_json cannot hold (`1e400`) are kept as written, and an integer
    /// part of 4,300 digits or more is refused.
    #[test]
    fn takes_what_serde_json_takes() {
        // Nesting as deep as serde_json allows reads; deeper is refused, not a stack overflow.
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(Json::parse(&deep(127)).is_ok());
        assert!(Json::parse(&deep(128)).is_err());
        let refused = Json::parse(&deep(100_000)).unwrap_err().to_string();
        assert!(refused.contains("nested deeper than 127"), "{refused}");
        assert_eq!(
            serde_json::from_str::<Value>(&deep(128)).is_ok(),
            Json::parse(&deep(128)).is_ok()
        );
        assert_eq!(
            serde_json::from_str::<Value>(&deep(127)).is_ok(),
            Json::parse(&deep(127)).is_ok()
        );
        let cases = [
            r#"{"a": [1, -0, 2.5e-3, "x\u00e9\ud83d\ude00", null, true, false, {}], "a": []}"#,
            "01",
            "1.",
            "-",
            "[1,]",
            r#"{"a":1,}"#,
            "1 2",
            "NaN",
            "Infinity",
            "[1",
            "\"abc",
            "\"tab\there\"",
            "\"\\ud800\"",
            "\"\\x\"",
            "  [ ]  ",
            "{\"k\" 1}",
            "tru",
            "nul",
            "\"\u{7f}\"",
            "[[[[[]]]]]",
            "\"\\u12\"",
            "\u{feff}{}",
        ];
        for text in cases {
            let theirs = serde_json::from_str::<Value>(text);
            let ours = Json::parse(text);
            assert_eq!(
                ours.is_ok(),
                theirs.is_ok(),
                "{text:?}: {ours:?} / {theirs:?}"
            );
            if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
                // Duplicate keys: serde_json keeps the last, the tree keeps both in order.
                if !text.contains(r#""a": []"#) {
                    assert_eq!(ours.to_value().unwrap(), theirs, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn keeps_number_text_and_order() {
        let json = Json::parse(r#"{"b": 1234.50, "a": [1, "x", null, true]}"#).unwrap();
        assert_eq!(
            json.get("b"),
            Some(&Json::Number(JsonNumber::new("1234.50").unwrap()))
        );
        match &json {
            Json::Object(entries) => assert_eq!(entries[0].0, "b"),
            other => panic!("{other:?}"),
        }
        assert!(Json::parse("{").is_err());
    }

    #[test]
    fn text_is_exact_and_values_never_round() {
        let text = r#"{"big":123456789012345678901234567890,"inf":1e400,"long":0.1000000000000000000001,"ok":1234.50,"n":-7}"#;
        let json = Json::parse(text).unwrap();
        assert_eq!(json.to_text(), text);
        assert_eq!(
            json.get("ok").unwrap().to_value().unwrap(),
            serde_json::json!(1234.5)
        );
        assert_eq!(
            json.get("n").unwrap().to_value().unwrap(),
            serde_json::json!(-7)
        );
        for key in ["big", "inf", "long"] {
            let err = json.get(key).unwrap().to_value().unwrap_err();
            assert_eq!(err.0, json.get(key).unwrap().to_text(), "{key}");
        }
        assert!(json.to_value().is_err());
    }

    #[test]
    fn only_json_numbers_are_numbers_and_text_never_comes_out_empty() {
        for good in ["0", "-7", "1234.50", "1e400", "1E+2", "-0.0"] {
            assert_eq!(JsonNumber::new(good).unwrap().as_str(), good);
        }
        for bad in ["abc", "1.", " 1", "NaN", "01", "", "\"1\"", "1 2"] {
            assert!(JsonNumber::new(bad).is_err(), "{bad:?}");
        }
        let made = Json::Object(vec![
            ("n".into(), Json::Number(JsonNumber::new("1e400").unwrap())),
            ("s".into(), Json::String("引号\"\n".into())),
        ]);
        assert_eq!(made.to_text(), r#"{"n":1e400,"s":"引号\"\n"}"#);
        assert_eq!(made.to_text(), serde_json::to_string(&made).unwrap());
    }
}
