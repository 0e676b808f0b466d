//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'default'}` and the escapes
//! `${*}`, `${?}`, `${$}` inside Resource/NotResource and string, `Bool` and ARN condition
//! values [UG:reference_policies_variables].
//!
//! Variables are only read under `"Version": "2012-10-17"`; under `2008-10-17` or no version
//! the text is literal (the compiler decides, see `policy::compiled`). A variable names a
//! single-valued key; when the request lacks it (or it is multivalued) and no default is given
//! the value is unresolvable, and an unresolvable value never matches.

use super::context::RequestContext;
use super::pattern::{Piece, parse_pieces};

/// One part of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Policy text; in pattern contexts its `*` and `?` are wildcards.
    Text(String),
    /// A character written as `${*}`, `${?}` or `${$}`: always literal.
    Escaped(char),
    /// `${key}` or `${key, 'default'}`.
    Var {
        /// The key as written.
        key: String,
        /// The key lowercased, for lookup.
        lower: String,
        default: Option<String>,
    },
}

/// A value with policy variables in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub parts: Vec<Part>,
}

impl Template {
    /// Parses `text`; `None` when it holds no `${…}` at all (a plain value).
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        if !text.contains("${") {
            return None;
        }
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut rest = text;
        let mut any_var = false;
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                break;
            };
            lit.push_str(&rest[..start]);
            let inner = &after[..end];
            match inner {
                "*" | "?" | "$" => {
                    if !lit.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut lit)));
                    }
                    let c = inner.chars().next().unwrap_or('$');
                    parts.push(Part::Escaped(c));
                    any_var = true;
                }
                _ => {
                    if let Some(var) = parse_var(inner) {
                        if !lit.is_empty() {
                            parts.push(Part::Text(std::mem::take(&mut lit)));
                        }
                        parts.push(var);
                        any_var = true;
                    } else {
                        // Not a variable reference: keep the text as written.
                        lit.push_str("${");
                        lit.push_str(inner);
                        lit.push('}');
                    }
                }
            }
            rest = &after[end + 1..];
        }
        lit.push_str(rest);
        if !lit.is_empty() {
            parts.push(Part::Text(lit));
        }
        any_var.then_some(Self { parts })
    }

    /// Room for the policy text plus typical substituted values.
    fn capacity_hint(&self) -> usize {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Text(s) => s.len(),
                Part::Escaped(_) => 1,
                Part::Var { .. } => 32,
            })
            .sum()
    }

    /// The keys the template reads (lowercased).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var { lower, .. } => Some(lower.as_str()),
            _ => None,
        })
    }

    /// Substitutes every variable; `None` when one is unresolvable. Escapes become their
    /// character. `missing` receives the keys that were absent.
    #[must_use]
    pub fn resolve_string(
        &self,
        ctx: &RequestContext,
        missing: &mut Vec<String>,
    ) -> Option<String> {
        let mut out = String::with_capacity(self.capacity_hint());
        let mut ok = true;
        for part in &self.parts {
            match part {
                Part::Text(s) => out.push_str(s),
                Part::Escaped(c) => out.push(*c),
                Part::Var { .. } => match resolve_var(part, ctx, missing) {
                    Some(v) => out.push_str(v),
                    None => ok = false,
                },
            }
        }
        ok.then_some(out)
    }

    /// Substitutes every variable into pattern text, wildcards of the policy text kept. The
    /// flag is true when a substituted value or an escape brought a literal `*` or `?`, which
    /// the text cannot tell from a wildcard: use [`Template::resolve_pieces`] then. `None`
    /// when a variable is unresolvable.
    #[must_use]
    pub fn resolve_glob(
        &self,
        ctx: &RequestContext,
        missing: &mut Vec<String>,
    ) -> Option<(String, bool)> {
        let mut out = String::with_capacity(self.capacity_hint());
        let flag = self.resolve_glob_into(ctx, missing, &mut out)?;
        Some((out, flag))
    }

    /// [`Template::resolve_glob`] appending to `out` (a buffer the caller reuses); returns
    /// the literal-wildcard flag. `out` holds a partial text when the answer is `None`.
    pub fn resolve_glob_into(
        &self,
        ctx: &RequestContext,
        missing: &mut Vec<String>,
        out: &mut String,
    ) -> Option<bool> {
        let mut literal_wildcard = false;
        let mut ok = true;
        for part in &self.parts {
            match part {
                Part::Text(s) => out.push_str(s),
                Part::Escaped(c) => {
                    literal_wildcard |= matches!(c, '*' | '?');
                    out.push(*c);
                }
                Part::Var { .. } => match resolve_var(part, ctx, missing) {
                    Some(v) => {
                        literal_wildcard |= v.contains(['*', '?']);
                        out.push_str(v);
                    }
                    None => ok = false,
                },
            }
        }
        ok.then_some(literal_wildcard)
    }

    /// Substitutes every variable into wildcard pieces: policy text keeps its `*`/`?` as
    /// wildcards, substituted values and escapes are literal. `None` when unresolvable.
    #[must_use]
    pub fn resolve_pieces(
        &self,
        ctx: &RequestContext,
        missing: &mut Vec<String>,
    ) -> Option<Vec<Piece>> {
        let mut out = Vec::new();
        let mut ok = true;
        for part in &self.parts {
            match part {
                Part::Text(s) => out.extend(parse_pieces(s)),
                Part::Escaped(c) => out.push(Piece::Lit(c.to_string())),
                Part::Var { .. } => match resolve_var(part, ctx, missing) {
                    Some(v) => out.push(Piece::Lit(v.to_owned())),
                    None => ok = false,
                },
            }
        }
        ok.then_some(out)
    }
}

