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
    /// Why the exchange is not counted, when it differs by a rule the recordings' README
    /// gives (the answers the recorded server's broken sleep stop shows).
    pub set_aside: Option<String>,
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
            .filter(|o| o.difference.is_none() && o.set_aside.is_none())
            .count()
    }

    /// How many exchanges are counted: all less those set aside.
    #[must_use]
    pub fn counted(&self) -> usize {
        self.outcomes.len() - self.set_aside()
    }

    /// How many exchanges were set aside by a rule (see [`Outcome::set_aside`]).
    #[must_use]
    pub fn set_aside(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.set_aside.is_some())
            .count()
    }

    /// The outcomes that differ (those set aside are not among them).
    pub fn differences(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes
            .iter()
            .filter(|o| o.difference.is_some() && o.set_aside.is_none())
    }

    /// The reasons exchanges were set aside, each with how many.
    #[must_use]
    pub fn set_aside_reasons(&self) -> BTreeMap<String, usize> {
        let mut reasons = BTreeMap::new();
        for reason in self.outcomes.iter().filter_map(|o| o.set_aside.clone()) {
            *reasons.entry(reason).or_default() += 1;
        }
        reasons
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
            if outcome.set_aside.is_some() {
                continue;
            }
            let tally = out.entry(key(outcome)).or_default();
            tally.total += 1;
            tally.agree += usize::from(outcome.difference.is_none());
        }
        out
    }
}
