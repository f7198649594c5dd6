//! `DataChecker`: the real server's required-parameter and key-format check, shared by the
//! views that use it.

use crate::world::{text, Reply};
use omflow_model::{Lang, MessageId};
use serde_json::{json, Map, Value};

/// `isRequired`: present, truthy and not the text `"null"`.
fn filled(value: &Value) -> bool {
    crate::world::truthy(value) && value != "null"
}

/// The checker's failure as the view answers it (envelope 404 with the checker object), or
/// `None` when the body passes. Missing keys are reported before empty ones, empty ones
/// before format errors, as the real checker does.
pub(crate) fn check(body: &Map<String, Value>, required: &[&str], lang: Lang) -> Option<Reply> {
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|key| !body.contains_key(*key))
        .collect();
    if !missing.is_empty() {
        return Some(failure(
            "require missing",
            &missing,
            MessageId::CheckerMissingRequiredParam,
            lang,
        ));
    }
    let empty: Vec<&str> = required
        .iter()
        .copied()
        .filter(|key| !body.get(*key).is_some_and(filled))
        .collect();
    if !empty.is_empty() {
        return Some(failure(
            "require null",
            &empty,
            MessageId::CheckerRequiredParamEmpty,
            lang,
        ));
    }
    let malformed: Vec<&str> = body
        .iter()
        .filter(|(key, value)| !format_ok(key, value))
        .map(|(key, _)| key.as_str())
        .collect();
    if !malformed.is_empty() {
        return Some(failure(
            "format error",
            &malformed,
            MessageId::CheckerFieldFormatError,
            lang,
        ));
    }
    None
}

fn failure(status: &str, keys: &[&str], message: MessageId, lang: Lang) -> Reply {
    let message = text(message, lang);
    Reply::Envelope {
        status: 404,
        message: message.clone(),
        result: json!({"status": status, "result": keys, "message": message}),
    }
}

/// The key-name format rules (`_$` integer, `[]` list, `_@` e-mail, `_%Y` date, `_%B`
/// boolean, `wcode` three capitals).
fn format_ok(key: &str, value: &Value) -> bool {
    let empty = !crate::world::truthy(value);
    if key.contains("_$") {
        return empty
            || match value {
                Value::Number(n) => n.is_i64() || n.is_u64(),
                Value::Bool(_) => true,
                Value::String(s) => python_int(s),
                _ => false,
            };
    }
    if key.contains("[]") {
        return empty || value.is_array();
    }
    if key.contains("_@") {
        return empty
            || value.as_str().is_some_and(|s| {
                s.split_once('@')
                    .is_some_and(|(local, rest)| !local.is_empty() && !rest.starts_with('@'))
                    && !s.starts_with('@')
            });
    }
    if key.contains("_%Y") {
        return empty || value.as_str().is_some_and(is_date);
    }
    if key.contains("_%B") {
        return match value {
            Value::Bool(_) => true,
            Value::Number(n) => n.as_i64().is_some_and(|n| n == 0 || n == 1),
            Value::String(s) if !s.is_empty() => {
                matches!(capitalize(s).as_str(), "True" | "False" | "0" | "1")
            }
            _ => false,
        };
    }
    if key == "wcode" {
        return value
            .as_str()
            .is_some_and(|s| s.len() >= 3 && s.bytes().take(3).all(|b| b.is_ascii_uppercase()));
    }
    true
}

/// Python's `int(str)`: optional surrounding whitespace, a sign, digits (underscores between).
fn python_int(text: &str) -> bool {
    let t = text.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.chars().all(|c| c.is_ascii_digit() || c == '_')
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

fn is_date(text: &str) -> bool {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn missing_before_empty_before_format() {
        let reply = check(
            &body(json!({"data_id": 0})),
            &["flow_uuid", "data_id"],
            Lang::En,
        );
        let Some(Reply::Envelope { result, .. }) = reply else {
            panic!("expected a failure")
        };
        assert_eq!(result["status"], "require missing");
        assert_eq!(result["result"], json!(["flow_uuid"]));

        let reply = check(&body(json!({"a": "null", "b": 1})), &["a", "b"], Lang::En);
        let Some(Reply::Envelope { result, .. }) = reply else {
            panic!("expected a failure")
        };
        assert_eq!(result["status"], "require null");
        assert_eq!(result["result"], json!(["a"]));

        let reply = check(&body(json!({"a": 1, "tags[]": "x"})), &["a"], Lang::En);
        let Some(Reply::Envelope { result, .. }) = reply else {
            panic!("expected a failure")
        };
        assert_eq!(result["status"], "format error");
        assert_eq!(result["result"], json!(["tags[]"]));
        assert!(check(&body(json!({"a": 1, "n_$": " 7 "})), &["a"], Lang::En).is_none());
    }

    #[test]
    fn format_rules() {
        assert!(!format_ok("n_$", &json!("1.5")));
        assert!(format_ok("n_$", &json!("")));
        assert!(format_ok("d_%Y", &json!("2026-02-28")));
        assert!(!format_ok("d_%Y", &json!("2026-02-30")));
        assert!(format_ok("b_%B", &json!("true")));
        assert!(!format_ok("b_%B", &json!("")));
        assert!(!format_ok("b_%B", &json!(2)));
        assert!(format_ok("wcode", &json!("ABCd")));
        assert!(!format_ok("wcode", &json!("AbC")));
        assert!(format_ok("m_@", &json!("a@b")));
        assert!(!format_ok("m_@", &json!("ab")));
    }
}
