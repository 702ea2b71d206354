//! Scenario files: what a run simulates, read from TOML and validated.
//!
//! This is the first stage of the pipeline: `scenario file → Scenario →
//! runs → metrics → summaries → outputs`. Reading happens in two steps, as in
//! ripgrep's low/high-level arguments: the file is parsed into a [`tree`] of
//! values that remember their line and column (with `--set` overrides applied
//! on top), then [`Scenario::from_tree`] reads every key, fills in defaults,
//! checks ranges and cross-key constraints, and reports *all* problems at
//! once. A [`Scenario`] that exists is valid: the simulation never has to
//! check its parameters again.
//!
//! Every key, its default, unit and source is listed in the README's scenario
//! reference. [`Scenario::to_toml`] writes the fully resolved scenario, which
//! reads back to an identical value.

pub mod dist;
pub mod professions;
pub mod read;
pub mod tree;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

pub use dist::{Dist, Domain, Sampler, Shape};
pub use professions::Profession;
pub use read::Diagnostic;
use read::{Check, Reader, Table};
use tree::{Node, Origin, Value};

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
}

/// `[simulation]`: the experiment's size and seed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Simulation {
    /// Names the output directory and the report.
    pub name: String,
    /// One paragraph a trainer reads at the top of the report.
    pub description: String,
    /// Simulated years (52 weeks each).
    pub years: u32,
    /// Independent worlds simulated per variant.
    pub replicates: u32,
    /// Seed of every random stream in the run.
    #[serde(serialize_with = "seed_value")]
    pub seed: u64,
    /// Also run every arm with every member staying home, so that revenue
    /// above what the same people earn anyway can be counted.
    pub baseline: bool,
}

/// A seed as TOML holds it: an integer up to 2^63 − 1, a string of digits
/// above (TOML's integers stop there), so every seed reads back exactly.
fn seed_value<S: Serializer>(seed: &u64, serializer: S) -> Result<S::Ok, S::Error> {
    match i64::try_from(*seed) {
        Ok(i) => serializer.serialize_i64(i),
        Err(_) => serializer.serialize_str(&seed.to_string()),
    }
}

/// `[population]`: the people and their acquaintance network.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Population {
    pub size: u64,
    /// Mean number of acquaintances (network degree).
    pub acquaintances: u64,
    /// Each person's strongest ties that count as close.
    pub close_ties: u64,
    /// `small_world`, `communities` or `friends_of_friends`.
    pub network: String,
    /// small_world: probability each lattice tie is rewired.
    pub rewire: f64,
    /// communities: number of communities (districts × trades).
    pub communities: u64,
    /// communities: share of each person's ties that go anywhere.
    pub long_range: f64,
    /// friends_of_friends: share of a newcomer's ties made at random.
    pub random_share: f64,
    pub traits: Traits,
    pub professions: Vec<Profession>,
}

/// `[population.traits]`: per-person quantities drawn once per world.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Traits {
    /// Weeks until recall of someone not seen falls to half.
    pub memory_half_life_weeks: Dist,
    /// Probability of passing on a name when it would help (non-members; a
    /// member's strategy sets its own).
    pub generosity: Dist,
    /// Multiplies how many contacts a person asks and how many chats they
    /// have at a meeting (1 = average).
    pub sociability: Dist,
}

/// `[groups]`: the networking groups and their meetings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Groups {
    pub count: u64,
    /// `open` or `closed`.
    pub format: String,
    /// `weekly`, `fortnightly` or `monthly`.
    pub cadence: String,
    /// Seats per group (members it holds).
    pub seats: u64,
    /// Hours a meeting costs, travel included.
    pub meeting_hours: f64,
    /// Length of each round-the-room pitch, in seconds.
    pub pitch_seconds: f64,
    /// One-to-one chats each attendee has per meeting.
    pub conversations: u64,
    /// Hours per chat.
    pub conversation_hours: f64,
    /// Currency per meeting attended (breakfast, room).
    pub fee_per_meeting: f64,
    /// Currency per year of membership (subscription).
    pub annual_fee: f64,
    /// Open groups: probability a member visits another open group's meeting
    /// instead of their own in a given week.
    pub visit_rate: f64,
}

impl Groups {
    /// Weeks between meetings of one group.
    pub fn cadence_weeks(&self) -> u32 {
        match self.cadence.as_str() {
            "fortnightly" => 2,
            "monthly" => 4,
            _ => 1,
        }
    }

    /// Whether groups are subscription clubs with one seat per profession.
    pub fn closed(&self) -> bool {
        self.format == "closed"
    }
}

/// `[relationships]`: how know, like and trust grow and fade.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Relationships {
    pub hours_to_know: f64,
    pub hours_to_trust: f64,
    pub chemistry_mean: f64,
    pub chemistry_sd: f64,
    pub pitch_penalty: f64,
    pub room_pitch_weight: f64,
    pub like_per_hour: f64,
    pub help_bonus: f64,
    pub trust_half_life_weeks: f64,
    pub close_tie_trust: f64,
    pub acquaintance_trust: f64,
    pub one_to_one_hours: f64,
    pub one_to_one_travel_hours: f64,
    pub reciprocity_weight: f64,
    pub friendship_hours: f64,
    pub known_at: f64,
    pub trusted_at: f64,
    /// The chance a member is in touch with a given acquaintance in a given
    /// week, so notices their need (networking ties: recall instead).
    pub acquaintance_touch: f64,
}

/// `[economy]`: needs, how they are met, and what time is worth.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Economy {
    pub needs_per_year: f64,
    pub repeat_rate: f64,
    pub asks: u64,
    pub max_hops: u64,
    pub pitch_conversion: f64,
    pub pitch_memory_weeks: u64,
    pub value_of_time: f64,
    pub currency: String,
    pub value_events_per_hour: f64,
}

/// `[output]`: what a run writes and where.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Output {
    /// Runs write into `dir/<simulation.name>/`.
    pub dir: String,
    pub charts: bool,
    /// `png`, `svg` or `both`.
    pub chart_format: String,
}

/// `[strategies.NAME]`: how a member behaves at and between meetings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Strategy {
    /// 0 = never sells, 1 = sells in every breath.
    pub pitch_intensity: f64,
    /// Meetings without business before leaving a group; 0 = never leaves.
    pub patience_meetings: u64,
    /// `strangers`, `liked` or `mixed`.
    pub partner_choice: String,
    pub one_to_ones_per_month: f64,
    pub generosity: f64,
    pub notices_needs: f64,
    pub groups_per_member: u64,
    pub attendance: f64,
    pub rejoin_after_weeks: u64,
    pub churn_per_year: f64,
    /// Never joins a group: the member is then like anyone else in town
    /// (their own generosity, no pitching, no noticing), followed only so
    /// that what they earn is counted — the baseline of staying home.
    pub stays_home: bool,
}

