//! A stop's `calculate` rows, as the engine runs them on arrival: each row computes
//! `to = kind(from, para1, para2)` into values that last for this stop only (the text and
//! number kinds), or into the ticket's flow values (`write`, and the kinds that read the
//! server's users, groups and parameters, whose results the SDK cannot know).
//!
//! | kind | result |
//! |---|---|
//! | `string` | `str(from)` |
//! | `upper`, `lower`, `strip` | the text upper-cased, lower-cased, trimmed |
//! | `len` | the number of characters, as text |
//! | `replace` | `re.sub(para1, para2, from)` |
//! | `startwith`, `endof` | the first / last `int(para1)` characters (`endof 0`: the whole text) |
//! | `substring` | `int(para2)` characters from the 1-based position `int(para1)` |
//! | `add` | `from + para1` (text) |
//! | `num+`, `num-`, `num*`, `num/`, `num_mod` | `float(from) op float(para1)` as Python writes it, then a text starting with digits and `.0` keeps only those digits (`5.0` → `5`, and `2.05` → `2`, as the engine does) |
//! | `write` | the flow value `to` = `str(from)` |
//! | `form_creater`, `form_creater_group`, `get_user_group`, `get_user_name`, `get_group_name`, `sys_parameter` | a flow value read from the server's data (unknown to the SDK) |
//!
//! A row that fails (a number that does not parse, a division by zero) stores `""`; a kind
//! the engine does not know is skipped. `$(x)` as an operand reads this stop's earlier result
//! when it is not empty, else the flow value.

use super::values::{Operand, Reference, TicketValues};
use crate::chart::Calculation;
use std::collections::BTreeMap;

/// This stop's calculated values: `Some(None)` for a value calculated from something unknown.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Calculated {
    values: BTreeMap<String, Option<Operand>>,
}

impl Calculated {
    /// Whether `name` was calculated here (whatever its value).
    #[must_use]
    pub fn contains(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// The value calculated under `name`: `None` if not calculated here, `Some(None)` if
    /// calculated from something unknown.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<Option<Operand>> {
        self.values.get(name).cloned()
    }
}

/// Runs `rows` in order on `values`; writes the persisting kinds into `values`' flow values.
pub fn calculate(rows: &[Calculation], values: &mut TicketValues) -> Calculated {
    let mut calculated = Calculated::default();
    for row in rows {
        let to = row
            .to
            .as_deref()
            .and_then(|to| match Reference::parse(to) {
                Reference::Flow(name) => Some(name),
                _ => None,
            })
            .unwrap_or_default();
        let read = |text: &Option<String>, calculated: &Calculated| {
            operand(text.as_deref(), values, calculated)
        };
        let from = read(&row.from, &calculated);
        let para1 = read(&row.para1, &calculated);
        let para2 = read(&row.para2, &calculated);
        let result: Option<Option<Operand>> = match row.kind.as_str() {
            "write" => {
                match from {
                    Some(value) => values.set_flow(&to, Operand::Text(value.to_text())),
                    None => values.forget_flow(&to),
                }
                None
            }
            "form_creater" | "form_creater_group" | "get_user_group" | "get_user_name"
            | "get_group_name" | "sys_parameter" => {
                values.forget_flow(&to);
                None
            }
            kind => match (from, para1, para2) {
                (Some(from), Some(para1), Some(para2)) => {
                    apply(kind, &from, &para1, &para2).map(|r| r.map(Operand::Text))
                }
                _ => KNOWN_KINDS.contains(&kind).then_some(None),
            },
        };
        if let Some(result) = result {
            calculated.values.insert(to, result);
        }
    }
    calculated
}

const KNOWN_KINDS: [&str; 15] = [
    "string",
    "upper",
    "lower",
    "strip",
    "len",
    "replace",
    "startwith",
    "endof",
    "substring",
    "add",
    "num+",
    "num-",
    "num*",
    "num/",
    "num_mod",
];

