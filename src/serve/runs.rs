//! The runs pages ask for: at most one in flight per browser (a new one
//! cancels the one it supersedes), at most `--max-runs` across all of
//! them, each simulated batch by batch on the rayon pool with a message to
//! the page after every batch.
//!
//! A browser is known by the client id its page makes up when it loads.
//! For each, the server keeps the scenario of its latest accepted request
//! (to download as TOML), its latest finished run (for the report) and
//! its pinned baseline's figures, replicate by replicate. Only the most
//! recently seen [`MAX_CLIENTS`] browsers are remembered.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

use super::view::{self, PerReplicate};
use crate::engine::RunResult;
use crate::experiment::{self, Experiment};
use crate::scenario::Scenario;

/// Browsers remembered at once; the longest unseen is forgotten first.
pub const MAX_CLIENTS: usize = 32;

/// How long a new run waits for a free slot (the run it cancelled ends at
/// its next batch) before the page is told the server is busy.
pub const WAIT_FOR_SLOT: Duration = Duration::from_secs(20);

/// Messages to a page that may wait unsent before its run pauses.
const QUEUED_MESSAGES: usize = 4;

/// A finished run, for the report and for pinning.
pub struct Finished {
    pub experiment: Experiment,
    /// Its headline figures replicate by replicate, to pin.
    pub figures: PerReplicate,
}

/// What the server remembers of one browser.
struct Client {
    /// Set to cancel the run in flight, if any.
    cancel: Option<Arc<AtomicBool>>,
    /// The scenario of the latest accepted request.
    scenario: Option<Scenario>,
    finished: Option<Arc<Finished>>,
    pinned: Option<Arc<PerReplicate>>,
    seen: Instant,
}

impl Client {
    fn new() -> Client {
        Client {
            cancel: None,
            scenario: None,
            finished: None,
            pinned: None,
            seen: Instant::now(),
        }
    }
}

/// Why a run could not start.
#[derive(Debug)]
pub enum Refused {
    /// Every slot stayed taken.
    Busy,
}

/// Every browser's runs.
pub struct Runs {
    clients: Mutex<HashMap<String, Client>>,
    slots: Arc<Semaphore>,
    pool: Arc<rayon::ThreadPool>,
}

impl Runs {
    /// No browsers yet; `max_runs` runs at once on `pool`.
    pub fn new(max_runs: usize, pool: Arc<rayon::ThreadPool>) -> Runs {
        Runs {
            clients: Mutex::new(HashMap::new()),
            slots: Arc::new(Semaphore::new(max_runs)),
            pool,
        }
    }

