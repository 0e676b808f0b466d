//! Builds the detail view of a role, user, group or identity provider: the plain-language
//! summary and the policy panes (pretty-printed JSON split into highlighted tokens, and
//! the per-statement reading). Built once when the view opens, so drawing stays cheap.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{Detail, Subject, SummaryLine};
use crate::engine::model::{AttachedPolicy, InlinePolicy, Inventory, PolicyText, Role};
use crate::tui::facts::{KINDS, RoleFacts};
use crate::tui::reading;
use crate::tui::widgets::pane::{Pane, StatementLines};
use crate::tui::widgets::text::{TextLine, Tok};

/// Splits pretty-printed JSON into lines of highlighted tokens.
#[must_use]
pub fn json_lines(value: &Value) -> Vec<TextLine> {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    text.lines().map(tokenize_line).collect()
}

fn tokenize_line(line: &str) -> TextLine {
    let mut out: TextLine = Vec::new();
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let mut plain = String::new();
    let flush = |plain: &mut String, out: &mut TextLine| {
        if !plain.is_empty() {
            out.push((Tok::Punct, std::mem::take(plain)));
        }
    };
    while i < chars.len() {
        let ch = chars[i];
        if ch == '"' {
            flush(&mut plain, &mut out);
            let start = i;
            i += 1;
            while i < chars.len() {
                if chars[i] == '\\' {
                    i += 2;
                    continue;
                }
                if chars[i] == '"' {
                    break;
                }
                i += 1;
            }
            let end = (i + 1).min(chars.len());
            let s: String = chars[start..end].iter().collect();
            let rest = chars[end..].iter().collect::<String>();
            let tok = if rest.trim_start().starts_with(':') {
                Tok::Key
            } else {
                Tok::Str
            };
            out.push((tok, s));
            i = end;
        } else if ch == '-' || ch.is_ascii_digit() {
            flush(&mut plain, &mut out);
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '-' | '+' | '.'))
            {
                i += 1;
            }
            out.push((Tok::Num, chars[start..i].iter().collect()));
        } else if ch.is_ascii_alphabetic() {
            flush(&mut plain, &mut out);
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            out.push((Tok::Lit, chars[start..i].iter().collect()));
        } else {
            plain.push(ch);
            i += 1;
        }
    }
    flush(&mut plain, &mut out);
    out
}

fn heading_line(text: String) -> TextLine {
    vec![(Tok::Heading, text)]
}

/// The lines of one statement's plain reading: the first, saying its effect, marked as a
/// problem for a Deny.
fn statement_plain(st: &crate::engine::policy::document::Statement) -> Vec<TextLine> {
    let deny = st.effect == Some(crate::engine::policy::document::Effect::Deny);
    reading::statement_words(st)
        .into_iter()
        .enumerate()
        .map(|(k, l)| {
            let tok = if k == 0 && deny {
                Tok::Problem
            } else {
                Tok::Plain
            };
            vec![(tok, l)]
        })
        .collect()
}

/// The lines statement `index` takes in `text`, pretty-printed JSON: from its opening brace
/// to the closing brace at the same indent.
fn json_statement_lines(text: &str, index: usize) -> Option<std::ops::Range<usize>> {
    let at =
        crate::engine::policy::validate::locate::locate(text, &format!("$.Statement[{index}]"))?;
    let lines: Vec<&str> = text.lines().collect();
    let first = at.line.checked_sub(1)?;
    let indent = |l: &str| l.len() - l.trim_start().len();
    let own = indent(lines.get(first)?);
    let last = lines
        .iter()
        .enumerate()
        .skip(first + 1)
        .find(|(_, l)| indent(l) == own && l.trim_start().starts_with('}'))
        .map_or(first, |(i, _)| i);
    Some(first..last + 1)
}

