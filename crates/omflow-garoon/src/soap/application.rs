//! The `application` element (`WorkflowApplicationType`, Cybozu, "ワークフローAPIで使用するデータの
//! 構造") and the version list of the unprocessed-request read.

use super::handle::Operation;
use super::{child, children, SoapError};
use crate::model::StatusType;
use roxmltree::Node;

/// Where a request may be sent back to (an entry of `operation/sent_back`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendBackTarget {
    /// The applicant.
    Applicant,
    /// A step, by its id.
    Step(String),
}

/// How a request changed since the version the caller sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Waiting for the caller and not among the versions sent.
    Add,
    /// Its version differs from the one sent.
    Modify,
    /// Sent, but no longer waiting for the caller.
    Remove,
    /// A word this SDK does not know, as sent.
    Other(String),
}

/// One `application_item` of a version list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationVersion {
    /// The request's id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// What changed.
    pub change: Change,
}

/// A request as the SOAP workflow API shows it to the caller.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Application {
    /// `@id`.
    pub id: String,
    /// `@version` (changes whenever the request does).
    pub version: Option<String>,
    /// `@name` (form name and subject).
    pub name: Option<String>,
    /// `@number`.
    pub number: Option<String>,
    /// `@status`: the display text (`進行中`).
    pub status: Option<String>,
    /// `@status_type`: the stable token (`unprocessing`, `inprogress`, `sent_back`,
    /// `approved`, `rejected`, `withdrawn`, `cancelled`, `completed`).
    pub status_type: Option<String>,
    /// `@date`: when it was applied for (UTC).
    pub date: Option<String>,
    /// `@processing_step`: the current step's id.
    pub processing_step: Option<String>,
    /// `@urgent`.
    pub urgent: Option<bool>,
    /// The applicant.
    pub applicant: Option<Applicant>,
    /// The items, in order.
    pub items: Vec<Item>,
    /// The route's steps, in order.
    pub steps: Vec<Step>,
    /// What the caller may do now (`operation`): a send-back once per allowed target.
    pub operations: Vec<Operation>,
}

impl Application {
    /// The status as the REST model types it (`IN_PROGRESS`), from `@status_type`.
    #[must_use]
    pub fn status_kind(&self) -> Option<StatusType> {
        let token = match self.status_type.as_deref()? {
            "unprocessing" => "UNPROCESSING",
            "inprogress" => "IN_PROGRESS",
            "sent_back" => "SENT_BACK",
            "approved" => "APPROVED",
            "rejected" => "REJECTED",
            "withdrawn" => "WITHDRAWN",
            "cancelled" => "CANCELLED",
            "completed" => "COMPLETED",
            _ => return None,
        };
        StatusType::from_token(token)
    }

    /// Whether the caller may do `operation` now (a send-back: to that target).
    #[must_use]
    pub fn allows(&self, operation: &Operation) -> bool {
        self.operations.contains(operation)
    }
}

/// The applicant (and who applied as their proxy).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Applicant {
    /// `@id`.
    pub id: Option<String>,
    /// `@name`.
    pub name: Option<String>,
    /// The proxy applicant's `(id, name)`.
    pub proxy: Option<(Option<String>, Option<String>)>,
}

/// An item (`item`, `files_item` or `blank_item`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Item {
    /// `@name`.
    pub name: Option<String>,
    /// `@value` (display text).
    pub value: Option<String>,
    /// The files of a `files_item`.
    pub files: Vec<FileRef>,
}

/// A file of a `files_item`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileRef {
    /// `@file_id`.
    pub id: Option<String>,
    /// `@name`.
    pub name: Option<String>,
    /// `@size` (bytes, as text).
    pub size: Option<String>,
    /// `@mime_type`.
    pub mime_type: Option<String>,
}

/// A step of the route.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Step {
    /// `@id`.
    pub id: Option<String>,
    /// `@name`.
    pub name: Option<String>,
    /// `@type`: display text (`承認(全員)`, `回覧`).
    pub kind: Option<String>,
    /// `@is_approval_step` (`1` approval, `0` acknowledgement).
    pub is_approval_step: Option<bool>,
    /// The processors.
    pub processors: Vec<Processor>,
}

/// A processor of a step.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Processor {
    /// `@id`.
    pub id: Option<String>,
    /// `@processor_name`.
    pub name: Option<String>,
    /// `@result`: display text (`承認`, `差し戻し`; absent while unprocessed).
    pub result: Option<String>,
    /// `@date` of the result (UTC).
    pub date: Option<String>,
    /// `@comment`.
    pub comment: Option<String>,
    /// Who processed it as this processor's proxy: `(id, name)`.
    pub proxy: Option<(Option<String>, Option<String>)>,
}

