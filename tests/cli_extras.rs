//! What users of ripgrep, hyperfine and cargo expect of a command line:
//! a version that names the code, shell completions, a manual page, and
//! JSON summaries for scripts.

use serde_json::Value;
use tempfile::TempDir;

use crate::common::{netgrow, write, TINY};

/// `netgrow --version`'s line, e.g. "netgrow 0.1.0 (commit 1a2b…, debug build)".
fn version_line() -> String {
    let out = netgrow().arg("--version").assert().success();
    String::from_utf8_lossy(&out.get_output().stdout)
        .trim()
        .to_string()
}

#[test]
fn version_names_the_commit_and_the_build_profile_and_results_record_them() {
    let line = version_line();
    let inner = line
        .split_once(" (commit ")
        .and_then(|(_, rest)| rest.strip_suffix(" build)"))
        .unwrap_or_else(|| panic!("no commit and build in {line:?}"));
    let (commit, profile) = inner.split_once(", ").expect("commit, profile");
    assert!(!commit.is_empty() && !commit.contains(' '), "{commit:?}");
    assert!(["debug", "release"].contains(&profile), "{profile:?}");

    let tmp = TempDir::new().unwrap();
    let file = write(tmp.path(), "tiny.toml", TINY);
    let out = tmp.path().join("run");
    netgrow()
        .args(["run", "--no-charts", "--quiet", "--out"])
        .arg(&out)
        .arg(&file)
        .assert()
        .success();
    let results: Value =
        serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(results["metadata"]["commit"], commit);
    assert_eq!(results["metadata"]["build_profile"], profile);
}

#[test]
fn completions_are_written_for_every_shell_and_know_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = netgrow().args(["completions", shell]).assert().success();
        let script = String::from_utf8_lossy(&out.get_output().stdout).to_string();
        for word in ["netgrow", "sweep", "validate", "replicates"] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
    }
    netgrow()
        .args(["completions", "tcsh"])
        .assert()
        .failure()
        .code(2);
}

#[test]
fn the_manual_page_is_roff_and_documents_every_subcommand() {
    let out = netgrow().arg("man").assert().success();
    let page = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        page.contains(".TH netgrow 1"),
        "{}",
        &page[..200.min(page.len())]
    );
    for sub in [
        "run", "sweep", "merge", "plot", "validate", "graph", "columns",
    ] {
        assert!(page.contains(sub), "the manual page lacks {sub}");
    }
}

#[test]
fn validate_json_prints_the_resolved_scenario_from_standard_input() {
    let out = netgrow()
        .args(["validate", "-", "--json", "--set", "groups.count=5"])
        .write_stdin(TINY)
        .assert()
        .success();
    let scenario: Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    assert_eq!(scenario["simulation"]["name"], "tiny");
    assert_eq!(scenario["groups"]["count"], 5);
    // Defaults are filled in.
    assert_eq!(scenario["markets"]["share"], 0.0);
}

#[test]
fn run_json_prints_where_it_wrote_and_the_paired_differences_instead_of_the_table() {
    let tmp = TempDir::new().unwrap();
    let file = write(tmp.path(), "tiny.toml", TINY);
    let out = tmp.path().join("run");
    let run = netgrow()
        .args(["run", "--json", "--no-charts", "--quiet", "--out"])
        .arg(&out)
        .arg(&file)
        .assert()
        .success();
    let summary: Value = serde_json::from_slice(&run.get_output().stdout).expect("one JSON object");
    assert_eq!(
        summary["dir"].as_str().map(std::path::PathBuf::from),
        Some(out.clone())
    );
    assert!(summary["report"].is_null(), "no report without charts");
    assert_eq!(summary["metadata"]["scenario"], "tiny");
    let comparisons = summary["comparisons"].as_array().expect("comparisons");
    assert_eq!(comparisons[0]["label"], "networking - connecting");
    let end = &comparisons[0]["at_end"];
    assert_eq!(end["year"], 1);
    assert!(end["referrals_per_month"]["difference"]["mean"].is_number());
    assert!(summary["variants"][0]["cohorts"].is_array());
}

#[test]
fn a_run_with_charts_says_where_its_report_is() {
    let tmp = TempDir::new().unwrap();
    let file = write(tmp.path(), "tiny.toml", TINY);
    let out = tmp.path().join("run");
    let run = netgrow()
        .args(["run", "--out"])
        .arg(&out)
        .arg(&file)
        .assert()
        .success();
    let said = String::from_utf8_lossy(&run.get_output().stderr).to_string();
    let report = out.join("report.html");
    assert!(
        said.contains(&format!("report: {}", report.display())),
        "{said}"
    );
    assert!(report.is_file());
}
