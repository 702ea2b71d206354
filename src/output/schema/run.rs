//! The files of a run directory: `timeseries.csv`, `summary.csv`,
//! `members.csv`, `results.json`, `network.json` and `ego_networks.json`
//! (the paired differences are in [`super::differences`]).

use super::differences::{comparison_parts, differences, differences_monthly};
use super::{
    statistics, Column, Command, File, Kind, Part, Per, Place, Unit, COHORT, EGO_NETWORKS,
    FINAL_YEAR_REFERRALS, FINAL_YEAR_REVENUE, MEMBERS, METRIC, NETWORK, REPLICATE, RESULTS,
    SUMMARY, TIMESERIES, VARIANT, WEEK, WEEKS_MEMBER, YEAR,
};
use crate::metrics::{self, Metric};

/// The weekly metrics `members.csv` gives each member's totals of.
pub const MEMBER_TOTALS: [Metric; 16] = [
    Metric::ReferralsReceived,
    Metric::ReferralsReceivedHop1,
    Metric::ReferralsReceivedHop2plus,
    Metric::ReferralsGiven,
    Metric::RepeatRevenue,
    Metric::DirectRevenue,
    Metric::ReferralRevenue,
    Metric::PitchRevenue,
    Metric::Revenue,
    Metric::Hours,
    Metric::Cost,
    Metric::MeetingsAttended,
    Metric::PeopleKnown,
    Metric::TrustedTies,
    Metric::Friends,
    Metric::GroupsLeft,
];

/// Every file `netgrow run` writes besides `scenario.toml`.
pub fn files() -> Vec<File> {
    vec![
        timeseries(),
        summary(),
        differences(),
        differences_monthly(),
        members(),
        results(),
        network(),
        ego_networks(),
    ]
}

fn variant() -> Column {
    Column::key(
        VARIANT,
        Unit::Text,
        "the variant (scenario arm); `base` when the scenario has none",
    )
}

fn replicate() -> Column {
    Column::key(
        REPLICATE,
        Unit::Number,
        "the replicate: an independent world, numbered from 0",
    )
}

fn week() -> Column {
    Column::key(WEEK, Unit::WeekNumber, "the simulated week, from 1")
}

fn cohort() -> Column {
    Column::key(
        COHORT,
        Unit::Text,
        "the cohort: the members who follow one strategy",
    )
}

/// The columns of a week's row of metrics, after its keys.
pub fn weekly_metrics() -> Vec<Column> {
    Metric::ALL.iter().map(|&m| Column::metric(m)).collect()
}

/// `timeseries.csv`.
pub fn timeseries() -> File {
    let mut columns = vec![variant(), replicate(), week(), cohort()];
    columns.extend(weekly_metrics());
    File {
        file: TIMESERIES,
        written_by: Command::Run,
        about: "One row per variant × replicate × week × cohort. Flows are the week's amounts per member (the cohort's total divided by its members at the end of the week); stocks are levels per member at the end of the week.",
        parts: vec![Part::new(Place::Columns, "", columns)],
    }
}

/// The values of `summary.csv`'s `metric`: every weekly metric and every
/// flow's running total.
pub fn summary_metrics() -> Vec<Column> {
    let mut values = weekly_metrics();
    values.extend(
        Metric::ALL
            .iter()
            .filter(|m| m.kind() == metrics::Kind::Flow)
            .map(|&m| {
                Column::new(
                    super::cumulative(m),
                    Unit::Measure(m.unit()),
                    Kind::Flow,
                    Some(Per::Member),
                    format!(
                        "{}, from the start of the run to the end of the week",
                        m.about()
                    ),
                )
            }),
    );
    values
}

/// `summary.csv`.
pub fn summary() -> File {
    let mut columns = vec![
        variant(),
        cohort(),
        week(),
        Column::key(METRIC, Unit::Text, "what the row summarises (values below)"),
    ];
    columns.extend(statistics());
    File {
        file: SUMMARY,
        written_by: Command::Run,
        about: "One row per variant × cohort × week × metric: the metric's statistics across replicates, each replicate's value per member as in timeseries.csv.",
        parts: vec![
            Part::new(Place::Columns, "", columns),
            Part::new(
                Place::ValuesOf(METRIC),
                "The columns of timeseries.csv, and `cumulative_` with each flow's name for its running total.",
                summary_metrics(),
            ),
        ],
    }
}

