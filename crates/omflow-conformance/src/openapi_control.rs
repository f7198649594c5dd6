//! The fake's control API (`/__mock/`, tag `control`) in the OpenAPI document: not the real
//! server's, so described here by hand, beside the endpoints generated from the table. The
//! schemathesis run leaves the tag out (it would reset and reseed the fake it tests).

use serde_json::{json, Map, Value};

fn ok(description: &str, schema: Value) -> Value {
    json!({"200": {"description": description, "content": {"application/json": {"schema": schema}}}})
}

fn with_error(mut responses: Value, status: &str, description: &str) -> Value {
    responses[status] = json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ControlError"}}}});
    responses
}

fn operation(id: &str, summary: &str, responses: Value) -> Value {
    json!({"operationId": id, "tags": ["control"], "summary": summary, "responses": responses})
}

fn with_body(mut op: Value, schema: Value) -> Value {
    op["requestBody"] =
        json!({"required": true, "content": {"application/json": {"schema": schema}}});
    op
}

fn with_params(mut op: Value, params: &[(&str, &str, bool)]) -> Value {
    op["parameters"] = params
        .iter()
        .map(|(name, place, required)| json!({"name": name, "in": place, "required": required, "schema": {"type": "string"}}))
        .collect();
    op
}

/// The control API's schemas: a fault, a received request, an error.
pub(crate) fn schemas(schemas: &mut Map<String, Value>) {
    let scope = json!({
        "endpoint": {"type": ["string", "null"], "description": "Only calls of this endpoint (an operationId of this document, `garoon.soap.<Action>`, `garoon.rest`, `web`, `other`)"},
        "user": {"type": ["string", "null"], "description": "Only calls by this user"},
        "times": {"type": ["integer", "null"], "minimum": 1, "description": "Only the next this many matching calls"}
    });
    let kind = |name: &str, description: &str, properties: Value, required: &[&str]| {
        let mut all = scope.clone();
        all["kind"] = json!({"const": name});
        for (key, value) in properties.as_object().into_iter().flatten() {
            all[key] = value.clone();
        }
        let mut required: Vec<&str> = required.to_vec();
        required.push("kind");
        json!({"type": "object", "description": description, "properties": all, "required": required})
    };
    schemas.insert(
        "Fault".into(),
        json!({"oneOf": [
            kind("delay", "Answer as usual, later", json!({"ms": {"type": "integer", "minimum": 0, "maximum": 600_000}}), &["ms"]),
            kind("http", "Answer this HTTP status and body instead; the view does not run", json!({"status": {"type": "integer", "minimum": 100, "maximum": 599}, "body": {"type": "string"}, "content_type": {"type": "string"}}), &["status"]),
            kind("envelope", "Answer HTTP 200 with this failure envelope instead; the view does not run", json!({"status": {"type": "integer", "minimum": 0, "maximum": 65535}, "message": {"type": "string"}}), &["status", "message"]),
            kind("reset", "Drop the connection, before the view runs or after (plain server only)", json!({"after": {"type": "boolean"}}), &[]),
        ]}),
    );
    schemas.insert(
        "ReceivedRequest".into(),
        json!({"type": "object", "properties": {
            "seq": {"type": "integer"}, "method": {"type": "string"}, "path": {"type": "string"},
            "endpoint": {"type": "string"}, "user": {"type": ["string", "null"]},
            "status": {"type": "integer", "description": "0 when a fault dropped the connection"},
            "fault": {"type": ["integer", "null"]}
        }, "required": ["seq", "method", "path", "endpoint", "status"]}),
    );
    schemas.insert(
        "ControlError".into(),
        json!({"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}),
    );
}

/// The control API's paths.
pub(crate) fn paths(paths: &mut Map<String, Value>) {
    let filter = [("endpoint", "query", false), ("user", "query", false)];
    let fault_ref = json!({"$ref": "#/components/schemas/Fault"});
    let names = json!({"type": "array", "items": {"type": "string"}});
    let object = json!({"type": "object"});
    paths.insert(
        "/__mock/requests".into(),
        json!({
            "get": with_params(operation("control.requests", "The requests received (the newest 10,000), filtered", ok("The requests, the exact count of matching ones, how many are kept", json!({"type": "object", "properties": {"requests": {"type": "array", "items": {"$ref": "#/components/schemas/ReceivedRequest"}}, "count": {"type": "integer"}, "kept_at_most": {"type": "integer"}}}))), &filter),
            "delete": operation("control.requests.clear", "Forget the requests received", ok("How many there were", json!({"type": "object", "properties": {"cleared": {"type": "integer"}}})))
        }),
    );
    paths.insert(
        "/__mock/requests/count".into(),
        json!({"get": with_params(operation("control.requests.count", "How many requests match", ok("The count", json!({"type": "object", "properties": {"count": {"type": "integer"}}}))), &filter)}),
    );
    paths.insert(
        "/__mock/faults".into(),
        json!({
            "post": with_body(operation("control.faults.add", "Put a fault in effect", json!({"201": {"description": "Its id", "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "integer"}}}}}}, "400": {"description": "A fault the fake cannot give", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ControlError"}}}}})), fault_ref.clone()),
            "get": operation("control.faults", "The faults in effect", ok("The faults, each with its id", json!({"type": "object", "properties": {"faults": {"type": "array", "items": fault_ref}}}))),
            "delete": operation("control.faults.clear", "End every fault", ok("How many there were", object.clone()))
        }),
    );
    paths.insert(
        "/__mock/faults/{id}".into(),
        json!({"delete": with_params(operation("control.faults.remove", "End one fault", with_error(ok("Removed", object.clone()), "404", "No such fault")), &[("id", "path", true)])}),
    );
    paths.insert(
        "/__mock/snapshots".into(),
        json!({"get": operation("control.snapshots", "The snapshots' names", ok("The names", json!({"type": "object", "properties": {"snapshots": names}})))}),
    );
    paths.insert(
        "/__mock/snapshots/{name}".into(),
        json!({
            "put": with_params(operation("control.snapshots.save", "Save the state under a name", ok("Saved", object.clone())), &[("name", "path", true)]),
            "delete": with_params(operation("control.snapshots.delete", "Forget a snapshot", with_error(ok("Deleted", object.clone()), "404", "No such snapshot")), &[("name", "path", true)])
        }),
    );
    paths.insert(
        "/__mock/snapshots/{name}/restore".into(),
        json!({"post": with_params(operation("control.snapshots.restore", "Bring back a saved state (the clock stays)", with_error(ok("Restored", object.clone()), "404", "No such snapshot")), &[("name", "path", true)])}),
    );
    paths.insert(
        "/__mock/clock/set".into(),
        json!({"post": with_body(operation("control.clock.set", "Set the fake's clock (server-local time)", with_error(ok("The time now", object.clone()), "400", "Not a time")), json!({"type": "object", "properties": {"now": {"type": "string", "examples": ["2025-06-01T09:00:00"]}}, "required": ["now"]}))}),
    );
    paths.insert(
        "/__mock/clock/advance".into(),
        json!({"post": with_body(operation("control.clock.advance", "Move the fake's clock forward", with_error(ok("The time now", object.clone()), "400", "Not a number of seconds")), json!({"type": "object", "properties": {"seconds": {"type": "number", "minimum": 0}}, "required": ["seconds"]}))}),
    );
    paths.insert(
        "/__mock/apps".into(),
        json!({"post": with_body(operation("control.apps", "Load the apps of an export file (what flow-active-app/export/ answers) into the running fake: their flows as deployed, the permissions they grant the seed's groups, kept by reset", with_error(ok("Loaded", object.clone()), "400", "Not an export, an unknown role, a taken api_path, stops the fake does not run, or a python stop it cannot run")), json!({"type": "array", "items": {"type": "object", "properties": {"app_name": {"type": "string"}, "flow_list": {"type": "array"}}}}))}),
    );
    paths.insert(
        "/__mock/seed".into(),
        json!({"post": with_body(operation("control.seed", "Replace the state with another seed's (and reset to it from then on)", with_error(ok("Loaded", object.clone()), "400", "No such built-in seed, or not a seed")), json!({"type": "object", "properties": {"name": {"enum": ["demo", "pristine"]}, "seed": {"type": "object"}}}))}),
    );
    paths.insert(
        "/__mock/engine/delay".into(),
        json!({"post": with_body(operation("control.engine.delay", "Delay the engine after each create and push (0: at once)", with_error(ok("The delay", object.clone()), "400", "Not a number of milliseconds")), json!({"type": "object", "properties": {"ms": {"type": "integer", "minimum": 0}}, "required": ["ms"]}))}),
    );
    paths.insert(
        "/__mock/users/{username}".into(),
        json!({"delete": with_params(operation("control.users.delete", "Remove a user", with_error(ok("Deleted", object.clone()), "404", "No such user")), &[("username", "path", true)])}),
    );
    paths.insert(
        "/__mock/state".into(),
        json!({"get": operation("control.state", "The whole state as JSON", ok("The state", object.clone()))}),
    );
    paths.insert(
        "/__mock/openapi.json".into(),
        json!({"get": operation("control.openapi", "This document", ok("The OpenAPI document", object.clone()))}),
    );
    for (path, id, summary) in [
        ("/__mock/reset", "control.reset", "Back to the seed"),
        (
            "/__mock/tokens/expire",
            "control.tokens.expire",
            "Every security code answers 'expired' on its next use",
        ),
    ] {
        paths.insert(
            path.into(),
            json!({"post": operation(id, summary, ok("Done", object.clone()))}),
        );
    }
}
