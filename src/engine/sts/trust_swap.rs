//! The narrowest fix for a trust policy that names the wrong account: swap the principal
//! named by mistake for the caller's, instead of adding the caller beside it.
//!
//! The simulator's fix for "no trust statement names the caller" adds a statement naming
//! the caller: right when nothing tells which principal the author meant. This module
//! decides when something does — the trust names principals of exactly one other
//! account, the caller's own identity policy names the role (its half of the delegation is
//! set up), and no identity policy of that other account names the role (nobody there was
//! ever given the other half) — and then proposes a [`Fix::ReplaceStatement`] that keeps
//! the statement (its `Sid`, actions and conditions) and swaps the principal: an account
//! for the caller's account, a named user or role for the caller. Adding instead would leave
//! the mistaken account trusted, against least privilege (IAM-RULES §3.1: a trust naming an
//! account delegates to every principal there whose own policy allows the call).

use serde_json::Value;

use super::outcome::{Fix, PolicyTarget};
use crate::engine::arn::{ArnRef, is_account_id};
use crate::engine::model::{Inventory, PolicyText};
use crate::engine::policy::pattern::glob_match;

/// The swap for `fix` (the simulator's "add a statement naming the caller" to a trust
/// policy), with a sentence saying why the replaced principal is the mistaken one; `None`
/// when nothing in the data points at one principal as the mistake.
#[must_use]
pub fn swap_mistaken_principal(inv: &Inventory, fix: &Fix) -> Option<(Fix, String)> {
    let Fix::AddStatement {
        target: PolicyTarget::TrustPolicy { role_arn },
        statement: added,
        ..
    } = fix
    else {
        return None;
    };
    // Only the plain "name the caller" fix: a near miss on a condition is fixed elsewhere.
    if added.get("Condition").is_some() {
        return None;
    }
    let caller = added.get("Principal")?.get("AWS")?.as_str()?;
    let action = added.get("Action")?.as_str()?;
    let caller_account = account_of(caller)?;
    let role = inv.role_by_arn(role_arn)?;
    if !identity_texts(inv, caller)
        .iter()
        .any(|t| names_role(t, action, role_arn))
    {
        return None;
    }
    let trust = role.trust_policy.json();
    let statements: Vec<&Value> = match trust.get("Statement")? {
        Value::Array(items) => items.iter().collect(),
        single @ Value::Object(_) => vec![single],
        _ => return None,
    };
    // The statements that allow the action to AWS principals of another account.
    let mut found: Option<(usize, String, Vec<String>)> = None;
    for (i, st) in statements.iter().enumerate() {
        if st.get("Effect").and_then(Value::as_str) != Some("Allow")
            || !strings(st.get("Action"))
                .iter()
                .any(|a| glob_match(&a.to_ascii_lowercase(), &action.to_ascii_lowercase()))
        {
            continue;
        }
        let Some(aws) = st.get("Principal").and_then(|p| p.get("AWS")) else {
            continue;
        };
        for p in strings(Some(aws)) {
            let Some(acct) = account_of(&p) else { continue };
            if acct == caller_account || acct == role.account {
                continue;
            }
            match &mut found {
                None => found = Some((i, acct, vec![p])),
                Some((j, a, ps)) if *j == i && *a == acct => ps.push(p),
                // Two accounts, or one account in two statements: not evidently one mistake.
                Some(_) => return None,
            }
        }
    }
    let (index, wrong_account, wrong) = found?;
    // The other account must be loaded (else nothing is known of its policies) and no
    // identity policy there may name the role.
    let loaded = inv.users.iter().any(|u| u.account == wrong_account)
        || inv.roles.iter().any(|r| r.account == wrong_account);
    if !loaded {
        return None;
    }
    let wanted_there = inv
        .users
        .iter()
        .filter(|u| u.account == wrong_account)
        .map(|u| u.arn.as_str())
        .chain(
            inv.roles
                .iter()
                .filter(|r| r.account == wrong_account)
                .map(|r| r.arn.as_str()),
        )
        .any(|arn| {
            identity_texts(inv, arn)
                .iter()
                .any(|t| names_role(t, action, role_arn))
        });
    if wanted_there {
        return None;
    }
    let right = |p: &str| -> String {
        if is_account_id(p) || p.ends_with(":root") {
            format!("arn:aws:iam::{caller_account}:root")
        } else {
            caller.to_owned()
        }
    };
    let mut statement = statements[index].clone();
    let aws = statement.get_mut("Principal")?.get_mut("AWS")?;
    let swapped: Vec<String> = {
        let mut out: Vec<String> = Vec::new();
        for p in strings(Some(aws)) {
            let q = if wrong.contains(&p) { right(&p) } else { p };
            if !out.contains(&q) {
                out.push(q);
            }
        }
        out
    };
    let replacements: Vec<String> = {
        let mut r: Vec<String> = wrong.iter().map(|p| right(p)).collect();
        r.dedup();
        r
    };
    *aws = match swapped.as_slice() {
        [one] => Value::String(one.clone()),
        many => Value::Array(many.iter().cloned().map(Value::String).collect()),
    };
    let which = statements[index]
        .get("Sid")
        .and_then(Value::as_str)
        .map_or_else(
            || format!("statement {}", index + 1),
            |s| format!("statement `{s}`"),
        );
    let quoted = |v: &[String]| {
        v.iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let summary = format!(
        "in {which} of the trust policy of `{role_arn}`, replace {} with {}: {statement}",
        quoted(&wrong),
        quoted(&replacements),
    );
    let why = format!(
        "The trust of `{}` names account {wrong_account}, where no identity policy names the role, while the caller's own policy in account {caller_account} does: the trust names the wrong account. The narrowest fix swaps it for the right one; adding the caller beside it would leave {wrong_account} trusted for no reason.",
        role.name
    );
    Some((
        Fix::ReplaceStatement {
            target: PolicyTarget::TrustPolicy {
                role_arn: role_arn.clone(),
            },
            statement_index: index,
            statement,
            summary,
        },
        why,
    ))
}

/// The account of a principal as a trust policy or a caller names it (an ARN or a bare
/// account id); `None` for `*` and what is not an AWS principal.
fn account_of(p: &str) -> Option<String> {
    if is_account_id(p) {
        return Some(p.to_owned());
    }
    let a = ArnRef::parse(p).ok()?;
    is_account_id(a.account).then(|| a.account.to_owned())
}

/// A string or an array of strings, as policy elements are written.
fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// The identity policies of the user (with its groups') or the role `arn`, as loaded.
fn identity_texts<'a>(inv: &'a Inventory, arn: &str) -> Vec<&'a PolicyText> {
    let mut out: Vec<&PolicyText> = Vec::new();
    let managed = |inv: &'a Inventory, policy_arn: &str, out: &mut Vec<&'a PolicyText>| {
        if let Some(v) = inv
            .managed_policy(policy_arn)
            .and_then(|m| m.default_version())
        {
            out.push(&v.policy);
        }
    };
    if let Some(u) = inv.user_by_arn(arn) {
        out.extend(u.inline_policies.iter().map(|p| &p.policy));
        for m in &u.managed_policies {
            managed(inv, &m.arn, &mut out);
        }
        for g in u
            .groups
            .iter()
            .filter_map(|g| inv.group_named(&u.account, g))
        {
            out.extend(g.inline_policies.iter().map(|p| &p.policy));
            for m in &g.managed_policies {
                managed(inv, &m.arn, &mut out);
            }
        }
    } else if let Some(r) = inv.role_by_arn(arn) {
        out.extend(r.inline_policies.iter().map(|p| &p.policy));
        for m in &r.managed_policies {
            managed(inv, &m.arn, &mut out);
        }
    }
    out
}

/// True when an Allow statement of `text` allows `action` on a resource that names
/// `role_arn` — literally or by a pattern that keeps its account — rather than on `*`.
fn names_role(text: &PolicyText, action: &str, role_arn: &str) -> bool {
    let doc = text.json();
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(single @ Value::Object(_)) => vec![single],
        _ => return false,
    };
    let action = action.to_ascii_lowercase();
    let role_account = account_of(role_arn);
    statements.iter().any(|st| {
        st.get("Effect").and_then(Value::as_str) == Some("Allow")
            && strings(st.get("Action"))
                .iter()
                .any(|a| glob_match(&a.to_ascii_lowercase(), &action))
            && strings(st.get("Resource"))
                .iter()
                .any(|r| glob_match(r, role_arn) && account_of(r) == role_account)
    })
}
