//! The `netgrow sweep` and `netgrow merge` subcommands: their options, and
//! the short functions that call the library and print what happened.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::design::Design;
use super::plan::{self, Plan, Request};
use super::results::{self, SweepData};
use super::runner::{self, Progress};
use super::session::{self, Settings};
use super::shard::{self, Shard, ShardArg};
use super::slurm;
use super::spec::KeyKind;
use super::store;
use crate::chart::ChartOptions;
use crate::error::BadInput;
use crate::output;
use crate::output::ownership::{self, Kind};
use crate::scenario::{Override, Scenario};

/// The names of a sweep's keys and points, as the table below prints them;
/// they live in [`super::labels`], also reachable from here by the report
/// and the tornado chart.
pub use super::labels::{point_cells, point_header, short_key};

/// Options of `netgrow sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file (TOML), usually with a [sweep] table; - for standard
    /// input.
    pub file: PathBuf,
    /// Vary a scenario key (repeatable): a list 1,2,4,8 or open,closed; a
    /// range 1..24:1 (start..end:step); a log range 0.5..64:log8 (8
    /// values); for random and lhs also an interval 0..1 or 1..100:log.
    /// Replaces the file's spec for the same key.
    #[arg(long, value_name = "KEY=SPEC")]
    pub vary: Vec<String>,
    /// How values combine [default: the file's, else file with
    /// --points-file, else grid].
    #[arg(long, value_enum)]
    pub design: Option<Design>,
    /// Number of points of a random or lhs design, of trajectories of a
    /// morris design, of base rows of a sobol design.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=super::design::MAX_POINTS as u64))]
    pub points: Option<u64>,
    /// Run the points of a CSV file (the file design): a header of dotted
    /// keys, then one row of values per point.
    #[arg(long, value_name = "FILE")]
    pub points_file: Option<PathBuf>,
    /// Output directory [default: <output.dir>/<simulation.name>-sweep, or
    /// …-sweep-shard-K-of-N for a shard].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run only the K-th of N shares of the points (point i is in share
    /// i mod N + 1) into its own directory; combine with `netgrow merge`.
    /// `slurm` takes K and N from the Slurm array task
    /// (SLURM_ARRAY_TASK_ID, _MIN, _MAX, _COUNT).
    #[arg(long, value_name = "K/N", value_parser = Shard::parse_arg)]
    pub shard: Option<ShardArg>,
    /// Print a script that runs this sweep on a Slurm cluster as an array
    /// of N shards, then merges them (`bash` it to submit; see its header).
    #[arg(long, value_name = "N", conflicts_with_all = ["shard", "resume", "dry_run"], value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub emit_slurm: Option<u32>,
    /// Continue an interrupted sweep in the same directory, running only
    /// the points not yet written.
    #[arg(long)]
    pub resume: bool,
    /// Write every year to sweep.csv, not only the last.
    #[arg(long)]
    pub each_year: bool,
    /// Keep each point's weekly time series (points/*-timeseries.csv).
    #[arg(long)]
    pub keep_timeseries: bool,
    /// Worker threads [default: all cores]; results do not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Replicates per point (sets simulation.replicates).
    #[arg(long, value_name = "N")]
    pub replicates: Option<u32>,
    /// Seed of every random stream and of sampled designs (sets
    /// simulation.seed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Simulated years (sets simulation.years).
    #[arg(long, value_name = "Y")]
    pub years: Option<u32>,
    /// Skip the charts and report.
    #[arg(long)]
    pub no_charts: bool,
    /// Check the sweep and list its points without running anything.
    #[arg(long)]
    pub dry_run: bool,
}

/// Options of `netgrow merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard directories written by `netgrow sweep --shard K/N`.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Output directory [default: <output.dir>/<simulation.name>-sweep].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Skip the charts and report.
    #[arg(long)]
    pub no_charts: bool,
}

