//! A typed query DSL for the list endpoints (my missions, query-form list).
//!
//! It serializes to the exact wire keys `search_columns`, `search_conditions`,
//! `exclude_conditions`, `order_columns`, `start` and `limit`, and it cannot express the
//! requests the server silently misreads:
//!
//! | the server's silent case | here |
//! |---|---|
//! | an unknown condition word is treated as `=` | [`Op`] has the five real operators only |
//! | `in` with a string iterates its characters; with a number it fails | `is_in` takes a list |
//! | a condition missing a key drops it and every later one | a [`Condition`] always has all three |
//! | `limit` is an end index, not a page size | [`QueryBuilder::page_size`] and `offset`; `limit = offset + page_size` |
//! | exclude conditions drop a row only when all hold together | [`QueryBuilder::exclude_when_all`] says so |
//!
//! ```
//! use omflow_model::query::{col, Query};
//! let q = Query::builder()
//!     .filter(col("level").is_in(["red", "yellow"]))
//!     .filter(col("title").contains("printer"))
//!     .exclude_when_all(col("closed").eq(true))
//!     .order_by_desc("id")
//!     .page_size(50)
//!     .offset(100)
//!     .build()?;
//! let wire = serde_json::to_value(&q)?;
//! assert_eq!(wire["search_conditions"][0], serde_json::json!({"column":"level","condition":"in","value":["red","yellow"]}));
//! assert_eq!(wire["order_columns"], serde_json::json!(["-id"]));
//! assert_eq!((wire["start"].as_u64(), wire["limit"].as_u64()), (Some(100), Some(150)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// The five condition operators the server implements.
///
/// ```
/// use omflow_model::query::Op;
/// let words: Vec<String> = Op::ALL.iter().map(|op| op.to_string()).collect();
/// assert_eq!(words, ["=", ">", "<", "in", "contains"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Op {
    /// `=`: exact, case-sensitive equality (`null` means `IS NULL`).
    #[serde(rename = "=")]
    Eq,
    /// `>`: greater than.
    #[serde(rename = ">")]
    Gt,
    /// `<`: less than.
    #[serde(rename = "<")]
    Lt,
    /// `in`: membership in a list.
    #[serde(rename = "in")]
    In,
    /// `contains`: case-insensitive substring.
    #[serde(rename = "contains")]
    Contains,
}

impl Op {
    /// Every operator, in documentation order.
    pub const ALL: [Op; 5] = [Op::Eq, Op::Gt, Op::Lt, Op::In, Op::Contains];

    /// The wire word.
    #[must_use]
    pub const fn word(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Gt => ">",
            Op::Lt => "<",
            Op::In => "in",
            Op::Contains => "contains",
        }
    }

    /// Reads an exact wire word.
    #[must_use]
    pub fn from_word(word: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.word() == word)
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// A JSON scalar to compare against: text, number, boolean or null.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar(Value);

impl Scalar {
    /// `null`.
    pub const NULL: Scalar = Scalar(Value::Null);

    /// Accepts any JSON value but an array or an object.
    #[must_use]
    pub fn from_value(value: Value) -> Option<Scalar> {
        (!value.is_array() && !value.is_object()).then_some(Scalar(value))
    }

    /// The JSON value.
    #[must_use]
    pub fn as_value(&self) -> &Value {
        &self.0
    }
}

macro_rules! scalar_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Scalar {
            fn from(value: $t) -> Self {
                Scalar(Value::from(value))
            }
        }
    )*};
}
scalar_from!(&str, String, bool, i32, i64, u32, u64);

impl From<&String> for Scalar {
    fn from(value: &String) -> Self {
        Scalar(Value::from(value.as_str()))
    }
}

impl From<crate::DataId> for Scalar {
    fn from(value: crate::DataId) -> Self {
        Scalar(Value::from(value.get()))
    }
}

impl From<crate::DataNo> for Scalar {
    fn from(value: crate::DataNo) -> Self {
        Scalar(Value::from(value.get()))
    }
}

impl<T: Into<Scalar>> From<Option<T>> for Scalar {
    fn from(value: Option<T>) -> Self {
        value.map(Into::into).unwrap_or(Scalar::NULL)
    }
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// What a condition tests.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    /// `=`.
    Eq(Scalar),
    /// `>`.
    Gt(Scalar),
    /// `<`.
    Lt(Scalar),
    /// `contains` (case-insensitive).
    Contains(String),
    /// `in`, a non-empty list.
    In(Vec<Scalar>),
    /// A Django field lookup (`createtime__gte = value`): the server appends the column
    /// path unchecked, so `__gte`, `__isnull`, ... work with the `=` word.
    Lookup(Lookup, Scalar),
}

