//! # omflow-transport
//!
//! The HTTP layer of the OMFLOW SDK: the [`Transport`] trait that sends one request and
//! returns one response, and [`ReqwestTransport`], its reqwest implementation (rustls by
//! default, `native-tls` as a feature; connect and request timeouts on by default;
//! connection reuse; a user agent).
//!
//! Errors say whether the request may have reached the server ([`Sent`]), so callers can
//! decide whether a write is safe to resend. No secret (the `Authorization` header, a body
//! carrying a security code) appears in any `Debug`, `Display` or tracing field.
//!
//! ```no_run
//! # async fn run() -> Result<(), omflow_transport::TransportError> {
//! use omflow_transport::{HttpRequest, ReqwestTransport, Transport};
//! let transport = ReqwestTransport::builder().build()?;
//! let url = url::Url::parse("http://127.0.0.1:8000/accounts/api/security/get/").unwrap();
//! let response = transport.send(HttpRequest::get(url)).await?;
//! println!("HTTP {}", response.status);
//! # Ok(()) }
//! ```

mod call_error;
mod config;
mod retry;
pub use call_error::{CallError, RawAnswer};
pub use config::{HttpConfig, HttpConfigError};
pub use retry::{
    body_snippet, retry_after, send_with_retry, Effect, RetryPolicy, RetryPolicyError,
    MAX_RETRY_AFTER,
};

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method};
use std::fmt;
use std::time::Duration;
use tracing::Instrument;
use url::Url;

/// Whether a failed request may have reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// It certainly did not (no connection was made): safe to resend, even a write.
    No,
    /// It may have: a write must not be resent blindly.
    Maybe,
}

/// One request. `Debug` shows the method and path only: never headers or the body.
#[derive(Clone)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Full URL.
    pub url: Url,
    /// Headers (`Authorization`, `Accept-Language`, `Content-Type`).
    pub headers: HeaderMap,
    /// Body bytes, if any.
    pub body: Option<Bytes>,
}

impl HttpRequest {
    /// A GET without a body.
    #[must_use]
    pub fn get(url: Url) -> Self {
        HttpRequest {
            method: Method::GET,
            url,
            headers: HeaderMap::new(),
            body: None,
        }
    }

    /// A POST with a JSON body.
    pub fn post_json(url: Url, body: Bytes) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        HttpRequest {
            method: Method::POST,
            url,
            headers,
            body: Some(body),
        }
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("path", &self.url.path())
            .field(
                "headers",
                &self.headers.keys().map(|k| k.as_str()).collect::<Vec<_>>(),
            )
            .field("body_bytes", &self.body.as_ref().map(Bytes::len))
            .finish()
    }
}

/// One response.
#[derive(Clone)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

/// Why a request got no response.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// No connection could be made (refused, DNS, TLS handshake): the request was not sent.
    #[error("cannot connect to the server{}", unless_kept(message, cause))]
    Connect {
        /// What failed, as text (the cause's chain, when one is kept).
        message: String,
        /// The error the HTTP library failed with, kept whole as this error's source.
        #[source]
        cause: Option<Cause>,
    },
    /// No response in time.
    #[error("no response within {timeout:?} (the request may have reached the server)")]
    Timeout {
        /// The limit that ran out.
        timeout: Duration,
        /// Whether the request may have been sent.
        sent: Sent,
    },
    /// The connection broke while sending or receiving.
    #[error(
        "the connection failed mid-request (the request may have reached the server){}",
        unless_kept(message, cause)
    )]
    Io {
        /// What failed, as text (the cause's chain, when one is kept).
        message: String,
        /// The error the HTTP library failed with, kept whole as this error's source.
        #[source]
        cause: Option<Cause>,
    },
    /// The transport could not be built or the request is malformed.
    #[error("invalid HTTP request or client setup{}", unless_kept(message, cause))]
    Build {
        /// What is wrong, as text (the cause's chain, when one is kept).
        message: String,
        /// The error the HTTP library failed with, kept whole as this error's source.
        #[source]
        cause: Option<Cause>,
    },
}

