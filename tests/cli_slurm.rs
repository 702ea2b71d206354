//! Sweeps on Slurm: `--shard slurm` outside an array task is refused with
//! exit code 2 naming the variables, `--emit-slurm` writes a submit script,
//! and — only when `NETGROW_SLURM_TEST=1` (as `.ci/run` sets; needs root on
//! Debian) — `scripts/slurm/cluster-test.sh` brings up a real single-node
//! cluster, runs a sweep as a job array and checks the merge is
//! byte-identical to one machine. Elsewhere that test says it was skipped
//! and passes, so `cargo test` needs no Slurm.

use std::io::Write;
use std::process::Command;

use predicates::prelude::*;

use crate::common::{netgrow, root};

const SLURM_VARS: [&str; 5] = [
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_STEP",
];

#[test]
fn shard_slurm_outside_an_array_task_is_refused_naming_the_variables() {
    let mut cmd = netgrow();
    for var in SLURM_VARS {
        cmd.env_remove(var);
    }
    cmd.args([
        "sweep",
        "scenarios/trust-speed.toml",
        "--shard",
        "slurm",
        "--dry-run",
    ])
    .assert()
    .code(2)
    .stderr(
        predicate::str::contains("SLURM_ARRAY_TASK_ID")
            .and(predicate::str::contains("SLURM_ARRAY_TASK_COUNT"))
            .and(predicate::str::contains("--shard K/N")),
    );
}

#[test]
fn shard_slurm_takes_the_array_task() {
    let mut cmd = netgrow();
    for var in SLURM_VARS {
        cmd.env_remove(var);
    }
    cmd.env("SLURM_ARRAY_TASK_ID", "0")
        .env("SLURM_ARRAY_TASK_MIN", "0")
        .env("SLURM_ARRAY_TASK_MAX", "4")
        .env("SLURM_ARRAY_TASK_COUNT", "5")
        .args([
            "sweep",
            "scenarios/trust-speed.toml",
            "--shard",
            "slurm",
            "--dry-run",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("shard 1/5: 9 point(s)"));
}

#[test]
fn emit_slurm_writes_an_array_and_a_dependent_merge() {
    let out = netgrow()
        .args([
            "sweep",
            "scenarios/trust-speed.toml",
            "--set",
            "population.size=1500",
            "--emit-slurm",
            "8",
            "--out",
            "/tmp/ts",
        ])
        .output()
        .expect("netgrow runs");
    assert!(out.status.success(), "{out:?}");
    let script = String::from_utf8(out.stdout).expect("UTF-8");
    for line in [
        "#SBATCH --array=1-8",
        "--dependency=\"afterok:$job\"",
        "'sweep' 'scenarios/trust-speed.toml' '--set' 'population.size=1500'",
        "--shard \"$SLURM_ARRAY_TASK_ID/$SHARDS\"",
        "--resume",
        "OUT='/tmp/ts'",
        "merge \"${dirs[@]}\" --out \"$OUT\"",
    ] {
        assert!(script.contains(line), "no {line} in\n{script}");
    }
    assert!(!script.contains("'--emit-slurm'"), "{script}");
    // More shards than points is refused.
    netgrow()
        .args(["sweep", "scenarios/trust-speed.toml", "--emit-slurm", "46"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("only 45 point(s)"));
}

/// Written straight to stderr, past the test harness's capture, so
/// `cargo test` shows it.
fn tell(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

#[test]
fn slurm_cluster_sweep_matches_one_machine() {
    if std::env::var("NETGROW_SLURM_TEST").as_deref() != Ok("1") {
        tell("cluster test skipped: set NETGROW_SLURM_TEST=1 (root, Debian) to run scripts/slurm/cluster-test.sh");
        return;
    }
    let out = Command::new("bash")
        .arg(root().join("scripts/slurm/cluster-test.sh"))
        .env("NETGROW", env!("CARGO_BIN_EXE_netgrow"))
        .output()
        .expect("bash runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "cluster test failed:\n{text}");
    let pass = text.lines().rfind(|l| l.contains("PASS"));
    tell(pass.unwrap_or("cluster test passed"));
}
