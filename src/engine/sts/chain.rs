//! Role chaining: a first `AssumeRole`, then each further hop made with the session the
//! previous hop issued — transitive tags, source identity and the one-hour cap carried
//! along as STS carries them (IAM-RULES §1.3, §3.5).

use chrono::{DateTime, Utc};

use crate::engine::sts::assume::{Outcome, SimulationError, Simulator};
use crate::engine::sts::request::{AssumeRoleRequest, CallerCredentials, TagDoc};

/// One further hop of a chain.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChainStep {
    pub role: String,
    pub role_session_name: Option<String>,
    pub duration_seconds: Option<i64>,
    pub external_id: Option<String>,
    pub tags: Vec<TagDoc>,
    pub transitive_tag_keys: Vec<String>,
}

impl Simulator<'_> {
    /// Simulates `first`, then every step with the session the previous hop issued. Stops
    /// at the first hop that fails (its outcome is the last one returned).
    ///
    /// # Errors
    /// When a hop cannot be simulated at all.
    pub fn chain(
        &self,
        first: &AssumeRoleRequest,
        steps: &[ChainStep],
        now: DateTime<Utc>,
    ) -> Result<Vec<Outcome>, SimulationError> {
        let now = first.now.unwrap_or(now);
        let mut out = vec![self.assume_role(first, now)?];
        for step in steps {
            let Some(prev) = out.last().and_then(|o| o.session.as_ref()) else {
                break;
            };
            let req = AssumeRoleRequest {
                now: Some(now),
                region: first.region.clone(),
                context: first.context.clone(),
                caller: prev.assumed_role_arn.clone(),
                caller_credentials: Some(CallerCredentials::AssumedRoleSession),
                caller_session: Some(prev.as_caller_session()),
                role: step.role.clone(),
                role_session_name: step
                    .role_session_name
                    .clone()
                    .or_else(|| Some(prev.session_name.clone())),
                duration_seconds: step.duration_seconds,
                external_id: step.external_id.clone(),
                tags: step.tags.clone(),
                transitive_tag_keys: step.transitive_tag_keys.clone(),
                ..AssumeRoleRequest::default()
            };
            out.push(self.assume_role(&req, now)?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::sts::outcome::Category;
    use crate::engine::sts::testkit::{A, Kit};
    use serde_json::{Value, json};

    fn trust(principal: &str) -> Value {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal},
            "Action": ["sts:AssumeRole", "sts:TagSession"]}]})
    }

    fn allow_all() -> Value {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]})
    }

    #[test]
    fn three_hops_each_capped_at_one_hour_with_transitive_tags_carried() {
        // IAM-RULES §1.3 (chaining cap), §3.5 (transitive tags).
        let role = |n: &str| format!("arn:aws:iam::{A}:role/{n}");
        let inv = Kit::new()
            .user(A, "maria", Some(allow_all()))
            .role(
                A,
                "Hop1",
                trust(&format!("arn:aws:iam::{A}:user/maria")),
                Some(allow_all()),
            )
            .role(A, "Hop2", trust(&role("Hop1")), Some(allow_all()))
            .role(A, "Hop3", trust(&role("Hop2")), None)
            .max_session("Hop1", Some(43200))
            .max_session("Hop3", Some(43200))
            .build();
        let sim = Simulator::new(&inv);
        let now = DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let first = AssumeRoleRequest {
            caller: format!("arn:aws:iam::{A}:user/maria"),
            role: "Hop1".into(),
            role_session_name: Some("maria".into()),
            duration_seconds: Some(43200),
            tags: vec![TagDoc::new("project", "apollo")],
            transitive_tag_keys: vec!["project".into()],
            ..AssumeRoleRequest::default()
        };
        let steps = [
            ChainStep {
                role: "Hop2".into(),
                ..ChainStep::default()
            },
            ChainStep {
                role: "Hop3".into(),
                duration_seconds: Some(7200),
                ..ChainStep::default()
            },
        ];
        let hops = sim.chain(&first, &steps, now).unwrap();
        assert_eq!(hops.len(), 3);
        let s1 = hops[0].session.as_ref().unwrap();
        assert_eq!((s1.duration_seconds, s1.chained), (43200, false));
        let s2 = hops[1].session.as_ref().unwrap();
        assert_eq!((s2.duration_seconds, s2.chained), (3600, true));
        assert_eq!(s2.principal_tags[0].value, "apollo");
        assert_eq!(hops[2].findings[0].category, Category::DurationTooLong);

        let steps = [
            ChainStep {
                role: "Hop2".into(),
                ..ChainStep::default()
            },
            ChainStep {
                role: "Hop3".into(),
                ..ChainStep::default()
            },
        ];
        let hops = sim.chain(&first, &steps, now).unwrap();
        let s3 = hops[2].session.as_ref().unwrap();
        assert!(s3.chained);
        assert_eq!(s3.transitive_tag_keys, ["project"]);
        assert_eq!(
            s3.assumed_role_arn,
            format!("arn:aws:sts::{A}:assumed-role/Hop3/maria")
        );
    }
}
