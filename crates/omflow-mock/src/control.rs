//! Steering a running fake: [`Control`] in a test, the same calls over HTTP under `/__mock/`
//! for the standalone fake (one implementation: the HTTP API calls [`Control`]).
//!
//! | call | HTTP |
//! |---|---|
//! | [`Control::requests`], [`Control::request_count`], [`Control::clear_requests`] | `GET /__mock/requests?endpoint=E&user=U`, `GET /__mock/requests/count?...`, `DELETE /__mock/requests` |
//! | [`Control::add_fault`], [`Control::faults`], [`Control::remove_fault`], [`Control::clear_faults`] | `POST /__mock/faults` (a [`Fault`] as JSON), `GET /__mock/faults`, `DELETE /__mock/faults/{id}`, `DELETE /__mock/faults` |
//! | [`Control::save_snapshot`], [`Control::restore_snapshot`], [`Control::snapshots`], [`Control::delete_snapshot`] | `PUT /__mock/snapshots/{name}`, `POST /__mock/snapshots/{name}/restore`, `GET /__mock/snapshots`, `DELETE /__mock/snapshots/{name}` |
//! | [`Control::set_clock`], [`Control::advance_clock`] | `POST /__mock/clock/set {"now": "2025-06-01T09:00:00"}`, `POST /__mock/clock/advance {"seconds": N}` |
//! | [`Control::load_app`] | `POST /__mock/apps` with an app export file as the body |
//! | [`Control::load_seed`], [`Control::reset`] | `POST /__mock/seed {"name": "demo"}` or `{"seed": {...}}`, `POST /__mock/reset` |
//!
//! Besides: `POST /__mock/tokens/expire`, `POST /__mock/engine/delay {"ms": N}`,
//! `GET /__mock/state`, `GET /__mock/openapi.json`, `DELETE /__mock/users/{username}`.

use crate::http::{HttpReply, Incoming, Shared};
use crate::seed::{Seed, SeedError};
use crate::steer::{ActiveFault, Fault, FaultError, ReceivedRequest, RequestFilter};
use crate::world::World;
use serde_json::{json, Value};
use std::sync::Arc;

/// A handle to steer a running fake (from [`crate::FakeOmflow::control`] or
/// [`crate::StandaloneFake::control`]): its request log, faults, snapshots, clock and seed.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use omflow_mock::{FakeOmflow, Fault, FaultAction, RequestFilter, Seed};
/// let fake = FakeOmflow::builder().seed(Seed::demo()).record_requests(false).start().await.unwrap();
/// let control = fake.control();
/// // The next push by alice loses its answer after the fake has applied it.
/// let id = control
///     .add_fault(Fault::new(FaultAction::Reset { after: true }).endpoint("TicketEdit").user("alice").times(1))
///     .unwrap();
/// assert_eq!(control.faults()[0].id, id);
/// control.save_snapshot("before");
/// assert_eq!(control.request_count(&RequestFilter::all().user("alice")), 0);
/// assert!(control.restore_snapshot("before").is_ok());
/// assert!(control.restore_snapshot("nosuch").is_err());
/// # }
/// ```
#[derive(Clone)]
pub struct Control {
    shared: Arc<Shared>,
}

/// A snapshot name the fake does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no snapshot named {0:?} (saved: {1})")]
pub struct UnknownSnapshot(pub String, pub String);

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control").finish_non_exhaustive()
    }
}

