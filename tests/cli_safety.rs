//! Output safety: `run`, `sweep`, `merge` and `plot` replace only what
//! netgrow wrote itself. Each destructive case runs in a temporary
//! directory holding files of the user's, and checks that every one of them
//! is still there byte for byte (usually: that nothing in the directory
//! changed at all) and that the refusal exits with code 2 naming the path.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::assert::Assert;
use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{netgrow, root, write, TINY};

/// The record every directory netgrow writes carries.
const RECORD: &str = "written-by-netgrow.json";

/// A run small enough to take a moment.
const SMALL: [&str; 8] = [
    "--set",
    "population.size=2000",
    "--replicates",
    "2",
    "--years",
    "1",
    "--no-charts",
    "--quiet",
];

/// Two points of [`TINY`].
const TWO_POINTS: [&str; 3] = [
    "--vary",
    "strategies.connecting.patience_meetings=1,2",
    "--no-charts",
];

fn example() -> PathBuf {
    root().join("scenarios/connecting-vs-networking.toml")
}

/// `netgrow run` of the example, small, into `out`.
fn run(out: &Path, extra: &[&str]) -> Assert {
    netgrow()
        .arg("run")
        .arg(example())
        .args(SMALL)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
}

/// `netgrow sweep FILE` into `out`.
fn sweep(file: &Path, out: &Path, extra: &[&str]) -> Assert {
    netgrow()
        .arg("sweep")
        .arg(file)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .assert()
}

/// Everything under `dir`: each file's bytes, each folder, each link's
/// target, by relative path.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(dir).unwrap().display().to_string();
            let meta = fs::symlink_metadata(&path).unwrap();
            let value = if meta.is_symlink() {
                format!("link to {}", fs::read_link(&path).unwrap().display()).into_bytes()
            } else if meta.is_dir() {
                stack.push(path);
                b"folder".to_vec()
            } else {
                fs::read(&path).unwrap()
            };
            out.insert(rel, value);
        }
    }
    out
}

/// Asserts nothing under `dir` changed since `before` was taken.
fn unchanged(dir: &Path, before: &BTreeMap<String, Vec<u8>>) {
    let after = snapshot(dir);
    let names = |s: &BTreeMap<String, Vec<u8>>| s.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&after), names(before), "entries changed");
    for (name, bytes) in before {
        assert!(&after[name] == bytes, "{name} changed");
    }
}

/// Hidden entries (netgrow's staging and set-aside names) in `dir`.
fn hidden(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

/// The error of a refused command: exit code 2, the path named, and the
/// way out.
fn refused(assert: Assert, path: &Path) -> String {
    let out = assert.code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&path.display().to_string()),
        "{} not named: {stderr}",
        path.display()
    );
    stderr
}

#[test]
fn a_run_into_a_folder_of_earlier_runs_and_notes_is_refused() {
    let tmp = TempDir::new().unwrap();
    let output = tmp.path().join("output");
    run(&output.join("a"), &[]).success();
    run(&output.join("b"), &["--seed", "2"]).success();
    fs::write(output.join("NOTES.txt"), "x\n").unwrap();
    let before = snapshot(tmp.path());
    let err = refused(run(&output, &[]), &output);
    assert!(err.contains("NOTES.txt") && err.contains("a/"), "{err}");
    assert!(err.contains("choose another --out"), "{err}");
    unchanged(tmp.path(), &before);
}

#[test]
fn a_scenario_naming_a_users_folder_as_its_output_is_refused() {
    let tmp = TempDir::new().unwrap();
    let home = tmp.path().join("home");
    fs::create_dir_all(home.join("Documents")).unwrap();
    fs::write(home.join("Documents/thesis.txt"), "three years of work").unwrap();
    let scenario = TINY.replace("name = \"tiny\"", "name = \"Documents\"")
        + &format!("\n[output]\ndir = {:?}\n", home.display().to_string());
    let file = write(tmp.path(), "documents.toml", &scenario);
    let before = snapshot(tmp.path());
    let err = refused(
        netgrow().arg("run").arg(&file).args(SMALL).assert(),
        &home.join("Documents"),
    );
    assert!(err.contains("thesis.txt"), "{err}");
    unchanged(tmp.path(), &before);
}

#[test]
fn a_file_at_the_destination_is_refused_and_left_where_it_is() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("results");
    fs::write(&out, "a file of mine").unwrap();
    let before = snapshot(tmp.path());
    let err = refused(run(&out, &[]), &out);
    assert!(err.contains("is a file"), "{err}");
    unchanged(tmp.path(), &before);
    assert!(hidden(tmp.path()).is_empty());
}

#[test]
#[cfg(unix)]
fn a_link_at_the_destination_is_refused_even_to_a_run() {
    let tmp = TempDir::new().unwrap();
    let target = tmp.path().join("run");
    run(&target, &[]).success();
    let link = tmp.path().join("latest");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let before = snapshot(tmp.path());
    let err = refused(run(&link, &[]), &link);
    assert!(err.contains("symbolic link"), "{err}");
    unchanged(tmp.path(), &before);
}

