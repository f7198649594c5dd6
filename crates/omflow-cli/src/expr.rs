//! `--where` / `--exclude` expressions and `--set` values.

use omflow_model::query::{col, ConditionSpec, Scalar};
use serde_json::Value;

/// The grammar as a literal (for `concat!` in help texts).
#[macro_export]
macro_rules! grammar {
    () => {
        "EXPR is COL=VALUE, COL>VALUE, COL<VALUE, COL>=VALUE, COL<=VALUE, 'COL contains VALUE', \
'COL startswith VALUE', 'COL in V1,V2,...', 'COL is null' or 'COL is not null'; COL may be a relation path \
such as create_user__nick_name; integers, true, false and null become JSON values, anything else a string, \
and a double-quoted value is always a string; for 'not equal' use --exclude COL=VALUE"
    };
}

/// The grammar, shown with every malformed expression.
pub const GRAMMAR: &str = grammar!();

/// A malformed expression: what is wrong with it, and where the grammar is (`--help`
/// shows it whole; repeating it with every error buries the reason).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid expression {expr:?}: {reason} (EXPR is COL=VALUE, 'COL contains VALUE', 'COL in V1,V2', 'COL is null' and the like: --help lists them all)")]
pub struct ExprError {
    /// The expression.
    pub expr: String,
    /// Why.
    pub reason: String,
}

fn scalar(text: &str) -> Scalar {
    let text = text.trim();
    if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') {
        return Scalar::from(&text[1..text.len() - 1]);
    }
    match text {
        "true" => Scalar::from(true),
        "false" => Scalar::from(false),
        "null" => Scalar::NULL,
        _ => match text.parse::<i64>() {
            Ok(n) => Scalar::from(n),
            Err(_) => Scalar::from(text),
        },
    }
}

fn column(expr: &str, name: &str) -> Result<String, ExprError> {
    let name = name.trim();
    omflow_model::query::Column::new(name)
        .map(|c| c.as_str().to_string())
        .map_err(|e| ExprError {
            expr: expr.to_string(),
            reason: e.to_string(),
        })
}

/// Parses one expression into a condition.
///
/// # Errors
/// [`ExprError`] naming the expression and what is wrong, with the grammar.
pub fn parse(expr: &str) -> Result<ConditionSpec, ExprError> {
    let fail = |reason: &str| ExprError {
        expr: expr.to_string(),
        reason: reason.to_string(),
    };
    if let Some((name, word)) = expr.trim_end().rsplit_once(' ') {
        if matches!(word, "contains" | "startswith" | "in") && !name.trim().is_empty() {
            return Err(fail(&format!(
                "'{word}' needs a value after it: '{} {word} VALUE'",
                name.trim()
            )));
        }
    }
    if let Some((name, value)) = expr.split_once(" contains ") {
        return Ok(col(column(expr, name)?).contains(unquoted(value.trim())));
    }
    if let Some((name, value)) = expr.split_once(" startswith ") {
        return Ok(col(column(expr, name)?).starts_with(unquoted(value.trim())));
    }
    if let Some(name) = expr.strip_suffix(" is not null") {
        return Ok(col(column(expr, name)?).is_null(false));
    }
    if let Some(name) = expr.strip_suffix(" is null") {
        return Ok(col(column(expr, name)?).is_null(true));
    }
    if let Some((name, values)) = expr.split_once(" in ") {
        let items: Vec<Scalar> = values
            .split(',')
            .filter(|v| !v.trim().is_empty())
            .map(scalar)
            .collect();
        if items.is_empty() {
            return Err(fail("'in' needs at least one value"));
        }
        return Ok(col(column(expr, name)?).is_in(items));
    }
    let at = expr
        .find(['=', '>', '<', '!'])
        .ok_or_else(|| fail("no operator"))?;
    let (name, rest) = expr.split_at(at);
    let op_len = rest
        .bytes()
        .take_while(|b| matches!(b, b'=' | b'>' | b'<' | b'!'))
        .count();
    let (op, value) = rest.split_at(op_len);
    let hint = match op {
        "=" | ">" | "<" | ">=" | "<=" => None,
        "!=" | "<>" => Some("there is no 'not equal'; use --exclude COL=VALUE"),
        "==" => Some("'==' is not an operator; use COL=VALUE"),
        "=>" => Some("'=>' is not an operator; did you mean COL>=VALUE?"),
        "=<" => Some("'=<' is not an operator; did you mean COL<=VALUE?"),
        _ => Some("unknown operator (double-quote a value that starts with =, <, > or !)"),
    };
    if let Some(hint) = hint {
        return Err(fail(&format!("{op:?}: {hint}")));
    }
    if value.is_empty() {
        return Err(fail("no value after the operator"));
    }
    let name = column(expr, name)?;
    Ok(match op {
        "=" => col(name).eq(scalar(value)),
        ">" => col(name).gt(scalar(value)),
        "<" => col(name).lt(scalar(value)),
        ">=" => col(name).gte(scalar(value)),
        _ => col(name).lte(scalar(value)),
    })
}

