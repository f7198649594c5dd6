//! The approver's calls over Garoon's SOAP workflow API (see [`crate::soap`] for the
//! envelopes and the pages they follow): the requests waiting for the caller, and handling
//! them. SOAP authenticates in the envelope (`Security/UsernameToken`), so these calls need
//! password authentication; an OAuth token is REST only.

use super::{GaroonAuth, GaroonClient, GaroonError};
use crate::soap::{self, Application, Credentials, Handle, Header};
use omflow_transport::{Effect, HttpRequest};
use secrecy::ExposeSecret;

impl GaroonClient {
    /// The SOAP endpoint of the workflow service: `cbpapi/workflow/api.csp` on Garoon cloud
    /// (and behind `/g/`), `cbpapi/workflow/api` on a package edition (`grn.cgi`, `grn.exe`).
    fn soap_url(&self) -> Result<url::Url, GaroonError> {
        let base = self.inner.base.path();
        let package = base.contains("grn.cgi") || base.contains("grn.exe");
        self.url(if package {
            "cbpapi/workflow/api"
        } else {
            "cbpapi/workflow/api.csp"
        })
    }

    /// Sends `action` with `parameters` and returns the answer's text (whatever its HTTP
    /// status: Garoon cloud answers faults with 500 or 520).
    async fn soap_call(
        &self,
        action: &str,
        parameters: String,
        effect: Effect,
    ) -> Result<String, GaroonError> {
        let GaroonAuth::Password { login, password } = &self.inner.auth else {
            return Err(GaroonError::InvalidRequest(
                "Garoon's SOAP API (needed to list and handle your requests) takes a login and password; an OAuth token works for REST only".into(),
            ));
        };
        let mut header = Header::new(action);
        header.credentials = Some(Credentials {
            username: login.clone(),
            password: password.expose_secret().to_string(),
        });
        let body = soap::envelope(&header, &parameters);
        let mut request = HttpRequest::get(self.soap_url()?);
        request.method = http::Method::POST;
        request.headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/soap+xml; charset=UTF-8"),
        );
        self.add_front_door(&mut request)?;
        request.body = Some(body.into_bytes().into());
        let span = tracing::debug_span!("omflow.garoon.soap", action);
        let response = self.send(request, effect, "garoon.soap", span).await?;
        String::from_utf8(response.body.to_vec()).map_err(|_| GaroonError::NonJsonBody {
            status: response.status,
            snippet: omflow_transport::body_snippet(&response.body),
        })
    }

    /// The requests waiting for the caller to handle (Garoon's 未処理 folder:
    /// `WorkflowGetUnprocessedApplicationVersions`, then
    /// `WorkflowGetUnprocessedApplicationsById`), each with what the caller may do now
    /// ([`Application::operations`]).
    ///
    /// # Errors
    /// [`GaroonError::Soap`] with Garoon's fault; transport errors;
    /// [`GaroonError::InvalidRequest`] for OAuth authentication.
    pub async fn pending(&self) -> Result<Vec<Application>, GaroonError> {
        const VERSIONS: &str = "WorkflowGetUnprocessedApplicationVersions";
        let text = self
            .soap_call(VERSIONS, soap::version_parameters(&[]), Effect::Read)
            .await?;
        let document = soap::parse(&text)?;
        let ids: Vec<String> = soap::versions(soap::returns(&document, VERSIONS)?)?
            .into_iter()
            .filter(|v| v.change != soap::Change::Remove)
            .map(|v| v.id)
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.unprocessed_by_id(&ids).await
    }

    /// Requests `ids`, each of which must be waiting for the caller
    /// (`WorkflowGetUnprocessedApplicationsById`; one that is not fails the whole call with
    /// `GRN_WRKF_25302`).
    ///
    /// # Errors
    /// As [`GaroonClient::pending`].
    pub async fn unprocessed_by_id(&self, ids: &[String]) -> Result<Vec<Application>, GaroonError> {
        const BY_ID: &str = "WorkflowGetUnprocessedApplicationsById";
        let text = self
            .soap_call(BY_ID, soap::by_id_parameters(ids), Effect::Read)
            .await?;
        let document = soap::parse(&text)?;
        Ok(soap::applications(soap::returns(&document, BY_ID)?)?)
    }

    /// Handles requests (`WorkflowHandleApplications`): approve, reject, send back, withdraw,
    /// cancel, confirm or acknowledge, with a comment, optionally as a proxy. Returns each
    /// handled request as it now stands. A write: it is never resent once it may have
    /// reached Garoon.
    ///
    /// # Errors
    /// [`GaroonError::Soap`] with Garoon's fault (`GRN_WRKF_25356`: not a processor of the
    /// current step); transport errors (a lost answer may have been applied: read the
    /// request back).
    pub async fn handle(&self, handles: &[Handle]) -> Result<Vec<Application>, GaroonError> {
        const HANDLE: &str = "WorkflowHandleApplications";
        if handles.is_empty() {
            return Err(GaroonError::InvalidRequest("nothing to handle".into()));
        }
        let text = self
            .soap_call(
                HANDLE,
                soap::handle_parameters(handles, None),
                Effect::Write,
            )
            .await?;
        let document = soap::parse(&text)?;
        Ok(soap::applications(soap::returns(&document, HANDLE)?)?)
    }
}
