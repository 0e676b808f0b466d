//! The trust graph agrees with the STS simulator: for every working edge the simulator
//! allows the edge's witness request, and for a sample of principal × role pairs with no
//! working edge it refuses the plain request (AssumeRole, web identity and SAML edges). Checked on the demo organisation, the
//! reference account (moto export) and a generated organisation.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod support;

#[path = "../examples/gen_org/org.rs"]
mod gen_org;

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use rolescope::engine::graph::{Api, Edge, NodeId, NodeKind, TrustGraph};
use rolescope::engine::load::{load_demo, load_paths, load_str};
use rolescope::engine::model::Inventory;
use rolescope::engine::policy::ContextValue;
use rolescope::engine::sts::Simulator;
use rolescope::engine::sts::request::{
    AssumeRoleRequest, CallerCredentials, CallerSessionDoc, ContextValueDoc, SamlAssertionDoc,
    SamlRequest, SessionOrigin, WebIdentityRequest,
};
use serde_json::{Map, json};
use support::org::{Rng, generated_org};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
}

fn web_identity_request(g: &TrustGraph, e: &Edge) -> WebIdentityRequest {
    let provider = g.node(e.from);
    let host = provider.name.clone();
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(format!("https://{host}")));
    for (k, v) in &e.request().claims {
        let Some((_, claim)) = k.rsplit_once(':') else {
            continue;
        };
        let value = match v {
            ContextValue::Single(s) if claim == "amr" => json!([s]),
            ContextValue::Single(s) => json!(s),
            ContextValue::Multi(m) => json!(m),
        };
        claims.insert(claim.to_owned(), value);
    }
    if !claims.contains_key("aud") {
        claims.insert("aud".into(), json!("sts.amazonaws.com"));
    }
    claims.entry("sub").or_insert(json!("rolescope"));
    WebIdentityRequest {
        now: Some(g.now),
        role: g.node(e.to).id.clone(),
        role_session_name: Some(e.request().session_name.clone()),
        token_claims: claims,
        ..WebIdentityRequest::default()
    }
}

fn saml_request(g: &TrustGraph, e: &Edge) -> SamlRequest {
    let mut a = SamlAssertionDoc {
        role_session_name: Some(e.request().session_name.clone()),
        ..SamlAssertionDoc::default()
    };
    for (k, v) in &e.request().claims {
        let lower = k.to_ascii_lowercase();
        let one = v.values().first().cloned().unwrap_or_default();
        match lower.as_str() {
            "saml:aud" => a.recipient = Some(one),
            "saml:iss" => a.issuer = Some(one),
            "saml:sub" => a.name_id = Some(one),
            _ => {
                let name = lower.trim_start_matches("saml:").to_owned();
                let doc = match v {
                    ContextValue::Single(s) => ContextValueDoc::One(s.clone()),
                    ContextValue::Multi(m) => ContextValueDoc::Many(m.clone()),
                };
                a.attributes.insert(name, doc);
            }
        }
    }
    SamlRequest {
        now: Some(g.now),
        role: g.node(e.to).id.clone(),
        principal_arn: g.node(e.from).id.clone(),
        assertion: a,
        ..SamlRequest::default()
    }
}

fn outside(g: &TrustGraph, e: &Edge) -> bool {
    matches!(
        g.node(e.from).kind,
        NodeKind::ExternalAccount | NodeKind::ExternalPrincipal | NodeKind::Everyone
    )
}

/// Replays every working edge through the simulator; returns how many were checked.
fn working_edges_are_allowed(g: &TrustGraph, sim: &Simulator<'_>, edges: &[Edge]) -> usize {
    let mut checked = 0;
    for e in edges.iter().filter(|e| e.works()) {
        let (allowed, what) = match e.api {
            Api::AssumeRole => {
                let req = g
                    .simulate_request(e)
                    .expect("an AssumeRole edge has a request");
                let out = sim.assume_role(&req, g.now).expect("the request simulates");
                // The graph lets in a principal outside the loaded accounts on the trust's
                // word (its own half is its own account's); the simulator, asked for that
                // principal's call, cannot judge that half: unknown for that reason only.
                let outside_unknown = outside(g, e)
                    && out.is_unknown()
                    && out.missing.iter().all(|m| {
                        m.what.starts_with(&format!(
                            "account {} is not in the loaded data",
                            g.node(e.from)
                                .account
                                .as_deref()
                                .unwrap_or(&g.node(e.from).id)
                        ))
                    });
                (
                    out.is_allowed() || outside_unknown,
                    format!("{req:?}\n{:?}\n{:?}", out.findings, out.missing),
                )
            }
            Api::AssumeRoleWithWebIdentity => {
                let req = web_identity_request(g, e);
                let out = sim
                    .assume_role_with_web_identity(&req, g.now)
                    .expect("the request simulates");
                (out.is_allowed(), format!("{req:?}\n{:?}", out.findings))
            }
            // The access portal's sign-in is the SAML call, made by Identity Center.
            Api::AssumeRoleWithSaml | Api::IdentityCenterPortal => {
                let req = saml_request(g, e);
                let out = sim
                    .assume_role_with_saml(&req, g.now)
                    .expect("the request simulates");
                (out.is_allowed(), format!("{req:?}\n{:?}", out.findings))
            }
        };
        assert!(
            allowed,
            "edge {} -> {} [{}] is not allowed by the simulator:\n{what}",
            g.node(e.from).id,
            g.node(e.to).id,
            e.badges().join(", ")
        );
        checked += 1;
    }
    checked
}

