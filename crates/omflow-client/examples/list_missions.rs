//! Lists my missions: `OMFLOW_URL=... OMFLOW_USER=... OMFLOW_PASSWORD=... cargo run -p omflow-client --example list_missions`.

use futures::TryStreamExt;
use omflow_client::Client;
use omflow_model::query::Query;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder(std::env::var("OMFLOW_URL")?)
        .credentials(
            std::env::var("OMFLOW_USER")?,
            std::env::var("OMFLOW_PASSWORD")?,
        )
        .build()?;
    let query = Query::builder().order_by_desc("id").page_size(50).build()?;
    let missions: Vec<_> = client
        .missions()
        .query(query)
        .stream()
        .try_collect()
        .await?;
    for m in missions {
        println!(
            "{:>6} {:<10} {:<8} {}",
            m.data_id.map(|d| d.to_string()).unwrap_or_default(),
            m.stop_chart_text.unwrap_or_default(),
            m.level.unwrap_or_default(),
            m.title.unwrap_or_default()
        );
    }
    Ok(())
}
