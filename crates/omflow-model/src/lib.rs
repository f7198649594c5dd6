//! # omflow-model
//!
//! The OMFLOW wire format as Rust types, with no I/O: the response [`Envelope`] and its
//! language-independent [`ApiError`] classification, the [`SecurityCode`], mission and
//! ticket records, form data items, request bodies, and a typed [`query`] DSL that
//! serializes to the exact `search_conditions` wire format.
//!
//! It is the bottom layer of the SDK: `omflow-transport` moves bytes, `omflow-client`
//! runs operations with these types, `omflow-mock` serves them.
//!
//! The types follow what the real server sends (recorded in `fixtures/omflow/session/`),
//! not what its docs show: the envelope status is an integer (a string also decodes),
//! timestamps are naive local times kept byte for byte, `data_no` is deleted as strings.
//!
//! ## Example: build a query and read a page of missions
//!
//! ```
//! use omflow_model::query::{col, Query};
//! use omflow_model::{decode_body, Mission, QuickAction};
//!
//! // Open missions at the review stop, newest first, 50 a page.
//! let query = Query::builder()
//!     .filter(col("stop_chart_text").eq("任務審核"))
//!     .filter(col("level").is_in(["red", "yellow"]))
//!     .order_by_desc("id")
//!     .page_size(50)
//!     .build()?;
//! assert_eq!(serde_json::to_value(&query)?["limit"], 50);
//!
//! // What the server answered (HTTP 200; the outcome is in the body).
//! let body = r#"{"status": 200, "message": "\u67e5\u8a62\u6210\u529f\u3002", "result": [
//!   {"id": 15, "flow_uuid": "dc33fb34-0034-418c-8fbb-3baf15525e86", "flow_name": "任務單",
//!    "status": "審核中", "level": "red", "title": "Beta network down", "data_no": 2,
//!    "data_id": 15, "history": false, "stop_uuid": "FITEM_6", "stop_chart_text": "任務審核",
//!    "create_user_id": "admin", "update_user_id": null,
//!    "ticket_createtime": "2026-11-22T16:59:17.402", "createtime": "2026-11-22T16:59:23.170",
//!    "updatetime": "2026-11-22T16:59:23.170", "assignee_id": null, "assign_group_id": 2,
//!    "action": "成功,失敗", "attachment": false, "closed": false, "is_active": true,
//!    "deploy_flag": true}]}"#;
//! let missions: Vec<Mission> = decode_body(body.as_bytes())?;
//! let labels = missions[0].quick_actions();
//! assert_eq!(labels.action1.as_deref(), Some("成功"));
//! assert!(labels.offers(QuickAction::Action2));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod apps;
pub mod catalog;
pub mod chart;
pub mod checks;
mod design;
mod desk;
mod endpoint;
mod envelope;
mod error;
mod form;
mod generated;
pub mod history;
mod ids;
mod mission;
mod operation;
pub mod query;
mod record;
mod refs;
mod requests;
pub mod routing;
#[cfg(feature = "schema")]
mod schema;
mod security;
mod ticket;
mod time;
mod user;
pub mod web;

pub use apps::{ActiveApp, ActiveFlow, AppExport, AppList, AppsAndFlows, ExportApps, ListApps};
pub use catalog::{Lang, MessageId};
pub use chart::{FlowChart, LoadFlowChart, LoadedFlowChart};
pub use design::{
    Choice, CurrentValue, DesignConfig, DesignItem, FlowNames, FormDesign, LoadFlowNames,
    LoadStartForm, LoadTicket, LoadedTicket, StartForm, Translated,
};
pub use desk::{
    AddWorklog, AttachmentRow, GroupRow, GroupUser, ListFiles, ListGroupUsers, ListGroups,
    ListWorklog, UploadForm, WorklogEntry,
};
pub use endpoint::{paths, Access, Endpoint, Mount, PathParamError, Permission};
pub use envelope::{decode_body, DataNoResult, Envelope, EnvelopeError, StatusCode};
pub use error::{ApiError, ApiErrorKind};
pub use form::{FieldType, FormError, FormItem, GroupAssignment};
pub use history::{FlowLogEntry, HistoryPage, HistoryRow, ListHistory};
pub use ids::{ApiPath, DataId, DataNo, FieldId, FlowUuid, GroupId, IdError, MissionId, UserId};
pub use mission::{Mission, ProjectedRow, QuickActionLabels};
pub use operation::{calls, Call, Operation};
pub use query::{Query, QueryError};
pub use refs::{FlowRef, NotARow, TicketRef};
pub use requests::{
    ApiFormat, ApiFormatAction, ApiFormatField, ApiFormatInput, ApiFormatRequest, CreateTicket,
    DataIdLookup, DeleteTickets, PushTicket, QueryInFlow, QuickAction, QuickActionTicket, RestBody,
    UnknownQuickAction,
};
pub use security::{SecurityCode, SecurityGrant};
pub use ticket::{DataIdEntry, GroupHeader, TicketRow};
pub use time::{Timestamp, TimestampError};
pub use user::UserRow;
