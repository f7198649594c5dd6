//! The operations table (see [`Operation`]) and each operation's wire contract (see
//! [`Call`]): its endpoint, its name, its request body's type and its answer's type, declared
//! once here. The client sends through it, the OpenAPI document is generated from it, and
//! the fake routes each endpoint to one view.

use crate::endpoint::{Access, Endpoint};
use crate::{
    AddWorklog, ApiFormat, ApiFormatRequest, AppExport, AppList, AttachmentRow, CreateTicket,
    DataIdEntry, DataIdLookup, DataNoResult, DeleteTickets, ExportApps, FlowNames, GroupRow,
    GroupUser, HistoryPage, ListApps, ListFiles, ListGroupUsers, ListGroups, ListHistory,
    ListWorklog, LoadFlowChart, LoadFlowNames, LoadStartForm, LoadTicket, LoadedFlowChart,
    LoadedTicket, Mission, ProjectedRow, PushTicket, Query, QueryInFlow, QuickActionTicket,
    SecurityGrant, StartForm, TicketRow, UploadForm, WorklogEntry,
};

/// One operation's wire contract, declared once in the operations table: the client sends
/// `Body` to the operation's endpoint and decodes the envelope's result as `Answer`, and the
/// OpenAPI document describes the endpoint with the same two types. Each operation has its
/// own uninhabited type in [`calls`].
///
/// ```
/// use omflow_model::{calls, Call, Operation};
///
/// fn sends<C: Call>(_: &C::Body) -> Operation { C::OPERATION }
/// let body = omflow_model::LoadStartForm { flow_uuid: "dc33fb340034418c8fbb3baf15525e86".parse().unwrap() };
/// assert_eq!(sends::<calls::FlowsStartForm>(&body), Operation::FlowsStartForm);
/// ```
pub trait Call {
    /// The operation (its name, endpoint and access).
    const OPERATION: Operation;
    /// What the request carries (for the login, nothing: HTTP Basic; for the upload, the
    /// multipart form's fields).
    type Body: serde::Serialize;
    /// The success envelope's `result` as the client decodes it (a list the caller may
    /// project decodes as [`ProjectedRow`]s instead).
    type Answer: serde::de::DeserializeOwned;
}

macro_rules! operations {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $name:literal, $endpoint:ident, $doing:literal, $body:ty => $answer:ty;
    )*) => {
        /// Every operation the client performs, in one table: its name (used in the client's
        /// error messages and its tracing span, `omflow.<name>`), the [`Endpoint`] it calls,
        /// and (through [`Call`]) its body and answer types.
        /// Several operations share an endpoint (create, push, quick action and delete all
        /// POST to the edit view); whether a call may be resent follows from the endpoint.
        ///
        /// ```
        /// use omflow_model::{Access, Endpoint, Operation};
        ///
        /// assert_eq!(Operation::TicketsPush.name(), "tickets.push");
        /// assert_eq!(Operation::TicketsPush.endpoint(), Endpoint::TicketEdit);
        /// assert_eq!(Operation::TicketsPush.access(), Access::Write);
        /// assert_eq!(Operation::from_name("missions.list"), Some(Operation::MissionsList));
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Operation {
            $( $(#[doc = $doc])* $variant, )*
        }

        /// One type per operation, naming it in [`Call`]'s type parameter position.
        pub mod calls {
            #[allow(clippy::wildcard_imports)]
            use super::*;
            $(
                $(#[doc = $doc])*
                #[derive(Debug, Clone, Copy)]
                pub enum $variant {}

                impl super::Call for $variant {
                    const OPERATION: super::Operation = super::Operation::$variant;
                    type Body = $body;
                    type Answer = $answer;
                }
            )*
        }

        impl Operation {
            /// Every operation, in table order.
            pub const ALL: &'static [Operation] = &[$(Operation::$variant),*];

            /// Its name (`tickets.push`).
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self { $(Operation::$variant => $name,)* }
            }

            /// What it does, as a person would say it ("reading the flow's tickets"): for
            /// messages to people who never typed the operation's name.
            #[must_use]
            pub const fn doing(self) -> &'static str {
                match self { $(Operation::$variant => $doing,)* }
            }

            /// The endpoint it calls.
            #[must_use]
            pub const fn endpoint(self) -> Endpoint {
                match self { $(Operation::$variant => Endpoint::$endpoint,)* }
            }

            /// The operation of this name.
            #[must_use]
            pub fn from_name(name: &str) -> Option<Operation> {
                match name { $($name => Some(Operation::$variant),)* _ => None }
            }

            /// The JSON Schema of its request body (feature `schema`).
            #[cfg(feature = "schema")]
            pub fn body_schema(self, generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                match self { $(Operation::$variant => <$body as schemars::JsonSchema>::json_schema(generator),)* }
            }

            /// The JSON Schema of its answer's `result`, as a reference where the type has a
            /// name (feature `schema`).
            #[cfg(feature = "schema")]
            pub fn answer_schema(self, generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                match self { $(Operation::$variant => generator.subschema_for::<$answer>(),)* }
            }
        }
    };
}

