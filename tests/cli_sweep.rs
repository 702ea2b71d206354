//! `netgrow sweep` and `netgrow merge`: the files a sweep writes, resuming
//! after the process is killed, shards merged into the same bytes as one
//! machine, and bad specs refused with exit code 2 before anything runs.
//!
//! Every sweep here is tiny (a few hundred people, one year, two
//! replicates), so the whole file runs in seconds.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{netgrow, root, write, TINY};

/// Two keys on a grid: 3 × 2 = 6 points.
const GRID: [&str; 4] = [
    "--vary",
    "relationships.hours_to_trust=1..16:log3",
    "--vary",
    "groups.format=open,closed",
];

fn tiny(dir: &Path) -> PathBuf {
    write(dir, "tiny.toml", TINY)
}

/// Runs a sweep of `file` into `out`, quietly, and checks it succeeds.
fn sweep(file: &Path, out: &Path, extra: &[&str]) -> String {
    let done = netgrow()
        .arg("sweep")
        .arg(file)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .assert()
        .success();
    String::from_utf8_lossy(&done.get_output().stdout).into_owned()
}

/// Every file under `dir` by relative path, except the session's timing,
/// a shard's own description and the ownership record (the files that may
/// differ).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(dir).unwrap().display().to_string();
            if rel != "timing.json" && rel != "shard.json" && rel != "written-by-netgrow.json" {
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// Asserts two directories hold the same files with the same bytes.
fn same_files(a: &Path, b: &Path) {
    let (fa, fb) = (files(a), files(b));
    let names = |f: &BTreeMap<String, Vec<u8>>| f.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&fa), names(&fb), "different files");
    for (name, bytes) in &fa {
        assert!(
            bytes == &fb[name],
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// Checks `sweep_replicates.csv` in `out` holds, row by row, every
/// replicate value of the final year that the point files hold, and
/// nothing else.
fn every_replicate_is_in_the_long_table(out: &Path, points: usize, cohorts: usize, reps: usize) {
    let (header, rows) = csv_rows(&out.join("sweep_replicates.csv"));
    let keys = header.len() - 6;
    assert_eq!(header[0], "point");
    assert_eq!(
        header[keys + 1..],
        ["cohort", "year", "metric", "replicate", "value"]
    );
    assert_eq!(rows.len(), points * cohorts * 20 * reps);
    let mut long = BTreeMap::new();
    for r in &rows {
        let id = (r[0].clone(), r[keys + 1].clone(), r[keys + 3].clone());
        long.insert(
            (id, r[keys + 4].clone()),
            (r[1..=keys].to_vec(), r[keys + 5].clone()),
        );
    }
    let mut seen = 0;
    for entry in fs::read_dir(out.join("points")).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with("-timeseries.csv") {
            continue;
        }
        let (ph, prows) = csv_rows(&path);
        let first = ph.iter().position(|h| h == "replicate_0").unwrap();
        for p in prows.iter().filter(|p| p[keys + 2] == "1") {
            for r in 0..reps {
                let id = (p[0].clone(), p[keys + 1].clone(), p[keys + 3].clone());
                let (key_values, value) = &long[&(id, r.to_string())];
                assert_eq!(key_values[..], p[1..=keys]);
                assert_eq!(value, &p[first + r]);
                seen += 1;
            }
        }
    }
    assert_eq!(seen, rows.len());
}

/// In the difference heatmap, a value whose interval includes zero is
/// marked "≈", never bracketed like an accountant's loss; the caption says
/// what the mark means; and every cell label sits on a backing of its own,
/// drawn after the zero contour, so the contour never strikes it out.
fn difference_cells_say_about_and_lie_over_the_contour(out: &Path) {
    let svg = fs::read_to_string(out.join("charts/difference_cumulative_revenue.svg")).unwrap();
    let elements: Vec<&str> = svg.split('<').collect();
    let labels: Vec<usize> = elements
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            let text = e.rsplit('>').next().unwrap_or_default().trim();
            e.starts_with("text") && text.contains('£') && !text.contains(' ')
        })
        .map(|(i, _)| i)
        .collect();
    let texts: Vec<&str> = labels
        .iter()
        .filter_map(|&i| elements[i].rsplit('>').next())
        .map(str::trim)
        .collect();
    assert!(texts.iter().any(|t| t.starts_with('≈')), "{texts:?}");
    assert!(!texts.iter().any(|t| t.contains('(')), "{texts:?}");
    assert!(svg.contains("≈ before a value: its 95% interval includes zero"));
    // The first £ text is a cell label (the colour bar comes after them).
    let cells = &labels[..labels.len() - 3];
    for &i in cells {
        let before = elements[..i]
            .iter()
            .rev()
            .find(|e| !e.starts_with('/'))
            .unwrap();
        assert!(
            before.starts_with("rect"),
            "label {} on {before}",
            elements[i]
        );
    }
    // The contour is the chart's thickest line.
    let width = |e: &str| {
        e.split("stroke-width=\"")
            .nth(1)
            .and_then(|w| w.split('"').next())
            .and_then(|w| w.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let thickest = elements
        .iter()
        .filter(|e| e.starts_with("polyline"))
        .map(|e| width(e))
        .fold(0.0, f64::max);
    let contour: Vec<usize> = (0..elements.len())
        .filter(|&i| elements[i].starts_with("polyline") && width(elements[i]) == thickest)
        .collect();
    assert!(
        !contour.is_empty() && contour.iter().all(|&i| i < cells[0]),
        "the contour is drawn over the labels"
    );
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("≈ before a value"), "the caption explains ≈");
}

