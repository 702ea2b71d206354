//! `paired_differences`: how the gap between two sides grows over the run —
//! the paired difference a − b in total referrals and in net value, month
//! by month, with its 95% band across replicates and a line at zero. Where
//! the band leaves zero, one side leads; where it holds zero, it is a tie.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::RunData;
use super::numbers::fixed;
use super::sentence;
use super::style::{frame, series_colour, titled, Header, LegendItem, Look, Mark};
use super::time::{panel, Curve, YAxis};
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
    let legend: Vec<LegendItem> = shown
        .iter()
        .enumerate()
        .map(|(i, c)| LegendItem::new(Mark::Line(series_colour(i)), name(c)))
        .collect();
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
            "Difference in referrals per member".to_string(),
            None,
        ),
        (
            &right,
            net(data),
            net_heading,
            format!("Difference per member ({cur})"),
            Some(cur.as_str()),
        ),
    ];
    let months = data.weeks as f64 * 12.0 / crate::summary::WEEKS_PER_YEAR as f64;
    for (a, measure, heading, desc, currency) in panels {
        let body = titled(a, look, &heading)?;
        let curves: Vec<Curve> = shown
            .iter()
            .enumerate()
            .map(|(i, c)| Curve {
                colour: series_colour(i),
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
            })
            .collect();
        let y = YAxis {
            desc: &desc,
            currency,
            signed: true,
        };
        panel(&body, look, months, &y, &curves, &[], &[])?;
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
