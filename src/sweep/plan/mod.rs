//! From a scenario file and the command line to a checked sweep: the keys
//! and their values, the points, and the manifest that names them.
//!
//! The `[sweep]` table of the scenario and the `--vary`, `--design` and
//! `--points` options are merged (a `--vary` for a key the file already
//! varies replaces its spec; other `--vary` keys are added after the
//! file's). Then everything is checked before anything runs:
//!
//! 1. each key exists and may be varied, and its spec suits the key's kind
//!    (numbers for a numeric key, whole numbers for an integer one);
//! 2. each value of each key gives a valid scenario on its own;
//! 3. each point (a combination) gives a valid scenario, with the same
//!    cohorts as the base.
//!
//! Problems come back all together as a [`ScenarioError`], which the
//! command line turns into exit code 2, each naming the key, the value, and
//! the line and column of the `[sweep]` entry or the `--vary` argument.
//!
//! ```toml
//! [sweep]
//! design = "grid"                     # grid, zip, random, lhs or oat
//! points = 40                         # random and lhs only
//! metrics = ["referrals_per_month"]   # charted; the first is the headline
//! [sweep.vary]
//! "relationships.hours_to_trust" = "1..32:log6"
//! "strategies.networking.generosity" = [0.2, 0.4, 0.6, 0.8]
//! ```

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

use super::design::{self, Axis, Design, Point};
use super::measure::{self, DEFAULT_METRICS};
use super::spec::{plain, KeyKind, Spec};
use super::store::{fingerprint, KeyInfo, Manifest, PointInfo};
use crate::scenario::read::{suggest, Diagnostic};
use crate::scenario::tree::{self, Node, Origin, Value};
use crate::scenario::{self, Override, Scenario, ScenarioError};

/// Most point problems listed before the rest are summarised.
const MAX_LISTED: usize = 5;

/// Sections a sweep may not vary: they describe the experiment itself
/// (its name, seed, replicates and length), where it writes, or the sweep.
const FIXED: [&str; 4] = ["simulation", "output", "sweep", "variants"];

/// What the command line adds to the file's `[sweep]` table.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// `--vary KEY=SPEC`, as typed.
    pub vary: Vec<String>,
    pub design: Option<Design>,
    pub points: Option<usize>,
    pub each_year: bool,
    pub keep_timeseries: bool,
}

/// A checked sweep, ready to run.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The scenario file's name, for messages.
    pub file: String,
    text: String,
    stem: String,
    overrides: Vec<Override>,
    /// The base scenario, its `sweep` table resolved.
    pub base: Scenario,
    pub design: Design,
    pub axes: Vec<Axis>,
    pub points: Vec<Point>,
    /// Index into [`Plan::populations`] of each point's population.
    pub population_of: Vec<usize>,
    /// One scenario per distinct population (the first point's).
    pub populations: Vec<Scenario>,
    /// `scenario.toml`: the resolved scenario with its `[sweep]` table.
    pub scenario_toml: String,
    pub manifest: Manifest,
}

impl Plan {
    /// The scenario of point `index`.
    pub fn scenario(&self, index: usize) -> Result<Scenario, ScenarioError> {
        let mut overrides = self.overrides.clone();
        overrides.extend(point_overrides(&self.axes, &self.points[index]));
        Scenario::from_str(&self.text, &self.file, &self.stem, &overrides)
    }
}

/// Where a key's spec was written.
#[derive(Clone, Debug)]
enum Source {
    /// In the file's `[sweep.vary]`, at this position.
    File(Origin),
    /// On the command line, as `--vary ARG`.
    Cli,
}

/// One `[sweep.vary]` entry or `--vary` argument, parsed.
#[derive(Clone, Debug)]
struct Entry {
    key: String,
    spec: Spec,
    source: Source,
}

impl Entry {
    /// Names the entry in a message: its dotted place in the file, or the
    /// option.
    fn label(&self) -> String {
        match self.source {
            Source::File(_) => format!("sweep.vary.\"{}\"", self.key),
            Source::Cli => format!("--vary {}", self.key),
        }
    }

    fn origin(&self) -> Origin {
        match &self.source {
            Source::File(o) => o.clone(),
            Source::Cli => Origin::Default,
        }
    }