/// The Django field lookups the DSL offers ([`ColumnRef::gte`], [`ColumnRef::is_null`], ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Lookup {
    /// `__gte`: greater than or equal.
    Gte,
    /// `__lte`: less than or equal.
    Lte,
    /// `__isnull` (value `true` or `false`).
    IsNull,
    /// `__startswith` (case-sensitive).
    StartsWith,
    /// `__istartswith`.
    IStartsWith,
    /// `__endswith` (case-sensitive).
    EndsWith,
    /// `__iexact`: equal ignoring case.
    IExact,
    /// `__regex` (the server's SQLite runs Python's `re.search`).
    Regex,
}

impl Lookup {
    /// Every lookup.
    pub const ALL: [Lookup; 8] = [
        Lookup::Gte,
        Lookup::Lte,
        Lookup::IsNull,
        Lookup::StartsWith,
        Lookup::IStartsWith,
        Lookup::EndsWith,
        Lookup::IExact,
        Lookup::Regex,
    ];

    /// The suffix after `__`.
    #[must_use]
    pub const fn suffix(self) -> &'static str {
        match self {
            Lookup::Gte => "gte",
            Lookup::Lte => "lte",
            Lookup::IsNull => "isnull",
            Lookup::StartsWith => "startswith",
            Lookup::IStartsWith => "istartswith",
            Lookup::EndsWith => "endswith",
            Lookup::IExact => "iexact",
            Lookup::Regex => "regex",
        }
    }

    /// Reads a suffix.
    #[must_use]
    pub fn from_suffix(suffix: &str) -> Option<Lookup> {
        Lookup::ALL.into_iter().find(|l| l.suffix() == suffix)
    }
}

/// Django's lookup names: a path ending in one is a lookup, not a column.
const DJANGO_LOOKUPS: [&str; 29] = [
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
    "range",
    "date",
    "year",
    "iso_year",
    "month",
    "day",
    "week",
    "week_day",
    "quarter",
    "time",
    "hour",
    "minute",
    "second",
    "isnull",
    "regex",
    "iregex",
];

impl Predicate {
    /// The operator.
    #[must_use]
    pub fn op(&self) -> Op {
        match self {
            Predicate::Eq(_) => Op::Eq,
            Predicate::Gt(_) => Op::Gt,
            Predicate::Lt(_) => Op::Lt,
            Predicate::Contains(_) => Op::Contains,
            Predicate::In(_) => Op::In,
            Predicate::Lookup(..) => Op::Eq,
        }
    }

    /// The wire `value`.
    #[must_use]
    pub fn value(&self) -> Value {
        match self {
            Predicate::Eq(v) | Predicate::Gt(v) | Predicate::Lt(v) | Predicate::Lookup(_, v) => {
                v.0.clone()
            }
            Predicate::Contains(text) => Value::String(text.clone()),
            Predicate::In(items) => Value::Array(items.iter().map(|s| s.0.clone()).collect()),
        }
    }
}

/// A column name or a relation path: ASCII letters, digits and `_`, not starting with a
/// digit; `__` joins the steps of a path (`create_user__nick_name`,
/// `assign_group__display_name`), which the server resolves through Django. A path ending in
/// a Django lookup (`__gte`, `__isnull`, ...) is refused: write it with [`ColumnRef::gte`]
/// and the other typed lookups, which also keep it away from projections and ordering.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Column(String);

impl Column {
    /// Checks a column name.
    ///
    /// # Errors
    /// [`QueryError::InvalidColumn`] saying why.
    pub fn new(name: impl Into<String>) -> Result<Column, QueryError> {
        let name = name.into();
        let reason = if name.is_empty() {
            Some("it is empty")
        } else if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            Some("only ASCII letters, digits and '_' are allowed")
        } else if name.as_bytes()[0].is_ascii_digit() {
            Some("it starts with a digit")
        } else if name
            .split("__")
            .any(|step| step.is_empty() || step.starts_with('_') || step.ends_with('_'))
        {
            Some("'__' joins non-empty steps of a relation path")
        } else if name.contains("__")
            && name
                .rsplit("__")
                .next()
                .is_some_and(|last| DJANGO_LOOKUPS.contains(&last))
        {
            Some("a path ending in a Django lookup; use the typed lookups (col(..).gte(..), .is_null(..), .starts_with(..), ...)")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(QueryError::InvalidColumn {
                column: name,
                reason,
            }),
            None => Ok(Column(name)),
        }
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Starts a condition on a column: `col("level").eq("red")`.
pub fn col(name: impl Into<String>) -> ColumnRef {
    ColumnRef(name.into())
}

/// A column named in a condition being written; see [`col`].
#[derive(Debug, Clone)]
pub struct ColumnRef(String);

impl ColumnRef {
    fn with(self, predicate: Predicate) -> ConditionSpec {
        ConditionSpec {
            column: self.0,
            predicate,
        }
    }

