//! Garoon reads against the fake (paging over hasNext, projections, files, errors) and the
//! exact authentication headers of each mode.

use futures::TryStreamExt;
use omflow_garoon::client::RetryPolicy;
use omflow_garoon::client::{CallError, GaroonApiError, GaroonClient, GaroonError};
use omflow_garoon::model::{ItemValue, Mode, StatusType};
use omflow_mock::{FakeOmflow, Seed};
use wiremock::matchers::{header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn demo() -> FakeOmflow {
    FakeOmflow::start_with(Seed::demo()).await.unwrap()
}

fn admin(fake: &FakeOmflow) -> GaroonClient {
    GaroonClient::builder(fake.garoon_uri())
        .password("admin", "admin")
        .mode(Mode::Strict)
        .build()
        .unwrap()
}

#[tokio::test]
async fn stream_pages_over_has_next() {
    let fake = demo().await;
    let all: Vec<_> = admin(&fake)
        .requests()
        .limit(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 17, "six pages of three, the last one short");
    let ids: std::collections::HashSet<_> = all
        .iter()
        .map(|r| r.id.as_deref().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 17);
    let first = admin(&fake).requests().limit(5).page().await.unwrap();
    assert!(first.value.has_next);
    assert_eq!(first.value.requests.len(), 5);
    let newest = admin(&fake)
        .requests()
        .limit(1)
        .newest_first()
        .page()
        .await
        .unwrap()
        .value
        .requests
        .remove(0);
    assert_eq!(
        newest.created_at.as_ref().unwrap().raw,
        "2025-07-09T01:00:00Z"
    );
}

#[tokio::test]
async fn filters_and_projection_decode() {
    let fake = demo().await;
    let client = admin(&fake);
    let approved: Vec<_> = client
        .requests()
        .statuses([StatusType::Approved, StatusType::Completed])
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(!approved.is_empty());
    assert!(approved.iter().all(|r| matches!(
        r.status.as_ref().unwrap().kind,
        StatusType::Approved | StatusType::Completed
    )));
    let projected = client
        .requests()
        .fields(["id", "number", "status"])
        .limit(4)
        .page()
        .await
        .unwrap();
    assert!(projected.warnings.is_empty());
    for request in projected.value.requests {
        assert!(
            request.id.as_deref().is_some()
                && request.number.as_deref().is_some()
                && request.status.as_ref().is_some()
        );
        assert!(
            request.items.as_ref().is_none()
                && request.steps.as_ref().is_none()
                && request.applicant.as_ref().is_none()
        );
    }
    let by_form: Vec<_> = client
        .requests()
        .form("12")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        by_form.len(),
        10,
        "nine generated purchase requests plus example 1187"
    );
    let in_july: Vec<_> = client
        .requests()
        .approved_between("2025-07-01T00:00:00Z", "2025-07-05T00:00:00Z")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(!in_july.is_empty() && in_july.len() < by_form.len());
}

#[tokio::test]
async fn single_request_file_and_form() {
    let fake = demo().await;
    let client = admin(&fake);
    let single = client.request("2045").await.unwrap().value;
    assert!(matches!(
        single.items.as_ref().unwrap().get("halfDay").unwrap().value,
        Some(ItemValue::CheckBox(false))
    ));
    let file = client.file("381").await.unwrap();
    assert!(file.bytes().unwrap().starts_with(b"%PDF"));
    assert_eq!(client.form("12").await.unwrap()["form"]["name"], "備品購入");
}

#[tokio::test]
async fn errors_are_typed() {
    let fake = demo().await;
    let missing = admin(&fake).request("999999").await.unwrap_err();
    assert!(
        matches!(missing.api(), Some(GaroonApiError { status: 404, error_code: Some(code), .. }) if code.starts_with("GRN_")),
        "{missing}"
    );
    assert!(
        missing
            .raw()
            .is_some_and(|raw| raw.status() == 404 && raw.body().starts_with(b"{")),
        "Garoon's answer is kept as it came"
    );
    let wrong = GaroonClient::builder(fake.garoon_uri())
        .password("admin", "nope")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert!(matches!(
        wrong.requests().page().await.unwrap_err().api(),
        Some(GaroonApiError { status: 401, .. })
    ));
    let alice = GaroonClient::builder(fake.garoon_uri())
        .password("alice", "alice-pass")
        .build()
        .unwrap();
    assert!(
        matches!(
            alice.requests().page().await.unwrap_err().api(),
            Some(GaroonApiError { status: 403, .. })
        ),
        "admin endpoints need an administrator"
    );
    assert!(
        alice.request("2045").await.is_ok(),
        "the single GET needs no administrator"
    );
    let oauth = GaroonClient::builder(fake.garoon_uri())
        .oauth("demo-oauth-token")
        .build()
        .unwrap();
    assert_eq!(
        oauth
            .requests()
            .limit(2)
            .page()
            .await
            .unwrap()
            .value
            .requests
            .len(),
        2
    );
    Mock::given(method("GET"))
        .and(path("/g/api/v1/workflow/admin/files/1"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_raw("<html>Authorization Required</html>", "text/html"),
        )
        .with_priority(1)
        .mount(fake.server().expect("a wiremock-served fake"))
        .await;
    let front_door = admin(&fake).file("1").await.unwrap_err();
    assert!(
        matches!(front_door.call_error(), Some(CallError::Response { raw }) if raw.status() == 401),
        "{front_door}"
    );
    assert!(
        front_door.to_string().contains("non-JSON body"),
        "{front_door}"
    );
    assert!(matches!(
        admin(&fake).file("../x").await.unwrap_err(),
        GaroonError::InvalidRequest(_)
    ));
}

#[tokio::test]
async fn package_edition_without_single_get_is_endpoint_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/cbgrn/grn.cgi/api/v1/workflow/requests/2045"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"error": {"errorCode": "GRN_EXAMPLE_00404", "message": "The requested API does not exist.", "cause": "", "counterMeasure": ""}})))
        .mount(&server)
        .await;
    let client = GaroonClient::builder(format!("{}/cgi-bin/cbgrn/grn.cgi", server.uri()))
        .password("a", "b")
        .build()
        .unwrap();
    assert!(matches!(
        client.request("2045").await.unwrap_err(),
        GaroonError::EndpointUnavailable { status: 404, .. }
    ));
}

