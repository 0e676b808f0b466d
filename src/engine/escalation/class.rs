//! Callers whose escalation edges to other principals are decided once for all of them.
//!
//! An edge to another principal (passing it to a service, its access keys or password, its
//! trust policy) is decided by the caller's requests for the technique's actions on the
//! target: its identity policies, its boundary and its account's SCPs (the checker leaves
//! resource policies and RCPs out, and builds the rewritten trust to name the caller). Only
//! statements whose actions may match one of those requests can take part, so two callers
//! of one account and kind whose such statements come from the same shared documents (a
//! managed policy, a group's), with the same boundary, get the same answer for every target
//! — unless a statement reads who the caller is (`aws:username`, `aws:PrincipalArn`, a
//! principal tag, a `${…}` policy variable), or one of their policies is not loaded. Such a
//! class is decided once, for one of its members, and each member's edges are that answer
//! with itself as the caller: the edge into itself left out, and the access-denied sentence
//! naming it (the error message names the caller; IAM user guide, "Troubleshoot access
//! denied error messages",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html>).
//!
//! A caller's own inline policies that take part are in the class's key too, each by its
//! name and its statements that take part (label and content): two help-desk users of one
//! account whose inline `helpdesk` policies say the same decide alike. An inline policy is
//! named after its owner in the decisions (`` `alice/helpdesk` statement `Keys` ``), so a
//! member's edges name its own policy where the first member's named the first's.

use crate::engine::graph::FastMap as HashMap;
use std::sync::Arc;

use crate::engine::graph::{NodeId, NodeKind, TrustGraph};
use crate::engine::model::{Inventory, ManagedPolicy, PolicyText};
use crate::engine::policy::document::{PolicyDocument, Statement};
use crate::engine::policy::pattern::glob_match;

/// How a caller's edges to other principals are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Others {
    /// No statement may allow a technique that acts on another principal: there are none.
    Nothing,
    /// Decided once for every caller of this class (its number).
    Shared(u32),
    /// Decided for this caller alone.
    Own,
}

/// What a document holds that decides which class its holders fall in.
#[derive(Debug, Clone, Copy)]
struct DocFacts {
    /// Some statement may match an action the escalation checker asks about.
    takes_part: bool,
    /// Some statement that takes part reads who the caller is.
    reads_caller: bool,
}

/// What makes two callers' edges to others the same: the account and kind of caller, its own
/// inline policies that take part (see [`inline_key`]), the shared documents whose statements
/// take part (each by its name and document), in the order the caller's policies are
/// gathered, and the boundary.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    account: String,
    kind: NodeKind,
    service_linked: bool,
    inline: Vec<String>,
    docs: Vec<(String, usize)>,
    boundary: Option<(String, usize)>,
}

/// What decides an edge in a caller's own inline policy: its name (decisions name it after
/// its owner) and each statement that takes part, with its label and its content; the other
/// statements cannot change a decision.
fn inline_key(name: &str, doc: &PolicyDocument) -> String {
    doc.statements_key(name, takes_part)
}

/// The classes met so far, and each caller's.
#[derive(Default)]
pub(super) struct Classes {
    docs: HashMap<usize, DocFacts>,
    /// Per account: whether one of its SCPs reads who the caller is.
    scps: HashMap<String, bool>,
    keys: HashMap<Key, u32>,
    of: HashMap<NodeId, Others>,
    /// Each class's first member: the caller its answer is decided for.
    firsts: Vec<NodeId>,
}

/// The actions the checker asks about for an edge to another principal: every technique
/// action, and `sts:AssumeRole` (after a trust policy is rewritten).
fn asked_actions() -> impl Iterator<Item = &'static str> {
    super::technique_actions()
        .iter()
        .map(String::as_str)
        .chain(std::iter::once("sts:assumerole"))
}

fn takes_part(st: &Statement) -> bool {
    let Some(list) = st.action.as_ref() else {
        return false;
    };
    if st.effect.is_none() {
        return false;
    }
    asked_actions().any(|a| {
        let hit = list
            .patterns
            .iter()
            .any(|p| glob_match(&p.to_ascii_lowercase(), a));
        hit != list.negated
    })
}

/// Context keys whose value differs between two callers of one account and kind (the
/// request context AWS gives each: IAM user guide, "AWS global condition context keys",
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>).
/// `aws:PrincipalAccount`, `aws:PrincipalOrgID` and `aws:PrincipalOrgPaths` are the
/// account's, and `aws:PrincipalType` the kind's.
fn key_reads_caller(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    let account_wide = [
        "aws:principalaccount",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principaltype",
        "aws:principalisawsservice",
    ];
    if account_wide.contains(&k.as_str()) {
        return false;
    }
    k.starts_with("aws:principal")
        || k.starts_with("aws:username")
        || k.starts_with("aws:userid")
        || k.starts_with("aws:sourceidentity")
        || k.starts_with("aws:federatedprovider")
        || k.starts_with("aws:rolesessionname")
        || k.contains("${")
}

