//! One invocation of `netgrow sweep`: prepare the output directory (fresh,
//! resumed, or staged to replace an earlier sweep), run the points not yet
//! done, and finish the sweep.
//!
//! A fresh directory is live while the sweep runs: its ownership record
//! ([`crate::output::ownership`]) first, then the manifest and scenario,
//! then each point as it finishes. The record names every file before it
//! is written and is brought up to date as points finish, so whatever a
//! killed sweep leaves is known to be netgrow's. Resuming compares the
//! manifest the plan would write with the one on disk, byte for byte, so
//! points of a different scenario, seed, design, netgrow version or
//! options are never mixed in; a match means every point file present is
//! one this sweep would write, and only the others run.
//!
//! A sweep without `--resume` into a directory holding an earlier sweep
//! (or run) does not clear it: the new sweep runs in a hidden staging
//! directory beside it and replaces it only when complete, so the earlier
//! results survive an interruption. Such an interrupted replacement cannot
//! be resumed; the next invocation removes its staging directory.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde::Serialize;

use super::plan::Plan;
use super::results::{self, SweepData};
use super::runner::{self, Progress, Ran};
use super::shard::{self, Shard};
use super::store::{self, Manifest};
use crate::chart::ChartOptions;
use crate::error::BadInput;
use crate::output::ownership::{self, Kind, Owned};

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
    let kind = if settings.shard.is_some() {
        Kind::Shard
    } else {
        Kind::Sweep
    };
    let claim = ownership::claim(&settings.out)?;
    if settings.resume && claim.kind() == Some(Kind::Run) {
        return Err(BadInput(format!(
            "cannot resume {}: it holds a run, not a sweep; run without --resume to replace it, or choose another --out",
            settings.out.display()
        ))
        .into());
    }
    if claim.is_fresh() || settings.resume {
        let mut owned = claim.in_place(kind)?;
        return session(plan, settings, &mut owned, progress);
    }
    // Replacing an earlier sweep: it stays as it is until this one is
    // complete.
    let mut staging = claim.stage(kind)?;
    let fresh = Settings {
        resume: false,
        ..settings.clone()
    };
    let mut outcome = session(plan, &fresh, staging.owned_mut(), progress)?;
    outcome.dir = staging.commit()?;
    Ok(outcome)
}

/// Runs the session in `owned`'s directory, fresh or resumed.
fn session(
    plan: &Plan,
    settings: &Settings,
    owned: &mut Owned,
    progress: &dyn Progress,
) -> Result<Outcome> {
    let started = Instant::now();
    let dir = owned.dir().to_path_buf();
    let manifest = &plan.manifest;
    let assigned = assigned(plan, settings.shard);
    prepare_dir(plan, settings, owned)?;
    let mut todo = Vec::new();
    // Points an interrupted session finished before its record was saved.
    let mut finished_earlier = Vec::new();
    for &p in &assigned {
        match store::read_point(&dir, manifest, p) {
            Ok(Some(_)) => finished_earlier.extend(
                point_files(manifest, p)
                    .into_iter()
                    .filter(|f| owned.is_writing(f)),
            ),
            Ok(None) => todo.push(p),
            Err(e) => {
                // A point file is written whole or not at all, so one that
                // does not read back was changed after netgrow wrote it:
                // refuse it rather than run over it or trust it.
                return Err(e.context(format!(
                    "cannot resume: point {p} in {} does not read back as netgrow wrote it; move the file away to run the point again",
                    dir.display()
                )));
            }
        }
    }
    owned.wrote(&finished_earlier)?;
    let skipped = assigned.len() - todo.len();
    let mut writing: Vec<String> = todo
        .iter()
        .flat_map(|&p| point_files(manifest, p))
        .collect();
    writing.push(store::TIMING.to_string());
    owned.will_write(&writing)?;
    // Created once its files are in the record, so it is known to be
    // netgrow's from the start.
    if !todo.is_empty() {
        let points = dir.join(store::POINTS);
        fs::create_dir_all(&points)
            .with_context(|| format!("cannot create {}", points.display()))?;
    }
    let ran = {
        let recording = Recording::new(progress, manifest, owned);
        let ran = runner::run(plan, &todo, &dir, &settings.runner, &recording)?;
        recording.into_inner().save()?;
        ran
    };
    let finished = settings.shard.is_none();
    if finished {
        finish(owned, settings.charts.as_ref())?;
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
    owned.wrote([store::TIMING])?;
    Ok(Outcome {
        dir,
        ran,
        skipped,
        assigned: assigned.len(),
        finished,
        elapsed_seconds: elapsed,
    })
}

/// A point's files, relative to the sweep directory.
fn point_files(manifest: &Manifest, point: usize) -> Vec<String> {
    let mut files = vec![format!("{}/{}", store::POINTS, manifest.point_file(point))];
    if manifest.keep_timeseries {
        files.push(format!(
            "{}/{}",
            store::POINTS,
            manifest.timeseries_file(point)
        ));
    }
    files
}

/// Passes progress on, and records each point's files as it is written,
/// saving the record at most about once a second (and never for more than
/// a twentieth of the time), so a sweep of many points does not spend its
/// time rewriting the record. The record already names every point as
/// being written, so one not yet saved as written is still netgrow's.
struct Recording<'a> {
    inner: &'a dyn Progress,
    manifest: &'a Manifest,
    state: Mutex<Pace<'a>>,
}

struct Pace<'a> {
    owned: &'a mut Owned,
    saved: Instant,
    cost: Duration,
}

impl<'a> Recording<'a> {
    fn new(inner: &'a dyn Progress, manifest: &'a Manifest, owned: &'a mut Owned) -> Self {
        Recording {
            inner,
            manifest,
            state: Mutex::new(Pace {
                owned,
                saved: Instant::now(),
                cost: Duration::ZERO,
            }),
        }
    }

