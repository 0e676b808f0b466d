//! Search over 100,000 roles, one keystroke at a time, as the worker runs it (narrowing
//! from the previous hits when the query extends): rolescope's own matcher (the default),
//! nucleo-matcher and fuzzy-matcher side by side, with a plain case-insensitive substring
//! scan over the names as the baseline, all in the same run.
//!
//! Times are the benchmark thread's CPU time (see `common/cpu.rs`); the per-keystroke
//! table also gives wall time. After the criterion groups it prints p50/p95/max per
//! keystroke over every typed sequence, for each matcher with and without narrowing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark set-up fails loudly"
)]

#[path = "common/allocator.rs"]
mod allocator;
#[path = "common/cpu.rs"]
mod cpu;
#[path = "../examples/gen_org/org.rs"]
mod gen_org;
#[path = "common/org.rs"]
mod org;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use rolescope::engine::load::load_str;
use rolescope::tui::facts;
use rolescope::tui::search::{EntityIndex, MatcherKind, Query, Searcher};

const ROLES: usize = 100_000;

const KINDS: [(&str, MatcherKind); 3] = [
    ("fast", MatcherKind::Fast),
    ("nucleo", MatcherKind::Nucleo),
    ("skim", MatcherKind::Skim),
];

fn indexes() -> (Vec<EntityIndex>, Vec<String>) {
    let inv = load_str("bench", &org::bundle(ROLES)).unwrap();
    assert!(inv.roles.len() >= ROLES);
    let role_facts = facts::all_role_facts(&inv);
    let names = inv.roles.iter().map(|r| r.name.to_lowercase()).collect();
    let entries = facts::role_entries(&inv, &role_facts);
    let idx = KINDS
        .iter()
        .map(|(_, k)| EntityIndex::with_matcher(entries.clone(), *k))
        .collect();
    (idx, names)
}

/// One keystroke's cost: CPU time and wall time.
#[derive(Clone, Copy)]
struct Cost {
    cpu: Duration,
    wall: Duration,
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Cost) {
    let (c0, w0) = (cpu::now(), Instant::now());
    let out = f();
    let cost = Cost {
        cpu: cpu::now().saturating_sub(c0),
        wall: w0.elapsed(),
    };
    (out, cost)
}

/// Every keystroke of every sequence: the time to rank the new query's results.
fn keystrokes(searcher: &mut Searcher, idx: &EntityIndex, narrow: bool) -> Vec<Cost> {
    let mut costs = Vec::new();
    for seq in org::SEQUENCES {
        let mut prev: Option<(Query, Vec<u32>)> = None;
        for end in 1..=seq.len() {
            let q = Query {
                text: seq[..end].to_owned(),
                ..Query::default()
            };
            let within = prev
                .as_ref()
                .filter(|(p, _)| narrow && q.narrows(p))
                .map(|(_, h)| h.as_slice());
            let (hits, cost) = timed(|| searcher.search(idx, &q, within));
            costs.push(cost);
            prev = Some((q, black_box(hits)));
        }
    }
    costs
}

fn substring_scan(names: &[String], q: &str) -> Vec<u32> {
    let q = q.to_lowercase();
    names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.contains(&q))
        .map(|(i, _)| i as u32)
        .collect()
}

fn p(times: &mut [Duration], pct: f64) -> Duration {
    times.sort();
    let i = ((times.len() as f64 - 1.0) * pct).round() as usize;
    times[i]
}

fn report(label: &str, costs: &[Cost]) {
    let mut cpu: Vec<Duration> = costs.iter().map(|c| c.cpu).collect();
    let mut wall: Vec<Duration> = costs.iter().map(|c| c.wall).collect();
    println!(
        "{label:<26} {:>5} keystrokes  cpu p50 {:>9.2?} p95 {:>9.2?} max {:>9.2?}   wall p50 {:>9.2?} p95 {:>9.2?} max {:>9.2?}",
        costs.len(),
        p(&mut cpu, 0.5),
        p(&mut cpu, 0.95),
        p(&mut cpu, 1.0),
        p(&mut wall, 0.5),
        p(&mut wall, 0.95),
        p(&mut wall, 1.0),
    );
}

fn bench(c: &mut Criterion<cpu::Cpu>) {
    let (indexes, names) = indexes();
    let mut g = c.benchmark_group("search_100k_roles");
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(3));
    for ((label, _), idx) in KINDS.iter().zip(&indexes) {
        let mut s = Searcher::new();
        g.bench_function(format!("{label}_first_keystroke_p"), |b| {
            b.iter(|| {
                s.search(
                    idx,
                    &Query {
                        text: "p".into(),
                        ..Query::default()
                    },
                    None,
                )
            });
        });
    }
    g.bench_function("baseline_substring_scan_first_keystroke_p", |b| {
        b.iter(|| substring_scan(&names, "p"));
    });
    g.finish();
    // Per keystroke, every matcher and the baseline in turn, repeated so that a burst of
    // load from elsewhere touches all of them alike.
    let reps = 3;
    let mut runs: Vec<(String, Vec<Cost>)> = Vec::new();
    for rep in 0..reps {
        for ((label, _), idx) in KINDS.iter().zip(&indexes) {
            let mut s = Searcher::new();
            for (mode, narrow) in [("narrowing", true), ("full pass", false)] {
                if *label == "skim" && rep > 0 {
                    continue; // ~100 ms a keystroke: one round is plenty.
                }
                let name = format!("{label} {mode}");
                let costs = keystrokes(&mut s, idx, narrow);
                match runs.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, all)) => all.extend(costs),
                    None => runs.push((name, costs)),
                }
            }
        }
        let mut base = Vec::new();
        for seq in org::SEQUENCES {
            for end in 1..=seq.len() {
                let (hits, cost) = timed(|| substring_scan(&names, &seq[..end]));
                black_box(hits);
                base.push(cost);
            }
        }
        match runs.iter_mut().find(|(n, _)| n == "substring baseline") {
            Some((_, all)) => all.extend(base),
            None => runs.push(("substring baseline".into(), base)),
        }
    }
    println!(
        "\nper keystroke over {} typed sequences:",
        org::SEQUENCES.len()
    );
    for (name, costs) in &runs {
        report(name, costs);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(cpu::Cpu::THREAD);
    targets = bench
}
criterion_main!(benches);
