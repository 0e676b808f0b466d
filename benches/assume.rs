//! AssumeRole simulation speed through the library: simulated decisions per second on the
//! demo organisation, for a mix of requests that succeed and requests that fail (and so run
//! the full diagnosis), plus one JSON request document parsed, simulated and written.
//! Figures go to BENCHMARKS.md.
//!
//! Times are the benchmark thread's CPU time (see `common/cpu.rs`): the machine is shared,
//! and the wall clock would also count the time other processes hold the core.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark set-up")]

#[path = "common/allocator.rs"]
mod allocator;
#[path = "common/cpu.rs"]
mod cpu;

use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rolescope::engine::load::load_demo;
use rolescope::engine::sts::Simulator;
use rolescope::engine::sts::request::{AssumeRoleRequest, CallerSessionDoc, SessionOrigin};

fn requests() -> Vec<AssumeRoleRequest> {
    let user = |arn: &str, role: &str| AssumeRoleRequest {
        caller: arn.to_owned(),
        role: role.to_owned(),
        role_session_name: Some("bench".to_owned()),
        ..AssumeRoleRequest::default()
    };
    let mut chained = user(
        "arn:aws:sts::111111111111:assumed-role/OpsEntry/maria",
        "arn:aws:iam::222222222222:role/ProdOperations",
    );
    chained.caller_session = Some(CallerSessionDoc {
        role_arn: Some("arn:aws:iam::111111111111:role/OpsEntry".to_owned()),
        session_name: Some("maria".to_owned()),
        created_by: Some(SessionOrigin::AssumeRole),
        issued_at: Some("2026-11-24T08:50:00Z".parse().unwrap()),
        expires_at: Some("2026-11-24T09:50:00Z".parse().unwrap()),
        ..CallerSessionDoc::default()
    });
    let mut external = user(
        "arn:aws:iam::444455556666:user/consultants/priya.nair",
        "arn:aws:iam::222222222222:role/partners/northwind-engagement",
    );
    external.external_id = Some("northwind-cust-0417-7f3c9e2d".to_owned());
    vec![
        // allowed: same account, cross account with external ID, chained
        user(
            "arn:aws:iam::111111111111:user/people/maria.garcia",
            "arn:aws:iam::111111111111:role/OpsEntry",
        ),
        external,
        chained,
        // denied: cross-account half missing, MFA missing (diagnosed with a re-evaluation)
        user(
            "arn:aws:iam::333333333333:user/people/noah.kim",
            "arn:aws:iam::222222222222:role/qa/QAReleaseVerifier",
        ),
        user(
            "arn:aws:iam::222222222222:user/people/sam.patel",
            "arn:aws:iam::222222222222:role/ProdDatabaseAdmin",
        ),
    ]
}

fn bench_assume(c: &mut Criterion<cpu::Cpu>) {
    let inv = load_demo().unwrap();
    let sim = Simulator::new(&inv);
    let now: DateTime<Utc> = "2026-11-24T09:00:00Z".parse().unwrap();
    let reqs = requests();
    let outcomes: Vec<bool> = reqs
        .iter()
        .map(|r| sim.assume_role(r, now).unwrap().is_allowed())
        .collect();
    assert_eq!(
        outcomes,
        [true, true, true, false, false],
        "the benchmark mix changed"
    );

    let mut g = c.benchmark_group("assume_role");
    g.measurement_time(Duration::from_secs(5));
    g.throughput(Throughput::Elements(1));
    g.bench_function("allowed_same_account", |b| {
        b.iter(|| sim.assume_role(black_box(&reqs[0]), now).unwrap());
    });
    g.bench_function("allowed_chained", |b| {
        b.iter(|| sim.assume_role(black_box(&reqs[2]), now).unwrap());
    });
    g.bench_function("denied_with_diagnosis", |b| {
        b.iter(|| sim.assume_role(black_box(&reqs[4]), now).unwrap());
    });
    g.throughput(Throughput::Elements(reqs.len() as u64));
    g.bench_function("mix_of_5", |b| {
        b.iter(|| {
            for r in &reqs {
                black_box(sim.assume_role(black_box(r), now).unwrap());
            }
        });
    });
    g.finish();

    let line = r#"{"kind":"assume-role","caller":"arn:aws:iam::111111111111:user/people/maria.garcia","role":"arn:aws:iam::111111111111:role/OpsEntry","role_session_name":"bench","now":"2026-11-24T09:00:00Z"}"#;
    let mut g = c.benchmark_group("simulate_document");
    g.throughput(Throughput::Elements(1));
    g.bench_function("parse_simulate_write", |b| {
        let mut out = Vec::with_capacity(4096);
        b.iter(|| {
            out.clear();
            let r = sim.simulate_json(black_box(line), now);
            serde_json::to_writer(&mut out, &r).unwrap();
            black_box(&out);
        });
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(cpu::Cpu::THREAD);
    targets = bench_assume
}
criterion_main!(benches);
