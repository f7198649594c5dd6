//! The web paths behind attachment downloads: a session from `POST /accounts/api/login/`
//! (HTTP Basic), then `GET /api/history-files/download/<file>`; without a session a 302 to the
//! login page; and the fake serves only the attachments it stores (the real server joins any
//! path to its media root).

use omflow_mock::{FakeOmflow, Seed};

const DOWNLOAD: &str = "/api/history-files/download/";

#[tokio::test]
async fn downloads_need_a_session_and_reach_only_stored_attachments() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let uri = fake.uri();
    let file = format!("{uri}{DOWNLOAD}omformflow/dc33fb340034418c8fbb3baf15525e86/1/2/a.txt");
    let anonymous = http.get(&file).send().await.unwrap();
    assert_eq!(anonymous.status(), 302);
    assert!(anonymous.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/accounts/login/?next=/api/history-files/download/"));
    let wrong = http
        .post(format!("{uri}/accounts/api/login/"))
        .basic_auth("alice", Some("nope"))
        .send()
        .await
        .unwrap();
    assert!(
        wrong.headers().get("set-cookie").is_none(),
        "no session for a wrong password"
    );
    let login = http
        .post(format!("{uri}/accounts/api/login/"))
        .basic_auth("alice", Some("alice-pass"))
        .send()
        .await
        .unwrap();
    let cookie = login.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("sessionid=") && cookie.contains("Max-Age=130"));
    let session = cookie.split(';').next().unwrap().to_string();
    let body: serde_json::Value = login.json().await.unwrap();
    assert_eq!(body["message"], "登入成功。");
    // `..` as `..%2F`: an HTTP client normalises a literal `../` away before sending.
    for path in [
        "omformflow/no-such-file.txt",
        "..%2FLICENSE",
        "omformflow%2F..%2F..%2FCargo.toml",
    ] {
        let answer = http
            .get(format!("{uri}{DOWNLOAD}{path}"))
            .header("cookie", &session)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 500, "{path} is not a stored attachment");
    }
}
