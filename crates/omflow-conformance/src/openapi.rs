//! The OpenAPI 3.1 document of the REST API the SDK speaks and this fake serves: one
//! operation per entry of the [`Endpoint`] table, request bodies and results from the
//! model's types (their JSON Schemas, draft 2020-12), the envelope with its int-or-string
//! status, the failure envelope, and the pages Django answers instead of an envelope.
//!
//! `cargo xtask codegen` writes it to `crates/omflow-mock/openapi/omflow.json`; the fake serves it at
//! `GET /__mock/openapi.json`.
//!
//! ```
//! let document = omflow_conformance::openapi::document();
//! assert_eq!(document["openapi"], "3.1.0");
//! assert!(document["paths"]["/rest/my-mission/api/my-mission/list/"]["post"].is_object());
//! ```

use omflow_model::{
    ApiFormat, Endpoint, FlowNames, Mission, Mount, Operation, Permission, ProjectedRow, Query,
    TicketRow,
};
use schemars::generate::{Contract, SchemaSettings};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

/// How a request carries its data.
enum Body {
    /// `GET` with HTTP Basic, no body (the security endpoint).
    Basic,
    /// A JSON object with the `/rest/` fields added.
    Json(Schema),
    /// `multipart/form-data` with the `/rest/` fields as text parts.
    Multipart(Schema),
}

/// What one endpoint takes and what its success envelope's `result` holds.
struct Contract_ {
    summary: &'static str,
    body: Body,
    result: Schema,
}

fn body_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    T::json_schema(generator)
}

/// The operations the client sends to `endpoint`, in table order.
fn operations_of(endpoint: Endpoint) -> impl Iterator<Item = Operation> {
    Operation::ALL
        .iter()
        .copied()
        .filter(move |op| op.endpoint() == endpoint)
}

/// The request body of `endpoint` as the operations table declares it ([`omflow_model::Call`]):
/// one of the bodies when operations with different bodies share the endpoint.
fn declared_body(endpoint: Endpoint, g: &mut SchemaGenerator) -> Schema {
    let mut bodies: Vec<Schema> = Vec::new();
    for op in operations_of(endpoint) {
        let body = op.body_schema(g);
        if !bodies.contains(&body) {
            bodies.push(body);
        }
    }
    match bodies.len() {
        1 => bodies.remove(0),
        _ => json_schema!({"oneOf": bodies}),
    }
}

/// The success result of `endpoint` as the operations table declares it (every operation
/// of an endpoint answers the same type; a test holds that).
fn declared_result(endpoint: Endpoint, g: &mut SchemaGenerator) -> Schema {
    let mut answers = operations_of(endpoint).map(|op| op.answer_schema(g));
    answers.next().unwrap_or_else(|| json_schema!({}))
}

fn free_object(description: &str) -> Schema {
    json_schema!({"type": "object", "description": description})
}

fn list_of(item: Schema) -> Schema {
    json_schema!({"type": "array", "items": item})
}

/// The contract of each endpoint; `None` for one this document does not describe yet (a
/// test keeps that from happening).
fn contract(endpoint: Endpoint, g: &mut SchemaGenerator) -> Option<Contract_> {
    let projected = g.subschema_for::<ProjectedRow>();
    account_contract(endpoint, g)
        .or_else(|| ticket_contract(endpoint, g, &projected))
        .or_else(|| attachment_contract(endpoint, g))
        .or_else(|| flow_contract(endpoint, g))
        .or_else(|| desk_contract(endpoint, g))
}

