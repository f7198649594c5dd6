//! The checked list query [`Query`]: its parts, sort keys ([`Order`]), paging, and its text.

use super::{Column, Condition, ConditionSpec, QueryBuilder, QueryError};
use std::fmt;

/// A sort key: a column, ascending or descending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// The column.
    pub column: Column,
    /// Descending (`-column` on the wire).
    pub descending: bool,
}

impl Order {
    pub(super) fn wire(&self) -> String {
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
    pub(super) columns: Vec<Column>,
    pub(super) filters: Vec<Condition>,
    pub(super) excludes: Vec<Condition>,
    pub(super) order: Vec<Order>,
    pub(super) offset: u64,
    pub(super) page_size: u64,
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
