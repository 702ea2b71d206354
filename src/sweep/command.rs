//! The `netgrow sweep` and `netgrow merge` subcommands: their options, and
//! the short functions that call the library and print what happened.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::design::Design;
use super::plan::{self, Plan, Request};
use super::results::{self, SweepData};
use super::runner::{self, Progress};
use super::session::{self, Settings};
use super::shard::{self, Shard, ShardArg};
use super::spec::KeyKind;
use super::store;
use crate::chart::{ChartOptions, Format};
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
    /// How values combine [default: the file's, else grid].
    #[arg(long, value_enum)]
    pub design: Option<Design>,
    /// Number of points of a random or lhs design.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=super::design::MAX_POINTS as u64))]
    pub points: Option<u64>,
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
        print!("{}", slurm_script(&plan, &args, n as usize)?);
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
fn chart_options(scenario: &Scenario, no_charts: bool) -> Option<ChartOptions> {
    if no_charts || !scenario.output.charts {
        return None;
    }
    let format = match scenario.output.chart_format.as_str() {
        "png" => Format::Png,
        "svg" => Format::Svg,
        _ => Format::Both,
    };
    Some(ChartOptions {
        format,
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
    if let Some(label) = data.difference_label() {
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
struct Bar {
    bar: ProgressBar,
    points: AtomicUsize,
    done: AtomicUsize,
}

impl Bar {
    fn new(quiet: bool) -> Bar {
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

    fn done(&self) {
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

/// A shell word that stays one word: `'…'`, quotes escaped. Nothing in it
/// is expanded, whatever it holds.
fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// An option value on an `#SBATCH` line, which sbatch reads itself rather
/// than through a shell: in double quotes, with `\` and `"` escaped, so
/// spaces and `#` stay part of the value. sbatch blanks out the words
/// "packjob" and "hetjob" anywhere on such a line, so a value holding one
/// cannot be written there.
fn sbatch_quote(value: &str) -> Result<String, String> {
    let lower = value.to_lowercase();
    if let Some(word) = ["packjob", "hetjob"].iter().find(|w| lower.contains(*w)) {
        return Err(format!(
            "{value} holds \"{word}\", which sbatch removes from #SBATCH lines"
        ));
    }
    Ok(format!(
        "\"{}\"",
        value.replace('\\', r"\\").replace('"', "\\\"")
    ))
}

/// Everything an `--emit-slurm` script is written from.
#[derive(Clone, Debug)]
struct SlurmJob {
    /// `simulation.name` (checked by the scenario loader to be letters,
    /// digits, `-`, `_` and `.`).
    name: String,
    shards: usize,
    points: usize,
    replicates: u32,
    years: u32,
    /// `--threads`, or `None` to take the task's `SLURM_CPUS_PER_TASK`.
    threads: Option<u32>,
    out: String,
    cwd: String,
    exe: String,
    /// The sweep's command line without `--emit-slurm` and `--out`, one
    /// argument each.
    args: Vec<String>,
    no_charts: bool,
}

/// A path as the script writes it: UTF-8 and free of control characters
/// (a line break would end a comment or an `#SBATCH` line and start a
/// command).
fn script_path(what: &str, path: &Path) -> Result<String> {
    let text = path.to_str().ok_or_else(|| {
        BadInput(format!(
            "cannot write a Slurm script: the {what} {} is not UTF-8",
            path.display()
        ))
    })?;
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(BadInput(format!(
            "cannot write a Slurm script: the {what} {text:?} holds the control character U+{:04X}",
            u32::from(c)
        ))
        .into());
    }
    Ok(text.to_string())
}

/// The `--emit-slurm N` script: an sbatch array of `n` tasks, task K
/// running `--shard K/n` into its own directory with `--resume`, and (when
/// run with bash) a merge job that depends on the whole array.
fn slurm_script(plan: &Plan, args: &SweepArgs, n: usize) -> Result<String> {
    let points = plan.points.len();
    if n > points {
        return Err(BadInput(format!(
            "--emit-slurm {n}: the sweep has only {points} point(s); give at most {points} shards"
        ))
        .into());
    }
    if args.file.as_os_str() == "-" {
        return Err(BadInput(
            "--emit-slurm: each shard reads the scenario file again on its machine; give a file, not - (standard input)".into(),
        )
        .into());
    }
    let s = &plan.base;
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from(&s.output.dir).join(format!("{}-sweep", s.simulation.name))
    });
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .context("cannot find the netgrow executable")?;
    // This command line without --emit-slurm and --out, for every shard.
    let mut words: Vec<String> = Vec::new();
    let mut argv = std::env::args_os().skip(1);
    while let Some(a) = argv.next() {
        let Some(a) = a.to_str() else {
            return Err(BadInput(format!(
                "cannot write a Slurm script: the argument {} is not UTF-8",
                a.to_string_lossy()
            ))
            .into());
        };
        match a {
            "--emit-slurm" | "--out" => {
                argv.next();
            }
            _ if a.starts_with("--emit-slurm=") || a.starts_with("--out=") => {}
            _ => words.push(a.to_string()),
        }
    }
    let job = SlurmJob {
        name: s.simulation.name.clone(),
        shards: n,
        points,
        replicates: plan.manifest.replicates,
        years: plan.manifest.years,
        threads: args.threads,
        out: script_path("output directory", &out)?,
        cwd: script_path("current directory", &cwd)?,
        exe: script_path("netgrow executable", &exe)?,
        args: words,
        no_charts: args.no_charts,
    };
    render_slurm(&job).map_err(|e| BadInput(format!("cannot write a Slurm script: {e}")).into())
}

/// Writes the script of `job`. Every value from outside the program is
/// quoted where the shell or sbatch reads it (shell words with
/// [`shell_quote`], `#SBATCH` values with [`sbatch_quote`]) and appears in
/// comments only without line breaks ([`script_path`]).
fn render_slurm(job: &SlurmJob) -> Result<String, String> {
    let SlurmJob {
        name,
        shards: n,
        points,
        replicates,
        years,
        out,
        cwd,
        exe,
        ..
    } = job;
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(format!(
            "the name {name:?} holds the control character U+{:04X}",
            u32::from(c)
        ));
    }
    let mut words: Vec<String> = job.args.iter().map(|a| shell_quote(a)).collect();
    let threads = match job.threads {
        Some(t) => t.to_string(),
        None => {
            words.push("--threads".into());
            words.push("\"${SLURM_CPUS_PER_TASK:-1}\"".into());
            "1".into()
        }
    };
    let merge_flags = if job.no_charts { " --no-charts" } else { "" };
    Ok(format!(
        r#"#!/usr/bin/env bash
# {name}: a netgrow sweep as a Slurm job array of {n} shards, then a merge.
# {points} point(s) x {replicates} replicate(s) x {years} year(s); shard K runs
# points K-1, K-1+{n}, ... into {out}-shard-K-of-{n}.
# Written by netgrow {version} --emit-slurm {n}.
#
#   bash THIS_FILE          submit the {n} shards, and a merge job that starts
#                           once every shard has succeeded
#   bash THIS_FILE 3,7      rerun only shards 3 and 7 (each resumes where it
#                           stopped; finished shards are not run again), then merge
#   bash THIS_FILE merge    merge now, here (after fixing shards by hand)
#   sbatch THIS_FILE        submit the shards only
#
# Follow:  squeue --me    (and ls {out}-shard-*-of-{n}/points)
# Logs:    slurm-netgrow-{name}-JOBID_K.out in {cwd}
# Edit the #SBATCH lines (time, memory, partition) to suit your cluster.
#
#SBATCH --job-name={job_name_s}
#SBATCH --array=1-{n}
#SBATCH --chdir={cwd_s}
#SBATCH --output=slurm-%x-%A_%a.out
#SBATCH --cpus-per-task={threads}
##SBATCH --time=1:00:00
##SBATCH --mem=4G
##SBATCH --partition=...
set -euo pipefail

NETGROW=${{NETGROW:-{exe_q}}}
SHARDS={n}
OUT={out_q}

shard_dir() {{ echo "$OUT-shard-$1-of-$SHARDS"; }}

cd {cwd_q}
if [[ -n ${{SLURM_ARRAY_TASK_ID:-}} ]]; then
    exec "$NETGROW" {words} --shard "$SLURM_ARRAY_TASK_ID/$SHARDS" --out "$(shard_dir "$SLURM_ARRAY_TASK_ID")" --resume
fi

if [[ ${{1:-}} == merge ]]; then
    dirs=()
    for k in $(seq 1 "$SHARDS"); do dirs+=("$(shard_dir "$k")"); done
    exec "$NETGROW" merge "${{dirs[@]}}" --out "$OUT"{merge_flags}
fi

self=$(realpath "$0")
array=${{1:-1-$SHARDS}}
job=$(sbatch --parsable --array="$array" "$self")
job=${{job%%;*}}
merge_job=$(sbatch --parsable --dependency="afterok:$job" --kill-on-invalid-dep=yes \
    --job-name={merge_name_q} --chdir={cwd_q} --output="slurm-%x-%j.out" \
    --wrap="bash $(printf %q "$self") merge")
merge_job=${{merge_job%%;*}}
echo "netgrow: shards $array of $SHARDS submitted as job array $job"
echo "netgrow: merge into $OUT submitted as job $merge_job, to start when every shard has succeeded"
"#,
        version = env!("CARGO_PKG_VERSION"),
        job_name_s = sbatch_quote(&format!("netgrow-{name}"))?,
        cwd_s = sbatch_quote(cwd)?,
        cwd_q = shell_quote(cwd),
        exe_q = shell_quote(exe),
        out_q = shell_quote(out),
        merge_name_q = shell_quote(&format!("netgrow-{name}-merge")),
        words = words.join(" "),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads one value of an `#SBATCH` line as sbatch does (`_get_argument`
    /// in its `opt.c`): up to unquoted white space or `#`, with `\`
    /// escaping the next character and `"…"` or `'…'` quoting.
    fn sbatch_reads(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        let mut quote: Option<char> = None;
        while let Some(c) = chars.next() {
            match (c, quote) {
                ('\\', _) => out.extend(chars.next()),
                (c, Some(q)) if c == q => quote = None,
                (c, Some(_)) => out.push(c),
                ('"' | '\'', None) => quote = Some(c),
                (c, None) if c.is_whitespace() || c == '#' => break,
                (c, None) => out.push(c),
            }
        }
        out
    }

    /// Values a shell or sbatch would expand, split or cut short.
    const AWKWARD: [&str; 4] = [
        "/tmp/c w d $(touch X) `touch Y` 'q\" #z",
        "/opt/net grow's \\bin\\/netgrow",
        "o u t;rm -rf ~ &",
        "simulation.description=it's \"$HOME\" # ${x:-y}",
    ];

    fn job() -> SlurmJob {
        SlurmJob {
            name: "n.a_m-e".into(),
            shards: 3,
            points: 7,
            replicates: 2,
            years: 1,
            threads: None,
            cwd: AWKWARD[0].into(),
            exe: AWKWARD[1].into(),
            out: AWKWARD[2].into(),
            args: vec![
                "sweep".into(),
                "scenario file.toml".into(),
                "--set".into(),
                AWKWARD[3].into(),
            ],
            no_charts: true,
        }
    }

    #[test]
    fn sbatch_reads_back_each_quoted_value_whole() {
        for value in AWKWARD {
            let quoted = sbatch_quote(value).unwrap();
            assert_eq!(sbatch_reads(&format!("{quoted} # comment")), value);
        }
        assert!(sbatch_quote("/home/hetjobs").is_err());
    }

    #[test]
    fn every_value_in_a_slurm_script_is_quoted_where_it_is_read() {
        let job = job();
        let script = render_slurm(&job).unwrap();
        // Comment lines are read by nobody; every other line by bash or,
        // for #SBATCH lines, by sbatch.
        let read: Vec<&str> = script
            .lines()
            .filter(|l| !(l.starts_with("# ") || *l == "#"))
            .collect();
        let values = [&job.cwd, &job.exe, &job.out, &job.args[1], &job.args[3]];
        for value in values {
            let mut seen = false;
            for line in &read {
                let quoted = if line.starts_with("#SBATCH") {
                    sbatch_quote(value).unwrap()
                } else {
                    shell_quote(value)
                };
                seen |= line.contains(&quoted);
                assert!(
                    !line.replace(&quoted, "").contains(value.as_str()),
                    "{value} unquoted in: {line}"
                );
            }
            assert!(seen, "{value} is not in the script");
        }
        assert!(script.contains("\n#SBATCH --job-name=\"netgrow-n.a_m-e\"\n"));
        assert!(script.contains(" --job-name='netgrow-n.a_m-e-merge' "));
        assert!(script.contains(&format!(
            "\n#SBATCH --chdir={}\n",
            sbatch_quote(&job.cwd).unwrap()
        )));
    }

    #[test]
    fn a_control_character_never_reaches_a_script() {
        let mut job = job();
        job.name = "a\nb".into();
        assert!(render_slurm(&job).is_err());
        let err = script_path("output directory", Path::new("o\ntouch P"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("U+000A"), "{err}");
    }
}
