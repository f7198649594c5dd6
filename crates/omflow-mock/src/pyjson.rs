//! JSON written the way Python's `json.dumps` writes it (`", "` and `": "` separators,
//! non-ASCII escaped): the bytes of the real server's answers and stored JSON texts.

use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};
use std::io::{self, Write};

struct PythonFormatter;

impl Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let bytes = fragment.as_bytes();
        // Most fragments are ASCII: find the first other byte without decoding characters.
        let Some(first) = bytes.iter().position(|b| !b.is_ascii()) else {
            return writer.write_all(bytes);
        };
        writer.write_all(&bytes[..first])?;
        let mut escaped = Vec::with_capacity((bytes.len() - first) * 2);
        for ch in fragment[first..].chars() {
            if ch.is_ascii() {
                escaped.push(ch as u8);
                continue;
            }
            let mut units = [0u16; 2];
            for &mut unit in ch.encode_utf16(&mut units) {
                escaped.extend_from_slice(&[
                    b'\\',
                    b'u',
                    HEX[usize::from(unit >> 12)],
                    HEX[usize::from((unit >> 8) & 0xf)],
                    HEX[usize::from((unit >> 4) & 0xf)],
                    HEX[usize::from(unit & 0xf)],
                ]);
            }
        }
        writer.write_all(&escaped)
    }
}

/// Serializes like `json.dumps(value)` (ensure_ascii, default separators).
pub fn dumps<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::with_capacity(128);
    let mut serializer = Serializer::with_formatter(&mut out, PythonFormatter);
    // Serializing a JSON value or a plain struct into memory cannot fail.
    if value.serialize(&mut serializer).is_err() {
        return "null".to_string();
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_python_output() {
        assert_eq!(
            dumps(&json!({"group": "資訊服務組", "user": ""})),
            r#"{"group": "\u8cc7\u8a0a\u670d\u52d9\u7d44", "user": ""}"#
        );
        assert_eq!(
            dumps(&json!([1, "a\n", null, true])),
            r#"[1, "a\n", null, true]"#
        );
        assert_eq!(dumps(&json!("😀")), r#""\ud83d\ude00""#);
        assert_eq!(dumps(&json!("a任b\u{7f}é")), "\"a\\u4efbb\u{7f}\\u00e9\"");
    }
}

/// The marker a decoded body holds for a float JSON cannot represent (`NaN`, `Infinity`,
/// `-Infinity`, or a literal too large for a double), which Python's `json.loads` accepts.
const SPECIAL_FLOAT: char = '\u{1}';

/// Python's `json.loads`: JSON plus `NaN`, `Infinity`, `-Infinity` and numbers beyond a
/// double (infinity). Those come back as marker strings that [`special_float`] reads.
///
/// # Errors
/// When the text is not JSON even by Python's rules (serde's message).
pub fn loads(text: &str) -> Result<serde_json::Value, serde_json::Error> {
    match serde_json::from_str(text) {
        Ok(value) => Ok(value),
        Err(first) => match python_literals(text) {
            Some(rewritten) => serde_json::from_str(&rewritten),
            None => Err(first),
        },
    }
}

/// The float a marker stands for, if `value` is one.
#[must_use]
pub fn special_float(value: &serde_json::Value) -> Option<f64> {
    match value.as_str()?.strip_prefix(SPECIAL_FLOAT)? {
        "nan" => Some(f64::NAN),
        "inf" => Some(f64::INFINITY),
        "-inf" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

/// The text with Python's extra literals (outside strings) replaced by marker strings, or
/// `None` when it has none.
fn python_literals(text: &str) -> Option<String> {
    let marker = |name: &str| format!("\"\\u0001{name}\"");
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut changed, mut in_string) = (0, false, false);
    while i < bytes.len() {
        let c = bytes[i];
        let Some(ch) = text[i..].chars().next() else {
            break;
        };
        if in_string {
            // Whole characters only: an escaped character may be any character, and `i`
            // must stay on a character boundary.
            out.push(ch);
            i += ch.len_utf8();
            if ch == '\\' {
                if let Some(escaped) = text[i..].chars().next() {
                    out.push(escaped);
                    i += escaped.len_utf8();
                }
                continue;
            }
            in_string = ch != '"';
            continue;
        }
        let rest = &text[i..];
        if c == b'"' {
            in_string = true;
            out.push('"');
            i += 1;
        } else if let Some((word, name)) =
            [("-Infinity", "-inf"), ("Infinity", "inf"), ("NaN", "nan")]
                .into_iter()
                .find(|(word, _)| rest.starts_with(word))
        {
            out.push_str(&marker(name));
            i += word.len();
            changed = true;
        } else if c == b'-' || c.is_ascii_digit() {
            let end = rest
                .find(|ch: char| {
                    !(ch.is_ascii_digit() || matches!(ch, '-' | '+' | '.' | 'e' | 'E'))
                })
                .unwrap_or(rest.len());
            let number = &rest[..end];
            match number.parse::<f64>() {
                Ok(f) if f.is_infinite() => {
                    out.push_str(&marker(if f > 0.0 { "inf" } else { "-inf" }));
                    changed = true;
                }
                _ => out.push_str(number),
            }
            i += end.max(1);
        } else {
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod loads_tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn an_escaped_multibyte_character_is_copied_whole() {
        // Found by schemathesis: a backslash before a 2-byte character made the scan land
        // inside the next character and panic.
        let text = "--b\r\nname=\"\\\u{80}\"\r\n\r\nnull NaN";
        assert_eq!(
            loads(text).is_err(),
            serde_json::from_str::<serde_json::Value>(text).is_err()
        );
        let value = loads("{\"k\\\u{e506b}\": NaN}");
        assert!(value.is_err(), "{value:?}");
        let value = loads("{\"k\\\"\u{e506b}\": NaN}").unwrap();
        assert!(special_float(&value["k\"\u{e506b}"]).unwrap().is_nan());
    }

    proptest! {
        #[test]
        fn any_text_is_answered_without_panic(text in "\\PC*", tail in "[\\\\\"NaInfty0-9.e-]{0,12}") {
            let _ = loads(&format!("{text}{tail}"));
            let _ = loads(&format!("{tail}{text}"));
        }
    }

    #[test]
    fn python_literals_become_markers_outside_strings_only() {
        let value =
            loads(r#"{"a": NaN, "b": [Infinity, -Infinity, 1e400], "c": "NaN 1e400", "d": 2}"#)
                .unwrap();
        assert!(special_float(&value["a"]).unwrap().is_nan());
        assert_eq!(special_float(&value["b"][0]), Some(f64::INFINITY));
        assert_eq!(special_float(&value["b"][1]), Some(f64::NEG_INFINITY));
        assert_eq!(special_float(&value["b"][2]), Some(f64::INFINITY));
        assert_eq!(value["c"], json!("NaN 1e400"));
        assert_eq!(value["d"], json!(2));
        assert!(loads("{\"a\": nan}").is_err(), "Python spells it NaN");
        assert!(loads("{\"é\": \"x\\\"y\", \"n\": NaN}").is_ok());
    }
}
