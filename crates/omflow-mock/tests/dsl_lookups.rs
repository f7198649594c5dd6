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
    titles_of(s.missions(body).await)
}

/// The titles a successful list answered.
fn titles_of(answer: serde_json::Value) -> Vec<String> {
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

/// A `regex` pattern Python's `re` cannot compile fails the query once SQLite's REGEXP tests
/// a value (the random run against the real server: "user-defined function raised
/// exception"); with no value to test it fails nothing; a pattern only Python takes
/// (look-ahead) matches nothing here rather than failing.
#[tokio::test]
async fn a_regex_python_cannot_compile_fails_the_query_once_a_value_is_tested() {
    let s = Session::new(seed()).await;
    let ask = |pattern: &str, first: Option<&str>| {
        let mut conditions = Vec::new();
        if let Some(title) = first {
            conditions.push(json!({"column": "title", "condition": "=", "value": title}));
        }
        conditions.push(json!({"column": "title__regex", "condition": "=", "value": pattern}));
        json!({"search_columns": ["title"], "search_conditions": conditions})
    };
    let failed = s.missions(ask("(unclosed", None)).await;
    assert_eq!(failed["status"], 404, "{failed}");
    let message = failed["message"].as_str().unwrap_or_default();
    assert!(
        message.ends_with("user-defined function raised exception"),
        "{message}"
    );
    // A condition before it that no row passes: REGEXP is never called.
    let untested = s
        .missions(ask("(unclosed", Some("nothing has this title")))
        .await;
    assert_eq!(untested["status"], 200, "{untested}");
    let lookahead = s.missions(ask("^(?=A)", None)).await;
    assert_eq!(lookahead["status"], 200, "{lookahead}");
}

/// `contains` and `in` on a datetime column test the text SQLite stores (a space between
/// date and time, six digits of fraction), not the list's ISO spelling and not a parsed
/// time: the random run against the real server found both.
#[tokio::test]
async fn contains_and_in_on_a_datetime_column_match_the_stored_text() {
    let s = Session::new(seed()).await;
    let listed = s
        .missions(json!({"search_columns": ["title", "createtime"], "order_columns": ["id"]}))
        .await;
    let first = listed["result"][0].clone();
    let title = first["title"].as_str().unwrap().to_string();
    // The list writes Django's JSON spelling: `T` and milliseconds.
    let wire = first["createtime"].as_str().expect("a time").to_string();
    let (date, time) = wire.split_once('T').expect(&wire);
    let (seconds, millis) = time.split_once('.').expect(&wire);
    let ask = |condition: &str, value: serde_json::Value| {
        json!({"search_columns": ["title"], "order_columns": ["id"],
               "search_conditions": [{"column": "createtime", "condition": condition, "value": value}]})
    };
    // `contains` sees the stored text: a space, and the fraction's six digits.
    let stored = format!("{date} {seconds}.{millis}000");
    let whole = titles_of(s.missions(ask("contains", json!(stored))).await);
    assert_eq!(whole, std::slice::from_ref(&title), "{stored}");
    let as_listed = titles_of(s.missions(ask("contains", json!(wire))).await);
    assert!(
        as_listed.is_empty(),
        "{wire} is not the stored text: {as_listed:?}"
    );
    // `in` prepares each member as a datetime: the listed spelling is the same time; the
    // time without its fraction is another one.
    let same = titles_of(s.missions(ask("in", json!([wire]))).await);
    assert_eq!(same, [title]);
    let truncated = titles_of(
        s.missions(ask("in", json!([format!("{date} {seconds}")])))
            .await,
    );
    assert!(truncated.is_empty(), "{truncated:?}");
}