/// True when a statement reads who the caller is: a condition on a caller's key, or a
/// policy variable anywhere (`${aws:username}` in a resource or a condition value).
fn reads_caller(st: &Statement) -> bool {
    let variable = |s: &str| s.contains("${");
    st.conditions
        .iter()
        .any(|c| key_reads_caller(&c.key) || c.values.iter().any(|v| variable(v)))
        || st
            .resource
            .as_ref()
            .is_some_and(|r| r.patterns.iter().any(|p| variable(p)))
}

fn doc_facts(doc: &PolicyDocument) -> DocFacts {
    let mut facts = DocFacts {
        takes_part: false,
        reads_caller: false,
    };
    for st in doc.statements.iter().filter(|st| takes_part(st)) {
        facts.takes_part = true;
        facts.reads_caller |= reads_caller(st);
    }
    facts
}

impl Classes {
    fn facts(&mut self, doc: &Arc<PolicyDocument>) -> DocFacts {
        *self
            .docs
            .entry(Arc::as_ptr(doc) as usize)
            .or_insert_with(|| doc_facts(doc))
    }

    fn scps_read_caller(&mut self, inv: &Inventory, account: &str) -> bool {
        if let Some(&r) = self.scps.get(account) {
            return r;
        }
        let reads = inv
            .account(account)
            .and_then(|a| a.organization.as_ref())
            .is_some_and(|org| {
                org.scps_by_level.iter().any(|level| {
                    level.policies.iter().any(|p| {
                        p.document
                            .as_ref()
                            .is_none_or(|d| d.statements.iter().any(reads_caller))
                    })
                })
            });
        self.scps.insert(account.to_owned(), reads);
        reads
    }

    /// The class of `node`'s edges to others. `may_act` is whether its statements may allow
    /// a technique acting on another principal at all.
    pub(super) fn of(&mut self, g: &TrustGraph, node: NodeId, may_act: bool) -> Others {
        if let Some(&o) = self.of.get(&node) {
            return o;
        }
        let found = if may_act {
            self.find(g, node)
        } else {
            Others::Nothing
        };
        self.of.insert(node, found);
        found
    }

    /// The member an answer shared by class `class` is decided for.
    pub(super) fn first(&self, class: u32) -> Option<NodeId> {
        self.firsts.get(class as usize).copied()
    }

    /// How many classes are shared so far.
    pub(super) fn len(&self) -> usize {
        self.firsts.len()
    }

    fn find(&mut self, g: &TrustGraph, node: NodeId) -> Others {
        let inv = g.inventory();
        let n = g.node(node);
        let Some(account) = n.account.clone() else {
            return Others::Own;
        };
        let mut key = Key {
            account,
            kind: n.kind,
            service_linked: false,
            inline: Vec::new(),
            docs: Vec::new(),
            boundary: None,
        };
        let managed = |arn: &str| {
            inv.managed_policy(arn)
                .and_then(ManagedPolicy::default_version)
                .map(|v| &*v.policy)
        };
        let mut docs: Vec<(String, usize)> = Vec::new();
        let mut inline: Vec<String> = Vec::new();
        let mut boundary = None;
        let ok: Option<()> = (|| {
            match n.kind {
                NodeKind::User => {
                    let u = inv.user_by_arn(&n.id)?;
                    self.own(&u.inline_policies, &mut inline)?;
                    for m in &u.managed_policies {
                        self.shared(&mut docs, m.arn.clone(), managed(&m.arn)?)?;
                    }
                    for gname in &u.groups {
                        let group = inv.group_named(&u.account, gname)?;
                        for p in &group.inline_policies {
                            let name = format!("group/{}/{}", group.name, p.name);
                            self.shared(&mut docs, name, &p.policy)?;
                        }
                        for m in &group.managed_policies {
                            self.shared(&mut docs, m.arn.clone(), managed(&m.arn)?)?;
                        }
                    }
                    boundary = bound(u.permissions_boundary.as_ref(), &managed)?;
                }
                NodeKind::Role => {
                    let r = inv.role_by_arn(&n.id)?;
                    if !r.policies_loaded {
                        return None;
                    }
                    key.service_linked = r.is_service_linked();
                    self.own(&r.inline_policies, &mut inline)?;
                    for m in &r.managed_policies {
                        self.shared(&mut docs, m.arn.clone(), managed(&m.arn)?)?;
                    }
                    boundary = bound(r.permissions_boundary.as_ref(), &managed)?;
                }
                _ => return None,
            }
            Some(())
        })();
        key.inline = inline;
        key.docs = docs;
        key.boundary = boundary;
        if ok.is_none() || self.scps_read_caller(inv, &key.account) {
            return Others::Own;
        }
        let next = u32::try_from(self.firsts.len()).unwrap_or(u32::MAX);
        let class = *self.keys.entry(key).or_insert(next);
        if class == next {
            self.firsts.push(node);
        }
        Others::Shared(class)
    }

