//! Fuzzy search over a browsable list (roles, users, groups, identity providers): the
//! haystacks prepared once at load, the ranking of one query, match highlighting for the
//! rows on screen, and the worker thread that runs queries off the input path.
//!
//! Each entry is matched on its *name* first and, failing that, on its secondary fields
//! (path, account, account name, tags, kinds); a query containing `:` is also tried
//! against the full ARN. Name matches rank above secondary ones. Matching the name rather
//! than the whole ARN keeps short queries meaningful (every role ARN contains
//! `arn:aws:iam::`) and is what makes 100k entries searchable within a frame.
//!
//! Two matchers sit behind [`MatcherKind`]: nucleo's (the default: fzf-style syntax, the
//! faster of the two) and fuzzy-matcher's skim algorithm; BENCHMARKS.md compares them.
//! This module knows nothing of the terminal; the worker reports through a callback.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str, Utf32String};

pub mod fast;

/// Which matching algorithm ranks the entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MatcherKind {
    /// rolescope's own single-pass matcher ([`fast`]): the default, the only one of the
    /// three that ranks 100k entries within a frame on this kind of machine.
    #[default]
    Fast,
    /// nucleo-matcher: fzf's algorithm and syntax (`^prefix`, `suffix$`, `'exact`,
    /// `!not`, space-separated terms all required).
    Nucleo,
    /// fuzzy-matcher's `SkimMatcherV2`, smart case, the whole query as one term.
    Skim,
}

/// How a list is ordered when no query ranks it (and among equal scores when one does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Name,
    Account,
    /// Most recently used first; never-used entries last.
    LastUsed,
}

impl Sort {
    pub const ALL: [Self; 3] = [Self::Name, Self::Account, Self::LastUsed];

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Account => "account",
            Self::LastUsed => "last used",
        }
    }

    #[must_use]
    pub fn next(self) -> Self {
        match self {
            Self::Name => Self::Account,
            Self::Account => Self::LastUsed,
            Self::LastUsed => Self::Name,
        }
    }
}

/// Which field of an entry a query matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Secondary,
    Arn,
}

/// What one entry offers to search, as the caller builds it.
#[derive(Debug, Clone, Default)]
pub struct EntryInput {
    pub name: String,
    /// Path, account, account name, tags and kinds, space separated.
    pub secondary: String,
    pub arn: String,
    pub account: String,
    /// Bit `k` set when the entry has kind number `k` (at most 32 kinds).
    pub kinds: u32,
    /// Seconds since the epoch of the last use, when known.
    pub last_used: Option<i64>,
}

struct Entry {
    /// nucleo's haystacks (name, secondary, ARN), kept only for that matcher.
    nucleo: Option<Box<[Utf32String; 3]>>,
    name_str: Box<str>,
    secondary_str: Box<str>,
    arn_str: Box<str>,
    account: u16,
    kinds: u32,
}

/// The prepared haystacks of one list, with its three orderings precomputed.
pub struct EntityIndex {
    matcher: MatcherKind,
    entries: Vec<Entry>,
    /// The fast matcher's haystacks: entry `i`'s name, secondary and ARN are fields
    /// `3i`, `3i + 1`, `3i + 2`. Empty for the other matchers.
    fast: fast::Store,
    accounts: Vec<String>,
    /// `order[sort]` lists entry numbers in that order.
    order: [Vec<u32>; 3],
    /// `rank[sort][entry]` is the entry's position in `order[sort]`.
    rank: [Vec<u32>; 3],
}

/// Filters and ordering applied with a query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub text: String,
    /// Only entries with this kind bit.
    pub kind: Option<u8>,
    /// Only entries in this account (an index into [`EntityIndex::accounts`]).
    pub account: Option<u16>,
    pub sort: Sort,
}

impl Query {
    /// True when `self`'s results are a subset of `previous`'s, so ranking may start
    /// from the previous hits: same filters, text extended at the end, no syntax in the
    /// previous text whose meaning changes when extended (negation, anchors, escapes), and
    /// the same fields searched — a `:` typed into the query brings in the full ARN, so
    /// entries the shorter query missed can match again.
    #[must_use]
    pub fn narrows(&self, previous: &Self) -> bool {
        !previous.text.is_empty()
            && self.kind == previous.kind
            && self.account == previous.account
            && self.text.starts_with(&previous.text)
            && !previous.text.contains(['!', '$', '\\'])
            && previous.text.contains(':') == self.text.contains(':')
    }
}

