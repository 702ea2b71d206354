//! Compressed sparse rows: building the rows a [`Network`](super::Network)
//! keeps, and the bit and parallel helpers its generators share.
//!
//! A graph is stored as `offsets` (length `people + 1`) delimiting each
//! person's slice of `neighbors` (ids sorted ascending, no self, no
//! duplicates), plus a bitset with one close flag per directed entry (set by
//! [`super::closeness`]).
//!
//! Generation never holds an edge list next to the graph. The small-world and
//! community generators let each person *propose* the ties they own, from
//! their own random stream (a [`Proposer`]), so a proposal can be replayed:
//! [`from_proposals`] makes one pass that counts each person's degree, a
//! second that writes the ties straight into their final slots (in parallel,
//! reserving slots atomically), and then sorts each slice by radix sort,
//! which also puts the parallel writes, whose order varies, into canonical
//! order. Peak memory is the finished graph plus a few per-person counters
//! and per-thread buffers: a million people with 250 ties each take
//! 1.04 GB, and generating them peaks at 1.07 GB resident.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};

use rayon::prelude::*;

use super::random::Placement;

/// People per parallel work item: small enough to balance, large enough
/// that scheduling is negligible. Results never depend on it.
pub(super) const CHUNK: usize = 1024;

/// Whether bit `i` of `bits` is set (false past the end).
pub(super) fn bit(bits: &[u64], i: u64) -> bool {
    bits.get((i / 64) as usize)
        .is_some_and(|w| w >> (i % 64) & 1 == 1)
}

/// Sets bit `i` of `bits`, from any thread.
pub(super) fn set_atomic_bit(bits: &[AtomicU64], i: u64) {
    bits[(i / 64) as usize].fetch_or(1 << (i % 64), Relaxed);
}

/// Converts atomics back to plain values. `Vec::into_iter().map().collect()`
/// reuses the allocation when the element layouts match, so this needs no
/// second buffer.
pub(super) fn into_plain_u64(v: Vec<AtomicU64>) -> Vec<u64> {
    v.into_iter().map(AtomicU64::into_inner).collect()
}

/// `len` atomic zeros, allocated and zeroed in parallel.
pub(super) fn zeroed_atomic_u64(len: usize) -> Vec<AtomicU64> {
    (0..len)
        .into_par_iter()
        .map(|_| AtomicU64::new(0))
        .collect()
}

/// Splits `data` (laid out by `offsets`) into runs of `CHUNK` people and
/// calls `f(scratch, person, slice)` for every person in parallel, returning
/// the results in person order. Each run gets a fresh `init()` scratch.
pub(crate) fn per_person_mut<S, R: Send>(
    offsets: &[u64],
    data: &mut [u32],
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, usize, &mut [u32]) -> R + Sync,
) -> Vec<R> {
    let n = offsets.len() - 1;
    let mut runs = Vec::with_capacity(n.div_ceil(CHUNK));
    let mut rest = data;
    for first in (0..n).step_by(CHUNK) {
        let end = (first + CHUNK).min(n);
        let len = (offsets[end] - offsets[first]) as usize;
        let (run, tail) = rest.split_at_mut(len);
        runs.push((first, end, run));
        rest = tail;
    }
    let results: Vec<Vec<R>> = runs
        .into_par_iter()
        .map(|(first, end, run)| {
            let mut scratch = init();
            (first..end)
                .map(|p| {
                    let lo = (offsets[p] - offsets[first]) as usize;
                    let hi = (offsets[p + 1] - offsets[first]) as usize;
                    f(&mut scratch, p, &mut run[lo..hi])
                })
                .collect()
        })
        .collect();
    results.into_iter().flatten().collect()
}

/// A generator in which the person at each position proposes the ties they
/// own from their own stream, so the proposals can be replayed identically.
pub(super) trait Proposer: Sync {
    /// Calls `emit(v)` for each tie `(at, v)` that the person at position
    /// `at` owns, `v` being a position too; never with `v == at`.
    fn propose(&self, at: u32, emit: impl FnMut(u32));

