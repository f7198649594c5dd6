//! `values(*search_columns)`: the projected columns resolved, and the result rows built.

use serde_json::{Map, Value};

use super::join::{transformed, Joined};
use super::path::{Path, Resolver};
use super::request::unpack;
use super::Row;
use crate::django::schema::ModelId;
use crate::django::value::{py_type, Sql};

/// The columns of `values(*search_columns)`, each resolved as `setup_joins` does, in turn;
/// `None` (whole rows) when there is no `search_columns` or it unpacks to nothing.
pub(super) fn columns(
    resolver: &Resolver<'_, '_>,
    base: ModelId,
    body: &Map<String, Value>,
) -> Result<Option<Vec<(String, Path)>>, String> {
    let Some(value) = body.get("search_columns") else {
        return Ok(None);
    };
    let names = unpack(value, "values")?;
    if names.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for name in names {
        let Value::String(name) = name else {
            return Err(format!(
                "'{}' object has no attribute 'split'",
                py_type(&name)
            ));
        };
        let parts: Vec<String> = name.split("__").map(str::to_string).collect();
        out.push((name, resolver.setup_joins(base, &parts)?));
    }
    Ok(Some(out))
}

/// The result rows of a page: the stored rows themselves, or their projected columns.
pub(super) fn rows<'a>(page: &[Joined<'a>], projection: Option<&[(String, Path)]>) -> Vec<Row<'a>> {
    match projection {
        None => page.iter().map(|j| Row::Whole(j.base)).collect(),
        Some(columns) => page
            .iter()
            .map(|joined| Row::Projected(project(joined, columns)))
            .collect(),
    }
}

/// One row's projected columns: a column's value as stored, or with its transforms
/// applied as SQLite returns it.
fn project(joined: &Joined<'_>, columns: &[(String, Path)]) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, path) in columns {
        let value = if path.rest.is_empty() {
            joined.raw(path)
        } else {
            match transformed(path, joined) {
                Sql::Null | Sql::TooLarge => Value::Null,
                Sql::Int(i) => Value::from(i),
                Sql::Real(f) => Value::from(f),
                Sql::Text(t) => Value::String(t),
            }
        };
        out.insert(name.clone(), value);
    }
    out
}