/// An operand of a row: `$(x)` is this stop's non-empty result, else the flow value.
fn operand(text: Option<&str>, values: &TicketValues, calculated: &Calculated) -> Option<Operand> {
    let Some(text) = text else {
        return Some(Operand::Text(String::new()));
    };
    match Reference::parse(text) {
        Reference::Flow(name) => match calculated.get(&name) {
            Some(Some(value)) if value.truthy() => Some(value),
            _ => values.flow(&name),
        },
        Reference::Field(column) => values.field(&column),
        Reference::GroupPart { column, part } => values.group_part(&column, part),
        Reference::Literal(text) => Some(Operand::Text(text)),
    }
}

/// One row on known operands: `None` for a kind the engine skips, `Some(None)` for a result
/// the SDK cannot compute (a pattern Rust's regex cannot read), `Some(Some(text))` otherwise.
fn apply(kind: &str, from: &Operand, para1: &Operand, para2: &Operand) -> Option<Option<String>> {
    let text = from.as_text();
    let failed = || Some(Some(String::new()));
    Some(Some(match kind {
        "string" => match from {
            Operand::Number(n) => python_float(*n),
            other => other.to_text(),
        },
        "upper" => match text {
            Some(t) => t.to_uppercase(),
            None => return failed(),
        },
        "lower" => match text {
            Some(t) => t.to_lowercase(),
            None => return failed(),
        },
        "strip" => match text {
            Some(t) => t.trim().to_string(),
            None => return failed(),
        },
        "len" => match text {
            Some(t) => t.chars().count().to_string(),
            None => return failed(),
        },
        "replace" => {
            let (Some(t), Some(pattern), Some(with)) = (text, para1.as_text(), para2.as_text())
            else {
                return failed();
            };
            return Some(python_sub(pattern, with, t));
        }
        "startwith" | "endof" | "substring" => {
            let Some(t) = text else { return failed() };
            let Some(n) = python_int(para1) else {
                return failed();
            };
            let chars: Vec<char> = t.chars().collect();
            let (start, end) = match kind {
                "startwith" => (None, Some(n)),
                "endof" => (Some(-n), None),
                _ => {
                    let Some(length) = python_int(para2) else {
                        return failed();
                    };
                    (Some(n - 1), Some(n - 1 + length))
                }
            };
            python_slice(&chars, start, end).into_iter().collect()
        }
        "add" => match (text, para1.as_text()) {
            (Some(a), Some(b)) => format!("{a}{b}"),
            _ => return failed(),
        },
        "num+" | "num-" | "num*" | "num/" | "num_mod" => {
            let (Some(a), Some(b)) = (python_float_of(from), python_float_of(para1)) else {
                return failed();
            };
            let result = match kind {
                "num+" => a + b,
                "num-" => a - b,
                "num*" => a * b,
                _ if b == 0.0 => return failed(),
                "num/" => a / b,
                _ => python_mod(a, b),
            };
            trim_point_zero(&python_float(result))
        }
        _ => return None,
    }))
}

/// Python's `int()` of a text operand.
fn python_int(value: &Operand) -> Option<i64> {
    match value {
        Operand::Text(t) => t.trim().replace('_', "").parse().ok(),
        Operand::Number(n) if n.fract() == 0.0 && n.is_finite() => Some(*n as i64),
        _ => None,
    }
}

/// Python's `float()`.
fn python_float_of(value: &Operand) -> Option<f64> {
    match value {
        Operand::Text(t) => t.trim().parse().ok(),
        Operand::Number(n) => Some(*n),
        Operand::Null => None,
    }
}

/// Python's float `%`: the result takes the divisor's sign.
fn python_mod(a: f64, b: f64) -> f64 {
    let r = a % b;
    if r != 0.0 && (r < 0.0) != (b < 0.0) {
        r + b
    } else if r == 0.0 {
        0.0f64.copysign(b)
    } else {
        r
    }
}