/// Examples shown by `netgrow sweep --help`.
pub const SWEEP_EXAMPLES: &str = "Examples:
  netgrow sweep scenarios/two-meeting-rule.toml
  netgrow sweep scenarios/trust-speed.toml --replicates 5 --threads 2
  netgrow sweep scenarios/connecting-vs-networking.toml --vary groups.format=open,closed
  netgrow sweep scenarios/sensitivity.toml --dry-run
  netgrow sweep scenarios/global-sensitivity.toml            # Sobol' indices
  netgrow sweep scenarios/trust-speed.toml --points-file points.csv   # points made elsewhere
  netgrow sweep scenarios/trust-speed.toml --shard 2/4       # on the second of four machines
  netgrow sweep scenarios/trust-speed.toml --resume          # after an interruption
  netgrow sweep scenarios/trust-speed.toml --emit-slurm 8 > trust-speed.sbatch   # then: bash trust-speed.sbatch";

/// Examples shown by `netgrow merge --help`.
pub const MERGE_EXAMPLES: &str = "Example:
  netgrow merge output/trust-speed-sweep-shard-*-of-4 --out output/trust-speed-sweep";

/// Runs `netgrow sweep`.
pub fn sweep(args: SweepArgs, mut overrides: Vec<Override>, quiet: bool) -> Result<()> {
    let shard = args.shard.map(ShardArg::resolve).transpose()?;
    // Shortcuts become overrides, so the resolved scenario records them.
    let shortcuts = [
        ("simulation.replicates", args.replicates.map(u64::from)),
        ("simulation.seed", args.seed),
        ("simulation.years", args.years.map(u64::from)),
    ];
    for (key, value) in shortcuts {
        if let Some(v) = value {
            overrides.push(Override::parse(&format!("{key}={v}")).map_err(BadInput)?);
        }
    }
    let request = Request {
        vary: args.vary.clone(),
        design: args.design,
        points: args.points.map(|n| n as usize),
        points_file: args.points_file.clone(),
        each_year: args.each_year,
        keep_timeseries: args.keep_timeseries,
    };
    let pool = crate::threads::pool(args.threads)?;
    let plan = pool.install(|| plan::prepare(&args.file, overrides, &request))?;
    if args.dry_run {
        output::print(&describe(&plan, shard))?;
        return Ok(());
    }
    if let Some(n) = args.emit_slurm {
        let request = slurm::Request {
            shards: n as usize,
            file: &args.file,
            out: args.out.as_deref(),
            threads: args.threads,
            no_charts: args.no_charts,
        };
        print!("{}", slurm::script(&plan, &request)?);
        if !quiet {
            eprintln!("submit with: bash SCRIPT (the script's header says how to follow, rerun and merge)");
        }
        return Ok(());
    }
    let s = &plan.base;
    let out = args.out.clone().unwrap_or_else(|| {
        let name = match shard {
            Some(k) => format!(
                "{}-sweep-shard-{}-of-{}",
                s.simulation.name, k.index, k.count
            ),
            None => format!("{}-sweep", s.simulation.name),
        };
        PathBuf::from(&s.output.dir).join(name)
    });
    let settings = Settings {
        out,
        shard,
        resume: args.resume,
        charts: chart_options(s, args.no_charts),
        runner: runner::Options {
            keep_timeseries: args.keep_timeseries,
            world_budget: runner::Options::budget(&plan, pool.current_num_threads())
                .map_err(BadInput)?,
        },
    };
    let bar = Bar::new(quiet);
    let outcome = pool.install(|| session::execute(&plan, &settings, &bar))?;
    bar.done();
    if !quiet {
        eprintln!(
            "{} point(s) run{} × {} replicate(s) in {:.1} s on {} thread(s)",
            outcome.ran.points,
            if outcome.skipped > 0 {
                format!(" ({} already done)", outcome.skipped)
            } else {
                String::new()
            },
            s.simulation.replicates,
            outcome.elapsed_seconds,
            pool.current_num_threads()
        );
    }
    if outcome.finished {
        let data = SweepData::load(&outcome.dir)?;
        output::print(&table(&data))?;
        if !quiet {
            eprintln!("results written to {}", outcome.dir.display());
        }
    } else if let Some(k) = shard {
        output::print(&format!(
            "shard {k}: {} of {} points done in {}\nwhen every shard is done: netgrow merge DIR... --out DIR\n",
            outcome.assigned,
            plan.points.len(),
            outcome.dir.display()
        ))?;
    }
    Ok(())
}

