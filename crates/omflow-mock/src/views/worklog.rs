//! `flowmanage/api/omdata-worklog/create/` and `.../list/` (`createOmDataWorkLogAjax`,
//! `listOmDataWorkLogAjax`): a ticket's work log. The permission is checked first, on the
//! row `data_id` (the ticket number is not passed to it), then the required `data_no`; a
//! flow named by app and flow name is refused, since the name search yields no text.

use super::ViewCall;
use crate::checker;
use crate::django::value::{py_int_wide, py_str};
use crate::world::{text, Reply, WorklogRow, World};
use omflow_model::MessageId;
use serde_json::{json, Value};

/// The flow the view reads: the body's `flow_uuid`, or nothing usable when a flow name is
/// given (the permission check then fails).
fn named_flow<'a>(call: &'a ViewCall<'_>) -> &'a Value {
    static NOT_TEXT: Value = Value::Null;
    static EMPTY: Value = Value::String(String::new());
    let flow_name = call.body.get("flow_name");
    if flow_name.is_some_and(crate::world::truthy) {
        return &NOT_TEXT;
    }
    call.body.get("flow_uuid").unwrap_or(&EMPTY)
}

/// The ticket number as the database takes it (`int()`), or the 500 it fails with.
fn ticket_number(call: &ViewCall<'_>) -> Result<i128, Reply> {
    let data_no = call.body.get("data_no").unwrap_or(&Value::Null);
    py_int_wide(data_no).map_err(|message| Reply::fail(500, message))
}

/// The permission on row `data_id` (the ticket number is not passed to it), then the
/// required `data_no` and its `int()`: the flow and the ticket number.
fn allowed_ticket<'a>(
    world: &World,
    call: &'a ViewCall<'_>,
    per_type: &str,
) -> Result<(&'a Value, i128), Reply> {
    let flow_uuid = named_flow(call);
    let data_id = call.body.get("data_id").cloned().unwrap_or(json!(""));
    if !world.check_omdata_permission(call.caller, flow_uuid, &Value::Null, &data_id, per_type) {
        return Err(Reply::fail(403, text(MessageId::NoPermission, call.lang)));
    }
    if let Some(reply) = checker::check(call.body, &["data_no"], call.lang) {
        return Err(reply);
    }
    Ok((flow_uuid, ticket_number(call)?))
}

/// Adds an entry: a superuser, a holder of the flow's Modify permission, or the row's
/// assignee.
pub(super) fn create(world: &mut World, call: &ViewCall<'_>) -> Reply {
    let (flow_uuid, data_no) = match allowed_ticket(world, call, "_Modify") {
        Ok(ticket) => ticket,
        Err(reply) => return reply,
    };
    let content = match call.body.get("content") {
        None => String::new(),
        Some(value) => py_str(value),
    };
    let createtime = world.stamp_micros();
    world.worklogs.push(WorklogRow {
        flow_uuid: flow_uuid.as_str().unwrap_or_default().to_string(),
        data_no,
        content,
        author: call.caller.username.clone(),
        createtime,
    });
    Reply::ok(text(MessageId::Created, call.lang), Value::Null)
}

/// The entries of ticket `data_no`, oldest first: View holders, the row's assignee and the
/// ticket's creator.
pub(super) fn list(world: &mut World, call: &ViewCall<'_>) -> Reply {
    let (flow_uuid, data_no) = match allowed_ticket(world, call, "_View") {
        Ok(ticket) => ticket,
        Err(reply) => return reply,
    };
    let flow = flow_uuid.as_str().unwrap_or_default();
    let rows: Vec<Value> = world
        .worklogs
        .iter()
        .filter(|w| w.flow_uuid == flow && w.data_no == data_no)
        .map(|w| {
            let author = world
                .user(&w.author)
                .map(|u| u.nick_name.clone())
                .unwrap_or_default();
            json!({
                "flow_uuid": w.flow_uuid,
                "create_user_id__nick_name": author,
                "content": w.content,
                "createtime": w.createtime,
            })
        })
        .collect();
    Reply::ok(
        text(MessageId::SearchSuccess, call.lang),
        Value::Array(rows),
    )
}
