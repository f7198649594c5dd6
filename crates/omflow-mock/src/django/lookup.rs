//! Django 2.2's lookups and transforms: which names a field class registers, the errors
//! for the others (with `difflib`'s suggestions), and what each lookup tests on SQLite.

use omflow_model::Lang;
use serde_json::Value;
use std::cmp::Ordering;

use super::schema::Class;
use super::value::{prepare, py_str, py_type, Sql};

/// `Field`'s lookups, registered on every field class.
const FIELD_LOOKUPS: [&str; 17] = [
    "exact",
    "iexact",
    "gt",
    "gte",
    "lt",
    "lte",
    "in",
    "contains",
    "icontains",
    "startswith",
    "istartswith",
    "endswith",
    "iendswith",
    "range",
    "isnull",
    "regex",
    "iregex",
];

/// Lookups of relation fields (`ForeignObject.get_lookups` stops at `ForeignObject`).
const RELATED_LOOKUPS: [&str; 7] = ["in", "exact", "lt", "gt", "gte", "lte", "isnull"];

/// Transforms registered on date and datetime fields.
const DATE_TRANSFORMS: [&str; 7] = [
    "year", "month", "day", "week_day", "week", "iso_year", "quarter",
];
const TIME_TRANSFORMS: [&str; 3] = ["hour", "minute", "second"];
const DATETIME_ONLY: [&str; 2] = ["date", "time"];

/// A transform applied to a column before the lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transform {
    Year,
    Month,
    Day,
    WeekDay,
    Week,
    IsoYear,
    Quarter,
    Hour,
    Minute,
    Second,
    Date,
    Time,
}

fn transform_of(class: Class, name: &str) -> Option<Transform> {
    let date = matches!(class, Class::Date | Class::DateTime);
    let datetime = class == Class::DateTime;
    Some(match name {
        "year" if date => Transform::Year,
        "month" if date => Transform::Month,
        "day" if date => Transform::Day,
        "week_day" if date => Transform::WeekDay,
        "week" if date => Transform::Week,
        "iso_year" if date => Transform::IsoYear,
        "quarter" if date => Transform::Quarter,
        "hour" if datetime => Transform::Hour,
        "minute" if datetime => Transform::Minute,
        "second" if datetime => Transform::Second,
        "date" if datetime => Transform::Date,
        "time" if datetime => Transform::Time,
        _ => return None,
    })
}

/// Every lookup and transform name `class.get_lookups()` returns.
fn registered(class: Class) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = FIELD_LOOKUPS.to_vec();
    if matches!(class, Class::Date | Class::DateTime) {
        names.extend(DATE_TRANSFORMS);
    }
    if class == Class::DateTime {
        names.extend(TIME_TRANSFORMS);
        names.extend(DATETIME_ONLY);
    }
    names
}

/// `difflib.SequenceMatcher(None, a, b).ratio()` (no junk heuristic below 200 characters).
fn ratio(a: &[char], b: &[char]) -> f64 {
    fn matches(a: &[char], b: &[char]) -> usize {
        // find_longest_match: the earliest longest block, then recurse on both sides.
        let (mut best_i, mut best_j, mut best) = (0, 0, 0);
        for i in 0..a.len() {
            for j in 0..b.len() {
                let mut k = 0;
                while i + k < a.len() && j + k < b.len() && a[i + k] == b[j + k] {
                    k += 1;
                }
                if k > best {
                    (best_i, best_j, best) = (i, j, k);
                }
            }
        }
        if best == 0 {
            return 0;
        }
        best + matches(&a[..best_i], &b[..best_j])
            + matches(&a[best_i + best..], &b[best_j + best..])
    }
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    2.0 * matches(a, b) as f64 / total as f64
}

