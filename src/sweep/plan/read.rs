//! What a sweep asks for, as written: the scenario file's `[sweep]` table
//! (after `--set`) and the `--vary` arguments, read into entries of a key
//! and its spec. Nothing here knows the scenario's keys; [`super::keys`]
//! checks them.

use super::super::design::{self, Design};
use super::super::measure;
use super::super::sensitivity::morris;
use super::super::spec::{plain, Spec};
use crate::scenario::read::{suggest, Diagnostic};
use crate::scenario::tree::{self, Node, Origin, Value};
use crate::scenario::Override;

/// Where a key's spec was written.
#[derive(Clone, Debug)]
enum Source {
    /// In the file's `[sweep.vary]`, at this position.
    File(Origin),
    /// On the command line, as `--vary ARG`.
    Cli,
    /// A column of a points file: the file's name, the column (from 1),
    /// and the line of the first row holding each of the spec's values.
    PointsFile {
        file: String,
        column: usize,
        lines: Vec<usize>,
    },
}

/// One `[sweep.vary]` entry or `--vary` argument, parsed.
#[derive(Clone, Debug)]
pub(super) struct Entry {
    pub(super) key: String,
    pub(super) spec: Spec,
    source: Source,
}

impl Entry {
    /// The column `column` (from 1) of a points file, holding `values`
    /// (distinct, in order of first appearance, each first on the line at
    /// the same place in `lines`).
    pub(super) fn column(
        key: &str,
        values: Vec<toml::Value>,
        file: &str,
        column: usize,
        lines: Vec<usize>,
    ) -> Entry {
        Entry {
            key: key.to_string(),
            spec: Spec::List(values),
            source: Source::PointsFile {
                file: file.to_string(),
                column,
                lines,
            },
        }
    }

    /// Whether the entry is a column of a points file.
    pub(super) fn is_points_column(&self) -> bool {
        matches!(self.source, Source::PointsFile { .. })
    }

    /// Names the entry in a message: its dotted place in the file, the
    /// option, or the column of the points file.
    pub(super) fn label(&self) -> String {
        match &self.source {
            Source::File(_) => format!("sweep.vary.\"{}\"", self.key),
            Source::Cli => format!("--vary {}", self.key),
            Source::PointsFile { file, column, .. } => {
                format!("{file}, column {column} ({})", self.key)
            }
        }
    }

    /// Names the entry where it holds `value`: for a points file, the line
    /// of the first row with it.
    pub(super) fn label_for(&self, value: &toml::Value) -> String {
        let (
            Source::PointsFile {
                file,
                column,
                lines,
            },
            Spec::List(values),
        ) = (&self.source, &self.spec)
        else {
            return self.label();
        };
        match values.iter().position(|v| v == value) {
            Some(i) => format!("{file}, line {}, column {column} ({})", lines[i], self.key),
            None => self.label(),
        }
    }

    pub(super) fn origin(&self) -> Origin {
        match &self.source {
            Source::File(o) => o.clone(),
            Source::Cli | Source::PointsFile { .. } => Origin::Default,
        }
    }

    /// What is wrong with the entry's value `value`, placed where it holds
    /// it.
    pub(super) fn problem_with(
        &self,
        value: &toml::Value,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            key: self.label_for(value),
            origin: self.origin(),
            value: Some(plain(value)),
            message: message.into(),
        }
    }

    pub(super) fn problem(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            key: self.label(),
            origin: self.origin(),
            value: Some(self.spec.to_string()),
            message: message.into(),
        }
    }
}

/// The `[sweep]` table as the file wrote it (after `--set`).
#[derive(Default)]
pub(super) struct FileSweep {
    pub(super) design: Option<Design>,
    pub(super) points: Option<usize>,
    pub(super) levels: Option<usize>,
    /// `points_file` as written.
    pub(super) points_file: Option<String>,
    pub(super) metrics: Option<Vec<String>>,
    pub(super) vary: Vec<Entry>,
}

/// The keys a `[sweep]` table may have.
const KNOWN: [&str; 6] = [
    "design",
    "points",
    "levels",
    "points_file",
    "metrics",
    "vary",
];

impl FileSweep {
    /// Reads the `[sweep]` table of `text` with `overrides` applied, adding
    /// what is wrong with it to `problems`. A file without one gives an
    /// empty table.
    pub(super) fn read(
        text: &str,
        overrides: &[Override],
        problems: &mut Vec<Diagnostic>,
    ) -> FileSweep {
        let root = with_overrides(text, overrides);
        let mut out = FileSweep::default();
        for (key, key_origin, node) in sweep_entries(&root) {
            let problem = |message: String| Diagnostic {
                key: format!("sweep.{key}"),
                origin: node.origin.clone(),
                value: Some(node.value.to_string()),
                message,
            };
            match key.as_str() {
                "design" => match design_of(&node.value) {
                    Ok(d) => out.design = Some(d),
                    Err(m) => problems.push(problem(m)),
                },
                "points" => match points_of(&node.value) {
                    Ok(n) => out.points = Some(n),
                    Err(m) => problems.push(problem(m)),
                },
                "levels" => match levels_of(&node.value) {
                    Ok(n) => out.levels = Some(n),
                    Err(m) => problems.push(problem(m)),
                },
                "points_file" => match &node.value {
                    Value::String(s) if !s.trim().is_empty() => out.points_file = Some(s.clone()),
                    _ => problems.push(problem(
                        "expected the path of a CSV file of points, e.g. \"points.csv\"".into(),
                    )),
                },
                "metrics" => match metrics_of(&node.value) {
                    Ok(names) => {
                        problems
                            .extend(names.iter().filter_map(|n| unknown_metric(n)).map(problem));
                        out.metrics = Some(names);
                    }
                    Err(m) => problems.push(problem(m)),
                },
                "vary" => match &node.value {
                    Value::Table(items) => flatten(items, "", &mut out.vary, problems),
                    other => problems.push(problem(format!(
                        "expected a table of KEY = SPEC, found {}",
                        other.type_name()
                    ))),
                },
                other => problems.push(unknown_key(other, key_origin, node)),
            }
        }
        out
    }
}

