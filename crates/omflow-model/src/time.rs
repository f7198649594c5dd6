//! Naive server-local timestamps (`YYYY-MM-DDTHH:MM:SS[.mmm]`) that round-trip exactly.

use chrono::NaiveDateTime;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A timestamp as OMFLOW sends it: naive local time of the server (Asia/Taipei on the
/// reference install), cut to milliseconds, the fraction left out when it is zero.
///
/// The wire text is kept, so a decoded record serializes back byte for byte.
///
/// ```
/// use omflow_model::Timestamp;
/// let t: Timestamp = "2020-07-07T13:50:21.494".parse().unwrap();
/// assert_eq!(t.as_str(), "2020-07-07T13:50:21.494");
/// assert_eq!(t.naive().to_string(), "2020-07-07 13:50:21.494");
/// let whole: Timestamp = "2020-07-07T13:50:21".parse().unwrap();
/// assert!(whole < t);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    raw: String,
    value: NaiveDateTime,
}

impl Timestamp {
    /// Renders a naive time the way the server does (milliseconds, or no fraction at all).
    #[must_use]
    pub fn from_naive(value: NaiveDateTime) -> Self {
        use chrono::Timelike;
        let raw = if value.nanosecond() / 1_000 == 0 {
            value.format("%Y-%m-%dT%H:%M:%S").to_string()
        } else {
            value.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
        };
        let value = parse_fixed(&raw).unwrap_or(value);
        Timestamp { raw, value }
    }

    /// The wire text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The parsed naive date and time (no time zone is implied by the wire).
    #[must_use]
    pub fn naive(&self) -> NaiveDateTime {
        self.value
    }
}

/// A text that is not an OMFLOW timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid timestamp {0:?}: expected YYYY-MM-DDTHH:MM:SS with an optional fraction")]
pub struct TimestampError(pub String);

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let fraction_ok = match s.get(19..) {
            Some("") => true,
            Some(rest) => {
                rest.len() >= 2
                    && rest.len() <= 10
                    && rest.starts_with('.')
                    && rest[1..].bytes().all(|b| b.is_ascii_digit())
            }
            None => false,
        };
        if !fraction_ok || s.as_bytes().get(10) != Some(&b'T') {
            return Err(TimestampError(s.to_string()));
        }
        parse_fixed(s)
            .map(|value| Timestamp {
                raw: s.to_string(),
                value,
            })
            .ok_or_else(|| TimestampError(s.to_string()))
    }
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.f{1,9}]` by position (the only shape the server sends);
/// chrono checks the calendar.
fn parse_fixed(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    let date = chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let nanos = match b.get(19) {
        None => 0,
        Some(b'.') => {
            let digits = &b[20..];
            if digits.is_empty() || digits.len() > 9 || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let value = num(20..b.len())?;
            value * 10u32.pow(9 - digits.len() as u32)
        }
        Some(_) => return None,
    };
    date.and_hms_nano_opt(num(11..13)?, num(14..16)?, num(17..19)?, nanos)
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value
            .cmp(&other.value)
            .then_with(|| self.raw.cmp(&other.raw))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.raw)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        match parse_fixed(&raw) {
            Some(value) => Ok(Timestamp { raw, value }),
            None => Err(de::Error::custom(TimestampError(raw))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_wire_forms_round_trip() {
        for text in [
            "2026-11-22T16:59:16.358",
            "2026-11-22T16:59:16",
            "2026-11-22T16:59:16.000",
        ] {
            let t: Timestamp = text.parse().unwrap();
            assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{text}\""));
        }
    }

    #[test]
    fn rejects_other_shapes() {
        for text in [
            "2026-11-22 16:59:16",
            "2026-11-22T16:59",
            "2026-11-22T16:59:16Z",
            "x",
            "",
            "2026-13-01T00:00:00",
        ] {
            assert!(text.parse::<Timestamp>().is_err(), "{text}");
        }
    }

    #[test]
    fn from_naive_matches_server_rendering() {
        let t: Timestamp = "2026-11-22T16:59:16.358".parse().unwrap();
        assert_eq!(Timestamp::from_naive(t.naive()), t);
        let whole: Timestamp = "2026-11-22T16:59:16".parse().unwrap();
        assert_eq!(
            Timestamp::from_naive(whole.naive()).as_str(),
            "2026-11-22T16:59:16"
        );
    }
}
