//! Replays a recorded session (the format of `fixtures/omflow/session/` and
//! `fixtures/omflow-2/session/`) against a server, by default a
//! [`FakeOmflow`](omflow_mock::FakeOmflow), and says for every exchange whether the answer
//! agrees with the recorded one.
//!
//! One implementation serves `cargo xtask fixtures` and anyone who records their own
//! server. What is compared, after [`normalize`] on each side: HTTP status, content type
//! (without parameters), `Location`, `Content-Language` (when recorded), and for JSON
//! answers the whole body as text (values, JSON types, key order and list order; a
//! random-order answer's `result` as a multiset of rows, or only its row count and keys when
//! the server also picked a random subset). HTML answers compare on status, content type and
//! location only.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use omflow_conformance::replay::{Recording, Replayer};
//! use omflow_mock::FakeOmflow;
//!
//! let recording = Recording::load_dir("fixtures/omflow-2/session".as_ref())?;
//! let fake = FakeOmflow::start().await;
//! let report = Replayer::new(&fake)?.replay(&recording).await;
//! println!("{} of {} agree", report.agreeing(), report.counted());
//! # Ok(()) }
//! ```

pub mod normalize;

mod compare;
mod error;
mod recording;
mod replayer;
mod report;
mod server_url;
mod sleep;
#[cfg(test)]
mod tests;

pub use error::ReplayError;
pub use recording::{RecordedStep, Recording};
pub use replayer::Replayer;
pub use report::{Outcome, Report, Tally};
pub(crate) use server_url::{server_base_url, url_for_messages};

/// A recorded Basic password that stands for the user's own (recordings made by
/// `omflow record` keep no password): the replay logs in with the one it was given.
pub const THE_PASSWORD: &str = "<password>";

/// A recorded Basic password that stands for a wrong one (a refused login).
pub const A_WRONG_PASSWORD: &str = "<wrong password>";