/// The `application_item` entries of `returns`.
///
/// # Errors
/// [`SoapError::Shape`] for an entry without `id` or `version`.
pub fn versions(returns: Node<'_, '_>) -> Result<Vec<ApplicationVersion>, SoapError> {
    children(returns, "application_item")
        .enumerate()
        .map(|(i, node)| {
            let required = |name: &str| {
                attr(node, name).ok_or_else(|| SoapError::Shape {
                    path: format!("application_item[{i}]"),
                    problem: format!("has no {name}"),
                })
            };
            Ok(ApplicationVersion {
                id: required("id")?,
                version: required("version")?,
                change: match attr(node, "operation").as_deref() {
                    Some("add") => Change::Add,
                    Some("modify") => Change::Modify,
                    Some("remove") => Change::Remove,
                    other => Change::Other(other.unwrap_or_default().to_string()),
                },
            })
        })
        .collect()
}

/// The `application` entries of `returns`.
///
/// # Errors
/// [`SoapError::Shape`] for an application without `id`.
pub fn applications(returns: Node<'_, '_>) -> Result<Vec<Application>, SoapError> {
    children(returns, "application")
        .enumerate()
        .map(|(i, node)| application(node, i))
        .collect()
}

fn application(node: Node<'_, '_>, index: usize) -> Result<Application, SoapError> {
    let id = attr(node, "id").ok_or_else(|| SoapError::Shape {
        path: format!("application[{index}]"),
        problem: "has no id".into(),
    })?;
    let applicant = child(node, "applicant").map(|a| Applicant {
        id: attr(a, "id"),
        name: attr(a, "name"),
        proxy: child(a, "proxy").map(|p| (attr(p, "id"), attr(p, "name"))),
    });
    let items = child(node, "items")
        .map(|items| {
            items
                .children()
                .filter(|n| n.is_element())
                .map(|item| Item {
                    name: attr(item, "name"),
                    value: attr(item, "value"),
                    files: children(item, "file")
                        .map(|f| FileRef {
                            id: attr(f, "file_id"),
                            name: attr(f, "name"),
                            size: attr(f, "size"),
                            mime_type: attr(f, "mime_type"),
                        })
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    let steps = child(node, "steps")
        .map(|steps| children(steps, "step").map(step).collect())
        .unwrap_or_default();
    Ok(Application {
        id,
        version: attr(node, "version"),
        name: attr(node, "name"),
        number: attr(node, "number"),
        status: attr(node, "status"),
        status_type: attr(node, "status_type"),
        date: attr(node, "date"),
        processing_step: attr(node, "processing_step"),
        urgent: attr(node, "urgent").map(|u| u == "true" || u == "1"),
        applicant,
        items,
        steps,
        operations: children(node, "operation").flat_map(operations).collect(),
    })
}

fn step(node: Node<'_, '_>) -> Step {
    Step {
        id: attr(node, "id"),
        name: attr(node, "name"),
        kind: attr(node, "type"),
        is_approval_step: attr(node, "is_approval_step").map(|v| v == "1" || v == "true"),
        processors: children(node, "processor")
            .map(|p| Processor {
                id: attr(p, "id"),
                name: attr(p, "processor_name"),
                result: attr(p, "result"),
                date: attr(p, "date"),
                comment: attr(p, "comment"),
                proxy: child(p, "proxy").map(|x| (attr(x, "id"), attr(x, "processor_name"))),
            })
            .collect(),
    }
}

/// The operations one `operation` element allows (a send-back: one per target).
fn operations(node: Node<'_, '_>) -> Vec<Operation> {
    node.children()
        .filter(|n| n.is_element())
        .flat_map(|op| match op.tag_name().name() {
            "approve" => vec![Operation::Approve],
            "reject" => vec![Operation::Reject],
            "withdraw" => vec![Operation::Withdraw],
            "cancel" => vec![Operation::Cancel],
            "confirm" => vec![Operation::Confirm],
            "acknowledge" => vec![Operation::Acknowledge],
            "sent_back" => op
                .children()
                .filter(|n| n.is_element())
                .filter_map(|target| match target.tag_name().name() {
                    "applicant" => Some(Operation::SendBack(SendBackTarget::Applicant)),
                    "step" => attr(target, "step_id")
                        .map(|id| Operation::SendBack(SendBackTarget::Step(id))),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// An attribute's value (no namespace), when present.
fn attr(node: Node<'_, '_>, name: &str) -> Option<String> {
    node.attribute(name).map(str::to_string)
}
