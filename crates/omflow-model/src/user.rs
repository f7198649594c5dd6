//! Rows of the user list (`/rest/accounts/api/user/list/`).

use crate::ids::UserId;
use serde::{Deserialize, Serialize};

/// A user as the user list shows it, read with a fixed projection ([`UserRow::COLUMNS`]) so
/// that the password hash the server would otherwise include never leaves it.
///
/// ```
/// use omflow_model::{UserId, UserRow};
/// let row: UserRow = serde_json::from_str(
///     r#"{"id": 3, "username": "alice", "nick_name": "Alice", "email": "a@example.com", "is_active": true, "is_superuser": false, "is_staff": false}"#,
/// )?;
/// assert_eq!((row.id, row.username.as_str()), (UserId(3), "alice"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UserRow {
    /// The user's id.
    pub id: UserId,
    /// Login name.
    pub username: String,
    /// Display name (what push permission matches).
    #[serde(default)]
    pub nick_name: Option<String>,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// May log in.
    pub is_active: bool,
    /// Superuser.
    pub is_superuser: bool,
    /// Django's admin-site flag.
    pub is_staff: bool,
}

impl UserRow {
    /// The columns a user-list query projects to read a [`UserRow`].
    pub const COLUMNS: [&'static str; 7] = [
        "id",
        "username",
        "nick_name",
        "email",
        "is_active",
        "is_superuser",
        "is_staff",
    ];
}
