//! What the assignee can read: a ticket row with the form of its stop (`omdata/load`), a
//! flow's names (`flow-name/load`) and its start form (`form-design/load`). None of these
//! needs the flow-management permission.

use crate::client::Client;
use crate::error::Error;
use omflow_model::calls;
use omflow_model::{
    ApiErrorKind, DataId, FlowNames, FlowUuid, FormDesign, LoadFlowNames, LoadStartForm,
    LoadTicket, LoadedTicket, Operation, StartForm,
};
use std::sync::Arc;

impl Client {
    /// The ticket row `data_id` of a flow as its assignee sees it: the design of the stop it
    /// is at, its current values, the stop's quick actions, the flow's names, and whether it
    /// is closed. One call; nothing is cached (the values change with every push).
    ///
    /// Needs one of: the flow's View permission (`Omdata_<hex>_View`), being the row's
    /// assignee (its group names the user's nick name, or one of the user's groups with no
    /// user), or having created the ticket.
    ///
    /// ```no_run
    /// # async fn run(client: omflow_client::Client, mission: omflow_model::Mission) -> Result<(), omflow_client::Error> {
    /// let (Some(flow), Some(data_id)) = (mission.flow_uuid, mission.data_id) else { return Ok(()) };
    /// let ticket = client.load_ticket(flow, data_id).await?;
    /// println!("{} fields; quick actions {:?}", ticket.formdata.len(), ticket.quick_actions());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::NoAccess`] when the user may not read the row (also for an unknown row or
    /// flow: the server does not tell them apart); the server's failure ([`Error::api`]) for other failures. A
    /// read: retrying is safe.
    pub async fn load_ticket(
        &self,
        flow_uuid: FlowUuid,
        data_id: DataId,
    ) -> Result<LoadedTicket, Error> {
        let body = LoadTicket { flow_uuid, data_id };
        self.call::<calls::TicketsLoad>(None, &body)
            .await
            .map_err(|err| {
                let err = no_access(err, || {
                    (
                        format!("read ticket row {data_id} of flow {}", flow_uuid.simple()),
                        format!(
                            "the flow's View permission (Omdata_{}_View), being the row's assignee, or being the ticket's creator",
                            flow_uuid.simple()
                        ),
                    )
                });
                // The server answers a row or flow it does not have as it answers one the
                // user may not read.
                match err {
                    Error::NoAccess { action, needs, .. } => Error::NoAccess {
                        action,
                        needs,
                        may_not_exist: true,
                    },
                    other => other,
                }
            })
    }

    /// A flow's application and flow names (any logged-in user).
    ///
    /// # Errors
    /// the server's failure ([`Error::api`]) (kind `ServerError`) when no deployed flow has this uuid.
    pub async fn flow_names(&self, flow_uuid: FlowUuid) -> Result<FlowNames, Error> {
        self.call::<calls::FlowsNames>(None, &LoadFlowNames { flow_uuid })
            .await
    }

    /// A flow's start form (what a create fills in), fetched once per flow and shared by
    /// concurrent callers.
    ///
    /// Needs the flow's View permission (`Omdata_<hex>_View`) or the flow-management
    /// permission (`OmFormFlow_Manage`); creating needs only `Omdata_<hex>_Add`, so a user
    /// with Add alone gives each field's type instead (`CreateBuilder::set_typed`).
    ///
    /// # Errors
    /// [`Error::NoAccess`] naming the permissions; the server's failure ([`Error::api`]) (kind `FlowNotFound`) for
    /// an unknown flow; [`crate::CallError::Decode`] when the design is not valid JSON.
    pub async fn start_form(&self, flow_uuid: FlowUuid) -> Result<Arc<FormDesign>, Error> {
        let cell = {
            let mut designs = self.inner.start_forms.lock().await;
            designs.entry(flow_uuid).or_default().clone()
        };
        cell.get_or_try_init(|| async {
            let form: StartForm = self
                .call::<calls::FlowsStartForm>(None,
                    &LoadStartForm { flow_uuid },
                )
                .await
                .map_err(|err| {
                    no_access(err, || {
                        (
                            format!("read the start form of flow {}", flow_uuid.simple()),
                            format!(
                                "the flow's View permission (Omdata_{0}_View) or OmFormFlow_Manage; a create itself needs Add (Omdata_{0}_Add): holding Add without View, give each field's type",
                                flow_uuid.simple()
                            ),
                        )
                    })
                })?;
            form.design().map(Arc::new).map_err(|e| Error::decode(Operation::FlowsStartForm.name(), "result.formobject", e.to_string(), None))
        })
        .await
        .cloned()
    }
}

/// Turns the server's permission refusal into [`Error::NoAccess`] naming what is needed.
pub(crate) fn no_access(err: Error, describe: impl FnOnce() -> (String, String)) -> Error {
    if err.api_kind() == Some(ApiErrorKind::PermissionDenied) {
        let (action, needs) = describe();
        Error::NoAccess {
            action,
            needs,
            may_not_exist: false,
        }
    } else {
        err
    }
}
