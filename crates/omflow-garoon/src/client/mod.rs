//! Garoon workflow reads over REST: the admin request list (a stream over `hasNext`), one
//! request, an attached file, a form definition; and over SOAP (`soap`), the approver's
//! own: the requests waiting for them, and handling them (approve, reject, send back,
//! withdraw, cancel, confirm, acknowledge). Garoon's REST API has no approve or reject
//! endpoint; its SOAP API is the only way.

mod bulk;
mod error;
mod soap;

pub use bulk::{not_offered, HandleOutcome, HandleResult};
pub use error::{GaroonApiError, GaroonCallFailure, GaroonError};
/// The layers of a failed call ([`GaroonError::Call`]) and the transport's error under no
/// answer, to match on them; the HTTP configuration the builder takes (the same types
/// configure the OMFLOW client), so a Garoon user needs no other crate to set them.
pub use omflow_transport::{
    CallError, Cause, HttpConfig, RawAnswer, RetryPolicy, Sent, Transport, TransportError,
};
pub use soap::BY_ID_CHUNK;

use crate::model::{
    decode_page, decode_request, Decoded, FileContent, GaroonErrorEnvelope, GaroonParseError, Mode,
    RequestPage, StatusType, WorkflowRequest,
};
use futures::stream::{self, Stream, StreamExt, TryStreamExt};
use http::HeaderValue;
use omflow_transport::{HttpConfigError, HttpRequest, HttpResponse};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use tracing::Instrument;
use url::Url;

const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// How to authenticate to Garoon.
#[derive(Clone)]
pub enum GaroonAuth {
    /// Password authentication (`X-Cybozu-Authorization`).
    Password {
        /// Login name.
        login: String,
        /// Password.
        password: SecretString,
    },
    /// OAuth access token (`Authorization: Bearer`).
    OAuth(SecretString),
}

impl fmt::Debug for GaroonAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GaroonAuth::Password { login, .. } => f
                .debug_struct("Password")
                .field("login", login)
                .field("password", &"<redacted>")
                .finish(),
            GaroonAuth::OAuth(_) => f.write_str("OAuth(<redacted>)"),
        }
    }
}

/// Settings of a [`GaroonClient`].
#[derive(Debug)]
#[must_use = "a builder does nothing until built"]
pub struct GaroonClientBuilder {
    base: String,
    auth: Option<GaroonAuth>,
    front_door: Option<(String, SecretString)>,
    http: HttpConfig,
    mode: Mode,
}

impl GaroonClientBuilder {
    /// Password authentication.
    pub fn password(mut self, login: impl Into<String>, password: impl Into<SecretString>) -> Self {
        self.auth = Some(GaroonAuth::Password {
            login: login.into(),
            password: password.into(),
        });
        self
    }

    /// OAuth bearer token.
    pub fn oauth(mut self, token: impl Into<SecretString>) -> Self {
        self.auth = Some(GaroonAuth::OAuth(token.into()));
        self
    }

    /// The extra Basic credentials for a site behind Basic authentication.
    pub fn basic_front_door(
        mut self,
        user: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> Self {
        self.front_door = Some((user.into(), password.into()));
        self
    }

    omflow_transport::http_config_setters!();

    /// Strict or tolerant decoding (default tolerant; warnings are logged at debug).
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`GaroonError::InvalidRequest`] for a bad URL or missing credentials; [`GaroonError::Call`] (no answer, not sent) when the HTTP client cannot be built.
    pub fn build(self) -> Result<GaroonClient, GaroonError> {
        let mut base = Url::parse(&self.base)
            .map_err(|e| GaroonError::InvalidRequest(format!("Garoon URL {:?}: {e}", self.base)))?;
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let auth = self.auth.ok_or_else(|| {
            GaroonError::InvalidRequest("no authentication: use password() or oauth()".into())
        })?;
        if matches!(auth, GaroonAuth::OAuth(_)) && self.front_door.is_some() {
            return Err(GaroonError::InvalidRequest("an OAuth bearer token and a Basic front door both need the Authorization header; use password authentication behind Basic auth".into()));
        }
        let transport = self.http.transport().map_err(|e| match e {
            HttpConfigError::Transport(source) => GaroonError::call(CallError::Dispatch(source)),
            other => GaroonError::InvalidRequest(other.to_string()),
        })?;
        Ok(GaroonClient {
            inner: Arc::new(Inner {
                base,
                auth,
                front_door: self.front_door,
                http: self.http,
                mode: self.mode,
                transport,
            }),
        })
    }
}

