//! Checked column names and relation paths ([`Column`]), never ending in a Django lookup.

use super::QueryError;
use serde::Serialize;
use std::fmt;

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

/// A column name or a relation path: ASCII letters, digits and `_`, not starting with a
/// digit; `__` joins the steps of a path (`create_user__nick_name`,
/// `assign_group__display_name`), which the server resolves through Django. A path ending in
/// a Django lookup (`__gte`, `__isnull`, ...) is refused: write it with [`ColumnRef::gte`]
/// and the other typed lookups, which also keep it away from projections and ordering.
///
/// [`ColumnRef::gte`]: super::ColumnRef::gte
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Column(pub(super) String);

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
