//! The one description of every file netgrow writes: for each file, its
//! columns (CSV) or fields (JSON) as data — name, unit, kind, what it is
//! per, and a one-line definition.
//!
//! Writers build their headers from it and readers look columns up by the
//! names defined here, so the two cannot drift apart; the codebook
//! (`netgrow columns`, `docs/outputs.md`) is printed from it by
//! [`codebook`]. [`run`] describes the files of `netgrow run`, [`sweep`]
//! those of `netgrow sweep`, [`compare`] those of `netgrow compare` and
//! [`calibrate`] those `netgrow calibrate` adds to a sweep's. JSON files are described by the fields of
//! the objects at each path: `variants[].cohorts[]` is every element of
//! `cohorts` in every element of `variants`, `[]` the elements of a file
//! that is a list.

pub mod calibrate;
pub mod codebook;
pub mod compare;
pub mod differences;
pub mod run;
pub mod sweep;

use std::borrow::Cow;

use serde::Serialize;

use crate::metrics::{self, Metric};

pub use differences::{differences, differences_monthly};
pub use run::{
    members, summary, summary_metrics, sweep_figures, timeseries, year_figures, MEMBER_TOTALS,
};

/// The variant (scenario arm) a row belongs to.
pub const VARIANT: &str = "variant";
/// The replicate: an independent world, from 0.
pub const REPLICATE: &str = "replicate";
/// The simulated week, from 1.
pub const WEEK: &str = "week";
/// The simulated year, from 1.
pub const YEAR: &str = "year";
/// The cohort a row belongs to.
pub const COHORT: &str = "cohort";
/// What the row of a long file summarises.
pub const METRIC: &str = "metric";
/// A point of a sweep's design.
pub const POINT: &str = "point";
/// The label of a sweep's paired difference.
pub const DIFFERENCE: &str = "difference";

/// The statistics across replicates, in the order files write them.
pub const STATISTICS: [&str; 5] = ["mean", "sd", "ci_low", "ci_high", "n"];

/// `members.csv`: weeks a member has belonged to the cohort.
pub const WEEKS_MEMBER: &str = "weeks_member";
/// `members.csv`: referrals received in the final year.
pub const FINAL_YEAR_REFERRALS: &str = "final_year_referrals";
/// `members.csv`: revenue in the final year.
pub const FINAL_YEAR_REVENUE: &str = "final_year_revenue";

/// Running totals that `summary.csv`'s `metric` column names and the
/// charts read (a test checks them against [`cumulative`]).
pub const CUM_REFERRALS: &str = "cumulative_referrals_received";
pub const CUM_REVENUE: &str = "cumulative_revenue";
pub const CUM_HOURS: &str = "cumulative_hours";

/// The name of a flow's running total in `summary.csv`.
pub fn cumulative(metric: Metric) -> String {
    format!("cumulative_{}", metric.name())
}

/// The files of a run directory.
pub const TIMESERIES: &str = "timeseries.csv";
pub const SUMMARY: &str = "summary.csv";
pub const DIFFERENCES: &str = "differences.csv";
pub const DIFFERENCES_MONTHLY: &str = "differences_monthly.csv";
pub const MEMBERS: &str = "members.csv";
pub const RESULTS: &str = "results.json";
pub const NETWORK: &str = "network.json";
pub const EGO_NETWORKS: &str = "ego_networks.json";
/// The resolved scenario, written by run and sweep alike.
pub const SCENARIO: &str = "scenario.toml";

/// What a column's values are counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(into = "&'static str")]
pub enum Unit {
    /// A unit of a weekly measure (people, referrals, currency, …).
    Measure(metrics::Unit),
    /// A name or a word.
    Text,
    /// An identifier or a plain number (a person, a replicate, a seed).
    Number,
    /// A simulated week, counted from 1.
    WeekNumber,
    /// A simulated year, counted from 1.
    YearNumber,
    /// A month, counted from 1 (twelve months of 52/12 weeks a year).
    MonthNumber,
    Weeks,
    Years,
    Needs,
    ReferralsPerMonth,
    CurrencyPerHour,
    /// A fraction from 0 to 1.
    Share,
    /// Trust, from 0 to 1.
    Trust,
    /// Steps between acquaintances.
    Hops,
    Seconds,
    PerSecond,
    Replicates,
    Points,
    Runs,
    Threads,
    Boolean,
    /// The unit of the metric the row names.
    AsMetric,
    /// The unit of the varied scenario key.
    AsKey,
    /// The unit of the statistic a calibration target observes.
    AsTarget,
}

