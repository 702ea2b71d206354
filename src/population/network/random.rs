//! The network's randomness: one seeded stream per person and generator, a
//! hash of each pair that orders equally strong ties, and the random
//! placement of people in a generator's structure.
//!
//! Every random draw of a generator comes from a PCG-64 stream whose seed is
//! a SplitMix64 mix ([`crate::streams::mix`]) of (seed, generator,
//! position), so a person's draws can be replayed and do not depend on
//! which thread makes them.
//!
//! # Placement
//!
//! Person ids carry no information about the graph's structure. Each
//! generator works on *positions* — places on the ring, blocks of a
//! partition, order of arrival — and person ids are dealt out to positions
//! by a seeded random permutation (Fisher–Yates), the id being written as
//! the tie is written into its slot. So whoever has a given id, their
//! acquaintances are a fair sample of the town as far as ids go, and
//! anything handed out in blocks of consecutive ids (the simulation's
//! professions) is spread at random over the structure: your ring
//! neighbours do not share your trade more than anyone else does.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use crate::streams::mix;

// Stream tags keep the generators' draws and the tie hash apart.
/// The small-world generator's stream tag.
pub(super) const STREAM_SMALL_WORLD: u64 = 0x736d_616c_6c5f_7721;
/// The community generator's stream tag.
pub(super) const STREAM_COMMUNITIES: u64 = 0x636f_6d6d_756e_6974;
/// The friends-of-friends generator's stream tag.
pub(super) const STREAM_FRIENDS: u64 = 0x6672_6965_6e64_7321;
const STREAM_TIE: u64 = 0x7469_655f_6861_7368;
const STREAM_PLACEMENT: u64 = 0x706c_6163_656d_656e;

/// A seed for item `index` of stream `stream` under `seed`.
pub(super) fn stream_seed(seed: u64, stream: u64, index: u64) -> u64 {
    mix(mix(seed ^ mix(stream)) ^ index)
}

/// The generator for one person of one generator.
pub(super) fn person_rng(seed: u64, stream: u64, person: u64) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(stream_seed(seed, stream, person))
}

/// A seeded hash of the unordered pair {a, b}: the same from both ends.
pub(super) fn tie_hash(seed: u64, a: u32, b: u32) -> u64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    stream_seed(seed, STREAM_TIE, (u64::from(lo) << 32) | u64::from(hi))
}

/// Where people sit in a generator's structure: a seeded, uniformly random
/// permutation of the ids, so that an id says nothing about whom its owner
/// knows. Generators work on positions (ring places, blocks, arrival order)
/// and write ids.
pub(super) struct Placement {
    /// `person[i]`: the id of the person at position `i`.
    pub(super) person: Vec<u32>,
    /// `position[id]`: where person `id` sits (the inverse of `person`).
    pub(super) position: Vec<u32>,
}

impl Placement {
    /// Fisher–Yates from one stream of the seed: the same for every thread
    /// count, and different for every seed.
    pub(super) fn new(n: usize, seed: u64) -> Placement {
        let mut rng = person_rng(seed, STREAM_PLACEMENT, 0);
        let mut person: Vec<u32> = (0..n).map(|i| i as u32).collect();
        for i in (1..n).rev() {
            let j = rng.random_range(0..=i as u32);
            person.swap(i, j as usize);
        }
        let mut position = vec![0u32; n];
        for (i, &id) in person.iter().enumerate() {
            position[id as usize] = i as u32;
        }
        Placement { person, position }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placement_is_a_seeded_permutation() {
        let a = Placement::new(1000, 5);
        let mut seen = vec![false; 1000];
        for (i, &id) in a.person.iter().enumerate() {
            assert!(!seen[id as usize]);
            seen[id as usize] = true;
            assert_eq!(a.position[id as usize] as usize, i);
        }
        assert_eq!(Placement::new(1000, 5).person, a.person);
        assert_ne!(Placement::new(1000, 6).person, a.person);
        // Not close to the identity.
        let fixed = a
            .person
            .iter()
            .enumerate()
            .filter(|&(i, &id)| i == id as usize)
            .count();
        assert!(fixed < 10, "{fixed} fixed points");
    }
}
