//! The `netgrow calibrate` subcommand: its options, and the short function
//! that reads the inputs, runs the candidates as a sweep session, fits,
//! checks the fit and writes the results.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::report::{self, Calibration};
use super::targets::{self, Base, Targets};
use super::{candidates, fit, posterior};
use crate::error::BadInput;
use crate::output;
use crate::output::ownership::{Kind, Owned};
use crate::scenario::{Override, Scenario, Source};
use crate::sweep::command::{chart_options, Bar};
use crate::sweep::runner;
use crate::sweep::session::{self, Settings};
use crate::sweep::shard::{Shard, ShardArg};

/// Options of `netgrow calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Scenario file (TOML) to calibrate; - for standard input.
    pub file: PathBuf,
    /// Targets file (TOML): the observed figures, their uncertainty, the
    /// statistics they correspond to, and the keys to fit with their
    /// priors (see docs/calibration.md).
    #[arg(long, value_name = "FILE")]
    pub targets: PathBuf,
    /// Output directory [default: <output.dir>/<simulation.name>-calibration,
    /// or …-calibration-shard-K-of-N for a shard].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run only the K-th of N shares of the candidates into its own
    /// directory; combine with `netgrow merge`, then finish with
    /// `netgrow calibrate … --resume --out MERGED`. `slurm` takes K and N
    /// from the Slurm array task.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse_arg)]
    pub shard: Option<ShardArg>,
    /// Continue an interrupted calibration in the same directory (or
    /// finish a merged one), running only the candidates not yet written.
    #[arg(long)]
    pub resume: bool,
    /// Worker threads [default: all cores]; results do not depend on it.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Seed of every random stream and of the candidates' Latin hypercube
    /// (sets simulation.seed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Skip the charts and report.
    #[arg(long)]
    pub no_charts: bool,
}

/// Examples shown by `netgrow calibrate --help`.
pub const EXAMPLES: &str = "Examples:
  netgrow calibrate scenarios/connecting-vs-networking.toml --targets scenarios/targets/referral-group.toml
  netgrow calibrate scenarios/connecting-vs-networking.toml --targets scenarios/targets/my-group.toml --out output/my-group
  netgrow calibrate S.toml --targets T.toml --shard 2/4 --out part2      # on the second of four machines
  netgrow merge part1 part2 part3 part4 --out all && netgrow calibrate S.toml --targets T.toml --resume --out all";

