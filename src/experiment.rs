//! Running an experiment: every variant × replicate, in parallel.
//!
//! The worlds come first — one per replicate and distinct population
//! settings, built in parallel and shared read-only by the variants that
//! use them (common random numbers). Then one flat `into_par_iter()` over
//! (variant, replicate) simulates every run. Each run owns its random
//! streams, named by seed and replicate, and results are collected in
//! (variant, replicate) order, so the outcome is the same whatever the
//! number of threads.

use std::time::Instant;

use rayon::prelude::*;

use crate::engine::{simulate, RunResult};
use crate::population::network::analysis::{self, NetworkReport};
use crate::population::World;
use crate::scenario::Scenario;
use crate::streams::{self, Purpose};

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

/// Runs every variant × replicate of `scenario`. `tick` is called once per
/// finished run (for a progress bar); it may be called from any thread.
pub fn run(scenario: &Scenario, tick: &(dyn Fn() + Sync)) -> Experiment {
    let started = Instant::now();
    let arms = scenario.arms();
    let reps = scenario.simulation.replicates;
    // Arms with the same population share worlds.
    let mut world_of_arm = Vec::with_capacity(arms.len());
    let mut populations: Vec<&Scenario> = Vec::new();
    for (_, arm) in &arms {
        match populations
            .iter()
            .position(|p| p.population == arm.population)
        {
            Some(i) => world_of_arm.push(i),
            None => {
                world_of_arm.push(populations.len());
                populations.push(arm);
            }
        }
    }
    let worlds: Vec<World> = (0..populations.len() * reps as usize)
        .into_par_iter()
        .map(|i| {
            let (p, rep) = (i / reps as usize, i % reps as usize);
            World::build(
                populations[p],
                World::seed(scenario.simulation.seed, rep as u32),
            )
        })
        .collect();
    let runs: Vec<RunResult> = (0..arms.len() * reps as usize)
        .into_par_iter()
        .map(|i| {
            let (a, rep) = (i / reps as usize, i % reps as usize);
            let world = &worlds[world_of_arm[a] * reps as usize + rep];
            let result = simulate(arms[a].1, world, rep as u32);
            tick();
            result
        })
        .collect();
    let network = analysis::analyse(
        &worlds[0].network,
        network_sources(2 * worlds[0].network.edges()),
        analysis_seed(World::seed(scenario.simulation.seed, 0)),
    );
    Experiment {
        network,
        arms: arms.iter().map(|(n, _)| n.clone()).collect(),
        cohorts: arms.iter().map(|(_, s)| s.cohort_names()).collect(),
        scenario: scenario.clone(),
        replicates: reps,
        runs,
        elapsed_seconds: started.elapsed().as_secs_f64(),
        threads: rayon::current_num_threads(),
    }
}