#[test]
fn a_grid_sweep_writes_tables_points_charts_and_report() {
    let tmp = TempDir::new().unwrap();
    let file = tiny(tmp.path());
    let out = tmp.path().join("out");
    let table = sweep(&file, &out, &GRID);
    assert!(table.contains("networking − connecting"), "{table}");

    let (header, rows) = csv_rows(&out.join("sweep.csv"));
    assert_eq!(
        header,
        [
            "point",
            "relationships.hours_to_trust",
            "groups.format",
            "cohort",
            "year",
            "metric",
            "mean",
            "sd",
            "ci_low",
            "ci_high",
            "n"
        ]
    );
    // 6 points × 2 cohorts × 20 headline metrics, at the final year.
    assert_eq!(rows.len(), 6 * 2 * 20);
    assert!(rows.iter().all(|r| r[4] == "1" && r[10] == "2"));
    let trusts: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert!(trusts.contains(&"1") && trusts.contains(&"4") && trusts.contains(&"16"));
    assert!(rows.iter().any(|r| r[5] == "referrals_per_month"));
    every_replicate_is_in_the_long_table(&out, 6, 2, 2);
    let (diff_header, diff_rows) = csv_rows(&out.join("sweep_difference.csv"));
    assert_eq!(diff_header[3], "difference");
    assert_eq!(diff_rows.len(), 6 * 20);

    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(manifest["design"], "grid");
    assert_eq!(manifest["keys"][0]["key"], "relationships.hours_to_trust");
    assert_eq!(manifest["keys"][1]["kind"], "text");
    assert_eq!(manifest["points"].as_array().unwrap().len(), 6);
    assert_eq!(
        manifest["points"][5]["values"],
        serde_json::json!([16, "closed"])
    );
    assert_eq!(
        manifest["points"][5]["values_text"],
        serde_json::json!(["16", "closed"])
    );
    assert!(manifest["scenario_hash"]
        .as_str()
        .unwrap()
        .starts_with("fnv1a64:"));
    let timing: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("timing.json")).unwrap()).unwrap();
    assert_eq!(timing["points_run"], 6);

    for p in 0..6 {
        let (h, rows) = csv_rows(&out.join(format!("points/point-{p:04}.csv")));
        assert_eq!(h.last().unwrap(), "replicate_1");
        assert_eq!(rows.len(), 2 * 20);
    }
    for name in [
        "heatmap_referrals_per_month",
        "difference_referrals_per_month",
        "heatmap_cumulative_revenue",
        "difference_cumulative_revenue",
    ] {
        for ext in ["png", "svg"] {
            let path = out.join("charts").join(format!("{name}.{ext}"));
            assert!(
                fs::metadata(&path).unwrap().len() > 1000,
                "{}",
                path.display()
            );
        }
    }
    difference_cells_say_about_and_lie_over_the_contour(&out);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let mut reader = quick_xml::Reader::from_str(html.trim_start_matches("<!DOCTYPE html>"));
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("report.html is not well-formed: {e}"),
        }
    }
    assert!(html.contains("<figure id=\"difference_referrals_per_month\">"));
    assert!(!html.contains("http"), "the report loads nothing");

    // The resolved scenario reproduces the sweep byte for byte.
    let again = tmp.path().join("again");
    sweep(&out.join("scenario.toml"), &again, &[]);
    same_files(&out, &again);
}

