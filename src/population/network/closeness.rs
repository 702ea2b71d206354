//! Which of a person's ties are close: tie strength and the close flags.
//!
//! Each tie has a strength, the same seen from both ends: a class given by
//! how the tie arose (a [`Strength`]), then a seeded hash of the pair to
//! break ties (so the order is fixed, symmetric, and independent of the
//! thread count). Person `x` counts as close the `close_ties` strongest of
//! *their own* ties (all of them if they have fewer). Closeness is therefore
//! per person's view: `y` may be among `x`'s closest while `x` is not among
//! `y`'s — as with a popular person whose close circle is full.
//!
//! * `small_world`: the nearer on the ring, the stronger; every lattice tie is
//!   stronger than every rewired (long-range) one.
//! * `communities`: ties within a community are stronger than long-range ones.
//! * `friends_of_friends`: ties closed through a common friend (made to a
//!   friend of someone met, and the founders' ties) are stronger than ties to
//!   people met at random; that generator knows how each tie arose only while
//!   growing, so it calls [`mark_close`] itself.
//! * complete graph: as the model would rank it (ring distance, same
//!   community); for `friends_of_friends` only the hash.

use std::sync::atomic::AtomicU64;

use rayon::prelude::*;

use super::communities::Blocks;
use super::csr::{into_plain_u64, set_atomic_bit, zeroed_atomic_u64, CHUNK};
use super::random::{tie_hash, Placement};
use super::Network;

/// How a generator ranks ties (higher class = stronger), by where the two
/// people sit in its structure.
pub(super) enum Strength<'a> {
    /// Ring distance `d ≤ reach` gives class `reach + 1 − d`; farther is 0.
    Ring { reach: u64, place: &'a Placement },
    /// Same block 1, different blocks 0.
    Blocks {
        blocks: Blocks,
        place: &'a Placement,
    },
    /// All ties equal; only the hash orders them.
    Uniform,
}

impl Strength<'_> {
    /// The class of the tie between persons `u` and `v`.
    pub(super) fn class(&self, u: u32, v: u32) -> u64 {
        match *self {
            Strength::Ring { reach, place } => {
                let at = &place.position;
                let n = at.len() as u64;
                let diff = u64::from(at[u as usize].abs_diff(at[v as usize]));
                let d = diff.min(n - diff);
                if d <= reach {
                    reach + 1 - d
                } else {
                    0
                }
            }
            Strength::Blocks { blocks, place } => {
                let block = |p: u32| blocks.of(u64::from(place.position[p as usize]));
                u64::from(block(u) == block(v))
            }
            Strength::Uniform => 0,
        }
    }
}

/// Reusable space for [`mark_close`].
#[derive(Default)]
pub(super) struct CloseScratch {
    classes: Vec<u64>,
    ranked: Vec<u64>,
    level: Vec<(u64, u32)>,
    picked: Vec<u32>,
}

/// Flags the `close_ties` strongest of one person's ties. Strength is
/// `class(i, v)` of entry `i`, neighbour `v`, then `hash(v)`; entry `i` lives
/// at bit `base + i`. Hashes are only computed for the ties of the one class
/// that straddles the cut (usually a handful), which keeps this cheap.
pub(super) fn mark_close(
    close: &[AtomicU64],
    base: u64,
    ties: &[u32],
    close_ties: usize,
    class: impl Fn(usize, u32) -> u64,
    hash: impl Fn(u32) -> u64,
    w: &mut CloseScratch,
) {
    if close_ties == 0 || ties.is_empty() {
        return;
    }
    if ties.len() <= close_ties {
        for i in 0..ties.len() as u64 {
            set_atomic_bit(close, base + i);
        }
        return;
    }
    w.classes.clear();
    w.classes
        .extend(ties.iter().enumerate().map(|(i, &v)| class(i, v)));
    w.ranked.clear();
    w.ranked.extend_from_slice(&w.classes);
    // The class of the weakest close tie.
    let (_, &mut cut, _) = w
        .ranked
        .select_nth_unstable_by(close_ties - 1, |a, b| b.cmp(a));
    w.level.clear();
    let mut taken = 0;
    for (i, &c) in w.classes.iter().enumerate() {
        if c > cut {
            set_atomic_bit(close, base + i as u64);
            taken += 1;
        } else if c == cut {
            w.level.push((hash(ties[i]), i as u32));
        }
    }
    // Fill the remaining places from the cut class by hash; the index makes
    // the order total (hashes could collide), so the choice is determined.
    let need = close_ties - taken;
    if need < w.level.len() {
        w.level.select_nth_unstable_by(need - 1, |a, b| b.cmp(a));
    }
    for &(_, i) in &w.level[..need] {
        set_atomic_bit(close, base + u64::from(i));
    }
}

