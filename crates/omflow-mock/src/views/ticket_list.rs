//! `flowmanage/api/omdata/list/<api_path>/` (`listOmDataAjax`): a flow's ticket rows.

use super::{table_reply, world_has_view, ViewCall};
use crate::django::{self, ModelId, WorldTables};
use crate::world::{text, Reply, World};
use omflow_model::MessageId;
use serde_json::{Map, Value};

/// A flow's rows for a caller with View permission.
pub(super) fn view(world: &mut World, call: &ViewCall<'_>) -> Reply {
    let (caller, param, body, lang) = (call.caller, call.param, call.body, call.lang);
    let Some(flow) = list_flow(world, param, body) else {
        return Reply::fail(404, text(MessageId::FlowNotFound, lang));
    };
    if !world_has_view(world, &caller.username, flow) {
        return Reply::fail(403, text(MessageId::NoPermission, lang));
    }
    let f = &world.flows[flow];
    let computed = django::Computed::default();
    let tables = WorldTables::new(world, &computed);
    // Filters are ANDed: a leading `id = N` selects at most one row, so look it up;
    // a leading `data_no = N` selects that ticket's rows, from their index.
    let shortcut = !tests_a_regex(body);
    let rows = match (
        leading_exact(body, "id").filter(|_| shortcut),
        leading_exact(body, "data_no").filter(|_| shortcut),
    ) {
        (Some(id), _) => f.rows.get(&id).into_iter().collect(),
        (None, Some(data_no)) => f.rows_of_ticket(data_no),
        (None, None) => f.rows.values().collect(),
    };
    table_reply(&tables, ModelId::Ticket(flow), rows, body, lang)
}

/// `listOmDataAjax`'s flow: body names, else body `flow_uuid` (32 hex), replaced by the
/// path's api_path unless the path parameter is `None`.
pub(super) fn list_flow(world: &World, param: &str, body: &Map<String, Value>) -> Option<usize> {
    if param != omflow_model::paths::EDIT_BY_UUID {
        return world.flow_index(param);
    }
    let text_of = |key: &str| body.get(key).and_then(Value::as_str).unwrap_or("");
    let flow = if !text_of("app_name").is_empty() && !text_of("flow_name").is_empty() {
        world.flow_by_name(text_of("app_name"), text_of("flow_name"))
    } else {
        world.flow_by_hex(text_of("flow_uuid"))
    };
    flow.filter(|&f| world.flows[f].def.deployed)
}

/// Whether a condition (kept or excluding) tests a `regex`: such a pattern that does not
/// compile fails the query once any listed row has a value to test, so those lists are
/// served by the full scan, never by an index that passes fewer rows.
pub(super) fn tests_a_regex(body: &Map<String, Value>) -> bool {
    ["search_conditions", "exclude_conditions"]
        .iter()
        .any(|key| {
            body.get(*key)
                .and_then(Value::as_array)
                .is_some_and(|conditions| {
                    conditions.iter().any(|condition| {
                        condition
                            .get("column")
                            .and_then(Value::as_str)
                            .is_some_and(|column| column.ends_with("regex"))
                    })
                })
        })
}

/// `Some(n)` when the first search condition is a well-formed exact match on `column` with
/// an integer value (a push's current-row read sends `id`, a wait for the engine `data_no`).
pub(super) fn leading_exact(body: &Map<String, Value>, column: &str) -> Option<u64> {
    let first = body
        .get("search_conditions")?
        .as_array()?
        .first()?
        .as_object()?;
    let word = first.get("condition")?.as_str()?;
    if first.get("column")? != column || matches!(word, "in" | "contains" | ">" | "<") {
        return None;
    }
    // Beyond SQLite's integers the query fails as a whole: leave that to the full path.
    first
        .get("value")?
        .as_u64()
        .filter(|&n| i64::try_from(n).is_ok())
}
