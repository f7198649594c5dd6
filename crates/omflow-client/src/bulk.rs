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
#[non_exhaustive]
pub struct ApprovalOutcome {
    /// The mission.
    pub mission: Mission,
    /// Pushed (with the ticket number), skipped (why), or failed.
    pub result: ApprovalResult,
    /// The first push's answer was lost, reading the ticket back showed it was not applied,
    /// and it was sent once more (never a second time).
    pub resent: bool,
}

/// One mission's result.
#[derive(Debug)]
#[non_exhaustive]
pub enum ApprovalResult {
    /// Pushed, and (when waited for) where the engine took the ticket: never into its error
    /// state, which is [`ApprovalResult::Failed`] with [`Error::EngineFailed`].
    Approved(PushOutcome),
    /// Not sent: the checks refused it (the stop's form does not take a value, the engine
    /// could not route it, the stop has no such quick action); the text says why.
    Skipped(String),
    /// Sent or tried, and failed.
    Failed(Error),
    /// Not sent: the approval was stopped ([`ApproveBuilder::stop_flag`]) before this
    /// ticket's turn.
    NotSent(String),
}

/// One mission of a planned approval: the verdict of the same checks the run makes.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PlannedApproval {
    /// The mission.
    pub mission: Mission,
    /// `Some(reason)` when the run would not send it (the stop's form refuses a value, the
    /// engine could not route it, the stop lacks the quick action).
    pub skip: Option<String>,
    /// Where the push would take the ticket, when it would be sent.
    pub prediction: Option<omflow_model::routing::Prediction>,
}

/// A bulk approval; see [`Client::approve`].
#[derive(Debug)]
#[must_use = "an approval does nothing until planned, started or sent"]
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
    force: bool,
    comment: Option<String>,
}

/// How long a bulk approval waits, per ticket, for the engine to move it on.
pub const DEFAULT_ENGINE_WAIT: Duration = Duration::from_secs(10);

impl Client {
    /// Approves every mission of the flow `flow_name` that matches the query
    /// (collected first, then pushed), as the official sample scripts do.
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
            force: false,
            comment: None,
        }
    }
}

impl ApproveBuilder {
    /// Extra filters on my missions.
    pub fn query(mut self, query: Query) -> Self {
        self.query = query;
        self
    }

    /// Only missions of this flow uuid (as well as the flow name).
    pub fn flow_uuid(mut self, uuid: FlowUuid) -> Self {
        self.flow_uuid = Some(uuid);
        self
    }

    /// Pushes at most this many tickets at once (default 8, at least 1).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// How long to wait per ticket for the engine (default [`DEFAULT_ENGINE_WAIT`]); `None`
    /// does not wait, so engine failures are not seen.
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

