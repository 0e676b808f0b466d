//! What-if editing: a stack of edits laid over a loaded [`Inventory`], never touching the
//! loaded files. An edit changes a role's trust policy, one of its inline policies, its
//! permissions boundary's document or its maximum session duration, or applies a fix the
//! simulator proposed. Every edit is checked as IAM would check it on save — the policy
//! language rules of `policy::validate`, IAM's size quotas, the `MaxSessionDuration` range,
//! and the roles only AWS may modify (service-linked and IAM Identity Center roles) — and
//! is refused with the problem located (line and column for JSON syntax, a JSON path for
//! the rest).
//!
//! Edits can be undone one by one or discarded together; the result can be written as a new
//! bundle ([`bundle`]) and compared with the loaded data: who gained or lost the ability to
//! assume which role ([`access`]).
//!
//! The overlay keeps the base inventory and the list of edits; the edited inventory is
//! rebuilt by replaying them, so undo is exact.

pub mod access;
pub mod bundle;
pub mod save;

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::engine::lookup::find_role;
use crate::engine::model::{Inventory, Known, PolicyText, Role};
use crate::engine::policy::validate::{self, PolicyUse, Severity};
use crate::engine::sts::outcome::{Fix, PolicyTarget};
use crate::engine::sts::request::{AssumeRoleRequest, Request};
use crate::engine::sts::{FixError, apply_fix};

pub use access::{AccessDiff, AccessPair, who_can_assume};
pub use save::{Replace, SaveError};

/// IAM's quota on a role's trust policy, in characters without whitespace
/// (`ACLSizePerRole`, default 2048; raisable to 4096) [UG:reference_iam-quotas].
pub const TRUST_POLICY_MAX_CHARS: usize = 2048;
/// IAM's quota on the inline policies of one role, together, without whitespace
/// [UG:reference_iam-quotas].
pub const ROLE_INLINE_MAX_CHARS: usize = 10_240;
/// IAM's quota on one managed policy, without whitespace [UG:reference_iam-quotas].
pub const MANAGED_POLICY_MAX_CHARS: usize = 6144;

/// Which of a role's documents an edit replaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "document", content = "name", rename_all = "kebab-case")]
pub enum DocumentKind {
    /// The trust policy (`AssumeRolePolicyDocument`).
    Trust,
    /// The inline policy of that name (created when the role has none by that name).
    Inline(String),
    /// The default version of the managed policy used as the role's permissions boundary.
    Boundary,
}

impl DocumentKind {
    fn usage(&self) -> PolicyUse {
        match self {
            Self::Trust => PolicyUse::RoleTrust,
            Self::Inline(_) => PolicyUse::Identity,
            Self::Boundary => PolicyUse::PermissionsBoundary,
        }
    }

    /// A human name: `trust policy`, `inline policy `x``, `permissions boundary`.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Trust => "trust policy".to_owned(),
            Self::Inline(n) => format!("inline policy `{n}`"),
            Self::Boundary => "permissions boundary".to_owned(),
        }
    }
}

/// One what-if edit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "edit", rename_all = "kebab-case")]
pub enum Edit {
    /// Replace one of a role's documents with this JSON text.
    Document {
        /// The role's ARN (or a name unique in the data).
        role: String,
        kind: DocumentKind,
        text: String,
    },
    /// Set the role's `MaxSessionDuration`.
    MaxSessionDuration { role: String, seconds: i64 },
    /// Apply a fix the simulator proposed (policy statements, session maximum, Region,
    /// identity provider). Fixes that change the request rather than the data are refused.
    Fix(Fix),
}

impl Edit {
    /// One line saying what the edit does.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Document { role, kind, .. } => {
                format!("edit the {} of `{role}`", kind.describe())
            }
            Self::MaxSessionDuration { role, seconds } => {
                format!("set the maximum session duration of `{role}` to {seconds} s")
            }
            Self::Fix(f) => f.summary().to_owned(),
        }
    }
}