/// `[cohorts.NAME]`: a set of members following one strategy.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cohort {
    pub strategy: String,
    pub members: u64,
    /// The same people for the whole run: they never churn out.
    pub followed: bool,
}

/// `[room]`: the town's members by the culture of the room, instead of
/// `[cohorts]`: `members` in all, of whom a share `networkers` network and
/// the rest connect (cohorts `connecting` and `networking`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Room {
    pub members: u64,
    pub networkers: f64,
}

impl Room {
    /// Members who network: the share of all members, rounded.
    pub fn networking(&self) -> u64 {
        (self.members as f64 * self.networkers).round() as u64
    }
}

/// `[focal]`: the individual's question. A few focal members, the same
/// people in every arm and never churning, follow each strategy of `arms`
/// in turn while the other members (`[room]`) are the same, crossed with
/// the culture of the room (each share of networkers in `culture`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Focal {
    pub members: u64,
    /// The strategy the focal members follow in this arm.
    pub strategy: String,
    /// The strategies compared.
    pub arms: Vec<String>,
    /// The shares of networkers among the other members compared.
    pub culture: Vec<f64>,
}

impl Focal {
    /// The name of the arm where the focal members follow `strategy` in a
    /// room of `networkers` (share): "networking in a 25% networking room".
    pub fn arm_name(strategy: &str, networkers: f64) -> String {
        format!("{strategy} in a {} networking room", percent(networkers))
    }
}

/// A share as a percentage for names: "25%", "12.5%".
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{}%", p.round())
    } else {
        format!("{:.1}%", p)
    }
}

/// `[[variants]]`: a named set of overrides, compared paired with the others.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Variant {
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Dotted keys and their values, exactly as written.
    pub set: toml::Table,
    /// The base scenario with `set` applied (validated).
    #[serde(skip)]
    pub resolved: Box<Scenario>,
}

fn ordered_map<S: Serializer, T: Serialize>(
    items: &[(String, T)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(items.len()))?;
    for (k, v) in items {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    // The cause is part of the message and not a `source`, so a report of
    // the error chain says it once.
    #[error("cannot read scenario file {}: {cause}", display_path(path))]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{}", Problems(file, diagnostics))]
    Invalid {
        file: String,
        diagnostics: Vec<Diagnostic>,
    },
}

struct Problems<'a>(&'a str, &'a [Diagnostic]);

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.1.len();
        let s = if n == 1 { "" } else { "s" };
        write!(f, "scenario {} has {n} problem{s}:", self.0)?;
        for d in self.1 {
            write!(f, "\n  - {d}")?;
        }
        Ok(())
    }
}

/// A `--set KEY=VALUE` override, split and parsed.
#[derive(Clone, Debug)]
pub struct Override {
    pub key: String,
    pub node: Node,
}

impl Override {
    /// Parses `KEY=VALUE`; the value is TOML (`5`, `0.3`, `"text"`,
    /// `{ dist = "beta", alpha = 2, beta = 5 }`) or else a bare word.
    pub fn parse(arg: &str) -> Result<Override, String> {
        let shown = read::shown(arg);
        let (key, value) = arg.split_once('=').ok_or_else(|| {
            format!("--set {shown}: expected KEY=VALUE, e.g. population.size=50000")
        })?;
        let key = key.trim();
        if key.is_empty() || key.split('.').any(|p| p.trim().is_empty()) {
            return Err(format!(
                "--set {shown}: expected a dotted key before '=', e.g. population.size"
            ));
        }
        Ok(Override {
            key: key.to_string(),
            node: tree::parse_set_value(value.trim(), arg),
        })
    }
}

/// The most bytes of a scenario file read: a scenario is a few kilobytes,
/// and a path to something endless (`/dev/zero`) must not fill memory.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// The most characters of `simulation.name`.
pub const MAX_NAME_CHARS: usize = 100;

/// The text of a scenario file, with the names it goes by.
#[derive(Clone, Debug)]
pub struct Source {
    /// The scenario's TOML.
    pub text: String,
    /// Names the file in messages.
    pub file: String,
    /// The default `simulation.name`: the file's name without extension,
    /// with any character a name may not hold replaced by `-`.
    pub stem: String,
}

impl Source {
    /// Reads the scenario at `path`, or standard input for `-`, refusing
    /// more than [`MAX_FILE_BYTES`].
    pub fn read(path: &Path) -> Result<Source, ScenarioError> {
        use std::io::Read;
        let io = |cause: std::io::Error| ScenarioError::Io {
            path: path.to_path_buf(),
            cause,
        };
        let stdin = is_stdin(path);
        let reader: Box<dyn Read> = if stdin {
            Box::new(std::io::stdin().lock())
        } else {
            Box::new(std::fs::File::open(path).map_err(io)?)
        };
        let mut bytes = Vec::new();
        reader
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(io(std::io::Error::other(format!(
                "larger than {} MiB; a scenario is a few kilobytes of TOML",
                MAX_FILE_BYTES >> 20
            ))));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            io(std::io::Error::other(format!(
                "not UTF-8 text (byte {} is not part of a character); a scenario is TOML",
                e.utf8_error().valid_up_to()
            )))
        })?;
        let stem = match path.file_stem() {
            Some(s) if !stdin => name_from(&s.to_string_lossy()),
            _ => "scenario".to_string(),
        };
        Ok(Source {
            text,
            file: display_path(path),
            stem,
        })
    }
}

/// Whether `path` stands for standard input.
fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// A scenario path as messages show it.
pub fn display_path(path: &Path) -> String {
    if is_stdin(path) {
        "(standard input)".to_string()
    } else {
        path.display().to_string()
    }
}

/// Why `name` cannot be a `simulation.name`, if it cannot: it names a
/// directory, a report and a cluster job, so it is kept to characters that
/// are safe in all three.
pub fn name_problem(name: &str) -> Option<String> {
    let allowed = "expected letters, digits, '-', '_' and '.' (it names the output directory and cluster jobs)";
    if name.is_empty() {
        return Some(format!("empty; {allowed}"));
    }
    if name == "." || name == ".." {
        return Some(format!("{allowed}, not . or .. alone"));
    }
    if let Some(c) = name.chars().find(|c| !name_char(*c)) {
        return Some(format!("{allowed}; found {}", char_name(c)));
    }
    let n = name.chars().count();
    if n > MAX_NAME_CHARS {
        return Some(format!("{n} characters; expected at most {MAX_NAME_CHARS}"));
    }
    None
}

fn name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// A character as a message shows it: printable ones quoted, others by
/// code point (a control character would break the message itself).
fn char_name(c: char) -> String {
    if c.is_control() || c.is_whitespace() || (!c.is_ascii() && !c.is_alphanumeric()) {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("'{c}'")
    }
}

