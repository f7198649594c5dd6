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

mod builder;
mod checked;
mod column;
mod condition;
mod error;
mod op;
mod scalar;
#[cfg(test)]
mod tests;
mod wire;

pub use builder::QueryBuilder;
pub use checked::{Order, Query, DEFAULT_PAGE_SIZE};
pub use column::Column;
pub use condition::{col, ColumnRef, Condition, ConditionSpec, Predicate};
pub use error::QueryError;
pub use op::{Lookup, Op};
pub use scalar::Scalar;