/// Runs `netgrow calibrate`.
pub fn calibrate(args: CalibrateArgs, mut overrides: Vec<Override>, quiet: bool) -> Result<()> {
    let shard = args.shard.map(ShardArg::resolve).transpose()?;
    if let Some(seed) = args.seed {
        overrides.push(Override::parse(&format!("simulation.seed={seed}")).map_err(BadInput)?);
    }
    let source = Source::read(&args.file)?;
    let scenario = Scenario::from_str(&source.text, &source.file, &source.stem, &overrides)?;
    let base = Base {
        text: &source.text,
        file: &source.file,
        stem: &source.stem,
        overrides: &overrides,
        scenario: &scenario,
    };
    let targets = targets::load(&args.targets, &base)?;
    check_scenario(&scenario, &source.file, &targets)?;
    let pool = crate::threads::pool(args.threads)?;
    let plan = pool.install(|| candidates::plan(&source, &overrides, &targets))?;
    let out = args.out.clone().unwrap_or_else(|| {
        let name = match shard {
            Some(k) => format!(
                "{}-calibration-shard-{}-of-{}",
                scenario.simulation.name, k.index, k.count
            ),
            None => format!("{}-calibration", scenario.simulation.name),
        };
        PathBuf::from(&scenario.output.dir).join(name)
    });
    let charts = chart_options(&scenario, args.no_charts);
    let settings = Settings {
        out,
        shard,
        resume: args.resume,
        charts: None,
        runner: runner::Options {
            keep_timeseries: false,
            world_budget: runner::Options::budget(&plan, pool.current_num_threads())
                .map_err(BadInput)?,
        },
    };
    let bar = Bar::new(quiet);
    let outcome = pool.install(|| session::execute(&plan, &settings, &bar))?;
    bar.done();
    if !quiet {
        eprintln!(
            "{} candidate(s) run{} × {} replicate(s) in {:.1} s",
            outcome.ran.points,
            if outcome.skipped > 0 {
                format!(" ({} already done)", outcome.skipped)
            } else {
                String::new()
            },
            targets.method.replicates,
            outcome.elapsed_seconds
        );
    }
    if !outcome.finished {
        return output::print(&format!(
            "shard {}: {} of {} candidates done in {}\nwhen every shard is done: netgrow merge DIR... --out DIR, then netgrow calibrate {} --targets {} --resume --out DIR\n",
            shard.map(|s| s.to_string()).unwrap_or_default(),
            outcome.assigned,
            plan.points.len(),
            outcome.dir.display(),
            source.file,
            targets.file
        ));
    }
    let params = candidates::parameters(&plan, &targets);
    let stats = candidates::statistics(&plan, &outcome.dir, &targets)?;
    let fitted =
        posterior::fit(&params, &stats, &targets, plan.base.simulation.seed).map_err(BadInput)?;
    let medians = posterior::median_overrides(&targets.priors, &fitted.intervals);
    let calibrated = posterior::calibrated(
        &source.text,
        &source.file,
        &source.stem,
        &overrides,
        medians,
    )?;
    let simulated = pool.install(|| fit::simulated(&calibrated, &targets, &|| {}));
    let calibration = Calibration {
        targets: &targets,
        scenario_file: source.file.clone(),
        candidates: plan
            .points
            .iter()
            .map(|p| {
                p.values
                    .iter()
                    .map(|v| crate::sweep::spec::number(v).unwrap_or(f64::NAN))
                    .collect()
            })
            .collect(),
        statistics: &stats,
        fitted: &fitted,
        calibrated: &calibrated,
        simulated: &simulated,
        replicates: targets.method.replicates,
    };
    let mut owned = open_sweep_dir(&outcome.dir)?;
    let files = report::files(charts.as_ref());
    owned.check_replaceable(&files)?;
    owned.will_write(&files)?;
    report::write(&outcome.dir, &calibration, charts.as_ref())?;
    owned.wrote(&files)?;
    output::print(&report::table(&calibration))?;
    if !quiet {
        eprintln!("results written to {}", outcome.dir.display());
    }
    Ok(())
}

/// Refuses scenarios calibration cannot run: with variants (a candidate is
/// one scenario), or with a `[sweep]` table varying keys the targets do not
/// fit (the candidates are the only points).
fn check_scenario(scenario: &Scenario, file: &str, targets: &Targets) -> Result<()> {
    if !scenario.variants.is_empty() {
        return Err(BadInput(format!(
            "{file} has [[variants]] (or [focal] arms): calibration fits one scenario; remove them, or calibrate each variant's scenario on its own"
        ))
        .into());
    }
    let varied = scenario
        .sweep
        .as_ref()
        .and_then(|s| s.get("vary"))
        .and_then(toml::Value::as_table);
    if let Some(vary) = varied {
        if let Some(key) = vary
            .keys()
            .find(|k| !targets.priors.iter().any(|p| &p.key == *k))
        {
            return Err(BadInput(format!(
                "{file} has a [sweep] table varying {key}, which the targets do not fit: calibration draws its own candidates from the priors; remove the [sweep] table"
            ))
            .into());
        }
    }
    Ok(())
}

/// The sweep directory the session left, to add the calibration's files
/// to: written as a sweep, or merged from shards.
fn open_sweep_dir(dir: &std::path::Path) -> Result<Owned> {
    Owned::open(dir, Kind::Sweep).or_else(|_| Owned::open(dir, Kind::Merge))
}