// The clearing and removing calls are made for their effect; what they return is extra.
#[allow(clippy::must_use_candidate)]
impl Control {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Control { shared }
    }

    /// The requests received that `filter` matches, oldest first (the newest
    /// [`crate::REQUEST_LOG_LIMIT`] are kept).
    #[must_use]
    pub fn requests(&self, filter: &RequestFilter) -> Vec<ReceivedRequest> {
        self.shared.steering.requests(filter)
    }

    /// How many requests `filter` matches, since the start or the last clear (exact, however
    /// many were received).
    #[must_use]
    pub fn request_count(&self, filter: &RequestFilter) -> u64 {
        self.shared.steering.count(filter)
    }

    /// Forgets the requests received; returns how many there were.
    pub fn clear_requests(&self) -> u64 {
        self.shared.steering.clear_requests()
    }

    /// Puts `fault` in effect; returns its id.
    ///
    /// # Errors
    /// [`FaultError`] for a fault the fake cannot give (a connection reset under wiremock, an
    /// HTTP status outside 100..=599, `times` 0, a delay over ten minutes).
    pub fn add_fault(&self, fault: Fault) -> Result<u64, FaultError> {
        if let Some(user) = &fault.user {
            if !self.shared.lock().users.iter().any(|u| &u.username == user) {
                return Err(FaultError(format!(
                    "no user {user:?} in the fake (add the user first, or leave user out)"
                )));
            }
        }
        self.shared.steering.add_fault(fault)
    }

    /// The faults in effect, in the order they apply.
    #[must_use]
    pub fn faults(&self) -> Vec<ActiveFault> {
        self.shared.steering.faults()
    }

    /// Ends fault `id`; `false` when there is none (it may have run out).
    pub fn remove_fault(&self, id: u64) -> bool {
        self.shared.steering.remove_fault(id)
    }

    /// Ends every fault; returns how many there were.
    pub fn clear_faults(&self) -> usize {
        self.shared.steering.clear_faults()
    }

    /// Saves the state (users, flows, tickets, missions, codes, files, Garoon) as `name`,
    /// replacing a snapshot of that name.
    pub fn save_snapshot(&self, name: &str) {
        let world = self.shared.lock().clone();
        crate::steer::locked(&self.shared.snapshots).insert(name.to_string(), world);
    }

    /// Brings back the state saved as `name`. The clock, the engine delay and the security
    /// codes' lifetime stay as they are now (time does not go back).
    ///
    /// # Errors
    /// [`UnknownSnapshot`] naming the snapshots there are.
    pub fn restore_snapshot(&self, name: &str) -> Result<(), UnknownSnapshot> {
        let snapshots = crate::steer::locked(&self.shared.snapshots);
        let Some(saved) = snapshots.get(name) else {
            let names: Vec<&str> = snapshots.keys().map(String::as_str).collect();
            return Err(UnknownSnapshot(
                name.to_string(),
                if names.is_empty() {
                    "none".into()
                } else {
                    names.join(", ")
                },
            ));
        };
        let mut restored = saved.clone();
        drop(snapshots);
        let mut world = self.shared.lock();
        keep_settings(&world, &mut restored);
        *world = restored;
        Ok(())
    }

    /// The snapshots' names.
    #[must_use]
    pub fn snapshots(&self) -> Vec<String> {
        crate::steer::locked(&self.shared.snapshots)
            .keys()
            .cloned()
            .collect()
    }

    /// Forgets snapshot `name`; `false` when there is none.
    pub fn delete_snapshot(&self, name: &str) -> bool {
        crate::steer::locked(&self.shared.snapshots)
            .remove(name)
            .is_some()
    }

    /// Sets the fake's clock (server-local time, as the server's rows show it), earlier or
    /// later; a running clock runs on from there.
    pub fn set_clock(&self, now: chrono::NaiveDateTime) {
        self.shared.lock().set_clock(now);
    }

    /// Moves the fake's clock forward.
    pub fn advance_clock(&self, seconds: f64) {
        self.shared.lock().clock.advance(seconds);
    }

    /// Replaces the state with `seed`'s (and makes it the seed [`Control::reset`] returns
    /// to). The clock and the settings stay.
    ///
    /// # Errors
    /// [`SeedError`] when the seed builds no world (the state is left as it was).
    pub fn load_seed(&self, seed: Seed) -> Result<(), SeedError> {
        let mut world = self.shared.lock();
        replace_world(&mut world, &seed)?;
        *crate::steer::locked(&self.shared.seed) = seed;
        Ok(())
    }

    /// Loads the apps of an export file's JSON (what `flow-active-app/export/` answers) into
    /// the running fake: their flows as deployed, the permissions they grant to the seed's
    /// groups; the state so far stays, and [`Control::reset`] keeps the apps. The names of
    /// the flows loaded.
    ///
    /// # Errors
    /// [`SeedError::App`] (not an export, an unknown role, a taken api_path, stops the fake
    /// does not run) or [`SeedError::Invalid`] (a python stop it has no way to run): nothing
    /// is loaded.
    pub fn load_app(&self, export: &Value) -> Result<Vec<String>, SeedError> {
        let mut world = self.shared.lock();
        let mut seed = crate::steer::locked(&self.shared.seed);
        let mut with_app = seed.clone();
        with_app
            .add_app(export)
            .map_err(|error| SeedError::App { path: None, error })?;
        let added = world.add_flows(&with_app, seed.flows.len())?;
        *seed = with_app;
        Ok(added)
    }

    /// Back to the seed.
    ///
    /// # Errors
    /// [`SeedError`] when the seed no longer builds a world (the state is left as it was).
    pub fn reset(&self) -> Result<(), SeedError> {
        // The world's lock, then the seed's (as load_seed takes them): no seed loaded in
        // between is undone.
        let mut world = self.shared.lock();
        let seed = crate::steer::locked(&self.shared.seed);
        replace_world(&mut world, &seed)
    }
}

