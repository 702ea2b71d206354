//! How well the calibrated scenario meets the targets: it is run as
//! `netgrow run` would run it (every replicate, same seed), and each
//! target's statistic is computed per replicate exactly as for the
//! candidates, then summarised as a mean with its 95% interval.

use super::candidates::one_replicate;
use super::targets::Targets;
use crate::metrics::Stat;
use crate::scenario::Scenario;
use crate::sweep::measure;

/// The calibrated scenario's statistic for each target, over its
/// replicates. Call inside the thread pool that should do the work.
pub fn simulated(scenario: &Scenario, targets: &Targets, tick: &(dyn Fn() + Sync)) -> Vec<Stat> {
    let mut s = scenario.clone();
    // The statistics never read the stay-home baseline: skip its runs.
    s.simulation.baseline = false;
    let experiment = crate::experiment::run(&s, tick);
    let figures: Vec<measure::RunFigures> = (0..experiment.replicates as usize)
        .map(|r| measure::figures(&s, experiment.run(0, r).clone()))
        .collect();
    targets
        .targets
        .iter()
        .map(|t| {
            let values: Vec<f64> = figures
                .iter()
                .map(|f| one_replicate(&s, t, &|c, m| f.values[c][t.year][m]))
                .collect();
            Stat::of(&values)
        })
        .collect()
}
