//! rolescope's own fuzzy matcher, built for ranking 100k entries within a frame: one
//! linear pass over precomputed lowercase bytes per candidate, no allocation.
//!
//! A term matches when its characters appear in order (smart case: case-insensitive
//! unless the term has an upper-case letter). Like fzf's first algorithm, the match is
//! found greedily forwards, then tightened backwards to the shortest window ending there;
//! the score rewards word-boundary starts (after `-_/.: `, camelCase, digits), runs of
//! consecutive characters and a match at the very start, and penalises gaps. Several
//! space-separated terms must all match; their scores add up.

/// Every haystack of a list, prepared once at load and laid end to end in two byte
/// arenas (as written, and ASCII-lowercased), so a full pass reads memory in order.
#[derive(Debug, Clone, Default)]
pub struct Store {
    orig: Vec<u8>,
    lower: Vec<u8>,
    /// Field `k` spans `starts[k]..starts[k + 1]`.
    starts: Vec<u32>,
    /// Per field: which byte classes occur (see [`mask`]), so a term needing a class
    /// the field lacks is rejected without reading the field.
    masks: Vec<u64>,
}

/// One haystack, borrowed from a [`Store`].
#[derive(Debug, Clone, Copy)]
pub struct HayRef<'a> {
    orig: &'a [u8],
    lower: &'a [u8],
}

impl Store {
    /// An empty store, with room for `fields` haystacks.
    #[must_use]
    pub fn with_capacity(fields: usize) -> Self {
        let mut starts = Vec::with_capacity(fields + 1);
        starts.push(0);
        Self {
            orig: Vec::new(),
            lower: Vec::new(),
            starts,
            masks: Vec::with_capacity(fields),
        }
    }

    /// A store of `fields`, in order.
    #[must_use]
    pub fn from_fields(fields: &[&str]) -> Self {
        let mut s = Self::with_capacity(fields.len());
        for f in fields {
            s.push(f);
        }
        s
    }

    /// Appends one haystack; its number is the count pushed before it.
    pub fn push(&mut self, s: &str) {
        self.orig.extend_from_slice(s.as_bytes());
        // Lowering only ASCII bytes keeps byte positions aligned with the original
        // (non-ASCII letters then match case-sensitively).
        self.lower.extend(s.bytes().map(|b| b.to_ascii_lowercase()));
        self.starts
            .push(u32::try_from(self.orig.len()).unwrap_or(u32::MAX));
        self.masks.push(mask(s.as_bytes()));
    }

    /// Haystack number `k`.
    #[must_use]
    pub fn hay(&self, k: usize) -> HayRef<'_> {
        let (a, b) = match (self.starts.get(k), self.starts.get(k + 1)) {
            (Some(&a), Some(&b)) => (a as usize, b as usize),
            _ => (0, 0),
        };
        HayRef {
            orig: &self.orig[a..b],
            lower: &self.lower[a..b],
        }
    }

    /// The byte classes of haystack number `k`.
    #[must_use]
    pub fn mask(&self, k: usize) -> u64 {
        self.masks.get(k).copied().unwrap_or(0)
    }
}

/// A 64-bit set of the byte classes in `bytes`: letters and digits by value, everything
/// else folded onto the remaining bits.
fn mask(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |m, &b| {
        let class = match b.to_ascii_lowercase() {
            c @ b'a'..=b'z' => c - b'a',
            c @ b'0'..=b'9' => 26 + (c - b'0'),
            c => 36 + c % 28,
        };
        m | (1u64 << class)
    })
}

/// One term of a query.
#[derive(Debug, Clone)]
struct Term {
    needle: Box<[u8]>,
    case_sensitive: bool,
    mask: u64,
}

/// A parsed query.
#[derive(Debug, Clone)]
pub struct FastPattern {
    terms: Vec<Term>,
}

fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'-' | b'_' | b'/' | b'.' | b':' | b' ' | b'=' | b',' | b'@' | b'+'
    )
}

fn boundary(orig: &[u8], i: usize) -> bool {
    if i == 0 {
        return true;
    }
    let (p, c) = (orig[i - 1], orig[i]);
    is_delim(p)
        || (p.is_ascii_lowercase() && c.is_ascii_uppercase())
        || (p.is_ascii_alphabetic() && c.is_ascii_digit())
}

const MATCH: i32 = 16;
const BOUNDARY: i32 = 8;
const FIRST_CHAR_BOUNDARY: i32 = 8;
const CONSECUTIVE: i32 = 6;
const GAP_START: i32 = 3;
const START_OF_STRING: i32 = 4;

