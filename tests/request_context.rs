//! The request context as AWS builds it, the same for `authorize` (the policy engine's
//! `gather`), `simulate` (the STS simulator), `assume` and the trust graph (`path`,
//! who-can-assume, the explorer's lists): each case is named after the AWS documentation
//! that settles it, and property tests over the demo organisation check that the
//! interfaces give one answer to one request.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers; a failed unwrap is the test failing"
)]

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use rolescope::engine::load::{load_demo, load_str};
use rolescope::engine::model::Inventory;
use rolescope::engine::policy::{AccessRequest, PolicyIndex, Principal, evaluate, gather};
use rolescope::engine::sts::Simulator;
use serde_json::{Value, json};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()
}

const ACCOUNT: &str = "111122223333";

/// An account with user `ana` (tagged `team=dev`) holding `policy`, and role `Target` (tagged
/// `team=dev`) trusting the account with `trust`.
fn account(policy: &Value, trust: &Value) -> Inventory {
    let export = json!({
        "UserDetailList": [{
            "UserName": "ana", "UserId": "AIDAANA", "Path": "/",
            "Arn": format!("arn:aws:iam::{ACCOUNT}:user/ana"),
            "Tags": [{"Key": "team", "Value": "dev"}],
            "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": policy}],
            "GroupList": [], "AttachedManagedPolicies": []
        }],
        "GroupDetailList": [],
        "RoleDetailList": [{
            "RoleName": "Target", "RoleId": "AROATARGET", "Path": "/",
            "Arn": format!("arn:aws:iam::{ACCOUNT}:role/Target"),
            "AssumeRolePolicyDocument": trust,
            "Tags": [{"Key": "team", "Value": "dev"}],
            "RolePolicyList": [], "AttachedManagedPolicies": [], "InstanceProfileList": []
        }],
        "Policies": []
    });
    load_str("account.json", &export.to_string()).unwrap()
}

fn allow(action: &str, resource: &str, condition: &Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": action, "Resource": resource, "Condition": condition}]})
}

fn trust_account() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sts:AssumeRole"}]})
}

/// `authorize`'s answer (the policy engine over `gather`) and `simulate`'s (the STS simulator's
/// authorize request), as allowed or not.
fn both(inv: &Inventory, principal: &str, action: &str, resource: &str) -> (bool, bool) {
    let index = PolicyIndex::build(inv);
    let req = AccessRequest::new(
        Principal::parse(principal).unwrap(),
        action,
        resource,
        now(),
    );
    let by_authorize = evaluate(&gather(inv, &index, &req).unwrap()).is_allowed();
    let sim = Simulator::new(inv);
    let doc = sim.simulate_value(
        json!({"kind": "authorize", "principal": {"arn": principal}, "action": action,
               "resource": resource, "now": now()}),
        now(),
    );
    let v = serde_json::to_value(&doc).unwrap();
    (by_authorize, v["decision"] == "allow")
}

/// A resource whose account is known and that has no resource-based policy to be missing.
fn table() -> String {
    format!("arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/t")
}

fn ana() -> String {
    format!("arn:aws:iam::{ACCOUNT}:user/ana")
}

#[test]
fn reference_policies_condition_keys_via_aws_service_is_false_on_a_direct_call() {
    let p = allow(
        "dynamodb:GetItem",
        "*",
        &json!({"Bool": {"aws:ViaAWSService": "false"}}),
    );
    let inv = account(&p, &trust_account());
    assert_eq!(
        both(&inv, &ana(), "dynamodb:GetItem", &table()),
        (true, true)
    );
}

#[test]
fn reference_policies_condition_keys_principal_is_aws_service_is_false_and_present_for_users() {
    let p = allow(
        "dynamodb:GetItem",
        "*",
        &json!({"Bool": {"aws:PrincipalIsAWSService": "false"}}),
    );
    let inv = account(&p, &trust_account());
    assert_eq!(
        both(&inv, &ana(), "dynamodb:GetItem", &table()),
        (true, true)
    );
}

