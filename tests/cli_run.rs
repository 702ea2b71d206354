//! `netgrow run`: files written, reproducibility, thread independence and
//! safe output.

use std::fs;
use std::path::Path;

use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{netgrow, scenario_files};

const TIMESERIES_COLUMNS: [&str; 22] = [
    "variant",
    "replicate",
    "week",
    "cohort",
    "members",
    "meetings_attended",
    "conversations",
    "people_known",
    "trusted_ties",
    "referrals_received_hop1",
    "referrals_received_hop2plus",
    "referrals_given",
    "direct_sales",
    "repeat_sales",
    "pitch_sales",
    "referral_revenue",
    "direct_revenue",
    "repeat_revenue",
    "pitch_revenue",
    "hours",
    "cost",
    "groups_left",
];

fn header(path: &Path) -> Vec<String> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.headers().unwrap().iter().map(String::from).collect()
}

/// Runs `file` quickly (few replicates, one year) into `out`.
fn quick_run(file: &Path, out: &Path, extra: &[&str]) {
    netgrow()
        .arg("run")
        .arg(file)
        .args(["--replicates", "2", "--years", "1", "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_example_scenario_runs_and_writes_every_file() {
    let tmp = TempDir::new().unwrap();
    for file in scenario_files() {
        // City-sized scenarios take minutes: they are validated (see
        // cli_validate) and benchmarked, not run here.
        let scenario = netgrow::scenario::Scenario::load(&file, &[]).unwrap();
        if scenario.population.size > 200_000 {
            continue;
        }
        let out = tmp.path().join(file.file_stem().unwrap());
        quick_run(&file, &out, &[]);
        for name in netgrow::output::RUN_FILES {
            assert!(
                out.join(name).is_file(),
                "{} missing {name}",
                file.display()
            );
        }
        let ts = header(&out.join("timeseries.csv"));
        for col in TIMESERIES_COLUMNS {
            assert!(ts.iter().any(|c| c == col), "timeseries.csv lacks {col}");
        }
        for kind in [
            "advice",
            "suppliers",
            "information",
            "support",
            "feedback",
            "friends",
        ] {
            assert!(
                ts.iter().any(|c| c == &format!("value_{kind}")),
                "no value_{kind}"
            );
        }
        assert_eq!(
            header(&out.join("summary.csv")),
            ["variant", "cohort", "week", "metric", "mean", "sd", "ci_low", "ci_high", "n"]
        );
        let members = header(&out.join("members.csv"));
        for col in [
            "cohort",
            "profession",
            "referrals_received",
            "revenue",
            "hours",
            "trusted_ties",
            "groups_left",
        ] {
            assert!(members.iter().any(|c| c == col), "members.csv lacks {col}");
        }
        let results: serde_json::Value =
            serde_json::from_slice(&read(&out.join("results.json"))).unwrap();
        assert_eq!(results["metadata"]["replicates"], 2);
        assert!(
            results["metadata"]["person_weeks_per_second"]
                .as_f64()
                .unwrap()
                > 0.0
        );
        assert!(!results["variants"].as_array().unwrap().is_empty());
    }
}

#[test]
fn the_resolved_scenario_reproduces_the_run_byte_for_byte() {
    let tmp = TempDir::new().unwrap();
    let first = tmp.path().join("first");
    let second = tmp.path().join("second");
    quick_run(
        Path::new("scenarios/connecting-vs-networking.toml"),
        &first,
        &["--seed", "99"],
    );
    netgrow()
        .arg("run")
        .arg(first.join("scenario.toml"))
        .args(["--quiet", "--out"])
        .arg(&second)
        .assert()
        .success();
    for name in [
        "scenario.toml",
        "timeseries.csv",
        "summary.csv",
        "members.csv",
        "ego_networks.json",
        "network.json",
    ] {
        assert!(
            read(&first.join(name)) == read(&second.join(name)),
            "{name} differs"
        );
    }
    assert!(fs::read_to_string(first.join("scenario.toml"))
        .unwrap()
        .contains("seed = 99"));
}

#[test]
fn one_and_two_threads_give_identical_files() {
    let tmp = TempDir::new().unwrap();
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    let file = Path::new("scenarios/connecting-vs-networking.toml");
    quick_run(file, &one, &["--threads", "1"]);
    quick_run(file, &two, &["--threads", "2"]);
    for name in [
        "timeseries.csv",
        "summary.csv",
        "members.csv",
        "ego_networks.json",
    ] {
        assert!(
            read(&one.join(name)) == read(&two.join(name)),
            "{name} differs"
        );
    }
}

#[test]
fn the_table_reports_each_cohort_and_the_crossover() {
    let tmp = TempDir::new().unwrap();
    netgrow()
        .args([
            "run",
            "scenarios/connecting-vs-networking.toml",
            "--replicates",
            "2",
            "--years",
            "2",
            "--quiet",
            "--out",
        ])
        .arg(tmp.path().join("t"))
        .assert()
        .success()
        .stdout(predicate::str::contains("connecting"))
        .stdout(predicate::str::contains("networking"))
        .stdout(predicate::str::contains("refs/mo yr 1"))
        .stdout(predicate::str::contains("rev/h home"))
        .stdout(predicate::str::contains("paired differences a − b"))
        .stdout(predicate::str::contains("networking - connecting"))
        .stdout(predicate::str::contains("in total referrals in"))
        .stdout(predicate::str::contains("of 2 replicates"))
        .stderr(predicate::str::is_empty());
}

#[test]
fn a_failed_run_leaves_previous_results_untouched() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("keep");
    quick_run(
        Path::new("scenarios/connecting-vs-networking.toml"),
        &out,
        &[],
    );
    let before = read(&out.join("timeseries.csv"));
    netgrow()
        .args([
            "run",
            "scenarios/connecting-vs-networking.toml",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .args(["--set", "economy.max_hops=0"])
        .assert()
        .code(2);
    assert!(read(&out.join("timeseries.csv")) == before);
    let leftovers: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary directories left: {leftovers:?}"
    );
}

#[test]
fn an_unwritable_destination_is_an_error_not_a_panic() {
    let tmp = TempDir::new().unwrap();
    let blocker = tmp.path().join("file");
    fs::write(&blocker, "not a directory").unwrap();
    netgrow()
        .args([
            "run",
            "scenarios/connecting-vs-networking.toml",
            "--replicates",
            "1",
            "--years",
            "1",
            "--quiet",
            "--out",
        ])
        .arg(blocker.join("out"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot create"));
}

#[test]
fn a_scenario_too_big_for_memory_is_refused_before_allocating() {
    // 40 million people × 250 acquaintances × 20 replicates is far beyond
    // any machine this runs on; the estimate must stop it up front.
    netgrow()
        .args([
            "run",
            "scenarios/connecting-vs-networking.toml",
            "--quiet",
            "--no-charts",
        ])
        .args([
            "--set",
            "population.size=40000000",
            "--set",
            "groups.count=2000",
        ])
        .args(["--out"])
        .arg(TempDir::new().unwrap().path().join("big"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs about"))
        .stderr(predicate::str::contains("population.acquaintances"));
}
