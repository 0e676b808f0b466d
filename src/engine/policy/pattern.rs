//! Wildcard patterns of the policy language, compiled once and matched many times.
//!
//! `*` matches any run of characters (none included) and `?` exactly one character. Action
//! names match case-insensitively (the compiled form is lowercased and callers pass a lowercased
//! action); resources and ARN condition values match case-sensitively. ARN patterns
//! ([`ArnPattern`]) match part by part: each of the six colon-separated parts of the ARN on its
//! own, so a `*` in the region cannot run into the account; a pattern with fewer than six parts
//! matches its last part against the rest of the ARN, which is how a trailing `*`
//! (`arn:aws:s3:*`) expands beyond colon boundaries. Principals are never patterns; that rule
//! lives in `policy::compiled`.

/// One element of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text, compared byte for byte.
    Lit(String),
    /// `*`: any run of characters.
    Star,
    /// `?`: exactly one character.
    One,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// `*` alone.
    Any,
    /// No wildcard at all.
    Exact(String),
    /// `literal*`.
    Prefix(String),
    /// `*literal`.
    Suffix(String),
    /// Anything else.
    General(Vec<Piece>),
}

/// A compiled `*`/`?` pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wildcard {
    shape: Shape,
}

impl Wildcard {
    /// Compiles `pattern`, where `*` and `?` are wildcards. With `ignore_case` the pattern is
    /// lowercased and [`Wildcard::matches`] expects lowercased text.
    #[must_use]
    pub fn new(pattern: &str, ignore_case: bool) -> Self {
        let text = if ignore_case {
            pattern.to_lowercase()
        } else {
            pattern.to_owned()
        };
        Self::from_pieces(parse_pieces(&text))
    }

    /// A pattern with no wildcard: `*` and `?` in `text` are literal.
    #[must_use]
    pub fn literal(text: &str) -> Self {
        Self {
            shape: Shape::Exact(text.to_owned()),
        }
    }

    /// Builds a pattern from pieces (used for resolved policy-variable templates, whose
    /// substituted values and `${*}`-style escapes are literal).
    #[must_use]
    pub fn from_pieces(mut pieces: Vec<Piece>) -> Self {
        normalize(&mut pieces);
        let shape = match pieces.as_slice() {
            [Piece::Star] => Shape::Any,
            [] => Shape::Exact(String::new()),
            [Piece::Lit(s)] => Shape::Exact(s.clone()),
            [Piece::Lit(s), Piece::Star] => Shape::Prefix(s.clone()),
            [Piece::Star, Piece::Lit(s)] => Shape::Suffix(s.clone()),
            _ => Shape::General(pieces),
        };
        Self { shape }
    }

    /// True when the pattern is `*` alone.
    #[must_use]
    pub fn is_any(&self) -> bool {
        matches!(self.shape, Shape::Any)
    }

    /// The text the pattern matches, when it has no `*` or `?`.
    #[must_use]
    pub fn exact_text(&self) -> Option<&str> {
        match &self.shape {
            Shape::Exact(s) => Some(s),
            _ => None,
        }
    }

    /// The text every match starts with, when the pattern is that text followed by one `*`
    /// (`""` for `*` alone).
    #[must_use]
    pub fn prefix_text(&self) -> Option<&str> {
        match &self.shape {
            Shape::Any => Some(""),
            Shape::Prefix(p) => Some(p),
            _ => None,
        }
    }

    /// True when the pattern has a `*` or `?`.
    #[must_use]
    pub fn has_wildcard(&self) -> bool {
        !matches!(self.shape, Shape::Exact(_))
    }

    /// Matches the whole of `text`.
    #[must_use]
    pub fn matches(&self, text: &str) -> bool {
        match &self.shape {
            Shape::Any => true,
            Shape::Exact(s) => s == text,
            Shape::Prefix(p) => text.starts_with(p.as_str()),
            Shape::Suffix(p) => text.ends_with(p.as_str()),
            Shape::General(pieces) => match_pieces(pieces, text),
        }
    }
}

