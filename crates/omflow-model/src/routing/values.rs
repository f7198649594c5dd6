//! What the engine reads while it routes a ticket: references (`#(FORMITM_4)`, `#G1(FORMITM_5)`,
//! `$(route)`, literals), the ticket's field columns and flow values, and how two values compare.

use serde_json::Value;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

/// A reference as stop configurations write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// `$(name)`: a flow value of the ticket.
    Flow(String),
    /// `#(FORMITM_n)`: a field's column (lower case, as the row stores it).
    Field(String),
    /// `#G1(FORMITM_n)` (part 1, the group id) or `#G2(FORMITM_n)` (part 2, the user id) of an
    /// `h_group` field; other letters and digits read as empty (part 0).
    GroupPart {
        /// The field's column.
        column: String,
        /// 1 group, 2 user, 0 anything else.
        part: u8,
    },
    /// Any other text, meant as itself.
    Literal(String),
}

impl Reference {
    /// Reads a reference the way the engine's patterns do (`$(...)`, `#` + capitals + digits +
    /// `(...)`); anything else is a literal.
    #[must_use]
    pub fn parse(text: &str) -> Reference {
        if let Some(inner) = text.strip_prefix("$(").and_then(|t| t.strip_suffix(')')) {
            if !inner.is_empty() {
                return Reference::Flow(inner.to_string());
            }
        }
        if let Some(rest) = text.strip_prefix('#') {
            let letters = rest.len()
                - rest
                    .trim_start_matches(|c: char| c.is_ascii_uppercase())
                    .len();
            let after_letters = &rest[letters..];
            let digits = after_letters.len()
                - after_letters
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .len();
            let tag = &rest[..letters + digits];
            if let Some(inner) = rest[letters + digits..]
                .strip_prefix('(')
                .and_then(|t| t.strip_suffix(')'))
                .filter(|inner| !inner.is_empty())
            {
                let column = inner.to_lowercase();
                return match tag {
                    "" => Reference::Field(column),
                    "G1" => Reference::GroupPart { column, part: 1 },
                    "G2" => Reference::GroupPart { column, part: 2 },
                    _ => Reference::GroupPart { column, part: 0 },
                };
            }
        }
        Reference::Literal(text.to_string())
    }

    /// The name the engine logs an input under: the inner name of a reference, the text of a
    /// literal.
    #[must_use]
    pub fn key(text: &str) -> &str {
        if let Some(inner) = text.strip_prefix("$(").and_then(|t| t.strip_suffix(')')) {
            return inner;
        }
        if text.starts_with('#') {
            if let (Some(open), true) = (text.find('('), text.ends_with(')')) {
                return &text[open + 1..text.len() - 1];
            }
        }
        text
    }
}

/// A value as the engine holds it: almost always text; a NULL column or a number a flow value
/// was given through the API are not, and compare as Python compares them.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// Text.
    Text(String),
    /// Python's `None` (a NULL column).
    Null,
    /// A number (a flow value set through the API).
    Number(f64),
}

impl Operand {
    /// A JSON value as the engine would hold it.
    #[must_use]
    pub fn from_json(value: &Value) -> Operand {
        match value {
            Value::Null => Operand::Null,
            Value::String(s) => Operand::Text(s.clone()),
            Value::Number(n) => n.as_f64().map_or(Operand::Null, Operand::Number),
            Value::Bool(b) => Operand::Text(if *b { "True" } else { "False" }.into()),
            other => Operand::Text(other.to_string()),
        }
    }

    /// The text, when it is text.
    #[must_use]
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Operand::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The value as `str()` writes it (`None` for NULL).
    #[must_use]
    pub fn to_text(&self) -> String {
        match self {
            Operand::Text(s) => s.clone(),
            Operand::Null => "None".into(),
            Operand::Number(n) => super::calculate::python_float(*n),
        }
    }

    /// Whether Python counts it as true (non-empty text, non-zero number).
    #[must_use]
    pub fn truthy(&self) -> bool {
        match self {
            Operand::Text(s) => !s.is_empty(),
            Operand::Null => false,
            Operand::Number(n) => *n != 0.0,
        }
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Text(s) => write!(f, "{s:?}"),
            Operand::Null => f.write_str("None"),
            Operand::Number(n) => f.write_str(&super::calculate::python_float(*n)),
        }
    }
}

/// A switch rule's operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operator {
    /// `=` (the designer's 相等; `==` works too).
    Eq,
    /// `!=` (不相等).
    Ne,
    /// `>` (大於): text order, so `'2' > '12'`.
    Gt,
    /// `<` (小於).
    Lt,
    /// `>=` (not offered by the designer; works as Python's).
    Ge,
    /// `<=` (likewise).
    Le,
    /// Anything else; the deploy pastes it into Python unchanged, so what it does is unknown.
    Unsupported(String),
}

impl Operator {
    /// Reads a saved operator.
    #[must_use]
    pub fn parse(text: &str) -> Operator {
        match text.trim() {
            "=" | "==" => Operator::Eq,
            "!=" => Operator::Ne,
            ">" => Operator::Gt,
            "<" => Operator::Lt,
            ">=" => Operator::Ge,
            "<=" => Operator::Le,
            other => Operator::Unsupported(other.to_string()),
        }
    }

