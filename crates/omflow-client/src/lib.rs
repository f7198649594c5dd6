//! # omflow-client
//!
//! The operations of the OMFLOW workflow engine's REST API, done right: the security code
//! is obtained, shared, renewed before the server forgets it and renewed-and-replayed once
//! when refused; my missions come as a page or as a lazy [`futures::Stream`]; a push loads
//! the ticket as its assignee sees it, types each field from the stop's form and fills the
//! stop's other required fields; reads are retried, writes
//! never resent once they may have reached the server.
//!
//! ```no_run
//! use omflow_client::futures::TryStreamExt;
//! use omflow_client::model::query::{col, Query};
//! use omflow_client::Client;
//! use std::time::Duration;
//!
//! /// Pushes my red and yellow missions at the analysis stop on with "dispatch_done".
//! pub async fn dispatch_all(password: String) -> Result<(), Box<dyn std::error::Error>> {
//!     let client = Client::builder("https://omflow.example.com")
//!         .credentials("alice", password)
//!         .build()?;
//!     let query = Query::builder()
//!         .filter(col("level").is_in(["red", "yellow"]))
//!         .filter(col("stop_uuid").eq("FITEM_2"))
//!         .order_by_desc("id")
//!         .build()?;
//!     let missions: Vec<_> = client.missions().query(query).stream().try_collect().await?;
//!     for mission in &missions {
//!         let outcome = client
//!             .push_mission(mission)
//!             .set("FORMITM_4", "dispatch_done")
//!             .wait_for_engine(Duration::from_secs(10))
//!             .send()
//!             .await?;
//!         println!("ticket {:?}: {:?}", outcome.data_no, outcome.state);
//!     }
//!     Ok(())
//! }
//! ```
//!
//! Layering: `omflow-model` (wire types) ← `omflow-transport` (HTTP) ← this crate. Test
//! against `omflow-mock`, or any [`omflow_transport::Transport`] via [`Client::with_transport`].

mod apps;
mod assignee;
mod bulk;
mod client;
mod desk;
mod error;
mod fields;
mod files;
mod flows;
mod guard;
mod listing;
mod missions;
mod outcome;
mod push;
mod push_target;
mod tickets;
mod users;

pub use bulk::{
    Approval, ApprovalOutcome, ApprovalResult, ApproveBuilder, PlannedApproval, DEFAULT_ENGINE_WAIT,
};
pub use client::{BuildError, Client, ClientBuilder, Credentials, FlowInfo, RENEW_AFTER_IDLE};
pub use desk::{FlowLog, TicketHandle};
pub use error::{AuthError, CallError, CallFailure, Chain, Error, PushRefusal, RawAnswer, Sent};
pub use flows::{FlowHandle, ResolvedFlow};
pub use futures;
pub use listing::Listing;
pub use missions::MissionsRequest;
pub use omflow_model as model;
pub use omflow_transport::RetryPolicy;
pub use omflow_transport::{Cause, HttpConfig, Transport, TransportError};
pub use outcome::TicketState;
pub use push::{PushBuilder, PushOutcome, PushPlan, QuickActionBuilder};
pub use tickets::{CreateBuilder, TicketsRequest};
pub use users::UserWithGroups;
