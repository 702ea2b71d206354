//! The files of a comparison directory (`netgrow compare RUN_A RUN_B`):
//! `comparison.csv`, the two runs' headline figures side by side, and
//! `scenario_differences.csv`, the assumptions that differ.

use super::{statistics, Column, Command, File, Kind, Part, Place, Unit, COHORT, VARIANT};

/// The files of a comparison directory.
pub const COMPARISON: &str = "comparison.csv";
pub const SCENARIO_DIFFERENCES: &str = "scenario_differences.csv";

/// The column naming the figure a row of `comparison.csv` holds.
pub const FIGURE: &str = "figure";

/// The figures compared: name and definition, in the order rows are
/// written.
pub const FIGURES: [(&str, Unit, &str); 6] = [
    (
        "referrals_per_month_final_year",
        Unit::ReferralsPerMonth,
        "referrals received per member per month in the final year",
    ),
    (
        "cumulative_referrals",
        Unit::Measure(crate::metrics::Unit::Referrals),
        "referrals received per member over the whole run",
    ),
    (
        "cumulative_revenue",
        Unit::Measure(crate::metrics::Unit::Currency),
        "gross revenue per member over the whole run",
    ),
    (
        "net_value",
        Unit::Measure(crate::metrics::Unit::Currency),
        "revenue per member over the run less fees and the hours spent at the value of time",
    ),
    (
        "revenue_per_hour_over_run",
        Unit::CurrencyPerHour,
        "revenue per hour of networking time, cumulative: the run's revenue over the run's hours",
    ),
    (
        "trusted_ties",
        Unit::Measure(crate::metrics::Unit::Ties),
        "trusted ties per member at the end of the run",
    ),
];

/// Every file `netgrow compare` writes.
pub fn files() -> Vec<File> {
    vec![comparison(), scenario_differences()]
}

/// `comparison.csv`.
pub fn comparison() -> File {
    let mut columns = vec![
        Column::key(
            FIGURE,
            Unit::Text,
            "the headline figure the row holds (values below)",
        ),
        Column::key(
            "run",
            Unit::Text,
            "which run: `a` or `b`, in the order given",
        ),
        Column::info("dir", Unit::Text, "the run's directory, as given"),
        Column::key(VARIANT, Unit::Text, "the variant"),
        Column::key(COHORT, Unit::Text, "the cohort"),
    ];
    columns.extend(statistics().into_iter().filter(|c| c.name.text() != "sd"));
    let figures = FIGURES
        .iter()
        .map(|&(name, unit, about)| {
            Column::new(name, unit, Kind::Statistic, Some(super::Per::Member), about)
        })
        .collect();
    File {
        file: COMPARISON,
        written_by: Command::Compare,
        about: "One row per figure × run × variant × cohort that both runs have: the figure's mean and 95% interval across that run's replicates.",
        parts: vec![
            Part::new(Place::Columns, "", columns),
            Part::new(Place::ValuesOf(FIGURE), "The figures compared.", figures),
        ],
    }
}

/// `scenario_differences.csv`.
pub fn scenario_differences() -> File {
    File {
        file: SCENARIO_DIFFERENCES,
        written_by: Command::Compare,
        about: "One row per scenario key whose value differs between the two runs, every default filled in.",
        parts: vec![Part::new(
            Place::Columns,
            "",
            vec![
                Column::key("key", Unit::Text, "the scenario key, by its dotted path"),
                Column::info(
                    "a",
                    Unit::Text,
                    "its value in run a as TOML writes it (a number, a word or a list; empty when run a lacks the key)",
                ),
                Column::info("b", Unit::Text, "its value in run b, the same way"),
            ],
        )],
    }
}