    /// How far past the proposer (in positions, wrapping around) most
    /// targets lie. Only a hint for batching: results never depend on it.
    fn reach(&self) -> u64;
}

/// The most positions past its proposers that a batch of [`from_proposals`]
/// tallies locally.
const WINDOW_PAST: u64 = 4 * CHUNK as u64;

/// The positions a batch of proposers tallies locally: the batch itself and
/// the window just past it, wrapping around the positions.
#[derive(Clone, Copy)]
struct Window {
    /// The batch's first proposer.
    first: usize,
    /// Window positions, from `first` on.
    size: usize,
    /// Number of positions.
    n: u64,
}

impl Window {
    /// The window of the batch of proposers `first..end`.
    fn new(first: usize, end: usize, reach: u64, n: usize) -> Window {
        let n = n as u64;
        let size = ((end - first) as u64 + reach.min(WINDOW_PAST) + 1).min(n) as usize;
        Window { first, size, n }
    }

    /// How far position `v` lies past the batch's start (wrapping around);
    /// `v` is in the window if this is below `size`.
    fn index(&self, v: u32) -> usize {
        ((u64::from(v) + self.n - self.first as u64) % self.n) as usize
    }
}

/// The proposers `first..end` of batch `c`.
fn batch(c: usize, n: usize) -> (usize, usize) {
    (c * CHUNK, ((c + 1) * CHUNK).min(n))
}

/// Per-thread space for [`from_proposals`].
#[derive(Default)]
struct Batch {
    /// Entries bound for each window position; then its write cursor.
    tally: Vec<u64>,
    /// (window position, id written) of each windowed entry, in order.
    near: Vec<(u32, u32)>,
    /// (target position, id written) of each entry outside the window;
    /// then (slot, id written).
    far: Vec<(u64, u32)>,
    /// Every proposer's own targets (ids), proposer after proposer.
    own: Vec<u32>,
    /// Each proposer's run in `own`.
    runs: Vec<(usize, usize)>,
    /// Where each proposer's run goes in the slots.
    own_at: Vec<u64>,
}

/// Builds sorted, de-duplicated CSR rows from replayable proposals: a
/// counting pass, a filling pass into exactly sized rows, then a per-person
/// sort. Proposals are made between positions and written as the ids
/// `place` gives them, rows in id order. Rows shrink (and the buffer is
/// compacted) only if some pair was proposed twice.
///
/// Both passes go in batches of `CHUNK` consecutive proposers. Targets in
/// the window just past a batch (where ring neighbours and block mates lie)
/// are tallied locally, so each such person's degree counter or write
/// cursor (kept by position) is bumped once per batch rather than once per
/// tie; targets outside it are handled one by one. A person's own ties are
/// reserved in one step. Which batch reserves first varies from run to run,
/// which the final sort makes irrelevant.
pub(super) fn from_proposals(plan: &impl Proposer, place: &Placement) -> (Vec<u64>, Vec<u32>) {
    let counts = count_proposals(plan, place.person.len());
    let mut offsets = offsets_by_id(&counts, &place.position);
    // The counters become per-position write cursors.
    counts.par_iter().for_each(|c| c.store(0, Relaxed));
    let slots = write_proposals(plan, place, &offsets, &counts);
    drop(counts);
    // Same layout, so the allocation is reused.
    let mut neighbors: Vec<u32> = slots.into_iter().map(AtomicU32::into_inner).collect();
    sort_and_dedup_rows(&mut offsets, &mut neighbors);
    (offsets, neighbors)
}

