//! Conditions: written with [`col`] as a [`ConditionSpec`], checked into a [`Condition`].

use super::{Column, Lookup, Op, QueryError, Scalar};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value;
use std::fmt;

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

/// A condition as written, checked by [`QueryBuilder::build`](super::QueryBuilder::build).
#[derive(Debug, Clone)]
pub struct ConditionSpec {
    pub(super) column: String,
    pub(super) predicate: Predicate,
}

impl ConditionSpec {
    pub(super) fn check(self) -> Result<Condition, QueryError> {
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
