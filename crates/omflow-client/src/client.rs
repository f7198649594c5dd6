//! The client: configuration, the security code cache, retries, and the one call path every
//! operation goes through.

use crate::error::{AuthError, Error};
use bytes::Bytes;
use http::HeaderValue;
use omflow_model::{
    calls, paths, Access, ApiErrorKind, ApiFormatAction, ApiFormatField, ApiFormatRequest, ApiPath,
    Call, Envelope, EnvelopeError, FlowUuid, FormDesign, Lang, Operation, RestBody, SecurityCode,
    SecurityGrant, UploadForm,
};
use omflow_transport::{
    CallError, HttpConfig, HttpConfigError, HttpRequest, HttpResponse, RawAnswer, RetryPolicy,
    Transport,
};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;
use tracing::Instrument;
use url::Url;

/// The server forgets a security code 5 minutes after its last accepted use; the client
/// renews it after this much idle time.
pub const RENEW_AFTER_IDLE: Duration = Duration::from_secs(270);

/// A username and a password that never shows in `Debug`.
#[derive(Clone)]
pub struct Credentials {
    username: String,
    password: SecretString,
}

impl Credentials {
    /// Wraps a username and password.
    pub fn new(username: impl Into<String>, password: impl Into<SecretString>) -> Self {
        Credentials {
            username: username.into(),
            password: password.into(),
        }
    }

