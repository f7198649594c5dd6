//! Steering the fake while it runs, in-process ([`Control`]) and over `/__mock/` (the
//! standalone fake): the request log, faults (HTTP error, failure envelope, delay, dropped
//! connection before and after the change), snapshots, the clock, another seed, and
//! wiremock's reset keeping the fake's route. The README's tester examples run here.

use omflow_mock::{Control, FakeOmflow, Fault, FaultAction, RequestFilter, Seed};
use serde_json::{json, Value};

mod common;

/// A security code of `user`.
async fn login(http: &reqwest::Client, uri: &str, user: &str, password: &str) -> String {
    let answer = common::login(http, uri, user, password).await;
    answer["result"]["security"].as_str().unwrap().to_string()
}

async fn missions(
    http: &reqwest::Client,
    uri: &str,
    token: &str,
) -> reqwest::Result<reqwest::Response> {
    http.post(format!("{uri}/rest/my-mission/api/my-mission/list/"))
        .json(&json!({"security": token, "omflow_restapi": 1}))
        .send()
        .await
}

async fn plain_demo() -> FakeOmflow {
    FakeOmflow::builder()
        .seed(Seed::demo())
        .record_requests(false)
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_log_names_each_requests_endpoint_and_user() {
    let fake = plain_demo().await;
    let control = fake.control();
    let http = reqwest::Client::new();
    let alice = login(&http, &fake.uri(), "alice", "alice-pass").await;
    let admin = login(&http, &fake.uri(), "admin", "admin").await;
    missions(&http, &fake.uri(), &alice).await.unwrap();
    missions(&http, &fake.uri(), &alice).await.unwrap();
    missions(&http, &fake.uri(), &admin).await.unwrap();

    let alices = control.requests(&RequestFilter::all().user("alice"));
    let endpoints: Vec<&str> = alices.iter().map(|r| r.endpoint.as_str()).collect();
    assert_eq!(endpoints, ["Security", "MyMissions", "MyMissions"]);
    assert!(alices.iter().all(|r| r.status == 200 && r.fault.is_none()));
    assert!(alices.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(
        control.request_count(&RequestFilter::all().endpoint("MyMissions")),
        3
    );
    assert_eq!(
        control.request_count(&RequestFilter::all().endpoint("MyMissions").user("admin")),
        1
    );
    assert_eq!(control.clear_requests(), 5);
    assert_eq!(control.request_count(&RequestFilter::all()), 0);
}

#[tokio::test]
async fn faults_answer_instead_of_the_view_for_the_calls_they_name() {
    let fake = plain_demo().await;
    let control = fake.control();
    let http = reqwest::Client::new();
    let alice = login(&http, &fake.uri(), "alice", "alice-pass").await;
    let admin = login(&http, &fake.uri(), "admin", "admin").await;
    let busy = control
        .add_fault(
            Fault::new(FaultAction::Http {
                status: 503,
                body: "busy".into(),
                content_type: "text/plain".into(),
            })
            .endpoint("MyMissions")
            .user("alice")
            .times(1),
        )
        .unwrap();
    assert_eq!(
        missions(&http, &fake.uri(), &admin).await.unwrap().status(),
        200,
        "not admin's"
    );
    let first = missions(&http, &fake.uri(), &alice).await.unwrap();
    assert_eq!(
        (
            first.status().as_u16(),
            first.text().await.unwrap().as_str()
        ),
        (503, "busy")
    );
    assert_eq!(
        missions(&http, &fake.uri(), &alice).await.unwrap().status(),
        200,
        "only once"
    );
    let logged = control.requests(&RequestFilter::all().user("alice").endpoint("MyMissions"));
    assert_eq!((logged[0].status, logged[0].fault), (503, Some(busy)));

    control
        .add_fault(
            Fault::new(FaultAction::Envelope {
                status: 500,
                message: "database is locked".into(),
            })
            .endpoint("MyMissions"),
        )
        .unwrap();
    let envelope: Value = missions(&http, &fake.uri(), &alice)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        envelope,
        json!({"status": 500, "message": "database is locked", "result": null})
    );
    assert_eq!(
        control.clear_faults(),
        1,
        "a fault without times stays until removed"
    );
    let listed: Value = missions(&http, &fake.uri(), &alice)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["status"], 200);
}

