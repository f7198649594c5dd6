//! From wiremock requests to the fake's state machine and back: the `/rest/` wrapper's check
//! order, Django's answers for other paths, and the `/__mock/` control API.

use crate::files::{parse_multipart, UploadedFile};
use crate::pyjson::dumps;
use crate::seed::Seed;
use crate::steer::FaultAction;
use crate::views::{self, ViewCall};
use crate::world::{py_type, text, truthy, Reply, World};
use omflow_model::{Endpoint, Lang, MessageId, Mount, Permission};
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex, MutexGuard};
use wiremock::{Respond, ResponseTemplate};

/// Request bodies above this size are refused with HTTP 400, as Django's
/// `DATA_UPLOAD_MAX_MEMORY_SIZE` (2.5 MiB) does.
pub const MAX_BODY_BYTES: usize = 2_621_440;

/// Multipart bodies may carry files beyond [`MAX_BODY_BYTES`] (Django streams files to disk;
/// the real server took 3 MB); the fake refuses multipart bodies above 32 MiB with HTTP 400.
pub const MAX_UPLOAD_BYTES: usize = 32 * 1024 * 1024;

/// The state shared by the responder and the test-facing API.
pub(crate) struct Shared {
    pub world: Mutex<World>,
    pub seed: Mutex<Seed>,
    /// Simulated network latency added to every answer, in milliseconds.
    pub latency_ms: std::sync::atomic::AtomicU64,
    /// The request log and the faults a tester set.
    pub steering: crate::steer::Steering,
    /// The states a tester saved, by name.
    pub snapshots: Mutex<std::collections::BTreeMap<String, World>>,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, World> {
        // A panic while holding the lock must not take the fake down with it.
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// One incoming request, whichever server received it.
pub(crate) struct Incoming<'a> {
    pub method: &'a str,
    pub url: &'a url::Url,
    pub headers: &'a http::HeaderMap,
    pub body: &'a [u8],
}

/// One answer, whichever server sends it.
pub(crate) struct HttpReply {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    pub delay_ms: u64,
}

impl HttpReply {
    pub fn json(status: u16, value: &Value) -> HttpReply {
        HttpReply {
            status,
            content_type: "application/json".into(),
            headers: Vec::new(),
            body: value.to_string().into_bytes(),
            delay_ms: 0,
        }
    }

    /// The answer as a wiremock template.
    pub fn into_template(self) -> ResponseTemplate {
        let mut template = ResponseTemplate::new(self.status);
        for (name, value) in &self.headers {
            template = template.insert_header(*name, value.as_str());
        }
        template = template.set_body_raw(self.body, &self.content_type);
        if self.delay_ms > 0 {
            template = template.set_delay(std::time::Duration::from_millis(self.delay_ms));
        }
        template
    }
}

pub(crate) struct FakeResponder(pub Arc<Shared>);

impl Respond for FakeResponder {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let incoming = Incoming {
            method: request.method.as_str(),
            url: &request.url,
            headers: &request.headers,
            body: &request.body,
        };
        match serve(&self.0, &incoming) {
            Served::Reply(reply) => reply.into_template(),
            // Faults that drop connections are refused under wiremock; should one arrive,
            // say so rather than answer as if nothing happened.
            Served::Dropped => ResponseTemplate::new(502)
                .set_body_string("the fake cannot drop a connection under wiremock"),
        }
    }
}

/// What the server does with a request: answer it, or drop the connection (a fault).
pub(crate) enum Served {
    /// Send this answer.
    Reply(HttpReply),
    /// Close the connection without an answer.
    Dropped,
}

