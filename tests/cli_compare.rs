//! `netgrow compare`: two runs of the default scenario that differ in one
//! key, side by side.

use std::fs;
use std::path::Path;

use crate::common::netgrow;

/// Runs the default scenario small into `dir`, with `extra` overrides.
fn small_run(dir: &Path, extra: &[&str]) {
    let mut cmd = netgrow();
    cmd.args([
        "run",
        "scenarios/connecting-vs-networking.toml",
        "--replicates",
        "2",
        "--years",
        "1",
        "--set",
        "population.size=2000",
        "--set",
        "cohorts.connecting.members=40",
        "--set",
        "cohorts.networking.members=40",
        "--no-charts",
        "--quiet",
    ]);
    for set in extra {
        cmd.args(["--set", set]);
    }
    cmd.arg("--out").arg(dir).assert().success();
}

#[test]
fn compare_lists_the_changed_key_and_writes_both_runs_figures() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (a, b, out) = (
        tmp.path().join("before"),
        tmp.path().join("after"),
        tmp.path().join("cmp"),
    );
    small_run(&a, &[]);
    small_run(&b, &["economy.value_of_time=20"]);
    let done = netgrow()
        .arg("compare")
        .arg(&a)
        .arg(&b)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&done.get_output().stdout).into_owned();
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).into_owned();
    assert!(
        stdout.contains("economy.value_of_time: 40.0 → 20.0"),
        "{stdout}"
    );
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("  ")).count(),
        1,
        "only one key differs: {stdout}"
    );
    assert!(stderr.contains("comparison.html"), "{stderr}");
    for f in netgrow::report::compare_runs::FILES {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let keys = fs::read_to_string(out.join("scenario_differences.csv")).expect("csv");
    assert_eq!(keys, "key,a,b\neconomy.value_of_time,40.0,20.0\n");
    let csv = fs::read_to_string(out.join("comparison.csv")).expect("csv");
    let net: Vec<Vec<&str>> = csv
        .lines()
        .filter(|l| l.starts_with("net_value,"))
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(net.len(), 4, "two runs × two cohorts: {net:?}");
    // Cheaper time: the same revenue, a smaller cost, so a higher net value.
    for pair in net.chunks(2) {
        let (x, y): (f64, f64) = (
            pair[0][5].parse().expect("mean"),
            pair[1][5].parse().expect("mean"),
        );
        assert!(y > x, "net value A {x}, B {y}");
    }
    let html = fs::read_to_string(out.join("comparison.html")).expect("html");
    assert!(html.contains("economy.value_of_time") && html.contains("<svg"));
    assert!(!html.contains("http"), "the page loads nothing");
}

#[test]
fn compare_names_the_directory_and_what_is_missing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let a = tmp.path().join("run");
    small_run(&a, &[]);
    let b = tmp.path().join("half");
    fs::create_dir(&b).expect("dir");
    fs::copy(a.join("results.json"), b.join("results.json")).expect("copy");
    let done = netgrow().arg("compare").arg(&a).arg(&b).assert().code(2);
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).into_owned();
    assert!(stderr.contains(&b.display().to_string()), "{stderr}");
    assert!(stderr.contains("summary.csv"), "{stderr}");
}

#[test]
fn compare_never_writes_over_a_run() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    small_run(&a, &[]);
    small_run(&b, &["simulation.seed=7"]);
    let before = fs::read(b.join("results.json")).expect("results");
    let done = netgrow()
        .arg("compare")
        .arg(&a)
        .arg(&b)
        .arg("--out")
        .arg(&b)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).into_owned();
    assert!(stderr.contains("not a comparison"), "{stderr}");
    assert_eq!(fs::read(b.join("results.json")).expect("results"), before);
}

#[test]
fn a_run_says_where_its_report_is() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("run");
    let done = netgrow()
        .args([
            "run",
            "scenarios/connecting-vs-networking.toml",
            "--replicates",
            "2",
            "--years",
            "1",
            "--set",
            "population.size=2000",
            "--set",
            "cohorts.connecting.members=40",
            "--set",
            "cohorts.networking.members=40",
            "--out",
        ])
        .arg(&dir)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).into_owned();
    let report = dir.join("report.html");
    assert!(
        stderr.contains(&format!("report: {}", report.display())),
        "{stderr}"
    );
    assert!(report.is_file());
}
