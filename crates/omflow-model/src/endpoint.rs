//! The endpoint table (see [`Endpoint`]).

/// Whether a call changes the server's state (a write is never resent once it may have
/// reached the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// Reads only: safe to resend.
    Read,
    /// Changes stored state.
    Write,
}

/// Who may call an endpoint, besides holding a valid security code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Permission {
    /// Any logged-in user (the view may still check rights of its own, such as View
    /// permission on a flow or being the ticket's assignee).
    Login,
    /// The flow-management permission `OmFormFlow_Manage`; others get HTTP 302 to the
    /// permission-denied page and the view does not run.
    FlowManage,
}

/// How the endpoint is mounted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mount {
    /// Called directly with HTTP Basic (only the security code).
    Basic,
    /// Behind the `/rest/` wrapper: a POSTed JSON body with `omflow_restapi` and `security`.
    Rest,
}

/// A path parameter was missing, given where none is taken, or not one path segment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{endpoint:?} {problem}")]
pub struct PathParamError {
    /// The endpoint whose path was being built.
    pub endpoint: Endpoint,
    /// What was wrong with the parameter.
    pub problem: &'static str,
}

macro_rules! endpoints {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident, $const_name:ident = $path:literal $(+ $param:ident)?,
        $access:ident, $permission:ident, $mount:ident;
    )*) => {
        /// The OMFLOW endpoints this SDK speaks, in one table: each entry gives the path, whether it
        /// takes a path parameter, whether a call reads or writes, and who may call it. The client
        /// builds its requests from it, the fake routes by it, and the [`paths`] constants are
        /// generated from it, so an endpoint is declared once.
        ///
        /// ```
        /// use omflow_model::{Access, Endpoint};
        ///
        /// assert_eq!(Endpoint::MyMissions.path(None)?, "/rest/my-mission/api/my-mission/list/");
        /// assert_eq!(
        ///     Endpoint::TicketList.path(Some("orders"))?,
        ///     "/rest/flowmanage/api/omdata/list/orders/",
        /// );
        /// assert_eq!(Endpoint::TicketEdit.access(), Access::Write);
        /// assert_eq!(
        ///     Endpoint::resolve("/rest/flowmanage/api/omdata/list/myapp/"),
        ///     Some((Endpoint::TicketList, Some("myapp"))),
        /// );
        /// # Ok::<(), omflow_model::PathParamError>(())
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Endpoint {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Endpoint {
            /// Every endpoint, in table order.
            pub const ALL: &'static [Endpoint] = &[$(Endpoint::$variant),*];

            /// The path, or for an endpoint with a parameter the prefix it follows (the
            /// parameter and a `/` come after it).
            #[must_use]
            pub const fn prefix(self) -> &'static str {
                match self { $(Endpoint::$variant => $path,)* }
            }

            /// The name of its path parameter (`api_path`, ...), if it takes one.
            #[must_use]
            pub const fn param(self) -> Option<&'static str> {
                match self { $(Endpoint::$variant => endpoints!(@param $($param)?),)* }
            }

            /// Whether a call reads or writes.
            #[must_use]
            pub const fn access(self) -> Access {
                match self { $(Endpoint::$variant => Access::$access,)* }
            }

            /// Who may call it.
            #[must_use]
            pub const fn permission(self) -> Permission {
                match self { $(Endpoint::$variant => Permission::$permission,)* }
            }

            /// Its name (`TicketEdit`): the OpenAPI document's `operationId`.
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self { $(Endpoint::$variant => stringify!($variant),)* }
            }

            /// How it is mounted.
            #[must_use]
            pub const fn mount(self) -> Mount {
                match self { $(Endpoint::$variant => Mount::$mount,)* }
            }
        }

        /// Paths of the OMFLOW endpoints, relative to the server's base URL (generated
        /// from the [`Endpoint`] table). For an endpoint with a path parameter the constant
        /// is the prefix: append the parameter and `/`.
        pub mod paths {
            $(
                $(#[doc = $doc])*
                pub const $const_name: &str = $path;
            )*
            /// The edit path parameter that makes the server take the flow from the body's
            /// `flow_uuid` (32 hex digits) instead of an api_path.
            pub const EDIT_BY_UUID: &str = "None";
        }
    };
    (@param $param:ident) => { Some(stringify!($param)) };
    (@param) => { None };
}