/// Splits a pattern text into pieces, `*` and `?` being wildcards.
#[must_use]
pub fn parse_pieces(text: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut lit = String::new();
    for c in text.chars() {
        match c {
            '*' | '?' => {
                if !lit.is_empty() {
                    pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                pieces.push(if c == '*' { Piece::Star } else { Piece::One });
            }
            _ => lit.push(c),
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    pieces
}

/// Merges adjacent literals and runs of `*`.
fn normalize(pieces: &mut Vec<Piece>) {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for p in pieces.drain(..) {
        match (out.last_mut(), p) {
            (Some(Piece::Star), Piece::Star) => {}
            (Some(Piece::Lit(prev)), Piece::Lit(s)) => prev.push_str(&s),
            (_, Piece::Lit(s)) if s.is_empty() => {}
            (_, p) => out.push(p),
        }
    }
    *pieces = out;
}

fn char_len(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(1, char::len_utf8)
}

/// Wildcard matching with backtracking to the last `*` only: linear for the patterns policies
/// use, and correct because a `*` can always absorb whatever a later mismatch needs.
fn match_pieces(pieces: &[Piece], text: &str) -> bool {
    let bytes_len = text.len();
    let (mut p, mut t) = (0usize, 0usize);
    // (piece index after the star, text position the star has absorbed up to)
    let mut star: Option<(usize, usize)> = None;
    loop {
        if let Some(piece) = pieces.get(p) {
            let advanced = match piece {
                Piece::Star => {
                    if p + 1 == pieces.len() {
                        return true;
                    }
                    star = Some((p + 1, t));
                    p += 1;
                    continue;
                }
                Piece::One => {
                    if t < bytes_len {
                        t += char_len(text, t);
                        true
                    } else {
                        false
                    }
                }
                Piece::Lit(s) => {
                    if text[t..].starts_with(s.as_str()) {
                        t += s.len();
                        true
                    } else {
                        false
                    }
                }
            };
            if advanced {
                p += 1;
                continue;
            }
        } else if t == bytes_len {
            return true;
        }
        match star {
            Some((sp, st)) if st < bytes_len => {
                let nt = st + char_len(text, st);
                star = Some((sp, nt));
                p = sp;
                t = nt;
            }
            _ => return false,
        }
    }
}

/// Matches `text` against a pattern given as text (`*` and `?` wildcards) without compiling
/// it; the same rules as [`Wildcard`], for patterns built once per request (resolved policy
/// variables).
#[must_use]
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if let Some(&c) = p.get(pi) {
            match c {
                b'*' => {
                    if pi + 1 == p.len() {
                        // A trailing `*` takes whatever is left.
                        return true;
                    }
                    star = Some((pi + 1, ti));
                    pi += 1;
                    continue;
                }
                b'?' if ti < t.len() => {
                    ti += char_len(text, ti);
                    pi += 1;
                    continue;
                }
                b'?' => {}
                _ if t.get(ti) == Some(&c) => {
                    ti += 1;
                    pi += 1;
                    continue;
                }
                _ => {}
            }
        } else if ti == t.len() {
            return true;
        }
        match star {
            Some((sp, st)) if st < t.len() => {
                let nt = st + char_len(text, st);
                star = Some((sp, nt));
                pi = sp;
                ti = nt;
            }
            _ => return false,
        }
    }
}

/// Matches an ARN against an ARN pattern given as text, part by part as [`ArnPattern`] does,
/// without compiling it.
#[must_use]
pub fn arn_glob_match(pattern: &str, arn: &ArnParts<'_>) -> bool {
    let n = (pattern.bytes().filter(|&b| b == b':').count() + 1).min(6);
    if n == 1 {
        return glob_match(pattern, arn.text);
    }
    if arn.count < n {
        return false;
    }
    let bytes = pattern.as_bytes();
    let mut start = 0usize;
    for i in 0..n {
        let end = if i + 1 == n {
            bytes.len()
        } else {
            match bytes[start..].iter().position(|&b| b == b':') {
                Some(off) => start + off,
                None => bytes.len(),
            }
        };
        let part = &pattern[start..end];
        let ok = if i + 1 == n {
            glob_match(part, arn.rest(i))
        } else {
            glob_match(part, arn.part(i))
        };
        if !ok {
            return false;
        }
        start = end + 1;
    }
    true
}

/// Splits `s` into at most `n` colon-separated parts (the last keeps further colons).
fn split_parts(s: &str, n: usize) -> Vec<&str> {
    s.splitn(n, ':').collect()
}

/// An ARN pattern matched part by part (resources, `Arn*` condition operators).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnPattern {
    /// `*` alone, or a pattern that is not ARN-shaped: matched against the whole text.
    whole: Option<Wildcard>,
    /// One pattern per part; fewer than six when the pattern had fewer parts, the last then
    /// matching the rest of the ARN.
    parts: Vec<Wildcard>,
}