    fn problem(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            key: self.label(),
            origin: self.origin(),
            value: Some(self.spec.to_string()),
            message: message.into(),
        }
    }
}

/// Reads the scenario file (`-` for standard input), merges its `[sweep]`
/// table with `request`, and checks every point. `overrides` are the
/// `--set` options (and shortcuts such as `--replicates`), applied to every
/// point.
pub fn prepare(
    path: &Path,
    overrides: Vec<Override>,
    request: &Request,
) -> Result<Plan, ScenarioError> {
    let source = scenario::Source::read(path)?;
    prepare_text(&source.text, &source.file, &source.stem, overrides, request)
}

/// [`prepare`] on a scenario's text (`file` names it in messages; `stem`
/// is the default scenario name).
pub fn prepare_text(
    text: &str,
    file: &str,
    stem: &str,
    overrides: Vec<Override>,
    request: &Request,
) -> Result<Plan, ScenarioError> {
    let invalid = |diagnostics: Vec<Diagnostic>| ScenarioError::Invalid {
        file: file.to_string(),
        diagnostics,
    };
    let Keys {
        mut base,
        design,
        sample,
        metrics,
        axes,
    } = keys(text, file, stem, &overrides, request)?;
    let points = design::points(design, &axes, sample, base.simulation.seed).map_err(|e| {
        invalid(vec![Diagnostic {
            key: "sweep".into(),
            origin: Origin::Default,
            value: None,
            message: e,
        }])
    })?;

    // Every point, checked in parallel: a scenario load is cheap, but a
    // sweep may have many thousands.
    let cohorts = base.cohort_names();
    let checked: Vec<Result<String, Vec<Diagnostic>>> = points
        .par_iter()
        .map(|p| {
            let mut o = overrides.clone();
            o.extend(point_overrides(&axes, p));
            let describe = || describe_point(&axes, p);
            match Scenario::from_str(text, file, stem, &o) {
                Ok(s) if s.cohort_names() != cohorts => Err(vec![Diagnostic {
                    key: format!("sweep point {} ({})", p.index, describe()),
                    origin: Origin::Default,
                    value: None,
                    message:
                        "changes the cohorts; every point must compare the base scenario's cohorts"
                            .into(),
                }]),
                Ok(s) => Ok(format!("{:?}", s.population)),
                Err(ScenarioError::Invalid { diagnostics, .. }) => Err(diagnostics
                    .into_iter()
                    .map(|d| Diagnostic {
                        key: format!("sweep point {} ({}): {}", p.index, describe(), d.key),
                        origin: Origin::Default,
                        ..d
                    })
                    .collect()),
                Err(e) => Err(vec![Diagnostic {
                    key: format!("sweep point {}", p.index),
                    origin: Origin::Default,
                    value: None,
                    message: e.to_string(),
                }]),
            }
        })
        .collect();
    let failed: Vec<&Vec<Diagnostic>> = checked.iter().filter_map(|c| c.as_ref().err()).collect();
    if !failed.is_empty() {
        let mut listed: Vec<Diagnostic> = failed
            .iter()
            .take(MAX_LISTED)
            .flat_map(|d| d.iter().cloned())
            .collect();
        if failed.len() > MAX_LISTED {
            listed.push(Diagnostic {
                key: "sweep".into(),
                origin: Origin::Default,
                value: None,
                message: format!(
                    "… and {} more points with problems",
                    failed.len() - MAX_LISTED
                ),
            });
        }
        return Err(invalid(listed));
    }
    let mut group_of_population: HashMap<String, usize> = HashMap::new();
    let mut population_of = Vec::with_capacity(points.len());
    let mut representatives = Vec::new();
    for (p, c) in checked.into_iter().enumerate() {
        let key = c.unwrap_or_default();
        let next = group_of_population.len();
        let g = *group_of_population.entry(key).or_insert(next);
        if g == next {
            representatives.push(p);
        }
        population_of.push(g);
    }

    base.sweep = Some(sweep_table(design, sample, &metrics, &axes));
    let resolved_text = base.try_to_toml().map_err(|e| {
        invalid(vec![Diagnostic {
            key: "sweep".into(),
            origin: Origin::Default,
            value: None,
            message: e,
        }])
    })?;
    let scenario_toml = format!(
        "# Resolved by netgrow {}: every default filled in, the [sweep] table\n# included. `netgrow sweep` on this file reproduces the sweep.\n{resolved_text}",
        env!("CARGO_PKG_VERSION"),
    );
    let manifest = manifest(
        &base,
        &scenario_toml,
        design,
        &axes,
        &points,
        metrics,
        request,
    );
    let mut plan = Plan {
        file: file.to_string(),
        text: text.to_string(),
        stem: stem.to_string(),
        overrides,
        base,
        design,
        axes,
        points,
        population_of,
        populations: Vec::new(),
        scenario_toml,
        manifest,
    };
    plan.populations = representatives
        .iter()
        .map(|&p| plan.scenario(p))
        .collect::<Result<_, _>>()?;
    Ok(plan)
}

