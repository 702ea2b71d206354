//! `netgrow columns`: the codebook printed from the output schema. The
//! committed `docs/outputs.md` is exactly what it prints, and every column
//! and field that a small run and a small sweep write is described in it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use tempfile::TempDir;

use crate::common::{netgrow, root, write, TINY};

/// Files that are not results: the ownership record every output
/// directory holds.
const NOT_RESULTS: [&str; 1] = ["written-by-netgrow.json"];

fn stdout(args: &[&str]) -> String {
    let done = netgrow().args(args).assert().success();
    String::from_utf8(done.get_output().stdout.clone()).expect("UTF-8 output")
}

#[test]
fn docs_outputs_md_is_what_netgrow_columns_prints() {
    let printed = stdout(&["columns"]);
    let path = root().join("docs").join("outputs.md");
    let committed = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        printed == committed,
        "docs/outputs.md differs from what `netgrow columns` prints: regenerate it with `cargo run -- columns > docs/outputs.md`"
    );
}

/// One file as the codebook describes it.
#[derive(Default)]
struct Described {
    /// CSV columns, in order (`<key>` and `replicate_<r>` stand for
    /// several).
    columns: Vec<String>,
    /// The unit of each CSV column, by its codebook name.
    units: BTreeMap<String, String>,
    /// The values of a long file's column, by column.
    values: BTreeMap<String, BTreeSet<String>>,
    /// JSON fields by the path of their object, each with whether it holds
    /// statistics.
    fields: BTreeMap<String, BTreeMap<String, bool>>,
}

/// `netgrow columns --json`: the statistics' fields and each file by name.
fn codebook() -> (BTreeSet<String>, BTreeMap<String, Described>) {
    let book: Value = serde_json::from_str(&stdout(&["columns", "--json"])).expect("JSON");
    let name = |c: &Value| c["name"].as_str().expect("a name").to_string();
    let statistics = book["statistics"]
        .as_array()
        .expect("statistics")
        .iter()
        .map(name)
        .collect();
    let mut files = BTreeMap::new();
    for file in book["files"].as_array().expect("files") {
        let mut described = Described::default();
        for part in file["parts"].as_array().expect("parts") {
            let columns = part["columns"].as_array().expect("columns");
            let place = &part["place"];
            if place == "columns" {
                described.columns = columns.iter().map(name).collect();
                described.units = columns
                    .iter()
                    .map(|c| (name(c), c["unit"].as_str().expect("a unit").to_string()))
                    .collect();
            } else if let Some(column) = place["values_of"].as_str() {
                let values = columns.iter().map(name).collect();
                described.values.insert(column.to_string(), values);
            } else {
                let path = place["fields"].as_str().expect("a place").to_string();
                let fields = columns
                    .iter()
                    .map(|c| (name(c), c["statistics"] == true))
                    .collect();
                described.fields.insert(path, fields);
            }
        }
        let key = file["file"].as_str().expect("a file name").to_string();
        files.insert(key, described);
    }
    (statistics, files)
}

/// Whether a codebook column stands for a written column name. A
/// calibration target's column is any name the file's other columns do
/// not claim.
fn stands_for(described: &str, written: &str, all: &[String]) -> bool {
    match described {
        "<key>" => written.contains('.'),
        "<target>" => {
            !written.contains('.') && !all.iter().any(|d| d != "<target>" && d == written)
        }
        "replicate_<r>" => written
            .strip_prefix("replicate_")
            .is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit())),
        _ => described == written,
    }
}

/// The codebook's name for a written file: point files share one entry.
fn codebook_name(rel: &str) -> String {
    let Some(file) = rel.strip_prefix("points/point-") else {
        return rel.to_string();
    };
    let digits = file.bytes().take_while(u8::is_ascii_digit).count();
    format!("points/point-NNNN{}", &file[digits..])
}

/// Every CSV and JSON file under `dir`, by path relative to it.
fn data_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("readable directory") {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "csv" || x == "json") {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy();
                if !NOT_RESULTS.contains(&rel.as_ref()) {
                    out.push((rel.replace('\\', "/"), path.clone()));
                }
            }
        }
    }
    out.sort();
    out
}

/// What a CSV file lacks in the codebook, and what the codebook describes
/// that the file does not have.
fn check_csv(path: &Path, described: &Described, problems: &mut Vec<String>) {
    let mut reader = csv::Reader::from_path(path).expect("readable CSV");
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    for column in &header {
        if !described
            .columns
            .iter()
            .any(|d| stands_for(d, column, &described.columns))
        {
            problems.push(format!(
                "{}: column {column} not in the codebook",
                path.display()
            ));
        }
    }
    for d in &described.columns {
        if !header
            .iter()
            .any(|column| stands_for(d, column, &described.columns))
        {
            problems.push(format!(
                "{}: described column {d} not written",
                path.display()
            ));
        }
    }
    let mut seen: BTreeMap<&String, BTreeSet<String>> = BTreeMap::new();
    for record in reader.records() {
        let record = record.expect("a readable row");
        for column in described.values.keys() {
            let at = header.iter().position(|h| h == column).expect("the column");
            let value = record.get(at).expect("a field").to_string();
            seen.entry(column).or_default().insert(value);
        }
    }
    for (column, values) in &described.values {
        let written = seen.remove(column).unwrap_or_default();
        for v in written.symmetric_difference(values) {
            let what = if written.contains(v) {
                "not in the codebook"
            } else {
                "described, not written"
            };
            problems.push(format!("{}: {column} {v} {what}", path.display()));
        }
    }
}

