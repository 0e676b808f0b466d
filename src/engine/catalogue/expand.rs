//! Which actions an `Action`/`NotAction` pattern names, by the catalogue.
//!
//! A pattern matches `service:action` as IAM matches it: `*` any run of characters, `?` one,
//! without regard to case. `*` alone matches every action. A pattern whose service part has no
//! wildcard looks in that one service only.

use serde::Serialize;

use super::{AccessLevel, ActionRef, Catalogue, action_wildcard};

/// The actions one pattern matches.
#[derive(Debug, Clone, Serialize)]
pub struct Expansion {
    /// The pattern as written.
    pub pattern: String,
    pub actions: Vec<ExpandedAction>,
}

/// One matched action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpandedAction {
    /// `service:Action` as AWS writes it.
    pub action: String,
    pub access_level: AccessLevel,
}

impl Expansion {
    /// `s3:Get* (47 actions)`; an exact action name is shown as written.
    #[must_use]
    pub fn label(&self) -> String {
        if self.pattern.contains(['*', '?']) {
            format!("{} ({})", self.pattern, count_words(self.actions.len()))
        } else {
            self.pattern.clone()
        }
    }
}

/// `1 action`, `47 actions`.
#[must_use]
pub fn count_words(n: usize) -> String {
    if n == 1 {
        "1 action".to_owned()
    } else {
        format!("{n} actions")
    }
}

impl Catalogue {
    /// Every action `pattern` matches, in catalogue order (services by prefix, then actions).
    pub fn matching<'c>(&'c self, pattern: &str) -> impl Iterator<Item = ActionRef<'c>> + 'c {
        let lower = pattern.to_ascii_lowercase();
        let service_part = lower.split_once(':').map(|(s, _)| s.to_owned());
        let exact_service = service_part
            .as_deref()
            .filter(|s| !s.contains(['*', '?']))
            .and_then(|s| self.service(s));
        let scan_all = exact_service.is_none()
            && service_part
                .as_deref()
                .is_none_or(|s| s.contains(['*', '?']));
        let wildcard = action_wildcard(&lower);
        let services: Vec<_> = match exact_service {
            Some(s) => vec![s],
            None if scan_all => self.services.iter().collect(),
            None => Vec::new(),
        };
        services.into_iter().flat_map(move |service| {
            let wildcard = wildcard.clone();
            service
                .actions
                .iter()
                .filter(move |a| wildcard.matches(&a.lower))
                .map(move |action| ActionRef { service, action })
        })
    }

    /// The actions `pattern` matches, with their access levels.
    #[must_use]
    pub fn expand(&self, pattern: &str) -> Expansion {
        Expansion {
            pattern: pattern.to_owned(),
            actions: self
                .matching(pattern)
                .map(|a| ExpandedAction {
                    action: a.full_name(),
                    access_level: a.action.level,
                })
                .collect(),
        }
    }

    /// How a `NotAction` list reads: `every action except 3 s3 actions`.
    #[must_use]
    pub fn describe_not_action<P: AsRef<str>>(&self, patterns: &[P]) -> String {
        let mut excluded: Vec<ActionRef<'_>> = Vec::new();
        for p in patterns {
            for a in self.matching(p.as_ref()) {
                if !excluded.iter().any(|e| std::ptr::eq(e.action, a.action)) {
                    excluded.push(a);
                }
            }
        }
        let mut services: Vec<&str> = excluded.iter().map(|a| a.service.prefix.as_str()).collect();
        services.sort_unstable();
        services.dedup();
        match services.as_slice() {
            [] => "every action (the exceptions name no action the catalogue knows)".to_owned(),
            [one] => format!(
                "every action except {} {one} {}",
                excluded.len(),
                plural(excluded.len())
            ),
            many => format!(
                "every action except {} in {} services",
                count_words(excluded.len()),
                many.len()
            ),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "action" } else { "actions" }
}

#[cfg(test)]
mod tests {
    use crate::engine::catalogue::get;

    #[test]
    fn a_prefix_pattern_lists_the_service_actions_it_matches() {
        let e = get().expand("s3:Get*");
        assert!(e.actions.len() > 30, "{}", e.actions.len());
        assert!(e.actions.iter().all(|a| a.action.starts_with("s3:Get")));
        assert!(e.actions.iter().any(|a| a.action == "s3:GetObject"));
        assert_eq!(e.label(), format!("s3:Get* ({} actions)", e.actions.len()));
    }

    #[test]
    fn patterns_match_without_regard_to_case_and_across_services() {
        let c = get();
        assert_eq!(
            c.expand("S3:get*").actions.len(),
            c.expand("s3:Get*").actions.len()
        );
        let any_get_object = c.expand("*:GetObject");
        assert!(
            any_get_object.actions.len() >= 2,
            "{:?}",
            any_get_object.actions
        );
        assert_eq!(c.expand("*").actions.len(), c.action_count());
        assert_eq!(c.expand("s3:GetObjec?").actions.len(), 1);
        assert!(c.expand("s3:Nothing*").actions.is_empty());
        assert!(c.expand("nosuch:*").actions.is_empty());
    }

    #[test]
    fn not_action_reads_as_every_action_but_the_named_ones() {
        let c = get();
        let text = c.describe_not_action(&["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]);
        assert_eq!(text, "every action except 3 s3 actions");
        assert!(
            c.describe_not_action(&["iam:*", "s3:GetObject"])
                .ends_with("in 2 services")
        );
    }
}
