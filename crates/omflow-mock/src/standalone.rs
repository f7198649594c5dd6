//! The fake as a plain HTTP/1.1 server (hyper), for the `omflow-mock` binary and load tests.
//!
//! Same state machine and answers as the wiremock-based [`crate::FakeOmflow`], without
//! wiremock's per-mock record of every matched request, so memory stays flat however many
//! requests it serves. Fault injection through extra mocks is the in-process fake's job.

use crate::http::{serve, HttpReply, Incoming, Served, Shared, MAX_UPLOAD_BYTES};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming as Body;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// A running standalone fake; stops when dropped.
pub struct StandaloneFake {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl StandaloneFake {
    pub(crate) async fn start(shared: Arc<Shared>, addr: &str) -> std::io::Result<StandaloneFake> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let task = crate::accept::serve(listener, shared.clone(), |state, request| async move {
            answer(&state, request).await
        });
        Ok(StandaloneFake { addr, shared, task })
    }

    /// The base URL (`http://ADDR`).
    #[must_use]
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Steers it: its request log, faults, snapshots, clock and seed.
    #[must_use]
    pub fn control(&self) -> crate::Control {
        crate::Control::new(self.shared.clone())
    }

    /// Runs `f` on the state, under the lock.
    pub fn with_world<R>(&self, f: impl FnOnce(&mut crate::World) -> R) -> R {
        f(&mut self.shared.lock())
    }
}

impl Drop for StandaloneFake {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    shared: &Arc<Shared>,
    request: hyper::Request<Body>,
) -> Result<hyper::Response<Full<Bytes>>, crate::accept::Dropped> {
    let (parts, body) = request.into_parts();
    let reply = match Limited::new(body, MAX_UPLOAD_BYTES + 1).collect().await {
        Ok(collected) => {
            let bytes = collected.to_bytes();
            let url = url::Url::parse(&format!("http://fake{}", parts.uri))
                .unwrap_or_else(|_| url::Url::parse("http://fake/").expect("static URL"));
            match serve(
                shared,
                &Incoming {
                    method: parts.method.as_str(),
                    url: &url,
                    headers: &parts.headers,
                    body: &bytes,
                },
            ) {
                Served::Reply(reply) => reply,
                Served::Dropped => return Err(crate::accept::Dropped),
            }
        }
        Err(_) => HttpReply {
            status: 400,
            content_type: "text/html".into(),
            headers: Vec::new(),
            body: b"<h1>Bad Request (400)</h1>".to_vec(),
            delay_ms: 0,
        },
    };
    if reply.delay_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(reply.delay_ms)).await;
    }
    let mut response = hyper::Response::builder()
        .status(reply.status)
        .header("content-type", reply.content_type.as_str());
    for (name, value) in &reply.headers {
        response = response.header(*name, value.as_str());
    }
    Ok(response
        .body(Full::new(Bytes::from(reply.body)))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new()))))
}
