//! The two web-UI paths an assignee's attachments need, which are not `/rest/` endpoints of
//! the [`Endpoint`](crate::Endpoint) table: the web login (HTTP Basic; sets a `sessionid`
//! cookie that lives 130 s) and the attachment download the web form links to (needs that
//! session; the real server checks no permission on it and joins the path to its media root
//! unchecked).
//!
//! ```
//! use omflow_model::web;
//!
//! assert_eq!(
//!     web::download_path("omformflow/dc33fb340034418c8fbb3baf15525e86/8/20/note.txt"),
//!     "/api/history-files/download/omformflow/dc33fb340034418c8fbb3baf15525e86/8/20/note.txt"
//! );
//! ```

/// `POST` with HTTP Basic: a web session (`Set-Cookie: sessionid=…`).
pub const LOGIN: &str = "/accounts/api/login/";

/// `GET` with the session cookie, followed by the attachment's `file` (as the attachment
/// list gives it: `omformflow/<flow hex>/<data_no>/<data_id>/<name>`).
pub const DOWNLOAD_PREFIX: &str = "/api/history-files/download/";

/// The download path of an attachment's `file`.
#[must_use]
pub fn download_path(file: &str) -> String {
    format!("{DOWNLOAD_PREFIX}{file}")
}
