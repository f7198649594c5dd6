//! Secrets redaction: security codes become `<security:N>`, passwords `<password>`.

use aho_corasick::{AhoCorasick, MatchKind};
use serde_json::Value;
use std::collections::HashMap;

/// The placeholders of the security codes seen so far, and the passwords to hide.
#[derive(Default)]
pub(super) struct Secrets {
    codes: HashMap<String, String>,
    /// Finds every known code (any case) in one pass; rebuilt when a code is added.
    matcher: Option<(AhoCorasick, Vec<String>)>,
    pub(super) passwords: Vec<String>,
}

impl Secrets {
    pub(super) fn placeholder(&mut self, code: &str) -> String {
        if code.is_empty() {
            // Nothing to hide, and an empty pattern would match everywhere.
            return String::new();
        }
        let next = self.codes.len() + 1;
        let placeholder = self
            .codes
            .entry(code.to_string())
            .or_insert_with(|| format!("<security:{next}>"))
            .clone();
        if self.codes.len() == next {
            let (codes, placeholders): (Vec<&String>, Vec<String>) =
                self.codes.iter().map(|(c, p)| (c, p.clone())).unzip();
            // Codes are hex and hyphens: ASCII case-insensitivity is "any case".
            self.matcher = AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(codes)
                .ok()
                .map(|matcher| (matcher, placeholders));
        }
        placeholder
    }

    /// `text` with every known code (any case) replaced.
    pub(super) fn scrub_codes(&self, text: &str) -> String {
        if let Some((matcher, placeholders)) = &self.matcher {
            return matcher.replace_all(text, placeholders);
        }
        // No matcher (no code yet, or one could not be built): code by code.
        let mut out = text.to_string();
        for (code, placeholder) in &self.codes {
            for form in [
                code.to_ascii_lowercase(),
                code.to_ascii_uppercase(),
                code.clone(),
            ] {
                if out.contains(form.as_str()) {
                    out = out.replace(form.as_str(), placeholder);
                }
            }
        }
        out
    }

    /// A string value with every password in it replaced.
    pub(super) fn scrub_passwords(&self, text: &str) -> String {
        let mut out = text.to_string();
        for password in &self.passwords {
            if !password.is_empty() {
                out = out.replace(password.as_str(), "<password>");
            }
        }
        out
    }
}

/// The request body fields that carry a password in clear (`user/add` sends the new
/// user's password as `token`).
const PASSWORD_FIELDS: [&str; 2] = ["token", "password"];

/// Replaces every string that holds a password, at any depth of a request body.
fn scrub_passwords(value: &mut Value, secrets: &Secrets) {
    match value {
        Value::String(text)
            if secrets
                .passwords
                .iter()
                .any(|p| !p.is_empty() && text.contains(p.as_str())) =>
        {
            *text = secrets.scrub_passwords(text);
        }
        Value::Array(items) => items.iter_mut().for_each(|v| scrub_passwords(v, secrets)),
        Value::Object(map) => map.values_mut().for_each(|v| scrub_passwords(v, secrets)),
        _ => {}
    }
}

/// Hides the passwords in a recorded request body.
pub(super) fn hide_body_passwords(recorded_body: &mut Value, secrets: &mut Secrets) {
    // A password a body sets (user/add's `token`) is hidden as a Basic one is: the field
    // itself, and the text wherever it appears in this and every later exchange.
    if let Value::Object(fields) = recorded_body {
        for key in PASSWORD_FIELDS {
            if let Some(Value::String(password)) = fields.get_mut(key) {
                let password = std::mem::replace(password, crate::replay::THE_PASSWORD.into());
                if !password.is_empty() && !secrets.passwords.contains(&password) {
                    secrets.passwords.push(password);
                }
            }
        }
    }
    scrub_passwords(recorded_body, secrets);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_become_placeholders() {
        let mut secrets = Secrets::default();
        let first = secrets.placeholder("9f1c-aa");
        let again = secrets.placeholder("9f1c-aa");
        let second = secrets.placeholder("77-bb");
        assert_eq!(
            (first.as_str(), again.as_str(), second.as_str()),
            ("<security:1>", "<security:1>", "<security:2>")
        );
        assert_eq!(
            secrets.scrub_codes(r#"{"security": "9F1C-AA", "q": "77-bb"}"#),
            r#"{"security": "<security:1>", "q": "<security:2>"}"#
        );
        // Passwords are replaced in string values only, so a short one cannot break JSON.
        secrets.passwords.push("true".into());
        let mut body = json!({"history": true, "note": "true story", "n": ["is true"]});
        scrub_passwords(&mut body, &secrets);
        assert_eq!(
            body,
            json!({"history": true, "note": "<password> story", "n": ["is <password>"]})
        );
    }
}
