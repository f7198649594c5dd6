//! The fake's views: one per endpoint of the table, each in the file named after it where
//! it is the fake's own (the lists and the edit view), or a method of the world where the
//! world's state is all it needs. [`dispatch`] is the URL conf: an endpoint the table
//! declares and no view serves answers as an unknown `/rest/` URL, and a test checks that
//! every endpoint is served.

mod group_list;
mod group_users;
mod history_list;
mod my_missions;
mod ticket_edit;
mod ticket_list;
mod user_list;
mod worklog;

use crate::django::{self, ModelId, WorldTables};
use crate::files::UploadedFile;
use crate::pyjson::dumps;
use crate::world::{text, Caller, Reply, World};
use omflow_model::{Endpoint, Lang, MessageId};
use serde_json::{Map, Value};

/// What a view gets from the `/rest/` wrapper: the authenticated caller, the URL's path
/// parameter, the body (JSON, or a form's fields), uploaded files and the language.
pub(crate) struct ViewCall<'a> {
    /// Who called (the security code's user).
    pub caller: &'a Caller,
    /// The path parameter (`api_path`, or `None`), `""` when the endpoint takes none.
    pub param: &'a str,
    /// The request body.
    pub body: &'a Map<String, Value>,
    /// Files of a multipart body.
    pub files: &'a [UploadedFile],
    /// The body came as a form (multipart or urlencoded), which Django keeps immutable.
    pub is_form: bool,
    /// The answer's language.
    pub lang: Lang,
}

/// Runs the view of `endpoint`.
pub(crate) fn dispatch(world: &mut World, endpoint: Endpoint, call: &ViewCall<'_>) -> Reply {
    let (body, lang) = (call.body, call.lang);
    match endpoint {
        Endpoint::MyMissions => my_missions::view(world, call),
        Endpoint::TicketList => ticket_list::view(world, call),
        Endpoint::TicketEdit => ticket_edit::view(world, call),
        Endpoint::UserList => user_list::view(world, call),
        Endpoint::WorklogCreate => worklog::create(world, call),
        Endpoint::WorklogList => worklog::list(world, call),
        Endpoint::GroupList => group_list::view(world, call),
        Endpoint::GroupUsers => group_users::view(world, call),
        Endpoint::HistoryList => history_list::view(world, call),
        Endpoint::DataIdLookup => world.lookup_data_id(call.param, body, lang),
        Endpoint::FlowDisplay => world.flow_field_names(body, lang),
        Endpoint::FlowObject => world.flow_object(body, call.caller, lang),
        Endpoint::FlowActiveList => world.list_flows(body, lang),
        Endpoint::DisplayFields => world.display_fields(body, lang),
        Endpoint::ApiFormat => world.api_format(body, lang),
        Endpoint::TicketLoad => world.load_ticket(body, call.caller, lang),
        Endpoint::FlowNames => world.flow_names(body, lang),
        Endpoint::StartForm => world.start_form(body, call.caller, lang),
        Endpoint::FlowActiveUpdate => world.toggle_flow_flag(body, lang),
        Endpoint::GroupMembers => world.set_group_members(body, lang),
        Endpoint::UserAdd => world.add_user(body, lang),
        Endpoint::FileUpload => world.upload(body, call.files, call.caller, lang),
        Endpoint::FileList => world.list_files(body, call.caller, lang),
        Endpoint::AppList => world.list_apps(body, lang),
        Endpoint::AppExport => world.export_apps(body, lang),
        // Not mounted under `/rest/` (the security code), or added to the table after this
        // fake (a test checks every endpoint of the table is served).
        _ => Reply::fail(403, text(MessageId::RestUrlError, lang)),
    }
}

pub(super) fn world_has_view(world: &World, username: &str, flow: usize) -> bool {
    let Some(user) = world.user(username) else {
        return false;
    };
    if user.is_superuser {
        return true;
    }
    let codename = format!("Omdata_{}_View", world.flows[flow].def.flow_uuid);
    world
        .groups
        .iter()
        .any(|g| user.groups.contains(&g.id) && g.permissions.contains(&codename))
}

/// Why a list query failed: a query error (the server prefixes "query failed") or an
/// answer that is already whole.
pub(super) enum Failure {
    Query(String),
    Whole(String),
}

/// A list query over a whole table (`model.objects`), answered as the view answers.
pub(super) fn table_reply<'w>(
    tables: &WorldTables<'w>,
    model: ModelId,
    rows: Vec<&'w Map<String, Value>>,
    body: &Map<String, Value>,
    lang: Lang,
) -> Reply {
    let result = django::run(tables, model, rows, body, lang, django::Source::Table);
    list_reply(result.map_err(Failure::Query), lang)
}

pub(super) fn list_reply(result: Result<Vec<django::Row<'_>>, Failure>, lang: Lang) -> Reply {
    match result {
        Ok(rows) => Reply::Rendered {
            status: 200,
            message: text(MessageId::QuerySuccess, lang),
            result: dumps(&rows),
        },
        Err(Failure::Whole(message)) => Reply::fail(404, message),
        Err(Failure::Query(detail)) => Reply::fail(
            404,
            format!("{}{detail}", text(MessageId::QueryFailedPrefix, lang)),
        ),
    }
}