/// `text` without one pair of double quotes around it (`"x"` is `x`, as in `--where`).
fn unquoted(text: &str) -> &str {
    let trimmed = text.trim();
    if trimmed.len() >= 2 && trimmed.starts_with('"') && trimmed.ends_with('"') {
        &trimmed[1..trimmed.len() - 1]
    } else {
        text
    }
}

/// One `--set FORMITM_N[:TYPE]=VALUE`.
#[derive(Debug, Clone, PartialEq)]
pub struct SetArg {
    /// The field id.
    pub id: String,
    /// The designer type given with `:TYPE` (otherwise taken from the form).
    pub field_type: Option<omflow_model::FieldType>,
    /// The value: JSON when it starts with `{` or `[`, else text.
    pub value: Value,
}

/// Reads one `--set` argument.
///
/// # Errors
/// A message naming the argument when it is not `FORMITM_N[:TYPE]=VALUE` or its JSON value does not parse.
pub fn parse_set(arg: &str) -> Result<SetArg, String> {
    let (target, value) = arg.split_once('=').ok_or_else(|| {
        format!("--set {arg:?}: expected FORMITM_N=VALUE or FORMITM_N:TYPE=VALUE")
    })?;
    let (id, field_type) = match target.split_once(':') {
        Some((_, "")) => return Err(format!("--set {arg:?}: empty type after ':'")),
        Some((_, kind)) if !omflow_model::FieldType::DESIGNER_TYPES.contains(&kind) => {
            return Err(format!(
                "--set {arg:?}: {kind:?} is not a field type; the form designer's types: {}",
                omflow_model::FieldType::DESIGNER_TYPES.join(", ")
            ))
        }
        Some((id, kind)) => (id, Some(omflow_model::FieldType::parse(kind))),
        None => (target, None),
    };
    omflow_model::FieldId::new(id).map_err(|e| format!("--set {arg:?}: {e}"))?;
    let trimmed = value.trim_start();
    let value = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        serde_json::from_str(value)
            .map_err(|e| format!("--set {arg:?}: the value is not valid JSON: {e}"))?
    } else {
        Value::String(unquoted(value).to_string())
    };
    Ok(SetArg {
        id: id.to_string(),
        field_type,
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use omflow_model::query::Query;
    use serde_json::json;

    fn wire(expr: &str) -> Value {
        let q = Query::builder()
            .filter(parse(expr).unwrap())
            .build()
            .unwrap();
        serde_json::to_value(q).unwrap()["search_conditions"][0].clone()
    }

    #[test]
    fn each_form() {
        assert_eq!(
            wire("level=red"),
            json!({"column": "level", "condition": "=", "value": "red"})
        );
        assert_eq!(
            wire("id>20"),
            json!({"column": "id", "condition": ">", "value": 20})
        );
        assert_eq!(
            wire("id<18"),
            json!({"column": "id", "condition": "<", "value": 18})
        );
        assert_eq!(
            wire("title contains printer jam"),
            json!({"column": "title", "condition": "contains", "value": "printer jam"})
        );
        assert_eq!(
            wire("data_no in 1,3,4"),
            json!({"column": "data_no", "condition": "in", "value": [1, 3, 4]})
        );
        assert_eq!(
            wire("level in red,yellow"),
            json!({"column": "level", "condition": "in", "value": ["red", "yellow"]})
        );
        assert_eq!(
            wire("closed=false"),
            json!({"column": "closed", "condition": "=", "value": false})
        );
        assert_eq!(
            wire("assignee_id=null"),
            json!({"column": "assignee_id", "condition": "=", "value": null})
        );
        assert_eq!(
            wire("title=\"42\""),
            json!({"column": "title", "condition": "=", "value": "42"})
        );
        assert_eq!(
            wire("title=a=b"),
            json!({"column": "title", "condition": "=", "value": "a=b"})
        );
        assert_eq!(
            wire("data_no>=10"),
            json!({"column": "data_no__gte", "condition": "=", "value": 10})
        );
        assert_eq!(
            wire("createtime<=2026-01-01"),
            json!({"column": "createtime__lte", "condition": "=", "value": "2026-01-01"})
        );
        assert_eq!(
            wire("assignee_id is null"),
            json!({"column": "assignee_id__isnull", "condition": "=", "value": true})
        );
        assert_eq!(
            wire("assignee_id is not null"),
            json!({"column": "assignee_id__isnull", "condition": "=", "value": false})
        );
        assert_eq!(
            wire("create_user__nick_name startswith Ca"),
            json!({"column": "create_user__nick_name__startswith", "condition": "=", "value": "Ca"})
        );
        assert_eq!(
            wire("title=\"=x\""),
            json!({"column": "title", "condition": "=", "value": "=x"})
        );
    }

    #[test]
    fn operators_that_do_not_exist_are_refused_with_a_hint() {
        for (expr, hint) in [
            ("level!=red", "--exclude"),
            ("level==red", "COL=VALUE"),
            ("level=>red", ">="),
            ("level=<red", "<="),
            ("level>>red", "double-quote"),
            ("level=!red", "double-quote"),
            ("level<>red", "--exclude"),
        ] {
            let err = parse(expr).unwrap_err().to_string();
            assert!(err.contains(hint), "{expr}: {err}");
        }
        assert!(
            parse("title__startswith=x").is_err(),
            "lookups by name are refused"
        );
    }

    #[test]
    fn malformed() {
        for bad in [
            "level",
            "=red",
            "level=",
            "le vel=red",
            "x in ,",
            "title contains",
        ] {
            let err = parse(bad).unwrap_err();
            assert!(err.to_string().contains("EXPR is"), "{bad}");
        }
    }

    #[test]
    fn set_values() {
        let plain = parse_set("FORMITM_4=dispatch_done").unwrap();
        assert_eq!((plain.id.as_str(), plain.field_type), ("FORMITM_4", None));
        assert_eq!(plain.value, json!("dispatch_done"));
        assert_eq!(
            parse_set("FORMITM_5={\"group\":\"2\",\"user\":\"\"}")
                .unwrap()
                .value,
            json!({"group": "2", "user": ""})
        );
        let typed = parse_set("FORMITM_1:h_title=a=b").unwrap();
        assert_eq!(typed.field_type, Some(omflow_model::FieldType::HTitle));
        assert_eq!(typed.value, json!("a=b"));
        assert!(parse_set("FORMITM_1:=x").is_err());
        assert!(parse_set("FORMITM_x:h_title=x").is_err());
        assert!(parse_set("FORMITM_5={bad").is_err());
        assert!(parse_set("title=x").is_err());
        assert!(parse_set("FORMITM_1").is_err());
        let bogus = parse_set("FORMITM_1:h_bogus=x").unwrap_err();
        assert!(
            bogus.contains("\"h_bogus\" is not a field type") && bogus.contains("h_title"),
            "{bogus}"
        );
        assert!(parse_set("FORMITM_6:list=hw").is_ok());
    }

    #[test]
    fn a_quoted_set_value_loses_its_quotes_as_in_where() {
        assert_eq!(parse_set("FORMITM_1=\"x\"").unwrap().value, json!("x"));
        assert_eq!(parse_set("FORMITM_1=\"\"").unwrap().value, json!(""));
        assert_eq!(
            parse_set("FORMITM_1=a\"b\"").unwrap().value,
            json!("a\"b\"")
        );
    }

    #[test]
    fn an_error_says_what_is_missing_and_does_not_repeat_the_grammar() {
        let err = parse("title contains").unwrap_err();
        assert!(err.reason.contains("'contains' needs a value"), "{err}");
        assert!(err.to_string().contains("'title contains VALUE'"), "{err}");
        assert!(!err.to_string().contains("create_user__nick_name"), "{err}");
        assert!(parse("level in")
            .unwrap_err()
            .reason
            .contains("'in' needs a value"));
        assert!(parse("title").unwrap_err().reason.contains("no operator"));
    }
}
