//! `announcement/api/send-group-user/search/` (`searchGroupUserAjax`): the users an
//! `h_group` field offers once its group is chosen. Any logged-in user may read them.
//!
//! A truthy `searchkey` filters `groups__id = int(searchkey)` (a value `int()` refuses is
//! the view's 500 with Python's message); an empty or missing one lists every user. Either
//! way `system` (id 1) is left out, and the rows are ordered by nick name as SQLite orders
//! text (byte order: upper case before lower case).

use super::ViewCall;
use crate::django::value::py_int_wide;
use crate::world::{text, truthy, Reply, World};
use omflow_model::MessageId;
use serde_json::{json, Value};

/// The users of the group `searchkey` names, or every user.
pub(super) fn view(world: &mut World, call: &ViewCall<'_>) -> Reply {
    let key = call.body.get("searchkey").unwrap_or(&Value::Null);
    let group = if truthy(key) {
        match py_int_wide(key) {
            Ok(id) => Some(id),
            Err(message) => return Reply::fail(500, message),
        }
    } else {
        None
    };
    let mut users: Vec<_> = world
        .users
        .iter()
        .filter(|u| u.id != 1)
        .filter(|u| group.is_none_or(|g| u.groups.iter().any(|&id| i128::from(id) == g)))
        .collect();
    users.sort_by(|a, b| a.nick_name.as_bytes().cmp(b.nick_name.as_bytes()));
    let rows: Vec<Value> = users
        .into_iter()
        .map(|u| json!({"id": u.id, "username": u.username, "nick_name": u.nick_name}))
        .collect();
    Reply::ok(
        text(MessageId::RequestProcessed, call.lang),
        Value::Array(rows),
    )
}