    /// How the designer writes it.
    #[must_use]
    pub fn symbol(&self) -> &str {
        match self {
            Operator::Eq => "=",
            Operator::Ne => "!=",
            Operator::Gt => ">",
            Operator::Lt => "<",
            Operator::Ge => ">=",
            Operator::Le => "<=",
            Operator::Unsupported(text) => text,
        }
    }

    /// `left op right` as Python evaluates it on the engine's values: text compares by code
    /// point (`'12' < '2'`), numbers by value; equality between different kinds is false,
    /// order between them raises (`Err` with Python's message). `None` for an unsupported
    /// operator.
    #[must_use]
    pub fn holds(&self, left: &Operand, right: &Operand) -> Option<Result<bool, String>> {
        let order = match (left, right) {
            (Operand::Text(a), Operand::Text(b)) => Some(a.as_str().cmp(b.as_str())),
            (Operand::Number(a), Operand::Number(b)) => a.partial_cmp(b),
            _ => None,
        };
        let equal = match (left, right) {
            (Operand::Null, Operand::Null) => true,
            _ => order == Some(Ordering::Equal),
        };
        let ordered = |test: fn(Ordering) -> bool| match (left, right) {
            (Operand::Number(a), Operand::Number(b)) if a.is_nan() || b.is_nan() => Ok(false),
            _ => order.map(test).ok_or_else(|| {
                format!(
                    "'{}' not supported between instances of '{}' and '{}'",
                    self.symbol(),
                    python_type(left),
                    python_type(right)
                )
            }),
        };
        Some(match self {
            Operator::Eq => Ok(equal),
            Operator::Ne => Ok(!equal),
            Operator::Gt => ordered(Ordering::is_gt),
            Operator::Lt => ordered(Ordering::is_lt),
            Operator::Ge => ordered(Ordering::is_ge),
            Operator::Le => ordered(Ordering::is_le),
            Operator::Unsupported(_) => return None,
        })
    }
}

fn python_type(value: &Operand) -> &'static str {
    match value {
        Operand::Text(_) => "str",
        Operand::Null => "NoneType",
        Operand::Number(_) => "float",
    }
}

/// A ticket's values as far as they are known: field columns (lower case, `formitm_4`) and
/// flow values. The engine sees the whole row; a client sees the fields of the stop's form
/// and no flow values, so a value it does not have reads as unknown (`None`) there.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TicketValues {
    fields: BTreeMap<String, Operand>,
    flow: BTreeMap<String, Option<Operand>>,
    complete: bool,
}

impl TicketValues {
    /// Values the engine holds whole: an absent field is NULL, an absent flow value empty.
    #[must_use]
    pub fn complete() -> Self {
        TicketValues {
            complete: true,
            ..TicketValues::default()
        }
    }

    /// Values as a client sees them: what is not given is unknown.
    #[must_use]
    pub fn partial() -> Self {
        TicketValues::default()
    }

    /// Sets a field's column (`FORMITM_4` or `formitm_4`).
    pub fn set_field(&mut self, field: &str, value: Operand) {
        self.fields.insert(field.to_lowercase(), value);
    }

    /// Sets a field from its JSON value as `omdata/load` or a push carries it (an `h_group`
    /// object or a checkbox list become the JSON text the column holds).
    pub fn set_field_json(&mut self, field: &str, value: &Value) {
        let operand = match value {
            Value::Object(_) | Value::Array(_) => Operand::Text(python_dumps(value)),
            other => Operand::from_json(other),
        };
        self.set_field(field, operand);
    }

    /// Marks a field as set to something the SDK cannot know.
    pub fn forget_field(&mut self, field: &str) {
        self.fields.remove(&field.to_lowercase());
    }

    /// Sets a flow value.
    pub fn set_flow(&mut self, name: &str, value: Operand) {
        self.flow.insert(name.to_string(), Some(value));
    }

    /// Marks a flow value as set to something the SDK cannot know.
    pub fn forget_flow(&mut self, name: &str) {
        self.flow.insert(name.to_string(), None);
    }

    /// A field's column (`None`: unknown).
    #[must_use]
    pub fn field(&self, column: &str) -> Option<Operand> {
        match self.fields.get(&column.to_lowercase()) {
            Some(value) => Some(value.clone()),
            None if self.complete => Some(Operand::Null),
            None => None,
        }
    }

    /// A flow value (`None`: unknown; an unset value is empty to the engine).
    #[must_use]
    pub fn flow(&self, name: &str) -> Option<Operand> {
        match self.flow.get(name) {
            Some(value) => value.clone(),
            None if self.complete => Some(Operand::Text(String::new())),
            None => None,
        }
    }

    /// Whether an absent value is known to be empty (the engine's view).
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// One part of an `h_group` column: 1 the group id, 2 the user id (empty when absent).
    #[must_use]
    pub fn group_part(&self, column: &str, part: u8) -> Option<Operand> {
        let key = match part {
            1 => "group",
            2 => "user",
            _ => return Some(Operand::Text(String::new())),
        };
        let text = match self.field(column)? {
            Operand::Text(text) => text,
            _ => return Some(Operand::Text(String::new())),
        };
        let parsed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        Some(Operand::Text(match &parsed[key] {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        }))
    }
}

