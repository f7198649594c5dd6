//! The normalisation both sides of a replay go through before they are compared: the rules
//! the recordings' READMEs give, in one place.
//!
//! - security tokens become `<tok:USER#N>` (the Nth distinct token a login of USER issued in
//!   the episode), computed on each side from that side's own login answers;
//! - the time and random keys ([`DROPPED_KEYS`]) are dropped at any depth, and any other
//!   string that is a server timestamp compares as `<timestamp>`;
//! - `data_param` (a string holding JSON) is parsed;
//! - stored file names (key `file`) lose the random `_XXXXXXX` suffix before the extension;
//! - the keys a "require missing" check lists are compared as a set (the real server takes
//!   them from a Python set, whose order is random per process).

use serde_json::{Map, Value};
use std::collections::HashMap;

/// Keys whose values the server draws from its clock or a random source.
pub const DROPPED_KEYS: &[&str] = &[
    "createtime",
    "updatetime",
    "ticket_createtime",
    "stoptime",
    "last_login",
    "date_joined",
    "user_uuid",
    "password",
];

/// One side's token book: the tokens its logins issued, each with its placeholder.
#[derive(Debug, Default, Clone)]
pub struct TokenBook {
    placeholders: HashMap<String, String>,
    per_user: HashMap<String, usize>,
}

impl TokenBook {
    /// Learns a token a login of `user` answered; a token seen before keeps its placeholder.
    pub fn learn(&mut self, user: &str, token: &str) {
        if token.is_empty() || self.placeholders.contains_key(token) {
            return;
        }
        let n = self.per_user.entry(user.to_string()).or_insert(0);
        *n += 1;
        self.placeholders
            .insert(token.to_string(), format!("<tok:{user}#{n}>"));
    }

    /// Forgets every token (a new episode).
    pub fn clear(&mut self) {
        self.placeholders.clear();
        self.per_user.clear();
    }

    /// The placeholder of `token`, if a login issued it.
    #[must_use]
    pub fn placeholder(&self, token: &str) -> Option<&str> {
        self.placeholders.get(token).map(String::as_str)
    }

    fn replace_in(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (token, placeholder) in &self.placeholders {
            if out.contains(token.as_str()) {
                out = out.replace(token.as_str(), placeholder);
            }
            let upper = token.to_uppercase();
            if out.contains(upper.as_str()) {
                out = out.replace(upper.as_str(), placeholder);
            }
        }
        out
    }

    /// `value` with every rule of this module applied.
    #[must_use]
    pub fn normalize(&self, value: &Value) -> Value {
        match value {
            Value::String(text) => Value::String(self.normalize_text(text)),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.normalize(v)).collect()),
            Value::Object(map) => {
                let mut out = Map::new();
                for (key, item) in map {
                    if DROPPED_KEYS.contains(&key.as_str()) {
                        continue;
                    }
                    let item = match (key.as_str(), item) {
                        ("data_param", Value::String(text)) => {
                            match serde_json::from_str::<Value>(text) {
                                Ok(parsed) => self.normalize(&parsed),
                                Err(_) => Value::String(self.normalize_text(text)),
                            }
                        }
                        ("file", Value::String(name)) => {
                            Value::String(self.normalize_text(&strip_file_suffix(name)))
                        }
                        _ => self.normalize(item),
                    };
                    out.insert(key.clone(), item);
                }
                // `DataChecker` lists missing keys as `set(required) - set(sent)`: their
                // order is Python's string hashing, random per server process.
                if out.get("status").and_then(Value::as_str) == Some("require missing") {
                    if let Some(Value::Array(keys)) = out.get_mut("result") {
                        keys.sort_by_key(|k| k.to_string());
                    }
                }
                Value::Object(out)
            }
            other => other.clone(),
        }
    }

    fn normalize_text(&self, text: &str) -> String {
        if is_timestamp(text) {
            return "<timestamp>".into();
        }
        self.replace_in(text)
    }
}

