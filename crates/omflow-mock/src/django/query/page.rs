//! The query set's slice `[start:limit]`: its bounds, Django's `LIMIT`/`OFFSET`, the page.

use super::join::Joined;

/// The slice `[low:high]` a list request asks for.
#[derive(Debug, Clone, Copy)]
pub(super) struct Page {
    low: i128,
    high: i128,
}

impl Page {
    /// `[start:limit]`, failing as slicing a query set with a negative bound does; a start
    /// past the limit leaves an empty slice.
    pub(super) fn new(start: i128, limit: i128) -> Result<Page, String> {
        if start < 0 || limit < 0 {
            return Err("Negative indexing is not supported.".into());
        }
        Ok(Page {
            low: start.min(limit),
            high: limit,
        })
    }

    /// An empty slice: Django runs no query.
    pub(super) fn is_empty(self) -> bool {
        self.low == self.high
    }

    /// The LIMIT/OFFSET written into the SQL text: Django writes `LIMIT high - low OFFSET
    /// low`, and SQLite takes no integer wider than 64 bits there.
    pub(super) fn check_sql(self) -> Result<(), String> {
        if self.high - self.low > i128::from(i64::MAX) || self.low > i128::from(i64::MAX) {
            return Err("datatype mismatch".into());
        }
        Ok(())
    }

    /// The page of the selected rows.
    pub(super) fn of<'r, 'a>(self, rows: &'r [Joined<'a>]) -> &'r [Joined<'a>] {
        let end = usize::try_from(self.high)
            .unwrap_or(usize::MAX)
            .min(rows.len());
        let begin = usize::try_from(self.low).unwrap_or(usize::MAX);
        if begin < end {
            &rows[begin..end]
        } else {
            &[]
        }
    }
}