/// Appends one policy to a pane, under a heading when `heading` is given (the trust pane
/// holds one policy, which its title names); `lint` is the policy's label as the linter
/// names it, recorded with where the policy and each statement are.
fn add_policy(pane: &mut Pane, heading: Option<String>, lint: &str, policy: Option<&PolicyText>) {
    let (json_start, plain_start) = (pane.json.len(), pane.plain.len());
    if let Some(label) = heading {
        pane.json.push(heading_line(format!("── {label} ──")));
        pane.plain.push(heading_line(format!("── {label} ──")));
    }
    let body = pane.json.len();
    match policy {
        None => {
            let msg = "not in the loaded data: its statements are unknown; load the account's authorization details to see them";
            pane.json.push(vec![(Tok::Problem, msg.into())]);
            pane.plain.push(vec![(Tok::Problem, msg.into())]);
        }
        Some(p) => {
            let text = serde_json::to_string_pretty(&p.json()).unwrap_or_default();
            pane.json.extend(text.lines().map(tokenize_line));
            if !pane.raw.is_empty() {
                pane.raw.push('\n');
            }
            pane.raw.push_str(&text);
            match &p.document {
                Some(doc) => {
                    if doc.statements.is_empty() {
                        pane.plain
                            .push(vec![(Tok::Plain, "no statements: grants nothing".into())]);
                    }
                    for st in &doc.statements {
                        let from = pane.plain.len();
                        pane.plain.extend(statement_plain(st));
                        let plain = from..pane.plain.len();
                        pane.plain.push(Vec::new());
                        let json = json_statement_lines(&text, st.index)
                            .map_or(body..body, |r| body + r.start..body + r.end);
                        pane.statements.push(StatementLines {
                            policy: lint.to_owned(),
                            statement: Some(st.index),
                            json,
                            plain,
                            body,
                        });
                    }
                }
                None => pane
                    .plain
                    .push(vec![(Tok::Problem, "unreadable policy document".into())]),
            }
            for e in &p.errors {
                let line = vec![(Tok::Problem, format!("problem: {e}"))];
                pane.json.push(line.clone());
                pane.plain.push(line);
            }
        }
    }
    pane.statements.push(StatementLines {
        policy: lint.to_owned(),
        statement: None,
        json: json_start..pane.json.len(),
        plain: plain_start..pane.plain.len(),
        body,
    });
    pane.json.push(Vec::new());
}

fn identity_pane(
    inv: &Inventory,
    title: &str,
    inline: &[InlinePolicy],
    managed: &[AttachedPolicy],
    boundary: Option<&AttachedPolicy>,
    loaded: bool,
) -> Pane {
    let mut pane = Pane {
        title: title.into(),
        ..Pane::default()
    };
    for p in inline {
        add_policy(
            &mut pane,
            Some(format!("inline policy: {}", p.name)),
            &format!("inline policy {}", p.name),
            Some(&p.policy),
        );
    }
    for m in managed {
        let found = inv.managed_policy(&m.arn);
        let version = found
            .and_then(|p| p.default_version())
            .map(|v| v.version_id.clone())
            .unwrap_or_else(|| "?".into());
        add_policy(
            &mut pane,
            Some(format!(
                "managed policy: {} ({version}, default version)",
                m.name
            )),
            &format!("managed policy {}", m.name),
            found.and_then(|p| p.default_version()).map(|v| &*v.policy),
        );
    }
    if let Some(bd) = boundary {
        let found = inv.managed_policy(&bd.arn);
        add_policy(
            &mut pane,
            Some(format!(
                "permissions boundary: {} (caps what the policies above grant)",
                bd.name
            )),
            &format!("managed policy {}", bd.name),
            found.and_then(|p| p.default_version()).map(|v| &*v.policy),
        );
    }
    if pane.json.is_empty() {
        let line = if loaded {
            vec![(
                Tok::Plain,
                "no permission policies: it may do nothing".into(),
            )]
        } else {
            vec![(
                Tok::Problem,
                "unknown: only list-roles/get-role output describes this role, so its permission policies are not in the loaded data; load `aws iam get-account-authorization-details`".into(),
            )]
        };
        pane.json.push(line.clone());
        pane.plain.push(line);
    }
    pane
}