/// The message after a colon, when no cause says it as this error's source.
fn unless_kept(message: &str, cause: &Option<Cause>) -> String {
    match cause {
        Some(_) => String::new(),
        None => format!(": {message}"),
    }
}

/// The error a transport failed with, kept as the source of a [`TransportError`] (shared, so
/// that the error stays `Clone`); its own sources follow it.
///
/// ```
/// use omflow_transport::{Cause, TransportError};
/// use std::error::Error as _;
///
/// let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
/// let err = TransportError::Connect {
///     message: io.to_string(),
///     cause: Some(Cause::new(io)),
/// };
/// assert_eq!(err.to_string(), "cannot connect to the server");
/// let cause = err.source().expect("kept");
/// assert_eq!(cause.to_string(), "connection refused");
/// assert!(cause.downcast_ref::<Cause>().is_some_and(|c| c.get().is::<std::io::Error>()));
/// ```
#[derive(Clone)]
pub struct Cause(std::sync::Arc<dyn std::error::Error + Send + Sync + 'static>);

impl Cause {
    /// Keeps `error`.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Cause(std::sync::Arc::new(error))
    }

    /// The error as it was, to downcast to the HTTP library's type.
    #[must_use]
    pub fn get(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self.0.as_ref()
    }
}

impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl TransportError {
    /// No connection could be made, said in `message` (for a transport of one's own that
    /// has no error to keep as the cause).
    #[must_use]
    pub fn connect(message: impl Into<String>) -> Self {
        TransportError::Connect {
            message: message.into(),
            cause: None,
        }
    }

    /// The connection broke mid-request, said in `message` (for a transport of one's own).
    #[must_use]
    pub fn io(message: impl Into<String>) -> Self {
        TransportError::Io {
            message: message.into(),
            cause: None,
        }
    }

    /// The request or the transport's setup is invalid, said in `message` (for a transport
    /// of one's own).
    #[must_use]
    pub fn build(message: impl Into<String>) -> Self {
        TransportError::Build {
            message: message.into(),
            cause: None,
        }
    }

    /// Whether the request may have reached the server.
    #[must_use]
    pub fn sent(&self) -> Sent {
        match self {
            TransportError::Connect { .. } | TransportError::Build { .. } => Sent::No,
            TransportError::Timeout { sent, .. } => *sent,
            TransportError::Io { .. } => Sent::Maybe,
        }
    }
}

/// Sends one HTTP request. Implement it to test against anything, or to add middleware.
#[async_trait]
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends `request` and returns the response, whatever its status.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// The reqwest transport: rustls, connect timeout 10 s, request timeout 30 s, pooled
/// connections, user agent `omflow-rs/<version>`.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
}

/// Settings of a [`ReqwestTransport`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until built"]
pub struct ReqwestTransportBuilder {
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: String,
}

