//! Every answer the real server gave in the recordings is one the OpenAPI document allows:
//! its HTTP status is documented for the operation, and a JSON answer validates against
//! that status's schema (JSON Schema 2020-12, with the document's components). A document
//! generated from the SDK's types is thereby checked against the real server, not only
//! against the fake that schemathesis tries.

use anyhow::{bail, Context, Result};
use jsonschema::{Draft, Validator};
use omflow_model::{Endpoint, Mount};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// What the check saw.
#[derive(Debug, Default)]
pub struct Summary {
    /// Answers validated against a schema.
    pub validated: usize,
    /// Answers of a documented status without a JSON body (pages, redirects).
    pub status_only: usize,
    /// Recorded calls the document has no operation for (other paths or methods).
    pub not_in_document: usize,
    /// Validated answers per operation.
    pub per_operation: BTreeMap<String, usize>,
    /// Rows of unprojected list answers validated against the typed row schema (`Mission`,
    /// `TicketRow`), which the result's `anyOf` with projected rows would not single out.
    pub typed_rows: usize,
}

/// The typed row a list endpoint returns when the query projects nothing.
fn typed_row(endpoint: Endpoint) -> Option<&'static str> {
    match endpoint {
        Endpoint::MyMissions => Some("Mission"),
        Endpoint::TicketList => Some("TicketRow"),
        _ => None,
    }
}

fn compile(root: &Value, what: &str) -> Result<Validator> {
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .build(root)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("the schema of {what}"))
}

/// The document's path and method for a request path: an endpoint of the table, or one of
/// the two web paths (`omflow_model::web`).
fn documented(path: &str) -> Option<(String, &'static str)> {
    if let Some((endpoint, _)) = Endpoint::resolve(path) {
        let method = if endpoint.mount() == Mount::Basic {
            "get"
        } else {
            "post"
        };
        return Some((
            omflow_conformance::openapi::operation_path(endpoint),
            method,
        ));
    }
    if path == omflow_model::web::LOGIN {
        return Some((path.to_string(), "post"));
    }
    path.starts_with(omflow_model::web::DOWNLOAD_PREFIX)
        .then(|| {
            (
                format!("{}{{file}}", omflow_model::web::DOWNLOAD_PREFIX),
                "get",
            )
        })
}

