//! The acquaintance graph: who knows whom, and which of those ties are close.
//!
//! Everyone in the simulated town sits in one undirected graph whose mean
//! degree is the scenario's `acquaintances` (Girard's "law of 250": the number
//! of people who would come to your wedding or funeral). Of each person's
//! ties, the `close_ties` strongest (Dunbar's sympathy group of about 15) are
//! *close*; the rest are plain acquaintances. The simulation walks this graph
//! every week (who can introduce whom), so it is stored for fast, compact,
//! read-only access and built once per replicate.
//!
//! # Storage
//!
//! Compressed sparse rows (`csr.rs`): `offsets` (length `people + 1`, `u64`)
//! delimits each person's slice of `neighbors` (`u32` ids, sorted ascending,
//! no self, no duplicates), and a bitset with one bit per *directed* entry
//! says whether that entry is close (`closeness.rs`). One million people with
//! 250 acquaintances each take 250 M entries: 1.0 GB of neighbours, 31 MB of
//! flags and 8 MB of offsets. Generation writes the ties straight into their
//! final slots, never holding an edge list next to the graph.
//!
//! # Determinism
//!
//! A graph depends only on the spec and the seed, not on the thread count:
//! every random draw comes from a stream of its own per person and generator
//! (`random.rs`), person ids are dealt out to the generator's positions by a
//! seeded permutation (so an id says nothing about whom its owner knows),
//! and parallel writes whose order varies are put into canonical order by
//! sorting each person's slice.
//!
//! # Generators
//!
//! Let `n` be `people`, `k` be `acquaintances`. If `k ≥ n − 1` every
//! generator returns the complete graph. If `k = 0` (which the scenario loader
//! rejects) the graph has no ties. Otherwise, each file's module doc gives
//! the model in full, its sources and how it ranks ties:
//!
//! * `small_world.rs` — Watts & Strogatz: a ring lattice, each tie rewired
//!   with probability `rewire`.
//! * `communities.rs` — a planted partition: `communities` blocks whose
//!   members mostly know each other, a share `long_range` of ties going
//!   anywhere.
//! * `friends_of_friends.rs` — Jackson & Rogers: newcomers meet people at
//!   random and then friends of those.
//!
//! [`analysis`] measures what a generated graph looks like: degrees,
//! clustering and degrees of separation.

pub mod analysis;
mod closeness;
mod communities;
mod csr;
mod friends_of_friends;
mod random;
mod small_world;
#[cfg(test)]
mod tests;

use std::fmt;

use rayon::prelude::*;

use closeness::{with_closeness, Strength};
use communities::{Blocks, Communities};
use csr::{bit, from_proposals};
use random::Placement;
use small_world::SmallWorld;

pub(crate) use csr::per_person_mut;

/// How the acquaintance graph is generated.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "network", rename_all = "snake_case")]
pub enum NetworkModel {
    /// Watts–Strogatz: ring lattice of degree k, each edge rewired with
    /// probability `rewire`.
    SmallWorld { rewire: f64 },
    /// Planted partition: `communities` equal blocks of people chosen at
    /// random; a share `long_range` of each person's expected ties go
    /// anywhere in the population, the rest within their own block.
    Communities { communities: usize, long_range: f64 },
    /// Jackson & Rogers (2007): newcomers link to random people and to
    /// friends of those; `random_share` of a newcomer's links are to random
    /// people, the rest to friends of friends.
    FriendsOfFriends { random_share: f64 },
}

/// What to generate: size, mean degree, close circle and model.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct NetworkSpec {
    /// Number of people, `n`.
    pub people: usize,
    /// Target mean degree, `k`.
    pub acquaintances: usize,
    /// How many of each person's strongest ties are close.
    pub close_ties: usize,
    /// The generator.
    pub model: NetworkModel,
}

/// The undirected acquaintance graph in compressed sparse rows, with a
/// close-tie flag on every directed entry.
#[derive(Clone, PartialEq, Eq)]
pub struct Network {
    /// `neighbors[offsets[p]..offsets[p + 1]]` are person `p`'s ties.
    offsets: Vec<u64>,
    /// Every person's ties, sorted ascending within each person.
    neighbors: Vec<u32>,
    /// Bit `i` set ⇔ entry `neighbors[i]` is one of its owner's close ties.
    close: Vec<u64>,
}

impl fmt::Debug for Network {
    // The vectors can hold hundreds of millions of entries; print a summary.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Network")
            .field("people", &self.people())
            .field("edges", &self.edges())
            .field("heap_bytes", &self.heap_bytes())
            .finish()
    }
}

