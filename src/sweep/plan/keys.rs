//! Checking what a sweep varies against the scenario: the `[sweep]` table
//! merged with the command line, each key (it exists, may be varied, and
//! its spec suits its kind) and each value of each key on its own. What
//! passes becomes the sweep's axes.

use std::path::{Path, PathBuf};

use super::super::design::{Axis, Design, Sample};
use super::super::measure::DEFAULT_METRICS;
use super::super::spec::{self, number, plain, KeyKind, Spec};
use super::points_file::{self, PointsFile};
use super::read::{merge_entries, Entry, FileSweep};
use super::{override_for, unplaced, Request, ScenarioText};
use crate::scenario::read::Diagnostic;
use crate::scenario::{Scenario, ScenarioError};

/// Sections a sweep may not vary: they describe the experiment itself
/// (its name, seed, replicates and length), where it writes, or the sweep.
pub const FIXED: [&str; 4] = ["simulation", "output", "sweep", "variants"];

/// A sweep's base scenario, design and checked keys: everything but the
/// points.
pub(super) struct Keys {
    pub(super) base: Scenario,
    pub(super) design: Design,
    pub(super) sample: Sample,
    pub(super) metrics: Vec<String>,
    pub(super) axes: Vec<Axis>,
    /// The `file` design's points file and its rows.
    pub(super) file: Option<(PathBuf, PointsFile)>,
}

/// Checks the `[sweep]` table and `request`'s keys, and each value of each
/// key on its own.
pub(super) fn keys(input: &ScenarioText, request: &Request) -> Result<Keys, ScenarioError> {
    let base = input.load(Vec::new())?;
    let mut problems = Vec::new();
    if !base.variants.is_empty() {
        problems.push(unplaced(
            "variants",
            "a sweep's points are its variants: remove [[variants]] (or vary the key they set)",
        ));
    }
    let table = FileSweep::read(input.text, input.overrides, &mut problems);
    let mut entries = merge_entries(table.vary, &request.vary, &mut problems);
    let points_path = points_path(input, request, table.points_file.as_deref());
    let design = request
        .design
        .or(table.design)
        .or(points_path.as_ref().map(|_| Design::File))
        .unwrap_or(Design::Grid);
    let sample = Sample {
        points: request.points.or(table.points),
        levels: table.levels,
    };
    check_design(design, sample, &points_path, &entries, &mut problems);
    let metrics = table
        .metrics
        .unwrap_or_else(|| DEFAULT_METRICS.iter().map(|s| s.to_string()).collect());
    if !problems.is_empty() {
        return Err(input.invalid(problems));
    }
    let file = match (design, points_path) {
        (Design::File, Some((path, label))) => {
            let read = points_file::read(&path, label).map_err(|p| input.invalid(p))?;
            entries = read.entries.clone();
            Some((path, read))
        }
        _ => None,
    };

    let resolved = toml::Table::try_from(&base).unwrap_or_default();
    let axes: Vec<Axis> = entries
        .iter()
        .filter_map(|entry| axis(entry, &resolved, input, &mut problems))
        .collect();
    if !problems.is_empty() {
        return Err(input.invalid(problems));
    }
    Ok(Keys {
        base,
        design,
        sample,
        metrics,
        axes,
        file,
    })
}

/// The points file asked for, and the setting that asked: `--points-file`
/// as given, or `sweep.points_file` beside the scenario file.
fn points_path(
    input: &ScenarioText,
    request: &Request,
    written: Option<&str>,
) -> Option<(PathBuf, &'static str)> {
    if let Some(p) = &request.points_file {
        return Some((p.clone(), "--points-file"));
    }
    let written = Path::new(written?);
    let beside = Path::new(input.file)
        .parent()
        .filter(|d| !d.as_os_str().is_empty() && Path::new(input.file).is_file());
    Some((
        beside.map_or_else(|| written.to_path_buf(), |d| d.join(written)),
        "sweep.points_file",
    ))
}