#[test]
fn each_year_and_time_series_are_kept_on_request() {
    let tmp = TempDir::new().unwrap();
    let file = tiny(tmp.path());
    let out = tmp.path().join("out");
    sweep(
        &file,
        &out,
        &[
            "--vary",
            "strategies.connecting.patience_meetings=1,4",
            "--years",
            "2",
            "--each-year",
            "--keep-timeseries",
            "--no-charts",
        ],
    );
    let (_, rows) = csv_rows(&out.join("sweep.csv"));
    assert_eq!(rows.len(), 2 * 2 * 2 * 20);
    assert!(rows.iter().any(|r| r[3] == "1") && rows.iter().any(|r| r[3] == "2"));
    let (h, ts) = csv_rows(&out.join("points/point-0001-timeseries.csv"));
    assert_eq!(&h[..4], ["point", "replicate", "week", "cohort"]);
    // 2 replicates × 104 weeks × 2 cohorts.
    assert_eq!(ts.len(), 2 * 104 * 2);
    assert!(!out.join("charts").exists() && !out.join("report.html").exists());
}

#[test]
fn a_killed_sweep_resumes_to_the_same_files() {
    let tmp = TempDir::new().unwrap();
    // Big enough that a point takes a moment, so the kill lands mid-sweep.
    let file = write(
        tmp.path(),
        "slow.toml",
        &TINY
            .replace("size = 300", "size = 20000")
            .replace("acquaintances = 20", "acquaintances = 40"),
    );
    let vary = ["--vary", "strategies.connecting.patience_meetings=1..16:1"];
    let whole = tmp.path().join("whole");
    sweep(&file, &whole, &vary);

    let cut = tmp.path().join("cut");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_netgrow"))
        .current_dir(root())
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(&cut)
        .arg("--quiet")
        .args(vary)
        // One thread: slower, so the kill lands mid-sweep, and results do
        // not depend on the thread count anyway.
        .args(["--threads", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let points = cut.join("points");
    let finished_early = loop {
        let done = fs::read_dir(&points).map_or(0, |d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("point-"))
            })
            .count()
        });
        if done >= 1 {
            break false;
        }
        if child.try_wait().unwrap().is_some() {
            break true;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the sweep never wrote a point"
        );
        std::thread::sleep(Duration::from_millis(2));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    let written = fs::read_dir(&points)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("point-"))
        })
        .count();
    if written < 16 {
        // Killed mid-sweep: no tables posing as complete.
        assert!(!cut.join("sweep.csv").exists());
    }
    eprintln!("killed after {written} of 16 points");
    let stderr = netgrow()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(&cut)
        .arg("--resume")
        .args(vary)
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8_lossy(&stderr);
    if !finished_early {
        assert!(stderr.contains("already done"), "{stderr}");
    }
    same_files(&whole, &cut);
}