#[test]
fn reference_policies_condition_keys_resource_account_for_every_resource_with_an_account() {
    let p = allow(
        "dynamodb:GetItem",
        "*",
        &json!({"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}}),
    );
    let inv = account(&p, &trust_account());
    let table = format!("arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/t");
    assert_eq!(both(&inv, &ana(), "dynamodb:GetItem", &table), (true, true));
    let other = "arn:aws:dynamodb:eu-west-1:444455556666:table/t";
    assert_eq!(
        both(&inv, &ana(), "dynamodb:GetItem", other),
        (false, false)
    );
}

/// [UG:reference_policies_examples_iam-assume-tagged-role] ("IAM: Assume roles that have a
/// specific tag"): the user's policy allows `sts:AssumeRole` on roles whose `iam:ResourceTag`
/// matches.
#[test]
fn reference_policies_examples_iam_assume_tagged_role() {
    let p = allow(
        "sts:AssumeRole",
        "arn:aws:iam::*:role/*",
        &json!({"StringEquals": {"iam:ResourceTag/team": "${aws:PrincipalTag/team}"}}),
    );
    let inv = account(&p, &trust_account());
    let role = format!("arn:aws:iam::{ACCOUNT}:role/Target");
    assert_eq!(both(&inv, &ana(), "sts:AssumeRole", &role), (true, true));
    let sim = Simulator::new(&inv);
    let doc = sim.simulate_value(
        json!({"kind": "assume-role", "caller": ana(), "role": role, "role_session_name": "sess"}),
        now(),
    );
    let v = serde_json::to_value(&doc).unwrap();
    assert_eq!(v["decision"], "allow", "{v}");
}

fn web_identity(inv: &Inventory, claims: Value) -> Value {
    let sim = Simulator::new(inv);
    let doc = sim.simulate_value(
        json!({"kind": "assume-role-web-identity",
               "role": format!("arn:aws:iam::{ACCOUNT}:role/Target"),
               "role_session_name": "sess", "token_claims": claims}),
        now(),
    );
    serde_json::to_value(&doc).unwrap()
}

fn google_trust(key: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Federated": "accounts.google.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {key: "client-1"}}}]})
}

/// [UG:reference_policies_iam-condition-keys] ("Available keys for AWS web identity
/// federation"): for Google, `accounts.google.com:aud` is `azp` when the token has one and
/// `oaud` the token's `aud`; without `azp` both come from `aud`.
#[test]
fn reference_policies_iam_condition_keys_google_oaud_without_azp() {
    let inv = account(
        &json!({"Version": "2012-10-17", "Statement": []}),
        &google_trust("accounts.google.com:oaud"),
    );
    let claims = json!({"iss": "https://accounts.google.com", "aud": "client-1", "sub": "1",
                        "exp": now().timestamp() + 600});
    let v = web_identity(&inv, claims);
    assert_eq!(v["decision"], "allow", "{v}");
}

/// RFC 7519 §4.1.4: `exp` is a NumericDate. A token whose `exp` is an ISO date string is
/// malformed, and STS refuses it (InvalidIdentityToken) instead of reading it as never expiring.
#[test]
fn rfc7519_numericdate_an_iso_date_exp_is_a_malformed_token() {
    let inv = account(
        &json!({"Version": "2012-10-17", "Statement": []}),
        &google_trust("accounts.google.com:aud"),
    );
    let claims = json!({"iss": "https://accounts.google.com", "aud": "client-1", "sub": "1",
                        "exp": "2030-01-01T00:00:00Z"});
    let v = web_identity(&inv, claims);
    assert_eq!(v["error_code"], "InvalidIdentityToken", "{v}");
    let fine = json!({"iss": "https://accounts.google.com", "aud": "client-1", "sub": "1",
                      "exp": now().timestamp() + 600, "iat": now().timestamp()});
    assert_eq!(web_identity(&inv, fine)["decision"], "allow");
}

