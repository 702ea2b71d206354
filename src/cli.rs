//! The command line: arguments in, library calls, exit code out.
//!
//! Each subcommand is one short function that reads the scenario, calls the
//! library and prints or writes the result. Errors become exit code 2 when the
//! user's input is at fault (arguments, scenario file, `--set`) and 1 for
//! anything else (see [`crate::error`]), with the message naming the file and
//! key involved.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::io::IsTerminal;

use anyhow::Context;
use clap::{Args, CommandFactory, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::error::BadInput;
use crate::output;
use crate::output::ownership::{self, Kind, Owned};
use crate::population::network::analysis;
use crate::population::World;
use crate::scenario::{Override, Scenario};

/// Simulate business networking: relationships ("networking") against
/// pitching and moving on ("connecting"), week by week, over years.
#[derive(Debug, Parser)]
#[command(
    name = "netgrow",
    version = crate::provenance::LONG_VERSION,
    about,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand accepts.
#[derive(Debug, Args)]
pub struct Global {
    /// Override a scenario key, e.g. --set population.size=50000 (repeatable;
    /// dotted keys; checked like the file).
    #[arg(long = "set", value_name = "KEY=VALUE", global = true)]
    pub set: Vec<String>,
    /// Print nothing but results and errors (no progress).
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario: every variant × replicate, week by week; write
    /// CSV/JSON results (and charts) and print a summary table.
    #[command(
        after_help = "Examples:\n  netgrow run scenarios/connecting-vs-networking.toml\n  netgrow run scenarios/group-formats.toml --replicates 40 --threads 2 --out results/formats\n  netgrow run output/connecting-vs-networking/scenario.toml   # reproduce a run"
    )]
    Run(RunArgs),
    /// Redraw the charts and report of a run or sweep directory from its
    /// CSV/JSON files, without simulating again.
    #[command(
        after_help = "Examples:\n  netgrow plot output/connecting-vs-networking\n  netgrow plot output/group-formats --format svg --width 1920 --height 1080\n  netgrow plot output/trust-speed-sweep"
    )]
    Plot {
        /// A directory written by `netgrow run`, or a complete sweep written
        /// by `netgrow sweep` or `netgrow merge`.
        dir: PathBuf,
        /// Image files to write.
        #[arg(long, value_enum, default_value_t = ChartFormat::Both)]
        format: ChartFormat,
        /// Image width in pixels.
        #[arg(long, default_value_t = crate::chart::DEFAULT_WIDTH, value_parser = clap::value_parser!(u32).range(200..=10_000))]
        width: u32,
        /// Image height in pixels.
        #[arg(long, default_value_t = crate::chart::DEFAULT_HEIGHT, value_parser = clap::value_parser!(u32).range(200..=10_000))]
        height: u32,
    },
    /// Check a scenario file and print it with every default filled in.
    #[command(
        after_help = "Examples:\n  netgrow validate scenarios/connecting-vs-networking.toml --set groups.count=30\n  netgrow validate - --json < my-scenario.toml"
    )]
    Validate {
        /// Scenario file (TOML), or - for standard input.
        file: PathBuf,
        /// Print the resolved scenario as one JSON object instead of TOML.
        #[arg(long)]
        json: bool,
    },
    /// Build a scenario's acquaintance network and describe it: degrees,
    /// clustering, separation ("anyone is only five contacts away?").
    #[command(
        after_help = "Example:\n  netgrow graph scenarios/connecting-vs-networking.toml --sources 500 --json"
    )]
    Graph {
        /// Scenario file (TOML), or - for standard input.
        file: PathBuf,
        /// People from whom separation is measured by breadth-first search.
        #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..))]
        sources: u32,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Which replicate's world to build (0-based).
        #[arg(long, default_value_t = 0)]
        replicate: u32,
    },
    /// Run a scenario over many values of its keys (grid, zip, random,
    /// Latin hypercube or one-at-a-time), with common random numbers
    /// across points; write sweep.csv, charts and a report.
    #[command(after_help = crate::sweep::command::SWEEP_EXAMPLES)]
    Sweep(crate::sweep::SweepArgs),
    /// Fit a scenario's uncertain keys to observed figures (a targets file):
    /// candidates from the priors run as a sweep, approximate Bayesian
    /// computation, a calibrated scenario, intervals, a fit table, charts
    /// and a report.
    #[command(after_help = crate::calibrate::command::EXAMPLES)]
    Calibrate(crate::calibrate::CalibrateArgs),
    /// Combine the shard directories of a sweep run with --shard K/N into
    /// one sweep, identical to running it on one machine.
    #[command(after_help = crate::sweep::command::MERGE_EXAMPLES)]
    Merge(crate::sweep::MergeArgs),
    /// Serve a what-if page for a room: sliders for the scenario's
    /// assumptions, live charts as replicates come in, a pinned baseline,
    /// and the settings and report to take home.
    #[command(after_help = SERVE_HELP)]
    Serve(crate::serve::ServeArgs),
    /// Print a shell completion script, to be saved where the shell looks
    /// for them.
    #[command(
        after_help = "Examples:\n  netgrow completions bash > ~/.local/share/bash-completion/completions/netgrow\n  netgrow completions zsh > ~/.zfunc/_netgrow\n  netgrow completions fish > ~/.config/fish/completions/netgrow.fish"
    )]
    Completions {
        /// The shell: bash, zsh, fish, powershell or elvish.
        shell: clap_complete::Shell,
    },
    /// Print netgrow's manual page (roff), every subcommand included.
    #[command(after_help = "Example:\n  netgrow man > netgrow.1 && man ./netgrow.1")]
    Man,
    /// Compare two run directories: their headline figures side by side
    /// with 95% intervals, and the scenario keys whose values differ.
    #[command(
        after_help = "Example:\n  netgrow run scenarios/connecting-vs-networking.toml --out before\n  netgrow run scenarios/connecting-vs-networking.toml --set economy.value_of_time=20 --out after\n  netgrow compare before after --out before-vs-after"
    )]
    Compare {
        /// The run before (A), a directory written by `netgrow run`.
        run_a: PathBuf,
        /// The run after (B).
        run_b: PathBuf,
        /// Output directory [default: <output.dir of A>/compare-<A>-vs-<B>].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Print the codebook: every column of every file run and sweep write,
    /// with its unit, kind and definition (as in docs/outputs.md).
    #[command(after_help = "Examples:\n  netgrow columns > outputs.md\n  netgrow columns --json")]
    Columns {
        /// Print JSON for programs instead of Markdown.
        #[arg(long)]
        json: bool,
    },
}