/// Creates a ticket in the demo's 任務單 (`mission`) as the caller of `token`.
async fn create_ticket(
    http: &reqwest::Client,
    uri: &str,
    token: &str,
) -> reqwest::Result<reqwest::Response> {
    http.post(format!("{uri}/rest/flowmanage/api/omdata/edit/mission/"))
        .json(
            &json!({"security": token, "omflow_restapi": 1, "action": "create", "formdata": [
            {"id": "FORMITM_1", "type": "h_title", "value": "Printer jam"},
            {"id": "FORMITM_3", "type": "h_level", "value": "green"},
            {"id": "FORMITM_4", "type": "h_status", "value": "dispatch"},
            {"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}}]}),
        )
        .send()
        .await
}

#[tokio::test]
async fn a_dropped_connection_before_changes_nothing_and_after_loses_the_answer_of_a_change() {
    let fake = plain_demo().await;
    let control = fake.control();
    let http = reqwest::Client::new();
    let admin = login(&http, &fake.uri(), "admin", "admin").await;
    let rows = |fake: &FakeOmflow| fake.state().tickets("mission").unwrap().len();
    let before = rows(&fake);

    // A create whose connection drops once, before or after the fake runs it.
    let dropped_create = |after: bool| {
        let (control, http, uri, admin) = (&control, &http, fake.uri(), &admin);
        async move {
            let fault = Fault::new(FaultAction::Reset { after }).endpoint("TicketEdit");
            control.add_fault(fault.times(1)).unwrap();
            create_ticket(http, &uri, admin).await.is_err()
        }
    };
    assert!(dropped_create(false).await, "no answer");
    assert_eq!(
        rows(&fake),
        before,
        "dropped before the view: nothing changed"
    );
    assert!(dropped_create(true).await, "no answer");
    assert!(
        rows(&fake) > before,
        "the ticket was created, its answer lost"
    );
    let created = create_ticket(&http, &fake.uri(), &admin).await.unwrap();
    assert_eq!(created.status(), 200, "the fault ran out");
    let pushes = control.requests(&RequestFilter::all().endpoint("TicketEdit"));
    assert_eq!(
        pushes.iter().map(|r| r.status).collect::<Vec<_>>(),
        [0, 0, 200]
    );
}

#[tokio::test]
async fn wiremock_refuses_resets_and_its_reset_keeps_the_fake() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let err = fake
        .control()
        .add_fault(Fault::new(FaultAction::Reset { after: false }))
        .unwrap_err();
    assert!(err.to_string().contains("record_requests(false)"), "{err}");
    let server = fake.server().unwrap();
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(418))
        .mount(server)
        .await;
    let http = reqwest::Client::new();
    let teapot = http
        .get(format!("{}/accounts/api/security/get/", fake.uri()))
        .send()
        .await
        .unwrap();
    assert_eq!(teapot.status(), 418);
    server.reset().await;
    let token = login(&http, &fake.uri(), "alice", "alice-pass").await;
    assert!(!token.is_empty(), "the fake answers after wiremock's reset");
}

#[tokio::test]
async fn snapshots_bring_back_the_state_and_the_clock_and_seed_can_be_set() {
    let fake = plain_demo().await;
    let control: Control = fake.control();
    let tickets = |fake: &FakeOmflow| fake.state().tickets("mission").unwrap().len();
    control.save_snapshot("seeded");
    let seeded = tickets(&fake);
    let users = |fake: &FakeOmflow| fake.state().json()["users"].as_array().unwrap().len();
    let seeded_users = users(&fake);
    assert!(fake.with_world(|world| world.delete_user("alice")));
    assert_eq!(users(&fake), seeded_users - 1);
    control.restore_snapshot("seeded").unwrap();
    assert_eq!((users(&fake), tickets(&fake)), (seeded_users, seeded));
    let err = control.restore_snapshot("typo").unwrap_err();
    assert_eq!(
        err.to_string(),
        "no snapshot named \"typo\" (saved: seeded)"
    );
    assert_eq!(control.snapshots(), ["seeded"]);
    assert!(control.delete_snapshot("seeded") && !control.delete_snapshot("seeded"));

    let at = chrono::NaiveDate::from_ymd_opt(2030, 1, 2)
        .unwrap()
        .and_hms_opt(3, 4, 5)
        .unwrap();
    control.set_clock(at);
    let now = fake.state().json()["now"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(now.starts_with("2030-01-02T03:04:0"), "{now}");

    control.load_seed(Seed::pristine()).unwrap();
    assert!(fake.state().json()["users"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["username"] != "alice"));
    control.reset().unwrap();
    assert!(
        fake.state().json()["users"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["username"] != "alice"),
        "reset goes back to the seed loaded last"
    );
}

/// The README's tester section runs its `curl` lines against a standalone fake: each answers
/// 2xx, and what they set shows.
#[tokio::test]
async fn every_readme_control_example_runs_against_the_standalone_fake() {
    let readme = include_str!("../../../README.md");
    let section = &readme[readme
        .find("### Steering the fake")
        .expect("the README has the section")..];
    let block = &section[section.find("```sh").unwrap() + 5..];
    let block = &block[..block.find("```").unwrap()];
    let fake = FakeOmflow::builder()
        .seed(Seed::demo())
        .start_standalone()
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let mut ran = 0;
    for line in block.lines().filter(|l| l.starts_with("curl ")) {
        let command = line.find("  #").map_or(line, |comment| &line[..comment]);
        let words = shlex::split(command).unwrap_or_else(|| panic!("cannot split {line:?}"));
        let (mut method, mut body, mut url) = ("GET".to_string(), None, None);
        let mut words = words.iter().skip(1);
        while let Some(word) = words.next() {
            match word.as_str() {
                "-X" => method = words.next().unwrap().clone(),
                "-d" => body = words.next().cloned(),
                // A file of the repository, as the README's lines name it from its root.
                "--data-binary" => {
                    let file = words.next().unwrap().trim_start_matches('@');
                    let path = format!("{}/../../{file}", env!("CARGO_MANIFEST_DIR"));
                    body = Some(
                        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")),
                    );
                }
                "-s" | "-f" | "-sf" => {}
                other => url = Some(other.replace("http://127.0.0.1:8000", &fake.uri())),
            }
        }
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = http.request(method, url.expect("a URL"));
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let answer = request.send().await.unwrap();
        assert!(answer.status().is_success(), "{line}: {}", answer.status());
        ran += 1;
    }
    assert!(ran >= 8, "only {ran} README control lines ran");
    let control = fake.control();
    assert_eq!(
        control.snapshots(),
        ["before"],
        "the README saves one snapshot"
    );
    assert!(
        control.faults().is_empty(),
        "the README ends by clearing its faults"
    );
}

/// The README's Rust example, line for line (the test below checks they agree).
#[rustfmt::skip]
#[tokio::test]
async fn the_readme_rust_example_runs() {
    let fake = FakeOmflow::builder().seed(Seed::demo()).record_requests(false).start().await.unwrap();
    let control = fake.control();
    // alice's next push is applied, and its answer lost (the connection drops).
    control.add_fault(Fault::new(FaultAction::Reset { after: true }).endpoint("TicketEdit").user("alice").times(1)).unwrap();
    control.save_snapshot("before");
    // ... run the code under test against fake.uri() ...
    let pushes = control.requests(&RequestFilter::all().endpoint("TicketEdit").user("alice"));
    println!("alice pushed {} times; the first answer was lost: {:?}", pushes.len(), pushes.first().map(|r| r.status));
    control.restore_snapshot("before").unwrap();
}

#[test]
fn the_readme_rust_example_is_the_one_above() {
    let readme = include_str!("../../../README.md");
    let section = &readme[readme.find("### Steering the fake").unwrap()..];
    let block = &section[section.find("```rust").unwrap()..];
    let block = &block[block.find('\n').unwrap() + 1..block.find("\n```\n").unwrap()];
    let this = include_str!("control.rs");
    for line in block
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty() && !l.starts_with("use "))
    {
        assert!(
            this.contains(&format!("    {line}")),
            "the README's line is not in the test: {line}"
        );
    }
}

/// Every control path the OpenAPI document lists is served (none answers "unknown control
/// endpoint").
#[tokio::test]
async fn every_documented_control_call_is_served() {
    let document: Value = serde_json::from_str(omflow_mock::OPENAPI_DOCUMENT).unwrap();
    let fake = plain_demo().await;
    let http = reqwest::Client::new();
    let mut served = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        let Some(control) = path.strip_prefix("/__mock/") else {
            continue;
        };
        let concrete = control
            .replace("{id}", "999")
            .replace("{name}", "x")
            .replace("{username}", "nobody");
        for method in item.as_object().unwrap().keys() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let answer = http
                .request(method.clone(), format!("{}/__mock/{concrete}", fake.uri()))
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .unwrap();
            let text = answer.text().await.unwrap();
            assert!(
                !text.contains("unknown control endpoint"),
                "{method} {path}: {text}"
            );
            served += 1;
        }
    }
    assert!(served >= 20, "only {served} control calls documented");
}