impl FastPattern {
    #[must_use]
    pub fn parse(query: &str) -> Self {
        let terms = query
            .split_whitespace()
            .map(|t| {
                let case_sensitive = t.bytes().any(|b| b.is_ascii_uppercase());
                let needle: Box<[u8]> = if case_sensitive {
                    t.as_bytes().into()
                } else {
                    t.as_bytes().to_ascii_lowercase().into()
                };
                Term {
                    mask: mask(&needle),
                    needle,
                    case_sensitive,
                }
            })
            .collect();
        Self { terms }
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// False when a haystack with byte classes `hay_mask` ([`Hay::mask`]) cannot match.
    #[must_use]
    pub fn could_match(&self, hay_mask: u64) -> bool {
        self.terms.iter().all(|t| t.mask & !hay_mask == 0)
    }

    /// The score of `hay`, or `None` when some term does not match.
    #[must_use]
    pub fn score(&self, hay: HayRef<'_>) -> Option<u32> {
        let mut total = 0u32;
        for t in &self.terms {
            total = total.saturating_add(score_term(t, hay, None)?);
        }
        Some(total)
    }

    /// The score and the matched character positions (sorted, unique).
    #[must_use]
    pub fn indices(&self, hay: HayRef<'_>) -> Option<(u32, Vec<u32>)> {
        let mut total = 0u32;
        let mut bytes = Vec::new();
        for t in &self.terms {
            total = total.saturating_add(score_term(t, hay, Some(&mut bytes))?);
        }
        bytes.sort_unstable();
        bytes.dedup();
        let chars = if hay.orig.is_ascii() {
            bytes
                .into_iter()
                .filter_map(|b| u32::try_from(b).ok())
                .collect()
        } else {
            // Byte offsets to character positions.
            let text = String::from_utf8_lossy(hay.orig);
            let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            bytes
                .into_iter()
                .filter_map(|b| {
                    starts
                        .binary_search(&b)
                        .ok()
                        .and_then(|c| u32::try_from(c).ok())
                })
                .collect()
        };
        Some((total, chars))
    }
}

fn score_term(term: &Term, hay: HayRef<'_>, positions: Option<&mut Vec<usize>>) -> Option<u32> {
    let h: &[u8] = if term.case_sensitive {
        hay.orig
    } else {
        hay.lower
    };
    let n = &term.needle;
    let (first, last) = (*n.first()?, *n.last()?);
    // Forward: the earliest position where the whole term has appeared in order.
    let mut ni = 0;
    let mut end = None;
    let mut i = h.iter().position(|&b| b == first)?;
    while i < h.len() {
        if h[i] == n[ni] {
            ni += 1;
            if ni == n.len() {
                end = Some(i);
                break;
            }
        }
        i += 1;
    }
    let end = end?;
    debug_assert_eq!(h[end], last);
    // Backward: the latest start of a match ending at `end` (the tightest window).
    let mut ni = n.len();
    let mut start = end;
    let mut j = end + 1;
    while j > 0 {
        j -= 1;
        if h[j] == n[ni - 1] {
            ni -= 1;
            if ni == 0 {
                start = j;
                break;
            }
        }
    }
    let mut score = 0i32;
    let mut prev: Option<usize> = None;
    let mut ni = 0;
    let mut out = positions;
    for (k, &b) in h.iter().enumerate().take(end + 1).skip(start) {
        if ni < n.len() && b == n[ni] {
            let mut s = MATCH;
            if boundary(hay.orig, k) {
                s += BOUNDARY;
                if ni == 0 {
                    s += FIRST_CHAR_BOUNDARY;
                }
            }
            match prev {
                Some(p) if p + 1 == k => s += CONSECUTIVE,
                Some(p) => s -= GAP_START + i32::try_from((k - p - 2).min(12)).unwrap_or(12),
                None => {}
            }
            score += s;
            prev = Some(k);
            ni += 1;
            if let Some(v) = out.as_deref_mut() {
                v.push(k);
            }
        }
    }
    if start == 0 {
        score += START_OF_STRING;
    }
    // Shorter haystacks rank slightly higher among equal matches.
    score -= i32::try_from(h.len() / 32).unwrap_or(0);
    u32::try_from(score.max(1)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(q: &str, h: &str) -> Option<u32> {
        let store = Store::from_fields(&[h]);
        let p = FastPattern::parse(q);
        if !p.could_match(store.mask(0)) {
            assert!(
                p.score(store.hay(0)).is_none(),
                "mask rejected a match: {q} in {h}"
            );
            return None;
        }
        p.score(store.hay(0))
    }

    #[test]
    fn matches_in_order_only() {
        assert!(s("dep", "DeployRole").is_some());
        assert!(s("ped", "DeployRole").is_none());
        assert!(s("", "x").is_none() || FastPattern::parse("").is_empty());
    }

    #[test]
    fn smart_case_is_sensitive_only_with_an_upper_case_letter() {
        assert!(s("deploy", "DeployRole").is_some());
        assert!(s("Deploy", "deployrole").is_none());
    }

    #[test]
    fn word_starts_and_runs_outrank_scattered_matches() {
        let prefix = s("etl", "etl-stage-one").unwrap();
        let scattered = s("etl", "legacy-importer-malformed-policy").unwrap_or(0);
        assert!(prefix > scattered, "{prefix} vs {scattered}");
        let boundary = s("pd", "prod-data").unwrap();
        let inner = s("pd", "xpxxd").unwrap();
        assert!(boundary > inner);
    }

    #[test]
    fn every_term_must_match() {
        assert!(s("etl two", "etl-stage-two").is_some());
        assert!(s("etl three", "etl-stage-two").is_none());
    }

    #[test]
    fn indices_are_character_positions_even_after_non_ascii() {
        let store = Store::from_fields(&["ünrole"]);
        let (_, idx) = FastPattern::parse("rl").indices(store.hay(0)).unwrap();
        assert_eq!(idx, vec![2, 4]);
    }
}
