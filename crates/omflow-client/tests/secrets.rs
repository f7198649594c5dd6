//! Neither the password nor the security code appears in TRACE output.

use omflow_client::Client;
use omflow_mock::{FakeOmflow, Seed};
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn trace_output_has_no_secret() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let password = "S3cret-Passw0rd-xyz";
    let seed = Seed::pristine()
        .builder()
        .user("carol", password, &[2])
        .ticket("mission", "admin", "T", "red")
        .build()
        .unwrap();
    let fake = FakeOmflow::start_with(seed).await.unwrap();
    let client = Client::builder(fake.uri())
        .credentials("carol", password)
        .build()
        .unwrap();
    let missions = client.missions().send().await.unwrap();
    let code = client.login().await.unwrap();
    let _ = client
        .push("mission", missions[0].data_id.unwrap())
        .set("FORMITM_4", "dispatch_done")
        .send()
        .await;
    let failing = Client::builder(fake.uri())
        .credentials("carol", "wrong-Passw0rd-abc")
        .build()
        .unwrap();
    let err = failing.missions().send().await.unwrap_err();
    let text = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("omflow"),
        "tracing captured something: {text}"
    );
    for secret in [password, code.expose(), "wrong-Passw0rd-abc"] {
        assert!(!text.contains(secret), "secret in trace output");
        assert!(
            !format!("{err} {err:?} {client:?} {code:?}").contains(secret),
            "secret in an error or Debug"
        );
    }
}

/// A security answer of another shape fails as a decode error that keeps no body: the body
/// may carry the code.
#[tokio::test]
async fn a_security_answer_of_another_shape_keeps_no_body() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/accounts/api/security/get/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "status": 200, "message": "ok",
            "result": {"security": {"code": "SECRET-CODE-1234"}}
        })))
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .credentials("alice", "alice-pass")
        .build()
        .unwrap();
    let err = client.missions().send().await.unwrap_err();
    assert!(
        matches!(
            err.call_error(),
            Some(omflow_client::CallError::Decode { raw: None, .. })
        ),
        "{err:?}"
    );
    let said = format!("{err} {err:?}");
    assert!(!said.contains("SECRET-CODE-1234"), "{said}");
}
