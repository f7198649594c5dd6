//! The caller's request folders the SOAP workflow API lists: the version lists
//! (`Workflow{Unprocessed,Sent,Received}ApplicationVersions`), the reads by id
//! (`...ApplicationsById`) and the pending-approval list (`WorkflowGetPendingApprovals`):
//! Cybozu, "申請情報を取得する", <https://cybozu.dev/ja/garoon/docs/soap-api/workflow/get-request/>.

use super::envelope::escape;
use chrono::{DateTime, Utc};

/// A period of the sent and received folders and of the pending-approval list: `start`
/// (required by Garoon) and `end` (Garoon's default: now). Garoon refuses `start` after
/// `end` (`GRN_WRKF_25305`); [`Period::new`] refuses it before anything is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
}

/// A period whose start is after its end.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the period starts ({start}) after it ends ({end}); Garoon refuses it (GRN_WRKF_25305)")]
pub struct StartAfterEnd {
    /// The start asked for.
    pub start: DateTime<Utc>,
    /// The end asked for.
    pub end: DateTime<Utc>,
}

impl Period {
    /// From `start` until now.
    #[must_use]
    pub fn since(start: DateTime<Utc>) -> Self {
        Period { start, end: None }
    }

    /// From `start` to `end`.
    ///
    /// # Errors
    /// [`StartAfterEnd`] when `start` is after `end`.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, StartAfterEnd> {
        if start > end {
            return Err(StartAfterEnd { start, end });
        }
        Ok(Period {
            start,
            end: Some(end),
        })
    }

    /// The start.
    #[must_use]
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// The end, when one was given.
    #[must_use]
    pub fn end(&self) -> Option<DateTime<Utc>> {
        self.end
    }

    /// The `start` and `end` attributes of `parameters` (` start="2010-07-01T00:00:00Z"`).
    fn attributes(&self) -> String {
        let at = |t: &DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let mut text = format!(" start=\"{}\"", at(&self.start));
        if let Some(end) = &self.end {
            text.push_str(&format!(" end=\"{}\"", at(end)));
        }
        text
    }
}

/// One of the caller's folders. Sent and received take a period (Garoon requires its start);
/// the unprocessed folder is every request waiting for the caller now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    /// 未処理: the requests waiting for the caller to handle them.
    Unprocessed,
    /// 送信済み: the requests the caller applied for, in the period.
    Sent(Period),
    /// 受信: the requests routed to the caller, in the period.
    Received(Period),
}

impl Folder {
    /// The folder's name in Garoon's calls (`Unprocessed`, `Sent`, `Received`).
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Folder::Unprocessed => "Unprocessed",
            Folder::Sent(_) => "Sent",
            Folder::Received(_) => "Received",
        }
    }

    /// The version list's action (`WorkflowGetSentApplicationVersions`).
    #[must_use]
    pub fn versions_action(&self) -> String {
        format!("WorkflowGet{}ApplicationVersions", self.name())
    }

    /// The read by id's action (`WorkflowGetSentApplicationsById`).
    #[must_use]
    pub fn by_id_action(&self) -> String {
        format!("WorkflowGet{}ApplicationsById", self.name())
    }

    /// The period, for the sent and received folders.
    #[must_use]
    pub fn period(&self) -> Option<&Period> {
        match self {
            Folder::Unprocessed => None,
            Folder::Sent(period) | Folder::Received(period) => Some(period),
        }
    }

    /// The version list's parameters: the period (sent and received) and the versions the
    /// caller holds (`(id, version)`; none asks for every request in the folder).
    #[must_use]
    pub fn version_parameters(&self, known: &[(String, String)]) -> String {
        let mut xml = format!(
            "<parameters{}>",
            self.period().map(Period::attributes).unwrap_or_default()
        );
        for (id, version) in known {
            xml.push_str(&format!(
                "<application_item id=\"{}\" version=\"{}\"/>",
                escape(id),
                escape(version)
            ));
        }
        xml.push_str("</parameters>");
        xml
    }
}

/// The reads by id's parameters: the requests' ids (every one must be in the folder, or the
/// whole call is refused with `GRN_WRKF_25302`).
#[must_use]
pub fn by_id_parameters(ids: &[String]) -> String {
    let mut xml = String::from("<parameters>");
    for id in ids {
        xml.push_str(&format!("<application_id>{}</application_id>", escape(id)));
    }
    xml.push_str("</parameters>");
    xml
}

/// `WorkflowGetPendingApprovals`' action: the requests that will reach the caller at a later
/// step (承認予定, "Pending approval"), not those waiting now.
pub const PENDING_APPROVALS: &str = "WorkflowGetPendingApprovals";

/// `WorkflowGetPendingApprovals`' parameters: the period.
#[must_use]
pub fn pending_approvals_parameters(period: &Period) -> String {
    format!("<parameters{}></parameters>", period.attributes())
}

/// `WorkflowGetApprovalDelegators`: the users the caller is a proxy approver of (no
/// parameters; answers `delegator_id` elements).
pub const APPROVAL_DELEGATORS: &str = "WorkflowGetApprovalDelegators";

/// `WorkflowGetProxyApprovalsByDelegatorId`: the requests waiting for a delegator, for their
/// proxy approver.
pub const PROXY_APPROVALS: &str = "WorkflowGetProxyApprovalsByDelegatorId";

/// `WorkflowGetProxyApprovalsByDelegatorId`' parameters: the delegator and the period.
#[must_use]
pub fn proxy_approvals_parameters(delegator_id: &str, period: &Period) -> String {
    format!(
        "<parameters delegator_id=\"{}\"{}></parameters>",
        escape(delegator_id),
        period.attributes()
    )
}

/// The `delegator_id` elements of `WorkflowGetApprovalDelegators`' `returns`.
#[must_use]
pub fn delegators(returns: roxmltree::Node<'_, '_>) -> Vec<String> {
    super::children(returns, "delegator_id")
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2010, 7, day, 0, 0, 0).unwrap()
    }

    #[test]
    fn a_period_that_ends_before_it_starts_is_refused() {
        let error = Period::new(at(2), at(1)).unwrap_err();
        assert!(error.to_string().contains("GRN_WRKF_25305"), "{error}");
        assert!(Period::new(at(1), at(1)).is_ok());
    }

    #[test]
    fn sent_and_received_carry_their_period_on_parameters() {
        let period = Period::new(at(1), at(31)).unwrap();
        assert_eq!(
            Folder::Sent(period).version_parameters(&[("4".into(), "9".into())]),
            r#"<parameters start="2010-07-01T00:00:00Z" end="2010-07-31T00:00:00Z"><application_item id="4" version="9"/></parameters>"#
        );
        assert_eq!(
            Folder::Received(Period::since(at(1))).version_parameters(&[]),
            r#"<parameters start="2010-07-01T00:00:00Z"></parameters>"#
        );
        assert_eq!(
            Folder::Unprocessed.version_parameters(&[]),
            "<parameters></parameters>"
        );
        assert_eq!(
            Folder::Received(period).by_id_action(),
            "WorkflowGetReceivedApplicationsById"
        );
        assert_eq!(
            pending_approvals_parameters(&Period::since(at(1))),
            r#"<parameters start="2010-07-01T00:00:00Z"></parameters>"#
        );
    }
}
