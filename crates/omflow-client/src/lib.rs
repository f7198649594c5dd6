//! # omflow-client (skeleton)
//!
//! The operations of the OMFLOW SDK; filled by the client issue.