struct Inner {
    base: Url,
    auth: GaroonAuth,
    front_door: Option<(String, SecretString)>,
    http: HttpConfig,
    mode: Mode,
    transport: Arc<dyn Transport>,
}

/// A Garoon workflow client. Cheap to clone.
#[derive(Clone)]
pub struct GaroonClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for GaroonClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GaroonClient")
            .field("base", &self.inner.base.as_str())
            .field("auth", &self.inner.auth)
            .finish_non_exhaustive()
    }
}

fn sensitive(value: String) -> Result<HeaderValue, GaroonError> {
    let mut header = HeaderValue::from_str(&value).map_err(|_| {
        GaroonError::InvalidRequest(
            "credentials contain characters HTTP headers cannot carry".into(),
        )
    })?;
    header.set_sensitive(true);
    Ok(header)
}

impl GaroonClient {
    /// Starts configuring a client for the Garoon root (`https://sub.cybozu.com/g`, or a
    /// package edition's `.../grn.cgi`).
    pub fn builder(base: impl Into<String>) -> GaroonClientBuilder {
        GaroonClientBuilder {
            base: base.into(),
            auth: None,
            front_door: None,
            http: HttpConfig::default(),
            mode: Mode::Tolerant,
        }
    }

    fn url(&self, path: &str) -> Result<Url, GaroonError> {
        self.inner
            .base
            .join(path)
            .map_err(|e| GaroonError::InvalidRequest(e.to_string()))
    }

    async fn get(&self, url: Url) -> Result<HttpResponse, GaroonError> {
        use base64::Engine as _;
        let engine = base64::engine::general_purpose::STANDARD;
        let mut request = HttpRequest::get(url.clone());
        match &self.inner.auth {
            GaroonAuth::Password { login, password } => {
                let value = engine.encode(format!("{login}:{}", password.expose_secret()));
                request
                    .headers
                    .insert("x-cybozu-authorization", sensitive(value)?);
            }
            GaroonAuth::OAuth(token) => {
                request.headers.insert(
                    http::header::AUTHORIZATION,
                    sensitive(format!("Bearer {}", token.expose_secret()))?,
                );
            }
        }
        self.add_front_door(&mut request)?;
        let span = tracing::debug_span!("omflow.garoon.get", url.path = url.path());
        self.send(request, omflow_transport::Effect::Read, "garoon.get", span)
            .await
    }

    /// The Basic-auth front door's header, when one is configured.
    fn add_front_door(&self, request: &mut HttpRequest) -> Result<(), GaroonError> {
        use base64::Engine as _;
        if let Some((user, password)) = &self.inner.front_door {
            let value = base64::engine::general_purpose::STANDARD
                .encode(format!("{user}:{}", password.expose_secret()));
            request.headers.insert(
                http::header::AUTHORIZATION,
                sensitive(format!("Basic {value}"))?,
            );
        }
        Ok(())
    }

    /// Sends `request` with the client's retries and time limit, in `span`.
    async fn send(
        &self,
        request: HttpRequest,
        effect: omflow_transport::Effect,
        operation: &'static str,
        span: tracing::Span,
    ) -> Result<HttpResponse, GaroonError> {
        let send = omflow_transport::send_with_retry(
            self.inner.transport.as_ref(),
            request,
            self.inner.http.retry_policy(),
            effect,
            operation,
        )
        .instrument(span);
        let timed_out = |timeout| TransportError::Timeout {
            timeout,
            sent: Sent::Maybe,
        };
        self.inner
            .http
            .within(send, timed_out)
            .await
            .map_err(|source| GaroonError::call(CallError::Dispatch(source)))
    }

