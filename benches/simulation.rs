//! Benchmarks of the simulation: one week of a 100,000-person town, need
//! resolution alone, and the whole default scenario as `netgrow run`
//! simulates it (without writing files).
//!
//! Run with `cargo bench --bench simulation`. Figures are medians; quote
//! them with the machine they came from.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use netgrow::engine::Stepper;
use netgrow::population::World;
use netgrow::scenario::{Override, Scenario};

/// The allocator the `netgrow` binary uses (see `src/main.rs`), so that the
/// figures are those of the command.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn town(size: u64) -> Scenario {
    let sets = [
        format!("population.size={size}"),
        format!("groups.count={}", size / 500),
        format!("cohorts.connecting.members={}", size / 50),
        format!("cohorts.networking.members={}", size / 50),
        // Long enough that criterion never runs out of weeks to step.
        "simulation.years=100".to_string(),
    ];
    let overrides: Vec<Override> = sets
        .iter()
        .map(|s| Override::parse(s).expect("valid override"))
        .collect();
    Scenario::from_str("", "bench.toml", "bench", &overrides).expect("valid scenario")
}

fn one_week(c: &mut Criterion) {
    let s = town(100_000);
    let world = World::build(&s, World::seed(s.simulation.seed, 0));
    let mut group = c.benchmark_group("simulation");
    group.sample_size(10);
    // A year in, ties and suppliers exist, as in a real week.
    let mut warm = Stepper::new(&s, &world, 0);
    for _ in 0..52 {
        warm.step();
    }
    let mut running = Stepper::new(&s, &world, 0);
    for _ in 0..52 {
        running.step();
    }
    group.bench_function("one week, 100k people (after a year)", |b| {
        b.iter(|| running.step())
    });
    group.bench_function("need resolution alone, one week of 100k people", |b| {
        b.iter(|| warm.needs_only())
    });
    group.finish();
}

fn default_scenario(c: &mut Criterion) {
    let s = Scenario::load(Path::new("scenarios/connecting-vs-networking.toml"), &[])
        .expect("the default scenario loads");
    let mut group = c.benchmark_group("scenario");
    group.sample_size(10);
    group.bench_function("connecting-vs-networking, all replicates", |b| {
        b.iter(|| netgrow::experiment::run(&s, &|| {}))
    });
    group.finish();
}

criterion_group!(benches, one_week, default_scenario);
criterion_main!(benches);