/// Replaces `world` with `seed`'s, keeping the clock and the settings; unchanged on error.
fn replace_world(world: &mut World, seed: &Seed) -> Result<(), SeedError> {
    let mut fresh = World::from_seed_with(seed, world.clock.clone(), world.python.clone())?;
    keep_settings(world, &mut fresh);
    *world = fresh;
    Ok(())
}

/// What a replaced state keeps from the current one: the clock and the settings.
fn keep_settings(current: &World, replacement: &mut World) {
    replacement.clock = current.clock.clone();
    replacement.engine_delay_ms = current.engine_delay_ms;
    replacement.token_ttl = current.token_ttl;
}

fn reply(status: u16, body: Value) -> HttpReply {
    HttpReply::json(status, &body)
}

fn error(status: u16, message: impl std::fmt::Display) -> HttpReply {
    reply(status, json!({"error": message.to_string()}))
}

/// The filter in a control URL's query (`?endpoint=TicketEdit&user=alice`).
fn filter_of(request: &Incoming<'_>) -> Result<RequestFilter, HttpReply> {
    let mut filter = RequestFilter::all();
    for (key, value) in request.url.query_pairs() {
        match key.as_ref() {
            "endpoint" => {
                crate::steer::check_endpoint(&value).map_err(|why| error(400, why))?;
                filter = filter.endpoint(value);
            }
            "user" => filter = filter.user(value),
            other => {
                return Err(error(
                    400,
                    format!("the request log filters by endpoint and user, not {other:?}"),
                ))
            }
        }
    }
    Ok(filter)
}

/// A fault from a control call's body, every member checked: unknown ones are refused.
fn fault_of(request: &Incoming<'_>) -> Result<Fault, HttpReply> {
    let body: Value = serde_json::from_slice(request.body)
        .map_err(|e| error(400, format!("the body is not JSON: {e}")))?;
    let Some(members) = body.as_object() else {
        return Err(error(
            400,
            "a fault is a JSON object: {\"kind\": \"delay\"|\"http\"|\"envelope\"|\"reset\", ...}",
        ));
    };
    let kind = members
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(own) = crate::steer::fault_members(kind) else {
        return Err(error(
            400,
            format!("kind {kind:?} is not a fault: delay, http, envelope or reset"),
        ));
    };
    let unknown: Vec<&str> = members
        .keys()
        .map(String::as_str)
        .filter(|k| !matches!(*k, "kind" | "endpoint" | "user" | "times") && !own.contains(k))
        .collect();
    if !unknown.is_empty() {
        return Err(error(
            400,
            format!(
                "a {kind} fault has no {}; its members: kind, endpoint, user, times, {}",
                unknown.join(", "),
                own.join(", ")
            ),
        ));
    }
    serde_json::from_value(body.clone()).map_err(|e| {
        error(400, format!("not a fault: {e} (times is a whole number from 1, ms a whole number of milliseconds, status an HTTP status)"))
    })
}

