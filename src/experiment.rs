//! Running an experiment: every variant × replicate, in parallel.
//!
//! The worlds come first — one per replicate and distinct population
//! settings, built in parallel and shared read-only by the variants that
//! use them (common random numbers). Then one flat `into_par_iter()` over
//! (variant, replicate) simulates every run. Each run owns its random
//! streams, named by seed and replicate, and results are collected in
//! (variant, replicate) order, so the outcome is the same whatever the
//! number of threads.
//!
//! With `simulation.baseline` (the default), every variant is also run
//! with every member staying home ([`stay_home_baseline`]): the same
//! people, joining and churning as in the variant, but never networking.
//! What they earn there is each run's `baseline_revenue`, replicate by
//! replicate, so revenue above it is a paired difference. Variants whose
//! baselines are the same run share it.

use std::time::Instant;

use rayon::prelude::*;

use crate::engine::{simulate, RunResult};
use crate::metrics::Metric;
use crate::population::network::analysis::{self, NetworkReport};
use crate::population::World;
use crate::scenario::{built_in_strategies, Scenario, Strategy};
use crate::streams::{self, Purpose};

/// Sets each week's `baseline_revenue` of `run` to what the same cohort
/// earned in its stay-home `baseline`, per member.
fn credit_baseline(run: &mut RunResult, baseline: &RunResult) {
    for (week, home) in run.rows.iter_mut().zip(&baseline.rows) {
        for (row, home) in week.iter_mut().zip(home) {
            row.set(Metric::BaselineRevenue, home.get(Metric::Revenue));
        }
    }
    for (member, home) in run.members.iter_mut().zip(&baseline.members) {
        for (totals, home) in [
            (&mut member.totals, &home.totals),
            (&mut member.final_year, &home.final_year),
        ] {
            totals.set(Metric::BaselineRevenue, home.get(Metric::Revenue));
        }
    }
}

/// Most sources of the sampled breadth-first searches that measure
/// separation for a run's `network.json`.
pub const NETWORK_SOURCES: usize = 100;

/// Tie visits the run's separation measurement may spend: each source's
/// search visits every tie, so a city-sized network gets fewer sources
/// (never fewer than 10) instead of dominating the run. `netgrow graph
/// --sources N` measures with as many as asked.
const NETWORK_VISITS: u64 = 2_500_000_000;

/// Sources for a network with `directed` tie entries.
pub fn network_sources(directed: u64) -> usize {
    (NETWORK_VISITS / directed.max(1)).clamp(10, NETWORK_SOURCES as u64) as usize
}

/// The seed of the analysis of a world built from `world_seed`: which
/// people its searches start from and which triples it samples. A run's
/// `network.json` (replicate 0's world) and `netgrow graph --replicate r`
/// both take it from the world analysed, so they agree on the same world.
pub fn analysis_seed(world_seed: u64) -> u64 {
    streams::seed_of(world_seed, Purpose::Analysis, &[])
}

/// All runs of an experiment and how long they took.
#[derive(Debug)]
pub struct Experiment {
    /// The resolved scenario the runs came from.
    pub scenario: Scenario,
    /// Variant (arm) names in order.
    pub arms: Vec<String>,
    /// Cohort names of each arm.
    pub cohorts: Vec<Vec<String>>,
    pub replicates: u32,
    /// `runs[arm * replicates + replicate]`.
    pub runs: Vec<RunResult>,
    /// Whether each run's `baseline_revenue` comes from a stay-home
    /// baseline (`simulation.baseline`).
    pub baseline: bool,
    pub elapsed_seconds: f64,
    pub threads: usize,
    /// The acquaintance network of replicate 0's world (first variant).
    pub network: NetworkReport,
}

impl Experiment {
    /// The run of `arm`'s replicate `rep`.
    pub fn run(&self, arm: usize, rep: usize) -> &RunResult {
        &self.runs[arm * self.replicates as usize + rep]
    }

    /// Person-weeks simulated per second of wall time.
    pub fn person_weeks_per_second(&self) -> f64 {
        let total: u64 = self.runs.iter().map(|r| r.person_weeks).sum();
        total as f64 / self.elapsed_seconds.max(1e-9)
    }

    /// Needs resolved per second of wall time.
    pub fn needs_per_second(&self) -> f64 {
        let total: u64 = self.runs.iter().map(|r| r.needs.needs).sum();
        total as f64 / self.elapsed_seconds.max(1e-9)
    }
}