/// A valid name made from a file's name: other characters become `-`.
fn name_from(stem: &str) -> String {
    let name: String = stem
        .chars()
        .map(|c| if name_char(c) { c } else { '-' })
        .take(MAX_NAME_CHARS)
        .collect();
    if name_problem(&name).is_some() {
        "scenario".to_string()
    } else {
        name
    }
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

    /// The fully resolved scenario as TOML; reading it back gives an equal
    /// scenario. Distributions, professions and variant overrides are
    /// written inline, one per line, so the file reads like a hand-written
    /// one. Fails, saying why, if a value cannot be written as TOML.
    pub fn try_to_toml(&self) -> Result<String, String> {
        let mut table = toml::Table::try_from(self)
            .map_err(|e| format!("cannot be written back as TOML: {e}"))?;
        // Members given by the culture of the room, and a focal design's
        // arms, are made again from [room] and [focal] when read back.
        if self.room.is_some() {
            table.remove("cohorts");
        }
        if self.focal.is_some() {
            table.remove("variants");
        }
        let mut out = String::new();
        emit_table(&mut out, "", &table);
        Ok(out.trim_start().to_string())
    }

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
        match p.network.as_str() {
            "communities" => NetworkModel::Communities {
                communities: p.communities as usize,
                long_range: p.long_range,
            },
            "friends_of_friends" => NetworkModel::FriendsOfFriends {
                random_share: p.random_share,
            },
            _ => NetworkModel::SmallWorld { rewire: p.rewire },
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
}

/// The strategies every scenario starts with. Values follow the essay:
/// connecting pitches hard, gives little and leaves after two meetings
/// without business; networking pitches little, gives, follows up and stays;
/// staying home is never joining a group at all (the baseline: the same
/// person, going about their business).
pub fn built_in_strategies() -> Vec<(String, Strategy)> {
    vec![
        (
            "connecting".to_string(),
            Strategy {
                pitch_intensity: 1.0,
                patience_meetings: 2,
                partner_choice: "strangers".to_string(),
                one_to_ones_per_month: 0.0,
                generosity: 0.05,
                notices_needs: 0.0,
                groups_per_member: 1,
                attendance: 0.9,
                rejoin_after_weeks: 4,
                churn_per_year: 0.15,
                stays_home: false,
            },
        ),
        (
            "networking".to_string(),
            Strategy {
                pitch_intensity: 0.1,
                patience_meetings: 0,
                partner_choice: "mixed".to_string(),
                one_to_ones_per_month: 2.0,
                generosity: 0.6,
                notices_needs: 0.5,
                groups_per_member: 1,
                attendance: 0.9,
                rejoin_after_weeks: 4,
                churn_per_year: 0.15,
                stays_home: false,
            },
        ),
        (
            "stay_home".to_string(),
            Strategy {
                pitch_intensity: 0.0,
                patience_meetings: 0,
                partner_choice: "mixed".to_string(),
                one_to_ones_per_month: 0.0,
                generosity: 0.0,
                notices_needs: 0.0,
                groups_per_member: 1,
                attendance: 0.0,
                rejoin_after_weeks: 0,
                churn_per_year: 0.0,
                stays_home: true,
            },
        ),
    ]
}

/// The groups of a scenario that says nothing of them.
pub fn default_groups() -> Groups {
    let mut r = Reader::default();
    let root = Node::empty_table();
    let top = r.table(&root, String::new());
    read_groups(&mut r, &top)
}

/// The outputs of a scenario that says nothing of them.
pub fn default_output() -> Output {
    let mut r = Reader::default();
    let root = Node::empty_table();
    let top = r.table(&root, String::new());
    read_output(&mut r, &top)
}

fn read_scenario(r: &mut Reader, root: &Node, stem: &str, with_variants: bool) -> Scenario {
    let top = r.table(root, String::new());
    let simulation = read_simulation(r, &top, stem);
    let population = read_population(r, &top);
    let groups = read_groups(r, &top);
    let relationships = read_relationships(r, &top);
    let economy = read_economy(r, &top);
    let output = read_output(r, &top);
    let strategies = read_strategies(r, &top);
    let (cohorts, room, focal) = read_members(r, &top, &strategies);
    let variants_node = top.get("variants");
    let sweep = match top.get("sweep") {
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
    };
    r.finish(top);
    let mut scenario = Scenario {
        simulation,
        population,
        groups,
        relationships,
        economy,
        output,
        strategies,
        cohorts,
        room,
        focal,
        variants: Vec::new(),
        sweep,
    };
    check_constraints(r, &scenario);
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

/// The members: from `[cohorts]` (or the default cohorts), or from
/// `[room]` and `[focal]`, with the room and the focal design if given.
fn read_members(
    r: &mut Reader,
    top: &Table<'_>,
    strategies: &[(String, Strategy)],
) -> (Vec<(String, Cohort)>, Option<Room>, Option<Focal>) {
    if top.get("room").is_none() && top.get("focal").is_none() {
        return (read_cohorts(r, top, strategies), None, None);
    }
    if let Some(node) = top.get("cohorts") {
        r.error(
            "cohorts".into(),
            Some(node),
            "a scenario gives its members either as [cohorts] or as [room] (with [focal]), not both",
        );
    }
    let room = read_room(r, top);
    let focal = top
        .get("focal")
        .is_some()
        .then(|| read_focal(r, top, strategies));
    let mut cohorts = Vec::new();
    if let Some(f) = &focal {
        cohorts.push((
            "focal".to_string(),
            Cohort {
                strategy: f.strategy.clone(),
                members: f.members,
                followed: true,
            },
        ));
    }
    let networking = room.networking();
    for (name, members) in [
        ("connecting", room.members - networking),
        ("networking", networking),
    ] {
        cohorts.push((
            name.to_string(),
            Cohort {
                strategy: name.to_string(),
                members,
                followed: false,
            },
        ));
    }
    (cohorts, Some(room), focal)
}

fn read_room(r: &mut Reader, top: &Table<'_>) -> Room {
    let t = r.section(top, "room");
    let room = Room {
        members: r.int(&t, "members", 400, 0, MAX_PEOPLE, "members"),
        networkers: r.f64(&t, "networkers", 0.5, Check::Probability),
    };
    r.finish(t);
    room
}

fn read_focal(r: &mut Reader, top: &Table<'_>, strategies: &[(String, Strategy)]) -> Focal {
    let t = r.section(top, "focal");
    let names: Vec<&str> = strategies.iter().map(|(n, _)| n.as_str()).collect();
    let members = r.int(&t, "members", 20, 1, MAX_PEOPLE, "members");
    let arms = words(r, &t, "arms", &["networking", "connecting", "stay_home"]);
    for arm in &arms {
        if !names.contains(&arm.as_str()) {
            strategy_unknown(r, &t, "arms", arm, &names);
        }
    }
    let culture = shares(r, &t, "culture", &[0.0, 0.25, 0.5, 0.75, 1.0]);
    let first = arms.first().cloned().unwrap_or_default();
    let strategy = r.string(&t, "strategy", &first);
    if !names.contains(&strategy.as_str()) {
        strategy_unknown(r, &t, "strategy", &strategy, &names);
    }
    r.finish(t);
    Focal {
        members,
        strategy,
        arms,
        culture,
    }
}

/// Reports `name`, given at `table.key`, as no strategy, with the nearest.
fn strategy_unknown(
    r: &mut Reader,
    table: &Table<'_>,
    key: &'static str,
    name: &str,
    names: &[&str],
) {
    let hint = read::suggest(name, names)
        .map(|s| format!("; did you mean \"{s}\"?"))
        .unwrap_or_default();
    r.error(
        table.key(key),
        table.get(key),
        format!(
            "expected the name of a strategy ({}){hint}, found \"{}\"",
            names.join(", "),
            read::shown(name)
        ),
    );
}

/// A non-empty list of distinct words at `table.key`, or `default`.
fn words(r: &mut Reader, table: &Table<'_>, key: &'static str, default: &[&str]) -> Vec<String> {
    let Some(node) = table.get(key) else {
        return default.iter().map(|w| w.to_string()).collect();
    };
    let items = match &node.value {
        Value::Array(items) => items
            .iter()
            .map(|i| match &i.value {
                Value::String(w) => Some(w.clone()),
                _ => None,
            })
            .collect::<Option<Vec<String>>>(),
        _ => None,
    };
    match items {
        Some(list) if !list.is_empty() && distinct(&list) => list,
        _ => {
            r.error(
                table.key(key),
                Some(node),
                "expected a list of distinct strategy names, e.g. [\"networking\", \"connecting\", \"stay_home\"]",
            );
            default.iter().map(|w| w.to_string()).collect()
        }
    }
}

/// A non-empty list of distinct shares (0 to 1) at `table.key`, or
/// `default`.
fn shares(r: &mut Reader, table: &Table<'_>, key: &'static str, default: &[f64]) -> Vec<f64> {
    let Some(node) = table.get(key) else {
        return default.to_vec();
    };
    let items = match &node.value {
        Value::Array(items) => items
            .iter()
            .map(|i| match i.value {
                Value::Integer(n) if (0..=1).contains(&n) => Some(n as f64),
                Value::Float(x) if (0.0..=1.0).contains(&x) => Some(x),
                _ => None,
            })
            .collect::<Option<Vec<f64>>>(),
        _ => None,
    };
    match items {
        Some(list) if !list.is_empty() && distinct(&list) => list,
        _ => {
            r.error(
                table.key(key),
                Some(node),
                "expected a list of distinct shares between 0 and 1, e.g. [0, 0.25, 0.5, 0.75, 1]",
            );
            default.to_vec()
        }
    }
}

fn distinct<T: PartialEq>(items: &[T]) -> bool {
    items
        .iter()
        .enumerate()
        .all(|(i, a)| items[..i].iter().all(|b| b != a))
}

/// The arms of a `[focal]` design: for each culture of the room, each
/// strategy the focal members follow, as variants of the scenario.
fn focal_variants(r: &mut Reader, root: &Node, focal: &Focal, stem: &str) -> Vec<Variant> {
    let mut variants = Vec::new();
    for &networkers in &focal.culture {
        for strategy in &focal.arms {
            let name = Focal::arm_name(strategy, networkers);
            let set: Vec<(String, Node)> = vec![
                (
                    "focal.strategy".to_string(),
                    Node {
                        value: Value::String(strategy.clone()),
                        origin: Origin::Default,
                    },
                ),
                (
                    "room.networkers".to_string(),
                    Node {
                        value: Value::Float(networkers),
                        origin: Origin::Default,
                    },
                ),
            ];
            variants.push(resolve_variant(
                r,
                root,
                (name, String::new()),
                ("focal", &set),
                stem,
            ));
        }
    }
    variants
}

/// Reports each strategy the scenario defines that no cohort follows — in
/// the base scenario, any variant, or a `cohorts.*.strategy` entry of
/// `[sweep.vary]`. A misspelt `[strategies.networkng]` would otherwise be
/// a new strategy nobody follows, and its values would change nothing.
/// The built-in strategies may go unused.
fn check_strategies_used(r: &mut Reader, root: &Node, s: &Scenario) {
    let built_in: Vec<String> = built_in_strategies().into_iter().map(|(n, _)| n).collect();
    let arms: Vec<&Scenario> = std::iter::once(s)
        .chain(s.variants.iter().map(|v| v.resolved.as_ref()))
        .collect();
    let mut used: Vec<String> = arms
        .iter()
        .flat_map(|a| a.cohorts.iter().map(|(_, c)| c.strategy.clone()))
        .collect();
    if let Some(vary) = s.sweep.as_ref().and_then(|t| t.get("vary")) {
        swept_strategies(vary, "", &mut used);
    }
    let mut known = built_in.clone();
    known.extend(used.iter().cloned());
    let mut reported: Vec<&str> = Vec::new();
    for arm in &arms {
        for (name, _) in &arm.strategies {
            if known.contains(name) || reported.contains(&name.as_str()) {
                continue;
            }
            reported.push(name);
            let hint = read::suggest(name, &known)
                .map(|k| format!("did you mean \"{k}\"? "))
                .unwrap_or_default();
            r.error(
                format!("strategies.{name}"),
                strategy_node(root, name),
                format!(
                    "no cohort follows this strategy; {hint}A new strategy must be some cohort's (strategy = \"{}\" in a [cohorts.NAME] table or a variant)",
                    read::shown(name)
                ),
            );
        }
    }
}

/// Strategy names a `[sweep.vary]` table gives to cohorts
/// (`"cohorts.NAME.strategy" = ["networking", "giver"]`), added to `out`.
fn swept_strategies(value: &toml::Value, prefix: &str, out: &mut Vec<String>) {
    let toml::Value::Table(entries) = value else {
        let parts: Vec<&str> = prefix.split('.').map(str::trim).collect();
        if let ["cohorts", _, "strategy"] = parts.as_slice() {
            match value {
                toml::Value::String(spec) => {
                    out.extend(spec.split(',').map(|w| w.trim().to_string()));
                }
                toml::Value::Array(items) => {
                    out.extend(items.iter().filter_map(|v| v.as_str()).map(String::from));
                }
                _ => {}
            }
        }
        return;
    };
    for (key, inner) in entries {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        swept_strategies(inner, &full, out);
    }
}

/// Where strategy `name` is written: its table in `[strategies]`, else the
/// first variant entry that sets one of its keys.
fn strategy_node<'n>(root: &'n Node, name: &str) -> Option<&'n Node> {
    let child = |node: &'n Node, key: &str| match &node.value {
        Value::Table(entries) => entries.iter().find(|(k, _, _)| k == key).map(|(_, _, n)| n),
        _ => None,
    };
    if let Some(node) = child(root, "strategies").and_then(|t| child(t, name)) {
        return Some(node);
    }
    let Some(Node {
        value: Value::Array(variants),
        ..
    }) = child(root, "variants")
    else {
        return None;
    };
    variants.iter().find_map(|v| match &child(v, "set")?.value {
        Value::Table(entries) => entries
            .iter()
            .find(|(k, _, _)| {
                let parts: Vec<&str> = k.split('.').map(str::trim).collect();
                parts.len() >= 2 && parts[0] == "strategies" && parts[1] == name
            })
            .map(|(_, _, n)| n),
        _ => None,
    })
}