fn order_for(sort: Sort) -> usize {
    match sort {
        Sort::Name => 0,
        Sort::Account => 1,
        Sort::LastUsed => 2,
    }
}

impl EntityIndex {
    /// Prepares the haystacks of `inputs`, in their given order, for the default matcher.
    #[must_use]
    pub fn new(inputs: Vec<EntryInput>) -> Self {
        Self::with_matcher(inputs, MatcherKind::default())
    }

    /// Prepares the haystacks of `inputs` for `matcher`.
    #[must_use]
    pub fn with_matcher(inputs: Vec<EntryInput>, matcher: MatcherKind) -> Self {
        let mut accounts: Vec<String> = inputs.iter().map(|e| e.account.clone()).collect();
        accounts.sort();
        accounts.dedup();
        let n = inputs.len();
        let mut by_name: Vec<u32> = (0..n).map(to_u32).collect();
        by_name.sort_by(|&a, &b| {
            let (a, b) = (&inputs[a as usize], &inputs[b as usize]);
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.account.cmp(&b.account))
        });
        let mut by_account: Vec<u32> = (0..n).map(to_u32).collect();
        by_account.sort_by(|&a, &b| {
            let (a, b) = (&inputs[a as usize], &inputs[b as usize]);
            a.account
                .cmp(&b.account)
                .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
        });
        let mut by_last_used: Vec<u32> = by_name.clone();
        by_last_used.sort_by_key(|&i| std::cmp::Reverse(inputs[i as usize].last_used));
        let order = [by_name, by_account, by_last_used];
        let rank = order.clone().map(|o| {
            let mut r = vec![0u32; n];
            for (pos, &i) in o.iter().enumerate() {
                r[i as usize] = to_u32(pos);
            }
            r
        });
        let mut store = fast::Store::with_capacity(if matcher == MatcherKind::Fast {
            3 * n
        } else {
            0
        });
        let entries = inputs
            .into_iter()
            .map(|e| {
                let account = accounts
                    .binary_search(&e.account)
                    .map_or(0, |i| u16::try_from(i).unwrap_or(u16::MAX));
                if matcher == MatcherKind::Fast {
                    store.push(&e.name);
                    store.push(&e.secondary);
                    store.push(&e.arn);
                }
                Entry {
                    nucleo: (matcher == MatcherKind::Nucleo).then(|| {
                        Box::new([
                            Utf32String::from(e.name.as_str()),
                            Utf32String::from(e.secondary.as_str()),
                            Utf32String::from(e.arn.as_str()),
                        ])
                    }),
                    name_str: e.name.into(),
                    secondary_str: e.secondary.into(),
                    arn_str: e.arn.into(),
                    account,
                    kinds: e.kinds,
                }
            })
            .collect();
        Self {
            matcher,
            entries,
            fast: store,
            accounts,
            order,
            rank,
        }
    }

    /// The matcher the haystacks were prepared for.
    #[must_use]
    pub fn matcher(&self) -> MatcherKind {
        self.matcher
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The distinct accounts of the entries, sorted.
    #[must_use]
    pub fn accounts(&self) -> &[String] {
        &self.accounts
    }

    /// The secondary haystack of entry `i` (what a non-name match was found in).
    #[must_use]
    pub fn secondary(&self, i: u32) -> &str {
        self.entries
            .get(i as usize)
            .map_or("", |e| &e.secondary_str)
    }

    fn passes(&self, e: &Entry, q: &Query) -> bool {
        q.kind.is_none_or(|k| e.kinds & (1u32 << (k & 31)) != 0)
            && q.account.is_none_or(|a| e.account == a)
    }
}

fn to_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Reusable matcher state (allocations kept across queries). Each index is searched
/// with the matcher it was prepared for.
pub struct Searcher {
    nucleo: Matcher,
    skim: SkimMatcherV2,
}

impl Default for Searcher {
    fn default() -> Self {
        Self::new()
    }
}

impl Searcher {
    #[must_use]
    pub fn new() -> Self {
        Self {
            nucleo: Matcher::new(Config::DEFAULT),
            skim: SkimMatcherV2::default().smart_case(),
        }
    }

