//! How a call's cost grows with the world: one my-missions call (a page of 100, newest
//! first), one my-missions call filtered to one ticket (`data_no = N`, what the SDK reads
//! around a push), and one push, with 1,000, 10,000 and 100,000 tickets in the fake,
//! measured side by side in one run, plus resident memory per ticket. The filtered lists and
//! the pushes take tickets spread over the whole world, oldest to newest, so that work
//! proportional to a ticket's age or to the world shows:
//! `cargo bench -p omflow-mock --bench world_growth` (`WORLD_SIZES=1000,10000` for others).
//! Issue 29's goals, printed beside each ratio: a push and a filtered list at 100,000
//! tickets ≤ 1.3× their cost at 1,000; ≤ 5 KB resident per ticket.

mod common;

use common::{admin_token, post_json, rss_mb};
use omflow_mock::{FakeOmflow, Seed};
use std::time::{Duration, Instant};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let sizes: Vec<usize> = std::env::var("WORLD_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    let http = reqwest::Client::new();
    let mut first: Option<(f64, f64, f64)> = None;
    for n in sizes {
        let before = rss_mb();
        let seed = (0..n)
            .fold(Seed::pristine().builder().join_group("admin", 2), |b, i| {
                b.ticket("mission", "admin", &format!("Ticket {i}"), "green")
            })
            .build()
            .expect("the bench's names exist");
        let fake = FakeOmflow::builder()
            .record_requests(false)
            .seed(seed)
            .start_standalone()
            .await
            .expect("the fake starts");
        let per_ticket_kb = (rss_mb() - before) * 1024.0 / n as f64;
        let token = admin_token(&http, &fake.uri()).await;
        let list_body = serde_json::json!({"security": token, "omflow_restapi": 1,
            "order_columns": ["-id"], "limit": 100})
        .to_string();
        let list_url = format!("{}/rest/my-mission/api/my-mission/list/", fake.uri());
        let list = || async {
            let started = Instant::now();
            let bytes = http
                .post(&list_url)
                .body(list_body.clone())
                .send()
                .await
                .expect("answer")
                .bytes()
                .await
                .expect("body");
            assert!(bytes.len() > 10_000);
            started.elapsed()
        };
        for _ in 0..20 {
            list().await;
        }
        let calls = 200;
        let mut listing = Duration::ZERO;
        for _ in 0..calls {
            listing += list().await;
        }
        // Lists filtered to one ticket, over tickets spread through the world.
        let filtered_calls = 200;
        let mut filtering = Duration::ZERO;
        let mut warm = false;
        for k in (0..filtered_calls).chain(0..filtered_calls) {
            let data_no = 1 + k * n / filtered_calls;
            let body = serde_json::json!({"security": token, "omflow_restapi": 1,
                "search_conditions": [{"column": "data_no", "condition": "=", "value": data_no}]})
            .to_string();
            let started = Instant::now();
            let answer = post_json(&http, &list_url, body).await;
            // The first round warms up; the second is measured.
            if warm {
                filtering += started.elapsed();
            }
            warm = warm || k + 1 == filtered_calls;
            assert_eq!(
                answer["result"].as_array().map(Vec::len),
                Some(1),
                "{answer}"
            );
        }
        // Pushes of distinct tickets waiting at FITEM_2 (spread from the oldest to the
        // newest), their current rows looked up first.
        let edit_url = format!("{}/rest/flowmanage/api/omdata/edit/mission/", fake.uri());
        let lookup_url = format!(
            "{}/rest/flowmanage/api/omdata-data-id/get/mission/",
            fake.uri()
        );
        let pushes = 50;
        let mut pushing = Duration::ZERO;
        for k in 0..pushes {
            let found = post_json(
                &http,
                &lookup_url,
                serde_json::json!({"security": token, "omflow_restapi": 1, "data_no": 1 + k * n / pushes})
                    .to_string(),
            )
            .await;
            let data_id = found["result"][0]["data_id"]
                .as_u64()
                .expect("a current row");
            let body =
                serde_json::json!({"security": token, "omflow_restapi": 1, "action": "update",
                "data_id": data_id, "formdata": [
                    {"id": "FORMITM_1", "type": "h_title", "value": "t"},
                    {"id": "FORMITM_3", "type": "h_level", "value": "green"},
                    {"id": "FORMITM_4", "type": "h_status", "value": "dispatch_done"},
                    {"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}}]})
                .to_string();
            let started = Instant::now();
            let answer = post_json(&http, &edit_url, body).await;
            pushing += started.elapsed();
            assert_eq!(answer["status"], 200, "push of data_id {data_id}: {answer}");
        }
        let list_us = listing.as_secs_f64() * 1e6 / calls as f64;
        let filtered_us = filtering.as_secs_f64() * 1e6 / filtered_calls as f64;
        let push_us = pushing.as_secs_f64() * 1e6 / pushes as f64;
        let (base_list, base_filtered, base_push) =
            *first.get_or_insert((list_us, filtered_us, push_us));
        println!(
            "{n:>7} tickets: list {list_us:>6.0} µs/call ({:.2}x), filtered list {filtered_us:>6.0} µs/call ({:.2}x, goal <= 1.3x), push {push_us:>6.0} µs/call ({:.2}x, goal <= 1.3x), {per_ticket_kb:.1} KB resident per ticket (goal <= 5 KB)",
            list_us / base_list,
            filtered_us / base_filtered,
            push_us / base_push
        );
    }
}
