//! The list DSL as the real server applies it (`listQueryBuilder`): silent truncation of
//! malformed conditions, unknown words as `=`, exclude as one AND, `limit` as an end index,
//! Django's error texts for unknown columns and bad values.

use chrono::NaiveDateTime;
use serde_json::{Map, Value};
use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    Bool,
    Text,
    Time,
    Uuid,
}

/// A table's columns: wire key, kind, and the foreign-key name that also resolves to it.
pub(crate) struct Table {
    pub columns: Vec<(String, Kind, Option<&'static str>)>,
}

impl Table {
    pub fn missions() -> Table {
        use Kind::*;
        let spec: [(&str, Kind, Option<&'static str>); 23] = [
            ("id", Int, None),
            ("flow_uuid", Uuid, None),
            ("flow_name", Text, None),
            ("status", Text, None),
            ("level", Text, None),
            ("title", Text, None),
            ("data_no", Int, None),
            ("data_id", Int, None),
            ("history", Bool, None),
            ("stop_uuid", Text, None),
            ("stop_chart_text", Text, None),
            ("create_user_id", Text, Some("create_user")),
            ("update_user_id", Text, Some("update_user")),
            ("ticket_createtime", Time, None),
            ("createtime", Time, None),
            ("updatetime", Time, None),
            ("assignee_id", Int, Some("assignee")),
            ("assign_group_id", Int, Some("assign_group")),
            ("action", Text, None),
            ("attachment", Bool, None),
            ("closed", Bool, None),
            ("is_active", Bool, None),
            ("deploy_flag", Bool, None),
        ];
        Table {
            columns: spec
                .iter()
                .map(|(n, k, f)| (n.to_string(), *k, *f))
                .collect(),
        }
    }

    /// The user table as the fake exposes it to E11 (no password hash, no superuser flag).
    pub fn users() -> Table {
        use Kind::*;
        Table {
            columns: [
                ("id", Int),
                ("username", Text),
                ("nick_name", Text),
                ("email", Text),
                ("is_active", Bool),
            ]
            .iter()
            .map(|(n, k)| (n.to_string(), *k, None))
            .collect(),
        }
    }

    pub fn tickets(column_count: u32) -> Table {
        use Kind::*;
        let spec: [(&str, Kind, Option<&'static str>); 24] = [
            ("id", Int, None),
            ("flow_uuid", Uuid, None),
            ("dataid_header", Text, None),
            ("data_no", Int, None),
            ("history", Bool, None),
            ("status", Text, None),
            ("title", Text, None),
            ("level", Text, None),
            ("group", Text, None),
            ("closed", Bool, None),
            ("stop_uuid", Text, None),
            ("stop_chart_type", Text, None),
            ("stop_chart_text", Text, None),
            ("running", Bool, None),
            ("error", Bool, None),
            ("createtime", Time, None),
            ("updatetime", Time, None),
            ("stoptime", Time, None),
            ("create_user_id", Text, Some("create_user")),
            ("update_user_id", Text, Some("update_user")),
            ("data_param", Text, None),
            ("error_message", Text, None),
            ("init_data_id", Int, None),
            ("is_child", Bool, None),
        ];
        let mut columns: Vec<_> = spec
            .iter()
            .map(|(n, k, f)| (n.to_string(), *k, *f))
            .collect();
        for n in 1..=column_count {
            columns.push((format!("formitm_{n}"), Text, None));
        }
        Table { columns }
    }

    fn resolve(&self, name: &str) -> Result<(String, Kind), String> {
        self.columns
            .iter()
            .find(|(key, _, fk)| key == name || *fk == Some(name))
            .map(|(key, kind, _)| (key.clone(), *kind))
            .ok_or_else(|| {
                let mut choices: Vec<&str> =
                    self.columns.iter().map(|(k, _, _)| k.as_str()).collect();
                choices.extend(self.columns.iter().filter_map(|(_, _, fk)| *fk));
                choices.sort_unstable();
                format!(
                    "Cannot resolve keyword '{name}' into field. Choices are: {}",
                    choices.join(", ")
                )
            })
    }
}

fn py_repr(text: &str) -> String {
    if text.contains('\'') && !text.contains('"') {
        format!("\"{text}\"")
    } else {
        format!("'{}'", text.replace('\'', "\\'"))
    }
}

fn py_type(value: &Value) -> &'static str {
    crate::world::py_type(value)
}

/// Python's `int(value)`.
fn py_int(value: &Value) -> Result<i64, String> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f.trunc() as i64))
            .ok_or_else(|| format!("invalid literal for int() with base 10: '{n}'")),
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::String(s) => {
            let t = s.trim();
            let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                t.parse::<i64>()
                    .map_err(|_| format!("invalid literal for int() with base 10: {}", py_repr(s)))
            } else {
                Err(format!(
                    "invalid literal for int() with base 10: {}",
                    py_repr(s)
                ))
            }
        }
        other => Err(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            py_type(other)
        )),
    }
}