/// `difflib.get_close_matches(word, possibilities)` (n=3, cutoff=0.6).
pub(crate) fn close_matches(word: &str, possibilities: &[&str]) -> Vec<String> {
    let w: Vec<char> = word.chars().collect();
    let mut scored: Vec<(f64, &str)> = possibilities
        .iter()
        .map(|p| (ratio(&p.chars().collect::<Vec<_>>(), &w), *p))
        .filter(|(score, _)| *score >= 0.6)
        .collect();
    // heapq.nlargest over (score, word): ties go to the larger word.
    scored.sort_by(|a, b| {
        b.0.partial_cmp(&a.0)
            .unwrap_or(Ordering::Equal)
            .then_with(|| b.1.cmp(a.1))
    });
    scored
        .into_iter()
        .take(3)
        .map(|(_, p)| p.to_string())
        .collect()
}

/// `Query.try_transform`'s error for a name that is neither lookup nor transform.
fn unsupported(class: Class, name: &str) -> String {
    let suggestions = close_matches(name, &registered(class));
    let suggestion = if suggestions.is_empty() {
        ".".to_string()
    } else {
        format!(", perhaps you meant {}?", suggestions.join(" or "))
    };
    format!(
        "Unsupported lookup '{name}' for {} or join on the field not permitted{suggestion}",
        class.name()
    )
}

/// What a compiled condition tests on one column value.
#[derive(Debug)]
pub(crate) enum Test {
    IsNull(bool),
    Compare(Ordering, bool, Sql),
    Like(Like, String),
    Regex(regex::Regex),
    In(Vec<Sql>),
    Range(Sql, Sql),
    /// `in` with nothing left after `None` is dropped: Django's `EmptyResultSet`.
    Nothing,
    /// A `regex` pattern Python's `re` cannot compile: SQLite's REGEXP (Python's
    /// `re.search`) raises on the first value it tests, failing the query.
    BadRegex,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Like {
    Exact,
    Contains,
    StartsWith,
    EndsWith,
}

/// A resolved lookup: the transforms on the column, then the test.
#[derive(Debug)]
pub(crate) struct Lookup {
    pub transforms: Vec<Transform>,
    pub test: Test,
    /// An error Django raises only when it compiles the SQL (`UUIDField` validates in
    /// `get_db_prep_value`, not when the filter is built).
    pub deferred: Option<String>,
}

impl Transform {
    /// The class of what the transform yields (a date, or an integer part).
    fn output(self) -> Class {
        if self == Transform::Date {
            Class::Date
        } else {
            Class::Integer
        }
    }
}

/// The transforms `names` apply in turn to a column of `class` (how `values()` and
/// ordering read `createtime__year`), and the class of what they leave; a relation takes
/// none.
pub(crate) fn transform_chain(
    class: Class,
    names: &[String],
) -> Result<(Vec<Transform>, Class), String> {
    if let (true, Some(first)) = (class.is_relation(), names.first()) {
        return Err(format!("Related Field got invalid lookup: {first}"));
    }
    let mut transforms = Vec::with_capacity(names.len());
    let mut current = class;
    for name in names {
        let t = transform_of(current, name).ok_or_else(|| unsupported(current, name))?;
        transforms.push(t);
        current = t.output();
    }
    Ok((transforms, current))
}

/// `build_lookup(lookups, col, value)`: `class` is the final field's class, `cast` the
/// class that prepares the value (`None` for a value sent as is), `related` whether the
/// final field is a relation.
pub(crate) fn build(
    class: Class,
    cast: Option<Class>,
    lookups: &[String],
    value: &Value,
    lang: Lang,
) -> Result<Lookup, String> {
    let (transforms, current, lookup) = split_lookup(class, lookups)?;
    let cast = if transforms.is_empty() {
        cast
    } else {
        Some(current)
    };
    let mut prep = Prep {
        cast,
        lang,
        deferred: None,
    };
    let test = test_of(lookup, value, &mut prep)?;
    Ok(Lookup {
        transforms,
        test,
        deferred: prep.deferred,
    })
}

/// The names after the field read as transforms, then a lookup (`exact` when there are
/// none; a last name that is no lookup is a transform with `exact` on it): the transforms,
/// the class they leave, and the lookup's name.
fn split_lookup(class: Class, lookups: &[String]) -> Result<(Vec<Transform>, Class, &str), String> {
    let related = class.is_relation();
    if related && lookups.len() > 1 {
        return Err(format!("Related Field got invalid lookup: {}", lookups[0]));
    }
    let (transform_names, last) = match lookups.split_last() {
        Some((last, rest)) => (rest, last.as_str()),
        None => (&[][..], "exact"),
    };
    let (mut transforms, mut current) = transform_chain(class, transform_names)?;
    let known = if related {
        RELATED_LOOKUPS.contains(&last)
    } else {
        FIELD_LOOKUPS.contains(&last)
    };
    let lookup = if known {
        last
    } else if related {
        return Err(format!("Related Field got invalid lookup: {last}"));
    } else {
        // The name as a transform, then `exact` on it.
        let Some(t) = transform_of(current, last) else {
            return Err(unsupported(current, last));
        };
        transforms.push(t);
        current = t.output();
        "exact"
    };
    Ok((transforms, current, lookup))
}

/// `get_prep_value` for one lookup's values: `cast` prepares them; a uuid's error waits
/// in `deferred` for the SQL compile, as does a `range` with too few values (the first
/// such error wins).
struct Prep {
    cast: Option<Class>,
    lang: Lang,
    deferred: Option<String>,
}

impl Prep {
    fn value(&mut self, v: &Value) -> Result<Sql, String> {
        match prepare(self.cast, v, self.lang) {
            Err(error) if self.cast == Some(Class::Uuid) => {
                self.deferred.get_or_insert(error);
                Ok(Sql::Text(String::new()))
            }
            other => other,
        }
    }

