//! One at a time: a tornado chart ranking the keys by how far moving each
//! one — the others held at their base values — moves the metric.
//!
//! Each key gets a bar over the range of the metric across its values
//! (the base point included), with the 95% interval of the mean at each
//! end as a whisker, a dot where the key is at its lowest value and one
//! where it is at its highest, and a dashed line marks the base point.
//! Panels show the paired difference between the compared cohorts
//! (first, when there is one) and each cohort; keys are ranked by their
//! swing in the first panel, so every panel lists them in the same order.
//!
//! A swing has its own 95% interval: the ends of a bar are two points run
//! on the same replicates (common random numbers), so the swing is a
//! paired difference, formed replicate by replicate. The caption orders
//! two keys only where their swings' intervals do not overlap; keys whose
//! intervals overlap are named together, as tied.

use std::ops::Range;

use anyhow::Result;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{amount, metric_tick, replicates, y_range, KeyAxis};
use crate::chart::style::{
    axes_look, dashed, frame, series_colour, Drawn, Header, LegendItem, Look, Mark, Ticked, INK,
    MUTED,
};
use crate::metrics::Stat;
use crate::sweep::labels::key_name;
use crate::sweep::results::{Series, SweepData};

/// Colour of the dot where a key is at its lowest value.
const LOW: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
/// Colour of the dot where a key is at its highest value.
const HIGH: RGBColor = RGBColor(0xD5, 0x5E, 0x00);

/// One key's effect in one series.
#[derive(Clone, Debug)]
pub struct Effect {
    /// Key index.
    pub key: usize,
    /// The metric with the key at its lowest value, and the value's text.
    pub low: (f64, String),
    /// The metric with the key at its highest value, and the value's text.
    pub high: (f64, String),
    /// The smallest and largest value of the metric over the key's values.
    pub min: f64,
    pub max: f64,
    /// The 95% intervals of the means at the smallest and the largest.
    pub min_ci: (f64, f64),
    pub max_ci: (f64, f64),
    /// The swing (largest − smallest), paired replicate by replicate.
    pub swing: Stat,
}

impl Effect {
    /// How far the key moves the metric.
    pub fn swing(&self) -> f64 {
        self.max - self.min
    }

    /// Whether the two swings' 95% intervals overlap, so that neither key
    /// can be said to move the metric more.
    pub fn tied_with(&self, other: &Effect) -> bool {
        let (a, b) = (&self.swing, &other.swing);
        !(a.ci_low > b.ci_high || b.ci_low > a.ci_high)
    }
}

fn value(data: &SweepData, series: Series, point: usize, metric: usize) -> f64 {
    data.mean(point, series, data.last_year(), metric)
}

/// The 95% interval of the mean at `point`.
fn interval(data: &SweepData, series: Series, point: usize, metric: usize) -> (f64, f64) {
    data.series_stat(point, series, data.last_year(), metric)
        .map_or((f64::NAN, f64::NAN), |s| (s.ci_low, s.ci_high))
}

/// The paired difference `high − low` between two points, replicate by
/// replicate.
fn swing(data: &SweepData, series: Series, low: usize, high: usize, metric: usize) -> Stat {
    let year = data.last_year();
    let values = |p| data.replicates(p, series, year, metric).unwrap_or_default();
    let diffs: Vec<f64> = values(high)
        .iter()
        .zip(values(low))
        .map(|(h, l)| h - l)
        .collect();
    Stat::of(&diffs)
}

/// The base point's index (the one moving no key).
fn base_point(data: &SweepData) -> Option<usize> {
    data.manifest.points.iter().position(|p| p.moves.is_none())
}

