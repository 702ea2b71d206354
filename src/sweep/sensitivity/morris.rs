//! The Morris method: elementary effects along random trajectories
//! (Morris 1991), summarised by μ* (Campolongo, Cariboni & Saltelli 2007),
//! μ and σ.
//!
//! Each key's range is read on a grid of p levels in [0, 1] (0, 1/(p−1),
//! …, 1), mapped onto the key's values as every sampled design maps a
//! quantile. A trajectory starts at a random level of every key, then
//! moves the keys one at a time, in a random order, by Δ = p / (2(p − 1))
//! — half the levels — up from the lower half of the grid and down from
//! the upper half, so every level is visited equally often. k keys give
//! k + 1 points per trajectory and one elementary effect per key,
//!
//! EE_i = (y(x + Δ e_i) − y(x)) / Δ,
//!
//! the change in the output per whole range of key i. Over r
//! trajectories, μ* is the mean of |EE_i| (how much the key matters), μ
//! the mean of EE_i (its direction, where effects do not cancel) and σ
//! their standard deviation (interactions or curvature). μ*'s 95% interval
//! is a bootstrap over trajectories.

use rand::Rng;

use super::bootstrap::{self, RESAMPLES};

/// The default number of levels: Saltelli et al.'s (2004) advice for a
/// handful of trajectories.
pub const DEFAULT_LEVELS: usize = 4;

/// The most levels a key's range may be cut into.
pub const MAX_LEVELS: usize = 1000;

/// Whether `levels` is a usable number of levels: even (so the step Δ
/// pairs every level with another), from 2.
pub fn check_levels(levels: usize) -> Result<(), String> {
    if levels >= 2 && levels % 2 == 0 && levels <= MAX_LEVELS {
        Ok(())
    } else {
        Err(format!(
            "{levels} levels: expected an even number from 2 to {MAX_LEVELS} (4 is usual)"
        ))
    }
}

/// The step between a trajectory's consecutive points, as a share of
/// each key's range.
pub fn delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}

/// One point of a trajectory: each key's quantile, and the key moved to
/// reach it from the point before (`None` for a trajectory's start).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub quantiles: Vec<f64>,
    pub moves: Option<usize>,
}

/// `r` trajectories over `k` keys on `levels` levels: r × (k + 1) rows.
pub fn trajectories(rng: &mut impl Rng, r: usize, k: usize, levels: usize) -> Vec<Row> {
    let half = levels / 2;
    let at = |level: usize| level as f64 / (levels - 1) as f64;
    let mut rows = Vec::with_capacity(r * (k + 1));
    for _ in 0..r {
        let mut level: Vec<usize> = (0..k)
            .map(|_| rng.random_range(0..levels as u64) as usize)
            .collect();
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            let j = rng.random_range(0..=i as u64) as usize;
            order.swap(i, j);
        }
        rows.push(Row {
            quantiles: level.iter().map(|&l| at(l)).collect(),
            moves: None,
        });
        for &key in &order {
            level[key] = if level[key] < half {
                level[key] + half
            } else {
                level[key] - half
            };
            rows.push(Row {
                quantiles: level.iter().map(|&l| at(l)).collect(),
                moves: Some(key),
            });
        }
    }
    rows
}

/// One move of a trajectory: the key moved, whether up its range, and the
/// points before and after (indices into the outputs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub trajectory: usize,
    pub key: usize,
    pub up: bool,
    pub from: usize,
    pub to: usize,
}

/// One key's Morris indices.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Index {
    pub mu_star: f64,
    pub mu_star_low: f64,
    pub mu_star_high: f64,
    pub mu: f64,
    pub sigma: f64,
    /// Elementary effects behind the figures (one per trajectory).
    pub effects: usize,
}

/// Each key's indices from the outputs `y` of `trajectories` trajectories
/// over `k` keys, with steps of `delta`; `rng` drives the bootstrap.
pub fn indices(
    steps: &[Step],
    y: &[f64],
    trajectories: usize,
    k: usize,
    delta: f64,
    rng: &mut impl Rng,
) -> Vec<Index> {
    // effects[t][key]
    let mut effects = vec![vec![f64::NAN; k]; trajectories];
    for s in steps {
        let sign = if s.up { 1.0 } else { -1.0 };
        effects[s.trajectory][s.key] = sign * (y[s.to] - y[s.from]) / delta;
    }
    let draws: Vec<Vec<usize>> = (0..RESAMPLES)
        .map(|_| bootstrap::resample(rng, trajectories))
        .collect();
    (0..k)
        .map(|key| {
            let ee: Vec<f64> = effects.iter().map(|e| e[key]).collect();
            let mu_star = |ts: &mut dyn Iterator<Item = usize>| mean(ts.map(|t| ee[t].abs()));
            let (mu_star_low, mu_star_high) = bootstrap::interval(
                draws
                    .iter()
                    .map(|d| mu_star(&mut d.iter().copied()))
                    .collect(),
            );
            Index {
                mu_star: mu_star(&mut (0..trajectories)),
                mu_star_low,
                mu_star_high,
                mu: mean(ee.iter().copied()),
                sigma: sd(&ee),
                effects: ee.len(),
            }
        })
        .collect()
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = xs.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    sum / n as f64
}

/// Sample standard deviation (n − 1); NaN with fewer than two values.
fn sd(xs: &[f64]) -> f64 {
    if xs.len() < 2 {
        return f64::NAN;
    }
    let m = mean(xs.iter().copied());
    (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (xs.len() - 1) as f64).sqrt()
}