/// The file's tree with the `--set` overrides applied, as the scenario
/// loader applies them.
fn with_overrides(text: &str, overrides: &[Override]) -> Node {
    let (mut root, _) = tree::parse(text);
    for o in overrides {
        let path: Vec<&str> = o.key.split('.').map(str::trim).collect();
        // The scenario loader has already reported any failure here.
        let _ = root.set_path(&path, o.node.clone());
    }
    root
}

/// The entries of the `[sweep]` table, if there is one.
fn sweep_entries(root: &Node) -> &[(String, Origin, Node)] {
    let Value::Table(sections) = &root.value else {
        return &[];
    };
    let Some((_, _, node)) = sections.iter().find(|(k, _, _)| k == "sweep") else {
        return &[];
    };
    match &node.value {
        Value::Table(entries) => entries,
        // The scenario loader reports a [sweep] that is not a table.
        _ => &[],
    }
}

/// `sweep.design`: one of the design names.
fn design_of(value: &Value) -> Result<Design, String> {
    match value {
        Value::String(s) => Design::from_name(s).ok_or_else(|| {
            format!(
                "expected one of {}{}",
                quoted(&Design::NAMES),
                suggest(s, &Design::NAMES)
                    .map(|c| format!(" (did you mean \"{c}\"?)"))
                    .unwrap_or_default()
            )
        }),
        other => Err(format!(
            "expected one of {}, found {}",
            quoted(&Design::NAMES),
            other.type_name()
        )),
    }
}

/// `sweep.points`: how many points a sampling design draws.
fn points_of(value: &Value) -> Result<usize, String> {
    match *value {
        Value::Integer(n) if n >= 1 && n <= design::MAX_POINTS as i128 => Ok(n as usize),
        _ => Err(format!(
            "expected a whole number of points from 1 to {}",
            design::MAX_POINTS
        )),
    }
}

/// `sweep.levels`: the Morris design's levels per key.
fn levels_of(value: &Value) -> Result<usize, String> {
    match *value {
        Value::Integer(n) if n >= 0 && n <= morris::MAX_LEVELS as i128 => {
            morris::check_levels(n as usize).map(|()| n as usize)
        }
        _ => Err(format!(
            "expected an even number of levels from 2 to {} (4 is usual)",
            morris::MAX_LEVELS
        )),
    }
}

/// `sweep.metrics`: one name or a non-empty list of them (not yet checked
/// against the headline metrics).
fn metrics_of(value: &Value) -> Result<Vec<String>, String> {
    let names: Option<Vec<String>> = match value {
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
    names.filter(|n| !n.is_empty()).ok_or_else(|| {
        "expected a list of headline metric names, e.g. [\"referrals_per_month\"]".into()
    })
}

/// What is wrong with `name` as a headline metric, if anything.
fn unknown_metric(name: &str) -> Option<String> {
    if measure::headline(name).is_some() {
        return None;
    }
    let all: Vec<&str> = measure::HEADLINES.iter().map(|h| h.name).collect();
    let hint = suggest(name, &all)
        .map(|c| format!("did you mean \"{c}\"? "))
        .unwrap_or_default();
    Some(format!(
        "\"{name}\" is not a headline metric; {hint}expected one of {}",
        all.join(", ")
    ))
}

/// A key the `[sweep]` table does not have, placed at the key itself.
fn unknown_key(key: &str, origin: &Origin, node: &Node) -> Diagnostic {
    let message = match suggest(key, &KNOWN) {
        Some(s) => format!("unknown key; did you mean `{s}`?"),
        None => format!("unknown key; expected one of: {}", KNOWN.join(", ")),
    };
    Diagnostic {
        key: format!("sweep.{key}"),
        origin: origin.clone(),
        value: Some(node.value.to_string()),
        message,
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

/// The file's entries with the command line's on top: a `--vary` for a key
/// the file varies replaces its entry, others come after the file's.
pub(super) fn merge_entries(
    mut entries: Vec<Entry>,
    cli: &[String],
    problems: &mut Vec<Diagnostic>,
) -> Vec<Entry> {
    for arg in cli {
        match cli_entry(arg) {
            Ok(entry) => match entries.iter_mut().find(|e| e.key == entry.key) {
                Some(e) => *e = entry,
                None => entries.push(entry),
            },
            Err(message) => problems.push(Diagnostic {
                key: format!("--vary {arg}"),
                origin: Origin::Default,
                value: None,
                message,
            }),
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

/// One `--vary KEY=SPEC` argument, or what is wrong with it.
fn cli_entry(arg: &str) -> Result<Entry, String> {
    let Some((key, spec)) = arg.split_once('=') else {
        return Err(
            "expected KEY=SPEC, e.g. --vary relationships.hours_to_trust=1..16:log5".into(),
        );
    };
    let key = key.trim();
    if key.is_empty() || key.split('.').any(|p| p.trim().is_empty()) {
        return Err("expected a dotted key before '=', e.g. groups.count".into());
    }
    Ok(Entry {
        key: key.split('.').map(str::trim).collect::<Vec<_>>().join("."),
        spec: Spec::parse(spec)?,
        source: Source::Cli,
    })
}

fn quoted(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
