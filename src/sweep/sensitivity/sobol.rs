//! Variance-based (Sobol') indices by Saltelli's sampling scheme.
//!
//! Two independent samples of N points, A and B, come from one Sobol'
//! sequence in 2k dimensions (A the first k, B the last k). For each key
//! i, A_B^i is A with column i taken from B. The design runs, for each
//! base row j, the block A_j, B_j, A_B^1_j, …, A_B^k_j: N (k + 2) points.
//! With V the variance of the outputs of A and B together,
//!
//! - first order (Saltelli et al. 2010, table 2 (b)):
//!   S_i = mean_j( f(B)_j (f(A_B^i)_j − f(A)_j) ) / V — the share of the
//!   variance the key explains alone;
//! - total order (Jansen 1999; Saltelli et al. 2010, table 2 (f)):
//!   S_Ti = mean_j( (f(A)_j − f(A_B^i)_j)² ) / (2V) — its share with
//!   every interaction it takes part in.
//!
//! Both intervals are a percentile bootstrap over the N base rows.

use rand::Rng;

use super::bootstrap::{self, RESAMPLES};

/// The outputs of a Saltelli design.
#[derive(Clone, Debug, PartialEq)]
pub struct Outputs {
    pub a: Vec<f64>,
    pub b: Vec<f64>,
    /// `ab[i][j]`: row j of A_B^i.
    pub ab: Vec<Vec<f64>>,
}

impl Outputs {
    /// Splits the outputs `y` of a design's points, in block order, over
    /// `k` keys.
    pub fn from_blocks(y: &[f64], k: usize) -> Outputs {
        let blocks: Vec<&[f64]> = y.chunks_exact(k + 2).collect();
        Outputs {
            a: blocks.iter().map(|b| b[0]).collect(),
            b: blocks.iter().map(|b| b[1]).collect(),
            ab: (0..k)
                .map(|i| blocks.iter().map(|b| b[2 + i]).collect())
                .collect(),
        }
    }
}

/// The quantiles of a design's points, block by block, from the 2k
/// coordinates of each of `n` points of a sequence.
pub fn blocks(points: &[Vec<f64>], k: usize) -> Vec<Vec<f64>> {
    let mut rows = Vec::with_capacity(points.len() * (k + 2));
    for p in points {
        let (a, b) = p.split_at(k);
        rows.push(a.to_vec());
        rows.push(b.to_vec());
        for i in 0..k {
            let mut ab = a.to_vec();
            ab[i] = b[i];
            rows.push(ab);
        }
    }
    rows
}

/// One key's indices with their 95% intervals.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Index {
    pub first: f64,
    pub first_low: f64,
    pub first_high: f64,
    pub total: f64,
    pub total_low: f64,
    pub total_high: f64,
    /// Base rows N.
    pub rows: usize,
}

/// Each key's first- and total-order indices; `rng` drives the bootstrap.
pub fn indices(out: &Outputs, rng: &mut impl Rng) -> Vec<Index> {
    let n = out.a.len();
    let all: Vec<usize> = (0..n).collect();
    let draws: Vec<Vec<usize>> = (0..RESAMPLES)
        .map(|_| bootstrap::resample(rng, n))
        .collect();
    (0..out.ab.len())
        .map(|i| {
            let (first, total) = estimate(out, i, &all);
            let (fs, ts): (Vec<f64>, Vec<f64>) = draws.iter().map(|d| estimate(out, i, d)).unzip();
            let (first_low, first_high) = bootstrap::interval(fs);
            let (total_low, total_high) = bootstrap::interval(ts);
            Index {
                first,
                first_low,
                first_high,
                total,
                total_low,
                total_high,
                rows: n,
            }
        })
        .collect()
}

/// (S_i, S_Ti) over the base rows `rows`.
fn estimate(out: &Outputs, i: usize, rows: &[usize]) -> (f64, f64) {
    let n = rows.len() as f64;
    let v = variance(rows.iter().flat_map(|&j| [out.a[j], out.b[j]]));
    let ab = &out.ab[i];
    let first = rows
        .iter()
        .map(|&j| out.b[j] * (ab[j] - out.a[j]))
        .sum::<f64>()
        / n;
    let total = rows
        .iter()
        .map(|&j| (out.a[j] - ab[j]).powi(2))
        .sum::<f64>()
        / (2.0 * n);
    (first / v, total / v)
}

/// Population variance (divisor n), as Saltelli et al. (2010) use.
fn variance(xs: impl Iterator<Item = f64> + Clone) -> f64 {
    let (sum, n) = xs.clone().fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    let m = sum / n as f64;
    xs.map(|x| (x - m).powi(2)).sum::<f64>() / n as f64
}
