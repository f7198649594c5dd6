//! The one HTTP/1.1 accept loop (hyper) behind the standalone fake and the recording proxy
//! (`omflow-conformance`), public for that proxy.

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming as Body;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

/// An answer not to send: the connection is closed instead (a fault that drops it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Dropped {}

/// Serves every connection `listener` accepts, each request answered by `answer(state,
/// request)` (or its connection closed when that is [`Dropped`]), until the returned task is
/// aborted.
pub fn serve<S, F, Fut>(
    listener: TcpListener,
    state: Arc<S>,
    answer: F,
) -> tokio::task::JoinHandle<()>
where
    S: Send + Sync + 'static,
    F: Fn(Arc<S>, hyper::Request<Body>) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<hyper::Response<Full<Bytes>>, Dropped>> + Send + 'static,
{
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let state = state.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: hyper::Request<Body>| {
                    let state = state.clone();
                    async move { answer(state, request).await }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}
