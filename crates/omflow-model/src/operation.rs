//! The operations table (see [`Operation`]).

use crate::endpoint::{Access, Endpoint};

macro_rules! operations {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $name:literal, $endpoint:ident, $doing:literal;
    )*) => {
        /// Every operation the client performs, in one table: its name (used in the client's
        /// error messages and its tracing span, `omflow.<name>`) and the [`Endpoint`] it calls.
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
        }
    };
}

operations! {
    /// Obtain a security code with HTTP Basic.
    Login = "security.get", Security, "logging in";
    /// List my missions.
    MissionsList = "missions.list", MyMissions, "listing your missions";
    /// The query-form list of a flow's tickets.
    TicketsList = "tickets.list", TicketList, "reading the flow's tickets";
    /// A ticket row with the form of its stop.
    TicketsLoad = "tickets.load", TicketLoad, "loading the ticket";
    /// Create a ticket.
    TicketsCreate = "tickets.create", TicketEdit, "creating the ticket";
    /// Push a ticket on from its stop.
    TicketsPush = "tickets.push", TicketEdit, "pushing the ticket";
    /// Run a stop's quick action.
    TicketsQuickAction = "tickets.quick_action", TicketEdit, "running the quick action";
    /// Delete tickets.
    TicketsDelete = "tickets.delete", TicketEdit, "deleting the tickets";
    /// The current data_id of tickets.
    TicketsLookupDataId = "tickets.lookup_data_id", DataIdLookup, "looking up the ticket's current row";
    /// A flow's app and flow names.
    FlowsNames = "flows.names", FlowNames, "reading the flow's name";
    /// A flow's start form.
    FlowsStartForm = "flows.start_form", StartForm, "reading the flow's start form";
    /// A flow's design (the chart the push prediction walks).
    FlowsChart = "flows.chart", FlowObject, "reading the flow's design";
    /// A flow's api_path and fields by app and flow name.
    FlowsApiFormat = "flow.api_format", ApiFormat, "reading the flow's api_path";
    /// The user list.
    UsersList = "users.list", UserList, "listing the users";
    /// Add a work log entry (a comment) to a ticket.
    WorklogAdd = "worklog.add", WorklogCreate, "adding the comment";
    /// A ticket's work log.
    WorklogList = "worklog.list", WorklogList, "reading the comments";
    /// The groups.
    GroupsList = "groups.list", GroupList, "listing the groups";
    /// The users of a group.
    GroupsUsers = "groups.users", GroupUsers, "listing the group's users";
    /// A ticket's earlier rows (a DataTables page, not an envelope).
    TicketsHistory = "tickets.history", HistoryList, "reading the ticket's history";
    /// A ticket's flow log with the flow's design.
    TicketsFlowLog = "tickets.flow_log", FlowObject, "reading the ticket's flow log";
    /// A ticket's attachments.
    FilesList = "files.list", FileList, "listing the attachments";
    /// The active apps.
    AppsList = "apps.list", AppList, "listing the apps";
    /// Apps as export files.
    AppsExport = "apps.export", AppExport, "exporting the apps";
    /// Upload attachments to a ticket (multipart).
    FilesUpload = "files.upload", FileUpload, "uploading the attachments";
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
