//! The one retry step every client built on this transport uses: reads are retried on
//! connection errors, timeouts and 429/5xx (after `Retry-After` when the server sends one);
//! writes are never resent once they may have reached the server.

use crate::{HttpRequest, HttpResponse, Sent, Transport, TransportError};
use std::time::Duration;
use tracing::Instrument;

/// The longest wait a `Retry-After` header can ask for; longer asks are capped.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// How requests are retried. Writes are never resent once they may have reached the server.
///
/// ```
/// use omflow_transport::RetryPolicy;
/// use std::time::Duration;
/// let policy = RetryPolicy::new(5, Duration::from_millis(100), Duration::from_secs(2))?;
/// assert_eq!(policy.max_retries(), 5);
/// assert!(RetryPolicy::new(1, Duration::from_secs(3), Duration::from_secs(1)).is_err());
/// # Ok::<(), omflow_transport::RetryPolicyError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    max_retries: u32,
    base: Duration,
    cap: Duration,
}

/// A retry policy that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RetryPolicyError {
    /// The first backoff is longer than the longest one.
    #[error("the first backoff ({base:?}) is longer than the longest ({cap:?})")]
    BaseAboveCap {
        /// First backoff.
        base: Duration,
        /// Longest backoff.
        cap: Duration,
    },
    /// More retries or a longer backoff than any caller can wait for.
    #[error("{0}")]
    OutOfRange(&'static str),
}

impl RetryPolicy {
    /// `max_retries` retries after the first attempt, backing off from `base` (doubling, with
    /// jitter) to at most `cap`.
    ///
    /// # Errors
    /// [`RetryPolicyError`] when `base > cap`, `cap` is over 10 minutes, or there are more
    /// than 100 retries.
    pub fn new(max_retries: u32, base: Duration, cap: Duration) -> Result<Self, RetryPolicyError> {
        if base > cap {
            return Err(RetryPolicyError::BaseAboveCap { base, cap });
        }
        if cap > Duration::from_secs(600) {
            return Err(RetryPolicyError::OutOfRange(
                "the longest backoff must be at most 10 minutes",
            ));
        }
        if max_retries > 100 {
            return Err(RetryPolicyError::OutOfRange("at most 100 retries"));
        }
        Ok(RetryPolicy {
            max_retries,
            base,
            cap,
        })
    }

    /// No retries.
    #[must_use]
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            base: Duration::ZERO,
            cap: Duration::ZERO,
        }
    }

    /// Retries after the first attempt.
    #[must_use]
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The first backoff.
    #[must_use]
    pub fn base(&self) -> Duration {
        self.base
    }

    /// The longest backoff.
    #[must_use]
    pub fn cap(&self) -> Duration {
        self.cap
    }

    /// The delay before retry number `retry` (0-based): exponential, capped, with jitter.
    #[must_use]
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self.base.saturating_mul(1u32 << retry.min(16));
        let capped = exp.min(self.cap);
        let jitter: f64 = rand::random_range(0.5..=1.0);
        capped.mul_f64(jitter)
    }
}

impl Default for RetryPolicy {
    /// 3 retries, 200 ms doubling to at most 5 s, with jitter.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base: Duration::from_millis(200),
            cap: Duration::from_secs(5),
        }
    }
}

/// Whether a request changes state (a write is never resent once it may have been sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Reading: safe to resend.
    Read,
    /// Writing: resent only when it certainly did not reach the server.
    Write,
}