    /// `column = value` (exact; `null` tests `IS NULL`).
    pub fn eq(self, value: impl Into<Scalar>) -> ConditionSpec {
        self.with(Predicate::Eq(value.into()))
    }

    /// `column > value` (not `null`).
    pub fn gt(self, value: impl Into<Scalar>) -> ConditionSpec {
        self.with(Predicate::Gt(value.into()))
    }

    /// `column < value` (not `null`).
    pub fn lt(self, value: impl Into<Scalar>) -> ConditionSpec {
        self.with(Predicate::Lt(value.into()))
    }

    /// A step along a relation: `col("create_user").span("nick_name")` is the column path
    /// `create_user__nick_name`.
    #[must_use]
    pub fn span(mut self, field: &str) -> ColumnRef {
        self.0.push_str("__");
        self.0.push_str(field);
        self
    }

    /// `column >= value` (Django `__gte`; not `null`).
    pub fn gte(self, value: impl Into<Scalar>) -> ConditionSpec {
        self.with(Predicate::Lookup(Lookup::Gte, value.into()))
    }

    /// `column <= value` (Django `__lte`; not `null`).
    pub fn lte(self, value: impl Into<Scalar>) -> ConditionSpec {
        self.with(Predicate::Lookup(Lookup::Lte, value.into()))
    }

    /// `column IS NULL` when `null` is true, `IS NOT NULL` when false (Django `__isnull`).
    #[must_use]
    pub fn is_null(self, null: bool) -> ConditionSpec {
        self.with(Predicate::Lookup(Lookup::IsNull, Scalar::from(null)))
    }

    /// Text starting with `prefix`, case-sensitive (Django `__startswith`).
    pub fn starts_with(self, prefix: impl Into<String>) -> ConditionSpec {
        self.with(Predicate::Lookup(
            Lookup::StartsWith,
            Scalar(Value::String(prefix.into())),
        ))
    }

    /// Text ending with `suffix`, case-sensitive (Django `__endswith`).
    pub fn ends_with(self, suffix: impl Into<String>) -> ConditionSpec {
        self.with(Predicate::Lookup(
            Lookup::EndsWith,
            Scalar(Value::String(suffix.into())),
        ))
    }

    /// Equal ignoring case (Django `__iexact`).
    pub fn eq_ignore_case(self, text: impl Into<String>) -> ConditionSpec {
        self.with(Predicate::Lookup(
            Lookup::IExact,
            Scalar(Value::String(text.into())),
        ))
    }

    /// Matches a regular expression (Django `__regex`, Python's syntax on the server).
    pub fn matches_regex(self, pattern: impl Into<String>) -> ConditionSpec {
        self.with(Predicate::Lookup(
            Lookup::Regex,
            Scalar(Value::String(pattern.into())),
        ))
    }

    /// Case-insensitive substring.
    pub fn contains(self, text: impl Into<String>) -> ConditionSpec {
        self.with(Predicate::Contains(text.into()))
    }

    /// Membership in a non-empty list.
    pub fn is_in<I, T>(self, values: I) -> ConditionSpec
    where
        I: IntoIterator<Item = T>,
        T: Into<Scalar>,
    {
        self.with(Predicate::In(values.into_iter().map(Into::into).collect()))
    }
}

/// A condition as written, checked by [`QueryBuilder::build`].
#[derive(Debug, Clone)]
pub struct ConditionSpec {
    column: String,
    predicate: Predicate,
}

impl ConditionSpec {
    fn check(self) -> Result<Condition, QueryError> {
        let column = Column::new(self.column)?;
        match &self.predicate {
            Predicate::Gt(v)
            | Predicate::Lt(v)
            | Predicate::Lookup(Lookup::Gte | Lookup::Lte, v)
                if v.0.is_null() =>
            {
                return Err(QueryError::NullComparison {
                    column: column.0,
                    op: self.predicate.op(),
                })
            }
            Predicate::In(items) if items.is_empty() => {
                return Err(QueryError::EmptyIn { column: column.0 })
            }
            _ => {}
        }
        Ok(Condition {
            column,
            predicate: self.predicate,
        })
    }
}

/// A checked condition `{column, condition, value}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    column: Column,
    predicate: Predicate,
}

impl Condition {
    /// The column.
    #[must_use]
    pub fn column(&self) -> &Column {
        &self.column
    }

    /// What it tests.
    #[must_use]
    pub fn predicate(&self) -> &Predicate {
        &self.predicate
    }
}

