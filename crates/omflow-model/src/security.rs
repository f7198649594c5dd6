//! The OMFLOW security code (API token): a secret that never shows in Debug or Display.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The security code from `/accounts/api/security/get/`: a uuid4 string sent in every
/// `/rest/` body. `Debug` and `Display` print `<redacted>`; only [`SecurityCode::expose`]
/// gives the value.
///
/// ```
/// use omflow_model::SecurityCode;
/// let code = SecurityCode::new("bcdf9a2b-a8d2-49b1-9a18-ebea1d2bf1fc");
/// assert_eq!(format!("{code:?}"), "SecurityCode(<redacted>)");
/// assert_eq!(code.to_string(), "<redacted>");
/// assert_eq!(code.expose(), "bcdf9a2b-a8d2-49b1-9a18-ebea1d2bf1fc");
/// ```
#[derive(Clone)]
pub struct SecurityCode(SecretString);

impl SecurityCode {
    /// Wraps a code received from the server.
    pub fn new(code: impl Into<String>) -> Self {
        SecurityCode(SecretString::from(code.into()))
    }

    /// The code itself, for building a request body.
    #[must_use]
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl PartialEq for SecurityCode {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for SecurityCode {}

impl fmt::Debug for SecurityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecurityCode(<redacted>)")
    }
}

impl fmt::Display for SecurityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Serialize for SecurityCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for SecurityCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SecurityCode::new)
    }
}

/// The result of a successful `/accounts/api/security/get/` call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SecurityGrant {
    /// The issued (or still valid, shared) security code.
    pub security: SecurityCode,
}