    fn with_client<T>(&self, id: &str, f: impl FnOnce(&mut Client) -> T) -> T {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if !clients.contains_key(id) && clients.len() >= MAX_CLIENTS {
            // Forget the browser seen longest ago that has nothing running.
            let oldest = clients
                .iter()
                .filter(|(_, c)| c.cancel.is_none())
                .min_by_key(|(_, c)| c.seen)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                clients.remove(&k);
            }
        }
        let client = clients.entry(id.to_string()).or_insert_with(Client::new);
        client.seen = Instant::now();
        f(client)
    }

    /// Starts `scenario` for browser `id`, cancelling its run in flight;
    /// returns the receiver of its messages (JSON, one per batch).
    pub async fn start(
        self: &Arc<Self>,
        id: &str,
        scenario: Scenario,
    ) -> Result<mpsc::Receiver<String>, Refused> {
        let cancel = Arc::new(AtomicBool::new(false));
        let pinned = self.with_client(id, |c| {
            if let Some(old) = c.cancel.replace(cancel.clone()) {
                old.store(true, Ordering::SeqCst);
            }
            c.scenario = Some(scenario.clone());
            c.pinned.clone()
        });
        let permit =
            match tokio::time::timeout(WAIT_FOR_SLOT, self.slots.clone().acquire_owned()).await {
                Ok(Ok(permit)) => permit,
                _ => {
                    self.finish(id, &cancel, None);
                    return Err(Refused::Busy);
                }
            };
        let (tx, rx) = mpsc::channel(QUEUED_MESSAGES);
        let runs = Arc::clone(self);
        let id = id.to_string();
        std::thread::spawn(move || {
            let finished = runs.simulate(&scenario, &cancel, pinned.as_deref(), &tx, permit);
            runs.finish(&id, &cancel, finished);
        });
        Ok(rx)
    }

    /// Records a run's end: it is no longer in flight, and if it finished
    /// (rather than being cancelled) it is the browser's latest.
    fn finish(&self, id: &str, cancel: &Arc<AtomicBool>, finished: Option<Finished>) {
        self.with_client(id, |c| {
            if c.cancel.as_ref().is_some_and(|x| Arc::ptr_eq(x, cancel)) {
                c.cancel = None;
                if let Some(f) = finished {
                    c.finished = Some(Arc::new(f));
                }
            }
        });
    }

    /// Simulates `scenario` batch by batch, sending a message after each;
    /// stops, returning `None`, when cancelled or when the page has gone.
    fn simulate(
        &self,
        scenario: &Scenario,
        cancel: &AtomicBool,
        pinned: Option<&PerReplicate>,
        tx: &mpsc::Sender<String>,
        _slot: OwnedSemaphorePermit,
    ) -> Option<Finished> {
        let started = Instant::now();
        let reps = scenario.simulation.replicates;
        let mut batch = batch_size(scenario, self.pool.current_num_threads());
        let mut runs: Vec<Vec<RunResult>> = Vec::new();
        let mut network = None;
        let mut done = 0;
        loop {
            if cancel.load(Ordering::SeqCst) {
                return None;
            }
            let end = (done + batch).min(reps);
            let more = self
                .pool
                .install(|| experiment::run_replicates(scenario, done..end, &|| {}));
            network = network.or(more.network);
            if runs.is_empty() {
                runs = more.runs;
            } else {
                for (all, new) in runs.iter_mut().zip(more.runs) {
                    all.extend(new);
                }
            }
            done = end;
            // The first batch is as small as keeps every thread busy, so
            // the room sees an answer at once; later ones double, so that
            // fewer batches end with threads idle and the full answer
            // comes in about the time of `netgrow run`.
            batch = batch.saturating_mul(2);
            let exp = experiment::assemble(
                scenario,
                std::mem::take(&mut runs),
                network.clone()?,
                started.elapsed().as_secs_f64(),
            );
            let figures = view::per_replicate_figures(&exp);
            let last = done == reps;
            let message = view::update(&exp, &figures, last, pinned);
            let json = serde_json::to_string(&message).ok()?;
            if !deliver(tx, json, cancel) {
                return None;
            }
            if last {
                return Some(Finished {
                    experiment: exp,
                    figures,
                });
            }
            runs = exp.into_runs();
        }
    }

    /// The scenario of browser `id`'s latest accepted request.
    pub fn scenario(&self, id: &str) -> Option<Scenario> {
        self.with_client(id, |c| c.scenario.clone())
    }

    /// Browser `id`'s latest finished run.
    pub fn finished(&self, id: &str) -> Option<Arc<Finished>> {
        self.with_client(id, |c| c.finished.clone())
    }

    /// Pins browser `id`'s latest finished run as its baseline (or unpins
    /// with `on = false`); false if there is no finished run to pin.
    pub fn pin(&self, id: &str, on: bool) -> bool {
        self.with_client(id, |c| {
            if !on {
                c.pinned = None;
                return true;
            }
            match &c.finished {
                Some(f) => {
                    c.pinned = Some(Arc::new(f.figures.clone()));
                    true
                }
                None => false,
            }
        })
    }
}

/// Sends `message` to the page, waiting while its queue is full; false if
/// the page has gone or the run was cancelled meanwhile (a page that stops
/// reading must not hold a slot that other runs wait for).
fn deliver(tx: &mpsc::Sender<String>, mut message: String, cancel: &AtomicBool) -> bool {
    loop {
        if cancel.load(Ordering::SeqCst) {
            return false;
        }
        match tx.try_send(message) {
            Ok(()) => return true,
            Err(mpsc::error::TrySendError::Closed(_)) => return false,
            Err(mpsc::error::TrySendError::Full(m)) => {
                message = m;
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

/// Replicates in the first batch: enough runs to keep every worker thread busy,
/// and no more, so the first message comes as soon as possible.
pub fn batch_size(scenario: &Scenario, threads: usize) -> u32 {
    let reps = scenario.simulation.replicates.max(1);
    let per_replicate = (experiment::runs(scenario) / u64::from(reps)).max(1);
    (threads as u64)
        .div_ceil(per_replicate)
        .clamp(1, u64::from(reps)) as u32
}
