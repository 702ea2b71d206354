//! Describing a checked sweep for its output directory: the resolved
//! `scenario.toml`, which reproduces the sweep, and the manifest that names
//! its keys, metrics, cohorts and points.

use std::path::Path;

use super::super::design::{Axis, Design, Point, Sample};
use super::super::sensitivity::morris;
use super::super::spec::plain;
use super::super::store::{self, fingerprint, KeyInfo, Manifest, PointInfo};
use super::Request;
use crate::scenario::Scenario;

/// Where a sweep's points come from: its design, how much it draws, and
/// the `file` design's points file.
pub(super) struct Source<'a> {
    pub(super) design: Design,
    pub(super) sample: Sample,
    pub(super) points_file: Option<&'a Path>,
}

/// `scenario.toml`: the base scenario with every default filled in and its
/// `[sweep]` table resolved, so `netgrow sweep` on it reproduces the sweep.
pub(super) fn scenario_toml(
    base: &mut Scenario,
    source: &Source,
    metrics: &[String],
    axes: &[Axis],
) -> Result<String, String> {
    base.sweep = Some(sweep_table(source, metrics, axes));
    let resolved_text = base.try_to_toml()?;
    Ok(format!(
        "# Resolved by netgrow {}: every default filled in, the [sweep] table\n# included. `netgrow sweep` on this file reproduces the sweep.\n{resolved_text}",
        env!("CARGO_PKG_VERSION"),
    ))
}

/// The resolved `[sweep]` table written into `scenario.toml`.
fn sweep_table(source: &Source, metrics: &[String], axes: &[Axis]) -> toml::Table {
    let design = source.design;
    let mut t = toml::Table::new();
    t.insert("design".into(), toml::Value::String(design.to_string()));
    if let (true, Some(n)) = (design.samples(), source.sample.points) {
        t.insert("points".into(), toml::Value::Integer(n as i64));
    }
    if design == Design::Morris {
        let levels = source.sample.levels.unwrap_or(morris::DEFAULT_LEVELS);
        t.insert("levels".into(), toml::Value::Integer(levels as i64));
    }
    if let Some(path) = source.points_file {
        // Absolute, so the resolved scenario finds the file from its own
        // directory too.
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        t.insert(
            "points_file".into(),
            toml::Value::String(path.display().to_string()),
        );
    }
    t.insert(
        "metrics".into(),
        toml::Value::Array(
            metrics
                .iter()
                .map(|m| toml::Value::String(m.clone()))
                .collect(),
        ),
    );
    // A points file's header names its keys.
    if source.points_file.is_none() {
        let mut vary = toml::Table::new();
        for a in axes {
            vary.insert(a.key.clone(), a.spec.to_toml());
        }
        t.insert("vary".into(), toml::Value::Table(vary));
    }
    t
}

/// A value as text in files: numbers in shortest exact form, words bare.
pub fn value_text(value: &toml::Value) -> String {
    match value {
        toml::Value::Float(x) => store::num(*x),
        other => plain(other),
    }
}

/// The sweep's manifest, written beside `scenario_toml` (whose hash it
/// carries).
pub(super) fn manifest(
    base: &Scenario,
    scenario_toml: &str,
    design: Design,
    axes: &[Axis],
    points: &[Point],
    metrics: Vec<String>,
    request: &Request,
) -> Manifest {
    let cohorts = base.cohort_names();
    Manifest {
        netgrow_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: base.simulation.name.clone(),
        scenario_hash: fingerprint(scenario_toml),
        seed: base.simulation.seed,
        replicates: base.simulation.replicates,
        years: base.simulation.years,
        design,
        keys: axes
            .iter()
            .map(|a| KeyInfo {
                key: a.key.clone(),
                kind: a.kind,
                spec: a.spec.to_string(),
                base: value_text(&a.base),
            })
            .collect(),
        metrics,
        difference: difference(&cohorts),
        cohorts,
        each_year: request.each_year,
        keep_timeseries: request.keep_timeseries,
        points: points
            .iter()
            .map(|p| PointInfo {
                point: p.index,
                values: p.values.iter().map(value_text).collect(),
                moves: p.moves.map(|k| axes[k].key.clone()),
            })
            .collect(),
    }
}

/// The paired difference the sweep reports, `[minuend, subtrahend]`:
/// networking minus connecting when both are there, else the second cohort
/// minus the first.
fn difference(cohorts: &[String]) -> Option<[String; 2]> {
    let has = |name: &str| cohorts.iter().any(|c| c == name);
    if has("networking") && has("connecting") {
        Some(["networking".to_string(), "connecting".to_string()])
    } else if cohorts.len() >= 2 {
        Some([cohorts[1].clone(), cohorts[0].clone()])
    } else {
        None
    }
}
