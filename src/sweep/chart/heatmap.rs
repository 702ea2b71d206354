//! Two keys on a grid: the metric over both, a panel per cohort on one
//! colour scale; and the paired difference between the compared cohorts
//! on a diverging scale, with the zero contour — the line along which one
//! cohort overtakes the other — drawn through it.
//!
//! Cells sit evenly whatever the spacing of the values (a log range reads
//! as evenly as a linear one); each axis is labelled with the values
//! themselves. The zero contour is traced by marching squares between cell
//! centres, interpolating linearly, with a saddle decided by the mean of
//! its four corners.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{amount, replicates, KeyAxis};
use crate::chart::numbers;
use crate::chart::style::{
    frame, series_colour, Drawn, Header, LegendItem, Look, Mark, Ticked, INK,
};
use crate::metrics::Stat;
use crate::sweep::results::SweepData;

/// A grid of statistics: `cells[j][i]` at x value i and y value j.
pub struct Grid {
    pub x: KeyAxis,
    pub y: KeyAxis,
    pub cells: Vec<Vec<Option<Stat>>>,
}

impl Grid {
    /// The grid of `stat(point)` over the sweep's two keys.
    pub fn of(data: &SweepData, stat: impl Fn(usize) -> Option<Stat>) -> Grid {
        let x = KeyAxis::new(data, 0);
        let y = KeyAxis::new(data, 1);
        let mut cells = vec![vec![None; x.values.len()]; y.values.len()];
        for (p, info) in data.manifest.points.iter().enumerate() {
            if let (Some(i), Some(j)) = (x.index(&info.values[0]), y.index(&info.values[1])) {
                if cells[j][i].is_none() {
                    cells[j][i] = stat(p);
                }
            }
        }
        Grid { x, y, cells }
    }

    /// Every cell's mean with its position (i, j).
    fn means(&self) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
        self.cells.iter().enumerate().flat_map(|(j, row)| {
            row.iter()
                .enumerate()
                .filter_map(move |(i, s)| s.map(|s| (i, j, s.mean)))
        })
    }
}

/// Viridis, sampled at five stops: perceptually even and colour-blind safe.
const VIRIDIS: [(u8, u8, u8); 5] = [
    (0x44, 0x01, 0x54),
    (0x3B, 0x52, 0x8B),
    (0x21, 0x91, 0x8C),
    (0x5E, 0xC9, 0x62),
    (0xFD, 0xE7, 0x25),
];

fn mix(a: (u8, u8, u8), b: (u8, u8, u8), t: f64) -> RGBColor {
    let f = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    RGBColor(f(a.0, b.0), f(a.1, b.1), f(a.2, b.2))
}

/// The sequential colour of `t` ∈ [0, 1].
pub fn sequential(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let s = t * (VIRIDIS.len() - 1) as f64;
    let i = (s.floor() as usize).min(VIRIDIS.len() - 2);
    mix(VIRIDIS[i], VIRIDIS[i + 1], s - i as f64)
}

/// The diverging colour of `t` ∈ [−1, 1]: white at 0, towards `positive`'s
/// colour above and `negative`'s below (the cohorts' own colours).
pub fn diverging(t: f64, positive: RGBColor, negative: RGBColor) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let white = (0xF7, 0xF7, 0xF7);
    let end = if t >= 0.0 { positive } else { negative };
    mix(white, (end.0, end.1, end.2), t.abs())
}

/// Black or white, whichever reads on `background`.
fn ink_on(background: RGBColor) -> RGBColor {
    let l = 0.299 * f64::from(background.0)
        + 0.587 * f64::from(background.1)
        + 0.114 * f64::from(background.2);
    if l > 140.0 {
        INK
    } else {
        WHITE
    }
}