/// `members.csv`.
pub fn members() -> File {
    let mut columns = vec![
        variant(),
        replicate(),
        cohort(),
        Column::key(
            "person",
            Unit::Number,
            "the member's number in the population, from 0",
        ),
        Column::info(
            "profession",
            Unit::Text,
            "the member's profession (`population.professions`)",
        ),
        Column::new(
            WEEKS_MEMBER,
            Unit::Weeks,
            Kind::Stock,
            Some(Per::Member),
            "weeks the member has belonged to the cohort at the end of the run",
        ),
        Column::new(
            FINAL_YEAR_REFERRALS,
            Unit::Measure(metrics::Unit::Referrals),
            Kind::Flow,
            Some(Per::Member),
            "referrals received during the final simulated year",
        ),
        Column::new(
            FINAL_YEAR_REVENUE,
            Unit::Measure(metrics::Unit::Currency),
            Kind::Flow,
            Some(Per::Member),
            "revenue from all sources during the final simulated year",
        ),
    ];
    columns.extend(MEMBER_TOTALS.iter().map(|&m| {
        let mut column = Column::metric(m);
        column.about = match m.kind() {
            metrics::Kind::Stock => format!("{}, at the end of the run", m.about()),
            metrics::Kind::Flow | metrics::Kind::Count => {
                format!("{}, since the member joined", m.about())
            }
        }
        .into();
        column
    }));
    File {
        file: MEMBERS,
        written_by: Command::Run,
        about: "One row per member at the end of the run, per variant and replicate: the spread of outcomes behind the means.",
        parts: vec![Part::new(Place::Columns, "", columns)],
    }
}

