//! Benchmarks of the acquaintance graph: generating a 100 000-person
//! small world with 250 ties each, and analysing it from 20 sources.
//!
//! Run with `cargo bench --bench graph`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use netgrow::population::network::analysis::analyse;
use netgrow::population::network::{Network, NetworkModel, NetworkSpec};

/// The allocator the `netgrow` binary uses (see `src/main.rs`), so that the
/// figures are those of the command.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn spec() -> NetworkSpec {
    NetworkSpec {
        people: 100_000,
        acquaintances: 250,
        close_ties: 15,
        model: NetworkModel::SmallWorld { rewire: 0.1 },
    }
}

fn generate(c: &mut Criterion) {
    let spec = spec();
    c.bench_function("generate small_world 100k x 250", |b| {
        b.iter(|| Network::generate(black_box(&spec), black_box(1)))
    });
}

fn analysis(c: &mut Criterion) {
    let network = Network::generate(&spec(), 1);
    c.bench_function("analyse small_world 100k x 250, 20 sources", |b| {
        b.iter(|| analyse(black_box(&network), 20, black_box(7)))
    });
}

criterion_group! {
    name = benches;
    // Ten samples of ~0.5 s each need more than criterion's default 5 s.
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(10));
    targets = generate, analysis
}
criterion_main!(benches);