/// Segments (in cell coordinates) of the contour where the grid's means
/// cross zero.
pub fn zero_contour(values: &[Vec<Option<f64>>]) -> Vec<[(f64, f64); 2]> {
    let ny = values.len();
    let nx = values.first().map_or(0, Vec::len);
    let mut out = Vec::new();
    let at = |i: usize, j: usize| values[j][i];
    let cross = |a: f64, b: f64| (a >= 0.0) != (b >= 0.0);
    // Along a single row or column, mark each crossing between neighbours
    // with a line across the cell height (or width).
    if ny == 1 || nx == 1 {
        let n = nx.max(ny);
        for k in 0..n.saturating_sub(1) {
            let (a, b) = if ny == 1 {
                (at(k, 0), at(k + 1, 0))
            } else {
                (at(0, k), at(0, k + 1))
            };
            if let (Some(a), Some(b)) = (a, b) {
                if cross(a, b) {
                    let t = k as f64 + a / (a - b);
                    out.push(if ny == 1 {
                        [(t, -0.5), (t, 0.5)]
                    } else {
                        [(-0.5, t), (0.5, t)]
                    });
                }
            }
        }
        return out;
    }
    for j in 0..ny - 1 {
        for i in 0..nx - 1 {
            let (Some(v00), Some(v10), Some(v01), Some(v11)) =
                (at(i, j), at(i + 1, j), at(i, j + 1), at(i + 1, j + 1))
            else {
                continue;
            };
            let (x, y) = (i as f64, j as f64);
            let mut pts = Vec::new();
            // Edges in order round the square: bottom, right, top, left.
            if cross(v00, v10) {
                pts.push((x + v00 / (v00 - v10), y));
            }
            if cross(v10, v11) {
                pts.push((x + 1.0, y + v10 / (v10 - v11)));
            }
            if cross(v01, v11) {
                pts.push((x + v01 / (v01 - v11), y + 1.0));
            }
            if cross(v00, v01) {
                pts.push((x, y + v00 / (v00 - v01)));
            }
            match pts.len() {
                2 => out.push([pts[0], pts[1]]),
                4 => {
                    // A saddle: the centre's sign says which corners join.
                    let centre = (v00 + v10 + v01 + v11) / 4.0;
                    if (centre >= 0.0) == (v00 >= 0.0) {
                        out.push([pts[0], pts[1]]);
                        out.push([pts[2], pts[3]]);
                    } else {
                        out.push([pts[0], pts[3]]);
                        out.push([pts[1], pts[2]]);
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// How a panel colours and labels its cells.
struct Scale<'a> {
    lo: f64,
    hi: f64,
    colour: &'a dyn Fn(f64) -> RGBColor,
    label: &'a dyn Fn(&Stat) -> String,
}

/// Draws one grid panel with its cells, labels and (optionally) contour.
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    look: &Look,
    grid: &Grid,
    scale: &Scale,
    contour: Option<&[[(f64, f64); 2]]>,
) -> Result<()> {
    let nx = grid.x.values.len();
    let ny = grid.y.values.len();
    let xs = Ticked::new(-0.5..nx as f64 - 0.5, index_ticks(nx));
    let ys = Ticked::new(-0.5..ny as f64 - 0.5, index_ticks(ny));
    let mut chart = ChartBuilder::on(area)
        .margin_left(look.px(10.0))
        .margin_right(look.px(20.0))
        .margin_top(look.px(10.0))
        .margin_bottom(look.px(6.0))
        .x_label_area_size(look.px(92.0))
        .y_label_area_size(look.px(130.0))
        .build_cartesian_2d(xs, ys)
        .drawn()?;
    let x_label = |v: &f64| label_at(&grid.x, *v);
    let y_label = |v: &f64| label_at(&grid.y, *v);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(grid.x.desc())
        .y_desc(grid.y.desc())
        .axis_desc_style(look.axis_desc())
        .label_style(look.tick())
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .axis_style(INK.stroke_width(look.upx(2.0)))
        .set_all_tick_mark_size(look.px(8.0))
        .draw()
        .drawn()?;
    let width = (scale.hi - scale.lo).max(f64::MIN_POSITIVE);
    let labelled = nx * ny <= 144;
    let fill = |cell: &Option<Stat>| match cell {
        Some(s) if s.mean.is_finite() => (scale.colour)((s.mean - scale.lo) / width),
        _ => RGBColor(0xFF, 0xFF, 0xFF),
    };
    for (j, row) in grid.cells.iter().enumerate() {
        for (i, cell) in row.iter().enumerate() {
            let (x, y) = (i as f64, j as f64);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                    fill(cell).filled(),
                )))
                .drawn()?;
        }
    }
    // The contour runs between cell centres, where the labels are: drawn
    // before them, it passes under a label instead of striking it out.
    if let Some(segments) = contour {
        for seg in segments {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    seg.to_vec(),
                    INK.stroke_width(look.upx(6.0)),
                )))
                .drawn()?;
        }
    }
    // Cells per pixel, to size a label's backing in the chart's units.
    let (pw, ph) = chart.plotting_area().dim_in_pixel();
    let per_px = (nx as f64 / pw.max(1) as f64, ny as f64 / ph.max(1) as f64);
    for (j, row) in grid.cells.iter().enumerate() {
        for (i, cell) in row.iter().enumerate() {
            if let (true, Some(s)) = (labelled, cell) {
                let (x, y) = (i as f64, j as f64);
                let label = (scale.label)(s);
                let ink = ink_on(fill(cell));
                let style = look
                    .value_label()
                    .color(&ink)
                    .pos(Pos::new(HPos::Center, VPos::Center));
                // A backing of the cell's own colour keeps the label legible
                // where the contour runs beneath it.
                let (w, h) = area.estimate_text_size(&label, &style).drawn()?;
                let (hw, hh) = (
                    (w as f64 / 2.0 + look.px(6.0) as f64) * per_px.0,
                    (h as f64 / 2.0 + look.px(3.0) as f64) * per_px.1,
                );
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x - hw, y - hh), (x + hw, y + hh)],
                        fill(cell).filled(),
                    )))
                    .drawn()?;
                chart
                    .draw_series(std::iter::once(Text::new(label, (x, y), style)))
                    .drawn()?;
            }
        }
    }
    Ok(())
}

