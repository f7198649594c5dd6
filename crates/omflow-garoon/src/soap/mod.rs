//! Garoon's SOAP workflow API, the only API through which a user handles a request
//! (approve, reject, send back, withdraw, cancel, confirm, acknowledge): the request
//! envelopes, the handle parameters, and the answers and faults decoded. No I/O: the bytes
//! to send and the typed reading of the bytes received, so that any HTTP stack (or the
//! fake) can use them.
//!
//! What is implemented, and where it comes from:
//! - the envelope (SOAP 1.2, `Action`, `Security/UsernameToken`, `Timestamp`, `Locale`):
//!   Cybozu, "Garoon SOAP APIの共通仕様",
//!   <https://cybozu.dev/ja/garoon/docs/soap-api/overview/soap/>;
//! - the folders' version lists and reads by id (`Workflow{Unprocessed,Sent,Received}`
//!   `ApplicationVersions` and `...ApplicationsById`: the requests waiting for the user, sent by
//!   the user, routed to the user; cloud, and package 3.0 or later) and
//!   `WorkflowGetPendingApprovals` (the requests that will reach the user later): Cybozu,
//!   "申請情報を取得する", <https://cybozu.dev/ja/garoon/docs/soap-api/workflow/get-request/>;
//! - `WorkflowHandleApplications` (cloud, and package 3.0 or later): Cybozu, "申請を処理する",
//!   <https://cybozu.dev/ja/garoon/docs/soap-api/workflow/submit-request/>;
//! - the application element (`WorkflowApplicationType`): Cybozu,
//!   "ワークフローAPIで使用するデータの構造",
//!   <https://cybozu.dev/ja/garoon/docs/soap-api/workflow/api-data-structure>.
//!
//! Faults are SOAP 1.2 (`soap:Fault` with `Code`, `Reason` and a `Detail` holding `code`,
//! `diagnosis`, `cause` and `counter_measure`); on cloud they may come with HTTP 500 or 520,
//! so an answer is read whatever its status. Elements are matched by local name: the server
//! qualifies some and not others.
//!
//! ```
//! use omflow_garoon::soap::{Handle, Operation};
//!
//! let handle = Handle::new("6", Operation::Approve).comment("コメント");
//! assert_eq!(
//!     handle.to_xml(),
//!     r#"<handle application_id="6" comment="コメント"><operation><approve></approve></operation></handle>"#
//! );
//! ```

mod application;
mod envelope;
mod folder;
mod handle;

pub use application::{
    applications, versions, Applicant, Application, ApplicationVersion, Change, FileRef, Item,
    Processor, SendBackTarget, Step,
};
pub use envelope::{envelope, escape, Credentials, Header};
pub use folder::{
    by_id_parameters, delegators, pending_approvals_parameters, proxy_approvals_parameters, Folder,
    Period, StartAfterEnd, APPROVAL_DELEGATORS, PENDING_APPROVALS, PROXY_APPROVALS,
};
pub use handle::{handle_parameters, Handle, Operation};

/// A SOAP answer that is not what was asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SoapError {
    /// The body is not XML.
    #[error("the answer is not XML: {0}")]
    NotXml(String),
    /// XML, but not the SOAP answer to the action sent.
    #[error("the answer is not a SOAP answer to {action}: {problem}")]
    NotAnAnswer {
        /// The action sent.
        action: String,
        /// What was found instead.
        problem: String,
    },
    /// Garoon refused the call (a SOAP fault).
    #[error("{0}")]
    Fault(Box<SoapFault>),
    /// An element of the answer lacks what the documented structure requires.
    #[error("the answer's {path} {problem}")]
    Shape {
        /// Where, as element names from `returns`.
        path: String,
        /// What is missing or wrong.
        problem: String,
    },
}

/// A Garoon SOAP fault: the error code (`GRN_WRKF_25356`) and its texts (in the language
/// of the request's `Locale`, or the user's). Classify by [`SoapFault::code`], never by text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SoapFault {
    /// `Detail/code`, such as `GRN_WRKF_25356` (the user is not a processor of the step).
    pub code: Option<String>,
    /// `Reason/Text`.
    pub reason: Option<String>,
    /// `Detail/diagnosis`.
    pub diagnosis: Option<String>,
    /// `Detail/cause`.
    pub cause: Option<String>,
    /// `Detail/counter_measure`.
    pub counter_measure: Option<String>,
}

impl std::fmt::Display for SoapFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Garoon refused the call ({}):",
            self.code.as_deref().unwrap_or("no code")
        )?;
        let diagnosis = self.diagnosis.as_ref().or(self.reason.as_ref());
        for text in [
            diagnosis,
            self.cause.as_ref(),
            self.counter_measure.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            write!(f, " {text}")?;
        }
        Ok(())
    }
}

