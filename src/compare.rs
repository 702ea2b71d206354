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

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::experiment::Experiment;
use crate::metrics::{crossover, cumulative, Metric, Stat};
use crate::summary::{month_of_week, WEEKS_PER_YEAR};

/// One side of a comparison: a cohort of a variant (arm).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Side {
    pub arm: usize,
    pub cohort: usize,
}

/// What a comparison compares.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
        let minus = |a: Vec<Vec<f64>>, b: Vec<Vec<f64>>| minus(&a, &b);
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
    minus(&measure.series(exp, c.a), &measure.series(exp, c.b))
}

/// A paired difference `a − b` and what it says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// The measure's name ([`Measure::name`]).
    pub measure: String,
    /// Mean and 95% interval of the per-replicate differences.
    pub difference: Stat,
    pub verdict: Verdict,
}

impl Difference {
    fn of(measure: &str, per_replicate: &[f64]) -> Difference {
        let difference = Stat::of(per_replicate);
        Difference {
            measure: measure.to_string(),
            difference,
            verdict: Verdict::of(&difference),
        }
    }
}

/// A comparison's figures at the end of one simulated year: referrals a
/// month during the year and each measure's difference to date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct YearDifference {
    pub year: usize,
    /// Referrals received per member per month during the year.
    pub referrals_per_month: Difference,
    pub to_date: Vec<Difference>,
}

impl YearDifference {
    /// The difference to date in `measure`, if reported.
    pub fn get(&self, measure: Measure) -> Option<&Difference> {
        self.to_date.iter().find(|d| d.measure == measure.name())
    }
}

/// How often, and when, one side's cumulative series overtakes the other's
/// for good, across replicates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrossoverShares {
    /// The cumulative measure compared.
    pub measure: String,
    pub replicates: usize,
    /// Replicates in which `a` ends ahead, and in which `b` does (the rest
    /// end level).
    pub a_ends_ahead: usize,
    pub b_ends_ahead: usize,
    /// The month (1-based) in which `a` overtook `b` for good, one entry
    /// per replicate where it was behind before; likewise for `b`.
    pub a_overtakes_in_month: Vec<usize>,
    pub b_overtakes_in_month: Vec<usize>,
}

/// Median, first and last of a list of months.
pub fn month_range(months: &[usize]) -> Option<(f64, usize, usize)> {
    let mut m = months.to_vec();
    m.sort_unstable();
    let (first, last) = (*m.first()?, *m.last()?);
    let mid = m.len() / 2;
    let median = if m.len() % 2 == 1 {
        m[mid] as f64
    } else {
        (m[mid - 1] + m[mid]) as f64 / 2.0
    };
    Some((median, first, last))
}

impl CrossoverShares {
    /// In words, e.g. "networking ends ahead of connecting in total
    /// referrals in 10 of 10 replicates, overtaking in 7 of them (month 3,
    /// median; 2–5)".
    pub fn words(&self, a: &str, b: &str, what: &str) -> String {
        let n = self.replicates;
        let side = |name: &str, other: &str, ahead: usize, months: &[usize]| -> String {
            let mut text =
                format!("{name} ends ahead of {other} in {what} in {ahead} of {n} replicates");
            if let Some((median, first, last)) = month_range(months) {
                let median = if median.fract() == 0.0 {
                    format!("{median:.0}")
                } else {
                    format!("{median:.1}")
                };
                let range = if first == last {
                    String::new()
                } else {
                    format!(", median; months {first}–{last}")
                };
                let _ = write!(
                    text,
                    ", overtaking in {} of them (month {median}{range})",
                    months.len()
                );
            } else if ahead > 0 {
                text.push_str(", ahead from the start");
            }
            text
        };
        let (lead, lead_other, ahead, months, other_ahead) =
            if self.b_ends_ahead > self.a_ends_ahead {
                (
                    b,
                    a,
                    self.b_ends_ahead,
                    &self.b_overtakes_in_month,
                    self.a_ends_ahead,
                )
            } else {
                (
                    a,
                    b,
                    self.a_ends_ahead,
                    &self.a_overtakes_in_month,
                    self.b_ends_ahead,
                )
            };
        let mut text = side(lead, lead_other, ahead, months);
        if other_ahead > 0 {
            let _ = write!(text, "; {lead_other} ends ahead in {other_ahead}");
        }
        let level = n - self.a_ends_ahead - self.b_ends_ahead;
        if level > 0 {
            let _ = write!(text, "; level in {level}");
        }
        text
    }