/// Examples and limits of `netgrow serve`.
const SERVE_HELP: &str = "Examples:\n  netgrow serve scenarios/connecting-vs-networking.toml\n  netgrow serve scenarios/if-i-network.toml --port 0\n  netgrow serve scenarios/connecting-vs-networking.toml --host 0.0.0.0 --port 8080   # a room's network: the printed URL carries the access token\n\nThe page may change only the scenario's controls ([workshop], or a default set), each checked like --set; population.size and simulation.replicates are held to --max-population and --max-replicates, which only the command line can raise. Nothing is written to disk except the report a page downloads, rendered in a temporary directory removed at once.";

/// Options of `netgrow run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML), or - for standard input.
    pub file: PathBuf,
    /// Output directory [default: <output.dir>/<simulation.name>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Replicates per variant (sets simulation.replicates).
    #[arg(long, value_name = "N")]
    pub replicates: Option<u32>,
    /// Seed of every random stream (sets simulation.seed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Simulated years (sets simulation.years).
    #[arg(long, value_name = "Y")]
    pub years: Option<u32>,
    /// Worker threads [default: all cores]; results do not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Skip the charts and report (sets output.charts = false).
    #[arg(long)]
    pub no_charts: bool,
    /// Print a JSON summary (where the run wrote, the headline figures of
    /// every variant and cohort, the paired differences at the end of the
    /// run) instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Chart file formats on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ChartFormat {
    Png,
    Svg,
    Both,
}

impl ChartFormat {
    fn format(self) -> crate::chart::Format {
        match self {
            ChartFormat::Png => crate::chart::Format::Png,
            ChartFormat::Svg => crate::chart::Format::Svg,
            ChartFormat::Both => crate::chart::Format::Both,
        }
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(crate::error::exit_code(&error))
        }
    }
}

