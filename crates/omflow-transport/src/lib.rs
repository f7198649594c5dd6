//! # omflow-transport (skeleton)
//!
//! The HTTP layer of the OMFLOW SDK; filled by the transport issue.
