//! Writing a query ([`QueryBuilder`]) and checking it into a [`Query`].

use super::{Column, ConditionSpec, Order, Query, QueryError, DEFAULT_PAGE_SIZE};

/// Writes a [`Query`]; nothing is checked until [`QueryBuilder::build`].
#[derive(Debug, Clone, Default)]
#[must_use = "a query builder does nothing until built"]
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
    pub fn filter(mut self, condition: ConditionSpec) -> Self {
        self.filters.push(condition);
        self
    }

    /// Adds a condition to the exclude group. The server drops a row only when it matches
    /// **all** conditions of the group together (`NOT (a AND b)`), not when it matches any.
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
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// Rows per page (at least 1; default 100).
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