    fn check(response: &HttpResponse, path: &str) -> Result<(), GaroonError> {
        if (200..300).contains(&response.status) {
            return Ok(());
        }
        match serde_json::from_slice::<GaroonErrorEnvelope>(&response.body) {
            Ok(envelope) => {
                let error = envelope.error;
                if response.status == 404
                    && path.starts_with("api/v1/workflow/requests/")
                    && error.message.contains("API does not exist")
                {
                    return Err(GaroonError::EndpointUnavailable {
                        status: 404,
                        path: path.to_string(),
                    });
                }
                let error = GaroonApiError {
                    status: response.status,
                    error_code: error.error_code,
                    message: error.message,
                    cause: error.cause,
                    counter_measure: error.counter_measure,
                };
                let raw = RawAnswer::from(response);
                Err(GaroonError::call(CallError::Service { error, raw }))
            }
            Err(_) => Err(GaroonError::call(CallError::Response {
                raw: RawAnswer::from(response),
            })),
        }
    }

    fn text(response: &HttpResponse) -> Result<&str, GaroonError> {
        std::str::from_utf8(&response.body).map_err(|_| {
            GaroonError::call(CallError::Response {
                raw: RawAnswer::from(response),
            })
        })
    }

    /// The admin request list (`GET /api/v1/workflow/admin/requests`).
    pub fn requests(&self) -> RequestsQuery {
        RequestsQuery {
            client: self.clone(),
            limit: None,
            offset: 0,
            fields: Vec::new(),
            descending: false,
            form: None,
            statuses: Vec::new(),
            range: None,
        }
    }

    /// One request (`GET /api/v1/workflow/requests/{id}`; Garoon cloud only).
    ///
    /// # Errors
    /// [`GaroonError::Call`] (Garoon's error envelope as [`GaroonError::api`], a body that is not Garoon's JSON, transport errors after the retries), [`GaroonError::EndpointUnavailable`] (package editions without the single GET), [`GaroonError::Decode`]. Reads only: safe to retry.
    pub async fn request(&self, id: &str) -> Result<Decoded<WorkflowRequest>, GaroonError> {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(GaroonError::InvalidRequest(format!(
                "request id {id:?} must be digits"
            )));
        }
        let path = format!("api/v1/workflow/requests/{id}");
        let response = self.get(self.url(&path)?).await?;
        Self::check(&response, &path)?;
        Ok(decode_request(Self::text(&response)?, self.inner.mode)?)
    }

    /// An attached file (`GET /api/v1/workflow/admin/files/{id}`).
    ///
    /// # Errors
    /// As [`GaroonClient::request`].
    pub async fn file(&self, id: &str) -> Result<FileContent, GaroonError> {
        self.admin_json("file", "api/v1/workflow/admin/files", id)
            .await
    }

    /// A form definition (`GET /api/v1/workflow/admin/forms/{id}`), as JSON.
    ///
    /// # Errors
    /// As [`GaroonClient::request`].
    pub async fn form(&self, id: &str) -> Result<Value, GaroonError> {
        self.admin_json("form", "api/v1/workflow/admin/forms", id)
            .await
    }

    async fn admin_json<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        prefix: &str,
        id: &str,
    ) -> Result<T, GaroonError> {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(GaroonError::InvalidRequest(format!(
                "{what} id {id:?} must be digits"
            )));
        }
        let path = format!("{prefix}/{id}");
        let response = self.get(self.url(&path)?).await?;
        Self::check(&response, &path)?;
        serde_json::from_slice(&response.body)
            .map_err(|e| GaroonError::Decode(GaroonParseError::not_json(&e)))
    }
}