/// Dispatches a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let overrides = parse_overrides(&cli.global.set)?;
    match cli.command {
        Command::Run(args) => run_command(args, overrides, cli.global.quiet),
        Command::Plot {
            dir,
            format,
            width,
            height,
        } => {
            if !overrides.is_empty() {
                return Err(BadInput(format!(
                    "plot takes no --set: it draws from the files of the run in {}, whose scenario is fixed; to change it, run again (netgrow run {} --set …), or change the pictures with --format, --width and --height",
                    dir.display(),
                    dir.join("scenario.toml").display()
                ))
                .into());
            }
            let options = crate::chart::ChartOptions {
                format: format.format(),
                width,
                height,
            };
            if dir.join(crate::sweep::store::MANIFEST).is_file() {
                let drawn = crate::sweep::session::redraw(&dir, &options)?;
                if !cli.global.quiet {
                    eprintln!(
                        "{} chart file(s) and {} written",
                        drawn.len().saturating_sub(1),
                        dir.join("report.html").display()
                    );
                }
                return Ok(());
            }
            crate::chart::check_run_dir(&dir).map_err(|e| BadInput(format!("{e:#}")))?;
            // Only a run directory netgrow wrote, and only charts and a
            // report it drew itself, are redrawn.
            let mut owned = Owned::open(&dir, Kind::Run)?;
            let mut redrawn = crate::chart::files(options.format);
            redrawn.extend(crate::report::FILES.map(String::from));
            owned.check_replaceable(&redrawn)?;
            owned.will_write(&redrawn)?;
            let drawn = crate::chart::draw_all(&dir, &options)?;
            let report = crate::report::write_report(&dir)?;
            owned.wrote(&redrawn)?;
            if !cli.global.quiet {
                eprintln!(
                    "{} chart file(s) and {} written",
                    drawn.len(),
                    report.display()
                );
            }
            Ok(())
        }
        Command::Sweep(args) => crate::sweep::command::sweep(args, overrides, cli.global.quiet),
        Command::Merge(args) => crate::sweep::command::merge(args, &overrides, cli.global.quiet),
        Command::Calibrate(args) => {
            crate::calibrate::command::calibrate(args, overrides, cli.global.quiet)
        }
        Command::Serve(args) => crate::serve::serve(args, overrides, cli.global.quiet),
        Command::Validate { file, json } => validate(&file, overrides, json),
        Command::Compare { run_a, run_b, out } => {
            compare(&run_a, &run_b, out, &overrides, cli.global.quiet)
        }
        Command::Columns { json } => columns(json, &overrides),
        Command::Completions { shell } => {
            no_overrides("completions", &overrides)?;
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "netgrow", &mut script);
            output::print(&String::from_utf8_lossy(&script))
        }
        Command::Man => {
            no_overrides("man", &overrides)?;
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .context("cannot render the manual page")?;
            output::print(&String::from_utf8_lossy(&page))
        }
        Command::Graph {
            file,
            sources,
            json,
            replicate,
        } => {
            let scenario = Scenario::load(&file, &overrides)?;
            check_memory(&file, &crate::resources::world_estimate(&scenario))?;
            let seed = World::seed(scenario.simulation.seed, replicate);
            let world = World::build(&scenario, seed);
            let report = analysis::analyse(
                &world.network,
                sources as usize,
                crate::experiment::analysis_seed(seed),
            );
            if json {
                let text = serde_json::to_string_pretty(&report)
                    .context("cannot encode the report as JSON")?;
                output::print(&(text + "\n"))
            } else {
                output::print(&report.to_string())
            }
        }
    }
}

/// `netgrow validate`: the scenario with every default filled in, its
/// `[sweep]` table (if any) checked as `netgrow sweep` would.
fn validate(file: &Path, overrides: Vec<Override>, json: bool) -> anyhow::Result<()> {
    let source = crate::scenario::Source::read(file)?;
    let scenario = Scenario::from_str(&source.text, &source.file, &source.stem, &overrides)?;
    if scenario.sweep.is_some() {
        crate::sweep::plan::check(&source.text, &source.file, &source.stem, overrides)?;
    }
    let text = if json {
        serde_json::to_string_pretty(&scenario)
            .map(|t| t + "\n")
            .with_context(|| format!("scenario {}: cannot encode it as JSON", source.file))?
    } else {
        scenario
            .try_to_toml()
            .map_err(|e| anyhow::anyhow!("scenario {}: {e}", source.file))?
    };
    output::print(&text)
}

/// Refuses `--set` for a command that reads no scenario.
fn no_overrides(command: &str, overrides: &[Override]) -> anyhow::Result<()> {
    if overrides.is_empty() {
        Ok(())
    } else {
        Err(BadInput(format!("{command} takes no --set: it reads no scenario")).into())
    }
}

/// `netgrow compare`: two runs side by side, written where
/// [`ownership`] allows, the differing keys printed.
fn compare(
    a: &Path,
    b: &Path,
    out: Option<PathBuf>,
    overrides: &[Override],
    quiet: bool,
) -> anyhow::Result<()> {
    use crate::report::compare_runs::{self, Comparison};
    if !overrides.is_empty() {
        return Err(BadInput(
            "compare takes no --set: it reads two finished runs; change a run by running it again"
                .into(),
        )
        .into());
    }
    for dir in [a, b] {
        crate::chart::check_run_dir(dir).map_err(|e| BadInput(format!("{e:#}")))?;
    }
    let comparison = Comparison::load(a, b).map_err(|e| BadInput(format!("{e:#}")))?;
    let name = |p: &Path| {
        p.file_name()
            .map_or_else(|| "run".into(), |n| n.to_string_lossy().into_owned())
    };
    let dest = out.unwrap_or_else(|| {
        PathBuf::from(&comparison.a.scenario.output.dir).join(format!(
            "compare-{}-vs-{}",
            name(a),
            name(b)
        ))
    });
    let claim = ownership::claim(&dest)?;
    // A comparison replaces only an earlier comparison, never a run (least
    // of all one of the two it reads).
    if let Some(kind) = claim.kind().filter(|k| *k != Kind::Comparison) {
        return Err(BadInput(format!(
            "{} holds {} written by netgrow, not a comparison: choose another --out",
            dest.display(),
            kind.describe()
        ))
        .into());
    }
    let mut staging = claim.stage(Kind::Comparison)?;
    staging.owned_mut().will_write(compare_runs::FILES)?;
    compare_runs::write(&comparison, staging.dir())?;
    staging.owned_mut().wrote(compare_runs::FILES)?;
    let dir = staging.commit()?;
    output::print(&compare_runs::keys_text(&comparison))?;
    if !quiet {
        eprintln!(
            "comparison written to {}: open {}",
            dir.display(),
            dir.join(compare_runs::FILES[0]).display()
        );
    }
    Ok(())
}