/// [`mark_close`] for [`Strength::Ring`], without looking up where every
/// acquaintance sits: walks outwards from the person's place `q` on the
/// ring, one distance at a time, and finds the people met there in the
/// sorted row. The result is the same. Returns false, marking nothing, if
/// the walk gets long (many ties rewired away), when ranking every tie is
/// cheaper. Needs `0 < close_ties < ties.len()`.
#[allow(clippy::too_many_arguments)]
fn mark_close_on_ring(
    close: &[AtomicU64],
    base: u64,
    ties: &[u32],
    close_ties: usize,
    (q, reach): (u64, u64),
    person: &[u32],
    hash: impl Fn(u32) -> u64,
    w: &mut CloseScratch,
) -> bool {
    let n = person.len() as u64;
    let mut budget = ties.len() / 2;
    w.picked.clear();
    for d in 1..=reach.min(n / 2) {
        if budget < 2 {
            return false;
        }
        budget -= 2;
        let a = person[((q + d) % n) as usize];
        let b = person[((q + n - d) % n) as usize];
        let found_a = ties.binary_search(&a).ok();
        let found_b = if b == a {
            None
        } else {
            ties.binary_search(&b).ok()
        };
        match (found_a, found_b) {
            (Some(i), Some(j)) if w.picked.len() + 2 > close_ties => {
                // One place left for two ties of the same class: by hash,
                // then index, as in `mark_close`.
                let key = |i: usize| (hash(ties[i]), i);
                w.picked.push(key(i).max(key(j)).1 as u32);
            }
            (i, j) => w.picked.extend(i.into_iter().chain(j).map(|i| i as u32)),
        }
        if w.picked.len() == close_ties {
            break;
        }
    }
    let need = close_ties - w.picked.len();
    if need > 0 {
        // The rest from the ties beyond the lattice neighbourhood (class 0),
        // by hash.
        w.picked.sort_unstable();
        w.level.clear();
        let mut next = w.picked.iter().peekable();
        for (i, &v) in ties.iter().enumerate() {
            if next.peek() == Some(&&(i as u32)) {
                next.next();
            } else {
                w.level.push((hash(v), i as u32));
            }
        }
        if need < w.level.len() {
            w.level.select_nth_unstable_by(need - 1, |a, b| b.cmp(a));
        }
        w.picked.extend(w.level[..need].iter().map(|&(_, i)| i));
    }
    for &i in &w.picked {
        set_atomic_bit(close, base + u64::from(i));
    }
    true
}

/// Finishes a graph whose tie strengths follow from the endpoints alone.
pub(super) fn with_closeness(
    offsets: Vec<u64>,
    neighbors: Vec<u32>,
    close_ties: usize,
    strength: &Strength,
    seed: u64,
) -> Network {
    let n = offsets.len() - 1;
    let close = zeroed_atomic_u64(neighbors.len().div_ceil(64));
    (0..n)
        .into_par_iter()
        .with_min_len(CHUNK)
        .for_each_init(CloseScratch::default, |w, p| {
            let u = p as u32;
            let base = offsets[p];
            let ties = &neighbors[base as usize..offsets[p + 1] as usize];
            let hash = |v| tie_hash(seed, u, v);
            if let Strength::Ring { reach, place } = *strength {
                if close_ties > 0 && ties.len() > close_ties {
                    let q = u64::from(place.position[p]);
                    let walk = (q, reach);
                    let person = &place.person;
                    if mark_close_on_ring(&close, base, ties, close_ties, walk, person, hash, w) {
                        return;
                    }
                }
            }
            let class = |_, v| strength.class(u, v);
            mark_close(&close, base, ties, close_ties, class, hash, w);
        });
    Network {
        offsets,
        neighbors,
        close: into_plain_u64(close),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::population::network::csr::bit;
    use crate::population::network::small_world::SmallWorld;
    use crate::population::network::tests::spec;
    use crate::population::network::NetworkModel;

    #[test]
    fn ring_walk_picks_the_same_close_ties_as_ranking_every_tie() {
        // `mark_close_on_ring` must agree with `mark_close` under the ring
        // classes: lattice only, partly and fully rewired (where the walk
        // gives up or falls back on the hash), odd k, the complete graph
        // (reach n/2, where the two sides meet), and tiny rings.
        for (n, k, rewire, close) in [
            (500, 20, 0.0, 6),
            (500, 20, 0.3, 6),
            (500, 20, 0.3, 15),
            (500, 20, 1.0, 6),
            (301, 11, 0.1, 5),
            (60, 7, 0.5, 3),
            (10, 9, 0.0, 4),
            (11, 10, 0.0, 3),
            (5, 2, 0.5, 1),
        ] {
            let seed = 17;
            let net = Network::generate(
                &spec(n, k, close, NetworkModel::SmallWorld { rewire }),
                seed,
            );
            let place = Placement::new(n, seed);
            let reach = if k >= n - 1 {
                n as u64 / 2
            } else {
                SmallWorld::new(n as u64, k as u64, rewire, seed).reach
            };
            let strength = Strength::Ring {
                reach,
                place: &place,
            };
            let mut w = CloseScratch::default();
            for p in 0..n as u32 {
                let ties = net.neighbors(p);
                let bits = zeroed_atomic_u64(ties.len().div_ceil(64));
                let class = |_, v| strength.class(p, v);
                let hash = |v| tie_hash(seed, p, v);
                mark_close(&bits, 0, ties, close, class, hash, &mut w);
                let bits = into_plain_u64(bits);
                for (i, v) in ties.iter().enumerate() {
                    assert_eq!(
                        net.is_close(p, i),
                        bit(&bits, i as u64),
                        "n={n} k={k} rewire={rewire}: {p}–{v}"
                    );
                }
            }
        }
    }
}
