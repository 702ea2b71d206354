//! Running a sweep's points: one flat parallel loop over (point,
//! replicate), each finished point written to disk at once.
//!
//! Replicate r of every point runs on the same world — built once from the
//! population settings, the seed and r — and draws from the same random
//! streams (they are named by seed, replicate, week and entity, never by
//! point), so points differ only where their parameters make them differ:
//! common random numbers, as between the variants of `netgrow run`.
//!
//! Worlds are built before the loop and shared read-only. A sweep whose
//! points vary the population needs one world per population and
//! replicate; to bound memory, points are run in *batches* whose worlds fit
//! a budget (by default half the memory available). When even one
//! population's replicates do not fit, its replicates are split across
//! batches and its points finish with the last of them.
//!
//! A point's replicates are collected as they finish, in any order and on
//! any thread; when the last arrives the point is summarised and written
//! (see [`super::store`]). Everything written depends only on the point and
//! its replicates, never on timing or thread count.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context, Result};
use rayon::prelude::*;

use super::measure::{self, RunFigures};
use super::plan::Plan;
use super::store::{self, PointData};
use crate::engine::simulate;
use crate::metrics::Row;
use crate::population::World;

/// How to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Write each point's weekly rows too.
    pub keep_timeseries: bool,
    /// Bytes of worlds to hold at once (an estimate; see
    /// [`world_bytes`] and [`Options::budget`]).
    pub world_budget: u64,
}

impl Options {
    /// The memory left for worlds once `threads` runs are in flight, from
    /// [`crate::resources`]' estimates and what the system reports
    /// available (2 GiB for worlds where it does not say). Refuses, with
    /// the estimate, a sweep that cannot fit even one world at a time.
    pub fn budget(plan: &Plan, threads: usize) -> Result<u64, String> {
        let mut world = 0u64;
        let mut runs = 0u64;
        for g in 0..plan.populations.len() {
            world = world.max(world_bytes(plan, g));
            let mut s = plan.populations[g].clone();
            s.simulation.replicates = plan.base.simulation.replicates;
            let all = crate::resources::estimate(&s, threads as u64).total();
            let worlds = world_bytes(plan, g).saturating_mul(u64::from(s.simulation.replicates));
            runs = runs.max(all.saturating_sub(worlds));
        }
        match crate::resources::available_bytes() {
            Some(available) if world.saturating_add(runs) > available => Err(format!(
                "the sweep needs about {} for one world and the runs in flight, but only {} is available: lower population.size or --threads",
                crate::resources::gib(world.saturating_add(runs)),
                crate::resources::gib(available)
            )),
            Some(available) => Ok(available - runs),
            None => Ok(2 << 30),
        }
    }
}

/// Reports progress; called from any thread.
pub trait Progress: Sync {
    /// The session will run `points` points, `runs` runs in all.
    fn start(&self, _points: usize, _runs: u64) {}
    /// One run (a point's replicate) finished.
    fn run_done(&self) {}
    /// A point finished and was written.
    fn point_done(&self, _point: usize) {}
}

/// Progress nobody watches.
pub struct Silent;

impl Progress for Silent {}

/// What a session ran.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Ran {
    pub points: usize,
    pub runs: u64,
    pub person_weeks: u64,
}

/// An estimate of one world's memory for population `g`: what one more
/// replicate adds to [`crate::resources::estimate`].
pub fn world_bytes(plan: &Plan, population: usize) -> u64 {
    let mut s = plan.populations[population].clone();
    s.simulation.replicates = 1;
    let one = crate::resources::estimate(&s, 1).total();
    s.simulation.replicates = 2;
    crate::resources::estimate(&s, 1)
        .total()
        .saturating_sub(one)
}

/// Points to run together and the replicates to run them for.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    pub points: Vec<usize>,
    pub replicates: Range<u32>,
}

/// Splits `todo` into batches whose worlds fit `budget`: whole populations
/// together while they fit, a population's replicates split when one alone
/// does not.
pub fn batches(plan: &Plan, todo: &[usize], budget: u64) -> Vec<Batch> {
    let reps = plan.base.simulation.replicates;
    // Populations in order of their first point still to run.
    let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
    for &p in todo {
        let g = plan.population_of[p];
        match groups.iter_mut().find(|(h, _)| *h == g) {
            Some((_, points)) => points.push(p),
            None => groups.push((g, vec![p])),
        }
    }
    let mut out = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut used = 0u64;
    for (g, points) in groups {
        let one = world_bytes(plan, g).max(1);
        let need = one.saturating_mul(u64::from(reps));
        if need <= budget {
            if used + need > budget && !current.is_empty() {
                out.push(Batch {
                    points: std::mem::take(&mut current),
                    replicates: 0..reps,
                });
                used = 0;
            }
            current.extend(points);
            used += need;
        } else {
            if !current.is_empty() {
                out.push(Batch {
                    points: std::mem::take(&mut current),
                    replicates: 0..reps,
                });
                used = 0;
            }
            let per = (budget / one).clamp(1, u64::from(reps)) as u32;
            let mut start = 0;
            while start < reps {
                let end = (start + per).min(reps);
                out.push(Batch {
                    points: points.clone(),
                    replicates: start..end,
                });
                start = end;
            }
        }
    }
    if !current.is_empty() {
        // Points in sweep order within a batch, so they finish roughly in
        // order.
        current.sort_unstable();
        out.push(Batch {
            points: current,
            replicates: 0..reps,
        });
    }
    for b in &mut out {
        b.points.sort_unstable();
    }
    out
}