/// Sends `request` through `transport`, retrying as `policy` allows. Answers with a status
/// that is not retried (or after the last retry) come back as they are; the caller reads
/// them. Every attempt runs in an `omflow.attempt` span.
///
/// # Errors
/// The last attempt's [`TransportError`]; for a write, the first one that may have reached
/// the server ([`TransportError::sent`] is [`Sent::Maybe`]).
pub async fn send_with_retry(
    transport: &dyn Transport,
    request: HttpRequest,
    policy: &RetryPolicy,
    effect: Effect,
    operation: &'static str,
) -> Result<HttpResponse, TransportError> {
    let write = effect == Effect::Write;
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let span = tracing::debug_span!("omflow.attempt", operation, attempt, http.request.method = %request.method, url.path = request.url.path(), http.response.status_code = tracing::field::Empty);
        let started = std::time::Instant::now();
        let result = transport
            .send(request.clone())
            .instrument(span.clone())
            .await;
        match &result {
            Ok(response) => tracing::debug!(
                operation,
                "{} {} -> HTTP {} in {} ms",
                request.method,
                request.url.path(),
                response.status,
                started.elapsed().as_millis()
            ),
            Err(error) => tracing::debug!(
                operation,
                "{} {} -> {} after {} ms",
                request.method,
                request.url.path(),
                with_causes(error),
                started.elapsed().as_millis()
            ),
        }
        let retries_left = attempt <= policy.max_retries;
        let delay = match result {
            Ok(response) => {
                span.record("http.response.status_code", response.status);
                // Garoon marks its application errors (a refused SOAP call answers 500 or
                // 520 on cloud) with `X-Cybozu-Error`: an answer, not an outage.
                let answered = response.headers.contains_key("x-cybozu-error");
                let retryable = !answered
                    && (matches!(response.status, 429 | 502 | 503 | 504)
                        || (response.status >= 500 && !write));
                if (200..300).contains(&response.status) || !retryable || write || !retries_left {
                    return Ok(response);
                }
                let delay = retry_after(&response).unwrap_or_else(|| policy.backoff(attempt - 1));
                tracing::warn!(
                    "{operation}: HTTP {} from {}; retrying (attempt {} of {}) in {} ms",
                    response.status,
                    shown(&request.url),
                    attempt + 1,
                    policy.max_retries + 1,
                    delay.as_millis()
                );
                delay
            }
            Err(error) => {
                if !retries_left || (write && error.sent() == Sent::Maybe) {
                    return Err(error);
                }
                let delay = policy.backoff(attempt - 1);
                tracing::warn!(
                    "{operation}: {} ({}); retrying (attempt {} of {}) in {} ms",
                    with_causes(&error),
                    shown(&request.url),
                    attempt + 1,
                    policy.max_retries + 1,
                    delay.as_millis()
                );
                delay
            }
        };
        tokio::time::sleep(delay).await;
    }
}

/// A URL as a log line shows it: origin and path, never user info or query.
fn shown(url: &url::Url) -> String {
    format!("{}{}", url.origin().ascii_serialization(), url.path())
}

/// `Retry-After` as delay-seconds or an HTTP date, capped at [`MAX_RETRY_AFTER`].
pub fn retry_after(response: &HttpResponse) -> Option<Duration> {
    let value = response
        .headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    let delay = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => {
            let when = httpdate::parse_http_date(value).ok()?;
            when.duration_since(std::time::SystemTime::now())
                .unwrap_or(Duration::ZERO)
        }
    };
    Some(delay.min(MAX_RETRY_AFTER))
}

/// A short, single-line view of a body for error messages (at most 160 characters).
#[must_use]
pub fn body_snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 160 {
        format!("{}…", line.chars().take(160).collect::<String>())
    } else {
        line
    }
}

