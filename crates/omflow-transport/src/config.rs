//! One HTTP configuration for every client of this workspace (OMFLOW and Garoon): the
//! attempt and connect timeouts of the built-in transport, the retry policy, a limit on a
//! whole operation, or a transport of one's own.

use crate::{ReqwestTransport, RetryPolicy, Transport, TransportError};
use std::sync::Arc;
use std::time::Duration;

/// How a client talks HTTP.
///
/// ```
/// use omflow_transport::HttpConfig;
/// use std::time::Duration;
///
/// let config = HttpConfig::default()
///     .timeout(Some(Duration::from_secs(5)))
///     .operation_timeout(Some(Duration::from_secs(20)));
/// assert_eq!(config.operation_limit(), Some(Duration::from_secs(20)));
/// let _transport = config.transport()?;
/// # Ok::<(), omflow_transport::HttpConfigError>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a configuration does nothing until a client is built with it"]
pub struct HttpConfig {
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    /// Whether the attempt or connect timeout was set (a custom transport cannot honour it).
    attempt_timeouts_set: bool,
    operation_timeout: Option<Duration>,
    retry: RetryPolicy,
    transport: Option<Arc<dyn Transport>>,
}

impl Default for HttpConfig {
    /// Attempts time out after 30 s, connections after 10 s; reads are retried by
    /// [`RetryPolicy::default`]; no limit on a whole operation.
    fn default() -> Self {
        HttpConfig {
            timeout: Some(Duration::from_secs(30)),
            connect_timeout: Some(Duration::from_secs(10)),
            attempt_timeouts_set: false,
            operation_timeout: None,
            retry: RetryPolicy::default(),
            transport: None,
        }
    }
}

/// An [`HttpConfig`] that cannot make a transport.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpConfigError {
    /// Attempt or connect timeouts were set together with a custom transport, which owns its
    /// own timeouts.
    #[error("timeout() and connect_timeout() configure the built-in transport; with a custom transport set its timeouts there (operation_timeout() works with both)")]
    TimeoutsNeedBuiltInTransport,
    /// The built-in transport could not be built.
    #[error(transparent)]
    Transport(#[from] TransportError),
}

impl HttpConfig {
    /// Per-attempt timeout of the built-in transport (default 30 s; `None` disables it).
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self.attempt_timeouts_set = true;
        self
    }

    /// Connect timeout of the built-in transport (default 10 s; `None` disables it).
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self.attempt_timeouts_set = true;
        self
    }

    /// A limit on each operation as a whole: its attempts and the backoff between them
    /// (default none).
    pub fn operation_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.operation_timeout = timeout;
        self
    }

    /// The retry policy for reads.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Another transport (tests, middleware); it owns its timeouts.
    pub fn transport_of_my_own(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The retry policy.
    #[must_use]
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The limit on a whole operation.
    #[must_use]
    pub fn operation_limit(&self) -> Option<Duration> {
        self.operation_timeout
    }

    /// Runs `operation` within the operation timeout, if one is set; `on_timeout` makes the
    /// error when it runs out.
    ///
    /// # Errors
    /// The operation's, or `on_timeout(limit)`.
    pub async fn within<T, E>(
        &self,
        operation: impl std::future::Future<Output = Result<T, E>>,
        on_timeout: impl FnOnce(Duration) -> E,
    ) -> Result<T, E> {
        match self.operation_timeout {
            None => operation.await,
            Some(limit) => tokio::time::timeout(limit, operation)
                .await
                .unwrap_or_else(|_| Err(on_timeout(limit))),
        }
    }

    /// The transport: one's own, or the built-in one with these timeouts.
    ///
    /// # Errors
    /// [`HttpConfigError::TimeoutsNeedBuiltInTransport`] when timeouts were set beside a
    /// custom transport; [`HttpConfigError::Transport`] when reqwest cannot build its client.
    pub fn transport(&self) -> Result<Arc<dyn Transport>, HttpConfigError> {
        match &self.transport {
            Some(_) if self.attempt_timeouts_set => {
                Err(HttpConfigError::TimeoutsNeedBuiltInTransport)
            }
            Some(transport) => Ok(transport.clone()),
            None => Ok(Arc::new(
                ReqwestTransport::builder()
                    .timeout(self.timeout)
                    .connect_timeout(self.connect_timeout)
                    .build()?,
            )),
        }
    }
}

/// The builder methods that set the [`HttpConfig`] a client builder keeps in its field
/// `http`, declared once for every client of this workspace: `timeout`, `connect_timeout`,
/// `operation_timeout`, `retry`, `transport` and `http` (the whole configuration at once).
/// Expands inside the builder's `impl` block.
#[macro_export]
macro_rules! http_config_setters {
    () => {
        /// Per-attempt timeout of the built-in transport (default 30 s; `None` disables it).
        pub fn timeout(mut self, timeout: Option<::std::time::Duration>) -> Self {
            self.http = self.http.timeout(timeout);
            self
        }

        /// Connect timeout of the built-in transport (default 10 s; `None` disables it).
        pub fn connect_timeout(mut self, timeout: Option<::std::time::Duration>) -> Self {
            self.http = self.http.connect_timeout(timeout);
            self
        }

        /// A limit on each call to the server as a whole: its attempts, the backoff between
        /// them and a login it needs (default none). A write that runs out of time may have
        /// been applied.
        pub fn operation_timeout(mut self, timeout: Option<::std::time::Duration>) -> Self {
            self.http = self.http.operation_timeout(timeout);
            self
        }

        /// Retry policy for reads (default: 3 retries with backoff; writes are never resent
        /// once they may have reached the server).
        pub fn retry(mut self, policy: $crate::RetryPolicy) -> Self {
            self.http = self.http.retry(policy);
            self
        }

        /// Uses another transport (tests, middleware); it owns its own timeouts.
        pub fn transport(mut self, transport: ::std::sync::Arc<dyn $crate::Transport>) -> Self {
            self.http = self.http.transport_of_my_own(transport);
            self
        }

        /// The whole HTTP configuration at once (one type configures the OMFLOW and the
        /// Garoon client).
        pub fn http(mut self, config: $crate::HttpConfig) -> Self {
            self.http = config;
            self
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Nothing;

    #[async_trait::async_trait]
    impl Transport for Nothing {
        async fn send(&self, _: crate::HttpRequest) -> Result<crate::HttpResponse, TransportError> {
            Err(TransportError::Build {
                message: "unused".into(),
                cause: None,
            })
        }
    }

    #[test]
    fn timeouts_beside_a_transport_of_ones_own_are_refused() {
        let own = HttpConfig::default().transport_of_my_own(Arc::new(Nothing));
        assert!(own.transport().is_ok());
        let both = own.timeout(Some(Duration::from_secs(1)));
        assert!(matches!(
            both.transport(),
            Err(HttpConfigError::TimeoutsNeedBuiltInTransport)
        ));
        assert!(HttpConfig::default().transport().is_ok());
    }
}