fn index_ticks(n: usize) -> Vec<f64> {
    let every = n.div_ceil(12).max(1);
    (0..n)
        .filter(|i| i % every == 0 || i + 1 == n)
        .map(|i| i as f64)
        .collect()
}

fn label_at(axis: &KeyAxis, v: f64) -> String {
    let i = v.round();
    if (v - i).abs() < 1e-9 && i >= 0.0 {
        axis.values
            .get(i as usize)
            .map_or_else(String::new, |(t, _)| t.clone())
    } else {
        String::new()
    }
}

/// A vertical colour bar from `lo` to `hi`, labelled at `ticks`.
fn colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    look: &Look,
    lo: f64,
    hi: f64,
    colour: &dyn Fn(f64) -> RGBColor,
    ticks: &[(f64, String)],
) -> Result<()> {
    let (_, h) = area.dim_in_pixel();
    let top = look.px(30.0);
    let bottom = h as i32 - look.px(110.0);
    let left = look.px(10.0);
    let width = look.px(34.0);
    let steps = 60;
    let span = (bottom - top).max(1);
    for k in 0..steps {
        let y0 = bottom - span * k / steps;
        let y1 = bottom - span * (k + 1) / steps;
        let t = (k as f64 + 0.5) / steps as f64;
        area.draw(&Rectangle::new(
            [(left, y1), (left + width, y0)],
            colour(t).filled(),
        ))
        .drawn()?;
    }
    area.draw(&Rectangle::new(
        [(left, top), (left + width, bottom)],
        INK.stroke_width(look.upx(1.5)),
    ))
    .drawn()?;
    let style = look.tick().pos(Pos::new(HPos::Left, VPos::Center));
    let w = (hi - lo).max(f64::MIN_POSITIVE);
    for (v, text) in ticks {
        let y = bottom - ((v - lo) / w * f64::from(span)).round() as i32;
        area.draw(&PathElement::new(
            vec![(left + width, y), (left + width + look.px(8.0), y)],
            INK.stroke_width(look.upx(2.0)),
        ))
        .drawn()?;
        area.draw_text(text, &style, (left + width + look.px(14.0), y))
            .drawn()?;
    }
    Ok(())
}

