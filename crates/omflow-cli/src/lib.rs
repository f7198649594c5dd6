//! # omflow-cli (skeleton)
//!
//! The `omflow` command; filled by the CLI issue.