endpoints! {
    /// E1: obtain a security code (HTTP Basic). The trailing slash is required.
    Security, SECURITY = "/accounts/api/security/get/", Read, Login, Basic;
    /// E2: list my missions.
    MyMissions, MY_MISSIONS = "/rest/my-mission/api/my-mission/list/", Read, Login, Rest;
    /// E3: the query-form list of a flow.
    TicketList, TICKET_LIST = "/rest/flowmanage/api/omdata/list/" + api_path, Read, Login, Rest;
    /// E4–E7: create, push, quick action, delete.
    TicketEdit, TICKET_EDIT = "/rest/flowmanage/api/omdata/edit/" + api_path, Write, Login, Rest;
    /// E8: the current data_id of tickets.
    DataIdLookup, DATA_ID_LOOKUP = "/rest/flowmanage/api/omdata-data-id/get/" + api_path, Read, Login, Rest;
    /// The API-format helper.
    ApiFormat, API_FORMAT = "/rest/flowmanage/api/flow-active-api-format/get/", Read, FlowManage, Rest;
    /// Enables or disables a flow.
    FlowActiveUpdate, FLOW_ACTIVE_UPDATE = "/rest/flowmanage/api/flow-active/update/", Write, FlowManage, Rest;
    /// Sets a group's members.
    GroupMembers, GROUP_MEMBERS = "/rest/accounts/api/users/group/", Write, Login, Rest;
    /// Adds a user.
    UserAdd, USER_ADD = "/rest/accounts/api/user/add/", Write, Login, Rest;
    /// E9: uploads attachments to a ticket (multipart).
    FileUpload, FILE_UPLOAD = "/rest/flowmanage/api/omdata-file/upload/", Write, Login, Rest;
    /// E10: lists a ticket's attachments.
    FileList, FILE_LIST = "/rest/flowmanage/api/omdata-file/list/", Read, Login, Rest;
    /// The user list.
    UserList, USER_LIST = "/rest/accounts/api/user/list/", Read, Login, Rest;
    /// A ticket row with the form of its stop, as its assignee sees it (View permission,
    /// the assignee, or the creator).
    TicketLoad, TICKET_LOAD = "/rest/flowmanage/api/omdata/load/", Read, Login, Rest;
    /// A flow's app and flow names by its uuid.
    FlowNames, FLOW_NAMES = "/rest/flowmanage/api/flow-name/load/", Read, Login, Rest;
    /// A flow's start form design (View permission or `OmFormFlow_Manage`).
    StartForm, START_FORM = "/rest/flowmanage/api/form-design/load/", Read, Login, Rest;
    /// A flow's field names.
    FlowDisplay, FLOW_DISPLAY = "/rest/flowmanage/api/flow-display/get/", Read, FlowManage, Rest;
    /// A flow's design object.
    FlowObject, FLOW_OBJECT = "/rest/flowmanage/api/flow-object/load/", Read, Login, Rest;
    /// The list of flows.
    FlowActiveList, FLOW_ACTIVE_LIST = "/rest/flowmanage/api/flow-active/list/", Read, FlowManage, Rest;
    /// A flow's display fields.
    DisplayFields, DISPLAY_FIELDS = "/rest/flowmanage/api/flow-active-display-field/get/", Read, Login, Rest;
    /// Adds a work log entry (a comment) to a ticket: a superuser, a holder of
    /// `Omdata_<hex>_Modify`, or the row's assignee.
    WorklogCreate, WORKLOG_CREATE = "/rest/flowmanage/api/omdata-worklog/create/", Write, Login, Rest;
    /// A ticket's work log: View holders, the row's assignee and the ticket's creator.
    WorklogList, WORKLOG_LIST = "/rest/flowmanage/api/omdata-worklog/list/", Read, Login, Rest;
    /// A ticket's earlier rows, as a DataTables page (not an envelope): View holders, the
    /// row's assignee, or the flow-management permission.
    HistoryList, HISTORY_LIST = "/rest/flowmanage/api/omdata-history/list/", Read, Login, Rest;
    /// The active apps, as ids and names (flow-management permission).
    AppList, APP_LIST = "/rest/flowmanage/api/flow-active-app/list/", Read, FlowManage, Rest;
    /// Apps as the export file (flow-management permission).
    AppExport, APP_EXPORT = "/rest/flowmanage/api/flow-active-app/export/", Read, FlowManage, Rest;
    /// The groups (or roles): any logged-in user.
    GroupList, GROUP_LIST = "/rest/accounts/api/group/list/", Read, Login, Rest;
    /// The users of a group (an `h_group` field's user choice): any logged-in user.
    GroupUsers, GROUP_USERS = "/rest/announcement/api/send-group-user/search/", Read, Login, Rest;
}

