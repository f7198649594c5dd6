//! What the SOAP tests against the fake share: a strict client as one of the demo's users,
//! the ids of what a call returned, sorted, and a refusal's fault code.

#![allow(dead_code)] // each test binary uses its part

use omflow_garoon::client::{GaroonClient, GaroonError};
use omflow_garoon::model::Mode;
use omflow_garoon::soap::{Application, SoapError};
use omflow_mock::FakeOmflow;

/// A strict-mode client of the fake's Garoon as `user`.
pub fn client(fake: &FakeOmflow, user: &str, password: &str) -> GaroonClient {
    GaroonClient::builder(fake.garoon_uri())
        .password(user, password)
        .mode(Mode::Strict)
        .build()
        .unwrap()
}

/// The requests' ids, sorted.
pub fn sorted_ids(found: Result<Vec<Application>, GaroonError>) -> Vec<String> {
    let mut ids: Vec<String> = found.unwrap().into_iter().map(|a| a.id).collect();
    ids.sort();
    ids
}

/// The fault's code; panics on any other error.
pub fn fault_code(err: GaroonError) -> String {
    match err {
        GaroonError::Soap(SoapError::Fault(fault)) => fault.code.unwrap_or_default(),
        other => panic!("not a fault: {other}"),
    }
}