fn read_simulation(r: &mut Reader, top: &Table<'_>, stem: &str) -> Simulation {
    let t = r.section(top, "simulation");
    let s = Simulation {
        name: r.string(&t, "name", stem),
        description: r.string(&t, "description", ""),
        years: r.int(&t, "years", 5, 1, 100, "years") as u32,
        replicates: r.int(&t, "replicates", 20, 1, 100_000, "replicates") as u32,
        seed: r.seed(&t, "seed", 1),
        baseline: r.bool(&t, "baseline", true),
    };
    if let Some(problem) = name_problem(&s.name) {
        // A name the file did not give comes from the file's name.
        let node = t.get("name").cloned().unwrap_or_else(|| Node {
            value: Value::String(s.name.clone()),
            origin: Origin::Default,
        });
        r.error(t.key("name"), Some(&node), problem);
    }
    r.finish(t);
    s
}

fn read_population(r: &mut Reader, top: &Table<'_>) -> Population {
    let t = r.section(top, "population");
    let size = r.int(&t, "size", 10_000, 2, MAX_PEOPLE, "people");
    let acquaintances = r.int(&t, "acquaintances", 250, 1, MAX_PEOPLE, "people");
    let close_ties = r.int(&t, "close_ties", 15, 0, MAX_PEOPLE, "people");
    let network = r
        .choice(
            &t,
            "network",
            "small_world",
            &["small_world", "communities", "friends_of_friends"],
        )
        .to_string();
    let rewire = r.f64(&t, "rewire", 0.1, Check::Probability);
    let communities = r.int(&t, "communities", 100, 1, MAX_PEOPLE, "communities");
    let long_range = r.f64(&t, "long_range", 0.1, Check::Probability);
    let random_share = r.f64(&t, "random_share", 0.5, Check::Probability);
    let tt = r.section(&t, "traits");
    let traits = Traits {
        memory_half_life_weeks: r.dist(
            &tt,
            "memory_half_life_weeks",
            Dist::Drawn(Shape::Lognormal {
                mean: 26.0,
                sd: 13.0,
            }),
            Domain::Positive,
        ),
        generosity: r.dist(
            &tt,
            "generosity",
            Dist::Drawn(Shape::Beta {
                alpha: 2.0,
                beta: 6.0,
            }),
            Domain::Unit,
        ),
        sociability: r.dist(
            &tt,
            "sociability",
            Dist::Drawn(Shape::Lognormal { mean: 1.0, sd: 0.3 }),
            Domain::Positive,
        ),
    };
    r.finish(tt);
    let mut professions = match t.get("professions") {
        Some(node) => read_professions(r, node, t.key("professions")),
        None => professions::built_in(),
    };
    if let Some(node) = t.get("extra_professions") {
        professions.extend(read_professions(r, node, t.key("extra_professions")));
    }
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for p in &professions {
        if !seen.insert(&p.name) {
            let key = t.key("professions");
            let value = Node {
                value: Value::String(p.name.clone()),
                origin: t
                    .get("professions")
                    .map_or(Origin::Default, |n| n.origin.clone()),
            };
            r.error(
                key,
                Some(&value),
                "expected each profession name once; this one is listed twice",
            );
        }
    }
    if professions.is_empty() {
        r.error(
            t.key("professions"),
            t.get("professions"),
            "expected at least one profession",
        );
    }
    if size > 0 && acquaintances >= size {
        r.error(
            t.key("acquaintances"),
            t.get("acquaintances"),
            format!("expected fewer acquaintances than people (population.size = {size})"),
        );
    }
    if close_ties > acquaintances {
        if t.get("close_ties").is_some() {
            r.error(
                t.key("close_ties"),
                t.get("close_ties"),
                format!("expected at most population.acquaintances = {acquaintances} close ties"),
            );
        } else {
            r.error(
                t.key("acquaintances"),
                t.get("acquaintances"),
                format!("expected at least population.close_ties = {close_ties} (its default) acquaintances; lower close_ties too"),
            );
        }
    }
    if network == "communities" && communities > size {
        r.error(
            t.key("communities"),
            t.get("communities"),
            format!("expected at most population.size = {size} communities"),
        );
    }
    r.finish(t);
    Population {
        size,
        acquaintances,
        close_ties,
        network,
        rewire,
        communities,
        long_range,
        random_share,
        traits,
        professions,
    }
}

