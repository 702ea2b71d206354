//! `netgrow serve`: a what-if page a trainer drives with sliders in front
//! of a room.
//!
//! The pipeline is the one `netgrow run` follows, cut into batches of
//! replicates so the room watches the bands tighten:
//!
//! ```text
//! page ──POST /api/run (settings)──▶ validated Scenario (as --set would)
//!      ──runs──▶ replicates in batches on rayon (experiment::run_replicates)
//!      ──after each batch──▶ summaries, headline, paired differences
//!      ──server-sent events──▶ page (charts drawn as SVG by hand)
//! ```
//!
//! Where things are: the command line and start-up in this file; the HTTP
//! routes, the access token and the request limits in [`http`]; the runs
//! (validation, caps, one run per browser, cancellation, the pinned
//! baseline) in [`runs`]; what a page is sent after each batch in
//! [`view`]; the take-home report in [`report`]; the page itself (HTML,
//! CSS and vanilla JavaScript, no third-party code) in [`page`].
//!
//! The server binds to 127.0.0.1 unless told otherwise; on any other
//! address every request needs the random access token printed with the
//! URL. It writes nothing to disk except a report asked for by download,
//! rendered in a temporary directory that is removed at once.

pub mod http;
pub mod page;
pub mod report;
pub mod runs;
pub mod view;

use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;

use crate::error::BadInput;
use crate::scenario::{Override, Scenario, Source};

/// The largest population a page may ask for unless `--max-population`
/// says otherwise.
pub const DEFAULT_MAX_POPULATION: u64 = 100_000;

/// The most replicates a page may ask for unless `--max-replicates` says
/// otherwise.
pub const DEFAULT_MAX_REPLICATES: u32 = 40;

/// Runs in flight at once, across all browsers, unless `--max-runs` says
/// otherwise.
pub const DEFAULT_MAX_RUNS: u32 = 2;

/// Options of `netgrow serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Scenario file (TOML), or - for standard input.
    pub file: PathBuf,
    /// Port to listen on; 0 picks a free one (the URL printed says which).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on. Anything but a loopback address (127.0.0.1,
    /// ::1) serves the network and then requires the random access token
    /// printed in the URL.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Largest population.size a page may run.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_POPULATION, value_parser = clap::value_parser!(u64).range(2..=crate::scenario::MAX_PEOPLE))]
    pub max_population: u64,
    /// Most simulation.replicates a page may run.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_REPLICATES, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_replicates: u32,
    /// Runs in flight at once across every browser (each browser has at
    /// most one: moving a slider cancels its previous run).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_RUNS, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub max_runs: u32,
    /// Worker threads for the simulation [default: all cores].
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
}

/// The limits a page's requests are held to, fixed at start-up.
#[derive(Clone, Copy, Debug)]
pub struct Caps {
    /// Largest `population.size`.
    pub max_population: u64,
    /// Most `simulation.replicates`.
    pub max_replicates: u32,
    /// Runs in flight at once, across browsers.
    pub max_runs: usize,
}

impl Caps {
    /// Why `s` exceeds a cap, naming the key, its value and the cap.
    pub fn check(&self, s: &Scenario) -> Result<(), String> {
        if s.population.size > self.max_population {
            return Err(format!(
                "population.size = {}: expected at most {} in serve mode (start netgrow serve with --max-population to allow more)",
                s.population.size, self.max_population
            ));
        }
        if s.simulation.replicates > self.max_replicates {
            return Err(format!(
                "simulation.replicates = {}: expected at most {} in serve mode (start netgrow serve with --max-replicates to allow more)",
                s.simulation.replicates, self.max_replicates
            ));
        }
        Ok(())
    }
}

/// The scenario a server serves: its text, names and the start-up
/// overrides, from which every page request is validated afresh.
#[derive(Clone, Debug)]
pub struct Base {
    pub text: String,
    /// The file as errors name it.
    pub file: String,
    pub stem: String,
    /// `--set` given at start-up, applied before the page's settings.
    pub overrides: Vec<Override>,
    /// The scenario as started, every default resolved.
    pub scenario: Scenario,
}

impl Base {
    /// Reads and validates the scenario the server starts with.
    pub fn load(file: &std::path::Path, overrides: Vec<Override>) -> anyhow::Result<Base> {
        let source = Source::read(file)?;
        let scenario = Scenario::from_str(&source.text, &source.file, &source.stem, &overrides)?;
        Ok(Base {
            text: source.text,
            file: source.file,
            stem: source.stem,
            overrides,
            scenario,
        })
    }

