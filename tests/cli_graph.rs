//! `netgrow graph`: the acquaintance network described as text and JSON.

use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{netgrow, write};

#[test]
fn graph_json_describes_the_network() {
    let dir = TempDir::new().unwrap();
    let f = write(
        dir.path(),
        "g.toml",
        "[population]\nsize = 3000\nacquaintances = 40\nclose_ties = 10\n[groups]\ncount = 5\n[cohorts.networking]\nmembers = 20\n",
    );
    let out = netgrow()
        .args(["graph", "--sources", "50", "--json"])
        .arg(&f)
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["people"], 3000);
    let edges = v["edges"].as_u64().unwrap();
    let mean = v["degree"]["mean"].as_f64().unwrap();
    assert!(
        (mean - 2.0 * edges as f64 / 3000.0).abs() < 1e-9,
        "degree sum = 2 × edges"
    );
    assert!((mean - 40.0).abs() < 2.0, "mean degree {mean}");
    let c = v["clustering"]["value"].as_f64().unwrap();
    assert!(c > 0.3, "a small world is clustered: {c}");
    let within = v["separation"]["within"].as_array().unwrap();
    assert_eq!(within.len(), 6);
    let shares: Vec<f64> = within
        .iter()
        .map(|h| h["share"].as_f64().unwrap())
        .collect();
    assert!(
        shares.windows(2).all(|w| w[0] <= w[1]),
        "cumulative shares rise: {shares:?}"
    );
    assert_eq!(v["separation"]["sources"], 50);
}

#[test]
fn graph_text_tests_the_five_contacts_claim() {
    netgrow()
        .args([
            "graph",
            "scenarios/connecting-vs-networking.toml",
            "--sources",
            "20",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("five contacts away"))
        .stdout(predicate::str::contains("clustering"));
}

#[test]
fn same_seed_same_graph_other_seed_other_graph() {
    let run = |seed: &str| {
        let out = netgrow()
            .args([
                "graph",
                "scenarios/connecting-vs-networking.toml",
                "--sources",
                "10",
                "--json",
            ])
            .args([
                "--set",
                &format!("simulation.seed={seed}"),
                "--set",
                "population.size=2000",
            ])
            .assert()
            .success();
        out.get_output().stdout.clone()
    };
    assert_eq!(run("5"), run("5"));
    assert_ne!(run("5"), run("6"));
}

/// A run's `network.json` describes replicate 0's world as `netgrow graph`
/// does with as many sources: both seed the analysis from the world they
/// analyse, so they sample the same people and report the same separation.
#[test]
fn graph_and_a_runs_network_json_agree_on_separation() {
    let dir = TempDir::new().unwrap();
    let f = write(
        dir.path(),
        "g.toml",
        "[simulation]\nseed = 11\n[population]\nsize = 3000\nacquaintances = 40\nclose_ties = 10\n[groups]\ncount = 5\n[cohorts.networking]\nmembers = 20\n",
    );
    let out = dir.path().join("run");
    netgrow()
        .arg("run")
        .arg(&f)
        .args(["--replicates", "1", "--years", "1", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("network.json")).unwrap()).unwrap();
    let sources = run["separation"]["sources"].as_u64().unwrap();
    // Fewer sources than people, so which people are drawn matters.
    assert!(sources < 3000, "{sources} sources");
    let graph = netgrow()
        .args(["graph", "--replicate", "0", "--json", "--sources"])
        .arg(sources.to_string())
        .arg(&f)
        .assert()
        .success();
    let graph: serde_json::Value = serde_json::from_slice(&graph.get_output().stdout).unwrap();
    assert_eq!(graph["separation"], run["separation"]);
    assert_eq!(graph["clustering"], run["clustering"]);
}
