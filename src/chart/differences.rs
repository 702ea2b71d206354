//! `paired_differences`: how the gap between two sides grows over the run —
//! the paired difference a − b in total referrals and in net value, month
//! by month, with its 95% band across replicates and a line at zero. Where
//! the band leaves zero, one side leads; where it holds zero, it is a tie.
//!
//! Colours mean what they mean in every other chart: a difference between
//! variants for one cohort is drawn in that cohort's colour, a difference
//! between cohorts in ink. With several comparisons each has its own small
//! panel, named by the comparison, on an axis shared by its measure.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::RunData;
use super::numbers::fixed;
use super::sentence;
use super::style::{frame, titled, Header, LegendItem, Look, Mark, INK};
use super::time::{multiples, Curve, Multiple, YAxis};
use crate::compare::{ComparisonReport, Kind, Measure};

/// The comparisons drawn: every one, except in a `[focal]` design, where
/// only the first pair of arms is drawn at each culture of the room (the
/// others are in `differences_monthly.csv`).
pub fn drawn(data: &RunData) -> Vec<&ComparisonReport> {
    let all = &data.results.comparisons;
    let first = all.first().map(|c| c.comparison.label.as_str());
    all.iter()
        .filter(|c| match c.comparison.kind {
            Kind::Individual { .. } => Some(c.comparison.label.as_str()) == first,
            _ => true,
        })
        .collect()
}

fn name(c: &ComparisonReport) -> String {
    match c.comparison.kind {
        Kind::Individual { networkers } => format!(
            "{}, {:.0}% networkers among the others",
            c.comparison.label.replace(" - ", " − "),
            networkers * 100.0
        ),
        _ => format!("{} − {}", c.a_name, c.b_name),
    }
}

/// The colour of a comparison: its cohort's when it compares one cohort in
/// two variants, ink when it compares cohorts (or focal members).
pub fn colour(data: &RunData, c: &ComparisonReport) -> RGBColor {
    match c.comparison.kind {
        Kind::Variants => data
            .series
            .iter()
            .position(|s| {
                s.variant_index == c.comparison.a.arm && s.cohort_index == c.comparison.a.cohort
            })
            .map_or(INK, |i| data.colour(i)),
        Kind::Cohorts | Kind::Individual { .. } => INK,
    }
}

/// The legend: one entry per colour drawn, saying what it compares.
fn legend(data: &RunData, shown: &[&ComparisonReport]) -> Vec<LegendItem> {
    let mut items: Vec<(RGBColor, String)> = Vec::new();
    for c in shown {
        let colour = colour(data, c);
        let label = match c.comparison.kind {
            Kind::Variants => {
                let cohort = data
                    .series
                    .iter()
                    .find(|s| s.cohort_index == c.comparison.a.cohort)
                    .map_or("", |s| s.cohort.as_str());
                format!("{cohort}: one variant − another")
            }
            Kind::Cohorts if shown.len() > 1 => "one cohort − another".to_string(),
            _ => name(c),
        };
        if !items.iter().any(|(k, l)| *k == colour && *l == label) {
            items.push((colour, label));
        }
    }
    items
        .into_iter()
        .map(|(k, l)| LegendItem::new(Mark::Line(k), l))
        .collect()
}

/// A small panel's heading: what the two sides share said once
/// ("open: networking − connecting", "connecting: closed − open").
fn panel_heading(c: &ComparisonReport) -> String {
    let split = |s: &str| {
        s.split_once(": ")
            .map(|(v, k)| (v.to_string(), k.to_string()))
    };
    match (split(&c.a_name), split(&c.b_name)) {
        (Some((va, ka)), Some((vb, kb))) if va == vb => format!("{va}: {ka} − {kb}"),
        (Some((va, ka)), Some((vb, kb))) if ka == kb => format!("{ka}: {va} − {vb}"),
        _ => name(c),
    }
}

/// The net-value measure the run reports.
fn net(data: &RunData) -> Measure {
    if data.results.baseline {
        Measure::CumulativeNetValueAboveBaseline
    } else {
        Measure::CumulativeNetValue
    }
}