/// Prints the codebook, as Markdown or JSON.
fn columns(json: bool, overrides: &[Override]) -> anyhow::Result<()> {
    use crate::output::schema::codebook;
    if !overrides.is_empty() {
        return Err(BadInput(
            "columns takes no --set: the columns of every file are the same whatever the scenario"
                .into(),
        )
        .into());
    }
    output::print(&if json {
        codebook::json()?
    } else {
        codebook::markdown()
    })
}

/// Refuses a scenario whose estimated memory is more than the system has
/// available, naming what drives the estimate.
fn check_memory(file: &Path, estimate: &crate::resources::Estimate) -> anyhow::Result<()> {
    if let Some(available) = crate::resources::available_bytes() {
        if estimate.total() > available {
            return Err(BadInput(format!(
                "{} needs {estimate}\nbut only {} is available: lower the keys named above (e.g. --set population.size=…, --replicates …)",
                crate::scenario::display_path(file),
                crate::resources::gib(available)
            ))
            .into());
        }
    }
    Ok(())
}

fn run_command(args: RunArgs, mut overrides: Vec<Override>, quiet: bool) -> anyhow::Result<()> {
    // Command-line shortcuts become overrides, so the resolved scenario
    // written with the results records them and reproduces the run.
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
    if args.no_charts {
        overrides.push(Override::parse("output.charts=false").map_err(BadInput)?);
    }
    let scenario = Scenario::load(&args.file, &overrides)?;
    let dest = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(&scenario.output.dir).join(&scenario.simulation.name));
    let pool = crate::threads::pool(args.threads)?;
    check_memory(
        &args.file,
        &crate::resources::estimate(&scenario, pool.current_num_threads() as u64),
    )?;
    // The destination is checked, and the staging directory created, before
    // simulating: a refused or unwritable location fails at once.
    let mut staging = ownership::claim(&dest)?.stage(Kind::Run)?;
    let total = crate::experiment::runs(&scenario);
    let bar = progress_bar(total, quiet);
    let experiment = pool.install(|| crate::experiment::run(&scenario, &|| bar.inc(1)));
    bar.finish_and_clear();
    let results = output::ResultsFile::new(&experiment);
    let mut files: Vec<String> = output::RUN_FILES.iter().map(|f| f.to_string()).collect();
    let options = scenario.output.charts.then(|| crate::chart::ChartOptions {
        format: scenario.output.chart_format,
        ..Default::default()
    });
    if let Some(options) = &options {
        files.extend(crate::chart::files(options.format));
        files.extend(crate::report::FILES.map(String::from));
    }
    staging.owned_mut().will_write(&files)?;
    output::write_run_files(&experiment, &results, staging.dir())?;
    if let Some(options) = &options {
        crate::chart::draw_all(staging.dir(), options)?;
        crate::report::write_report(staging.dir())?;
    }
    staging.owned_mut().wrote(&files)?;
    let dir = staging.commit()?;
    let report = options.is_some().then(|| dir.join(crate::report::FILE));
    if args.json {
        output::print(&output::json_summary(&results, &dir, report.as_deref())?)?;
    } else {
        output::print(&output::table(&results, &scenario.economy.currency))?;
    }
    if !quiet {
        eprintln!("results written to {}", dir.display());
        if let Some(report) = &report {
            eprintln!(
                "report: {}\nhandout: {}",
                report.display(),
                dir.join(crate::report::handout::FILE).display()
            );
        }
    }
    Ok(())
}

/// A progress bar on stderr when it is a terminal; hidden otherwise.
fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} {bar:40} {pos}/{len} runs  {elapsed} elapsed, ~{eta} left",
    ) {
        bar.set_style(style);
    }
    bar
}

fn parse_overrides(args: &[String]) -> anyhow::Result<Vec<Override>> {
    args.iter()
        .map(|a| Override::parse(a).map_err(|e| BadInput(e).into()))
        .collect()
}
