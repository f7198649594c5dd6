//! # omflow-mock (skeleton)
//!
//! The fake OMFLOW server; filled by the mock issue.
