//! Morris design: each key's μ* against its σ, a panel per series (the
//! paired difference first, then each cohort).
//!
//! Right means the key moves the metric a lot over its range; up means
//! its effect depends on where the other keys are (interactions) or on
//! where along its own range it is (curvature). A key near the origin
//! does little, whatever the others do. Each dot has its μ*'s 95%
//! bootstrap interval as a horizontal whisker.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{amount, metric_tick, replicates, y_range};
use crate::chart::style::{
    axes_look, frame, grid, series_colour, titled, Drawn, Header, LegendItem, Look, Mark, INK,
};
use crate::sweep::labels::key_name;
use crate::sweep::results::{Series, SweepData};
use crate::sweep::sensitivity::{morris, morris_indices};

/// A series' colour: ink for the difference, the cohort's own otherwise.
pub(super) fn colour(series: Series) -> RGBColor {
    match series {
        Series::Difference => INK,
        Series::Cohort(c) => series_colour(c),
    }
}

/// Draws the chart.
pub fn draw<DB: DrawingBackend>(
    data: &SweepData,
    metric: usize,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let legend = vec![LegendItem::new(
        Mark::Line(INK),
        "key: μ* with its 95% bootstrap interval",
    )];
    let subtitle = format!(
        "Elementary effects: the change in the mean over {} when one key crosses its whole range, over {} trajectories. μ* (across): their mean size; σ (up): how much they vary with the other keys.",
        replicates(data),
        trajectories(data)
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
    for (panel, &s) in grid(&area, series.len()).iter().zip(&series) {
        let inner = titled(panel, look, &data.series_title(s))?;
        let fx = morris_indices(data, metric, s, year);
        self::panel(&inner, look, data, metric, s, &fx)?;
    }
    Ok(())
}

/// Trajectories run: points / (keys + 1).
fn trajectories(data: &SweepData) -> usize {
    data.manifest.points.len() / (data.manifest.keys.len() + 1)
}

/// One series' keys on μ* (x) and σ (y).
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    look: &Look,
    data: &SweepData,
    metric: usize,
    series: Series,
    fx: &[morris::Index],
) -> Result<()> {
    // Room to the right of the rightmost dot for its key's name.
    let x = y_range(
        fx.iter().flat_map(|i| [i.mu_star, i.mu_star_high * 1.6]),
        true,
    );
    let y = y_range(fx.iter().map(|i| i.sigma), true);
    let (x_span, y_span) = (x.end - x.start, y.end - y.start);
    let mut chart = ChartBuilder::on(area)
        .margin_left(look.px(10.0))
        .margin_right(look.px(40.0))
        .margin_top(look.px(10.0))
        .margin_bottom(look.px(6.0))
        .x_label_area_size(look.px(92.0))
        .y_label_area_size(look.px(130.0))
        .build_cartesian_2d(x, y)
        .drawn()?;
    let x_fmt = |v: &f64| metric_tick(data, metric, *v, x_span);
    let y_fmt = |v: &f64| metric_tick(data, metric, *v, y_span);
    axes_look(&mut chart.configure_mesh(), look)
        .x_desc("μ*")
        .y_desc("σ")
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_labels(5)
        .y_labels(6)
        .set_all_tick_mark_size(look.px(8.0))
        .draw()
        .drawn()?;
    let c = colour(series);
    let finite = |i: &&morris::Index| i.mu_star.is_finite() && i.sigma.is_finite();
    chart
        .draw_series(
            fx.iter()
                .filter(finite)
                .filter(|i| i.mu_star_low.is_finite())
                .map(|i| {
                    PathElement::new(
                        vec![(i.mu_star_low, i.sigma), (i.mu_star_high, i.sigma)],
                        c.mix(0.5).stroke_width(look.upx(3.0)),
                    )
                }),
        )
        .drawn()?;
    chart
        .draw_series(
            fx.iter()
                .filter(finite)
                .map(|i| Circle::new((i.mu_star, i.sigma), look.px(9.0), c.filled())),
        )
        .drawn()?;
    let note = look.note().pos(Pos::new(HPos::Left, VPos::Center));
    chart
        .draw_series(
            fx.iter()
                .enumerate()
                .filter(|(_, i)| finite(i))
                .map(|(k, i)| {
                    EmptyElement::at((i.mu_star, i.sigma))
                        + Text::new(
                            key_name(&data.manifest.keys[k].key),
                            (look.px(14.0), 0),
                            note.clone(),
                        )
                }),
        )
        .drawn()?;
    Ok(())
}

/// The keys with the largest μ*, ordered only where their intervals say
/// so.
pub fn caption(data: &SweepData, metric: usize) -> String {
    let series = data.series()[0];
    let fx = morris_indices(data, metric, series, data.last_year());
    let mut order: Vec<usize> = (0..fx.len())
        .filter(|&k| fx[k].mu_star.is_finite())
        .collect();
    order.sort_by(|&a, &b| fx[b].mu_star.total_cmp(&fx[a].mu_star).then(a.cmp(&b)));
    let Some(&top) = order.first() else {
        return format!(
            "No elementary effects could be formed for {}.",
            data.series_title(series)
        );
    };
    let name = |k: usize| key_name(&data.manifest.keys[k].key);
    let fmt = |x: f64| amount(data, metric, x);
    let described = |k: usize| {
        format!(
            "{} (μ* {}, 95% interval {}; σ {})",
            name(k),
            fmt(fx[k].mu_star),
            super::interval(data, metric, fx[k].mu_star_low, fx[k].mu_star_high),
            fmt(fx[k].sigma)
        )
    };
    // Keys whose μ* intervals reach the top key's cannot be ranked below
    // it.
    let tied: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&k| k == top || fx[k].mu_star_high >= fx[top].mu_star_low)
        .collect();
    let what = data.series_title(series);
    let mut text = if tied.len() == 1 {
        format!("For {what}, {} moves it most.", described(top))
    } else {
        format!(
            "For {what}, {} move it most; their μ* intervals overlap, so their order is not known.",
            crate::chart::join(&tied.iter().map(|&k| described(k)).collect::<Vec<_>>())
        )
    };
    let inert: Vec<String> = order
        .iter()
        .filter(|&&k| fx[k].mu_star_high == 0.0)
        .map(|&k| name(k))
        .collect();
    if !inert.is_empty() {
        text.push_str(&format!(" {} never moved it.", crate::chart::join(&inert)));
    }
    text
}
