//! One key: the metric against the key's value, a line per cohort with
//! its 95% band (categories: a dot and an interval per cohort).

use std::ops::Range;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::{amount, cohort_legend, mesh, metric_tick, replicates, y_range, KeyAxis};
use crate::chart::style::{band, frame, series_colour, Drawn, Header, Look, Mark, Plot};
use crate::metrics::Stat;
use crate::sweep::results::SweepData;

/// Each cohort's statistic at each distinct value of the key, in axis
/// order: `(position, value text, stat)`.
pub fn series(data: &SweepData, metric: usize, axis: &KeyAxis) -> Vec<Vec<(f64, String, Stat)>> {
    let year = data.last_year();
    (0..data.manifest.cohorts.len())
        .map(|c| {
            let mut pts: Vec<(f64, String, Stat)> = Vec::new();
            for (p, info) in data.manifest.points.iter().enumerate() {
                let text = &info.values[0];
                // Equal values give equal results (same scenario, same
                // random numbers): keep the first.
                if pts.iter().any(|(_, t, _)| t == text) {
                    continue;
                }
                pts.push((
                    axis.position(text),
                    text.clone(),
                    data.stat(p, c, year, metric),
                ));
            }
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            pts
        })
        .collect()
}

/// The paired difference at each distinct value, in axis order.
fn differences(data: &SweepData, metric: usize, axis: &KeyAxis) -> Vec<(f64, String, Stat)> {
    let year = data.last_year();
    let mut pts: Vec<(f64, String, Stat)> = Vec::new();
    for (p, info) in data.manifest.points.iter().enumerate() {
        let text = &info.values[0];
        if pts.iter().any(|(_, t, _)| t == text) {
            continue;
        }
        if let Some(d) = data.difference(p, year, metric) {
            pts.push((axis.position(text), text.clone(), d));
        }
    }
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    pts
}

/// Draws the chart.
pub fn draw<DB: DrawingBackend>(
    data: &SweepData,
    metric: usize,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let axis = KeyAxis::new(data, 0);
    let legend = cohort_legend(data, Mark::Line);
    let subtitle = format!(
        "Mean per member over {} at each value (the same worlds and random numbers at every value); band: 95% confidence interval.",
        replicates(data)
    );
    let area = frame(
        root,
        look,
        &Header {
            title,
            subtitle: &subtitle,
            legend: &legend,
        },
    )?;
    let all = series(data, metric, &axis);
    let y = y_range(
        all.iter()
            .flatten()
            .flat_map(|(_, _, s)| [s.mean, s.ci_low, s.ci_high]),
        true,
    );
    let span = y.end - y.start;
    let mut chart = ChartBuilder::on(&area)
        .margin_left(look.px(10.0))
        .margin_right(look.px(40.0))
        .margin_top(look.px(6.0))
        .margin_bottom(look.px(6.0))
        .x_label_area_size(look.px(92.0))
        .y_label_area_size(look.px(150.0))
        .build_cartesian_2d(axis.ranged(), y.clone())
        .drawn()?;
    let y_fmt = |v: &f64| metric_tick(data, metric, *v, span);
    let desc = crate::chart::sentence(crate::sweep::measure::HEADLINES[metric].label);
    mesh(&mut chart, look, &axis, &desc, &y_fmt)?;
    let cohorts = all.len();
    for (c, pts) in all.iter().enumerate() {
        let colour = series_colour(c);
        let ok: Vec<&(f64, String, Stat)> = pts
            .iter()
            .filter(|(x, _, s)| x.is_finite() && s.mean.is_finite())
            .collect();
        if axis.categorical {
            // Cohorts side by side within a category.
            let dx = (c as f64 - (cohorts as f64 - 1.0) / 2.0) * 0.12;
            dots_with_intervals(&mut chart, look, colour, dx, &ok)?;
        } else {
            line_with_band(&mut chart, look, colour, &y, &ok)?;
        }
    }
    Ok(())
}

/// A cohort's points along a category axis: at each value a dot at the
/// mean over a line for its 95% interval, moved `dx` off the category.
fn dots_with_intervals<DB: DrawingBackend>(
    chart: &mut Plot<DB>,
    look: &Look,
    colour: RGBColor,
    dx: f64,
    pts: &[&(f64, String, Stat)],
) -> Result<()> {
    for (x, _, s) in pts {
        if s.ci_low.is_finite() && s.ci_high.is_finite() {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x + dx, s.ci_low), (x + dx, s.ci_high)],
                    colour.stroke_width(look.upx(4.0)),
                )))
                .drawn()?;
        }
    }
    chart
        .draw_series(
            pts.iter()
                .map(|(x, _, s)| Circle::new((x + dx, s.mean), look.px(11.0), colour.filled())),
        )
        .drawn()?;
    Ok(())
}

