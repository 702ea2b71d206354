//! The paired differences of a run: `differences.csv`,
//! `differences_monthly.csv` and the `comparisons` of `results.json`.
//! Every figure is a difference `a − b` formed within each replicate and
//! then summarised across replicates.

use super::{
    Column, Command, File, Kind, Part, Per, Place, Unit, DIFFERENCES, DIFFERENCES_MONTHLY,
    STATISTICS, YEAR,
};
use crate::compare::Measure;
use crate::metrics;

/// The column naming the measure a row of either file compares.
pub const MEASURE: &str = "measure";
/// The month of a row of `differences_monthly.csv`.
pub const MONTH: &str = "month";
/// The yearly measure that is not a [`Measure`]: referrals a month during
/// the year.
pub const REFERRALS_PER_MONTH: &str = "referrals_per_month";

/// The columns naming a comparison, first in both files.
fn who() -> Vec<Column> {
    vec![
        Column::key(
            "comparison",
            Unit::Text,
            "the comparison's label, `a - b` with an ASCII minus: `networking - connecting` (cohorts), `closed - open: networking` (variants), or the two strategies of a focal design",
        ),
        Column::key(
            "kind",
            Unit::Text,
            "what is compared: `cohorts` (two cohorts of one variant), `variants` (one cohort in two variants) or `individual` (the focal members in two arms of a focal design)",
        ),
        Column::key(
            "room_networkers",
            Unit::Share,
            "for `individual`: the share of networkers among the other members of the room; empty otherwise",
        ),
        Column::key("a", Unit::Text, "side a, by name (`variant: cohort` when there are several variants)"),
        Column::key("b", Unit::Text, "side b, likewise"),
    ]
}

/// The statistics of a paired difference, as the two files write them
/// (no `sd`: the interval says how sure the difference is).
fn difference_statistics() -> Vec<Column> {
    let [mean, _, ci_low, ci_high, n] = STATISTICS;
    let stat = |name, about| Column::new(name, Unit::AsMetric, Kind::Statistic, None, about);
    vec![
        stat(
            mean,
            "mean across replicates of the paired difference a − b (each replicate's a minus the same replicate's b)",
        ),
        stat(
            ci_low,
            "lower end of the mean's 95% Student-t interval (the mean itself with one replicate)",
        ),
        stat(ci_high, "upper end of the mean's 95% interval"),
        Column::new(n, Unit::Replicates, Kind::Statistic, None, "replicates paired"),
    ]
}

fn verdict() -> Column {
    Column::info(
        "verdict",
        Unit::Text,
        "`a_ahead` where the 95% interval lies above zero, `b_ahead` where it lies below, `tie` where it includes zero (or with one replicate)",
    )
}

fn measure_column(about: &'static str) -> Column {
    Column::key(MEASURE, Unit::Text, about)
}

/// A measure compared: its unit and meaning, per member.
fn measure(m: Measure) -> Column {
    let currency = Unit::Measure(metrics::Unit::Currency);
    let (unit, about) = match m {
        Measure::CumulativeReferrals => (
            Unit::Measure(metrics::Unit::Referrals),
            "referrals received from the start of the run",
        ),
        Measure::CumulativeReferralSales => (
            Unit::Measure(metrics::Unit::Jobs),
            "jobs won through a referral from the start of the run",
        ),
        Measure::CumulativeRevenue => (
            currency,
            "revenue from every source (gross) from the start of the run",
        ),
        Measure::CumulativeRevenueAboveBaseline => (
            currency,
            "revenue from the start of the run above what the same members earn in the stay-home baseline (with `simulation.baseline` only)",
        ),
        Measure::CumulativeHours => (
            Unit::Measure(metrics::Unit::Hours),
            "hours spent networking from the start of the run",
        ),
        Measure::CumulativeCost => (
            currency,
            "fees plus hours at the value of time, from the start of the run",
        ),
        Measure::CumulativeNetValue => (currency, "gross revenue minus cost, from the start of the run"),
        Measure::CumulativeNetValueAboveBaseline => (
            currency,
            "revenue above the stay-home baseline minus cost, from the start of the run (with `simulation.baseline` only)",
        ),
        Measure::RevenuePerHour => (
            Unit::CurrencyPerHour,
            "gross revenue ÷ hours spent networking, both from the start of the run, in each replicate",
        ),
        Measure::RevenuePerHourAboveBaseline => (
            Unit::CurrencyPerHour,
            "revenue above the stay-home baseline ÷ hours spent networking, from the start of the run (with `simulation.baseline` only)",
        ),
    };
    Column::new(m.name(), unit, Kind::Flow, Some(Per::Member), about)
}

/// The values of `differences.csv`'s `measure`: referrals a month during
/// the year, then every measure to date.
pub fn measures() -> Vec<Column> {
    let mut values = vec![Column::new(
        REFERRALS_PER_MONTH,
        Unit::ReferralsPerMonth,
        Kind::Flow,
        Some(Per::Member),
        "referrals received during the year, per month (the year's total ÷ 12)",
    )];
    values.extend(Measure::ALL.into_iter().map(measure));
    values
}