impl Serialize for Condition {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        match &self.predicate {
            Predicate::Lookup(lookup, _) => {
                map.serialize_entry("column", &format!("{}__{}", self.column, lookup.suffix()))?
            }
            _ => map.serialize_entry("column", &self.column)?,
        }
        map.serialize_entry("condition", self.predicate.op().word())?;
        map.serialize_entry("value", &self.predicate.value())?;
        map.end()
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.column,
            self.predicate.op(),
            self.predicate.value()
        )
    }
}

/// A sort key: a column, ascending or descending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// The column.
    pub column: Column,
    /// Descending (`-column` on the wire).
    pub descending: bool,
}

impl Order {
    fn wire(&self) -> String {
        if self.descending {
            format!("-{}", self.column)
        } else {
            self.column.to_string()
        }
    }
}

/// The default page size, the server's own default `limit`.
pub const DEFAULT_PAGE_SIZE: u64 = 100;

/// A checked list query. Build one with [`Query::builder`]; `Query::default()` lists
/// everything, 100 rows from the first.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    columns: Vec<Column>,
    filters: Vec<Condition>,
    excludes: Vec<Condition>,
    order: Vec<Order>,
    offset: u64,
    page_size: u64,
}

impl Default for Query {
    fn default() -> Self {
        Query {
            columns: Vec::new(),
            filters: Vec::new(),
            excludes: Vec::new(),
            order: Vec::new(),
            offset: 0,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

impl Query {
    /// Starts a query.
    #[must_use]
    pub fn builder() -> QueryBuilder {
        QueryBuilder::default()
    }

    /// The projection (`search_columns`); empty means every column.
    #[must_use]
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The filter conditions, all of which must hold.
    #[must_use]
    pub fn filters(&self) -> &[Condition] {
        &self.filters
    }

    /// The exclude group: a row is dropped only when all of these hold for it.
    #[must_use]
    pub fn excludes(&self) -> &[Condition] {
        &self.excludes
    }

    /// The sort keys; empty means the server's default, `id` ascending.
    #[must_use]
    pub fn order(&self) -> &[Order] {
        &self.order
    }

    /// The first row (`start`).
    #[must_use]
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Rows per page.
    #[must_use]
    pub fn page_size(&self) -> u64 {
        self.page_size
    }

    /// The wire `limit`: the end index `offset + page_size`.
    #[must_use]
    pub fn limit(&self) -> u64 {
        self.offset + self.page_size
    }

    /// The same query starting at another row; `None` when the end index would overflow.
    #[must_use]
    pub fn at_offset(&self, offset: u64) -> Option<Query> {
        offset.checked_add(self.page_size)?;
        Some(Query {
            offset,
            ..self.clone()
        })
    }

    /// The same query with one more filter condition.
    ///
    /// # Errors
    /// As [`QueryBuilder::build`].
    pub fn and_filter(&self, condition: ConditionSpec) -> Result<Query, QueryError> {
        let mut query = self.clone();
        query.filters.push(condition.check()?);
        Ok(query)
    }

    /// The same query with a projection (`search_columns`); empty means every column.
    ///
    /// # Errors
    /// As [`QueryBuilder::build`].
    pub fn with_columns<I, S>(&self, columns: I) -> Result<Query, QueryError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut query = self.clone();
        query.columns = columns
            .into_iter()
            .map(|c| Column::new(c.into()))
            .collect::<Result<_, _>>()?;
        Ok(query)
    }

    /// The same query with another page size (at least 1).
    ///
    /// # Errors
    /// [`QueryError::InvalidPaging`] for 0 or a page past the largest index.
    pub fn with_page_size(&self, page_size: u64) -> Result<Query, QueryError> {
        if page_size == 0 || self.offset.checked_add(page_size).is_none() {
            return Err(QueryError::InvalidPaging {
                reason: format!("invalid page size {page_size}"),
            });
        }
        Ok(Query {
            page_size,
            ..self.clone()
        })
    }

    /// The same query for the following page; `None` past the last representable row.
    #[must_use]
    pub fn next_page(&self) -> Option<Query> {
        self.at_offset(self.offset.checked_add(self.page_size)?)
    }

    /// Checks a query read from its wire form (for queries kept in configuration).
    ///
    /// Strict where the server is silent: an unknown operator, a condition missing a key,
    /// `in` without a list, a condition list that is not a list, negative or non-integer
    /// `start`/`limit`, `limit <= start`, and unknown keys are all errors that name the
    /// offending place.
    ///
    /// # Errors
    /// A [`QueryError`] naming the offending place (see above).
    pub fn from_wire(value: &Value) -> Result<Query, QueryError> {
        let object = value.as_object().ok_or(QueryError::NotAnObject {
            place: "query".to_string(),
        })?;
        const KEYS: [&str; 6] = [
            "search_columns",
            "search_conditions",
            "exclude_conditions",
            "order_columns",
            "start",
            "limit",
        ];
        if let Some(key) = object.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(QueryError::UnknownKey { key: key.clone() });
        }
        let strings = |key: &'static str| -> Result<Vec<String>, QueryError> {
            match object.get(key) {
                None => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| {
                        item.as_str()
                            .map(str::to_string)
                            .ok_or(QueryError::NotAString {
                                place: format!("{key}[{index}]"),
                            })
                    })
                    .collect(),
                Some(_) => Err(QueryError::NotAList { key }),
            }
        };
        let columns = strings("search_columns")?
            .into_iter()
            .map(Column::new)
            .collect::<Result<Vec<_>, _>>()?;
        let mut order = Vec::new();
        for name in strings("order_columns")? {
            let (descending, column) = match name.strip_prefix('-') {
                Some(rest) => (true, rest.to_string()),
                None => (false, name),
            };
            order.push(Order {
                column: Column::new(column)?,
                descending,
            });
        }
        let filters = conditions_from_wire(object, "search_conditions")?;
        let excludes = conditions_from_wire(object, "exclude_conditions")?;
        let index = |key: &'static str, default: u64| -> Result<u64, QueryError> {
            match object.get(key) {
                None => Ok(default),
                Some(Value::Number(n)) => n.as_u64().ok_or(QueryError::InvalidPaging {
                    reason: format!("{key} must be a non-negative integer, got {n}"),
                }),
                Some(other) => Err(QueryError::InvalidPaging {
                    reason: format!("{key} must be a non-negative integer, got {other}"),
                }),
            }
        };
        let offset = index("start", 0)?;
        let limit = index("limit", DEFAULT_PAGE_SIZE)?;
        if limit <= offset {
            return Err(QueryError::InvalidPaging {
                reason: format!(
                    "limit is an end index and must be greater than start (start {offset}, limit {limit} selects no row)"
                ),
            });
        }
        Ok(Query {
            columns,
            filters,
            excludes,
            order,
            offset,
            page_size: limit - offset,
        })
    }
}

