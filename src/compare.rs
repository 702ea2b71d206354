//! Paired comparisons: how much one arm or cohort beats another, replicate
//! by replicate.
//!
//! Every variant and cohort of a replicate lives in the same town with the
//! same random draws wherever their rules do not diverge (common random
//! numbers), so the difference between two of them is formed within each
//! replicate first and only then summarised: its mean, and a 95% interval
//! from the spread of the paired differences. A difference is called a
//! lead only when that interval excludes zero ([`Verdict`]); otherwise the
//! two are level as far as the runs can tell.
//!
//! What is compared ([`comparisons`]):
//! - in a `[focal]` design, the focal members of each pair of arms at the
//!   same culture of the room: the effect on one person of networking
//!   rather than connecting, or rather than staying home;
//! - otherwise each cohort against the first (networking − connecting in
//!   the default scenario) within each variant, and each variant against
//!   the first for each cohort.
//!
//! A crossover — one side's cumulative series overtaking the other's for
//! good — is found in each replicate; it is reported as the share of
//! replicates in which it happens, with the median and range of its month
//! ([`CrossoverShares`]), never as one month.

use serde::Serialize;

use crate::experiment::Experiment;
use crate::metrics::{crossover, cumulative, Metric, Stat};
use crate::summary::{month_of_week, WEEKS_PER_YEAR};

/// One side of a comparison: a cohort of a variant (arm).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Side {
    pub arm: usize,
    pub cohort: usize,
}

/// What a comparison compares.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    /// Two cohorts of one variant.
    Cohorts,
    /// One cohort in two variants.
    Variants,
    /// The focal members in two arms of a `[focal]` design, at one culture
    /// of the room (share of networkers among the other members).
    Individual { networkers: f64 },
}

/// A paired comparison, `a − b`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// "networking - connecting", with ASCII minus so that data files can
    /// be filtered by it.
    pub label: String,
    #[serde(flatten)]
    pub kind: Kind,
    pub a: Side,
    pub b: Side,
}

/// Whether a paired difference shows a lead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// `a` ahead: the 95% interval lies above zero.
    AAhead,
    /// `b` ahead: the interval lies below zero.
    BAhead,
    /// The interval includes zero: level as far as the runs can tell.
    Tie,
}

impl Verdict {
    /// The verdict on a paired difference `a − b`.
    pub fn of(d: &Stat) -> Verdict {
        if d.n >= 2 && d.ci_low > 0.0 {
            Verdict::AAhead
        } else if d.n >= 2 && d.ci_high < 0.0 {
            Verdict::BAhead
        } else {
            Verdict::Tie
        }
    }
}

/// The comparisons an experiment's outputs report.
pub fn comparisons(exp: &Experiment) -> Vec<Comparison> {
    let scenario = &exp.scenario;
    let name = |arm: usize, cohort: usize| exp.cohorts[arm][cohort].as_str();
    if let Some(focal) = &scenario.focal {
        let mut out = Vec::new();
        let arm_of = |strategy: &str, networkers: f64| {
            let wanted = crate::scenario::Focal::arm_name(strategy, networkers);
            exp.arms.iter().position(|a| *a == wanted)
        };
        let focal_cohort = exp.cohorts[0]
            .iter()
            .position(|c| c == "focal")
            .unwrap_or(0);
        for &networkers in &focal.culture {
            for (i, x) in focal.arms.iter().enumerate() {
                for y in &focal.arms[i + 1..] {
                    let (Some(a), Some(b)) = (arm_of(x, networkers), arm_of(y, networkers)) else {
                        continue;
                    };
                    out.push(Comparison {
                        label: format!("{x} - {y}"),
                        kind: Kind::Individual { networkers },
                        a: Side {
                            arm: a,
                            cohort: focal_cohort,
                        },
                        b: Side {
                            arm: b,
                            cohort: focal_cohort,
                        },
                    });
                }
            }
        }
        return out;
    }
    let mut out = Vec::new();
    for arm in 0..exp.arms.len() {
        for cohort in 1..exp.cohorts[arm].len() {
            out.push(Comparison {
                label: format!("{} - {}", name(arm, cohort), name(arm, 0)),
                kind: Kind::Cohorts,
                a: Side { arm, cohort },
                b: Side { arm, cohort: 0 },
            });
        }
    }
    for arm in 1..exp.arms.len() {
        for cohort in 0..exp.cohorts[arm].len().min(exp.cohorts[0].len()) {
            out.push(Comparison {
                label: format!("{} - {}: {}", exp.arms[arm], exp.arms[0], name(arm, cohort)),
                kind: Kind::Variants,
                a: Side { arm, cohort },
                b: Side { arm: 0, cohort },
            });
        }
    }
    out
}