/// A ticket's work log and the group list; `None` for other endpoints.
fn desk_contract(endpoint: Endpoint, g: &mut SchemaGenerator) -> Option<Contract_> {
    let contract = match endpoint {
        Endpoint::WorklogCreate => Contract_ {
            summary: "Add a work log entry (a comment) to a ticket (a superuser, Omdata_<hex>_Modify, or the row's assignee)",
            body: Body::Json(declared_body(Endpoint::WorklogCreate, g)),
            result: declared_result(Endpoint::WorklogCreate, g),
        },
        Endpoint::WorklogList => Contract_ {
            summary: "A ticket's work log, oldest first (View, the row's assignee, or the ticket's creator)",
            body: Body::Json(declared_body(Endpoint::WorklogList, g)),
            result: declared_result(Endpoint::WorklogList, g),
        },
        Endpoint::HistoryList => Contract_ {
            summary: "A ticket's earlier rows as a DataTables page, answered bare (not in an envelope) on success (View, the row's assignee, or the flow-management permission)",
            body: Body::Json(declared_body(Endpoint::HistoryList, g)),
            result: declared_result(Endpoint::HistoryList, g),
        },
        Endpoint::GroupUsers => Contract_ {
            summary: "The users of group `searchkey` (every user but system when it is empty), ordered by nick name; any logged-in user",
            body: Body::Json(declared_body(Endpoint::GroupUsers, g)),
            result: declared_result(Endpoint::GroupUsers, g),
        },
        Endpoint::GroupList => Contract_ {
            summary: "The groups (functional_flag \"False\") or roles (\"True\"); any logged-in user",
            body: Body::Json(declared_body(Endpoint::GroupList, g)),
            result: declared_result(Endpoint::GroupList, g),
        },
        _ => return None,
    };
    Some(contract)
}

/// The login, the user list and the user and group changes; `None` for other endpoints.
fn account_contract(endpoint: Endpoint, g: &mut SchemaGenerator) -> Option<Contract_> {
    let contract = match endpoint {
        Endpoint::Security => Contract_ {
            summary: "Obtain a security code (HTTP Basic; the trailing slash is required)",
            body: Body::Basic,
            result: declared_result(Endpoint::Security, g),
        },
        Endpoint::GroupMembers => Contract_ {
            summary: "Set a group's members",
            body: Body::Json(free_object("the group and its members")),
            result: json_schema!({}),
        },
        Endpoint::UserAdd => Contract_ {
            summary: "Add a user",
            body: Body::Json(free_object("the user's fields")),
            result: json_schema!({}),
        },
        Endpoint::UserList => Contract_ {
            summary: "The user list (the list query DSL over the user table; no permission check)",
            body: Body::Json(declared_body(Endpoint::UserList, g)),
            result: declared_result(Endpoint::UserList, g),
        },
        _ => return None,
    };
    Some(contract)
}

/// The mission and ticket lists, the ticket edits and the ticket reads; `None` for other
/// endpoints.
fn ticket_contract(
    endpoint: Endpoint,
    g: &mut SchemaGenerator,
    projected: &Schema,
) -> Option<Contract_> {
    let row_or_projection =
        |typed: Schema| -> Schema { list_of(json_schema!({"anyOf": [typed, projected.clone()]})) };
    let contract = match endpoint {
        Endpoint::MyMissions => Contract_ {
            summary: "List my missions (the list query DSL)",
            body: Body::Json(declared_body(Endpoint::MyMissions, g)),
            result: row_or_projection(g.subschema_for::<Mission>()),
        },
        Endpoint::TicketList => Contract_ {
            summary: "The query-form list of a flow (path `None`: the flow by `flow_uuid` in the body)",
            body: Body::Json(declared_body(Endpoint::TicketList, g)),
            result: row_or_projection(g.subschema_for::<TicketRow>()),
        },
        Endpoint::TicketEdit => Contract_ {
            summary: "Create, push, quick action or delete (by `action`; path `None`: the flow by `flow_uuid`)",
            body: Body::Json(declared_body(Endpoint::TicketEdit, g)),
            result: declared_result(Endpoint::TicketEdit, g),
        },
        Endpoint::DataIdLookup => Contract_ {
            summary: "The current data_id of a ticket",
            body: Body::Json(declared_body(Endpoint::DataIdLookup, g)),
            result: declared_result(Endpoint::DataIdLookup, g),
        },
        Endpoint::TicketLoad => Contract_ {
            summary: "A ticket row with the form of its stop (View permission, the assignee, or the creator)",
            body: Body::Json(declared_body(Endpoint::TicketLoad, g)),
            result: declared_result(Endpoint::TicketLoad, g),
        },
        _ => return None,
    };
    Some(contract)
}

