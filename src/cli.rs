//! The command line: arguments in, library calls, exit code out.
//!
//! Each subcommand is one short function that reads the scenario, calls the
//! library and prints or writes the result. Errors become exit code 2 when the
//! user's input is at fault (arguments, scenario file, `--set`) and 1 for
//! anything else, with the message naming the file and key involved.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::population::analysis;
use crate::population::World;
use crate::scenario::{Override, Scenario, ScenarioError};
use crate::streams::{self, Purpose};

/// Simulate business networking: relationships ("networking") against
/// pitching and moving on ("connecting"), week by week, over years.
#[derive(Debug, Parser)]
#[command(name = "netgrow", version, about, propagate_version = true)]
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
    /// Check a scenario file and print it with every default filled in.
    #[command(after_help = "Example:\n  netgrow validate scenarios/connecting-vs-networking.toml --set groups.count=30")]
    Validate {
        /// Scenario file (TOML).
        file: PathBuf,
    },
    /// Build a scenario's acquaintance network and describe it: degrees,
    /// clustering, separation ("anyone is only five contacts away?").
    #[command(after_help = "Example:\n  netgrow graph scenarios/connecting-vs-networking.toml --sources 500 --json")]
    Graph {
        /// Scenario file (TOML).
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
}

/// A failure caused by what the user gave us (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            let bad_input = error.chain().any(|e| {
                e.downcast_ref::<BadInput>().is_some()
                    || matches!(
                        e.downcast_ref::<ScenarioError>(),
                        Some(ScenarioError::Invalid { .. } | ScenarioError::Io { .. })
                    )
            });
            ExitCode::from(if bad_input { 2 } else { 1 })
        }
    }
}

/// Dispatches a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let overrides = parse_overrides(&cli.global.set)?;
    match cli.command {
        Command::Validate { file } => {
            let scenario = Scenario::load(&file, &overrides)?;
            print!("{}", scenario.to_toml());
            Ok(())
        }
        Command::Graph {
            file,
            sources,
            json,
            replicate,
        } => {
            let scenario = Scenario::load(&file, &overrides)?;
            let seed = streams::seed_of(scenario.simulation.seed, Purpose::Traits, &[replicate as u64]);
            let world = World::build(&scenario, seed);
            let report = analysis::analyse(
                &world.network,
                sources as usize,
                streams::seed_of(seed, Purpose::Analysis, &[]),
            );
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).context("cannot encode the report as JSON")?
                );
            } else {
                print!("{report}");
            }
            Ok(())
        }
    }
}

fn parse_overrides(args: &[String]) -> anyhow::Result<Vec<Override>> {
    args.iter()
        .map(|a| Override::parse(a).map_err(|e| BadInput(e).into()))
        .collect()
}
