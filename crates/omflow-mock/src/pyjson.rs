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
