//! Parameter sweeps: one scenario run over many values of its keys.
//!
//! `netgrow sweep` takes a scenario and a description of what to vary —
//! its `[sweep]` table and/or `--vary KEY=SPEC` options — and runs the
//! scenario's replicates at every point of a design, with common random
//! numbers across points. The pipeline, one module per step:
//!
//! ```text
//! [sweep] + --vary ──spec──▶ values per key ──design──▶ Vec<Point>
//!     ──plan──▶ checked points + manifest ──session/runner──▶ points/ on disk
//!     ──results──▶ sweep.csv ──chart, report──▶ charts/, report.html
//! ```
//!
//! - [`spec`]: one key's values (`1,2,4`, `1..24:1`, `0.5..64:log8`, `0..1`);
//! - [`design`]: grid, zip, random, Latin hypercube, one-at-a-time,
//!   Morris, Sobol' and points from a file;
//! - [`plan`]: reads and checks everything before anything runs;
//! - [`runner`]: the flat parallel loop over (point, replicate);
//! - [`store`]: the directory layout and file formats;
//! - [`session`]: fresh or resumed directories, and finishing a sweep;
//! - [`shard`]: `--shard K/N` and `netgrow merge`;
//! - [`slurm`]: the `--emit-slurm` script that runs the shards on a cluster;
//! - [`results`]: a finished sweep in memory, and its tables;
//! - [`sensitivity`]: the Morris and Sobol' designs' points and indices;
//! - [`labels`]: the names of keys and points in tables, charts and report;
//! - [`chart`] and [`report`]: pictures and the HTML report;
//! - [`measure`]: what is recorded of each run;
//! - [`command`]: the two subcommands.

pub mod chart;
pub mod command;
pub mod design;
pub mod labels;
pub mod measure;
pub mod plan;
pub mod report;
pub mod results;
pub mod runner;
pub mod sensitivity;
pub mod session;
pub mod shard;
pub mod slurm;
pub mod spec;
pub mod store;

pub use command::{MergeArgs, SweepArgs};
pub use design::{Design, Point};

#[cfg(test)]
pub(crate) mod tests {
    //! A scenario small enough to simulate in milliseconds, shared by the
    //! sweep's unit tests.

    use crate::scenario::Scenario;

    /// 300 people, 30 members, one year, two replicates.
    pub const TINY: &str = include_str!("../../tests/data/tiny.toml");

    /// [`TINY`], loaded.
    pub fn tiny() -> Scenario {
        Scenario::from_str(TINY, "tiny.toml", "tiny", &[]).expect("the tiny scenario is valid")
    }
}