/// A ticket's attachments: the upload and the list; `None` for other endpoints.
fn attachment_contract(endpoint: Endpoint, g: &mut SchemaGenerator) -> Option<Contract_> {
    let contract = match endpoint {
        Endpoint::FileUpload => Contract_ {
            summary:
                "Upload attachments to a ticket (always answers 200, even when nothing was stored)",
            body: Body::Multipart(declared_body(Endpoint::FileUpload, g)),
            result: declared_result(Endpoint::FileUpload, g),
        },
        Endpoint::FileList => Contract_ {
            summary: "A ticket's attachments, newest first",
            body: Body::Json(declared_body(Endpoint::FileList, g)),
            result: declared_result(Endpoint::FileList, g),
        },
        _ => return None,
    };
    Some(contract)
}

/// A flow's names, forms, fields and design, its API format, and the flow list and
/// switch; `None` for other endpoints.
fn flow_contract(endpoint: Endpoint, g: &mut SchemaGenerator) -> Option<Contract_> {
    let contract = match endpoint {
        Endpoint::ApiFormat => Contract_ {
            summary: "How a flow's API bodies look (flow-management permission)",
            body: Body::Json(declared_body(Endpoint::ApiFormat, g)),
            result: json_schema!({"anyOf": [
                g.subschema_for::<ApiFormat>(),
                {"type": "string", "description": "the flow's api_path (action `query`)"},
                {"type": "null", "description": "an unknown app or flow: the server's failure (`讀取失敗。`) keeps the success status"}
            ]}),
        },
        Endpoint::FlowActiveUpdate => Contract_ {
            summary: "Enable or disable a flow (flow-management permission)",
            body: Body::Json(free_object("`flow_uuid` and `is_active`")),
            result: json_schema!({}),
        },
        Endpoint::FlowNames => Contract_ {
            summary: "A flow's app and flow names by its uuid",
            body: Body::Json(declared_body(Endpoint::FlowNames, g)),
            result: json_schema!({"anyOf": [
                g.subschema_for::<FlowNames>(),
                {"type": "string", "description": "the bare app name, for a body naming an app (`a_app_id`, `w_app_id`)"}
            ]}),
        },
        Endpoint::StartForm => Contract_ {
            summary: "A flow's start form design (View permission or flow management)",
            body: Body::Json(declared_body(Endpoint::StartForm, g)),
            result: declared_result(Endpoint::StartForm, g),
        },
        Endpoint::FlowDisplay => Contract_ {
            summary: "A flow's field names (flow-management permission)",
            body: Body::Json(free_object("`flow_uuid`")),
            result: json_schema!({}),
        },
        Endpoint::FlowObject => Contract_ {
            summary: "A flow's design object (checked by the ticket's data_no)",
            body: Body::Json(declared_body(Endpoint::FlowObject, g)),
            result: declared_result(Endpoint::FlowObject, g),
        },
        Endpoint::FlowActiveList => Contract_ {
            summary: "The list of flows (flow-management permission)",
            body: Body::Json(body_of::<Query>(g)),
            result: json_schema!({}),
        },
        Endpoint::AppList => Contract_ {
            summary: "The active apps, by id and name (flow-management permission)",
            body: Body::Json(declared_body(Endpoint::AppList, g)),
            result: declared_result(Endpoint::AppList, g),
        },
        Endpoint::AppExport => Contract_ {
            summary: "Apps as their export file (flow-management permission)",
            body: Body::Json(declared_body(Endpoint::AppExport, g)),
            result: declared_result(Endpoint::AppExport, g),
        },
        Endpoint::DisplayFields => Contract_ {
            summary: "A flow's display fields",
            body: Body::Json(free_object("`flow_uuid`")),
            result: json_schema!({}),
        },
        _ => return None,
    };
    Some(contract)
}

/// Adds the fields every `/rest/` body carries to an object schema (to each alternative of
/// a `oneOf`).
fn with_rest_fields(schema: Schema, multipart: bool) -> Value {
    let mut value = schema.to_value();
    if let Some(Value::Array(variants)) = value.get_mut("oneOf") {
        for variant in variants {
            add_rest_fields(variant, multipart);
        }
    } else {
        add_rest_fields(&mut value, multipart);
    }
    value
}