/// Answers a control call (`path` without `/__mock/`).
pub(crate) fn api(shared: &Arc<Shared>, request: &Incoming<'_>, path: &str) -> HttpReply {
    let control = Control::new(shared.clone());
    let method = request.method;
    let body: Value = serde_json::from_slice(request.body).unwrap_or(Value::Null);
    if let Some(answer) = steering_api(&control, request, method, path) {
        return answer;
    }
    match (method, path) {
        ("GET", "openapi.json") => HttpReply {
            status: 200,
            content_type: "application/json".into(),
            headers: Vec::new(),
            body: crate::OPENAPI_DOCUMENT.as_bytes().to_vec(),
            delay_ms: 0,
        },
        ("POST", "reset") => match control.reset() {
            Ok(()) => reply(200, json!({"reset": true})),
            Err(err) => error(500, err),
        },
        ("POST", "clock/advance") => match body.get("seconds").and_then(Value::as_f64) {
            Some(seconds) if seconds.is_finite() && seconds >= 0.0 => {
                control.advance_clock(seconds);
                reply(200, json!({"now": now(shared)}))
            }
            _ => error(400, "expected {\"seconds\": <non-negative number>}"),
        },
        ("POST", "clock/set") => {
            let at = body
                .get("now")
                .and_then(Value::as_str)
                .and_then(|t| t.parse::<chrono::NaiveDateTime>().ok())
                .filter(|t| (1970..=9999).contains(&chrono::Datelike::year(t)));
            match at {
                Some(at) => {
                    control.set_clock(at);
                    reply(200, json!({"now": now(shared)}))
                }
                None => error(
                    400,
                    "expected {\"now\": \"2025-06-01T09:00:00\"}: server-local time without offset, years 1970 to 9999",
                ),
            }
        }
        ("POST", "seed") => load_seed(&control, &body),
        ("POST", "apps") => match control.load_app(&body) {
            Ok(flows) => reply(200, json!({"loaded": flows})),
            Err(err) => error(400, err),
        },
        ("POST", "tokens/expire") => {
            shared.lock().expire_tokens();
            reply(200, json!({"expired": true}))
        }
        ("POST", "engine/delay") => match body.get("ms").and_then(Value::as_u64) {
            Some(ms) => {
                shared.lock().engine_delay_ms = ms;
                reply(200, json!({"ms": ms}))
            }
            None => error(400, "expected {\"ms\": <non-negative integer>}"),
        },
        ("GET", "state") => reply(200, shared.lock().dump()),
        ("DELETE", user) if user.starts_with("users/") => {
            let username = user.trim_start_matches("users/");
            if shared.lock().delete_user(username) {
                reply(200, json!({"deleted": username}))
            } else {
                error(404, format!("no user {username:?}"))
            }
        }
        _ => reply(
            404,
            json!({"error": format!("unknown control endpoint {method} /__mock/{path}"), "endpoints": ENDPOINTS}),
        ),
    }
}

/// Every control endpoint, as the 404 of an unknown one lists them.
const ENDPOINTS: [&str; 21] = [
    "GET /__mock/requests?endpoint=E&user=U",
    "GET /__mock/requests/count?endpoint=E&user=U",
    "DELETE /__mock/requests",
    "POST /__mock/faults {\"kind\": \"delay\"|\"http\"|\"envelope\"|\"reset\", ...}",
    "GET /__mock/faults",
    "DELETE /__mock/faults",
    "DELETE /__mock/faults/{id}",
    "PUT /__mock/snapshots/{name}",
    "POST /__mock/snapshots/{name}/restore",
    "GET /__mock/snapshots",
    "DELETE /__mock/snapshots/{name}",
    "POST /__mock/clock/set {\"now\": \"2025-06-01T09:00:00\"}",
    "POST /__mock/clock/advance {\"seconds\": N}",
    "POST /__mock/seed {\"name\": \"demo\"} | {\"seed\": {...}}",
    "POST /__mock/apps [{\"app_name\": ..., \"flow_list\": [...]}] (an app export file)",
    "POST /__mock/reset",
    "POST /__mock/tokens/expire",
    "POST /__mock/engine/delay {\"ms\": N}",
    "GET /__mock/state",
    "GET /__mock/openapi.json",
    "DELETE /__mock/users/{username}",
];

