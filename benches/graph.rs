//! Trust-graph speed on a synthetic organisation of 100 accounts × 1,000 roles and 20,000
//! users (examples/gen_org, seed 1): building the graph from a loaded inventory, then single
//! queries — one hop, who can assume a role (direct callers and chains), what a user can
//! reach, the paths between a user and a role (one pair with a path, one without: the "why
//! not" walk), and external access over the whole inventory. Figures go to BENCHMARKS.md.
//!
//! Times are the benchmark thread's CPU time (see `common/cpu.rs`), so other processes on
//! the shared cores do not count. The build decides every hop; a query only walks them, but
//! the first query on a fresh graph still meets cold caches and a few things made on first
//! use (callers' sides for a single hop), so two sets of figures are given:
//! - the criterion groups query one graph over and over across a sample of roles and users
//!   ("warm");
//! - after them, each query kind is timed as the first query on a freshly built graph
//!   ("cold"), a few times, and printed as min/median/max.
//!
//! The data file is shared with the `load` bench (target/bench-data/).
//! `ROLESCOPE_BENCH_MAX_ROLES=10000` uses 10 accounts instead of 100 (0 skips this part).
//!
//! The dense organisation (`gen_org --profile dense`, seed 1, 100,000 roles in 10 accounts;
//! `ROLESCOPE_BENCH_DENSE_ROLES` sets the size, 0 skips it) is measured the way a command
//! meets it: a freshly built graph plus the first answer of who-can-assume (a role trusting
//! its account's root), reach (a user of the `admins` group), path (that user to a role at
//! the end of a chain) and the external-access scan, CPU and wall time both — each alone,
//! and who-can-assume, reach and path also as the commands answer them, with the walk that
//! takes escalation edges (decided for the principals it meets), the two side by side on two
//! threads as the commands and the explorer work them out (`graph::side_by_side`); then the
//! same queries repeated on one graph (criterion). The dense figures are the CPU time of
//! every thread of the process, so the second thread's work counts. `ROLESCOPE_BENCH_DENSE_ONLY=NAME` runs only
//! the dense queries whose name contains NAME. The peak resident set is printed after the
//! first answers.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark set-up fails loudly"
)]

#[path = "common/allocator.rs"]
mod allocator;
#[path = "common/cpu.rs"]
mod cpu;
#[allow(dead_code, reason = "the generator's other profiles are not used here")]
#[path = "../examples/gen_org/dense.rs"]
mod dense;
#[path = "../examples/gen_org/org.rs"]
mod org;
#[allow(dead_code, reason = "the generator's other profiles are not used here")]
#[path = "../examples/gen_org/realistic.rs"]
mod realistic;

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rolescope::engine::escalation::{LazyEscalations, walk};
use rolescope::engine::graph::{NodeId, NodeKind, TrustGraph};
use rolescope::engine::load;
use rolescope::engine::model::Inventory;

const USERS_PER_ACCOUNT: usize = 200;
const ROLES_PER_ACCOUNT: usize = 1000;

/// Fresh graphs per query kind in the cold measurement.
const COLD_RUNS: usize = 3;

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

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0)
        .single()
        .unwrap_or_else(Utc::now)
}

