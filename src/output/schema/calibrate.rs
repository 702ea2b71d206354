//! The files `netgrow calibrate` writes beside its sweep of candidates
//! (whose files are those of `netgrow sweep`): `candidates.csv`,
//! `posterior.csv`, `intervals.csv` and `fit.csv`.

use super::{Column, Command, File, Kind, Name, Part, Per, Place, Unit, COHORT, YEAR};

/// The files of a calibration directory besides the sweep's.
pub const CANDIDATES: &str = "candidates.csv";
pub const POSTERIOR: &str = "posterior.csv";
pub const INTERVALS: &str = "intervals.csv";
pub const FIT: &str = "fit.csv";

/// Every file `netgrow calibrate` writes besides a sweep's.
pub fn files() -> Vec<File> {
    vec![candidates(), posterior(), intervals(), fit()]
}

fn candidate() -> Column {
    Column::key(
        "candidate",
        Unit::Number,
        "the candidate, from 0: the sweep's point of the same number",
    )
}

fn key() -> Column {
    Column::key(
        "key",
        Unit::Text,
        "the fitted scenario key, by its dotted path",
    )
}

fn distance() -> Column {
    Column::info(
        "distance",
        Unit::Number,
        "the candidate's distance from the observed targets: the root of the summed squared differences, each in units of the target's sd (empty when a statistic could not be formed)",
    )
}

fn in_key(name: &'static str, about: &'static str) -> Column {
    Column::new(name, Unit::AsKey, Kind::Statistic, None, about)
}

fn in_target(name: &'static str, about: &'static str) -> Column {
    Column::new(name, Unit::AsTarget, Kind::Statistic, None, about)
}

/// `candidates.csv`.
pub fn candidates() -> File {
    let columns = vec![
        candidate(),
        Column {
            name: Name::EachKey,
            ..Column::key(
                "",
                Unit::AsKey,
                "the value of a fitted key drawn for the candidate: one column per key, named by its dotted path",
            )
        },
        Column {
            name: Name::EachTarget,
            ..Column::new(
                "",
                Unit::AsTarget,
                Kind::Statistic,
                Some(Per::Member),
                "the candidate's statistic for a target, the mean over its replicates: one column per target, named as in the targets file",
            )
        },
        distance(),
        Column::info(
            "accepted",
            Unit::Boolean,
            "whether the candidate is among the nearest kept for the posterior",
        ),
    ];
    File {
        file: CANDIDATES,
        written_by: Command::Calibrate,
        about: "One row per candidate: the keys drawn from the priors, the statistics it gave, its distance and whether it was kept.",
        parts: vec![Part::new(Place::Columns, "", columns)],
    }
}

/// `posterior.csv`.
pub fn posterior() -> File {
    File {
        file: POSTERIOR,
        written_by: Command::Calibrate,
        about: "One row per kept candidate × fitted key: the key as drawn and as adjusted by the regression, with the candidate's distance and weight.",
        parts: vec![Part::new(
            Place::Columns,
            "",
            vec![
                candidate(),
                key(),
                Column::new("raw", Unit::AsKey, Kind::Value, None, "the key's value as drawn"),
                Column::new(
                    "adjusted",
                    Unit::AsKey,
                    Kind::Value,
                    None,
                    "the key's value after the regression adjustment towards the observed targets",
                ),
                distance(),
                Column::info(
                    "weight",
                    Unit::Share,
                    "the candidate's Epanechnikov kernel weight, 1 − (d/h)² with h the largest distance kept",
                ),
            ],
        )],
    }
}

/// `intervals.csv`.
pub fn intervals() -> File {
    File {
        file: INTERVALS,
        written_by: Command::Calibrate,
        about: "One row per fitted key: its prior, its posterior median and 50% and 90% intervals (adjusted, and from rejection alone), and the value written to calibrated.toml.",
        parts: vec![Part::new(
            Place::Columns,
            "",
            vec![
                key(),
                Column::info("prior", Unit::Text, "the prior's shape: uniform or log_uniform"),
                Column::info("prior_low", Unit::AsKey, "the lower end of the prior"),
                Column::info("prior_high", Unit::AsKey, "the upper end of the prior"),
                in_key("median", "the posterior median (adjusted, weighted)"),
                in_key("low_50", "the lower end of the 50% posterior interval"),
                in_key("high_50", "the upper end of the 50% posterior interval"),
                in_key("low_90", "the lower end of the 90% posterior interval"),
                in_key("high_90", "the upper end of the 90% posterior interval"),
                in_key("raw_median", "the weighted median of the kept candidates as drawn, without the adjustment"),
                in_key("raw_low_90", "the lower end of their 90% interval, without the adjustment"),
                in_key("raw_high_90", "the upper end of their 90% interval, without the adjustment"),
                in_key("calibrated", "the posterior median rounded as written to calibrated.toml"),
            ],
        )],
    }
}

/// `fit.csv`.
pub fn fit() -> File {
    File {
        file: FIT,
        written_by: Command::Calibrate,
        about: "One row per target: what was observed, and what the calibrated scenario gives with its 95% interval across replicates.",
        parts: vec![Part::new(
            Place::Columns,
            "",
            vec![
                Column::key("target", Unit::Text, "the target, named as in the targets file"),
                Column::info("statistic", Unit::Text, "the statistic the target observes (referrals_per_year, revenue_per_year, …)"),
                Column::key(COHORT, Unit::Text, "the cohort observed"),
                Column::key(YEAR, Unit::YearNumber, "the simulated year observed, from 1"),
                in_target("observed", "the observed mean"),
                in_target("observed_sd", "the observed spread: the sd the distance scales by"),
                in_target("observed_low", "the lower end of the observed range, mean − 1.96 sd"),
                in_target("observed_high", "the upper end of the observed range, mean + 1.96 sd"),
                in_target("simulated", "the calibrated scenario's mean across replicates"),
                in_target("simulated_ci_low", "the lower end of its 95% interval for the mean"),
                in_target("simulated_ci_high", "the upper end of its 95% interval for the mean"),
                Column::new("n", Unit::Replicates, Kind::Statistic, None, "replicates of the calibrated scenario"),
                Column::new("z", Unit::Number, Kind::Statistic, None, "(simulated − observed) / observed sd"),
            ],
        )],
    }
}
