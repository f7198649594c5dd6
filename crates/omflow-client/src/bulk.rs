//! Bulk approval: every mission matching a query gets one form change or quick action,
//! with bounded concurrency, one outcome per ticket, and never two pushes of one data_id.

use crate::client::Client;
use crate::error::Error;
use crate::push::PushOutcome;
use futures::Stream;
use futures::{StreamExt, TryStreamExt};
use omflow_model::query::{col, Query};
use omflow_model::{DataId, FlowUuid, Mission, QuickAction};
use serde_json::Value;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What to do to each mission.
#[derive(Debug, Clone)]
pub enum Approval {
    /// Push with these field values (types and the other fields filled by the client).
    Set(Vec<(String, Value)>),
    /// Run this quick action (only where the mission's stop offers it).
    QuickAction(QuickAction),
}

/// What happened to one mission.
#[derive(Debug)]
pub struct ApprovalOutcome {
    /// The mission.
    pub mission: Mission,
    /// Pushed (with the ticket number), skipped (why), or failed.
    pub result: ApprovalResult,
}

/// One mission's result.
#[derive(Debug)]
#[non_exhaustive]
pub enum ApprovalResult {
    /// Pushed, and (when waited for) where the engine took the ticket: never into its error
    /// state, which is [`ApprovalResult::Failed`] with [`Error::EngineFailed`].
    Approved(PushOutcome),
    /// Not sent (for example, the stop has no such quick action).
    Skipped(String),
    /// Sent or tried, and failed.
    Failed(Error),
    /// Not sent: the approval was stopped ([`ApproveBuilder::stop_flag`]) before this
    /// ticket's turn.
    NotSent(String),
}

/// One mission of a planned approval, and why it would be skipped, if it would.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PlannedApproval {
    /// The mission.
    pub mission: Mission,
    /// `Some(reason)` when the run would not send it (its stop lacks the quick action).
    pub skip: Option<String>,
}

/// A bulk approval; see [`Client::approve`].
#[derive(Debug)]
pub struct ApproveBuilder {
    client: Client,
    flow_name: String,
    flow_uuid: Option<FlowUuid>,
    query: Query,
    approval: Approval,
    concurrency: usize,
    dry_run: bool,
    wait: Option<Duration>,
    stop: Option<Arc<AtomicBool>>,
}

/// How long a bulk approval waits, per ticket, for the engine to move it on.
pub const DEFAULT_ENGINE_WAIT: Duration = Duration::from_secs(10);

impl Client {
    /// Approves every mission of the flow `flow_name` that matches the query
    /// (collected first, then pushed), as the official sample scripts do.
    #[must_use]
    pub fn approve(&self, flow_name: &str, approval: Approval) -> ApproveBuilder {
        ApproveBuilder {
            client: self.clone(),
            flow_name: flow_name.to_string(),
            flow_uuid: None,
            query: Query::default(),
            approval,
            concurrency: 8,
            dry_run: false,
            wait: Some(DEFAULT_ENGINE_WAIT),
            stop: None,
        }
    }
}

impl ApproveBuilder {
    /// Extra filters on my missions.
    #[must_use]
    pub fn query(mut self, query: Query) -> Self {
        self.query = query;
        self
    }

    /// Only missions of this flow uuid (as well as the flow name).
    #[must_use]
    pub fn flow_uuid(mut self, uuid: FlowUuid) -> Self {
        self.flow_uuid = Some(uuid);
        self
    }

    /// Pushes at most this many tickets at once (default 8, at least 1).
    #[must_use]
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// How long to wait per ticket for the engine (default [`DEFAULT_ENGINE_WAIT`]); `None`
    /// does not wait, so engine failures are not seen.
    #[must_use]
    pub fn wait_for_engine(mut self, wait: Option<Duration>) -> Self {
        self.wait = wait;
        self
    }

    /// Once `flag` is set (say, on Ctrl-C), no further push is started; pushes in flight
    /// finish, and the tickets not yet started come out as [`ApprovalResult::NotSent`].
    pub fn stop_flag(mut self, flag: Arc<AtomicBool>) -> Self {
        self.stop = Some(flag);
        self
    }