/// `s[start:end]` on characters, negative indexes counting from the end.
fn python_slice(chars: &[char], start: Option<i64>, end: Option<i64>) -> Vec<char> {
    let len = chars.len() as i64;
    let clamp = |i: i64| -> usize {
        let i = if i < 0 { (len + i).max(0) } else { i.min(len) };
        i as usize
    };
    let start = start.map_or(0, clamp);
    let end = end.map_or(chars.len(), clamp);
    if start >= end {
        Vec::new()
    } else {
        chars[start..end].to_vec()
    }
}

/// The engine's rounding of a number's text: digits followed by `.0` at the start keep only
/// the digits (also `2.05` → `2`).
fn trim_point_zero(text: &str) -> String {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 && text[digits..].starts_with(".0") {
        text[..digits].to_string()
    } else {
        text.to_string()
    }
}

/// A float as Python's `str()` writes it (`5.0`, `0.30000000000000004`, `1e+16`, `1.5e-05`).
#[must_use]
pub fn python_float(value: f64) -> String {
    if value.is_nan() {
        return "nan".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.into();
    }
    if value == 0.0 {
        return if value.is_sign_negative() {
            "-0.0"
        } else {
            "0.0"
        }
        .into();
    }
    let scientific = format!("{:e}", value.abs());
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if value < 0.0 { "-" } else { "" };
    if (-4..16).contains(&exponent) {
        let point = exponent + 1;
        let body = if point <= 0 {
            format!("0.{}{digits}", "0".repeat((-point) as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            format!(
                "{}.{}",
                &digits[..point as usize],
                &digits[point as usize..]
            )
        };
        format!("{sign}{body}")
    } else {
        let mantissa = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits
        };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{exp_sign}{:02}", exponent.abs())
    }
}

/// `re.sub(pattern, replacement, text)`; `None` when Rust's regex cannot read the pattern or
/// the replacement uses an escape this translation does not know.
fn python_sub(pattern: &str, replacement: &str, text: &str) -> Option<String> {
    let regex = regex::Regex::new(pattern).ok()?;
    let mut rust = String::new();
    let mut chars = replacement.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' => rust.push_str("$$"),
            '\\' => match chars.next()? {
                d if d.is_ascii_digit() => {
                    let mut group = d.to_string();
                    if let Some(&next) = chars.peek() {
                        if next.is_ascii_digit() {
                            group.push(next);
                            chars.next();
                        }
                    }
                    rust.push_str(&format!("${{{group}}}"));
                }
                'g' => {
                    if chars.next()? != '<' {
                        return None;
                    }
                    let name: String = chars.by_ref().take_while(|&c| c != '>').collect();
                    rust.push_str(&format!("${{{name}}}"));
                }
                'n' => rust.push('\n'),
                't' => rust.push('\t'),
                '\\' => rust.push('\\'),
                other if other.is_ascii_alphabetic() => return None,
                other => {
                    rust.push('\\');
                    rust.push(other);
                }
            },
            c => rust.push(c),
        }
    }
    Some(regex.replace_all(text, rust.as_str()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(kind: &str, from: &str, para1: &str, para2: &str) -> Option<Operand> {
        let mut values = TicketValues::complete();
        let calculated = calculate(
            &[Calculation::new(kind, from, para1, para2, "$(out)")],
            &mut values,
        );
        calculated.get("out").flatten()
    }

    fn text(kind: &str, from: &str, para1: &str, para2: &str) -> String {
        run(kind, from, para1, para2)
            .and_then(|v| v.as_text().map(str::to_string))
            .unwrap_or_else(|| panic!("{kind} gave no text"))
    }

    #[test]
    fn every_text_kind() {
        assert_eq!(text("string", "abc", "", ""), "abc");
        assert_eq!(text("upper", "svc-ä", "", ""), "SVC-Ä");
        assert_eq!(text("lower", "SVC", "", ""), "svc");
        assert_eq!(text("strip", "  x \t", "", ""), "x");
        assert_eq!(text("len", "任務單x", "", ""), "4");
        assert_eq!(text("replace", "a1b22", "[0-9]+", "#",), "a#b#");
        assert_eq!(text("replace", "ab", "(a)(b)", r"\2\1$"), "ba$");
        assert_eq!(text("replace", "ab", "(?P<x>a)", r"\g<x>\g<x>"), "aab");
        assert_eq!(
            run("replace", "ab", "(?<=a)b", ""),
            None,
            "look-behind: unknown"
        );
        assert_eq!(text("startwith", "abcdef", "2", ""), "ab");
        assert_eq!(text("startwith", "abcdef", "-2", ""), "abcd");
        assert_eq!(text("endof", "abcdef", "2", ""), "ef");
        assert_eq!(
            text("endof", "abcdef", "0", ""),
            "abcdef",
            "as the engine does"
        );
        assert_eq!(text("substring", "abcdef", "2", "3"), "bcd");
        assert_eq!(
            text("substring", "abcdef", "0", "2"),
            "",
            "s[-1:1]: start -1 counts from the end"
        );
        assert_eq!(
            text("startwith", "abc", "x", ""),
            "",
            "int('x') fails: empty"
        );
        assert_eq!(text("add", "auto:", "note", ""), "auto:note");
    }

    #[test]
    fn every_number_kind_as_python_writes_it() {
        assert_eq!(text("num+", "2", "3", ""), "5");
        assert_eq!(text("num+", "0.1", "0.2", ""), "0.30000000000000004");
        assert_eq!(
            text("num-", "1", "3", ""),
            "-2.0",
            "a leading minus is not trimmed"
        );
        assert_eq!(
            text("num*", "1.025", "2", ""),
            "2",
            "2.05 → 2, as the engine does"
        );
        assert_eq!(text("num/", "7", "2", ""), "3.5");
        assert_eq!(text("num/", "7", "0", ""), "", "division by zero fails");
        assert_eq!(text("num_mod", "-7", "3", ""), "2", "the divisor's sign");
        assert_eq!(text("num_mod", "7", "-3", ""), "-2.0");
        assert_eq!(text("num+", "1e16", "0", ""), "1e+16");
        assert_eq!(text("num+", " 4 ", "x", ""), "");
        assert_eq!(python_float(1.5e-5), "1.5e-05");
        assert_eq!(python_float(123.456), "123.456");
        assert_eq!(python_float(0.0001), "0.0001");
        assert_eq!(python_float(-0.0), "-0.0");
    }

    #[test]
    fn operands_persisting_kinds_and_unknowns() {
        let mut values = TicketValues::complete();
        values.set_field("FORMITM_1", Operand::Text("Printer".into()));
        values.set_flow("category", Operand::Text("svc".into()));
        let rows = [
            Calculation::new("upper", "$(category)", "", "", "$(CAT)"),
            Calculation::new("len", "#(FORMITM_1)", "", "", "$(tlen)"),
            Calculation::new("add", "$(CAT)", "-", "", "$(tag)"),
            Calculation::new("write", "$(tag)", "", "", "$(saved)"),
            Calculation::new("form_creater", "", "", "", "$(me)"),
            Calculation::new("number", "1", "", "", "$(skipped)"),
        ];
        let calculated = calculate(&rows, &mut values);
        assert_eq!(
            calculated.get("CAT"),
            Some(Some(Operand::Text("SVC".into())))
        );
        assert_eq!(
            calculated.get("tlen"),
            Some(Some(Operand::Text("7".into())))
        );
        assert_eq!(
            calculated.get("tag"),
            Some(Some(Operand::Text("SVC-".into())))
        );
        assert!(
            !calculated.contains("saved"),
            "write goes to the flow values"
        );
        assert_eq!(values.flow("saved"), Some(Operand::Text("SVC-".into())));
        assert_eq!(values.flow("me"), None, "read from the server: unknown");
        assert!(!calculated.contains("skipped"));
        let mut partial = TicketValues::partial();
        let calculated = calculate(&rows[..1], &mut partial);
        assert_eq!(
            calculated.get("CAT"),
            Some(None),
            "a flow value the SDK cannot see"
        );
    }
}
