//! Sobol' design: each key's first-order and total-order index as bars
//! with their 95% bootstrap intervals, a panel per series (the paired
//! difference first, then each cohort).
//!
//! A first-order index is the share of the metric's variance across the
//! design that the key explains alone; a total-order index adds every
//! interaction it takes part in. A key whose total is near 0 can be fixed
//! anywhere in its range without changing the answer. Keys are listed by
//! their total index in the first panel, largest at the top.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::morris::colour;
use super::nice_ticks;
use crate::chart::numbers::fixed;
use crate::chart::style::{
    axes_look, frame, titled, Drawn, Header, LegendItem, Look, Mark, Ticked, INK,
};
use crate::sweep::labels::key_name;
use crate::sweep::results::{Series, SweepData};
use crate::sweep::sensitivity::{sobol, sobol_indices};

/// Draws the chart.
pub fn draw<DB: DrawingBackend>(
    data: &SweepData,
    metric: usize,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let legend = vec![
        LegendItem::new(
            Mark::Swatch(RGBColor(0x99, 0x99, 0x99)),
            "first order: the key alone",
        ),
        LegendItem::new(
            Mark::Swatch(RGBColor(0x44, 0x44, 0x44)),
            "total: with its interactions",
        ),
        LegendItem::new(Mark::Line(INK), "95% bootstrap interval"),
    ];
    let rows = data.points.len() / (data.manifest.keys.len() + 2);
    let subtitle = format!(
        "Share of the variance of the mean over {} across {} points ({rows} base rows × {} keys + 2).",
        super::replicates(data),
        data.points.len(),
        data.manifest.keys.len()
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
    let year = data.last_year();
    let series = data.series();
    let order = ranking(data, metric);
    let names: Vec<String> = order
        .iter()
        .map(|&k| key_name(&data.manifest.keys[k].key))
        .collect();
    // One row of panels; only the first names the keys, in room enough
    // for the longest name.
    let (w, _) = area.dim_in_pixel();
    let mut widest = 0;
    for name in &names {
        widest = widest.max(area.estimate_text_size(name, &look.tick()).drawn()?.0 as i32);
    }
    let label_w = (widest + look.px(40.0)).clamp(look.px(160.0), w as i32 * 2 / 5);
    let panel_w = (w as i32 - label_w) / series.len().max(1) as i32;
    let mut rest = area.clone();
    for (i, &s) in series.iter().enumerate() {
        let (panel, r) = if i + 1 == series.len() {
            (rest.clone(), rest.clone())
        } else {
            rest.split_horizontally(panel_w + if i == 0 { label_w } else { 0 })
        };
        rest = r;
        let inner = titled(&panel, look, &data.series_title(s))?;
        let fx = sobol_indices(data, metric, s, year);
        let labels = if i == 0 {
            Some((&names[..], label_w))
        } else {
            None
        };
        bars(&inner, look, s, &fx, &order, labels)?;
    }
    Ok(())
}

/// Key indices by total index in the first series, largest first.
fn ranking(data: &SweepData, metric: usize) -> Vec<usize> {
    let fx = sobol_indices(data, metric, data.series()[0], data.last_year());
    let mut order: Vec<usize> = (0..data.manifest.keys.len()).collect();
    let total = |k: usize| fx.get(k).map_or(f64::NAN, |i| i.total);
    order.sort_by(|&a, &b| {
        total(b)
            .partial_cmp(&total(a))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(&b))
    });
    order
}

