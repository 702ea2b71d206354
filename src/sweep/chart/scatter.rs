//! Sampled designs and many keys: the metric at every point against each
//! key's value, a panel per key. With a random or Latin-hypercube sample
//! the other keys vary too, so a panel shows a key's effect together with
//! the spread the others add; a clear slope through that spread is a key
//! that matters.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::{cohort_legend, mesh, metric_tick, replicates, y_range, KeyAxis};
use crate::chart::numbers::fixed;
use crate::chart::style::{frame, grid, series_colour, Drawn, Header, Look, Mark};
use crate::sweep::results::SweepData;

/// Draws the chart.
pub fn draw<DB: DrawingBackend>(
    data: &SweepData,
    metric: usize,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let year = data.last_year();
    let cohorts = data.manifest.cohorts.len();
    let legend = cohort_legend(data, Mark::Dot);
    let subtitle = format!(
        "One dot per point and cohort: mean per member over {}; line: 95% confidence interval.",
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
    // stats[cohort][point]
    let stats: Vec<Vec<crate::metrics::Stat>> = (0..cohorts)
        .map(|c| {
            (0..data.points.len())
                .map(|p| data.stat(p, c, year, metric))
                .collect()
        })
        .collect();
    let y = y_range(
        stats
            .iter()
            .flatten()
            .flat_map(|s| [s.mean, s.ci_low, s.ci_high]),
        true,
    );
    let span = y.end - y.start;
    let y_fmt = |v: &f64| metric_tick(data, metric, *v, span);
    let keys = data.manifest.keys.len();
    for (k, panel) in grid(&area, keys).iter().enumerate() {
        let axis = KeyAxis::new(data, k);
        let mut chart = ChartBuilder::on(panel)
            .margin_left(look.px(10.0))
            .margin_right(look.px(30.0))
            .margin_top(look.px(16.0))
            .margin_bottom(look.px(6.0))
            .x_label_area_size(look.px(92.0))
            .y_label_area_size(look.px(130.0))
            .build_cartesian_2d(axis.ranged(), y.clone())
            .drawn()?;
        mesh(&mut chart, look, &axis, "Mean per member", &y_fmt)?;
        for (c, column) in stats.iter().enumerate() {
            let colour = series_colour(c);
            // Categories: cohorts side by side.
            let dx = if axis.categorical {
                (c as f64 - (cohorts as f64 - 1.0) / 2.0) * 0.12
            } else {
                0.0
            };
            let pts: Vec<(f64, crate::metrics::Stat)> = data
                .manifest
                .points
                .iter()
                .enumerate()
                .map(|(p, info)| (axis.position(&info.values[k]) + dx, column[p]))
                .filter(|(x, s)| x.is_finite() && s.mean.is_finite())
                .collect();
            chart
                .draw_series(
                    pts.iter()
                        .filter(|(_, s)| s.ci_low.is_finite() && s.ci_high.is_finite())
                        .map(|(x, s)| {
                            PathElement::new(
                                vec![(*x, s.ci_low.max(y.start)), (*x, s.ci_high.min(y.end))],
                                colour.mix(0.45).stroke_width(look.upx(2.0)),
                            )
                        }),
                )
                .drawn()?;
            chart
                .draw_series(
                    pts.iter()
                        .map(|(x, s)| Circle::new((*x, s.mean), look.px(7.0), colour.filled())),
                )
                .drawn()?;
        }
    }
    Ok(())
}

/// Pearson correlation of two equally long series (NaN if either is flat).
pub fn correlation(xs: &[f64], ys: &[f64]) -> f64 {
    let n = xs.len().min(ys.len());
    if n < 2 {
        return f64::NAN;
    }
    let mx = xs[..n].iter().sum::<f64>() / n as f64;
    let my = ys[..n].iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (dx, dy) = (xs[i] - mx, ys[i] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx == 0.0 || syy == 0.0 {
        f64::NAN
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// Which numeric key goes most closely with the metric (or with the paired
/// difference, when two cohorts are compared).
pub fn caption(data: &SweepData, metric: usize) -> String {
    let year = data.last_year();
    let (what, ys): (String, Vec<f64>) = match data.difference_title() {
        Some(label) => (
            format!("the difference {label}"),
            (0..data.points.len())
                .map(|p| {
                    data.difference(p, year, metric)
                        .map_or(f64::NAN, |s| s.mean)
                })
                .collect(),
        ),
        None => (
            data.manifest.cohorts[0].clone(),
            (0..data.points.len())
                .map(|p| data.stat(p, 0, year, metric).mean)
                .collect(),
        ),
    };
    let mut found: Vec<(String, f64)> = (0..data.manifest.keys.len())
        .filter_map(|k| {
            let axis = KeyAxis::new(data, k);
            if axis.categorical {
                return None;
            }
            let xs: Vec<f64> = data
                .manifest
                .points
                .iter()
                .map(|p| axis.position(&p.values[k]))
                .collect();
            let r = correlation(&xs, &ys);
            r.is_finite().then(|| (axis.key.clone(), r))
        })
        .collect();
    found.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    let n = data.points.len();
    match found.first() {
        Some((key, r)) => {
            let others: Vec<String> = found[1..]
                .iter()
                .take(3)
                .map(|(k, r)| format!("{k} (r = {})", fixed(*r, 2)))
                .collect();
            let mut text =
                format!(
                "Across {n} points, {key} goes most closely with {what} (correlation r = {}{}).",
                fixed(*r, 2),
                if axis_is_log(data, key) { ", on a log scale" } else { "" }
            );
            if !others.is_empty() {
                text.push_str(&format!(" Then {}.", crate::chart::join(&others)));
            }
            text
        }
        None => format!("{n} points; no numeric key to relate to {what}."),
    }
}

fn axis_is_log(data: &SweepData, key: &str) -> bool {
    data.manifest
        .keys
        .iter()
        .position(|k| k.key == key)
        .is_some_and(|k| KeyAxis::new(data, k).log)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlation_is_one_for_a_line_and_nan_when_flat() {
        assert!((correlation(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]) - 1.0).abs() < 1e-12);
        assert!((correlation(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        assert!(correlation(&[1.0, 1.0], &[1.0, 2.0]).is_nan());
    }
}