    fn into_inner(self) -> &'a mut Owned {
        self.state
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .owned
    }
}

impl Progress for Recording<'_> {
    fn start(&self, points: usize, runs: u64) {
        self.inner.start(points, runs);
    }

    fn run_done(&self) {
        self.inner.run_done();
    }

    fn point_done(&self, point: usize) {
        {
            let mut pace = self
                .state
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            // A failure here leaves the point listed as being written (still
            // netgrow's); the session records it again when it ends, and
            // reports any error then.
            for file in point_files(self.manifest, point) {
                let _ = pace.owned.note(&file);
            }
            if pace.saved.elapsed() >= Duration::from_secs(1).max(pace.cost * 20) {
                let began = Instant::now();
                let _ = pace.owned.save();
                pace.cost = began.elapsed();
                pace.saved = Instant::now();
            }
        }
        self.inner.point_done(point);
    }
}

/// Redraws the charts and report of the complete sweep in `dir` from its
/// files (`netgrow plot` on a sweep directory): only a directory netgrow
/// wrote as a sweep or a merge, and only charts and a report it drew
/// itself, are replaced. Returns the files written.
pub fn redraw(dir: &Path, options: &ChartOptions) -> Result<Vec<PathBuf>> {
    let mut owned = Owned::open_any(dir, &[Kind::Sweep, Kind::Merge])?;
    let data = SweepData::load(dir)?;
    let mut files: Vec<String> = Vec::new();
    for c in super::chart::charts(&data) {
        for ext in options.format.extensions() {
            files.push(format!("charts/{}.{ext}", c.name()));
        }
    }
    files.push("report.html".to_string());
    owned.check_replaceable(&files)?;
    owned.will_write(&files)?;
    let mut drawn = super::chart::draw_all(&data, dir, options)?;
    drawn.push(super::report::write_report(&data, dir, &drawn)?);
    owned.wrote(&files)?;
    Ok(drawn)
}

/// Writes the tables, charts and report of the complete sweep in `owned`'s
/// directory, recording them.
pub fn finish(owned: &mut Owned, charts: Option<&ChartOptions>) -> Result<SweepData> {
    let dir = owned.dir().to_path_buf();
    let data = SweepData::load(&dir)?;
    let mut files = results::table_files(&data);
    if let Some(options) = charts {
        for c in super::chart::charts(&data) {
            for ext in options.format.extensions() {
                files.push(format!("charts/{}.{ext}", c.name()));
            }
        }
        files.push("report.html".to_string());
    }
    owned.will_write(&files)?;
    results::write_tables(&data, &dir)?;
    if let Some(options) = charts {
        let drawn = super::chart::draw_all(&data, &dir, options)?;
        super::report::write_report(&data, &dir, &drawn)?;
    }
    owned.wrote(&files)?;
    Ok(data)
}

/// Makes `owned`'s directory ready: a fresh one gets the manifest and
/// scenario; with `--resume`, the directory must hold the same sweep.
fn prepare_dir(plan: &Plan, settings: &Settings, owned: &mut Owned) -> Result<()> {
    let dir = owned.dir().to_path_buf();
    let manifest_bytes = plan.manifest.to_bytes()?;
    let shard_bytes = match settings.shard {
        Some(s) => {
            let json = serde_json::to_string_pretty(&shard::shard_file(&plan.manifest, s))
                .context("cannot encode shard.json")?;
            Some((json + "\n").into_bytes())
        }
        None => None,
    };
    if settings.resume {
        check_resumable(&dir, &plan.manifest, &manifest_bytes, settings.shard)?;
    }
    let mut files = vec![store::SCENARIO, store::MANIFEST];
    if shard_bytes.is_some() {
        files.push(store::SHARD);
    }
    owned.will_write(&files)?;
    let points = dir.join(store::POINTS);
    // A point being written when an earlier session was killed left only
    // its temporary file (netgrow's: the directory was checked against its
    // record before this session began).
    let leftovers = match fs::read_dir(&points) {
        Ok(entries) => entries.collect::<Result<Vec<_>, _>>(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
    .with_context(|| format!("cannot read {}", points.display()))?;
    for entry in leftovers {
        let path = entry.path();
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
    owned.wrote(&files)
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
    let (old, old_bytes) = match store::read_manifest(dir) {
        Ok(found) => found,
        // Points without a manifest: cannot tell whose they are.
        Err(_) if dir.join(store::POINTS).is_dir() => {
            return Err(BadInput(format!(
                "{} has points but no readable {}; {how}",
                dir.display(),
                store::MANIFEST
            ))
            .into())
        }
        // Nothing there yet: a fresh start, whatever the shard.
        Err(_) => return Ok(()),
    };
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

    /// Every file under `dir` but the session's timing, a shard's own
    /// description and the ownership record (which lists the timing), by
    /// relative path.
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
                    if rel != store::TIMING && rel != store::SHARD && rel != ownership::RECORD {
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
        let mut owned = ownership::claim(&cut)
            .unwrap()
            .in_place(Kind::Sweep)
            .unwrap();
        prepare_dir(&p, &s, &mut owned).unwrap();
        // What a killed session leaves: every point named in the record as
        // being written, two of them finished but not yet recorded.
        owned
            .will_write((0..4).flat_map(|i| point_files(&p.manifest, i)))
            .unwrap();
        fs::create_dir(cut.join(store::POINTS)).unwrap();
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
        let mut owned = ownership::claim(&merged)
            .unwrap()
            .in_place(Kind::Merge)
            .unwrap();
        shard::merge(&dirs, &merged).unwrap();
        finish(&mut owned, None).unwrap();
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
