//! The wire form of a [`Query`]: serde, and the strict reading [`Query::from_wire`].

use super::{
    Column, Condition, ConditionSpec, Lookup, Op, Order, Predicate, Query, QueryError, Scalar,
    DEFAULT_PAGE_SIZE,
};
use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

impl Query {
    /// Checks a query read from its wire form (for queries kept in configuration).
    ///
    /// Strict where the server is silent: an unknown operator, a condition missing a key,
    /// `in` without a list, a condition list that is not a list, negative or non-integer
    /// `start`/`limit`, `limit <= start`, and unknown keys are all errors that name the
    /// offending place.
    ///
    /// # Errors
    /// A [`QueryError`] naming the offending place (see above).
    pub fn from_wire(value: &Value) -> Result<Query, QueryError> {
        let object = value.as_object().ok_or(QueryError::NotAnObject {
            place: "query".to_string(),
        })?;
        const KEYS: [&str; 6] = [
            "search_columns",
            "search_conditions",
            "exclude_conditions",
            "order_columns",
            "start",
            "limit",
        ];
        if let Some(key) = object.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(QueryError::UnknownKey { key: key.clone() });
        }
        let strings = |key: &'static str| -> Result<Vec<String>, QueryError> {
            match object.get(key) {
                None => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| {
                        item.as_str()
                            .map(str::to_string)
                            .ok_or(QueryError::NotAString {
                                place: format!("{key}[{index}]"),
                            })
                    })
                    .collect(),
                Some(_) => Err(QueryError::NotAList { key }),
            }
        };
        let columns = strings("search_columns")?
            .into_iter()
            .map(Column::new)
            .collect::<Result<Vec<_>, _>>()?;
        let mut order = Vec::new();
        for name in strings("order_columns")? {
            let (descending, column) = match name.strip_prefix('-') {
                Some(rest) => (true, rest.to_string()),
                None => (false, name),
            };
            order.push(Order {
                column: Column::new(column)?,
                descending,
            });
        }
        let filters = conditions_from_wire(object, "search_conditions")?;
        let excludes = conditions_from_wire(object, "exclude_conditions")?;
        let index = |key: &'static str, default: u64| -> Result<u64, QueryError> {
            match object.get(key) {
                None => Ok(default),
                Some(Value::Number(n)) => n.as_u64().ok_or(QueryError::InvalidPaging {
                    reason: format!("{key} must be a non-negative integer, got {n}"),
                }),
                Some(other) => Err(QueryError::InvalidPaging {
                    reason: format!("{key} must be a non-negative integer, got {other}"),
                }),
            }
        };
        let offset = index("start", 0)?;
        let limit = index("limit", DEFAULT_PAGE_SIZE)?;
        if limit <= offset {
            return Err(QueryError::InvalidPaging {
                reason: format!(
                    "limit is an end index and must be greater than start (start {offset}, limit {limit} selects no row)"
                ),
            });
        }
        Ok(Query {
            columns,
            filters,
            excludes,
            order,
            offset,
            page_size: limit - offset,
        })
    }
}

fn conditions_from_wire(
    object: &Map<String, Value>,
    key: &'static str,
) -> Result<Vec<Condition>, QueryError> {
    let items = match object.get(key) {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(QueryError::NotAList { key }),
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let place = format!("{key}[{index}]");
            let object = item.as_object().ok_or_else(|| QueryError::NotAnObject {
                place: place.clone(),
            })?;
            if let Some(extra) = object
                .keys()
                .find(|k| !["column", "condition", "value"].contains(&k.as_str()))
            {
                return Err(QueryError::UnknownKey {
                    key: format!("{place}.{extra}"),
                });
            }
            let get = |name: &'static str| {
                object.get(name).ok_or_else(|| QueryError::MissingKey {
                    place: place.clone(),
                    key: name,
                })
            };
            let column = get("column")?
                .as_str()
                .ok_or_else(|| QueryError::NotAString {
                    place: format!("{place}.column"),
                })?
                .to_string();
            let word = get("condition")?
                .as_str()
                .ok_or_else(|| QueryError::NotAString {
                    place: format!("{place}.condition"),
                })?;
            let op = Op::from_word(word).ok_or_else(|| QueryError::UnknownOperator {
                place: place.clone(),
                found: word.to_string(),
            })?;
            let value = get("value")?.clone();
            let (column, lookup) = match column.rsplit_once("__") {
                Some((path, suffix)) => match Lookup::from_suffix(suffix) {
                    Some(lookup) if op == Op::Eq => (path.to_string(), Some(lookup)),
                    Some(_) => {
                        return Err(QueryError::InvalidColumn {
                            column,
                            reason: "a lookup column with a condition other than '=' is a double lookup the server rejects",
                        })
                    }
                    None => (column, None),
                },
                None => (column, None),
            };
            let scalar = |value: Value| {
                Scalar::from_value(value).ok_or_else(|| QueryError::NotAScalar {
                    place: format!("{place}.value"),
                })
            };
            let predicate = match (op, lookup) {
                (_, Some(lookup)) => Predicate::Lookup(lookup, scalar(value)?),
                (op, None) => match op {
                Op::Eq => Predicate::Eq(scalar(value)?),
                Op::Gt => Predicate::Gt(scalar(value)?),
                Op::Lt => Predicate::Lt(scalar(value)?),
                Op::Contains => match value {
                    Value::String(text) => Predicate::Contains(text),
                    _ => {
                        return Err(QueryError::ContainsNeedsText {
                            place: format!("{place}.value"),
                        })
                    }
                },
                Op::In => match value {
                    Value::Array(items) => {
                        Predicate::In(items.into_iter().map(scalar).collect::<Result<_, _>>()?)
                    }
                    other => {
                        return Err(QueryError::InNeedsList {
                            place: format!("{place}.value"),
                            found: other.to_string(),
                        })
                    }
                },
                },
            };
            ConditionSpec { column, predicate }.check()
        })
        .collect()
}

impl Serialize for Query {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("search_columns", &self.columns)?;
        map.serialize_entry("search_conditions", &self.filters)?;
        map.serialize_entry("exclude_conditions", &self.excludes)?;
        let order: Vec<String> = self.order.iter().map(Order::wire).collect();
        map.serialize_entry("order_columns", &order)?;
        map.serialize_entry("limit", &self.limit())?;
        map.serialize_entry("start", &self.offset)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for Query {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Query::from_wire(&value).map_err(de::Error::custom)
    }
}