#[test]
fn shards_merge_into_the_one_machine_sweep() {
    let tmp = TempDir::new().unwrap();
    let file = tiny(tmp.path());
    let whole = tmp.path().join("whole");
    sweep(&file, &whole, &GRID);

    let mut shards = Vec::new();
    for k in 1..=3 {
        let dir = tmp.path().join(format!("shard-{k}"));
        let mut args = GRID.to_vec();
        let shard = format!("{k}/3");
        args.extend(["--shard", &shard]);
        // The emitted Slurm script starts every shard with --resume, into
        // a directory that does not exist yet.
        if k < 3 {
            args.push("--resume");
        }
        let said = sweep(&file, &dir, &args);
        assert!(said.contains(&format!("shard {k}/3")), "{said}");
        let desc: serde_json::Value =
            serde_json::from_slice(&fs::read(dir.join("shard.json")).unwrap()).unwrap();
        assert_eq!(desc["shard"], shard);
        assert_eq!(desc["points"], serde_json::json!([k - 1, k + 2]));
        assert_eq!(desc["seed"], 5);
        assert!(!dir.join("sweep.csv").exists());
        shards.push(dir);
    }
    let merged = tmp.path().join("merged");
    netgrow()
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(&merged)
        .arg("--quiet")
        .assert()
        .success();
    assert!(merged.join("sweep_replicates.csv").is_file());
    same_files(&whole, &merged);

    // Shards written when sweep.json held point values as text merge into
    // the same sweep.
    let legacy = tmp.path().join("legacy");
    fs::create_dir(&legacy).unwrap();
    for entry in fs::read_dir(&shards[2]).unwrap() {
        let path = entry.unwrap().path();
        let to = legacy.join(path.file_name().unwrap());
        if path.is_dir() {
            fs::create_dir(&to).unwrap();
            for e in fs::read_dir(&path).unwrap() {
                let p = e.unwrap().path();
                fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
            }
        } else {
            fs::copy(&path, &to).unwrap();
        }
    }
    let mut old_manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(legacy.join("sweep.json")).unwrap()).unwrap();
    for point in old_manifest["points"].as_array_mut().unwrap() {
        let text = point["values_text"].take();
        point.as_object_mut().unwrap().remove("values_text");
        point["values"] = text;
    }
    fs::write(
        legacy.join("sweep.json"),
        serde_json::to_vec_pretty(&old_manifest).unwrap(),
    )
    .unwrap();
    let from_legacy = tmp.path().join("from-legacy");
    netgrow()
        .arg("merge")
        .args(&shards[..2])
        .arg(&legacy)
        .arg("--out")
        .arg(&from_legacy)
        .arg("--quiet")
        .assert()
        .success();
    same_files(&whole, &from_legacy);

    // Resuming a finished shard as another shard is refused.
    let mut args = GRID.to_vec();
    args.extend(["--shard", "2/3", "--resume", "--out"]);
    netgrow()
        .arg("sweep")
        .arg(&file)
        .args(&args)
        .arg(&shards[0])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "it holds shard 1/3, not shard 2/3",
        ));

    // A shard given twice is noted, and the result is the same.
    let twice = tmp.path().join("twice");
    netgrow()
        .arg("merge")
        .args(&shards)
        .arg(&shards[0])
        .arg("--out")
        .arg(&twice)
        .assert()
        .success()
        .stderr(predicate::str::contains("in more than one directory"));
    same_files(&whole, &twice);

    // A shard missing: its points and the shard are named.
    netgrow()
        .arg("merge")
        .args(&shards[..2])
        .arg("--out")
        .arg(tmp.path().join("short"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("2 of 6 points are missing: 2, 5"))
        .stderr(predicate::str::contains("shard 3/3"));
    assert!(!tmp.path().join("short").exists());

    // A shard of another seed, or of another netgrow version.
    let other = tmp.path().join("other-seed");
    let mut args = GRID.to_vec();
    args.extend(["--shard", "3/3", "--seed", "6"]);
    sweep(&file, &other, &args);
    netgrow()
        .arg("merge")
        .args(&shards[..2])
        .arg(&other)
        .arg("--out")
        .arg(tmp.path().join("mixed"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("different seeds (5 and 6)"));
    let old = tmp.path().join("old-version");
    fs::create_dir(&old).unwrap();
    for name in ["scenario.toml", "shard.json"] {
        fs::copy(shards[2].join(name), old.join(name)).unwrap();
    }
    let manifest = fs::read_to_string(shards[2].join("sweep.json")).unwrap();
    let version = format!("\"netgrow_version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(manifest.contains(&version));
    fs::write(
        old.join("sweep.json"),
        manifest.replace(&version, "\"netgrow_version\": \"0.0.1\""),
    )
    .unwrap();
    netgrow()
        .arg("merge")
        .args(&shards[..2])
        .arg(&old)
        .arg("--out")
        .arg(tmp.path().join("mixed"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("different netgrow versions"));

    // Merging over one of the shards would delete it.
    netgrow()
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(&shards[0])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "would replace the shard directory",
        ));
}

#[test]
fn resuming_someone_elses_sweep_or_overwriting_other_files_is_refused() {
    let tmp = TempDir::new().unwrap();
    let file = tiny(tmp.path());
    let out = tmp.path().join("out");
    let vary = [
        "--vary",
        "strategies.connecting.patience_meetings=1,2",
        "--no-charts",
    ];
    sweep(&file, &out, &vary);
    netgrow()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .args(vary)
        .args(["--resume", "--seed", "9"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("seed 5, not 9"));
    // Nothing was changed by the refusal: resuming with the right settings
    // finds every point done.
    netgrow()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .args(vary)
        .arg("--resume")
        .assert()
        .success()
        .stderr(predicate::str::contains("0 point(s) run (2 already done)"));

    let elsewhere = tmp.path().join("notes");
    fs::create_dir(&elsewhere).unwrap();
    fs::write(elsewhere.join("mine.txt"), "keep me").unwrap();
    netgrow()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(&elsewhere)
        .args(vary)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("was not written by netgrow"));
    assert_eq!(
        fs::read_to_string(elsewhere.join("mine.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn bad_sweeps_are_refused_with_exit_code_2_before_anything_runs() {
    let tmp = TempDir::new().unwrap();
    let file = tiny(tmp.path());
    let cases: [(&[&str], &str); 11] = [
        (
            &["--vary", "relationships.hours_to_trus=1,2"],
            "did you mean `hours_to_trust`",
        ),
        (
            &["--vary", "relationships.hours_to_trust=5..1:1"],
            "empty range",
        ),
        (
            &["--vary", "relationships.hours_to_trust=1..5:0"],
            "step must be above 0",
        ),
        (
            &["--vary", "relationships.hours_to_trust=fast,slow"],
            "\"fast\" is not a number",
        ),
        (
            &["--vary", "relationships.hours_to_trust=0,1"],
            "expected a positive number",
        ),
        (
            &["--vary", "strategies.connecting.patience_meetings=1..3:0.5"],
            "whole",
        ),
        (&["--vary", "groups.format=1..3:1"], "categorical"),
        (&["--vary", "simulation.seed=1,2"], "cannot be varied"),
        (&[], "nothing to vary"),
        (
            &[
                "--design",
                "zip",
                "--vary",
                "relationships.hours_to_trust=2,3",
                "--vary",
                "groups.format=open",
            ],
            "as many values",
        ),
        (
            &[
                "--points",
                "5",
                "--vary",
                "relationships.hours_to_trust=2,3",
            ],
            "only the random and lhs",
        ),
    ];
    for (args, message) in cases {
        let out = tmp.path().join("never");
        netgrow()
            .arg("sweep")
            .arg(&file)
            .arg("--out")
            .arg(&out)
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
        assert!(!out.exists(), "{args:?} wrote something");
    }
    for args in [["--shard", "3/2"], ["--design", "cube"]] {
        netgrow()
            .arg("sweep")
            .arg(&file)
            .args(args)
            .assert()
            .code(2);
    }
    // Errors in the file's [sweep] table are located.
    let bad = write(
        tmp.path(),
        "bad.toml",
        &format!(
            "{TINY}\n[sweep]\ndesing = \"grid\"\n[sweep.vary]\n\"groups.count\" = \"3..2:1\"\n"
        ),
    );
    netgrow()
        .arg("sweep")
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("sweep.desing"))
        .stderr(predicate::str::contains("did you mean `design`"))
        .stderr(predicate::str::contains("line 26"));
}

#[test]
fn sampled_designs_stay_in_bounds_and_dry_runs_write_nothing() {
    let tmp = TempDir::new().unwrap();
    let file = tiny(tmp.path());
    let out = tmp.path().join("never");
    let listed = netgrow()
        .arg("sweep")
        .arg(&file)
        .args(["--design", "lhs", "--points", "8"])
        .args(["--vary", "relationships.hours_to_trust=1..32:log"])
        .args(["--vary", "strategies.connecting.patience_meetings=1..12"])
        .arg("--dry-run")
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let listed = String::from_utf8(listed).unwrap();
    let rows: Vec<Vec<&str>> = listed
        .lines()
        .skip_while(|l| !l.starts_with("point\t"))
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), 8, "{listed}");
    let mut patience: Vec<i64> = Vec::new();
    for r in &rows {
        let trust: f64 = r[1].parse().unwrap();
        assert!((1.0..=32.0).contains(&trust), "{trust}");
        patience.push(r[2].parse().unwrap());
    }
    // Eight strata of 1..=12 meetings: each value in a different stratum.
    patience.sort_unstable();
    for (i, p) in patience.iter().enumerate() {
        let (lo, hi) = (
            1.0 + 12.0 * i as f64 / 8.0,
            1.0 + 12.0 * (i + 1) as f64 / 8.0,
        );
        assert!(
            (*p as f64) >= lo.floor() && (*p as f64) < hi,
            "{patience:?}"
        );
    }
    assert!(!out.exists());
}

/// Three keys for the sensitivity designs: two that matter and one that
/// cannot (nobody follows the stay_home strategy in a sweep).
const SENSITIVITY: [&str; 6] = [
    "--vary",
    "relationships.hours_to_trust=1..32:log",
    "--vary",
    "strategies.networking.generosity=0.05..0.95",
    "--vary",
    "strategies.stay_home.pitch_intensity=0.1..1",
];

/// The rows of an indices table for `metric`, `series` and `key`.
fn index_row<'a>(rows: &'a [Vec<String>], metric: &str, series: &str, key: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r[0] == metric && r[1] == series && r[3] == key)
        .unwrap_or_else(|| panic!("no row for {metric}, {series}, {key}"))
}