/// A weekly series of one side, one vector per replicate.
fn weekly(exp: &Experiment, side: Side, metric: Metric) -> Vec<Vec<f64>> {
    crate::summary::per_replicate(exp, side.arm, side.cohort, metric)
}

/// What is compared, each a weekly series per replicate computed from a
/// side's rows: per-member cumulative sums to date, or (for ratios) their
/// quotient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Referrals received to date.
    CumulativeReferrals,
    /// Referral sales to date.
    CumulativeReferralSales,
    /// Revenue to date, from every source (gross).
    CumulativeRevenue,
    /// Revenue to date above what the same people earn staying home.
    CumulativeRevenueAboveBaseline,
    /// Hours spent networking to date.
    CumulativeHours,
    /// Cost to date: fees and hours at the value of time.
    CumulativeCost,
    /// Gross revenue to date minus cost.
    CumulativeNetValue,
    /// Revenue above the stay-home baseline to date minus cost: what
    /// networking (or connecting) paid for itself.
    CumulativeNetValueAboveBaseline,
    /// Gross revenue per hour spent networking, to date.
    RevenuePerHour,
    /// Revenue above the baseline per hour spent networking, to date.
    RevenuePerHourAboveBaseline,
}

impl Measure {
    /// Every measure, in the order outputs list them.
    pub const ALL: [Measure; 10] = [
        Measure::CumulativeReferrals,
        Measure::CumulativeReferralSales,
        Measure::CumulativeRevenue,
        Measure::CumulativeRevenueAboveBaseline,
        Measure::CumulativeHours,
        Measure::CumulativeCost,
        Measure::CumulativeNetValue,
        Measure::CumulativeNetValueAboveBaseline,
        Measure::RevenuePerHour,
        Measure::RevenuePerHourAboveBaseline,
    ];

    /// The measure's name in data files.
    pub fn name(self) -> &'static str {
        match self {
            Measure::CumulativeReferrals => "cumulative_referrals_received",
            Measure::CumulativeReferralSales => "cumulative_referral_sales",
            Measure::CumulativeRevenue => "cumulative_revenue",
            Measure::CumulativeRevenueAboveBaseline => "cumulative_revenue_above_baseline",
            Measure::CumulativeHours => "cumulative_hours",
            Measure::CumulativeCost => "cumulative_cost",
            Measure::CumulativeNetValue => "cumulative_net_value",
            Measure::CumulativeNetValueAboveBaseline => "cumulative_net_value_above_baseline",
            Measure::RevenuePerHour => "revenue_per_hour",
            Measure::RevenuePerHourAboveBaseline => "revenue_per_hour_above_baseline",
        }
    }

    /// Whether the measure needs the stay-home baseline.
    pub fn needs_baseline(self) -> bool {
        matches!(
            self,
            Measure::CumulativeRevenueAboveBaseline
                | Measure::CumulativeNetValueAboveBaseline
                | Measure::RevenuePerHourAboveBaseline
        )
    }

    /// The measure's weekly series for one side, one per replicate.
    pub fn series(self, exp: &Experiment, side: Side) -> Vec<Vec<f64>> {
        let cum = |m: Metric| -> Vec<Vec<f64>> {
            weekly(exp, side, m).iter().map(|s| cumulative(s)).collect()
        };
        let minus = |a: Vec<Vec<f64>>, b: Vec<Vec<f64>>| -> Vec<Vec<f64>> {
            a.iter()
                .zip(&b)
                .map(|(x, y)| x.iter().zip(y).map(|(p, q)| p - q).collect())
                .collect()
        };
        let per_hour = |money: Vec<Vec<f64>>| -> Vec<Vec<f64>> {
            money
                .iter()
                .zip(&cum(Metric::Hours))
                .map(|(m, h)| {
                    m.iter()
                        .zip(h)
                        .map(|(m, h)| if *h > 0.0 { m / h } else { 0.0 })
                        .collect()
                })
                .collect()
        };
        let above = || minus(cum(Metric::Revenue), cum(Metric::BaselineRevenue));
        match self {
            Measure::CumulativeReferrals => cum(Metric::ReferralsReceived),
            Measure::CumulativeReferralSales => cum(Metric::ReferralSales),
            Measure::CumulativeRevenue => cum(Metric::Revenue),
            Measure::CumulativeRevenueAboveBaseline => above(),
            Measure::CumulativeHours => cum(Metric::Hours),
            Measure::CumulativeCost => cum(Metric::Cost),
            Measure::CumulativeNetValue => minus(cum(Metric::Revenue), cum(Metric::Cost)),
            Measure::CumulativeNetValueAboveBaseline => minus(above(), cum(Metric::Cost)),
            Measure::RevenuePerHour => per_hour(cum(Metric::Revenue)),
            Measure::RevenuePerHourAboveBaseline => per_hour(above()),
        }
    }
}

