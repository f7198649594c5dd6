//! The state columns of ticket rows (`history`, `closed`, `running`, `error`), named by a
//! type so that the engine cannot misspell one (a misspelt JSON key reads as a silent null).
//!
//! Reads are exact, as the real server's filters are: a column is `false` only when it holds
//! the boolean `false` (a missing column is neither).

use serde_json::{Map, Value};

/// A boolean state column of a ticket row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flag {
    /// The row is an old version of its ticket.
    History,
    /// The ticket reached an end.
    Closed,
    /// The engine is moving the ticket.
    Running,
    /// The engine stopped on an error.
    Error,
}

impl Flag {
    fn column(self) -> &'static str {
        match self {
            Flag::History => "history",
            Flag::Closed => "closed",
            Flag::Running => "running",
            Flag::Error => "error",
        }
    }
}

/// Typed access to the state columns of a row kept in the wire form.
pub(crate) trait StateColumns {
    /// Whether the column holds exactly this boolean.
    fn is(&self, flag: Flag, value: bool) -> bool;
    /// Writes the column.
    fn set(&mut self, flag: Flag, value: bool);

    /// The ticket's current version: not history, not closed.
    fn is_current(&self) -> bool {
        self.is(Flag::History, false) && self.is(Flag::Closed, false)
    }

    /// Current and not being moved by the engine (a push may act on it).
    fn is_idle_current(&self) -> bool {
        self.is_current() && self.is(Flag::Running, false)
    }
}

impl StateColumns for Map<String, Value> {
    fn is(&self, flag: Flag, value: bool) -> bool {
        self.get(flag.column()) == Some(&Value::Bool(value))
    }

    fn set(&mut self, flag: Flag, value: bool) {
        self.insert(flag.column().into(), Value::Bool(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_are_exact_booleans() {
        let mut row = json!({"history": false, "closed": 0, "data_no": 3})
            .as_object()
            .unwrap()
            .clone();
        assert!(row.is(Flag::History, false));
        assert!(!row.is(Flag::Closed, false), "0 is not false");
        assert!(!row.is(Flag::Running, false), "missing is not false");
        assert!(!row.is_current());
        row.set(Flag::Closed, false);
        row.set(Flag::Running, false);
        assert!(row.is_current() && row.is_idle_current());
        row.set(Flag::Running, true);
        assert!(row.is_current() && !row.is_idle_current());
        assert_eq!(row["running"], true);
    }
}
