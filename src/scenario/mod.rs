//! Scenario files: what a run simulates, read from TOML and validated.
//!
//! This is the first stage of the pipeline: `scenario file → Scenario →
//! runs → metrics → summaries → outputs`. Reading happens in two steps, as in
//! ripgrep's low/high-level arguments: the file is parsed into a [`tree`] of
//! values that remember their line and column (with `--set` overrides applied
//! on top), then [`Scenario::from_str`] reads every key, fills in defaults,
//! checks ranges and cross-key constraints, and reports *all* problems at
//! once. A [`Scenario`] that exists is valid: the simulation never has to
//! check its parameters again.
//!
//! Every key, its default, unit and source is listed in the README's scenario
//! reference. [`Scenario::try_to_toml`] writes the fully resolved scenario,
//! which reads back to an identical value.
//!
//! Where things are: the section types in `sections`; reading them in
//! `read_sections` (the town and the experiment) and `read_members`
//! (strategies, cohorts, room, focal); defaults and the built-in strategies
//! in `defaults`; checks across sections in `constraints`; variants and
//! focal arms in `variants`; the file, its names and load errors in
//! `source`; `--set` in `overrides`; writing back in `write`.

pub mod dist;
pub mod professions;
pub mod read;
pub mod tree;

mod choices;
mod constraints;
mod defaults;
mod overrides;
mod read_members;
mod read_sections;
mod sections;
mod source;
mod variants;
pub mod workshop;
mod write;

use std::path::Path;

use serde::Serialize;

pub use choices::{
    BuiltIn, Cadence, ChartFormat, Choice, GroupFormat, NetworkKind, PartnerChoice, PatienceRule,
    Rooms,
};
use constraints::{check_constraints, check_strategies_used};
use defaults::with_default_cohorts;
pub use defaults::{built_in_strategies, default_groups, default_output};
pub use dist::{Dist, Domain, Sampler, Shape};
use overrides::unknown_name;
pub use overrides::Override;
pub use professions::Profession;
pub use read::Diagnostic;
use read::{Reader, Table};
use read_members::{read_members, read_strategies};
use read_sections::{
    read_economy, read_groups, read_markets, read_output, read_population, read_relationships,
    read_simulation,
};
pub use sections::{
    percent, Cohort, Economy, Focal, Groups, Markets, Output, Population, Relationships, Room,
    Simulation, Strategy, Traits, Variant,
};
pub use source::{
    display_path, name_problem, ScenarioError, Source, MAX_FILE_BYTES, MAX_NAME_CHARS,
};
use tree::{Node, Value};
use variants::{focal_variants, read_variants};
pub use workshop::{Control, Workshop};
use write::{ordered_map, to_toml_value};

use crate::population::network::NetworkModel;

/// The largest population the loader accepts; beyond it memory, not the
/// model, is the limit.
pub const MAX_PEOPLE: u64 = 50_000_000;

/// A validated scenario with every default resolved.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    pub simulation: Simulation,
    pub population: Population,
    pub groups: Groups,
    pub relationships: Relationships,
    pub economy: Economy,
    pub markets: Markets,
    pub output: Output,
    #[serde(serialize_with = "ordered_map")]
    pub strategies: Vec<(String, Strategy)>,
    #[serde(serialize_with = "ordered_map")]
    pub cohorts: Vec<(String, Cohort)>,
    /// `[room]`, if the members are given by the culture of the room (the
    /// cohorts are then made from it, and not written back).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room: Option<Room>,
    /// `[focal]`, if the scenario asks the individual's question (its arms
    /// are then the variants, and not written back).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focal: Option<Focal>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<Variant>,
    /// `[sweep]`, kept as written: `netgrow sweep` reads and checks it;
    /// other commands carry it along.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sweep: Option<toml::Table>,
    /// `[workshop]`: the controls `netgrow serve` shows (runs ignore it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workshop: Option<Workshop>,
}

impl Scenario {
    /// Reads, overrides and validates a scenario file (`-` for standard
    /// input).
    pub fn load(path: &Path, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
        let source = Source::read(path)?;
        Scenario::from_str(&source.text, &source.file, &source.stem, overrides)
    }

    /// Reads a scenario from TOML text. `file` names it in errors; `stem` is
    /// the default `simulation.name`.
    pub fn from_str(
        text: &str,
        file: &str,
        stem: &str,
        overrides: &[Override],
    ) -> Result<Scenario, ScenarioError> {
        let (mut root, syntax) = tree::parse(text);
        let mut reader = Reader::default();
        if !syntax.is_empty() {
            // Values read from a broken document would only add confusing
            // follow-on errors: report the syntax alone.
            let diagnostics = syntax
                .into_iter()
                .map(|e| Diagnostic {
                    key: "(syntax)".to_string(),
                    origin: e.origin,
                    value: None,
                    message: e.message,
                })
                .collect();
            return Err(ScenarioError::Invalid {
                file: file.to_string(),
                diagnostics,
            });
        }
        with_default_cohorts(&mut root);
        for o in overrides {
            let path: Vec<&str> = o.key.split('.').map(str::trim).collect();
            if let Some(why) = unknown_name(&root, &path) {
                reader.error(o.key.clone(), Some(&o.node), why);
                continue;
            }
            if let Err(why) = root.set_path(&path, o.node.clone()) {
                reader.error(
                    o.key.clone(),
                    Some(&o.node),
                    format!("cannot set: a parent key {why}"),
                );
            }
        }
        let scenario = read_scenario(&mut reader, &root, stem, true);
        if reader.diagnostics.is_empty() {
            // What is accepted can be written back: `scenario.toml` of a
            // run must reproduce it, so a value TOML cannot hold is an
            // error now, not a broken file later.
            if let Err(e) = scenario.try_to_toml() {
                reader.error("scenario".into(), None, e);
            }
        }
        if reader.diagnostics.is_empty() {
            Ok(scenario)
        } else {
            Err(ScenarioError::Invalid {
                file: file.to_string(),
                diagnostics: reader.diagnostics,
            })
        }
    }
}

