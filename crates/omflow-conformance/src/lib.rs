//! # omflow-conformance
//!
//! The tools that check [`omflow_mock`]'s fake against a real OMFLOW server, kept out of the
//! fake so that a test which only wants the fake compiles none of them:
//!
//! - [`record`]: a recording proxy in front of a real server, writing every exchange to a
//!   session directory (`fixtures/omflow/session/` holds such recordings);
//! - [`format`](mod@format): the recording format, one typed step per file, written and read through
//!   serde with the answer bodies kept as sent;
//! - [`replay`]: replays a recording against the fake and compares every answer (what
//!   `cargo xtask fixtures` and `omflow replay` run);
//! - [`openapi`]: the OpenAPI 3.1 document built from the endpoint table and the model's
//!   schemas, which `cargo xtask codegen` writes to `crates/omflow-mock/openapi/omflow.json`
//!   for the fake to serve.
//!
//! ```
//! let document = omflow_conformance::openapi::document();
//! assert_eq!(document["openapi"], "3.1.0");
//! ```

pub mod format;
pub mod openapi;
mod openapi_control;
pub mod record;
pub mod replay;
