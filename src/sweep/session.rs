//! One invocation of `netgrow sweep`: prepare the output directory (fresh,
//! or resumed), run the points not yet done, and finish the sweep.
//!
//! The directory is live while the sweep runs: the manifest and scenario
//! are written first, then each point as it finishes. Resuming compares
//! the manifest the plan would write with the one on disk, byte for byte,
//! so points of a different scenario, seed, design, netgrow version or
//! options are never mixed in; a match means every point file present is
//! one this sweep would write, and only the others run.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use serde::Serialize;

use super::plan::Plan;
use super::results::{self, SweepData};
use super::runner::{self, Progress, Ran};
use super::shard::{self, Shard};
use super::store::{self, Manifest};
use crate::chart::ChartOptions;
use crate::cli::BadInput;

/// Where and how to run.
#[derive(Clone, Debug)]
pub struct Settings {
    pub out: PathBuf,
    pub shard: Option<Shard>,
    pub resume: bool,
    /// Charts to draw when the sweep is complete; `None` for none.
    pub charts: Option<ChartOptions>,
    pub runner: runner::Options,
}

/// What a session did.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub dir: PathBuf,
    pub ran: Ran,
    /// Points already done by an earlier session.
    pub skipped: usize,
    /// Points this directory is responsible for.
    pub assigned: usize,
    /// Whether the sweep was finished (tables, charts, report written):
    /// true unless this is a shard.
    pub finished: bool,
    pub elapsed_seconds: f64,
}

/// `timing.json`: how long the session took. Kept apart from the results,
/// which are identical from run to run.
#[derive(Serialize)]
struct Timing {
    elapsed_seconds: f64,
    threads: usize,
    points_run: usize,
    points_skipped: usize,
    runs: u64,
    person_weeks_per_second: f64,
}

/// The points of `plan` that `settings` makes this directory responsible
/// for.
pub fn assigned(plan: &Plan, shard: Option<Shard>) -> Vec<usize> {
    let total = plan.points.len();
    match shard {
        Some(s) => s.points(total),
        None => (0..total).collect(),
    }
}