/// JSON as Python's `json.dumps` writes it (`", "` and `": "`, non-ASCII escaped): how the
/// server stores an `h_group` object or a checkbox list in its column.
#[must_use]
pub fn python_dumps(value: &Value) -> String {
    let mut out = String::new();
    write_python(value, &mut out);
    out
}

fn write_python(value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_python(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_python(&Value::String(key.clone()), out);
                out.push_str(": ");
                write_python(item, out);
            }
            out.push('}');
        }
        Value::String(text) => {
            out.push('"');
            for c in text.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                        let mut units = [0u16; 2];
                        for unit in c.encode_utf16(&mut units) {
                            out.push_str(&format!("\\u{unit:04x}"));
                        }
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_as_the_engine_reads_them() {
        assert_eq!(
            Reference::parse("$(route)"),
            Reference::Flow("route".into())
        );
        assert_eq!(
            Reference::parse("#(FORMITM_4)"),
            Reference::Field("formitm_4".into())
        );
        assert_eq!(
            Reference::parse("#G2(FORMITM_5)"),
            Reference::GroupPart {
                column: "formitm_5".into(),
                part: 2
            }
        );
        assert_eq!(
            Reference::parse("#X9(FORMITM_5)"),
            Reference::GroupPart {
                column: "formitm_5".into(),
                part: 0
            }
        );
        for literal in ["dispatch", "#()", "$()", "#g1(F)", "(x)", "", "#(F"] {
            assert_eq!(
                Reference::parse(literal),
                Reference::Literal(literal.into()),
                "{literal}"
            );
        }
        assert_eq!(Reference::key("#G1(FORMITM_5)"), "FORMITM_5");
        assert_eq!(Reference::key("$(CAT)"), "CAT");
        assert_eq!(Reference::key("work"), "work");
    }

    #[test]
    fn every_operator_compares_as_python() {
        let t = |s: &str| Operand::Text(s.into());
        let holds = |op: &str, a: &Operand, b: &Operand| Operator::parse(op).holds(a, b).unwrap();
        assert_eq!(holds("=", &t("a"), &t("a")), Ok(true));
        assert_eq!(holds("==", &t("a"), &t("A")), Ok(false));
        assert_eq!(holds("!=", &t("a"), &t("A")), Ok(true));
        assert_eq!(holds("<", &t("12"), &t("2")), Ok(true), "text order");
        assert_eq!(holds(">", &t("12"), &t("2")), Ok(false));
        assert_eq!(holds(">", &t("b"), &t("a")), Ok(true));
        assert_eq!(holds("<", &t(""), &t("x")), Ok(true));
        assert_eq!(holds(">=", &t("a"), &t("a")), Ok(true));
        assert_eq!(holds("<=", &t("b"), &t("a")), Ok(false));
        assert_eq!(holds("<", &t("任務"), &t("任務單")), Ok(true));
        assert_eq!(holds("=", &Operand::Null, &t("")), Ok(false));
        assert_eq!(holds("!=", &Operand::Null, &t("")), Ok(true));
        assert_eq!(holds("=", &Operand::Null, &Operand::Null), Ok(true));
        assert_eq!(holds("=", &Operand::Number(2.0), &t("2")), Ok(false));
        assert_eq!(
            holds("<", &Operand::Number(2.0), &Operand::Number(10.0)),
            Ok(true)
        );
        let raised = holds("<", &Operand::Null, &t("x")).unwrap_err();
        assert!(raised.contains("'<' not supported"), "{raised}");
        assert!(holds(">", &Operand::Number(1.0), &t("x")).is_err());
        assert_eq!(Operator::parse("~").holds(&t("a"), &t("a")), None);
        assert_eq!(Operator::parse(" = ").symbol(), "=");
    }

    #[test]
    fn values_known_and_unknown() {
        let mut partial = TicketValues::partial();
        partial.set_field_json("FORMITM_5", &serde_json::json!({"group": "2", "user": ""}));
        assert_eq!(
            partial.field("formitm_5"),
            Some(Operand::Text(r#"{"group": "2", "user": ""}"#.into()))
        );
        assert_eq!(
            partial.group_part("FORMITM_5", 1),
            Some(Operand::Text("2".into()))
        );
        assert_eq!(
            partial.group_part("FORMITM_5", 2),
            Some(Operand::Text(String::new()))
        );
        assert_eq!(partial.field("formitm_9"), None);
        assert_eq!(partial.flow("route"), None);
        let complete = TicketValues::complete();
        assert_eq!(complete.field("formitm_9"), Some(Operand::Null));
        assert_eq!(complete.flow("route"), Some(Operand::Text(String::new())));
        assert_eq!(
            python_dumps(&serde_json::json!({"group": "資訊", "n": [1, "a\"b"]})),
            r#"{"group": "\u8cc7\u8a0a", "n": [1, "a\"b"]}"#
        );
    }
}
