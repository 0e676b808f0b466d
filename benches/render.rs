//! Frame rendering with 100,000 roles loaded (only the visible rows are drawn), and
//! start-up to the first frame on the demo organisation (load, index, draw), whole and in
//! its parts. Frames are measured in the benchmark thread's CPU time, start-up in the
//! process's (see `common/cpu.rs`).

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
use std::sync::Arc;

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rolescope::engine::load::{load_demo, load_str};
use rolescope::engine::model::Inventory;
use rolescope::tui::command::Command;
use rolescope::tui::sim::EngineSimulator;
use rolescope::tui::state::AppState;
use rolescope::tui::ui;
use rolescope::tui::update::{apply, apply_all};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn state(inv: Arc<Inventory>, w: u16, h: u16) -> AppState {
    let sim = Arc::new(EngineSimulator::spawn(Arc::clone(&inv)).unwrap());
    let mut s = AppState::new(inv, sim, t0());
    apply(&mut s, Command::Resize(w, h));
    s
}

fn frames(c: &mut Criterion<cpu::Cpu>) {
    let big = Arc::new(load_str("bench", &org::bundle(100_000)).unwrap());
    let mut g = c.benchmark_group("render_100k_roles");
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();

    let list = state(Arc::clone(&big), 200, 60);
    g.bench_function("roles_list_200x60", |b| {
        b.iter(|| term.draw(|f| ui::render(f, black_box(&list))).unwrap().area)
    });

    let mut searched = state(Arc::clone(&big), 200, 60);
    apply_all(
        &mut searched,
        [Command::StartSearch]
            .into_iter()
            .chain("paydep".chars().map(Command::Input)),
    );
    g.bench_function("roles_list_with_highlights_200x60", |b| {
        b.iter(|| {
            term.draw(|f| ui::render(f, black_box(&searched)))
                .unwrap()
                .area
        });
    });

    let mut detail = state(Arc::clone(&big), 200, 60);
    apply_all(&mut detail, [Command::Open]);
    g.bench_function("role_detail_200x60", |b| {
        b.iter(|| {
            term.draw(|f| ui::render(f, black_box(&detail)))
                .unwrap()
                .area
        })
    });
    g.finish();
}

/// Start-up spreads over threads (loading decodes on every core; the simulator has its
/// own), so it is measured in the whole process's CPU time.
fn startup(c: &mut Criterion<cpu::Cpu>) {
    let mut g = c.benchmark_group("startup_demo");
    g.bench_function("load_index_first_frame_120x40", |b| {
        b.iter(|| {
            let inv = Arc::new(load_demo().unwrap());
            let s = state(inv, 120, 40);
            let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
            t.draw(|f| ui::render(f, &s)).unwrap().area
        });
    });
    g.bench_function("part_load_demo", |b| b.iter(|| load_demo().unwrap()));
    let demo = Arc::new(load_demo().unwrap());
    g.bench_function("part_kinds_and_index", |b| {
        b.iter(|| state(Arc::clone(&demo), 120, 40))
    });
    let first = state(Arc::clone(&demo), 120, 40);
    g.bench_function("part_first_frame", |b| {
        b.iter(|| {
            let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
            t.draw(|f| ui::render(f, &first)).unwrap().area
        })
    });
    g.finish();
}

criterion_group! {
    name = frame_benches;
    config = Criterion::default().with_measurement(cpu::Cpu::THREAD);
    targets = frames
}
criterion_group! {
    name = startup_benches;
    config = Criterion::default().with_measurement(cpu::Cpu::PROCESS);
    targets = startup
}
criterion_main!(frame_benches, startup_benches);