/// How a yearly figure of `results.json` is formed.
enum Figure {
    /// A weekly flow summed over the year.
    During(Metric),
    /// A weekly stock at the year's last week.
    AtEnd(Metric),
    /// A weekly flow summed from the start of the run to the year's end.
    ToDate(Metric),
    /// Formed otherwise: its unit and meaning.
    Own(Unit, &'static str),
}

/// Yearly figures written only with the stay-home baseline
/// (`simulation.baseline`); a sweep does not tabulate them.
const BASELINE_ONLY: [&str; 3] = [
    "revenue_above_baseline",
    "revenue_per_hour_above_baseline",
    "cumulative_revenue_above_baseline",
];

/// The yearly figures, in the order of `summary::YearFigures` (a test
/// checks it against what the writer serialises).
const YEAR_FIGURES: [(&str, Figure); 23] = [
    (
        "referrals_per_month",
        Figure::Own(
            Unit::ReferralsPerMonth,
            "referrals received during the year, per month (the year's total ÷ 12)",
        ),
    ),
    ("referral_sales", Figure::During(Metric::ReferralSales)),
    ("revenue", Figure::During(Metric::Revenue)),
    ("repeat_revenue", Figure::During(Metric::RepeatRevenue)),
    ("direct_revenue", Figure::During(Metric::DirectRevenue)),
    ("referral_revenue", Figure::During(Metric::ReferralRevenue)),
    (
        "referral_revenue_hop1",
        Figure::During(Metric::ReferralRevenueHop1),
    ),
    (
        "referral_revenue_hop2plus",
        Figure::During(Metric::ReferralRevenueHop2plus),
    ),
    ("pitch_revenue", Figure::During(Metric::PitchRevenue)),
    ("hours", Figure::During(Metric::Hours)),
    ("cost", Figure::During(Metric::Cost)),
    (
        "revenue_per_hour",
        Figure::Own(
            Unit::CurrencyPerHour,
            "revenue from every source (gross) ÷ hours spent networking during the year, in each replicate (0 without hours)",
        ),
    ),
    (
        "revenue_above_baseline",
        Figure::Own(
            Unit::Measure(metrics::Unit::Currency),
            "revenue during the year above what the same members earn in the stay-home baseline (every member staying home); absent without `simulation.baseline`",
        ),
    ),
    (
        "revenue_per_hour_above_baseline",
        Figure::Own(
            Unit::CurrencyPerHour,
            "revenue above the stay-home baseline ÷ hours spent networking during the year, in each replicate (0 without hours); absent without `simulation.baseline`",
        ),
    ),
    ("trusted_ties", Figure::AtEnd(Metric::TrustedTies)),
    ("people_known", Figure::AtEnd(Metric::PeopleKnown)),
    (
        "value_events",
        Figure::Own(
            Unit::Measure(metrics::Unit::Events),
            "occasions of non-business value during the year: the six value_ metrics together",
        ),
    ),
    ("groups_left", Figure::During(Metric::GroupsLeft)),
    ("cumulative_referrals", Figure::ToDate(Metric::ReferralsReceived)),
    ("cumulative_revenue", Figure::ToDate(Metric::Revenue)),
    ("cumulative_hours", Figure::ToDate(Metric::Hours)),
    ("cumulative_cost", Figure::ToDate(Metric::Cost)),
    (
        "cumulative_revenue_above_baseline",
        Figure::Own(
            Unit::Measure(metrics::Unit::Currency),
            "revenue from the start of the run to the end of the year above what the same members earn in the stay-home baseline; absent without `simulation.baseline`",
        ),
    ),
];

/// The yearly figures a sweep tabulates: those of [`year_figures`] that
/// every run writes.
pub fn sweep_figures() -> Vec<Column> {
    year_figures()
        .into_iter()
        .filter(|c| !BASELINE_ONLY.iter().any(|b| c.name.text() == *b))
        .collect()
}

/// A cohort's figures for one year, per member: the fields of
/// `results.json`'s `years[]` after `year`.
pub fn year_figures() -> Vec<Column> {
    YEAR_FIGURES
        .iter()
        .map(|(name, figure)| {
            let (unit, kind, about) = match *figure {
                Figure::During(m) => (
                    Unit::Measure(m.unit()),
                    m.kind().into(),
                    format!("{}, during the year", m.about()),
                ),
                Figure::AtEnd(m) => (
                    Unit::Measure(m.unit()),
                    Kind::Stock,
                    format!("{}, at the end of the year", m.about()),
                ),
                Figure::ToDate(m) => (
                    Unit::Measure(m.unit()),
                    Kind::Flow,
                    format!(
                        "{}, from the start of the run to the end of the year",
                        m.about()
                    ),
                ),
                Figure::Own(unit, about) => (unit, Kind::Flow, about.to_string()),
            };
            Column::new(*name, unit, kind, Some(Per::Member), about)
        })
        .collect()
}

/// Fields `results.json`'s `metadata` shares with a sweep's `sweep.json`.
pub fn provenance() -> Vec<Column> {
    vec![
        Column::info(
            "netgrow_version",
            Unit::Text,
            "the netgrow version that wrote the file",
        ),
        Column::info("scenario", Unit::Text, "the scenario's `simulation.name`"),
        Column::info(
            "seed",
            Unit::Number,
            "the seed every random stream is drawn from (`simulation.seed`)",
        ),
    ]
}

/// Replicates and years, as `results.json` and `sweep.json` record them.
pub fn extent() -> Vec<Column> {
    vec![
        Column::info(
            "replicates",
            Unit::Replicates,
            "replicates of every variant (or point)",
        ),
        Column::info("years", Unit::Years, "simulated years"),
    ]
}

/// Wall time and speed of a run, as `results.json` and `timing.json`
/// record them (they differ from run to run).
pub fn speed(unit_of_work: &'static str) -> Vec<Column> {
    vec![
        Column::info("elapsed_seconds", Unit::Seconds, unit_of_work),
        Column::info(
            "person_weeks_per_second",
            Unit::PerSecond,
            "people × weeks simulated per second of wall time",
        ),
    ]
}

fn results_metadata() -> Vec<Column> {
    let mut fields = provenance();
    fields.push(Column::info(
        "commit",
        Unit::Text,
        "the git commit the netgrow binary was built from (\"unknown\" if built outside a git checkout)",
    ));
    fields.push(Column::info(
        "build_profile",
        Unit::Text,
        "the build profile of the netgrow binary: \"release\" or \"debug\"",
    ));
    fields.extend(extent());
    fields.push(Column::info(
        "threads",
        Unit::Threads,
        "worker threads used (results do not depend on them)",
    ));
    fields.extend(speed("wall time of the simulation"));
    fields.push(Column::info(
        "needs_per_second",
        Unit::PerSecond,
        "needs resolved per second of wall time",
    ));
    fields
}

fn needs() -> Vec<Column> {
    let need =
        |name, about| Column::new(name, Unit::Needs, Kind::Flow, Some(Per::Population), about);
    vec![
        need("needs", "needs that arose in the population over the run"),
        need(
            "repeat",
            "met by going back to a previous supplier in the town",
        ),
        need("direct", "met by a supplier the buyer knows and trusts"),
        need("referral", "met through a referral"),
        need("pitch", "met by someone whose pitch the buyer heard"),
        need("market", "met by the market, outside the town's networks"),
    ]
}

/// `results.json`.
pub fn results() -> File {
    let mut years = vec![Column::key(
        YEAR,
        Unit::YearNumber,
        "the simulated year, from 1",
    )];
    years.extend(year_figures().into_iter().map(Column::as_statistics));
    File {
        file: RESULTS,
        written_by: Command::Run,
        about: "The headline figures: per variant and cohort, year by year, how needs were met, the paired differences between cohorts or variants, and how the run was made.",
        parts: vec![
            Part::new(
                Place::Fields(""),
                "The whole file.",
                vec![Column::info(
                    "baseline",
                    Unit::Boolean,
                    "whether every variant was also run with every member staying home (`simulation.baseline`), so that revenue above that baseline is measured",
                )],
            ),
            Part::new(Place::Fields("metadata"), "How the run was made.", results_metadata()),
            Part::new(
                Place::Fields("variants[]"),
                "One entry per variant.",
                vec![Column::key(
                    "name",
                    Unit::Text,
                    "the variant; `base` when the scenario has none",
                )],
            ),
            Part::new(
                Place::Fields("variants[].cohorts[]"),
                "One entry per cohort of the variant.",
                vec![
                    Column::key("name", Unit::Text, "the cohort"),
                    Column::info("strategy", Unit::Text, "the strategy its members follow"),
                    Column::new(
                        "members",
                        Unit::Measure(metrics::Unit::People),
                        Kind::Count,
                        Some(Per::Cohort),
                        "members the cohort is given (`cohorts.NAME.members`)",
                    ),
                ],
            ),
            Part::new(
                Place::Fields("variants[].cohorts[].years[]"),
                "One entry per simulated year. Every field but `year` holds statistics across replicates: an object with mean, sd, ci_low, ci_high and n.",
                years,
            ),
            Part::new(
                Place::Fields("variants[].needs"),
                "How the population's needs were met, mean per replicate.",
                needs(),
            ),
        ]
        .into_iter()
        .chain(comparison_parts())
        .collect(),
    }
}

/// A share of pairs with its standard error, by hops.
fn hop_shares(hops: &'static str, share: &'static str) -> Vec<Column> {
    vec![
        Column::key("hops", Unit::Hops, hops),
        Column::new("share", Unit::Share, Kind::Stock, Some(Per::Pair), share),
        Column::new(
            "standard_error",
            Unit::Share,
            Kind::Statistic,
            Some(Per::Pair),
            "the share's standard error (sampled sources)",
        ),
    ]
}

/// `network.json`.
pub fn network() -> File {
    let ties = Unit::Measure(metrics::Unit::Ties);
    let people = Unit::Measure(metrics::Unit::People);
    let degree = |name, about| Column::new(name, ties, Kind::Stock, Some(Per::Person), about);
    File {
        file: NETWORK,
        written_by: Command::Run,
        about: "The acquaintance network of the first replicate's world, as built before the first week: its size, degrees, clustering and degrees of separation.",
        parts: vec![
            Part::new(
                Place::Fields(""),
                "The whole network.",
                vec![
                    Column::new("people", people, Kind::Count, Some(Per::Population), "people in the town"),
                    Column::new("edges", ties, Kind::Count, Some(Per::Population), "acquaintance ties, each counted once"),
                    Column::new("close_ties_mean", ties, Kind::Stock, Some(Per::Person), "close ties per person"),
                ],
            ),
            Part::new(
                Place::Fields("degree"),
                "Acquaintances per person.",
                vec![
                    degree("mean", "mean acquaintances per person"),
                    degree("median", "median acquaintances per person"),
                    degree("min", "fewest acquaintances anyone has"),
                    degree("max", "most acquaintances anyone has"),
                ],
            ),
            Part::new(
                Place::Fields("clustering"),
                "Whether acquaintances of a person know each other.",
                vec![
                    Column::new("value", Unit::Share, Kind::Stock, Some(Per::Population), "global clustering coefficient: the share of two-step paths whose ends are acquainted too"),
                    Column::new("standard_error", Unit::Share, Kind::Statistic, Some(Per::Population), "its standard error (0 when counted exactly)"),
                    Column::info("exact", Unit::Boolean, "whether it was counted over everyone rather than estimated from a sample"),
                ],
            ),
            Part::new(
                Place::Fields("separation"),
                "Degrees of separation, from breadth-first searches out of sampled people.",
                vec![
                    Column::new("sources", people, Kind::Count, Some(Per::Population), "people searched from"),
                    Column::new("mean", Unit::Hops, Kind::Stock, Some(Per::Pair), "mean hops between a source and the people it reaches; null if it reaches no one"),
                    Column::new("mean_standard_error", Unit::Hops, Kind::Statistic, Some(Per::Pair), "the mean's standard error"),
                    Column::new("unreachable", Unit::Share, Kind::Stock, Some(Per::Pair), "share of pairs with no path at all"),
                ],
            ),
            Part::new(
                Place::Fields("separation.within[]"),
                "Pairs at most 1, 2, … 6 hops apart.",
                hop_shares("at most this many hops", "share of ordered pairs, reachable or not, at most `hops` apart"),
            ),
            Part::new(
                Place::Fields("separation.by_hops[]"),
                "Pairs exactly 1, 2, … 5 hops apart, then 6 or more.",
                hop_shares("exactly this many hops; 6 stands for 6 or more, unreachable pairs included", "share of ordered pairs `hops` apart"),
            ),
        ],
    }
}

/// `ego_networks.json`.
pub fn ego_networks() -> File {
    let trust = |about| Column::new("trust", Unit::Trust, Kind::Stock, Some(Per::Tie), about);
    File {
        file: EGO_NETWORKS,
        written_by: Command::Run,
        about: "The trusted ties around one typical member of each cohort (the one with the median number of trusted ties) at the end of replicate 0 of every variant.",
        parts: vec![
            Part::new(
                Place::Fields("[]"),
                "One entry per variant.",
                vec![
                    Column::key(VARIANT, Unit::Text, "the variant"),
                    Column::key(REPLICATE, Unit::Number, "the replicate drawn: 0"),
                ],
            ),
            Part::new(
                Place::Fields("[].egos[]"),
                "One entry per cohort: its typical member, the ego.",
                vec![
                    Column::key(COHORT, Unit::Text, "the ego's cohort"),
                    Column::key("person", Unit::Number, "the ego's number in the population"),
                    Column::new("trusted_ties", Unit::Measure(metrics::Unit::Ties), Kind::Stock, Some(Per::Member), "the ego's ties at or above `relationships.trusted_at`"),
                ],
            ),
            Part::new(
                Place::Fields("[].egos[].alters[]"),
                "The people the ego has some trust in (0.01 or more), most trusted first, at most 40.",
                vec![
                    Column::key("person", Unit::Number, "the alter's number in the population"),
                    Column::info(COHORT, Unit::Text, "the alter's cohort if a member at the end, else `not a member`"),
                    trust("the ego's trust in the alter"),
                ],
            ),
            Part::new(
                Place::Fields("[].egos[].links[]"),
                "Trust between two alters (0.01 or more), for drawing.",
                vec![
                    Column::key("a", Unit::Number, "one alter, by its place in `alters` from 0"),
                    Column::key("b", Unit::Number, "the other alter, likewise"),
                    trust("trust between the two, in whichever direction is higher"),
                ],
            ),
        ],
    }
}
