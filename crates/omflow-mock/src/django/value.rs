//! Values as the real server's stack sees them: Python's `str()`/`repr()` of a decoded JSON
//! value, Django 2.2's `get_prep_value` per field class (with its validation texts in the
//! request's language), and SQLite's comparison of what ends up in the query.

use chrono::{NaiveDate, NaiveDateTime};
use omflow_model::Lang;
use serde_json::Value;
use std::cmp::Ordering;

use super::schema::Class;

/// Python's `repr()` of a string.
pub(crate) fn py_repr_str(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `repr()` of a decoded JSON value.
pub(crate) fn py_repr(value: &Value) -> String {
    if let Some(f) = crate::pyjson::special_float(value) {
        return py_float(f);
    }
    match value {
        Value::String(s) => py_repr_str(s),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(py_repr).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", py_repr_str(k), py_repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => py_str(other),
    }
}

/// Python's `str()` of a decoded JSON value.
pub(crate) fn py_str(value: &Value) -> String {
    if let Some(f) = crate::pyjson::special_float(value) {
        return py_float(f);
    }
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => "None".into(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => py_float(f),
            _ => n.to_string(),
        },
        container => py_repr(container),
    }
}

/// Python's `repr()` of a float.
fn py_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.into();
    }
    if f == f.trunc() && f.abs() < 1e16 {
        return format!("{f:.1}");
    }
    let text = format!("{f:e}");
    // Rust writes `1e20`, Python `1e+20`; Python keeps plain notation below 1e16.
    match text.split_once('e') {
        Some((mantissa, exp)) => {
            let exp: i32 = exp.parse().unwrap_or(0);
            if (-5..16).contains(&exp) {
                f.to_string()
            } else {
                format!(
                    "{mantissa}e{}{:02}",
                    if exp < 0 { '-' } else { '+' },
                    exp.abs()
                )
            }
        }
        None => text,
    }
}

/// Python's type name of a decoded JSON value.
pub(crate) fn py_type(value: &Value) -> &'static str {
    if crate::pyjson::special_float(value).is_some() {
        return "float";
    }
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// Python's `int(value)`, which has no size limit (only SQLite's INTEGER has one).
pub(crate) fn py_int_wide(value: &Value) -> Result<i128, String> {
    if let Some(f) = crate::pyjson::special_float(value) {
        return Err(if f.is_nan() {
            "cannot convert float NaN to integer".into()
        } else {
            "cannot convert float infinity to integer".into()
        });
    }
    match value {
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Ok(i128::from(i)),
            (None, Some(u), _) => Ok(i128::from(u)),
            (_, _, Some(f)) if f.is_nan() => Err("cannot convert float NaN to integer".into()),
            (_, _, Some(f)) if f.is_infinite() => {
                Err("cannot convert float infinity to integer".into())
            }
            // Saturates beyond i128, which is far beyond anything SQLite accepts anyway.
            (_, _, Some(f)) => Ok(f.trunc() as i128),
            _ => Err(format!("invalid literal for int() with base 10: '{n}'")),
        },
        Value::Bool(b) => Ok(i128::from(*b)),
        Value::String(s) => {
            let t = s.trim();
            let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
            let plain = !digits.is_empty()
                && !digits.starts_with('_')
                && !digits.ends_with('_')
                && !digits.contains("__")
                && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_');
            if plain {
                Ok(t.replace('_', "")
                    .parse::<i128>()
                    .unwrap_or(if t.starts_with('-') {
                        i128::MIN
                    } else {
                        i128::MAX
                    }))
            } else {
                Err(format!(
                    "invalid literal for int() with base 10: {}",
                    py_repr_str(s)
                ))
            }
        }
        other => Err(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            py_type(other)
        )),
    }
}

/// SQLite's error binding an integer beyond 64 bits.
pub(crate) const TOO_LARGE: &str = "Python int too large to convert to SQLite INTEGER";

/// A value as SQLite holds and compares it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Sql {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    /// An integer parameter beyond 64 bits: the query fails when it is executed.
    TooLarge,
}