/// The `collection_uuid`s a body holds (each async stop draws a random one into the ticket's
/// parameters), in the order they appear, `data_param` texts read as JSON: each side learns
/// them as tokens, so the Nth distinct one of either side compares equal.
#[must_use]
pub fn collection_uuids(value: &Value) -> Vec<String> {
    fn walk(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            Value::Object(map) => {
                for (key, item) in map {
                    match (key.as_str(), item) {
                        ("collection_uuid", Value::String(id)) => found.push(id.clone()),
                        ("data_param", Value::String(text)) => {
                            if let Ok(parsed) = serde_json::from_str::<Value>(text) {
                                walk(&parsed, found);
                            }
                        }
                        _ => walk(item, found),
                    }
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(value, &mut found);
    found
}

/// Whether `text` is a server timestamp (`YYYY-MM-DDTHH:MM:SS[.fff]`).
#[must_use]
pub fn is_timestamp(text: &str) -> bool {
    text.len() >= 19
        && text.as_bytes().get(10) == Some(&b'T')
        && text.parse::<omflow_model::Timestamp>().is_ok()
}

/// `name` without the random `_XXXXXXX` (7 alphanumerics) the server adds before the
/// extension of a stored file.
#[must_use]
pub fn strip_file_suffix(name: &str) -> String {
    let (stem, extension) = match name.rfind('.') {
        Some(dot) => (&name[..dot], &name[dot..]),
        None => (name, ""),
    };
    let bytes = stem.as_bytes();
    if bytes.len() >= 8 && bytes[bytes.len() - 8] == b'_' {
        let suffix = &stem[stem.len() - 7..];
        if suffix.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return format!("{}{extension}", &stem[..stem.len() - 8]);
        }
    }
    name.to_string()
}

/// The multiset view of a random-order `result`: each row's text, sorted; with
/// `keys_only`, each row's key list instead (the server also picked a random subset).
#[must_use]
pub fn as_multiset(result: &Value, keys_only: bool) -> Value {
    let Value::Array(rows) = result else {
        return result.clone();
    };
    let mut texts: Vec<String> = rows
        .iter()
        .map(|row| {
            if keys_only {
                match row {
                    Value::Object(map) => {
                        Value::from(map.keys().cloned().collect::<Vec<_>>()).to_string()
                    }
                    other => other.to_string(),
                }
            } else {
                row.to_string()
            }
        })
        .collect();
    texts.sort();
    Value::from(texts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_become_per_user_placeholders_also_upper_cased() {
        let mut book = TokenBook::default();
        book.learn("carol", "abc-def");
        book.learn("carol", "123-456");
        book.learn("carol", "abc-def");
        book.learn("dave", "ffff");
        let value = json!({"a": "abc-def", "b": ["123-456", "ABC-DEF", "x ffff"]});
        assert_eq!(
            book.normalize(&value),
            json!({"a": "<tok:carol#1>", "b": ["<tok:carol#2>", "<tok:carol#1>", "x <tok:dave#1>"]})
        );
    }

    #[test]
    fn collection_uuids_are_found_inside_data_param_in_order() {
        let body = json!({"result": [
            {"data_param": "{\"collection_uuid\": \"aa\", \"content\": {\"collection_uuid\": \"bb\"}}"},
            {"data_param": {"collection_uuid": "aa"}}
        ]});
        assert_eq!(collection_uuids(&body), ["aa", "bb", "aa"]);
    }

    #[test]
    fn missing_keys_compare_as_a_set() {
        let book = TokenBook::default();
        let a = json!({"status": "require missing", "result": ["data_no", "flow_level"]});
        let b = json!({"status": "require missing", "result": ["flow_level", "data_no"]});
        assert_eq!(book.normalize(&a), book.normalize(&b));
        let format_a = json!({"status": "format error", "result": ["a", "b"]});
        let format_b = json!({"status": "format error", "result": ["b", "a"]});
        assert_ne!(
            book.normalize(&format_a),
            book.normalize(&format_b),
            "only that list"
        );
    }

    #[test]
    fn time_keys_are_dropped_at_any_depth_and_data_param_is_parsed() {
        let book = TokenBook::default();
        let value = json!({"createtime": "x", "rows": [{"stoptime": 1, "id": 2,
            "data_param": "{\"b\": 1, \"updatetime\": 2}", "when": "2026-12-01T10:00:00.123"}]});
        assert_eq!(
            book.normalize(&value),
            json!({"rows": [{"id": 2, "data_param": {"b": 1}, "when": "<timestamp>"}]})
        );
        assert_eq!(
            book.normalize(&json!({"data_param": "not json"})),
            json!({"data_param": "not json"})
        );
    }

    #[test]
    fn file_suffixes_are_removed_only_when_they_look_random() {
        assert_eq!(strip_file_suffix("report_aB3dE9x.pdf"), "report.pdf");
        assert_eq!(strip_file_suffix("report_aB3dE9x"), "report");
        assert_eq!(strip_file_suffix("report_ab.pdf"), "report_ab.pdf");
        assert_eq!(
            strip_file_suffix("report_aB3-E9x.pdf"),
            "report_aB3-E9x.pdf"
        );
        assert_eq!(strip_file_suffix("a.b_1234567.tar"), "a.b.tar");
        assert_eq!(strip_file_suffix(""), "");
    }

    #[test]
    fn random_results_compare_as_multisets() {
        let a = json!([{"id": 1}, {"id": 2}]);
        let b = json!([{"id": 2}, {"id": 1}]);
        assert_eq!(as_multiset(&a, false), as_multiset(&b, false));
        assert_ne!(
            as_multiset(&a, false),
            as_multiset(&json!([{"id": 1}]), false)
        );
        assert_eq!(
            as_multiset(&a, true),
            as_multiset(&json!([{"id": 7}, {"id": 9}]), true)
        );
        assert_ne!(
            as_multiset(&a, true),
            as_multiset(&json!([{"no": 7}, {"id": 9}]), true)
        );
    }
}