/// Each key's effect on `metric` in `series`.
fn effects(data: &SweepData, series: Series, metric: usize) -> Vec<Effect> {
    let Some(base) = base_point(data) else {
        return Vec::new();
    };
    (0..data.manifest.keys.len())
        .filter_map(|k| {
            let key = &data.manifest.keys[k].key;
            let axis = KeyAxis::new(data, k);
            // (position, value's text, mean, point)
            let mut pts: Vec<(f64, String, f64, usize)> = data
                .manifest
                .points
                .iter()
                .enumerate()
                .filter(|(p, info)| *p == base || info.moves.as_deref() == Some(key))
                .map(|(p, info)| {
                    let text = info.values[k].clone();
                    (
                        axis.position(&text),
                        text,
                        value(data, series, p, metric),
                        p,
                    )
                })
                .filter(|(_, _, v, _)| v.is_finite())
                .collect();
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            let (first, last) = (pts.first()?, pts.last()?);
            let lowest = pts.iter().min_by(|a, b| a.2.total_cmp(&b.2))?;
            let highest = pts.iter().max_by(|a, b| a.2.total_cmp(&b.2))?;
            Some(Effect {
                key: k,
                low: (first.2, first.1.clone()),
                high: (last.2, last.1.clone()),
                min: lowest.2,
                max: highest.2,
                min_ci: interval(data, series, lowest.3, metric),
                max_ci: interval(data, series, highest.3, metric),
                swing: swing(data, series, lowest.3, highest.3, metric),
            })
        })
        .collect()
}

/// Key indices, largest swing first, by the first panel's series.
fn ranking(data: &SweepData, metric: usize) -> Vec<usize> {
    let mut e = effects(data, data.series()[0], metric);
    e.sort_by(|a, b| b.swing().total_cmp(&a.swing()).then(a.key.cmp(&b.key)));
    let mut order: Vec<usize> = e.iter().map(|e| e.key).collect();
    for k in 0..data.manifest.keys.len() {
        if !order.contains(&k) {
            order.push(k);
        }
    }
    order
}

/// Draws the chart.
pub fn draw<DB: DrawingBackend>(
    data: &SweepData,
    metric: usize,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let legend = vec![
        LegendItem::new(Mark::Dot(LOW), "key at its lowest value"),
        LegendItem::new(Mark::Dot(HIGH), "key at its highest value"),
        LegendItem::new(Mark::Dashed(MUTED), "base scenario"),
    ];
    let subtitle = format!(
        "Each key moved across its values with the others at base; bar: the range of the mean over {} at those values; whiskers: 95% intervals of the means at its ends.",
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
    let layout = Layout::new(data, metric, &area, look)?;
    let mut rest = area.clone();
    for (i, &s) in layout.series.iter().enumerate() {
        let first = i == 0;
        let (a, r) = if i + 1 == layout.series.len() {
            (rest.clone(), rest.clone())
        } else {
            rest.split_horizontally(layout.panel_w + if first { layout.label_w } else { 0 })
        };
        rest = r;
        panel(&a, look, &layout, s, first)?;
    }
    Ok(())
}

/// What the panels share: the keys' order, the widths, the cohorts' x
/// scale.
struct Layout<'a> {
    data: &'a SweepData,
    metric: usize,
    /// Key indices, largest swing first.
    order: Vec<usize>,
    /// The panels, left to right.
    series: Vec<Series>,
    /// The point moving no key.
    base: Option<usize>,
    /// Room for the key names, left of the first panel.
    label_w: i32,
    /// Each panel's width besides that.
    panel_w: i32,
    /// The cohorts share one x scale; the difference has its own.
    cohort_range: Range<f64>,
}

