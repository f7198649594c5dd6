//! Identifier newtypes, so that a `data_id` can never be passed where a `data_no` belongs.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

macro_rules! int_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u64);

        impl $name {
            /// The number itself.
            pub const fn get(self) -> u64 {
                self.0
            }
        }

        impl From<u64> for $name {
            fn from(value: u64) -> Self {
                $name(value)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse::<u64>().map($name).map_err(|_| IdError {
                    what: $what,
                    found: s.to_string(),
                })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_u64(self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(IntOrNumericString($what)).map($name)
            }
        }
    };
}

int_id!(
    /// A ticket row id (`data_id`, the `id` of a query-form row): changes at every stop.
    DataId,
    "data_id"
);
int_id!(
    /// A ticket number (`data_no`), fixed for the life of a ticket, unique within a flow.
    DataNo,
    "data_no"
);
int_id!(
    /// A mission (to-do) id, global across flows.
    MissionId,
    "mission id"
);
int_id!(
    /// A group id (`assign_group_id`, the `group` of an `h_group` value).
    GroupId,
    "group id"
);
int_id!(
    /// A user id (`assignee_id`, the `user` of an `h_group` value).
    UserId,
    "user id"
);

/// A text that is not a valid identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what}: {found:?}")]
pub struct IdError {
    /// Which kind of identifier was expected.
    pub what: &'static str,
    /// What was found instead.
    pub found: String,
}

/// Accepts `7` or `"7"` (the server and its docs use both); rejects negatives and fractions.
struct IntOrNumericString(&'static str);

impl Visitor<'_> for IntOrNumericString {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a non-negative integer {} (number or numeric string)",
            self.0
        )
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v).map_err(|_| E::custom(format!("{} must not be negative, got {v}", self.0)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
        v.parse::<u64>()
            .map_err(|_| E::custom(format!("{} must be an integer, got {v:?}", self.0)))
    }
}

/// A flow's UUID. Parsed from the 32-hex form requests need or the hyphenated form list
/// results carry; [`FlowUuid::simple`] gives the request form and `Display` the hyphenated one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowUuid([u8; 32]);

impl FlowUuid {
    /// Parses either form, case-insensitively.
    ///
    /// # Errors
    /// [`IdError`] for anything but 32 hex digits, with or without the four hyphens.
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let bytes = text.as_bytes();
        let hyphens: &[usize] = match bytes.len() {
            32 => &[],
            36 => &[8, 13, 18, 23],
            _ => &[usize::MAX],
        };
        let mut out = [0u8; 32];
        let mut n = 0;
        let mut ok = hyphens != [usize::MAX];
        for (i, &byte) in bytes.iter().enumerate() {
            if !ok {
                break;
            }
            if hyphens.contains(&i) {
                ok = byte == b'-';
            } else if byte.is_ascii_hexdigit() && n < 32 {
                out[n] = byte.to_ascii_lowercase();
                n += 1;
            } else {
                ok = false;
            }
        }
        if !ok || n != 32 {
            return Err(IdError {
                what: "flow uuid (32 hex digits, hyphens optional)",
                found: text.to_string(),
            });
        }
        Ok(FlowUuid(out))
    }

    /// The 32-hex form, without hyphens, that request bodies need.
    #[must_use]
    pub fn simple(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }

    /// The hyphenated form list results carry.
    #[must_use]
    pub fn hyphenated(&self) -> String {
        let s = self.simple();
        format!(
            "{}-{}-{}-{}-{}",
            &s[0..8],
            &s[8..12],
            &s[12..16],
            &s[16..20],
            &s[20..32]
        )
    }
}

impl fmt::Display for FlowUuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hyphenated())
    }
}

impl FromStr for FlowUuid {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FlowUuid::parse(s)
    }
}

impl Serialize for FlowUuid {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.hyphenated())
    }
}

impl<'de> Deserialize<'de> for FlowUuid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct UuidVisitor;
        impl Visitor<'_> for UuidVisitor {
            type Value = FlowUuid;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a flow uuid")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FlowUuid, E> {
                FlowUuid::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(UuidVisitor)
    }
}

