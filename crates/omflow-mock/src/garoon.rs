//! Garoon workflow REST endpoints on the fake, under `/g/api/v1/workflow/` (read-only, as
//! Garoon's REST API is): the admin request list, a single request, a file, a form.

use crate::http::{HttpReply, Incoming};
use crate::world::World;
use omflow_garoon::model::StatusType;
use serde_json::{json, Map, Value};

/// The base a client points at for the fake's Garoon: `<fake uri>/g`.
pub const GAROON_BASE: &str = "/g";

fn error(status: u16, code: &str, message: &str, cause: &str) -> HttpReply {
    HttpReply::json(
        status,
        &json!({"error": {"errorCode": code, "message": message, "cause": cause, "counterMeasure": "Check the request and try again."}}),
    )
}

fn user_of(world: &World, request: &Incoming<'_>) -> Option<(String, bool)> {
    use base64::Engine as _;
    if let Some(value) = request
        .headers
        .get("x-cybozu-authorization")
        .and_then(|v| v.to_str().ok())
    {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(value.trim())
            .ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (login, password) = text.split_once(':')?;
        let user = world.users.iter().find(|u| {
            u.username == login && u.password.as_deref() == Some(password) && u.is_active
        })?;
        return Some((user.username.clone(), user.is_superuser));
    }
    let bearer = request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())?
        .strip_prefix("Bearer ")?;
    world
        .garoon
        .tokens
        .iter()
        .any(|t| t == bearer)
        .then(|| ("oauth".to_string(), true))
}

/// Answers a Garoon request; `path` is what follows `/g/api/v1/workflow/`.
pub(crate) fn handle(world: &World, request: &Incoming<'_>, path: &str) -> HttpReply {
    if request.method != "GET" {
        return error(
            405,
            "GRN_REST_API_00003",
            "This method is not allowed.",
            "Garoon's workflow REST API is read-only.",
        );
    }
    let Some((_, admin)) = user_of(world, request) else {
        return error(
            401,
            "GRN_CMMN_00105",
            "Login required.",
            "No valid X-Cybozu-Authorization or OAuth token.",
        );
    };
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let needs_admin = segments.first() == Some(&"admin");
    if needs_admin && !admin {
        return error(
            403,
            "GRN_WKFL_00001",
            "You do not have permission to perform this operation.",
            "The user is not a Workflow application administrator.",
        );
    }
    match segments.as_slice() {
        ["admin", "requests"] => list(world, request),
        ["requests", id] => match world.garoon.requests.iter().find(|r| r["id"] == *id) {
            Some(found) => HttpReply::json(200, found),
            None => error(
                404,
                "GRN_WKFL_00404",
                "The request does not exist.",
                &format!("No request with id {id}."),
            ),
        },
        ["admin", "files", id] => match world.garoon.files.iter().find(|f| f["id"] == *id) {
            Some(found) => HttpReply::json(200, found),
            None => error(
                404,
                "GRN_WKFL_00405",
                "The file does not exist.",
                &format!("No file with id {id}."),
            ),
        },
        ["admin", "forms", id] => match world.garoon.forms.iter().find(|f| f["id"] == *id) {
            Some(found) => HttpReply::json(200, &json!({"form": found})),
            None => error(
                404,
                "GRN_WKFL_00406",
                "The form does not exist.",
                &format!("No form with id {id}."),
            ),
        },
        _ => error(
            404,
            "GRN_REST_API_00001",
            "The requested API does not exist.",
            "",
        ),
    }
}

const FIELDS: [&str; 11] = omflow_garoon::model::SELECTABLE_FIELDS;

fn approved_at(request: &Value) -> Option<String> {
    let kind = request["status"]["type"].as_str()?;
    if kind != "APPROVED" && kind != "COMPLETED" {
        return None;
    }
    request["steps"]
        .as_object()?
        .values()
        .flat_map(|s| s["processors"].as_array().cloned().unwrap_or_default())
        .filter_map(|p| p["operatedAt"].as_str().map(str::to_string))
        .max()
}

/// An instant of the approval-range parameters.
type Instant = chrono::DateTime<chrono::FixedOffset>;

/// A request's query parameters, the last of a repeated name winning.
struct Params(Vec<(String, String)>);