/// A cohort's points along a numeric axis: the means joined by a line,
/// with a dot at each, over the 95% band cut to the axis range `y`.
fn line_with_band<DB: DrawingBackend>(
    chart: &mut Plot<DB>,
    look: &Look,
    colour: RGBColor,
    y: &Range<f64>,
    pts: &[&(f64, String, Stat)],
) -> Result<()> {
    let points: Vec<(f64, f64, f64)> = pts
        .iter()
        .filter(|(_, _, s)| s.ci_low.is_finite() && s.ci_high.is_finite())
        .map(|(x, _, s)| (*x, s.ci_low.max(y.start), s.ci_high.min(y.end)))
        .collect();
    band(chart, &points, colour)?;
    chart
        .draw_series(LineSeries::new(
            pts.iter().map(|(x, _, s)| (*x, s.mean)),
            colour.stroke_width(look.line()),
        ))
        .drawn()?;
    chart
        .draw_series(
            pts.iter()
                .map(|(x, _, s)| Circle::new((*x, s.mean), look.px(8.0), colour.filled())),
        )
        .drawn()?;
    Ok(())
}

/// Each cohort from the first value to the last, and where the paired
/// difference stops being distinguishable from zero.
pub fn caption(data: &SweepData, metric: usize) -> String {
    let axis = KeyAxis::new(data, 0);
    let key = &axis.key;
    let all = series(data, metric, &axis);
    let fmt = |x: f64| amount(data, metric, x);
    let mut parts = Vec::new();
    for (c, pts) in all.iter().enumerate() {
        let (Some(first), Some(last)) = (pts.first(), pts.last()) else {
            continue;
        };
        let name = &data.manifest.cohorts[c];
        let best = pts
            .iter()
            .max_by(|a, b| a.2.mean.total_cmp(&b.2.mean))
            .map_or(String::new(), |b| {
                format!(" (highest, {}, at {})", fmt(b.2.mean), b.1)
            });
        parts.push(format!(
            "{name}: {} at {key} = {}, {} at {}{best}",
            fmt(first.2.mean),
            first.1,
            fmt(last.2.mean),
            last.1
        ));
    }
    let mut text = format!("{}.", crate::chart::sentence(&parts.join("; ")));
    if let Some(label) = data.difference_title() {
        let diffs = differences(data, metric, &axis);
        let clear: Vec<&(f64, String, Stat)> = diffs
            .iter()
            .filter(|(_, _, s)| s.ci_low > 0.0 || s.ci_high < 0.0)
            .collect();
        let sentence = if diffs.is_empty() {
            String::new()
        } else if clear.len() == diffs.len() {
            let positive = diffs.iter().all(|(_, _, s)| s.ci_low > 0.0);
            let negative = diffs.iter().all(|(_, _, s)| s.ci_high < 0.0);
            if positive || negative {
                format!(
                    " The paired difference {label} stays {} zero at every value tried (95% intervals).",
                    if positive { "above" } else { "below" }
                )
            } else {
                format!(" The paired difference {label} is clear of zero at every value, changing sign along {key}.")
            }
        } else if clear.is_empty() {
            format!(" The paired difference {label} cannot be told from zero at any value tried (95% intervals).")
        } else {
            let (near, far): (Vec<_>, Vec<_>) = diffs
                .iter()
                .partition(|(_, _, s)| !(s.ci_low > 0.0 || s.ci_high < 0.0));
            let texts = |v: &[&(f64, String, Stat)]| -> String {
                crate::chart::join(&v.iter().map(|(_, t, _)| t.clone()).collect::<Vec<_>>())
            };
            if far.len() <= near.len() {
                format!(
                    " The paired difference {label} is clear of zero (95% intervals) only at {key} = {}.",
                    texts(&far)
                )
            } else {
                format!(
                    " The paired difference {label} cannot be told from zero (95% intervals) at {key} = {}.",
                    texts(&near)
                )
            }
        };
        text.push_str(&sentence);
    }
    text
}
