//! The two web-UI paths an assignee's attachments need: `POST /accounts/api/login/` (HTTP
//! Basic; sets a `sessionid` cookie that lives 130 s) and `GET
//! /api/history-files/download/<file>` (the file's bytes to any logged-in session; without one
//! a 302 to the login page; another method: Django's CSRF refusal, 403).
//!
//! One deliberate difference from the real server, which joins the path to its media root
//! unchecked (`../LICENSE` is served): the fake serves only the attachments it stores, so a
//! tester's machine cannot be read through it. Any other path answers Django's 500 page, as
//! the real server does for a missing file.

use crate::http::{HttpReply, Incoming, Shared};
use crate::world::{text, Reply, World};
use omflow_model::{Lang, MessageId};
use serde_json::Value;

/// How long a web session lives after login (the real server's `SESSION_COOKIE_AGE`).
pub(crate) const SESSION_SECONDS: i64 = 130;

/// The path prefix of the attachment download.
const DOWNLOAD: &str = omflow_model::web::DOWNLOAD_PREFIX;

/// Answers the web-UI paths; `None` for any other path.
pub(crate) fn handle(
    shared: &Shared,
    request: &Incoming<'_>,
    path: &str,
    lang: Lang,
) -> Option<HttpReply> {
    if path == omflow_model::web::LOGIN && request.method == "POST" {
        return Some(login(&mut shared.lock(), request, lang));
    }
    let file = path.strip_prefix(DOWNLOAD)?;
    let mut reply = if matches!(request.method, "GET" | "HEAD") {
        // The web form's links are percent-encoded (`%E5%A0%B1%E5%91%8A.txt`).
        let file = percent_encoding::percent_decode_str(file).decode_utf8_lossy();
        download(&mut shared.lock(), request, path, &file)
    } else {
        // Django's CSRF check refuses any other method without a token, before the view.
        html(
            403,
            "<h1>Forbidden (403)</h1><p>CSRF verification failed. Request aborted.</p>",
        )
    };
    reply
        .headers
        .push(("content-language", lang.tag().to_string()));
    Some(reply)
}

/// An HTML page with `status`.
fn html(status: u16, body: &str) -> HttpReply {
    let mut reply = HttpReply::json(status, &Value::Null);
    reply.content_type = "text/html".into();
    reply.body = format!("<!DOCTYPE html><html><body>{body}</body></html>").into_bytes();
    reply
}

fn login(world: &mut World, request: &Incoming<'_>, lang: Lang) -> HttpReply {
    let authorization = request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    let reply = world.login(authorization, lang);
    let Reply::Envelope {
        status: 200,
        result,
        ..
    } = &reply
    else {
        return crate::http::render_reply(reply, lang);
    };
    let username = result["security"]
        .as_str()
        .and_then(|code| world.tokens.get(code))
        .map(|token| token.username.clone())
        .unwrap_or_default();
    let session = uuid::Uuid::new_v4().simple().to_string();
    let expires = world.now() + chrono::Duration::seconds(SESSION_SECONDS);
    world.sessions.insert(session.clone(), (username, expires));
    let mut answer = crate::http::render_reply(
        Reply::ok(text(MessageId::LoginSuccess, lang), Value::Null),
        lang,
    );
    answer.headers.push((
        "set-cookie",
        format!("sessionid={session}; HttpOnly; Max-Age={SESSION_SECONDS}; Path=/; SameSite=Lax"),
    ));
    answer
}

fn download(world: &mut World, request: &Incoming<'_>, path: &str, file: &str) -> HttpReply {
    let session = request
        .headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix("sessionid="))
        .map(str::to_string);
    let now = world.now();
    let valid = session
        .as_ref()
        .and_then(|id| world.sessions.get(id))
        .is_some_and(|(_, expires)| now < *expires);
    if !valid {
        let mut reply = HttpReply::json(302, &Value::Null);
        reply.content_type = "text/html; charset=utf-8".into();
        reply.body = Vec::new();
        reply
            .headers
            .push(("location", format!("/accounts/login/?next={path}")));
        return reply;
    }
    let Some(attachment) = world.attachments.iter().find(|a| a.file == file) else {
        return html(500, &format!("<h1>ValueError at {path}</h1>"));
    };
    let mut reply = HttpReply::json(200, &Value::Null);
    reply.content_type = "application/octet-stream".into();
    reply.body = attachment.content.to_vec();
    reply.headers.push((
        "content-disposition",
        format!("inline; filename={}", attachment.file_name),
    ));
    reply
}