fn resolve_var<'a>(
    part: &'a Part,
    ctx: &'a RequestContext,
    missing: &mut Vec<String>,
) -> Option<&'a str> {
    let Part::Var {
        key,
        lower,
        default,
    } = part
    else {
        return None;
    };
    match ctx.get_lowercase(lower).and_then(|v| v.single()) {
        Some(v) => Some(v),
        None => {
            if default.is_none() && !missing.iter().any(|m| m.eq_ignore_ascii_case(key)) {
                missing.push(key.clone());
            }
            default.as_deref()
        }
    }
}

/// `key` or `key, 'default'` (whitespace around the comma allowed).
fn parse_var(inner: &str) -> Option<Part> {
    let (key, default) = match inner.split_once(',') {
        Some((k, d)) => {
            let d = d.trim();
            let d = d.strip_prefix('\'')?.strip_suffix('\'')?;
            (k.trim(), Some(d.to_owned()))
        }
        None => (inner.trim(), None),
    };
    if key.is_empty() || key.contains(char::is_whitespace) {
        return None;
    }
    Some(Part::Var {
        key: key.to_owned(),
        lower: key.to_lowercase(),
        default,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> RequestContext {
        RequestContext::new()
            .with("aws:username", "ana")
            .with("aws:PrincipalTag/team", "blue")
            .with("aws:TagKeys", vec!["a".to_owned(), "b".to_owned()])
    }

    #[test]
    fn variables_substitute_single_valued_keys_case_insensitively() {
        let t = Template::parse("home/${AWS:UserName}/${aws:principaltag/Team}").unwrap();
        let mut missing = Vec::new();
        assert_eq!(
            t.resolve_string(&ctx(), &mut missing).as_deref(),
            Some("home/ana/blue")
        );
        assert!(missing.is_empty());
    }

    #[test]
    fn a_default_value_stands_in_for_a_missing_key() {
        let t = Template::parse("${aws:PrincipalTag/dept, 'company-wide'}").unwrap();
        let mut missing = Vec::new();
        assert_eq!(
            t.resolve_string(&ctx(), &mut missing).as_deref(),
            Some("company-wide")
        );
    }

    #[test]
    fn an_unresolvable_variable_resolves_to_nothing() {
        let mut missing = Vec::new();
        let t = Template::parse("x/${aws:userid}").unwrap();
        assert_eq!(t.resolve_string(&ctx(), &mut missing), None);
        assert_eq!(missing, vec!["aws:userid".to_owned()]);
        // Multivalued keys cannot be variables.
        let t = Template::parse("${aws:TagKeys}").unwrap();
        assert_eq!(t.resolve_string(&ctx(), &mut missing), None);
    }

    #[test]
    fn escapes_are_literal_characters() {
        let t = Template::parse("a${*}b${?}c${$}").unwrap();
        let mut missing = Vec::new();
        assert_eq!(
            t.resolve_string(&ctx(), &mut missing).as_deref(),
            Some("a*b?c$")
        );
        let pieces = t.resolve_pieces(&ctx(), &mut missing).unwrap();
        assert!(pieces.iter().all(|p| matches!(p, Piece::Lit(_))));
    }

    #[test]
    fn text_without_a_variable_is_not_a_template() {
        assert!(Template::parse("arn:aws:s3:::bucket/*").is_none());
        assert!(Template::parse("${unterminated").is_none());
    }
}