/// One replicate's figures, and its weekly rows (`rows[week][cohort]`)
/// when the time series is kept.
type Replicate = (RunFigures, Option<Vec<Vec<Row>>>);

/// A point's replicates as they come in.
struct Partial {
    runs: Vec<Option<Replicate>>,
    done: u32,
}

/// Runs the points `todo` of `plan`, writing each into `dir` as it
/// finishes. Call inside the thread pool that should do the work.
pub fn run(
    plan: &Plan,
    todo: &[usize],
    dir: &Path,
    options: &Options,
    progress: &dyn Progress,
) -> Result<Ran> {
    let reps = plan.base.simulation.replicates;
    let seed = plan.base.simulation.seed;
    let slot_of: HashMap<usize, usize> = todo.iter().enumerate().map(|(i, &p)| (p, i)).collect();
    let partial: Vec<Mutex<Partial>> = todo
        .iter()
        .map(|_| {
            Mutex::new(Partial {
                runs: (0..reps).map(|_| None).collect(),
                done: 0,
            })
        })
        .collect();
    let person_weeks = std::sync::atomic::AtomicU64::new(0);
    progress.start(todo.len(), todo.len() as u64 * u64::from(reps));
    for batch in batches(plan, todo, options.world_budget) {
        let mut needed: Vec<(usize, u32)> = Vec::new();
        for &p in &batch.points {
            for r in batch.replicates.clone() {
                let key = (plan.population_of[p], r);
                if !needed.contains(&key) {
                    needed.push(key);
                }
            }
        }
        let worlds: Vec<World> = needed
            .par_iter()
            .map(|&(g, r)| World::build(&plan.populations[g], World::seed(seed, r)))
            .collect();
        let world_of: HashMap<(usize, u32), usize> =
            needed.iter().enumerate().map(|(i, &k)| (k, i)).collect();
        let tasks: Vec<(usize, u32)> = batch
            .points
            .iter()
            .flat_map(|&p| batch.replicates.clone().map(move |r| (p, r)))
            .collect();
        tasks.par_iter().try_for_each(|&(p, r)| -> Result<()> {
            let scenario = plan
                .scenario(p)
                .with_context(|| format!("sweep point {p}"))?;
            let world = &worlds[world_of[&(plan.population_of[p], r)]];
            let result = simulate(&scenario, world, r);
            person_weeks.fetch_add(result.person_weeks, std::sync::atomic::Ordering::Relaxed);
            let weeks = options.keep_timeseries.then(|| result.rows.clone());
            let figures = measure::figures(&scenario, result);
            progress.run_done();
            let finished = {
                let mut slot = partial[slot_of[&p]]
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                slot.runs[r as usize] = Some((figures, weeks));
                slot.done += 1;
                (slot.done == reps).then(|| std::mem::take(&mut slot.runs))
            };
            if let Some(runs) = finished {
                write_point(plan, dir, p, runs)?;
                progress.point_done(p);
            }
            Ok(())
        })?;
    }
    Ok(Ran {
        points: todo.len(),
        runs: todo.len() as u64 * u64::from(reps),
        person_weeks: person_weeks.into_inner(),
    })
}

/// Summarises a point's replicates and writes its files (the time series
/// first, so a point file always has its series beside it).
fn write_point(plan: &Plan, dir: &Path, point: usize, runs: Vec<Option<Replicate>>) -> Result<()> {
    let runs: Vec<Replicate> = runs.into_iter().flatten().collect();
    let manifest = &plan.manifest;
    if manifest.keep_timeseries {
        let rows: Vec<Vec<Vec<Row>>> = runs.iter().filter_map(|(_, w)| w.clone()).collect();
        store::write_timeseries(dir, manifest, point, &rows)?;
    }
    let cohorts = manifest.cohorts.len();
    let years = manifest.years as usize;
    let replicates = (0..cohorts)
        .map(|c| {
            (0..years)
                .map(|y| {
                    (0..measure::HEADLINES.len())
                        .map(|m| {
                            runs.iter()
                                .map(|(f, _)| {
                                    f.values
                                        .get(c)
                                        .and_then(|v| v.get(y))
                                        .and_then(|v| v.get(m))
                                        .copied()
                                        .unwrap_or(f64::NAN)
                                })
                                .collect()
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    store::write_point(dir, manifest, &PointData { point, replicates })
}