fn number(cell: &str) -> f64 {
    cell.parse()
        .unwrap_or_else(|_| panic!("{cell:?} is not a number"))
}

#[test]
fn a_sobol_sweep_writes_indices_with_intervals_and_an_inert_key_gets_zero() {
    let tmp = TempDir::new().unwrap();
    let file = tiny(tmp.path());
    let out = tmp.path().join("out");
    let mut args = SENSITIVITY.to_vec();
    args.extend(["--design", "sobol", "--points", "8"]);
    sweep(&file, &out, &args);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(manifest["points"].as_array().unwrap().len(), 8 * (3 + 2));
    let (header, rows) = csv_rows(&out.join("sobol.csv"));
    assert_eq!(
        header,
        [
            "metric",
            "cohort",
            "year",
            "key",
            "s1",
            "s1_low",
            "s1_high",
            "st",
            "st_low",
            "st_high",
            "base_rows"
        ]
    );
    // 20 metrics × (the difference and two cohorts) × 3 keys.
    assert_eq!(rows.len(), 20 * 3 * 3);
    let diff = "networking - connecting";
    // The inert key changes no run, so with common random numbers its
    // total index and both ends of its interval are exactly 0.
    let inert = index_row(
        &rows,
        "referrals_per_month",
        diff,
        "strategies.stay_home.pitch_intensity",
    );
    assert_eq!(&inert[7..10], ["0", "0", "0"], "{inert:?}");
    assert_eq!(inert[10], "8");
    // Trust speed moves networkers' referrals: a total index above 0,
    // inside its interval.
    let trust = index_row(
        &rows,
        "referrals_per_month",
        "networking",
        "relationships.hours_to_trust",
    );
    let (st, low, high) = (number(&trust[7]), number(&trust[8]), number(&trust[9]));
    assert!(st > 0.0 && low <= st && st <= high, "{trust:?}");
    assert!(!out.join("morris.csv").exists());
    for ext in ["png", "svg"] {
        assert!(out
            .join(format!("charts/sobol_referrals_per_month.{ext}"))
            .is_file());
    }
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<figure id=\"sobol_referrals_per_month\">"));
    assert!(html.contains("Jansen (1999)") && html.contains("Saltelli et al. (2010)"));
}