fn inventory() -> Arc<Inventory> {
    let max_roles: usize = std::env::var("ROLESCOPE_BENCH_MAX_ROLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let path = data_file(max_roles.min(100_000)).expect("benchmark data under target/bench-data");
    let inv = load::load_paths(std::slice::from_ref(&path)).expect("benchmark data loads");
    eprintln!(
        "{} accounts, {} roles, {} users",
        inv.accounts.len(),
        inv.roles.len(),
        inv.users.len()
    );
    Arc::new(inv)
}

/// The queries the bench asks, chosen once on a graph of their own: roles someone can
/// assume and users who can assume some role (a spread sample of all roles and users mostly
/// picks roles no one is trusted into and users with no `sts:AssumeRole` grant, whose
/// answers are empty).
struct Picks {
    roles: Vec<NodeId>,
    users: Vec<NodeId>,
    /// (user, role) pairs joined by a direct hop.
    hops: Vec<(NodeId, NodeId)>,
    /// (user, role) pairs joined by a path of 2–4 hops.
    with_path: Vec<(NodeId, NodeId)>,
    /// (user, role) pairs with no path of at most 4 hops.
    no_path: Vec<(NodeId, NodeId)>,
}

fn picks(inv: &Arc<Inventory>) -> Picks {
    let g = TrustGraph::build(Arc::clone(inv), now());
    let roles: Vec<NodeId> = sample(&g, NodeKind::Role, 256)
        .into_iter()
        .filter(|r| !g.who_can_assume(*r, 1).rows.is_empty())
        .take(16)
        .collect();
    let users: Vec<NodeId> = sample(&g, NodeKind::User, 256)
        .into_iter()
        .filter(|u| g.edges_from(*u).iter().any(|e| e.works()))
        .take(8)
        .collect();
    let mut hops = Vec::new();
    let mut with_path = Vec::new();
    let mut no_path = Vec::new();
    for (k, &u) in users.iter().enumerate().take(4) {
        let reach = g.reach(u, 4);
        if let Some(row) = reach.rows.first() {
            hops.push((u, row.role));
        }
        if let Some(row) = reach.rows.iter().rev().find(|r| r.path.len() >= 2) {
            with_path.push((u, row.role));
        }
        if let Some(&r) = roles
            .iter()
            .cycle()
            .skip(k * 5)
            .take(roles.len())
            .find(|r| !reach.rows.iter().any(|row| row.role == **r))
        {
            no_path.push((u, r));
        }
    }
    eprintln!(
        "{} roles, {} users, {} hops, {} user→role pairs with a path, {} without",
        roles.len(),
        users.len(),
        hops.len(),
        with_path.len(),
        no_path.len()
    );
    Picks {
        roles,
        users,
        hops,
        with_path,
        no_path,
    }
}

type Query<'a> = Box<dyn Fn(&TrustGraph, usize) -> usize + 'a>;

fn queries(p: &Picks) -> Vec<(&'static str, Query<'_>)> {
    vec![
        (
            "who-can-assume-direct",
            Box::new(|g, i| g.who_can_assume(p.roles[i % p.roles.len()], 1).rows.len()),
        ),
        (
            "who-can-assume-depth5",
            Box::new(|g, i| g.who_can_assume(p.roles[i % p.roles.len()], 5).rows.len()),
        ),
        (
            "reach-user-depth5",
            Box::new(|g, i| g.reach(p.users[i % p.users.len()], 5).rows.len()),
        ),
        (
            "path-user-to-role-depth4-found",
            Box::new(|g, i| {
                let (u, r) = p.with_path[i % p.with_path.len()];
                g.paths(u, r, 4).paths.len()
            }),
        ),
        (
            "path-user-to-role-depth4-none",
            Box::new(|g, i| {
                let (u, r) = p.no_path[i % p.no_path.len()];
                usize::from(g.paths(u, r, 4).no_path.is_some())
            }),
        ),
        (
            "hop",
            Box::new(|g, i| {
                let (u, r) = p.hops[i % p.hops.len()];
                usize::from(g.hop(u, r).is_some())
            }),
        ),
    ]
}

fn bench_graph(c: &mut Criterion<cpu::Cpu>) {
    if std::env::var("ROLESCOPE_BENCH_MAX_ROLES").is_ok_and(|v| v == "0") {
        return;
    }
    let inventory = inventory();
    let picks = picks(&inventory);

    let mut group = c.benchmark_group("graph");
    group.sample_size(10);
    group.bench_with_input(
        BenchmarkId::new("build", inventory.roles.len()),
        &inventory,
        |b, inv| {
            b.iter_with_large_drop(|| TrustGraph::build(Arc::clone(inv), now()));
        },
    );
    group.finish();

    let g = TrustGraph::build(Arc::clone(&inventory), now());
    let qs = queries(&picks);
    let mut group = c.benchmark_group("graph-query");
    let mut i = 0usize;
    for (name, q) in &qs {
        group.bench_function(BenchmarkId::new(*name, inventory.roles.len()), |b| {
            b.iter(|| {
                i += 1;
                black_box(q(&g, i))
            });
        });
    }
    group.finish();

    let mut group = c.benchmark_group("graph-scan");
    group.sample_size(10);
    group.bench_function(
        BenchmarkId::new("external-access", inventory.roles.len()),
        |b| {
            b.iter(|| g.external_access());
        },
    );
    group.finish();
    drop(g);

    // Cold: each kind of query as the first one on a fresh graph.
    println!("\nfirst query on a freshly built graph (CPU time, {COLD_RUNS} graphs per kind):");
    for (name, q) in &qs {
        let mut times: Vec<Duration> = Vec::new();
        let mut size = 0;
        for run in 0..COLD_RUNS {
            let g = TrustGraph::build(Arc::clone(&inventory), now());
            let t0 = cpu::now();
            size = black_box(q(&g, run));
            times.push(cpu::now().saturating_sub(t0));
        }
        times.sort();
        println!(
            "{name:<32} min {:>10.2?} median {:>10.2?} max {:>10.2?}   ({size} rows in the last)",
            times[0],
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
}

/// The dense organisation's file, generated on first use (`gen_org --profile dense`).
fn dense_file(roles: usize) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let path = dir.join(format!("dense-{roles}.json"));
    if path.exists() {
        return Some(path);
    }
    std::fs::create_dir_all(&dir).ok()?;
    let tmp = path.with_extension("partial");
    let file = std::fs::File::create(&tmp).ok()?;
    dense::write_bundle(
        &dense::Spec { roles, seed: 1 },
        &mut std::io::BufWriter::new(file),
    )
    .ok()?;
    std::fs::rename(&tmp, &path).ok()?;
    Some(path)
}

/// The resident set size now and at its peak, in MB (Linux; 0 elsewhere).
fn rss_mb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The dense queries: a role trusting its account's root, a user of the `admins` group, and
/// a role that user reaches only through a chain (the longest path of its reach).
struct DensePicks {
    role: NodeId,
    user: NodeId,
    chained: NodeId,
}

fn dense_picks(g: &TrustGraph) -> DensePicks {
    let inv = g.inventory();
    let first = &inv.roles[0].account;
    let role = inv
        .roles
        .iter()
        .filter(|r| &r.account == first && r.name.contains("-app-"))
        .find(|r| {
            r.trust_policy.text.contains(":root") && !r.trust_policy.text.contains("Condition")
        })
        .and_then(|r| g.node_id(&r.arn))
        .expect("a role trusting its account's root");
    let user = inv
        .users
        .iter()
        .find(|u| &u.account == first && u.groups.iter().any(|x| x == "admins"))
        .and_then(|u| g.node_id(&u.arn))
        .expect("a user of the admins group");
    let reach = g.reach(user, 3);
    let chained = reach
        .rows
        .iter()
        .rev()
        .find(|r| r.path.len() >= 2)
        .or(reach.rows.last())
        .map(|r| r.role)
        .expect("the admin reaches some role");
    DensePicks {
        role,
        user,
        chained,
    }
}

/// A dense query: the graph, the escalation edges decided so far (made only for the queries
/// that take escalation edges, whose names end in `+escalation`), and a run number.
type DenseQuery<'a> = Box<dyn Fn(&TrustGraph, Option<&LazyEscalations<'_>>, usize) -> usize + 'a>;

fn dense_queries(p: &DensePicks) -> Vec<(&'static str, DenseQuery<'_>)> {
    let follow = walk::Follow::Working;
    vec![
        (
            "dense-who-can-assume-depth5",
            Box::new(|g, _, _| g.who_can_assume(p.role, 5).rows.len()),
        ),
        (
            "dense-reach-admin-depth5",
            Box::new(|g, _, _| g.reach(p.user, 5).rows.len()),
        ),
        (
            "dense-path-admin-depth4",
            Box::new(|g, _, _| g.paths(p.user, p.chained, 4).paths.len()),
        ),
        (
            "dense-external-access",
            Box::new(|g, _, _| g.external_access().findings.len()),
        ),
        // The commands' whole answers: assume-role hops beside the walk that also takes
        // escalation edges (decided for the principals it meets), as the commands and the
        // explorer work them out (`graph::side_by_side`, two threads).
        (
            "dense-who-can-assume+escalation-depth5",
            Box::new(move |g, esc, _| {
                let Some(esc) = esc else { return 0 };
                let (who, mixed) = rolescope::engine::graph::side_by_side(
                    || g.who_can_assume(p.role, 5),
                    || walk::who_can_reach(g, esc, p.role, 5, follow),
                );
                who.rows.len() + mixed.len()
            }),
        ),
        (
            "dense-reach+escalation-admin-depth5",
            Box::new(move |g, esc, _| {
                let Some(esc) = esc else { return 0 };
                let (reach, mixed) = rolescope::engine::graph::side_by_side(
                    || g.reach(p.user, 5),
                    || walk::reach(g, esc, p.user, 5, follow),
                );
                reach.rows.len() + mixed.rows.len()
            }),
        ),
        (
            "dense-path+escalation-admin-depth4",
            Box::new(move |g, esc, _| {
                let Some(esc) = esc else { return 0 };
                let (paths, mixed) = rolescope::engine::graph::side_by_side(
                    || g.paths(p.user, p.chained, 4),
                    || walk::path(g, esc, p.user, p.chained, 4, follow),
                );
                paths.paths.len() + mixed.map_or(0, |x| x.len())
            }),
        ),
    ]
}

fn bench_dense(c: &mut Criterion<cpu::Cpu>) {
    let roles: usize = std::env::var("ROLESCOPE_BENCH_DENSE_ROLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    if roles == 0 {
        return;
    }
    let path = dense_file(roles).expect("dense benchmark data under target/bench-data");
    let inventory = Arc::new(
        load::load_paths(std::slice::from_ref(&path)).expect("dense benchmark data loads"),
    );
    let (loaded, _) = rss_mb();
    eprintln!(
        "dense: {} accounts, {} roles, {} users; {loaded} MB resident after loading",
        inventory.accounts.len(),
        inventory.roles.len(),
        inventory.users.len()
    );
    let picks = dense_picks(&TrustGraph::build(Arc::clone(&inventory), now()));
    let qs = dense_queries(&picks);
    let only: Option<String> = std::env::var("ROLESCOPE_BENCH_DENSE_ONLY").ok();
    let chosen = |name: &str| only.as_deref().is_none_or(|o| name.contains(o));

    // A fresh graph and its first answer, as one command meets them.
    println!(
        "\ndense, {} roles: build plus the first answer on a fresh graph ({COLD_RUNS} graphs per kind; resident {loaded} MB after loading)",
        inventory.roles.len()
    );
    for (name, q) in qs.iter().filter(|(n, _)| chosen(n)) {
        // Linux: restart the peak resident set from the current one (`clear_refs` 5).
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let mut cpu_times: Vec<Duration> = Vec::new();
        let mut wall_times: Vec<Duration> = Vec::new();
        let mut size = 0;
        let mut grew = 0;
        for run in 0..COLD_RUNS {
            let (t0, w0) = (cpu::process_now(), Instant::now());
            let g = TrustGraph::build(Arc::clone(&inventory), now());
            let esc = name
                .contains("+escalation")
                .then(|| LazyEscalations::new(&g));
            size = black_box(q(&g, esc.as_ref(), run));
            cpu_times.push(cpu::process_now().saturating_sub(t0));
            wall_times.push(w0.elapsed());
            grew = grew.max(rss_mb().1.saturating_sub(loaded));
        }
        cpu_times.sort();
        wall_times.sort();
        println!(
            "{name:<40} cpu min {:>9.2?} median {:>9.2?} max {:>9.2?}   wall median {:>9.2?}   peak +{grew} MB over the loaded {loaded} MB   ({size} rows)",
            cpu_times[0],
            cpu_times[cpu_times.len() / 2],
            cpu_times[cpu_times.len() - 1],
            wall_times[wall_times.len() / 2],
        );
    }

    let g = TrustGraph::build(Arc::clone(&inventory), now());
    let esc = LazyEscalations::new(&g);
    for (_, q) in qs.iter().filter(|(n, _)| chosen(n)) {
        black_box(q(&g, Some(&esc), 0));
    }
    let mut group = c.benchmark_group("graph-dense-repeated");
    group.sample_size(10);
    for (name, q) in qs.iter().filter(|(n, _)| chosen(n)) {
        group.bench_function(BenchmarkId::new(*name, inventory.roles.len()), |b| {
            b.iter(|| black_box(q(&g, Some(&esc), 0)));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(cpu::Cpu::THREAD);
    targets = bench_graph
}
criterion_group! {
    name = dense_benches;
    // Every thread's CPU: the commands' answers work on two (see `graph::side_by_side`).
    config = Criterion::default().with_measurement(cpu::Cpu::PROCESS);
    targets = bench_dense
}
criterion_main!(benches, dense_benches);
