//! The WHERE clause: `filter()`/`exclude()` conditions built, compiled and tested on rows.

use omflow_model::Lang;
use serde_json::{Map, Value};

use super::join::{expand, Joined};
use super::path::{Hop, Path, Resolver};
use super::Tables;
use crate::django::lookup::{self, Lookup};
use crate::django::schema::ModelId;
use crate::django::value::TOO_LARGE;

/// One condition of a filter or exclude.
pub(super) struct Condition {
    pub(super) path: Path,
    pub(super) lookup: Lookup,
}

/// `filter(**{column: value})` for each word in turn: the column's path, then the lookup
/// on it; the first error wins.
pub(super) fn conditions(
    resolver: &Resolver<'_, '_>,
    base: ModelId,
    words: &[(String, Value)],
    lang: Lang,
) -> Result<Vec<Condition>, String> {
    words
        .iter()
        .map(|(column, value)| {
            if column.is_empty() {
                return Err("Cannot parse keyword query ''".to_string());
            }
            let names: Vec<String> = column.split("__").map(str::to_string).collect();
            let path = resolver.names_to_path(base, &names, false)?;
            let lookup = lookup::build(path.last.class, path.last.cast(), &path.rest, value, lang)?;
            Ok(Condition { path, lookup })
        })
        .collect()
}

/// Compiling the WHERE clause, condition by condition: errors Django defers to
/// `get_db_prep_value`, and `EmptyResultSet` (an empty `in`) ending the query with no
/// rows, which is `Ok(true)`; inside an exclude an empty condition matches everything
/// instead.
pub(super) fn compile_where(filters: &[Condition], excludes: &[Condition]) -> Result<bool, String> {
    for condition in filters {
        if let Some(error) = &condition.lookup.deferred {
            return Err(error.clone());
        }
        if matches!(condition.lookup.test, lookup::Test::Nothing) {
            return Ok(true);
        }
    }
    if let Some(error) = excludes.iter().find_map(|c| c.lookup.deferred.clone()) {
        return Err(error);
    }
    Ok(false)
}

/// Binding the parameters: an integer SQLite cannot hold fails the query.
pub(super) fn check_bindable(filters: &[Condition], excludes: &[Condition]) -> Result<(), String> {
    if filters.iter().chain(excludes).any(|c| c.lookup.too_large()) {
        return Err(TOO_LARGE.into());
    }
    Ok(())
}

/// SQLite's REGEXP raising for a pattern Python cannot compile: the query fails once a row
/// reaches that condition with a value (the conditions before it, in order, passed).
/// Conditions through a join are left to match nothing.
pub(super) fn check_regex(
    rows: &[&Map<String, Value>],
    filters: &[Condition],
    excludes: &[Condition],
) -> Result<(), String> {
    const RAISED: &str = "user-defined function raised exception";
    let bad = |c: &Condition| {
        matches!(c.lookup.test, lookup::Test::BadRegex) && c.path.joins().is_empty()
    };
    if !filters.iter().chain(excludes).any(bad) {
        return Ok(());
    }
    for row in rows {
        let joined = Joined {
            base: row,
            joins: Vec::new(),
        };
        let tested =
            |c: &Condition| bad(c) && joined.sql(&c.path) != crate::django::value::Sql::Null;
        if excludes.iter().any(tested) {
            return Err(RAISED.into());
        }
        for condition in filters {
            if tested(condition) {
                return Err(RAISED.into());
            }
            if condition.path.joins().is_empty()
                && !condition.lookup.matches(joined.sql(&condition.path))
            {
                break;
            }
        }
    }
    Ok(())
}

/// Whether a row with its joins passes every condition.
fn passes(joined: &Joined<'_>, conditions: &[Condition]) -> bool {
    conditions
        .iter()
        .all(|c| c.lookup.matches(joined.sql(&c.path)))
}

/// The rows, each with its joins over `hops` (one per combination of joined rows), that no
/// exclude matches and every filter passes, in table order.
pub(super) fn select<'a>(
    tables: &dyn Tables<'a>,
    rows: Vec<&'a Map<String, Value>>,
    hops: &[Hop],
    filters: &[Condition],
    excludes: &[Condition],
) -> Vec<Joined<'a>> {
    let mut selected: Vec<Joined<'a>> = Vec::with_capacity(rows.len());
    if hops.is_empty() && filters.is_empty() && excludes.is_empty() {
        // Nothing to test: every row, as it comes.
        selected.extend(rows.into_iter().map(|base| Joined {
            base,
            joins: Vec::new(),
        }));
        return selected;
    }
    let exclude_hops: Vec<Hop> = excludes
        .iter()
        .flat_map(|c| c.path.joins().to_vec())
        .collect();
    for row in rows {
        if !excludes.is_empty() {
            let excluded = expand(tables, row, &exclude_hops)
                .iter()
                .any(|joined| passes(joined, excludes));
            if excluded {
                continue;
            }
        }
        if hops.is_empty() {
            let joined = Joined {
                base: row,
                joins: Vec::new(),
            };
            if passes(&joined, filters) {
                selected.push(joined);
            }
        } else {
            selected.extend(
                expand(tables, row, hops)
                    .into_iter()
                    .filter(|joined| passes(joined, filters)),
            );
        }
    }
    selected
}
