//! `order_by(*order_columns)`: its items checked, resolved, and the rows sorted as SQLite does.

use serde_json::{Map, Value};
use std::cmp::Ordering;

use super::join::{transformed, Joined};
use super::path::{Hop, Path, Resolver};
use super::request::unpack;
use crate::django::schema::{Class, ModelId};
use crate::django::value::{py_repr_str, py_type, Sql};

/// `order_columns` as `order_by(*order_columns)` takes it (`id` when it is falsy), checked
/// against `ORDER_PATTERN`.
pub(super) fn order_items(body: &Map<String, Value>) -> Result<Vec<Value>, String> {
    let order_value = match body.get("order_columns") {
        None => Value::Null,
        Some(v) => v.clone(),
    };
    let order_items = if crate::world::truthy(&order_value) {
        unpack(&order_value, "order_by")?
    } else {
        vec![Value::String("id".into())]
    };
    check_items(&order_items)?;
    Ok(order_items)
}

/// `order_by`'s check of its arguments: a non-text fails at once, the texts that do not
/// match `ORDER_PATTERN` all together.
fn check_items(order_items: &[Value]) -> Result<(), String> {
    let mut invalid = Vec::new();
    for item in order_items {
        match item {
            Value::String(word) if !order_pattern(word) => invalid.push(py_repr_str(word)),
            Value::String(_) => {}
            other => {
                return Err(format!(
                    "expected string or bytes-like object, got '{}'",
                    py_type(other)
                ))
            }
        }
    }
    if !invalid.is_empty() {
        return Err(format!(
            "Invalid order_by arguments: [{}]",
            invalid.join(", ")
        ));
    }
    Ok(())
}

/// Django's `ORDER_PATTERN` (`\?|[-+]?[.\w]+$`, Python's `re.match`).
fn order_pattern(word: &str) -> bool {
    if word.starts_with('?') {
        return true;
    }
    let word = word.strip_suffix('\n').unwrap_or(word);
    let rest = word.strip_prefix(['-', '+']).unwrap_or(word);
    !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
}

/// The ordering's keys, each resolved as `setup_joins` does: the path and whether it
/// descends (a random `?` takes no key).
pub(super) fn order_paths(
    resolver: &Resolver<'_, '_>,
    base: ModelId,
    order_items: &[Value],
) -> Result<Vec<(Path, bool)>, String> {
    let mut order: Vec<(Path, bool)> = Vec::new();
    for item in order_items {
        let Value::String(word) = item else { continue };
        if word.starts_with('?') && word == "?" {
            continue;
        }
        let (descending, name) = match word.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, word.as_str()),
        };
        let name = name.strip_suffix('\n').unwrap_or(name);
        let parts: Vec<String> = name.split("__").map(str::to_string).collect();
        order.push((resolver.setup_joins(base, &parts)?, descending));
    }
    Ok(order)
}

/// The selected rows in the query's order. `hops` are the query's joins; `unfiltered`
/// says the query has no WHERE clause (a whole table, no filter, no exclude).
pub(super) fn sort<'a>(
    mut selected: Vec<Joined<'a>>,
    order: &[(Path, bool)],
    hops: &[Hop],
    unfiltered: bool,
) -> Vec<Joined<'a>> {
    // Rows arrive in ascending id order, so an `id` first key without joins needs no sort.
    let by_id_only = hops.is_empty()
        && order
            .first()
            .is_some_and(|(p, _)| p.hops.is_empty() && p.rest.is_empty() && p.last.name == "id");
    if by_id_only {
        if order[0].1 {
            selected.reverse();
        }
        selected
    } else if !order.is_empty() {
        // With no WHERE clause SQLite walks the index of a first key that has one (foreign
        // keys, unique columns), backwards for a descending order, and sorts only the rest:
        // ties then come in descending row order. With a WHERE clause it scans and sorts,
        // and ties keep the table's order.
        let ties_descending = unfiltered
            && order
                .first()
                .is_some_and(|(path, descending)| *descending && indexed(path));
        sort_by_keys(selected, order, ties_descending)
    } else {
        selected
    }
}

/// A stable sort on the keys' values (transforms applied); ties in descending row id
/// order when `ties_descending`, else as they come.
fn sort_by_keys<'a>(
    selected: Vec<Joined<'a>>,
    order: &[(Path, bool)],
    ties_descending: bool,
) -> Vec<Joined<'a>> {
    let mut keyed: Vec<(Vec<Sql>, Joined<'a>)> = selected
        .into_iter()
        .map(|joined| {
            let keys = order
                .iter()
                .map(|(path, _)| transformed(path, &joined))
                .collect();
            (keys, joined)
        })
        .collect();
    let row_id = |j: &Joined<'_>| j.base.get("id").and_then(Value::as_u64).unwrap_or(0);
    keyed.sort_by(|(a, ja), (b, jb)| {
        for ((x, y), (_, descending)) in a.iter().zip(b).zip(order) {
            let ordering = x.compare(y);
            let ordering = if *descending {
                ordering.reverse()
            } else {
                ordering
            };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        if ties_descending {
            row_id(jb).cmp(&row_id(ja))
        } else {
            Ordering::Equal
        }
    });
    keyed.into_iter().map(|(_, joined)| joined).collect()
}

/// Whether a path is a column of the queried table with an index of its own (Django
/// indexes foreign keys; unique columns have one too).
fn indexed(path: &Path) -> bool {
    let own_column = path.hops.len() <= 1 && path.rest.is_empty();
    let unique = ["username", "email", "user_uuid", "group_uuid"];
    own_column
        && match path.last.class {
            Class::ForeignKey | Class::OneToOne => path.hops.len() == 1,
            _ => path.hops.is_empty() && unique.contains(&path.last.name.as_str()),
        }
}