fn parse_time(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim().replace('T', " ");
    for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M"] {
        if let Ok(value) = NaiveDateTime::parse_from_str(&t, format) {
            return Some(value);
        }
    }
    chrono::NaiveDate::parse_from_str(&t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
}

/// A value prepared for one column kind.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum Prepared {
    Int(i64),
    Bool(bool),
    Text(String),
    Time(NaiveDateTime),
}

fn prepare(kind: Kind, value: &Value) -> Result<Prepared, String> {
    match kind {
        Kind::Int => py_int(value).map(Prepared::Int),
        Kind::Bool => match value {
            Value::Bool(b) => Ok(Prepared::Bool(*b)),
            Value::Number(n) if n.as_i64() == Some(1) => Ok(Prepared::Bool(true)),
            Value::Number(n) if n.as_i64() == Some(0) => Ok(Prepared::Bool(false)),
            Value::String(s) if matches!(s.as_str(), "True" | "t" | "1") => Ok(Prepared::Bool(true)),
            Value::String(s) if matches!(s.as_str(), "False" | "f" | "0") => Ok(Prepared::Bool(false)),
            other => Err(format!("[\"'{}' value must be either True or False.\"]", plain(other))),
        },
        Kind::Text => Ok(Prepared::Text(plain(value))),
        Kind::Uuid => Ok(Prepared::Text(plain(value).replace('-', "").to_ascii_lowercase())),
        Kind::Time => parse_time(&plain(value)).map(Prepared::Time).ok_or_else(|| {
            format!(
                "[\"'{}' value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format.\"]",
                plain(value)
            )
        }),
    }
}

/// Python's `str(value)` for a scalar.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => "None".into(),
        other => other.to_string(),
    }
}

fn stored(kind: Kind, value: &Value) -> Option<Prepared> {
    if value.is_null() {
        return None;
    }
    match kind {
        Kind::Uuid => Some(Prepared::Text(plain(value).replace('-', ""))),
        Kind::Time => value.as_str().and_then(parse_time).map(Prepared::Time),
        _ => prepare(kind, value).ok(),
    }
}

/// A row's values for the sort columns, computed once.
type SortKey = Vec<Option<Prepared>>;

#[derive(Debug)]
enum Test {
    IsNull,
    NotNull,
    Ge(Prepared),
    Le(Prepared),
    /// ASCII-case-insensitive text tests, as SQLite's `LIKE` behind Django's lookups.
    StartsWith(String),
    EndsWith(String),
    LikeEq(String),
    Regex(regex::Regex),
    Eq(Prepared),
    Gt(Prepared),
    Lt(Prepared),
    Contains(String),
    In(Vec<Prepared>),
}

struct Filter {
    key: String,
    kind: Kind,
    test: Test,
}

