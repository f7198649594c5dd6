//! `my-mission/api/my-mission/list/` (`listMyMissionAjax`): the caller's open missions.

use super::{list_reply, Failure, ViewCall};
use crate::django::{self, ModelId, WorldTables};
use crate::world::{text, Reply, World};
use omflow_model::MessageId;
use serde_json::{Map, Value};

/// The caller's missions: the plain page from the id index, anything else through the
/// query engine.
pub(super) fn view(world: &mut World, call: &ViewCall<'_>) -> Reply {
    let (caller, body, lang) = (call.caller, call.body, call.lang);
    let Some(user) = world.user(&caller.username).cloned() else {
        return Reply::fail(500, "OmUser matching query does not exist.");
    };
    let no_rows = || {
        format!(
            "{}'NoneType' object has no attribute 'objects'",
            text(MessageId::QueryFailedPrefix, lang)
        )
    };
    // The SDK's plain page (no conditions, id order, whole rows) needs no query
    // engine: walk the id-ordered index of open missions from the right end.
    if let Some(page) = plain_page(body) {
        let visible = world
            .missions
            .open()
            .iter()
            .filter(|(_, visibility)| visibility.shows_to(user.id, &user.groups))
            .map(|(id, _)| *id);
        let ids: Vec<u64> = if page.descending {
            visible.rev().skip(page.start).take(page.len).collect()
        } else {
            visible.skip(page.start).take(page.len).collect()
        };
        if ids.is_empty() && !anything_visible(world, &user) {
            return Reply::fail(404, no_rows());
        }
        return Reply::Rendered {
            status: 200,
            message: text(MessageId::QuerySuccess, lang),
            result: world.missions.render(&ids),
        };
    }
    let shows = |id: &u64| {
        world
            .missions
            .open()
            .get(id)
            .is_some_and(|visibility| visibility.shows_to(user.id, &user.groups))
    };
    let visible: Vec<&Map<String, Value>> = match leading_ids(world, body) {
        // A leading exact `id`, `data_no` or `data_id` (the SDK's reads around a push)
        // passes only the missions it names: take those from the indexes.
        Some(ids) => ids
            .into_iter()
            .filter(|id| shows(id))
            .filter_map(|id| world.missions.get(id).map(|m| &**m))
            .collect(),
        // Both maps are ordered by id: walk them together instead of looking each up.
        None => {
            let mut all = world.missions.iter().peekable();
            world
                .missions
                .open()
                .iter()
                .filter(|(_, visibility)| visibility.shows_to(user.id, &user.groups))
                .filter_map(|(id, _)| {
                    while all.next_if(|(key, _)| *key < id).is_some() {}
                    all.next_if(|(key, _)| *key == id)
                        .map(|(_, mission)| &**mission)
                })
                .collect()
        }
    };
    // The server's empty-set failure is about every visible mission, not the indexed few.
    let none_visible = visible.is_empty() && !anything_visible(world, &user);
    let computed = django::Computed::default();
    let tables = WorldTables::new(world, &computed);
    let no_rows = no_rows();
    // The caller's missions are a filtered query set: its failure when empty is about every
    // visible mission (an index may have picked none of them).
    let source = django::Source::Filtered {
        when_empty: none_visible.then_some(no_rows.as_str()),
    };
    let listed = django::run(&tables, ModelId::Mission, visible, body, lang, source).map_err(|e| {
        if e == no_rows {
            Failure::Whole(e)
        } else {
            Failure::Query(e)
        }
    });
    // Whole rows are rendered from the per-mission text cache; projections are not.
    let whole_ids: Option<Vec<u64>> = listed.as_ref().ok().and_then(|rows| {
        rows.iter()
            .map(|row| match row {
                django::Row::Whole(m) => m.get("id").and_then(Value::as_u64),
                django::Row::Projected(_) => None,
            })
            .collect()
    });
    match whole_ids {
        Some(ids) => Reply::Rendered {
            status: 200,
            message: text(MessageId::QuerySuccess, lang),
            result: world.missions.render(&ids),
        },
        None => list_reply(listed, lang),
    }
}

/// Whether any open mission shows to `user` (the real server's empty-set failure is about
/// all of them).
fn anything_visible(world: &World, user: &crate::world::User) -> bool {
    world
        .missions
        .open()
        .values()
        .any(|visibility| visibility.shows_to(user.id, &user.groups))
}

/// The missions a list's first condition narrows it to, when that is an exact match of
/// `id`, `data_no` or `data_id` with an integer (the later conditions are ANDed, so no other
/// mission can pass), in id order.
fn leading_ids(world: &World, body: &Map<String, Value>) -> Option<Vec<u64>> {
    use super::ticket_list::{leading_exact, tests_a_regex};
    if tests_a_regex(body) {
        return None;
    }
    if let Some(id) = leading_exact(body, "id") {
        return Some(vec![id]);
    }
    if let Some(data_no) = leading_exact(body, "data_no") {
        return Some(world.missions.with_data_no(data_no).to_vec());
    }
    leading_exact(body, "data_id").map(|data_id| world.missions.with_data_id(data_id).to_vec())
}

/// A page request with nothing for the query engine to do: no conditions, order by id
/// (either way), whole rows, plain non-negative integer `start`/`limit` within SQLite's range.
pub(super) struct PlainPage {
    descending: bool,
    start: usize,
    len: usize,
}

pub(super) fn plain_page(body: &Map<String, Value>) -> Option<PlainPage> {
    let empty = |key: &str| match body.get(key) {
        None | Some(Value::Null) => true,
        Some(Value::Array(items)) => items.is_empty(),
        _ => false,
    };
    let whole_rows = match body.get("search_columns") {
        None => true,
        Some(Value::Array(items)) => items.is_empty(),
        _ => false,
    };
    if !(empty("search_conditions") && empty("exclude_conditions") && whole_rows) {
        return None;
    }
    let descending = match body.get("order_columns") {
        None | Some(Value::Null) => false,
        Some(Value::Array(items)) if items.is_empty() => false,
        Some(Value::Array(items)) if items.len() == 1 && items[0] == "id" => false,
        Some(Value::Array(items)) if items.len() == 1 && items[0] == "-id" => true,
        _ => return None,
    };
    let integer = |key: &str, default: u64| match body.get(key) {
        None => Some(default),
        Some(Value::Number(n)) => n.as_u64().filter(|v| i64::try_from(*v).is_ok()),
        _ => None,
    };
    let (start, limit) = (integer("start", 0)?, integer("limit", 100)?);
    Some(PlainPage {
        descending,
        start: usize::try_from(start).ok()?,
        len: usize::try_from(limit.saturating_sub(start)).ok()?,
    })
}
