//! Handling many requests at once, as OMFLOW's bulk approval does: each checked against the
//! requests waiting for the caller first (one not waiting, or that does not offer the
//! operation, is not sent), sent one call each with bounded concurrency, and a lost answer
//! resolved by reading the caller's folder back.

use super::{CallError, GaroonClient, GaroonError, Sent};
use crate::soap::{Application, Handle, Operation, Period, SoapError, SoapFault};
use std::collections::BTreeMap;

/// Since when a proxy's check reads the delegator's waiting requests (Garoon requires a start).
const PROXY_READ_SINCE: chrono::DateTime<chrono::Utc> = chrono::DateTime::UNIX_EPOCH;
use futures::stream::{self, Stream, StreamExt};

/// What became of one handle.
#[derive(Debug)]
#[non_exhaustive]
pub enum HandleOutcome {
    /// Garoon did it; the request as it now stands.
    Done(Box<Application>),
    /// Not sent: the request is not waiting for the caller, or does not offer the operation.
    NotSent(String),
    /// A dry run: the checks pass, and it would be sent.
    WouldSend,
    /// Garoon refused it (its fault, with the code).
    Refused(Box<SoapFault>),
    /// The answer was lost. `applied` is what reading the folder back showed: `Some(true)`
    /// when the request no longer waits for the caller, `Some(false)` when it still does
    /// (safe to send again), `None` when reading back failed too.
    Unknown {
        /// What reading back showed.
        applied: Option<bool>,
        /// The lost answer's error.
        error: GaroonError,
    },
    /// Another failure (the request may not have been sent).
    Failed(GaroonError),
}

/// One handle's result.
#[derive(Debug)]
pub struct HandleResult {
    /// The request's id.
    pub application_id: String,
    /// What became of it.
    pub outcome: HandleOutcome,
}

/// Why `operation` may not be sent for request `id`, when it may not. The applicant's
/// operations (withdraw, cancel, acknowledge) are not in the approver's folder: Garoon
/// checks those itself.
#[must_use]
pub fn not_offered(operation: &Operation, id: &str, waiting: &[Application]) -> Option<String> {
    if matches!(
        operation,
        Operation::Withdraw | Operation::Cancel | Operation::Acknowledge
    ) {
        return None;
    }
    let Some(application) = waiting.iter().find(|a| a.id == id) else {
        return Some(format!(
            "request {id} is not waiting for you (Garoon would refuse it: GRN_WRKF_25302)"
        ));
    };
    (!application.allows(operation)).then(|| {
        let offered: Vec<&str> = application.operations.iter().map(Operation::tag).collect();
        format!(
            "request {id} does not offer {} to you; it offers: {}",
            operation.tag(),
            offered.join(", ")
        )
    })
}

impl GaroonClient {
    /// Handles each of `handles`, checked first against the requests waiting for the caller,
    /// at most `concurrency` at a time; yields each result as it finishes. A dry run
    /// (`send = false`) checks and sends nothing: a handle that would be sent comes back as
    /// [`HandleOutcome::WouldSend`]. A proxy's handle ([`Handle::delegator`]) is checked
    /// against what waits for that user (`WorkflowGetProxyApprovalsByDelegatorId`); when the
    /// caller is not their proxy approver it is not sent.
    ///
    /// # Errors
    /// Reading the requests waiting for the caller can fail before anything is sent.
    pub async fn handle_each(
        &self,
        handles: Vec<Handle>,
        concurrency: usize,
        send: bool,
    ) -> Result<impl Stream<Item = HandleResult> + Send + '_, GaroonError> {
        let waiting = self.pending().await?;
        // A proxy's handles are checked against what waits for the delegator, read once per
        // delegator; one the caller is not a proxy approver of is not sent.
        let mut for_delegator: BTreeMap<String, Result<Vec<Application>, String>> = BTreeMap::new();
        for id in handles.iter().filter_map(|h| h.delegator_id.clone()) {
            if for_delegator.contains_key(&id) {
                continue;
            }
            let read = match self
                .proxy_approvals(&id, &Period::since(PROXY_READ_SINCE))
                .await
            {
                Ok(waiting) => Ok(waiting),
                Err(GaroonError::Soap(SoapError::Fault(fault))) => Err(format!(
                    "you are not a proxy approver of Garoon user {id} ({})",
                    fault.code.as_deref().unwrap_or("a refusal without code")
                )),
                Err(other) => return Err(other),
            };
            for_delegator.insert(id, read);
        }
        let checked: Vec<(Handle, Option<String>)> = handles
            .into_iter()
            .map(|handle| {
                let why = match handle.delegator_id.as_ref().map(|id| &for_delegator[id]) {
                    Some(Err(why)) => Some(why.clone()),
                    Some(Ok(theirs)) => {
                        not_offered(&handle.operation, &handle.application_id, theirs).map(|why| {
                            why.replace("waiting for you", "waiting for the user you approve for")
                        })
                    }
                    None => not_offered(&handle.operation, &handle.application_id, &waiting),
                };
                (handle, why)
            })
            .collect();
        Ok(stream::iter(checked)
            .map(move |(handle, why)| async move {
                let application_id = handle.application_id.clone();
                let outcome = match why {
                    Some(why) => HandleOutcome::NotSent(why),
                    None if !send => HandleOutcome::WouldSend,
                    None => self.handle_one(handle).await,
                };
                HandleResult {
                    application_id,
                    outcome,
                }
            })
            .buffer_unordered(concurrency.max(1)))
    }

    async fn handle_one(&self, handle: Handle) -> HandleOutcome {
        let id = handle.application_id.clone();
        match self.handle(&[handle]).await {
            Ok(mut after) if !after.is_empty() => HandleOutcome::Done(Box::new(after.remove(0))),
            Ok(_) => HandleOutcome::Failed(GaroonError::Protocol(format!(
                "Garoon answered the handle of {id} with no request"
            ))),
            Err(GaroonError::Soap(SoapError::Fault(fault))) => HandleOutcome::Refused(fault),
            Err(error) if error_may_have_applied(&error) => {
                let applied = self
                    .pending()
                    .await
                    .ok()
                    .map(|now| !now.iter().any(|a| a.id == id));
                HandleOutcome::Unknown { applied, error }
            }
            Err(error) => HandleOutcome::Failed(error),
        }
    }
}

fn error_may_have_applied(error: &GaroonError) -> bool {
    matches!(
        error.call_error(),
        Some(CallError::Dispatch(source)) if source.sent() == Sent::Maybe
    )
}