/// Answers one request: the control API, or the fake's state with the faults a tester set,
/// logged.
pub(crate) fn serve(shared: &Arc<Shared>, request: &Incoming<'_>) -> Served {
    let path = request.url.path();
    if let Some(control) = path.strip_prefix("/__mock/") {
        return Served::Reply(crate::control::api(shared, request, control));
    }
    let endpoint = crate::steer::endpoint_of(path, request.body);
    // Who calls, from the request alone (Basic, Garoon); a security code's user only when a
    // fault needs it before the view (the view says who it authenticated).
    let mut user = who(request);
    if user.is_none() && shared.steering.has_user_faults() {
        user = code_user(shared, request);
    }
    let fault = shared.steering.take_fault(&endpoint, user.as_deref());
    let mut caller = None;
    let served = match fault.as_ref().map(|(_, action)| action) {
        Some(FaultAction::Http {
            status,
            body,
            content_type,
        }) => Served::Reply(HttpReply {
            status: *status,
            content_type: content_type.clone(),
            headers: Vec::new(),
            body: body.clone().into_bytes(),
            delay_ms: 0,
        }),
        Some(FaultAction::Envelope { status, message }) => Served::Reply(render(
            Reply::Envelope {
                status: *status,
                message: message.clone(),
                result: Value::Null,
            },
            Lang::default(),
        )),
        Some(FaultAction::Reset { after: false }) => Served::Dropped,
        Some(FaultAction::Reset { after: true }) => {
            let _lost = answer(shared, request, &mut caller);
            Served::Dropped
        }
        Some(FaultAction::Delay { ms }) => {
            let mut reply = answer(shared, request, &mut caller);
            reply.delay_ms += ms;
            Served::Reply(reply)
        }
        _ => Served::Reply(answer(shared, request, &mut caller)),
    };
    let status = match &served {
        Served::Reply(reply) => reply.status,
        Served::Dropped => 0,
    };
    // A fault that answered instead of the view: the caller from the security code.
    if user.is_none() && caller.is_none() && fault.is_some() {
        caller = code_user(shared, request);
    }
    shared.steering.record(
        request.method,
        path,
        endpoint,
        user.or(caller),
        status,
        fault.map(|(id, _)| id),
    );
    served
}

/// The user of the security code a request's body carries, if the fake has it.
fn code_user(shared: &Shared, request: &Incoming<'_>) -> Option<String> {
    let code = crate::steer::security_code(request.body)?;
    shared.lock().tokens.get(&code).map(|t| t.username.clone())
}

/// Who a request names by itself: the Basic login (logging in, the web login) or the Garoon
/// login (REST header or SOAP envelope).
fn who(request: &Incoming<'_>) -> Option<String> {
    use base64::Engine as _;
    let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
    let decoded = |b64: &str| {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .ok()?;
        let text = String::from_utf8(bytes).ok()?;
        text.split_once(':').map(|(login, _)| login.to_string())
    };
    if let Some(basic) = header("authorization").and_then(|v| v.strip_prefix("Basic ")) {
        return decoded(basic);
    }
    if let Some(cybozu) = header("x-cybozu-authorization") {
        return decoded(cybozu);
    }
    if request.url.path().starts_with("/g/cbpapi/") {
        return crate::steer::element_text(request.body, "Username");
    }
    None
}

/// Answers one request from the fake's state.
fn answer(shared: &Shared, request: &Incoming<'_>, caller: &mut Option<String>) -> HttpReply {
    {
        let lang = request
            .headers
            .get("accept-language")
            .and_then(|v| v.to_str().ok())
            .map(Lang::from_accept_language)
            .unwrap_or_default();
        let path = request.url.path().to_string();
        #[cfg(feature = "garoon")]
        if path == crate::garoon_soap::PATH && request.method == "POST" {
            return crate::garoon_soap::handle(&mut shared.lock(), request.body);
        }
        #[cfg(feature = "garoon")]
        if let Some(garoon) = path.strip_prefix("/g/api/v1/workflow/") {
            return crate::garoon::handle(&shared.lock(), request, garoon);
        }
        let limit = if is_multipart(request) {
            MAX_UPLOAD_BYTES
        } else {
            MAX_BODY_BYTES
        };
        if let Some(reply) = crate::web::handle(shared, request, &path, lang) {
            return reply;
        }
        let reply = if request.body.len() > limit {
            page(400, "text/html", None, "<h1>Bad Request (400)</h1>")
        } else {
            handle(shared, request, &path, lang, caller)
        };
        let mut reply = render(reply, lang);
        reply.delay_ms = shared.latency_ms.load(std::sync::atomic::Ordering::Relaxed);
        reply
    }
}

