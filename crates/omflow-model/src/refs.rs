//! How a caller names a flow ([`FlowRef`]) and a ticket row ([`TicketRef`]).

use crate::ids::{ApiPath, DataId, FlowUuid};
use crate::mission::Mission;
use std::fmt;

/// Which flow: by uuid (what missions carry), by api_path (what the flow's API settings
/// name), or by the flow's name as missions show it (`任務單`), which the client resolves
/// from the caller's missions.
///
/// ```
/// use omflow_model::{ApiPath, FlowRef, FlowUuid};
///
/// assert!(matches!(FlowRef::parse("dc33fb340034418c8fbb3baf15525e86"), FlowRef::Uuid(_)));
/// assert_eq!(FlowRef::parse("任務單"), FlowRef::Name("任務單".into()));
/// let by_path: FlowRef = ApiPath::new("mission")?.into();
/// assert_eq!(by_path.to_string(), "api_path mission");
/// # Ok::<(), omflow_model::IdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FlowRef {
    /// The flow's uuid.
    Uuid(FlowUuid),
    /// The flow's api_path.
    ApiPath(ApiPath),
    /// The flow's name. The client looks it up among the caller's missions; when no mission
    /// belongs to a flow of this name and the text is a valid api_path, it is taken as one.
    Name(String),
}

impl FlowRef {
    /// What a person typed: a uuid (32 hex digits, dashes allowed) or else a flow name
    /// (which the client falls back to reading as an api_path).
    #[must_use]
    pub fn parse(text: &str) -> FlowRef {
        match FlowUuid::parse(text) {
            Ok(uuid) => FlowRef::Uuid(uuid),
            Err(_) => FlowRef::Name(text.to_string()),
        }
    }
}

impl From<FlowUuid> for FlowRef {
    fn from(uuid: FlowUuid) -> Self {
        FlowRef::Uuid(uuid)
    }
}

impl From<ApiPath> for FlowRef {
    fn from(path: ApiPath) -> Self {
        FlowRef::ApiPath(path)
    }
}

impl fmt::Display for FlowRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlowRef::Uuid(uuid) => write!(f, "flow {}", uuid.simple()),
            FlowRef::ApiPath(path) => write!(f, "api_path {path}"),
            FlowRef::Name(name) => write!(f, "flow {name:?}"),
        }
    }
}

/// Which ticket row: its flow and its `data_id` (the row that is current at a stop). A
/// mission converts into one.
///
/// ```
/// use omflow_model::{DataId, FlowRef, TicketRef};
///
/// let row = TicketRef::new(FlowRef::parse("任務單"), DataId(144));
/// assert_eq!(row.to_string(), "ticket row 144 of flow \"任務單\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct TicketRef {
    /// The flow.
    pub flow: FlowRef,
    /// The row.
    pub data_id: DataId,
}

impl TicketRef {
    /// Row `data_id` of `flow`.
    #[must_use]
    pub fn new(flow: impl Into<FlowRef>, data_id: DataId) -> TicketRef {
        TicketRef {
            flow: flow.into(),
            data_id,
        }
    }
}

impl fmt::Display for TicketRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ticket row {} of {}", self.data_id, self.flow)
    }
}

/// A mission without a flow uuid or a data_id names no ticket row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mission {mission} has no {missing}")]
pub struct NotARow {
    /// The mission's id.
    pub mission: String,
    /// `flow_uuid` or `data_id`.
    pub missing: &'static str,
}

impl TryFrom<&Mission> for TicketRef {
    type Error = NotARow;

    fn try_from(mission: &Mission) -> Result<Self, Self::Error> {
        let missing = |missing| NotARow {
            mission: mission.id.to_string(),
            missing,
        };
        let data_id = mission.data_id.ok_or_else(|| missing("data_id"))?;
        let flow = mission.flow_uuid.ok_or_else(|| missing("flow_uuid"))?;
        Ok(TicketRef::new(flow, data_id))
    }
}
