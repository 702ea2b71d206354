//! From runs to what a trainer reads: per-week statistics across
//! replicates, yearly headline figures, and crossovers.
//!
//! Every statistic is computed per replicate first (a replicate is one
//! independent world) and then summarised across replicates as a mean with a
//! 95% Student-t interval, so the intervals reflect between-world variation.
//! Crossovers compare cohorts' mean cumulative series.

use serde::{Deserialize, Serialize};

use crate::experiment::Experiment;
use crate::metrics::{cumulative, Kind, Metric, Stat};

/// Weeks per simulated year.
pub const WEEKS_PER_YEAR: usize = 52;

/// One row of `summary.csv`.
#[derive(Clone, Debug)]
pub struct SummaryRow {
    pub arm: usize,
    pub cohort: usize,
    /// 1-based week.
    pub week: usize,
    /// A metric's column name, or `cumulative_` + the name of a flow.
    pub metric: String,
    pub stat: Stat,
}

/// The weekly values of `metric` for `arm`'s `cohort`, one vector per
/// replicate.
pub fn per_replicate(exp: &Experiment, arm: usize, cohort: usize, metric: Metric) -> Vec<Vec<f64>> {
    (0..exp.replicates as usize)
        .map(|rep| {
            exp.run(arm, rep)
                .rows
                .iter()
                .map(|week| week[cohort].get(metric))
                .collect()
        })
        .collect()
}

/// Statistics across replicates at each week.
fn weekly_stats(series: &[Vec<f64>]) -> Vec<Stat> {
    let weeks = series.first().map_or(0, Vec::len);
    (0..weeks)
        .map(|w| Stat::of(&series.iter().map(|s| s[w]).collect::<Vec<_>>()))
        .collect()
}

/// Every metric (and every flow's cumulative sum) for every arm, cohort and
/// week.
pub fn summary_rows(exp: &Experiment) -> Vec<SummaryRow> {
    let mut rows = Vec::new();
    for (arm, cohorts) in exp.cohorts.iter().enumerate() {
        for cohort in 0..cohorts.len() {
            for &metric in Metric::ALL {
                let series = per_replicate(exp, arm, cohort, metric);
                let mut push = |name: String, stats: Vec<Stat>| {
                    for (w, stat) in stats.into_iter().enumerate() {
                        rows.push(SummaryRow {
                            arm,
                            cohort,
                            week: w + 1,
                            metric: name.clone(),
                            stat,
                        });
                    }
                };
                push(metric.name().to_string(), weekly_stats(&series));
                if metric.kind() == Kind::Flow {
                    let cum: Vec<Vec<f64>> = series.iter().map(|s| cumulative(s)).collect();
                    push(format!("cumulative_{}", metric.name()), weekly_stats(&cum));
                }
            }
        }
    }
    rows.sort_by(|a, b| {
        (a.arm, a.cohort, a.week)
            .cmp(&(b.arm, b.cohort, b.week))
            .then_with(|| a.metric.cmp(&b.metric))
    });
    rows
}

/// A cohort's figures for one simulated year, each across replicates.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct YearFigures {
    pub year: usize,
    /// Referrals received per member per month during the year.
    pub referrals_per_month: Stat,
    pub referral_sales: Stat,
    pub revenue: Stat,
    pub repeat_revenue: Stat,
    pub direct_revenue: Stat,
    pub referral_revenue: Stat,
    pub referral_revenue_hop1: Stat,
    pub referral_revenue_hop2plus: Stat,
    pub pitch_revenue: Stat,
    pub hours: Stat,
    pub cost: Stat,
    /// Revenue per hour spent networking during the year, from every
    /// source (gross).
    pub revenue_per_hour: Stat,
    /// Revenue during the year above what the same members earn in the
    /// stay-home baseline, and that per hour spent networking (`None`
    /// without a baseline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue_above_baseline: Option<Stat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue_per_hour_above_baseline: Option<Stat>,
    pub trusted_ties: Stat,
    pub people_known: Stat,
    pub value_events: Stat,
    pub groups_left: Stat,
    /// Totals from the start of the run to the end of this year.
    pub cumulative_referrals: Stat,
    pub cumulative_revenue: Stat,
    pub cumulative_hours: Stat,
    pub cumulative_cost: Stat,
    /// Revenue to date above the stay-home baseline (`None` without one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cumulative_revenue_above_baseline: Option<Stat>,
}

/// Headline figures of one cohort in one variant, as `results.json` holds
/// them: written and read back by the charts and report.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CohortHeadline {
    pub name: String,
    pub strategy: String,
    pub members: u64,
    pub years: Vec<YearFigures>,
}

/// Headline figures of one variant.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ArmHeadline {
    pub name: String,
    pub cohorts: Vec<CohortHeadline>,
    /// Mean per replicate: how the population's needs were met.
    pub needs: NeedsMean,
}

/// How needs were met, mean per replicate over the whole run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NeedsMean {
    pub needs: f64,
    pub repeat: f64,
    pub direct: f64,
    pub referral: f64,
    pub pitch: f64,
    pub market: f64,
}

/// The month (1-based) a 1-based week falls in, with 12 months of 52/12
/// weeks each.
pub fn month_of_week(week: usize) -> usize {
    ((week as f64 - 0.5) * 12.0 / WEEKS_PER_YEAR as f64).floor() as usize + 1
}