    /// The username.
    #[must_use]
    pub fn username(&self) -> &str {
        &self.username
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Settings of a [`Client`].
#[derive(Debug)]
#[must_use = "a builder does nothing until built"]
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<Credentials>,
    lang: Option<Lang>,
    http: HttpConfig,
}

/// A client is invalid.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL does not parse or is not http(s).
    #[error("invalid server URL {url:?}: {reason}")]
    Url {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The HTTP client could not be built.
    #[error(transparent)]
    Transport(#[from] omflow_transport::TransportError),
    /// Attempt or connect timeouts were set together with a custom transport, which owns its
    /// own timeouts; set them on the transport (the operation timeout works with any).
    #[error("timeout() and connect_timeout() configure the built-in transport; with a custom transport set its timeouts there (operation_timeout() works with both)")]
    TimeoutsNeedBuiltInTransport,
}

impl ClientBuilder {
    /// Logs in with these credentials (on first use, and again when the code expires).
    pub fn credentials(
        mut self,
        username: impl Into<String>,
        password: impl Into<SecretString>,
    ) -> Self {
        self.credentials = Some(Credentials::new(username, password));
        self
    }

    /// Asks the server to answer in this language (`Accept-Language`). Error kinds do not
    /// depend on it.
    pub fn language(mut self, lang: Lang) -> Self {
        self.lang = Some(lang);
        self
    }

    omflow_transport::http_config_setters!();

    /// Builds the client.
    ///
    /// # Errors
    /// [`BuildError::Url`] for a URL that does not parse or is not http(s); [`BuildError::TimeoutsNeedBuiltInTransport`]; [`BuildError::Transport`] when the HTTP client cannot be built.
    pub fn build(self) -> Result<Client, BuildError> {
        let mut base = Url::parse(&self.base_url).map_err(|e| BuildError::Url {
            url: self.base_url.clone(),
            reason: e.to_string(),
        })?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(BuildError::Url {
                url: self.base_url,
                reason: "the scheme must be http or https".into(),
            });
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let transport = self.http.transport().map_err(|e| match e {
            HttpConfigError::TimeoutsNeedBuiltInTransport => {
                BuildError::TimeoutsNeedBuiltInTransport
            }
            HttpConfigError::Transport(source) => BuildError::Transport(source),
            other => BuildError::Transport(omflow_transport::TransportError::Build {
                message: other.to_string(),
                cause: None,
            }),
        })?;
        Ok(Client {
            inner: Arc::new(Inner {
                base,
                transport,
                credentials: self.credentials,
                lang: self.lang,
                retry: *self.http.retry_policy(),
                operation_timeout: self.http.operation_limit(),
                token: tokio::sync::Mutex::new(None),
                formats: tokio::sync::Mutex::new(HashMap::new()),
                start_forms: tokio::sync::Mutex::new(HashMap::new()),
                charts: tokio::sync::Mutex::new(HashMap::new()),
                groups: tokio::sync::OnceCell::new(),
            }),
        })
    }
}

struct TokenState {
    code: SecurityCode,
    last_use: Instant,
}

/// What the API-format helper says of a flow (for flow managers; see [`Client::flow_info`]).
#[derive(Debug, Clone)]
pub struct FlowInfo {
    /// Application name.
    pub app_name: String,
    /// Flow name.
    pub flow_name: String,
    /// The flow's api_path.
    pub api_path: ApiPath,
    /// Every field with its type, from the API format.
    pub fields: Vec<ApiFormatField>,
}

type StartForms = HashMap<FlowUuid, Arc<tokio::sync::OnceCell<Arc<FormDesign>>>>;

pub(crate) struct Inner {
    base: Url,
    transport: Arc<dyn Transport>,
    credentials: Option<Credentials>,
    lang: Option<Lang>,
    pub(crate) retry: RetryPolicy,
    operation_timeout: Option<Duration>,
    token: tokio::sync::Mutex<Option<TokenState>>,
    formats: tokio::sync::Mutex<HashMap<(String, String), Arc<FlowInfo>>>,
    /// Start-form designs per flow, each loaded once (concurrent callers share the load).
    pub(crate) start_forms: tokio::sync::Mutex<StartForms>,
    /// Flow designs per flow (routing predictions), each loaded once.
    pub(crate) charts: tokio::sync::Mutex<crate::guard::Charts>,
    /// The group list (names in predictions), loaded once.
    pub(crate) groups: tokio::sync::OnceCell<Arc<Vec<omflow_model::GroupRow>>>,
}

/// An OMFLOW client. Cheap to clone; share it across tasks.
///
/// See the crate docs for an example.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base.as_str())
            .field(
                "username",
                &self.inner.credentials.as_ref().map(Credentials::username),
            )
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client for the server at `base_url`.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.into(),
            credentials: None,
            lang: None,
            http: HttpConfig::default(),
        }
    }

    /// A client over any transport (for tests).
    pub fn with_transport(
        base_url: impl Into<String>,
        transport: Arc<dyn Transport>,
    ) -> ClientBuilder {
        Client::builder(base_url).transport(transport)
    }

    /// The server's base URL.
    #[must_use]
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    pub(crate) fn url(&self, path: &str) -> Result<Url, Error> {
        self.inner
            .base
            .join(path.trim_start_matches('/'))
            .map_err(|e| Error::InvalidRequest(format!("bad path {path:?}: {e}")))
    }

    /// Obtains a security code now (normal operations do this by themselves). A code still
    /// valid on the server is shared: the server keeps one per user.
    ///
    /// # Errors
    /// [`Error::Auth`] for refused credentials (never retried); transport errors after the read retries.
    pub async fn login(&self) -> Result<SecurityCode, Error> {
        let mut guard = self.inner.token.lock().await;
        let code = self.login_now().await?;
        *guard = Some(TokenState {
            code: code.clone(),
            last_use: Instant::now(),
        });
        Ok(code)
    }

    /// The `Authorization: Basic` header of the credentials (checked as the server reads it).
    pub(crate) fn basic_authorization(&self) -> Result<HeaderValue, Error> {
        use base64::Engine as _;
        let credentials = self
            .inner
            .credentials
            .as_ref()
            .ok_or(AuthError::NoCredentials)?;
        let username = credentials.username();
        let (local, domain) = username.split_once('@').unwrap_or(("", ""));
        if !local.is_empty() && !domain.is_empty() {
            return Err(AuthError::EmailLogin {
                username: username.to_string(),
            }
            .into());
        }
        if username.contains(':') {
            return Err(AuthError::UsernameContainsColon {
                username: username.to_string(),
            }
            .into());
        }
        let password = credentials.password.expose_secret();
        if password.contains(':') {
            return Err(AuthError::PasswordContainsColon.into());
        }
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
        let mut header = HeaderValue::from_str(&format!("Basic {encoded}")).map_err(|_| {
            Error::InvalidRequest("the username contains characters HTTP cannot carry".into())
        })?;
        header.set_sensitive(true);
        Ok(header)
    }

    /// Sends a request outside `/rest/` (the web login, a download): an answer other than
    /// HTTP 2xx is a [`CallError::Response`].
    pub(crate) async fn send_checked(
        &self,
        operation: &'static str,
        request: HttpRequest,
        access: Access,
    ) -> Result<HttpResponse, Error> {
        let response = self.send_with_retry(operation, request, access).await?;
        if !(200..300).contains(&response.status) {
            let raw = RawAnswer::from(&response);
            return Err(Error::call(
                operation,
                access == Access::Write,
                CallError::Response { raw },
            ));
        }
        Ok(response)
    }

    async fn login_now(&self) -> Result<SecurityCode, Error> {
        let header = self.basic_authorization()?;
        let username = self
            .inner
            .credentials
            .as_ref()
            .map(Credentials::username)
            .unwrap_or_default();
        let mut request = HttpRequest::get(self.url(paths::SECURITY)?);
        request.headers.insert(http::header::AUTHORIZATION, header);
        let response = self
            .send_with_retry(Operation::Login.name(), request, Operation::Login.access())
            .instrument(span_of(Operation::Login))
            .await?;
        let envelope = parse_envelope(Operation::Login.name(), &response)?;
        match envelope.into_result::<SecurityGrant>() {
            Ok(grant) => Ok(grant.security),
            Err(EnvelopeError::Api(err)) => Err(match err.kind() {
                ApiErrorKind::LoginFailed => AuthError::WrongPassword {
                    username: username.to_string(),
                }
                .into(),
                ApiErrorKind::UnknownUser => AuthError::UnknownUser {
                    username: username.to_string(),
                }
                .into(),
                ApiErrorKind::EmailLoginUnsupported => AuthError::EmailLogin {
                    username: username.to_string(),
                }
                .into(),
                ApiErrorKind::PasswordContainsColon => AuthError::PasswordContainsColon.into(),
                _ => Error::call(
                    Operation::Login.name(),
                    false,
                    CallError::Service {
                        error: *err,
                        raw: RawAnswer::from(&response),
                    },
                ),
            }),
            // The security answer carries the code: its body is not kept in the error.
            Err(EnvelopeError::Decode { path, message }) => {
                Err(Error::decode(Operation::Login.name(), path, message, None))
            }
            Err(other) => Err(Error::decode(
                Operation::Login.name(),
                "",
                other.to_string(),
                None,
            )),
        }
    }

    /// The cached code, renewed first when idle for [`RENEW_AFTER_IDLE`]. One login at a time.
    async fn security(&self) -> Result<SecurityCode, Error> {
        let mut guard = self.inner.token.lock().await;
        if let Some(state) = guard.as_ref() {
            if state.last_use.elapsed() < RENEW_AFTER_IDLE {
                return Ok(state.code.clone());
            }
        }
        let code = self.login_now().await?;
        *guard = Some(TokenState {
            code: code.clone(),
            last_use: Instant::now(),
        });
        Ok(code)
    }

    async fn touch(&self, code: &SecurityCode) {
        if let Some(state) = self.inner.token.lock().await.as_mut() {
            if &state.code == code {
                state.last_use = Instant::now();
            }
        }
    }

    async fn invalidate(&self, code: &SecurityCode) {
        let mut guard = self.inner.token.lock().await;
        if guard.as_ref().is_some_and(|s| &s.code == code) {
            *guard = None;
        }
    }

    /// Sends `request` through the shared retry step (reads retried, writes never resent
    /// once they may have reached the server).
    async fn send_with_retry(
        &self,
        operation: &'static str,
        mut request: HttpRequest,
        access: Access,
    ) -> Result<HttpResponse, Error> {
        if let Some(lang) = self.inner.lang {
            request.headers.insert(
                http::header::ACCEPT_LANGUAGE,
                HeaderValue::from_static(lang.tag()),
            );
        }
        // The transport says what it retries in people's words ("listing your missions: HTTP
        // 503 ...; retrying"), not by the operation's name.
        let doing = Operation::from_name(operation).map_or(operation, Operation::doing);
        omflow_transport::send_with_retry(
            self.inner.transport.as_ref(),
            request,
            &self.inner.retry,
            effect(access),
            doing,
        )
        .await
        .map_err(|source| {
            Error::call(
                operation,
                access == Access::Write,
                CallError::Dispatch(source),
            )
        })
    }

    /// One `/rest/` call of operation `C` (see [`Call`]): adds the security code, retries
    /// reads, renews the code and replays once when the server refuses it, and reads the
    /// envelope's result as the operations table declares it.
    pub(crate) async fn call<C: Call>(
        &self,
        param: Option<&str>,
        body: &C::Body,
    ) -> Result<C::Answer, Error> {
        self.call_as::<C, C::Answer>(param, body).await
    }

    /// [`Client::call`] with the result read as `T` (a projected list's rows, or a result
    /// the caller only needs part of).
    pub(crate) async fn call_as<C: Call, T: DeserializeOwned>(
        &self,
        param: Option<&str>,
        body: &C::Body,
    ) -> Result<T, Error> {
        let op = C::OPERATION;
        let path = op
            .endpoint()
            .path(param)
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let access = op.access();
        let url = self.url(&path)?;
        let json = |code: &SecurityCode| {
            let bytes = serde_json::to_vec(&RestBody::new(code, body))
                .map_err(|e| Error::InvalidRequest(e.to_string()))?;
            Ok(HttpRequest::post_json(url.clone(), Bytes::from(bytes)))
        };
        let call = self.rest_attempts(op, json, access).instrument(span_of(op));
        self.within_operation_timeout(op, call).await
    }

    /// Runs `call` within the operation timeout, if one is set.
    async fn within_operation_timeout<T>(
        &self,
        op: Operation,
        call: impl std::future::Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        match self.inner.operation_timeout {
            None => call.await,
            Some(limit) => tokio::time::timeout(limit, call)
                .await
                .unwrap_or(Err(Error::call(
                    op.name(),
                    op.access() == Access::Write,
                    CallError::OperationTimeout { after: limit },
                ))),
        }
    }

    /// The `/rest/` call's attempts: `request` makes the request with a security code.
    async fn rest_attempts<T: DeserializeOwned>(
        &self,
        op: Operation,
        request: impl Fn(&SecurityCode) -> Result<HttpRequest, Error>,
        access: Access,
    ) -> Result<T, Error> {
        let operation = op.name();
        let write = access == Access::Write;
        let mut replayed = false;
        loop {
            let code = self.security().await?;
            let request = request(&code)?;
            let response = self.send_with_retry(operation, request, access).await?;
            if response.status != 200 {
                let raw = RawAnswer::from(&response);
                return Err(Error::call(operation, write, CallError::Response { raw }));
            }
            if op.answers_bare() && !is_envelope(&response.body) {
                if let Ok(value) = serde_json::from_slice::<T>(&response.body) {
                    self.touch(&code).await;
                    return Ok(value);
                }
            }
            match omflow_model::decode_body::<T>(&response.body) {
                Ok(value) => {
                    self.touch(&code).await;
                    return Ok(value);
                }
                Err(EnvelopeError::NotAnEnvelope { .. }) => {
                    let raw = RawAnswer::from(&response);
                    return Err(Error::call(operation, write, CallError::Response { raw }));
                }
                Err(EnvelopeError::Api(err)) if err.kind().is_security_rejection() => {
                    self.invalidate(&code).await;
                    if replayed {
                        return Err(AuthError::Rejected(err.to_string()).into());
                    }
                    tracing::debug!(operation, kind = %err.kind(), "security code refused; renewing and replaying once");
                    replayed = true;
                }
                Err(EnvelopeError::Api(err)) => {
                    if err.kind() == ApiErrorKind::AmbiguousUsername {
                        let username = self
                            .inner
                            .credentials
                            .as_ref()
                            .map(|c| c.username().to_string())
                            .unwrap_or_default();
                        return Err(AuthError::AmbiguousUsername { username }.into());
                    }
                    self.touch(&code).await;
                    let raw = RawAnswer::from(&response);
                    return Err(Error::call(
                        operation,
                        write,
                        CallError::Service { error: *err, raw },
                    ));
                }
                Err(other) => return Err(decode_error(operation, write, other, &response)),
            }
        }
    }

    /// A `/rest/` write of operation `C` sent as a multipart form (an upload): the security
    /// code and `omflow_restapi` as fields, then the form's fields, then the files.
    pub(crate) async fn upload_form<C: Call<Body = UploadForm>>(
        &self,
        form: &UploadForm,
        files: &[(String, Bytes)],
    ) -> Result<C::Answer, Error> {
        let op = C::OPERATION;
        let fields = form.fields();
        let path = op
            .endpoint()
            .path(None)
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        let url = self.url(&path)?;
        let boundary = format!("omflow-rs-{}", uuid::Uuid::new_v4().simple());
        let form = |code: &SecurityCode| {
            let mut all: Vec<(&str, String)> = vec![
                ("security", code.expose().to_string()),
                ("omflow_restapi", "1".to_string()),
            ];
            all.extend(fields.iter().cloned());
            let body = crate::files::multipart(&boundary, &all, files)?;
            let mut request = HttpRequest::post_json(url.clone(), body);
            let content_type =
                HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
                    .map_err(|e| Error::InvalidRequest(e.to_string()))?;
            request
                .headers
                .insert(http::header::CONTENT_TYPE, content_type);
            Ok(request)
        };
        let call = self
            .rest_attempts(op, form, op.access())
            .instrument(span_of(op));
        self.within_operation_timeout(op, call).await
    }

    /// What the server's API-format helper says of a flow (fetched once, then cached): its
    /// api_path and every field with its type.
    ///
    /// Only for users with the flow-management permission (`OmFormFlow_Manage`): the server
    /// redirects everyone else to its permission page. Pushes, quick actions and creates do
    /// not need it.
    ///
    /// # Errors
    /// A [`CallError::Response`] with status 302 without the permission; [`Error::InvalidRequest`]
    /// for an unknown flow.
    pub async fn flow_info(&self, app_name: &str, flow_name: &str) -> Result<Arc<FlowInfo>, Error> {
        let key = (app_name.to_string(), flow_name.to_string());
        if let Some(info) = self.inner.formats.lock().await.get(&key) {
            return Ok(info.clone());
        }
        let request = ApiFormatRequest {
            app_name: key.0.clone(),
            flow_name: key.1.clone(),
            action: ApiFormatAction::Update,
        };
        let format = self.call::<calls::FlowsApiFormat>(None, &request).await?;
        let format = format.ok_or_else(|| {
            Error::InvalidRequest(format!(
                "the server does not know flow {flow_name:?} of app {app_name:?}"
            ))
        })?;
        let api_path = format
            .input
            .api_path
            .as_deref()
            .map(ApiPath::new)
            .transpose()
            .map_err(|e| {
                Error::decode(
                    Operation::FlowsApiFormat.name(),
                    "input.api_path",
                    e.to_string(),
                    None,
                )
            })?;
        let api_path = api_path
            .ok_or_else(|| Error::InvalidRequest(format!("flow {flow_name:?} has no api_path")))?;
        let info = Arc::new(FlowInfo {
            app_name: key.0.clone(),
            flow_name: key.1.clone(),
            api_path,
            fields: format.input.formdata,
        });
        self.inner.formats.lock().await.insert(key, info.clone());
        Ok(info)
    }
}