/// Problems of the design's settings: a number of points or levels it
/// does not take, or a points file without the file design (or the other
/// way round).
fn check_design(
    design: Design,
    sample: Sample,
    points_path: &Option<(PathBuf, &'static str)>,
    entries: &[Entry],
    problems: &mut Vec<Diagnostic>,
) {
    if let (Some(n), false) = (sample.points, design.samples()) {
        problems.push(Diagnostic {
            value: Some(n.to_string()),
            ..unplaced(
                "--points / sweep.points",
                format!(
                    "only the random and lhs designs take a number of points (and morris and sobol, of trajectories and base rows); the {design} design's points follow from its values"
                ),
            )
        });
    }
    if let (Some(n), false) = (sample.levels, design == Design::Morris) {
        problems.push(Diagnostic {
            value: Some(n.to_string()),
            ..unplaced(
                "sweep.levels",
                format!("only the morris design takes levels, not the {design} design"),
            )
        });
    }
    match (design, points_path) {
        (Design::File, None) => problems.push(unplaced(
            "sweep.design",
            "the file design reads its points from a CSV file: give --points-file FILE or points_file = \"FILE\" in [sweep]",
        )),
        (Design::File, Some(_)) => {
            if let Some(e) = entries.first() {
                problems.push(e.problem(
                    "the file design takes its keys from the points file's header; remove [sweep.vary] and --vary",
                ));
            }
        }
        (_, Some((path, label))) => problems.push(Diagnostic {
            value: Some(path.display().to_string()),
            ..unplaced(
                *label,
                format!("a points file needs the file design, not {design}: remove --design or set design = \"file\""),
            )
        }),
        (_, None) => {}
    }
}

/// Checks one entry and makes it an axis: the key may be varied, its spec
/// suits it, and each of its values gives a valid scenario.
fn axis(
    entry: &Entry,
    resolved: &toml::Table,
    input: &ScenarioText,
    problems: &mut Vec<Diagnostic>,
) -> Option<Axis> {
    let first = entry.key.split('.').next().unwrap_or("");
    if FIXED.contains(&first) {
        problems.push(entry.problem(format!(
            "[{first}] describes the experiment, not the model, and cannot be varied; use --set to change it for every point"
        )));
        return None;
    }
    let base = base_value(entry, resolved, input, problems)?;
    let Some(kind) = KeyKind::of(&base) else {
        problems.push(entry.problem(format!(
            "{} is a section or list, not one value; vary one of its keys instead",
            entry.key
        )));
        return None;
    };
    if let Err(e) = entry.spec.check(kind) {
        problems.push(spec_problem(entry, kind, e));
        return None;
    }
    let values: Vec<toml::Value> = match &entry.spec {
        Spec::Interval { .. } => [0.0, 1.0 - f64::EPSILON]
            .iter()
            .map(|&u| entry.spec.at(u, kind))
            .collect(),
        // A points file may hold thousands of values; its ends stand for
        // them here, and every point is checked after.
        Spec::List(values) if entry.is_points_column() && kind.numeric() => ends(values),
        set => set.values(kind),
    };
    let before = problems.len();
    // One bad value of a key is usually all of them (a typo in the key);
    // stop at the first.
    if let Some((v, e)) = values
        .iter()
        .find_map(|v| load_with(input, entry, v).err().map(|e| (v, e)))
    {
        report(entry, v, e, problems);
    }
    (problems.len() == before).then(|| Axis {
        key: entry.key.clone(),
        kind,
        spec: axis_spec(entry, kind),
        base,
    })
}

/// What is wrong with an entry's spec, placed at its first bad value for
/// a points file.
fn spec_problem(entry: &Entry, kind: KeyKind, message: String) -> Diagnostic {
    let bad = match &entry.spec {
        Spec::List(values) if entry.is_points_column() => values
            .iter()
            .find_map(|v| spec::check_value(v, kind).err().map(|e| (v, e))),
        _ => None,
    };
    match bad {
        Some((v, e)) => entry.problem_with(v, e),
        None => entry.problem(message),
    }
}

/// The smallest and the largest of some numbers.
fn ends(values: &[toml::Value]) -> Vec<toml::Value> {
    let by = |a: &&toml::Value, b: &&toml::Value| {
        number(a)
            .unwrap_or(f64::NAN)
            .total_cmp(&number(b).unwrap_or(f64::NAN))
    };
    values
        .iter()
        .min_by(by)
        .into_iter()
        .chain(values.iter().max_by(by))
        .cloned()
        .collect()
}

/// The spec an axis records: the entry's, except that a points file's
/// numeric column is recorded as the interval it spans (its values are
/// in the points), and its values take the key's kind.
fn axis_spec(entry: &Entry, kind: KeyKind) -> Spec {
    match &entry.spec {
        Spec::List(values) if entry.is_points_column() => {
            let xs: Vec<f64> = values.iter().filter_map(number).collect();
            if kind.numeric() && xs.len() == values.len() {
                Spec::Interval {
                    lo: xs.iter().copied().fold(f64::INFINITY, f64::min),
                    hi: xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    log: false,
                }
            } else {
                Spec::List(values.iter().map(|v| spec::normalise(v, kind)).collect())
            }
        }
        spec => spec.clone(),
    }
}

/// The value of the entry's key in the base scenario. A key the base does
/// not have is either a typo (the loader says so, with a suggestion) or a
/// new name the loader accepts, such as a new strategy: then its value once
/// the sweep sets it.
fn base_value(
    entry: &Entry,
    resolved: &toml::Table,
    input: &ScenarioText,
    problems: &mut Vec<Diagnostic>,
) -> Option<toml::Value> {
    if let Some(v) = lookup(resolved, &entry.key) {
        return Some(v.clone());
    }
    // Values the sweep will try; for an interval, its ends.
    let probe: Vec<toml::Value> = match &entry.spec {
        Spec::Interval { lo, hi, .. } => vec![toml::Value::Float(*lo), toml::Value::Float(*hi)],
        set => set.values(KeyKind::Number),
    };
    let value = probe.first().cloned().unwrap_or(toml::Value::Integer(0));
    match load_with(input, entry, &value) {
        Ok(s) => {
            let found = toml::Table::try_from(&s)
                .ok()
                .and_then(|t| lookup(&t, &entry.key).cloned());
            if found.is_none() {
                problems.push(entry.problem("not a key of the scenario"));
            }
            found
        }
        Err(e) => {
            report(entry, &value, e, problems);
            None
        }
    }
}

/// The scenario with the entry's key set to `value`.
fn load_with(
    input: &ScenarioText,
    entry: &Entry,
    value: &toml::Value,
) -> Result<Scenario, ScenarioError> {
    input.load(override_for(&entry.key, value).into_iter().collect())
}

/// Restates a scenario's complaint about one value of an entry.
fn report(
    entry: &Entry,
    value: &toml::Value,
    error: ScenarioError,
    problems: &mut Vec<Diagnostic>,
) {
    match error {
        ScenarioError::Invalid { diagnostics, .. } => {
            for d in diagnostics {
                let about_key = d.key == entry.key;
                problems.push(Diagnostic {
                    key: if about_key {
                        entry.label_for(value)
                    } else {
                        d.key
                    },
                    origin: if about_key { entry.origin() } else { d.origin },
                    value: Some(if about_key {
                        plain(value)
                    } else {
                        d.value.unwrap_or_default()
                    }),
                    message: if about_key {
                        d.message
                    } else {
                        format!(
                            "{} (when the sweep sets {} = {})",
                            d.message,
                            entry.key,
                            plain(value)
                        )
                    },
                });
            }
        }
        other => problems.push(entry.problem(other.to_string())),
    }
}

/// The value at dotted `key` of a resolved scenario's table.
pub fn lookup<'a>(table: &'a toml::Table, key: &str) -> Option<&'a toml::Value> {
    let mut parts = key.split('.');
    let mut value = table.get(parts.next()?)?;
    for part in parts {
        value = value.as_table()?.get(part)?;
    }
    Some(value)
}
