//! What the recorder keeps and where it stops: `--max-exchanges` and the body limit answer
//! with a clear message and record nothing more, multipart uploads keep their parts' names
//! and sizes (content only with `keep_files`), HTML answers keep status and content type.

#[path = "../../omflow-mock/tests/common/mod.rs"]
mod common;

use omflow_conformance::record::{RecordOptions, Recorder};
use omflow_mock::{FakeOmflow, Seed};
use omflow_model::paths;
use serde_json::{json, Value};

fn out_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("omflow-bounds-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The recorded files, in order.
fn files_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    names
}

/// The recorded exchanges, in order.
fn steps(dir: &std::path::Path) -> Vec<Value> {
    files_in(dir)
        .iter()
        .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
        .collect()
}

/// A recorder with these options in front of a demo fake, alice logged in through it.
struct Recorded {
    fake: FakeOmflow,
    dir: std::path::PathBuf,
    recorder: Recorder,
    /// Follows no redirect: a 302 is an answer to record.
    http: reqwest::Client,
    code: String,
}

async fn recorded(name: &str, options: impl FnOnce(RecordOptions) -> RecordOptions) -> Recorded {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let dir = out_dir(name);
    let recorder = Recorder::start(
        "127.0.0.1:0",
        options(RecordOptions::new(&fake.uri(), dir.clone())),
    )
    .await
    .expect("the recorder starts");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = common::login(&http, &recorder.uri(), "alice", "alice-pass").await;
    let code = login["result"]["security"].as_str().unwrap().to_string();
    Recorded {
        fake,
        dir,
        recorder,
        http,
        code,
    }
}

async fn list(http: &reqwest::Client, uri: &str, code: &str) -> (u16, String) {
    let answer = http
        .post(format!("{uri}{}", paths::MY_MISSIONS))
        .body(json!({"security": code, "omflow_restapi": 1}).to_string())
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_max_exchanges_it_answers_503_says_why_and_records_no_more() {
    let Recorded {
        fake,
        dir,
        recorder,
        http,
        code,
    } = recorded("max", |o| o.max_exchanges(2)).await;
    let short = std::time::Duration::from_millis(200);
    assert!(
        tokio::time::timeout(short, recorder.finished())
            .await
            .is_err(),
        "not finished after one exchange of two"
    );
    assert_eq!(list(&http, &recorder.uri(), &code).await.0, 200);
    // `omflow record` ends on this.
    tokio::time::timeout(std::time::Duration::from_secs(5), recorder.finished())
        .await
        .expect("finished once the maximum is recorded");
    let (status, text) = list(&http, &recorder.uri(), &code).await;
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("--max-exchanges"), "{text}");
    recorder.flush().await;
    assert_eq!(steps(&dir).len(), 2);
    let seen = fake.server().unwrap().received_requests().await.unwrap();
    assert_eq!(seen.len(), 2, "the third call never reached the server");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_gets_413_and_is_neither_forwarded_nor_recorded() {
    let Recorded {
        fake,
        dir,
        recorder,
        http,
        code,
    } = recorded("body", |o| o.max_body_bytes(256)).await;
    let big = json!({"security": code, "omflow_restapi": 1, "note": "x".repeat(1_000)});
    let answer = http
        .post(format!("{}{}", recorder.uri(), paths::MY_MISSIONS))
        .body(big.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 413);
    assert!(answer.text().await.unwrap().contains("--max-body-bytes"));
    recorder.flush().await;
    assert_eq!(recorder.exchanges(), 1, "only the login");
    let recorded = steps(&dir);
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0]["request"]["path"], paths::SECURITY);
    // The fake saw the login and nothing else.
    let seen = fake.server().unwrap().received_requests().await.unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// An upload of one file through a recorder with these options; the recorded request.
async fn recorded_upload(keep_files: bool) -> Value {
    let Recorded {
        fake: _fake,
        dir,
        recorder,
        http,
        code,
    } = recorded(if keep_files { "keep" } else { "summary" }, |o| {
        o.keep_files(keep_files)
    })
    .await;
    let form = reqwest::multipart::Form::new()
        .text("security", code)
        .text("data_id", "1")
        .part(
            "files",
            reqwest::multipart::Part::bytes(b"the file's private content".to_vec())
                .file_name("report.txt"),
        );
    let answer = http
        .post(format!("{}{}", recorder.uri(), paths::FILE_UPLOAD))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    recorder.flush().await;
    let recorded = steps(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(recorded.len(), 2);
    recorded[1]["request"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_keeps_its_parts_names_and_sizes_and_its_content_only_when_asked() {
    let summary = recorded_upload(false).await;
    assert_eq!(summary["body_kind"], "multipart_summary", "{summary}");
    let parts = summary["body"]["parts"].as_array().unwrap();
    let file = parts
        .iter()
        .find(|p| p["name"] == "files")
        .unwrap_or_else(|| panic!("{summary}"));
    assert_eq!(file["filename"], "report.txt");
    assert_eq!(file["size"], "the file's private content".len());
    assert!(
        !summary.to_string().contains("private content"),
        "{summary}"
    );

    let kept = recorded_upload(true).await;
    assert_eq!(kept["body_kind"], "multipart", "{kept}");
    let body = kept["body"].as_str().unwrap();
    assert!(body.contains("the file's private content"), "{body}");
    assert!(body.contains("filename=\"report.txt\""), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_html_answer_keeps_its_status_and_headers_but_not_its_page() {
    let Recorded {
        fake: _fake,
        dir,
        recorder,
        http,
        code,
    } = recorded("html", |o| o).await;
    // alice manages no flow: the real server redirects her to its permission page.
    let answer = http
        .post(format!("{}{}", recorder.uri(), paths::FLOW_ACTIVE_LIST))
        .body(json!({"security": code, "omflow_restapi": 1}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 302);
    let location = answer.headers()["location"].to_str().unwrap().to_string();
    recorder.flush().await;
    let recorded = steps(&dir);
    let response = &recorded[1]["response"];
    assert_eq!(response["http_status"], 302, "{response}");
    assert_eq!(response["headers"]["location"], location.as_str());
    assert!(response["headers"]["content-type"]
        .as_str()
        .is_some_and(|t| t.starts_with("text/html")));
    assert_eq!(response["body"], Value::Null, "{response}");

    // A page with a body: kept as status and content type, its HTML not written.
    let page = http
        .get(format!("{}/no-such-page/", recorder.uri()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 404);
    assert!(page.text().await.unwrap().contains("Page not found"));
    recorder.flush().await;
    let names = files_in(&dir);
    let text = std::fs::read_to_string(names.last().unwrap()).unwrap();
    let step: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(step["response"]["http_status"], 404, "{step}");
    assert!(step["response"]["headers"]["content-type"]
        .as_str()
        .is_some_and(|t| t.starts_with("text/html")));
    assert_eq!(step["response"]["body"], Value::Null, "{step}");
    assert!(
        !text.contains("Page not found") && !text.contains("<html"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