impl Sql {
    /// SQLite's ordering: NULL < numbers < text (binary collation).
    pub fn compare(&self, other: &Sql) -> Ordering {
        use Sql::*;
        fn rank(v: &Sql) -> u8 {
            match v {
                Null | TooLarge => 0,
                Int(_) | Real(_) => 1,
                Text(_) => 2,
            }
        }
        match (self, other) {
            (Int(a), Int(b)) => a.cmp(b),
            (Int(a), Real(b)) => (*a as f64).partial_cmp(b).unwrap_or(Ordering::Equal),
            (Real(a), Int(b)) => a.partial_cmp(&(*b as f64)).unwrap_or(Ordering::Equal),
            (Real(a), Real(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
            (Text(a), Text(b)) => a.as_bytes().cmp(b.as_bytes()),
            (a, b) => rank(a).cmp(&rank(b)),
        }
    }

    /// The text SQLite's `LIKE` and `REGEXP` see (`None` for NULL).
    pub fn text(&self) -> Option<String> {
        match self {
            Sql::Null | Sql::TooLarge => None,
            Sql::Int(i) => Some(i.to_string()),
            Sql::Real(f) => Some(py_float(*f)),
            Sql::Text(t) => Some(t.clone()),
        }
    }
}

/// A stored row value of a field of `class`, as SQLite holds it.
pub(crate) fn stored(class: Option<Class>, raw: &Value) -> Sql {
    match raw {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Int(i64::from(*b)),
        Value::Number(n) => n
            .as_i64()
            .map(Sql::Int)
            .unwrap_or_else(|| Sql::Real(n.as_f64().unwrap_or(0.0))),
        Value::String(s) => match class {
            Some(Class::Uuid) => Sql::Text(s.replace('-', "").to_ascii_lowercase()),
            Some(Class::DateTime) => Sql::Text(stored_datetime(s)),
            Some(Class::Auto | Class::Integer) => s
                .parse::<i64>()
                .map(Sql::Int)
                .unwrap_or_else(|_| Sql::Text(s.clone())),
            _ => Sql::Text(s.clone()),
        },
        other => Sql::Text(other.to_string()),
    }
}

/// The text SQLite holds for a datetime the fake keeps in either spelling (the list's
/// `2026-11-22T09:00:00.004` or the row's `2026-11-22 09:00:00.004000`): Django's adapter
/// writes `str(datetime)`, a space and six digits of fraction when there is one.
fn stored_datetime(kept: &str) -> String {
    let spaced = kept.replacen('T', " ", 1);
    match NaiveDateTime::parse_from_str(&spaced, "%Y-%m-%d %H:%M:%S%.f") {
        Ok(dt) => python_datetime_text(dt),
        Err(_) => spaced,
    }
}

/// A value sent with no preparation (a parent-link key), with the column's integer affinity.
fn uncast(value: &Value) -> Sql {
    match value {
        Value::String(s) => {
            let t = s.trim();
            if let Ok(i) = t.parse::<i64>() {
                Sql::Int(i)
            } else if let Ok(f) = t.parse::<f64>() {
                if f == f.trunc() && f.abs() < 9.2e18 {
                    Sql::Int(f as i64)
                } else {
                    Sql::Real(f)
                }
            } else {
                Sql::Text(s.clone())
            }
        }
        other => stored(None, other),
    }
}

/// Django's localized validation text, as `str(ValidationError)` prints it (a list).
fn validation(lang: Lang, message: Validation, value: &str) -> String {
    let template = match (message, lang) {
        (Validation::Boolean, Lang::ZhHant) => "'%s' 必須為 True 或 False。",
        (Validation::Boolean, Lang::ZhHans) => "’%s‘ 的值必须为 True 或者 False。",
        (Validation::Boolean, Lang::Ja) => "'%s' は真偽値にしなければなりません。",
        (Validation::Boolean, Lang::En) => "'%s' value must be either True or False.",
        (Validation::DateTime, Lang::ZhHant) => {
            "'%s' 格式錯誤，必須為 YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]。"
        }
        (Validation::DateTime, Lang::ZhHans) => {
            "’%s‘ 必须为合法的日期时间格式，请使用 YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] 格式。"
        }
        (Validation::DateTime, Lang::Ja) => {
            "'%s' は無効な形式の値です。 YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] 形式でなければなりません。"
        }
        (Validation::DateTime, Lang::En) => {
            "'%s' value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format."
        }
        (Validation::InvalidDateTime, Lang::ZhHant) => {
            "'%s' 格式正確 (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ])，但不是有效的日期／時間。"
        }
        (Validation::InvalidDateTime, Lang::ZhHans) => {
            "’%s‘ 值的格式正确(YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ])，但是日期/时间无效。"
        }
        (Validation::InvalidDateTime, Lang::Ja) => {
            "'%s' は正しい形式(YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ])の値ですが、無効な日時です。"
        }
        (Validation::InvalidDateTime, Lang::En) => {
            "'%s' value has the correct format (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) but it is an invalid date/time."
        }
        (Validation::Uuid, Lang::ZhHant) => "'%s' 不是有效的 UUID",
        (Validation::Uuid, Lang::ZhHans) => "‘%s’不是有效UUID。",
        (Validation::Uuid, Lang::Ja) => "'%s' は有効なUUIDではありません。",
        (Validation::Uuid, Lang::En) => "'%s' is not a valid UUID.",
    };
    format!("[{}]", py_repr_str(&template.replacen("%s", value, 1)))
}

#[derive(Debug, Clone, Copy)]
enum Validation {
    Boolean,
    DateTime,
    InvalidDateTime,
    Uuid,
}

/// Django 2.2's `parse_datetime`/`parse_date` fall-back, as `DateTimeField.to_python` runs it.
fn to_datetime(value: &Value, lang: Lang) -> Result<Sql, String> {
    let Value::String(text) = value else {
        return Err(format!(
            "expected string or bytes-like object, got '{}'",
            py_type(value)
        ));
    };
    let datetime = regex_lite_datetime(text);
    match datetime {
        Shape::Valid(dt) => Ok(Sql::Text(python_datetime_text(dt))),
        Shape::OutOfRange => Err(validation(lang, Validation::InvalidDateTime, text)),
        Shape::NotMatched => match regex_lite_date(text) {
            Shape::Valid(dt) => Ok(Sql::Text(python_datetime_text(dt))),
            Shape::OutOfRange => Err(validation(lang, Validation::InvalidDateTime, text)),
            Shape::NotMatched => Err(validation(lang, Validation::DateTime, text)),
        },
    }
}

enum Shape {
    Valid(NaiveDateTime),
    OutOfRange,
    NotMatched,
}

/// `datetime_re`: `YYYY-M(M)-D(D)[T ]H(H):MM[:SS[.ffffff]][TZ]` from the start of the text.
fn regex_lite_datetime(text: &str) -> Shape {
    static PATTERN: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        regex::Regex::new(
            r"^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6})\d{0,6})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$",
        )
        .expect("valid pattern")
    });
    let Some(caps) = pattern.captures(text) else {
        return Shape::NotMatched;
    };
    let n = |i: usize| {
        caps.get(i)
            .map(|m| m.as_str().parse::<u32>().unwrap_or(0))
            .unwrap_or(0)
    };
    let micro = caps
        .get(7)
        .map(|m| format!("{:0<6}", m.as_str()).parse::<u32>().unwrap_or(0))
        .unwrap_or(0);
    match NaiveDate::from_ymd_opt(n(1) as i32, n(2), n(3))
        .and_then(|d| d.and_hms_micro_opt(n(4), n(5), n(6), micro))
    {
        Some(dt) => Shape::Valid(dt),
        None => Shape::OutOfRange,
    }
}

