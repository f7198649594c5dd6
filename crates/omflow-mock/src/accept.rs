//! The one HTTP/1.1 accept loop (hyper) behind the standalone fake and the recording proxy
//! (`omflow-conformance`), public for that proxy.

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming as Body;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Serves every connection `listener` accepts, each request answered by `answer(state,
/// request)`, until the returned task is aborted.
pub fn serve<S, F, Fut>(
    listener: TcpListener,
    state: Arc<S>,
    answer: F,
) -> tokio::task::JoinHandle<()>
where
    S: Send + Sync + 'static,
    F: Fn(Arc<S>, hyper::Request<Body>) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = hyper::Response<Full<Bytes>>> + Send + 'static,
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
                    async move { Ok::<_, Infallible>(answer(state, request).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    })
}