fn parse_envelope(operation: &'static str, response: &HttpResponse) -> Result<Envelope, Error> {
    serde_json::from_slice(&response.body).map_err(|_| {
        let raw = RawAnswer::from(response);
        Error::call(operation, false, CallError::Response { raw })
    })
}

/// An envelope that did not read as the operation declares, keeping the answer.
fn decode_error(
    operation: &'static str,
    write: bool,
    error: EnvelopeError,
    response: &HttpResponse,
) -> Error {
    let raw = RawAnswer::from(response);
    let (path, message) = match error {
        EnvelopeError::Decode { path, message } => (path, message),
        EnvelopeError::NotAnEnvelope { message } => (String::new(), message),
        EnvelopeError::Api(error) => {
            return Error::call(operation, write, CallError::Service { error: *error, raw })
        }
        other => (String::new(), other.to_string()),
    };
    let raw = Some(raw);
    Error::call(operation, write, CallError::Decode { path, message, raw })
}

/// The transport's retry rule for a call of this [`Access`]. The transport keeps its own
/// two-valued enum so that it (and Garoon's client above it) depends on none of OMFLOW's
/// model; this is the one place the two meet.
const fn effect(access: Access) -> omflow_transport::Effect {
    match access {
        Access::Read => omflow_transport::Effect::Read,
        Access::Write => omflow_transport::Effect::Write,
    }
}

