//! `listQueryBuilder` over Django 2.2: `model.objects.filter(...).exclude(...)
//! .order_by(...)[start:limit].values(...)`, evaluated in the real order so that the same
//! error wins, with column paths resolved as `Query.names_to_path` and `setup_joins` do.
//!
//! - [`path`]: column paths resolved against the models;
//! - [`join`]: the rows a query's relations reach;
//! - [`request`]: the request body read as Python reads it;
//! - [`filter`]: the WHERE clause, built, compiled and tested;
//! - [`order`]: `order_by`, checked, resolved and sorted;
//! - [`page`]: the slice `[start:limit]`;
//! - [`projection`]: `values()` and the result rows.

mod filter;
mod join;
mod order;
mod page;
mod path;
mod projection;
mod request;

use omflow_model::Lang;
use serde_json::{Map, Value};

use super::schema::{Model, ModelId};
use page::Page;
use path::Resolver;

/// What a query can reach: the schema of each model and its rows.
pub(crate) trait Tables<'a> {
    fn model(&self, id: ModelId) -> std::sync::Arc<Model>;
    fn rows(&self, id: ModelId) -> Vec<&'a Map<String, Value>>;
    /// The group ids of a user row.
    fn groups_of(&self, user: &Map<String, Value>) -> Vec<u64>;
}

/// A result row: a whole stored row (by reference) or a projection.
#[derive(serde::Serialize)]
#[serde(untagged)]
pub(crate) enum Row<'a> {
    Whole(&'a Map<String, Value>),
    Projected(Map<String, Value>),
}

/// What a list request starts from: a whole table (`model.objects`), or a filtered query
/// set of it (my missions: the caller's visible missions, a query with a WHERE clause of its
/// own, so ties keep their scan order), which fails with `when_empty`, when given, if it has
/// no rows (raised after `limit` and `start` are read, as the real server does).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source<'s> {
    Table,
    Filtered { when_empty: Option<&'s str> },
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
    let resolver = Resolver::new(tables);
    let limit = request::int_or(body, "limit", 100)?;
    let start = request::int_or(body, "start", 0)?;
    let filter_words = request::condition_words(body.get("search_conditions"));
    let exclude_words = request::condition_words(body.get("exclude_conditions"));
    if let (
        true,
        Source::Filtered {
            when_empty: Some(when_empty),
        },
    ) = (rows.is_empty(), source)
    {
        return Err(when_empty.to_string());
    }
    let filters = filter::conditions(&resolver, base, &filter_words, lang)?;
    let excludes = filter::conditions(&resolver, base, &exclude_words, lang)?;
    let order_items = order::order_items(body)?;
    let page = Page::new(start, limit)?;
    let projection = projection::columns(&resolver, base, body)?;
    let order = order::order_paths(&resolver, base, &order_items)?;

    // Joins: every relation the filters, the projection and the ordering cross.
    let hops = join::query_hops(
        filters
            .iter()
            .map(|c| &c.path)
            .chain(projection.iter().flatten().map(|(_, path)| path))
            .chain(order.iter().map(|(path, _)| path)),
    );
    // Compiling the WHERE clause (an `EmptyResultSet` ends the query with no rows); the
    // empty slice's condition comes last.
    if filter::compile_where(&filters, &excludes)? {
        return Ok(Vec::new());
    }
    if page.is_empty() {
        return Ok(Vec::new());
    }
    // Execution: the LIMIT/OFFSET written into the SQL text, then the bound parameters.
    page.check_sql()?;
    filter::check_bindable(&filters, &excludes)?;
    filter::check_regex(&rows, &filters, &excludes)?;

    let selected = filter::select(tables, rows, &hops, &filters, &excludes);
    let unfiltered = matches!(source, Source::Table) && filters.is_empty() && excludes.is_empty();
    let selected = order::sort(selected, &order, &hops, unfiltered);
    Ok(projection::rows(page.of(&selected), projection.as_deref()))
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
