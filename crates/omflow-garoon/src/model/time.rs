//! Dates and times as Garoon sends them: UTC instants and dates with parts left empty.

use super::context::{Ctx, GaroonParseError};
use chrono::{DateTime, FixedOffset, NaiveDate};
use std::fmt;

/// A UTC instant as sent (`2025-06-10T01:15:32Z`), parsed when well-formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtcTime {
    /// The text as sent.
    pub raw: String,
    /// The instant, when the text is RFC 3339 with a `Z`.
    pub parsed: Option<DateTime<FixedOffset>>,
}

pub(super) fn utc_time(
    ctx: &mut Ctx,
    raw: String,
    path: &str,
) -> Result<UtcTime, GaroonParseError> {
    let parsed = DateTime::parse_from_rfc3339(&raw)
        .ok()
        .filter(|_| raw.ends_with('Z'));
    if parsed.is_none() {
        ctx.warn(
            path,
            format!("{raw:?} is not an RFC 3339 UTC time; kept as text"),
        )?;
    }
    Ok(UtcTime { raw, parsed })
}

/// A date with any part left empty: `YYYY-MM-DD`, `--`, `-MM-DD`, `YYYY--DD`, `YYYY-MM-`.
#[derive(Clone, PartialEq, Eq)]
pub struct PartialDate {
    /// The text as sent.
    pub raw: String,
    /// Year, if entered.
    pub year: Option<i32>,
    /// Month, if entered.
    pub month: Option<u8>,
    /// Day, if entered.
    pub day: Option<u8>,
}

impl fmt::Debug for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PartialDate")
            .field("raw", &self.raw)
            .field("year", &self.year)
            .field("month", &self.month)
            .field("day", &self.day)
            .finish()
    }
}

impl PartialDate {
    /// Parses the three `-`-separated parts, each empty or all digits.
    #[must_use]
    pub fn parse(raw: &str) -> Option<PartialDate> {
        let parts: Vec<&str> = raw.split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return None;
        };
        let part = |p: &str, max_len: usize| -> Option<Option<u32>> {
            if p.is_empty() {
                Some(None)
            } else if p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse().ok().map(Some)
            } else {
                None
            }
        };
        let year = part(y, 4)?;
        let month = part(m, 2)?;
        let day = part(d, 2)?;
        if month.is_some_and(|m| !(1..=12).contains(&m))
            || day.is_some_and(|d| !(1..=31).contains(&d))
        {
            return None;
        }
        Some(PartialDate {
            raw: raw.to_string(),
            year: year.map(|y| y as i32),
            month: month.map(|m| m as u8),
            day: day.map(|d| d as u8),
        })
    }

    /// The date, when all three parts are present and valid.
    #[must_use]
    pub fn to_naive_date(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year?, u32::from(self.month?), u32::from(self.day?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates() {
        let p = |s: &str| PartialDate::parse(s).map(|d| (d.year, d.month, d.day));
        assert_eq!(p("2016-08-11"), Some((Some(2016), Some(8), Some(11))));
        assert_eq!(p("--"), Some((None, None, None)));
        assert_eq!(p("-08-11"), Some((None, Some(8), Some(11))));
        assert_eq!(p("2016--11"), Some((Some(2016), None, Some(11))));
        assert_eq!(p("2016-08-"), Some((Some(2016), Some(8), None)));
        assert_eq!(p("2016/08/11"), None);
        assert_eq!(p("2016-13-01"), None);
        assert_eq!(
            PartialDate::parse("2016-08-11").unwrap().to_naive_date(),
            NaiveDate::from_ymd_opt(2016, 8, 11)
        );
        assert_eq!(
            PartialDate::parse("2016-02-30").unwrap().to_naive_date(),
            None
        );
    }
}