impl Unit {
    /// The unit as the codebook writes it.
    pub fn word(self) -> &'static str {
        match self {
            Unit::Measure(unit) => unit.word(),
            Unit::Text => "text",
            Unit::Number => "number",
            Unit::WeekNumber => "week number",
            Unit::YearNumber => "year number",
            Unit::MonthNumber => "month number",
            Unit::Weeks => "weeks",
            Unit::Years => "years",
            Unit::Needs => "needs",
            Unit::ReferralsPerMonth => "referrals per month",
            Unit::CurrencyPerHour => "currency per hour",
            Unit::Share => "share (0–1)",
            Unit::Trust => "trust (0–1)",
            Unit::Hops => "hops",
            Unit::Seconds => "seconds",
            Unit::PerSecond => "per second",
            Unit::Replicates => "replicates",
            Unit::Points => "points",
            Unit::Runs => "runs",
            Unit::Threads => "threads",
            Unit::Boolean => "true/false",
            Unit::AsMetric => "the metric's",
            Unit::AsKey => "the key's",
            Unit::AsTarget => "the target's",
        }
    }
}

impl From<Unit> for &'static str {
    fn from(unit: Unit) -> &'static str {
        unit.word()
    }
}

/// What kind of value a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(into = "&'static str")]
pub enum Kind {
    /// Identifies the row or entry (variant, cohort, week, …).
    Key,
    /// Describes the run or qualifies a finding; not a quantity.
    Info,
    /// An amount during a period: a week, a year, a membership.
    Flow,
    /// A level at a moment: the end of a week, a year, the run.
    Stock,
    /// A number of things in a whole (a cohort, the population).
    Count,
    /// A statistic across replicates of the row's metric.
    Statistic,
    /// The row's metric in one replicate.
    Value,
}

impl Kind {
    /// Every kind, in the order the codebook explains them.
    pub const ALL: [Kind; 7] = [
        Kind::Key,
        Kind::Info,
        Kind::Flow,
        Kind::Stock,
        Kind::Count,
        Kind::Statistic,
        Kind::Value,
    ];

    /// The kind as the codebook writes it.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Key => "key",
            Kind::Info => "info",
            Kind::Flow => "flow",
            Kind::Stock => "stock",
            Kind::Count => "count",
            Kind::Statistic => "statistic",
            Kind::Value => "value",
        }
    }

    /// One line saying what the kind means.
    pub fn about(self) -> &'static str {
        match self {
            Kind::Key => "identifies the row or entry",
            Kind::Info => "describes the run or qualifies a finding; not a quantity",
            Kind::Flow => "an amount during a period (the week, the year, the membership, the run)",
            Kind::Stock => "a level at a moment (the end of the week, the year or the run)",
            Kind::Count => "a number of things in a whole (a cohort, the population)",
            Kind::Statistic => "a statistic across replicates of the metric the row names",
            Kind::Value => "the metric the row names, in one replicate",
        }
    }
}

impl From<metrics::Kind> for Kind {
    fn from(kind: metrics::Kind) -> Kind {
        match kind {
            metrics::Kind::Flow => Kind::Flow,
            metrics::Kind::Stock => Kind::Stock,
            metrics::Kind::Count => Kind::Count,
        }
    }
}

impl From<Kind> for &'static str {
    fn from(kind: Kind) -> &'static str {
        kind.word()
    }
}