/// A sweep's base scenario, design and checked keys: everything but the
/// points.
struct Keys {
    base: Scenario,
    design: Design,
    sample: Option<usize>,
    metrics: Vec<String>,
    axes: Vec<Axis>,
}

/// Checks the `[sweep]` table and `request`'s keys, and each value of each
/// key on its own.
fn keys(
    text: &str,
    file: &str,
    stem: &str,
    overrides: &[Override],
    request: &Request,
) -> Result<Keys, ScenarioError> {
    let invalid = |diagnostics: Vec<Diagnostic>| ScenarioError::Invalid {
        file: file.to_string(),
        diagnostics,
    };
    let base = Scenario::from_str(text, file, stem, overrides)?;
    let mut problems = Vec::new();
    if !base.variants.is_empty() {
        problems.push(Diagnostic {
            key: "variants".into(),
            origin: Origin::Default,
            value: None,
            message:
                "a sweep's points are its variants: remove [[variants]] (or vary the key they set)"
                    .into(),
        });
    }
    let table = FileSweep::read(text, overrides, &mut problems);
    let entries = merge_entries(table.vary, &request.vary, &mut problems);
    let design = request.design.or(table.design).unwrap_or(Design::Grid);
    let sample = request.points.or(table.points);
    if sample.is_some() && !design.samples() {
        problems.push(Diagnostic {
            key: "--points / sweep.points".into(),
            origin: Origin::Default,
            value: sample.map(|n| n.to_string()),
            message: format!(
                "only the random and lhs designs take a number of points; the {design} design's points follow from its values"
            ),
        });
    }
    let metrics = table
        .metrics
        .unwrap_or_else(|| DEFAULT_METRICS.iter().map(|s| s.to_string()).collect());
    if !problems.is_empty() {
        return Err(invalid(problems));
    }

    let resolved = toml::Table::try_from(&base).unwrap_or_default();
    let mut axes = Vec::new();
    for entry in &entries {
        if let Some(axis) = axis(entry, &resolved, text, file, stem, overrides, &mut problems) {
            axes.push(axis);
        }
    }
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    Ok(Keys {
        base,
        design,
        sample,
        metrics,
        axes,
    })
}

/// Checks a scenario's `[sweep]` table as `netgrow sweep` would, without
/// running anything: its keys, and each point of the sweep it describes.
/// A table that varies nothing passes, as its keys may come from `--vary`.
pub fn check(
    text: &str,
    file: &str,
    stem: &str,
    overrides: Vec<Override>,
) -> Result<(), ScenarioError> {
    let request = Request::default();
    if keys(text, file, stem, &overrides, &request)?
        .axes
        .is_empty()
    {
        return Ok(());
    }
    prepare_text(text, file, stem, overrides, &request).map(|_| ())
}

/// The `[sweep]` table as the file wrote it (after `--set`).
#[derive(Default)]
struct FileSweep {
    design: Option<Design>,
    points: Option<usize>,
    metrics: Option<Vec<String>>,
    vary: Vec<Entry>,
}