/// A flow's `api_path` (the URL alias set in the designer): non-empty, no `/`, no spaces.
/// Case-sensitive: `MISSION` is not `mission`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ApiPath(String);

impl ApiPath {
    /// Checks and wraps an api_path.
    ///
    /// # Errors
    /// [`IdError`] for an empty alias or one containing `/`.
    pub fn new(path: impl Into<String>) -> Result<Self, IdError> {
        let path = path.into();
        let ok = !path.is_empty()
            && path != "None"
            && !path.contains(['/', '?', '#', '%'])
            && !path.chars().any(char::is_whitespace);
        if ok {
            Ok(ApiPath(path))
        } else {
            Err(IdError {
                what: "api_path (non-empty, no '/', '?', '#', '%' or spaces)",
                found: path,
            })
        }
    }

    /// The path segment itself.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ApiPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ApiPath {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ApiPath::new(s)
    }
}

impl<'de> Deserialize<'de> for ApiPath {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ApiPath::new(String::deserialize(deserializer)?).map_err(de::Error::custom)
    }
}

/// A form field id, `FORMITM_<n>`. Its database column is `formitm_<n>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FieldId(String);

impl FieldId {
    /// Checks and wraps a field id; `formitm_3` is accepted and normalized to `FORMITM_3`.
    ///
    /// # Errors
    /// [`IdError`] for anything but `FORMITM_<number>`.
    pub fn new(id: impl AsRef<str>) -> Result<Self, IdError> {
        let id = id.as_ref();
        let number = id
            .strip_prefix("FORMITM_")
            .or_else(|| id.strip_prefix("formitm_"))
            .filter(|n| !n.is_empty() && n.len() <= 9 && n.bytes().all(|b| b.is_ascii_digit()));
        match number {
            Some(n) => Ok(FieldId(format!("FORMITM_{n}"))),
            None => Err(IdError {
                what: "form field id (FORMITM_<number>)",
                found: id.to_string(),
            }),
        }
    }

    /// The id as the API spells it (`FORMITM_3`).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The row column holding this field's value (`formitm_3`).
    #[must_use]
    pub fn column(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for FieldId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for FieldId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FieldId::new(s)
    }
}

impl<'de> Deserialize<'de> for FieldId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        if !text.starts_with("FORMITM_") {
            return Err(de::Error::custom(format!(
                "invalid form field id {text:?}: expected FORMITM_<number>"
            )));
        }
        FieldId::new(&*text).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_numbers_and_numeric_strings() {
        let id: DataId = serde_json::from_str("\"6\"").unwrap();
        assert_eq!(id, DataId(6));
        let id: DataId = serde_json::from_str("6").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "6");
        assert!(serde_json::from_str::<DataId>("-1").is_err());
        assert!(serde_json::from_str::<DataId>("\"abc\"").is_err());
        assert!(serde_json::from_str::<DataId>("1.5").is_err());
    }

    #[test]
    fn flow_uuid_both_forms() {
        let a = FlowUuid::parse("dc33fb34-0034-418c-8fbb-3baf15525e86").unwrap();
        let b = FlowUuid::parse("DC33FB340034418C8FBB3BAF15525E86").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.simple(), "dc33fb340034418c8fbb3baf15525e86");
        assert_eq!(a.to_string(), "dc33fb34-0034-418c-8fbb-3baf15525e86");
        assert!(FlowUuid::parse("dc33fb34-0034-418c-8fbb-3baf15525e8").is_err());
        assert!(FlowUuid::parse("dc33fb34-00344-18c-8fbb-3baf15525e86").is_err());
        assert!(FlowUuid::parse("").is_err());
    }

    #[test]
    fn api_path_and_field_id_rules() {
        assert!(ApiPath::new("mission").is_ok());
        assert!(ApiPath::new("a/b").is_err());
        assert!(ApiPath::new("").is_err());
        assert!(ApiPath::new("None").is_err());
        assert_eq!(FieldId::new("formitm_4").unwrap().as_str(), "FORMITM_4");
        assert_eq!(FieldId::new("FORMITM_4").unwrap().column(), "formitm_4");
        assert!(FieldId::new("FORMITM_").is_err());
        assert!(FieldId::new("title").is_err());
    }
}