/// Whom a quantity is per: one member, or a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(into = "&'static str")]
pub enum Per {
    /// One member of a cohort (in a cohort's row, the mean over its
    /// members).
    Member,
    /// A cohort's total.
    Cohort,
    /// One person of the population (the mean over everyone).
    Person,
    /// One pair of people (the mean or share over pairs).
    Pair,
    /// One trust tie.
    Tie,
    /// The whole population.
    Population,
    /// The run or sweep as a whole.
    Run,
}

impl Per {
    /// Every scope, in the order the codebook explains them.
    pub const ALL: [Per; 7] = [
        Per::Member,
        Per::Cohort,
        Per::Person,
        Per::Pair,
        Per::Tie,
        Per::Population,
        Per::Run,
    ];

    /// The scope as the codebook writes it.
    pub fn word(self) -> &'static str {
        match self {
            Per::Member => "member",
            Per::Cohort => "cohort",
            Per::Person => "person",
            Per::Pair => "pair",
            Per::Tie => "tie",
            Per::Population => "population",
            Per::Run => "run",
        }
    }

    /// One line saying what the scope means.
    pub fn about(self) -> &'static str {
        match self {
            Per::Member => "per member of the cohort: one member's figure, or in a cohort's row the mean over its members",
            Per::Cohort => "the cohort's total",
            Per::Person => "per person of the population, the mean over everyone",
            Per::Pair => "over pairs of people",
            Per::Tie => "one trust tie between two people",
            Per::Population => "the whole population",
            Per::Run => "the run (or sweep) as a whole",
        }
    }
}

impl From<Per> for &'static str {
    fn from(per: Per) -> &'static str {
        per.word()
    }
}

/// A column's name: fixed, or one column per varied key or per replicate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub enum Name {
    Is(Cow<'static, str>),
    /// One column per key a sweep varies, named by the key's dotted path.
    EachKey,
    /// `replicate_0`, `replicate_1`, … one per replicate.
    EachReplicate,
    /// One column per calibration target, named as in the targets file.
    EachTarget,
}

/// The start of each replicate's column in a point file.
pub const REPLICATE_PREFIX: &str = "replicate_";

impl Name {
    /// The name as the codebook writes it.
    pub fn text(&self) -> Cow<'static, str> {
        match self {
            Name::Is(name) => name.clone(),
            Name::EachKey => "<key>".into(),
            Name::EachReplicate => format!("{REPLICATE_PREFIX}<r>").into(),
            Name::EachTarget => "<target>".into(),
        }
    }
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        name.text().into_owned()
    }
}

/// One column of a CSV file, or one field of the JSON objects at a path.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Column {
    pub name: Name,
    pub unit: Unit,
    pub kind: Kind,
    /// Whom the quantity is per; `None` for what is not a quantity.
    pub per: Option<Per>,
    /// One line saying what it is.
    pub about: Cow<'static, str>,
    /// The field holds statistics across replicates: an object with
    /// [`STATISTICS`] as fields.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub statistics: bool,
}

impl Column {
    /// A column with a fixed name.
    pub fn new(
        name: impl Into<Cow<'static, str>>,
        unit: Unit,
        kind: Kind,
        per: Option<Per>,
        about: impl Into<Cow<'static, str>>,
    ) -> Column {
        Column {
            name: Name::Is(name.into()),
            unit,
            kind,
            per,
            about: about.into(),
            statistics: false,
        }
    }

    /// A column that identifies the row, with nothing to be per.
    pub fn key(name: &'static str, unit: Unit, about: &'static str) -> Column {
        Column::new(name, unit, Kind::Key, None, about)
    }

    /// A field that describes the run.
    pub fn info(name: &'static str, unit: Unit, about: &'static str) -> Column {
        Column::new(name, unit, Kind::Info, None, about)
    }

    /// A weekly metric's column: its name, unit, kind and meaning.
    pub fn metric(metric: Metric) -> Column {
        Column::new(
            metric.name(),
            Unit::Measure(metric.unit()),
            metric.kind().into(),
            Some(per_of(metric)),
            metric.about(),
        )
    }