#[test]
fn a_morris_sweep_writes_mu_star_and_sigma_and_an_inert_key_gets_zero() {
    let tmp = TempDir::new().unwrap();
    let file = tiny(tmp.path());
    let out = tmp.path().join("out");
    let mut args = SENSITIVITY.to_vec();
    args.extend(["--design", "morris", "--points", "5"]);
    sweep(&file, &out, &args);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("sweep.json")).unwrap()).unwrap();
    let points = manifest["points"].as_array().unwrap();
    assert_eq!(points.len(), 5 * (3 + 1));
    // Each trajectory starts afresh, then moves every key once.
    assert!(points[0].get("moves").is_none());
    assert!(points[1..4].iter().all(|p| p["moves"].is_string()));
    let (header, rows) = csv_rows(&out.join("morris.csv"));
    assert_eq!(
        header,
        [
            "metric",
            "cohort",
            "year",
            "key",
            "mu_star",
            "mu_star_low",
            "mu_star_high",
            "mu",
            "sigma",
            "trajectories"
        ]
    );
    assert_eq!(rows.len(), 20 * 3 * 3);
    let inert = index_row(
        &rows,
        "referrals_per_month",
        "networking - connecting",
        "strategies.stay_home.pitch_intensity",
    );
    assert_eq!(&inert[4..9], ["0", "0", "0", "0", "0"], "{inert:?}");
    let trust = index_row(
        &rows,
        "referrals_per_month",
        "networking",
        "relationships.hours_to_trust",
    );
    let (mu_star, low, high) = (number(&trust[4]), number(&trust[5]), number(&trust[6]));
    assert!(
        mu_star > 0.0 && low <= mu_star && mu_star <= high,
        "{trust:?}"
    );
    assert!(number(&trust[4]) >= number(&trust[7]).abs());
    assert_eq!(trust[9], "5");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<figure id=\"morris_referrals_per_month\">"));
    assert!(html.contains("Morris 1991"));
}

