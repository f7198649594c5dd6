//! The comparison words: the five condition operators ([`Op`]) and Django lookups ([`Lookup`]).

use serde::{Deserialize, Serialize};
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

/// The Django field lookups the DSL offers ([`ColumnRef::gte`], [`ColumnRef::is_null`], ...).
///
/// [`ColumnRef::gte`]: super::ColumnRef::gte
/// [`ColumnRef::is_null`]: super::ColumnRef::is_null
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
