//! The document the fake serves at `GET /__mock/openapi.json` is the one the generator
//! builds from the endpoint table and the model's schemas today (so `cargo xtask codegen`
//! has been run since the last change to either).

use omflow_mock::{FakeOmflow, Seed};

#[tokio::test]
async fn the_fake_serves_the_document_the_generator_builds() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let served: serde_json::Value = reqwest::get(format!("{}/__mock/openapi.json", fake.uri()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        served,
        omflow_conformance::openapi::document(),
        "stale: run `cargo xtask codegen`"
    );
}