/// `date_re`: `YYYY-M(M)-D(D)` and nothing else.
fn regex_lite_date(text: &str) -> Shape {
    static PATTERN: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let pattern =
        PATTERN.get_or_init(|| regex::Regex::new(r"^(\d{4})-(\d{1,2})-(\d{1,2})$").expect("valid"));
    let Some(caps) = pattern.captures(text) else {
        return Shape::NotMatched;
    };
    let n = |i: usize| caps[i].parse::<u32>().unwrap_or(0);
    match NaiveDate::from_ymd_opt(n(1) as i32, n(2), n(3)).and_then(|d| d.and_hms_opt(0, 0, 0)) {
        Some(dt) => Shape::Valid(dt),
        None => Shape::OutOfRange,
    }
}

/// How Django's SQLite adapter writes a datetime parameter (`str(datetime)`).
fn python_datetime_text(dt: NaiveDateTime) -> String {
    let micro = dt.and_utc().timestamp_subsec_micros();
    if micro == 0 {
        dt.format("%Y-%m-%d %H:%M:%S").to_string()
    } else {
        format!("{}.{micro:06}", dt.format("%Y-%m-%d %H:%M:%S"))
    }
}

/// `uuid.UUID(hex=value)` (or `int=` for integers), as `UUIDField.to_python` runs it.
fn to_uuid(value: &Value, lang: Lang) -> Result<Sql, String> {
    let invalid = || validation(lang, Validation::Uuid, &py_str(value));
    match value {
        Value::Bool(b) => Ok(Sql::Text(format!("{:032x}", u8::from(*b)))),
        Value::Number(n) => match n.as_u64() {
            Some(i) => Ok(Sql::Text(format!("{i:032x}"))),
            None => Err(invalid()),
        },
        Value::String(s) => {
            let mut hex = s.replace("urn:", "").replace("uuid:", "");
            hex = hex.trim_matches(|c| c == '{' || c == '}').replace('-', "");
            if hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                Ok(Sql::Text(hex.to_ascii_lowercase()))
            } else {
                Err(invalid())
            }
        }
        _ => Err(invalid()),
    }
}