/// Filters and paging of the admin request list; checked before sending.
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until paged or streamed"]
pub struct RequestsQuery {
    client: GaroonClient,
    limit: Option<u32>,
    offset: u64,
    fields: Vec<String>,
    descending: bool,
    form: Option<String>,
    statuses: Vec<StatusType>,
    range: Option<(String, String)>,
}

const SELECTABLE: [&str; 11] = crate::model::SELECTABLE_FIELDS;

impl RequestsQuery {
    /// Rows per page (1–1000; Garoon may return fewer).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// First row.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// Only these top-level fields.
    pub fn fields<I: IntoIterator<Item = S>, S: Into<String>>(mut self, fields: I) -> Self {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// Newest first (`orderBy=createdAt desc`).
    pub fn newest_first(mut self) -> Self {
        self.descending = true;
        self
    }

    /// Only this form.
    pub fn form(mut self, form_id: impl Into<String>) -> Self {
        self.form = Some(form_id.into());
        self
    }

    /// Only these statuses.
    pub fn statuses<I: IntoIterator<Item = StatusType>>(mut self, statuses: I) -> Self {
        self.statuses = statuses.into_iter().collect();
        self
    }

    /// Final approval between two RFC 3339 instants.
    pub fn approved_between(mut self, start: impl Into<String>, end: impl Into<String>) -> Self {
        self.range = Some((start.into(), end.into()));
        self
    }

    /// The URL of the page at `offset`, after checking every parameter.
    ///
    /// # Errors
    /// [`GaroonError::InvalidRequest`] when the query cannot form a URL.
    pub fn url_at(&self, offset: u64) -> Result<Url, GaroonError> {
        let invalid = |m: String| Err(GaroonError::InvalidRequest(m));
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(limit) = self.limit {
            if !(1..=1000).contains(&limit) {
                return invalid(format!("limit {limit} is outside 1–1000"));
            }
            pairs.push(("limit", limit.to_string()));
        }
        pairs.push(("offset", offset.to_string()));
        if !self.fields.is_empty() {
            if let Some(bad) = self
                .fields
                .iter()
                .find(|f| !SELECTABLE.contains(&f.as_str()))
            {
                return invalid(format!(
                    "field {bad:?} cannot be selected; choose from {}",
                    SELECTABLE.join(", ")
                ));
            }
            pairs.push(("fields", self.fields.join(",")));
        }
        if self.descending {
            pairs.push(("orderBy", "createdAt desc".into()));
        }
        if !self.statuses.is_empty() {
            if let Some(StatusType::Unknown(bad)) = self
                .statuses
                .iter()
                .find(|s| matches!(s, StatusType::Unknown(_)))
            {
                return invalid(format!("unknown status {bad:?}"));
            }
            pairs.push((
                "status",
                self.statuses
                    .iter()
                    .map(StatusType::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
            ));
        }
        if let Some(form) = &self.form {
            if form.is_empty() || !form.bytes().all(|b| b.is_ascii_digit()) {
                return invalid(format!("form id {form:?} must be digits"));
            }
            pairs.push(("form", form.clone()));
        }
        if let Some((start, end)) = &self.range {
            let parse = |t: &str| {
                chrono::DateTime::parse_from_rfc3339(t).map_err(|_| {
                    GaroonError::InvalidRequest(format!("{t:?} is not RFC 3339 with an offset"))
                })
            };
            if parse(start)? >= parse(end)? {
                return invalid("the approval range must start before it ends".into());
            }
            pairs.push(("rangeStartApprovedAt", start.clone()));
            pairs.push(("rangeEndApprovedAt", end.clone()));
        }
        let mut url = self.client.url("api/v1/workflow/admin/requests")?;
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, QUERY_VALUE)))
            .collect();
        url.set_query(Some(&query.join("&")));
        Ok(url)
    }

    /// One page.
    ///
    /// # Errors
    /// As [`GaroonClient::request`].
    pub async fn page(&self) -> Result<Decoded<RequestPage>, GaroonError> {
        self.page_at(self.offset).await
    }

    async fn page_at(&self, offset: u64) -> Result<Decoded<RequestPage>, GaroonError> {
        let url = self.url_at(offset)?;
        let response = self.client.get(url).await?;
        GaroonClient::check(&response, "api/v1/workflow/admin/requests")?;
        let decoded = decode_page(GaroonClient::text(&response)?, self.client.inner.mode)?;
        for warning in &decoded.warnings {
            tracing::debug!(path = %warning.path, message = %warning.message, "garoon tolerance");
        }
        Ok(decoded)
    }

    /// Every request, page after page over `hasNext` (`offset += rows returned`), each id
    /// once; a page is fetched only when polled.
    pub fn stream(
        self,
    ) -> impl Stream<Item = Result<WorkflowRequest, GaroonError>> + Send + 'static {
        let start = self.offset;
        stream::try_unfold(
            (self, Some(start), HashSet::<String>::new()),
            |(query, offset, mut seen)| async move {
                let Some(mut offset) = offset else {
                    return Ok::<_, GaroonError>(None);
                };
                let mut page = query.page_at(offset).await?.value;
                if page.requests.is_empty() && page.has_next {
                    page = query.page_at(offset).await?.value;
                    if page.requests.is_empty() && page.has_next {
                        return Err(GaroonError::Protocol(format!(
                            "empty page at offset {offset} says more pages follow"
                        )));
                    }
                }
                offset += page.requests.len() as u64;
                let next = page.has_next.then_some(offset);
                let fresh: Vec<WorkflowRequest> = page
                    .requests
                    .into_iter()
                    .filter(|r| r.id.as_deref().is_none_or(|id| seen.insert(id.to_string())))
                    .collect();
                Ok(Some((fresh, (query, next, seen))))
            },
        )
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_matches_the_documented_url() {
        let client = GaroonClient::builder("https://example.cybozu.com/g")
            .password("administrator", "example-password")
            .build()
            .unwrap();
        let url = client
            .requests()
            .limit(2)
            .newest_first()
            .statuses([StatusType::InProgress, StatusType::Approved])
            .form("57")
            .approved_between("2025-06-01T00:00:00+09:00", "2025-07-01T00:00:00+09:00")
            .url_at(0)
            .unwrap();
        assert_eq!(
            url.as_str(),
            "https://example.cybozu.com/g/api/v1/workflow/admin/requests?limit=2&offset=0&orderBy=createdAt%20desc&status=IN_PROGRESS%2CAPPROVED&form=57&rangeStartApprovedAt=2025-06-01T00%3A00%3A00%2B09%3A00&rangeEndApprovedAt=2025-07-01T00%3A00%3A00%2B09%3A00"
        );
    }

    #[test]
    fn bad_parameters_are_refused_before_sending() {
        let client = GaroonClient::builder("http://garoon.intra.example/cgi-bin/cbgrn/grn.cgi")
            .password("a", "b")
            .build()
            .unwrap();
        assert!(client.requests().limit(0).url_at(0).is_err());
        assert!(client.requests().limit(1001).url_at(0).is_err());
        assert!(client
            .requests()
            .fields(["availableOperations"])
            .url_at(0)
            .is_err());
        assert!(client
            .requests()
            .statuses([StatusType::Unknown("X".into())])
            .url_at(0)
            .is_err());
        assert!(client
            .requests()
            .approved_between("2025-07-01T00:00:00Z", "2025-06-01T00:00:00Z")
            .url_at(0)
            .is_err());
        assert!(client
            .requests()
            .approved_between("yesterday", "2025-06-01T00:00:00Z")
            .url_at(0)
            .is_err());
        assert_eq!(client.requests().limit(50).url_at(0).unwrap().as_str(), "http://garoon.intra.example/cgi-bin/cbgrn/grn.cgi/api/v1/workflow/admin/requests?limit=50&offset=0");
        assert!(GaroonClient::builder("https://x/g")
            .oauth("t")
            .basic_front_door("u", "p")
            .build()
            .is_err());
    }
}