/// [STS-API AssumeRole] `Tags`: keys are case-insensitive with case preserved, so `team` and
/// `Team` are the same key twice, and the call is refused.
#[test]
fn sts_api_assume_role_tags_keys_differing_only_in_case_are_refused() {
    let p = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": "*"}]});
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
        "Action": ["sts:AssumeRole", "sts:TagSession"]}]});
    let inv = account(&p, &trust);
    let sim = Simulator::new(&inv);
    let run = |tags: Value| {
        let doc = sim.simulate_value(
            json!({"kind": "assume-role", "caller": ana(),
                   "role": format!("arn:aws:iam::{ACCOUNT}:role/Target"),
                   "role_session_name": "sess", "tags": tags}),
            now(),
        );
        serde_json::to_value(&doc).unwrap()
    };
    let twice = run(json!([{"Key": "team", "Value": "a"}, {"Key": "Team", "Value": "b"}]));
    assert_ne!(twice["decision"], "allow", "{twice}");
    assert!(twice.to_string().contains("case insensitive"), "{twice}");
    let distinct = run(json!([{"Key": "team", "Value": "a"}, {"Key": "project", "Value": "b"}]));
    assert_eq!(distinct["decision"], "allow", "{distinct}");
}

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "sts:AssumeRole",
    "iam:PassRole",
    "logs:PutLogEvents",
    "kms:Decrypt",
    "ec2:DescribeInstances",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// `authorize` and `simulate` build the same context from the same data, so they give the
    /// same answer to the same request: every user and role of the demo organisation, actions
    /// of several services, and resources of the demo (roles, buckets, tables) or `*`.
    #[test]
    fn authorize_and_simulate_agree_on_the_demo_organisation(
        p in 0usize..10_000, a in 0usize..ACTIONS.len(), r in 0usize..10_000,
    ) {
        let inv = demo();
        let principals: Vec<String> = inv.users.iter().map(|u| u.arn.clone())
            .chain(inv.roles.iter().map(|r| r.arn.clone())).collect();
        let mut resources: Vec<String> = vec!["*".into(),
            "arn:aws:s3:::acme-prod-finance-reports/2026/11.csv".into(),
            "arn:aws:s3:::acme-dev-storefront-builds/app.zip".into(),
            "arn:aws:dynamodb:eu-west-1:333333333333:table/storefront-orders".into()];
        resources.extend(inv.roles.iter().map(|r| r.arn.clone()));
        let principal = &principals[p % principals.len()];
        let principal = match principal.split_once(":role/") {
            // A role acts through a session.
            Some((head, name)) => format!("{}:assumed-role/{}/s", head.replace(":iam:", ":sts:"),
                name.rsplit('/').next().unwrap_or(name)),
            None => principal.clone(),
        };
        let (by_authorize, by_simulate) =
            both(inv, &principal, ACTIONS[a], &resources[r % resources.len()]);
        prop_assert_eq!(by_authorize, by_simulate, "{} {} {}", principal, ACTIONS[a], resources[r % resources.len()]);
    }
}

fn demo() -> &'static Inventory {
    static DEMO: std::sync::OnceLock<Inventory> = std::sync::OnceLock::new();
    DEMO.get_or_init(|| load_demo().unwrap())
}

/// [STS-API GetFederationToken] (`Policy`) and [UG:id_credentials_temp_request]: a federated
/// user's session may do what the calling IAM user's identity policies and the session policy
/// both allow; without a session policy it may do nothing.
#[test]
fn sts_api_get_federation_token_user_policies_intersected_with_the_session_policy() {
    let p = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": ["dynamodb:GetItem", "dynamodb:PutItem"], "Resource": "*"}]});
    let inv = account(&p, &trust_account());
    let sim = Simulator::new(&inv);
    let run = |action: &str, session_policy: Option<Value>| {
        let mut session = json!({"created_by": "GetFederationToken", "user_arn": ana(),
                                 "issued_at": now()});
        if let Some(sp) = session_policy {
            session["session_policy"] = sp;
        }
        let doc = sim.simulate_value(
            json!({"kind": "authorize",
                   "principal": {"arn": format!("arn:aws:sts::{ACCOUNT}:federated-user/bob"),
                                 "credentials": "federated-user", "session": session},
                   "action": action, "resource": table()}),
            now(),
        );
        serde_json::to_value(&doc).unwrap()["decision"].clone()
    };
    let read_only = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "dynamodb:GetItem", "Resource": "*"}]});
    assert_eq!(run("dynamodb:GetItem", Some(read_only.clone())), "allow");
    assert_eq!(run("dynamodb:PutItem", Some(read_only)), "deny");
    assert_eq!(run("dynamodb:GetItem", None), "deny");
}

