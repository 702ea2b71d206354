//! What a page is sent after each batch of replicates: the charts' series
//! with their bands, the headline figures, the difference from a pinned
//! baseline, and at the end the figures `results.json` holds.
//!
//! Nothing is computed differently from `netgrow run`: monthly referrals
//! come from the charts' [`monthly_rate`], net value and the paired
//! differences from [`crate::compare`], the final figures from
//! [`ResultsFile`]. A partial experiment (the replicates run so far) goes
//! through the same functions, so its bands are the bands of that many
//! replicates.

use serde::Serialize;

use crate::chart::data::monthly_rate;
use crate::compare::{self, ComparisonReport, Kind, Measure, Side, Verdict};
use crate::experiment::Experiment;
use crate::metrics::{Metric, Stat};
use crate::output::ResultsFile;
use crate::summary::{per_replicate, ArmHeadline};

/// A mean and its 95% interval, sent as `[mean, low, high]` (`null` where
/// a figure is not a number, as with one replicate's interval).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Band(pub f64, pub f64, pub f64);

impl From<&Stat> for Band {
    fn from(s: &Stat) -> Band {
        Band(s.mean, s.ci_low, s.ci_high)
    }
}

/// One cohort's curves, month by month.
#[derive(Debug, Serialize)]
pub struct Series {
    /// The cohort ("variant: cohort" when there are several variants).
    pub name: String,
    /// The cohort's colour in every chart netgrow draws (`#rrggbb`), so
    /// the page and the report agree.
    pub colour: String,
    /// Referrals received per member per month.
    pub referrals: Vec<Band>,
    /// Net value per member to date, at the end of each month: revenue
    /// (above staying home, with the baseline) minus fees and hours.
    pub net_value: Vec<Band>,
}

/// A headline figure: a paired difference or one cohort against staying
/// home, per member at the end of the run.
#[derive(Debug, Serialize)]
pub struct Figure {
    /// Stable across runs of one scenario, to pair a run with the pinned
    /// one.
    pub id: String,
    /// In words: "networking vs connecting".
    pub label: String,
    pub stat: Stat,
    pub verdict: Verdict,
}

/// A headline figure against the pinned baseline: the same replicates
/// (same seed) of both, differenced replicate by replicate.
#[derive(Debug, Serialize)]
pub struct VersusPinned {
    pub id: String,
    pub label: String,
    /// The pinned run's figure (all its replicates).
    pub pinned: Stat,
    /// This run minus the pinned one, paired.
    pub difference: Stat,
    pub verdict: Verdict,
}

/// The headline figures' values replicate by replicate, kept to pair a
/// later run with this one.
/// Each figure as (id, label, values).
#[derive(Clone, Debug, Default)]
pub struct PerReplicate(pub Vec<(String, String, Vec<f64>)>);

/// The figures `results.json` holds that a page's run must match.
#[derive(Debug, Serialize)]
pub struct Final {
    pub variants: Vec<ArmHeadline>,
    pub comparisons: Vec<ComparisonReport>,
    pub baseline: bool,
}

/// One message to the page.
#[derive(Debug, Serialize)]
pub struct Update {
    /// "progress" after a batch, "done" after the last one.
    pub kind: &'static str,
    pub replicates_done: u32,
    pub replicates: u32,
    pub years: u32,
    pub elapsed_seconds: f64,
    pub currency: String,
    /// Whether net value is counted above a stay-home baseline.
    pub baseline: bool,
    pub series: Vec<Series>,
    pub headline: Vec<Figure>,
    pub versus_pinned: Vec<VersusPinned>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<Final>,
}

/// The measure of the headline: net value to date, above staying home
/// when the run has that baseline.
fn net_measure(exp: &Experiment) -> Measure {
    compare::charted(exp.baseline)[1]
}

fn side_name(exp: &Experiment, side: Side) -> String {
    if exp.arms.len() > 1 {
        format!(
            "{}: {}",
            exp.arms[side.arm], exp.cohorts[side.arm][side.cohort]
        )
    } else {
        exp.cohorts[side.arm][side.cohort].clone()
    }
}

/// Every cohort of every variant.
fn sides(exp: &Experiment) -> Vec<Side> {
    exp.cohorts
        .iter()
        .enumerate()
        .flat_map(|(arm, cs)| (0..cs.len()).map(move |cohort| Side { arm, cohort }))
        .collect()
}

/// Each cohort's monthly curves.
pub fn series(exp: &Experiment) -> Vec<Series> {
    let weeks = exp.scenario.weeks() as usize;
    let ends = compare::month_ends(weeks);
    let measure = net_measure(exp);
    sides(exp)
        .into_iter()
        .map(|side| {
            let referrals = monthly_rate(
                &per_replicate(exp, side.arm, side.cohort, Metric::ReferralsReceived),
                weeks,
            );
            let net = measure.series(exp, side);
            let c = crate::chart::style::series_colour(side.cohort);
            Series {
                name: side_name(exp, side),
                colour: format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2),
                referrals: referrals.iter().map(Band::from).collect(),
                net_value: ends
                    .iter()
                    .map(|&w| Band::from(&Stat::of(&net.iter().map(|r| r[w]).collect::<Vec<_>>())))
                    .collect(),
            }
        })
        .collect()
}