    /// The caller's own inline policies that take part onto `keys` (see [`inline_key`]);
    /// `None` when one reads the caller (or is unreadable).
    fn own(
        &mut self,
        inline: &[crate::engine::model::InlinePolicy],
        keys: &mut Vec<String>,
    ) -> Option<()> {
        for p in inline {
            let doc = p.policy.document.as_ref()?;
            let facts = self.facts(doc);
            if facts.reads_caller {
                return None;
            }
            if facts.takes_part {
                keys.push(inline_key(&p.name, doc));
            }
        }
        Some(())
    }

    /// A shared document onto `docs` when it takes part; `None` when it reads the caller
    /// (or is unreadable).
    fn shared(
        &mut self,
        docs: &mut Vec<(String, usize)>,
        name: String,
        text: &PolicyText,
    ) -> Option<()> {
        let doc = text.document.as_ref()?;
        let facts = self.facts(doc);
        if facts.reads_caller {
            return None;
        }
        if facts.takes_part {
            docs.push((name, Arc::as_ptr(doc) as usize));
        }
        Some(())
    }
}

/// The boundary's part of the key: `Some(None)` without one; `None` when it is not loaded
/// or reads the caller.
#[expect(
    clippy::option_option,
    reason = "no boundary, a boundary, or a caller decided alone"
)]
fn bound<'i>(
    boundary: Option<&crate::engine::model::AttachedPolicy>,
    managed: &dyn Fn(&str) -> Option<&'i PolicyText>,
) -> Option<Option<(String, usize)>> {
    let Some(b) = boundary else {
        return Some(None);
    };
    let doc = managed(&b.arn)?.document.as_ref()?;
    // The boundary refuses what it does not allow: all of it decides, not only the
    // statements that take part.
    if doc.statements.iter().any(reads_caller) {
        return None;
    }
    Some(Some((b.arn.clone(), Arc::as_ptr(doc) as usize)))
}

/// The sentence `message` with the caller it names (`User: <arn> …`, as AWS writes an
/// access-denied message) made `is` instead of `was`, and `was`'s own inline policies it
/// names made `is`'s (see [`own_policies_renamed`]); other sentences unchanged.
pub(super) fn naming(g: &TrustGraph, message: &str, was: NodeId, is: NodeId) -> String {
    let (from, to) = (g.message_principal(was), g.message_principal(is));
    if let Some((word, rest)) = message.split_once(": ")
        && !word.contains(' ')
        && let Some(after) = rest.strip_prefix(from)
        && (after.is_empty() || after.starts_with(' '))
    {
        return own_policies_renamed(g, &format!("{word}: {to}{after}"), was, is);
    }
    own_policies_renamed(g, message, was, is)
}

/// `text` with each of `was`'s own inline policies it names (`` `was/policy` ``, as
/// decisions name a statement's policy) named as `is`'s (`` `is/policy` ``). Members of one
/// class hold the inline policies that take part under the same names (see [`inline_key`]).
pub(super) fn own_policies_renamed(g: &TrustGraph, text: &str, was: NodeId, is: NodeId) -> String {
    let (old, new) = (&g.node(was).name, &g.node(is).name);
    let opening = format!("`{old}/");
    if old == new || !text.contains(&opening) {
        return text.to_owned();
    }
    let names: Vec<&str> = match g.node(was).kind {
        NodeKind::User => g.user(was).map_or_else(Vec::new, |u| {
            u.inline_policies.iter().map(|p| p.name.as_str()).collect()
        }),
        NodeKind::Role => g.role(was).map_or_else(Vec::new, |r| {
            r.inline_policies.iter().map(|p| p.name.as_str()).collect()
        }),
        _ => Vec::new(),
    };
    let mut out = text.to_owned();
    for name in names {
        // Policy names hold no `/` and the quote closes the name: `alice/keys` is not read
        // inside `alice/keys-old`, nor in a group's `group/alice/…`.
        let from = format!("{opening}{name}`");
        if out.contains(&from) {
            out = out.replace(&from, &format!("`{new}/{name}`"));
        }
    }
    out
}
