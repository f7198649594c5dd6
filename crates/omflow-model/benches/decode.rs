//! Typed decode of a 10,000-row my-missions page vs `serde_json::Value` decode of the same
//! bytes, side by side in one run: `cargo bench -p omflow-model --bench decode`.

use omflow_model::{decode_body, Mission};
use serde_json::Value;
use std::time::{Duration, Instant};

fn page(rows: usize) -> Vec<u8> {
    let missions: Vec<Value> = (0..rows)
        .map(|i| {
            let level = ["green", "yellow", "red"][i % 3];
            let title = format!("Ticket {i} printer broken");
            serde_json::json!({"id": 16 + i, "flow_uuid": "dc33fb34-0034-418c-8fbb-3baf15525e86", "flow_name": "任務單",
                "status": "分派中", "level": level, "title": title,
                "data_no": 1 + i, "data_id": 16 + i, "history": false, "stop_uuid": "FITEM_2", "stop_chart_text": "任務分析",
                "create_user_id": "admin", "update_user_id": null, "ticket_createtime": "2026-11-22T16:59:16.358",
                "createtime": "2026-11-22T16:59:16.374", "updatetime": "2026-11-22T16:59:16.374", "assignee_id": null,
                "assign_group_id": 2, "action": ",", "attachment": false, "closed": false, "is_active": true, "deploy_flag": true})
        })
        .collect();
    serde_json::to_vec(
        &serde_json::json!({"status": 200, "message": "查詢成功。", "result": missions}),
    )
    .unwrap()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let body = page(10_000);
    let rounds = 30;
    let (mut typed, mut untyped) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let started = Instant::now();
        let missions: Vec<Mission> = decode_body(&body).expect("decodes");
        typed.push(started.elapsed());
        assert_eq!(missions.len(), 10_000);
        let started = Instant::now();
        let value: Value = serde_json::from_slice(&body).expect("parses");
        untyped.push(started.elapsed());
        assert_eq!(value["result"].as_array().map(Vec::len), Some(10_000));
    }
    let (t, v) = (median(typed), median(untyped));
    println!(
        "body: {} bytes, 10,000 missions, {rounds} interleaved rounds",
        body.len()
    );
    println!(
        "typed decode (Vec<Mission>, envelope checked)  median {:>8.2} ms",
        t.as_secs_f64() * 1e3
    );
    println!(
        "serde_json::Value decode                       median {:>8.2} ms",
        v.as_secs_f64() * 1e3
    );
    println!(
        "ratio typed / Value: {:.2} (goal <= 1.00: {})",
        t.as_secs_f64() / v.as_secs_f64(),
        if t <= v { "met" } else { "NOT met" }
    );
}
