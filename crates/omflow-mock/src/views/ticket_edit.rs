//! `flowmanage/api/omdata/edit/<api_path>/` (`editOmDataAjax`): create, push (update),
//! quick action and delete.

use super::ViewCall;
use crate::world::{text, Reply, World};
use omflow_model::MessageId;
use serde_json::{Map, Value};

/// One edit by `action`.
pub(super) fn view(world: &mut World, call: &ViewCall<'_>) -> Reply {
    let (caller, param, body, files, is_form, lang) = (
        call.caller,
        call.param,
        call.body,
        call.files,
        call.is_form,
        call.lang,
    );
    let Some(flow) = (match edit_flow(world, param, body, is_form) {
        Ok(flow) => flow,
        Err(reply) => return reply,
    }) else {
        return Reply::fail(500, "'NoneType' object has no attribute 'api'");
    };
    if !world.flows[flow].def.api {
        return Reply::fail(404, text(MessageId::FlowApiDisabled, lang));
    }
    // `DataChecker(postdata, ['action'])`: the required action, then the format rules
    // of every key of the body.
    if let Some(reply) = crate::checker::check(body, &["action"], lang) {
        return reply;
    }
    let action = body
        .get("action")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    match action.as_str() {
        "create" => {
            let reply = world.create(
                flow,
                body.get("formdata").unwrap_or(&Value::Null),
                body.get("start_input"),
                caller,
                lang,
            );
            // Files of a multipart create (the `None` path) go on the first row.
            let created = match &reply {
                Reply::Envelope {
                    status: 200,
                    result,
                    ..
                } if !files.is_empty() => result.as_u64(),
                _ => None,
            };
            if let Some(data_no) = created {
                if let Some(first) = world.first_row_id(flow, data_no) {
                    let hex = Value::String(world.flows[flow].def.flow_uuid.clone());
                    let folder =
                        crate::files::Attachment::folder(&hex, &data_no.into(), &first.into());
                    world.store_files(flow, (data_no, first), &folder, files, &caller.username);
                }
            }
            reply
        }
        "update" => {
            // `postdata['flow_uuid']`: the flow's hex, or on the `None` path the
            // uuid as sent (the permission is named from it).
            let sent = match (param, body.get("flow_uuid")) {
                (omflow_model::paths::EDIT_BY_UUID, Some(uuid)) if !has_names(body) => uuid.clone(),
                _ => Value::String(world.flows[flow].def.flow_uuid.clone()),
            };
            world.update(flow, &sent, body, caller, lang)
        }
        "delete" => world.delete(flow, body.get("data_no"), caller, lang),
        _ => Reply::fail(404, text(MessageId::InvalidAction, lang)),
    }
}

/// Whether the body names its flow by application and flow name (both non-empty).
pub(super) fn has_names(body: &Map<String, Value>) -> bool {
    let text_of = |key: &str| body.get(key).and_then(Value::as_str).unwrap_or("");
    !text_of("app_name").is_empty() && !text_of("flow_name").is_empty()
}

/// §7.1 steps 2–4: which flow the edit endpoint works on. `Err` is the immutable-`QueryDict`
/// failure of a form body the server would write into; `Ok(None)` an unknown flow.
///
/// The path parameter `None` with a body `flow_uuid` (32 hex digits) is the one way a
/// multipart create reaches the engine (quirk 16).
pub(super) fn edit_flow(
    world: &World,
    param: &str,
    body: &Map<String, Value>,
    is_form: bool,
) -> Result<Option<usize>, Reply> {
    let text_of = |key: &str| body.get(key).and_then(Value::as_str);
    let names = text_of("app_name").zip(text_of("flow_name"));
    let named = body.contains_key("app_name") && body.contains_key("flow_name");
    if is_form && (param != "None" || named) {
        return Err(Reply::fail(500, "This QueryDict instance is immutable"));
    }
    if param != "None" {
        return Ok(world.flow_index(param));
    }
    let by_name = names.and_then(|(app, flow)| world.flow_by_name(app, flow));
    let hex = match by_name {
        Some(flow) => Some(world.flows[flow].def.flow_uuid.as_str()),
        None => text_of("flow_uuid"),
    };
    Ok(hex
        .and_then(|hex| world.flow_by_hex(hex))
        .filter(|&flow| world.flows[flow].def.deployed))
}