/// An error and its root cause on one line (`cannot connect to the server: Connection
/// refused (os error 111)`), as a log line says it: the HTTP library's layers between them
/// ("error sending request", "client error (Connect)") say nothing a reader acts on.
fn with_causes(error: &TransportError) -> String {
    let mut text = error.to_string();
    let mut root = None;
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        root = Some(cause);
        source = cause.source();
    }
    if let Some(root) = root {
        text.push_str(": ");
        text.push_str(&root.to_string());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_trait::async_trait;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Mutex;

    /// Answers with the scripted results in turn (then the last one forever).
    #[derive(Debug)]
    struct Script {
        answers: Mutex<Vec<Result<HttpResponse, TransportError>>>,
        calls: AtomicU32,
    }

    impl Script {
        fn new(answers: Vec<Result<HttpResponse, TransportError>>) -> Script {
            Script {
                answers: Mutex::new(answers),
                calls: AtomicU32::new(0),
            }
        }
    }

    #[async_trait]
    impl Transport for Script {
        async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let mut answers = self.answers.lock().unwrap();
            if answers.len() > 1 {
                answers.remove(0)
            } else {
                answers[0].clone()
            }
        }
    }

    fn status(code: u16, retry_after: Option<&str>) -> Result<HttpResponse, TransportError> {
        let mut headers = http::HeaderMap::new();
        if let Some(value) = retry_after {
            headers.insert(http::header::RETRY_AFTER, value.parse().unwrap());
        }
        Ok(HttpResponse {
            status: code,
            headers,
            body: bytes::Bytes::new(),
        })
    }

    fn request() -> HttpRequest {
        HttpRequest::get(url::Url::parse("http://127.0.0.1:1/x").unwrap())
    }

    #[tokio::test(start_paused = true)]
    async fn reads_wait_for_retry_after_then_succeed_without_real_sleeping() {
        let script = Script::new(vec![
            status(503, Some("7")),
            status(429, None),
            status(200, None),
        ]);
        let started = tokio::time::Instant::now();
        let wall = std::time::Instant::now();
        let policy = RetryPolicy::new(3, Duration::from_secs(1), Duration::from_secs(4)).unwrap();
        let response = send_with_retry(&script, request(), &policy, Effect::Read, "t")
            .await
            .unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(script.calls.load(Ordering::SeqCst), 3);
        let waited = started.elapsed();
        // Retry-After 7 s, then the second backoff: 2 s with jitter (1–2 s).
        assert!(waited >= Duration::from_secs(8), "{waited:?}");
        assert!(waited <= Duration::from_secs(9), "{waited:?}");
        assert!(wall.elapsed() < Duration::from_secs(2), "virtual time only");
    }

    #[tokio::test(start_paused = true)]
    async fn writes_are_not_resent_once_they_may_have_been_sent() {
        let maybe = TransportError::Io {
            message: "reset".into(),
            cause: None,
        };
        let script = Script::new(vec![Err(maybe), status(200, None)]);
        let policy = RetryPolicy::default();
        let err = send_with_retry(&script, request(), &policy, Effect::Write, "t")
            .await
            .unwrap_err();
        assert_eq!(err.sent(), Sent::Maybe);
        assert_eq!(script.calls.load(Ordering::SeqCst), 1);
        let refused = TransportError::Connect {
            message: "refused".into(),
            cause: None,
        };
        let script = Script::new(vec![Err(refused), status(200, None)]);
        let ok = send_with_retry(&script, request(), &policy, Effect::Write, "t")
            .await
            .unwrap();
        assert_eq!(ok.status, 200, "never sent: safe to resend");
        let script = Script::new(vec![status(503, None)]);
        assert_eq!(
            send_with_retry(&script, request(), &policy, Effect::Write, "t")
                .await
                .unwrap()
                .status,
            503,
            "a write's 5xx comes back as it is"
        );
        assert_eq!(script.calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn an_application_error_is_an_answer_and_not_retried() {
        let policy = RetryPolicy::default();
        let mut refused = status(520, None).unwrap();
        refused
            .headers
            .insert("x-cybozu-error", "GRN_WRKF_25356".parse().unwrap());
        let script = Script::new(vec![Ok(refused), status(200, None)]);
        let answer = send_with_retry(&script, request(), &policy, Effect::Read, "t")
            .await
            .unwrap();
        assert_eq!(answer.status, 520, "the refusal comes back as it is");
        assert_eq!(script.calls.load(Ordering::SeqCst), 1, "and is asked once");
        let script = Script::new(vec![status(500, None), status(200, None)]);
        let outage = send_with_retry(&script, request(), &policy, Effect::Read, "t")
            .await
            .unwrap();
        assert_eq!(
            (outage.status, script.calls.load(Ordering::SeqCst)),
            (200, 2)
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let response = |value: &str| HttpResponse {
            status: 503,
            headers: [(http::header::RETRY_AFTER, value.parse().unwrap())]
                .into_iter()
                .collect(),
            body: bytes::Bytes::new(),
        };
        assert_eq!(retry_after(&response("12")), Some(Duration::from_secs(12)));
        assert_eq!(retry_after(&response("3600")), Some(MAX_RETRY_AFTER));
        let soon = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(10));
        let delay = retry_after(&response(&soon)).unwrap();
        assert!(
            delay > Duration::from_secs(8) && delay <= Duration::from_secs(10),
            "{delay:?}"
        );
        assert_eq!(
            retry_after(&response("Wed, 21 Oct 2015 07:28:00 GMT")),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(retry_after(&response("soon")), None);
    }

    #[test]
    fn policies_are_validated() {
        assert!(matches!(
            RetryPolicy::new(1, Duration::from_secs(2), Duration::from_secs(1)),
            Err(RetryPolicyError::BaseAboveCap { .. })
        ));
        assert!(RetryPolicy::new(1000, Duration::ZERO, Duration::ZERO).is_err());
        assert!(RetryPolicy::new(3, Duration::ZERO, Duration::from_secs(601)).is_err());
        let p =
            RetryPolicy::new(2, Duration::from_millis(100), Duration::from_millis(300)).unwrap();
        assert!(p.backoff(10) <= Duration::from_millis(300));
        assert!(p.backoff(0) >= Duration::from_millis(50));
    }
}
