//! Checking a sweep's points before anything runs: each combination of
//! values gives a valid scenario with the base's cohorts. Points that build
//! the same population are grouped, so each world is generated once.

use std::collections::HashMap;

use rayon::prelude::*;

use super::super::design::{Axis, Point};
use super::{describe_point, point_overrides, unplaced, ScenarioText};
use crate::scenario::read::Diagnostic;
use crate::scenario::tree::Origin;
use crate::scenario::ScenarioError;

/// Most point problems listed before the rest are summarised.
const MAX_LISTED: usize = 5;

/// The distinct populations of a sweep's points.
pub(super) struct Populations {
    /// Index into `representatives` of each point's population.
    pub(super) of_point: Vec<usize>,
    /// The first point of each distinct population.
    pub(super) representatives: Vec<usize>,
}

/// Checks every point, and groups the points by population; the problems
/// of the first few failing points come back together, each point named
/// by `name` ("sweep point 3", or a points file's line).
pub(super) fn check(
    input: &ScenarioText,
    axes: &[Axis],
    points: &[Point],
    cohorts: &[String],
    name: &(dyn Fn(&Point) -> String + Sync),
) -> Result<Populations, ScenarioError> {
    // In parallel: a scenario load is cheap, but a sweep may have many
    // thousands of points.
    let checked: Vec<Result<String, Vec<Diagnostic>>> = points
        .par_iter()
        .map(|p| population(input, axes, p, cohorts, name))
        .collect();
    let mut populations = Vec::with_capacity(points.len());
    let mut failed = Vec::new();
    for c in checked {
        match c {
            Ok(population) => populations.push(population),
            Err(problems) => failed.push(problems),
        }
    }
    if !failed.is_empty() {
        return Err(input.invalid(listed(&failed)));
    }
    Ok(group(populations))
}

/// The population point `p` builds (as text, to compare), or what is wrong
/// with the point.
fn population(
    input: &ScenarioText,
    axes: &[Axis],
    p: &Point,
    cohorts: &[String],
    name: &(dyn Fn(&Point) -> String + Sync),
) -> Result<String, Vec<Diagnostic>> {
    let describe = || describe_point(axes, p);
    match input.load(point_overrides(axes, p)) {
        Ok(s) if s.cohort_names() != cohorts => Err(vec![unplaced(
            format!("{} ({})", name(p), describe()),
            "changes the cohorts; every point must compare the base scenario's cohorts",
        )]),
        Ok(s) => Ok(format!("{:?}", s.population)),
        Err(ScenarioError::Invalid { diagnostics, .. }) => Err(diagnostics
            .into_iter()
            .map(|d| Diagnostic {
                key: format!("{} ({}): {}", name(p), describe(), d.key),
                origin: Origin::Default,
                ..d
            })
            .collect()),
        Err(e) => Err(vec![unplaced(name(p), e.to_string())]),
    }
}

/// The problems of the first [`MAX_LISTED`] failing points, and how many
/// more there are.
fn listed(failed: &[Vec<Diagnostic>]) -> Vec<Diagnostic> {
    let mut listed: Vec<Diagnostic> = failed.iter().take(MAX_LISTED).flatten().cloned().collect();
    if failed.len() > MAX_LISTED {
        listed.push(unplaced(
            "sweep",
            format!(
                "… and {} more points with problems",
                failed.len() - MAX_LISTED
            ),
        ));
    }
    listed
}

/// Numbers the distinct populations in order of first appearance.
fn group(populations: Vec<String>) -> Populations {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut of_point = Vec::with_capacity(populations.len());
    let mut representatives = Vec::new();
    for (p, population) in populations.into_iter().enumerate() {
        let next = index.len();
        let g = *index.entry(population).or_insert(next);
        if g == next {
            representatives.push(p);
        }
        of_point.push(g);
    }
    Populations {
        of_point,
        representatives,
    }
}