/// Draws the chart.
pub fn draw<DB: DrawingBackend>(
    data: &RunData,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let shown = drawn(data);
    let legend = legend(data, &shown);
    let subtitle = if shown.is_empty() {
        "One cohort and one variant: nothing to compare.".to_string()
    } else {
        "a − b per member, formed within each replicate; band: its 95% interval. Where the band holds zero the two are tied.".to_string()
    };
    let area = frame(
        root,
        look,
        &Header {
            title,
            subtitle: &subtitle,
            legend: &legend,
        },
    )?;
    let (w, _) = area.dim_in_pixel();
    let (left, right) = area.split_horizontally(w / 2);
    let cur = data.scenario.economy.currency.clone();
    let net_heading = if data.results.baseline {
        format!("Net value above staying home ({cur})")
    } else {
        format!("Net value, gross ({cur})")
    };
    let panels = [
        (
            &left,
            Measure::CumulativeReferrals,
            "Total referrals received".to_string(),
            if shown.len() > 1 {
                "Referrals per member".to_string()
            } else {
                "Difference in referrals per member".to_string()
            },
            None,
        ),
        (
            &right,
            net(data),
            net_heading,
            if shown.len() > 1 {
                format!("Per member ({cur})")
            } else {
                format!("Difference per member ({cur})")
            },
            Some(cur.as_str()),
        ),
    ];
    let months = data.weeks as f64 * 12.0 / crate::summary::WEEKS_PER_YEAR as f64;
    for (a, measure, heading, desc, currency) in panels {
        let body = titled(a, look, &heading)?;
        let panels: Vec<Multiple> = shown
            .iter()
            .map(|c| Multiple {
                heading: if shown.len() > 1 {
                    panel_heading(c)
                } else {
                    String::new()
                },
                curves: vec![Curve {
                    colour: colour(data, c),
                    points: c
                        .monthly
                        .iter()
                        .find(|m| m.measure == measure.name())
                        .map(|m| {
                            m.months
                                .iter()
                                .enumerate()
                                .map(|(k, s)| ((k + 1) as f64, *s))
                                .collect()
                        })
                        .unwrap_or_default(),
                }],
                events: Vec::new(),
            })
            .collect();
        let y = YAxis {
            desc: &desc,
            currency,
            signed: true,
        };
        multiples(&body, look, months, &y, &panels, &[])?;
    }
    Ok(())
}

/// Caption: the first comparison drawn, its difference in net value at the
/// end and whether that is a lead or a tie.
pub fn caption(data: &RunData) -> String {
    let Some(c) = drawn(data).into_iter().next() else {
        return sentence("this run has one cohort and one variant, so there is nothing to compare");
    };
    let Some(end) = c.at_end() else {
        return String::new();
    };
    let cur = &data.scenario.economy.currency;
    let mut parts = Vec::new();
    if let Some(d) = end.get(Measure::CumulativeReferrals) {
        parts.push(format!(
            "{} referrals per member ({})",
            crate::output::differences::signed(&d.difference, 1, ""),
            verdict(d.verdict, c)
        ));
    }
    if let Some(d) = end.get(net(data)) {
        parts.push(format!(
            "{} in net value ({})",
            crate::output::differences::signed(&d.difference, 0, cur),
            verdict(d.verdict, c)
        ));
    }
    sentence(&format!(
        "by the end of year {}, {} differs by {}",
        end.year,
        name(c),
        parts.join(" and ")
    )) + &format!(
        " Intervals are 95%, from {} paired replicates.",
        fixed(data.results.metadata.replicates as f64, 0)
    )
}

fn verdict(v: crate::compare::Verdict, c: &ComparisonReport) -> String {
    match v {
        crate::compare::Verdict::AAhead => format!("{} ahead", c.a_name),
        crate::compare::Verdict::BAhead => format!("{} ahead", c.b_name),
        crate::compare::Verdict::Tie => "a tie".to_string(),
    }
}
