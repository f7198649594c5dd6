//! A multipart body's summary: its parts' names, file names and sizes.

use aho_corasick::AhoCorasick;
use serde_json::{json, Value};

/// A multipart body's parts as names, file names and sizes (in bytes, as sent: a part's
/// content is everything between its blank line and the CRLF before the next delimiter).
pub(super) fn multipart_summary(content_type: &str, body: &[u8]) -> Value {
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"'))
        .filter(|b| !b.is_empty());
    let Some(delimiters) =
        boundary.and_then(|b| AhoCorasick::new([format!("--{b}").into_bytes()]).ok())
    else {
        return json!({"parts": [], "size": body.len()});
    };
    let starts: Vec<(usize, usize)> = delimiters
        .find_iter(body)
        .map(|m| (m.start(), m.end()))
        .collect();
    let parts: Vec<Value> = starts
        .windows(2)
        .filter_map(|pair| {
            let part = &body[pair[0].1..pair[1].0];
            let blank = part.windows(4).position(|w| w == b"\r\n\r\n")?;
            let head = String::from_utf8_lossy(&part[..blank]);
            let content = &part[blank + 4..];
            let content = content.strip_suffix(b"\r\n").unwrap_or(content);
            let attribute = |name: &str| {
                head.split(';')
                    .find_map(|p| p.trim().strip_prefix(&format!("{name}=\"")))
                    .and_then(|v| v.split('"').next())
                    .map(str::to_string)
            };
            let name = attribute("name")?;
            Some(json!({"name": name, "filename": attribute("filename"), "size": content.len()}))
        })
        .collect();
    json!({"parts": parts, "size": body.len()})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_part_sizes_are_bytes_as_sent() {
        let file: &[u8] = &[0xff, 0xfe, 0x00, b'\r', b'\n', b'x', b'\r', b'\n'];
        let mut body = b"--XyZ\r\nContent-Disposition: form-data; name=\"security\"\r\n\r\ncode\r\n--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n".to_vec();
        body.extend_from_slice(file);
        body.extend_from_slice(b"\r\n--XyZ--\r\n");
        let summary = multipart_summary("multipart/form-data; boundary=\"XyZ\"", &body);
        assert_eq!(
            summary,
            json!({"parts": [
                {"name": "security", "filename": null, "size": 4},
                {"name": "files", "filename": "a.bin", "size": file.len()},
            ], "size": body.len()})
        );
        // No boundary, or an empty one: the whole size only.
        for content_type in ["multipart/form-data", "multipart/form-data; boundary="] {
            assert_eq!(
                multipart_summary(content_type, &body),
                json!({"parts": [], "size": body.len()})
            );
        }
    }
}