/// A reply as HTTP (for the web-UI paths).
pub(crate) fn render_reply(reply: Reply, lang: Lang) -> HttpReply {
    render(reply, lang)
}

fn render(reply: Reply, lang: Lang) -> HttpReply {
    // What Django's JSON answers carry: HTTP 200, the language and what the answer varies by.
    let json_reply = |body: Vec<u8>| HttpReply {
        status: 200,
        content_type: "application/json".into(),
        headers: vec![
            ("content-language", lang.tag().to_string()),
            ("vary", "Cookie, Accept-Language".to_string()),
        ],
        body,
        delay_ms: 0,
    };
    match reply {
        Reply::Envelope {
            status,
            message,
            result,
        } => json_reply(
            dumps(&json!({"status": status, "message": message, "result": result})).into_bytes(),
        ),
        Reply::Rendered {
            status,
            message,
            result,
        } => json_reply(
            format!(
                "{{\"status\": {status}, \"message\": {}, \"result\": {result}}}",
                dumps(&message)
            )
            .into_bytes(),
        ),
        Reply::Bare { body } => json_reply(dumps(&body).into_bytes()),
        Reply::Page {
            http,
            content_type,
            location,
            body,
        } => {
            let mut headers = vec![("content-language", lang.tag().to_string())];
            if let Some(location) = location {
                headers.push(("location", location));
            }
            HttpReply {
                status: http,
                content_type: content_type.to_string(),
                headers,
                body: body.into_bytes(),
                delay_ms: 0,
            }
        }
    }
}

fn page(http: u16, content_type: &'static str, location: Option<String>, body: &str) -> Reply {
    Reply::Page {
        http,
        content_type,
        location,
        body: body.to_string(),
    }
}

/// The served endpoint under `/rest/` that a slashed path (no leading `/`) names, with its
/// parameter; the same paths without the prefix are the site's Django pages.
fn resolve(url: &str) -> Option<(Endpoint, Option<String>)> {
    let path = format!("/rest/{url}");
    let (endpoint, param) = Endpoint::resolve(&path)?;
    (endpoint.mount() == Mount::Rest).then(|| (endpoint, param.map(str::to_string)))
}

/// What the `/rest/` dispatcher resolves a path to: it looks in the site's whole URL table
/// and runs whatever view it finds by its URL name.
enum Route {
    /// An endpoint of the table.
    Served(Endpoint, Option<String>),
    /// `api/permission/denied/`.
    PermissionDenied,
    /// `accounts/api/security/get/` (the Basic endpoint, reached without its header).
    SecurityWithoutBasic,
    /// A pattern without a name: its view cannot be called by name.
    Unnamed,
}

/// Unnamed patterns of the root URL table (`omflow/urls.py`): exact pages, and prefixes
/// followed by any text (`(?P<url>.+)`).
const UNNAMED_PAGES: [&str; 4] = [
    "page/file-management/",
    "page/403/",
    "page/system/",
    "page/sidebar-management/",
];
const UNNAMED_PREFIXES: [&str; 4] = [
    "rest/",
    "my-mission/page/myform/",
    "flowmanage/page/myform/",
    "api/history-files/download/",
];

/// The route the `/rest/` dispatcher resolves a slashed path (no leading `/`) to.
fn resolve_rest(url: &str) -> Option<Route> {
    if let Some((endpoint, param)) = resolve(url) {
        return Some(Route::Served(endpoint, param));
    }
    match url {
        "api/permission/denied/" => return Some(Route::PermissionDenied),
        "accounts/api/security/get/" => return Some(Route::SecurityWithoutBasic),
        _ => {}
    }
    let unnamed = UNNAMED_PAGES.contains(&url)
        || UNNAMED_PREFIXES
            .iter()
            .any(|p| url.strip_prefix(p).is_some_and(|rest| !rest.is_empty()));
    unnamed.then_some(Route::Unnamed)
}