/// Reads every section of the document `root` into a scenario, reporting
/// problems to `r`. `with_variants` is false when reading a variant's own
/// scenario: the base reads the variants and checks which strategies they
/// use.
fn read_scenario(r: &mut Reader, root: &Node, stem: &str, with_variants: bool) -> Scenario {
    let top = r.table(root, String::new());
    let simulation = read_simulation(r, &top, stem);
    let population = read_population(r, &top);
    let groups = read_groups(r, &top);
    let relationships = read_relationships(r, &top);
    let economy = read_economy(r, &top);
    let markets = read_markets(r, &top);
    let output = read_output(r, &top);
    let strategies = read_strategies(r, &top);
    let (cohorts, room, focal) = read_members(r, &top, &strategies);
    let variants_node = top.get("variants");
    let sweep = read_sweep(r, &top);
    let workshop = workshop::read_workshop(r, &top);
    r.finish(top);
    let mut scenario = Scenario {
        simulation,
        population,
        groups,
        relationships,
        economy,
        markets,
        output,
        strategies,
        cohorts,
        room,
        focal,
        variants: Vec::new(),
        sweep,
        workshop,
    };
    check_constraints(r, &scenario);
    workshop::check_workshop(r, &scenario);
    if with_variants {
        match (variants_node, &scenario.focal) {
            (Some(node), Some(_)) => r.error(
                "variants".into(),
                Some(node),
                "a [focal] design makes its own variants (one per strategy and culture of the room); remove [[variants]], or run them as a scenario of their own",
            ),
            (Some(node), None) => scenario.variants = read_variants(r, root, node, stem),
            (None, Some(focal)) => scenario.variants = focal_variants(r, root, focal, stem),
            (None, None) => {}
        }
        check_strategies_used(r, root, &scenario);
    }
    scenario
}

/// `[sweep]`, kept as written for `netgrow sweep` to read and check.
fn read_sweep(r: &mut Reader, top: &Table<'_>) -> Option<toml::Table> {
    match top.get("sweep") {
        Some(
            node @ Node {
                value: Value::Table(_),
                ..
            },
        ) => match to_toml_value(&node.value) {
            toml::Value::Table(t) => Some(t),
            _ => None,
        },
        Some(node) => {
            let found = node.value.type_name();
            r.error(
                "sweep".into(),
                Some(node),
                format!("expected a table ([sweep]), found {found}"),
            );
            None
        }
        None => None,
    }
}

/// Lookups the simulation and the outputs use often.
impl Scenario {
    /// The arms of the experiment: each variant's scenario, or the scenario
    /// itself (named "base") when it has no variants.
    pub fn arms(&self) -> Vec<(String, &Scenario)> {
        if self.variants.is_empty() {
            vec![("base".to_string(), self)]
        } else {
            self.variants
                .iter()
                .map(|v| (v.name.clone(), v.resolved.as_ref()))
                .collect()
        }
    }

    /// The network generator this scenario asks for.
    pub fn network_model(&self) -> NetworkModel {
        let p = &self.population;
        match p.network {
            NetworkKind::SmallWorld => NetworkModel::SmallWorld { rewire: p.rewire },
            NetworkKind::Communities => NetworkModel::Communities {
                communities: p.communities as usize,
                long_range: p.long_range,
            },
            NetworkKind::FriendsOfFriends => NetworkModel::FriendsOfFriends {
                random_share: p.random_share,
            },
        }
    }

    /// Weeks simulated.
    pub fn weeks(&self) -> u32 {
        self.simulation.years * 52
    }

    /// The strategy a cohort follows (always present in a valid scenario).
    pub fn strategy(&self, name: &str) -> Option<&Strategy> {
        self.strategies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s)
    }

    /// Total members across cohorts.
    pub fn members(&self) -> u64 {
        self.cohorts.iter().map(|(_, c)| c.members).sum()
    }

    /// Cohort names in file order.
    pub fn cohort_names(&self) -> Vec<String> {
        self.cohorts.iter().map(|(n, _)| n.clone()).collect()
    }

    /// Variant (arm) names in order.
    pub fn arm_names(&self) -> Vec<String> {
        self.arms().into_iter().map(|(n, _)| n).collect()
    }
}

#[cfg(test)]
mod tests;