fn plain_request(g: &TrustGraph, caller: NodeId, role: NodeId) -> AssumeRoleRequest {
    let c = g.node(caller);
    let is_role = c.kind == NodeKind::Role;
    AssumeRoleRequest {
        now: Some(g.now),
        caller: c.id.clone(),
        caller_credentials: is_role.then_some(CallerCredentials::AssumedRoleSession),
        caller_session: is_role.then(|| CallerSessionDoc {
            role_arn: Some(c.id.clone()),
            session_name: Some("rolescope".into()),
            created_by: Some(SessionOrigin::AssumeRole),
            issued_at: Some(g.now),
            expires_at: Some(g.now + chrono::Duration::hours(1)),
            ..CallerSessionDoc::default()
        }),
        role: g.node(role).id.clone(),
        role_session_name: Some("rolescope".into()),
        ..AssumeRoleRequest::default()
    }
}

/// For `samples` random user/role × role pairs with no working edge, the simulator refuses
/// the plain request; returns how many non-edges were checked.
fn sampled_non_edges_are_refused(
    g: &TrustGraph,
    sim: &Simulator<'_>,
    samples: usize,
    seed: u64,
) -> usize {
    let inv = g.inventory();
    let callers = inv.users.len() + inv.roles.len();
    let mut rng = Rng::new(seed);
    let mut checked = 0;
    for _ in 0..samples {
        let caller = NodeId(rng.below(callers as u64) as u32);
        let role = NodeId((inv.users.len() + rng.below(inv.roles.len() as u64) as usize) as u32);
        if g.hop(caller, role).is_some_and(|e| e.works()) {
            continue;
        }
        let req = plain_request(g, caller, role);
        let out = sim.assume_role(&req, g.now).expect("the request simulates");
        assert!(
            !out.is_allowed(),
            "no edge {} -> {} in the graph, but the simulator allows the plain request",
            g.node(caller).id,
            g.node(role).id
        );
        checked += 1;
    }
    checked
}

/// Every edge (working or broken), many of them decided once for a whole policy set and
/// reused, is exactly the edge deciding that caller's hop alone gives.
fn shared_decisions_match_deciding_alone(g: &TrustGraph, edges: &[Edge]) {
    for e in edges {
        assert_eq!(
            Some(e),
            g.hop_unshared(e.from, e.to).as_ref(),
            "the shared decision for {} -> {} differs from deciding it alone",
            g.node(e.from).id,
            g.node(e.to).id
        );
    }
}

fn check(inv: Inventory, samples: usize) -> (usize, usize) {
    let inv = Arc::new(inv);
    let g = TrustGraph::build(Arc::clone(&inv), now());
    let sim = Simulator::new(&inv);
    let edges = g.all_edges();
    shared_decisions_match_deciding_alone(&g, &edges);
    let ok = working_edges_are_allowed(&g, &sim, &edges);
    let non = sampled_non_edges_are_refused(&g, &sim, samples, 7);
    (ok, non)
}

#[test]
fn every_demo_edge_is_allowed_by_the_simulator_and_sampled_non_edges_are_refused() {
    let (ok, non) = check(load_demo().unwrap(), 400);
    assert!(ok >= 40, "only {ok} demo edges were replayed");
    assert!(non >= 300, "only {non} demo non-edges were sampled");
}

#[test]
fn every_reference_account_edge_is_allowed_by_the_simulator() {
    let inv = load_paths(&["tests/fixtures/moto-account-authz-inuse.json".into()]).unwrap();
    let (ok, non) = check(inv, 200);
    assert!(ok >= 8, "only {ok} reference edges were replayed");
    assert!(non >= 100);
}

#[test]
fn every_generated_organisation_edge_is_allowed_by_the_simulator() {
    let text = generated_org(4, 30, 12, 42);
    let inv = load_str("generated", &text).unwrap();
    let (ok, non) = check(inv, 500);
    assert!(ok >= 100, "only {ok} generated edges were replayed");
    assert!(non >= 300);
}

#[test]
fn every_edge_of_a_gen_org_organisation_is_allowed_by_the_simulator() {
    let spec = gen_org::Spec {
        accounts: 3,
        roles_per_account: 60,
        users_per_account: 15,
        seed: 3,
    };
    let mut text = Vec::new();
    gen_org::write_bundle(&spec, &mut text).unwrap();
    let inv = load_str("gen_org", &String::from_utf8(text).unwrap()).unwrap();
    let (ok, non) = check(inv, 400);
    assert!(ok >= 100, "only {ok} gen_org edges were replayed");
    assert!(non >= 200);
}
