//! Trust-graph speed on a synthetic organisation of 100 accounts × 1,000 roles and 20,000
//! users (examples/gen_org, seed 1): building the graph from a loaded inventory, then single
//! queries — one hop, who can assume a role (direct callers and chains), what a user can
//! reach, the paths between two principals, and external access over the whole inventory.
//! Figures go to BENCHMARKS.md.
//!
//! The data file is shared with the `load` bench (target/bench-data/).
//! `ROLESCOPE_BENCH_MAX_ROLES=10000` uses 10 accounts instead of 100.

#[path = "../examples/gen_org/org.rs"]
mod org;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rolescope::engine::graph::{NodeId, NodeKind, TrustGraph};
use rolescope::engine::load;

const USERS_PER_ACCOUNT: usize = 200;
const ROLES_PER_ACCOUNT: usize = 1000;

fn data_file(roles: usize) -> Option<PathBuf> {
    let accounts = (roles / ROLES_PER_ACCOUNT).max(1);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let path = dir.join(format!(
        "org-{accounts}x{ROLES_PER_ACCOUNT}-u{USERS_PER_ACCOUNT}.json"
    ));
    if path.exists() {
        return Some(path);
    }
    std::fs::create_dir_all(&dir).ok()?;
    let spec = org::Spec {
        accounts,
        roles_per_account: ROLES_PER_ACCOUNT,
        users_per_account: USERS_PER_ACCOUNT,
        seed: 1,
    };
    let tmp = path.with_extension("partial");
    let file = std::fs::File::create(&tmp).ok()?;
    org::write_bundle(&spec, &mut std::io::BufWriter::new(file)).ok()?;
    std::fs::rename(&tmp, &path).ok()?;
    Some(path)
}

/// Every `step`-th node of a kind, for queries spread over the organisation.
fn sample(g: &TrustGraph, kind: NodeKind, count: usize) -> Vec<NodeId> {
    let all: Vec<NodeId> = (0..g.nodes.len())
        .map(|i| NodeId(u32::try_from(i).unwrap_or(u32::MAX)))
        .filter(|n| g.node(*n).kind == kind)
        .collect();
    let step = (all.len() / count.max(1)).max(1);
    all.into_iter().step_by(step).take(count).collect()
}

fn bench_graph(c: &mut Criterion) {
    let max_roles: usize = std::env::var("ROLESCOPE_BENCH_MAX_ROLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let roles = max_roles.min(100_000);
    let Some(path) = data_file(roles) else {
        eprintln!("cannot write the benchmark data under target/bench-data");
        return;
    };
    let inventory = match load::load_paths(std::slice::from_ref(&path)) {
        Ok(inv) => Arc::new(inv),
        Err(e) => {
            eprintln!("benchmark data does not load: {e}");
            return;
        }
    };
    let now = Utc
        .with_ymd_and_hms(2026, 11, 24, 12, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    eprintln!(
        "{} accounts, {} roles, {} users",
        inventory.accounts.len(),
        inventory.roles.len(),
        inventory.users.len()
    );

    let mut group = c.benchmark_group("graph");
    group.sample_size(10);
    group.bench_with_input(BenchmarkId::new("build", roles), &inventory, |b, inv| {
        b.iter_with_large_drop(|| TrustGraph::build(Arc::clone(inv), now));
    });
    group.finish();

    let g = TrustGraph::build(Arc::clone(&inventory), now);
    let roles_sample = sample(&g, NodeKind::Role, 64);
    let users_sample = sample(&g, NodeKind::User, 64);
    let mut group = c.benchmark_group("graph-query");
    group.sample_size(20);
    let mut i = 0usize;
    group.bench_function(BenchmarkId::new("who-can-assume-direct", roles), |b| {
        b.iter(|| {
            i += 1;
            g.who_can_assume(roles_sample[i % roles_sample.len()], 1)
        });
    });
    group.bench_function(
        BenchmarkId::new("who-can-assume-chains-depth5", roles),
        |b| {
            b.iter(|| {
                i += 1;
                g.who_can_assume(roles_sample[i % roles_sample.len()], 5)
            });
        },
    );
    group.bench_function(BenchmarkId::new("reach-user-depth5", roles), |b| {
        b.iter(|| {
            i += 1;
            g.reach(users_sample[i % users_sample.len()], 5)
        });
    });
    group.bench_function(BenchmarkId::new("path-user-to-role-depth4", roles), |b| {
        b.iter(|| {
            i += 1;
            g.paths(
                users_sample[i % users_sample.len()],
                roles_sample[(i * 7) % roles_sample.len()],
                4,
            )
        });
    });
    group.bench_function(BenchmarkId::new("hop", roles), |b| {
        b.iter(|| {
            i += 1;
            g.hop(
                users_sample[i % users_sample.len()],
                roles_sample[(i * 3) % roles_sample.len()],
            )
        });
    });
    group.finish();

    let mut group = c.benchmark_group("graph-scan");
    group.sample_size(10);
    group.bench_function(BenchmarkId::new("external-access", roles), |b| {
        b.iter(|| g.external_access());
    });
    group.finish();
}

criterion_group!(benches, bench_graph);
criterion_main!(benches);