    /// Sends every ticket even where the checks refuse it (see [`crate::PushBuilder::force`]):
    /// a ticket the engine cannot route is then left in its error state.
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// Writes `text` as a comment on each ticket before its push (see
    /// [`crate::PushBuilder::comment`]); a ticket whose push is sent again after a lost
    /// answer gets its comment once.
    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = Some(text.into());
        self
    }

    /// Lists what would be approved without sending anything.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// The missions that would be approved, each once.
    ///
    /// # Errors
    /// Those of listing my missions (the server's failure ([`Error::api`]), transport errors); a read, safe to retry.
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

    /// What a run would do, mission by mission, without sending anything: each ticket's form
    /// and the flow's design are loaded and every check of a real run is made, so the
    /// verdicts are the run's: sent, with where the ticket would go, or skipped, with why.
    ///
    /// # Errors
    /// As [`ApproveBuilder::candidates`]; a ticket that cannot be checked is skipped with the
    /// reason.
    pub async fn plan(&self) -> Result<Vec<PlannedApproval>, Error> {
        let candidates = self.candidates().await?;
        let client = self.client.clone();
        let approval = self.approval.clone();
        let force = self.force;
        let mut planned: Vec<(usize, PlannedApproval)> =
            futures::stream::iter(candidates.into_iter().enumerate())
                .map(|(index, mission)| {
                    let client = client.clone();
                    let approval = approval.clone();
                    async move {
                        let checked = match &approval {
                            Approval::Set(values) => {
                                push_of(&client, &mission, values, force).check().await
                            }
                            Approval::QuickAction(action) => {
                                quick_action_of(&client, &mission, *action, force)
                                    .check()
                                    .await
                            }
                        };
                        let (skip, prediction) = match checked {
                            Ok(plan) => (None, Some(plan.prediction)),
                            Err(err) if err.is_refusal() => (Some(err.to_string()), None),
                            Err(err) => (Some(format!("cannot be checked: {err}")), None),
                        };
                        (
                            index,
                            PlannedApproval {
                                mission,
                                skip,
                                prediction,
                            },
                        )
                    }
                })
                .buffer_unordered(self.concurrency)
                .collect()
                .await;
        planned.sort_by_key(|(index, _)| *index);
        Ok(planned.into_iter().map(|(_, p)| p).collect())
    }

    /// Starts the approval: the missions are collected first (the list is live), then
    /// pushed with bounded concurrency; the stream yields each outcome as it finishes.
    ///
    /// # Errors
    /// Collecting the missions can fail (the server's failure ([`Error::api`]), transport errors); the pushes'
    /// failures are outcomes, not errors.
    ///
    /// A dry run ([`ApproveBuilder::dry_run`]) sends nothing: its stream yields the verdicts
    /// [`ApproveBuilder::send`] reports for a dry run.
    pub async fn start(self) -> Result<impl Stream<Item = ApprovalOutcome> + Send, Error> {
        if self.dry_run {
            let verdicts = self.dry_verdicts().await?;
            return Ok(futures::stream::iter(verdicts).boxed());
        }
        let plan = self.candidates().await?;
        let client = self.client.clone();
        let approval = self.approval.clone();
        let wait = self.wait;
        let stop = self.stop.clone();
        let force = self.force;
        let comment = self.comment.clone();
        Ok(futures::stream::iter(plan)
            .map(move |mission| {
                let client = client.clone();
                let approval = approval.clone();
                let comment = comment.clone();
                let stop = stop.clone();
                async move {
                    if stop.is_some_and(|flag| flag.load(Ordering::SeqCst)) {
                        return ApprovalOutcome {
                            mission,
                            result: ApprovalResult::NotSent(
                                "stopped before this ticket's turn".into(),
                            ),
                            resent: false,
                        };
                    }
                    let send =
                        |comment| approve_one(&client, &mission, &approval, wait, force, comment);
                    let mut result = send(comment.as_deref()).await;
                    let mut resent = false;
                    let not_applied = |err: &Error| matches!(err, Error::NotApplied { .. });
                    match &result {
                        ApprovalResult::Failed(err) if not_applied(err) => {
                            // Read back: not applied, so sending once more cannot push twice.
                            resent = true;
                            result = send(None).await;
                        }
                        ApprovalResult::Failed(Error::AfterComment { source })
                            if not_applied(source) =>
                        {
                            // The comment stands; only the push is sent again.
                            resent = true;
                            result = match send(None).await {
                                ApprovalResult::Approved(mut outcome) => {
                                    outcome.commented = true;
                                    ApprovalResult::Approved(outcome)
                                }
                                ApprovalResult::Failed(err) => {
                                    ApprovalResult::Failed(Error::AfterComment {
                                        source: Box::new(err),
                                    })
                                }
                                other => other,
                            };
                        }
                        _ => {}
                    }
                    ApprovalOutcome {
                        mission,
                        result,
                        resent,
                    }
                }
            })
            .buffer_unordered(self.concurrency)
            .boxed())
    }

    /// Runs the approval; one outcome per mission, in completion order.
    ///
    /// # Errors
    /// As [`ApproveBuilder::start`].
    pub async fn send(self) -> Result<Vec<ApprovalOutcome>, Error> {
        if self.dry_run {
            return self.dry_verdicts().await;
        }
        Ok(self.start().await?.collect().await)
    }

    /// A dry run's outcomes: each planned mission skipped, with its refusal or "dry run".
    async fn dry_verdicts(self) -> Result<Vec<ApprovalOutcome>, Error> {
        Ok(self
            .plan()
            .await?
            .into_iter()
            .map(|planned| ApprovalOutcome {
                mission: planned.mission,
                result: ApprovalResult::Skipped(planned.skip.unwrap_or_else(|| "dry run".into())),
                resent: false,
            })
            .collect())
    }
}

fn push_of(
    client: &Client,
    mission: &Mission,
    values: &[(String, Value)],
    force: bool,
) -> crate::PushBuilder {
    let builder = values
        .iter()
        .fold(client.push_mission(mission), |b, (id, v)| {
            b.set(id, v.clone())
        });
    if force {
        builder.force()
    } else {
        builder
    }
}

fn quick_action_of(
    client: &Client,
    mission: &Mission,
    action: QuickAction,
    force: bool,
) -> crate::QuickActionBuilder {
    let builder = client.quick_action_mission(mission, action);
    if force {
        builder.force()
    } else {
        builder
    }
}

async fn approve_one(
    client: &Client,
    mission: &Mission,
    approval: &Approval,
    wait: Option<Duration>,
    force: bool,
    comment: Option<&str>,
) -> ApprovalResult {
    let outcome = match approval {
        Approval::Set(values) => {
            let mut builder = push_of(client, mission, values, force);
            if let Some(wait) = wait {
                builder = builder.wait_for_engine(wait);
            }
            if let Some(text) = comment {
                builder = builder.comment(text);
            }
            builder.send().await
        }
        Approval::QuickAction(action) => {
            let mut builder = quick_action_of(client, mission, *action, force);
            if let Some(wait) = wait {
                builder = builder.wait_for_engine(wait);
            }
            if let Some(text) = comment {
                builder = builder.comment(text);
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
        Err(err) if err.is_refusal() => ApprovalResult::Skipped(err.to_string()),
        Err(err) => ApprovalResult::Failed(err),
    }
}