/// Headline figures for every variant.
pub fn headlines(exp: &Experiment) -> Vec<ArmHeadline> {
    let scenario = &exp.scenario;
    let arms = scenario.arms();
    exp.arms
        .iter()
        .enumerate()
        .map(|(a, name)| {
            let arm_scenario = arms[a].1;
            let cohorts: Vec<CohortHeadline> = arm_scenario
                .cohorts
                .iter()
                .enumerate()
                .map(|(c, (cname, cohort))| CohortHeadline {
                    name: cname.clone(),
                    strategy: cohort.strategy.clone(),
                    members: cohort.members,
                    years: (1..=arm_scenario.simulation.years as usize)
                        .map(|y| year_figures(exp, a, c, y))
                        .collect(),
                })
                .collect();
            ArmHeadline {
                name: name.clone(),
                cohorts,
                needs: needs_mean(exp, a),
            }
        })
        .collect()
}

fn year_figures(exp: &Experiment, arm: usize, cohort: usize, year: usize) -> YearFigures {
    let weeks = (year - 1) * WEEKS_PER_YEAR..year * WEEKS_PER_YEAR;
    let within = |m: Metric| -> Vec<f64> {
        per_replicate(exp, arm, cohort, m)
            .iter()
            .map(|s| s[weeks.clone()].iter().sum())
            .collect()
    };
    let to_date = |m: Metric| -> Vec<f64> {
        per_replicate(exp, arm, cohort, m)
            .iter()
            .map(|s| s[..weeks.end].iter().sum())
            .collect()
    };
    let at_end = |m: Metric| -> Vec<f64> {
        per_replicate(exp, arm, cohort, m)
            .iter()
            .map(|s| s[weeks.end - 1])
            .collect()
    };
    let referrals = within(Metric::ReferralsReceived);
    let revenue = within(Metric::Revenue);
    let hours = within(Metric::Hours);
    let per_hour = |money: &[f64]| -> Vec<f64> {
        money
            .iter()
            .zip(&hours)
            .map(|(r, h)| if *h > 0.0 { r / h } else { 0.0 })
            .collect()
    };
    let above = |of: &dyn Fn(Metric) -> Vec<f64>| -> Option<Vec<f64>> {
        exp.baseline.then(|| {
            of(Metric::Revenue)
                .iter()
                .zip(of(Metric::BaselineRevenue))
                .map(|(r, b)| r - b)
                .collect()
        })
    };
    let above_within = above(&within);
    let value: Vec<f64> = {
        let kinds: Vec<Vec<f64>> = Metric::VALUE_KINDS.iter().map(|&k| within(k)).collect();
        (0..referrals.len())
            .map(|r| kinds.iter().map(|k| k[r]).sum())
            .collect()
    };
    YearFigures {
        year,
        referrals_per_month: Stat::of(&referrals.iter().map(|x| x / 12.0).collect::<Vec<_>>()),
        referral_sales: Stat::of(&within(Metric::ReferralSales)),
        revenue: Stat::of(&revenue),
        repeat_revenue: Stat::of(&within(Metric::RepeatRevenue)),
        direct_revenue: Stat::of(&within(Metric::DirectRevenue)),
        referral_revenue: Stat::of(&within(Metric::ReferralRevenue)),
        referral_revenue_hop1: Stat::of(&within(Metric::ReferralRevenueHop1)),
        referral_revenue_hop2plus: Stat::of(&within(Metric::ReferralRevenueHop2plus)),
        pitch_revenue: Stat::of(&within(Metric::PitchRevenue)),
        hours: Stat::of(&hours),
        cost: Stat::of(&within(Metric::Cost)),
        revenue_per_hour: Stat::of(&per_hour(&revenue)),
        revenue_above_baseline: above_within.as_deref().map(Stat::of),
        revenue_per_hour_above_baseline: above_within.as_deref().map(|a| Stat::of(&per_hour(a))),
        trusted_ties: Stat::of(&at_end(Metric::TrustedTies)),
        people_known: Stat::of(&at_end(Metric::PeopleKnown)),
        value_events: Stat::of(&value),
        groups_left: Stat::of(&within(Metric::GroupsLeft)),
        cumulative_referrals: Stat::of(&to_date(Metric::ReferralsReceived)),
        cumulative_revenue: Stat::of(&to_date(Metric::Revenue)),
        cumulative_hours: Stat::of(&to_date(Metric::Hours)),
        cumulative_cost: Stat::of(&to_date(Metric::Cost)),
        cumulative_revenue_above_baseline: above(&to_date).as_deref().map(Stat::of),
    }
}

/// Mean cumulative series of a flow for one cohort.
pub fn mean_cumulative(exp: &Experiment, arm: usize, cohort: usize, metric: Metric) -> Vec<f64> {
    let series = per_replicate(exp, arm, cohort, metric);
    let cums: Vec<Vec<f64>> = series.iter().map(|s| cumulative(s)).collect();
    weekly_stats(&cums).iter().map(|s| s.mean).collect()
}

fn needs_mean(exp: &Experiment, arm: usize) -> NeedsMean {
    let reps = exp.replicates as usize;
    let mean = |f: &dyn Fn(&crate::model::NeedTally) -> u64| -> f64 {
        (0..reps)
            .map(|r| f(&exp.run(arm, r).needs) as f64)
            .sum::<f64>()
            / reps.max(1) as f64
    };
    NeedsMean {
        needs: mean(&|t| t.needs),
        repeat: mean(&|t| t.repeat),
        direct: mean(&|t| t.direct),
        referral: mean(&|t| t.referral),
        pitch: mean(&|t| t.pitch),
        market: mean(&|t| t.market),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_split_a_year_into_twelve() {
        assert_eq!(month_of_week(1), 1);
        assert_eq!(month_of_week(4), 1);
        assert_eq!(month_of_week(5), 2);
        assert_eq!(month_of_week(52), 12);
        assert_eq!(month_of_week(53), 13);
    }
}
