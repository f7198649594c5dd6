//! A recording reverse proxy: forwards every request to an upstream OMFLOW server unchanged
//! and writes each exchange to `DIR/NNN_<endpoint>.json` as it happens, in the format of the
//! recorded sessions (`fixtures/omflow/session/`), so that [`crate::replay`] can replay it
//! against a fake.
//!
//! The answer goes back to the client first; a writer thread scrubs the exchange and writes
//! its file right after (to a partial file, then renamed), so the disk does not slow the
//! client down. [`Recorder::flush`] (and `omflow record` on Ctrl-C) waits until every answered
//! exchange is written; a crash loses at most the exchanges answered in the moment before it
//! (the one being written and at most [`WRITE_QUEUE`] queued: beyond that, answers wait for
//! the disk). Dropping the recorder stops it accepting connections; call `flush` first, or
//! the exchanges still queued are lost if the process exits.
//!
//! Secrets never reach the files: a Basic header is kept as its user only (no password, no
//! header), every security code is written as a stable placeholder `<security:N>` in requests
//! and answers alike, a password a request body sets (`user/add`'s `token`) is written as
//! `<password>`, and every password seen (Basic or body) is replaced wherever else it
//! appears. The fake's control calls (`/__mock/...`) are forwarded and written as the
//! out-of-band steps the replayer applies to a fake (clock, token expiry, reset).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use omflow_conformance::record::{RecordOptions, Recorder};
//!
//! let options = RecordOptions::new("https://omflow.example.com", "recording".into());
//! let recorder = Recorder::start("127.0.0.1:8001", options).await?;
//! println!("point OMFLOW_URL at {}", recorder.uri());
//! recorder.finished().await; // after --max-exchanges (or stop on Ctrl-C, then flush)
//! println!("{} exchanges written", recorder.exchanges());
//! # Ok(()) }
//! ```

mod error;
mod multipart;
mod options;
mod proxy;
mod recorder;
mod secrets;
mod step;
mod writer;

pub use error::RecordError;
pub use options::RecordOptions;
pub use recorder::{Recorder, MAX_FAILURES_KEPT, WRITE_QUEUE};