/// The runs an experiment makes: each variant × replicate, and, with
/// `simulation.baseline`, each distinct stay-home baseline × replicate.
pub fn runs(scenario: &Scenario) -> u64 {
    let arms = scenario.arms();
    let baselines = if scenario.simulation.baseline {
        distinct(arms.iter().map(|(_, a)| stay_home_baseline(a)).collect())
            .0
            .len()
    } else {
        0
    };
    (arms.len() + baselines) as u64 * u64::from(scenario.simulation.replicates)
}

/// `arm` with every member staying home: the same cohorts, sizes, churn
/// and followed cohorts, each following the built-in `stay_home` strategy
/// with their own strategy's churn. What does not matter to a town where
/// nobody networks — the groups, other strategies, variants, outputs — is
/// made the same for every arm, so arms that differ only there share their
/// baseline.
pub fn stay_home_baseline(arm: &Scenario) -> Scenario {
    let home: Strategy = built_in_strategies()
        .into_iter()
        .find(|(name, _)| name == "stay_home")
        .map(|(_, st)| st)
        .expect("stay_home is a built-in strategy");
    let mut baseline = arm.clone();
    baseline.simulation.name = String::new();
    baseline.simulation.description = String::new();
    baseline.variants.clear();
    baseline.sweep = None;
    baseline.workshop = None;
    baseline.room = None;
    baseline.focal = None;
    baseline.groups = crate::scenario::default_groups();
    baseline.output = crate::scenario::default_output();
    baseline.strategies.clear();
    for (_, cohort) in &mut baseline.cohorts {
        let churn = arm
            .strategy(&cohort.strategy)
            .map_or(0.0, |st| st.churn_per_year);
        let name = format!("stay_home churning {churn}");
        if !baseline.strategies.iter().any(|(n, _)| *n == name) {
            let strategy = Strategy {
                churn_per_year: churn,
                ..home.clone()
            };
            baseline.strategies.push((name.clone(), strategy));
        }
        cohort.strategy = name;
    }
    baseline
}

/// The distinct items of `items`, and for each item the index of its
/// equal among them.
fn distinct<T: PartialEq>(items: Vec<T>) -> (Vec<T>, Vec<usize>) {
    let mut kept: Vec<T> = Vec::new();
    let mut index = Vec::with_capacity(items.len());
    for item in items {
        match kept.iter().position(|k| *k == item) {
            Some(i) => index.push(i),
            None => {
                index.push(kept.len());
                kept.push(item);
            }
        }
    }
    (kept, index)
}

/// Runs every variant × replicate of `scenario`. `tick` is called once per
/// finished run (for a progress bar); it may be called from any thread.
pub fn run(scenario: &Scenario, tick: &(dyn Fn() + Sync)) -> Experiment {
    let started = Instant::now();
    let all = run_replicates(scenario, 0..scenario.simulation.replicates, tick);
    let network = all
        .network
        .expect("a valid scenario has at least one replicate, and replicate 0 is analysed");
    assemble(scenario, all.runs, network, started.elapsed().as_secs_f64())
}

/// The runs of some replicates of every variant, as [`run_replicates`]
/// makes them.
#[derive(Debug)]
pub struct Replicates {
    /// `runs[arm][i]`: the run of `arm`'s replicate `start + i`, credited
    /// with its stay-home baseline.
    pub runs: Vec<Vec<RunResult>>,
    /// The acquaintance network of replicate 0's world (first variant), if
    /// replicate 0 was among those run.
    pub network: Option<NetworkReport>,
}

