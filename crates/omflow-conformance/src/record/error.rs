//! Why a recording could not start.

use std::path::PathBuf;

/// Why a recording could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}")]
    Listen {
        /// The address asked for.
        addr: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The output directory could not be created.
    #[error("cannot create {path}")]
    Output {
        /// The directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The HTTP client for the upstream could not be built.
    #[error("cannot build the HTTP client")]
    Client(#[source] reqwest::Error),
    /// The output directory holds files already (an earlier recording's would mix with
    /// this one's, which starts at `001`).
    #[error("{path} is not empty: record into a new or empty directory")]
    OutputNotEmpty {
        /// The directory.
        path: PathBuf,
    },
    /// The upstream is not an `http://` or `https://` URL.
    #[error("the upstream {url:?} is not a server URL: {problem}")]
    Upstream {
        /// The URL as given, without a user or password.
        url: String,
        /// What is wrong with it.
        problem: String,
    },
}