impl<'a> Layout<'a> {
    fn new<DB: DrawingBackend>(
        data: &'a SweepData,
        metric: usize,
        area: &DrawingArea<DB, Shift>,
        look: &Look,
    ) -> Result<Layout<'a>> {
        let order = ranking(data, metric);
        let series = data.series();
        let (w, _) = area.dim_in_pixel();
        // Wide enough for the longest key name, within reason.
        let mut widest = 0;
        for k in &order {
            let (tw, _) = area
                .estimate_text_size(&key_name(&data.manifest.keys[*k].key), &look.tick())
                .drawn()?;
            widest = widest.max(tw as i32);
        }
        let label_w = (widest + look.px(40.0)).clamp(look.px(160.0), w as i32 * 2 / 5);
        let panel_w = (w as i32 - label_w) / series.len().max(1) as i32;
        let cohort_range = y_range(
            series
                .iter()
                .filter(|s| matches!(s, Series::Cohort(_)))
                .flat_map(|&s| effects(data, s, metric))
                .flat_map(|e| [e.min, e.max, e.min_ci.0, e.max_ci.1]),
            true,
        );
        Ok(Layout {
            data,
            metric,
            order,
            series,
            base: base_point(data),
            label_w,
            panel_w,
            cohort_range,
        })
    }

    /// How many keys (rows).
    fn keys(&self) -> usize {
        self.order.len()
    }
}

/// A panel's plotting area: the metric along x, a row per key.
type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, Ticked>>;

/// One panel: its heading, and each key's swing in `s`.
fn panel<DB: DrawingBackend>(
    a: &DrawingArea<DB, Shift>,
    look: &Look,
    layout: &Layout,
    s: Series,
    first: bool,
) -> Result<()> {
    let data = layout.data;
    let (heading, colour) = match s {
        Series::Cohort(c) => (data.manifest.cohorts[c].clone(), series_colour(c)),
        Series::Difference => (data.difference_title().unwrap_or_default(), INK),
    };
    // Centred over the plot, in a smaller face if the panel is narrow.
    let x0 = if first { layout.label_w } else { look.px(4.0) };
    let room = layout.panel_w - look.px(60.0);
    let mut style = look.panel_title(colour);
    let (mut tw, _) = a.estimate_text_size(&heading, &style).drawn()?;
    if tw as i32 > room {
        style = look.legend().color(&colour);
        tw = a.estimate_text_size(&heading, &style).drawn()?.0;
    }
    let x = x0 + ((room - tw as i32) / 2).max(0);
    a.draw_text(&heading, &style, (x, look.px(4.0))).drawn()?;
    let inner = a.split_vertically(look.px(52.0)).1;
    let fx = effects(data, s, layout.metric);
    let x = match s {
        Series::Cohort(_) => layout.cohort_range.clone(),
        Series::Difference => y_range(
            fx.iter()
                .flat_map(|e| [e.min, e.max, e.min_ci.0, e.max_ci.1, 0.0]),
            false,
        ),
    };
    let mut chart = axes(&inner, look, layout, x, first)?;
    swings(&mut chart, look, layout, &fx)?;
    match layout.base {
        Some(b) => base_line(&mut chart, look, layout, value(data, s, b, layout.metric)),
        None => Ok(()),
    }
}

/// The metric along `x`, a row per key from the largest swing at the top;
/// only the first panel names the keys.
fn axes<'a, DB: DrawingBackend>(
    inner: &'a DrawingArea<DB, Shift>,
    look: &Look,
    layout: &Layout,
    x: Range<f64>,
    first: bool,
) -> Result<Plot<'a, DB>> {
    let (data, metric, keys) = (layout.data, layout.metric, layout.keys());
    let span = x.end - x.start;
    let mut chart = ChartBuilder::on(inner)
        .margin_left(look.px(6.0))
        .margin_right(look.px(48.0))
        .margin_top(look.px(6.0))
        .margin_bottom(look.px(6.0))
        .x_label_area_size(look.px(92.0))
        .y_label_area_size(if first {
            layout.label_w - look.px(6.0)
        } else {
            look.px(4.0)
        })
        .build_cartesian_2d(x, Ticked::categories(keys))
        .drawn()?;
    // Row k from the top holds the k-th ranked key.
    let key_label = |v: &f64| {
        let row = v.round();
        if !first || (v - row).abs() > 1e-9 || row < 0.0 {
            return String::new();
        }
        let rank = keys.saturating_sub(1 + row as usize);
        layout
            .order
            .get(rank)
            .map_or_else(String::new, |&k| key_name(&data.manifest.keys[k].key))
    };
    let x_fmt = |v: &f64| metric_tick(data, metric, *v, span);
    axes_look(&mut chart.configure_mesh(), look)
        .x_desc("Mean per member")
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&key_label)
        .x_labels(4)
        .disable_y_mesh()
        .set_all_tick_mark_size(look.px(8.0))
        .draw()
        .drawn()?;
    Ok(chart)
}

