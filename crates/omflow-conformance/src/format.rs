//! The recording format, declared once: one JSON document per step, written by the
//! recorder ([`crate::record`]) and read by the replayer ([`crate::replay`]) and the
//! fixture checks through these types.
//!
//! An exchange keeps the server's answer body as it was sent ([`RawValue`]: exact numbers,
//! key order and escapes), or `null` when the answer was not JSON.
//!
//! ```
//! use omflow_conformance::format::Step;
//!
//! let text = r#"{"elapsed_ms_since_previous":3,"duration_ms":9,
//!   "request":{"method":"GET","path":"/accounts/api/security/get/"},
//!   "response":{"http_status":200,"headers":{},"body":{"status": 200, "n": 1.50}}}"#;
//! let Step::Exchange(exchange) = Step::from_json(text)? else { panic!() };
//! assert_eq!(exchange.request.method, "GET");
//! assert_eq!(exchange.response.body.unwrap().get(), r#"{"status": 200, "n": 1.50}"#);
//! # Ok::<(), serde_json::Error>(())
//! ```

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// One step of a recording (read with [`Step::from_json`]: an answer body kept as sent
/// cannot go through serde's untagged buffering).
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Step {
    /// Something done to the server outside HTTP (`reset`, `delete_user`, `import_app`).
    OutOfBand(OutOfBand),
    /// An HTTP exchange.
    Exchange(Exchange),
}

impl Step {
    /// Reads one step: out-of-band when its `kind` says so, else an exchange. Members the
    /// format does not name (a corpus's `seq`, `note`, `episode`, ...) are ignored here and
    /// stay readable in the JSON.
    ///
    /// # Errors
    /// When the text is not JSON or not a step.
    pub fn from_json(text: &str) -> Result<Step, serde_json::Error> {
        #[derive(Deserialize)]
        struct Kind {
            kind: Option<OutOfBandKind>,
        }
        let Kind { kind } = serde_json::from_str(text)?;
        Ok(match kind {
            Some(OutOfBandKind::OutOfBand) => Step::OutOfBand(serde_json::from_str(text)?),
            None => Step::Exchange(serde_json::from_str(text)?),
        })
    }
}

/// A step done outside HTTP.
#[derive(Debug, Serialize, Deserialize)]
pub struct OutOfBand {
    /// Always `"out_of_band"`.
    pub kind: OutOfBandKind,
    /// What was done: an object with a `type`.
    pub action: Value,
    /// Milliseconds since the step before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed_ms_since_previous: Option<u128>,
}

/// The marker of an out-of-band step.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OutOfBandKind {
    /// `"out_of_band"`.
    OutOfBand,
}

/// An HTTP exchange.
#[derive(Debug, Serialize, Deserialize)]
pub struct Exchange {
    /// Milliseconds since the step before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed_ms_since_previous: Option<u128>,
    /// How long the server took.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u128>,
    /// What was sent.
    pub request: Request,
    /// What came back.
    pub response: Response,
}

/// The request of an exchange.
#[derive(Debug, Serialize, Deserialize)]
pub struct Request {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The absolute path, with any query.
    pub path: String,
    /// Every other member (`basic_auth`, `headers`, `body_kind`, `body`, ...), in order.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// The answer of an exchange.
#[derive(Debug, Serialize, Deserialize)]
pub struct Response {
    /// The HTTP status.
    pub http_status: u16,
    /// The kept headers.
    #[serde(default)]
    pub headers: Map<String, Value>,
    /// The body as the server sent it when it was JSON, else `null`.
    #[serde(default)]
    pub body: Option<Box<RawValue>>,
}