/// The measures an experiment can report: those needing the stay-home
/// baseline only if it ran.
pub fn measures(exp: &Experiment) -> Vec<Measure> {
    Measure::ALL
        .into_iter()
        .filter(|m| exp.baseline || !m.needs_baseline())
        .collect()
}

/// The paired difference `a − b` of `measure` week by week: one series per
/// replicate.
pub fn paired(exp: &Experiment, c: &Comparison, measure: Measure) -> Vec<Vec<f64>> {
    let a = measure.series(exp, c.a);
    let b = measure.series(exp, c.b);
    a.iter()
        .zip(&b)
        .map(|(x, y)| x.iter().zip(y).map(|(p, q)| p - q).collect())
        .collect()
}

/// The statistics across replicates of each week of `series` (one vector
/// per replicate).
pub fn weekly_stats(series: &[Vec<f64>]) -> Vec<Stat> {
    let weeks = series.first().map_or(0, Vec::len);
    (0..weeks)
        .map(|w| Stat::of(&series.iter().map(|s| s[w]).collect::<Vec<_>>()))
        .collect()
}

/// A comparison's figures at the end of one simulated year: each measure's
/// paired difference to date, and referrals a month during the year.
#[derive(Clone, Debug, Serialize)]
pub struct YearDifference {
    pub year: usize,
    /// Referrals received per member per month during the year.
    pub referrals_per_month: Stat,
    /// `(measure name, difference to date)`.
    pub measures: Vec<(String, Stat, Verdict)>,
}

/// How often, and when, one side's cumulative series overtakes the other's
/// for good, across replicates.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CrossoverShares {
    /// The cumulative measure compared.
    pub measure: String,
    pub replicates: usize,
    /// Replicates in which `a` ends ahead.
    pub a_ends_ahead: usize,
    /// … of which `a` was behind before and overtook `b` for good.
    pub a_overtakes: usize,
    /// Replicates in which `b` ends ahead, and of them where `b` overtook.
    pub b_ends_ahead: usize,
    pub b_overtakes: usize,
    /// Month (1-based) of the overtaking, where it happened: median,
    /// first and last across those replicates.
    pub month_median: Option<f64>,
    pub month_min: Option<usize>,
    pub month_max: Option<usize>,
}