fn add_rest_fields(schema: &mut Value, multipart: bool) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    object.insert("type".into(), json!("object"));
    let properties = object
        .entry("properties")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("properties is an object");
    let flag = if multipart {
        json!({"type": "string", "const": "1"})
    } else {
        json!({"const": 1})
    };
    properties.insert(
        "security".into(),
        json!({"$ref": "#/components/schemas/SecurityCode"}),
    );
    properties.insert("omflow_restapi".into(), flag);
    let required = object
        .entry("required")
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .expect("required is a list");
    for key in ["security", "omflow_restapi"] {
        if !required.iter().any(|r| r == key) {
            required.push(json!(key));
        }
    }
}

fn envelope_responses(result: Value, endpoint: Endpoint) -> Value {
    // The history list answers its DataTables page bare; its failures are envelopes.
    let success = if endpoint == Endpoint::HistoryList {
        result
    } else {
        json!({
            "type": "object",
            "properties": {
                "status": {"enum": [200, "200"]},
                "message": {"type": "string"},
                "result": result
            },
            "required": ["status", "message"]
        })
    };
    let mut responses = Map::new();
    responses.insert(
        "200".into(),
        json!({
            "description": "Every answer of the server's views is HTTP 200 with an envelope: `status` 200 with the result, or a failure envelope (403 refused, 404 failed, 500 an exception the view caught, its text in `message`).",
            "content": {"application/json": {"schema": {"anyOf": [
                success,
                {"$ref": "#/components/schemas/FailureEnvelope"}
            ]}}}
        }),
    );
    if endpoint.mount() == Mount::Rest {
        responses.insert(
            "400".into(),
            json!({
                "description": "Django's Bad Request page: the body is larger than Django accepts.",
                "content": {"text/html": {"schema": {"type": "string"}}}
            }),
        );
    }
    if endpoint.permission() == Permission::FlowManage {
        responses.insert(
            "302".into(),
            json!({
                "description": "The caller lacks the flow-management permission: a redirect to the permission-denied page; the view does not run.",
                "headers": {"Location": {"schema": {"type": "string"}}}
            }),
        );
    }
    Value::Object(responses)
}

/// An endpoint's path in the document: its parameter, if any, as `{api_path}`.
#[must_use]
pub fn operation_path(endpoint: Endpoint) -> String {
    match endpoint.param() {
        Some(param) => format!("{}{{{param}}}/", endpoint.prefix()),
        None => endpoint.prefix().to_string(),
    }
}

fn operation(endpoint: Endpoint, contract: Contract_) -> (String, Value) {
    let path = operation_path(endpoint);
    let mut op = Map::new();
    op.insert("operationId".into(), json!(endpoint.name()));
    op.insert("summary".into(), json!(contract.summary));
    if let Some(param) = endpoint.param() {
        op.insert(
            "parameters".into(),
            json!([{
                "name": param,
                "in": "path",
                "required": true,
                "description": "One path segment; `None` on the list and edit endpoints names the flow by the body's `flow_uuid`.",
                "schema": {"type": "string", "pattern": "^[^/?#]+$"}
            }]),
        );
    }
    let method = match contract.body {
        Body::Basic => {
            op.insert("security".into(), json!([{"basic": []}]));
            "get"
        }
        Body::Json(schema) => {
            op.insert(
                "requestBody".into(),
                json!({"required": true, "content": {"application/json": {"schema": with_rest_fields(schema, false)}}}),
            );
            "post"
        }
        Body::Multipart(schema) => {
            op.insert(
                "requestBody".into(),
                json!({"required": true, "content": {"multipart/form-data": {"schema": with_rest_fields(schema, true)}}}),
            );
            "post"
        }
    };
    op.insert(
        "responses".into(),
        envelope_responses(contract.result.to_value(), endpoint),
    );
    (path, json!({ method: op }))
}

fn generator() -> SchemaGenerator {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    // The document says what a client reads: the types' `Deserialize` side.
    settings.contract = Contract::Deserialize;
    settings.meta_schema = None;
    settings.into_generator()
}