/// The counting pass of [`from_proposals`]: how many ties each position
/// will have, proposed by it or to it.
fn count_proposals(plan: &impl Proposer, n: usize) -> Vec<AtomicU64> {
    let counts = zeroed_atomic_u64(n);
    (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .for_each_init(Batch::default, |w, c| {
            let (first, end) = batch(c, n);
            let window = Window::new(first, end, plan.reach(), n);
            w.tally.clear();
            w.tally.resize(window.size, 0);
            for p in first..end {
                let mut own = 0;
                plan.propose(p as u32, |v| {
                    own += 1;
                    let i = window.index(v);
                    if i < window.size {
                        w.tally[i] += 1;
                    } else {
                        counts[v as usize].fetch_add(1, Relaxed);
                    }
                });
                w.tally[p - first] += own;
            }
            for (i, &t) in w.tally.iter().enumerate() {
                if t > 0 {
                    counts[(first + i) % n].fetch_add(t, Relaxed);
                }
            }
        });
    counts
}

/// Row boundaries in id order, from the degrees counted by position.
fn offsets_by_id(counts: &[AtomicU64], position: &[u32]) -> Vec<u64> {
    let mut offsets = Vec::with_capacity(position.len() + 1);
    let mut total = 0u64;
    offsets.push(0);
    for &at in position {
        total += counts[at as usize].load(Relaxed);
        offsets.push(total);
    }
    offsets
}

/// The filling pass of [`from_proposals`]: replays the proposals and writes
/// each tie, as ids, into a slot of both people's rows, `cursors` (zeroed,
/// by position) counting the slots taken in each row.
fn write_proposals(
    plan: &impl Proposer,
    place: &Placement,
    offsets: &[u64],
    cursors: &[AtomicU64],
) -> Vec<AtomicU32> {
    let person = &place.person[..];
    let n = person.len();
    let slots: Vec<AtomicU32> = (0..offsets[n] as usize)
        .into_par_iter()
        .map(|_| AtomicU32::new(0))
        .collect();
    (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .for_each_init(Batch::default, |w, c| {
            let (first, end) = batch(c, n);
            let window = Window::new(first, end, plan.reach(), n);
            w.propose(plan, person, window, end);
            w.reserve(person, offsets, cursors, window, end);
            w.write(&slots);
        });
    slots
}

impl Batch {
    /// Collects the proposals of the batch `window.first..end`, touching
    /// only this thread's buffers.
    fn propose(&mut self, plan: &impl Proposer, person: &[u32], window: Window, end: usize) {
        let first = window.first;
        self.tally.clear();
        self.tally.resize(window.size, 0);
        self.near.clear();
        self.far.clear();
        self.own.clear();
        self.runs.clear();
        for p in first..end {
            let u = person[p];
            let from = self.own.len();
            plan.propose(p as u32, |v| {
                self.own.push(person[v as usize]);
                let i = window.index(v);
                if i < window.size {
                    self.tally[i] += 1;
                    self.near.push((i as u32, u));
                } else {
                    self.far.push((u64::from(v), u));
                }
            });
            self.runs.push((from, self.own.len()));
        }
    }

    /// Reserves slots for every collected entry: a run for each proposer's
    /// own ties, one for each window position's tally, one slot per entry
    /// outside the window. On x86 an atomic add waits for earlier stores to
    /// reach the cache, so making every reservation before any store keeps
    /// the stores' cache misses (rows lie anywhere) from being paid one at a
    /// time.
    fn reserve(
        &mut self,
        person: &[u32],
        offsets: &[u64],
        cursors: &[AtomicU64],
        window: Window,
        end: usize,
    ) {
        let first = window.first;
        let n = person.len();
        self.own_at.clear();
        for (p, &(from, to)) in (first..end).zip(&self.runs) {
            let len = (to - from) as u64;
            self.own_at
                .push(offsets[person[p] as usize] + cursors[p].fetch_add(len, Relaxed));
        }
        for (i, t) in self.tally.iter_mut().enumerate() {
            if *t > 0 {
                let v = (first + i) % n;
                *t = offsets[person[v] as usize] + cursors[v].fetch_add(*t, Relaxed);
            }
        }
        for (v, _) in self.far.iter_mut() {
            let id = person[*v as usize];
            *v = offsets[id as usize] + cursors[*v as usize].fetch_add(1, Relaxed);
        }
    }

    /// Stores every collected entry in its reserved slot.
    fn write(&mut self, slots: &[AtomicU32]) {
        for (&at, &(from, to)) in self.own_at.iter().zip(&self.runs) {
            for (slot, &v) in slots[at as usize..].iter().zip(&self.own[from..to]) {
                slot.store(v, Relaxed);
            }
        }
        for &(i, u) in &self.near {
            let at = &mut self.tally[i as usize];
            slots[*at as usize].store(u, Relaxed);
            *at += 1;
        }
        for &(at, u) in &self.far {
            slots[at as usize].store(u, Relaxed);
        }
    }
}

/// Sorts every row of `neighbors` and removes repeated ties, sliding the
/// rows down over the gaps (and shrinking the buffer) if there were any.
fn sort_and_dedup_rows(offsets: &mut [u64], neighbors: &mut Vec<u32>) {
    let n = offsets.len() - 1;
    let total = offsets[n];
    let bits = u32::BITS - (n as u32 - 1).leading_zeros();
    let degrees = per_person_mut(offsets, neighbors, RadixScratch::default, |w, _, row| {
        sort_ids(row, bits, w);
        dedup_sorted(row) as u64
    });
    let kept: u64 = degrees.iter().sum();
    if kept != total {
        let mut at = 0u64;
        for (p, &d) in degrees.iter().enumerate() {
            let from = offsets[p] as usize;
            neighbors.copy_within(from..from + d as usize, at as usize);
            offsets[p] = at;
            at += d;
        }
        offsets[n] = at;
        neighbors.truncate(at as usize);
        neighbors.shrink_to_fit();
    }
}

/// Reusable space for [`sort_ids`].
#[derive(Default)]
struct RadixScratch {
    spare: Vec<u32>,
    counts: Vec<u32>,
}

/// Sorts ids below `2^bits`. Rows of a few hundred random ids sort about
/// twice as fast by least-significant-digit radix (digits of at most 8
/// bits, all histograms in one pass) as by comparison.
fn sort_ids(row: &mut [u32], bits: u32, w: &mut RadixScratch) {
    if row.len() < 64 {
        row.sort_unstable();
        return;
    }
    let passes = bits.div_ceil(8).max(1);
    let digit = bits.div_ceil(passes);
    let buckets = 1usize << digit;
    let mask = (buckets - 1) as u32;
    w.counts.clear();
    w.counts.resize(buckets * passes as usize, 0);
    for &v in row.iter() {
        for pass in 0..passes {
            let b = ((v >> (pass * digit)) & mask) as usize;
            w.counts[pass as usize * buckets + b] += 1;
        }
    }
    for histogram in w.counts.chunks_mut(buckets) {
        let mut sum = 0;
        for c in histogram {
            (*c, sum) = (sum, sum + *c);
        }
    }
    w.spare.clear();
    w.spare.resize(row.len(), 0);
    let (mut from, mut to) = (row, &mut w.spare[..]);
    for (pass, next) in w.counts.chunks_mut(buckets).enumerate() {
        let shift = pass as u32 * digit;
        for &v in from.iter() {
            let b = ((v >> shift) & mask) as usize;
            to[next[b] as usize] = v;
            next[b] += 1;
        }
        std::mem::swap(&mut from, &mut to);
    }
    if passes % 2 == 1 {
        // The sorted ids are in the spare buffer.
        to.copy_from_slice(from);
    }
}

/// Removes repeats from a sorted slice in place; returns the new length.
fn dedup_sorted(row: &mut [u32]) -> usize {
    if row.is_empty() {
        return 0;
    }
    let mut kept = 1;
    for i in 1..row.len() {
        if row[i] != row[kept - 1] {
            row[kept] = row[i];
            kept += 1;
        }
    }
    kept
}