impl Filter {
    fn matches(&self, row: &Map<String, Value>) -> bool {
        let raw = row.get(&self.key).unwrap_or(&Value::Null);
        match &self.test {
            Test::IsNull => return raw.is_null(),
            Test::NotNull => return !raw.is_null(),
            Test::StartsWith(prefix) => {
                return !raw.is_null()
                    && stored_text(self.kind, raw)
                        .to_ascii_lowercase()
                        .starts_with(&prefix.to_ascii_lowercase())
            }
            Test::EndsWith(suffix) => {
                return !raw.is_null()
                    && stored_text(self.kind, raw)
                        .to_ascii_lowercase()
                        .ends_with(&suffix.to_ascii_lowercase())
            }
            Test::LikeEq(text) => {
                return !raw.is_null() && stored_text(self.kind, raw).eq_ignore_ascii_case(text)
            }
            Test::Regex(pattern) => {
                return !raw.is_null() && pattern.is_match(&stored_text(self.kind, raw))
            }
            _ => {}
        }
        if let Test::Contains(needle) = &self.test {
            return !raw.is_null()
                && stored_text(self.kind, raw)
                    .to_ascii_lowercase()
                    .contains(&needle.to_ascii_lowercase());
        }
        let Some(value) = stored(self.kind, raw) else {
            return false;
        };
        match &self.test {
            Test::Eq(v) => value == *v,
            Test::Gt(v) => value.partial_cmp(v) == Some(Ordering::Greater),
            Test::Lt(v) => value.partial_cmp(v) == Some(Ordering::Less),
            Test::In(list) => list.contains(&value),
            Test::Ge(v) => matches!(
                value.partial_cmp(v),
                Some(Ordering::Greater | Ordering::Equal)
            ),
            Test::Le(v) => matches!(value.partial_cmp(v), Some(Ordering::Less | Ordering::Equal)),
            _ => false,
        }
    }
}

fn stored_text(kind: Kind, raw: &Value) -> String {
    match kind {
        Kind::Uuid => plain(raw).replace('-', ""),
        Kind::Time => plain(raw).replace('T', " "),
        Kind::Bool => {
            if raw == &Value::Bool(true) {
                "1".into()
            } else {
                "0".into()
            }
        }
        _ => plain(raw),
    }
}

/// The walk over a condition list: stops silently at the first element it cannot use.
fn conditions(table: &Table, value: Option<&Value>) -> Result<Vec<Filter>, String> {
    let Some(Value::Array(items)) = value else {
        return Ok(Vec::new());
    };
    let mut filters = Vec::new();
    for item in items {
        let Some(object) = item.as_object() else {
            break;
        };
        let (Some(column), Some(word), Some(value)) = (
            object.get("column"),
            object.get("condition"),
            object.get("value"),
        ) else {
            break;
        };
        let column = plain(column);
        let word = plain(word);
        if let Some((path, lookup)) = column.rsplit_once("__") {
            if let Ok((key, kind)) = table.resolve(path) {
                let test = lookup_test(kind, lookup, &word, value)?;
                filters.push(Filter { key, kind, test });
                continue;
            }
        }
        let (key, kind) = table.resolve(&column)?;
        let test = match word.as_str() {
            "in" => {
                let members: Vec<Value> = match value {
                    Value::Array(a) => a.clone(),
                    Value::String(s) => s.chars().map(|c| Value::String(c.to_string())).collect(),
                    Value::Object(o) => o.keys().map(|k| Value::String(k.clone())).collect(),
                    other => return Err(format!("'{}' object is not iterable", py_type(other))),
                };
                Test::In(
                    members
                        .iter()
                        .map(|m| prepare(kind, m))
                        .collect::<Result<_, _>>()?,
                )
            }
            "contains" => {
                if value.is_null() {
                    return Err("Cannot use None as a query value".into());
                }
                Test::Contains(plain(value))
            }
            ">" | "<" => {
                if value.is_null() {
                    return Err("Cannot use None as a query value".into());
                }
                let v = prepare(kind, value)?;
                if word == ">" {
                    Test::Gt(v)
                } else {
                    Test::Lt(v)
                }
            }
            _ if value.is_null() => Test::IsNull,
            _ => Test::Eq(prepare(kind, value)?),
        };
        filters.push(Filter { key, kind, test });
    }
    Ok(filters)
}

/// Django's class name of a column kind, as its lookup errors name it.
fn field_class(kind: Kind) -> &'static str {
    match kind {
        Kind::Int => "IntegerField",
        Kind::Bool => "BooleanField",
        Kind::Text => "CharField",
        Kind::Time => "DateTimeField",
        Kind::Uuid => "UUIDField",
    }
}

