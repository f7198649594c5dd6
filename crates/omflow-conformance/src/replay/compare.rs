//! Comparing a live answer's body with the recorded one, and saying where they differ.

use super::normalize;
use super::Replayer;
use base64::Engine as _;
use serde_json::Value;

impl Replayer<'_> {
    pub(super) fn compare_body(&mut self, exchange: &Value, live: &Value) -> Option<String> {
        let want = &exchange["response"]["body"];
        let request = &exchange["request"];
        if request["path"]
            .as_str()
            .is_some_and(|p| p.starts_with("/accounts/api/security/get"))
        {
            let user = login_user(request).unwrap_or_default();
            let recorded = want["result"]["security"].as_str();
            let issued = live["result"]["security"].as_str();
            if let Some(recorded) = recorded {
                self.recorded_tokens.learn(&user, recorded);
            }
            if let Some(issued) = issued {
                self.live_tokens.learn(&user, issued);
            }
            if let (Some(recorded), Some(issued)) = (recorded, issued) {
                self.recorded_to_live
                    .insert(recorded.to_string(), issued.to_string());
            }
        }
        for id in normalize::collection_uuids(want) {
            self.recorded_tokens.learn("collection", &id);
        }
        for id in normalize::collection_uuids(live) {
            self.live_tokens.learn("collection", &id);
        }
        let (got, expected) = self.normalized(exchange, live);
        let where_ = first_difference(&got, &expected, String::new())
            .unwrap_or_else(|| "in key order".to_string());
        let (got, expected) = (got.to_string(), expected.to_string());
        (got != expected).then(|| {
            format!(
                "body differs {where_}:\n      answered: {}\n      recorded: {}",
                cut(&got),
                cut(&expected)
            )
        })
    }
}

impl Replayer<'_> {
    /// Both answers' bodies as they are compared: tokens as placeholders, time keys dropped,
    /// random orders as multisets.
    fn normalized(&self, exchange: &Value, live: &Value) -> (Value, Value) {
        let mut got = self.live_tokens.normalize(live);
        let mut expected = self
            .recorded_tokens
            .normalize(&exchange["response"]["body"]);
        if exchange["result_order_random"] == true {
            let body = &exchange["request"]["body"];
            let subset = !body["start"].is_null() || !body["limit"].is_null();
            for value in [&mut got, &mut expected] {
                if let Some(result) = value.get_mut("result") {
                    *result = normalize::as_multiset(result, subset);
                }
            }
        }
        (got, expected)
    }

    /// Whether an exchange that differs shows only what the recorded server's broken sleep
    /// stop changed (see [`super::sleep`]): it names a ticket whose sleep failed, the
    /// recorded server failed to list what its sleeps left, or (`body_only`: nothing but the
    /// body differs) the bodies agree without those tickets and the ids they shift.
    pub(super) fn sets_aside(&self, exchange: &Value, live: &Value, body_only: bool) -> bool {
        if !self.sleep.active() {
            return false;
        }
        if self.sleep.names_a_ticket(&exchange["request"]) {
            return true;
        }
        // The recorded server failed to list what its failed sleeps left (a mission whose
        // ticket it cannot read) where the fake lists those tickets.
        let recorded = exchange["response"]["body"]["status"].as_u64();
        let failed = recorded.is_some_and(|status| status != 200);
        if failed && live["status"] == 200 && self.sleep.mentions_a_ticket(&live["result"]) {
            return true;
        }
        if !body_only {
            return false;
        }
        let (got, expected) = self.normalized(exchange, live);
        self.sleep.without_sleep(&got) == self.sleep.without_sleep(&expected)
    }
}

/// Where two values first differ, as an RFC 6901 pointer with both sides.
fn first_difference(got: &Value, expected: &Value, at: String) -> Option<String> {
    let pointer = |key: &str| format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
    match (got, expected) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, want) in b {
                match a.get(key) {
                    None => return Some(format!("at {}: missing in the fake", pointer(key))),
                    Some(have) => {
                        if let Some(found) = first_difference(have, want, pointer(key)) {
                            return Some(found);
                        }
                    }
                }
            }
            a.keys()
                .find(|k| !b.contains_key(*k))
                .map(|k| format!("at {}: only in the fake", pointer(k)))
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (have, want)) in a.iter().zip(b).enumerate() {
                if let Some(found) = first_difference(have, want, pointer(&i.to_string())) {
                    return Some(found);
                }
            }
            (a.len() != b.len()).then(|| {
                format!(
                    "at {}: {} items in the fake, {} recorded",
                    if at.is_empty() { "/" } else { &at },
                    a.len(),
                    b.len()
                )
            })
        }
        (a, b) if a == b => None,
        (a, b) => Some(format!(
            "at {}: fake {}, recorded {}",
            if at.is_empty() { "/" } else { &at },
            cut(&a.to_string()),
            cut(&b.to_string())
        )),
    }
}

/// The Basic-auth user a recorded request logged in as.
fn login_user(request: &Value) -> Option<String> {
    if let Some(user) = request["basic_auth"]["user"].as_str() {
        return Some(user.to_string());
    }
    let header = request["headers"]["Authorization"].as_str()?;
    let encoded = header.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8_lossy(&decoded);
    Some(text.split_once(':').map_or(&*text, |(u, _)| u).to_string())
}

fn cut(text: &str) -> String {
    if text.chars().count() > 1500 {
        format!("{}…", text.chars().take(1500).collect::<String>())
    } else {
        text.to_string()
    }
}
