//! What a Rust user writes without the SDK: the my-missions envelope and a mission row with
//! the SDK's columns, derived by hand (timestamps as strings, ids as integers). Shared by the
//! model's `decode` bench and the client's `overhead` bench.

use serde_json::Value;

/// The envelope as a user would write it by hand.
#[derive(serde::Deserialize)]
pub struct HandEnvelope {
    #[allow(dead_code)]
    status: Value,
    #[allow(dead_code)]
    message: String,
    pub result: Vec<HandMission>,
}

/// A mission row with the SDK's columns, written by hand (timestamps as strings).
#[derive(serde::Deserialize)]
#[allow(dead_code)]
pub struct HandMission {
    id: u64,
    flow_uuid: Option<String>,
    flow_name: Option<String>,
    status: Option<String>,
    level: Option<String>,
    title: Option<String>,
    data_no: Option<u64>,
    data_id: Option<u64>,
    history: bool,
    stop_uuid: Option<String>,
    stop_chart_text: Option<String>,
    create_user_id: Option<String>,
    update_user_id: Option<String>,
    ticket_createtime: Option<String>,
    createtime: String,
    updatetime: String,
    assignee_id: Option<u64>,
    assign_group_id: Option<u64>,
    action: Option<String>,
    attachment: bool,
    closed: bool,
    is_active: Option<bool>,
    deploy_flag: Option<bool>,
}
