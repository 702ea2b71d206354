//! `net_value`: what networking pays per member once its costs are
//! counted — revenue above what the same people earn staying home, minus
//! fees and hours at the value of time, from the start of the run to each
//! week, with its 95% band. Without a stay-home baseline the revenue is
//! gross (it includes business members would have had anyway), and the
//! chart says so.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::data::RunData;
use super::message::{clause, leads};
use super::numbers::{money, money_interval};
use super::style::{frame, Header, Look};
use super::time::{band_note, legend, months, multiples, per_variant, weekly_points, Curve, YAxis};
use super::{by_variant, join, ranked, sentence, variant_prefix};

/// "£40/h", or each variant's value when they differ.
fn time_value(data: &RunData) -> String {
    let cur = &data.scenario.economy.currency;
    let arms = data.scenario.arms();
    let values: Vec<f64> = arms.iter().map(|(_, s)| s.economy.value_of_time).collect();
    if values.windows(2).all(|w| w[0] == w[1]) {
        format!("{}/h", money(cur, values.first().copied().unwrap_or(0.0)))
    } else {
        let each: Vec<String> = arms
            .iter()
            .map(|(n, s)| format!("{}/h in {n}", money(cur, s.economy.value_of_time)))
            .collect();
        join(&each)
    }
}

/// What the chart's values are, in words.
fn definition(data: &RunData) -> String {
    if data.results.baseline {
        format!(
            "Per member since the start: revenue above what the same people earn staying home, minus fees, minus hours at {}.",
            time_value(data)
        )
    } else {
        format!(
            "Per member since the start: revenue minus fees minus hours at {}. Gross: this run has no stay-home baseline, so revenue includes business members would have had anyway.",
            time_value(data)
        )
    }
}

/// The title: who leads in net value and since when, and who per hour.
pub fn title(data: &RunData) -> String {
    let what = if data.results.baseline {
        "Net value per member above staying home"
    } else {
        "Net value per member (gross: no stay-home baseline)"
    };
    let net = clause(
        &leads(data, |i| data.net_value_per_replicate(i)),
        "leads",
        "are level (95% interval includes zero)",
    );
    let per_hour = clause(
        &leads(data, |i| data.return_on_time_per_replicate(i)),
        "leads",
        "are level",
    );
    match (net, per_hour) {
        (Some(n), Some(h)) => format!("{what}: {n}; per hour, {h}"),
        (Some(n), None) => format!("{what}: {n}"),
        _ => format!("{what} per member"),
    }
}

/// Draws the chart: a panel per variant, a line per cohort.
pub fn draw<DB: DrawingBackend>(
    data: &RunData,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let cur = data.scenario.economy.currency.clone();
    let subtitle = format!("{} {}", definition(data), band_note(data));
    let area = frame(
        root,
        look,
        &Header {
            title,
            subtitle: &subtitle,
            legend: &legend(data),
        },
    )?;
    let curve = |i: usize| Curve {
        colour: data.colour(i),
        points: weekly_points(&data.net_value(i), true),
    };
    let desc = format!("Net value per member ({cur}, running total)");
    let y = YAxis {
        desc: &desc,
        currency: Some(&cur),
        signed: true,
    };
    let panels = per_variant(data, curve, Vec::new());
    multiples(&area, look, months(data), &y, &panels, &[])
}

/// Caption: each cohort's net value at the end with its interval, best
/// first, and the definition.
pub fn caption(data: &RunData) -> String {
    let cur = &data.scenario.economy.currency;
    let y = data.years();
    let clauses: Vec<String> = by_variant(data)
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_empty())
        .map(|(v, s)| {
            let end = |i: usize| data.net_value(i).last().copied();
            let r = ranked(s, |i| end(i).map_or(f64::NAN, |e| e.mean));
            let parts: Vec<String> = r
                .iter()
                .filter_map(|&i| {
                    let e = end(i)?;
                    let ci = match crate::report::html::interval(e.ci_low, e.ci_high, e.n) {
                        Some((lo, hi)) => {
                            format!(" (95% CI {})", money_interval(cur, lo, hi))
                        }
                        None => String::new(),
                    };
                    Some(format!(
                        "{} {}{ci}",
                        data.series[i].cohort,
                        money(cur, e.mean)
                    ))
                })
                .collect();
            sentence(&format!(
                "{}by the end of year {y}, net value per member: {}.",
                variant_prefix(data, v),
                parts.join("; ")
            ))
        })
        .collect();
    format!("{} {}", clauses.join(" "), definition(data))
}
