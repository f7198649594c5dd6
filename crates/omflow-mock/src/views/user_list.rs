//! `accounts/api/user/list/` (`listUserAjax`): the user table through the query engine.

use super::{table_reply, ViewCall};
use crate::django::{self, ModelId, WorldTables};
use crate::world::{Reply, World};

/// Every user, as the query asks.
pub(super) fn view(world: &mut World, call: &ViewCall<'_>) -> Reply {
    let (body, lang) = (call.body, call.lang);
    let computed = django::Computed::default();
    let tables = WorldTables::new(world, &computed);
    let rows = tables.users().iter().collect();
    table_reply(&tables, ModelId::User, rows, body, lang)
}