/// A `column__lookup` condition: the lookup applies with `=` (or an unknown word); the words
/// `contains`, `in`, `>` and `<` append a second lookup, which Django refuses.
fn lookup_test(kind: Kind, lookup: &str, word: &str, value: &Value) -> Result<Test, String> {
    const KNOWN: [&str; 16] = [
        "exact",
        "iexact",
        "contains",
        "icontains",
        "in",
        "gt",
        "gte",
        "lt",
        "lte",
        "startswith",
        "istartswith",
        "endswith",
        "iendswith",
        "isnull",
        "regex",
        "iregex",
    ];
    let class = field_class(kind);
    if !KNOWN.contains(&lookup) {
        return Err(format!(
            "Unsupported lookup '{lookup}' for {class} or join on the field not permitted."
        ));
    }
    if matches!(word, "contains" | "in" | ">" | "<") {
        return Err(format!(
            "Unsupported lookup '{lookup}' for {class} or join on the field not permitted, perhaps you meant {lookup}?"
        ));
    }
    if value.is_null() && lookup != "isnull" && lookup != "exact" && lookup != "iexact" {
        return Err("Cannot use None as a query value".into());
    }
    let text = || plain(value);
    Ok(match lookup {
        "isnull" => {
            if crate::world::truthy(value) {
                Test::IsNull
            } else {
                Test::NotNull
            }
        }
        "exact" | "iexact" if value.is_null() => Test::IsNull,
        "exact" => Test::Eq(prepare(kind, value)?),
        "iexact" => Test::LikeEq(text()),
        "contains" | "icontains" => Test::Contains(text()),
        "gt" => Test::Gt(prepare(kind, value)?),
        "lt" => Test::Lt(prepare(kind, value)?),
        "gte" => Test::Ge(prepare(kind, value)?),
        "lte" => Test::Le(prepare(kind, value)?),
        "startswith" | "istartswith" => Test::StartsWith(text()),
        "endswith" | "iendswith" => Test::EndsWith(text()),
        "in" => match value {
            Value::Array(items) => Test::In(
                items
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(|m| prepare(kind, m))
                    .collect::<Result<_, _>>()?,
            ),
            other => return Err(format!("'{}' object is not iterable", py_type(other))),
        },
        _ => {
            let pattern = if lookup == "iregex" {
                format!("(?i){}", text())
            } else {
                text()
            };
            Test::Regex(regex::Regex::new(&pattern).map_err(|e| e.to_string())?)
        }
    })
}

fn names(value: Option<&Value>) -> Result<Option<Vec<String>>, &'static str> {
    match value {
        None => Ok(None),
        Some(Value::Null) => Err("null"),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.chars().map(|c| c.to_string()).collect())),
        Some(Value::Array(a)) if a.is_empty() => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a.iter().map(plain).collect())),
        Some(other) => Ok(Some(vec![plain(other)])),
    }
}

fn valid_order_word(word: &str) -> bool {
    if word == "?" {
        return true;
    }
    let rest = word.strip_prefix(['-', '+']).unwrap_or(word);
    !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
}