/// Crossovers of `measure` between the two sides of `c`, replicate by
/// replicate.
pub fn crossover_shares(exp: &Experiment, c: &Comparison, measure: Measure) -> CrossoverShares {
    let a = measure.series(exp, c.a);
    let b = measure.series(exp, c.b);
    let mut shares = CrossoverShares {
        measure: measure.name().to_string(),
        replicates: a.len(),
        a_ends_ahead: 0,
        a_overtakes: 0,
        b_ends_ahead: 0,
        b_overtakes: 0,
        month_median: None,
        month_min: None,
        month_max: None,
    };
    let mut months = Vec::new();
    for (x, y) in a.iter().zip(&b) {
        let Some(found) = crossover(x, y) else {
            continue;
        };
        let overtook = found.week.is_some();
        if found.leader == 0 {
            shares.a_ends_ahead += 1;
            shares.a_overtakes += usize::from(overtook);
        } else {
            shares.b_ends_ahead += 1;
            shares.b_overtakes += usize::from(overtook);
        }
        if let Some(week) = found.week {
            months.push(month_of_week(week));
        }
    }
    months.sort_unstable();
    if !months.is_empty() {
        let mid = months.len() / 2;
        shares.month_median = Some(if months.len() % 2 == 1 {
            months[mid] as f64
        } else {
            (months[mid - 1] + months[mid]) as f64 / 2.0
        });
        shares.month_min = months.first().copied();
        shares.month_max = months.last().copied();
    }
    shares
}

/// A comparison's paired figures for the outputs.
#[derive(Clone, Debug, Serialize)]
pub struct ComparisonReport {
    #[serde(flatten)]
    pub comparison: Comparison,
    /// The variants and cohorts compared, by name.
    pub a_name: String,
    pub b_name: String,
    pub years: Vec<YearDifference>,
    pub crossovers: Vec<CrossoverShares>,
}

/// Every comparison's yearly paired differences and crossovers.
pub fn reports(exp: &Experiment) -> Vec<ComparisonReport> {
    let years = exp.scenario.simulation.years as usize;
    let measures = measures(exp);
    comparisons(exp)
        .into_iter()
        .map(|c| {
            let diffs: Vec<(Measure, Vec<Vec<f64>>)> =
                measures.iter().map(|&m| (m, paired(exp, &c, m))).collect();
            let referrals = {
                let a = weekly(exp, c.a, Metric::ReferralsReceived);
                let b = weekly(exp, c.b, Metric::ReferralsReceived);
                a.iter()
                    .zip(&b)
                    .map(|(x, y)| x.iter().zip(y).map(|(p, q)| p - q).collect::<Vec<f64>>())
                    .collect::<Vec<_>>()
            };
            let years = (1..=years)
                .map(|year| {
                    let end = year * WEEKS_PER_YEAR;
                    let during: Vec<f64> = referrals
                        .iter()
                        .map(|s| s[end - WEEKS_PER_YEAR..end].iter().sum::<f64>() / 12.0)
                        .collect();
                    YearDifference {
                        year,
                        referrals_per_month: Stat::of(&during),
                        measures: diffs
                            .iter()
                            .map(|(m, d)| {
                                let at: Vec<f64> = d.iter().map(|s| s[end - 1]).collect();
                                let stat = Stat::of(&at);
                                (m.name().to_string(), stat, Verdict::of(&stat))
                            })
                            .collect(),
                    }
                })
                .collect();
            let net = if exp.baseline {
                Measure::CumulativeNetValueAboveBaseline
            } else {
                Measure::CumulativeNetValue
            };
            let crossovers = [Measure::CumulativeReferrals, net]
                .iter()
                .map(|&m| crossover_shares(exp, &c, m))
                .collect();
            let side_name = |s: Side| {
                if exp.arms.len() > 1 {
                    format!("{}: {}", exp.arms[s.arm], exp.cohorts[s.arm][s.cohort])
                } else {
                    exp.cohorts[s.arm][s.cohort].clone()
                }
            };
            ComparisonReport {
                a_name: side_name(c.a),
                b_name: side_name(c.b),
                comparison: c,
                years,
                crossovers,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(xs: &[f64]) -> Stat {
        Stat::of(xs)
    }

    #[test]
    fn a_lead_is_called_only_when_the_interval_excludes_zero() {
        assert_eq!(Verdict::of(&stat(&[1.0, 1.2, 0.9, 1.1])), Verdict::AAhead);
        assert_eq!(Verdict::of(&stat(&[-1.0, -1.2, -0.9])), Verdict::BAhead);
        // A mean of 1 with replicates on both sides of zero is a tie.
        assert_eq!(Verdict::of(&stat(&[3.0, -1.0, 2.0, 0.0])), Verdict::Tie);
        // One replicate has no interval: never a lead.
        assert_eq!(Verdict::of(&stat(&[5.0])), Verdict::Tie);
    }
}
