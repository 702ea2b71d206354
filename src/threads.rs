//! The worker threads `run` and `sweep` simulate on: as many as
//! `--threads` asks, within what the machine can use. Results never depend
//! on the number.

use anyhow::Context;

/// Worker threads beyond this many per core only take turns: they add
/// switching and memory, not speed.
const THREADS_PER_CORE: usize = 4;

/// The worker threads to start for `--threads`: as asked, but at most
/// [`THREADS_PER_CORE`] per core of this machine, with a warning when
/// fewer than asked. `None` (not asked) leaves the choice to rayon.
pub fn worker_threads(requested: Option<u32>) -> Option<usize> {
    let asked = requested? as usize;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let most = cores.saturating_mul(THREADS_PER_CORE);
    if asked > most {
        eprintln!(
            "warning: --threads {asked} on {cores} core(s): using {most} threads, {THREADS_PER_CORE} per core (more would only slow the run; results are the same)"
        );
        return Some(most);
    }
    Some(asked)
}

/// A thread pool of [`worker_threads`]`(requested)` threads (all cores if
/// not asked).
pub fn pool(requested: Option<u32>) -> anyhow::Result<rayon::ThreadPool> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(t) = worker_threads(requested) {
        pool = pool.num_threads(t);
    }
    pool.build().context("cannot start worker threads")
}