impl ReqwestTransport {
    /// Default settings, to adjust.
    pub fn builder() -> ReqwestTransportBuilder {
        ReqwestTransportBuilder {
            timeout: Some(Duration::from_secs(30)),
            connect_timeout: Some(Duration::from_secs(10)),
            user_agent: concat!("omflow-rs/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

impl ReqwestTransportBuilder {
    /// Per-request timeout (`None` disables it).
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connect timeout (`None` disables it).
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// Builds the transport.
    ///
    /// # Errors
    /// [`TransportError::Build`] when reqwest cannot build its client (for example, no TLS backend).
    pub fn build(self) -> Result<ReqwestTransport, TransportError> {
        let mut builder = reqwest::Client::builder()
            .user_agent(self.user_agent)
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(Duration::from_secs(60));
        if let Some(t) = self.timeout {
            builder = builder.timeout(t);
        }
        if let Some(t) = self.connect_timeout {
            builder = builder.connect_timeout(t);
        }
        let client = builder.build().map_err(|e| TransportError::Build {
            message: describe(&e),
            cause: Some(Cause::new(e)),
        })?;
        Ok(ReqwestTransport {
            client,
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
        })
    }
}

/// reqwest's error text without the URL, and with its causes.
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[async_trait]
impl Transport for ReqwestTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let span = tracing::trace_span!("omflow.http", http.request.method = %request.method, url.path = request.url.path());
        self.send_inner(request).instrument(span).await
    }
}

impl ReqwestTransport {
    async fn send_inner(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut builder = self
            .client
            .request(request.method, request.url)
            .headers(request.headers);
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let classify = |error: reqwest::Error| {
            let error = error.without_url();
            if error.is_timeout() {
                let connect = error.is_connect();
                TransportError::Timeout {
                    timeout: if connect {
                        self.connect_timeout
                    } else {
                        self.timeout
                    }
                    .unwrap_or_default(),
                    sent: if connect { Sent::No } else { Sent::Maybe },
                }
            } else if error.is_connect() {
                TransportError::Connect {
                    message: describe(&error),
                    cause: Some(Cause::new(error)),
                }
            } else if error.is_builder() {
                TransportError::Build {
                    message: describe(&error),
                    cause: Some(Cause::new(error)),
                }
            } else {
                TransportError::Io {
                    message: describe(&error),
                    cause: Some(Cause::new(error)),
                }
            }
        };
        let response = builder.send().await.map_err(classify)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(classify)?;
        tracing::trace!(
            http.response.status_code = status,
            body_bytes = body.len(),
            "response"
        );
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_headers_values_and_body() {
        let mut request = HttpRequest::post_json(
            Url::parse("http://h/rest/x/").unwrap(),
            Bytes::from_static(b"{\"security\":\"s3cret\"}"),
        );
        request.headers.insert(
            "authorization",
            HeaderValue::from_static("Basic YWRtaW46YWRtaW4="),
        );
        let text = format!("{request:?}");
        assert!(
            !text.contains("s3cret") && !text.contains("YWRtaW46"),
            "{text}"
        );
        assert!(text.contains("/rest/x/"));
    }

    #[tokio::test]
    async fn connection_refused_is_not_sent() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let transport = ReqwestTransport::builder().build().unwrap();
        let err = transport
            .send(HttpRequest::get(
                Url::parse(&format!("http://{addr}/")).unwrap(),
            ))
            .await
            .unwrap_err();
        assert_eq!(err.sent(), Sent::No, "{err}");
        // The HTTP library's error is kept whole, its causes below it, not flattened to text.
        let TransportError::Connect {
            cause: Some(cause), ..
        } = &err
        else {
            panic!("a connection failure with its cause: {err:?}");
        };
        assert!(cause.get().is::<reqwest::Error>(), "{cause:?}");
        assert_eq!(err.to_string(), "cannot connect to the server");
        let mut chain = Vec::new();
        let mut source = std::error::Error::source(&err);
        while let Some(next) = source {
            chain.push(next.to_string());
            source = next.source();
        }
        assert!(
            chain.len() >= 2 && chain.iter().any(|c| c.to_lowercase().contains("refused")),
            "{chain:?}"
        );
    }

    #[tokio::test]
    async fn slow_response_is_a_timeout_that_may_have_been_sent() {
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(
                wiremock::ResponseTemplate::new(200).set_delay(Duration::from_millis(500)),
            )
            .mount(&server)
            .await;
        let transport = ReqwestTransport::builder()
            .timeout(Some(Duration::from_millis(100)))
            .build()
            .unwrap();
        let err = transport
            .send(HttpRequest::get(Url::parse(&server.uri()).unwrap()))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                TransportError::Timeout {
                    sent: Sent::Maybe,
                    ..
                }
            ),
            "{err:?}"
        );
    }
}
