//! What a sweep records of each run: the headline figures `netgrow run`
//! reports per cohort and year, one value per replicate.
//!
//! The figures are computed by [`crate::summary::headlines`] itself, on a
//! one-run experiment, so a sweep point's numbers are exactly those `run`
//! would print for the same scenario — same formulas, same rounding. The
//! replicate values are kept (not only their mean) because the sweep's
//! paired differences between cohorts are formed replicate by replicate.

use crate::engine::RunResult;
use crate::experiment::Experiment;
use crate::metrics::Stat;
use crate::population::network::analysis::{DegreeStats, Estimate, NetworkReport, Separation};
use crate::scenario::Scenario;
use crate::summary::{self, YearFigures};

/// A headline metric: its name (a field of [`YearFigures`]), what it
/// means, and how to read it from a year's figures.
pub struct Headline {
    pub name: &'static str,
    /// A few words for chart titles.
    pub short: &'static str,
    /// A phrase for chart axes and the report.
    pub label: &'static str,
    /// Whether the figure is money (the axis shows the currency).
    pub money: bool,
    pub get: fn(&YearFigures) -> &Stat,
}

macro_rules! headline {
    ($field:ident, $short:literal, $label:literal, $money:literal) => {
        Headline {
            name: stringify!($field),
            short: $short,
            label: $label,
            money: $money,
            get: |y| &y.$field,
        }
    };
}

/// Every headline metric, in the order of `results.json`.
pub const HEADLINES: [Headline; 20] = [
    headline!(
        referrals_per_month,
        "Referrals per month",
        "referrals received per member per month",
        false
    ),
    headline!(
        referral_sales,
        "Referral jobs",
        "jobs won through referrals per member in the year",
        false
    ),
    headline!(revenue, "Revenue", "revenue per member in the year", true),
    headline!(
        repeat_revenue,
        "Repeat revenue",
        "repeat revenue per member in the year",
        true
    ),
    headline!(
        direct_revenue,
        "Direct revenue",
        "direct revenue per member in the year",
        true
    ),
    headline!(
        referral_revenue,
        "Referral revenue",
        "referral revenue per member in the year",
        true
    ),
    headline!(
        referral_revenue_hop1,
        "One-hop referral revenue",
        "one-hop referral revenue per member in the year",
        true
    ),
    headline!(
        referral_revenue_hop2plus,
        "Revenue of 2+ hop referrals",
        "revenue from referrals of two or more hops per member in the year",
        true
    ),
    headline!(
        pitch_revenue,
        "Pitch revenue",
        "pitch revenue per member in the year",
        true
    ),
    headline!(
        hours,
        "Hours networking",
        "hours spent networking per member in the year",
        false
    ),
    headline!(
        cost,
        "Cost",
        "cost per member in the year (fees and time)",
        true
    ),
    headline!(
        revenue_per_hour,
        "Year's revenue per hour",
        "revenue per hour spent networking during the year (that year's revenue ÷ that year's hours, not since the start)",
        true
    ),
    headline!(
        trusted_ties,
        "Trusted ties",
        "trusted ties per member at the end of the year",
        false
    ),
    headline!(
        people_known,
        "People known",
        "people known per member at the end of the year",
        false
    ),
    headline!(
        value_events,
        "Non-business value",
        "non-business value events per member in the year",
        false
    ),
    headline!(
        groups_left,
        "Groups left",
        "groups left for lack of business per member in the year",
        false
    ),
    headline!(
        cumulative_referrals,
        "Total referrals",
        "referrals received per member since the start",
        false
    ),
    headline!(
        cumulative_revenue,
        "Total revenue",
        "revenue per member since the start",
        true
    ),
    headline!(
        cumulative_hours,
        "Total hours",
        "hours spent networking per member since the start",
        false
    ),
    headline!(
        cumulative_cost,
        "Total cost",
        "cost per member since the start",
        true
    ),
];

/// The headline metric called `name`.
pub fn headline(name: &str) -> Option<&'static Headline> {
    HEADLINES.iter().find(|h| h.name == name)
}

/// The metrics charted when a sweep names none: the essay's yield and the
/// money it brings.
pub const DEFAULT_METRICS: [&str; 2] = ["referrals_per_month", "cumulative_revenue"];

/// One run's headline figures: `values[cohort][year][metric]`, metrics in
/// the order of [`HEADLINES`].
#[derive(Clone, Debug, PartialEq)]
pub struct RunFigures {
    pub values: Vec<Vec<Vec<f64>>>,
}

/// The headline figures of one run of `scenario`.
pub fn figures(scenario: &Scenario, run: RunResult) -> RunFigures {
    let experiment = Experiment {
        scenario: scenario.clone(),
        arms: vec!["base".to_string()],
        cohorts: vec![scenario.cohort_names()],
        replicates: 1,
        runs: vec![run],
        // A sweep point's runs have no stay-home baseline.
        baseline: false,
        elapsed_seconds: 0.0,
        threads: 1,
        network: unanalysed_network(),
    };
    let heads = summary::headlines(&experiment);
    let values = heads
        .first()
        .map(|arm| {
            arm.cohorts
                .iter()
                .map(|c| {
                    c.years
                        .iter()
                        .map(|y| HEADLINES.iter().map(|h| (h.get)(y).mean).collect())
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    RunFigures { values }
}

/// A network report standing in for one nobody computed: the headline
/// figures never read it, and analysing each point's network would cost
/// more than simulating it.
fn unanalysed_network() -> NetworkReport {
    NetworkReport {
        people: 0,
        edges: 0,
        degree: DegreeStats {
            mean: f64::NAN,
            median: f64::NAN,
            min: 0,
            max: 0,
        },
        clustering: Estimate {
            value: f64::NAN,
            standard_error: f64::NAN,
            exact: false,
        },
        close_ties_mean: f64::NAN,
        separation: Separation {
            sources: 0,
            mean: f64::NAN,
            mean_standard_error: f64::NAN,
            within: Vec::new(),
            by_hops: Vec::new(),
            unreachable: f64::NAN,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_yearly_figure_is_a_headline_metric_and_matches_run() {
        let s = crate::sweep::tests::tiny();
        let world = crate::population::World::build(&s, crate::population::World::seed(1, 0));
        let run = crate::engine::simulate(&s, &world, 0);
        let mine = figures(&s, run.clone());
        let exp = Experiment {
            scenario: s.clone(),
            arms: vec!["base".into()],
            cohorts: vec![s.cohort_names()],
            replicates: 1,
            runs: vec![run],
            baseline: false,
            elapsed_seconds: 0.0,
            threads: 1,
            network: unanalysed_network(),
        };
        let heads = summary::headlines(&exp);
        let year = &heads[0].cohorts[0].years[0];
        let json = serde_json::to_value(year).unwrap();
        let fields: Vec<&String> = json
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| *k != "year")
            .collect();
        assert_eq!(fields.len(), HEADLINES.len());
        for f in fields {
            let h = headline(f).unwrap_or_else(|| panic!("{f} is not a headline metric"));
            let i = HEADLINES.iter().position(|x| x.name == h.name).unwrap();
            assert_eq!(json[f]["mean"].as_f64(), Some(mine.values[0][0][i]));
        }
        for m in DEFAULT_METRICS {
            assert!(headline(m).is_some());
        }
    }
}
