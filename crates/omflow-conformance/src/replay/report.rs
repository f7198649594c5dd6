//! What a replay found: one outcome per exchange, and tallies by episode and endpoint.

use std::collections::BTreeMap;

/// What one recorded exchange gave on replay.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Outcome {
    /// The step's name.
    pub name: String,
    /// Its episode, where the recording has them.
    pub episode: Option<u64>,
    /// The request's path (the endpoint).
    pub endpoint: String,
    /// `None` when the answers agree, else what differs first.
    pub difference: Option<String>,
}

/// Every exchange's outcome, in order.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// One per replayed exchange (and per out-of-band step that could not be applied).
    pub outcomes: Vec<Outcome>,
}

/// Agreement of a group of exchanges (an episode or an endpoint).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Exchanges in the group.
    pub total: usize,
    /// Those that agree.
    pub agree: usize,
}

impl Report {
    /// How many exchanges agree.
    #[must_use]
    pub fn agreeing(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.difference.is_none())
            .count()
    }

    /// The outcomes that differ.
    pub fn differences(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().filter(|o| o.difference.is_some())
    }

    /// Agreement per episode (steps without an episode under 0).
    #[must_use]
    pub fn by_episode(&self) -> BTreeMap<u64, Tally> {
        self.tally(|o| o.episode.unwrap_or(0))
    }

    /// Agreement per endpoint path.
    #[must_use]
    pub fn by_endpoint(&self) -> BTreeMap<String, Tally> {
        self.tally(|o| o.endpoint.clone())
    }

    fn tally<K: Ord>(&self, key: impl Fn(&Outcome) -> K) -> BTreeMap<K, Tally> {
        let mut out: BTreeMap<K, Tally> = BTreeMap::new();
        for outcome in &self.outcomes {
            let tally = out.entry(key(outcome)).or_default();
            tally.total += 1;
            tally.agree += usize::from(outcome.difference.is_none());
        }
        out
    }
}