    /// The entries of `index` that `query` selects, best first. `within`, when given,
    /// restricts the candidates (the previous hits of a query this one narrows).
    pub fn search(
        &mut self,
        index: &EntityIndex,
        query: &Query,
        within: Option<&[u32]>,
    ) -> Vec<u32> {
        let text = query.text.trim();
        let sort = order_for(query.sort);
        if text.is_empty() {
            return index.order[sort]
                .iter()
                .copied()
                .filter(|&i| index.passes(&index.entries[i as usize], query))
                .collect();
        }
        let try_arn = text.contains(':');
        let rank = &index.rank[sort];
        // One integer per hit packs (inverted score, rank in the chosen ordering): sorting
        // the integers orders by score descending, then by that ordering, and the rank
        // gives the entry back.
        let mut keyed: Vec<u64> = Vec::with_capacity(within.map_or(index.len(), <[u32]>::len));
        let mut consider = |i: u32, score: Option<u32>| {
            if let Some(s) = score {
                keyed.push((u64::from(u32::MAX - s) << 32) | u64::from(rank[i as usize]));
            }
        };
        match index.matcher {
            MatcherKind::Fast => {
                let pattern = fast::FastPattern::parse(text);
                let store = &index.fast;
                let score_one = |i: u32| -> Option<u32> {
                    let k = 3 * i as usize;
                    let name_ok = pattern.could_match(store.mask(k));
                    if name_ok && let Some(s) = pattern.score(store.hay(k)) {
                        return Some(s.saturating_add(NAME_BONUS));
                    }
                    if try_arn
                        && pattern.could_match(store.mask(k + 2))
                        && let Some(s) = pattern.score(store.hay(k + 2))
                    {
                        return Some(s);
                    }
                    if pattern.could_match(store.mask(k + 1)) {
                        pattern.score(store.hay(k + 1))
                    } else {
                        None
                    }
                };
                for_candidates(index, query, within, |i, _| consider(i, score_one(i)));
            }
            MatcherKind::Nucleo => {
                let pattern = Pattern::parse(text, CaseMatching::Smart, Normalization::Smart);
                let nucleo = &mut self.nucleo;
                let mut score_one = |e: &Entry| -> Option<u32> {
                    let [name, secondary, arn] = &**e.nucleo.as_ref()?;
                    if let Some(s) = pattern.score(name.slice(..), nucleo) {
                        return Some(s.saturating_add(NAME_BONUS));
                    }
                    if try_arn && let Some(s) = pattern.score(arn.slice(..), nucleo) {
                        return Some(s);
                    }
                    pattern.score(secondary.slice(..), nucleo)
                };
                for_candidates(index, query, within, |i, e| consider(i, score_one(e)));
            }
            MatcherKind::Skim => {
                let skim = &self.skim;
                let score_one = |e: &Entry| -> Option<u32> {
                    let clamp = |s: i64| u32::try_from(s.max(0)).unwrap_or(u32::MAX / 2);
                    if let Some(s) = skim.fuzzy_match(&e.name_str, text) {
                        return Some(clamp(s).saturating_add(NAME_BONUS));
                    }
                    if try_arn && let Some(s) = skim.fuzzy_match(&e.arn_str, text) {
                        return Some(clamp(s));
                    }
                    skim.fuzzy_match(&e.secondary_str, text).map(clamp)
                };
                for_candidates(index, query, within, |i, e| consider(i, score_one(e)));
            }
        }
        keyed.sort_unstable();
        let order = &index.order[sort];
        keyed
            .into_iter()
            .map(|k| order[(k & u64::from(u32::MAX)) as usize])
            .collect()
    }

    /// Which field of entry `i` `text` matches and the matched character positions in it
    /// (for highlighting the rows on screen only).
    pub fn highlight(
        &mut self,
        index: &EntityIndex,
        i: u32,
        text: &str,
    ) -> Option<(Field, Vec<u32>)> {
        let e = index.entries.get(i as usize)?;
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let mut fields = vec![(Field::Name, 0usize, &*e.name_str)];
        if text.contains(':') {
            fields.push((Field::Arn, 2, &*e.arn_str));
        }
        fields.push((Field::Secondary, 1, &*e.secondary_str));
        let fast_pattern =
            (index.matcher == MatcherKind::Fast).then(|| fast::FastPattern::parse(text));
        let nucleo_pattern = (index.matcher == MatcherKind::Nucleo)
            .then(|| Pattern::parse(text, CaseMatching::Smart, Normalization::Smart));
        for (field, slot, hay_str) in fields {
            let mut idx = Vec::new();
            let found = match index.matcher {
                MatcherKind::Fast => {
                    let hay = index.fast.hay(3 * i as usize + slot);
                    match fast_pattern.as_ref().and_then(|p| p.indices(hay)) {
                        Some((_, v)) => {
                            idx = v;
                            true
                        }
                        None => false,
                    }
                }
                MatcherKind::Nucleo => {
                    let hays = e.nucleo.as_ref()?;
                    nucleo_pattern
                        .as_ref()
                        .and_then(|p| p.indices(hays[slot].slice(..), &mut self.nucleo, &mut idx))
                        .is_some()
                }
                MatcherKind::Skim => {
                    self.skim
                        .fuzzy_indices(hay_str, text)
                        .is_some_and(|(_, v)| {
                            idx = v.into_iter().map(to_u32).collect();
                            true
                        })
                }
            };
            if found {
                idx.sort_unstable();
                idx.dedup();
                return Some((field, idx));
            }
        }
        None
    }
}