fn conditions_from_wire(
    object: &Map<String, Value>,
    key: &'static str,
) -> Result<Vec<Condition>, QueryError> {
    let items = match object.get(key) {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(QueryError::NotAList { key }),
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let place = format!("{key}[{index}]");
            let object = item.as_object().ok_or_else(|| QueryError::NotAnObject {
                place: place.clone(),
            })?;
            if let Some(extra) = object
                .keys()
                .find(|k| !["column", "condition", "value"].contains(&k.as_str()))
            {
                return Err(QueryError::UnknownKey {
                    key: format!("{place}.{extra}"),
                });
            }
            let get = |name: &'static str| {
                object.get(name).ok_or_else(|| QueryError::MissingKey {
                    place: place.clone(),
                    key: name,
                })
            };
            let column = get("column")?
                .as_str()
                .ok_or_else(|| QueryError::NotAString {
                    place: format!("{place}.column"),
                })?
                .to_string();
            let word = get("condition")?
                .as_str()
                .ok_or_else(|| QueryError::NotAString {
                    place: format!("{place}.condition"),
                })?;
            let op = Op::from_word(word).ok_or_else(|| QueryError::UnknownOperator {
                place: place.clone(),
                found: word.to_string(),
            })?;
            let value = get("value")?.clone();
            let (column, lookup) = match column.rsplit_once("__") {
                Some((path, suffix)) => match Lookup::from_suffix(suffix) {
                    Some(lookup) if op == Op::Eq => (path.to_string(), Some(lookup)),
                    Some(_) => {
                        return Err(QueryError::InvalidColumn {
                            column,
                            reason: "a lookup column with a condition other than '=' is a double lookup the server rejects",
                        })
                    }
                    None => (column, None),
                },
                None => (column, None),
            };
            let scalar = |value: Value| {
                Scalar::from_value(value).ok_or_else(|| QueryError::NotAScalar {
                    place: format!("{place}.value"),
                })
            };
            let predicate = match (op, lookup) {
                (_, Some(lookup)) => Predicate::Lookup(lookup, scalar(value)?),
                (op, None) => match op {
                Op::Eq => Predicate::Eq(scalar(value)?),
                Op::Gt => Predicate::Gt(scalar(value)?),
                Op::Lt => Predicate::Lt(scalar(value)?),
                Op::Contains => match value {
                    Value::String(text) => Predicate::Contains(text),
                    _ => {
                        return Err(QueryError::ContainsNeedsText {
                            place: format!("{place}.value"),
                        })
                    }
                },
                Op::In => match value {
                    Value::Array(items) => {
                        Predicate::In(items.into_iter().map(scalar).collect::<Result<_, _>>()?)
                    }
                    other => {
                        return Err(QueryError::InNeedsList {
                            place: format!("{place}.value"),
                            found: other.to_string(),
                        })
                    }
                },
                },
            };
            ConditionSpec { column, predicate }.check()
        })
        .collect()
}