/// Why an edit was refused. Messages follow IAM's wording where IAM has one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    #[error("{0}")]
    NoRole(String),
    #[error(
        "the {what} is not valid JSON at line {line}, column {column}: {message}; correct it and save again"
    )]
    Syntax {
        what: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// IAM would refuse the document (`MalformedPolicyDocument`); every error is listed.
    #[error("MalformedPolicyDocument: the {what} has {} error(s): {}", .findings.len(), .findings.iter().map(|f| format!("at {}: {}", f.path, f.message)).collect::<Vec<_>>().join("; "))]
    Malformed {
        what: String,
        findings: Vec<validate::Finding>,
    },
    /// Service-linked and IAM Identity Center roles can only be changed by AWS
    /// (`UnmodifiableEntity`, as seen in rebuy-de/aws-nuke#331 and #441).
    #[error(
        "UnmodifiableEntity: Cannot perform the operation on the protected role '{0}' - this role is only modifiable by AWS"
    )]
    Protected(String),
    #[error("LimitExceeded: {0}")]
    LimitExceeded(String),
    #[error("ValidationError: {0}")]
    Validation(String),
    #[error(
        "role `{0}` has no permissions boundary to edit; attach one in the data first or edit an inline policy"
    )]
    NoBoundary(String),
    #[error(
        "this fix changes the request, not the data (`{0}`); change the simulation's parameters instead"
    )]
    RequestOnly(String),
    #[error("the fix cannot be applied: {0}")]
    Fix(#[from] FixError),
}

/// True for the roles only AWS may modify: service-linked roles (`/aws-service-role/`) and
/// the roles IAM Identity Center provisions (`/aws-reserved/sso.amazonaws.com/`).
#[must_use]
pub fn is_protected(role: &Role) -> bool {
    role.is_service_linked() || role.path.starts_with("/aws-reserved/")
}

/// The length IAM counts for a quota: the document without whitespace.
fn counted_len(v: &Value) -> usize {
    serde_json::to_string(v).map_or(0, |s| s.len())
}

/// Reads and checks `text` as a document of `kind`, returning the decoded JSON.
///
/// # Errors
/// [`EditError::Syntax`] or [`EditError::Malformed`], located.
pub fn check_document(kind: &DocumentKind, text: &str) -> Result<Value, EditError> {
    let what = kind.describe();
    let json: Value = serde_json::from_str(text).map_err(|e| EditError::Syntax {
        what: what.clone(),
        line: e.line(),
        column: e.column(),
        message: e
            .to_string()
            .split(" at line")
            .next()
            .unwrap_or("")
            .to_owned(),
    })?;
    let findings: Vec<validate::Finding> = validate::validate(&what, &json, kind.usage())
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if !findings.is_empty() {
        return Err(EditError::Malformed { what, findings });
    }
    Ok(json)
}

/// What the what-if editor's save check says about a document IAM would accept.
#[derive(Debug, Clone)]
pub struct SaveCheck {
    /// The document, decoded.
    pub json: Value,
    /// IAM Access Analyzer's findings that do not refuse the save (warnings, and errors IAM
    /// itself lets through such as an unknown action), each with its line and column in the
    /// text and the index of the statement it belongs to, in the order of the text.
    pub findings: Vec<crate::engine::lint::LintFinding>,
}

/// The what-if editor's save check: refuses what IAM would refuse (bad JSON, a malformed
/// document: [`check_document`]'s errors), and otherwise returns Access Analyzer's findings,
/// located in `text` and mapped to their statements.
///
/// # Errors
/// [`EditError::Syntax`] or [`EditError::Malformed`], located, as [`check_document`].
pub fn save_check(
    kind: &DocumentKind,
    text: &str,
    catalogue: &crate::engine::catalogue::Catalogue,
) -> Result<SaveCheck, EditError> {
    let json = check_document(kind, text)?;
    let findings =
        crate::engine::lint::lint_text(&kind.describe(), text, Some(kind.usage()), catalogue);
    Ok(SaveCheck { json, findings })
}

/// A stack of edits over a base inventory.
#[derive(Debug, Clone)]
pub struct WhatIf {
    base: Arc<Inventory>,
    edits: Vec<Edit>,
    current: Arc<Inventory>,
}