/// Runs `netgrow merge`.
pub fn merge(args: MergeArgs, overrides: &[Override], quiet: bool) -> Result<()> {
    if !overrides.is_empty() {
        return Err(BadInput(
            "merge takes no --set: the shards' scenario is fixed; run the sweep again to change it"
                .into(),
        )
        .into());
    }
    let first = &args.dirs[0];
    let (manifest, _) = store::read_manifest(first)?;
    let scenario_path = first.join(store::SCENARIO);
    let scenario = Scenario::load(&scenario_path, &[])?;
    let dest = args.out.clone().unwrap_or_else(|| {
        PathBuf::from(&scenario.output.dir).join(format!("{}-sweep", manifest.scenario))
    });
    for dir in &args.dirs {
        if inside(dir, &dest) {
            return Err(BadInput(format!(
                "--out {} would replace the shard directory {}; choose another --out",
                dest.display(),
                dir.display()
            ))
            .into());
        }
    }
    let mut staging = ownership::claim(&dest)?.stage(Kind::Merge)?;
    let owned = staging.owned_mut();
    let mut files = vec![store::SCENARIO.to_string(), store::MANIFEST.to_string()];
    for i in 0..manifest.points.len() {
        files.push(format!("{}/{}", store::POINTS, manifest.point_file(i)));
        if manifest.keep_timeseries {
            files.push(format!("{}/{}", store::POINTS, manifest.timeseries_file(i)));
        }
    }
    owned.will_write(&files)?;
    let merged = shard::merge(&args.dirs, owned.dir())?;
    owned.wrote(&files)?;
    session::finish(owned, chart_options(&scenario, args.no_charts).as_ref())?;
    let dir = staging.commit()?;
    if !quiet && !merged.duplicates.is_empty() {
        let listed: Vec<String> = merged
            .duplicates
            .iter()
            .take(20)
            .map(usize::to_string)
            .collect();
        eprintln!(
            "note: {} point(s) were in more than one directory, with identical results: {}",
            merged.duplicates.len(),
            listed.join(", ")
        );
    }
    let data = SweepData::load(&dir)?;
    output::print(&table(&data))?;
    if !quiet {
        eprintln!(
            "{} points from {} director{} merged into {}",
            merged.points,
            args.dirs.len(),
            if args.dirs.len() == 1 { "y" } else { "ies" },
            dir.display()
        );
    }
    Ok(())
}

/// Whether `dir` is `dest` or inside it (so replacing `dest` would delete
/// it).
fn inside(dir: &Path, dest: &Path) -> bool {
    let (Ok(dir), Ok(dest)) = (dir.canonicalize(), dest.canonicalize()) else {
        return false;
    };
    dir.starts_with(dest)
}

/// Charts as the scenario asks, unless `--no-charts`.
pub(crate) fn chart_options(scenario: &Scenario, no_charts: bool) -> Option<ChartOptions> {
    if no_charts || !scenario.output.charts {
        return None;
    }
    Some(ChartOptions {
        format: scenario.output.chart_format,
        ..ChartOptions::default()
    })
}

/// The plan in words and its points, for `--dry-run`.
fn describe(plan: &Plan, shard: Option<Shard>) -> String {
    use std::fmt::Write as _;
    let m = &plan.manifest;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "sweep of {}: {} design, {} point(s) × {} replicate(s) × {} year(s), seed {}",
        m.scenario,
        m.design,
        m.points.len(),
        m.replicates,
        m.years,
        m.seed
    );
    for k in &m.keys {
        let kind = match k.kind {
            KeyKind::Integer => "whole numbers",
            KeyKind::Number => "numbers",
            KeyKind::Text => "words",
            KeyKind::Boolean => "true/false",
        };
        let _ = writeln!(t, "  {} = {}   (base {}; {kind})", k.key, k.spec, k.base);
    }
    let shown: Vec<usize> = session::assigned(plan, shard);
    if let Some(s) = shard {
        let _ = writeln!(t, "shard {s}: {} point(s)", shown.len());
    }
    let mut header = vec!["point".to_string()];
    header.extend(m.keys.iter().map(|k| k.key.clone()));
    let _ = writeln!(t, "{}", header.join("\t"));
    for i in shown {
        let mut row = vec![i.to_string()];
        row.extend(m.points[i].values.iter().cloned());
        let _ = writeln!(t, "{}", row.join("\t"));
    }
    t
}