    /// The month most replicates agree the leader overtook in: the median
    /// month of the side that overtook, when it did so in at least half of
    /// the replicates.
    pub fn typical(&self) -> Option<(bool, f64)> {
        let half = self.replicates.div_ceil(2).max(1);
        if self.a_overtakes_in_month.len() >= half {
            month_range(&self.a_overtakes_in_month).map(|(m, _, _)| (true, m))
        } else if self.b_overtakes_in_month.len() >= half {
            month_range(&self.b_overtakes_in_month).map(|(m, _, _)| (false, m))
        } else {
            None
        }
    }
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
        b_ends_ahead: 0,
        a_overtakes_in_month: Vec::new(),
        b_overtakes_in_month: Vec::new(),
    };
    for (x, y) in a.iter().zip(&b) {
        let Some(found) = crossover(x, y) else {
            continue;
        };
        let (ahead, months) = if found.leader == 0 {
            (&mut shares.a_ends_ahead, &mut shares.a_overtakes_in_month)
        } else {
            (&mut shares.b_ends_ahead, &mut shares.b_overtakes_in_month)
        };
        *ahead += 1;
        if let Some(week) = found.week {
            months.push(month_of_week(week));
        }
    }
    shares
}

/// The measures drawn month by month in the outputs: cumulative referrals
/// and net value (above the stay-home baseline when it ran).
pub fn charted(exp_baseline: bool) -> [Measure; 2] {
    [
        Measure::CumulativeReferrals,
        if exp_baseline {
            Measure::CumulativeNetValueAboveBaseline
        } else {
            Measure::CumulativeNetValue
        },
    ]
}

/// A measure's paired difference month by month: the statistic at the end
/// of each month's last week.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Monthly {
    pub measure: String,
    /// One per month, from month 1.
    pub months: Vec<Stat>,
}

/// A comparison's paired figures for the outputs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComparisonReport {
    #[serde(flatten)]
    pub comparison: Comparison,
    /// The sides compared, by name ("variant: cohort" when there are
    /// several variants).
    pub a_name: String,
    pub b_name: String,
    pub years: Vec<YearDifference>,
    /// Month by month, the measures of [`charted`].
    pub monthly: Vec<Monthly>,
    /// Of cumulative referrals and of net value.
    pub crossovers: Vec<CrossoverShares>,
}

impl ComparisonReport {
    /// The last year's figures.
    pub fn at_end(&self) -> Option<&YearDifference> {
        self.years.last()
    }
}

/// The last week of each month (0-based), for `weeks` weeks.
pub fn month_ends(weeks: usize) -> Vec<usize> {
    let months = weeks * 12 / WEEKS_PER_YEAR;
    (1..=months)
        .map(|m| (m * WEEKS_PER_YEAR).div_ceil(12) - 1)
        .collect()
}

/// Every comparison's yearly and monthly paired differences and crossovers.
pub fn reports(exp: &Experiment) -> Vec<ComparisonReport> {
    let years = exp.scenario.simulation.years as usize;
    let measures = measures(exp);
    let weeks = years * WEEKS_PER_YEAR;
    comparisons(exp)
        .into_iter()
        .map(|c| {
            let diffs: Vec<(Measure, Vec<Vec<f64>>)> =
                measures.iter().map(|&m| (m, paired(exp, &c, m))).collect();
            let referrals = minus(
                &weekly(exp, c.a, Metric::ReferralsReceived),
                &weekly(exp, c.b, Metric::ReferralsReceived),
            );
            let years = (1..=years)
                .map(|year| {
                    let end = year * WEEKS_PER_YEAR;
                    let during: Vec<f64> = referrals
                        .iter()
                        .map(|s| s[end - WEEKS_PER_YEAR..end].iter().sum::<f64>() / 12.0)
                        .collect();
                    YearDifference {
                        year,
                        referrals_per_month: Difference::of("referrals_per_month", &during),
                        to_date: diffs
                            .iter()
                            .map(|(m, d)| {
                                let at: Vec<f64> = d.iter().map(|s| s[end - 1]).collect();
                                Difference::of(m.name(), &at)
                            })
                            .collect(),
                    }
                })
                .collect();
            let ends = month_ends(weeks);
            let monthly = charted(exp.baseline)
                .iter()
                .map(|&m| {
                    let d = &diffs
                        .iter()
                        .find(|(x, _)| *x == m)
                        .expect("charted measures are reported")
                        .1;
                    Monthly {
                        measure: m.name().to_string(),
                        months: ends
                            .iter()
                            .map(|&w| Stat::of(&d.iter().map(|s| s[w]).collect::<Vec<_>>()))
                            .collect(),
                    }
                })
                .collect();
            let crossovers = charted(exp.baseline)
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
                monthly,
                crossovers,
            }
        })
        .collect()
}

/// `a − b`, element by element, replicate by replicate.
fn minus(a: &[Vec<f64>], b: &[Vec<f64>]) -> Vec<Vec<f64>> {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.iter().zip(y).map(|(p, q)| p - q).collect())
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