impl FileSweep {
    fn read(text: &str, overrides: &[Override], problems: &mut Vec<Diagnostic>) -> FileSweep {
        let (mut root, _) = tree::parse(text);
        for o in overrides {
            let path: Vec<&str> = o.key.split('.').map(str::trim).collect();
            // The scenario loader has already reported any failure here.
            let _ = root.set_path(&path, o.node.clone());
        }
        let Value::Table(sections) = &root.value else {
            return FileSweep::default();
        };
        let Some((_, _, node)) = sections.iter().find(|(k, _, _)| k == "sweep") else {
            return FileSweep::default();
        };
        let Value::Table(entries) = &node.value else {
            // The scenario loader reports a [sweep] that is not a table.
            return FileSweep::default();
        };
        let mut out = FileSweep::default();
        let known = ["design", "points", "metrics", "vary"];
        let problem = |key: &str, node: &Node, message: String| Diagnostic {
            key: format!("sweep.{key}"),
            origin: node.origin.clone(),
            value: Some(node.value.to_string()),
            message,
        };
        for (key, key_origin, node) in entries {
            match key.as_str() {
                "design" => match &node.value {
                    Value::String(s) => match Design::from_name(s) {
                        Some(d) => out.design = Some(d),
                        None => problems.push(problem(
                            key,
                            node,
                            format!(
                                "expected one of {}{}",
                                quoted(&Design::NAMES),
                                suggest(s, &Design::NAMES)
                                    .map(|c| format!(" (did you mean \"{c}\"?)"))
                                    .unwrap_or_default()
                            ),
                        )),
                    },
                    other => problems.push(problem(
                        key,
                        node,
                        format!(
                            "expected one of {}, found {}",
                            quoted(&Design::NAMES),
                            other.type_name()
                        ),
                    )),
                },
                "points" => match node.value {
                    Value::Integer(n) if n >= 1 && n <= design::MAX_POINTS as i128 => {
                        out.points = Some(n as usize)
                    }
                    _ => problems.push(problem(
                        key,
                        node,
                        format!(
                            "expected a whole number of points from 1 to {}",
                            design::MAX_POINTS
                        ),
                    )),
                },
                "metrics" => {
                    let names: Option<Vec<String>> = match &node.value {
                        Value::String(s) => Some(vec![s.clone()]),
                        Value::Array(items) => items
                            .iter()
                            .map(|n| match &n.value {
                                Value::String(s) => Some(s.clone()),
                                _ => None,
                            })
                            .collect(),
                        _ => None,
                    };
                    match names {
                        Some(names) if !names.is_empty() => {
                            let all: Vec<&str> = measure::HEADLINES.iter().map(|h| h.name).collect();
                            for name in &names {
                                if measure::headline(name).is_none() {
                                    let hint = suggest(name, &all)
                                        .map(|c| format!("did you mean \"{c}\"? "))
                                        .unwrap_or_default();
                                    problems.push(problem(key, node, format!(
                                        "\"{name}\" is not a headline metric; {hint}expected one of {}",
                                        all.join(", ")
                                    )));
                                }
                            }
                            out.metrics = Some(names);
                        }
                        _ => problems.push(problem(key, node, "expected a list of headline metric names, e.g. [\"referrals_per_month\"]".into())),
                    }
                }
                "vary" => match &node.value {
                    Value::Table(items) => flatten(items, "", &mut out.vary, problems),
                    other => problems.push(problem(
                        key,
                        node,
                        format!(
                            "expected a table of KEY = SPEC, found {}",
                            other.type_name()
                        ),
                    )),
                },
                other => {
                    let hint = match suggest(other, &known) {
                        Some(s) => format!("unknown key; did you mean `{s}`?"),
                        None => format!("unknown key; expected one of: {}", known.join(", ")),
                    };
                    problems.push(Diagnostic {
                        key: format!("sweep.{other}"),
                        origin: key_origin.clone(),
                        value: Some(node.value.to_string()),
                        message: hint,
                    });
                }
            }
        }
        out
    }
}