/// The two web-UI paths of an attachment download (`omflow_model::web`): not `/rest/`
/// endpoints, so described here rather than from the endpoint table.
fn web_paths(paths: &mut Map<String, Value>) {
    paths.insert(
        omflow_model::web::LOGIN.into(),
        json!({"post": {
            "operationId": "web.login",
            "summary": "A web session (HTTP Basic): the answer sets a `sessionid` cookie that lives 130 s",
            "security": [{"basic": []}],
            "responses": {
                "200": {
                    "description": "Logged in (`登入成功。`), or a failure envelope",
                    "headers": {"Set-Cookie": {"schema": {"type": "string"}, "description": "sessionid=<random>; HttpOnly; Max-Age=130; Path=/; SameSite=Lax"}},
                    "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {}, "message": {"type": "string"}, "result": {}}, "required": ["status", "message"]}}}
                }
            }
        }}),
    );
    paths.insert(
        format!("{}{{file}}", omflow_model::web::DOWNLOAD_PREFIX),
        json!({"get": {
            "operationId": "web.download",
            "summary": "An attachment's bytes, by the `file` the attachment list gives, with the web session's cookie",
            "description": "The real server checks no permission here (any logged-in session downloads any ticket's file) and joins `file` to its media root unchecked (`../LICENSE` is served): tell your administrators. The fake differs on purpose: it serves only the attachments it stores. Another method than GET is refused by Django's CSRF check (403, HTML).",
            "parameters": [{"name": "file", "in": "path", "required": true, "schema": {"type": "string"}, "description": "omformflow/<flow hex>/<data_no>/<data_id>/<name> (may hold slashes)"}],
            "responses": {
                "200": {"description": "The file", "content": {"application/octet-stream": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}}}},
                "302": {"description": "No web session: to the login page", "headers": {"Location": {"schema": {"type": "string"}}}},
                "403": {"description": "Not GET: Django's CSRF refusal", "content": {"text/html": {"schema": {"type": "string"}}}},
                "500": {"description": "No such file: Django's error page", "content": {"text/html": {"schema": {"type": "string"}}}}
            }
        }}),
    );
}

/// The whole document.
#[must_use]
pub fn document() -> Value {
    let mut g = generator();
    let mut paths = Map::new();
    for &endpoint in Endpoint::ALL {
        if let Some(contract) = contract(endpoint, &mut g) {
            let (path, item) = operation(endpoint, contract);
            paths.insert(path, item);
        }
    }
    web_paths(&mut paths);
    crate::openapi_control::paths(&mut paths);
    g.subschema_for::<omflow_model::SecurityCode>();
    g.subschema_for::<omflow_model::StatusCode>();
    let mut schemas = g.take_definitions(true);
    schemas.insert(
        "FailureEnvelope".into(),
        json!({
            "type": "object",
            "description": "A failure: `status` is not 200; `message` is localized (Accept-Language), possibly followed by the exception text; `result` is usually null.",
            "properties": {
                "status": {"allOf": [
                    {"$ref": "#/components/schemas/StatusCode"},
                    {"not": {"enum": [200, "200"]}}
                ]},
                "message": {"type": "string"},
                "result": {}
            },
            "required": ["status", "message"]
        }),
    );
    crate::openapi_control::schemas(&mut schemas);
    schemas.sort_keys();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "OMFLOW REST API",
            "version": env!("CARGO_PKG_VERSION"),
            "x-generated-by": "cargo xtask codegen (omflow_conformance::openapi); do not edit",
            "description": "The endpoints omflow-rs speaks and its fake serves, as the real OMFLOW server answers them. Every `/rest/` body is a JSON object with `omflow_restapi: 1` and the caller's `security` code."
        },
        "tags": [{"name": "control", "description": "The fake's own control API (omflow-mock), not the real server's: request log, faults, snapshots, clock, seed"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"basic": {"type": "http", "scheme": "basic"}}
        }
    })
}

