//! Search over 100,000 roles, one keystroke at a time, as the worker runs it (narrowing
//! from the previous hits when the query extends): nucleo-matcher and fuzzy-matcher side
//! by side, with a plain case-insensitive substring scan as the baseline. After the
//! criterion groups, prints the p95 per-keystroke latency over every typed sequence.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmark set-up fails loudly"
)]

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

/// Every keystroke of every sequence: the time to rank the new query's results.
fn keystrokes(searcher: &mut Searcher, idx: &EntityIndex, narrow: bool) -> Vec<Duration> {
    let mut times = Vec::new();
    for seq in org::SEQUENCES {
        let mut prev: Option<(Query, Vec<u32>)> = None;
        for end in 1..=seq.len() {
            let q = Query {
                text: seq[..end].to_owned(),
                ..Query::default()
            };
            let start = Instant::now();
            let within = prev
                .as_ref()
                .filter(|(p, _)| narrow && q.narrows(p))
                .map(|(_, h)| h.as_slice());
            let hits = searcher.search(idx, &q, within);
            times.push(start.elapsed());
            prev = Some((q, black_box(hits)));
        }
    }
    times
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

fn bench(c: &mut Criterion) {
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
        if *label != "skim" {
            g.bench_function(format!("{label}_typed_sequences_narrowing"), |b| {
                b.iter(|| keystrokes(&mut s, idx, true))
            });
        }
    }
    g.bench_function("baseline_substring_scan_typed_sequences", |b| {
        b.iter(|| {
            for seq in org::SEQUENCES {
                for end in 1..=seq.len() {
                    black_box(substring_scan(&names, &seq[..end]));
                }
            }
        });
    });
    g.finish();
    for ((label, _), idx) in KINDS.iter().zip(&indexes) {
        let mut s = Searcher::new();
        for (mode, narrow) in [("narrowing", true), ("full pass", false)] {
            let mut all = Vec::new();
            let reps = if *label == "skim" { 1 } else { 3 };
            for _ in 0..reps {
                all.extend(keystrokes(&mut s, idx, narrow));
            }
            let (p50, p95, max) = (p(&mut all, 0.5), p(&mut all, 0.95), p(&mut all, 1.0));
            println!(
                "{label:>6} {mode:<9}: per keystroke over {} keystrokes: p50 {p50:.2?}  p95 {p95:.2?}  max {max:.2?}",
                all.len()
            );
        }
    }
    let mut base = Vec::new();
    for seq in org::SEQUENCES {
        for end in 1..=seq.len() {
            let t = Instant::now();
            black_box(substring_scan(&names, &seq[..end]));
            base.push(t.elapsed());
        }
    }
    println!(
        "substring baseline: p50 {:.2?}  p95 {:.2?}",
        p(&mut base, 0.5),
        p(&mut base, 0.95)
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
