//! Reading a page of Garoon requests into the exact JSON tree: the one-pass reader
//! (`Json::parse`, jiter) against the way it was read before (a `RawValue` per value, each
//! container's text read again for its members, so once per level of nesting), measured side
//! by side on the same bytes: `cargo bench -p omflow-garoon --bench json_tree`.

use omflow_garoon::model::Json;
use serde_json::value::RawValue;
use std::time::{Duration, Instant};

/// The reading before the one-pass reader, kept here as the baseline.
fn by_raw_values(text: &str) -> usize {
    let raw: Box<RawValue> = serde_json::from_str(text).expect("JSON");
    count(&raw)
}

/// Reads `raw` as the old reader did, counting the values it built.
fn count(raw: &RawValue) -> usize {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'{') => {
            let members: Vec<(String, Box<RawValue>)> =
                serde_json::from_str::<indexmap_like::Ordered>(text)
                    .expect("an object")
                    .0;
            1 + members.iter().map(|(_, v)| count(v)).sum::<usize>()
        }
        Some(b'[') => {
            let items: Vec<Box<RawValue>> = serde_json::from_str(text).expect("an array");
            1 + items.iter().map(|v| count(v)).sum::<usize>()
        }
        Some(b'"') => {
            let _: String = serde_json::from_str(text).expect("a string");
            1
        }
        _ => {
            let _ = text.to_string();
            1
        }
    }
}

mod indexmap_like {
    use serde::de::{Deserializer, MapAccess, Visitor};
    use serde_json::value::RawValue;

    /// An object's members in document order, each value as its raw text.
    pub struct Ordered(pub Vec<(String, Box<RawValue>)>);

    impl<'de> serde::Deserialize<'de> for Ordered {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Ordered;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                    let mut members = Vec::new();
                    while let Some(member) = map.next_entry()? {
                        members.push(member);
                    }
                    Ok(Ordered(members))
                }
            }
            deserializer.deserialize_map(V)
        }
    }
}

/// Values in a tree.
fn size(json: &Json) -> usize {
    match json {
        Json::Array(items) => 1 + items.iter().map(size).sum::<usize>(),
        Json::Object(members) => 1 + members.iter().map(|(_, v)| size(v)).sum::<usize>(),
        _ => 1,
    }
}

fn main() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/garoon/admin-requests-list.ja.json"
    );
    let page: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).expect("the fixture"))
            .expect("the fixture is JSON");
    let requests = page["requests"].as_array().expect("requests").clone();
    // A page of 1,000 requests made of the fixture's (a large page a tester pages through).
    let many: Vec<serde_json::Value> = requests.iter().cycle().take(1_000).cloned().collect();
    let text = serde_json::json!({"requests": many, "hasNext": false}).to_string();
    let new_size = size(&Json::parse(&text).expect("parses"));
    assert_eq!(
        new_size,
        by_raw_values(&text),
        "both readers build the same values"
    );
    let (mut one_pass, mut raw_values) = (Vec::new(), Vec::new());
    for _ in 0..15 {
        let started = Instant::now();
        std::hint::black_box(Json::parse(&text).expect("parses"));
        one_pass.push(started.elapsed());
        let started = Instant::now();
        std::hint::black_box(by_raw_values(&text));
        raw_values.push(started.elapsed());
    }
    let median = |times: &mut Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    let (a, b) = (median(&mut one_pass), median(&mut raw_values));
    println!(
        "{} bytes, {new_size} values: one pass (jiter) median {:.2} ms, RawValue per level median {:.2} ms: ratio {:.2}",
        text.len(),
        a.as_secs_f64() * 1e3,
        b.as_secs_f64() * 1e3,
        a.as_secs_f64() / b.as_secs_f64()
    );
}
