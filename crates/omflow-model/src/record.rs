//! Fast record deserialization without `#[serde(flatten)]` buffering: known keys go straight
//! into typed fields, unknown keys into the record's `extra` map (kept, never dropped).

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// A map key, borrowed from the input when possible.
pub(crate) enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }

    pub(crate) fn into_owned(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_string(),
            Key::Owned(s) => s,
        }
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Implements `Deserialize` for a record struct: `required` fields must be present (a
/// missing one is an error naming it), `optional` fields are `Option<T>` (missing or `null`
/// is `None`), `defaulted` fields are `Option<T>` written only when present, and every other
/// key lands in `extra`.
macro_rules! record_deserialize {
    ($name:ident, $expecting:literal, required { $($req:ident : $rty:ty),* $(,)? }, optional { $($opt:ident : $oty:ty),* $(,)? }, extra: $extra:ident) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct RecordVisitor;
                impl<'de> serde::de::Visitor<'de> for RecordVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        $(let mut $req: Option<$rty> = None;)*
                        $(let mut $opt: Option<$oty> = None;)*
                        let mut $extra = serde_json::Map::new();
                        while let Some(key) = map.next_key::<crate::record::Key<'de>>()? {
                            match key.as_str() {
                                $(stringify!($req) => {
                                    if $req.is_some() {
                                        return Err(serde::de::Error::duplicate_field(stringify!($req)));
                                    }
                                    $req = Some(map.next_value()?);
                                })*
                                $(stringify!($opt) => {
                                    $opt = map.next_value::<Option<$oty>>()?;
                                })*
                                _ => {
                                    let value: serde_json::Value = map.next_value()?;
                                    $extra.insert(key.into_owned(), value);
                                }
                            }
                        }
                        Ok($name {
                            $($req: $req.ok_or_else(|| serde::de::Error::missing_field(stringify!($req)))?,)*
                            $($opt,)*
                            $extra,
                        })
                    }
                }
                deserializer.deserialize_map(RecordVisitor)
            }
        }
    };
}

pub(crate) use record_deserialize;