/// Runs a sweep session. Call inside the thread pool that should do the
/// work.
pub fn execute(plan: &Plan, settings: &Settings, progress: &dyn Progress) -> Result<Outcome> {
    let started = Instant::now();
    let dir = &settings.out;
    let assigned = assigned(plan, settings.shard);
    prepare_dir(plan, settings)?;
    let mut todo = Vec::new();
    for &p in &assigned {
        match store::read_point(dir, &plan.manifest, p) {
            Ok(Some(_)) => {}
            Ok(None) => todo.push(p),
            Err(e) => {
                // Unreadable or foreign: run it again rather than trust it.
                eprintln!("warning: running point {p} again: {e:#}");
                todo.push(p);
            }
        }
    }
    let skipped = assigned.len() - todo.len();
    let ran = runner::run(plan, &todo, dir, &settings.runner, progress)?;
    let finished = settings.shard.is_none();
    if finished {
        finish(dir, settings.charts.as_ref())?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let timing = Timing {
        elapsed_seconds: elapsed,
        threads: rayon::current_num_threads(),
        points_run: ran.points,
        points_skipped: skipped,
        runs: ran.runs,
        person_weeks_per_second: ran.person_weeks as f64 / elapsed.max(1e-9),
    };
    let json = serde_json::to_string_pretty(&timing).context("cannot encode timing.json")?;
    store::write_file(&dir.join(store::TIMING), (json + "\n").as_bytes())?;
    Ok(Outcome {
        dir: dir.clone(),
        ran,
        skipped,
        assigned: assigned.len(),
        finished,
        elapsed_seconds: elapsed,
    })
}

/// Writes the tables, charts and report of the complete sweep in `dir`.
pub fn finish(dir: &Path, charts: Option<&ChartOptions>) -> Result<SweepData> {
    let data = SweepData::load(dir)?;
    results::write_tables(&data, dir)?;
    if let Some(options) = charts {
        let drawn = super::chart::draw_all(&data, dir, options)?;
        super::report::write_report(&data, dir, &drawn)?;
    }
    Ok(data)
}

/// Makes `settings.out` ready: a fresh directory (clearing an earlier
/// sweep's files), or, with `--resume`, the same sweep's directory.
fn prepare_dir(plan: &Plan, settings: &Settings) -> Result<()> {
    let dir = &settings.out;
    let manifest_bytes = plan.manifest.to_bytes()?;
    let shard_bytes = match settings.shard {
        Some(s) => {
            let json = serde_json::to_string_pretty(&shard::shard_file(&plan.manifest, s))
                .context("cannot encode shard.json")?;
            Some((json + "\n").into_bytes())
        }
        None => None,
    };
    let occupied = dir.is_dir()
        && fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .next()
            .is_some();
    if occupied {
        if !store::is_sweep_dir(dir) {
            return Err(BadInput(format!(
                "{} exists and does not hold a sweep; choose another --out (netgrow will not overwrite other files)",
                dir.display()
            ))
            .into());
        }
        if settings.resume {
            check_resumable(dir, &plan.manifest, &manifest_bytes, settings.shard)?;
        } else {
            store::clear(dir)?;
        }
    }
    let points = dir.join(store::POINTS);
    fs::create_dir_all(&points).with_context(|| format!("cannot create {}", points.display()))?;
    // A point being written when an earlier session was killed left only
    // its temporary file.
    for entry in
        fs::read_dir(&points).with_context(|| format!("cannot read {}", points.display()))?
    {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') && name.ends_with(".partial") {
            fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    store::write_file(&dir.join(store::SCENARIO), plan.scenario_toml.as_bytes())?;
    store::write_file(&dir.join(store::MANIFEST), &manifest_bytes)?;
    if let Some(bytes) = shard_bytes {
        store::write_file(&dir.join(store::SHARD), &bytes)?;
    }
    Ok(())
}

/// Refuses to resume into a directory of another sweep, saying what
/// differs.
fn check_resumable(
    dir: &Path,
    manifest: &Manifest,
    bytes: &[u8],
    shard: Option<Shard>,
) -> Result<()> {
    let how = "run without --resume to start again, or choose another --out";
    let on_disk = match store::read_manifest(dir) {
        Ok(found) => Some(found),
        // Points without a manifest: cannot tell whose they are.
        Err(_) if dir.join(store::POINTS).is_dir() => {
            return Err(BadInput(format!(
                "{} has points but no readable {}; {how}",
                dir.display(),
                store::MANIFEST
            ))
            .into())
        }
        Err(_) => None,
    };
    if let Some((old, old_bytes)) = on_disk {
        if old_bytes != bytes {
            let what = if old.netgrow_version != manifest.netgrow_version {
                format!(
                    "netgrow {}, not {}",
                    old.netgrow_version, manifest.netgrow_version
                )
            } else if old.seed != manifest.seed {
                format!("seed {}, not {}", old.seed, manifest.seed)
            } else if old.scenario_hash != manifest.scenario_hash {
                "a different scenario or sweep definition".to_string()
            } else if old.each_year != manifest.each_year {
                format!("--each-year {}", if old.each_year { "on" } else { "off" })
            } else if old.keep_timeseries != manifest.keep_timeseries {
                format!(
                    "--keep-timeseries {}",
                    if old.keep_timeseries { "on" } else { "off" }
                )
            } else {
                "different settings".to_string()
            };
            return Err(BadInput(format!(
                "cannot resume {}: it holds a sweep with {what}; {how}",
                dir.display()
            ))
            .into());
        }
    }
    let old_shard = store::read_shard(dir)?;
    let same = match (&old_shard, shard) {
        (None, None) => true,
        (Some(s), Some(k)) => s.index == k.index && s.count == k.count,
        _ => false,
    };
    if !same {
        let name = |s: Option<String>| {
            s.map_or_else(|| "the whole sweep".to_string(), |s| format!("shard {s}"))
        };
        return Err(BadInput(format!(
            "cannot resume {}: it holds {}, not {}; {how}",
            dir.display(),
            name(old_shard.map(|s| s.shard)),
            name(shard.map(|s| s.to_string()))
        ))
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::sweep::plan::{prepare_text, Request};
    use crate::sweep::runner::Silent;
    use crate::sweep::tests::TINY;

    /// Four points over two populations (rewiring changes the network).
    fn plan(seed: u64) -> Plan {
        let request = Request {
            vary: vec![
                "population.rewire=0.05,0.2".into(),
                "relationships.hours_to_trust=2,8".into(),
            ],
            ..Request::default()
        };
        let o = vec![crate::scenario::Override::parse(&format!("simulation.seed={seed}")).unwrap()];
        prepare_text(TINY, "tiny.toml", "tiny", o, &request).unwrap()
    }

    fn settings(out: &Path, shard: Option<Shard>, resume: bool, budget: u64) -> Settings {
        Settings {
            out: out.to_path_buf(),
            shard,
            resume,
            charts: None,
            runner: runner::Options {
                keep_timeseries: false,
                world_budget: budget,
            },
        }
    }

    /// Every file under `dir` but the session's timing, by relative path.
    fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p.strip_prefix(dir).unwrap().display().to_string();
                    if rel != store::TIMING && rel != store::SHARD {
                        out.insert(rel, fs::read(&p).unwrap());
                    }
                }
            }
        }
        out
    }

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    #[test]
    fn a_resumed_sweep_writes_what_an_uninterrupted_one_does() {
        let tmp = tempfile::tempdir().unwrap();
        let p = plan(3);
        let whole = tmp.path().join("whole");
        let done = pool(2)
            .install(|| execute(&p, &settings(&whole, None, false, u64::MAX), &Silent))
            .unwrap();
        assert_eq!((done.ran.points, done.skipped), (4, 0));
        assert_eq!(p.populations.len(), 2);

        // Interrupted after points 1 and 2: the manifest and two point
        // files, a half-written file, and no tables.
        let cut = tmp.path().join("cut");
        let s = settings(&cut, None, false, u64::MAX);
        prepare_dir(&p, &s).unwrap();
        runner::run(&p, &[1, 2], &cut, &s.runner, &Silent).unwrap();
        fs::write(
            cut.join(store::POINTS).join(".point-0003.csv.partial"),
            "point,half",
        )
        .unwrap();
        assert!(!cut.join("sweep.csv").exists());
        let resumed = pool(1)
            .install(|| execute(&p, &settings(&cut, None, true, u64::MAX), &Silent))
            .unwrap();
        assert_eq!((resumed.ran.points, resumed.skipped), (2, 2));
        assert_eq!(files(&whole), files(&cut));
    }

    #[test]
    fn batches_of_replicates_and_thread_counts_change_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let p = plan(4);
        // A budget of one byte holds one world at a time.
        let batches = runner::batches(&p, &[0, 1, 2, 3], 1);
        assert_eq!(batches.len(), 4);
        assert!(batches
            .iter()
            .all(|b| b.replicates.len() == 1 && b.points.len() == 2));
        assert_eq!(runner::batches(&p, &[0, 1, 2, 3], u64::MAX).len(), 1);
        let a = tmp.path().join("a");
        let b = tmp.path().join("b");
        pool(2)
            .install(|| execute(&p, &settings(&a, None, false, u64::MAX), &Silent))
            .unwrap();
        pool(1)
            .install(|| execute(&p, &settings(&b, None, false, 1), &Silent))
            .unwrap();
        assert_eq!(files(&a), files(&b));
    }

    #[test]
    fn merged_shards_equal_one_machine_and_mixed_sweeps_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let p = plan(5);
        let whole = tmp.path().join("whole");
        pool(2)
            .install(|| execute(&p, &settings(&whole, None, false, u64::MAX), &Silent))
            .unwrap();
        let mut dirs = Vec::new();
        for k in 1..=3 {
            let d = tmp.path().join(format!("shard{k}"));
            let shard = Some(Shard { index: k, count: 3 });
            let o = pool(2)
                .install(|| execute(&p, &settings(&d, shard, false, u64::MAX), &Silent))
                .unwrap();
            assert!(!o.finished);
            assert!(!d.join("sweep.csv").exists());
            dirs.push(d);
        }
        let merged = tmp.path().join("merged");
        shard::merge(&dirs, &merged).unwrap();
        finish(&merged, None).unwrap();
        assert_eq!(files(&whole), files(&merged));

        // A shard short: the missing points and their shard are named.
        let err = shard::merge(&dirs[..2], &tmp.path().join("m2"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("1 of 4 points are missing: 2") && err.contains("shard 3/3"),
            "{err}"
        );
        // A shard of another seed.
        let other = tmp.path().join("other");
        let q = plan(6);
        pool(2)
            .install(|| {
                execute(
                    &q,
                    &settings(&other, Some(Shard { index: 3, count: 3 }), false, u64::MAX),
                    &Silent,
                )
            })
            .unwrap();
        let mixed = vec![dirs[0].clone(), dirs[1].clone(), other];
        let err = shard::merge(&mixed, &tmp.path().join("m3"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("different seeds (5 and 6)"), "{err}");
        // Resuming into another sweep's directory is refused too.
        let err = pool(2)
            .install(|| execute(&q, &settings(&whole, None, true, u64::MAX), &Silent))
            .unwrap_err()
            .to_string();
        assert!(err.contains("seed 5, not 6"), "{err}");
    }
}
