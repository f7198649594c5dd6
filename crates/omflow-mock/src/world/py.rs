//! Python's behaviour where the fake must match it byte for byte: truthiness, `int()`,
//! type names, `UnicodeDecodeError` texts.

use serde_json::Value;

/// Python's `UnicodeDecodeError` text for bytes that are not UTF-8.
pub(crate) fn python_utf8_error(bytes: &[u8], error: std::str::Utf8Error) -> String {
    let at = error.valid_up_to();
    let first = bytes.get(at).copied().unwrap_or(0);
    match error.error_len() {
        None => format!(
            "'utf-8' codec can't decode byte 0x{first:02x} in position {at}: unexpected end of data"
        ),
        Some(1) => {
            let reason = if matches!(first, 0x80..=0xc1 | 0xf5..=0xff) {
                "invalid start byte"
            } else {
                "invalid continuation byte"
            };
            format!("'utf-8' codec can't decode byte 0x{first:02x} in position {at}: {reason}")
        }
        Some(n) => format!(
            "'utf-8' codec can't decode bytes in position {at}-{}: invalid continuation byte",
            at + n - 1
        ),
    }
}

pub(crate) fn hyphenate(hex: &str) -> String {
    omflow_model::FlowUuid::parse(hex)
        .map(|u| u.hyphenated())
        .unwrap_or_else(|_| hex.to_string())
}

/// Python's `int()` of an id or a ticket number, when it is a non-negative integer.
pub(crate) fn int_like(value: &Value) -> Option<u64> {
    crate::django::value::py_int_wide(value)
        .ok()
        .and_then(|n| u64::try_from(n).ok())
}

/// Python's `text[2:-1]`: the name inside `$(name)` or `#(name)` (empty when shorter than
/// three characters).
pub(crate) fn inner_name(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .get(2..chars.len().saturating_sub(1))
        .map(|inner| inner.iter().collect())
        .unwrap_or_default()
}

/// Python truthiness of a JSON value.
pub(crate) fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Python's type name for a decoded JSON value.
pub(crate) fn py_type(value: &Value) -> &'static str {
    crate::django::value::py_type(value)
}

#[cfg(test)]
mod tests {
    use super::python_utf8_error;

    #[test]
    fn utf8_errors_read_like_python() {
        let text = |bytes: &[u8]| python_utf8_error(bytes, std::str::from_utf8(bytes).unwrap_err());
        assert_eq!(
            text(b"ab:\xff"),
            "'utf-8' codec can't decode byte 0xff in position 3: invalid start byte"
        );
        assert_eq!(
            text(b"\xe4A"),
            "'utf-8' codec can't decode byte 0xe4 in position 0: invalid continuation byte"
        );
        assert_eq!(
            text(b"\xe4\xb8A"),
            "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte"
        );
        assert_eq!(
            text(b"a\xe4"),
            "'utf-8' codec can't decode byte 0xe4 in position 1: unexpected end of data"
        );
    }
}