/// An ARN split once for matching against many [`ArnPattern`]s.
#[derive(Debug, Clone, Copy)]
pub struct ArnParts<'a> {
    text: &'a str,
    /// Byte offset where each of the (up to six) parts starts.
    starts: [usize; 6],
    /// How many parts were found (1..=6).
    count: usize,
}

impl<'a> ArnParts<'a> {
    #[must_use]
    pub fn new(text: &'a str) -> Self {
        let mut starts = [0usize; 6];
        let mut count = 1;
        for (i, b) in text.bytes().enumerate() {
            if count == 6 {
                break;
            }
            if b == b':' {
                starts[count] = i + 1;
                count += 1;
            }
        }
        Self {
            text,
            starts,
            count,
        }
    }

    /// The whole text.
    #[must_use]
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Field `i` of an ARN (0 `arn`, 1 partition, 2 service, 3 Region, 4 account, 5 the
    /// resource with any further colons); `None` when the text is not an ARN or is shorter.
    #[must_use]
    pub fn field(&self, i: usize) -> Option<&'a str> {
        if i >= self.count || !self.text.starts_with("arn:") {
            return None;
        }
        Some(if i == 5 { self.rest(5) } else { self.part(i) })
    }

    /// Part `i` alone (without the colon that ends it).
    fn part(&self, i: usize) -> &'a str {
        let start = self.starts[i];
        let end = if i + 1 < self.count {
            self.starts[i + 1] - 1
        } else {
            self.text.len()
        };
        &self.text[start..end]
    }

    /// Everything from the start of part `i` to the end.
    fn rest(&self, i: usize) -> &'a str {
        &self.text[self.starts[i]..]
    }
}

impl ArnPattern {
    /// Compiles an ARN pattern (`*` and `?` wildcards, case-sensitive).
    #[must_use]
    pub fn new(pattern: &str) -> Self {
        let parts = split_parts(pattern, 6)
            .into_iter()
            .map(|p| Wildcard::new(p, false))
            .collect();
        Self::build(parts)
    }

    /// Compiles from pieces of a resolved template (see [`Wildcard::from_pieces`]).
    #[must_use]
    pub fn from_pieces(pieces: &[Piece]) -> Self {
        // Split the pieces on colons inside literals, keeping wildcards in their part.
        let mut parts: Vec<Vec<Piece>> = vec![Vec::new()];
        for piece in pieces {
            match piece {
                Piece::Lit(s) => {
                    let mut first = true;
                    for chunk in s.split(':') {
                        if !first {
                            if parts.len() < 6 {
                                parts.push(Vec::new());
                            } else if let Some(last) = parts.last_mut() {
                                last.push(Piece::Lit(":".to_owned()));
                            }
                        }
                        first = false;
                        if let Some(last) = parts.last_mut() {
                            last.push(Piece::Lit(chunk.to_owned()));
                        }
                    }
                }
                other => {
                    if let Some(last) = parts.last_mut() {
                        last.push(other.clone());
                    }
                }
            }
        }
        Self::build(parts.into_iter().map(Wildcard::from_pieces).collect())
    }

    fn build(parts: Vec<Wildcard>) -> Self {
        if parts.len() == 1 {
            let whole = parts.into_iter().next();
            return Self {
                whole,
                parts: Vec::new(),
            };
        }
        Self { whole: None, parts }
    }

    /// True when the pattern is `*` alone.
    #[must_use]
    pub fn is_any(&self) -> bool {
        self.whole.as_ref().is_some_and(Wildcard::is_any)
    }

    /// The one ARN the pattern matches, when it has no `*` or `?`.
    #[must_use]
    pub fn literal(&self) -> Option<String> {
        if let Some(w) = &self.whole {
            return w.exact_text().map(str::to_owned);
        }
        let mut out = String::new();
        for (i, w) in self.parts.iter().enumerate() {
            if i > 0 {
                out.push(':');
            }
            out.push_str(w.exact_text()?);
        }
        Some(out)
    }