operations! {
    /// Obtain a security code with HTTP Basic.
    Login = "security.get", Security, "logging in", () => SecurityGrant;
    /// List my missions.
    MissionsList = "missions.list", MyMissions, "listing your missions", Query => Vec<Mission>;
    /// The query-form list of a flow's tickets.
    TicketsList = "tickets.list", TicketList, "reading the flow's tickets", QueryInFlow => Vec<TicketRow>;
    /// A ticket row with the form of its stop.
    TicketsLoad = "tickets.load", TicketLoad, "loading the ticket", LoadTicket => LoadedTicket;
    /// Create a ticket.
    TicketsCreate = "tickets.create", TicketEdit, "creating the ticket", CreateTicket => DataNoResult;
    /// Push a ticket on from its stop.
    TicketsPush = "tickets.push", TicketEdit, "pushing the ticket", PushTicket => DataNoResult;
    /// Run a stop's quick action.
    TicketsQuickAction = "tickets.quick_action", TicketEdit, "running the quick action", QuickActionTicket => DataNoResult;
    /// Delete tickets.
    TicketsDelete = "tickets.delete", TicketEdit, "deleting the tickets", DeleteTickets => DataNoResult;
    /// The current data_id of tickets.
    TicketsLookupDataId = "tickets.lookup_data_id", DataIdLookup, "looking up the ticket's current row", DataIdLookup => Vec<DataIdEntry>;
    /// A flow's app and flow names.
    FlowsNames = "flows.names", FlowNames, "reading the flow's name", LoadFlowNames => FlowNames;
    /// A flow's start form.
    FlowsStartForm = "flows.start_form", StartForm, "reading the flow's start form", LoadStartForm => StartForm;
    /// A flow's design (the chart the push prediction walks).
    FlowsChart = "flows.chart", FlowObject, "reading the flow's design", LoadFlowChart => LoadedFlowChart;
    /// A flow's api_path and fields by app and flow name.
    FlowsApiFormat = "flow.api_format", ApiFormat, "reading the flow's api_path", ApiFormatRequest => Option<ApiFormat>;
    /// The user list.
    UsersList = "users.list", UserList, "listing the users", Query => Vec<ProjectedRow>;
    /// Add a work log entry (a comment) to a ticket.
    WorklogAdd = "worklog.add", WorklogCreate, "adding the comment", AddWorklog => ();
    /// A ticket's work log.
    WorklogList = "worklog.list", WorklogList, "reading the comments", ListWorklog => Vec<WorklogEntry>;
    /// The groups.
    GroupsList = "groups.list", GroupList, "listing the groups", ListGroups => Vec<GroupRow>;
    /// The users of a group.
    GroupsUsers = "groups.users", GroupUsers, "listing the group's users", ListGroupUsers => Vec<GroupUser>;
    /// A ticket's earlier rows (a DataTables page, not an envelope).
    TicketsHistory = "tickets.history", HistoryList, "reading the ticket's history", ListHistory => HistoryPage;
    /// A ticket's flow log with the flow's design.
    TicketsFlowLog = "tickets.flow_log", FlowObject, "reading the ticket's flow log", LoadFlowChart => LoadedFlowChart;
    /// A ticket's attachments.
    FilesList = "files.list", FileList, "listing the attachments", ListFiles => Vec<AttachmentRow>;
    /// The active apps.
    AppsList = "apps.list", AppList, "listing the apps", ListApps => AppList;
    /// Apps as export files.
    AppsExport = "apps.export", AppExport, "exporting the apps", ExportApps => Vec<AppExport>;
    /// Upload attachments to a ticket (multipart).
    FilesUpload = "files.upload", FileUpload, "uploading the attachments", UploadForm => ();
}

impl Operation {
    /// Whether the success answer is a bare JSON object rather than an envelope (failures
    /// still come as envelopes).
    #[must_use]
    pub const fn answers_bare(self) -> bool {
        matches!(self, Operation::TicketsHistory)
    }

    /// Whether a call reads or writes (its endpoint's [`Access`]).
    #[must_use]
    pub const fn access(self) -> Access {
        self.endpoint().access()
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found_again() {
        let mut seen = std::collections::HashSet::new();
        for &operation in Operation::ALL {
            assert!(seen.insert(operation.name()), "{operation} twice");
            assert_eq!(Operation::from_name(operation.name()), Some(operation));
        }
        assert_eq!(Operation::from_name("tickets.nothing"), None);
    }

    #[test]
    fn writes_are_the_edit_operations() {
        let writes: Vec<_> = Operation::ALL
            .iter()
            .filter(|op| op.access() == Access::Write)
            .map(|op| op.name())
            .collect();
        assert_eq!(
            writes,
            [
                "tickets.create",
                "tickets.push",
                "tickets.quick_action",
                "tickets.delete",
                "worklog.add",
                "files.upload"
            ]
        );
    }
}