impl Params {
    fn of(request: &Incoming<'_>) -> Params {
        Params(
            request
                .url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    /// An RFC 3339 instant; the parameter's name when it is not one.
    fn instant(&self, name: &'static str) -> Result<Option<Instant>, &'static str> {
        match self.get(name) {
            None => Ok(None),
            Some(text) => chrono::DateTime::parse_from_rfc3339(&text)
                .map(Some)
                .map_err(|_| name),
        }
    }
}

fn bad(name: &str, why: &str) -> HttpReply {
    error(
        400,
        "GRN_REST_API_00002",
        &format!("Invalid parameter: {name}."),
        why,
    )
}

/// The admin request list's query, read and checked.
struct ListQuery {
    limit: u64,
    offset: u64,
    descending: bool,
    fields: Option<Vec<String>>,
    statuses: Option<Vec<String>>,
    /// Approved strictly after.
    start: Option<Instant>,
    /// Approved strictly before.
    end: Option<Instant>,
    form: Option<String>,
}

impl ListQuery {
    /// Reads the parameters in this order, the first bad one answering 400: `limit`,
    /// `offset`, `orderBy`, `fields`, `status`, the approval range.
    fn parse(params: &Params) -> Result<ListQuery, HttpReply> {
        let limit = match params.get("limit").map(|v| v.parse::<u64>()) {
            None => 100,
            Some(Ok(n)) if (1..=1000).contains(&n) => n,
            _ => return Err(bad("limit", "limit must be an integer from 1 to 1000.")),
        };
        let offset = match params.get("offset").map(|v| v.parse::<u64>()) {
            None => 0,
            Some(Ok(n)) if n <= 2_147_483_647 => n,
            _ => {
                return Err(bad(
                    "offset",
                    "offset must be an integer from 0 to 2147483647.",
                ))
            }
        };
        let descending = match params.get("orderBy").as_deref() {
            None | Some("createdAt asc") => false,
            Some("createdAt desc") => true,
            Some(_) => {
                return Err(bad(
                    "orderBy",
                    "orderBy must be \"createdAt asc\" or \"createdAt desc\".",
                ))
            }
        };
        let fields = Self::fields_param(params)?;
        let statuses = Self::status_param(params)?;
        let (start, end) = Self::approved_range(params)?;
        Ok(ListQuery {
            limit,
            offset,
            descending,
            fields,
            statuses,
            start,
            end,
            form: params.get("form"),
        })
    }

    /// `fields`: names of `FIELDS`, comma-separated.
    fn fields_param(params: &Params) -> Result<Option<Vec<String>>, HttpReply> {
        let Some(list) = params.get("fields") else {
            return Ok(None);
        };
        let names: Vec<String> = list.split(',').map(str::to_string).collect();
        if let Some(unknown) = names.iter().find(|n| !FIELDS.contains(&n.as_str())) {
            return Err(bad("fields", &format!("{unknown:?} cannot be selected.")));
        }
        Ok(Some(names))
    }

    /// `status`: status tokens, comma-separated.
    fn status_param(params: &Params) -> Result<Option<Vec<String>>, HttpReply> {
        let Some(list) = params.get("status") else {
            return Ok(None);
        };
        let tokens: Vec<String> = list.split(',').map(str::to_string).collect();
        if let Some(unknown) = tokens.iter().find(|t| StatusType::from_token(t).is_none()) {
            return Err(bad("status", &format!("unknown status {unknown:?}.")));
        }
        Ok(Some(tokens))
    }

    /// `rangeStartApprovedAt` and `rangeEndApprovedAt` (the start's error first), the
    /// start earlier than the end.
    fn approved_range(params: &Params) -> Result<(Option<Instant>, Option<Instant>), HttpReply> {
        let (start, end) = match (
            params.instant("rangeStartApprovedAt"),
            params.instant("rangeEndApprovedAt"),
        ) {
            (Ok(s), Ok(e)) => (s, e),
            (Err(name), _) | (_, Err(name)) => {
                return Err(bad(name, "expected an RFC 3339 date and time."))
            }
        };
        if let (Some(s), Some(e)) = (start, end) {
            if s >= e {
                return Err(bad(
                    "rangeStartApprovedAt",
                    "the start must be earlier than the end.",
                ));
            }
        }
        Ok((start, end))
    }

    /// Whether a request passes the form, status and approval-range filters.
    fn matches(&self, r: &Value) -> bool {
        self.form.as_deref().is_none_or(|f| r["form"]["id"] == f)
            && self
                .statuses
                .as_ref()
                .is_none_or(|s| s.iter().any(|t| r["status"]["type"] == t.as_str()))
            && self.approved_in_range(r)
    }

    /// Without a range, any request; with one, a request approved strictly inside it.
    fn approved_in_range(&self, r: &Value) -> bool {
        if self.start.is_none() && self.end.is_none() {
            return true;
        }
        let Some(at) = approved_at(r).and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
        else {
            return false;
        };
        self.start.is_none_or(|s| at > s) && self.end.is_none_or(|e| at < e)
    }

    /// A request with only the selected fields (all of them without `fields`).
    fn project(&self, r: &Value) -> Value {
        match &self.fields {
            None => r.clone(),
            Some(names) => Value::Object(
                r.as_object()
                    .map(|o| {
                        o.iter()
                            .filter(|(k, _)| names.contains(k))
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect::<Map<_, _>>()
                    })
                    .unwrap_or_default(),
            ),
        }
    }
}

fn list(world: &World, request: &Incoming<'_>) -> HttpReply {
    let query = match ListQuery::parse(&Params::of(request)) {
        Ok(query) => query,
        Err(reply) => return reply,
    };
    let mut selected: Vec<&Value> = world
        .garoon
        .requests
        .iter()
        .filter(|r| query.matches(r))
        .collect();
    selected.sort_by(|a, b| a["createdAt"].as_str().cmp(&b["createdAt"].as_str()));
    if query.descending {
        selected.reverse();
    }
    let total = selected.len() as u64;
    let page: Vec<Value> = selected
        .into_iter()
        .skip(query.offset as usize)
        .take(query.limit as usize)
        .map(|r| query.project(r))
        .collect();
    HttpReply::json(
        200,
        &json!({"requests": page, "hasNext": query.offset + query.limit < total}),
    )
}