fn read_professions(r: &mut Reader, node: &Node, path: String) -> Vec<Profession> {
    let Value::Array(items) = &node.value else {
        let found = node.value.type_name();
        r.error(
            path,
            Some(node),
            format!("expected an array of tables like {{ name = \"printer\", demand = 1.0, job_value = 400 }}, found {found}"),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let t = r.table(item, format!("{path}[{i}]"));
        if t.get("name").is_none() {
            r.error(
                t.key("name"),
                Some(item),
                "missing; expected the profession's name",
            );
        }
        let name = r.string(&t, "name", "");
        let demand = r.f64(&t, "demand", 1.0, Check::Positive("relative share"));
        let job_value = match t.get("job_value") {
            Some(v) => r.dist_node(v, t.key("job_value"), Domain::Positive),
            None => {
                r.error(
                    t.key("job_value"),
                    Some(item),
                    "missing; expected a value per job, e.g. 1500 or { dist = \"lognormal\", mean = 1500, sd = 600 }",
                );
                None
            }
        };
        r.finish(t);
        if let Some(job_value) = job_value {
            if !name.is_empty() {
                out.push(Profession {
                    name,
                    demand,
                    job_value,
                });
            }
        }
    }
    out
}

fn read_groups(r: &mut Reader, top: &Table<'_>) -> Groups {
    let t = r.section(top, "groups");
    let g = Groups {
        count: r.int(&t, "count", 20, 1, MAX_PEOPLE, "groups"),
        format: r
            .choice(&t, "format", "open", &["open", "closed"])
            .to_string(),
        cadence: r
            .choice(
                &t,
                "cadence",
                "weekly",
                &["weekly", "fortnightly", "monthly"],
            )
            .to_string(),
        seats: r.int(&t, "seats", 20, 2, 1000, "seats"),
        meeting_hours: r.f64(&t, "meeting_hours", 2.5, Check::Between(0.0, 24.0, "hours")),
        pitch_seconds: r.f64(
            &t,
            "pitch_seconds",
            60.0,
            Check::Between(0.0, 3600.0, "seconds"),
        ),
        conversations: r.int(&t, "conversations", 5, 0, 100, "chats"),
        conversation_hours: r.f64(
            &t,
            "conversation_hours",
            0.2,
            Check::Between(0.0, 24.0, "hours"),
        ),
        fee_per_meeting: r.f64(
            &t,
            "fee_per_meeting",
            12.0,
            Check::NonNegative("currency units"),
        ),
        annual_fee: r.f64(&t, "annual_fee", 0.0, Check::NonNegative("currency units")),
        visit_rate: r.f64(&t, "visit_rate", 0.1, Check::Probability),
    };
    let talk = g.conversations as f64 * g.conversation_hours + g.pitch_seconds / 3600.0;
    if talk > g.meeting_hours {
        r.error(
            t.key("conversations"),
            t.get("conversations").or(t.get("conversation_hours")),
            format!(
                "expected conversations × conversation_hours ({talk:.2} h) to fit in groups.meeting_hours ({} h)",
                g.meeting_hours
            ),
        );
    }
    r.finish(t);
    g
}

fn read_relationships(r: &mut Reader, top: &Table<'_>) -> Relationships {
    let t = r.section(top, "relationships");
    let like = Check::Between(-1.0, 1.0, "like (−1 to 1)");
    let rel = Relationships {
        hours_to_know: r.f64(&t, "hours_to_know", 0.5, Check::Positive("hours")),
        hours_to_trust: r.f64(&t, "hours_to_trust", 8.0, Check::Positive("hours")),
        chemistry_mean: r.f64(&t, "chemistry_mean", 0.2, like),
        chemistry_sd: r.f64(&t, "chemistry_sd", 0.25, Check::Between(0.0, 2.0, "like")),
        pitch_penalty: r.f64(&t, "pitch_penalty", 0.08, Check::Between(0.0, 2.0, "like")),
        room_pitch_weight: r.f64(&t, "room_pitch_weight", 0.25, Check::Probability),
        like_per_hour: r.f64(
            &t,
            "like_per_hour",
            0.05,
            Check::Between(0.0, 2.0, "like per hour"),
        ),
        help_bonus: r.f64(&t, "help_bonus", 0.1, Check::Between(0.0, 2.0, "like")),
        trust_half_life_weeks: r.f64(&t, "trust_half_life_weeks", 104.0, Check::Positive("weeks")),
        close_tie_trust: r.f64(&t, "close_tie_trust", 0.6, Check::Probability),
        acquaintance_trust: r.f64(&t, "acquaintance_trust", 0.15, Check::Probability),
        one_to_one_hours: r.f64(
            &t,
            "one_to_one_hours",
            1.0,
            Check::Between(0.0, 24.0, "hours"),
        ),
        one_to_one_travel_hours: r.f64(
            &t,
            "one_to_one_travel_hours",
            0.5,
            Check::Between(0.0, 24.0, "hours"),
        ),
        reciprocity_weight: r.f64(
            &t,
            "reciprocity_weight",
            0.5,
            Check::NonNegative("per referral"),
        ),
        friendship_hours: r.f64(&t, "friendship_hours", 50.0, Check::Positive("hours")),
        known_at: r.f64(&t, "known_at", 0.5, Check::Probability),
        trusted_at: r.f64(&t, "trusted_at", 0.5, Check::Probability),
        acquaintance_touch: r.f64(&t, "acquaintance_touch", 0.1, Check::Probability),
    };
    r.finish(t);
    rel
}

fn read_economy(r: &mut Reader, top: &Table<'_>) -> Economy {
    let t = r.section(top, "economy");
    let e = Economy {
        needs_per_year: r.f64(
            &t,
            "needs_per_year",
            4.0,
            Check::Between(0.0, 520.0, "needs per year"),
        ),
        repeat_rate: r.f64(&t, "repeat_rate", 0.6, Check::Probability),
        asks: r.int(&t, "asks", 3, 0, 100, "contacts"),
        max_hops: r.int(&t, "max_hops", 2, 1, 6, "hops"),
        pitch_conversion: r.f64(&t, "pitch_conversion", 0.02, Check::Probability),
        pitch_memory_weeks: r.int(&t, "pitch_memory_weeks", 8, 0, 520, "weeks"),
        value_of_time: r.f64(
            &t,
            "value_of_time",
            40.0,
            Check::NonNegative("currency units per hour"),
        ),
        currency: r.string(&t, "currency", "£"),
        value_events_per_hour: r.f64(
            &t,
            "value_events_per_hour",
            0.25,
            Check::Between(0.0, 100.0, "events per hour"),
        ),
    };
    r.finish(t);
    e
}

fn read_output(r: &mut Reader, top: &Table<'_>) -> Output {
    let t = r.section(top, "output");
    let o = Output {
        dir: r.string(&t, "dir", "output"),
        charts: r.bool(&t, "charts", true),
        chart_format: r
            .choice(&t, "chart_format", "both", &["png", "svg", "both"])
            .to_string(),
    };
    if o.dir.trim().is_empty() {
        r.error(t.key("dir"), t.get("dir"), "expected a directory path");
    } else if let Some(c) = o.dir.chars().find(|c| c.is_control()) {
        r.error(
            t.key("dir"),
            t.get("dir"),
            format!(
                "expected a directory path without control characters; found {}",
                char_name(c)
            ),
        );
    }
    r.finish(t);
    o
}

fn read_strategies(r: &mut Reader, top: &Table<'_>) -> Vec<(String, Strategy)> {
    let mut strategies = built_in_strategies();
    let t = r.section(top, "strategies");
    for (name, _, node) in t.entries() {
        let st = r.table(node, t.key(name));
        let base_name = if strategies.iter().any(|(n, _)| n == name) {
            name.as_str()
        } else {
            r.choice(
                &st,
                "based_on",
                "networking",
                &["connecting", "networking", "stay_home"],
            )
        };
        let base = strategies
            .iter()
            .find(|(n, _)| n == base_name)
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| built_in_strategies()[1].1.clone());
        let s = Strategy {
            pitch_intensity: r.f64(
                &st,
                "pitch_intensity",
                base.pitch_intensity,
                Check::Probability,
            ),
            patience_meetings: r.int(
                &st,
                "patience_meetings",
                base.patience_meetings,
                0,
                10_000,
                "meetings",
            ),
            partner_choice: r
                .choice(
                    &st,
                    "partner_choice",
                    leak(&base.partner_choice),
                    &["strangers", "liked", "mixed"],
                )
                .to_string(),
            one_to_ones_per_month: r.f64(
                &st,
                "one_to_ones_per_month",
                base.one_to_ones_per_month,
                Check::Between(0.0, 30.0, "one-to-ones per month"),
            ),
            generosity: r.f64(&st, "generosity", base.generosity, Check::Probability),
            notices_needs: r.f64(&st, "notices_needs", base.notices_needs, Check::Probability),
            groups_per_member: r.int(
                &st,
                "groups_per_member",
                base.groups_per_member,
                1,
                10,
                "groups",
            ),
            attendance: r.f64(&st, "attendance", base.attendance, Check::Probability),
            rejoin_after_weeks: r.int(
                &st,
                "rejoin_after_weeks",
                base.rejoin_after_weeks,
                0,
                520,
                "weeks",
            ),
            churn_per_year: r.f64(
                &st,
                "churn_per_year",
                base.churn_per_year,
                Check::Probability,
            ),
            stays_home: r.bool(&st, "stays_home", base.stays_home),
        };
        r.finish(st);
        match strategies.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = s,
            None => strategies.push((name.clone(), s)),
        }
    }
    r.finish(t);
    strategies
}

