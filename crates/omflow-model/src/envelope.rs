//! The response envelope `{status, message, result}` and its typed reading.

use crate::error::ApiError;
use serde::de::{self, DeserializeOwned, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::fmt;

/// The envelope's `status`: `200` success, `403` refused, `404` failed, `500` exception.
///
/// The real server sends an integer; the docs and the server's own API-format examples
/// show a string (`"200"`). Both decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusCode(pub u16);

impl StatusCode {
    /// `200`.
    pub const OK: StatusCode = StatusCode(200);
    /// `403`: refused (authentication or permission).
    pub const FORBIDDEN: StatusCode = StatusCode(403);
    /// `404`: validation or business failure.
    pub const NOT_FOUND: StatusCode = StatusCode(404);
    /// `500`: an exception caught by the server's wrapper.
    pub const SERVER_ERROR: StatusCode = StatusCode(500);

    /// Whether this is `200`.
    #[must_use]
    pub fn is_success(self) -> bool {
        self.0 == 200
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for StatusCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u16(self.0)
    }
}

impl<'de> Deserialize<'de> for StatusCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StatusVisitor;
        impl Visitor<'_> for StatusVisitor {
            type Value = StatusCode;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a status code as an integer or a numeric string")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<StatusCode, E> {
                u16::try_from(v)
                    .map(StatusCode)
                    .map_err(|_| E::custom(format!("status {v} is out of range")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<StatusCode, E> {
                u16::try_from(v)
                    .map(StatusCode)
                    .map_err(|_| E::custom(format!("status {v} is out of range")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StatusCode, E> {
                v.trim()
                    .parse::<u16>()
                    .map(StatusCode)
                    .map_err(|_| E::custom(format!("status {v:?} is not a number")))
            }
        }
        deserializer.deserialize_any(StatusVisitor)
    }
}

/// Every answer the server builds: HTTP 200 with this body, whatever happened.
///
/// ```
/// use omflow_model::{Envelope, ApiErrorKind};
/// let ok: Envelope = serde_json::from_str(r#"{"status":"200","message":"推單成功","result":""}"#).unwrap();
/// assert!(ok.status.is_success());
/// let err: Envelope = serde_json::from_str(
///     r#"{"status":403,"message":"The security code has expired. Please obtain a new security code.","result":null}"#,
/// ).unwrap();
/// let api_error = err.into_result::<serde_json::Value>().unwrap_err().into_api().unwrap();
/// assert_eq!(api_error.kind(), ApiErrorKind::SecurityExpired);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T = Value> {
    /// Success or failure class.
    pub status: StatusCode,
    /// A localized message, possibly followed by an untranslated exception text.
    pub message: String,
    /// The payload on success; `null` on most failures.
    #[serde(default = "Option::default")]
    pub result: Option<T>,
}

impl Envelope<Value> {
    /// Reads `result` as `T` when `status` is 200, or classifies the failure.
    ///
    /// # Errors
    /// [`EnvelopeError::Api`] when the status is not 200, [`EnvelopeError::Decode`] (with the JSON path) when `result` has another shape.
    pub fn into_result<T: DeserializeOwned>(self) -> Result<T, EnvelopeError> {
        if !self.status.is_success() {
            return Err(EnvelopeError::Api(Box::new(ApiError::from_envelope(
                self.status,
                self.message,
                self.result.unwrap_or(Value::Null),
            ))));
        }
        let result = self.result.unwrap_or(Value::Null);
        serde_path_to_error::deserialize(result).map_err(|err| EnvelopeError::Decode {
            path: err.path().to_string(),
            message: err.inner().to_string(),
        })
    }
}

/// Decodes a whole response body into `T`, or says what went wrong.
///
/// One pass over the bytes when `status` and `message` come before `result` (as the server
/// sends them): `result` is decoded straight into `T` on success, as JSON otherwise.
///
/// # Errors
/// [`EnvelopeError::Api`] for a failure envelope (classified), other variants for bodies that are not envelopes or results of another shape.
pub fn decode_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, EnvelopeError> {
    use serde::de::{MapAccess, Visitor};
    use serde_json::value::RawValue;

    enum Result_<T> {
        Typed(T),
        Json(Value),
        Raw(Box<RawValue>),
    }

    struct EnvelopeVisitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: DeserializeOwned> Visitor<'de> for EnvelopeVisitor<T> {
        type Value = EnvelopeParts<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an OMFLOW envelope {status, message, result}")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let (mut status, mut message, mut result) = (None, None, None);
            while let Some(key) = map.next_key::<crate::record::Key<'de>>()? {
                match key.as_str() {
                    "status" => status = Some(map.next_value::<StatusCode>()?),
                    "message" => message = Some(map.next_value::<String>()?),
                    "result" => {
                        result = Some(match status {
                            Some(s) if s.is_success() => Result_::Typed(map.next_value::<T>()?),
                            Some(_) => Result_::Json(map.next_value::<Value>()?),
                            None => Result_::Raw(map.next_value::<Box<RawValue>>()?),
                        })
                    }
                    _ => {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
            }
            Ok((status, message, result))
        }
    }

    fn parse<'de, R: serde_json::de::Read<'de>, T: DeserializeOwned>(
        mut deserializer: serde_json::Deserializer<R>,
    ) -> Result<EnvelopeParts<T>, serde_json::Error> {
        let parts = serde::Deserializer::deserialize_map(
            &mut deserializer,
            EnvelopeVisitor::<T>(std::marker::PhantomData),
        )?;
        deserializer.end()?;
        Ok(parts)
    }

    type EnvelopeParts<T> = (Option<StatusCode>, Option<String>, Option<Result_<T>>);

    // The bytes checked as UTF-8 once (fast: the server escapes all but ASCII), so that no
    // string is checked again as it is read; bytes that are not UTF-8 take the checking
    // reader, which says where.
    let parsed = match std::str::from_utf8(body) {
        Ok(text) => parse::<_, T>(serde_json::Deserializer::from_str(text)),
        Err(_) => parse::<_, T>(serde_json::Deserializer::from_slice(body)),
    };
    let (status, message, result) = match parsed {
        Ok((Some(status), Some(message), result)) => (status, message, result),
        Ok(_) => {
            return Err(EnvelopeError::NotAnEnvelope {
                message: "missing status or message".into(),
            })
        }
        Err(_) => {
            // Either not an envelope, or a typed result that failed mid-parse: the slow path
            // tells which, and where the result broke.
            let envelope: Envelope<Value> =
                serde_json::from_slice(body).map_err(|e| EnvelopeError::NotAnEnvelope {
                    message: e.to_string(),
                })?;
            return envelope.into_result();
        }
    };
    match result {
        Some(Result_::Typed(value)) => Ok(value),
        Some(Result_::Raw(raw)) if status.is_success() => decode_with_path(raw.get()),
        Some(Result_::Raw(raw)) => Err(api_error(
            status,
            message,
            serde_json::from_str(raw.get()).unwrap_or(Value::Null),
        )),
        Some(Result_::Json(value)) => Err(api_error(status, message, value)),
        None if status.is_success() => decode_with_path("null"),
        None => Err(api_error(status, message, Value::Null)),
    }
}

fn api_error(status: StatusCode, message: String, result: Value) -> EnvelopeError {
    EnvelopeError::Api(Box::new(ApiError::from_envelope(status, message, result)))
}

/// Decodes `text` as `T`; on failure, says at which JSON path.
fn decode_with_path<T: DeserializeOwned>(text: &str) -> Result<T, EnvelopeError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|err| EnvelopeError::Decode {
        path: err.path().to_string(),
        message: err.inner().to_string(),
    })
}

