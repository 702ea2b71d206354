//! Golden outputs: every example scenario, run small, must write exactly
//! the files recorded in `tests/golden/`.
//!
//! Each case runs the real binary on an example scenario shrunk to a town
//! of 2,000 (two replicates, two years) and hashes every file it writes —
//! CSV, JSON, charts, report — except the measurements of the run itself
//! (wall time, throughput, thread count, `timing.json`), which differ from
//! run to run. A refactor must leave every hash as it is; a change to the
//! model or to an output changes them on purpose. Then regenerate them with
//! `scripts/bless-golden` and say in the commit why they changed.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use tempfile::TempDir;

use crate::common::{netgrow, root};

/// Shrinks an example scenario to a size that runs in well under a second.
const SMALL: [&str; 7] = [
    "population.size=2000",
    "population.acquaintances=60",
    "population.close_ties=10",
    "groups.count=6",
    "groups.seats=20",
    "simulation.replicates=2",
    "simulation.years=2",
];

/// 80 members, as cohorts or as a room (with six focal members).
fn small_members(scenario_text: &str) -> &'static [&'static str] {
    if scenario_text.contains("\n[focal]") {
        &["room.members=74", "focal.members=6"]
    } else if scenario_text.contains("\n[room]") {
        &["room.members=80"]
    } else {
        &[
            "cohorts.connecting.members=40",
            "cohorts.networking.members=40",
        ]
    }
}

/// One golden case: a command on an example scenario, and its extra
/// arguments.
struct Case {
    name: &'static str,
    command: &'static str,
    scenario: &'static str,
    extra: &'static [&'static str],
}

const CASES: [Case; 11] = [
    Case {
        name: "run-connecting-vs-networking",
        command: "run",
        scenario: "connecting-vs-networking",
        extra: &[],
    },
    Case {
        name: "run-group-formats",
        command: "run",
        scenario: "group-formats",
        extra: &[],
    },
    Case {
        name: "run-patience",
        command: "run",
        scenario: "patience",
        extra: &[],
    },
    Case {
        name: "run-if-i-network",
        command: "run",
        scenario: "if-i-network",
        extra: &[],
    },
    Case {
        name: "run-connecting-done-right",
        command: "run",
        scenario: "connecting-done-right",
        extra: &[],
    },
    Case {
        name: "run-referral-group",
        command: "run",
        scenario: "referral-group",
        extra: &[],
    },
    Case {
        name: "run-city",
        command: "run",
        scenario: "city",
        extra: &[],
    },
    Case {
        name: "sweep-two-meeting-rule",
        command: "sweep",
        scenario: "two-meeting-rule",
        extra: &["--vary", "strategies.connecting.patience_meetings=1,2,6"],
    },
    Case {
        name: "sweep-trust-speed",
        command: "sweep",
        scenario: "trust-speed",
        extra: &[
            "--vary",
            "relationships.hours_to_trust=1..16:log3",
            "--vary",
            "strategies.networking.generosity=0.2,0.8",
        ],
    },
    Case {
        name: "sweep-sensitivity",
        command: "sweep",
        scenario: "sensitivity",
        extra: &["--set", "simulation.years=1"],
    },
    Case {
        name: "sweep-global-sensitivity",
        command: "sweep",
        scenario: "global-sensitivity",
        extra: &["--points", "2", "--set", "simulation.years=1"],
    },
];

/// FNV-1a, 64 bits: stable across platforms and Rust versions.
fn hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Measurements of the run itself, not results: left out of the hashes.
const MEASUREMENTS: [&str; 4] = [
    "elapsed_seconds",
    "person_weeks_per_second",
    "needs_per_second",
    "threads",
];

/// Which build wrote a file: it changes with every commit and between
/// `cargo test` and `cargo test --release`, not with results.
const BUILD: [&str; 2] = ["commit", "build_profile"];

/// A JSON file with the run's measurements and build taken out.
fn without_measurements(bytes: &[u8]) -> Vec<u8> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes).expect("valid JSON");
    if let Some(metadata) = value
        .get_mut("metadata")
        .and_then(serde_json::Value::as_object_mut)
    {
        for key in MEASUREMENTS.iter().chain(&BUILD) {
            metadata.remove(*key);
        }
    }
    serde_json::to_vec_pretty(&value).expect("JSON re-encodes")
}

/// Every file under `dir` with its hash, by path relative to `dir`.
fn hashes(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("readable output directory") {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(dir)
                .expect("under the output directory")
                .to_string_lossy()
                .replace('\\', "/");
            // The ownership record lists the hashes of results.json and
            // timing.json, measurements included, so it differs from run
            // to run like them.
            if rel == "timing.json" || rel == "written-by-netgrow.json" {
                continue;
            }
            let bytes = fs::read(&path).expect("readable output file");
            let bytes = if rel == "results.json" {
                without_measurements(&bytes)
            } else {
                bytes
            };
            out.insert(rel, hash(&bytes));
        }
    }
    out
}

fn golden_path(case: &Case) -> std::path::PathBuf {
    root()
        .join("tests")
        .join("golden")
        .join(format!("{}.txt", case.name))
}

fn run_case(case: &Case, out: &Path) -> BTreeMap<String, String> {
    let file = root()
        .join("scenarios")
        .join(format!("{}.toml", case.scenario));
    let mut cmd = netgrow();
    cmd.arg(case.command)
        .arg(&file)
        .arg("--quiet")
        .arg("--out")
        .arg(out);
    let text = std::fs::read_to_string(&file).expect("example scenario readable");
    for set in SMALL.iter().chain(small_members(&text)) {
        cmd.args(["--set", set]);
    }
    cmd.args(case.extra).assert().success();
    hashes(out)
}

fn render(hashes: &BTreeMap<String, String>) -> String {
    hashes
        .iter()
        .map(|(path, h)| format!("{h}  {path}\n"))
        .collect()
}

#[test]
fn example_scenarios_write_their_golden_outputs() {
    let bless = std::env::var_os("NETGROW_BLESS").is_some();
    let tmp = TempDir::new().unwrap();
    let mut failures = Vec::new();
    for case in &CASES {
        let got = render(&run_case(case, &tmp.path().join(case.name)));
        let path = golden_path(case);
        if bless {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, &got).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&path).unwrap_or_default();
        if got != expected {
            let old: BTreeMap<&str, &str> = expected
                .lines()
                .filter_map(|l| l.split_once("  ").map(|(h, p)| (p, h)))
                .collect();
            let new: BTreeMap<&str, &str> = got
                .lines()
                .filter_map(|l| l.split_once("  ").map(|(h, p)| (p, h)))
                .collect();
            let mut changed: Vec<String> = Vec::new();
            for (p, h) in &new {
                match old.get(p) {
                    Some(o) if o == h => {}
                    Some(_) => changed.push(format!("changed {p}")),
                    None => changed.push(format!("new {p}")),
                }
            }
            changed.extend(
                old.keys()
                    .filter(|p| !new.contains_key(*p))
                    .map(|p| format!("gone {p}")),
            );
            failures.push(format!("{}: {}", case.name, changed.join(", ")));
        }
    }
    assert!(
        failures.is_empty(),
        "outputs differ from tests/golden/:\n  {}\nIf the change is intended, run scripts/bless-golden and say why in the commit.",
        failures.join("\n  ")
    );
}