impl SoapFault {
    /// What the code means for someone handling a request, for the codes a handler meets
    /// (Garoon's server texts say the same in the user's language).
    #[must_use]
    pub fn meaning(&self) -> Option<&'static str> {
        Some(match self.code.as_deref()? {
            "GRN_WRKF_25302" => "no such request among yours (not waiting for you, or gone)",
            "GRN_WRKF_25307" => "you are not a proxy approver of that user",
            "GRN_WRKF_25330" | "GRN_WRKF_25331" | "GRN_WRKF_25332" => {
                "the request is not in progress or sent back"
            }
            "GRN_WRKF_25334" => "the request is no longer in progress",
            "GRN_WRKF_25337" => "sending back is disabled on this Garoon",
            "GRN_WRKF_25350" => "no such step to send the request back to",
            "GRN_WRKF_25354" | "GRN_WRKF_25355" => "that step is already done or was skipped",
            "GRN_WRKF_25356" => "you are not a processor of the request's current step",
            "GRN_WRKF_25357" => "you have already processed this request",
            "GRN_WRKF_25359" => "only the applicant may withdraw or cancel",
            "GRN_WRKF_25362" | "GRN_WRKF_25363" | "GRN_WRKF_25364" => {
                "the current step is an acknowledgement (回覧) step: confirm it instead"
            }
            "GRN_WRKF_25365" => "Garoon does not know that operation",
            "GRN_CBPAPI_63004" | "GRN_CBPAPI_63005" => "a parameter is missing or empty",
            "GRN_UTIL_API_65003" => "the request's Timestamp/Expires is in the past",
            "GRN_CMMN_00105" => "the login name or password is wrong, or none was given",
            _ => return None,
        })
    }
}

/// The `returns` element of the answer to `action` (`<{action}Response><returns>`), or the
/// fault the answer carries.
///
/// # Errors
/// [`SoapError`]: not XML, not an answer to `action`, or a fault.
pub fn returns<'a, 'input>(
    document: &'a roxmltree::Document<'input>,
    action: &str,
) -> Result<roxmltree::Node<'a, 'input>, SoapError> {
    let not_an_answer = |problem: &str| SoapError::NotAnAnswer {
        action: action.to_string(),
        problem: problem.to_string(),
    };
    let root = document.root_element();
    if root.tag_name().name() != "Envelope" {
        return Err(not_an_answer("no Envelope"));
    }
    let body = child(root, "Body").ok_or_else(|| not_an_answer("no Body"))?;
    if let Some(fault) = child(body, "Fault") {
        return Err(SoapError::Fault(Box::new(fault_of(fault))));
    }
    let response = format!("{action}Response");
    let answer = body
        .children()
        .find(|n| n.is_element())
        .ok_or_else(|| not_an_answer("an empty Body"))?;
    if answer.tag_name().name() != response {
        return Err(not_an_answer(&format!(
            "{} instead of {response}",
            answer.tag_name().name()
        )));
    }
    child(answer, "returns").ok_or_else(|| not_an_answer("no returns"))
}

/// Parses `text` as XML (the answer's body).
///
/// # Errors
/// [`SoapError::NotXml`].
pub fn parse(text: &str) -> Result<roxmltree::Document<'_>, SoapError> {
    roxmltree::Document::parse(text).map_err(|e| SoapError::NotXml(e.to_string()))
}

fn fault_of(fault: roxmltree::Node<'_, '_>) -> SoapFault {
    let detail = child(fault, "Detail");
    let from_detail = |name: &str| detail.and_then(|d| child(d, name)).and_then(text_of);
    SoapFault {
        code: from_detail("code"),
        reason: child(fault, "Reason")
            .and_then(|r| child(r, "Text"))
            .and_then(text_of),
        diagnosis: from_detail("diagnosis"),
        cause: from_detail("cause"),
        counter_measure: from_detail("counter_measure"),
    }
}

/// The XML reader the answers are parsed with (so that callers can name its nodes).
pub use roxmltree;

/// The first child element of `node` with local name `name`.
#[must_use]
pub fn child<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    name: &str,
) -> Option<roxmltree::Node<'a, 'input>> {
    node.children()
        .find(|n| n.is_element() && n.tag_name().name() == name)
}

/// The child elements of `node` with local name `name`.
pub fn children<'a, 'input: 'a>(
    node: roxmltree::Node<'a, 'input>,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'input>> + 'a {
    node.children()
        .filter(move |n| n.is_element() && n.tag_name().name() == name)
}

/// An element's text, trimmed; `None` when empty.
fn text_of(node: roxmltree::Node<'_, '_>) -> Option<String> {
    let text = node.text()?.trim();
    (!text.is_empty()).then(|| text.to_string())
}