/// A request body as `getPostdata` and Django see it.
struct Parsed {
    body: Value,
    /// Form-encoded or multipart: Django's immutable `QueryDict`.
    is_form: bool,
    /// File parts named `files` (multipart only).
    files: Vec<UploadedFile>,
}

fn content_type<'r>(request: &'r Incoming<'_>) -> &'r str {
    request
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn is_multipart(request: &Incoming<'_>) -> bool {
    content_type(request).starts_with("multipart/form-data")
}

/// `getPostdata`: JSON whatever the Content-Type, else form fields (last value wins).
fn parse_body(request: &Incoming<'_>) -> Parsed {
    if let Ok(text) = std::str::from_utf8(request.body) {
        if let Ok(body) = crate::pyjson::loads(text) {
            return Parsed {
                body,
                is_form: false,
                files: Vec::new(),
            };
        }
    }
    let content_type = content_type(request);
    if is_multipart(request) {
        let (fields, files) = parse_multipart(content_type, request.body);
        return Parsed {
            body: Value::Object(fields),
            is_form: true,
            files,
        };
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Parsed {
            body: Value::Object(Map::new()),
            is_form: false,
            files: Vec::new(),
        };
    }
    let mut map = Map::new();
    for (key, value) in url::form_urlencoded::parse(request.body) {
        map.insert(key.into_owned(), Value::String(value.into_owned()));
    }
    Parsed {
        body: Value::Object(map),
        is_form: true,
        files: Vec::new(),
    }
}

fn handle(
    shared: &Shared,
    request: &Incoming<'_>,
    path: &str,
    lang: Lang,
    authenticated: &mut Option<String>,
) -> Reply {
    let method = request.method;
    if path == omflow_model::paths::SECURITY {
        let authorization = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        let mut world = shared.lock();
        world.process_due();
        return world.login(authorization, lang);
    }
    if path == "/accounts/api/security/get" {
        return if method == "GET" {
            page(
                301,
                "text/html; charset=utf-8",
                Some(format!("{path}/")),
                "",
            )
        } else {
            page(500, "text/html", None, "<!DOCTYPE html><html><body><h1>RuntimeError at /accounts/api/security/get</h1><p>You called this URL via POST, but the URL doesn't end in a slash and you have APPEND_SLASH set.</p></body></html>")
        };
    }
    let Some(url) = path.strip_prefix("/rest/").filter(|u| !u.is_empty()) else {
        let known = path == "/" || resolve(path.trim_start_matches('/')).is_some();
        return match (known, method) {
            (true, "GET") => page(302, "text/html; charset=utf-8", Some(format!("/accounts/login/?next={path}")), ""),
            (true, _) => page(403, "text/html", None, "<!DOCTYPE html><html><body><h1>Forbidden (403)</h1><p>CSRF verification failed. Request aborted.</p></body></html>"),
            (false, _) => page(404, "text/html", None, "<!DOCTYPE html><html><body><h1>Page not found (404)</h1></body></html>"),
        };
    };
    let slashed = if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    };
    let Some(route) = resolve_rest(&slashed) else {
        return Reply::fail(403, text(MessageId::RestUrlError, lang));
    };
    let Parsed {
        body,
        is_form,
        files,
    } = parse_body(request);
    let Some(body) = body.as_object() else {
        return Reply::fail(
            500,
            format!("'{}' object has no attribute 'get'", py_type(&body)),
        );
    };
    if !body.get("omflow_restapi").is_some_and(truthy) {
        return Reply::fail(
            403,
            format!(
                "{}omflow_restapi",
                text(MessageId::RestMissingParamPrefix, lang)
            ),
        );
    }
    let mut world = shared.lock();
    world.process_due();
    let caller = match world.authenticate(body.get("security"), lang) {
        Ok(caller) => caller,
        Err(reply) => return reply,
    };
    *authenticated = Some(caller.username.clone());
    let (endpoint, param) = match route {
        Route::Served(endpoint, param) => (endpoint, param.unwrap_or_default()),
        Route::PermissionDenied => return Reply::fail(403, text(MessageId::NoPermission, lang)),
        // `getSecurityAjax` reads the Basic header, which a `/rest/` call does not carry.
        Route::SecurityWithoutBasic => {
            return Reply::fail(500, "OmUser matching query does not exist.")
        }
        // `getattr(module, None)`: the dispatcher calls views by their URL name.
        Route::Unnamed => return Reply::fail(500, "attribute name must be string, not 'NoneType'"),
    };
    if endpoint.permission() == Permission::FlowManage && !world.is_manager(&caller) {
        return permission_denied_redirect(path);
    }
    let call = ViewCall {
        caller: &caller,
        param: &param,
        body,
        files: &files,
        is_form,
        lang,
    };
    views::dispatch(&mut world, endpoint, &call)
}

