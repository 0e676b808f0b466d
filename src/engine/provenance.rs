//! How old the loaded data is and what it lacks, from the accounts' `Provenance` and
//! `NotCollected` (bundles written by `rolescope collect`). Data loaded from plain CLI output
//! has no provenance and nothing is said about it. No clock here: callers pass `now`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::engine::model::{Account, DataPart, Inventory, NotCollected};

/// Every part, in the order they are listed.
pub const ALL_PARTS: [DataPart; 7] = [
    DataPart::AuthorizationDetails,
    DataPart::Roles,
    DataPart::IdentityProviders,
    DataPart::Organization,
    DataPart::Scps,
    DataPart::Rcps,
    DataPart::ResourcePolicies,
];

/// A part's name as the bundle writes it.
#[must_use]
pub fn part_name(part: DataPart) -> &'static str {
    match part {
        DataPart::AuthorizationDetails => "authorization-details",
        DataPart::Roles => "roles",
        DataPart::IdentityProviders => "identity-providers",
        DataPart::Organization => "organization",
        DataPart::Scps => "scps",
        DataPart::Rcps => "rcps",
        DataPart::ResourcePolicies => "resource-policies",
    }
}

/// One collected account: when, by whom, and what its data lacks.
#[derive(Debug, Clone, Serialize)]
pub struct AccountData<'a> {
    pub account: &'a str,
    pub name: Option<&'a str>,
    pub collected_at: Option<DateTime<Utc>>,
    /// Seconds between `collected_at` and now.
    pub age_seconds: Option<i64>,
    pub caller_arn: Option<&'a str>,
    /// The parts not in `Provenance.Collected`: failed, or not asked for.
    pub missing: Vec<DataPart>,
    /// The calls that failed.
    pub not_collected: &'a [NotCollected],
}

/// The account's provenance, or `None` when its data says nothing about how it was collected.
#[must_use]
pub fn account<'a>(a: &'a Account, now: DateTime<Utc>) -> Option<AccountData<'a>> {
    if a.provenance.is_none() && a.not_collected.is_empty() {
        return None;
    }
    let p = a.provenance.as_ref();
    let collected_at = p.and_then(|p| p.collected_at);
    let mut missing: Vec<DataPart> = ALL_PARTS
        .into_iter()
        .filter(|part| p.is_none_or(|p| !p.collected.contains(part)))
        .collect();
    for n in &a.not_collected {
        if !missing.contains(&n.part) {
            missing.push(n.part);
        }
    }
    Some(AccountData {
        account: &a.id,
        name: a.name.as_deref(),
        collected_at,
        age_seconds: collected_at.map(|t| (now - t).num_seconds()),
        caller_arn: p.and_then(|p| p.caller_arn.as_deref()),
        missing,
        not_collected: &a.not_collected,
    })
}

/// Every collected account, in account id order.
#[must_use]
pub fn accounts(inv: &Inventory, now: DateTime<Utc>) -> Vec<AccountData<'_>> {
    inv.accounts
        .values()
        .filter_map(|a| account(a, now))
        .collect()
}

/// `45 s`, `12 min`, `3 h`, `2 days`.
#[must_use]
pub fn age(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..86_400 => format!("{} h", s / 3600),
        _ => {
            let d = s / 86_400;
            format!("{d} day{}", if d == 1 { "" } else { "s" })
        }
    }
}

/// One line on the collected data: the oldest account's age and, per missing part, in how
/// many accounts; `None` when no account has provenance.
#[must_use]
pub fn summary_line(data: &[AccountData<'_>]) -> Option<String> {
    if data.is_empty() {
        return None;
    }
    let oldest = data.iter().filter_map(|d| d.age_seconds).max();
    let mut missing: BTreeMap<DataPart, usize> = BTreeMap::new();
    for d in data {
        for p in &d.missing {
            *missing.entry(*p).or_default() += 1;
        }
    }
    let age_text = oldest.map_or_else(
        || "collected at an unknown time".to_owned(),
        |s| format!("collected {} ago", age(s)),
    );
    let n = data.len();
    let mut line = format!(
        "data {age_text} ({n} account{})",
        if n == 1 { "" } else { "s" }
    );
    if missing.is_empty() {
        line.push_str("; nothing missing");
    } else {
        let parts: Vec<String> = missing
            .iter()
            .map(|(p, k)| {
                if *k == n {
                    part_name(*p).to_owned()
                } else {
                    format!("{} ({k} of {n})", part_name(*p))
                }
            })
            .collect();
        line.push_str("; missing: ");
        line.push_str(&parts.join(", "));
    }
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::load::load_str;

    const BUNDLE: &str = r#"{"Accounts": {
        "111122223333": {"Provenance": {"CollectedAt": "2026-01-01T00:00:00Z", "CallerArn": "arn:aws:iam::111122223333:user/a",
            "Collected": ["authorization-details", "roles", "identity-providers", "organization", "scps", "rcps"]}},
        "444455556666": {"Provenance": {"CollectedAt": "2026-01-01T02:00:00Z",
            "Collected": ["authorization-details", "roles", "organization", "scps", "rcps"]},
            "NotCollected": [{"Part": "identity-providers", "Call": "iam list-saml-providers", "Message": "AccessDenied"}]},
        "777788889999": {"Name": "plain"}
    }}"#;

    #[test]
    fn says_the_oldest_age_and_the_missing_parts_with_their_share() {
        let inv = load_str("bundle.json", BUNDLE).unwrap();
        let now = "2026-01-01T03:00:00Z".parse().unwrap();
        let data = accounts(&inv, now);
        assert_eq!(data.len(), 2, "the account without provenance says nothing");
        assert_eq!(data[0].age_seconds, Some(3 * 3600));
        assert_eq!(
            data[1].missing,
            [DataPart::IdentityProviders, DataPart::ResourcePolicies]
        );
        assert_eq!(
            summary_line(&data).unwrap(),
            "data collected 3 h ago (2 accounts); missing: identity-providers (1 of 2), resource-policies"
        );
    }

    #[test]
    fn plain_exports_have_no_line() {
        let inv = load_str("x.json", r#"{"Accounts": {"111122223333": {"Name": "a"}}}"#).unwrap();
        assert!(summary_line(&accounts(&inv, Utc::now())).is_none());
    }

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age(59), "59 s");
        assert_eq!(age(600), "10 min");
        assert_eq!(age(7200), "2 h");
        assert_eq!(age(86_400), "1 day");
        assert_eq!(age(3 * 86_400), "3 days");
    }
}