#[tokio::test]
async fn each_auth_mode_sends_its_headers() {
    let server = MockServer::start().await;
    let page = ResponseTemplate::new(200)
        .set_body_json(serde_json::json!({"requests": [], "hasNext": false}));
    Mock::given(path("/pw/api/v1/workflow/admin/requests"))
        .and(header(
            "x-cybozu-authorization",
            "YWRtaW5pc3RyYXRvcjpleGFtcGxlLXBhc3N3b3Jk",
        ))
        .respond_with(page.clone())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/oauth/api/v1/workflow/admin/requests"))
        .and(header("authorization", "Bearer t0ken"))
        .respond_with(page.clone())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/front/api/v1/workflow/admin/requests"))
        .and(header("authorization", "Basic YmFzaWM6ZG9vcg=="))
        .and(header_exists("x-cybozu-authorization"))
        .respond_with(page)
        .expect(1)
        .mount(&server)
        .await;
    GaroonClient::builder(format!("{}/pw", server.uri()))
        .password("administrator", "example-password")
        .build()
        .unwrap()
        .requests()
        .page()
        .await
        .unwrap();
    GaroonClient::builder(format!("{}/oauth", server.uri()))
        .oauth("t0ken")
        .build()
        .unwrap()
        .requests()
        .page()
        .await
        .unwrap();
    GaroonClient::builder(format!("{}/front", server.uri()))
        .password("administrator", "example-password")
        .basic_front_door("basic", "door")
        .build()
        .unwrap()
        .requests()
        .page()
        .await
        .unwrap();
    server.verify().await;
}

#[tokio::test]
async fn an_empty_page_that_promises_more_is_a_protocol_error() {
    let server = MockServer::start().await;
    Mock::given(path("/g/api/v1/workflow/admin/requests"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"requests": [], "hasNext": true})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let client = GaroonClient::builder(format!("{}/g", server.uri()))
        .password("a", "b")
        .build()
        .unwrap();
    let err = client
        .requests()
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(err, GaroonError::Protocol(_)), "{err}");
}

/// The Garoon client goes through the same retry step as the OMFLOW client: 503/429 are
/// retried after `Retry-After` (seconds or an HTTP date), other 4xx are not.
#[tokio::test]
async fn reads_are_retried_like_the_omflow_client() {
    let server = MockServer::start().await;
    let page = serde_json::json!({"requests": [{"id": "1", "status": {"name": "x", "type": "APPROVED"}}], "hasNext": false});
    Mock::given(path("/g/api/v1/workflow/admin/requests"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    let date = httpdate_now();
    Mock::given(path("/g/api/v1/workflow/admin/requests"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", date.as_str()))
        .up_to_n_times(1)
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/g/api/v1/workflow/admin/requests"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .with_priority(3)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/g/api/v1/workflow/requests/9"))
        .respond_with(ResponseTemplate::new(403).set_body_json(
            serde_json::json!({"error": {"errorCode": "GRN_CMMN_00105", "message": "denied"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = GaroonClient::builder(format!("{}/g", server.uri()))
        .password("a", "b")
        .retry(RetryPolicy::new(3, std::time::Duration::ZERO, std::time::Duration::ZERO).unwrap())
        .build()
        .unwrap();
    let all: Vec<_> = client.requests().stream().try_collect().await.unwrap();
    assert_eq!(all.len(), 1, "answered after two retries");
    assert!(matches!(
        client.request("9").await.unwrap_err().api(),
        Some(GaroonApiError { status: 403, .. })
    ));
    server.verify().await;
}

/// The current time as an HTTP date (a `Retry-After` that means "now").
fn httpdate_now() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    chrono::DateTime::from_timestamp(now as i64, 0)
        .unwrap()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// Garoon takes the same HTTP configuration as OMFLOW: a server that does not answer is
/// given up on after the attempt timeout, or after the operation timeout across retries.
#[tokio::test]
async fn a_garoon_that_hangs_runs_into_the_timeouts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(5)))
        .mount(&server)
        .await;
    let short = std::time::Duration::from_millis(200);
    let by_attempt = GaroonClient::builder(server.uri())
        .password("admin", "admin")
        .timeout(Some(short))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = by_attempt.request("1").await.unwrap_err();
    assert!(
        matches!(err.call_error(), Some(CallError::Dispatch(_))),
        "{err}"
    );
    assert!(err.is_unanswered());
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
    let by_operation = GaroonClient::builder(server.uri())
        .password("admin", "admin")
        .operation_timeout(Some(short))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = by_operation.request("1").await.unwrap_err();
    assert!(
        err.to_string().contains("no answer") || format!("{err:?}").contains("Timeout"),
        "{err:?}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
}