    /// The scenario with a page's `settings` (control key → TOML value)
    /// applied, checked as `--set` would be, and held to `caps`. The error
    /// is the message a page shows.
    pub fn with_settings(
        &self,
        settings: &[(String, String)],
        caps: &Caps,
    ) -> Result<Scenario, String> {
        let controls = self.scenario.controls();
        let mut overrides = self.overrides.clone();
        for (key, value) in settings {
            if !controls.iter().any(|c| c.key == *key) {
                let keys: Vec<&str> = controls.iter().map(|c| c.key.as_str()).collect();
                return Err(format!(
                    "scenario {}: {} = {}: not a control of this page; expected one of {}",
                    self.file,
                    crate::scenario::read::shown(key),
                    crate::scenario::read::shown(value),
                    keys.join(", ")
                ));
            }
            overrides.extend(
                self.scenario
                    .control_overrides(key, value)
                    .map_err(|e| format!("scenario {}: {e}", self.file))?,
            );
        }
        let scenario = Scenario::from_str(&self.text, &self.file, &self.stem, &overrides)
            .map_err(|e| e.to_string())?;
        caps.check(&scenario)
            .map_err(|e| format!("scenario {}: {e}", self.file))?;
        Ok(scenario)
    }
}

/// A random access token from the operating system: 128 bits, as hex.
fn access_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("cannot draw a random access token: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The URL a browser opens, token included when one is required.
fn url(addr: SocketAddr, token: Option<&str>) -> String {
    let host = match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    match token {
        Some(t) => format!("http://{host}:{}/?token={t}", addr.port()),
        None => format!("http://{host}:{}/", addr.port()),
    }
}

/// `netgrow serve`: loads and checks the scenario, binds, prints the URL
/// and serves until interrupted.
pub fn serve(args: ServeArgs, overrides: Vec<Override>, quiet: bool) -> anyhow::Result<()> {
    let base = Base::load(&args.file, overrides)?;
    let caps = Caps {
        max_population: args.max_population,
        max_replicates: args.max_replicates,
        max_runs: args.max_runs as usize,
    };
    caps.check(&base.scenario)
        .map_err(|e| BadInput(format!("scenario {}: {e}", base.file)))?;
    check_controls(&base, caps.max_runs)?;
    let pool = Arc::new(crate::threads::pool(args.threads)?);
    let token = if args.host.is_loopback() {
        None
    } else {
        Some(access_token()?)
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the web server's threads")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.host, args.port))
            .await
            .map_err(|e| {
                BadInput(format!(
                    "cannot listen on {}:{}: {e} (choose another --port, or --port 0 for a free one)",
                    args.host, args.port
                ))
            })?;
        let addr = listener
            .local_addr()
            .context("cannot read the address listened on")?;
        let shown = url(addr, token.as_deref());
        // One line a script can read, flushed before serving.
        let mut out = std::io::stdout().lock();
        writeln!(out, "netgrow serve: {shown}").context("cannot print the URL")?;
        out.flush().context("cannot print the URL")?;
        drop(out);
        if !quiet {
            eprintln!(
                "serving {} to {}; Ctrl-C stops",
                base.file,
                if token.is_some() {
                    "the network (the URL's token is required)"
                } else {
                    "this computer only"
                }
            );
        }
        let state = http::State::new(base, caps, token, pool);
        axum::serve(listener, http::router(state))
            .await
            .context("the web server stopped")
    })
}

/// Checks that every control's ends are values the scenario accepts, so a
/// slider never reaches a value the scenario refuses. The caps are left
/// out: a slider may reach beyond them, and the page then says which
/// start-up flag would allow it.
fn check_controls(base: &Base, max_runs: usize) -> anyhow::Result<()> {
    let caps = Caps {
        max_population: crate::scenario::MAX_PEOPLE,
        max_replicates: u32::MAX,
        max_runs,
    };
    let ends = |c: &crate::scenario::Control| -> Vec<String> {
        match (c.min, c.max) {
            (Some(lo), Some(hi)) => vec![format!("{lo}"), format!("{hi}")],
            _ => c.options.clone(),
        }
    };
    for c in base.scenario.controls() {
        for value in ends(&c) {
            if let Err(e) = base.with_settings(&[(c.key.clone(), value.clone())], &caps) {
                return Err(BadInput(format!(
                    "{}: the control of {} cannot reach {value}: {e}",
                    base.file, c.key
                ))
                .into());
            }
        }
    }
    Ok(())
}
