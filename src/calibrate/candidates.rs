//! The candidates: draws from the priors, run as a sweep.
//!
//! The candidate set is a Latin-hypercube sweep of the scenario over the
//! fitted keys, each key's prior its interval. So the candidates run
//! through the sweep's own machinery — in parallel, with common random
//! numbers (replicate r of every candidate simulates the same town with
//! the same draws, and the acquaintance network is built once per
//! replicate when only behavioural keys are fitted), each finished
//! candidate written at once, resumable with `--resume` and shardable with
//! `--shard K/N` and `netgrow merge` — and the calibration directory is a
//! sweep directory with the calibration's files added.
//!
//! Here the sweep is planned, and its finished points are read back as the
//! two tables the method needs: each candidate's keys and its simulated
//! statistics.

use std::path::Path;

use anyhow::{Context, Result};

use super::statistics::pooled;
use super::targets::{Target, Targets};
use crate::scenario::{Override, Scenario, ScenarioError, Source};
use crate::sweep::design::Design;
use crate::sweep::plan::{self, Plan, Request};
use crate::sweep::spec::number;
use crate::sweep::store::{self, PointData};

/// The sweep that runs the candidates of `targets` on the scenario
/// `source`: `overrides` are the command line's `--set`, applied to every
/// candidate, then the calibration's replicates per candidate.
pub fn plan(
    source: &Source,
    overrides: &[Override],
    targets: &Targets,
) -> Result<Plan, ScenarioError> {
    let mut all = overrides.to_vec();
    if let Ok(o) = Override::parse(&format!(
        "simulation.replicates={}",
        targets.method.replicates
    )) {
        all.push(o);
    }
    let request = Request {
        vary: targets
            .priors
            .iter()
            .map(|p| format!("{}={}", p.key, p.spec()))
            .collect(),
        design: Some(Design::Lhs),
        points: Some(targets.method.candidates),
        points_file: None,
        each_year: false,
        keep_timeseries: false,
    };
    plan::prepare_text(&source.text, &source.file, &source.stem, all, &request)
}

/// Every candidate's fitted keys, in the order of the priors, on their
/// unbounded scale.
pub fn parameters(plan: &Plan, targets: &Targets) -> Vec<Vec<f64>> {
    plan.points
        .iter()
        .map(|p| {
            targets
                .priors
                .iter()
                .zip(&p.values)
                .map(|(prior, v)| prior.to_free(number(v).unwrap_or(f64::NAN)))
                .collect()
        })
        .collect()
}

/// Every candidate's statistics, in the order of the targets: the mean
/// over its replicates (NaN where no replicate has one). Reads the
/// finished points from the sweep directory `dir`.
pub fn statistics(plan: &Plan, dir: &Path, targets: &Targets) -> Result<Vec<Vec<f64>>> {
    (0..plan.points.len())
        .map(|p| {
            let data = store::read_point(dir, &plan.manifest, p)?.with_context(|| {
                format!(
                    "candidate {p} has no results in {}: run the calibration there with --resume",
                    dir.display()
                )
            })?;
            let scenario = plan.scenario(p).with_context(|| format!("candidate {p}"))?;
            Ok(targets
                .targets
                .iter()
                .map(|t| mean(&replicate_values(&scenario, t, &data)))
                .collect())
        })
        .collect()
}

/// A target's statistic in each replicate of a finished point.
fn replicate_values(scenario: &Scenario, target: &Target, data: &PointData) -> Vec<f64> {
    let replicates = data
        .replicates
        .first()
        .and_then(|c| c.first())
        .and_then(|y| y.first())
        .map_or(0, Vec::len);
    (0..replicates)
        .map(|r| {
            let figure = |c: usize, m: usize| data.values(c, target.year, m)[r];
            one_replicate(scenario, target, &figure)
        })
        .collect()
}

/// A target's statistic in one replicate, whose headline figures
/// `figure(cohort, metric)` gives for the target's year.
pub fn one_replicate(
    scenario: &Scenario,
    target: &Target,
    figure: &dyn Fn(usize, usize) -> f64,
) -> f64 {
    let p = |name: &str| pooled(scenario, &target.cohorts, name, figure);
    target.statistic.value(scenario, &target.cohorts, &p)
}

/// The mean of the values that are numbers; NaN if none is.
pub fn mean(values: &[f64]) -> f64 {
    let finite: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if finite.is_empty() {
        f64::NAN
    } else {
        finite.iter().sum::<f64>() / finite.len() as f64
    }
}
