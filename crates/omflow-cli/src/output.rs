//! Tables (CJK-aware widths), JSON and NDJSON output.

use serde_json::Value;
use std::io::Write;
use unicode_width::UnicodeWidthStr;

/// How rows are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for people (long cells cut at 40 columns with `…`).
    Table,
    /// Aligned columns, no cell cut (`kubectl -o wide`).
    Wide,
    /// One JSON array of the server's rows.
    Json,
    /// One JSON object per line.
    Ndjson,
}

const MAX_CELL: usize = 40;

/// Text from the server made safe for a terminal: control characters (ANSI escapes
/// included) are shown escaped (`\u{1b}`), so nothing the server sends can move the cursor,
/// recolour or retitle the terminal.
#[must_use]
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_control() {
            out.extend(ch.escape_default());
        } else {
            out.push(ch);
        }
    }
    out
}

impl Format {
    /// Whether people read it: a table (cut or wide).
    #[must_use]
    pub fn is_table(self) -> bool {
        matches!(self, Format::Table | Format::Wide)
    }
}

fn cell(value: &Value, max: usize) -> String {
    let text = match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        // A list of words (what a request offers): as words, not JSON.
        Value::Array(items) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    let text = printable(&text.replace(['\n', '\r', '\t'], " "));
    if text.width() <= max {
        return text;
    }
    let mut out = String::new();
    for ch in text.chars() {
        if out.width() + unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0) > max - 1 {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out
}

fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

/// Prints `rows` (JSON objects) as `format`; `columns` are (header, key) pairs for tables.
///
/// # Errors
/// The writer's I/O error (a closed pipe included; callers treat that as the reader's choice).
pub fn print(
    out: &mut impl Write,
    format: Format,
    rows: &[Value],
    columns: &[(String, String)],
) -> std::io::Result<()> {
    match format {
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(rows).unwrap_or_default()
        ),
        Format::Ndjson => {
            for row in rows {
                writeln!(out, "{}", serde_json::to_string(row).unwrap_or_default())?;
            }
            Ok(())
        }
        Format::Table | Format::Wide => {
            let max = if format == Format::Wide {
                usize::MAX
            } else {
                MAX_CELL
            };
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|row| {
                    columns
                        .iter()
                        .map(|(_, key)| cell(&row[key.as_str()], max))
                        .collect()
                })
                .collect();
            let widths: Vec<usize> = columns
                .iter()
                .enumerate()
                .map(|(i, (header, _))| {
                    cells
                        .iter()
                        .map(|r| r[i].width())
                        .chain(std::iter::once(header.width()))
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            let line = |values: Vec<String>| {
                values
                    .iter()
                    .zip(&widths)
                    .map(|(v, w)| pad(v, *w))
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_string()
            };
            writeln!(
                out,
                "{}",
                line(columns.iter().map(|(h, _)| h.clone()).collect())
            )?;
            writeln!(
                out,
                "{}",
                line(widths.iter().map(|w| "-".repeat(*w)).collect())
            )?;
            for row in cells {
                writeln!(out, "{}", line(row))?;
            }
            writeln!(
                out,
                "({} row{})",
                rows.len(),
                if rows.len() == 1 { "" } else { "s" }
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn control_characters_and_escapes_are_shown_escaped() {
        let rows = vec![json!({"t": "red\u{1b}[31mALERT\u{7}\u{1b}]0;title\u{7}"})];
        let mut out = Vec::new();
        print(&mut out, Format::Table, &rows, &[("T".into(), "t".into())]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(text.contains("red\\u{1b}[31mALERT\\u{7}"), "{text}");
    }

    #[test]
    fn cjk_columns_align_by_display_width() {
        let rows = vec![
            json!({"a": "任務分析", "b": 1}),
            json!({"a": "ab", "b": 22}),
        ];
        let mut out = Vec::new();
        print(
            &mut out,
            Format::Table,
            &rows,
            &[("STOP".into(), "a".into()), ("N".into(), "b".into())],
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "STOP      N");
        assert_eq!(lines[2], "任務分析  1");
        assert_eq!(lines[3], "ab        22");
        assert_eq!(lines[4], "(2 rows)");
    }
}
