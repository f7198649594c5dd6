//! # omflow-garoon
//!
//! Cybozu Garoon workflow requests, as a layer of their own: [`model`] parses the Garoon
//! workflow request object strictly but tolerantly (no I/O), [`client`] reads requests,
//! files and forms from Garoon's REST API. Garoon's REST API cannot approve or reject; its
//! SOAP API can: [`soap`] builds and reads those calls (no I/O), and the client sends them
//! (`GaroonClient::pending`, `GaroonClient::handle`) for an ordinary approver.
//!
//! The model needs no HTTP stack: with `default-features = false` (no `client` feature) the
//! crate is the parser alone, without reqwest, hyper or tokio.
//!
//! It shares only the HTTP layer (`omflow-transport`) with the OMFLOW crates: an OMFLOW user
//! compiles none of this, a Garoon user none of OMFLOW. Its fake endpoints are the `garoon`
//! feature of `omflow-mock`.

#[cfg(feature = "client")]
pub mod client;
pub mod model;
pub mod soap;