/// Every leaf of a JSON value by path: `a.b`, `list[].c`; a list of
/// plain values is `list[]`.
fn leaves(value: &Value, path: String, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(fields) => {
            for (name, v) in fields {
                let inner = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                leaves(v, inner, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                leaves(item, format!("{path}[]"), out);
            }
        }
        _ => {
            out.insert(path);
        }
    }
}

/// Whether a leaf path of a JSON file is described: a field of the object
/// at its parent path, a list of plain values named by its field, or a
/// statistic of a field (or a list) that holds statistics.
fn json_described(leaf: &str, described: &Described, statistics: &BTreeSet<String>) -> bool {
    let field_at = |path: &str| {
        let (parent, name) = path.rsplit_once('.').unwrap_or(("", path));
        let name = name.strip_suffix("[]").unwrap_or(name);
        described.fields.get(parent)?.get(name).copied()
    };
    let plain = leaf.strip_suffix("[]").unwrap_or(leaf);
    if field_at(plain).is_some() {
        return true;
    }
    leaf.rsplit_once('.')
        .is_some_and(|(holder, stat)| statistics.contains(stat) && field_at(holder) == Some(true))
}

/// Checks every data file in `dirs` against the codebook and returns
/// the codebook names of the files seen.
fn check_dirs(dirs: &[&Path]) -> (BTreeSet<String>, Vec<String>) {
    let (statistics, files) = codebook();
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    for dir in dirs {
        for (rel, path) in data_files(dir) {
            let name = codebook_name(&rel);
            let Some(described) = files.get(&name) else {
                problems.push(format!("{rel}: no such file in the codebook"));
                continue;
            };
            seen.insert(name);
            if rel.ends_with(".csv") {
                check_csv(&path, described, &mut problems);
                continue;
            }
            let value: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
            let mut all = BTreeSet::new();
            leaves(&value, String::new(), &mut all);
            for leaf in all {
                if !json_described(&leaf, described, &statistics) {
                    problems.push(format!("{rel}: field {leaf} not in the codebook"));
                }
            }
        }
    }
    (seen, problems)
}

/// A tiny run's directory in `tmp`.
fn run_dir(tmp: &Path) -> PathBuf {
    let file = write(tmp, "tiny.toml", TINY);
    let out = tmp.join("run");
    netgrow()
        .arg("run")
        .arg(&file)
        .args(["--quiet", "--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success();
    out
}

#[test]
fn every_column_a_run_writes_is_in_the_codebook() {
    let tmp = TempDir::new().unwrap();
    let out = run_dir(tmp.path());
    let (seen, problems) = check_dirs(&[&out]);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        [
            "differences.csv",
            "differences_monthly.csv",
            "ego_networks.json",
            "members.csv",
            "network.json",
            "results.json",
            "summary.csv",
            "timeseries.csv"
        ]
    );
}

/// Tiny sweeps in `tmp`: a grid, a shard of it, a Morris and a Sobol'
/// design.
fn sweep_dirs(tmp: &Path) -> Vec<PathBuf> {
    let file = write(tmp, "tiny.toml", TINY);
    let whole = tmp.join("sweep");
    let shard = tmp.join("shard");
    for (out, extra) in [(&whole, None), (&shard, Some("1/2"))] {
        let mut cmd = netgrow();
        cmd.arg("sweep")
            .arg(&file)
            .args(["--quiet", "--keep-timeseries", "--out"])
            .arg(out)
            .args(["--vary", "groups.count=3,4"]);
        if let Some(k) = extra {
            cmd.args(["--shard", k]);
        }
        cmd.assert().success();
    }
    let mut dirs = vec![whole, shard];
    for (design, points) in [("morris", "2"), ("sobol", "2")] {
        let out = tmp.join(design);
        netgrow()
            .arg("sweep")
            .arg(&file)
            .args(["--quiet", "--no-charts", "--out"])
            .arg(&out)
            .args(["--design", design, "--points", points])
            .args(["--vary", "relationships.hours_to_trust=2..16"])
            .args(["--vary", "groups.count=3,4"])
            .assert()
            .success();
        dirs.push(out);
    }
    dirs
}

#[test]
fn every_column_a_sweep_writes_is_in_the_codebook() {
    let tmp = TempDir::new().unwrap();
    let dirs = sweep_dirs(tmp.path());
    let dirs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    let (seen, problems) = check_dirs(&dirs);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        [
            "morris.csv",
            "points/point-NNNN-timeseries.csv",
            "points/point-NNNN.csv",
            "shard.json",
            "sobol.csv",
            "sweep.csv",
            "sweep.json",
            "sweep_difference.csv",
            "sweep_replicates.csv",
            "timing.json"
        ]
    );
}