/// Runs one list request over `rows`. `Err` carries the exception text the server appends to
/// its "query failed" message.
pub(crate) fn run<'a>(
    table: &Table,
    rows: impl Iterator<Item = &'a Map<String, Value>>,
    body: &Map<String, Value>,
) -> Result<Vec<Row<'a>>, String> {
    let projection = match names(body.get("search_columns")) {
        Ok(p) => p,
        Err(_) => return Err("values() argument after * must be an iterable, not NoneType".into()),
    };
    let projection: Option<Vec<(String, String)>> = projection
        .map(|names| {
            names
                .into_iter()
                .map(|n| table.resolve(&n).map(|(key, _)| (n, key)))
                .collect::<Result<_, _>>()
        })
        .transpose()?;
    let filters = conditions(table, body.get("search_conditions"))?;
    let excludes = conditions(table, body.get("exclude_conditions"))?;
    let order_words = match body.get("order_columns") {
        Some(Value::Null) => None,
        other => names(other).unwrap_or(None),
    }
    .unwrap_or_else(|| vec!["id".to_string()]);
    let invalid: Vec<String> = order_words
        .iter()
        .filter(|w| !valid_order_word(w))
        .map(|w| py_repr(w))
        .collect();
    if !invalid.is_empty() {
        return Err(format!(
            "Invalid order_by arguments: [{}]",
            invalid.join(", ")
        ));
    }
    let mut order = Vec::new();
    for word in &order_words {
        if word == "?" {
            continue;
        }
        let descending = word.starts_with('-');
        let name = word.trim_start_matches(['-', '+']);
        let (key, kind) = table.resolve(name)?;
        order.push((key, kind, descending));
    }
    let start = match body.get("start") {
        None => 0,
        Some(v) => py_int(v)?,
    };
    let limit = match body.get("limit") {
        None => 100,
        Some(v) => py_int(v)?,
    };
    if start < 0 || limit < 0 {
        return Err("Negative indexing is not supported.".into());
    }
    let mut selected: Vec<&Map<String, Value>> = rows
        .filter(|row| filters.iter().all(|f| f.matches(row)))
        .filter(|row| excludes.is_empty() || !excludes.iter().all(|f| f.matches(row)))
        .collect();
    // Rows arrive in ascending id order (both tables are keyed by id) and ids are unique, so
    // an `id` first key needs no sort; other keys are computed once per row, not per comparison.
    match order.first() {
        Some((key, _, descending)) if key == "id" => {
            if *descending {
                selected.reverse();
            }
        }
        _ => {
            let mut keyed: Vec<(SortKey, &Map<String, Value>)> = selected
                .into_iter()
                .map(|row| {
                    (
                        order
                            .iter()
                            .map(|(key, kind, _)| {
                                stored(*kind, row.get(key).unwrap_or(&Value::Null))
                            })
                            .collect(),
                        row,
                    )
                })
                .collect();
            keyed.sort_by(|(a, _), (b, _)| {
                for ((x, y), (_, _, descending)) in a.iter().zip(b).zip(&order) {
                    let ordering = match (x, y) {
                        (None, None) => Ordering::Equal,
                        (None, Some(_)) => Ordering::Less,
                        (Some(_), None) => Ordering::Greater,
                        (Some(x), Some(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
                    };
                    let ordering = if *descending {
                        ordering.reverse()
                    } else {
                        ordering
                    };
                    if ordering != Ordering::Equal {
                        return ordering;
                    }
                }
                Ordering::Equal
            });
            selected = keyed.into_iter().map(|(_, row)| row).collect();
        }
    }
    let (start, limit) = (start as usize, limit as usize);
    let page = if limit > start {
        selected
            .get(start..limit.min(selected.len()))
            .unwrap_or(&[])
    } else {
        &[]
    };
    Ok(match &projection {
        None => page.iter().copied().map(Row::Whole).collect(),
        Some(columns) => page
            .iter()
            .map(|row| {
                let mut out = Map::new();
                for (name, key) in columns {
                    out.insert(name.clone(), row.get(key).cloned().unwrap_or(Value::Null));
                }
                Row::Projected(out)
            })
            .collect(),
    })
}

/// A result row: a whole stored row (by reference) or a projection.
#[derive(serde::Serialize)]
#[serde(untagged)]
pub(crate) enum Row<'a> {
    Whole(&'a Map<String, Value>),
    Projected(Map<String, Value>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rows() -> Vec<Map<String, Value>> {
        [
            json!({"id": 1, "level": "green", "title": "Alpha printer", "data_no": 1, "history": false, "flow_uuid": "dc33fb34-0034-418c-8fbb-3baf15525e86"}),
            json!({"id": 2, "level": "red", "title": "Beta", "data_no": 2, "history": false, "flow_uuid": "dc33fb34-0034-418c-8fbb-3baf15525e86"}),
            json!({"id": 3, "level": "green", "title": "PRINTER toner", "data_no": 3, "history": false, "flow_uuid": "dc33fb34-0034-418c-8fbb-3baf15525e86"}),
        ]
        .into_iter()
        .map(|v| v.as_object().unwrap().clone())
        .collect()
    }

    fn ids(body: Value) -> Result<Vec<u64>, String> {
        let r = rows();
        run(&Table::missions(), r.iter(), body.as_object().unwrap()).map(|rows| {
            let value = serde_json::to_value(rows).unwrap();
            value
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_u64().unwrap())
                .collect()
        })
    }

    fn cond(column: &str, word: &str, value: Value) -> Value {
        json!({"search_conditions": [{"column": column, "condition": word, "value": value}]})
    }

    #[test]
    fn django_lookups_on_local_columns() {
        assert_eq!(ids(cond("data_no__gte", "=", json!(2))), Ok(vec![2, 3]));
        assert_eq!(ids(cond("data_no__lte", "=", json!("2"))), Ok(vec![1, 2]));
        assert_eq!(
            ids(cond("title__startswith", "=", json!("alpha"))),
            Ok(vec![1])
        );
        assert_eq!(
            ids(cond("title__endswith", "=", json!("TONER"))),
            Ok(vec![3])
        );
        assert_eq!(
            ids(cond("level__iexact", "=", json!("GREEN"))),
            Ok(vec![1, 3])
        );
        assert_eq!(
            ids(cond("title__regex", "=", json!("^[AB]"))),
            Ok(vec![1, 2])
        );
        assert_eq!(
            ids(cond("title__isnull", "=", json!(false))),
            Ok(vec![1, 2, 3])
        );
        assert_eq!(ids(cond("title__isnull", "=", json!(true))), Ok(vec![]));
        assert_eq!(
            ids(cond("data_no__in", "=", json!([1, null, 3]))),
            Ok(vec![1, 3])
        );
        let double = ids(cond("data_no__isnull", ">", Value::Null)).unwrap_err();
        assert_eq!(
            double,
            "Unsupported lookup 'isnull' for IntegerField or join on the field not permitted, perhaps you meant isnull?"
        );
        let unknown = ids(cond("title__nosuchlookup", "=", json!("x"))).unwrap_err();
        assert!(
            unknown.starts_with("Unsupported lookup 'nosuchlookup' for CharField"),
            "{unknown}"
        );
    }

    #[test]
    fn quirks() {
        assert_eq!(
            ids(
                json!({"search_conditions": [{"column": "title", "condition": "contains", "value": "printer"}]})
            ),
            Ok(vec![1, 3])
        );
        assert_eq!(
            ids(
                json!({"search_conditions": [{"column": "level", "condition": "like", "value": "red"}]})
            ),
            Ok(vec![2])
        );
        assert_eq!(
            ids(
                json!({"search_conditions": [{"column": "level", "value": "red"}, {"column": "id", "condition": "=", "value": 1}]})
            ),
            Ok(vec![1, 2, 3])
        );
        assert_eq!(
            ids(
                json!({"search_conditions": [{"column": "level", "condition": "in", "value": "red"}]})
            ),
            Ok(vec![])
        );
        assert_eq!(
            ids(
                json!({"search_conditions": [{"column": "data_no", "condition": "in", "value": 3}]})
            ),
            Err("'int' object is not iterable".into())
        );
        assert_eq!(
            ids(
                json!({"exclude_conditions": [{"column": "level", "condition": "=", "value": "green"}, {"column": "title", "condition": "contains", "value": "alpha"}]})
            ),
            Ok(vec![2, 3])
        );
        assert_eq!(ids(json!({"start": 1, "limit": 2})), Ok(vec![2]));
        assert_eq!(ids(json!({"start": 2, "limit": 2})), Ok(vec![]));
        assert_eq!(
            ids(json!({"start": -1})),
            Err("Negative indexing is not supported.".into())
        );
        assert_eq!(
            ids(json!({"limit": "abc"})),
            Err("invalid literal for int() with base 10: 'abc'".into())
        );
        assert_eq!(
            ids(json!({"order_columns": "-id"})),
            Err("Invalid order_by arguments: ['-']".into())
        );
        assert_eq!(ids(json!({"order_columns": ["-id"]})), Ok(vec![3, 2, 1]));
        assert_eq!(
            ids(
                json!({"search_conditions": [{"column": "level", "condition": "=", "value": "GREEN"}]})
            ),
            Ok(vec![])
        );
        assert!(ids(json!({"order_columns": ["nosuchcol"]})).unwrap_err().starts_with("Cannot resolve keyword 'nosuchcol' into field. Choices are: action, assign_group, assign_group_id"));
        assert_eq!(
            ids(
                json!({"search_conditions": [{"column": "flow_uuid", "condition": "=", "value": "dc33fb340034418c8fbb3baf15525e86"}]})
            ),
            Ok(vec![1, 2, 3])
        );
    }
}