/// Highlights `text` against a plain string (used for short lists such as the caller
/// picker), with the same syntax as the list search.
#[must_use]
pub fn match_small(text: &str, haystack: &str, matcher: &mut Matcher) -> Option<(u32, Vec<u32>)> {
    let pattern = Pattern::parse(text.trim(), CaseMatching::Smart, Normalization::Smart);
    let mut buf = Vec::new();
    let mut idx = Vec::new();
    let score = pattern.indices(Utf32Str::new(haystack, &mut buf), matcher, &mut idx)?;
    idx.sort_unstable();
    idx.dedup();
    Some((score, idx))
}

/// A name match always outranks a match found only in secondary fields.
const NAME_BONUS: u32 = 1 << 20;

fn for_candidates(
    index: &EntityIndex,
    query: &Query,
    within: Option<&[u32]>,
    mut f: impl FnMut(u32, &Entry),
) {
    match within {
        Some(list) => {
            // The previous hits come best first, scattered over the haystacks; visiting
            // them in entry order (through a bit set) reads memory in order, which is what
            // makes narrowing cheaper than a full pass rather than dearer.
            let mut bits = vec![0u64; index.entries.len().div_ceil(64)];
            for &i in list {
                if let Some(w) = bits.get_mut(i as usize / 64) {
                    *w |= 1u64 << (i % 64);
                }
            }
            for (wi, mut w) in bits.into_iter().enumerate() {
                while w != 0 {
                    let i = wi * 64 + w.trailing_zeros() as usize;
                    w &= w - 1;
                    if let Some(e) = index.entries.get(i)
                        && index.passes(e, query)
                    {
                        f(to_u32(i), e);
                    }
                }
            }
        }
        None => {
            for (i, e) in index.entries.iter().enumerate() {
                if index.passes(e, query) {
                    f(to_u32(i), e);
                }
            }
        }
    }
}

/// One request to the worker: which list, which query, and its generation.
#[derive(Debug, Clone)]
pub struct Request {
    pub list: usize,
    pub generation: u64,
    pub query: Query,
}

/// The worker's answer to a [`Request`].
#[derive(Debug, Clone)]
pub struct Response {
    pub list: usize,
    pub generation: u64,
    pub query: Query,
    pub hits: Arc<Vec<u32>>,
    pub elapsed: Duration,
}

/// New indexes for the worker's lists, made when the data under them changed (a what-if
/// edit): `(list, index)` pairs.
#[derive(Clone)]
pub struct NewIndexes(pub Vec<(usize, Arc<EntityIndex>)>);

impl PartialEq for NewIndexes {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(&other.0)
                .all(|(a, b)| a.0 == b.0 && Arc::ptr_eq(&a.1, &b.1))
    }
}

impl Eq for NewIndexes {}

impl std::fmt::Debug for NewIndexes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(list, index)| (list, index.len())))
            .finish()
    }
}

/// What the worker is sent, in order.
enum Job {
    Search(Request),
    Replace(NewIndexes),
}

/// A thread that answers search requests for several lists; only the newest pending
/// request is answered (older ones are superseded before work starts), and each list
/// remembers its last answer to narrow from when the query is extended.
pub struct Worker {
    tx: Option<Sender<Job>>,
    handle: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts the worker over `lists`; `reply` receives every answer.
    ///
    /// # Errors
    /// When the thread cannot be spawned.
    pub fn spawn(
        lists: Vec<Arc<EntityIndex>>,
        reply: impl Fn(Response) + Send + 'static,
    ) -> std::io::Result<Self> {
        let (tx, rx) = channel::<Job>();
        let handle = std::thread::Builder::new()
            .name("rolescope-search".into())
            .spawn(move || worker_loop(lists, &rx, &reply))?;
        Ok(Self {
            tx: Some(tx),
            handle: Some(handle),
        })
    }