/// Reads `[sweep.vary]`, where keys may be written quoted
/// (`"groups.count" = …`) or as nested tables (`groups.count = …`).
fn flatten(
    items: &[(String, Origin, Node)],
    prefix: &str,
    out: &mut Vec<Entry>,
    problems: &mut Vec<Diagnostic>,
) {
    for (key, _, node) in items {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match &node.value {
            Value::Table(inner) => flatten(inner, &full, out, problems),
            value => match to_toml(value)
                .ok_or_else(|| "expected values as a list or a string".to_string())
                .and_then(|v| Spec::from_toml(&v))
            {
                Ok(spec) => out.push(Entry {
                    key: full,
                    spec,
                    source: Source::File(node.origin.clone()),
                }),
                Err(e) => problems.push(Diagnostic {
                    key: format!("sweep.vary.\"{full}\""),
                    origin: node.origin.clone(),
                    value: Some(value.to_string()),
                    message: e,
                }),
            },
        }
    }
}

/// A tree value as TOML (scalars and arrays; `None` for dates).
fn to_toml(value: &Value) -> Option<toml::Value> {
    Some(match value {
        Value::String(s) => toml::Value::String(s.clone()),
        // Beyond TOML's integers (no key takes one): a float, which the
        // key's check then refuses with its range.
        Value::Integer(i) => {
            i64::try_from(*i).map_or(toml::Value::Float(*i as f64), toml::Value::Integer)
        }
        Value::Float(x) => toml::Value::Float(*x),
        Value::Boolean(b) => toml::Value::Boolean(*b),
        Value::Datetime(_) => return None,
        Value::Array(items) => toml::Value::Array(
            items
                .iter()
                .map(|n| to_toml(&n.value))
                .collect::<Option<_>>()?,
        ),
        Value::Table(entries) => toml::Value::Table(
            entries
                .iter()
                .map(|(k, _, n)| Some((k.clone(), to_toml(&n.value)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

/// The file's entries with the command line's on top.
fn merge_entries(
    mut entries: Vec<Entry>,
    cli: &[String],
    problems: &mut Vec<Diagnostic>,
) -> Vec<Entry> {
    for arg in cli {
        let bad = |message: String| Diagnostic {
            key: format!("--vary {arg}"),
            origin: Origin::Default,
            value: None,
            message,
        };
        let Some((key, spec)) = arg.split_once('=') else {
            problems.push(bad(
                "expected KEY=SPEC, e.g. --vary relationships.hours_to_trust=1..16:log5".into(),
            ));
            continue;
        };
        let key = key.trim();
        if key.is_empty() || key.split('.').any(|p| p.trim().is_empty()) {
            problems.push(bad(
                "expected a dotted key before '=', e.g. groups.count".into()
            ));
            continue;
        }
        let key: String = key.split('.').map(str::trim).collect::<Vec<_>>().join(".");
        match Spec::parse(spec) {
            Ok(spec) => {
                let entry = Entry {
                    key: key.clone(),
                    spec,
                    source: Source::Cli,
                };
                match entries.iter_mut().find(|e| e.key == key) {
                    Some(e) => *e = entry,
                    None => entries.push(entry),
                }
            }
            Err(e) => problems.push(bad(e)),
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for e in &entries {
        if seen.contains(&e.key.as_str()) {
            problems.push(e.problem("this key is varied twice"));
        }
        seen.push(&e.key);
    }
    entries
}

/// Checks one entry and makes it an axis: the key may be varied, its spec
/// suits it, and each of its values gives a valid scenario.
fn axis(
    entry: &Entry,
    resolved: &toml::Table,
    text: &str,
    file: &str,
    stem: &str,
    overrides: &[Override],
    problems: &mut Vec<Diagnostic>,
) -> Option<Axis> {
    let first = entry.key.split('.').next().unwrap_or("");
    if FIXED.contains(&first) {
        problems.push(entry.problem(format!(
            "[{first}] describes the experiment, not the model, and cannot be varied; use --set to change it for every point"
        )));
        return None;
    }
    // Values the sweep will try, checked one by one: for an interval, its
    // ends.
    let probe: Vec<toml::Value> = match &entry.spec {
        Spec::Interval { lo, hi, .. } => vec![toml::Value::Float(*lo), toml::Value::Float(*hi)],
        set => set.values(KeyKind::Number),
    };
    let base = match lookup(resolved, &entry.key) {
        Some(v) => v.clone(),
        None => {
            // Not in the base scenario: either a typo (the loader says so,
            // with a suggestion) or a new name the loader accepts, such as
            // a new strategy.
            let value = probe.first().cloned().unwrap_or(toml::Value::Integer(0));
            let mut o = overrides.to_vec();
            o.extend(override_for(&entry.key, &value));
            match Scenario::from_str(text, file, stem, &o) {
                Ok(s) => match toml::Table::try_from(&s)
                    .ok()
                    .and_then(|t| lookup(&t, &entry.key).cloned())
                {
                    Some(v) => v,
                    None => {
                        problems.push(entry.problem("not a key of the scenario"));
                        return None;
                    }
                },
                Err(e) => {
                    report(entry, &value, e, problems);
                    return None;
                }
            }
        }
    };
    let Some(kind) = KeyKind::of(&base) else {
        problems.push(entry.problem(format!(
            "{} is a section or list, not one value; vary one of its keys instead",
            entry.key
        )));
        return None;
    };
    if let Err(e) = entry.spec.check(kind) {
        problems.push(entry.problem(e));
        return None;
    }
    let values: Vec<toml::Value> = match &entry.spec {
        Spec::Interval { .. } => [0.0, 1.0 - f64::EPSILON]
            .iter()
            .map(|&u| entry.spec.at(u, kind))
            .collect(),
        set => set.values(kind),
    };
    let before = problems.len();
    for v in &values {
        let mut o = overrides.to_vec();
        o.extend(override_for(&entry.key, v));
        if let Err(e) = Scenario::from_str(text, file, stem, &o) {
            report(entry, v, e, problems);
            // One bad value of a key is usually all of them (a typo in
            // the key); stop at the first.
            break;
        }
    }
    (problems.len() == before).then(|| Axis {
        key: entry.key.clone(),
        kind,
        spec: entry.spec.clone(),
        base,
    })
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
                    key: if about_key { entry.label() } else { d.key },
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
fn lookup<'a>(table: &'a toml::Table, key: &str) -> Option<&'a toml::Value> {
    let mut parts = key.split('.');
    let mut value = table.get(parts.next()?)?;
    for part in parts {
        value = value.as_table()?.get(part)?;
    }
    Some(value)
}

/// The override that sets `key` to `value`.
fn override_for(key: &str, value: &toml::Value) -> Option<Override> {
    Override::parse(&format!("{key}={value}")).ok()
}

/// The overrides of one point.
pub fn point_overrides(axes: &[Axis], point: &Point) -> Vec<Override> {
    axes.iter()
        .zip(&point.values)
        .filter_map(|(a, v)| override_for(&a.key, v))
        .collect()
}

/// "hours_to_trust = 2, generosity = 0.4".
pub fn describe_point(axes: &[Axis], point: &Point) -> String {
    axes.iter()
        .zip(&point.values)
        .map(|(a, v)| format!("{} = {}", a.key, plain(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn quoted(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The resolved `[sweep]` table written into `scenario.toml`.
fn sweep_table(
    design: Design,
    sample: Option<usize>,
    metrics: &[String],
    axes: &[Axis],
) -> toml::Table {
    let mut t = toml::Table::new();
    t.insert("design".into(), toml::Value::String(design.to_string()));
    if let (true, Some(n)) = (design.samples(), sample) {
        t.insert("points".into(), toml::Value::Integer(n as i64));
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
    let mut vary = toml::Table::new();
    for a in axes {
        vary.insert(a.key.clone(), a.spec.to_toml());
    }
    t.insert("vary".into(), toml::Value::Table(vary));
    t
}

/// A value as text in files: numbers in shortest exact form, words bare.
pub fn value_text(value: &toml::Value) -> String {
    match value {
        toml::Value::Float(x) => super::store::num(*x),
        other => plain(other),
    }
}

fn manifest(
    base: &Scenario,
    scenario_toml: &str,
    design: Design,
    axes: &[Axis],
    points: &[Point],
    metrics: Vec<String>,
    request: &Request,
) -> Manifest {
    let cohorts = base.cohort_names();
    let has = |name: &str| cohorts.iter().any(|c| c == name);
    let difference = if has("networking") && has("connecting") {
        Some(["networking".to_string(), "connecting".to_string()])
    } else if cohorts.len() >= 2 {
        Some([cohorts[1].clone(), cohorts[0].clone()])
    } else {
        None
    };
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
        cohorts,
        difference,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::tests::TINY;

    fn plan(vary: &[&str], design: Option<Design>) -> Result<Plan, String> {
        let request = Request {
            vary: vary.iter().map(|s| s.to_string()).collect(),
            design,
            ..Request::default()
        };
        prepare_text(TINY, "tiny.toml", "tiny", Vec::new(), &request).map_err(|e| e.to_string())
    }

    #[test]
    fn a_plan_has_its_points_values_and_one_population() {
        let p = plan(
            &[
                "relationships.hours_to_trust=2,8",
                "groups.format=open,closed",
            ],
            None,
        )
        .unwrap();
        assert_eq!(p.points.len(), 4);
        assert_eq!(p.axes[0].kind, KeyKind::Number);
        assert_eq!(p.axes[1].kind, KeyKind::Text);
        assert_eq!(p.populations.len(), 1);
        assert_eq!(p.manifest.points[3].values, ["8", "closed"]);
        assert_eq!(p.scenario(3).unwrap().groups.format, "closed");
        assert!(p.scenario_toml.contains("[sweep.vary]"));
    }

    #[test]
    fn population_keys_split_worlds() {
        let p = plan(&["population.rewire=0.05,0.1,0.2"], None).unwrap();
        assert_eq!(p.populations.len(), 3);
        assert_eq!(p.population_of, [0, 1, 2]);
    }

    #[test]
    fn the_resolved_scenario_reads_back_to_the_same_plan() {
        let p = plan(
            &[
                "relationships.hours_to_trust=1..16:log5",
                "strategies.connecting.patience_meetings=1..3:1",
            ],
            Some(Design::Grid),
        )
        .unwrap();
        let again = prepare_text(
            &p.scenario_toml,
            "s.toml",
            "other",
            Vec::new(),
            &Request::default(),
        )
        .unwrap();
        assert_eq!(again.scenario_toml, p.scenario_toml);
        assert_eq!(again.manifest, p.manifest);
    }

    #[test]
    fn bad_keys_and_values_are_named() {
        let e = plan(&["relationships.hours_to_trus=1,2"], None).unwrap_err();
        assert!(e.contains("did you mean `hours_to_trust`"), "{e}");
        let e = plan(&["relationships.hours_to_trust=fast,slow"], None).unwrap_err();
        assert!(e.contains("not a number"), "{e}");
        let e = plan(&["relationships.hours_to_trust=0,1"], None).unwrap_err();
        assert!(e.contains("--vary relationships.hours_to_trust = 0"), "{e}");
        let e = plan(&["simulation.seed=1,2"], None).unwrap_err();
        assert!(e.contains("cannot be varied"), "{e}");
        let e = plan(&["relationships=1,2"], None).unwrap_err();
        assert!(e.contains("section"), "{e}");
        let e = plan(&["strategies.connecting.patience_meetings=1.5,2"], None).unwrap_err();
        assert!(e.contains("whole"), "{e}");
        let e = plan(&[], None).unwrap_err();
        assert!(e.contains("nothing to vary"), "{e}");
    }

    #[test]
    fn file_tables_are_read_with_positions_and_suggestions() {
        let text = format!(
            "{TINY}\n[sweep]\ndesing = \"grid\"\n[sweep.vary]\nrelationships.hours_to_trust = \"5..1:1\"\n"
        );
        let e = prepare_text(&text, "t.toml", "t", Vec::new(), &Request::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("did you mean `design`"), "{e}");
        assert!(e.contains("empty range"), "{e}");
        assert!(e.contains("line "), "{e}");
    }

    #[test]
    fn the_command_line_replaces_a_key_of_the_file() {
        let text = format!("{TINY}\n[sweep.vary]\n\"groups.format\" = [\"open\", \"closed\"]\n\"relationships.hours_to_trust\" = [2, 4]\n");
        let request = Request {
            vary: vec!["relationships.hours_to_trust=1,2,3".into()],
            ..Request::default()
        };
        let p = prepare_text(&text, "t.toml", "t", Vec::new(), &request).unwrap();
        assert_eq!(p.axes.len(), 2);
        assert_eq!(p.axes[1].spec.len(), 3);
        assert_eq!(p.points.len(), 6);
    }
}
