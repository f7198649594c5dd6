//! The fake's clock: server-local time (Asia/Taipei, naive) that tests can move forward.

use chrono::{Duration, NaiveDateTime, Utc};
use std::time::Instant;

/// Server-local time that runs with the wall clock, or stands still, and can be advanced.
#[derive(Debug, Clone)]
pub struct Clock {
    started: Instant,
    start_local: NaiveDateTime,
    advanced: Duration,
    frozen: bool,
}

impl Clock {
    /// Runs with the wall clock, starting at the current Asia/Taipei time.
    #[must_use]
    pub fn running() -> Self {
        Clock {
            started: Instant::now(),
            start_local: (Utc::now() + Duration::hours(8)).naive_utc(),
            advanced: Duration::zero(),
            frozen: false,
        }
    }

    /// Stands still at the current Asia/Taipei time until advanced (a replay moves it by
    /// the recorded gaps).
    #[must_use]
    pub fn frozen_now() -> Self {
        Self::frozen((Utc::now() + Duration::hours(8)).naive_utc())
    }

    /// Stands still at `at` until advanced.
    #[must_use]
    pub fn frozen(at: NaiveDateTime) -> Self {
        Clock {
            started: Instant::now(),
            start_local: at,
            advanced: Duration::zero(),
            frozen: true,
        }
    }

    /// The current server-local time.
    #[must_use]
    pub fn now(&self) -> NaiveDateTime {
        let elapsed = if self.frozen {
            Duration::zero()
        } else {
            Duration::from_std(self.started.elapsed()).unwrap_or_else(|_| Duration::zero())
        };
        // Saturates instead of overflowing (a clock set or advanced to the end of time).
        self.start_local
            .checked_add_signed(elapsed)
            .and_then(|t| t.checked_add_signed(self.advanced))
            .unwrap_or(NaiveDateTime::MAX)
    }

    /// Sets the time to `at`, earlier or later; a running clock runs on from there.
    pub fn set(&mut self, at: NaiveDateTime) {
        self.started = Instant::now();
        self.start_local = at;
        self.advanced = Duration::zero();
    }

    /// Moves time forward by `seconds` (fractions allowed; negative values are ignored).
    pub fn advance(&mut self, seconds: f64) {
        if seconds.is_finite() && seconds > 0.0 {
            let millis = (seconds * 1000.0).min(1e15) as i64;
            if let Some(later) = self.advanced.checked_add(&Duration::milliseconds(millis)) {
                self.advanced = later;
            }
        }
    }
}