impl WhatIf {
    #[must_use]
    pub fn new(base: Arc<Inventory>) -> Self {
        Self {
            current: Arc::clone(&base),
            base,
            edits: Vec::new(),
        }
    }

    /// The loaded data, without edits.
    #[must_use]
    pub fn base(&self) -> &Arc<Inventory> {
        &self.base
    }

    /// The data with every edit applied.
    #[must_use]
    pub fn inventory(&self) -> &Arc<Inventory> {
        &self.current
    }

    /// The edits, oldest first.
    #[must_use]
    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }

    #[must_use]
    pub fn is_edited(&self) -> bool {
        !self.edits.is_empty()
    }

    /// The current text of one of a role's documents, pretty-printed, for an editor.
    ///
    /// # Errors
    /// When the role is not in the data or has no boundary.
    pub fn document_text(&self, role: &str, kind: &DocumentKind) -> Result<String, EditError> {
        let inv = &self.current;
        let r = find_role(inv, role).map_err(|e| EditError::NoRole(e.to_string()))?;
        let json = match kind {
            DocumentKind::Trust => r.trust_policy.json(),
            DocumentKind::Inline(name) => r
                .inline_policies
                .iter()
                .find(|p| &p.name == name)
                .map_or_else(
                    || serde_json::json!({"Version": "2012-10-17", "Statement": []}),
                    |p| p.policy.json(),
                ),
            DocumentKind::Boundary => {
                let b = r
                    .permissions_boundary
                    .as_ref()
                    .ok_or_else(|| EditError::NoBoundary(r.arn.clone()))?;
                inv.managed_policy(&b.arn)
                    .and_then(|p| p.default_version())
                    .map(|v| v.policy.json())
                    .ok_or_else(|| EditError::NoBoundary(r.arn.clone()))?
            }
        };
        Ok(serde_json::to_string_pretty(&json).unwrap_or_default())
    }

    /// Checks `edit` as IAM would and lays it on top.
    ///
    /// # Errors
    /// An [`EditError`] saying what IAM would answer; the overlay is unchanged.
    pub fn apply(&mut self, edit: Edit) -> Result<(), EditError> {
        let mut inv = (*self.current).clone();
        let edit = apply_edit(&mut inv, edit)?;
        inv.reindex();
        self.edits.push(edit);
        self.current = Arc::new(inv);
        Ok(())
    }

    /// Takes back the last edit; `None` when there is none.
    pub fn undo(&mut self) -> Option<Edit> {
        let last = self.edits.pop()?;
        self.rebuild();
        Some(last)
    }

    /// Drops every edit.
    pub fn discard(&mut self) {
        self.edits.clear();
        self.current = Arc::clone(&self.base);
    }

    fn rebuild(&mut self) {
        let mut inv = (*self.base).clone();
        let mut kept = Vec::new();
        for e in std::mem::take(&mut self.edits) {
            // Every kept edit applied before; replaying it on the same data cannot fail.
            if let Ok(e) = apply_edit(&mut inv, e) {
                inv.reindex();
                kept.push(e);
            }
        }
        self.edits = kept;
        self.current = Arc::new(inv);
    }

    /// Who gained and who lost the ability to assume a role, loaded data against edited.
    #[must_use]
    pub fn access_diff(&self) -> AccessDiff {
        AccessDiff::between(&self.base, &self.current)
    }

    /// The edited data as a bundle document.
    #[must_use]
    pub fn to_bundle(&self) -> Value {
        bundle::to_bundle(&self.current)
    }

    /// Writes the edited data as a bundle file. A loaded file is never replaced, whatever
    /// name it is given by; another existing file only with `replace` confirmed.
    ///
    /// # Errors
    /// [`SaveError`] when the file is a loaded input, exists without confirmation, or
    /// cannot be written.
    pub fn save_bundle(&self, path: &Path, replace: Replace) -> Result<(), SaveError> {
        let text = serde_json::to_string_pretty(&self.to_bundle()).map_err(|e| SaveError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        save::write_new(path, &(text + "\n"), &self.base.sources, replace)
    }
}