/// `permission_required(..., '/api/permission/denied/')`: HTTP 302 to the permission page,
/// with the path as requested; the view does not run.
fn permission_denied_redirect(path: &str) -> Reply {
    page(
        302,
        "text/html; charset=utf-8",
        Some(format!("/api/permission/denied/?next={path}")),
        "",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(shared: &Arc<Shared>, path: &str, headers: &http::HeaderMap, body: &[u8]) -> Value {
        let url = url::Url::parse(&format!("http://127.0.0.1{path}")).unwrap();
        let method = if body.is_empty() { "GET" } else { "POST" };
        let Served::Reply(reply) = serve(
            shared,
            &Incoming {
                method,
                url: &url,
                headers,
                body,
            },
        ) else {
            panic!("dropped")
        };
        serde_json::from_slice(&reply.body).unwrap()
    }

    /// The my-missions list reuses rendered rows; every change to a mission must show.
    #[test]
    fn listed_missions_match_their_state_after_every_change() {
        let shared = crate::FakeOmflow::builder()
            .seed(Seed::demo())
            .shared()
            .unwrap();
        let mut login_headers = http::HeaderMap::new();
        login_headers.insert("authorization", "Basic YWRtaW46YWRtaW4=".parse().unwrap());
        let login = call(&shared, "/accounts/api/security/get/", &login_headers, b"");
        let token = login["result"]["security"].clone();
        let none = http::HeaderMap::new();
        let list = |shared: &Arc<Shared>| {
            let body = json!({"security": token, "omflow_restapi": 1, "order_columns": ["-id"]});
            call(
                shared,
                "/rest/my-mission/api/my-mission/list/",
                &none,
                body.to_string().as_bytes(),
            )
        };
        let state_rows = |shared: &Shared, answer: &Value| -> Vec<Value> {
            let world = shared.lock();
            answer["result"]
                .as_array()
                .unwrap()
                .iter()
                .map(|row| {
                    Value::Object(
                        (**world.missions.get(row["id"].as_u64().unwrap()).unwrap()).clone(),
                    )
                })
                .collect()
        };
        let first = list(&shared);
        assert_eq!(first["result"], Value::Array(state_rows(&shared, &first)));
        assert_eq!(list(&shared), first, "a second listing is the same text");

        // Attach a file to the newest mission's ticket: the listing must show it.
        let newest = first["result"][0].clone();
        let mut world = shared.lock();
        let flow = world
            .flows
            .iter()
            .position(|f| f.def.api_path == "mission")
            .unwrap();
        let data_no = newest["data_no"].as_u64().unwrap();
        let data_id = newest["data_id"].as_u64().unwrap();
        let hex = Value::String(world.flows[flow].def.flow_uuid.clone());
        let folder = crate::files::Attachment::folder(&hex, &data_no.into(), &data_id.into());
        world.store_files(
            flow,
            (data_no, data_id),
            &folder,
            &[crate::files::UploadedFile {
                name: "a.txt".into(),
                size: 1,
                content: bytes::Bytes::from_static(b"a"),
            }],
            "admin",
        );
        drop(world);
        let second = list(&shared);
        assert_eq!(second["result"][0]["attachment"], true);
        assert_eq!(second["result"], Value::Array(state_rows(&shared, &second)));
    }
}
