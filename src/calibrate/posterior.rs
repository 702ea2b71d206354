//! From the finished candidates to the posterior: the kept candidates'
//! values, each key's median and 50% and 90% intervals, and the calibrated
//! scenario (every fitted key at its posterior median).

use super::abc::{self, weighted_quantile, Posterior};
use super::prior::Prior;
use super::targets::Targets;
use crate::scenario::{Override, Scenario, ScenarioError};

/// One key's posterior.
#[derive(Clone, Debug, PartialEq)]
pub struct Interval {
    pub key: String,
    /// After the regression adjustment: the 5%, 25%, 50%, 75% and 95%
    /// quantiles.
    pub adjusted: [f64; 5],
    /// Of the kept candidates before it (rejection alone).
    pub raw: [f64; 5],
}

/// The quantiles an [`Interval`] holds.
pub const QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

impl Interval {
    /// The posterior median.
    pub fn median(&self) -> f64 {
        self.adjusted[2]
    }

    /// The 90% interval.
    pub fn ninety(&self) -> (f64, f64) {
        (self.adjusted[0], self.adjusted[4])
    }

    /// The 50% interval.
    pub fn fifty(&self) -> (f64, f64) {
        (self.adjusted[1], self.adjusted[3])
    }
}

/// The method's result on the candidates, in the priors' own units.
#[derive(Clone, Debug)]
pub struct Fitted {
    pub posterior: Posterior,
    /// Every candidate's statistics with their observation errors: what
    /// the distances and the adjustment use.
    pub observed_as: Vec<Vec<f64>>,
    /// `values[i][k]`: kept candidate i's value of key k, as drawn.
    pub raw: Vec<Vec<f64>>,
    /// The same after adjustment.
    pub adjusted: Vec<Vec<f64>>,
    pub intervals: Vec<Interval>,
}

/// Runs the method on the candidates' keys (`params`, unbounded scale) and
/// statistics, and summarises each key. `seed` names the observation
/// errors' streams.
pub fn fit(
    params: &[Vec<f64>],
    stats: &[Vec<f64>],
    targets: &Targets,
    seed: u64,
) -> Result<Fitted, String> {
    let observed: Vec<f64> = targets.targets.iter().map(|t| t.mean).collect();
    let scale: Vec<f64> = targets.targets.iter().map(|t| t.sd).collect();
    let observed_as = abc::perturb(stats, &scale, seed);
    let posterior = abc::calibrate(
        params,
        &observed_as,
        &observed,
        &scale,
        targets.method.accepted(),
    )?;
    let priors = &targets.priors;
    let back = |rows: &[Vec<f64>]| -> Vec<Vec<f64>> {
        rows.iter()
            .map(|r| r.iter().zip(priors).map(|(z, p)| p.from_free(*z)).collect())
            .collect()
    };
    let raw = back(&posterior.raw);
    let adjusted = back(&posterior.adjusted);
    let intervals = priors
        .iter()
        .enumerate()
        .map(|(k, p)| Interval {
            key: p.key.clone(),
            adjusted: quantiles(&column(&adjusted, k), &posterior.weights),
            raw: quantiles(&column(&raw, k), &posterior.weights),
        })
        .collect();
    Ok(Fitted {
        posterior,
        observed_as,
        raw,
        adjusted,
        intervals,
    })
}

/// Column `k` of a table of rows.
pub fn column(rows: &[Vec<f64>], k: usize) -> Vec<f64> {
    rows.iter().map(|r| r[k]).collect()
}

fn quantiles(values: &[f64], weights: &[f64]) -> [f64; 5] {
    QUANTILES.map(|q| weighted_quantile(values, weights, q))
}

/// The overrides that set every fitted key to its posterior median
/// (rounded as the key takes it).
pub fn median_overrides(priors: &[Prior], intervals: &[Interval]) -> Vec<Override> {
    priors
        .iter()
        .zip(intervals)
        .filter_map(|(p, i)| {
            let x = p.rounded(i.median());
            let value = if p.integer {
                toml::Value::Integer(x as i64)
            } else {
                toml::Value::Float(x)
            };
            Override::parse(&format!("{}={value}", p.key)).ok()
        })
        .collect()
}

/// The calibrated scenario: the scenario as given (its text and `--set`
/// overrides) with every fitted key at its posterior median.
pub fn calibrated(
    text: &str,
    file: &str,
    stem: &str,
    overrides: &[Override],
    medians: Vec<Override>,
) -> Result<Scenario, ScenarioError> {
    let mut all = overrides.to_vec();
    all.extend(medians);
    Scenario::from_str(text, file, stem, &all)
}