#[test]
fn a_points_file_is_run_as_written() {
    let tmp = TempDir::new().unwrap();
    let file = tiny(tmp.path());
    let points = write(
        tmp.path(),
        "points.csv",
        "relationships.hours_to_trust,groups.format\n2,open\n8.5,closed\n",
    );
    let out = tmp.path().join("out");
    sweep(&file, &out, &["--points-file", points.to_str().unwrap()]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(manifest["design"], "file");
    assert_eq!(
        manifest["points"][1]["values"],
        serde_json::json!([8.5, "closed"])
    );
    let bad = write(
        tmp.path(),
        "bad.csv",
        "relationships.hours_to_trust\n2\nslow\n",
    );
    netgrow()
        .arg("sweep")
        .arg(&file)
        .args(["--points-file", bad.to_str().unwrap(), "--dry-run"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.csv, line 3, column 1"))
        .stderr(predicate::str::contains("slow"))
        .stderr(predicate::str::contains("not a number"));
}

#[test]
fn every_example_sweep_is_valid() {
    for name in [
        "two-meeting-rule",
        "trust-speed",
        "sensitivity",
        "global-sensitivity",
    ] {
        let file = root().join("scenarios").join(format!("{name}.toml"));
        let text = fs::read_to_string(&file).unwrap();
        assert!(
            text.contains("netgrow sweep scenarios/"),
            "{name} documents its command"
        );
        netgrow()
            .arg("sweep")
            .arg(&file)
            .arg("--dry-run")
            .assert()
            .success()
            .stdout(predicate::str::contains(format!("sweep of {name}")));
    }
}

#[test]
fn sweep_and_merge_help_show_examples() {
    for sub in ["sweep", "merge"] {
        netgrow()
            .args([sub, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"));
    }
}

/// An attribute's number in one SVG element's text.
fn attr(element: &str, name: &str) -> Option<f64> {
    let value = element.split(&format!(" {name}=\"")).nth(1)?;
    value.split('"').next()?.parse().ok()
}

#[test]
fn tornado_value_labels_clear_the_dots_and_the_whisker_caps() {
    let tmp = TempDir::new().unwrap();
    let file = tiny(tmp.path());
    let out = tmp.path().join("oat");
    sweep(
        &file,
        &out,
        &[
            "--design",
            "oat",
            "--vary",
            "relationships.hours_to_trust=1..16:log3",
            "--vary",
            "groups.count=3,4,6",
            "--vary",
            "economy.needs_per_year=2,6,12",
            "--set",
            "output.chart_format=svg",
        ],
    );
    let svg = fs::read_to_string(out.join("charts/tornado_cumulative_revenue.svg")).unwrap();
    let dots: Vec<(f64, f64, f64)> = svg
        .split("<circle")
        .skip(1)
        .filter_map(|e| Some((attr(e, "cx")?, attr(e, "cy")?, attr(e, "r")?)))
        .collect();
    // Whisker caps: the chart's short vertical strokes; the tallest are
    // the caps (tick marks and dashes are shorter).
    let cap_half = svg
        .split("points=\"")
        .skip(1)
        .filter_map(|p| {
            let ends: Vec<(f64, f64)> = p
                .split('"')
                .next()?
                .split_whitespace()
                .filter_map(|xy| {
                    let (x, y) = xy.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect();
            match ends[..] {
                [(x1, y1), (x2, y2)] if x1 == x2 && (y1 - y2).abs() < 120.0 => {
                    Some((y1 - y2).abs() / 2.0)
                }
                _ => None,
            }
        })
        .fold(0.0, f64::max);
    assert!(cap_half > 0.0 && !dots.is_empty());
    let labels: Vec<(f64, f64, String)> = svg
        .split("<text")
        .skip(1)
        .filter_map(|e| {
            let text = e[e.find('>')? + 1..e.find("</text>")?].trim().to_string();
            let value_label = !text.is_empty() && text.chars().all(|c| c.is_ascii_digit());
            value_label.then_some((attr(e, "x")?, attr(e, "y")?, text))
        })
        .collect();
    assert!(labels.len() >= 6, "{labels:?}");
    for (x, y, text) in &labels {
        for (cx, cy, r) in &dots {
            if (x - cx).abs() < 2.0 * r && (y - cy).abs() < 4.0 * cap_half {
                assert!(
                    (y - cy).abs() > cap_half.max(*r),
                    "label {text} at ({x}, {y}) is within a dot or whisker cap at ({cx}, {cy})"
                );
            }
        }
    }
}
