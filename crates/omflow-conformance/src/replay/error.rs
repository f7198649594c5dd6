//! Why a recording could not be read or a replay could not start.

use std::path::PathBuf;

/// Why a recording could not be read or a replay could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// A file or directory of the recording could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The file or directory.
        path: PathBuf,
        /// What the file system said.
        #[source]
        source: std::io::Error,
    },
    /// A file of the recording is not JSON.
    #[error("{path} is not JSON")]
    NotJson {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        #[source]
        source: serde_json::Error,
    },
    /// A file of the recording is JSON but not a recorded step.
    #[error("{path} is not a recorded exchange: {problem}")]
    NotAnExchange {
        /// The file.
        path: PathBuf,
        /// What it lacks.
        problem: &'static str,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the replay's HTTP client")]
    Client(#[source] reqwest::Error),
    /// The server to replay against is not an `http://` or `https://` URL.
    #[error("{url:?} is not a server URL: {problem}")]
    ServerUrl {
        /// The URL as given, without a user or password.
        url: String,
        /// What is wrong with it.
        problem: String,
    },
}