/// Partner-choice words are a fixed set; map a resolved one back to its
/// static spelling for use as a default.
fn leak(word: &str) -> &'static str {
    match word {
        "strangers" => "strangers",
        "liked" => "liked",
        _ => "mixed",
    }
}

/// The cohorts of a scenario without a `[cohorts]` section.
fn default_cohorts() -> Vec<(String, Cohort)> {
    ["connecting", "networking"]
        .iter()
        .map(|name| {
            (
                name.to_string(),
                Cohort {
                    strategy: name.to_string(),
                    members: 200,
                    followed: false,
                },
            )
        })
        .collect()
}

/// Writes the default cohorts into a document without a `[cohorts]`
/// section, so that `--set cohorts.networking.members=…` changes one of
/// them rather than replacing both with a cohort of its own.
fn with_default_cohorts(root: &mut Node) {
    let Value::Table(sections) = &mut root.value else {
        return;
    };
    if sections
        .iter()
        .any(|(k, _, _)| k == "cohorts" || k == "room" || k == "focal")
    {
        return;
    }
    let node = |value| Node {
        value,
        origin: Origin::Default,
    };
    let cohorts = default_cohorts()
        .into_iter()
        .map(|(name, c)| {
            let entries = vec![
                (
                    "strategy".to_string(),
                    Origin::Default,
                    node(Value::String(c.strategy)),
                ),
                (
                    "members".to_string(),
                    Origin::Default,
                    node(Value::Integer(i128::from(c.members))),
                ),
            ];
            (name, Origin::Default, node(Value::Table(entries)))
        })
        .collect();
    sections.push((
        "cohorts".to_string(),
        Origin::Default,
        node(Value::Table(cohorts)),
    ));
}

