//! `netgrow validate`: every example scenario passes and round-trips, and
//! each class of bad input fails with exit code 2 and a located message.

use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{netgrow, scenario_files, write};

#[test]
fn every_example_scenario_validates_and_round_trips() {
    let files = scenario_files();
    assert!(
        files.len() >= 3,
        "expected example scenarios, found {files:?}"
    );
    let dir = TempDir::new().unwrap();
    for file in files {
        let first = netgrow().arg("validate").arg(&file).assert().success();
        let resolved = String::from_utf8(first.get_output().stdout.clone()).unwrap();
        let again = write(dir.path(), "resolved.toml", &resolved);
        let second = netgrow().arg("validate").arg(&again).assert().success();
        let twice = String::from_utf8(second.get_output().stdout.clone()).unwrap();
        // Names default to the file stem, so the resolved file carries it
        // explicitly; everything else must come back identical.
        assert_eq!(resolved, twice, "{} does not round-trip", file.display());
    }
}

#[test]
fn a_three_line_scenario_is_enough() {
    let dir = TempDir::new().unwrap();
    let f = write(dir.path(), "tiny.toml", "[population]\nsize = 3000\n");
    netgrow()
        .arg("validate")
        .arg(&f)
        .assert()
        .success()
        .stdout(predicate::str::contains("size = 3000"))
        .stdout(predicate::str::contains("hours_to_trust = 8.0"))
        .stdout(predicate::str::contains("[strategies.connecting]"));
}

#[test]
fn set_overrides_are_applied_and_checked() {
    netgrow()
        .args(["validate", "scenarios/connecting-vs-networking.toml"])
        .args(["--set", "population.size=50000"])
        .assert()
        .success()
        .stdout(predicate::str::contains("size = 50000"));
    netgrow()
        .args(["validate", "scenarios/connecting-vs-networking.toml"])
        .args(["--set", "economy.repeat_rate=1.7"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "economy.repeat_rate = 1.7 (--set economy.repeat_rate=1.7)",
        ))
        .stderr(predicate::str::contains("between 0 and 1"));
    netgrow()
        .args([
            "validate",
            "scenarios/connecting-vs-networking.toml",
            "--set",
            "population.size",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected KEY=VALUE"));
}

/// Runs `validate` on `text` and returns stderr, asserting exit code 2.
fn rejected(text: &str) -> String {
    let dir = TempDir::new().unwrap();
    let f = write(dir.path(), "bad.toml", text);
    let out = netgrow().arg("validate").arg(&f).assert().code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("bad.toml"),
        "error names the file: {stderr}"
    );
    assert!(out.get_output().stdout.is_empty(), "nothing on stdout");
    stderr
}

#[test]
fn syntax_errors_are_located() {
    let e = rejected("[population]\nsize = = 4\n");
    assert!(e.contains("line 2"), "{e}");
}

#[test]
fn wrong_types_are_named() {
    let e = rejected("[groups]\ncount = \"twenty\"\n");
    assert!(
        e.contains("groups.count = \"twenty\" (line 2, column 9)"),
        "{e}"
    );
    assert!(e.contains("expected a whole number"), "{e}");
}

#[test]
fn out_of_range_values_are_caught() {
    let e = rejected("[strategies.networking]\ngenerosity = 1.7\n");
    assert!(e.contains("strategies.networking.generosity = 1.7"), "{e}");
    assert!(e.contains("probability between 0 and 1"), "{e}");
    let e = rejected("[population]\nsize = -10\n");
    assert!(e.contains("population.size = -10"), "{e}");
}

#[test]
fn unknown_keys_suggest_the_nearest() {
    let e = rejected("[relationships]\nhours_to_trsut = 5\n");
    assert!(e.contains("did you mean `hours_to_trust`?"), "{e}");
}

#[test]
fn contradictions_are_caught() {
    let e = rejected("[population]\nacquaintances = 10\nclose_ties = 15\n");
    assert!(e.contains("population.close_ties"), "{e}");
    let e = rejected("[population]\nsize = 200\nacquaintances = 20\n[groups]\ncount = 20\nseats = 20\n[cohorts.networking]\nmembers = 10\n");
    assert!(e.contains("group seats"), "{e}");
}

#[test]
fn bad_distributions_are_caught() {
    let e = rejected("[population.traits]\nmemory_half_life_weeks = { dist = \"lognormal\", mean = -3, sd = 1 }\n");
    assert!(
        e.contains("population.traits.memory_half_life_weeks.mean = -3"),
        "{e}"
    );
}

#[test]
fn all_problems_are_reported_at_once() {
    let e = rejected(
        "[simulation]\nyears = 0\n[economy]\nmax_hops = 9\n[groups]\nformat = \"secret\"\n",
    );
    assert!(e.contains("3 problems"), "{e}");
    for key in ["simulation.years", "economy.max_hops", "groups.format"] {
        assert!(e.contains(key), "{key} missing from {e}");
    }
}

#[test]
fn a_missing_file_is_bad_input() {
    netgrow()
        .args(["validate", "scenarios/no-such-file.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-file.toml"));
}

#[test]
fn every_subcommand_help_has_an_example() {
    for sub in ["validate", "graph", "run"] {
        netgrow()
            .args([sub, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"));
    }
}

#[test]
fn the_readme_documents_every_key() {
    let readme = std::fs::read_to_string(crate::common::root().join("README.md")).unwrap();
    let scenario = netgrow::scenario::Scenario::load(
        std::path::Path::new("scenarios/group-formats.toml"),
        &[],
    )
    .unwrap();
    let table = toml::Table::try_from(&scenario).unwrap();
    let mut missing = Vec::new();
    for (section, value) in &table {
        let Some(keys) = value.as_table() else {
            continue;
        };
        let keys: Vec<&String> = match section.as_str() {
            // Named tables: document the keys of one entry.
            "strategies" | "cohorts" => keys
                .values()
                .filter_map(|v| v.as_table())
                .flat_map(|t| t.keys())
                .collect(),
            _ => keys.keys().collect(),
        };
        for key in keys {
            if !readme.contains(&format!("`{key}`")) {
                missing.push(format!("{section}.{key}"));
            }
        }
    }
    for key in [
        "memory_half_life_weeks",
        "generosity",
        "sociability",
        "extra_professions",
        "based_on",
    ] {
        if !readme.contains(&format!("`{key}`")) {
            missing.push(key.to_string());
        }
    }
    assert!(missing.is_empty(), "README lacks {missing:?}");
}
