//! Policy evaluation speed: decisions per second for a realistic role (5 policies, 30
//! statements, with conditions, wildcards and a policy variable), and the same request
//! against 10,000 roles. Figures go to BENCHMARKS.md.
//!
//! Time is the benchmark thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`, nanosecond
//! resolution, see `common/cpu.rs`), not wall time: on a shared machine the wall clock also
//! counts the time other processes hold the core, while "decisions per second on one core"
//! is about the CPU time spent. `ROLESCOPE_BENCH_WALL=1` measures wall time instead.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark set-up")]

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::{Measurement, WallTime};
use criterion::{Criterion, SamplingMode, Throughput};
use rolescope::engine::policy::document::PolicyDocument;
use rolescope::engine::policy::{
    EvaluationInput, NamedPolicy, Outcome, PolicyLevel, Principal, RequestContext, evaluate,
};
use serde_json::{Value, json};

#[path = "common/allocator.rs"]
mod allocator;
#[path = "common/cpu.rs"]
mod cpu;

fn named(name: &str, v: &Value) -> NamedPolicy {
    let p = PolicyDocument::from_value(v);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    NamedPolicy::from_document(name, &p.document.unwrap())
}

/// Four identity policies and a boundary: 30 statements in all.
fn realistic_policies(bucket: &str) -> (Vec<NamedPolicy>, NamedPolicy) {
    let s3 = json!({"Version":"2012-10-17","Statement":[
        {"Sid":"ListTeamBuckets","Effect":"Allow","Action":["s3:ListBucket","s3:GetBucketLocation"],"Resource":[format!("arn:aws:s3:::{bucket}"),"arn:aws:s3:::acme-shared-*"]},
        {"Sid":"ReadTeamPrefix","Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion","s3:GetObjectTagging"],"Resource":format!("arn:aws:s3:::{bucket}/${{aws:PrincipalTag/team}}/*")},
        {"Sid":"ReadShared","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::acme-shared-*/*"},
        {"Sid":"WriteEncrypted","Effect":"Allow","Action":"s3:PutObject","Resource":format!("arn:aws:s3:::{bucket}/*"),"Condition":{"StringEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}},
        {"Sid":"TagObjects","Effect":"Allow","Action":"s3:PutObjectTagging","Resource":format!("arn:aws:s3:::{bucket}/*"),"Condition":{"ForAllValues:StringLike":{"aws:TagKeys":["team","cost-*"]}}},
        {"Sid":"NoBucketDelete","Effect":"Deny","Action":["s3:DeleteBucket","s3:PutBucketPolicy","s3:DeleteBucketPolicy"],"Resource":"*"},
        {"Sid":"NoPublicAcl","Effect":"Deny","Action":"s3:PutObjectAcl","Resource":"*","Condition":{"StringLike":{"s3:x-amz-acl":"public-*"}}},
        {"Sid":"MultipartUploads","Effect":"Allow","Action":["s3:AbortMultipartUpload","s3:ListMultipartUploadParts"],"Resource":format!("arn:aws:s3:::{bucket}/*")}
    ]});
    let dynamo = json!({"Version":"2012-10-17","Statement":[
        {"Sid":"ReadTables","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query","dynamodb:BatchGetItem"],"Resource":"arn:aws:dynamodb:*:111122223333:table/app-*"},
        {"Sid":"WriteOwnItems","Effect":"Allow","Action":["dynamodb:PutItem","dynamodb:UpdateItem"],"Resource":"arn:aws:dynamodb:*:111122223333:table/app-*","Condition":{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${aws:PrincipalTag/team}"]}}},
        {"Sid":"Streams","Effect":"Allow","Action":"dynamodb:*Stream*","Resource":"arn:aws:dynamodb:*:111122223333:table/app-*/stream/*"},
        {"Sid":"NoTableDelete","Effect":"Deny","Action":"dynamodb:DeleteTable","Resource":"*"},
        {"Sid":"Describe","Effect":"Allow","Action":["dynamodb:Describe*","dynamodb:List*"],"Resource":"*"},
        {"Sid":"Backups","Effect":"Allow","Action":"dynamodb:CreateBackup","Resource":"arn:aws:dynamodb:*:111122223333:table/app-*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}
    ]});
    let ops = json!({"Version":"2012-10-17","Statement":[
        {"Sid":"Logs","Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:*:111122223333:log-group:/app/*"},
        {"Sid":"Metrics","Effect":"Allow","Action":"cloudwatch:PutMetricData","Resource":"*","Condition":{"StringEquals":{"cloudwatch:namespace":"App"}}},
        {"Sid":"Secrets","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:*:111122223333:secret:app/*","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}},
        {"Sid":"Kms","Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"arn:aws:kms:*:111122223333:key/*","Condition":{"StringLike":{"kms:ViaService":["s3.*.amazonaws.com","dynamodb.*.amazonaws.com"]}}},
        {"Sid":"Sqs","Effect":"Allow","Action":"sqs:*Message*","Resource":"arn:aws:sqs:*:111122223333:app-*"},
        {"Sid":"Xray","Effect":"Allow","Action":["xray:PutTraceSegments","xray:PutTelemetryRecords"],"Resource":"*"}
    ]});
    let guard = json!({"Version":"2012-10-17","Statement":[
        {"Sid":"OnlyFromCorp","Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddressIfExists":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]},"BoolIfExists":{"aws:ViaAWSService":"false"}}},
        {"Sid":"OnlyTls","Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
        {"Sid":"Regions","Effect":"Deny","NotAction":["iam:*","sts:*","cloudfront:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]}}},
        {"Sid":"Expiry","Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2027-12-31T23:59:59Z"}}},
        {"Sid":"OldSessions","Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2026-01-01T00:00:00Z"}}}
    ]});
    let boundary = json!({"Version":"2012-10-17","Statement":[
        {"Sid":"Services","Effect":"Allow","Action":["s3:*","dynamodb:*","logs:*","cloudwatch:*","sqs:*"],"Resource":"*"},
        {"Sid":"Crypto","Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey*","secretsmanager:GetSecretValue"],"Resource":"*"},
        {"Sid":"Tracing","Effect":"Allow","Action":"xray:*","Resource":"*"},
        {"Sid":"NoIam","Effect":"Deny","Action":["iam:*","organizations:*"],"Resource":"*"},
        {"Sid":"NoRoleSessionsFromElsewhere","Effect":"Deny","Action":"sts:AssumeRole","NotResource":"arn:aws:iam::111122223333:role/app/*"}
    ]});
    (
        vec![
            named("AppS3Access", &s3),
            named("AppDynamoDb", &dynamo),
            named("AppOperations", &ops),
            named("Guardrails", &guard),
        ],
        named("AppBoundary", &boundary),
    )
}

fn context() -> RequestContext {
    let mut c = RequestContext::new();
    for (k, v) in [
        (
            "aws:PrincipalArn",
            "arn:aws:iam::111122223333:role/app/worker",
        ),
        ("aws:PrincipalAccount", "111122223333"),
        ("aws:PrincipalOrgID", "o-abc123"),
        ("aws:PrincipalTag/team", "blue"),
        ("aws:PrincipalTag/cost-centre", "1234"),
        ("aws:userid", "AROAEXAMPLEID:worker-1"),
        ("aws:PrincipalType", "AssumedRole"),
        ("aws:PrincipalIsAWSService", "false"),
        ("aws:MultiFactorAuthPresent", "false"),
        ("aws:TokenIssueTime", "2026-11-24T08:00:00Z"),
        ("aws:CurrentTime", "2026-11-24T09:00:00Z"),
        ("aws:EpochTime", "1795510800"),
        ("aws:RequestedRegion", "eu-west-1"),
        ("aws:SecureTransport", "true"),
        ("aws:ViaAWSService", "false"),
        ("aws:SourceIp", "203.0.113.10"),
        ("aws:ResourceAccount", "111122223333"),
    ] {
        c.insert(k, v);
    }
    c
}

/// Role `role` (whose policies name its own bucket) reading from bucket `acme-app-{target}`.
fn input_for(role: usize, target: usize) -> EvaluationInput {
    let bucket = format!("acme-app-{role}");
    let (identity, boundary) = realistic_policies(&bucket);
    let principal = Principal::role_session(
        &format!("arn:aws:iam::111122223333:role/app/worker-{role}"),
        "worker-1",
    );
    let mut i = EvaluationInput::new(
        principal,
        "s3:GetObject",
        format!("arn:aws:s3:::acme-app-{target}/blue/reports/2026-11.csv"),
    );
    i.resource_account = Some("111122223333".into());
    i.context = context();
    i.identity_policies = identity;
    i.permissions_boundary = Some(boundary);
    i
}

fn bench<M: Measurement>(c: &mut Criterion<M>) {
    let input = input_for(0, 0);
    assert_eq!(evaluate(&input).outcome, Outcome::Allow);
    let mut g = c.benchmark_group("evaluate");
    g.sample_size(30);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(5));
    g.throughput(Throughput::Elements(1));
    // Baseline in the same run: a role with no policy at all (the fixed cost of a decision).
    let mut empty = input_for(0, 0);
    empty.identity_policies.clear();
    empty.permissions_boundary = None;
    g.bench_function("baseline_role_without_policies", |b| {
        b.iter(|| evaluate(black_box(&empty)));
    });
    g.bench_function("realistic_role_allow", |b| {
        b.iter(|| evaluate(black_box(&input)));
    });
    let mut denied = input_for(0, 0);
    denied.action = "s3:DeleteObject".into();
    assert_eq!(evaluate(&denied).outcome, Outcome::ImplicitDeny);
    g.bench_function("realistic_role_implicit_deny", |b| {
        b.iter(|| evaluate(black_box(&denied)));
    });
    // The same role under three SCP levels.
    let mut guarded = input_for(0, 0);
    let full = named(
        "FullAWSAccess",
        &json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}),
    );
    guarded.scps = Some(
        ["r-root", "ou-prod", "111122223333"]
            .iter()
            .map(|t| PolicyLevel {
                target: (*t).into(),
                policies: vec![full.clone()],
            })
            .collect(),
    );
    assert_eq!(evaluate(&guarded).outcome, Outcome::Allow);
    g.bench_function("realistic_role_under_scps", |b| {
        b.iter(|| evaluate(black_box(&guarded)));
    });
    g.finish();

    // The same request against 10,000 roles, the way a who-can-do-what sweep runs it: one
    // request (principal, action, resource, context), each role's principal and policies
    // swapped in turn. Two shapes: every role with its own five policies (the worst case for
    // memory), and the usual one where the guardrail and the boundary are managed policies
    // shared by every role and the other three are the role's own.
    struct RoleSet {
        principal: Principal,
        identity: Vec<NamedPolicy>,
        boundary: Option<NamedPolicy>,
    }
    let own: Vec<RoleSet> = (0..10_000)
        .map(|r| {
            let i = input_for(r, 0);
            RoleSet {
                principal: i.principal,
                identity: i.identity_policies,
                boundary: i.permissions_boundary,
            }
        })
        .collect();
    let (shared_identity, shared_boundary) = realistic_policies("acme-shared-managed");
    let shared_guard = shared_identity[3].clone();
    let shared: Vec<RoleSet> = (0..10_000)
        .map(|r| {
            let mut i = input_for(r, 0);
            i.identity_policies[3] = shared_guard.clone();
            RoleSet {
                principal: i.principal,
                identity: i.identity_policies,
                boundary: Some(shared_boundary.clone()),
            }
        })
        .collect();
    let mut g = c.benchmark_group("evaluate_10k_roles");
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Elements(10_000));
    for (name, mut sets) in [
        ("same_request_each_role_own_policies", own),
        ("same_request_each_role_shared_managed", shared),
    ] {
        let mut request = input_for(0, 0);
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut allowed = 0usize;
                for set in &mut sets {
                    std::mem::swap(&mut request.principal, &mut set.principal);
                    std::mem::swap(&mut request.identity_policies, &mut set.identity);
                    std::mem::swap(&mut request.permissions_boundary, &mut set.boundary);
                    if evaluate(black_box(&request)).is_allowed() {
                        allowed += 1;
                    }
                    std::mem::swap(&mut request.principal, &mut set.principal);
                    std::mem::swap(&mut request.identity_policies, &mut set.identity);
                    std::mem::swap(&mut request.permissions_boundary, &mut set.boundary);
                }
                assert_eq!(allowed, 1);
                allowed
            });
        });
    }
    g.finish();
}

fn main() {
    if std::env::var_os("ROLESCOPE_BENCH_WALL").is_some() {
        let mut c = Criterion::default()
            .with_measurement(WallTime)
            .configure_from_args();
        bench(&mut c);
        c.final_summary();
    } else {
        let mut c = Criterion::default()
            .with_measurement(cpu::Cpu::THREAD)
            .configure_from_args();
        bench(&mut c);
        c.final_summary();
    }
}