/// Why an override of dotted `path` names a cohort or strategy that does
/// not exist, if it does: a misspelt name would otherwise make a new one
/// that nothing uses, and the override would be silently ignored.
fn unknown_name(root: &Node, path: &[&str]) -> Option<String> {
    let (&[section, name, ..], Value::Table(sections)) = (path, &root.value) else {
        return None;
    };
    let (kind, mut names) = match section {
        "cohorts" => ("cohort", Vec::new()),
        "strategies" => (
            "strategy",
            built_in_strategies().into_iter().map(|(n, _)| n).collect(),
        ),
        _ => return None,
    };
    if let Some((
        _,
        _,
        Node {
            value: Value::Table(entries),
            ..
        },
    )) = sections.iter().find(|(k, _, _)| k == section)
    {
        for (n, _, _) in entries {
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
    }
    if names.iter().any(|n| n == name) {
        return None;
    }
    let hint = match read::suggest(name, &names) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None if names.is_empty() => format!("there are no {section}"),
        None => format!("the {section} are {}", names.join(", ")),
    };
    Some(format!(
        "there is no {kind} \"{}\" to change; {hint} (a new {kind} is defined in the scenario file)",
        read::shown(name)
    ))
}

fn read_cohorts(
    r: &mut Reader,
    top: &Table<'_>,
    strategies: &[(String, Strategy)],
) -> Vec<(String, Cohort)> {
    let Some(node) = top.get("cohorts") else {
        return default_cohorts();
    };
    let t = r.table(node, "cohorts".to_string());
    let names: Vec<&str> = strategies.iter().map(|(n, _)| n.as_str()).collect();
    let mut cohorts = Vec::new();
    for (name, _, node) in t.entries() {
        let ct = r.table(node, t.key(name));
        let default_strategy = if names.contains(&name.as_str()) {
            name.as_str()
        } else {
            ""
        };
        if default_strategy.is_empty() && ct.get("strategy").is_none() {
            r.error(
                ct.key("strategy"),
                Some(node),
                format!(
                    "missing; expected the name of a strategy ({})",
                    names.join(", ")
                ),
            );
        }
        let strategy = r.string(&ct, "strategy", default_strategy);
        if !strategy.is_empty() && !names.contains(&strategy.as_str()) {
            let hint = read::suggest(&strategy, &names)
                .map(|s| format!("; did you mean \"{s}\"?"))
                .unwrap_or_default();
            r.error(
                ct.key("strategy"),
                ct.get("strategy"),
                format!("expected one of the strategies {}{hint}", names.join(", ")),
            );
        }
        let members = r.int(&ct, "members", 200, 0, MAX_PEOPLE, "members");
        let followed = r.bool(&ct, "followed", false);
        r.finish(ct);
        cohorts.push((
            name.clone(),
            Cohort {
                strategy,
                members,
                followed,
            },
        ));
    }
    if cohorts.is_empty() {
        r.error(
            "cohorts".into(),
            Some(node),
            "expected at least one cohort, e.g. [cohorts.networking] members = 200",
        );
    }
    r.finish(t);
    cohorts
}

