//! The approver's calls over Garoon's SOAP workflow API (see [`crate::soap`] for the
//! envelopes and the pages they follow): the requests waiting for the caller, and handling
//! them. SOAP authenticates in the envelope (`Security/UsernameToken`), so these calls need
//! password authentication; an OAuth token is REST only.

use super::{CallError, GaroonAuth, GaroonClient, GaroonError, RawAnswer};
use crate::soap::{
    self, Application, ApplicationVersion, Change, Credentials, Folder, Handle, Header, Period,
    SoapError,
};
use futures::stream::{self, Stream, StreamExt, TryStreamExt};
use omflow_transport::{Effect, HttpRequest};
use secrecy::ExposeSecret;

/// How many requests one read by id asks for.
pub const BY_ID_CHUNK: usize = 100;

/// The fault of a read by id naming a request not in the folder.
const NOT_IN_FOLDER: &str = "GRN_WRKF_25302";

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
        let url = request.url.to_string();
        let response = self.send(request, effect, "garoon.soap", span).await?;
        // Garoon answers SOAP (faults included, with 500 or 520); anything else (a web page's
        // 404, a login page) is not Garoon's SOAP service.
        let soap_like = response
            .body
            .windows(b"Envelope".len())
            .any(|w| w == b"Envelope");
        if !soap_like || !matches!(response.status, 200 | 500 | 520) {
            let raw = RawAnswer::from(&response);
            return Err(GaroonError::NotSoap { url, raw });
        }
        String::from_utf8(response.body.to_vec()).map_err(|_| {
            GaroonError::call(CallError::Response {
                raw: RawAnswer::from(&response),
            })
        })
    }

    /// The versions of the requests in `folder` (`Workflow{Unprocessed,Sent,Received}`
    /// `ApplicationVersions`): each request added, modified or removed since the versions in
    /// `known` (`(id, version)`; none lists every request in the folder, all as added).
    ///
    /// # Errors
    /// [`GaroonError::Soap`] with Garoon's fault; transport errors;
    /// [`GaroonError::InvalidRequest`] for OAuth authentication.
    pub async fn versions(
        &self,
        folder: &Folder,
        known: &[(String, String)],
    ) -> Result<Vec<ApplicationVersion>, GaroonError> {
        let action = folder.versions_action();
        let text = self
            .soap_call(&action, folder.version_parameters(known), Effect::Read)
            .await?;
        let document = soap::parse(&text)?;
        Ok(soap::versions(soap::returns(&document, &action)?)?)
    }

    /// Requests `ids` of `folder` (`Workflow{Unprocessed,Sent,Received}ApplicationsById`),
    /// each with what the caller may do now ([`Application::operations`]). Every id must be
    /// in the folder: one that is not fails the whole call with `GRN_WRKF_25302`.
    ///
    /// # Errors
    /// As [`GaroonClient::versions`].
    pub async fn by_id(
        &self,
        folder: &Folder,
        ids: &[String],
    ) -> Result<Vec<Application>, GaroonError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let action = folder.by_id_action();
        let text = self
            .soap_call(&action, soap::by_id_parameters(ids), Effect::Read)
            .await?;
        let document = soap::parse(&text)?;
        Ok(soap::applications(soap::returns(&document, &action)?)?)
    }

    /// Every request in `folder`, read [`BY_ID_CHUNK`] at a time after one version list. A
    /// request that leaves the folder between the two reads (someone handled it) is left out,
    /// not an error: the chunk is read again without it.
    ///
    /// ```no_run
    /// # async fn run(client: omflow_garoon::client::GaroonClient) -> Result<(), omflow_garoon::client::GaroonError> {
    /// use futures::TryStreamExt;
    /// use omflow_garoon::soap::{Folder, Period};
    /// let since = chrono::Utc::now() - chrono::Duration::days(30);
    /// let sent: Vec<_> = client.folder(Folder::Sent(Period::since(since))).try_collect().await?;
    /// println!("{} requests sent in 30 days", sent.len());
    /// # Ok(()) }
    /// ```
    pub fn folder(
        &self,
        folder: Folder,
    ) -> impl Stream<Item = Result<Application, GaroonError>> + Send + '_ {
        stream::once(async move { self.versions(&folder, &[]).await })
            .map_ok(move |versions| {
                let ids: Vec<String> = versions
                    .into_iter()
                    .filter(|v| v.change != Change::Remove)
                    .map(|v| v.id)
                    .collect();
                let chunks: Vec<Vec<String>> =
                    ids.chunks(BY_ID_CHUNK).map(<[String]>::to_vec).collect();
                stream::iter(chunks)
                    .then(move |chunk| async move { self.still_in(&folder, chunk).await })
                    .map_ok(|applications| stream::iter(applications.into_iter().map(Ok)))
                    .try_flatten()
            })
            .try_flatten()
    }

    /// `ids` of `folder`; when one has left the folder since it was listed (`GRN_WRKF_25302`),
    /// the ids still there.
    async fn still_in(
        &self,
        folder: &Folder,
        ids: Vec<String>,
    ) -> Result<Vec<Application>, GaroonError> {
        match self.by_id(folder, &ids).await {
            Err(GaroonError::Soap(SoapError::Fault(fault)))
                if fault.code.as_deref() == Some(NOT_IN_FOLDER) =>
            {
                let now = self.versions(folder, &[]).await?;
                let kept: Vec<String> = ids
                    .into_iter()
                    .filter(|id| {
                        now.iter()
                            .any(|v| &v.id == id && v.change != Change::Remove)
                    })
                    .collect();
                self.by_id(folder, &kept).await
            }
            other => other,
        }
    }

    /// The requests waiting for the caller to handle (Garoon's 未処理 folder), each with what
    /// the caller may do now ([`Application::operations`]).
    ///
    /// # Errors
    /// As [`GaroonClient::versions`].
    pub async fn pending(&self) -> Result<Vec<Application>, GaroonError> {
        self.folder(Folder::Unprocessed).try_collect().await
    }

    /// The requests that will reach the caller at a later step of their route, in `period`
    /// (`WorkflowGetPendingApprovals`, Garoon's 承認予定 list: "Pending approval"; not the
    /// requests waiting now, which [`GaroonClient::pending`] lists). Garoon offers it only
    /// where its workflow settings enable the list.
    ///
    /// # Errors
    /// As [`GaroonClient::versions`].
    pub async fn pending_approvals(
        &self,
        period: &Period,
    ) -> Result<Vec<Application>, GaroonError> {
        let text = self
            .soap_call(
                soap::PENDING_APPROVALS,
                soap::pending_approvals_parameters(period),
                Effect::Read,
            )
            .await?;
        let document = soap::parse(&text)?;
        Ok(soap::applications(soap::returns(
            &document,
            soap::PENDING_APPROVALS,
        )?)?)
    }

    /// The users the caller may approve for as their proxy approver (代理承認,
    /// `WorkflowGetApprovalDelegators`): their Garoon user ids, for [`Handle::delegator`].
    ///
    /// # Errors
    /// As [`GaroonClient::versions`].
    pub async fn approval_delegators(&self) -> Result<Vec<String>, GaroonError> {
        let text = self
            .soap_call(
                soap::APPROVAL_DELEGATORS,
                "<parameters></parameters>".into(),
                Effect::Read,
            )
            .await?;
        let document = soap::parse(&text)?;
        Ok(soap::delegators(soap::returns(
            &document,
            soap::APPROVAL_DELEGATORS,
        )?))
    }

    /// The requests waiting for user `delegator_id` in `period`, for their proxy approver
    /// (`WorkflowGetProxyApprovalsByDelegatorId`), each with what may be done now as the
    /// delegator's proxy.
    ///
    /// # Errors
    /// [`GaroonError::Soap`] with `GRN_WRKF_25307` when the caller is not that user's proxy
    /// approver; as [`GaroonClient::versions`].
    pub async fn proxy_approvals(
        &self,
        delegator_id: &str,
        period: &Period,
    ) -> Result<Vec<Application>, GaroonError> {
        let text = self
            .soap_call(
                soap::PROXY_APPROVALS,
                soap::proxy_approvals_parameters(delegator_id, period),
                Effect::Read,
            )
            .await?;
        let document = soap::parse(&text)?;
        Ok(soap::applications(soap::returns(
            &document,
            soap::PROXY_APPROVALS,
        )?)?)
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
