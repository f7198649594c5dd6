//! Tests of the query DSL: operators, paging, lookups, build checks and strict wire reading.

use super::*;
use serde_json::{json, Value};

#[test]
fn each_operator_renders_its_word() {
    let q = Query::builder()
        .filter(col("level").eq("red"))
        .filter(col("id").gt(20))
        .filter(col("id").lt(18))
        .filter(col("data_no").is_in([1, 3, 4]))
        .filter(col("title").contains("printer"))
        .build()
        .unwrap();
    let words: Vec<Value> = serde_json::to_value(&q).unwrap()["search_conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["condition"].clone())
        .collect();
    assert_eq!(
        words,
        vec![
            json!("="),
            json!(">"),
            json!("<"),
            json!("in"),
            json!("contains")
        ]
    );
}

#[test]
fn default_query_is_the_servers_default_body() {
    let wire = serde_json::to_value(Query::default()).unwrap();
    assert_eq!(
        wire,
        json!({"search_columns":[],"search_conditions":[],"exclude_conditions":[],"order_columns":[],"limit":100,"start":0})
    );
}

#[test]
fn paging_is_offset_and_page_size() {
    let q = Query::builder().offset(2).page_size(1).build().unwrap();
    let wire = serde_json::to_value(&q).unwrap();
    assert_eq!(
        (wire["start"].clone(), wire["limit"].clone()),
        (json!(2), json!(3))
    );
    assert_eq!(q.next_page().unwrap().offset(), 3);
    assert!(Query::builder().page_size(0).build().is_err());
    assert!(Query::builder().offset(u64::MAX).build().is_err());
}

#[test]
fn lookups_and_spans_serialize_as_django_column_paths() {
    let q = Query::builder()
        .filter(col("createtime").gte("2026-01-01"))
        .filter(col("data_no").lte(10))
        .filter(col("assignee_id").is_null(true))
        .filter(col("create_user").span("nick_name").starts_with("Ca"))
        .exclude_when_all(col("title").eq_ignore_case("x"))
        .order_by("assign_group__display_name")
        .build()
        .unwrap();
    let wire = serde_json::to_value(&q).unwrap();
    assert_eq!(
        wire["search_conditions"],
        json!([
            {"column": "createtime__gte", "condition": "=", "value": "2026-01-01"},
            {"column": "data_no__lte", "condition": "=", "value": 10},
            {"column": "assignee_id__isnull", "condition": "=", "value": true},
            {"column": "create_user__nick_name__startswith", "condition": "=", "value": "Ca"}
        ])
    );
    assert_eq!(wire["exclude_conditions"][0]["column"], "title__iexact");
    assert_eq!(wire["order_columns"], json!(["assign_group__display_name"]));
    let back = Query::from_wire(&wire).unwrap();
    assert_eq!(serde_json::to_value(&back).unwrap(), wire, "round trip");
    let double =
        json!({"search_conditions": [{"column": "data_no__gte", "condition": ">", "value": 1}]});
    assert!(Query::from_wire(&double).is_err());
}

#[test]
fn build_rejects_what_the_server_misreads() {
    assert!(matches!(
        Query::builder()
            .filter(col("data_no").is_in(Vec::<u64>::new()))
            .build(),
        Err(QueryError::EmptyIn { .. })
    ));
    assert!(matches!(
        Query::builder().filter(col("id").gt(Scalar::NULL)).build(),
        Err(QueryError::NullComparison { .. })
    ));
    assert!(matches!(
        Query::builder()
            .filter(col("title__startswith").eq("x"))
            .build(),
        Err(QueryError::InvalidColumn { .. })
    ));
    assert!(matches!(
        Query::builder().filter(col("a___b").eq("x")).build(),
        Err(QueryError::InvalidColumn { .. })
    ));
    assert!(matches!(
        Query::builder()
            .filter(col("createtime").gte(Scalar::NULL))
            .build(),
        Err(QueryError::NullComparison { .. })
    ));
    assert!(matches!(
        Query::builder().order_by("").build(),
        Err(QueryError::InvalidColumn { .. })
    ));
}

#[test]
fn strict_wire_reading_names_each_silent_case() {
    let read = |v: Value| Query::from_wire(&v).unwrap_err();
    let err =
        read(json!({"search_conditions":[{"column":"level","condition":"like","value":"red"}]}));
    assert!(matches!(err, QueryError::UnknownOperator { .. }));
    assert!(err.to_string().contains("search_conditions[0]"), "{err}");
    assert!(err.to_string().contains("\"contains\""), "{err}");
    let err = read(
        json!({"search_conditions":[{"column":"a","condition":"=","value":1},{"column":"level","value":"red"}]}),
    );
    assert_eq!(
        err,
        QueryError::MissingKey {
            place: "search_conditions[1]".into(),
            key: "condition"
        }
    );
    assert!(matches!(
        read(json!({"search_conditions":[{"column":"level","condition":"in","value":"red"}]})),
        QueryError::InNeedsList { .. }
    ));
    assert!(matches!(
        read(json!({"search_conditions":[{"column":"data_no","condition":"in","value":3}]})),
        QueryError::InNeedsList { .. }
    ));
    assert!(matches!(
        read(json!({"search_conditions":{"column":"level","condition":"=","value":"red"}})),
        QueryError::NotAList { .. }
    ));
    assert!(matches!(
        read(json!({"exclude_conditions":["x"]})),
        QueryError::NotAnObject { .. }
    ));
    assert!(matches!(
        read(json!({"start":-1})),
        QueryError::InvalidPaging { .. }
    ));
    assert!(matches!(
        read(json!({"limit":"abc"})),
        QueryError::InvalidPaging { .. }
    ));
    assert!(matches!(
        read(json!({"start":100,"limit":100})),
        QueryError::InvalidPaging { .. }
    ));
    assert!(matches!(
        read(json!({"order_columns":"-id"})),
        QueryError::NotAList { .. }
    ));
    assert!(matches!(
        read(json!({"security":"x"})),
        QueryError::UnknownKey { .. }
    ));
    assert!(matches!(
        read(
            json!({"search_conditions":[{"column":"CONTAINS","condition":"CONTAINS","value":"x"}]})
        ),
        QueryError::UnknownOperator { .. }
    ));
}

#[test]
fn wire_round_trip_of_a_recorded_body() {
    let body = json!({"search_columns":["id","title"],"search_conditions":[{"column":"title","condition":"contains","value":"printer"},{"column":"level","condition":"=","value":"red"}],"exclude_conditions":[{"column":"level","condition":"=","value":"green"}],"order_columns":["-id"],"limit":100,"start":0});
    let q = Query::from_wire(&body).unwrap();
    assert_eq!(serde_json::to_value(&q).unwrap(), body);
    assert_eq!(
        q.to_string(),
        "title contains \"printer\" AND level = \"red\" EXCEPT WHEN (level = \"green\") ORDER BY -id COLUMNS id, title ROWS 0..100"
    );
}