/// The span every call of `op` runs in, named `omflow.<operation name>` (a span's name must
/// be a literal, hence one arm per operation; the test below holds the names to the table).
pub(crate) fn span_of(op: Operation) -> tracing::Span {
    macro_rules! spans {
        ($($variant:ident => $name:literal),* $(,)?) => {
            match op {
                $(Operation::$variant => tracing::info_span!($name, operation = op.name()),)*
                _ => tracing::info_span!("omflow.operation", operation = op.name()),
            }
        };
    }
    spans!(
        Login => "omflow.security.get",
        MissionsList => "omflow.missions.list",
        TicketsList => "omflow.tickets.list",
        TicketsLoad => "omflow.tickets.load",
        TicketsCreate => "omflow.tickets.create",
        TicketsPush => "omflow.tickets.push",
        TicketsQuickAction => "omflow.tickets.quick_action",
        TicketsDelete => "omflow.tickets.delete",
        TicketsLookupDataId => "omflow.tickets.lookup_data_id",
        FlowsNames => "omflow.flows.names",
        FlowsStartForm => "omflow.flows.start_form",
        FlowsChart => "omflow.flows.chart",
        FlowsApiFormat => "omflow.flow.api_format",
        UsersList => "omflow.users.list",
        WorklogAdd => "omflow.worklog.add",
        WorklogList => "omflow.worklog.list",
        GroupsList => "omflow.groups.list",
        GroupsUsers => "omflow.groups.users",
        TicketsHistory => "omflow.tickets.history",
        TicketsFlowLog => "omflow.tickets.flow_log",
        FilesList => "omflow.files.list",
        FilesUpload => "omflow.files.upload",
        AppsList => "omflow.apps.list",
        AppsExport => "omflow.apps.export",
    )
}

/// Whether an answer is a `{status, message, result}` envelope (a failure, for the
/// operations whose success is a bare object).
fn is_envelope(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Probe {
        status: Option<serde::de::IgnoredAny>,
        message: Option<serde::de::IgnoredAny>,
    }
    matches!(
        serde_json::from_slice::<Probe>(body),
        Ok(Probe {
            status: Some(_),
            message: Some(_)
        })
    )
}
