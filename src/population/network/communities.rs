//! The community generator: a planted partition of the town.
//!
//! A stochastic block model with equal blocks. People are split into
//! `communities` blocks of consecutive positions, so of people chosen at
//! random (see [`super::random`]; sizes differ by at most one): think of a
//! district's traders, who mostly know each other. Any two people are tied
//! independently, with probability `q_out` if they are in different blocks
//! and `q_in` if in the same one, where `q_out = long_range · k / (n − 1)`
//! (long-range ties go anywhere in the population, own block included) and
//! `q_in = q_out + (1 − long_range) · k / (s − 1)` for a block of `s`
//! people. The expected degree is then exactly `k`, a share `long_range` of
//! it long-range. If a block is too small to hold its share (`q_in` would
//! exceed 1) it becomes a clique and `q_out` is raised until the expected
//! mean degree is `k` again. Transitivity is about
//! `q_in · (1 − long_range)²` — high when blocks hold a few times `k`
//! people — while the long-range ties keep paths short.
//!
//! Each pair is decided once, by the stream of the person at the lower
//! position (a [`Proposer`]), skipping over non-ties with geometric jumps,
//! so there are no duplicates and the work is proportional to the number of
//! ties; [`super::csr::from_proposals`] writes them into rows. Ties within a
//! community are stronger than long-range ones.

use rand::Rng;
use rand_pcg::Pcg64Mcg;

use super::csr::Proposer;
use super::random::{person_rng, STREAM_COMMUNITIES};

/// Equal blocks of consecutive positions (sizes differ by at most one).
#[derive(Clone, Copy, Debug)]
pub(super) struct Blocks {
    /// Number of positions.
    n: u64,
    /// Number of blocks.
    count: u64,
}

impl Blocks {
    pub(super) fn new(n: u64, count: u64) -> Blocks {
        Blocks {
            n,
            count: count.clamp(1, n.max(1)),
        }
    }

    /// The block holding position `at`: ⌊at · count / n⌋.
    pub(super) fn of(&self, at: u64) -> u64 {
        (u128::from(at) * u128::from(self.count) / u128::from(self.n)) as u64
    }

    /// First position of block `b`: ⌈b · n / count⌉ (`n` for `b = count`).
    fn start(&self, b: u64) -> u64 {
        let c = u128::from(self.count);
        (u128::from(b) * u128::from(self.n)).div_ceil(c) as u64
    }
}

/// Planted-partition plan (see module docs).
pub(super) struct Communities {
    pub(super) blocks: Blocks,
    /// Within-block tie probability for blocks of the smaller size.
    q_small: f64,
    /// Within-block tie probability for blocks one larger.
    q_large: f64,
    small: u64,
    /// Tie probability between people of different blocks.
    q_out: f64,
    seed: u64,
}