/// What would never apply is refused with what to do, not taken silently.
#[tokio::test]
async fn the_control_api_refuses_what_would_never_apply() {
    let fake = FakeOmflow::builder()
        .seed(Seed::demo())
        .start_standalone()
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let call = |method: &str, path: &str, body: &str| {
        let request = http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}/__mock/{path}", fake.uri()),
            )
            .body(body.to_string());
        async move {
            let answer = request.send().await.unwrap();
            (answer.status().as_u16(), answer.text().await.unwrap())
        }
    };
    for (body, said) in [
        (
            r#"{"kind":"http","status":503,"tiems":2}"#,
            "a http fault has no tiems",
        ),
        (
            r#"{"kind":"delay","ms":10,"status":503}"#,
            "a delay fault has no status",
        ),
        (
            r#"{"kind":"http","status":503,"endpoint":"mymissions"}"#,
            "did you mean MyMissions?",
        ),
        (
            r#"{"kind":"http","status":503,"user":"nobody"}"#,
            r#"no user \"nobody\""#,
        ),
        (r#"{"kind": "http", "status": 503"#, "the body is not JSON"),
        (
            r#"{"kind":"delay","ms":-5}"#,
            "ms a whole number of milliseconds",
        ),
        (r#"{"kind":"teapot"}"#, "is not a fault"),
    ] {
        let (status, text) = call("POST", "faults", body).await;
        assert_eq!(status, 400, "{body}: {text}");
        assert!(text.contains(said), "{body}: {text}");
    }
    assert!(fake.control().faults().is_empty());
    let (status, text) = call("GET", "requests/count?endpoint=mymissions", "").await;
    assert!(
        status == 400 && text.contains("did you mean MyMissions?"),
        "{text}"
    );
    let (status, text) = call("GET", "requests?method=POST", "").await;
    assert!(
        status == 400 && text.contains("not \\\"method\\\""),
        "{text}"
    );
    let (status, text) = call("DELETE", "faults/abc", "").await;
    assert!(
        status == 400 && text.contains("a fault id is a number"),
        "{text}"
    );
    let (status, _) = call("PUT", "snapshots/with%20space", "").await;
    assert_eq!(status, 200);
    assert_eq!(fake.control().snapshots(), ["with space"]);
}

/// A fault that answers instead of the view still logs who called.
#[tokio::test]
async fn a_faulted_call_is_logged_with_its_caller() {
    let fake = plain_demo().await;
    let control = fake.control();
    let http = reqwest::Client::new();
    let alice = login(&http, &fake.uri(), "alice", "alice-pass").await;
    control
        .add_fault(
            Fault::new(FaultAction::Http {
                status: 503,
                body: String::new(),
                content_type: "text/plain".into(),
            })
            .endpoint("MyMissions")
            .times(1),
        )
        .unwrap();
    let answer = missions(&http, &fake.uri(), &alice).await.unwrap();
    assert_eq!(answer.status(), 503);
    let logged = control.requests(&RequestFilter::all().endpoint("MyMissions"));
    assert_eq!(logged[0].user.as_deref(), Some("alice"));
}

/// The clock set back: what is written next carries the earlier time; a time beyond any
/// calendar is refused, and advancing past the end of time saturates instead of failing.
#[tokio::test]
async fn the_clock_goes_back_and_never_overflows() {
    let fake = plain_demo().await;
    let control = fake.control();
    let http = reqwest::Client::new();
    let admin = login(&http, &fake.uri(), "admin", "admin").await;
    let at = chrono::NaiveDate::from_ymd_opt(2020, 1, 2)
        .unwrap()
        .and_hms_opt(3, 4, 5)
        .unwrap();
    control.set_clock(at);
    assert_eq!(
        create_ticket(&http, &fake.uri(), &admin)
            .await
            .unwrap()
            .status(),
        200
    );
    let state = fake.state().json().to_string();
    assert!(
        state.contains("2020-01-02T03:04:0"),
        "no stamp of the earlier time"
    );

    let set = |now: &'static str| {
        let http = http.clone();
        let uri = fake.uri();
        async move {
            http.post(format!("{uri}/__mock/clock/set"))
                .body(format!("{{\"now\": \"{now}\"}}"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(set("+262142-12-31T23:59:59").await, 400);
    assert_eq!(set("2025-13-01T00:00:00").await, 400);
    for _ in 0..20 {
        control.advance_clock(1e300);
    }
    let answer = http
        .post(format!("{}/__mock/clock/advance", fake.uri()))
        .body(r#"{"seconds": 1e300}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200, "saturated, not panicked");
    assert_eq!(
        missions(&http, &fake.uri(), &admin).await.unwrap().status(),
        200
    );
}

/// An app export loaded at run time is served from then on, keeps the state so far, and
/// survives a reset; one that cannot be loaded changes nothing and says why.
#[tokio::test]
async fn apps_load_into_a_running_fake() {
    let path = format!(
        "{}/../../fixtures/omflow-3/apps/apptest_ext.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let export: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let fake = FakeOmflow::builder()
        .seed(Seed::demo())
        .start_standalone()
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let flows = |state: &serde_json::Value| -> Vec<String> {
        state["flows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["api_path"].as_str().unwrap().to_string())
            .collect()
    };
    let state = |fake_uri: String| {
        let http = http.clone();
        async move {
            http.get(format!("{fake_uri}/__mock/state"))
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let before = state(fake.uri()).await;
    let answer = http
        .post(format!("{}/__mock/apps", fake.uri()))
        .json(&export)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["loaded"], serde_json::json!(["外部任務"]));
    let after = state(fake.uri()).await;
    assert!(flows(&after).contains(&"apptest_ext".to_string()));
    assert_eq!(
        after["flows"][0]["rows"], before["flows"][0]["rows"],
        "the state so far stays"
    );
    let again = http
        .post(format!("{}/__mock/apps", fake.uri()))
        .json(&export)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 400);
    assert!(
        again.text().await.unwrap().contains("apptest_ext"),
        "names the api_path taken"
    );
    fake.control().reset().unwrap();
    assert!(
        flows(&state(fake.uri()).await).contains(&"apptest_ext".to_string()),
        "a reset keeps the apps loaded"
    );
}