fn when(d: Option<DateTime<Utc>>) -> String {
    d.map_or_else(
        || "unknown".into(),
        |d| d.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

fn line(label: &str, text: impl Into<String>, warn: bool) -> SummaryLine {
    SummaryLine {
        label: label.into(),
        text: text.into(),
        warn,
    }
}

fn role_detail(inv: &Inventory, role: &Role, facts: &RoleFacts, i: usize) -> Detail {
    let mut summary = Vec::new();
    if let Some(d) = role.description.as_deref().filter(|d| !d.is_empty()) {
        summary.push(line("About", d, false));
    }
    if facts.kinds.is_empty() {
        summary.push(line(
            "Kind",
            "none recognised (its trust policy names no principal this view classifies)",
            false,
        ));
    }
    for k in &facts.kinds {
        let name = KINDS.get(usize::from(k.kind)).copied().unwrap_or("?");
        summary.push(line("Kind", format!("{name}: {}", k.reason), false));
    }
    match role.trust_policy.document.as_deref() {
        Some(doc) => {
            let who = reading::who_may_assume(doc);
            if who.is_empty() {
                summary.push(line("Who", "nobody: the trust policy allows no one", true));
            }
            for w in who {
                summary.push(line("Who", w, false));
            }
        }
        None => summary.push(line(
            "Who",
            "unknown: the trust policy could not be read",
            true,
        )),
    }
    // What the role may effectively do, per service: identity policies intersected with the
    // permissions boundary and the SCPs (the engine's access summary, as `show` prints it).
    let missing: Vec<&str> = role
        .managed_policies
        .iter()
        .filter(|m| inv.managed_policy(&m.arn).is_none())
        .map(|m| m.name.as_str())
        .collect();
    let access =
        crate::engine::access_summary::for_role(role, inv, crate::engine::catalogue::get());
    const SHOWN: usize = 4;
    let unlimited = |svc: &crate::engine::access_summary::ServiceSummary| {
        svc.removed_by.is_none()
            && svc.levels.iter().all(|l| {
                l.total == 0
                    || (l.coverage == crate::engine::access_summary::Coverage::Full
                        && l.limited_to.is_empty()
                        && !l.conditional)
            })
    };
    let everything = access.services.len() > SHOWN && access.services.iter().all(unlimited);
    if everything {
        summary.push(line(
            "Access",
            format!(
                "everything: every action of all {} services, on every resource",
                access.services.len()
            ),
            false,
        ));
    }
    for svc in access
        .services
        .iter()
        .take(if everything { 0 } else { SHOWN })
    {
        summary.push(line(
            "Access",
            format!(
                "{}: {}",
                svc.prefix,
                crate::engine::access_summary::describe(svc)
            ),
            svc.removed_by.is_some(),
        ));
    }
    if !everything && access.services.len() > SHOWN {
        summary.push(line(
            "Access",
            format!(
                "… and {} more services (`rolescope show {}` lists them all)",
                access.services.len() - SHOWN,
                role.name
            ),
            false,
        ));
    }
    if !missing.is_empty() {
        summary.push(line(
            "Access",
            format!(
                "unknown beyond this: managed polic{} {} not in the loaded data",
                if missing.len() == 1 { "y" } else { "ies" },
                missing
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            true,
        ));
    } else if access.services.is_empty() {
        summary.push(line(
            "Access",
            "nothing: no policy grants an action the catalogue knows",
            false,
        ));
    }
    if let Some(bd) = &role.permissions_boundary {
        summary.push(line(
            "Boundary",
            format!("{} caps everything above", bd.name),
            false,
        ));
    }
    summary.push(line(
        "Session",
        match role.max_session_duration {
            crate::engine::model::Known::Known(s) => {
                format!("max {s} s ({})", human_secs(i64::from(s)))
            }
            crate::engine::model::Known::Unknown => {
                "max unknown (the data does not say; simulations use AWS's default of 3600 s)"
                    .into()
            }
        },
        false,
    ));
    let last = role.last_used.as_ref().map_or_else(
        || "never, or not recorded".to_owned(),
        |l| {
            format!(
                "{}{}",
                when(l.last_used_date),
                l.region
                    .as_deref()
                    .map(|r| format!(" in {r}"))
                    .unwrap_or_default()
            )
        },
    );
    summary.push(line("Last used", last, false));
    for w in &facts.warnings {
        summary.push(line("⚠ Warning", w.clone(), true));
    }
    // Short facts first, so a small screen still shows them; the longer readings follow.
    summary.sort_by_key(|l| match l.label.as_str() {
        "About" => 0,
        "Kind" => 1,
        "Session" => 2,
        "Last used" => 3,
        "⚠ Warning" => 4,
        "Who" => 5,
        "Boundary" => 6,
        _ => 7,
    });
    let mut trust = Pane {
        title: "Trust policy (who may assume)".into(),
        ..Pane::default()
    };
    add_policy(&mut trust, None, "trust policy", Some(&role.trust_policy));
    let perms = identity_pane(
        inv,
        "Permissions (what a session may do)",
        &role.inline_policies,
        &role.managed_policies,
        role.permissions_boundary.as_ref(),
        role.policies_loaded,
    );
    Detail {
        subject: Subject::Role(i),
        title: format!("role {}", role.name),
        arn: role.arn.clone(),
        summary,
        summary_scroll: 0,
        panes: vec![trust, perms],
        focus: 0,
        plain: false,
    }
}

pub use crate::tui::widgets::text::human_secs;

/// The pane line of the element at JSON `path` in the policy whose whole lines are
/// `pane.statements[whole]`.
fn finding_line(pane: &Pane, whole: usize, path: &str) -> Option<usize> {
    let st = pane.statements.get(whole)?;
    let text = pane
        .json
        .get(st.body..st.json.end)?
        .iter()
        .map(|l| l.iter().map(|(_, s)| s.as_str()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n");
    let at = crate::engine::policy::validate::locate::locate(&text, path)?;
    Some(st.body + at.line.checked_sub(1)?)
}

/// The findings pane of a role's view: what `rolescope lint` and `show` find in the role's
/// policies (the engine's validator, with its codes), one line each, each leading to the
/// statement it is about in `panes` (the policy as a whole when it is about no statement);
/// `None` when there is nothing to report.
#[must_use]
pub fn findings_pane(inv: &Inventory, role: &Role, panes: &[Pane]) -> Option<Pane> {
    use crate::engine::policy::validate::Severity;
    let findings = crate::engine::lint::lint_role(role, inv, crate::engine::catalogue::get());
    if findings.is_empty() {
        return None;
    }
    let errors = findings
        .iter()
        .filter(|f| f.finding.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let mut pane = Pane {
        title: format!(
            "Findings: {}, {} (rolescope lint)",
            count(errors, "error"),
            count(warnings, "warning")
        ),
        raw: serde_json::to_string_pretty(&findings).unwrap_or_default(),
        list: true,
        ..Pane::default()
    };
    for f in findings.iter().map(|f| &f.finding) {
        let target = panes.iter().enumerate().find_map(|(pi, p)| {
            let at = |statement: Option<usize>| {
                p.statements
                    .iter()
                    .position(|st| st.policy == f.policy && st.statement == statement)
            };
            at(f.statement)
                .or_else(|| at(None))
                .map(|statement| crate::tui::widgets::pane::Jump {
                    pane: pi,
                    statement,
                    line: at(None).and_then(|whole| finding_line(p, whole, &f.path)),
                })
        });
        let place = match f.statement {
            Some(i) => format!("{}, statement {}", f.policy, i + 1),
            None => f.policy.clone(),
        };
        let (sev, tok) = match f.severity {
            Severity::Error => ("✗ error", Tok::Problem),
            Severity::Warning => ("⚠ warning", Tok::Heading),
        };
        let line = vec![
            (Tok::Plain, "  ".to_owned()),
            (tok, format!("{sev} {}", f.code)),
            (Tok::Plain, format!(" · {place}: {}", f.message)),
        ];
        if let Some(j) = target {
            pane.jumps.push((pane.json.len(), j));
        }
        pane.json.push(line.clone());
        pane.plain.push(line);
    }
    Some(pane)
}

/// The detail view of `subject`, or `None` when it is not in the inventory.
#[must_use]
pub fn build(inv: &Inventory, facts: &[RoleFacts], subject: Subject) -> Option<Detail> {
    match subject {
        Subject::Role(i) => {
            let role = inv.roles.get(i)?;
            Some(role_detail(
                inv,
                role,
                facts
                    .get(i)
                    .cloned()
                    .as_ref()
                    .unwrap_or(&RoleFacts::default()),
                i,
            ))
        }
        Subject::User(i) => {
            let u = inv.users.get(i)?;
            let mut summary = vec![
                line("Account", u.account.clone(), false),
                line("Path", u.path.clone(), false),
                line(
                    "Groups",
                    if u.groups.is_empty() {
                        "none".into()
                    } else {
                        u.groups.join(", ")
                    },
                    false,
                ),
                line("Created", when(u.create_date), false),
            ];
            if !u.tags.is_empty() {
                let tags = u
                    .tags
                    .iter()
                    .map(|t| format!("{}={}", t.key, t.value))
                    .collect::<Vec<_>>();
                summary.push(line("Tags", tags.join(", "), false));
            }
            summary.push(line(
                "Simulate",
                "press a to assume a role as this user",
                false,
            ));
            let own = identity_pane(
                inv,
                "Own policies",
                &u.inline_policies,
                &u.managed_policies,
                u.permissions_boundary.as_ref(),
                true,
            );
            let mut via_groups = Pane {
                title: "Through groups".into(),
                ..Pane::default()
            };
            for g in &u.groups {
                match inv.group_named(&u.account, g) {
                    Some(group) => {
                        let p = identity_pane(
                            inv,
                            g,
                            &group.inline_policies,
                            &group.managed_policies,
                            None,
                            true,
                        );
                        via_groups
                            .json
                            .push(heading_line(format!("══ group {g} ══")));
                        via_groups
                            .plain
                            .push(heading_line(format!("══ group {g} ══")));
                        let (dj, dp) = (via_groups.json.len(), via_groups.plain.len());
                        via_groups
                            .statements
                            .extend(p.statements.into_iter().map(|st| StatementLines {
                                json: st.json.start + dj..st.json.end + dj,
                                plain: st.plain.start + dp..st.plain.end + dp,
                                ..st
                            }));
                        via_groups.json.extend(p.json);
                        via_groups.plain.extend(p.plain);
                        via_groups.raw.push_str(&p.raw);
                    }
                    None => {
                        let l =
                            vec![(Tok::Problem, format!("group {g} is not in the loaded data"))];
                        via_groups.json.push(l.clone());
                        via_groups.plain.push(l);
                    }
                }
            }
            if via_groups.json.is_empty() {
                via_groups
                    .json
                    .push(vec![(Tok::Plain, "in no group".into())]);
                via_groups
                    .plain
                    .push(vec![(Tok::Plain, "in no group".into())]);
            }
            Some(Detail {
                subject,
                title: format!("user {}", u.name),
                arn: u.arn.clone(),
                summary,
                summary_scroll: 0,
                panes: vec![own, via_groups],
                focus: 0,
                plain: false,
            })
        }
        Subject::Group(i) => {
            let g = inv.groups.get(i)?;
            let members: Vec<&str> = inv
                .users
                .iter()
                .filter(|u| u.account == g.account && u.groups.contains(&g.name))
                .map(|u| u.name.as_str())
                .collect();
            let summary = vec![
                line("Account", g.account.clone(), false),
                line(
                    "Members",
                    if members.is_empty() {
                        "none".into()
                    } else {
                        members.join(", ")
                    },
                    false,
                ),
            ];
            Some(Detail {
                subject,
                title: format!("group {}", g.name),
                arn: g.arn.clone(),
                summary,
                summary_scroll: 0,
                panes: vec![identity_pane(
                    inv,
                    "Policies",
                    &g.inline_policies,
                    &g.managed_policies,
                    None,
                    true,
                )],
                focus: 0,
                plain: false,
            })
        }
        Subject::Provider(i) => {
            let p = inv.identity_providers.get(i)?;
            let trusting: Vec<String> = inv
                .roles
                .iter()
                .filter(|r| {
                    r.trust_policy.document.as_deref().is_some_and(|d| {
                        d.statements.iter().any(|s| match &s.principal {
                            Some(crate::engine::policy::document::Principals::Listed(l)) => {
                                l.iter().any(|(_, v)| v == &p.arn)
                            }
                            _ => false,
                        })
                    })
                })
                .map(|r| r.name.clone())
                .collect();
            let kind = match p.provider_type {
                crate::engine::model::ProviderType::Oidc => "OIDC (web identity)",
                crate::engine::model::ProviderType::Saml => "SAML 2.0",
            };
            let mut summary = vec![
                line("Type", kind, false),
                line("Account", p.account.clone(), false),
            ];
            if let Some(url) = &p.url {
                summary.push(line("Issuer", url.clone(), false));
            }
            if !p.client_ids.is_empty() {
                summary.push(line("Audiences", p.client_ids.join(", "), false));
            }
            summary.push(line(
                "Trusted by",
                if trusting.is_empty() {
                    "no loaded role".into()
                } else {
                    trusting.join(", ")
                },
                false,
            ));
            let json = serde_json::to_value(p).unwrap_or(Value::Null);
            let pane = Pane {
                title: "Provider".into(),
                raw: serde_json::to_string_pretty(&json).unwrap_or_default(),
                json: json_lines(&json),
                plain: Vec::new(),
                ..Pane::default()
            };
            Some(Detail {
                subject,
                title: format!("identity provider {}", crate::tui::facts::provider_name(p)),
                arn: p.arn.clone(),
                summary,
                summary_scroll: 0,
                panes: vec![pane],
                focus: 0,
                plain: false,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_tokens_tell_keys_from_values() {
        let lines = json_lines(&serde_json::json!({"Effect": "Allow", "N": 3, "B": true}));
        let flat: Vec<(Tok, String)> = lines.into_iter().flatten().collect();
        assert!(flat.contains(&(Tok::Key, "\"Effect\"".into())));
        assert!(flat.contains(&(Tok::Str, "\"Allow\"".into())));
        assert!(flat.contains(&(Tok::Num, "3".into())));
        assert!(flat.contains(&(Tok::Lit, "true".into())));
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(human_secs(3600), "1 h");
        assert_eq!(human_secs(5400), "1 h 30 min");
        assert_eq!(human_secs(900), "15 min");
        assert_eq!(human_secs(59), "59 s");
    }
}
