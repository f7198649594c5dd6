//! `flowmanage/api/omdata-history/list/` (`listOmDataHistoryAjax`): a ticket's earlier rows
//! as a DataTables page (a bare object, not an envelope). `manage` is read first, then the
//! View permission on row `data_id` (or the flow-management permission); the ticket's rows
//! kept as history and not closed are listed, searched by user or number, ordered by the
//! DataTables `order` over `columns`, and cut at `start`/`length`.

use super::ViewCall;
use crate::django::value::py_int_wide;
use crate::world::{text, Flag, Reply, StateColumns, World};
use omflow_model::MessageId;
use serde_json::{json, Map, Value};
use std::cmp::Ordering;

const MANAGE_COLUMNS: [&str; 9] = [
    "data_no",
    "history",
    "stop_uuid",
    "stop_chart_text",
    "error",
    "error_message",
    "createtime",
    "update_user",
    "id",
];
const ASSIGNEE_COLUMNS: [&str; 5] = ["level", "status", "updatetime", "update_user", "id"];

/// The page.
pub(super) fn view(world: &mut World, call: &ViewCall<'_>) -> Reply {
    let body = call.body;
    let manage = match py_int_wide(body.get("manage").unwrap_or(&json!(1))) {
        Ok(n) => n != 0,
        Err(message) => return Reply::fail(500, message),
    };
    let flow_uuid = body.get("flow_uuid").cloned().unwrap_or(json!(""));
    let data_id = body.get("data_id").cloned().unwrap_or(json!(""));
    let allowed =
        world.check_omdata_permission(call.caller, &flow_uuid, &Value::Null, &data_id, "_View")
            || world.is_manager(call.caller);
    if !allowed {
        return Reply::fail(403, text(MessageId::NoPermission, call.lang));
    }
    let Some(flow) = flow_uuid.as_str().and_then(|hex| world.flow_by_hex(hex)) else {
        return Reply::fail(404, text(MessageId::FlowNotFound, call.lang));
    };
    let columns: &[&str] = if manage {
        &MANAGE_COLUMNS
    } else {
        &ASSIGNEE_COLUMNS
    };
    let data_no = match body.get("data_no") {
        Some(value) if crate::world::truthy(value) => match py_int_wide(value) {
            Ok(n) => Some(n),
            Err(message) => return Reply::fail(500, message),
        },
        _ => None,
    };
    let mut rows: Vec<Map<String, Value>> = world.flows[flow]
        .rows
        .values()
        .filter(|row| match data_no {
            Some(n) => {
                row["data_no"].as_i64().map(i128::from) == Some(n)
                    && row.is(Flag::History, true)
                    && !row.is(Flag::Closed, true)
            }
            None => true,
        })
        .map(|row| shown(row, columns))
        .collect();
    let total = rows.len();
    let Some(order) = body.get("order").and_then(Value::as_array) else {
        return Reply::fail(500, "'NoneType' object is not iterable");
    };
    let search = body
        .get("search")
        .and_then(|s| s.get("value"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_lowercase();
    if !search.is_empty() {
        rows.retain(|row| {
            let user = row["update_user"].as_str().unwrap_or("").to_lowercase();
            let number = row.get("data_no").map(Value::to_string).unwrap_or_default();
            user.contains(&search) || number.contains(&search)
        });
    }
    let filtered = rows.len();
    if let Err(reply) = sort(&mut rows, order, body.get("columns")) {
        return reply;
    }
    let (start, length) = match page(body) {
        Ok(page) => page,
        Err(reply) => return reply,
    };
    let data: Vec<Value> = rows
        .into_iter()
        .skip(start)
        .take(length)
        .map(Value::Object)
        .collect();
    Reply::Bare {
        body: json!({
            "draw": body.get("draw").cloned().unwrap_or(json!(1)),
            "recordsTotal": total,
            "recordsFiltered": filtered,
            "recordsNum": data.len(),
            "data": data,
        }),
    }
}

/// A row as the page shows it: these columns, `update_user` by username.
fn shown(row: &Map<String, Value>, columns: &[&str]) -> Map<String, Value> {
    columns
        .iter()
        .map(|&column| {
            let value = match column {
                "update_user" => row.get("update_user_id").cloned().unwrap_or(Value::Null),
                other => row.get(other).cloned().unwrap_or(Value::Null),
            };
            (column.to_string(), value)
        })
        .collect()
}

/// Orders by each `order[]` item's column (`columns[i].data`), `asc` or `desc`.
fn sort(
    rows: &mut [Map<String, Value>],
    order: &[Value],
    columns: Option<&Value>,
) -> Result<(), Reply> {
    let mut keys = Vec::new();
    for item in order {
        let index = item["column"].as_u64().unwrap_or(0) as usize;
        let Some(column) = columns
            .and_then(|c| c.get(index))
            .and_then(|c| c["data"].as_str())
        else {
            return Err(Reply::fail(500, "list index out of range"));
        };
        match item["dir"].as_str() {
            Some("asc") => keys.push((column.to_string(), false)),
            Some("desc") => keys.push((column.to_string(), true)),
            _ => {}
        }
    }
    rows.sort_by(|a, b| {
        keys.iter()
            .fold(Ordering::Equal, |so_far, (column, descending)| {
                so_far.then_with(|| {
                    let ordering = compare(&a[column], &b[column]);
                    if *descending {
                        ordering.reverse()
                    } else {
                        ordering
                    }
                })
            })
    });
    Ok(())
}

fn compare(a: &Value, b: &Value) -> Ordering {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.to_string().cmp(&b.to_string()),
    }
}

/// `start` and `length` (`start + length` is computed first, so a text length fails).
fn page(body: &Map<String, Value>) -> Result<(usize, usize), Reply> {
    let start = body.get("start").and_then(Value::as_u64).unwrap_or(0);
    let length = match body.get("length") {
        None => 10,
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
        Some(_) => {
            return Err(Reply::fail(
                500,
                "unsupported operand type(s) for +: 'int' and 'str'",
            ))
        }
    };
    if length == 0 {
        return Err(Reply::fail(500, "division by zero"));
    }
    Ok((start as usize, length as usize))
}
