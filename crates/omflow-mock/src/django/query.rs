//! `listQueryBuilder` over Django 2.2: `model.objects.filter(...).exclude(...)
//! .order_by(...)[start:limit].values(...)`, evaluated in the real order so that the same
//! error wins, with column paths resolved as `Query.names_to_path` and `setup_joins` do.

use omflow_model::Lang;
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;

use super::lookup::{self, Lookup};
use super::schema::{Class, Field, Join, Model, ModelId};
use super::value::{py_int_wide, py_repr_str, py_type, stored, Sql, TOO_LARGE};

/// What a query can reach: the schema of each model and its rows.
pub(crate) trait Tables<'a> {
    fn model(&self, id: ModelId) -> std::sync::Arc<Model>;
    fn rows(&self, id: ModelId) -> Vec<&'a Map<String, Value>>;
    /// The group ids of a user row.
    fn groups_of(&self, user: &Map<String, Value>) -> Vec<u64>;
}

/// One relation crossed by a column path.
#[derive(Debug, Clone)]
struct Hop {
    /// The path up to and including this relation (`create_user__groups`): the join's name.
    key: String,
    from: ModelId,
    field: Field,
}

/// A resolved column path: the relations it crosses, the field it ends on, and the names
/// left over as lookups or transforms.
#[derive(Debug, Clone)]
struct Path {
    hops: Vec<Hop>,
    last: Field,
    rest: Vec<String>,
    /// `rest` read as transforms (`values()` and ordering; filters read it as lookups).
    transforms: Vec<lookup::Transform>,
}

impl Path {
    /// The joins a value needs: a path ending on a forward key reads the key itself.
    fn joins(&self) -> &[Hop] {
        match self.last.relation.map(|r| r.join) {
            Some(Join::Forward { .. }) if self.last.attname.is_some() => {
                &self.hops[..self.hops.len() - 1]
            }
            _ => &self.hops,
        }
    }
}

struct Resolver<'t, 'a> {
    tables: &'t dyn Tables<'a>,
    models: RefCell<HashMap<ModelId, std::sync::Arc<Model>>>,
}

impl<'t, 'a> Resolver<'t, 'a> {
    fn model(&self, id: ModelId) -> std::sync::Arc<Model> {
        self.models
            .borrow_mut()
            .entry(id)
            .or_insert_with(|| self.tables.model(id))
            .clone()
    }

    /// `Query.names_to_path`.
    fn names_to_path(
        &self,
        base: ModelId,
        names: &[String],
        fail_on_missing: bool,
    ) -> Result<Path, String> {
        let mut model_id = base;
        let mut hops = Vec::new();
        let mut last: Option<Field> = None;
        let mut consumed = 0;
        for (pos, name) in names.iter().enumerate() {
            let model = self.model(model_id);
            let Some(field) = model.field(name).cloned() else {
                if pos == 0 || fail_on_missing {
                    return Err(format!(
                        "Cannot resolve keyword '{name}' into field. Choices are: {}",
                        model.choices()
                    ));
                }
                break;
            };
            consumed = pos + 1;
            match field.relation {
                Some(relation) => {
                    let key = names[..=pos].join("__");
                    hops.push(Hop {
                        key,
                        from: model_id,
                        field: field.clone(),
                    });
                    model_id = relation.target;
                    last = Some(field);
                }
                None => {
                    if fail_on_missing && pos + 1 != names.len() {
                        return Err(format!(
                            "Cannot resolve keyword {} into field. Join on '{name}' not permitted.",
                            py_repr_str(&names[pos + 1])
                        ));
                    }
                    last = Some(field);
                    break;
                }
            }
        }
        let last = last.ok_or_else(|| "Cannot parse keyword query ''".to_string())?;
        Ok(Path {
            hops,
            last,
            rest: names[consumed..].to_vec(),
            transforms: Vec::new(),
        })
    }

