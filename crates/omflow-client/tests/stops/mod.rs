//! What the tests of the fake's stops share: logins, seeds with flows of their own, fields,
//! the app files exported from a real server.

#![allow(dead_code)] // each test file uses its part

use omflow_client::Client;
use omflow_mock::{FakeOmflow, Seed};
use serde_json::{json, Value};

/// A client of `fake` logged in as `user`.
pub fn login(fake: &FakeOmflow, user: &str, password: &str) -> Client {
    Client::builder(fake.uri())
        .credentials(user, password)
        .build()
        .unwrap()
}

/// A field of a seed flow's merged form (not required, no options).
pub fn field(id: &str, kind: &str, title: &str) -> Value {
    json!({"id": id, "type": kind, "title": title, "options": [], "required": false})
}

/// `seed` with these flows (in the seed's JSON format) added.
pub fn with_flows(seed: Seed, flows: &[Value]) -> Seed {
    let mut seed = serde_json::to_value(seed).unwrap();
    seed["flows"]
        .as_array_mut()
        .unwrap()
        .extend(flows.iter().cloned());
    serde_json::from_value(seed).unwrap()
}

/// An app file exported from the real server (`fixtures/omflow-3/apps/NAME`).
pub fn export(name: &str) -> Value {
    let path = format!(
        "{}/../../fixtures/omflow-3/apps/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A field's stored text in a row (empty when unset).
pub fn field_of(row: &omflow_model::TicketRow, id: &str) -> String {
    row.field(&id.parse().unwrap())
        .unwrap_or_default()
        .to_string()
}
