//! The typed query DSL's Django lookups, sent as the SDK serializes them, do on the fake what
//! they say (the recordings confirm the real server accepts the forms they contain; see
//! `cargo xtask fixtures`).

mod common;

use common::Session;
use omflow_mock::Seed;
use omflow_model::query::{col, ConditionSpec, Query};
use serde_json::json;

fn seed() -> Seed {
    Seed::pristine()
        .builder()
        .join_group("admin", 2)
        .ticket("mission", "admin", "Alpha printer broken", "green")
        .ticket("mission", "admin", "Beta network down", "red")
        .ticket("mission", "admin", "alpha toner", "yellow")
        .build()
        .unwrap()
}

async fn titles(s: &Session, spec: ConditionSpec) -> Vec<String> {
    let query = Query::builder()
        .filter(spec)
        .order_by("id")
        .build()
        .expect("a valid query");
    let mut body = serde_json::to_value(&query).unwrap();
    body["search_columns"] = json!(["title"]);
    let answer = s.missions(body).await;
    assert_eq!(answer["status"], 200, "{answer}");
    answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["title"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn each_lookup_filters_as_django_does() {
    let s = Session::new(seed()).await;
    let all = ["Alpha printer broken", "Beta network down", "alpha toner"];
    assert_eq!(
        titles(&s, col("title").starts_with("alpha")).await,
        [all[0], all[2]]
    );
    assert_eq!(titles(&s, col("title").ends_with("DOWN")).await, [all[1]]);
    assert_eq!(
        titles(&s, col("title").eq_ignore_case("ALPHA TONER")).await,
        [all[2]]
    );
    assert_eq!(
        titles(&s, col("title").matches_regex("^[AB]")).await,
        [all[0], all[1]]
    );
    assert_eq!(titles(&s, col("data_no").gte(2)).await, [all[1], all[2]]);
    assert_eq!(titles(&s, col("data_no").lte(1)).await, [all[0]]);
    assert_eq!(titles(&s, col("assignee_id").is_null(true)).await, all);
    assert_eq!(
        titles(&s, col("assignee_id").is_null(false)).await,
        Vec::<String>::new()
    );
    assert_eq!(
        titles(&s, col("create_user").span("nick_name").eq("admin")).await,
        all
    );
    assert_eq!(
        titles(&s, col("createtime").gte("2000-01-01")).await,
        all,
        "a date against a datetime column"
    );
}