/// A comparison in `tmp` of two tiny runs that differ in one key.
fn compare_dir(tmp: &Path) -> PathBuf {
    let file = write(tmp, "tiny.toml", TINY);
    let runs = [tmp.join("before"), tmp.join("after")];
    for (run, time) in runs.iter().zip(["40", "60"]) {
        netgrow()
            .arg("run")
            .arg(&file)
            .args(["--quiet", "--no-charts", "--set"])
            .arg(format!("economy.value_of_time={time}"))
            .arg("--out")
            .arg(run)
            .assert()
            .success();
    }
    let out = tmp.join("compare");
    netgrow()
        .arg("compare")
        .args(&runs)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    out
}

/// A calibration in `tmp`: twelve candidates of the tiny town, one key
/// fitted to two targets.
fn calibrate_dir(tmp: &Path) -> PathBuf {
    let file = write(tmp, "tiny.toml", TINY);
    let targets = write(
        tmp,
        "targets.toml",
        "[calibration]\ncandidates = 12\naccept = 0.5\nreplicates = 1\n\n\
         [targets.revenue]\nstatistic = \"revenue_per_year\"\ncohort = \"connecting\"\nmean = 2000\nsd = 500\n\n\
         [targets.referrals]\nstatistic = \"referrals_per_year\"\ncohort = \"networking\"\nmean = 3\nsd = 1\n\n\
         [priors]\n\"economy.needs_per_year\" = { log_uniform = [1, 24] }\n",
    );
    let out = tmp.join("calibrate");
    netgrow()
        .arg("calibrate")
        .arg(&file)
        .arg("--targets")
        .arg(&targets)
        .args(["--quiet", "--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success();
    out
}

#[test]
fn every_column_compare_and_calibrate_write_is_in_the_codebook() {
    let tmp = TempDir::new().unwrap();
    let compare = compare_dir(tmp.path());
    let calibrate = calibrate_dir(tmp.path());
    let (seen, problems) = check_dirs(&[&compare, &calibrate]);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for file in [
        "comparison.csv",
        "scenario_differences.csv",
        "candidates.csv",
        "posterior.csv",
        "intervals.csv",
        "fit.csv",
        "sweep.json",
        "sweep.csv",
    ] {
        assert!(seen.contains(file), "{file} not checked: {seen:?}");
    }
}

/// Units whose columns may hold words: text, and a varied key's values
/// (a group format is a word).
const WORDS: [&str; 2] = ["text", "the key's"];

/// Why a column of a CSV file would not load into pandas as numbers
/// although the codebook does not declare it text, if it would not.
fn not_numeric(path: &Path, described: &Described, problems: &mut Vec<String>) {
    let mut reader = csv::Reader::from_path(path).expect("readable CSV");
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let units: Vec<&str> = header
        .iter()
        .map(|column| {
            described
                .columns
                .iter()
                .find(|d| stands_for(d, column, &described.columns))
                .and_then(|d| described.units.get(d))
                .map_or("text", String::as_str)
        })
        .collect();
    for (row, record) in reader.records().enumerate() {
        let record = record.expect("a readable row");
        for (i, cell) in record.iter().enumerate() {
            let fits = match units[i] {
                unit if WORDS.contains(&unit) => true,
                "true/false" => cell == "true" || cell == "false",
                _ => cell.is_empty() || cell.parse::<f64>().is_ok(),
            };
            if !fits {
                problems.push(format!(
                    "{} row {}: {} = {cell:?} is not a number but its unit is {}",
                    path.display(),
                    row + 2,
                    header[i],
                    units[i]
                ));
            }
        }
    }
}

#[test]
fn every_csv_loads_as_numbers_or_declared_text_and_data_has_no_unicode_minus() {
    let tmp = TempDir::new().unwrap();
    let mut dirs = vec![run_dir(tmp.path())];
    dirs.extend(sweep_dirs(tmp.path()));
    dirs.push(compare_dir(tmp.path()));
    dirs.push(calibrate_dir(tmp.path()));
    let (_, files) = codebook();
    let mut problems = Vec::new();
    let mut csvs = 0;
    for dir in &dirs {
        for (rel, path) in data_files(dir) {
            let text = fs::read_to_string(&path).expect("UTF-8 data");
            if text.contains('\u{2212}') {
                problems.push(format!("{}: holds a Unicode minus", path.display()));
            }
            if let (true, Some(described)) =
                (rel.ends_with(".csv"), files.get(&codebook_name(&rel)))
            {
                not_numeric(&path, described, &mut problems);
                csvs += 1;
            }
        }
    }
    assert!(csvs >= 20, "only {csvs} CSV files checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