/// One series' bars: a row per key, first order above total; `labels`
/// (the keys' names in `order`, and their room) for the first panel.
fn bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    look: &Look,
    series: Series,
    fx: &[sobol::Index],
    order: &[usize],
    labels: Option<(&[String], i32)>,
) -> Result<()> {
    let keys = order.len();
    let hi = fx
        .iter()
        .flat_map(|i| [i.first_high, i.total_high, 1.0])
        .filter(|x| x.is_finite())
        .fold(0.0f64, f64::max)
        .min(1.5);
    let lo = fx
        .iter()
        .flat_map(|i| [i.first_low, 0.0])
        .filter(|x| x.is_finite())
        .fold(0.0f64, f64::min)
        .max(-0.5);
    let mut chart = ChartBuilder::on(area)
        .margin_left(look.px(6.0))
        .margin_right(look.px(30.0))
        .margin_top(look.px(10.0))
        .margin_bottom(look.px(6.0))
        .x_label_area_size(look.px(92.0))
        .y_label_area_size(labels.map_or(look.px(4.0), |(_, w)| w - look.px(6.0)))
        .build_cartesian_2d(
            Ticked::new(lo..hi, nice_ticks(lo, hi)),
            Ticked::categories(keys),
        )
        .drawn()?;
    let row_label = |v: &f64| {
        let r = v.round();
        match labels {
            Some((names, _)) if (v - r).abs() < 1e-9 && r >= 0.0 && (r as usize) < keys => {
                names[keys - 1 - r as usize].clone()
            }
            _ => String::new(),
        }
    };
    let x_fmt = |v: &f64| fixed(*v, 1);
    axes_look(&mut chart.configure_mesh(), look)
        .x_desc("share of variance")
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&row_label)
        .disable_y_mesh()
        .set_all_tick_mark_size(look.px(8.0))
        .draw()
        .drawn()?;
    let c = colour(series);
    let (first_c, total_c) = (c.mix(0.45), c.mix(0.9));
    let ink = INK.stroke_width(look.upx(2.0));
    for (rank, &k) in order.iter().enumerate() {
        let Some(i) = fx.get(k) else {
            continue;
        };
        let row = (keys - 1 - rank) as f64;
        for (value, low, high, centre, fill) in [
            (i.first, i.first_low, i.first_high, row + 0.17, first_c),
            (i.total, i.total_low, i.total_high, row - 0.17, total_c),
        ] {
            if !value.is_finite() {
                continue;
            }
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, centre - 0.15), (value, centre + 0.15)],
                    fill.filled(),
                )))
                .drawn()?;
            if low.is_finite() && high.is_finite() {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(low, centre), (high, centre)],
                        ink,
                    )))
                    .drawn()?;
            }
        }
    }
    Ok(())
}

/// The keys with the largest total index, ordered only where their
/// intervals say so, and those whose total could be 0.
pub fn caption(data: &SweepData, metric: usize) -> String {
    let series = data.series()[0];
    let fx = sobol_indices(data, metric, series, data.last_year());
    let order: Vec<usize> = ranking(data, metric)
        .into_iter()
        .filter(|&k| fx.get(k).is_some_and(|i| i.total.is_finite()))
        .collect();
    let what = data.series_title(series);
    let Some(&top) = order.first() else {
        return format!(
            "The indices of {what} could not be formed: it does not vary across the design."
        );
    };
    let name = |k: usize| key_name(&data.manifest.keys[k].key);
    let described = |k: usize| {
        let i = &fx[k];
        format!(
            "{} (total {}, 95% interval {} to {}; first order {})",
            name(k),
            fixed(i.total, 2),
            fixed(i.total_low, 2),
            fixed(i.total_high, 2),
            fixed(i.first, 2)
        )
    };
    let tied: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&k| k == top || fx[k].total_high >= fx[top].total_low)
        .collect();
    let mut text = if tied.len() == 1 {
        format!(
            "For {what}, {} takes part in the largest share of the variance.",
            described(top)
        )
    } else {
        format!(
            "For {what}, {} take part in the largest shares of the variance; their intervals overlap, so their order is not known.",
            crate::chart::join(&tied.iter().map(|&k| described(k)).collect::<Vec<_>>())
        )
    };
    let negligible: Vec<String> = order
        .iter()
        .filter(|&&k| fx[k].total_low <= 0.0)
        .map(|&k| name(k))
        .collect();
    if !negligible.is_empty() {
        text.push_str(&format!(
            " The intervals of {} reach 0: within these ranges, they may not matter at all.",
            crate::chart::join(&negligible)
        ));
    }
    text
}