/// Most rows of the table printed after a sweep.
const TABLE_ROWS: usize = 40;

/// The headline metric at each point, per cohort, in the final year.
fn table(data: &SweepData) -> String {
    use std::fmt::Write as _;
    let m = &data.manifest;
    let Some(&metric) = results::charted_metrics(data).first() else {
        return String::new();
    };
    let year = data.last_year();
    let mut t = String::new();
    let _ = writeln!(
        t,
        "netgrow {} — sweep of {}: {} point(s), {} replicate(s); {} in year {}",
        m.netgrow_version,
        m.scenario,
        m.points.len(),
        m.replicates,
        results::metric_label(metric),
        year + 1
    );
    let mut header: Vec<String> = point_header(data);
    header.extend(m.cohorts.iter().cloned());
    if let Some(label) = data.difference_title() {
        header.push(label);
    }
    let with_ci = |s: crate::metrics::Stat| {
        let half = if s.ci_high.is_finite() {
            (s.ci_high - s.ci_low) / 2.0
        } else {
            0.0
        };
        format!(
            "{} ±{}",
            crate::chart::numbers::amount(s.mean),
            crate::chart::numbers::amount(half)
        )
    };
    let rows: Vec<Vec<String>> = (0..data.points.len().min(TABLE_ROWS))
        .map(|p| {
            let mut cells: Vec<String> = point_cells(data, p);
            for c in 0..m.cohorts.len() {
                cells.push(with_ci(data.stat(p, c, year, metric)));
            }
            if let Some(d) = data.difference(p, year, metric) {
                cells.push(with_ci(d));
            }
            cells
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            std::iter::once(&header)
                .chain(&rows)
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    // Points' names read left-aligned, numbers right-aligned.
    let named = point_header(data).len();
    let line = |cells: &[String]| -> String {
        cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i < named && m.design == Design::Oat {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let _ = writeln!(t, "{}", line(&header));
    for cells in &rows {
        let _ = writeln!(t, "{}", line(cells));
    }
    if data.points.len() > TABLE_ROWS {
        let _ = writeln!(
            t,
            "… {} more point(s) in sweep.csv",
            data.points.len() - TABLE_ROWS
        );
    }
    let _ = writeln!(
        t,
        "Per member, mean over replicates; ± is the 95% interval half-width (the difference is paired, replicate by replicate)."
    );
    t
}

/// The progress bar: runs as its unit (for a smooth ETA), points done in
/// its message.
pub(crate) struct Bar {
    bar: ProgressBar,
    points: AtomicUsize,
    done: AtomicUsize,
}

impl Bar {
    pub(crate) fn new(quiet: bool) -> Bar {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} {bar:30} {msg} points  {pos}/{len} runs  {per_sec}  {elapsed} elapsed, ~{eta} left",
            ) {
                bar.set_style(style);
            }
            bar
        };
        Bar {
            bar,
            points: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
        }
    }

    pub(crate) fn done(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn start(&self, points: usize, runs: u64) {
        self.points.store(points, Ordering::Relaxed);
        self.bar.set_length(runs);
        self.bar.set_message(format!("0/{points}"));
        self.bar.reset_eta();
    }

    fn run_done(&self) {
        self.bar.inc(1);
    }

    fn point_done(&self, _point: usize) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let of = self.points.load(Ordering::Relaxed);
        self.bar.set_message(format!("{n}/{of}"));
    }
}
