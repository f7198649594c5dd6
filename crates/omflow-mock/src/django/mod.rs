//! The real server's list queries as Django 2.2 on SQLite runs them (`listQueryBuilder` in
//! `omflow/syscom/common.py` hands the request's column names to the ORM unchecked): relation
//! spans, lookups and transforms in column names, Django's errors in its order of
//! evaluation, its localized validation texts and SQLite's comparisons.
//!
//! - [`schema`]: the models, field by field;
//! - [`value`]: Python's texts of values, `get_prep_value`, SQLite values;
//! - [`lookup`]: lookups, transforms and their errors;
//! - [`query`]: the query itself.

mod lookup;
pub(crate) mod query;
pub(crate) mod schema;
pub(crate) mod value;

pub(crate) use query::{run, Row, Source, Tables};
pub(crate) use schema::ModelId;

use crate::world::World;
use serde_json::{json, Map, Value};
use std::cell::OnceCell;
use std::sync::{Arc, OnceLock};

/// The tables the world computes on demand for a query (users and groups are kept as
/// typed records, not rows).
#[derive(Default)]
pub(crate) struct Computed {
    users: OnceCell<Vec<Map<String, Value>>>,
    auth_groups: OnceCell<Vec<Map<String, Value>>>,
    om_groups: OnceCell<Vec<Map<String, Value>>>,
}

/// The world's tables as one query sees them.
pub(crate) struct WorldTables<'w> {
    pub world: &'w World,
    pub computed: &'w Computed,
}

impl<'w> WorldTables<'w> {
    pub fn new(world: &'w World, computed: &'w Computed) -> Self {
        WorldTables { world, computed }
    }

    fn hexes(&self) -> Vec<String> {
        self.world
            .flows
            .iter()
            .map(|f| f.def.flow_uuid.replace('-', ""))
            .collect()
    }

    /// The user table's rows, every column as `values()` returns them.
    pub fn users(&self) -> &'w [Map<String, Value>] {
        self.computed.users.get_or_init(|| {
            self.world
                .users
                .iter()
                .map(|u| {
                    // The form of `user/add` writes "" where the model has defaults.
                    let form = |empty: &str, default: Value| {
                        if u.via_api {
                            json!(empty)
                        } else {
                            default
                        }
                    };
                    let row = json!({
                        "id": u.id,
                        "password": "pbkdf2_sha256$150000$omflowmock$",
                        "last_login": null,
                        "is_superuser": u.is_superuser,
                        "username": u.username,
                        "first_name": "",
                        "last_name": "",
                        "is_staff": u.is_staff,
                        "is_active": u.is_active,
                        "date_joined": null,
                        "email": u.email,
                        "nick_name": u.nick_name,
                        "birthday": null,
                        "gender": form("", json!("male")),
                        "phone1": form("", Value::Null),
                        "phone2": form("", Value::Null),
                        "department": form("", Value::Null),
                        "company": form("", Value::Null),
                        "ad_flag": false,
                        "ad_sid": null,
                        "frequency": 5,
                        "updatetime": null,
                        "user_uuid": format!("00000000-0000-4000-8000-{:012x}", u.id),
                        "delete": false,
                        "default_group": null,
                        "substitute": "[]",
                    });
                    match row {
                        Value::Object(map) => map,
                        _ => Map::new(),
                    }
                })
                .collect()
        })
    }
}

impl<'w> Tables<'w> for WorldTables<'w> {
    fn model(&self, id: ModelId) -> Arc<schema::Model> {
        // The models that depend on nothing are built once per process.
        static MISSIONS: OnceLock<Arc<schema::Model>> = OnceLock::new();
        static AUTH_GROUPS: OnceLock<Arc<schema::Model>> = OnceLock::new();
        static OM_GROUPS: OnceLock<Arc<schema::Model>> = OnceLock::new();
        match id {
            ModelId::Mission => MISSIONS
                .get_or_init(|| Arc::new(schema::missions()))
                .clone(),
            ModelId::AuthGroup => AUTH_GROUPS
                .get_or_init(|| Arc::new(schema::auth_groups()))
                .clone(),
            ModelId::OmGroup => OM_GROUPS
                .get_or_init(|| Arc::new(schema::om_groups()))
                .clone(),
            ModelId::User => Arc::new(schema::users(&self.hexes())),
            ModelId::Ticket(flow) => Arc::new(schema::tickets(
                flow,
                self.world.flows.get(flow).map_or(0, |f| f.def.column_count),
            )),
        }
    }

    fn rows(&self, id: ModelId) -> Vec<&'w Map<String, Value>> {
        let world = self.world;
        match id {
            ModelId::Mission => world.missions.iter().map(|(_, m)| &**m).collect(),
            ModelId::Ticket(flow) => world
                .flows
                .get(flow)
                .map(|f| f.rows.values().collect())
                .unwrap_or_default(),
            ModelId::User => self.users().iter().collect(),
            ModelId::AuthGroup => self
                .computed
                .auth_groups
                .get_or_init(|| {
                    world
                        .groups
                        .iter()
                        .map(|g| object(json!({"id": g.id, "name": g.display_name})))
                        .collect()
                })
                .iter()
                .collect(),
            ModelId::OmGroup => self
                .computed
                .om_groups
                .get_or_init(|| {
                    world
                        .groups
                        .iter()
                        .map(|g| {
                            object(json!({
                                "id": g.id,
                                "name": g.display_name,
                                "group_ptr_id": g.id,
                                "parent_group_id": null,
                                "functional_flag": false,
                                "ad_flag": false,
                                "description": "",
                                "display_name": g.display_name,
                                "updatetime": null,
                                "group_uuid": format!("00000000-0000-4000-9000-{:012x}", g.id),
                            }))
                        })
                        .collect()
                })
                .iter()
                .collect(),
        }
    }

    fn groups_of(&self, user: &Map<String, Value>) -> Vec<u64> {
        let id = user.get("id").and_then(Value::as_u64);
        self.world
            .users
            .iter()
            .find(|u| Some(u.id) == id)
            .map(|u| u.groups.clone())
            .unwrap_or_default()
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
