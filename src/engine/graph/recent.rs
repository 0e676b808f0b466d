//! Recent answers of the walks, kept so that asking the same question again — the explorer
//! drawing a pane anew, going back to a principal, a lesson checking a step — costs a lookup.
//!
//! A walk's answer on a dense organisation can hold hundreds of thousands of hops, so what
//! is kept is bounded by the hops it holds (its *weight*), not by the number of answers: the
//! least recently asked go first, and an answer heavier than the whole budget is not kept.
//! The graph is read-only once built, so a kept answer never goes stale.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// How many hops the kept answers of one kind may hold together: about 120 MB of hops with
/// their sentences, a few times one answer on a 100,000-role dense organisation.
pub const HOPS_KEPT: usize = 1_000_000;

/// How many answers of one kind are kept at most, however light.
const ANSWERS_KEPT: usize = 64;

/// Recent answers of one kind, by the question asked.
#[derive(Debug)]
pub struct Recent<K, V> {
    inner: Mutex<Kept<K, V>>,
}

#[derive(Debug)]
struct Kept<K, V> {
    /// Least recently asked first.
    answers: VecDeque<(K, Arc<V>, usize)>,
    weight: usize,
    budget: usize,
}

impl<K: PartialEq, V> Default for Recent<K, V> {
    fn default() -> Self {
        Self::with_budget(HOPS_KEPT)
    }
}

impl<K: PartialEq, V> Recent<K, V> {
    /// Kept answers holding at most `budget` hops together.
    #[must_use]
    pub fn with_budget(budget: usize) -> Self {
        Self {
            inner: Mutex::new(Kept {
                answers: VecDeque::new(),
                weight: 0,
                budget,
            }),
        }
    }

    /// The kept answer to `key`, or the one `make` works out (kept when it fits, with its
    /// weight from `weigh`). `make` runs without the lock held, so a walk may ask others.
    pub fn get_or_make(
        &self,
        key: K,
        make: impl FnOnce() -> V,
        weigh: impl FnOnce(&V) -> usize,
    ) -> Arc<V> {
        if let Some(v) = self.get(&key) {
            return v;
        }
        let v = Arc::new(make());
        let weight = weigh(&v).max(1);
        self.keep(key, Arc::clone(&v), weight);
        v
    }

    fn get(&self, key: &K) -> Option<Arc<V>> {
        let mut kept = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let at = kept.answers.iter().position(|(k, ..)| k == key)?;
        // Asked again: now the most recent.
        let entry = kept.answers.remove(at)?;
        let v = Arc::clone(&entry.1);
        kept.answers.push_back(entry);
        Some(v)
    }

    fn keep(&self, key: K, v: Arc<V>, weight: usize) {
        let mut kept = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if weight > kept.budget || kept.answers.iter().any(|(k, ..)| *k == key) {
            return;
        }
        while kept.weight + weight > kept.budget || kept.answers.len() >= ANSWERS_KEPT {
            let Some((_, _, w)) = kept.answers.pop_front() else {
                break;
            };
            kept.weight -= w;
        }
        kept.weight += weight;
        kept.answers.push_back((key, v, weight));
    }

    /// How many answers are kept, and the hops they hold.
    #[must_use]
    pub fn held(&self) -> (usize, usize) {
        let kept = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (kept.answers.len(), kept.weight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_asked_answer_goes_first_when_the_budget_is_spent() {
        let recent: Recent<u32, &str> = Recent::with_budget(10);
        let made = std::cell::Cell::new(0);
        let ask = |k: u32, weight: usize| {
            recent.get_or_make(
                k,
                || {
                    made.set(made.get() + 1);
                    "answer"
                },
                |_| weight,
            )
        };
        ask(1, 4);
        ask(2, 4);
        ask(1, 4); // kept: not made again, and now the most recent
        assert_eq!(made.get(), 2);
        ask(3, 4); // 12 > 10: 2, the least recently asked, goes
        assert_eq!(recent.held(), (2, 8));
        ask(1, 4);
        assert_eq!(made.get(), 3, "1 was kept");
        ask(2, 4);
        assert_eq!(made.get(), 4, "2 was let go and made again");
        ask(9, 11); // heavier than the whole budget: answered, not kept
        ask(9, 11);
        assert_eq!(made.get(), 6);
        assert_eq!(recent.held().1, 8);
    }
}