fn now(shared: &Shared) -> String {
    omflow_model::Timestamp::from_naive(shared.lock().now())
        .as_str()
        .to_string()
}

fn load_seed(control: &Control, body: &Value) -> HttpReply {
    let seed = match (body.get("name").and_then(Value::as_str), body.get("seed")) {
        (Some("demo"), None) => Seed::demo(),
        (Some("pristine"), None) => Seed::pristine(),
        (Some(other), None) => {
            return error(
                400,
                format!("no built-in seed {other:?}: \"demo\" or \"pristine\", or give {{\"seed\": {{...}}}}"),
            )
        }
        (None, Some(seed)) => match serde_json::from_value::<Seed>(seed.clone()) {
            Ok(seed) => seed,
            Err(err) => return error(400, format!("not a seed: {err}")),
        },
        _ => return error(400, "expected {\"name\": \"demo\"} or {\"seed\": {...}}"),
    };
    match control.load_seed(seed) {
        Ok(()) => reply(200, json!({"loaded": true})),
        Err(err) => error(400, err),
    }
}

/// The request log, faults and snapshots; `None` for other paths.
fn steering_api(
    control: &Control,
    request: &Incoming<'_>,
    method: &str,
    path: &str,
) -> Option<HttpReply> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let path = decoded.as_ref();
    let snapshot = path.strip_prefix("snapshots/");
    Some(match (method, path) {
        ("GET", "requests") => match filter_of(request) {
            Ok(filter) => reply(
                200,
                json!({"requests": control.requests(&filter), "count": control.request_count(&filter), "kept_at_most": crate::REQUEST_LOG_LIMIT}),
            ),
            Err(refused) => refused,
        },
        ("GET", "requests/count") => match filter_of(request) {
            Ok(filter) => reply(200, json!({"count": control.request_count(&filter)})),
            Err(refused) => refused,
        },
        ("DELETE", "requests") => reply(200, json!({"cleared": control.clear_requests()})),
        ("POST", "faults") => match fault_of(request) {
            Ok(fault) => match control.add_fault(fault) {
                Ok(id) => reply(201, json!({"id": id})),
                Err(err) => error(400, err),
            },
            Err(refused) => refused,
        },
        ("GET", "faults") => reply(200, json!({"faults": control.faults()})),
        ("DELETE", "faults") => reply(200, json!({"cleared": control.clear_faults()})),
        ("DELETE", id) if id.starts_with("faults/") => {
            let id = id.trim_start_matches("faults/");
            match id.parse::<u64>() {
                Ok(id) if control.remove_fault(id) => reply(200, json!({"removed": id})),
                Ok(_) => error(
                    404,
                    format!("no fault {id} (it may have run out): GET /__mock/faults lists them"),
                ),
                Err(_) => error(400, format!("a fault id is a number, not {id:?}")),
            }
        }
        ("GET", "snapshots") => reply(200, json!({"snapshots": control.snapshots()})),
        ("POST", _) if snapshot.is_some_and(|s| s.ends_with("/restore")) => {
            let name = snapshot.unwrap_or_default().trim_end_matches("/restore");
            match control.restore_snapshot(name) {
                Ok(()) => reply(200, json!({"restored": name})),
                Err(err) => error(404, err),
            }
        }
        ("PUT", _) if snapshot.is_some_and(|s| !s.is_empty() && !s.contains('/')) => {
            let name = snapshot.unwrap_or_default();
            control.save_snapshot(name);
            reply(200, json!({"saved": name}))
        }
        ("DELETE", _) if snapshot.is_some() => {
            let name = snapshot.unwrap_or_default();
            if control.delete_snapshot(name) {
                reply(200, json!({"deleted": name}))
            } else {
                error(404, format!("no snapshot named {name:?}"))
            }
        }
        _ => return None,
    })
}