impl Communities {
    pub(super) fn new(
        n: u64,
        k: u64,
        communities: usize,
        long_range: f64,
        seed: u64,
    ) -> Communities {
        let blocks = Blocks::new(n, communities as u64);
        let c = blocks.count;
        let small = n / c;
        let large = small + 1;
        let n_large = (n % c) as f64;
        let n_small = (c - n % c) as f64;
        let l = if long_range.is_nan() {
            0.0
        } else {
            long_range.clamp(0.0, 1.0)
        };
        let (nf, kf) = (n as f64, k as f64);
        // Extra within-block probability that carries the local share.
        let boost = |s: u64| {
            if s >= 2 {
                (1.0 - l) * kf / (s - 1) as f64
            } else {
                0.0
            }
        };
        let q_in = |q: f64, s: u64| (q + boost(s)).min(1.0);
        let pairs = |s: u64| (s * s.saturating_sub(1)) as f64;
        // Ordered pairs in different blocks.
        let cross = n_small * small as f64 * (nf - small as f64)
            + n_large * large as f64 * (nf - large as f64);
        // Expected degree sum for a given q_out.
        let degree_sum = |q: f64| {
            n_small * pairs(small) * q_in(q, small)
                + n_large * pairs(large) * q_in(q, large)
                + q * cross
        };
        let target = nf * kf;
        let mut q = (l * kf / (nf - 1.0)).min(1.0);
        if cross > 0.0 && degree_sum(q) < target * (1.0 - 1e-12) {
            // Some block saturated: raise q_out until the mean degree is k.
            let (mut lo, mut hi) = (q, 1.0);
            for _ in 0..100 {
                let mid = 0.5 * (lo + hi);
                if degree_sum(mid) < target {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            q = hi;
        }
        Communities {
            blocks,
            q_small: q_in(q, small),
            q_large: q_in(q, large),
            small,
            q_out: q,
            seed,
        }
    }
}

/// Calls `emit(v)` for each `v` in `lo..hi` independently with probability
/// `q`, jumping over the misses with geometric gaps (work ∝ hits).
fn bernoulli_run(rng: &mut Pcg64Mcg, lo: u64, hi: u64, q: f64, mut emit: impl FnMut(u64)) {
    if lo >= hi || q <= 0.0 {
        return;
    }
    if q >= 1.0 {
        (lo..hi).for_each(emit);
        return;
    }
    let log_miss = (-q).ln_1p();
    let mut v = lo;
    loop {
        // 1 − U lies in (0, 1], so its log is finite and ≤ 0.
        let u: f64 = 1.0 - rng.random::<f64>();
        let gap = (u.ln() / log_miss).floor();
        if gap >= (hi - v) as f64 {
            return;
        }
        v += gap as u64;
        emit(v);
        v += 1;
        if v >= hi {
            return;
        }
    }
}

impl Proposer for Communities {
    fn reach(&self) -> u64 {
        // Block mates lie up to a block's length ahead.
        self.small + 1
    }

    fn propose(&self, at: u32, mut emit: impl FnMut(u32)) {
        let u = u64::from(at);
        let b = self.blocks.of(u);
        let start = self.blocks.start(b);
        let end = self.blocks.start(b + 1);
        let q_in = if end - start == self.small {
            self.q_small
        } else {
            self.q_large
        };
        let mut rng = person_rng(self.seed, STREAM_COMMUNITIES, u);
        // Person u decides the pairs with later people: rest of own block,
        // then everyone in later blocks.
        bernoulli_run(&mut rng, u + 1, end, q_in, |v| emit(v as u32));
        bernoulli_run(&mut rng, end, self.blocks.n, self.q_out, |v| emit(v as u32));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::population::network::analysis::analyse;
    use crate::population::network::random::Placement;
    use crate::population::network::tests::spec;
    use crate::population::network::{Network, NetworkModel};

    #[test]
    fn communities_are_clustered_with_short_paths() {
        let (n, k) = (2000usize, 20usize);
        let model = NetworkModel::Communities {
            communities: 50,
            long_range: 0.1,
        };
        let net = Network::generate(&spec(n, k, 15, model), 4);
        let report = analyse(&net, 200, 1);
        // A random graph of this density has C ≈ k/n = 0.01. Blocks of 40
        // with q_in ≈ 0.46 give C ≈ q_in(1 − l)² ≈ 0.37; require 10× random.
        let random_c = k as f64 / n as f64;
        assert!(
            report.clustering.value > 10.0 * random_c,
            "C = {}",
            report.clustering.value
        );
        assert!(report.clustering.value > 0.3);
        // Paths stay short: within 2× the random-graph ln N / ln k (3.3 → 5).
        let random_l = (n as f64).ln() / (k as f64).ln();
        assert!(
            report.separation.mean < 2.0 * random_l,
            "L = {}",
            report.separation.mean
        );
        assert_eq!(report.separation.unreachable, 0.0);
        // Within-community ties are stronger: with ~18 local ties and 15
        // close, every close tie should be local for most people.
        let blocks = Blocks::new(n as u64, 50);
        let at = Placement::new(n, 4).position;
        let block = |p: u32| blocks.of(u64::from(at[p as usize]));
        let mut local_close = 0;
        let mut close = 0;
        for p in 0..n as u32 {
            for (v, c) in net.ties(p) {
                if c {
                    close += 1;
                    local_close += usize::from(block(v) == block(p));
                }
            }
        }
        assert!(local_close as f64 > 0.95 * close as f64);
    }
}
