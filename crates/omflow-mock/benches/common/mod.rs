//! Shared by the fake's bench binaries.
#![allow(dead_code)]

/// This process's resident memory, in MB (`/proc/self/status`).
pub fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

/// A security code for the demo superuser from the server at `base`.
pub async fn admin_token(http: &reqwest::Client, base: &str) -> String {
    let login = post_or_get(
        http.get(format!("{base}/accounts/api/security/get/"))
            .basic_auth("admin", Some("admin")),
    )
    .await;
    login["result"]["security"]
        .as_str()
        .expect("admin logs in")
        .to_string()
}

/// POSTs a JSON text and returns the answer as JSON.
pub async fn post_json(http: &reqwest::Client, url: &str, body: String) -> serde_json::Value {
    post_or_get(http.post(url).body(body)).await
}

async fn post_or_get(request: reqwest::RequestBuilder) -> serde_json::Value {
    request
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("a JSON answer")
}

/// `n` tickets of the mission flow created by admin (in group 2), levels cycling green,
/// yellow, red: the world of the load benches.
pub fn tickets_seed(n: usize) -> omflow_mock::Seed {
    (0..n)
        .fold(
            omflow_mock::Seed::pristine()
                .builder()
                .join_group("admin", 2),
            |b, i| {
                b.ticket(
                    "mission",
                    "admin",
                    &format!("Ticket {i}"),
                    ["green", "yellow", "red"][i % 3],
                )
            },
        )
        .build()
        .unwrap()
}