/// Each key's bar over its range, with a dot and the value's text at its
/// lowest value (below the bar) and its highest (above it). The texts sit
/// outside the bar's height, clear of the dots and the whiskers' caps
/// inside it, and are kept off the panel's edges.
fn swings<DB: DrawingBackend>(
    chart: &mut Plot<DB>,
    look: &Look,
    layout: &Layout,
    fx: &[Effect],
) -> Result<()> {
    let half = 0.28;
    let note = look.note();
    let keys = layout.keys();
    let x = chart.x_range();
    let inset = (x.end - x.start) * 0.04;
    let inside = |v: f64| v.clamp(x.start + inset, x.end - inset);
    for (rank, &k) in layout.order.iter().enumerate() {
        let row = (keys - 1 - rank) as f64;
        let Some(e) = fx.iter().find(|e| e.key == k) else {
            continue;
        };
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(e.min, row - half), (e.max, row + half)],
                RGBColor(0xBB, 0xBB, 0xBB).filled(),
            )))
            .drawn()?;
        whiskers(chart, look, row, &[e.min_ci, e.max_ci])?;
        for (v, text, c, below) in [
            (&e.low.0, &e.low.1, LOW, true),
            (&e.high.0, &e.high.1, HIGH, false),
        ] {
            chart
                .draw_series(std::iter::once(Circle::new(
                    (*v, row),
                    look.px(11.0),
                    c.filled(),
                )))
                .drawn()?;
            let (edge, dy, vpos) = if below {
                (row - half, look.px(4.0), VPos::Top)
            } else {
                (row + half, -look.px(4.0), VPos::Bottom)
            };
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((inside(*v), edge))
                        + Text::new(
                            text.clone(),
                            (0, dy),
                            note.pos(Pos::new(HPos::Center, vpos)),
                        ),
                ))
                .drawn()?;
        }
    }
    Ok(())
}

/// 95% intervals drawn across row `row`, each with end caps.
fn whiskers<DB: DrawingBackend>(
    chart: &mut Plot<DB>,
    look: &Look,
    row: f64,
    intervals: &[(f64, f64)],
) -> Result<()> {
    let cap = 0.12;
    let ink = INK.stroke_width(look.upx(2.0));
    for &(lo, hi) in intervals
        .iter()
        .filter(|(lo, hi)| lo.is_finite() && hi.is_finite())
    {
        let lines = [
            vec![(lo, row), (hi, row)],
            vec![(lo, row - cap), (lo, row + cap)],
            vec![(hi, row - cap), (hi, row + cap)],
        ];
        chart
            .draw_series(lines.into_iter().map(|l| PathElement::new(l, ink)))
            .drawn()?;
    }
    Ok(())
}

/// A dashed line down the panel at the base scenario's value `v`.
fn base_line<DB: DrawingBackend>(
    chart: &mut Plot<DB>,
    look: &Look,
    layout: &Layout,
    v: f64,
) -> Result<()> {
    if !v.is_finite() {
        return Ok(());
    }
    dashed(
        chart,
        look,
        vec![(v, -0.5), (v, layout.keys() as f64 - 0.5)],
        MUTED,
    )
}