    /// The same column holding statistics across replicates.
    pub fn as_statistics(mut self) -> Column {
        self.statistics = true;
        self
    }
}

/// Whom a weekly metric is per.
fn per_of(metric: Metric) -> Per {
    match metric.kind() {
        metrics::Kind::Count => Per::Cohort,
        metrics::Kind::Flow | metrics::Kind::Stock => Per::Member,
    }
}

/// Where a part of a file's columns are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// The columns of a CSV file, in order.
    Columns,
    /// The values a column of a long CSV file takes (`metric`), each
    /// described like a column.
    ValuesOf(&'static str),
    /// The fields of the JSON objects at a path (`""` the file's top
    /// object).
    Fields(&'static str),
}

/// One table of the codebook: a file's columns, the values of one of its
/// columns, or the fields at one JSON path.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Part {
    pub place: Place,
    /// What the rows or objects are.
    pub about: &'static str,
    pub columns: Vec<Column>,
    /// The same values as this file's (the codebook prints them once).
    #[serde(skip)]
    pub same_as: Option<&'static str>,
}

impl Part {
    /// A part with its own columns.
    pub fn new(place: Place, about: &'static str, columns: Vec<Column>) -> Part {
        Part {
            place,
            about,
            columns,
            same_as: None,
        }
    }
}

/// Which command writes a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Command {
    Run,
    Sweep,
    Compare,
    Calibrate,
}

/// One file an output directory holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct File {
    /// Its path in the output directory; `NNNN` stands for a point's
    /// number.
    pub file: &'static str,
    pub written_by: Command,
    /// What it holds, one or two sentences.
    pub about: &'static str,
    pub parts: Vec<Part>,
}

impl File {
    /// A CSV file's columns, in order (none for JSON).
    pub fn columns(&self) -> &[Column] {
        self.parts
            .iter()
            .find(|p| p.place == Place::Columns)
            .map_or(&[], |p| p.columns.as_slice())
    }

    /// The header of a CSV file whose columns are all fixed.
    pub fn header(&self) -> Vec<String> {
        self.header_for(&[], 0)
    }

    /// The header of a CSV file, with one column per varied key (named by
    /// `keys`) and per replicate where the file has them.
    pub fn header_for(&self, keys: &[String], replicates: u32) -> Vec<String> {
        self.header_with(keys, &[], replicates)
    }

    /// The header of a CSV file, with one column per varied key, per
    /// calibration target (named by `targets`) and per replicate where the
    /// file has them.
    pub fn header_with(&self, keys: &[String], targets: &[String], replicates: u32) -> Vec<String> {
        self.columns()
            .iter()
            .flat_map(|c| match &c.name {
                Name::Is(name) => vec![name.to_string()],
                Name::EachKey => keys.to_vec(),
                Name::EachTarget => targets.to_vec(),
                Name::EachReplicate => (0..replicates)
                    .map(|r| format!("{REPLICATE_PREFIX}{r}"))
                    .collect(),
            })
            .collect()
    }
}

/// The statistics across replicates, as columns of a long file (and the
/// fields of a statistics object in JSON).
pub fn statistics() -> Vec<Column> {
    let [mean, sd, ci_low, ci_high, n] = STATISTICS;
    let stat = |name, about| Column::new(name, Unit::AsMetric, Kind::Statistic, None, about);
    vec![
        stat(mean, "mean across replicates"),
        stat(sd, "standard deviation across replicates (0 with one replicate)"),
        stat(
            ci_low,
            "lower end of the 95% Student-t interval for the mean (the mean itself with one replicate)",
        ),
        stat(ci_high, "upper end of the 95% Student-t interval for the mean"),
        Column::new(
            n,
            Unit::Replicates,
            Kind::Statistic,
            None,
            "replicates summarised",
        ),
    ]
}

/// Every file, run's first, in the order the codebook lists them.
pub fn files() -> Vec<File> {
    let mut all = run::files();
    all.extend(sweep::files());
    all.extend(compare::files());
    all.extend(calibrate::files());
    all
}

#[cfg(test)]
mod tests;
