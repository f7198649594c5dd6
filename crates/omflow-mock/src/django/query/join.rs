//! The joins a query needs: each row combined with the rows its relations reach.

use serde_json::{Map, Value};

use super::path::{Hop, Path};
use super::Tables;
use crate::django::lookup;
use crate::django::schema::{Join, ModelId};
use crate::django::value::{stored, Sql};

/// A row with its joins: for each join key, the joined row (or none, an outer join's NULL).
#[derive(Clone)]
pub(super) struct Joined<'a> {
    pub(super) base: &'a Map<String, Value>,
    pub(super) joins: Vec<(String, Option<&'a Map<String, Value>>)>,
}

impl<'a> Joined<'a> {
    fn row_at(&self, key: Option<&str>) -> Option<&'a Map<String, Value>> {
        match key {
            None => Some(self.base),
            Some(key) => self
                .joins
                .iter()
                .find(|(k, _)| k == key)
                .and_then(|(_, row)| *row),
        }
    }

    /// The raw value of a path (NULL when a join found nothing).
    pub(super) fn raw(&self, path: &Path) -> Value {
        let joins = path.joins();
        let row = self.row_at(joins.last().map(|h| h.key.as_str()));
        let Some(row) = row else {
            return Value::Null;
        };
        let key = if joins.len() < path.hops.len() || path.last.relation.is_none() {
            path.last.attname.as_deref().unwrap_or("id")
        } else {
            // A path ending on a reverse or many-to-many relation reads the related key.
            "id"
        };
        row.get(key).cloned().unwrap_or(Value::Null)
    }

    pub(super) fn sql(&self, path: &Path) -> Sql {
        let class = match path.last.relation {
            Some(r) => r.cast,
            None => Some(path.last.class),
        };
        stored(class, &self.raw(path))
    }
}

/// The rows `hop`'s relation reaches from `row` (at most one across a forward key).
fn related<'a>(
    tables: &dyn Tables<'a>,
    hop: &Hop,
    row: &Map<String, Value>,
) -> Vec<&'a Map<String, Value>> {
    let Some(relation) = hop.field.relation else {
        return Vec::new();
    };
    let same = |a: &Value, b: &Value| match (a, b) {
        (Value::Null, _) | (_, Value::Null) => false,
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(x), Value::Number(y)) | (Value::Number(y), Value::String(x)) => {
            x.parse::<f64>().ok() == y.as_f64()
        }
        (x, y) => x == y,
    };
    match relation.join {
        Join::Forward { remote } => {
            let local = row
                .get(hop.field.attname.as_deref().unwrap_or(""))
                .cloned()
                .unwrap_or(Value::Null);
            let local = if hop.field.name == "group_ptr" {
                row.get("id").cloned().unwrap_or(Value::Null)
            } else {
                local
            };
            tables
                .rows(relation.target)
                .into_iter()
                .filter(|r| same(r.get(remote).unwrap_or(&Value::Null), &local))
                .take(1)
                .collect()
        }
        Join::Reverse { local, remote } => {
            let local = row.get(local).cloned().unwrap_or(Value::Null);
            tables
                .rows(relation.target)
                .into_iter()
                .filter(|r| same(r.get(remote).unwrap_or(&Value::Null), &local))
                .collect()
        }
        Join::UserGroups => {
            if hop.from == ModelId::User {
                let ids = tables.groups_of(row);
                tables
                    .rows(relation.target)
                    .into_iter()
                    .filter(|g| {
                        g.get("id")
                            .and_then(Value::as_u64)
                            .is_some_and(|id| ids.contains(&id))
                    })
                    .collect()
            } else {
                let id = row.get("id").and_then(Value::as_u64);
                tables
                    .rows(ModelId::User)
                    .into_iter()
                    .filter(|u| id.is_some_and(|id| tables.groups_of(u).contains(&id)))
                    .collect()
            }
        }
    }
}

/// Every combination of joined rows for `base` over the joins `paths` need.
pub(super) fn expand<'a>(
    tables: &dyn Tables<'a>,
    base: &'a Map<String, Value>,
    hops: &[Hop],
) -> Vec<Joined<'a>> {
    let mut rows = vec![Joined {
        base,
        joins: Vec::new(),
    }];
    for hop in hops {
        let parent = hop.key.rsplit_once("__").map(|(p, _)| p.to_string());
        let mut next = Vec::with_capacity(rows.len());
        for joined in rows {
            if joined.joins.iter().any(|(k, _)| *k == hop.key) {
                next.push(joined);
                continue;
            }
            let from = match &parent {
                None => Some(joined.base),
                Some(p) => joined.row_at(Some(p)),
            };
            let targets = from.map(|r| related(tables, hop, r)).unwrap_or_default();
            if targets.is_empty() {
                let mut j = joined.clone();
                j.joins.push((hop.key.clone(), None));
                next.push(j);
            } else {
                for target in targets {
                    let mut j = joined.clone();
                    j.joins.push((hop.key.clone(), Some(target)));
                    next.push(j);
                }
            }
        }
        rows = next;
    }
    rows
}

/// Every relation the filters, the projection and the ordering cross, each once, in the
/// order they are first met.
pub(super) fn query_hops<'p>(paths: impl IntoIterator<Item = &'p Path>) -> Vec<Hop> {
    let mut hops: Vec<Hop> = Vec::new();
    for path in paths {
        for hop in path.joins() {
            if !hops.iter().any(|h| h.key == hop.key) {
                hops.push(hop.clone());
            }
        }
    }
    hops
}

/// A path's value with its transforms applied (for ordering and projected transforms).
pub(super) fn transformed(path: &Path, joined: &Joined<'_>) -> Sql {
    lookup::apply(&path.transforms, joined.sql(path))
}
