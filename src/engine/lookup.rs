//! Finding a role (or user) from what a person types: an ARN, a name, or a name with the
//! wrong case, with close-name suggestions when nothing matches.
//!
//! IAM names are unique per account regardless of case, so a case-insensitive match that is
//! unique is accepted. Owns only resolution; printing the suggestions is the caller's job.

use crate::engine::model::{Inventory, Role, User};

/// Why a name did not resolve to exactly one entity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("{kind} `{query}` is not in the loaded data{}", suggest(.suggestions))]
    NotFound {
        kind: &'static str,
        query: String,
        suggestions: Vec<String>,
    },
    #[error(
        "{kind} name `{query}` exists in several accounts ({}); pass the ARN instead",
        .arns.join(", ")
    )]
    Ambiguous {
        kind: &'static str,
        query: String,
        arns: Vec<String>,
    },
}

fn suggest(s: &[String]) -> String {
    if s.is_empty() {
        "; list the roles with `rolescope roles`".to_owned()
    } else {
        let names: Vec<String> = s.iter().map(|n| format!("`{n}`")).collect();
        format!("; did you mean {}?", names.join(", "))
    }
}

/// The one role `query` names: an exact ARN, a name unique across the loaded accounts, or
/// a unique case-insensitive name.
///
/// # Errors
/// [`LookupError::NotFound`] with up to five close names, or [`LookupError::Ambiguous`] with
/// the candidates' ARNs.
pub fn find_role<'a>(inventory: &'a Inventory, query: &str) -> Result<&'a Role, LookupError> {
    let query = query.trim();
    if let Some(r) = inventory.role_by_arn(query) {
        return Ok(r);
    }
    // An ARN with a path typed without it, or a name: match on the last segment.
    let name = if query.starts_with("arn:") {
        query.rsplit('/').next().unwrap_or(query)
    } else {
        query
    };
    let exact = inventory.roles_named(name);
    let matches: Vec<&Role> = if query.starts_with("arn:") {
        exact
            .into_iter()
            .filter(|r| arn_account(query) == Some(r.account.as_str()))
            .collect()
    } else if exact.is_empty() {
        inventory
            .roles
            .iter()
            .filter(|r| r.name.eq_ignore_ascii_case(name))
            .collect()
    } else {
        exact
    };
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(LookupError::NotFound {
            kind: "role",
            query: query.to_owned(),
            suggestions: close_names(inventory.roles.iter().map(|r| r.name.as_str()), name),
        }),
        many => Err(LookupError::Ambiguous {
            kind: "role",
            query: query.to_owned(),
            arns: many.iter().map(|r| r.arn.clone()).collect(),
        }),
    }
}

/// The one user `query` names, by ARN or name, as [`find_role`].
///
/// # Errors
/// As [`find_role`].
pub fn find_user<'a>(inventory: &'a Inventory, query: &str) -> Result<&'a User, LookupError> {
    let query = query.trim();
    if let Some(u) = inventory.user_by_arn(query) {
        return Ok(u);
    }
    let mut matches: Vec<&User> = inventory.users.iter().filter(|u| u.name == query).collect();
    if matches.is_empty() {
        matches = inventory
            .users
            .iter()
            .filter(|u| u.name.eq_ignore_ascii_case(query))
            .collect();
    }
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(LookupError::NotFound {
            kind: "user",
            query: query.to_owned(),
            suggestions: close_names(inventory.users.iter().map(|u| u.name.as_str()), query),
        }),
        many => Err(LookupError::Ambiguous {
            kind: "user",
            query: query.to_owned(),
            arns: many.iter().map(|u| u.arn.clone()).collect(),
        }),
    }
}

fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4)
}

/// Up to five names close to `query`: few edits away, or containing it (case-insensitive),
/// closest first.
#[must_use]
pub fn close_names<'a>(names: impl Iterator<Item = &'a str>, query: &str) -> Vec<String> {
    let q = query.to_lowercase();
    let budget = (q.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = names
        .filter_map(|n| {
            let l = n.to_lowercase();
            let d = edit_distance(&l, &q);
            if d <= budget {
                Some((d, n))
            } else if q.len() >= 3 && (l.contains(&q) || q.contains(&l)) {
                Some((budget + 1 + l.len().abs_diff(q.len()), n))
            } else {
                None
            }
        })
        .collect();
    scored.sort_unstable();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(5)
        .map(|(_, n)| n.to_owned())
        .collect()
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_rank_typos_before_substrings() {
        let names = [
            "DeveloperRole",
            "deploy-pipeline",
            "ReadOnlyAnalyst",
            "Deployer",
        ];
        assert_eq!(
            close_names(names.into_iter(), "DevloperRole"),
            vec!["DeveloperRole"]
        );
        let s = close_names(names.into_iter(), "deploy");
        assert_eq!(s, vec!["Deployer", "deploy-pipeline"]);
        assert!(close_names(names.into_iter(), "zzzzzzzz").is_empty());
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