#[test]
fn a_run_replaces_its_own_earlier_run_and_leaves_nothing_behind() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("run");
    run(&out, &["--seed", "1"]).success();
    assert!(out.join(RECORD).is_file());
    run(&out, &["--seed", "2"]).success();
    let scenario = fs::read_to_string(out.join("scenario.toml")).unwrap();
    assert!(scenario.contains("seed = 2"), "not replaced");
    let record: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join(RECORD)).unwrap()).unwrap();
    assert_eq!(record["kind"], "run");
    let listed: Vec<&str> = record["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    let mut on_disk: Vec<String> = snapshot(&out).into_keys().filter(|f| f != RECORD).collect();
    on_disk.sort();
    assert_eq!(listed, on_disk);
    assert!(hidden(tmp.path()).is_empty(), "{:?}", hidden(tmp.path()));
}

#[test]
fn a_run_folder_with_a_file_added_or_edited_is_refused() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("run");
    run(&out, &[]).success();

    fs::write(out.join("my-notes.md"), "keep me").unwrap();
    let before = snapshot(tmp.path());
    let err = refused(run(&out, &[]), &out);
    assert!(
        err.contains("my-notes.md (not written by netgrow)"),
        "{err}"
    );
    unchanged(tmp.path(), &before);
    fs::remove_file(out.join("my-notes.md")).unwrap();

    let summary = out.join("summary.csv");
    let mut edited = fs::read(&summary).unwrap();
    edited.extend_from_slice(b"my own row\n");
    fs::write(&summary, &edited).unwrap();
    let before = snapshot(tmp.path());
    let err = refused(run(&out, &[]), &out);
    assert!(
        err.contains("summary.csv (changed since netgrow wrote it)"),
        "{err}"
    );
    unchanged(tmp.path(), &before);
}

#[test]
fn a_new_sweep_killed_while_replacing_a_finished_one_leaves_it_intact() {
    let tmp = TempDir::new().unwrap();
    // Big enough that sixteen points take seconds on one thread.
    let file = write(
        tmp.path(),
        "slow.toml",
        &TINY
            .replace("size = 300", "size = 20000")
            .replace("acquaintances = 20", "acquaintances = 40"),
    );
    let out = tmp.path().join("sweep");
    sweep(&file, &out, &TWO_POINTS).success();
    let before = snapshot(&out);

    let mut child = Command::new(env!("CARGO_BIN_EXE_netgrow"))
        .current_dir(root())
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .args(["--vary", "strategies.connecting.patience_meetings=1..16:1"])
        .args(["--seed", "9", "--threads", "1", "--quiet"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let staging = tmp.path().join(format!(".sweep.tmp-{}", child.id()));
    let points_written = || {
        fs::read_dir(staging.join("points")).map_or(0, |d| {
            d.filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("point-"))
            })
            .count()
        })
    };
    // Killed mid-sweep: once it has written a point beside the finished
    // sweep, or once the finished sweep's table is gone.
    let started = Instant::now();
    while points_written() == 0 && out.join("sweep.csv").exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the new sweep ended before it could be killed"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no sweep began"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    unchanged(&out, &before);
    assert!(points_written() > 0);

    // The next invocation removes the killed sweep's staging folder, and
    // the finished sweep resumes as complete.
    sweep(&file, &out, &[&TWO_POINTS[..], &["--resume"]].concat()).success();
    let timing: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("timing.json")).unwrap()).unwrap();
    assert_eq!(
        (&timing["points_run"], &timing["points_skipped"]),
        (&0.into(), &2.into())
    );
    assert!(hidden(tmp.path()).is_empty(), "{:?}", hidden(tmp.path()));
}

#[test]
fn a_merge_into_a_folder_of_notes_and_figures_is_refused() {
    let tmp = TempDir::new().unwrap();
    let file = write(tmp.path(), "tiny.toml", TINY);
    let mut shards = Vec::new();
    for k in 1..=2 {
        let dir = tmp.path().join(format!("shard-{k}"));
        let shard = format!("{k}/2");
        sweep(
            &file,
            &dir,
            &[&TWO_POINTS[..], &["--shard", &shard]].concat(),
        )
        .success();
        shards.push(dir);
    }
    let out = tmp.path().join("analysis");
    fs::create_dir_all(out.join("my_figures")).unwrap();
    fs::write(out.join("NOTES.md"), "# what I found").unwrap();
    fs::write(out.join("my_figures/fig1.svg"), "<svg/>").unwrap();
    let before = snapshot(tmp.path());
    let err = refused(
        netgrow()
            .arg("merge")
            .args(&shards)
            .arg("--out")
            .arg(&out)
            .arg("--no-charts")
            .assert(),
        &out,
    );
    assert!(
        err.contains("NOTES.md") && err.contains("my_figures/"),
        "{err}"
    );
    unchanged(tmp.path(), &before);

    // Into a fresh folder it merges, and merging again replaces its own.
    let merged = tmp.path().join("merged");
    for _ in 0..2 {
        netgrow()
            .arg("merge")
            .args(&shards)
            .arg("--out")
            .arg(&merged)
            .args(["--no-charts", "--quiet"])
            .assert()
            .success();
    }
    let record = fs::read_to_string(merged.join(RECORD)).unwrap();
    assert!(record.contains("\"kind\": \"merge\""), "{record}");
    assert!(hidden(tmp.path()).is_empty());
}

