//! The Cybozu Garoon workflow request object ("workflow object"), parsed strictly but
//! tolerantly (garoon-workflow.md §10).
//!
//! Every documented field decodes exactly; odd values never fail a whole page in
//! [`Mode::Tolerant`] (the default): they are normalised and reported as [`ParseWarning`]s
//! with an RFC 6901 pointer to the member, and whatever is not understood is kept exactly
//! (numbers keep their text). [`Mode::Strict`] turns every such event into an error. The
//! decoded types are plain data with public fields (what was read; members this SDK does not
//! know are in each object's `extra`, exactly as sent), and methods only for what is derived
//! (`processing_step()`, `choice()`, `as_decimal()`). Encoding ([`WorkflowRequest::to_json`],
//! `Serialize`) writes the document exactly as it was read, member order and number text
//! included, nothing added.
//!
//! ```
//! use omflow_garoon::model::{decode_request, Mode, StatusType, ItemValue};
//! let text = r#"{"id":"7","status":{"name":"承認","type":"APPROVED"},
//!   "items":{"Item1":{"name":"Day","type":"DATE","value":"2025--14"}}}"#;
//! let decoded = decode_request(text, Mode::Strict)?;
//! let request = decoded.value;
//! assert_eq!(request.status.as_ref().unwrap().kind, StatusType::Approved);
//! match &request.items.as_ref().unwrap().get("Item1").unwrap().value {
//!     Some(ItemValue::Date(date)) => assert_eq!((date.year, date.month, date.day), (Some(2025), None, Some(14))),
//!     other => panic!("{other:?}"),
//! }
//! assert_eq!(request.to_json().to_text(), omflow_garoon::model::Json::parse(text).unwrap().to_text());
//! # Ok::<(), omflow_garoon::model::GaroonParseError>(())
//! ```
//!
//! Garoon's REST API is read-only for workflow: there is no approve or reject endpoint.

mod bodies;
mod context;
mod items;
mod js;
mod json;
mod keyed;
#[rustfmt::skip]
mod labels;
mod page;
mod refs;
mod request;
mod steps;
mod time;
mod tokens;

pub use bodies::{FileContent, GaroonErrorBody, GaroonErrorEnvelope};
pub use context::{Decoded, GaroonParseError, Mode, ParseErrorKind, ParseWarning};
pub use items::{FileRef, Item, ItemValue, Items, NotADecimal};
pub use js::{AvailableOperations, Folder, SentBackTarget};
pub use json::{InexactNumber, Json, JsonNumber, NotAJsonNumber};
pub use keyed::Keyed;
pub use page::{decode_page, decode_page_json, RequestPage};
pub use refs::{FormRef, Person};
pub use request::{
    decode_request, decode_request_json, Status, Variant, WorkflowRequest, REQUEST_FIELDS,
    SELECTABLE_FIELDS,
};
pub use steps::{Processor, Step, Steps};
pub use time::{PartialDate, UtcTime};
pub use tokens::{
    FolderType, Label, LabelLang, Operation, RequirementKind, ResultKind, StatusType,
};