fn role_index(inv: &Inventory, role: &str) -> Result<usize, EditError> {
    let r = find_role(inv, role).map_err(|e| EditError::NoRole(e.to_string()))?;
    inv.index
        .role_by_arn
        .get(&r.arn)
        .copied()
        .ok_or_else(|| EditError::NoRole(format!("role `{role}` is not in the loaded data")))
}

fn protect(inv: &Inventory, i: usize) -> Result<(), EditError> {
    let r = &inv.roles[i];
    if is_protected(r) {
        return Err(EditError::Protected(r.name.clone()));
    }
    Ok(())
}

/// Applies one edit to `inv` (not reindexed), returning it with the role named by ARN.
fn apply_edit(inv: &mut Inventory, edit: Edit) -> Result<Edit, EditError> {
    match edit {
        Edit::Document { role, kind, text } => {
            let i = role_index(inv, &role)?;
            protect(inv, i)?;
            if kind == DocumentKind::Boundary && inv.roles[i].permissions_boundary.is_none() {
                return Err(EditError::NoBoundary(inv.roles[i].arn.clone()));
            }
            let json = check_document(&kind, &text)?;
            let arn = inv.roles[i].arn.clone();
            let name = inv.roles[i].name.clone();
            match &kind {
                DocumentKind::Trust => {
                    let n = counted_len(&json);
                    if n > TRUST_POLICY_MAX_CHARS {
                        return Err(EditError::LimitExceeded(format!(
                            "Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_MAX_CHARS} (the trust policy has {n} characters without whitespace)"
                        )));
                    }
                    inv.roles[i].trust_policy = PolicyText::from_json(json);
                }
                DocumentKind::Inline(pname) => {
                    let others: usize = inv.roles[i]
                        .inline_policies
                        .iter()
                        .filter(|p| &p.name != pname)
                        .map(|p| counted_len(&p.policy.json()))
                        .sum();
                    if others + counted_len(&json) > ROLE_INLINE_MAX_CHARS {
                        return Err(EditError::LimitExceeded(format!(
                            "Maximum policy size of {ROLE_INLINE_MAX_CHARS} bytes exceeded for role {name}"
                        )));
                    }
                    let list = &mut inv.roles[i].inline_policies;
                    let text = PolicyText::from_json(json);
                    if let Some(p) = list.iter_mut().find(|p| &p.name == pname) {
                        p.policy = text;
                    } else {
                        list.push(crate::engine::model::InlinePolicy {
                            name: pname.clone(),
                            policy: text,
                        });
                    }
                }
                DocumentKind::Boundary => {
                    let b = inv.roles[i]
                        .permissions_boundary
                        .clone()
                        .ok_or_else(|| EditError::NoBoundary(arn.clone()))?;
                    let n = counted_len(&json);
                    if n > MANAGED_POLICY_MAX_CHARS {
                        return Err(EditError::LimitExceeded(format!(
                            "Cannot exceed quota for PolicySize: {MANAGED_POLICY_MAX_CHARS}"
                        )));
                    }
                    let pi = *inv
                        .index
                        .policy_by_arn
                        .get(&b.arn)
                        .ok_or_else(|| EditError::NoBoundary(arn.clone()))?;
                    let p = &mut inv.policies[pi];
                    let default_id = p
                        .default_version()
                        .map(|v| v.version_id.clone())
                        .ok_or_else(|| EditError::NoBoundary(arn.clone()))?;
                    if let Some(v) = p.versions.iter_mut().find(|v| v.version_id == default_id) {
                        v.policy = PolicyText::from_json(json).into();
                    }
                }
            }
            Ok(Edit::Document {
                role: arn,
                kind,
                text,
            })
        }
        Edit::MaxSessionDuration { role, seconds } => {
            let i = role_index(inv, &role)?;
            protect(inv, i)?;
            let value = u32::try_from(seconds)
                .ok()
                .filter(|s| (3600..=43200).contains(s));
            let Some(value) = value else {
                let bound = if seconds < 3600 {
                    "greater than or equal to 3600"
                } else {
                    "less than or equal to 43200"
                };
                return Err(EditError::Validation(format!(
                    "1 validation error detected: Value '{seconds}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value {bound}"
                )));
            };
            inv.roles[i].max_session_duration = Known::Known(value);
            Ok(Edit::MaxSessionDuration {
                role: inv.roles[i].arn.clone(),
                seconds,
            })
        }
        Edit::Fix(fix) => {
            let role_target = match &fix {
                Fix::SetParameter { summary, .. } => {
                    return Err(EditError::RequestOnly(summary.clone()));
                }
                Fix::SetMaxSessionDuration { role_arn, .. }
                | Fix::AddStatement {
                    target:
                        PolicyTarget::TrustPolicy { role_arn }
                        | PolicyTarget::RoleInline { role_arn, .. },
                    ..
                }
                | Fix::RemoveStatement {
                    target:
                        PolicyTarget::TrustPolicy { role_arn }
                        | PolicyTarget::RoleInline { role_arn, .. },
                    ..
                }
                | Fix::ReplaceStatement {
                    target:
                        PolicyTarget::TrustPolicy { role_arn }
                        | PolicyTarget::RoleInline { role_arn, .. },
                    ..
                } => Some(role_arn.clone()),
                _ => None,
            };
            if let Some(arn) = role_target {
                let i = role_index(inv, &arn)?;
                protect(inv, i)?;
            }
            let mut unused = Request::AssumeRole(AssumeRoleRequest::default());
            apply_fix(inv, &mut unused, &fix)?;
            Ok(Edit::Fix(fix))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::load::load_demo;
    use serde_json::json;

    fn demo() -> WhatIf {
        WhatIf::new(Arc::new(load_demo().unwrap()))
    }

    const ANALYTICS: &str = "arn:aws:iam::222222222222:role/data/AnalyticsReadOnly";

    #[test]
    fn a_trust_edit_changes_the_overlay_and_never_the_base() {
        let mut w = demo();
        let text = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::333333333333:root"}, "Action": "sts:AssumeRole"}]})
        .to_string();
        w.apply(Edit::Document {
            role: "AnalyticsReadOnly".into(),
            kind: DocumentKind::Trust,
            text,
        })
        .unwrap();
        let now = w.inventory().role_by_arn(ANALYTICS).unwrap();
        assert!(now.trust_policy.json().to_string().contains("333333333333"));
        let before = w.base().role_by_arn(ANALYTICS).unwrap();
        assert!(
            !before
                .trust_policy
                .json()
                .to_string()
                .contains("333333333333")
        );
        assert_eq!(w.edits().len(), 1);
        assert!(matches!(&w.edits()[0], Edit::Document { role, .. } if role == ANALYTICS));
    }

    #[test]
    fn json_syntax_errors_are_located_by_line_and_column() {
        let mut w = demo();
        let e = w
            .apply(Edit::Document {
                role: ANALYTICS.into(),
                kind: DocumentKind::Trust,
                text: "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n}".into(),
            })
            .unwrap_err();
        assert!(matches!(e, EditError::Syntax { line: 4, .. }), "{e}");
        assert!(!w.is_edited());
    }

    #[test]
    fn iam_refuses_on_save_what_the_policy_language_forbids() {
        // Wildcards inside a principal ARN are refused (IAM-RULES §3.1); a lowercase effect
        // is malformed.
        let mut w = demo();
        let text = json!({"Version": "2012-10-17", "Statement": [{"Effect": "allow",
            "Principal": {"AWS": "arn:aws:iam::333333333333:user/*"}, "Action": "sts:AssumeRole"}]})
        .to_string();
        let e = w
            .apply(Edit::Document {
                role: ANALYTICS.into(),
                kind: DocumentKind::Trust,
                text,
            })
            .unwrap_err();
        let EditError::Malformed { findings, .. } = &e else {
            panic!("{e}")
        };
        assert!(
            findings
                .iter()
                .any(|f| f.path.starts_with("$.Statement[0]")),
            "{e}"
        );
        assert!(e.to_string().starts_with("MalformedPolicyDocument"), "{e}");
    }

    #[test]
    fn service_linked_and_identity_center_roles_are_only_modifiable_by_aws() {
        let mut w = demo();
        let e = w
            .apply(Edit::MaxSessionDuration {
                role: "arn:aws:iam::222222222222:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling".into(),
                seconds: 7200,
            })
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "UnmodifiableEntity: Cannot perform the operation on the protected role 'AWSServiceRoleForAutoScaling' - this role is only modifiable by AWS"
        );
        let sso = w
            .base()
            .roles
            .iter()
            .find(|r| r.name.starts_with("AWSReservedSSO_"))
            .unwrap()
            .arn
            .clone();
        let e = w
            .apply(Edit::Document {
                role: sso,
                kind: DocumentKind::Inline("x".into()),
                text: "{}".into(),
            })
            .unwrap_err();
        assert!(matches!(e, EditError::Protected(_)), "{e}");
    }

    #[test]
    fn max_session_duration_must_lie_between_one_and_twelve_hours() {
        // IAM-RULES §1.3: MaxSessionDuration 3600..43200.
        let mut w = demo();
        for (secs, ok) in [(3599, false), (3600, true), (43200, true), (43201, false)] {
            let r = w.apply(Edit::MaxSessionDuration {
                role: "nightly-batch-report".into(),
                seconds: secs,
            });
            assert_eq!(r.is_ok(), ok, "{secs}: {r:?}");
        }
        assert_eq!(w.edits().len(), 2);
    }

    #[test]
    fn undo_takes_back_one_edit_at_a_time_and_discard_all() {
        let mut w = demo();
        for s in [7200, 14400] {
            w.apply(Edit::MaxSessionDuration {
                role: "nightly-batch-report".into(),
                seconds: s,
            })
            .unwrap();
        }
        let max = |w: &WhatIf| {
            w.inventory()
                .roles
                .iter()
                .find(|r| r.name == "nightly-batch-report")
                .unwrap()
                .max_session_duration
        };
        assert_eq!(max(&w), Known::Known(14400));
        assert!(w.undo().is_some());
        assert_eq!(max(&w), Known::Known(7200));
        w.discard();
        assert_eq!(max(&w), Known::Known(3600));
        assert!(w.undo().is_none());
    }

    #[test]
    fn a_boundary_edit_changes_the_boundary_policy_default_version() {
        let mut w = demo();
        let text = w
            .document_text("storefront-builder", &DocumentKind::Boundary)
            .unwrap();
        assert!(text.contains("Statement"));
        let widened = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": ["s3:*", "dynamodb:*", "logs:*"], "Resource": "*"}]})
        .to_string();
        w.apply(Edit::Document {
            role: "storefront-builder".into(),
            kind: DocumentKind::Boundary,
            text: widened,
        })
        .unwrap();
        let e = w
            .apply(Edit::Document {
                role: "OpsEntry".into(),
                kind: DocumentKind::Boundary,
                text: "{}".into(),
            })
            .unwrap_err();
        assert!(matches!(e, EditError::NoBoundary(_)), "{e}");
    }

    #[test]
    fn request_only_fixes_are_refused_as_data_edits() {
        let mut w = demo();
        let e = w
            .apply(Edit::Fix(Fix::SetParameter {
                parameter: "duration_seconds".into(),
                value: json!(3600),
                summary: "ask for 3600".into(),
            }))
            .unwrap_err();
        assert!(matches!(e, EditError::RequestOnly(_)), "{e}");
    }

    #[test]
    fn saving_refuses_to_overwrite_a_loaded_file_and_writes_a_loadable_bundle() {
        let mut w = demo();
        w.apply(Edit::MaxSessionDuration {
            role: "nightly-batch-report".into(),
            seconds: 14400,
        })
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("edited.json");
        w.save_bundle(&path, Replace::No).unwrap();
        let back = crate::engine::load::load_paths(&[path]).unwrap();
        let r = back
            .roles
            .iter()
            .find(|r| r.name == "nightly-batch-report")
            .unwrap();
        assert_eq!(r.max_session_duration, Known::Known(14400));
    }
}