    /// Queues a request; a later request for any list supersedes it if not yet started.
    pub fn send(&self, request: Request) {
        if let Some(tx) = &self.tx {
            // A closed channel means the worker ended; the list then keeps its last results.
            let _ = tx.send(Job::Search(request));
        }
    }

    /// Replaces the indexes of some lists; requests sent afterwards search the new ones.
    pub fn replace(&self, indexes: NewIndexes) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(Job::Replace(indexes));
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.tx = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn worker_loop(mut lists: Vec<Arc<EntityIndex>>, rx: &Receiver<Job>, reply: &impl Fn(Response)) {
    let mut searcher = Searcher::new();
    let mut last: Vec<Option<(Query, Arc<Vec<u32>>)>> = vec![None; lists.len()];
    while let Ok(first) = rx.recv() {
        // Latest request wins: skip every queued one but the newest per list. New indexes
        // are taken in the order they were sent, before the requests sent after them.
        let mut pending: Vec<Request> = Vec::new();
        let mut next = Some(first);
        while let Some(job) = next.take().or_else(|| rx.try_recv().ok()) {
            match job {
                Job::Search(request) => pending.push(request),
                Job::Replace(NewIndexes(new)) => {
                    for (list, index) in new {
                        if let (Some(slot), Some(known)) = (lists.get_mut(list), last.get_mut(list))
                        {
                            *slot = index;
                            *known = None;
                        }
                    }
                }
            }
        }
        let mut seen = Vec::new();
        pending.reverse();
        pending.retain(|p| {
            let keep = !seen.contains(&p.list);
            seen.push(p.list);
            keep
        });
        pending.reverse();
        for request in pending {
            let Some(index) = lists.get(request.list) else {
                continue;
            };
            let started = Instant::now();
            let within = last
                .get(request.list)
                .and_then(|l| l.as_ref())
                .and_then(|(q, hits)| request.query.narrows(q).then(|| Arc::clone(hits)));
            let hits = Arc::new(searcher.search(
                index,
                &request.query,
                within.as_deref().map(Vec::as_slice),
            ));
            if let Some(slot) = last.get_mut(request.list) {
                *slot = Some((request.query.clone(), Arc::clone(&hits)));
            }
            reply(Response {
                list: request.list,
                generation: request.generation,
                query: request.query,
                hits,
                elapsed: started.elapsed(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> EntityIndex {
        index_for(MatcherKind::default())
    }

    #[test]
    fn the_worker_searches_the_indexes_it_was_last_given_and_forgets_answers_from_before() {
        let (tx, rx) = channel::<Response>();
        let worker = Worker::spawn(vec![Arc::new(index())], move |r| {
            let _ = tx.send(r);
        })
        .unwrap();
        let ask = |generation: u64, text: &str| Request {
            list: 0,
            generation,
            query: Query {
                text: text.into(),
                ..Query::default()
            },
        };
        worker.send(ask(1, "Deploy"));
        assert_eq!(rx.recv().unwrap().hits.len(), 1);
        let entry = |name: &str| EntryInput {
            name: name.into(),
            secondary: String::new(),
            arn: format!("arn:aws:iam::111111111111:role/{name}"),
            account: "111111111111".into(),
            kinds: 0,
            last_used: None,
        };
        let edited = EntityIndex::with_matcher(
            vec![entry("Reports"), entry("DeployTools")],
            MatcherKind::default(),
        );
        // A list the worker does not have is left alone.
        worker.replace(NewIndexes(vec![
            (0, Arc::new(edited)),
            (7, Arc::new(index())),
        ]));
        // A longer query narrows the previous answer ([0]); on a new index it must not.
        worker.send(ask(2, "DeployT"));
        let answer = rx.recv().unwrap();
        assert_eq!((answer.generation, answer.hits.as_slice()), (2, &[1][..]));
    }

    fn index_for(kind: MatcherKind) -> EntityIndex {
        let e = |name: &str, account: &str, secondary: &str, kinds: u32, last: Option<i64>| {
            EntryInput {
                name: name.into(),
                secondary: secondary.into(),
                arn: format!("arn:aws:iam::{account}:role/{name}"),
                account: account.into(),
                kinds,
                last_used: last,
            }
        };
        EntityIndex::with_matcher(
            vec![
                e(
                    "DeployRole",
                    "111111111111",
                    "/ ops team=platform",
                    1,
                    Some(10),
                ),
                e("ReadOnly", "222222222222", "/ audit", 2, None),
                e(
                    "AdminMFA",
                    "111111111111",
                    "/ break-glass deploy",
                    1 | 2,
                    Some(20),
                ),
            ],
            kind,
        )
    }

    #[test]
    fn name_matches_rank_above_secondary_matches() {
        for kind in [MatcherKind::Fast, MatcherKind::Nucleo, MatcherKind::Skim] {
            let mut s = Searcher::new();
            let q = Query {
                text: "deploy".into(),
                ..Query::default()
            };
            assert_eq!(s.search(&index_for(kind), &q, None), vec![0, 2], "{kind:?}");
        }
    }

    #[test]
    fn empty_query_follows_the_sort_and_filters() {
        let mut s = Searcher::new();
        let idx = index();
        let mut q = Query::default();
        assert_eq!(s.search(&idx, &q, None), vec![2, 0, 1]);
        q.sort = Sort::LastUsed;
        assert_eq!(s.search(&idx, &q, None), vec![2, 0, 1]);
        q.sort = Sort::Account;
        q.kind = Some(1);
        assert_eq!(s.search(&idx, &q, None), vec![2, 1]);
        q.kind = None;
        q.account = Some(1);
        assert_eq!(s.search(&idx, &q, None), vec![1]);
    }

    #[test]
    fn narrowing_from_previous_hits_gives_the_full_search_result() {
        let mut s = Searcher::new();
        let idx = index();
        let prev = Query {
            text: "d".into(),
            ..Query::default()
        };
        let next = Query {
            text: "dep".into(),
            ..Query::default()
        };
        assert!(next.narrows(&prev));
        let hits = s.search(&idx, &prev, None);
        assert_eq!(
            s.search(&idx, &next, Some(&hits)),
            s.search(&idx, &next, None)
        );
        let negated = Query {
            text: "!d".into(),
            ..Query::default()
        };
        let longer = Query {
            text: "!de".into(),
            ..Query::default()
        };
        assert!(!longer.narrows(&negated));
    }

    #[test]
    fn narrowing_over_many_entries_visits_every_previous_hit_once() {
        // More entries than one 64-bit word of the candidate set, hits spread over all.
        let inputs: Vec<EntryInput> = (0..300)
            .map(|i| EntryInput {
                name: format!("{}-role-{i}", ["deploy", "reader", "depot"][i % 3]),
                secondary: format!("/ team{} ", i % 7),
                arn: format!("arn:aws:iam::111111111111:role/r{i}"),
                account: "111111111111".into(),
                kinds: 0,
                last_used: None,
            })
            .collect();
        for kind in [MatcherKind::Fast, MatcherKind::Nucleo, MatcherKind::Skim] {
            let idx = EntityIndex::with_matcher(inputs.clone(), kind);
            let mut s = Searcher::new();
            let q = |t: &str| Query {
                text: t.into(),
                ..Query::default()
            };
            let mut prev = s.search(&idx, &q("d"), None);
            for t in ["de", "dep", "depo", "depot"] {
                let narrowed = s.search(&idx, &q(t), Some(&prev));
                assert_eq!(narrowed, s.search(&idx, &q(t), None), "{kind:?} {t}");
                prev = narrowed;
            }
            assert_eq!(prev.len(), 100, "{kind:?}");
        }
    }

    #[test]
    fn a_query_with_a_colon_matches_the_arn() {
        let mut s = Searcher::new();
        let idx = index();
        let q = Query {
            text: "222222222222:role".into(),
            ..Query::default()
        };
        assert_eq!(s.search(&idx, &q, None), vec![1]);
        let (field, _) = s.highlight(&idx, 1, &q.text).unwrap();
        assert_eq!(field, Field::Arn);
    }

    #[test]
    fn highlight_marks_the_matched_name_characters() {
        let mut s = Searcher::new();
        let (field, idx) = s.highlight(&index(), 1, "rdo").unwrap();
        assert_eq!(field, Field::Name);
        assert_eq!(idx, vec![0, 3, 4]);
    }
}