/// `differences.csv`.
pub fn differences() -> File {
    let mut columns = who();
    columns.push(Column::key(
        YEAR,
        Unit::YearNumber,
        "the simulated year, from 1; figures to date run to its end",
    ));
    columns.push(measure_column("what is compared (values below)"));
    columns.extend(difference_statistics());
    columns.push(verdict());
    File {
        file: DIFFERENCES,
        written_by: Command::Run,
        about: "One row per comparison × year × measure: the paired difference a − b per member, each replicate's a minus the same replicate's b, summarised across replicates. Comparisons are every cohort against the first in each variant, and each cohort of every variant against the first variant (or the arms of a focal design).",
        parts: vec![
            Part::new(Place::Columns, "", columns),
            Part::new(
                Place::ValuesOf(MEASURE),
                "Each a figure per member; the measures needing the stay-home baseline are written only with `simulation.baseline`.",
                measures(),
            ),
        ],
    }
}

/// `differences_monthly.csv`.
pub fn differences_monthly() -> File {
    let mut columns = who();
    columns.push(measure_column(
        "what is compared: `cumulative_referrals_received`, and `cumulative_net_value_above_baseline` (`cumulative_net_value` without the stay-home baseline); as in differences.csv",
    ));
    columns.push(Column::key(
        MONTH,
        Unit::MonthNumber,
        "the month, from 1: the figure at the end of its last week (months of 52/12 weeks)",
    ));
    columns.extend(difference_statistics());
    File {
        file: DIFFERENCES_MONTHLY,
        written_by: Command::Run,
        about: "One row per comparison × charted measure × month: the paired difference a − b to date, as the difference charts draw it.",
        parts: vec![Part::new(Place::Columns, "", columns)],
    }
}

/// A side of a comparison in `results.json`.
fn side(which: &'static str) -> Vec<Column> {
    vec![
        Column::key("arm", Unit::Number, which),
        Column::key(
            "cohort",
            Unit::Number,
            "the cohort, by its place in the variant's `cohorts`, from 0",
        ),
    ]
}

/// A paired difference in `results.json`.
fn difference() -> Vec<Column> {
    vec![
        measure_column("the measure (a value of differences.csv's `measure`)"),
        Column::new(
            "difference",
            Unit::AsMetric,
            Kind::Flow,
            Some(Per::Member),
            "the paired difference a − b, per member",
        )
        .as_statistics(),
        verdict(),
    ]
}

/// The parts of `results.json` that hold the comparisons.
pub fn comparison_parts() -> Vec<Part> {
    vec![
        Part::new(
            Place::Fields("comparisons[]"),
            "One entry per comparison, as in differences.csv.",
            vec![
                Column::key("label", Unit::Text, "the comparison's label (differences.csv's `comparison`)"),
                Column::key("kind", Unit::Text, "`cohorts`, `variants` or `individual`"),
                Column::info(
                    "networkers",
                    Unit::Share,
                    "for `individual` only: the share of networkers among the other members of the room",
                ),
                Column::key("a_name", Unit::Text, "side a, by name"),
                Column::key("b_name", Unit::Text, "side b, by name"),
            ],
        ),
        Part::new(
            Place::Fields("comparisons[].a"),
            "Side a.",
            side("side a's variant, by its place in `variants`, from 0"),
        ),
        Part::new(
            Place::Fields("comparisons[].b"),
            "Side b.",
            side("side b's variant, by its place in `variants`, from 0"),
        ),
        Part::new(
            Place::Fields("comparisons[].years[]"),
            "One entry per simulated year.",
            vec![Column::key(YEAR, Unit::YearNumber, "the simulated year, from 1")],
        ),
        Part::new(
            Place::Fields("comparisons[].years[].referrals_per_month"),
            "Referrals a month during the year.",
            difference(),
        ),
        Part::new(
            Place::Fields("comparisons[].years[].to_date[]"),
            "Every measure to date at the end of the year.",
            difference(),
        ),
        Part::new(
            Place::Fields("comparisons[].monthly[]"),
            "The charted measures month by month, as in differences_monthly.csv.",
            vec![
                measure_column("the measure"),
                Column::new(
                    "months",
                    Unit::AsMetric,
                    Kind::Flow,
                    Some(Per::Member),
                    "the paired difference a − b to date at the end of each month, one per month from month 1",
                )
                .as_statistics(),
            ],
        ),
        Part::new(
            Place::Fields("comparisons[].crossovers[]"),
            "Of cumulative referrals and of net value: in how many replicates each side ends ahead, and when it overtook for good.",
            vec![
                measure_column("the running total compared"),
                Column::new("replicates", Unit::Replicates, Kind::Count, Some(Per::Run), "replicates compared"),
                Column::new("a_ends_ahead", Unit::Replicates, Kind::Count, Some(Per::Run), "replicates in which side a ends ahead"),
                Column::new("b_ends_ahead", Unit::Replicates, Kind::Count, Some(Per::Run), "replicates in which side b ends ahead (the rest end level)"),
                Column::info(
                    "a_overtakes_in_month",
                    Unit::MonthNumber,
                    "the months in which side a overtook side b for good, one per replicate where it was behind before",
                ),
                Column::info("b_overtakes_in_month", Unit::MonthNumber, "likewise for side b"),
            ],
        ),
    ]
}
