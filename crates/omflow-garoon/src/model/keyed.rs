//! [`Keyed`]: an object keyed by codes, kept in server order.

/// An object keyed by codes, in server order (positional `$N` keys only make sense in order).
#[derive(Debug, Clone, PartialEq)]
pub struct Keyed<T>(pub(super) Vec<(String, T)>);

impl<T> Default for Keyed<T> {
    fn default() -> Self {
        Keyed(Vec::new())
    }
}

impl<T> Keyed<T> {
    /// An entry by key.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The entries in server order.
    #[must_use]
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &T)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Whether there is an entry for `key`.
    #[must_use]
    pub fn contains_key(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    /// The values in server order.
    #[must_use]
    pub fn values(&self) -> impl ExactSizeIterator<Item = &T> {
        self.0.iter().map(|(_, v)| v)
    }

    /// The keys in server order.
    #[must_use]
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// How many entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn push(&mut self, key: &str, value: T) {
        self.0.push((key.to_string(), value));
    }
}

impl<'a, T> IntoIterator for &'a Keyed<T> {
    type Item = (&'a str, &'a T);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (String, T)>, fn(&'a (String, T)) -> (&'a str, &'a T)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

impl<T> IntoIterator for Keyed<T> {
    type Item = (String, T);
    type IntoIter = std::vec::IntoIter<(String, T)>;

    /// The entries, taken, in server order.
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::Keyed;

    #[test]
    fn looks_up_lists_and_gives_up_its_entries_in_server_order() {
        let mut keyed = Keyed::default();
        keyed.push("b", 2);
        keyed.push("a", 1);
        assert!(keyed.contains_key("a") && !keyed.contains_key("c"));
        assert_eq!(keyed.values().copied().collect::<Vec<_>>(), [2, 1]);
        assert_eq!(keyed.get("a"), Some(&1));
        let owned: Vec<(String, i32)> = keyed.into_iter().collect();
        assert_eq!(owned, [("b".to_string(), 2), ("a".to_string(), 1)]);
    }
}
