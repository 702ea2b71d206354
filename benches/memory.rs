//! What this machine's memory delivers to scattered reads, the kind a city
//! run makes: reads of single cache lines at random places in a buffer the
//! size of the city run's resident memory (2.8 GiB).
//!
//! - `independent`: each read's address is known in advance, so the
//!   processor keeps as many in flight as it can — the most lines a second
//!   a run could hope to get, with no work between the reads.
//! - `dependent`: each address depends on the line read before it, so the
//!   reads wait one at a time — the latency of one miss.
//!
//! Each on one thread and on two. `docs/performance.md` sets these rates
//! against the lines a city run requests, for the floor they put under its
//! time. Run with `cargo bench --bench memory` (it needs 2.8 GiB free).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// The city run's peak resident memory (`docs/performance.md`).
const BYTES: usize = 2800 << 20;
/// Reads per thread per iteration.
const READS: u64 = 1 << 20;
/// `u64`s in a 64-byte cache line.
const LINE: usize = 8;

/// A xorshift step: cheap enough not to hide the memory behind it.
fn next(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

/// `x` mapped onto `0..lines` by a multiplication rather than a division,
/// which would cost more than some of the reads.
fn line_of(x: u64, lines: u64) -> usize {
    ((x as u128 * lines as u128) >> 64) as usize
}

/// A way of reading: `READS` reads of `buffer` from a seed, summed.
type Reads = fn(&[u64], u64) -> u64;

/// `READS` reads at random lines, each address independent of the reads.
fn independent(buffer: &[u64], seed: u64) -> u64 {
    let lines = (buffer.len() / LINE) as u64;
    let (mut x, mut sum) = (seed, 0u64);
    for _ in 0..READS {
        sum = sum.wrapping_add(buffer[line_of(next(&mut x), lines) * LINE]);
    }
    sum
}

/// `READS` reads at random lines, each address mixed with the value read
/// before it, so that no read can start before the previous one ends.
fn dependent(buffer: &[u64], seed: u64) -> u64 {
    let lines = (buffer.len() / LINE) as u64;
    let (mut x, mut sum) = (seed, 0u64);
    for _ in 0..READS {
        let at = line_of(next(&mut x) ^ (sum & 1), lines);
        sum = sum.wrapping_add(buffer[at * LINE]);
    }
    sum
}

/// Runs `read` on `threads` threads at once, each with its own addresses.
fn on_threads(threads: u64, buffer: &[u64], read: Reads) -> u64 {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| scope.spawn(move || read(buffer, 0x9E37_79B9_7F4A_7C15 ^ (t + 1))))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a reading thread does not panic"))
            .sum()
    })
}

fn scattered_reads(c: &mut Criterion) {
    // Every line written once, so that the reads find memory that exists
    // rather than the zero page.
    let buffer: Vec<u64> = (0..BYTES / 8).map(|i| i as u64).collect();
    let mut group = c.benchmark_group("scattered reads over 2.8 GiB");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    let kinds: [(&str, Reads); 2] = [("independent", independent), ("dependent", dependent)];
    for (kind, read) in kinds {
        for threads in [1, 2] {
            group.throughput(Throughput::Elements(READS * threads));
            group.bench_function(format!("{kind}, {threads} thread(s)"), |b| {
                b.iter(|| on_threads(threads, black_box(&buffer), read))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, scattered_reads);
criterion_main!(benches);