/// The headline figures replicate by replicate: each paired comparison
/// the report makes (networking vs connecting, or in a `[focal]` design
/// the effect on one member), then, with a stay-home baseline, each cohort
/// against staying home; all in net value per member at the end.
pub fn per_replicate_figures(exp: &Experiment) -> PerReplicate {
    let measure = net_measure(exp);
    let last = exp.scenario.weeks() as usize - 1;
    let at_end = |s: Vec<Vec<f64>>| -> Vec<f64> { s.iter().map(|r| r[last]).collect() };
    let mut out = Vec::new();
    for c in compare::comparisons(exp) {
        let mut label = format!("{} vs {}", side_name(exp, c.a), side_name(exp, c.b));
        if let Kind::Individual { networkers } = c.kind {
            let (x, y) = c.label.split_once(" - ").unwrap_or((&c.label, ""));
            label = format!(
                "one member {x} vs {y}, {:.0}% networkers in the room",
                networkers * 100.0
            );
        }
        out.push((
            format!("compare:{}", c.label),
            label,
            at_end(compare::paired(exp, &c, measure)),
        ));
    }
    if exp.baseline {
        for side in sides(exp) {
            let name = side_name(exp, side);
            out.push((
                format!("home:{name}"),
                format!("{name} vs staying home"),
                at_end(measure.series(exp, side)),
            ));
        }
    }
    PerReplicate(out)
}

/// The message after a batch; `done` marks the last, which carries the
/// figures of `results.json`. `pinned` pairs the run with a pinned one.
pub fn update(
    exp: &Experiment,
    figures: &PerReplicate,
    done: bool,
    pinned: Option<&PerReplicate>,
) -> Update {
    let headline = figures
        .0
        .iter()
        .map(|(id, label, values)| {
            let stat = Stat::of(values);
            Figure {
                id: id.clone(),
                label: label.clone(),
                verdict: Verdict::of(&stat),
                stat,
            }
        })
        .collect();
    let versus_pinned = pinned.map_or_else(Vec::new, |p| versus(figures, p));
    let results = done.then(|| {
        let r = ResultsFile::new(exp);
        Final {
            variants: r.variants,
            comparisons: r.comparisons,
            baseline: r.baseline,
        }
    });
    Update {
        kind: if done { "done" } else { "progress" },
        replicates_done: exp.replicates,
        replicates: exp.scenario.simulation.replicates,
        years: exp.scenario.simulation.years,
        elapsed_seconds: exp.elapsed_seconds,
        currency: exp.scenario.economy.currency.clone(),
        baseline: exp.baseline,
        series: series(exp),
        headline,
        versus_pinned,
        results,
    }
}

/// Each figure both runs have, this run minus the pinned one, paired
/// replicate by replicate over the replicates both have.
pub fn versus(now: &PerReplicate, pinned: &PerReplicate) -> Vec<VersusPinned> {
    now.0
        .iter()
        .filter_map(|(id, label, values)| {
            let (_, _, before) = pinned.0.iter().find(|(p, _, _)| p == id)?;
            let n = values.len().min(before.len());
            let diffs: Vec<f64> = values[..n]
                .iter()
                .zip(&before[..n])
                .map(|(a, b)| a - b)
                .collect();
            let difference = Stat::of(&diffs);
            Some(VersusPinned {
                id: id.clone(),
                label: label.clone(),
                pinned: Stat::of(before),
                verdict: Verdict::of(&difference),
                difference,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run paired with itself differs by exactly zero in every
    /// replicate; against other values, by their replicate-wise
    /// difference, over the replicates both have.
    #[test]
    fn a_run_against_the_pinned_one_is_differenced_replicate_by_replicate() {
        let fig = |values: &[f64]| {
            PerReplicate(vec![(
                "compare:networking - connecting".into(),
                "networking vs connecting".into(),
                values.to_vec(),
            )])
        };
        let pinned = fig(&[10.0, 20.0, 30.0]);
        let same = versus(&pinned, &pinned);
        assert_eq!(same[0].difference.mean, 0.0);
        assert_eq!(same[0].difference.sd, 0.0);
        let now = fig(&[13.0, 24.0]);
        let v = versus(&now, &pinned);
        assert_eq!(v[0].difference.n, 2);
        assert_eq!(v[0].difference.mean, 3.5);
        assert_eq!(v[0].pinned.mean, 20.0);
        assert!(versus(&now, &PerReplicate::default()).is_empty());
    }
}