/// [UG:reference_policies_condition-keys] (`aws:ResourceOrgID`, "Availability": present when
/// the resource's account is in an organization): the same for `authorize` and `simulate`.
#[test]
fn reference_policies_condition_keys_resource_org_id_for_a_resource_in_an_organization() {
    let p = allow(
        "dynamodb:GetItem",
        "*",
        &json!({"StringEquals": {"aws:ResourceOrgID": "o-a1b2c3d4e5"}}),
    );
    let mut export: Value = serde_json::from_str(&{
        let inv_json = json!({
            "UserDetailList": [{
                "UserName": "ana", "UserId": "AIDAANA", "Path": "/",
                "Arn": format!("arn:aws:iam::{ACCOUNT}:user/ana"), "Tags": [],
                "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": p}],
                "GroupList": [], "AttachedManagedPolicies": []
            }],
            "GroupDetailList": [], "RoleDetailList": [], "Policies": []
        });
        inv_json.to_string()
    })
    .unwrap();
    let full = json!([{"Target": "r-a1b2", "Policies": [{"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}]}]);
    let scp = json!([{"Target": "r-a1b2", "Policies": [{"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]}]);
    export["Organization"] = json!({"Id": "o-a1b2c3d4e5", "ManagementAccountId": "999999999999",
        "IsManagementAccount": false, "ScpsByLevel": scp, "RcpsByLevel": full});
    let inv = load_str(
        "account.json",
        &json!({"Accounts": {ACCOUNT: export}}).to_string(),
    )
    .unwrap();
    assert_eq!(
        both(&inv, &ana(), "dynamodb:GetItem", &table()),
        (true, true)
    );
    let other = "arn:aws:dynamodb:eu-west-1:444455556666:table/t";
    assert_eq!(
        both(&inv, &ana(), "dynamodb:GetItem", other),
        (false, false)
    );
}

/// RFC 7519 §4.1.5, §4.1.6: `nbf` and `iat` are NumericDates too; a token with either as a
/// date string is malformed and STS refuses it (InvalidIdentityToken).
#[test]
fn rfc7519_numericdate_an_iso_date_iat_or_nbf_is_a_malformed_token() {
    let inv = account(
        &json!({"Version": "2012-10-17", "Statement": []}),
        &google_trust("accounts.google.com:aud"),
    );
    for claim in ["iat", "nbf"] {
        let mut claims = json!({"iss": "https://accounts.google.com", "aud": "client-1",
            "sub": "1", "exp": now().timestamp() + 600});
        claims[claim] = json!("2026-11-24T08:00:00Z");
        let v = web_identity(&inv, claims);
        assert_eq!(v["error_code"], "InvalidIdentityToken", "{claim}: {v}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The same hop gets the same answer from the trust graph (`path`, who-can-assume, the
    /// explorer's lists) and from `assume` (the simulator, with the request
    /// `sts::hop::hop_request` builds for the graph's edge), and, for callers whose edge needs
    /// nothing of the request, from `authorize` of `sts:AssumeRole` on the role: every user
    /// and role of the demo organisation against every role.
    #[test]
    fn the_graph_assume_and_authorize_agree_on_the_demo_organisation(
        c in 0usize..10_000, r in 0usize..10_000,
    ) {
        let (g, inv) = demo_graph();
        let callers = inv.users.len() + inv.roles.len();
        let caller = rolescope::engine::graph::NodeId(u32::try_from(c % callers).unwrap());
        let role = rolescope::engine::graph::NodeId(
            u32::try_from(inv.users.len() + r % inv.roles.len()).unwrap());
        let sim = Simulator::new(inv);
        let caller_id = g.node(caller).id.clone();
        let role_id = g.node(role).id.clone();
        let edge = g.hop(caller, role);
        if let Some(e) = edge.as_ref().filter(|e| e.works()) {
            // The graph says it works: the simulator allows the graph's request.
            let req = g.simulate_request(e).unwrap();
            let out = sim.assume_role(&req, now()).unwrap();
            prop_assert!(out.is_allowed() || out.is_unknown(),
                "graph works, assume refuses: {} -> {}: {:?}", caller_id, role_id, out.findings);
        }
        // A plain request (no MFA, external ID, tags or extra keys): allowed by the simulator
        // exactly when the graph has a working edge whose request is that plain.
        let plain = rolescope::engine::graph::WitnessRequest {
            session_name: "rolescope".into(),
            ..Default::default()
        };
        let rolescope::engine::sts::hop::HopRequest::Ready(req) =
            rolescope::engine::sts::hop::hop_request(&caller_id, &role_id, &plain,
                rolescope::engine::sts::hop::CallerSessions::Assumed, now())
        else {
            return Err(TestCaseError::fail("a request for the graph's own replay"));
        };
        let out = sim.assume_role(&req, now()).unwrap();
        let plain_edge = edge.as_ref().is_some_and(|e| e.works()
            && !e.request().mfa && e.request().external_id.is_none()
            && e.request().tags.is_empty() && e.request().context.is_empty()
            && e.request().source_identity.is_none()
            && e.request().caller_session_name.is_none());
        if plain_edge {
            prop_assert!(out.is_allowed() || out.is_unknown(),
                "plain edge, assume refuses: {} -> {}: {:?}", caller_id, role_id, out.findings);
        }
        if out.is_allowed() {
            prop_assert!(edge.as_ref().is_some_and(rolescope::engine::graph::Edge::works),
                "assume allows, no working edge: {} -> {}", caller_id, role_id);
        }
        // `authorize` of sts:AssumeRole on the role, for the same principal (a role as one of
        // its sessions), agrees with `simulate`'s authorize (one request context).
        let principal = match caller_id.split_once(":role/") {
            Some((head, name)) => format!("{}:assumed-role/{}/s", head.replace(":iam:", ":sts:"),
                name.rsplit('/').next().unwrap_or(name)),
            None => caller_id.clone(),
        };
        let (by_authorize, by_simulate) = both(inv, &principal, "sts:AssumeRole", &role_id);
        prop_assert_eq!(by_authorize, by_simulate, "{} {}", principal, role_id);
    }
}

fn demo_graph() -> (
    &'static rolescope::engine::graph::TrustGraph,
    &'static Inventory,
) {
    static GRAPH: std::sync::OnceLock<rolescope::engine::graph::TrustGraph> =
        std::sync::OnceLock::new();
    let g = GRAPH.get_or_init(|| {
        rolescope::engine::graph::TrustGraph::build(std::sync::Arc::new(demo().clone()), now())
    });
    (g, g.inventory())
}

/// [UG:reference_policies_examples_iam-assume-tagged-role] through the trust graph: the
/// graph sets the role's `iam:ResourceTag/*` as the simulator does, so `path` and
/// who-can-assume find the hop `assume` allows.
#[test]
fn reference_policies_examples_iam_assume_tagged_role_in_the_trust_graph() {
    let p = allow(
        "sts:AssumeRole",
        "arn:aws:iam::*:role/*",
        &json!({"StringEquals": {"iam:ResourceTag/team": "${aws:PrincipalTag/team}"}}),
    );
    let inv = std::sync::Arc::new(account(&p, &trust_account()));
    let g = rolescope::engine::graph::TrustGraph::build(std::sync::Arc::clone(&inv), now());
    let ana = g.find(&ana()).unwrap();
    let target = g.find("Target").unwrap();
    let edge = g.hop(ana, target).expect("the trust names the account");
    assert!(edge.works(), "{:?}", edge.status);
}

/// The context `authorize` builds (`policy::gather`) and the one `simulate` builds for the
/// same request, key for key.
fn both_contexts(
    inv: &Inventory,
    principal: &str,
    action: &str,
    resource: &str,
) -> (
    rolescope::engine::policy::RequestContext,
    rolescope::engine::policy::RequestContext,
) {
    let index = PolicyIndex::build(inv);
    let req = AccessRequest::new(
        Principal::parse(principal).unwrap(),
        action,
        resource,
        now(),
    );
    let by_authorize = gather(inv, &index, &req).unwrap().context;
    let sim = Simulator::new(inv);
    let doc: rolescope::engine::sts::request::AuthorizeRequest = serde_json::from_value(
        json!({"principal": {"arn": principal}, "action": action, "resource": resource}),
    )
    .unwrap();
    let (input, _) = sim.authorize_input(&doc, now()).unwrap();
    (by_authorize, input.context)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// One builder: `authorize` and `simulate` give the same request the same context, every
    /// key and value ([UG:reference_policies_condition-keys] for what each key is), for every
    /// user and role session of the demo organisation on roles, users, buckets, tables and `*`.
    #[test]
    fn authorize_and_simulate_build_the_same_context_on_the_demo_organisation(
        p in 0usize..10_000, a in 0usize..ACTIONS.len(), r in 0usize..10_000,
    ) {
        let inv = demo();
        let principals: Vec<String> = inv.users.iter().map(|u| u.arn.clone())
            .chain(inv.roles.iter().map(|r| r.arn.clone())).collect();
        let mut resources: Vec<String> = vec!["*".into(),
            "arn:aws:s3:::acme-prod-finance-reports/2026/11.csv".into(),
            "arn:aws:dynamodb:eu-west-1:333333333333:table/storefront-orders".into()];
        resources.extend(inv.roles.iter().map(|r| r.arn.clone()));
        resources.extend(inv.users.iter().map(|u| u.arn.clone()));
        let principal = &principals[p % principals.len()];
        let principal = match principal.split_once(":role/") {
            Some((head, name)) => format!("{}:assumed-role/{}/s", head.replace(":iam:", ":sts:"),
                name.rsplit('/').next().unwrap_or(name)),
            None => principal.clone(),
        };
        let resource = &resources[r % resources.len()];
        let (by_authorize, by_simulate) = both_contexts(inv, &principal, ACTIONS[a], resource);
        prop_assert_eq!(by_authorize.iter(), by_simulate.iter(), "{} {} {}", principal, ACTIONS[a], resource);
    }
}

/// [UG:reference_policies_condition-keys] (`aws:PrincipalTag`, `aws:userid`) and
/// [STS-API GetFederationToken] (`Tags`: "session tags override a user tag with the same
/// key"): a federated user's requests carry the calling user's tags, its session tags over
/// them, and `aws:userid` `account:name`.
#[test]
fn reference_policies_condition_keys_a_federated_user_carries_its_user_tags_and_userid() {
    let p = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "dynamodb:GetItem", "Resource": "*"}]});
    let inv = account(&p, &trust_account());
    let sim = Simulator::new(&inv);
    let context = |session_tags: Value| {
        let doc: rolescope::engine::sts::request::AuthorizeRequest =
            serde_json::from_value(json!({
                "principal": {"arn": format!("arn:aws:sts::{ACCOUNT}:federated-user/bob"),
                              "credentials": "federated-user",
                              "session": {"created_by": "GetFederationToken", "user_arn": ana(),
                                          "issued_at": now(), "session_tags": session_tags}},
                "action": "dynamodb:GetItem", "resource": table()}))
            .unwrap();
        sim.authorize_input(&doc, now()).unwrap().0.context
    };
    let plain = context(json!([]));
    let single = |c: &rolescope::engine::policy::RequestContext, k: &str| {
        c.get(k).and_then(|v| v.single().map(str::to_owned))
    };
    assert_eq!(
        single(&plain, "aws:PrincipalTag/team").as_deref(),
        Some("dev")
    );
    assert_eq!(
        single(&plain, "aws:userid").as_deref(),
        Some(format!("{ACCOUNT}:bob").as_str())
    );
    assert_eq!(
        single(&plain, "aws:PrincipalType").as_deref(),
        Some("FederatedUser")
    );
    assert_eq!(
        single(&plain, "aws:MultiFactorAuthPresent").as_deref(),
        Some("false")
    );
    assert!(plain.contains("aws:TokenIssueTime"));
    assert!(!plain.contains("aws:username"));
    // Keys compare without case: `Team` passed to GetFederationToken replaces `team`.
    let over = context(json!([{"Key": "Team", "Value": "ops"}]));
    assert_eq!(
        single(&over, "aws:PrincipalTag/team").as_deref(),
        Some("ops")
    );
}

/// [UG:reference_policies_condition-keys] (`aws:PrincipalServiceName`, `aws:PrincipalIsAWSService`):
/// a service principal's call carries both, and `authorize` and `simulate` agree on it.
#[test]
fn reference_policies_condition_keys_a_service_principal_carries_its_name() {
    let inv = account(
        &json!({"Version": "2012-10-17", "Statement": []}),
        &trust_account(),
    );
    let (by_authorize, by_simulate) = both_contexts(
        &inv,
        "ec2.amazonaws.com",
        "sts:AssumeRole",
        &format!("arn:aws:iam::{ACCOUNT}:role/Target"),
    );
    assert_eq!(by_authorize.iter(), by_simulate.iter());
    assert_eq!(
        by_authorize
            .get("aws:PrincipalServiceName")
            .and_then(|v| v.single()),
        Some("ec2.amazonaws.com")
    );
    assert_eq!(
        by_authorize
            .get("aws:PrincipalIsAWSService")
            .and_then(|v| v.single()),
        Some("true")
    );
    assert!(!by_authorize.contains("aws:PrincipalArn"));
}