    /// Lists what would be approved without sending anything.
    #[must_use]
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// The missions that would be approved, each once.
    ///
    /// # Errors
    /// Those of listing my missions ([`Error::Api`], transport errors); a read, safe to retry.
    pub async fn candidates(&self) -> Result<Vec<Mission>, Error> {
        let mut query = self
            .query
            .and_filter(col("flow_name").eq(self.flow_name.as_str()))
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        if let Some(uuid) = self.flow_uuid {
            query = query
                .and_filter(col("flow_uuid").eq(uuid.simple()))
                .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        }
        let missions: Vec<Mission> = self
            .client
            .missions()
            .query(query)
            .stream()
            .try_collect()
            .await?;
        let mut seen: HashSet<DataId> = HashSet::new();
        Ok(missions
            .into_iter()
            .filter(|m| m.data_id.is_some_and(|id| seen.insert(id)))
            .collect())
    }

    /// What a run would do, mission by mission, without sending anything: exactly the
    /// tickets it would send, and those it would skip with the reason.
    ///
    /// # Errors
    /// As [`ApproveBuilder::candidates`].
    pub async fn plan(&self) -> Result<Vec<PlannedApproval>, Error> {
        Ok(self
            .candidates()
            .await?
            .into_iter()
            .map(|mission| {
                let skip = skip_reason(&mission, &self.approval);
                PlannedApproval { mission, skip }
            })
            .collect())
    }

    /// Starts the approval: the missions are collected first (the list is live), then
    /// pushed with bounded concurrency; the stream yields each outcome as it finishes.
    ///
    /// # Errors
    /// Collecting the missions can fail ([`Error::Api`], transport errors); the pushes'
    /// failures are outcomes, not errors.
    pub async fn start(self) -> Result<impl Stream<Item = ApprovalOutcome> + Send, Error> {
        let plan = if self.dry_run {
            Vec::new()
        } else {
            self.plan().await?
        };
        let client = self.client.clone();
        let approval = self.approval.clone();
        let wait = self.wait;
        let stop = self.stop.clone();
        Ok(futures::stream::iter(plan)
            .map(move |planned| {
                let client = client.clone();
                let approval = approval.clone();
                let stop = stop.clone();
                async move {
                    let PlannedApproval { mission, skip } = planned;
                    let result = if let Some(why) = skip {
                        ApprovalResult::Skipped(why)
                    } else if stop.is_some_and(|flag| flag.load(Ordering::SeqCst)) {
                        ApprovalResult::NotSent("stopped before this ticket's turn".into())
                    } else {
                        approve_one(&client, &mission, &approval, wait).await
                    };
                    ApprovalOutcome { mission, result }
                }
            })
            .buffer_unordered(self.concurrency))
    }

    /// Runs the approval; one outcome per mission, in completion order.
    ///
    /// # Errors
    /// As [`ApproveBuilder::start`].
    pub async fn send(self) -> Result<Vec<ApprovalOutcome>, Error> {
        if self.dry_run {
            return Ok(self
                .plan()
                .await?
                .into_iter()
                .map(|planned| ApprovalOutcome {
                    mission: planned.mission,
                    result: ApprovalResult::Skipped(
                        planned.skip.unwrap_or_else(|| "dry run".into()),
                    ),
                })
                .collect());
        }
        Ok(self.start().await?.collect().await)
    }
}

fn skip_reason(mission: &Mission, approval: &Approval) -> Option<String> {
    match approval {
        Approval::QuickAction(action) if !mission.quick_actions().offers(*action) => Some(format!(
            "the stop {:?} offers no {action}",
            mission.stop_chart_text.as_deref().unwrap_or("")
        )),
        _ => None,
    }
}

async fn approve_one(
    client: &Client,
    mission: &Mission,
    approval: &Approval,
    wait: Option<Duration>,
) -> ApprovalResult {
    let outcome = match approval {
        Approval::Set(values) => {
            let mut builder = values
                .iter()
                .fold(client.push_mission(mission), |b, (id, v)| {
                    b.set(id, v.clone())
                });
            if let Some(wait) = wait {
                builder = builder.wait_for_engine(wait);
            }
            builder.send().await
        }
        Approval::QuickAction(action) => {
            if let Some(why) = skip_reason(mission, approval) {
                return ApprovalResult::Skipped(why);
            }
            let mut builder = client.quick_action_mission(mission, *action);
            if let Some(wait) = wait {
                builder = builder.wait_for_engine(wait);
            }
            builder.send().await
        }
    };
    match outcome {
        Ok(outcome) => match &outcome.state {
            Some(state) if state.is_engine_error() => ApprovalResult::Failed(Error::EngineFailed {
                data_no: outcome.data_no,
                state: state.clone(),
            }),
            _ => ApprovalResult::Approved(outcome),
        },
        Err(err) => ApprovalResult::Failed(err),
    }
}
