//! # omflow-client
//!
//! The operations of the OMFLOW workflow engine's REST API, done right: the security code
//! is obtained, shared, renewed before the server forgets it and renewed-and-replayed once
//! when refused; my missions come as a page or as a lazy [`futures::Stream`]; a push fills
//! each form item's `type` and the fields the caller did not set; reads are retried, writes
//! never resent once they may have reached the server.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use omflow_client::Client;
//! use omflow_model::query::{col, Query};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder("https://omflow.example.com")
//!     .credentials("alice", std::env::var("OMFLOW_PASSWORD")?)
//!     .flow("任務處理", "任務單")
//!     .build()?;
//!
//! // Every mission of the flow at the analysis stop, fetched page by page.
//! let query = Query::builder().filter(col("stop_chart_text").eq("任務分析")).build()?;
//! let missions: Vec<_> = client.missions().query(query).stream().try_collect().await?;
//! for mission in &missions {
//!     client.push_mission(mission).await?.set("FORMITM_4", "dispatch_done").send().await?;
//! }
//! # Ok(()) }
//! ```
//!
//! Layering: `omflow-model` (wire types) ← `omflow-transport` (HTTP) ← this crate. Test
//! against `omflow-mock`, or any [`omflow_transport::Transport`] via [`Client::with_transport`].

mod bulk;
mod client;
mod error;
pub mod garoon;
mod missions;
mod tickets;

pub use bulk::{Approval, ApprovalOutcome, ApprovalResult, ApproveBuilder};
pub use client::{
    BuildError, Client, ClientBuilder, Credentials, FlowInfo, RetryPolicy, RENEW_AFTER_IDLE,
};
pub use error::{AuthError, Chain, Error, Sent};
pub use missions::MissionsRequest;
pub use omflow_model as model;
pub use tickets::{CreateBuilder, PushBuilder, PushOutcome, QuickActionBuilder, TicketsRequest};