/// The keys that move the metric most and least, ordered only where
/// their swings' intervals say so.
pub fn caption(data: &SweepData, metric: usize) -> String {
    let series = data.series()[0];
    let mut fx = effects(data, series, metric);
    fx.sort_by(|a, b| b.swing().total_cmp(&a.swing()).then(a.key.cmp(&b.key)));
    let tiers = tiers(&fx);
    let Some(top) = tiers.first() else {
        return String::new();
    };
    let what = match series {
        Series::Difference => format!("the difference {}", data.series_title(series)),
        Series::Cohort(_) => data.series_title(series),
    };
    let key = |e: &Effect| key_name(&data.manifest.keys[e.key].key);
    let fmt = |x: f64| amount(data, metric, x);
    let with_ci = |e: &Effect| match crate::report::html::interval(
        e.swing.ci_low,
        e.swing.ci_high,
        e.swing.n,
    ) {
        Some((lo, hi)) => format!(
            "{} ({})",
            fmt(e.swing()),
            super::interval(data, metric, lo, hi)
        ),
        None => fmt(e.swing()),
    };
    let listed = |tier: &[&Effect]| {
        crate::chart::join(
            &tier
                .iter()
                .map(|e| format!("{} {}", key(e), with_ci(e)))
                .collect::<Vec<_>>(),
        )
    };
    let mut text = if let [only] = top.as_slice() {
        format!(
            "For {what}, {} matters most: {} at {}, {} at {} (a swing of {}; 95% interval, paired across replicates).",
            key(only),
            fmt(only.low.0),
            only.low.1,
            fmt(only.high.0),
            only.high.1,
            with_ci(only)
        )
    } else {
        format!(
            "For {what}, {} move it most, and their order is not known: their swings' 95% intervals overlap ({}).",
            crate::chart::join(&top.iter().map(|e| key(e)).collect::<Vec<_>>()),
            listed(top)
        )
    };
    if let Some(next) = tiers.get(1).filter(|_| tiers.len() > 2) {
        text.push_str(&match next.as_slice() {
            [only] => format!(" Next comes {}.", listed(&[only])),
            tied => format!(" Next come, tied, {}.", listed(tied)),
        });
    }
    if let Some(last) = tiers.last().filter(|_| tiers.len() > 1) {
        text.push_str(&match last.as_slice() {
            [only] => format!(" {} moves it least ({}).", key(only), with_ci(only)),
            tied => format!(
                " {} move it least, tied ({}).",
                crate::chart::join(&tied.iter().map(|e| key(e)).collect::<Vec<_>>()),
                tied.iter()
                    .map(|e| with_ci(e))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        });
    }
    text
}

/// Effects sorted by swing, cut into tiers: a key joins the tier above
/// while its swing's interval overlaps that of any key in it, so keys are
/// ordered only across tiers.
pub fn tiers(sorted: &[Effect]) -> Vec<Vec<&Effect>> {
    let mut out: Vec<Vec<&Effect>> = Vec::new();
    for e in sorted {
        match out.last_mut() {
            Some(tier) if tier.iter().any(|t| t.tied_with(e)) => tier.push(e),
            _ => out.push(vec![e]),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn effect(key: usize, swing: f64, half: f64) -> Effect {
        Effect {
            key,
            low: (0.0, "lo".into()),
            high: (swing, "hi".into()),
            min: 0.0,
            max: swing,
            min_ci: (0.0, 0.0),
            max_ci: (swing, swing),
            swing: Stat {
                mean: swing,
                sd: 0.0,
                ci_low: swing - half,
                ci_high: swing + half,
                n: 3,
            },
        }
    }

    #[test]
    fn keys_whose_swings_overlap_share_a_tier() {
        let fx = vec![
            effect(0, 10.0, 1.0),
            effect(1, 9.5, 1.0),
            effect(2, 5.0, 0.5),
            effect(3, 0.2, 0.3),
            effect(4, 0.1, 0.3),
        ];
        let keys: Vec<Vec<usize>> = tiers(&fx)
            .iter()
            .map(|t| t.iter().map(|e| e.key).collect())
            .collect();
        assert_eq!(keys, [vec![0, 1], vec![2], vec![3, 4]]);
    }
}
