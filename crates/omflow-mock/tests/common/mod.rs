//! Helpers shared by the fake's integration tests.
#![allow(dead_code)]

use omflow_mock::{Clock, FakeOmflow, Seed};
use serde_json::{json, Value};

pub struct Session {
    pub fake: FakeOmflow,
    pub http: reqwest::Client,
    pub token: String,
}

pub async fn frozen(seed: Seed) -> FakeOmflow {
    let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    FakeOmflow::builder()
        .seed(seed)
        .clock(Clock::frozen(at))
        .start()
        .await
        .unwrap()
}

pub async fn login(http: &reqwest::Client, uri: &str, user: &str, password: &str) -> Value {
    http.get(format!("{uri}/accounts/api/security/get/"))
        .basic_auth(user, Some(password))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

impl Session {
    pub async fn new(seed: Seed) -> Session {
        let fake = frozen(seed).await;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let answer = login(&http, &fake.uri(), "admin", "admin").await;
        let token = answer["result"]["security"]
            .as_str()
            .expect("admin logs in")
            .to_string();
        Session { fake, http, token }
    }

    /// POSTs `body` (with security and omflow_restapi added) to a `/rest/` path.
    pub async fn call(&self, path: &str, mut body: Value) -> Value {
        body["security"] = json!(self.token);
        body["omflow_restapi"] = json!(1);
        self.raw(path, &body.to_string()).await
    }

    /// Logs another user in on the same fake and returns their security code.
    pub async fn token_for(&self, user: &str, password: &str) -> String {
        let answer = login(&self.http, &self.fake.uri(), user, password).await;
        answer["result"]["security"]
            .as_str()
            .unwrap_or_else(|| panic!("{user} logs in: {answer}"))
            .to_string()
    }

    /// Like [`Session::call`] with another user's security code.
    pub async fn call_as(&self, token: &str, path: &str, mut body: Value) -> Value {
        body["security"] = json!(token);
        body["omflow_restapi"] = json!(1);
        self.raw(path, &body.to_string()).await
    }

    /// POSTs a multipart body to a `/rest/` path.
    pub async fn multipart(&self, path: &str, form: reqwest::multipart::Form) -> Value {
        let response = self
            .http
            .post(format!("{}{path}", self.fake.uri()))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }

    pub async fn raw(&self, path: &str, body: &str) -> Value {
        let response = self
            .http
            .post(format!("{}{path}", self.fake.uri()))
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }

    pub async fn missions(&self, query: Value) -> Value {
        self.call("/rest/my-mission/api/my-mission/list/", query)
            .await
    }

    pub async fn edit(&self, body: Value) -> Value {
        self.call("/rest/flowmanage/api/omdata/edit/mission/", body)
            .await
    }

    pub async fn current_data_id(&self, data_no: u64) -> u64 {
        let answer = self
            .call(
                "/rest/flowmanage/api/omdata-data-id/get/mission/",
                json!({"data_no": data_no}),
            )
            .await;
        answer["result"][0]["data_id"]
            .as_u64()
            .expect("open ticket")
    }
}

pub fn ids(answer: &Value) -> Vec<u64> {
    answer["result"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|m| m["data_no"].as_u64().unwrap())
        .collect()
}

pub fn push_body(data_id: u64, title: &str, status: &str) -> Value {
    json!({"action": "update", "data_id": data_id, "formdata": [
        {"id": "FORMITM_1", "type": "h_title", "value": title},
        {"id": "FORMITM_2", "type": "areabox", "value": "d"},
        {"id": "FORMITM_3", "type": "h_level", "value": "red"},
        {"id": "FORMITM_4", "type": "h_status", "value": status},
        {"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}}]})
}

/// admin in group 2 with two tickets (both waiting for group 2), plus `carol` (group 2,
/// no permissions), `dave` (no group) and `erin` (group 1: Add + View).
pub fn four_users() -> Seed {
    Seed::pristine()
        .builder()
        .join_group("admin", 2)
        .user("carol", "carol-pass", &[2])
        .user("dave", "dave-pass", &[])
        .user("erin", "erin-pass", &[1])
        .ticket("mission", "admin", "Alpha printer broken", "green")
        .ticket("mission", "admin", "Beta network down", "red")
        .build()
        .unwrap()
}