impl Endpoint {
    /// The request path: the prefix, then for an endpoint with a parameter the parameter
    /// and `/`.
    ///
    /// # Errors
    /// [`PathParamError`] when a parameter is missing, given to an endpoint that takes
    /// none, empty, or holds a `/` (it must stay one path segment).
    pub fn path(self, param: Option<&str>) -> Result<String, PathParamError> {
        let fail = |problem| PathParamError {
            endpoint: self,
            problem,
        };
        match (self.param(), param) {
            (None, None) => Ok(self.prefix().to_string()),
            (None, Some(_)) => Err(fail("takes no path parameter")),
            (Some(_), None) => Err(fail("needs a path parameter")),
            (Some(_), Some("")) => Err(fail("path parameter is empty")),
            (Some(_), Some(p)) if p.contains(['/', '?', '#']) => {
                Err(fail("path parameter must be one path segment"))
            }
            (Some(_), Some(p)) => Ok(format!("{}{p}/", self.prefix())),
        }
    }

    /// The path under `/rest/` without the leading `/rest/` (`my-mission/api/...`), as
    /// the wrapper resolves it; `None` for an endpoint mounted elsewhere.
    #[must_use]
    pub fn rest_route(self) -> Option<&'static str> {
        self.prefix().strip_prefix("/rest/")
    }

    /// The endpoint a request path names, with its parameter (one non-empty segment).
    #[must_use]
    pub fn resolve(path: &str) -> Option<(Endpoint, Option<&str>)> {
        Endpoint::ALL.iter().find_map(|&endpoint| {
            let rest = path.strip_prefix(endpoint.prefix())?;
            match endpoint.param() {
                None => rest.is_empty().then_some((endpoint, None)),
                Some(_) => {
                    let param = rest.strip_suffix('/')?;
                    (!param.is_empty() && !param.contains('/')).then_some((endpoint, Some(param)))
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_resolves_from_its_own_path() {
        for &endpoint in Endpoint::ALL {
            let path = endpoint.path(endpoint.param().map(|_| "x")).unwrap();
            assert_eq!(
                Endpoint::resolve(&path),
                Some((endpoint, endpoint.param().map(|_| "x")))
            );
        }
    }

    #[test]
    fn prefixes_are_distinct_and_slashed() {
        for (i, a) in Endpoint::ALL.iter().enumerate() {
            assert!(
                a.prefix().starts_with('/') && a.prefix().ends_with('/'),
                "{a:?}"
            );
            for b in &Endpoint::ALL[i + 1..] {
                assert_ne!(a.prefix(), b.prefix());
            }
        }
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert!(Endpoint::MyMissions.path(Some("x")).is_err());
        assert!(Endpoint::TicketList.path(None).is_err());
        assert!(Endpoint::TicketList.path(Some("")).is_err());
        assert!(Endpoint::TicketList.path(Some("a?b")).is_err());
        assert_eq!(
            Endpoint::resolve("/rest/flowmanage/api/omdata/list//"),
            None
        );
        assert_eq!(
            Endpoint::resolve("/rest/flowmanage/api/omdata/list/a/b/"),
            None
        );
        assert_eq!(
            Endpoint::resolve("/rest/my-mission/api/my-mission/list/x"),
            None
        );
    }

    #[test]
    fn only_the_security_code_is_called_with_basic() {
        for &endpoint in Endpoint::ALL {
            assert_eq!(
                endpoint.mount() == Mount::Basic,
                endpoint == Endpoint::Security,
                "{endpoint:?}"
            );
            assert_eq!(
                endpoint.rest_route().is_some(),
                endpoint.mount() == Mount::Rest
            );
        }
    }
}
