//! Why a query cannot be built or read ([`QueryError`]).

use super::Op;

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