impl Serialize for Query {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("search_columns", &self.columns)?;
        map.serialize_entry("search_conditions", &self.filters)?;
        map.serialize_entry("exclude_conditions", &self.excludes)?;
        let order: Vec<String> = self.order.iter().map(Order::wire).collect();
        map.serialize_entry("order_columns", &order)?;
        map.serialize_entry("limit", &self.limit())?;
        map.serialize_entry("start", &self.offset)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for Query {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Query::from_wire(&value).map_err(de::Error::custom)
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |conditions: &[Condition]| {
            conditions
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        if self.filters.is_empty() {
            f.write_str("all rows")?;
        } else {
            f.write_str(&join(&self.filters))?;
        }
        if !self.excludes.is_empty() {
            write!(f, " EXCEPT WHEN ({})", join(&self.excludes))?;
        }
        if !self.order.is_empty() {
            let order: Vec<String> = self.order.iter().map(Order::wire).collect();
            write!(f, " ORDER BY {}", order.join(", "))?;
        }
        if !self.columns.is_empty() {
            let columns: Vec<&str> = self.columns.iter().map(Column::as_str).collect();
            write!(f, " COLUMNS {}", columns.join(", "))?;
        }
        write!(f, " ROWS {}..{}", self.offset, self.limit())
    }
}

/// Writes a [`Query`]; nothing is checked until [`QueryBuilder::build`].
#[derive(Debug, Clone, Default)]
pub struct QueryBuilder {
    columns: Vec<String>,
    filters: Vec<ConditionSpec>,
    excludes: Vec<ConditionSpec>,
    order: Vec<(String, bool)>,
    offset: u64,
    page_size: Option<u64>,
}

impl QueryBuilder {
    /// Adds a condition every row must meet (all filters are ANDed).
    #[must_use]
    pub fn filter(mut self, condition: ConditionSpec) -> Self {
        self.filters.push(condition);
        self
    }

    /// Adds a condition to the exclude group. The server drops a row only when it matches
    /// **all** conditions of the group together (`NOT (a AND b)`), not when it matches any.
    #[must_use]
    pub fn exclude_when_all(mut self, condition: ConditionSpec) -> Self {
        self.excludes.push(condition);
        self
    }

    /// Sorts by a column, ascending (after the keys given before).
    pub fn order_by(mut self, column: impl Into<String>) -> Self {
        self.order.push((column.into(), false));
        self
    }

    /// Sorts by a column, descending.
    pub fn order_by_desc(mut self, column: impl Into<String>) -> Self {
        self.order.push((column.into(), true));
        self
    }

    /// Returns only these columns (`search_columns`).
    pub fn columns<I, S>(mut self, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.columns.extend(columns.into_iter().map(Into::into));
        self
    }