/// Checks every recorded exchange (`request`/`response` objects as the recordings hold them)
/// against `document`.
///
/// # Errors
/// Naming up to ten exchanges whose answer the document does not allow, and how many there
/// are in all; or when a schema of the document does not compile.
pub fn check<'a>(
    document: &Value,
    exchanges: impl IntoIterator<Item = (&'a str, &'a Value)>,
) -> Result<Summary> {
    let mut validators: HashMap<(String, String), Validator> = HashMap::new();
    let mut rows: HashMap<&'static str, Validator> = HashMap::new();
    let mut summary = Summary::default();
    let mut failures = Vec::new();
    for (name, exchange) in exchanges {
        let request = &exchange["request"];
        let response = &exchange["response"];
        let Some(path) = request["path"].as_str() else {
            continue; // an out-of-band step
        };
        let path = path.split('?').next().unwrap_or(path);
        let method = request["method"]
            .as_str()
            .unwrap_or("")
            .to_ascii_lowercase();
        let Some((operation_path, documented_method)) = documented(path) else {
            summary.not_in_document += 1;
            continue;
        };
        if method != documented_method {
            summary.not_in_document += 1;
            continue;
        }
        let operation = &document["paths"][&operation_path][&method];
        let status = response["http_status"].to_string();
        let Some(answer) = operation["responses"].get(&status) else {
            failures.push(format!(
                "{name}: HTTP {status} is not documented for {method} {operation_path}"
            ));
            continue;
        };
        let body = &response["body"];
        let content_type = response["headers"]["content-type"].as_str().unwrap_or("");
        if body.is_null() || !content_type.starts_with("application/json") {
            summary.status_only += 1;
            continue;
        }
        let key = (operation_path.clone(), status.clone());
        if !validators.contains_key(&key) {
            let schema = &answer["content"]["application/json"]["schema"];
            let mut root = json!({"components": document["components"].clone()});
            for (k, v) in schema.as_object().into_iter().flatten() {
                root[k] = v.clone();
            }
            let validator = compile(&root, &format!("{operation_path} HTTP {status}"))?;
            validators.insert(key.clone(), validator);
        }
        let validator = &validators[&key];
        if let Some(error) = validator.iter_errors(body).next() {
            failures.push(format!(
                "{name}: {method} {operation_path} HTTP {status}: at {}: {error}",
                error.instance_path()
            ));
            continue;
        }
        // Django takes the columns from whatever iterates (a list, a dict's keys, a text's
        // characters): anything but nothing or an empty value projects.
        let projected = match &request["body"]["search_columns"] {
            Value::Null => false,
            Value::Array(columns) => !columns.is_empty(),
            Value::Object(columns) => !columns.is_empty(),
            Value::String(columns) => !columns.is_empty(),
            _ => true,
        };
        let row = Endpoint::resolve(path).and_then(|(endpoint, _)| typed_row(endpoint));
        if let (Some(row), false, true) = (row, projected, body["status"] == 200) {
            if !rows.contains_key(row) {
                let root = json!({
                    "components": document["components"].clone(),
                    "$ref": format!("#/components/schemas/{row}")
                });
                rows.insert(row, compile(&root, row)?);
            }
            let validator = &rows[row];
            for (index, item) in body["result"].as_array().into_iter().flatten().enumerate() {
                if let Some(error) = validator.iter_errors(item).next() {
                    failures.push(format!(
                        "{name}: result[{index}] is not a {row}: at {}: {error}",
                        error.instance_path()
                    ));
                } else {
                    summary.typed_rows += 1;
                }
            }
        }
        summary.validated += 1;
        *summary
            .per_operation
            .entry(format!("{method} {operation_path}"))
            .or_default() += 1;
    }
    if !failures.is_empty() {
        bail!(
            "{} recorded answers are outside crates/omflow-mock/openapi/omflow.json:\n  {}",
            failures.len(),
            failures
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n  ")
        );
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(status: Value) -> Value {
        json!({
            "request": {"method": "POST", "path": "/rest/my-mission/api/my-mission/list/"},
            "response": {
                "http_status": 200,
                "headers": {"content-type": "application/json"},
                "body": {"status": status, "message": "x", "result": null}
            }
        })
    }

    #[test]
    fn an_unprojected_row_is_checked_as_a_mission() {
        let document = omflow_conformance::openapi::document();
        let mut answer = exchange(json!(200));
        answer["response"]["body"]["result"] = json!([{"id": 1}]);
        let error = check(&document, [("row", &answer)])
            .unwrap_err()
            .to_string();
        assert!(error.contains("result[0] is not a Mission"), "{error}");
        answer["request"]["body"] = json!({"search_columns": ["id"]});
        let summary = check(&document, [("projected", &answer)]).unwrap();
        assert_eq!((summary.validated, summary.typed_rows), (1, 0));
    }

    #[test]
    fn an_answer_outside_the_document_is_named() {
        let document = omflow_conformance::openapi::document();
        let good = exchange(json!(404));
        let summary = check(&document, [("good", &good)]).unwrap();
        assert_eq!(summary.validated, 1);
        let bad = exchange(json!("not a status"));
        let error = check(&document, [("bad", &bad)]).unwrap_err().to_string();
        assert!(error.contains("bad: post /rest/my-mission"), "{error}");
        let mut redirect = exchange(json!(200));
        redirect["response"]["http_status"] = json!(302);
        let error = check(&document, [("redirect", &redirect)])
            .unwrap_err()
            .to_string();
        assert!(error.contains("HTTP 302 is not documented"), "{error}");
    }
}