    /// The text an ARN matches exactly when it starts with it: for a pattern whose only
    /// wildcard is one `*` at its very end (`arn:aws:iam::111111111111:role/app-*`), with the
    /// account the pattern fixes when it has every ARN field.
    #[must_use]
    pub fn literal_prefix(&self) -> Option<(String, Option<&str>)> {
        if let Some(w) = &self.whole {
            return w.prefix_text().map(|p| (p.to_owned(), None));
        }
        let (last, fixed) = self.parts.split_last()?;
        let mut out = String::new();
        for w in fixed {
            out.push_str(w.exact_text()?);
            out.push(':');
        }
        out.push_str(last.prefix_text()?);
        let account = if self.parts.len() == 6 {
            self.parts[4].exact_text()
        } else {
            None
        };
        Some((out, account))
    }

    /// Matches an ARN already split with [`ArnParts::new`].
    #[must_use]
    pub fn matches_parts(&self, arn: &ArnParts<'_>) -> bool {
        if let Some(w) = &self.whole {
            return w.matches(arn.text);
        }
        let n = self.parts.len();
        if arn.count < n {
            return false;
        }
        for (i, w) in self.parts.iter().enumerate() {
            let ok = if i + 1 == n {
                w.matches(arn.rest(i))
            } else {
                w.matches(arn.part(i))
            };
            if !ok {
                return false;
            }
        }
        true
    }