impl Network {
    /// Generates the graph described by `spec` from `seed`.
    ///
    /// The result depends only on `spec` and `seed`, whatever the number of
    /// rayon threads. Never panics for inputs the scenario loader accepts.
    ///
    /// # Panics
    ///
    /// If `spec.people` exceeds `u32::MAX` (people are `u32` ids), or if
    /// memory runs out.
    pub fn generate(spec: &NetworkSpec, seed: u64) -> Network {
        let n = spec.people;
        assert!(
            u32::try_from(n).is_ok(),
            "a network holds at most {} people, not {n}",
            u32::MAX
        );
        let k = spec.acquaintances;
        if n < 2 || k == 0 {
            return Network::empty(n);
        }
        let close_ties = spec.close_ties;
        let complete_graph = k >= n - 1;
        match spec.model {
            NetworkModel::SmallWorld { rewire } => {
                let place = &Placement::new(n, seed);
                if complete_graph {
                    let reach = n as u64 / 2;
                    return complete(n, close_ties, &Strength::Ring { reach, place }, seed);
                }
                let plan = SmallWorld::new(n as u64, k as u64, rewire, seed);
                let (offsets, neighbors) = from_proposals(&plan, place);
                let strength = Strength::Ring {
                    reach: plan.reach,
                    place,
                };
                with_closeness(offsets, neighbors, close_ties, &strength, seed)
            }
            NetworkModel::Communities {
                communities,
                long_range,
            } => {
                let place = &Placement::new(n, seed);
                if complete_graph {
                    let blocks = Blocks::new(n as u64, communities as u64);
                    let strength = Strength::Blocks { blocks, place };
                    return complete(n, close_ties, &strength, seed);
                }
                let plan = Communities::new(n as u64, k as u64, communities, long_range, seed);
                let (offsets, neighbors) = from_proposals(&plan, place);
                let strength = Strength::Blocks {
                    blocks: plan.blocks,
                    place,
                };
                with_closeness(offsets, neighbors, close_ties, &strength, seed)
            }
            NetworkModel::FriendsOfFriends { .. } if complete_graph => {
                complete(n, close_ties, &Strength::Uniform, seed)
            }
            NetworkModel::FriendsOfFriends { random_share } => {
                friends_of_friends::generate(n, k, random_share, close_ties, seed)
            }
        }
    }

    /// Number of people.
    pub fn people(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Number of undirected ties.
    pub fn edges(&self) -> u64 {
        self.neighbors.len() as u64 / 2
    }

    /// Person `person`'s acquaintances, sorted ascending, without self or
    /// duplicates. Panics if `person >= people()`.
    pub fn neighbors(&self, person: u32) -> &[u32] {
        let p = person as usize;
        &self.neighbors[self.offsets[p] as usize..self.offsets[p + 1] as usize]
    }

    /// Number of `person`'s acquaintances. Panics if `person >= people()`.
    pub fn degree(&self, person: u32) -> usize {
        let p = person as usize;
        (self.offsets[p + 1] - self.offsets[p]) as usize
    }

    /// Whether `neighbors(person)[index]` is one of `person`'s close ties
    /// (false if `index` is out of range).
    pub fn is_close(&self, person: u32, index: usize) -> bool {
        if index >= self.degree(person) {
            return false;
        }
        bit(&self.close, self.offsets[person as usize] + index as u64)
    }

    /// Where `person`'s ties start: the entry read first of their row.
    pub fn row_entry(&self, person: u32) -> Option<&u64> {
        self.offsets.get(person as usize)
    }

    /// Where `neighbors(person)[index]` and the word holding its close flag
    /// are kept.
    pub fn tie_entries(&self, person: u32, index: usize) -> (Option<&u32>, Option<&u64>) {
        let i = self.offsets[person as usize] + index as u64;
        (
            self.neighbors.get(i as usize),
            self.close.get((i / 64) as usize),
        )
    }

    /// `person`'s ties as (acquaintance, close in `person`'s view).
    pub fn ties(&self, person: u32) -> impl Iterator<Item = (u32, bool)> + '_ {
        let base = self.offsets[person as usize];
        self.neighbors(person)
            .iter()
            .enumerate()
            .map(move |(i, &v)| (v, bit(&self.close, base + i as u64)))
    }

    /// Heap memory held by the graph, in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * std::mem::size_of::<u64>()
            + self.neighbors.capacity() * std::mem::size_of::<u32>()
            + self.close.capacity() * std::mem::size_of::<u64>()
    }

    /// Total number of close flags over all directed entries.
    pub(crate) fn close_flags(&self) -> u64 {
        self.close.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    /// `n` people and no ties.
    fn empty(n: usize) -> Network {
        Network {
            offsets: vec![0; n + 1],
            neighbors: Vec::new(),
            close: Vec::new(),
        }
    }

    /// A graph from an explicit list of undirected ties (test-only): self
    /// ties and repeats are dropped, closeness is ranked by the pair hash.
    #[cfg(test)]
    pub(crate) fn from_edges(n: usize, edges: &[(u32, u32)], close_ties: usize) -> Network {
        let mut lists = vec![Vec::new(); n];
        for &(a, b) in edges {
            if a != b {
                lists[a as usize].push(b);
                lists[b as usize].push(a);
            }
        }
        let mut offsets = vec![0u64];
        let mut neighbors = Vec::new();
        for mut list in lists {
            list.sort_unstable();
            list.dedup();
            neighbors.extend_from_slice(&list);
            offsets.push(neighbors.len() as u64);
        }
        with_closeness(offsets, neighbors, close_ties, &Strength::Uniform, 0)
    }
}

/// The complete graph, which every generator returns when `k ≥ n − 1`, its
/// ties ranked by `strength`.
fn complete(n: usize, close_ties: usize, strength: &Strength, seed: u64) -> Network {
    let d = n - 1;
    let offsets: Vec<u64> = (0..=n as u64).map(|p| p * d as u64).collect();
    let mut neighbors = vec![0u32; n * d];
    neighbors
        .par_chunks_mut(d)
        .enumerate()
        .for_each(|(p, row)| {
            let others = (0..n as u32).filter(|&v| v as usize != p);
            for (slot, v) in row.iter_mut().zip(others) {
                *slot = v;
            }
        });
    with_closeness(offsets, neighbors, close_ties, strength, seed)
}