/// Checks that involve several sections.
fn check_constraints(r: &mut Reader, s: &Scenario) {
    let origin = Origin::Default;
    let note = |value: String| Node {
        value: Value::String(value),
        origin: origin.clone(),
    };
    let seats = s.groups.count.saturating_mul(s.groups.seats);
    if seats > s.population.size {
        r.error(
            "groups.count".into(),
            Some(&note(format!("{} × {} seats", s.groups.count, s.groups.seats))),
            format!(
                "expected at most population.size = {} group seats in all (groups.count × groups.seats)",
                s.population.size
            ),
        );
    }
    let members = s.members();
    if members > s.population.size {
        r.error(
            "cohorts".into(),
            Some(&note(format!("{members} members"))),
            format!(
                "expected at most population.size = {} members in all cohorts",
                s.population.size
            ),
        );
    }
    let wanted: u64 = s
        .cohorts
        .iter()
        .map(|(_, c)| {
            let seats = s.strategy(&c.strategy).map_or(1, |st| {
                if st.stays_home {
                    0
                } else {
                    st.groups_per_member
                }
            });
            c.members * seats
        })
        .sum();
    if wanted > seats {
        r.error(
            "cohorts".into(),
            Some(&note(format!("{wanted} seats wanted"))),
            format!(
                "expected members × groups_per_member to fit in the {seats} group seats (groups.count × groups.seats)"
            ),
        );
    }
    if s.groups.closed() && s.groups.seats > s.population.professions.len() as u64 {
        r.error(
            "groups.seats".into(),
            Some(&note(s.groups.seats.to_string())),
            format!(
                "closed groups hold one member per profession: expected at most {} seats (the number of professions)",
                s.population.professions.len()
            ),
        );
    }
    for (name, c) in &s.cohorts {
        if let Some(st) = s.strategy(&c.strategy) {
            if st.groups_per_member > s.groups.count {
                r.error(
                    format!("strategies.{}.groups_per_member", c.strategy),
                    Some(&note(st.groups_per_member.to_string())),
                    format!(
                        "cohort {name} wants more groups per member than groups.count = {}",
                        s.groups.count
                    ),
                );
            }
        }
    }
}

fn read_variants(r: &mut Reader, root: &Node, node: &Node, stem: &str) -> Vec<Variant> {
    let Value::Array(items) = &node.value else {
        let found = node.value.type_name();
        r.error(
            "variants".into(),
            Some(node),
            format!("expected an array of tables ([[variants]] name = \"…\" set = {{ … }}), found {found}"),
        );
        return Vec::new();
    };
    let mut variants: Vec<Variant> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let t = r.table(item, format!("variants[{i}]"));
        if t.get("name").is_none() {
            r.error(
                t.key("name"),
                Some(item),
                "missing; expected a name for this variant",
            );
        }
        let name = r.string(&t, "name", &format!("variant {}", i + 1));
        if variants.iter().any(|v| v.name == name) {
            r.error(
                t.key("name"),
                t.get("name"),
                "expected a name not used by another variant",
            );
        }
        let description = r.string(&t, "description", "");
        let mut set = Vec::new();
        if let Some(set_node) = t.get("set") {
            // Every key of `set` is taken; unknown ones surface when the
            // variant's scenario is read.
            let st = r.table(set_node, t.key("set"));
            set.extend(
                st.entries()
                    .iter()
                    .map(|(key, _, value)| (key.clone(), value.clone())),
            );
        }
        let prefix = t.key("set");
        r.finish(t);
        variants.push(resolve_variant(
            r,
            root,
            (name, description),
            (&prefix, &set),
            stem,
        ));
    }
    variants
}

/// The variant (named and described) of the scenario in `root`: `set`
/// (dotted keys and their values, written under `prefix`) applied, then
/// read like a scenario of its own.
fn resolve_variant(
    r: &mut Reader,
    root: &Node,
    (name, description): (String, String),
    (prefix, set): (&str, &[(String, Node)]),
    stem: &str,
) -> Variant {
    let mut tree = root.clone();
    if let Value::Table(entries) = &mut tree.value {
        entries.retain(|(k, _, _)| k != "variants");
    }
    let mut table = toml::Table::new();
    for (key, value) in set {
        let path: Vec<&str> = key.split('.').map(str::trim).collect();
        if let Err(why) = tree.set_path(&path, value.clone()) {
            r.error(
                format!("{prefix}.{key}"),
                Some(value),
                format!("cannot set: a parent key {why}"),
            );
        }
        table.insert(key.clone(), to_toml_value(&value.value));
    }
    let mut vr = Reader::default();
    let resolved = read_scenario(&mut vr, &tree, stem, false);
    for mut d in vr.diagnostics {
        if !r.diagnostics.contains(&d) {
            d.key = format!("{} (in variant \"{name}\")", d.key);
            r.diagnostics.push(d);
        }
    }
    Variant {
        name,
        description,
        set: table,
        resolved: Box::new(resolved),
    }
}

/// Writes `table`'s plain and inline values, then its sub-sections.
fn emit_table(out: &mut String, path: &str, table: &toml::Table) {
    use std::fmt::Write as _;
    let inline = |key: &str, value: &toml::Value| match value {
        toml::Value::Table(t) => t.contains_key("dist") || key == "set",
        toml::Value::Array(items) => key != "variants" || !items.iter().all(toml::Value::is_table),
        _ => true,
    };
    for (key, value) in table {
        if !inline(key, value) {
            continue;
        }
        let _ = match value {
            toml::Value::Array(items) if items.iter().any(toml::Value::is_table) => {
                let _ = writeln!(out, "{} = [", toml_key(key));
                for item in items {
                    let _ = writeln!(out, "    {item},");
                }
                writeln!(out, "]")
            }
            _ => writeln!(out, "{} = {value}", toml_key(key)),
        };
    }
    for (key, value) in table {
        if inline(key, value) {
            continue;
        }
        let sub = if path.is_empty() {
            toml_key(key)
        } else {
            format!("{path}.{}", toml_key(key))
        };
        match value {
            toml::Value::Table(t) => {
                // A table of tables needs no header of its own.
                if t.iter().any(|(k, v)| inline(k, v)) {
                    let _ = writeln!(out, "\n[{sub}]");
                }
                emit_table(out, &sub, t);
            }
            toml::Value::Array(items) => {
                for item in items {
                    if let toml::Value::Table(t) = item {
                        let _ = writeln!(out, "\n[[{sub}]]");
                        emit_table(out, &sub, t);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A key as TOML writes it: bare if it can be, quoted otherwise.
fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_string()
    } else {
        toml::Value::String(key.to_string()).to_string()
    }
}

/// A tree value as a `toml::Value`, for writing it back out.
fn to_toml_value(value: &Value) -> toml::Value {
    match value {
        Value::String(s) | Value::Datetime(s) => toml::Value::String(s.clone()),
        // Beyond TOML's integers: a seed is written as digits (as
        // `simulation.seed` is); anything larger was refused on reading.
        Value::Integer(i) => match (i64::try_from(*i), u64::try_from(*i)) {
            (Ok(v), _) => toml::Value::Integer(v),
            (_, Ok(v)) => toml::Value::String(v.to_string()),
            _ => toml::Value::Float(*i as f64),
        },
        Value::Float(x) => toml::Value::Float(*x),
        Value::Boolean(b) => toml::Value::Boolean(*b),
        Value::Array(items) => {
            toml::Value::Array(items.iter().map(|n| to_toml_value(&n.value)).collect())
        }
        Value::Table(entries) => toml::Value::Table(
            entries
                .iter()
                .map(|(k, _, n)| (k.clone(), to_toml_value(&n.value)))
                .collect(),
        ),
    }
}

/// Per-cohort lookups the simulation uses often.
impl Scenario {
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