    /// `setup_joins` as `values()` and ordering use it: the longest resolvable prefix, the
    /// rest as transforms (an unknown transform on a concrete field reports the join error).
    fn setup_joins(&self, base: ModelId, names: &[String]) -> Result<Path, String> {
        let mut last_error = None;
        for pivot in (1..=names.len()).rev() {
            match self.names_to_path(base, &names[..pivot], true) {
                Err(e) if pivot == 1 => return Err(e),
                Err(e) => last_error = Some(e),
                Ok(mut path) => {
                    path.rest = names[pivot..].to_vec();
                    match lookup::transform_chain(path.last.class, &path.rest) {
                        Ok((transforms, _)) => path.transforms = transforms,
                        Err(e) => {
                            let concrete = path.last.class != Class::Reverse
                                && path.last.class != Class::ManyToMany;
                            return Err(match last_error {
                                Some(join_error) if concrete => join_error,
                                _ => e,
                            });
                        }
                    }
                    return Ok(path);
                }
            }
        }
        Err(format!(
            "Cannot resolve keyword '' into field. Choices are: {}",
            self.model(base).choices()
        ))
    }
}

/// One condition of a filter or exclude.
struct Condition {
    path: Path,
    lookup: Lookup,
}

/// A row with its joins: for each join key, the joined row (or none, an outer join's NULL).
#[derive(Clone)]
struct Joined<'a> {
    base: &'a Map<String, Value>,
    joins: Vec<(String, Option<&'a Map<String, Value>>)>,
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
    fn raw(&self, path: &Path) -> Value {
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

    fn sql(&self, path: &Path) -> Sql {
        let class = match path.last.relation {
            Some(r) => r.cast,
            None => Some(path.last.class),
        };
        stored(class, &self.raw(path))
    }
}

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
fn expand<'a>(
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

/// `*value` as a call argument: the items Python would unpack, or its error.
fn unpack(value: &Value, call: &str) -> Result<Vec<Value>, String> {
    match value {
        Value::Array(items) => Ok(items.clone()),
        Value::String(s) => Ok(s.chars().map(|c| Value::String(c.to_string())).collect()),
        Value::Object(o) => Ok(o.keys().map(|k| Value::String(k.clone())).collect()),
        other => Err(format!(
            "django.db.models.query.QuerySet.{call}() argument after * must be an iterable, not {}",
            py_type(other)
        )),
    }
}

/// `searchConditionBuilder`: the conditions before the first one it cannot build.
fn condition_words(value: Option<&Value>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let Some(Value::Array(items)) = value else {
        return out;
    };
    for item in items {
        let Some(object) = item.as_object() else {
            break;
        };
        let (Some(Value::String(column)), Some(word), Some(value)) = (
            object.get("column"),
            object.get("condition"),
            object.get("value"),
        ) else {
            break;
        };
        let suffix = match word {
            Value::Array(_) | Value::Object(_) => break,
            Value::String(w) => match w.as_str() {
                "in" => "__in",
                "contains" => "__icontains",
                ">" => "__gt",
                "<" => "__lt",
                _ => "",
            },
            _ => "",
        };
        out.push((format!("{column}{suffix}"), value.clone()));
    }
    out
}

/// A result row: a whole stored row (by reference) or a projection.
#[derive(serde::Serialize)]
#[serde(untagged)]
pub(crate) enum Row<'a> {
    Whole(&'a Map<String, Value>),
    Projected(Map<String, Value>),
}

/// What a list request starts from: a whole table (`model.objects`), or a filtered query
/// set of it (my missions: the caller's visible missions), which fails with `when_empty`
/// when it has no rows (raised after `limit` and `start` are read, as the real server does).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source<'s> {
    Table,
    Filtered { when_empty: &'s str },
}

/// Runs one list request over `rows` of `base`. `Err` carries the exception text the
/// server appends to its "query failed" message.
pub(crate) fn run<'a>(
    tables: &dyn Tables<'a>,
    base: ModelId,
    rows: Vec<&'a Map<String, Value>>,
    body: &Map<String, Value>,
    lang: Lang,
    source: Source<'_>,
) -> Result<Vec<Row<'a>>, String> {
    let resolver = Resolver {
        tables,
        models: RefCell::new(HashMap::new()),
    };
    let limit = match body.get("limit") {
        None => 100,
        Some(v) => py_int_wide(v)?,
    };
    let start = match body.get("start") {
        None => 0,
        Some(v) => py_int_wide(v)?,
    };
    let filter_words = condition_words(body.get("search_conditions"));
    let exclude_words = condition_words(body.get("exclude_conditions"));
    if let (true, Source::Filtered { when_empty }) = (rows.is_empty(), source) {
        return Err(when_empty.to_string());
    }
    let build = |words: &[(String, Value)]| -> Result<Vec<Condition>, String> {
        words
            .iter()
            .map(|(column, value)| {
                if column.is_empty() {
                    return Err("Cannot parse keyword query ''".to_string());
                }
                let names: Vec<String> = column.split("__").map(str::to_string).collect();
                let path = resolver.names_to_path(base, &names, false)?;
                let lookup =
                    lookup::build(path.last.class, path.last.cast(), &path.rest, value, lang)?;
                Ok(Condition { path, lookup })
            })
            .collect()
    };
    let filters = build(&filter_words)?;
    let excludes = build(&exclude_words)?;

    let order_value = match body.get("order_columns") {
        None => Value::Null,
        Some(v) => v.clone(),
    };
    let order_items = if crate::world::truthy(&order_value) {
        unpack(&order_value, "order_by")?
    } else {
        vec![Value::String("id".into())]
    };
    let mut invalid = Vec::new();
    for item in &order_items {
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
    if start < 0 || limit < 0 {
        return Err("Negative indexing is not supported.".into());
    }
    let projection: Option<Vec<(String, Path)>> = match body.get("search_columns") {
        None => None,
        Some(value) => {
            let names = unpack(value, "values")?;
            if names.is_empty() {
                None
            } else {
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
                Some(out)
            }
        }
    };
    let mut order: Vec<(Path, bool)> = Vec::new();
    for item in &order_items {
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

    // Joins: every relation the filters, the projection and the ordering cross.
    let mut hops: Vec<Hop> = Vec::new();
    let mut add = |path: &Path| {
        for hop in path.joins() {
            if !hops.iter().any(|h| h.key == hop.key) {
                hops.push(hop.clone());
            }
        }
    };
    filters.iter().for_each(|c| add(&c.path));
    projection.iter().flatten().for_each(|(_, path)| add(path));
    order.iter().for_each(|(path, _)| add(path));
    let exclude_hops: Vec<Hop> = excludes
        .iter()
        .flat_map(|c| c.path.joins().to_vec())
        .collect();
    // Compiling the WHERE clause, condition by condition: errors Django defers to
    // `get_db_prep_value`, and `EmptyResultSet` (an empty `in`) ending the query with no
    // rows; inside an exclude an empty condition matches everything instead. The empty
    // slice's condition comes last.
    for condition in &filters {
        if let Some(error) = &condition.lookup.deferred {
            return Err(error.clone());
        }
        if matches!(condition.lookup.test, lookup::Test::Nothing) {
            return Ok(Vec::new());
        }
    }
    if let Some(error) = excludes.iter().find_map(|c| c.lookup.deferred.clone()) {
        return Err(error);
    }
    let (low, high) = (start.min(limit), limit);
    if low == high {
        return Ok(Vec::new());
    }
    // Execution: the LIMIT/OFFSET written into the SQL text, then the bound parameters.
    // Django writes `LIMIT high - low OFFSET low`.
    if high - low > i128::from(i64::MAX) || low > i128::from(i64::MAX) {
        return Err("datatype mismatch".into());
    }
    if filters
        .iter()
        .chain(&excludes)
        .any(|c| c.lookup.too_large())
    {
        return Err(TOO_LARGE.into());
    }

    let passes = |joined: &Joined<'a>, conditions: &[Condition]| {
        conditions
            .iter()
            .all(|c| c.lookup.matches(joined.sql(&c.path)))
    };
    let mut selected: Vec<Joined<'a>> = Vec::with_capacity(rows.len());
    let unconditional = hops.is_empty() && filters.is_empty() && excludes.is_empty();
    let rows = if unconditional {
        // Nothing to test: every row, as it comes.
        selected.extend(rows.into_iter().map(|base| Joined {
            base,
            joins: Vec::new(),
        }));
        Vec::new()
    } else {
        rows
    };
    for row in rows {
        if !excludes.is_empty() {
            let excluded = expand(tables, row, &exclude_hops)
                .iter()
                .any(|joined| passes(joined, &excludes));
            if excluded {
                continue;
            }
        }
        if hops.is_empty() {
            let joined = Joined {
                base: row,
                joins: Vec::new(),
            };
            if passes(&joined, &filters) {
                selected.push(joined);
            }
        } else {
            selected.extend(
                expand(tables, row, &hops)
                    .into_iter()
                    .filter(|joined| passes(joined, &filters)),
            );
        }
    }

    // Rows arrive in ascending id order, so an `id` first key without joins needs no sort.
    let by_id_only = hops.is_empty()
        && order
            .first()
            .is_some_and(|(p, _)| p.hops.is_empty() && p.rest.is_empty() && p.last.name == "id");
    if by_id_only {
        if order[0].1 {
            selected.reverse();
        }
    } else if !order.is_empty() {
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
        // With no WHERE clause SQLite walks the index of a first key that has one (foreign
        // keys, unique columns), backwards for a descending order, and sorts only the rest:
        // ties then come in descending row order. With a WHERE clause it scans and sorts,
        // and ties keep the table's order.
        let unfiltered =
            matches!(source, Source::Table) && filters.is_empty() && excludes.is_empty();
        let ties_descending = unfiltered
            && order
                .first()
                .is_some_and(|(path, descending)| *descending && indexed(path));
        let row_id = |j: &Joined<'_>| j.base.get("id").and_then(Value::as_u64).unwrap_or(0);
        keyed.sort_by(|(a, ja), (b, jb)| {
            for ((x, y), (_, descending)) in a.iter().zip(b).zip(&order) {
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
        selected = keyed.into_iter().map(|(_, joined)| joined).collect();
    }

    let end = usize::try_from(high)
        .unwrap_or(usize::MAX)
        .min(selected.len());
    let begin = usize::try_from(low).unwrap_or(usize::MAX);
    let page: &[Joined<'a>] = if begin < end {
        &selected[begin..end]
    } else {
        &[]
    };
    Ok(match &projection {
        None => page.iter().map(|j| Row::Whole(j.base)).collect(),
        Some(columns) => page
            .iter()
            .map(|joined| {
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
                Row::Projected(out)
            })
            .collect(),
    })
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

/// A path's value with its transforms applied (for ordering and projected transforms).
fn transformed(path: &Path, joined: &Joined<'_>) -> Sql {
    lookup::apply(&path.transforms, joined.sql(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::django::schema;
    use serde_json::json;

    /// Three missions, two users (one in group 2) and group 2.
    struct Fixture {
        missions: Vec<Map<String, Value>>,
        users: Vec<Map<String, Value>>,
        groups: Vec<Map<String, Value>>,
    }

    fn object(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    impl Fixture {
        fn new() -> Fixture {
            let uuid = "dc33fb34-0034-418c-8fbb-3baf15525e86";
            Fixture {
                missions: vec![
                    object(
                        json!({"id": 1, "level": "green", "title": "Alpha printer", "data_no": 1, "history": false, "flow_uuid": uuid, "create_user_id": "admin", "assign_group_id": 2, "assignee_id": null, "createtime": "2026-12-01T08:00:00.000"}),
                    ),
                    object(
                        json!({"id": 2, "level": "red", "title": "Beta", "data_no": 2, "history": false, "flow_uuid": uuid, "create_user_id": "alice", "assign_group_id": null, "assignee_id": 2, "createtime": "2026-12-02T08:00:00.000"}),
                    ),
                    object(
                        json!({"id": 3, "level": "green", "title": "PRINTER toner", "data_no": 3, "history": false, "flow_uuid": uuid, "create_user_id": "alice", "assign_group_id": 2, "assignee_id": null, "createtime": "2025-01-02T08:00:00.000"}),
                    ),
                ],
                users: vec![
                    object(json!({"id": 1, "username": "admin", "nick_name": "Admin"})),
                    object(json!({"id": 2, "username": "alice", "nick_name": "Alice"})),
                ],
                groups: vec![object(
                    json!({"id": 2, "name": "Service", "display_name": "Service desk", "group_ptr_id": 2}),
                )],
            }
        }
    }

    impl<'a> Tables<'a> for &'a Fixture {
        fn model(&self, id: ModelId) -> std::sync::Arc<Model> {
            std::sync::Arc::new(match id {
                ModelId::Mission => schema::missions(),
                ModelId::User => schema::users(&[]),
                ModelId::AuthGroup => schema::auth_groups(),
                ModelId::OmGroup => schema::om_groups(),
                ModelId::Ticket(_) => schema::tickets(0, 0),
            })
        }
        fn rows(&self, id: ModelId) -> Vec<&'a Map<String, Value>> {
            match id {
                ModelId::Mission => self.missions.iter().collect(),
                ModelId::User => self.users.iter().collect(),
                ModelId::AuthGroup | ModelId::OmGroup => self.groups.iter().collect(),
                ModelId::Ticket(_) => Vec::new(),
            }
        }
        fn groups_of(&self, user: &Map<String, Value>) -> Vec<u64> {
            if user.get("username") == Some(&json!("alice")) {
                vec![2]
            } else {
                Vec::new()
            }
        }
    }

    fn query(model: ModelId, body: Value, lang: Lang) -> Result<Value, String> {
        let fixture = Fixture::new();
        let tables = &fixture;
        let rows = Tables::rows(&tables, model);
        run(
            &tables,
            model,
            rows,
            body.as_object().unwrap(),
            lang,
            Source::Table,
        )
        .map(|rows| serde_json::to_value(rows).unwrap())
    }

    fn ids(body: Value) -> Result<Vec<u64>, String> {
        query(ModelId::Mission, body, Lang::En).map(|rows| {
            rows.as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_u64().unwrap())
                .collect()
        })
    }

    fn cond(column: &str, word: &str, value: Value) -> Value {
        json!({"search_conditions": [{"column": column, "condition": word, "value": value}]})
    }

    #[test]
    fn lookups_in_column_names() {
        assert_eq!(ids(cond("data_no__gte", "=", json!(2))), Ok(vec![2, 3]));
        assert_eq!(ids(cond("data_no__lte", "=", json!("2"))), Ok(vec![1, 2]));
        assert_eq!(
            ids(cond("title__startswith", "=", json!("alpha"))),
            Ok(vec![1])
        );
        assert_eq!(
            ids(cond("title__endswith", "=", json!("TONER"))),
            Ok(vec![3])
        );
        assert_eq!(
            ids(cond("level__iexact", "=", json!("GREEN"))),
            Ok(vec![1, 3])
        );
        assert_eq!(
            ids(cond("title__regex", "=", json!("^[AB]"))),
            Ok(vec![1, 2])
        );
        assert_eq!(ids(cond("title__isnull", "=", json!(true))), Ok(vec![]));
        assert_eq!(
            ids(cond("data_no__in", "=", json!([1, null, 3]))),
            Ok(vec![1, 3])
        );
        assert_eq!(ids(cond("id__range", "=", json!([2, 3]))), Ok(vec![2, 3]));
        assert_eq!(
            ids(cond("createtime__year", "=", json!(2026))),
            Ok(vec![1, 2])
        );
        assert_eq!(ids(cond("pk", "=", json!(2))), Ok(vec![2]));
        // In values() and ordering the rest of a path is transforms, resolved once.
        assert_eq!(
            query(
                ModelId::Mission,
                json!({"search_columns": ["id", "createtime__year"], "order_columns": ["createtime__year", "-id"]}),
                Lang::En
            ),
            Ok(json!([
                {"id": 3, "createtime__year": 2025},
                {"id": 2, "createtime__year": 2026},
                {"id": 1, "createtime__year": 2026}
            ]))
        );
        assert_eq!(
            ids(cond("data_no__isnull", ">", Value::Null)),
            Err("Unsupported lookup 'isnull' for IntegerField or join on the field not permitted, perhaps you meant isnull?".into())
        );
        assert_eq!(
            ids(cond("title__nosuchlookup", "=", json!("x"))),
            Err("Unsupported lookup 'nosuchlookup' for TextField or join on the field not permitted.".into())
        );
    }

    #[test]
    fn relation_spans_follow_foreign_keys() {
        assert_eq!(
            ids(cond("create_user__nick_name", "=", json!("Alice"))),
            Ok(vec![2, 3])
        );
        assert_eq!(
            ids(cond(
                "assign_group__display_name",
                "contains",
                json!("desk")
            )),
            Ok(vec![1, 3])
        );
        assert_eq!(
            ids(cond("assignee_id__username", "=", json!("alice"))),
            Ok(vec![2])
        );
        assert_eq!(
            ids(cond("update_user", "contains", json!("x"))),
            Err("Related Field got invalid lookup: icontains".into())
        );
        // The group key is not cast: a text never equals an integer key, and no error.
        assert_eq!(ids(cond("assign_group_id", "=", json!("red"))), Ok(vec![]));
        let projected = query(
            ModelId::Mission,
            json!({"search_columns": ["pk", "create_user", "create_user__nick_name"], "order_columns": ["-create_user__nick_name", "id"]}),
            Lang::En,
        )
        .unwrap();
        assert_eq!(
            projected,
            json!([
                {"pk": 1, "create_user": "admin", "create_user__nick_name": "Admin"},
                {"pk": 2, "create_user": "alice", "create_user__nick_name": "Alice"},
                {"pk": 3, "create_user": "alice", "create_user__nick_name": "Alice"},
            ])
            .as_array()
            .map(|rows| {
                let mut rows = rows.clone();
                rows.rotate_left(1);
                Value::Array(rows)
            })
            .unwrap()
        );
        let choices = query(
            ModelId::Mission,
            json!({"search_columns": ["create_user__nosuch"]}),
            Lang::En,
        )
        .unwrap_err();
        assert!(
            choices.starts_with("Cannot resolve keyword 'nosuch' into field. Choices are: activeapplication, ad_flag"),
            "{choices}"
        );
    }

    #[test]
    fn ties_follow_the_index_sqlite_walks() {
        // A lone descending key with an index (a foreign key) walks it backwards.
        assert_eq!(
            ids(json!({"order_columns": ["-create_user"]})),
            Ok(vec![3, 2, 1])
        );
        // The index serves the first key, a sort the rest.
        assert_eq!(
            ids(json!({"order_columns": ["-create_user", "history"]})),
            Ok(vec![3, 2, 1])
        );
        // A WHERE clause: a scan and a sort, ties in table order.
        assert_eq!(
            ids(
                json!({"order_columns": ["-create_user"], "search_conditions": [{"column": "id", "condition": ">", "value": 0}]})
            ),
            Ok(vec![2, 3, 1])
        );
        // No index: ties in table order.
        assert_eq!(ids(json!({"order_columns": ["-level"]})), Ok(vec![2, 1, 3]));
    }

    #[test]
    fn many_to_many_rows_repeat_per_related_row() {
        let rows = query(
            ModelId::User,
            json!({"search_columns": ["id", "groups__name"]}),
            Lang::En,
        )
        .unwrap();
        assert_eq!(
            rows,
            json!([{"id": 1, "groups__name": null}, {"id": 2, "groups__name": "Service"}])
        );
    }

    #[test]
    fn errors_come_in_the_servers_order() {
        assert_eq!(
            ids(json!({"order_columns": ["-id"], "limit": null, "search_columns": ["nosuch"]})),
            Err("int() argument must be a string, a bytes-like object or a real number, not 'NoneType'".into())
        );
        assert_eq!(
            ids(json!({"search_columns": ["id", null], "order_columns": ["id desc"]})),
            Err("Invalid order_by arguments: ['id desc']".into())
        );
        assert_eq!(
            ids(json!({"order_columns": [5]})),
            Err("expected string or bytes-like object, got 'int'".into())
        );
        assert!(ids(json!({"order_columns": ["+id"]}))
            .unwrap_err()
            .starts_with("Cannot resolve keyword '+id' into field."));
        assert_eq!(
            ids(json!({"search_columns": null})),
            Err("django.db.models.query.QuerySet.values() argument after * must be an iterable, not NoneType".into())
        );
        assert_eq!(
            ids(json!({"search_columns": [null]})),
            Err("'NoneType' object has no attribute 'split'".into())
        );
        assert_eq!(
            query(
                ModelId::Mission,
                cond("attachment", "=", json!("yes")),
                Lang::ZhHant
            ),
            Err("[\"'yes' 必須為 True 或 False。\"]".into())
        );
        // A uuid is validated when the SQL is compiled: later build errors win over it.
        assert_eq!(
            ids(
                json!({"search_conditions": [{"column": "flow_uuid", "condition": "=", "value": "xyz"}, {"column": "attachment", "condition": "=", "value": "red"}]})
            ),
            Err("[\"'red' value must be either True or False.\"]".into())
        );
        assert_eq!(
            ids(json!({"search_conditions": [{"column": "flow_uuid", "condition": "=", "value": "xyz"}], "search_columns": ["nosuch"]}))
                .map_err(|e| e.starts_with("Cannot resolve keyword 'nosuch'")),
            Err(true)
        );
        assert_eq!(
            ids(cond("title__isnull", "=", Value::Null)),
            Err("Cannot use None as a query value".into())
        );
        // `BETWEEN` needs two values; with one the SQL compile fails, also in an exclude.
        assert_eq!(
            ids(
                json!({"exclude_conditions": [{"column": "id__range", "condition": "=", "value": [1]}]})
            ),
            Err("tuple index out of range".into())
        );
        assert_eq!(
            ids(cond("id__range", "=", json!([1, 2, 9]))),
            Ok(vec![1, 2])
        );
        assert_eq!(
            ids(cond("flow_uuid", "=", json!("xyz"))),
            Err("[\"'xyz' is not a valid UUID.\"]".into())
        );
    }

    #[test]
    fn silent_truncations() {
        // A condition whose column is not a string ends the list; the ones before stay.
        assert_eq!(
            ids(
                json!({"search_conditions": [{"column": "level", "condition": "=", "value": "red"}, {"column": 5, "condition": "=", "value": "x"}, {"column": "id", "condition": "=", "value": 1}]})
            ),
            Ok(vec![2])
        );
        assert_eq!(
            ids(json!({"search_conditions": [{"column": "level", "value": "red"}]})),
            Ok(vec![1, 2, 3])
        );
        assert_eq!(
            ids(json!({"search_columns": {"id": 1, "title": 2}, "limit": 1})).map(|v| v.len()),
            Ok(1)
        );
        assert_eq!(ids(cond("assignee_id", "in", json!([null]))), Ok(vec![]));
        assert_eq!(ids(json!({"start": 1, "limit": 2})), Ok(vec![2]));
        assert_eq!(ids(json!({"start": 2, "limit": 2})), Ok(vec![]));
        assert_eq!(ids(json!({"limit": true})), Ok(vec![1]));
        assert_eq!(
            ids(json!({"start": -1})),
            Err("Negative indexing is not supported.".into())
        );
        assert_eq!(
            ids(json!({"order_columns": "-id"})),
            Err("Invalid order_by arguments: ['-']".into())
        );
        assert_eq!(
            ids(cond("data_no", "in", json!(3))),
            Err("'int' object is not iterable".into())
        );
        assert_eq!(
            ids(
                json!({"exclude_conditions": [{"column": "level", "condition": "=", "value": "green"}, {"column": "title", "condition": "contains", "value": "alpha"}]})
            ),
            Ok(vec![2, 3])
        );
    }
}
