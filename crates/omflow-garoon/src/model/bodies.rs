//! The REST API's plain bodies, read with serde as they are: a downloaded file and Garoon's
//! error body.

use serde::{Deserialize, Serialize};

/// A file from `GET /api/v1/workflow/admin/files/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileContent {
    /// File id.
    pub id: String,
    /// MIME type.
    #[serde(default)]
    pub content_type: Option<String>,
    /// File name.
    #[serde(default)]
    pub name: Option<String>,
    /// Size in bytes, as text.
    #[serde(default)]
    pub size: Option<String>,
    /// Base64 content.
    pub content: String,
}

impl FileContent {
    /// The file's bytes.
    ///
    /// # Errors
    /// base64's error when `content` is not base64.
    pub fn bytes(&self) -> Result<Vec<u8>, base64::DecodeError> {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.decode(self.content.trim())
    }
}

/// Garoon's error body `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GaroonErrorBody {
    /// `GRN_<APP>_<digits>`.
    #[serde(default)]
    pub error_code: Option<String>,
    /// Message.
    #[serde(default)]
    pub message: String,
    /// Cause.
    #[serde(default)]
    pub cause: Option<String>,
    /// What to do.
    #[serde(default)]
    pub counter_measure: Option<String>,
    /// Developer details.
    #[serde(default)]
    pub developer_info: Option<String>,
    /// Server backtrace.
    #[serde(default)]
    pub backtrace: Option<String>,
}

/// The wrapper of [`GaroonErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GaroonErrorEnvelope {
    /// The error.
    pub error: GaroonErrorBody,
}