/// The metric over both keys, a panel per cohort on one scale.
pub fn draw<DB: DrawingBackend>(
    data: &SweepData,
    metric: usize,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let year = data.last_year();
    let grids: Vec<Grid> = (0..data.manifest.cohorts.len())
        .map(|c| Grid::of(data, |p| Some(data.stat(p, c, year, metric))))
        .collect();
    let (lo, hi) = grids
        .iter()
        .flat_map(|g| g.means().map(|(_, _, v)| v))
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    let (lo, hi) = if lo.is_finite() {
        (lo, hi.max(lo + 1e-12))
    } else {
        (0.0, 1.0)
    };
    let subtitle = format!(
        "Mean per member over {} in each cell, one colour scale for all panels.",
        replicates(data)
    );
    let area = frame(
        root,
        look,
        &Header {
            title,
            subtitle: &subtitle,
            legend: &[],
        },
    )?;
    let (w, _) = area.dim_in_pixel();
    let (panels_area, bar_area) = area.split_horizontally(w as i32 - look.px(220.0));
    let panels = panels_area.split_evenly((1, grids.len().max(1)));
    let colour = |t: f64| sequential(t);
    let label = |s: &Stat| short(data, metric, s.mean);
    for (c, (grid, a)) in grids.iter().zip(&panels).enumerate() {
        let heading = look.panel_title(series_colour(c));
        a.draw_text(
            &data.manifest.cohorts[c],
            &heading,
            (look.px(150.0), look.px(4.0)),
        )
        .drawn()?;
        let inner = a.split_vertically(look.px(52.0)).1;
        panel(
            &inner,
            look,
            grid,
            &Scale {
                lo,
                hi,
                colour: &colour,
                label: &label,
            },
            None,
        )?;
    }
    let ticks: Vec<(f64, String)> = [lo, (lo + hi) / 2.0, hi]
        .iter()
        .map(|&v| (v, short(data, metric, v)))
        .collect();
    colour_bar(
        &bar_area.split_vertically(look.px(52.0)).1,
        look,
        lo,
        hi,
        &colour,
        &ticks,
    )
}

/// The mark before a difference whose 95% interval includes zero: "about",
/// not a sign a business reader would take for a loss (as brackets are).
pub const UNCLEAR: &str = "≈";

/// What [`UNCLEAR`] means, as the chart and its caption say it.
const UNCLEAR_NOTE: &str =
    "≈ before a value: its 95% interval includes zero, so neither cohort is clearly ahead there.";

/// The paired difference over both keys, with its zero contour.
pub fn draw_difference<DB: DrawingBackend>(
    data: &SweepData,
    metric: usize,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let year = data.last_year();
    let Some((a, b)) = data.difference_cohorts() else {
        return Ok(());
    };
    let grid = Grid::of(data, |p| data.difference(p, year, metric));
    let reach = grid
        .means()
        .map(|(_, _, v)| v.abs())
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max)
        .max(1e-12);
    let (pos, neg) = (series_colour(a), series_colour(b));
    let names = &data.manifest.cohorts;
    let legend = vec![
        LegendItem::new(Mark::Swatch(pos), format!("{} ahead", names[a])),
        LegendItem::new(Mark::Swatch(neg), format!("{} ahead", names[b])),
        LegendItem::new(Mark::Line(INK), "zero: level"),
    ];
    let subtitle = format!(
        "Difference of the cohorts' means, replicate by replicate, over {}. {}",
        replicates(data),
        UNCLEAR_NOTE
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
    let (w, _) = area.dim_in_pixel();
    let (main, bar_area) = area.split_horizontally(w as i32 - look.px(220.0));
    // Map [−reach, reach] onto [0, 1] for the panel's scale.
    let colour = move |t: f64| diverging(t * 2.0 - 1.0, pos, neg);
    let label = |s: &Stat| {
        let text = short(data, metric, s.mean);
        if s.ci_low > 0.0 || s.ci_high < 0.0 {
            text
        } else {
            format!("{UNCLEAR}{text}")
        }
    };
    let values: Vec<Vec<Option<f64>>> = grid
        .cells
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| c.map(|s| s.mean).filter(|v| v.is_finite()))
                .collect()
        })
        .collect();
    let contour = zero_contour(&values);
    panel(
        &main,
        look,
        &grid,
        &Scale {
            lo: -reach,
            hi: reach,
            colour: &colour,
            label: &label,
        },
        Some(&contour),
    )?;
    let ticks: Vec<(f64, String)> = [-reach, 0.0, reach]
        .iter()
        .map(|&v| (v, short(data, metric, v)))
        .collect();
    colour_bar(&bar_area, look, -reach, reach, &colour, &ticks)
}

/// A cell label: short money or a short number.
fn short(data: &SweepData, metric: usize, x: f64) -> String {
    if crate::sweep::measure::HEADLINES[metric].money {
        numbers::money_short(&data.scenario.economy.currency, x)
    } else {
        numbers::amount(x)
    }
}

