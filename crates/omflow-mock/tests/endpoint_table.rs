//! The fake serves every endpoint of the model's one table, with the table's permission
//! rule: flow-management endpoints redirect everyone else to the permission-denied page.

mod common;

use common::*;
use omflow_mock::Seed;
use omflow_model::{Endpoint, Lang, MessageId, Mount, Permission};
use serde_json::json;

fn seed() -> Seed {
    Seed::pristine()
        .builder()
        .user("carol", "carol-pass", &[2])
        .build()
        .unwrap()
}

/// A `/rest/` call with an empty body for `endpoint`: (HTTP status, Location, body).
async fn call(s: &Session, token: &str, endpoint: Endpoint) -> (u16, Option<String>, String) {
    let path = endpoint
        .path(endpoint.param().map(|_| "None"))
        .expect("a path");
    let body = json!({"security": token, "omflow_restapi": 1});
    let response = s
        .http
        .post(format!("{}{path}", s.fake.uri()))
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    (status, location, response.text().await.unwrap())
}

fn is_unknown_route(body: &str) -> bool {
    let Ok(answer) = serde_json::from_str::<serde_json::Value>(body) else {
        return false;
    };
    Lang::ALL
        .iter()
        .any(|&lang| answer["message"] == MessageId::RestUrlError.text(lang))
}

#[tokio::test]
async fn every_rest_endpoint_of_the_table_is_served() {
    let s = Session::new(seed()).await;
    let mut served = 0;
    for &endpoint in Endpoint::ALL {
        if endpoint.mount() != Mount::Rest {
            continue;
        }
        let (status, _, body) = call(&s, &s.token, endpoint).await;
        assert_eq!(status, 200, "{endpoint:?}: {body}");
        assert!(
            !is_unknown_route(&body),
            "{endpoint:?} is not served: {body}"
        );
        served += 1;
    }
    assert!(served >= 18, "{served}");
}

#[tokio::test]
async fn flow_management_endpoints_redirect_others_and_the_rest_do_not() {
    let s = Session::new(seed()).await;
    let carol = s.token_for("carol", "carol-pass").await;
    for &endpoint in Endpoint::ALL {
        if endpoint.mount() != Mount::Rest {
            continue;
        }
        let (status, location, body) = call(&s, &carol, endpoint).await;
        let path = endpoint.path(endpoint.param().map(|_| "None")).unwrap();
        if endpoint.permission() == Permission::FlowManage {
            assert_eq!(status, 302, "{endpoint:?}");
            assert_eq!(
                location.as_deref(),
                Some(format!("/api/permission/denied/?next={path}").as_str())
            );
        } else {
            assert_eq!(status, 200, "{endpoint:?}: {body}");
            assert!(!is_unknown_route(&body), "{endpoint:?}: {body}");
        }
    }
}

#[tokio::test]
async fn the_security_code_is_not_a_rest_endpoint() {
    let s = Session::new(seed()).await;
    let answer = s.call("/rest/accounts/api/security/get/", json!({})).await;
    assert_eq!(answer["status"], 500, "{answer}");
}

#[tokio::test]
async fn the_openapi_document_is_served_and_names_every_endpoint_of_the_table() {
    let s = Session::new(seed()).await;
    let response = s
        .http
        .get(format!("{}/__mock/openapi.json", s.fake.uri()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let served: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        served,
        serde_json::from_str::<serde_json::Value>(omflow_mock::OPENAPI_DOCUMENT).unwrap()
    );
    let paths = served["paths"].as_object().unwrap();
    // The fake's control API is documented too (tag `control`); every other path is the
    // real server's.
    let control: Vec<&String> = paths.keys().filter(|p| p.starts_with("/__mock/")).collect();
    for path in &control {
        for op in paths[path.as_str()].as_object().unwrap().values() {
            assert_eq!(op["tags"], serde_json::json!(["control"]), "{path}");
        }
    }
    assert!(
        control.iter().any(|p| p.as_str() == "/__mock/faults"),
        "{control:?}"
    );
    let paths: serde_json::Map<String, serde_json::Value> = paths
        .iter()
        .filter(|(p, _)| !p.starts_with("/__mock/"))
        .map(|(p, v)| (p.clone(), v.clone()))
        .collect();
    // Every endpoint of the table, and the two web paths of a download.
    let web = [
        omflow_model::web::LOGIN.to_string(),
        format!("{}{{file}}", omflow_model::web::DOWNLOAD_PREFIX),
    ];
    assert!(web.iter().all(|path| paths.contains_key(path)), "{paths:?}");
    assert_eq!(paths.len(), Endpoint::ALL.len() + web.len());
    for path in paths.keys().filter(|path| !web.contains(path)) {
        let concrete = path.replace("{api_path}", "mission");
        let (endpoint, _) = Endpoint::resolve(&concrete)
            .unwrap_or_else(|| panic!("{path} is not an endpoint of the table"));
        let method = if endpoint.mount() == Mount::Basic {
            "get"
        } else {
            "post"
        };
        let operation = &paths[path][method];
        assert_eq!(operation["operationId"], format!("{endpoint:?}"), "{path}");
        let redirects = operation["responses"].get("302").is_some();
        assert_eq!(
            redirects,
            endpoint.permission() == Permission::FlowManage,
            "{path}: 302 documented exactly for flow-management endpoints"
        );
    }
}
