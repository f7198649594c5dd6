//! The proxy: forwards each request upstream, answers the client, and queues the exchange.

use super::recorder::{lock, State};
use super::writer::{Job, ToWriter};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming as Body;
use std::time::Instant;

fn plain(status: u16, text: &str) -> hyper::Response<Full<Bytes>> {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "text/plain; charset=utf-8")
        .body(Full::new(Bytes::from(text.to_string())))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
}

pub(super) async fn proxy(
    state: &State,
    request: hyper::Request<Body>,
) -> hyper::Response<Full<Bytes>> {
    let options = &state.shared.options;
    let (parts, body) = request.into_parts();
    let Ok(collected) = Limited::new(body, options.max_body_bytes).collect().await else {
        return plain(
            413,
            "the recorder's body limit was reached; raise --max-body-bytes",
        );
    };
    let body = collected.to_bytes();
    let started = Instant::now();
    let (seq, elapsed_ms) = {
        let mut progress = lock(&state.shared.progress);
        if options
            .max_exchanges
            .is_some_and(|max| progress.started >= max)
        {
            return plain(
                503,
                "the recorder reached --max-exchanges and records no more",
            );
        }
        progress.started += 1;
        let elapsed = progress
            .last_start
            .map_or(0, |previous| started.duration_since(previous).as_millis());
        progress.last_start = Some(started);
        (progress.started, elapsed)
    };
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();

    // Forward unchanged (Host is the upstream's).
    let method = reqwest::Method::from_bytes(parts.method.as_str().as_bytes())
        .unwrap_or(reqwest::Method::GET);
    let mut upstream = state
        .http
        .request(method, format!("{}{path_and_query}", options.upstream));
    for (name, value) in &parts.headers {
        if name != hyper::header::HOST && name != hyper::header::CONTENT_LENGTH {
            upstream = upstream.header(name.as_str(), value.as_bytes());
        }
    }
    let answer = upstream.body(body.clone()).send().await;
    let (status, headers, answer_body) = match answer {
        Ok(response) => {
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            match response.bytes().await {
                Ok(bytes) => (status, headers, bytes),
                Err(e) => {
                    let why = format!("the upstream answer broke off: {}", chain(&e));
                    state.shared.fail(format!("exchange {seq}: {why}"));
                    return plain(502, &why);
                }
            }
        }
        Err(e) => {
            let why = format!("the upstream did not answer: {}", chain(&e));
            state.shared.fail(format!("exchange {seq}: {why}"));
            return plain(502, &why);
        }
    };
    let duration_ms = started.elapsed().as_millis();

    let mut response = hyper::Response::builder().status(status);
    for (name, value) in &headers {
        if name != reqwest::header::CONTENT_LENGTH && name != reqwest::header::TRANSFER_ENCODING {
            response = response.header(name.as_str(), value.as_bytes());
        }
    }
    let job = Job {
        seq,
        parts,
        path_and_query,
        body,
        status,
        headers,
        answer: answer_body.clone(),
        timing: (elapsed_ms, duration_ms),
    };
    // Queued before the answer leaves, so a code a login issues has its placeholder before
    // any later exchange that uses it is written.
    if state
        .writer
        .send(ToWriter::Exchange(Box::new(job)))
        .await
        .is_err()
    {
        // The upstream has answered (and may have acted): the client gets that answer, and
        // the failures say that the recording misses it.
        state.shared.fail(format!(
            "exchange {seq}: answered, but the writer has stopped"
        ));
    }
    response
        .body(Full::new(answer_body))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
}

/// An error and its sources, as one line ("error sending request" alone says nothing).
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