/// Where each cohort is highest and lowest.
pub fn caption(data: &SweepData, metric: usize) -> String {
    let year = data.last_year();
    let grid_keys = (&data.manifest.keys[0].key, &data.manifest.keys[1].key);
    let mut parts = Vec::new();
    for (c, name) in data.manifest.cohorts.iter().enumerate() {
        let stats: Vec<(usize, f64)> = (0..data.points.len())
            .map(|p| (p, data.stat(p, c, year, metric).mean))
            .filter(|(_, v)| v.is_finite())
            .collect();
        let (Some(hi), Some(lo)) = (
            stats.iter().max_by(|a, b| a.1.total_cmp(&b.1)),
            stats.iter().min_by(|a, b| a.1.total_cmp(&b.1)),
        ) else {
            continue;
        };
        let at = |p: usize| {
            let v = &data.manifest.points[p].values;
            format!("{} = {}, {} = {}", grid_keys.0, v[0], grid_keys.1, v[1])
        };
        parts.push(format!(
            "{name} ranges from {} ({}) to {} ({})",
            amount(data, metric, lo.1),
            at(lo.0),
            amount(data, metric, hi.1),
            at(hi.0)
        ));
    }
    format!("{}.", crate::chart::sentence(&parts.join("; ")))
}

/// Where the difference is positive, negative, or not clear of zero.
pub fn difference_caption(data: &SweepData, metric: usize) -> String {
    let year = data.last_year();
    let (Some(label), Some((a, b))) = (data.difference_title(), data.difference_cohorts()) else {
        return String::new();
    };
    let names = &data.manifest.cohorts;
    let diffs: Vec<Stat> = (0..data.points.len())
        .filter_map(|p| data.difference(p, year, metric))
        .collect();
    let n = diffs.len();
    let ahead = diffs.iter().filter(|s| s.ci_low > 0.0).count();
    let behind = diffs.iter().filter(|s| s.ci_high < 0.0).count();
    let unclear = n - ahead - behind;
    let values: Vec<Vec<Option<f64>>> = Grid::of(data, |p| data.difference(p, year, metric))
        .cells
        .iter()
        .map(|row| row.iter().map(|c| c.map(|s| s.mean)).collect())
        .collect();
    let crossing = if zero_contour(&values).is_empty() {
        "The difference does not change sign on this grid, so there is no zero contour.".to_string()
    } else {
        "The black line is the zero contour: on one side one cohort is ahead, on the other side the other.".to_string()
    };
    format!(
        "{label}: {} is clearly ahead at {ahead} of {n} points, {} at {behind}, and at {unclear} the 95% interval includes zero. {crossing} {UNCLEAR_NOTE}",
        names[a], names[b]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contour_runs_between_cells_of_opposite_sign() {
        // Positive on the left column, negative on the right: a vertical
        // line halfway between them.
        let v = vec![vec![Some(1.0), Some(-1.0)], vec![Some(1.0), Some(-1.0)]];
        let segs = zero_contour(&v);
        assert_eq!(segs.len(), 1);
        for (x, _) in segs[0] {
            assert!((x - 0.5).abs() < 1e-12);
        }
        // Interpolated: 3 and −1 cross a quarter of the way from −1.
        let v = vec![vec![Some(3.0), Some(-1.0)], vec![Some(3.0), Some(-1.0)]];
        assert!((zero_contour(&v)[0][0].0 - 0.75).abs() < 1e-12);
        // No sign change, no contour.
        let v = vec![vec![Some(1.0), Some(2.0)], vec![Some(3.0), Some(4.0)]];
        assert!(zero_contour(&v).is_empty());
        // A saddle gives two segments.
        let v = vec![vec![Some(1.0), Some(-1.0)], vec![Some(-1.0), Some(1.0)]];
        assert_eq!(zero_contour(&v).len(), 2);
        // A single row crosses between its cells.
        let v = vec![vec![Some(-2.0), Some(-1.0), Some(1.0)]];
        let segs = zero_contour(&v);
        assert_eq!(segs.len(), 1);
        assert!((segs[0][0].0 - 1.5).abs() < 1e-12);
    }

    #[test]
    fn colour_scales_run_between_their_ends() {
        assert_eq!(sequential(0.0), RGBColor(0x44, 0x01, 0x54));
        assert_eq!(sequential(1.0), RGBColor(0xFD, 0xE7, 0x25));
        let (p, n) = (RGBColor(0, 0, 255), RGBColor(255, 0, 0));
        assert_eq!(diverging(1.0, p, n), p);
        assert_eq!(diverging(-1.0, p, n), n);
        assert_eq!(diverging(0.0, p, n), RGBColor(0xF7, 0xF7, 0xF7));
    }
}
