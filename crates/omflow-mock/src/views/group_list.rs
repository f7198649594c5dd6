//! `accounts/api/group/list/` (`listGroupAjax`): the groups, or with `functional_flag`
//! `"True"` the roles; any logged-in user may read them.

use super::ViewCall;
use crate::world::{text, Reply, World};
use omflow_model::MessageId;
use serde_json::{json, Value};

/// Groups or roles, by id.
pub(super) fn view(world: &mut World, call: &ViewCall<'_>) -> Reply {
    let roles = matches!(
        call.body.get("functional_flag"),
        Some(Value::String(flag)) if flag == "True"
    ) || call.body.get("functional_flag") == Some(&Value::Bool(true));
    let mut groups: Vec<_> = world
        .groups
        .iter()
        .filter(|g| g.functional == roles)
        .collect();
    groups.sort_by_key(|g| g.id);
    let rows: Vec<Value> = groups
        .into_iter()
        .map(|g| {
            json!({
                "id": g.id,
                "group_uuid": g.group_uuid,
                "display_name": g.display_name,
                "parent_group": null,
                "description": g.description,
            })
        })
        .collect();
    Reply::ok(text(MessageId::ReadSuccess, call.lang), Value::Array(rows))
}
