//! The glossary overlay: the terms a class about IAM roles meets, each in a sentence or
//! two, in rolescope's own words. Opened with `t`, scrolled with j/k, closed with `t` or Esc.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::tui::theme::Theme;
use crate::tui::ui::centered;

/// (term, explanation), alphabetical.
pub const TERMS: &[(&str, &str)] = &[
    (
        "AssumeRole",
        "The STS call that trades a caller's credentials for a role session. The role's trust policy must let the caller in, and for a caller in another account, the caller's own policy must allow sts:AssumeRole on the role.",
    ),
    (
        "Confused deputy",
        "A service or third party tricked into using its access on behalf of the wrong customer. Guarded against with an external ID (third parties) or aws:SourceAccount / aws:SourceArn conditions (AWS services).",
    ),
    (
        "Cross-account role",
        "A role in one account (the trusting account) whose trust policy names principals of another account (the trusted account).",
    ),
    (
        "Eventual consistency",
        "IAM stores a change at once but it reaches every endpoint a little later; right after a change, calls may still get the old answer.",
    ),
    (
        "External ID",
        "A value agreed between an account and a third party, required by the role's trust policy (sts:ExternalId) and passed by the third party on every AssumeRole.",
    ),
    (
        "Federation",
        "Signing in with an identity kept outside AWS (a corporate directory via SAML, an OIDC provider) and getting a role session for it, with no IAM user.",
    ),
    (
        "Instance profile",
        "The container that hands a role to an EC2 instance; applications on the instance get the role's credentials from the metadata service.",
    ),
    (
        "Maximum session duration",
        "A role's setting, 1 to 12 hours (one hour by default): the longest session a call may ask for. Asking for more is refused, not shortened.",
    ),
    (
        "MFA",
        "Multi-factor authentication. A trust policy can require aws:MultiFactorAuthPresent; the caller then passes its device's serial number and a current code.",
    ),
    (
        "Permissions boundary",
        "A managed policy set on a user or role as a ceiling: a request is allowed only if both the permissions policies and the boundary allow it.",
    ),
    (
        "Permissions policy",
        "What a user, group or role may do: inline or managed policies without a Principal element.",
    ),
    (
        "Principal",
        "Who makes a request: an account root, an IAM user, a role session, a federated user, an AWS service.",
    ),
    (
        "Resource-based policy",
        "A policy attached to a resource (a bucket, a key, a role's trust policy) that names principals. An explicit deny in it wins over every allow.",
    ),
    (
        "Role",
        "An identity with permissions but no credentials of its own; whoever its trust policy allows can assume it for a while.",
    ),
    (
        "Role chaining",
        "Using a role session to assume another role. Every chained session is capped at one hour, whatever the role allows.",
    ),
    (
        "Role session",
        "The temporary identity a successful AssumeRole creates: arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, with credentials that expire.",
    ),
    (
        "Roles Anywhere",
        "IAM Roles Anywhere: workloads outside AWS present an X.509 certificate from a registered certificate authority (a trust anchor) instead of stored keys.",
    ),
    (
        "SCP",
        "Service control policy: an organisation's guardrail on what principals of member accounts may do. It never grants anything.",
    ),
    (
        "Service role",
        "A role an AWS service assumes to act for you; its trust names the service principal (lambda.amazonaws.com, …). You create and edit it.",
    ),
    (
        "Service-linked role",
        "A role a service creates and owns in your account, under /aws-service-role/. Only that service assumes it; you can look at it but not edit it.",
    ),
    (
        "Session tags",
        "Key-value tags passed when assuming a role; they become principal tags of the session. Transitive ones carry on down a chain.",
    ),
    (
        "Source identity",
        "A name set when a session is first created (often the person's); it stays with every later session of the chain and cannot be changed.",
    ),
    (
        "STS",
        "AWS Security Token Service: issues temporary credentials (AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity).",
    ),
    (
        "Trust policy",
        "The resource-based policy of a role: who may assume it, under which conditions.",
    ),
    (
        "Trusted / trusting account",
        "In delegation, the trusting account owns the role and the resources; the trusted account holds the people or programs that assume it.",
    ),
    (
        "User",
        "An IAM identity for one person or program, with long-term credentials (password, access keys) that work until changed or removed.",
    ),
    (
        "Web identity",
        "AssumeRoleWithWebIdentity: an OIDC token (GitHub Actions, EKS, Cognito, Google) traded for a role session.",
    ),
];

/// Draws the glossary over the screen.
pub fn render(frame: &mut Frame<'_>, area: Rect, scroll: usize, theme: Theme) {
    let r = centered(area, 90, area.height.saturating_sub(2));
    frame.render_widget(Clear, r);
    let mut lines = Vec::new();
    for (term, text) in TERMS {
        lines.push(Line::from(vec![Span::styled(*term, theme.title())]));
        lines.push(Line::raw(format!("  {text}")));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .block(
                Block::bordered()
                    .title(" Glossary — j/k scroll, t or Esc close ")
                    .border_style(theme.border(true)),
            ),
        r,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_in_alphabetical_order_and_unique() {
        let names: Vec<String> = TERMS.iter().map(|(t, _)| t.to_lowercase()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted);
    }
}