    /// Skips this many rows (`start`).
    #[must_use]
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// Rows per page (at least 1; default 100).
    #[must_use]
    pub fn page_size(mut self, page_size: u64) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// Checks everything and builds the query.
    ///
    /// # Errors
    /// [`QueryError`]: an invalid column or path, `in` with no value, `>`/`<`/`>=`/`<=` with `null`, or paging the server would misread.
    pub fn build(self) -> Result<Query, QueryError> {
        let page_size = self.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if page_size == 0 {
            return Err(QueryError::InvalidPaging {
                reason: "page size must be at least 1".to_string(),
            });
        }
        if self.offset.checked_add(page_size).is_none() {
            return Err(QueryError::InvalidPaging {
                reason: "offset + page size overflows".to_string(),
            });
        }
        Ok(Query {
            columns: self
                .columns
                .into_iter()
                .map(Column::new)
                .collect::<Result<_, _>>()?,
            filters: self
                .filters
                .into_iter()
                .map(ConditionSpec::check)
                .collect::<Result<_, _>>()?,
            excludes: self
                .excludes
                .into_iter()
                .map(ConditionSpec::check)
                .collect::<Result<_, _>>()?,
            order: self
                .order
                .into_iter()
                .map(|(column, descending)| {
                    Ok(Order {
                        column: Column::new(column)?,
                        descending,
                    })
                })
                .collect::<Result<_, QueryError>>()?,
            offset: self.offset,
            page_size,
        })
    }
}

/// A query that cannot be built or read, and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// A column name the DSL does not accept.
    #[error("invalid column {column:?}: {reason}")]
    InvalidColumn {
        /// The name.
        column: String,
        /// Why.
        reason: &'static str,
    },
    /// A condition word other than the five operators (the server would silently use `=`).
    #[error("{place}: unknown condition {found:?}; allowed: \"=\", \">\", \"<\", \"in\", \"contains\" (the server would silently treat it as \"=\")")]
    UnknownOperator {
        /// Where.
        place: String,
        /// The word found.
        found: String,
    },
    /// A condition without `column`, `condition` or `value` (the server would silently
    /// drop it and every later condition).
    #[error("{place}: missing \"{key}\"; a condition needs \"column\", \"condition\" and \"value\" (the server would silently drop it and every condition after it)")]
    MissingKey {
        /// Where.
        place: String,
        /// The missing key.
        key: &'static str,
    },
    /// `in` with something other than a list (the server iterates a string's characters).
    #[error("{place}: \"in\" needs a list of values, got {found} (the server would match single characters of a string)")]
    InNeedsList {
        /// Where.
        place: String,
        /// The value found.
        found: String,
    },
    /// `in` with an empty list (matches nothing).
    #[error("column {column}: \"in\" needs at least one value (an empty list matches no row)")]
    EmptyIn {
        /// The column.
        column: String,
    },
    /// `>` or `<` against `null` (the server fails the query).
    #[error("column {column}: \"{op}\" cannot compare with null")]
    NullComparison {
        /// The column.
        column: String,
        /// The operator.
        op: Op,
    },
    /// `contains` with a non-text value.
    #[error("{place}: \"contains\" needs a text value")]
    ContainsNeedsText {
        /// Where.
        place: String,
    },
    /// A list or an object where a single value belongs.
    #[error("{place}: expected a text, number, boolean or null value")]
    NotAScalar {
        /// Where.
        place: String,
    },
    /// A condition that is not an object (the server would silently drop it and the rest).
    #[error("{place}: expected an object")]
    NotAnObject {
        /// Where.
        place: String,
    },
    /// A key that must be a list is not (the server would ignore or misread it).
    #[error("{key} must be a list")]
    NotAList {
        /// The key.
        key: &'static str,
    },
    /// A text was expected.
    #[error("{place}: expected a text")]
    NotAString {
        /// Where.
        place: String,
    },
    /// Bad `start`/`limit` or page size.
    #[error("invalid paging: {reason}")]
    InvalidPaging {
        /// Why.
        reason: String,
    },
    /// A key the query format does not have.
    #[error("unknown key {key:?}; a query has search_columns, search_conditions, exclude_conditions, order_columns, start and limit")]
    UnknownKey {
        /// The key.
        key: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_operator_renders_its_word() {
        let q = Query::builder()
            .filter(col("level").eq("red"))
            .filter(col("id").gt(20))
            .filter(col("id").lt(18))
            .filter(col("data_no").is_in([1, 3, 4]))
            .filter(col("title").contains("printer"))
            .build()
            .unwrap();
        let words: Vec<Value> = serde_json::to_value(&q).unwrap()["search_conditions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["condition"].clone())
            .collect();
        assert_eq!(
            words,
            vec![
                json!("="),
                json!(">"),
                json!("<"),
                json!("in"),
                json!("contains")
            ]
        );
    }

    #[test]
    fn default_query_is_the_servers_default_body() {
        let wire = serde_json::to_value(Query::default()).unwrap();
        assert_eq!(
            wire,
            json!({"search_columns":[],"search_conditions":[],"exclude_conditions":[],"order_columns":[],"limit":100,"start":0})
        );
    }

    #[test]
    fn paging_is_offset_and_page_size() {
        let q = Query::builder().offset(2).page_size(1).build().unwrap();
        let wire = serde_json::to_value(&q).unwrap();
        assert_eq!(
            (wire["start"].clone(), wire["limit"].clone()),
            (json!(2), json!(3))
        );
        assert_eq!(q.next_page().unwrap().offset(), 3);
        assert!(Query::builder().page_size(0).build().is_err());
        assert!(Query::builder().offset(u64::MAX).build().is_err());
    }

    #[test]
    fn lookups_and_spans_serialize_as_django_column_paths() {
        let q = Query::builder()
            .filter(col("createtime").gte("2026-01-01"))
            .filter(col("data_no").lte(10))
            .filter(col("assignee_id").is_null(true))
            .filter(col("create_user").span("nick_name").starts_with("Ca"))
            .exclude_when_all(col("title").eq_ignore_case("x"))
            .order_by("assign_group__display_name")
            .build()
            .unwrap();
        let wire = serde_json::to_value(&q).unwrap();
        assert_eq!(
            wire["search_conditions"],
            json!([
                {"column": "createtime__gte", "condition": "=", "value": "2026-01-01"},
                {"column": "data_no__lte", "condition": "=", "value": 10},
                {"column": "assignee_id__isnull", "condition": "=", "value": true},
                {"column": "create_user__nick_name__startswith", "condition": "=", "value": "Ca"}
            ])
        );
        assert_eq!(wire["exclude_conditions"][0]["column"], "title__iexact");
        assert_eq!(wire["order_columns"], json!(["assign_group__display_name"]));
        let back = Query::from_wire(&wire).unwrap();
        assert_eq!(serde_json::to_value(&back).unwrap(), wire, "round trip");
        let double = json!({"search_conditions": [{"column": "data_no__gte", "condition": ">", "value": 1}]});
        assert!(Query::from_wire(&double).is_err());
    }

    #[test]
    fn build_rejects_what_the_server_misreads() {
        assert!(matches!(
            Query::builder()
                .filter(col("data_no").is_in(Vec::<u64>::new()))
                .build(),
            Err(QueryError::EmptyIn { .. })
        ));
        assert!(matches!(
            Query::builder().filter(col("id").gt(Scalar::NULL)).build(),
            Err(QueryError::NullComparison { .. })
        ));
        assert!(matches!(
            Query::builder()
                .filter(col("title__startswith").eq("x"))
                .build(),
            Err(QueryError::InvalidColumn { .. })
        ));
        assert!(matches!(
            Query::builder().filter(col("a___b").eq("x")).build(),
            Err(QueryError::InvalidColumn { .. })
        ));
        assert!(matches!(
            Query::builder()
                .filter(col("createtime").gte(Scalar::NULL))
                .build(),
            Err(QueryError::NullComparison { .. })
        ));
        assert!(matches!(
            Query::builder().order_by("").build(),
            Err(QueryError::InvalidColumn { .. })
        ));
    }

    #[test]
    fn strict_wire_reading_names_each_silent_case() {
        let read = |v: Value| Query::from_wire(&v).unwrap_err();
        let err = read(
            json!({"search_conditions":[{"column":"level","condition":"like","value":"red"}]}),
        );
        assert!(matches!(err, QueryError::UnknownOperator { .. }));
        assert!(err.to_string().contains("search_conditions[0]"), "{err}");
        assert!(err.to_string().contains("\"contains\""), "{err}");
        let err = read(
            json!({"search_conditions":[{"column":"a","condition":"=","value":1},{"column":"level","value":"red"}]}),
        );
        assert_eq!(
            err,
            QueryError::MissingKey {
                place: "search_conditions[1]".into(),
                key: "condition"
            }
        );
        assert!(matches!(
            read(json!({"search_conditions":[{"column":"level","condition":"in","value":"red"}]})),
            QueryError::InNeedsList { .. }
        ));
        assert!(matches!(
            read(json!({"search_conditions":[{"column":"data_no","condition":"in","value":3}]})),
            QueryError::InNeedsList { .. }
        ));
        assert!(matches!(
            read(json!({"search_conditions":{"column":"level","condition":"=","value":"red"}})),
            QueryError::NotAList { .. }
        ));
        assert!(matches!(
            read(json!({"exclude_conditions":["x"]})),
            QueryError::NotAnObject { .. }
        ));
        assert!(matches!(
            read(json!({"start":-1})),
            QueryError::InvalidPaging { .. }
        ));
        assert!(matches!(
            read(json!({"limit":"abc"})),
            QueryError::InvalidPaging { .. }
        ));
        assert!(matches!(
            read(json!({"start":100,"limit":100})),
            QueryError::InvalidPaging { .. }
        ));
        assert!(matches!(
            read(json!({"order_columns":"-id"})),
            QueryError::NotAList { .. }
        ));
        assert!(matches!(
            read(json!({"security":"x"})),
            QueryError::UnknownKey { .. }
        ));
        assert!(matches!(
            read(
                json!({"search_conditions":[{"column":"CONTAINS","condition":"CONTAINS","value":"x"}]})
            ),
            QueryError::UnknownOperator { .. }
        ));
    }

    #[test]
    fn wire_round_trip_of_a_recorded_body() {
        let body = json!({"search_columns":["id","title"],"search_conditions":[{"column":"title","condition":"contains","value":"printer"},{"column":"level","condition":"=","value":"red"}],"exclude_conditions":[{"column":"level","condition":"=","value":"green"}],"order_columns":["-id"],"limit":100,"start":0});
        let q = Query::from_wire(&body).unwrap();
        assert_eq!(serde_json::to_value(&q).unwrap(), body);
        assert_eq!(
            q.to_string(),
            "title contains \"printer\" AND level = \"red\" EXCEPT WHEN (level = \"green\") ORDER BY -id COLUMNS id, title ROWS 0..100"
        );
    }
}