/// The document as the pretty JSON text `crates/omflow-mock/openapi/omflow.json` holds.
#[must_use]
pub fn document_text() -> String {
    let mut text = serde_json::to_string_pretty(&document()).expect("a JSON value serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_has_an_operation() {
        let document = document();
        for &endpoint in Endpoint::ALL {
            assert!(
                contract(endpoint, &mut generator()).is_some(),
                "{endpoint:?} has no contract"
            );
            let path = operation_path(endpoint);
            assert!(document["paths"][&path].is_object(), "{path} missing");
        }
    }

    /// `schema` without the fields every `/rest/` body carries (what `add_rest_fields` adds),
    /// as an object schema: what the operations table declared.
    fn without_rest_fields(schema: &Value) -> Value {
        let mut schema = schema.clone();
        if let Some(object) = schema.as_object_mut() {
            object.insert("type".into(), json!("object"));
            if let Some(Value::Object(properties)) = object.get_mut("properties") {
                properties.remove("security");
                properties.remove("omflow_restapi");
            }
            if let Some(Value::Array(required)) = object.get_mut("required") {
                required.retain(|key| key != "security" && key != "omflow_restapi");
                if required.is_empty() {
                    object.remove("required");
                }
            }
        }
        schema
    }

    /// Whether `needle` is `haystack` or any value inside it.
    fn includes(haystack: &Value, needle: &Value) -> bool {
        haystack == needle
            || match haystack {
                Value::Array(items) => items.iter().any(|item| includes(item, needle)),
                Value::Object(map) => map.values().any(|item| includes(item, needle)),
                _ => false,
            }
    }

    /// The document's body of every operation is the type the operations table declares
    /// (one of the alternatives where operations share an endpoint), and its success answer
    /// includes the declared answer type (a list the server widens to projected rows: its
    /// rows' type), so a type changed in the table changes the document or fails here.
    #[test]
    fn the_document_takes_bodies_and_results_from_the_operations_table() {
        let document = document();
        for op in Operation::ALL.iter().copied() {
            let endpoint = op.endpoint();
            let path = operation_path(endpoint);
            let method = if endpoint.mount() == Mount::Basic {
                "get"
            } else {
                "post"
            };
            let operation = &document["paths"][&path][method];
            assert!(operation.is_object(), "{op}: no {method} {path}");
            let answer = op.answer_schema(&mut generator()).to_value();
            let success = &operation["responses"]["200"];
            // The declared type itself, or (a list, an optional answer the server widens)
            // its rows' type, or each of its alternatives.
            let alternatives = answer["anyOf"].as_array().cloned().unwrap_or_default();
            assert!(
                includes(success, &answer)
                    || includes(success, &answer["items"])
                    || (!alternatives.is_empty()
                        && alternatives.iter().all(|one| {
                            includes(success, one) || one == &json!({"type": "null"})
                        })),
                "{op}: the success answer of {path} does not include the declared {answer}"
            );
            if endpoint.mount() == Mount::Basic {
                continue;
            }
            let content = &operation["requestBody"]["content"];
            let body = match &content["application/json"]["schema"] {
                Value::Null => &content["multipart/form-data"]["schema"],
                json => json,
            };
            let alternatives: Vec<Value> = match body["oneOf"].as_array() {
                Some(variants) => variants.iter().map(without_rest_fields).collect(),
                None => vec![without_rest_fields(body)],
            };
            let declared = without_rest_fields(&op.body_schema(&mut generator()).to_value());
            assert!(
                alternatives.contains(&declared),
                "{op}: the document's body of {path} is not the declared {declared}; it has {alternatives:?}"
            );
        }
    }

    #[test]
    fn every_reference_resolves() {
        let document = document();
        let schemas = document["components"]["schemas"].as_object().unwrap();
        let text = document.to_string();
        for reference in text.split("\"$ref\":\"").skip(1) {
            let target = reference.split('"').next().unwrap();
            let name = target
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("reference {target} outside components"));
            assert!(schemas.contains_key(name), "{name} is not defined");
        }
    }

    #[test]
    fn rest_bodies_carry_the_code_and_flag() {
        let document = document();
        let body = &document["paths"]["/rest/flowmanage/api/omdata/edit/{api_path}/"]["post"]
            ["requestBody"]["content"]["application/json"]["schema"];
        let variants = body["oneOf"].as_array().unwrap();
        assert_eq!(variants.len(), 4);
        for variant in variants {
            let required = variant["required"].as_array().unwrap();
            assert!(required.contains(&json!("security")), "{variant}");
            assert!(required.contains(&json!("omflow_restapi")), "{variant}");
        }
        let security = &document["paths"]["/accounts/api/security/get/"]["get"];
        assert_eq!(security["security"], json!([{"basic": []}]));
    }
}