    /// Matches `text` as an ARN.
    #[must_use]
    pub fn matches(&self, text: &str) -> bool {
        self.matches_parts(&ArnParts::new(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arn_pattern_without_wildcards_is_the_one_arn_it_matches() {
        for text in [
            "arn:aws:iam::111111111111:role/app",
            "arn:aws:iam::111111111111:role/path/with:colon",
            "ec2.amazonaws.com",
        ] {
            let p = ArnPattern::new(text);
            assert_eq!(p.literal().as_deref(), Some(text));
            assert!(p.matches(text));
        }
        for text in [
            "arn:aws:iam::*:role/app",
            "arn:aws:iam::111111111111:role/ap?",
            "*",
        ] {
            assert_eq!(ArnPattern::new(text).literal(), None, "{text}");
        }
    }

    #[test]
    fn an_arn_pattern_ending_in_its_only_star_matches_what_starts_with_its_prefix() {
        // (pattern, its prefix and account)
        type Case<'a> = (&'a str, Option<(&'a str, Option<&'a str>)>);
        let cases: &[Case] = &[
            (
                "arn:aws:iam::111111111111:role/app-*",
                Some(("arn:aws:iam::111111111111:role/app-", Some("111111111111"))),
            ),
            (
                "arn:aws:iam::111111111111:*",
                Some(("arn:aws:iam::111111111111:", Some("111111111111"))),
            ),
            ("arn:aws:iam::*", Some(("arn:aws:iam::", None))),
            ("*", Some(("", None))),
            ("arn:aws:iam::*:role/app-*", None),
            ("arn:aws:iam::111111111111:role/*-admin", None),
            ("arn:aws:iam::111111111111:role/a?p*", None),
            ("arn:aws:iam::111111111111:role/app", None),
        ];
        let arns = [
            "arn:aws:iam::111111111111:role/app-web",
            "arn:aws:iam::111111111111:role/app-",
            "arn:aws:iam::111111111111:role/path/app-x",
            "arn:aws:iam::222222222222:role/app-web",
            "arn:aws:iam::111111111111:user/app-web",
        ];
        for (text, want) in cases {
            let p = ArnPattern::new(text);
            let got = p.literal_prefix();
            assert_eq!(got.as_ref().map(|(s, a)| (s.as_str(), *a)), *want, "{text}");
            if let Some((prefix, _)) = got {
                for arn in arns {
                    assert_eq!(p.matches(arn), arn.starts_with(&prefix), "{text} {arn}");
                }
            }
        }
    }

    #[test]
    fn star_and_question_mark_follow_the_policy_grammar() {
        let cases: &[(&str, &str, bool)] = &[
            ("*", "", true),
            ("*", "anything:at/all", true),
            ("s3:Get*", "s3:GetObject", true),
            ("s3:Get*", "s3:PutObject", false),
            ("*Object", "s3:GetObject", true),
            ("s3:?etObject", "s3:GetObject", true),
            ("s3:?etObject", "s3:etObject", false),
            ("iam:*AccessKey*", "iam:ListAccessKeys", true),
            ("iam:*AccessKey*", "iam:ListUsers", false),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
            ("a?c", "aéc", true),
            ("", "", true),
            ("", "x", false),
            ("**", "x", true),
        ];
        for (p, t, want) in cases {
            assert_eq!(Wildcard::new(p, false).matches(t), *want, "{p} vs {t}");
        }
    }

    #[test]
    fn action_patterns_compile_lowercase_for_case_insensitive_matching() {
        let w = Wildcard::new("IAM:ListAccess*", true);
        assert!(w.matches("iam:listaccesskeys"));
    }

    #[test]
    fn arn_patterns_match_each_part_separately() {
        // [UG:reference_policies_elements_condition_operators] ARN operators.
        let p = ArnPattern::new("arn:aws:someservice:*:111122223333:finance/*");
        assert!(!p.matches(
            "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
        ));
        assert!(p.matches("arn:aws:someservice:us-east-2:111122223333:finance/document.txt"));
        // The same text as a plain string pattern crosses the colons.
        assert!(
            Wildcard::new("arn:aws:someservice:*:111122223333:finance/*", false).matches(
                "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
            )
        );
    }

    #[test]
    fn a_trailing_star_in_a_short_arn_pattern_expands_beyond_colons() {
        let p = ArnPattern::new("arn:aws:s3:*");
        assert!(p.matches("arn:aws:s3:::bucket/key"));
        assert!(!p.matches("arn:aws:iam::123456789012:role/x"));
        assert!(ArnPattern::new("*").matches("arn:aws:iam::123456789012:role/x"));
        assert!(ArnPattern::new("*").matches("*"));
    }

    #[test]
    fn the_resource_part_keeps_its_colons() {
        let p = ArnPattern::new("arn:aws:logs:us-east-1:123456789012:log-group:/app/*");
        assert!(p.matches("arn:aws:logs:us-east-1:123456789012:log-group:/app/web:log-stream:x"));
        assert!(!p.matches("arn:aws:logs:us-east-1:123456789012:log-group:/other"));
    }

    #[test]
    fn uncompiled_matching_agrees_with_compiled_matching() {
        let texts = [
            "arn:aws:s3:::bucket/key",
            "arn:aws:iam::123456789012:role/x",
            "arn:aws:logs:us-east-1:123456789012:log-group:/app/web:log-stream:x",
            "aé:b",
            "*",
            "",
        ];
        let patterns = [
            "*",
            "arn:aws:s3:*",
            "arn:aws:*:*:*:*",
            "arn:aws:iam::*:role/?",
            "arn:aws:logs:*:*:log-group:/app/*",
            "a?:*",
            "arn:aws:s3:::bucket/key",
        ];
        for p in patterns {
            for t in texts {
                assert_eq!(
                    glob_match(p, t),
                    Wildcard::new(p, false).matches(t),
                    "glob {p} vs {t}"
                );
                assert_eq!(
                    arn_glob_match(p, &ArnParts::new(t)),
                    ArnPattern::new(p).matches(t),
                    "arn {p} vs {t}"
                );
            }
        }
    }

    #[test]
    fn resource_matching_is_case_sensitive() {
        let p = ArnPattern::new("arn:aws:iam::123456789012:user/Bob");
        assert!(!p.matches("arn:aws:iam::123456789012:user/bob"));
    }

    #[test]
    fn template_pieces_keep_escaped_wildcards_literal() {
        let pieces = vec![
            Piece::Lit("arn:aws:s3:::bucket/".into()),
            Piece::Lit("*".into()),
            Piece::Star,
        ];
        let p = ArnPattern::from_pieces(&pieces);
        assert!(p.matches("arn:aws:s3:::bucket/*x"));
        assert!(!p.matches("arn:aws:s3:::bucket/x"));
    }
}