    fn values(&mut self, members: &[Value]) -> Result<Vec<Sql>, String> {
        members.iter().map(|v| self.value(v)).collect()
    }
}

/// What the lookup named `lookup` tests, with `value` prepared by `prep`.
fn test_of(lookup: &str, value: &Value, prep: &mut Prep) -> Result<Test, String> {
    Ok(match lookup {
        "exact" | "iexact" if value.is_null() => Test::IsNull(true),
        "exact" => Test::Compare(Ordering::Equal, false, prep.value(value)?),
        "iexact" => like_test(Like::Exact, value)?,
        "contains" | "icontains" => like_test(Like::Contains, value)?,
        "startswith" | "istartswith" => like_test(Like::StartsWith, value)?,
        "endswith" | "iendswith" => like_test(Like::EndsWith, value)?,
        // `IsNull` cannot take None either (only exact and iexact turn None into IS NULL).
        "isnull" if value.is_null() => return Err("Cannot use None as a query value".into()),
        "isnull" => Test::IsNull(crate::world::truthy(value)),
        "gt" | "gte" | "lt" | "lte" => compare_test(lookup, value, prep)?,
        "in" => in_test(value, prep)?,
        "range" => range_test(value, prep)?,
        _ => regex_test(lookup, value)?,
    })
}

/// `iexact`, `contains`, `startswith`, `endswith` and their case-insensitive twins: SQLite's
/// `LIKE`, which ignores ASCII case.
fn like_test(kind: Like, value: &Value) -> Result<Test, String> {
    if value.is_null() {
        return Err("Cannot use None as a query value".into());
    }
    Ok(Test::Like(kind, py_str(value)))
}

/// `gt`, `gte`, `lt` and `lte`.
fn compare_test(lookup: &str, value: &Value, prep: &mut Prep) -> Result<Test, String> {
    let prepared = prep.value(value)?;
    if prepared == Sql::Null {
        return Err("Cannot use None as a query value".into());
    }
    Ok(match lookup {
        "gt" => Test::Compare(Ordering::Greater, false, prepared),
        "gte" => Test::Compare(Ordering::Greater, true, prepared),
        "lt" => Test::Compare(Ordering::Less, false, prepared),
        _ => Test::Compare(Ordering::Less, true, prepared),
    })
}

/// `in`: the members without `None`; none left is Django's `EmptyResultSet`.
fn in_test(value: &Value, prep: &mut Prep) -> Result<Test, String> {
    let members: Vec<Value> = iterate(value)?;
    let prepared: Vec<Sql> = prep
        .values(&members)?
        .into_iter()
        .filter(|v| *v != Sql::Null)
        .collect();
    Ok(if prepared.is_empty() {
        Test::Nothing
    } else {
        Test::In(prepared)
    })
}

/// `range`: `BETWEEN %s AND %s` takes the first two values; fewer fail when the SQL is
/// compiled.
fn range_test(value: &Value, prep: &mut Prep) -> Result<Test, String> {
    let members = iterate(value)?;
    let prepared = prep.values(&members)?;
    Ok(match prepared.as_slice() {
        [low, high, ..] => Test::Range(low.clone(), high.clone()),
        _ => {
            prep.deferred
                .get_or_insert_with(|| "tuple index out of range".into());
            Test::Nothing
        }
    })
}

/// `regex` and `iregex`.
fn regex_test(lookup: &str, value: &Value) -> Result<Test, String> {
    if value.is_null() {
        return Err("Cannot use None as a query value".into());
    }
    let pattern = if lookup == "iregex" {
        format!("(?i){}", py_str(value))
    } else {
        py_str(value)
    };
    // SQLite calls Python's `re.search` per row at execution: a pattern `re` cannot
    // compile fails the query once a value is tested (never at build time). What Python
    // takes and the fake's engine does not (look-around, back-references) matches nothing.
    Ok(match regex::Regex::new(&pattern) {
        Ok(compiled) => Test::Regex(compiled),
        Err(_) if python_only(&pattern) => Test::Nothing,
        Err(_) => Test::BadRegex,
    })
}

/// Whether a pattern uses what Python's `re` has and the fake's engine lacks.
fn python_only(pattern: &str) -> bool {
    ["(?=", "(?!", "(?<=", "(?<!", "(?P="]
        .iter()
        .any(|syntax| pattern.contains(syntax))
        || pattern
            .as_bytes()
            .windows(2)
            .any(|w| w[0] == b'\\' && w[1].is_ascii_digit() && w[1] != b'0')
}

/// Python's iteration over a value (`in` and `range`): a string yields its characters, an
/// object its keys.
fn iterate(value: &Value) -> Result<Vec<Value>, String> {
    match value {
        Value::Array(items) => Ok(items.clone()),
        Value::String(s) => Ok(s.chars().map(|c| Value::String(c.to_string())).collect()),
        Value::Object(o) => Ok(o.keys().map(|k| Value::String(k.clone())).collect()),
        other => Err(format!("'{}' object is not iterable", py_type(other))),
    }
}

/// Applies the transforms to a stored value (SQLite's `django_datetime_extract` and friends).
pub(crate) fn apply(transforms: &[Transform], value: Sql) -> Sql {
    use chrono::{Datelike, NaiveDateTime, Timelike};
    let mut value = value;
    for t in transforms {
        let Some(text) = value.text() else {
            return Sql::Null;
        };
        let parsed = NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S%.f")
            .or_else(|_| NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S"))
            .or_else(|_| {
                chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                    .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
            });
        let Ok(dt) = parsed else {
            return Sql::Null;
        };
        value = match t {
            Transform::Year => Sql::Int(i64::from(dt.year())),
            Transform::Month => Sql::Int(i64::from(dt.month())),
            Transform::Day => Sql::Int(i64::from(dt.day())),
            Transform::WeekDay => Sql::Int(i64::from(dt.weekday().number_from_sunday())),
            Transform::Week => Sql::Int(i64::from(dt.iso_week().week())),
            Transform::IsoYear => Sql::Int(i64::from(dt.iso_week().year())),
            Transform::Quarter => Sql::Int(i64::from(dt.month().div_ceil(3))),
            Transform::Hour => Sql::Int(i64::from(dt.hour())),
            Transform::Minute => Sql::Int(i64::from(dt.minute())),
            Transform::Second => Sql::Int(i64::from(dt.second())),
            Transform::Date => Sql::Text(dt.format("%Y-%m-%d").to_string()),
            Transform::Time => Sql::Text(dt.format("%H:%M:%S%.f").to_string()),
        };
    }
    value
}

impl Lookup {
    /// Whether a parameter is an integer SQLite cannot bind.
    pub fn too_large(&self) -> bool {
        match &self.test {
            Test::Compare(_, _, v) => *v == Sql::TooLarge,
            Test::In(items) => items.contains(&Sql::TooLarge),
            Test::Range(a, b) => *a == Sql::TooLarge || *b == Sql::TooLarge,
            _ => false,
        }
    }

    /// Whether a stored value passes (SQL's three-valued logic: NULL never passes, except
    /// `IS NULL`).
    pub fn matches(&self, stored: Sql) -> bool {
        let value = apply(&self.transforms, stored);
        match &self.test {
            Test::IsNull(want) => (value == Sql::Null) == *want,
            _ if value == Sql::Null => false,
            Test::Compare(direction, or_equal, rhs) => {
                if *rhs == Sql::Null {
                    return false;
                }
                let ordering = value.compare(rhs);
                ordering == *direction || (*or_equal && ordering == Ordering::Equal)
            }
            Test::Like(kind, pattern) => {
                let text = value.text().unwrap_or_default().to_ascii_lowercase();
                let pattern = pattern.to_ascii_lowercase();
                match kind {
                    Like::Exact => text == pattern,
                    Like::Contains => text.contains(&pattern),
                    Like::StartsWith => text.starts_with(&pattern),
                    Like::EndsWith => text.ends_with(&pattern),
                }
            }
            Test::Regex(pattern) => pattern.is_match(&value.text().unwrap_or_default()),
            Test::In(members) => members.iter().any(|m| value.compare(m) == Ordering::Equal),
            Test::Range(low, high) => {
                value.compare(low) != Ordering::Less && value.compare(high) != Ordering::Greater
            }
            Test::Nothing | Test::BadRegex => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn suggestions_are_difflibs() {
        assert_eq!(close_matches("isnull", &FIELD_LOOKUPS), vec!["isnull"]);
        assert_eq!(
            close_matches("endswith", &FIELD_LOOKUPS),
            vec!["endswith", "iendswith"]
        );
        assert!(close_matches("nosuchlookup", &FIELD_LOOKUPS).is_empty());
    }

    #[test]
    fn lookup_errors_name_the_class() {
        let double = build(
            Class::Integer,
            Some(Class::Integer),
            &["isnull".into(), "gt".into()],
            &Value::Null,
            Lang::En,
        )
        .unwrap_err();
        assert_eq!(double, "Unsupported lookup 'isnull' for IntegerField or join on the field not permitted, perhaps you meant isnull?");
        let related = build(
            Class::ForeignKey,
            Some(Class::Char),
            &["icontains".into()],
            &json!("x"),
            Lang::En,
        )
        .unwrap_err();
        assert_eq!(related, "Related Field got invalid lookup: icontains");
        let year = build(
            Class::DateTime,
            Some(Class::DateTime),
            &["year".into()],
            &json!("2026"),
            Lang::En,
        )
        .unwrap();
        assert!(year.matches(Sql::Text("2026-12-02 05:19:45.324".into())));
        assert!(!year.matches(Sql::Text("2025-12-02 05:19:45".into())));
    }
}