/// Why an envelope did not give the expected result.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// The server answered with a failure status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The status was 200 but `result` did not have the expected shape.
    #[error("unexpected result at {path}: {message}")]
    Decode {
        /// JSON path inside `result` where decoding failed.
        path: String,
        /// What was wrong there.
        message: String,
    },
    /// The body was not a `{status, message, result}` JSON object.
    #[error("the response is not an OMFLOW envelope: {message}")]
    NotAnEnvelope {
        /// The JSON error.
        message: String,
    },
}

impl EnvelopeError {
    /// The API error, when the server answered with a failure status.
    #[must_use]
    pub fn into_api(self) -> Option<ApiError> {
        match self {
            EnvelopeError::Api(err) => Some(*err),
            _ => None,
        }
    }
}

/// What create, push and quick action return: the ticket's `data_no`.
///
/// This build sends an integer; the docs show `""`; an engine that logged an internal error
/// sends `null`. All decode; only the integer carries a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DataNoResult(pub Option<crate::DataNo>);

impl Serialize for DataNoResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(no) => no.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for DataNoResult {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Null => Ok(DataNoResult(None)),
            Value::String(s) if s.is_empty() => Ok(DataNoResult(None)),
            other => crate::DataNo::deserialize(other)
                .map(|no| DataNoResult(Some(no)))
                .map_err(de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DataNo;

    #[test]
    fn status_int_or_string() {
        let a: Envelope =
            serde_json::from_str(r#"{"status":200,"message":"x","result":null}"#).unwrap();
        let b: Envelope = serde_json::from_str(r#"{"status":"200","message":"x"}"#).unwrap();
        assert_eq!(a.status, b.status);
        assert!(serde_json::from_str::<Envelope>(r#"{"status":"ok","message":"x"}"#).is_err());
        assert!(serde_json::from_str::<Envelope>(r#"{"status":200}"#).is_err());
    }

    #[test]
    fn data_no_result_shapes() {
        for (text, want) in [
            ("2", Some(2)),
            ("\"2\"", Some(2)),
            ("\"\"", None),
            ("null", None),
        ] {
            let got: DataNoResult = serde_json::from_str(text).unwrap();
            assert_eq!(got, DataNoResult(want.map(DataNo)), "{text}");
        }
        assert!(serde_json::from_str::<DataNoResult>("\"x\"").is_err());
    }

    #[test]
    fn decode_errors_name_the_path() {
        let err = decode_body::<Vec<crate::DataIdEntry>>(
            br#"{"status":200,"message":"ok","result":[{"data_id":"x","stop_chart_text":"a"}]}"#,
        )
        .unwrap_err();
        match err {
            EnvelopeError::Decode { path, .. } => assert_eq!(path, "[0].data_id"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            decode_body::<Value>(b"<html>"),
            Err(EnvelopeError::NotAnEnvelope { .. })
        ));
    }

    #[test]
    fn a_body_reads_the_same_whether_its_text_is_escaped_raw_or_not_utf8() {
        let escaped =
            br#"{"status":200,"message":"\u8b80\u53d6\u6210\u529f","result":["\u4efb\u52d9"]}"#;
        let raw = r#"{"status":200,"message":"讀取成功","result":["任務"]}"#.as_bytes();
        let want = vec!["任務".to_string()];
        assert_eq!(decode_body::<Vec<String>>(escaped).unwrap(), want);
        assert_eq!(decode_body::<Vec<String>>(raw).unwrap(), want);
        // Bytes that are not UTF-8 inside a string: refused, as the checking reader says.
        let mut broken = br#"{"status":200,"message":"ok","result":["#.to_vec();
        broken.extend_from_slice(&[b'"', 0xff, 0xfe, b'"', b']', b'}']);
        assert!(matches!(
            decode_body::<Vec<String>>(&broken),
            Err(EnvelopeError::NotAnEnvelope { .. })
        ));
        // ...and outside any string too, without a panic.
        assert!(decode_body::<Value>(&[0xff, b'{']).is_err());
    }
}
