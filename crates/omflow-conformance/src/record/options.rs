//! The recording's options: where requests go, where files are written, and its limits.

use std::path::PathBuf;

/// What a recording keeps and how much.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordOptions {
    /// The server every request goes to (`https://omflow.example.com`).
    pub upstream: String,
    /// The directory the exchange files are written to (created if missing).
    pub out: PathBuf,
    /// Stop recording (and answer 503) after this many exchanges.
    pub max_exchanges: Option<usize>,
    /// The largest request or answer body recorded; larger ones are refused with 413.
    pub max_body_bytes: usize,
    /// Keep multipart bodies whole (file contents included); otherwise only their parts'
    /// names and sizes.
    pub keep_files: bool,
}

impl RecordOptions {
    /// Records everything sent to `upstream` into `out`, multipart file contents left out,
    /// bodies up to 32 MiB.
    #[must_use]
    pub fn new(upstream: &str, out: PathBuf) -> Self {
        RecordOptions {
            upstream: upstream.trim_end_matches('/').to_string(),
            out,
            max_exchanges: None,
            max_body_bytes: 32 * 1024 * 1024,
            keep_files: false,
        }
    }

    /// Stops after `n` exchanges.
    #[must_use]
    pub fn max_exchanges(mut self, n: usize) -> Self {
        self.max_exchanges = Some(n);
        self
    }

    /// Keeps multipart bodies whole.
    #[must_use]
    pub fn keep_files(mut self, keep: bool) -> Self {
        self.keep_files = keep;
        self
    }

    /// The largest body recorded.
    #[must_use]
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }
}
