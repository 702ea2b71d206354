//! The `file` design: a sweep's points read from a CSV file, so points
//! made by another tool (SALib, EMA Workbench, a spreadsheet) run as they
//! are.
//!
//! The header names the keys, one column each, as dotted scenario keys
//! (`relationships.hours_to_trust`); every further row is a point, its
//! cells the keys' values, written as after `--set` (`2`, `0.5`, `open`,
//! `true`). Each column becomes an entry like a `[sweep.vary]` one, whose
//! values are then checked as every sweep's are; a problem names the
//! file, the line, the column, the value and what was expected.

use std::path::Path;

use super::super::spec::value_from_text;
use super::read::Entry;
use super::unplaced;
use crate::scenario::read::Diagnostic;

/// The most bytes a points file may have: far beyond a million points of
/// a few keys, short of exhausting memory by mistake.
const MAX_BYTES: u64 = 1 << 30;

/// A points file, read.
pub(super) struct PointsFile {
    /// Each column as an entry.
    pub(super) entries: Vec<Entry>,
    /// Each row's values, in column order.
    pub(super) rows: Vec<Vec<toml::Value>>,
    /// Each row's line in the file.
    pub(super) lines: Vec<usize>,
}

/// Reads the points file at `path` (`label` names the setting that gave
/// it, for a file that cannot be read).
pub(super) fn read(path: &Path, label: &str) -> Result<PointsFile, Vec<Diagnostic>> {
    let name = path.display().to_string();
    let cannot = |why: String| {
        vec![Diagnostic {
            value: Some(name.clone()),
            ..unplaced(label, why)
        }]
    };
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_BYTES => {
            return Err(cannot(format!(
                "larger than {} MiB; expected a CSV file of points",
                MAX_BYTES >> 20
            )))
        }
        Ok(_) => {}
        Err(e) => return Err(cannot(format!("cannot read the points file: {e}"))),
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| cannot(format!("cannot read the points file: {e}")))?;
    let keys: Vec<String> = reader
        .headers()
        .map_err(|e| cannot(format!("cannot read the header: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut problems = header_problems(&name, &keys);
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(unplaced(name.clone(), format!("not readable as CSV: {e}")));
                break;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        if let Some(row) = row(&name, line, &keys, &record, &mut problems) {
            rows.push(row);
            lines.push(line);
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(unplaced(
            name.clone(),
            "has no points: expected a header of dotted keys, then one row per point",
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let entries = keys
        .iter()
        .enumerate()
        .map(|(c, key)| column(&name, c, key, &rows, &lines))
        .collect();
    Ok(PointsFile {
        entries,
        rows,
        lines,
    })
}

/// What is wrong with the header: an empty or repeated column name.
fn header_problems(name: &str, keys: &[String]) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for (c, key) in keys.iter().enumerate() {
        let at = format!("{name}, line 1, column {}", c + 1);
        if key.is_empty() {
            problems.push(unplaced(
                at,
                "empty column name: expected a dotted scenario key, e.g. relationships.hours_to_trust",
            ));
        } else if keys[..c].contains(key) {
            problems.push(Diagnostic {
                value: Some(key.clone()),
                ..unplaced(at, "this key has two columns; give each key one")
            });
        }
    }
    problems
}

/// One row's values, or `None` with its problems added.
fn row(
    name: &str,
    line: usize,
    keys: &[String],
    record: &csv::StringRecord,
    problems: &mut Vec<Diagnostic>,
) -> Option<Vec<toml::Value>> {
    if record.len() != keys.len() {
        problems.push(unplaced(
            format!("{name}, line {line}"),
            format!(
                "has {} values: expected {}, one per column ({})",
                record.len(),
                keys.len(),
                keys.join(", ")
            ),
        ));
        return None;
    }
    let before = problems.len();
    let values: Vec<toml::Value> = record
        .iter()
        .zip(keys)
        .enumerate()
        .filter_map(|(c, (cell, key))| {
            let at = format!("{name}, line {line}, column {} ({key})", c + 1);
            let parsed = if cell.is_empty() {
                Err("empty: expected a value for this key".to_string())
            } else {
                value_from_text(cell)
            };
            parsed
                .map_err(|message| {
                    problems.push(Diagnostic {
                        value: Some(cell.to_string()),
                        ..unplaced(at, message)
                    })
                })
                .ok()
        })
        .collect();
    (problems.len() == before).then_some(values)
}

/// Column `c` as an entry: its distinct values in order of appearance,
/// each with the line it first appears on.
fn column(name: &str, c: usize, key: &str, rows: &[Vec<toml::Value>], lines: &[usize]) -> Entry {
    let mut seen = std::collections::HashSet::new();
    let mut values: Vec<toml::Value> = Vec::new();
    let mut first = Vec::new();
    for (row, &line) in rows.iter().zip(lines) {
        // Values compare by their text: 2 and 2.0 stay apart, as the
        // spec's list keeps them.
        if seen.insert(format!("{:?}", row[c])) {
            values.push(row[c].clone());
            first.push(line);
        }
    }
    Entry::column(key, values, name, c + 1, first)
}
