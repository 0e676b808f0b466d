//! Loading speed: read, parse and index synthetic organisations of 1k, 10k and 100k roles
//! (1, 10 and 100 accounts of 1,000 roles, 200 users each), and real-shaped account exports
//! of 20k and 100k roles (`gen_org --profile realistic`: every policy version, large AWS
//! managed policies), with `jq . FILE >/dev/null` timed on the same files as the baseline.
//! Figures go to BENCHMARKS.md; `benches/load_vs_jq.sh` adds CPU time and peak memory.
//!
//! The files are generated once under target/bench-data/ by the same code as
//! `examples/gen_org.rs`. `ROLESCOPE_BENCH_MAX_ROLES=10000` skips the larger sizes.

#[path = "common/allocator.rs"]
mod allocator;
#[path = "../examples/gen_org/org.rs"]
mod org;
#[path = "../examples/gen_org/realistic.rs"]
mod realistic;

use std::path::PathBuf;
use std::process::{Command, Stdio};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
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

/// A real-shaped export of one account with `roles` roles, written once.
fn realistic_file(roles: usize) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let path = dir.join(format!("real-{roles}.json"));
    if path.exists() {
        return Some(path);
    }
    std::fs::create_dir_all(&dir).ok()?;
    let spec = realistic::Spec { roles, seed: 1 };
    let tmp = path.with_extension("partial");
    let file = std::fs::File::create(&tmp).ok()?;
    realistic::write_export(&spec, &mut std::io::BufWriter::new(file)).ok()?;
    std::fs::rename(&tmp, &path).ok()?;
    Some(path)
}

fn jq_available() -> bool {
    Command::new("jq")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn bench_load(c: &mut Criterion) {
    let max_roles: usize = std::env::var("ROLESCOPE_BENCH_MAX_ROLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let jq = jq_available();
    if !jq {
        eprintln!("jq is not installed: the baseline is skipped (apt-get install jq)");
    }
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    let cases = [
        ("rolescope", "jq", 1_000, false),
        ("rolescope", "jq", 10_000, false),
        ("rolescope", "jq", 100_000, false),
        ("rolescope-realistic", "jq-realistic", 20_000, true),
        ("rolescope-realistic", "jq-realistic", 100_000, true),
    ];
    for (name, baseline, roles, real) in cases {
        if roles > max_roles {
            continue;
        }
        let file = if real {
            realistic_file(roles)
        } else {
            data_file(roles)
        };
        let Some(path) = file else {
            eprintln!("cannot write the benchmark data for {roles} roles under target/bench-data");
            continue;
        };
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        eprintln!("{roles} roles: {} ({bytes} bytes)", path.display());
        group.throughput(Throughput::Bytes(bytes));
        group.bench_with_input(BenchmarkId::new(name, roles), &path, |b, p| {
            b.iter_with_large_drop(|| match load::load_paths(std::slice::from_ref(p)) {
                Ok(inv) => inv,
                Err(e) => panic!("benchmark data does not load: {e}"),
            });
        });
        if jq {
            group.bench_with_input(BenchmarkId::new(baseline, roles), &path, |b, p| {
                b.iter(|| {
                    Command::new("jq")
                        .arg(".")
                        .arg(p)
                        .stdout(Stdio::null())
                        .status()
                        .map(|s| s.success())
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_load);
criterion_main!(benches);