/// `field.get_prep_value(value)` for a field of `class` (`None` = no preparation).
pub(crate) fn prepare(class: Option<Class>, value: &Value, lang: Lang) -> Result<Sql, String> {
    if value.is_null() {
        return Ok(Sql::Null);
    }
    let Some(class) = class else {
        return Ok(uncast(value));
    };
    match class {
        Class::Auto | Class::Integer => {
            py_int_wide(value).map(|i| i64::try_from(i).map_or(Sql::TooLarge, Sql::Int))
        }
        Class::Boolean => match value {
            Value::Bool(b) => Ok(Sql::Int(i64::from(*b))),
            Value::Number(n) if n.as_f64() == Some(1.0) => Ok(Sql::Int(1)),
            Value::Number(n) if n.as_f64() == Some(0.0) => Ok(Sql::Int(0)),
            Value::String(s) if matches!(s.as_str(), "t" | "True" | "1") => Ok(Sql::Int(1)),
            Value::String(s) if matches!(s.as_str(), "f" | "False" | "0") => Ok(Sql::Int(0)),
            other => Err(validation(lang, Validation::Boolean, &py_str(other))),
        },
        Class::DateTime | Class::Date => to_datetime(value, lang),
        Class::Uuid => to_uuid(value, lang),
        _ => Ok(Sql::Text(py_str(value))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn python_texts() {
        assert_eq!(py_str(&json!(["a", 1, true, null])), "['a', 1, True, None]");
        assert_eq!(py_str(&json!({"k": "it's"})), "{'k': \"it's\"}");
        assert_eq!(py_str(&json!(2.5)), "2.5");
        assert_eq!(py_str(&json!(3.0)), "3.0");
        assert_eq!(py_str(&json!(1e20)), "1e+20");
        assert_eq!(py_int_wide(&json!(" 3")), Ok(3));
        assert_eq!(py_int_wide(&json!(3.9)), Ok(3));
        assert_eq!(py_int_wide(&json!(1e20)), Ok(100_000_000_000_000_000_000));
        assert!(py_int_wide(&json!("3.0")).unwrap_err().contains("'3.0'"));
        assert!(py_int_wide(&json!(null))
            .unwrap_err()
            .ends_with("not 'NoneType'"));
        assert_eq!(
            prepare(
                Some(Class::Integer),
                &json!("99999999999999999999"),
                Lang::En
            ),
            Ok(Sql::TooLarge)
        );
    }

    #[test]
    fn preparation_follows_the_field_class_and_language() {
        assert_eq!(
            prepare(Some(Class::Boolean), &json!("yes"), Lang::ZhHant),
            Err("[\"'yes' 必須為 True 或 False。\"]".into())
        );
        assert_eq!(
            prepare(Some(Class::Boolean), &json!("false"), Lang::ZhHans),
            Err("['’false‘ 的值必须为 True 或者 False。']".into())
        );
        assert_eq!(
            prepare(Some(Class::Boolean), &json!(1.0), Lang::En),
            Ok(Sql::Int(1))
        );
        assert_eq!(
            prepare(Some(Class::DateTime), &json!("2026-13-01 00:00"), Lang::En).unwrap_err(),
            "[\"'2026-13-01 00:00' value has the correct format (YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) but it is an invalid date/time.\"]"
        );
        assert_eq!(
            prepare(Some(Class::DateTime), &json!(5), Lang::En).unwrap_err(),
            "expected string or bytes-like object, got 'int'"
        );
        assert_eq!(
            prepare(Some(Class::DateTime), &json!("2026-12-01"), Lang::En),
            Ok(Sql::Text("2026-12-01 00:00:00".into()))
        );
        assert_eq!(
            prepare(Some(Class::Uuid), &json!("xyz"), Lang::ZhHant),
            Err("[\"'xyz' 不是有效的 UUID\"]".into())
        );
        assert_eq!(prepare(None, &json!("1e3"), Lang::En), Ok(Sql::Int(1000)));
        assert_eq!(
            prepare(None, &json!("red"), Lang::En),
            Ok(Sql::Text("red".into()))
        );
        assert_eq!(
            prepare(Some(Class::Text), &json!(true), Lang::En),
            Ok(Sql::Text("True".into()))
        );
    }

    #[test]
    fn sqlite_orders_numbers_before_text() {
        assert_eq!(
            Sql::Int(5).compare(&Sql::Text("red".into())),
            Ordering::Less
        );
        assert_eq!(Sql::Null.compare(&Sql::Int(0)), Ordering::Less);
        assert_eq!(Sql::Int(2).compare(&Sql::Real(2.5)), Ordering::Less);
    }
}