/// Runs replicates `reps` of every variant of `scenario` (and their
/// stay-home baselines). A run's random streams are named by seed and
/// replicate, so running the replicates in batches gives exactly the runs
/// that running them all at once does: `netgrow serve` shows results
/// batch by batch with the numbers `netgrow run` writes. `tick` is called
/// once per finished run, from any thread.
pub fn run_replicates(
    scenario: &Scenario,
    reps: std::ops::Range<u32>,
    tick: &(dyn Fn() + Sync),
) -> Replicates {
    let arms = scenario.arms();
    let first = reps.start;
    let n = reps.len();
    let (baselines, baseline_of) = if scenario.simulation.baseline {
        distinct(arms.iter().map(|(_, a)| stay_home_baseline(a)).collect())
    } else {
        (Vec::new(), Vec::new())
    };
    // Every run to make: the arms, then the baselines.
    let scenarios: Vec<&Scenario> = arms
        .iter()
        .map(|(_, a)| *a)
        .chain(baselines.iter())
        .collect();
    // Runs with the same population share worlds.
    let (populations, world_of_run) = distinct(scenarios.iter().map(|s| &s.population).collect());
    let populations: Vec<&Scenario> = populations
        .iter()
        .map(|p| {
            *scenarios
                .iter()
                .find(|s| &s.population == *p)
                .expect("every population comes from a run")
        })
        .collect();
    let worlds: Vec<World> = (0..populations.len() * n)
        .into_par_iter()
        .map(|i| {
            let (p, rep) = (i / n, first + (i % n) as u32);
            World::build(populations[p], World::seed(scenario.simulation.seed, rep))
        })
        .collect();
    let mut runs: Vec<RunResult> = (0..scenarios.len() * n)
        .into_par_iter()
        .map(|i| {
            let (a, r) = (i / n, i % n);
            let world = &worlds[world_of_run[a] * n + r];
            let result = simulate(scenarios[a], world, first + r as u32);
            tick();
            result
        })
        .collect();
    let baseline_runs = runs.split_off(arms.len() * n);
    for (i, run) in runs.iter_mut().enumerate() {
        let (a, r) = (i / n, i % n);
        if let Some(&b) = baseline_of.get(a) {
            credit_baseline(run, &baseline_runs[b * n + r]);
        }
    }
    let network = (first == 0 && n > 0).then(|| {
        analysis::analyse(
            &worlds[0].network,
            network_sources(2 * worlds[0].network.edges()),
            analysis_seed(World::seed(scenario.simulation.seed, 0)),
        )
    });
    let mut per_arm = Vec::with_capacity(arms.len());
    let mut rest = runs.into_iter();
    for _ in 0..arms.len() {
        per_arm.push(rest.by_ref().take(n).collect());
    }
    Replicates {
        runs: per_arm,
        network,
    }
}

/// The experiment made of `runs[arm][replicate]` (every arm with the same
/// number of replicates, counted from 0) of `scenario`; `elapsed_seconds`
/// is the wall time they took.
pub fn assemble(
    scenario: &Scenario,
    runs: Vec<Vec<RunResult>>,
    network: NetworkReport,
    elapsed_seconds: f64,
) -> Experiment {
    let arms = scenario.arms();
    let replicates = runs.first().map_or(0, Vec::len) as u32;
    Experiment {
        network,
        arms: arms.iter().map(|(n, _)| n.clone()).collect(),
        cohorts: arms.iter().map(|(_, s)| s.cohort_names()).collect(),
        scenario: scenario.clone(),
        replicates,
        runs: runs.into_iter().flatten().collect(),
        baseline: scenario.simulation.baseline,
        elapsed_seconds,
        threads: rayon::current_num_threads(),
    }
}

impl Experiment {
    /// The runs back, `[arm][replicate]`, as [`assemble`] takes them.
    pub fn into_runs(self) -> Vec<Vec<RunResult>> {
        let per_arm = (self.replicates as usize).max(1);
        let mut rest = self.runs.into_iter();
        (0..self.arms.len())
            .map(|_| rest.by_ref().take(per_arm).collect())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Override;

    /// Replicates run in batches and put together are the runs of one
    /// `run`: same rows, members, egos and tallies, same network report,
    /// whatever the batch boundaries.
    #[test]
    fn batches_of_replicates_make_the_same_experiment_as_one_run() {
        let set = |kv: &str| Override::parse(kv).expect("a well-formed override");
        let scenario = Scenario::from_str(
            crate::sweep::tests::TINY,
            "tiny.toml",
            "tiny",
            &[set("simulation.replicates=5")],
        )
        .expect("the tiny scenario is valid");
        let whole = run(&scenario, &|| {});
        let mut runs: Vec<Vec<RunResult>> = Vec::new();
        let mut network = None;
        for reps in [0..2, 2..3, 3..5] {
            let batch = run_replicates(&scenario, reps, &|| {});
            network = network.or(batch.network);
            if runs.is_empty() {
                runs = batch.runs;
            } else {
                for (all, more) in runs.iter_mut().zip(batch.runs) {
                    all.extend(more);
                }
            }
        }
        let network = network.expect("replicate 0 was in the first batch");
        let batched = assemble(&scenario, runs, network, 0.0);
        assert_eq!(batched.replicates, 5);
        assert_eq!(batched.network, whole.network);
        assert_eq!(batched.runs.len(), whole.runs.len());
        for (i, (a, b)) in batched.runs.iter().zip(&whole.runs).enumerate() {
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "run {i} differs");
        }
        // Different replicates give different runs: the comparison above
        // would notice a batch that ran the wrong ones.
        assert_ne!(
            format!("{:?}", whole.runs[0].rows),
            format!("{:?}", whole.runs[1].rows)
        );
        let back = batched.into_runs();
        assert_eq!(back.len(), whole.arms.len());
        assert!(back.iter().all(|arm| arm.len() == 5));
    }
}