#[test]
fn a_folder_with_a_points_subfolder_is_not_taken_for_a_sweep() {
    let tmp = TempDir::new().unwrap();
    let file = write(tmp.path(), "tiny.toml", TINY);
    let out = tmp.path().join("thesis");
    fs::create_dir_all(out.join("points")).unwrap();
    fs::write(out.join("thesis.tex"), "\\documentclass{book}").unwrap();
    fs::write(out.join("points/survey.csv"), "respondent,answer\n1,yes\n").unwrap();
    let before = snapshot(tmp.path());
    for resume in [false, true] {
        let mut args = TWO_POINTS.to_vec();
        if resume {
            args.push("--resume");
        }
        let err = refused(sweep(&file, &out, &args), &out);
        assert!(err.contains("thesis.tex"), "{err}");
        unchanged(tmp.path(), &before);
    }
}

#[test]
#[cfg(unix)]
fn an_unwritable_output_location_fails_before_simulating() {
    let tmp = TempDir::new().unwrap();
    let locked = tmp.path().join("locked");
    fs::create_dir(&locked).unwrap();
    let mut perms = fs::metadata(&locked).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o555);
    fs::set_permissions(&locked, perms).unwrap();
    // Whoever may write there anyway (root) gets a parent that is a file.
    let parent = if fs::write(locked.join("probe"), "").is_ok() {
        let file = tmp.path().join("a-file");
        fs::write(&file, "").unwrap();
        file
    } else {
        locked.clone()
    };
    let started = Instant::now();
    // Fifty years of twenty replicates take minutes to simulate: failing
    // well within the time limit means failing before simulating.
    let assert = netgrow()
        .arg("run")
        .arg(example())
        .args(["--years", "50", "--replicates", "20", "--quiet", "--out"])
        .arg(parent.join("out"))
        .timeout(Duration::from_secs(60))
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&parent.display().to_string()),
        "{}: {stderr}",
        parent.display()
    );
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
// Only Linux tells whether a process is alive.
#[cfg(target_os = "linux")]
fn an_interrupted_commit_is_restored_and_dead_leftovers_are_removed() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("run");
    run(&out, &["--seed", "1"]).success();
    // A process id no process can have: above the system's maximum.
    let dead: u32 = fs::read_to_string("/proc/sys/kernel/pid_max")
        .unwrap()
        .trim()
        .parse::<u32>()
        .unwrap()
        + 1;
    // Killed between its two renames: the run moved aside, the
    // destination missing, and its half-written successor beside it.
    let old = tmp.path().join(format!(".run.old-{dead}"));
    fs::rename(&out, &old).unwrap();
    let staging = tmp.path().join(format!(".run.tmp-{dead}"));
    fs::create_dir(&staging).unwrap();
    fs::write(
        staging.join(RECORD),
        r#"{"netgrow_version": "0.1.0", "kind": "run", "files": [], "writing": ["summary.csv"]}"#,
    )
    .unwrap();
    fs::write(staging.join("summary.csv"), "variant,coh").unwrap();

    run(&out, &["--seed", "2"])
        .success()
        .stderr(predicate::str::contains(format!(
            "restored {}",
            out.display()
        )));
    assert!(fs::read_to_string(out.join("scenario.toml"))
        .unwrap()
        .contains("seed = 2"));
    assert!(hidden(tmp.path()).is_empty(), "{:?}", hidden(tmp.path()));
}

#[test]
fn plot_redraws_only_in_a_run_folder_and_only_its_own_charts() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("run");
    netgrow()
        .arg("run")
        .arg(example())
        .args(&SMALL[..6])
        .args(["--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let chart = out.join("charts/separation.svg");
    fs::write(&chart, "<svg><!-- my annotations --></svg>").unwrap();
    let before = snapshot(tmp.path());
    let err = refused(netgrow().arg("plot").arg(&out).assert(), &out);
    assert!(err.contains("charts/separation.svg (changed"), "{err}");
    unchanged(tmp.path(), &before);

    // A copy of a run without its record is not a run netgrow wrote.
    fs::remove_file(&chart).unwrap();
    let copy = tmp.path().join("copy");
    fs::create_dir(&copy).unwrap();
    for name in netgrow::output::RUN_FILES {
        fs::copy(out.join(name), copy.join(name)).unwrap();
    }
    let before = snapshot(&copy);
    refused(netgrow().arg("plot").arg(&copy).assert(), &copy);
    unchanged(&copy, &before);

    // Its own run folder it redraws, and records what it drew.
    netgrow()
        .arg("plot")
        .arg(&out)
        .args(["--format", "svg", "--quiet"])
        .assert()
        .success();
    let record = fs::read_to_string(out.join(RECORD)).unwrap();
    assert!(record.contains("charts/separation.svg"), "{record}");
    run(&out, &[]).success();
}
