//! The parameters of the workflow calls: `WorkflowHandleApplications` (Cybozu, "申請を処理する")
//! and the unprocessed-request reads (Cybozu, "申請情報を取得する").

use super::application::SendBackTarget;
use super::envelope::escape;

/// What to do with a request (`handle/operation`). Garoon matches the tag exactly; an
/// unknown one is `GRN_WRKF_25365`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// Approve (承認).
    Approve,
    /// Reject (却下).
    Reject,
    /// Send back (差し戻し) to the applicant or to a step (a target the request's own
    /// `operation` lists).
    SendBack(SendBackTarget),
    /// Withdraw (取り戻し) or cancel (取消): the applicant's; Garoon decides which by
    /// whether anyone has processed the request yet.
    Withdraw,
    /// Cancel (取消): as [`Operation::Withdraw`].
    Cancel,
    /// Confirm an acknowledgement (回覧) step.
    Confirm,
    /// Acknowledge a finished request.
    Acknowledge,
}

impl Operation {
    /// The element as Garoon expects it (`<approve></approve>`).
    #[must_use]
    pub fn to_xml(&self) -> String {
        match self {
            Operation::SendBack(SendBackTarget::Applicant) => {
                "<sent_back><applicant></applicant></sent_back>".into()
            }
            Operation::SendBack(SendBackTarget::Step(step)) => format!(
                "<sent_back><step step_id=\"{}\"></step></sent_back>",
                escape(step)
            ),
            other => format!("<{0}></{0}>", other.tag()),
        }
    }

    /// The operation's tag (`approve`, `sent_back`).
    #[must_use]
    pub fn tag(&self) -> &'static str {
        match self {
            Operation::Approve => "approve",
            Operation::Reject => "reject",
            Operation::SendBack(_) => "sent_back",
            Operation::Withdraw => "withdraw",
            Operation::Cancel => "cancel",
            Operation::Confirm => "confirm",
            Operation::Acknowledge => "acknowledge",
        }
    }
}

/// One `handle`: a request, what to do with it, a comment, and the user approved for (proxy
/// approval, `delegator_id`: honoured for approve, reject and send back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handle {
    /// The request's id.
    pub application_id: String,
    /// What to do.
    pub operation: Operation,
    /// The comment stored with the result.
    pub comment: Option<String>,
    /// Approve as this user's proxy.
    pub delegator_id: Option<String>,
}

impl Handle {
    /// Handles request `application_id` with `operation`.
    #[must_use]
    pub fn new(application_id: impl Into<String>, operation: Operation) -> Self {
        Handle {
            application_id: application_id.into(),
            operation,
            comment: None,
            delegator_id: None,
        }
    }

    /// With a comment.
    #[must_use]
    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = Some(text.into());
        self
    }

    /// As the proxy of user `delegator_id`.
    #[must_use]
    pub fn delegator(mut self, delegator_id: impl Into<String>) -> Self {
        self.delegator_id = Some(delegator_id.into());
        self
    }

    /// The `handle` element.
    #[must_use]
    pub fn to_xml(&self) -> String {
        let mut xml = format!(
            "<handle application_id=\"{}\"",
            escape(&self.application_id)
        );
        if let Some(delegator) = &self.delegator_id {
            xml.push_str(&format!(" delegator_id=\"{}\"", escape(delegator)));
        }
        if let Some(comment) = &self.comment {
            xml.push_str(&format!(" comment=\"{}\"", escape(comment)));
        }
        xml.push_str(&format!(
            "><operation>{}</operation></handle>",
            self.operation.to_xml()
        ));
        xml
    }
}

/// `WorkflowHandleApplications`' parameters: the request token first (needed with a cookie
/// session), then each handle in order.
#[must_use]
pub fn handle_parameters(handles: &[Handle], request_token: Option<&str>) -> String {
    let mut xml = String::from("<parameters>");
    if let Some(token) = request_token {
        xml.push_str(&format!("<request_token>{}</request_token>", escape(token)));
    }
    for handle in handles {
        xml.push_str(&handle.to_xml());
    }
    xml.push_str("</parameters>");
    xml
}
