//! The single JSON value a condition compares against ([`Scalar`]) and its conversions.

use serde_json::Value;
use std::fmt;

/// A JSON scalar to compare against: text, number, boolean or null.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar(pub(super) Value);

impl Scalar {
    /// `null`.
    pub const NULL: Scalar = Scalar(Value::Null);

    /// Accepts any JSON value but an array or an object.
    #[must_use]
    pub fn from_value(value: Value) -> Option<Scalar> {
        (!value.is_array() && !value.is_object()).then_some(Scalar(value))
    }

    /// The JSON value.
    #[must_use]
    pub fn as_value(&self) -> &Value {
        &self.0
    }
}

macro_rules! scalar_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Scalar {
            fn from(value: $t) -> Self {
                Scalar(Value::from(value))
            }
        }
    )*};
}
scalar_from!(&str, String, bool, i32, i64, u32, u64);

impl From<&String> for Scalar {
    fn from(value: &String) -> Self {
        Scalar(Value::from(value.as_str()))
    }
}

impl From<crate::DataId> for Scalar {
    fn from(value: crate::DataId) -> Self {
        Scalar(Value::from(value.get()))
    }
}

impl From<crate::DataNo> for Scalar {
    fn from(value: crate::DataNo) -> Self {
        Scalar(Value::from(value.get()))
    }
}

impl<T: Into<Scalar>> From<Option<T>> for Scalar {
    fn from(value: Option<T>) -> Self {
        value.map(Into::into).unwrap_or(Scalar::NULL)
    }
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}
