//! The calibration's charts, in the look of every netgrow chart
//! ([`crate::chart::style`]), each a pure function of the calibration and
//! drawn onto any plotters backend:
//!
//! - marginals: each key's posterior against its prior, a panel per key;
//! - pairs: the two keys whose posterior values go most closely together
//!   (one key: the key against each candidate's distance);
//! - fit: each target against the calibrated scenario, in units of the
//!   target's uncertainty.
//!
//! A key is drawn along its prior's own scale (log for a log-uniform
//! prior), so the prior is flat and a posterior narrower than it is
//! visibly so.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::posterior::column;
use super::prior::Prior;
use super::report::{short, Calibration};
use crate::chart::numbers::fixed;
use crate::chart::style::{
    axes_look, dashed, frame, grid, series_colour, titled, Drawn, Header, LegendItem, Look, Mark,
    Ticked, MUTED, NON_MEMBER,
};
use crate::chart::{ChartOptions, Picture};
use crate::sweep::chart::scatter::correlation;

/// One chart of a calibration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalibrationChart {
    Marginals,
    Pairs,
    Fit,
}

/// Bars of a marginal histogram.
const BINS: usize = 20;

impl CalibrationChart {
    /// Every chart, in the order the report shows them.
    pub const ALL: [CalibrationChart; 3] = [
        CalibrationChart::Marginals,
        CalibrationChart::Pairs,
        CalibrationChart::Fit,
    ];

    /// File name without extension.
    pub fn name(self) -> &'static str {
        match self {
            CalibrationChart::Marginals => "calibration_marginals",
            CalibrationChart::Pairs => "calibration_pairs",
            CalibrationChart::Fit => "calibration_fit",
        }
    }

    /// The title drawn on the chart and used as the report's heading.
    pub fn title(self, c: &Calibration) -> String {
        match self {
            CalibrationChart::Marginals => "What the targets say about each key".into(),
            CalibrationChart::Pairs => match pair(c) {
                Some(_) => "The two most correlated keys".into(),
                None => "How close each candidate came".into(),
            },
            CalibrationChart::Fit => "Targets against the calibrated scenario".into(),
        }
    }

    /// What the chart shows, computed from the same numbers.
    pub fn caption(self, c: &Calibration) -> String {
        match self {
            CalibrationChart::Marginals => marginals_caption(c),
            CalibrationChart::Pairs => match pair(c) {
                Some((a, b, r)) => format!(
                    "Among the kept candidates, after adjustment, {} and {} have correlation r = {}: the targets pin down a combination of them more than either alone.",
                    c.targets.priors[a].key,
                    c.targets.priors[b].key,
                    fixed(r, 2)
                ),
                None => "Every candidate's value against its distance to the targets; the kept ones are coloured.".into(),
            },
            CalibrationChart::Fit => fit_caption(c),
        }
    }

    fn draw<DB: DrawingBackend>(
        self,
        c: &Calibration,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<()> {
        let (w, h) = root.dim_in_pixel();
        let look = Look::new(w, h);
        let title = self.title(c);
        match self {
            CalibrationChart::Marginals => draw_marginals(c, root, &look, &title),
            CalibrationChart::Pairs => draw_pairs(c, root, &look, &title),
            CalibrationChart::Fit => draw_fit(c, root, &look, &title),
        }
    }
}

impl Picture for (&Calibration<'_>, CalibrationChart) {
    fn file_name(&self) -> String {
        self.1.name().to_string()
    }

    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        self.1.draw(self.0, root)
    }
}

/// Draws every chart into `dir/charts/`, as the options ask.
pub fn draw_all(c: &Calibration, dir: &Path, options: &ChartOptions) -> Result<Vec<PathBuf>> {
    let out = dir.join("charts");
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut drawn = Vec::new();
    for chart in CalibrationChart::ALL {
        for ext in options.format.extensions() {
            let path = out.join(format!("{}.{ext}", chart.name()));
            if *ext == "svg" {
                let svg = render_svg(c, chart, options.width, options.height)?;
                crate::sweep::store::write_file(&path, svg.as_bytes())?;
            } else {
                crate::chart::png_file(&(c, chart), options.width, options.height, &path)?;
            }
            drawn.push(path);
        }
    }
    Ok(drawn)
}

/// Draws one chart as SVG text.
pub fn render_svg(
    c: &Calibration,
    chart: CalibrationChart,
    width: u32,
    height: u32,
) -> Result<String> {
    crate::chart::svg_text(&(c, chart), width, height)
}

/// An axis along a prior's own scale: positions 0 to 1, labelled with the
/// values there.
fn prior_axis(p: &Prior) -> (Ticked, impl Fn(&f64) -> String + '_) {
    let ticks = vec![0.0, 0.25, 0.5, 0.75, 1.0];
    (Ticked::new(-0.02..1.02, ticks), move |u: &f64| {
        short(p.at(*u))
    })
}

/// The share of the total weight in each of [`BINS`] equal bins of
/// positions 0 to 1, as a density (1 everywhere for the prior).
fn histogram(positions: &[f64], weights: &[f64]) -> Vec<f64> {
    let mut bins = vec![0.0; BINS];
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return bins;
    }
    for (u, w) in positions.iter().zip(weights) {
        let b = ((u * BINS as f64) as usize).min(BINS - 1);
        bins[b] += w / total * BINS as f64;
    }
    bins
}

fn draw_marginals<DB: DrawingBackend>(
    c: &Calibration,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let post = series_colour(1);
    let legend = [
        LegendItem::new(Mark::Swatch(post), "posterior (adjusted)"),
        LegendItem::new(Mark::Dashed(MUTED), "prior"),
        LegendItem::new(Mark::Line(series_colour(0)), "median and 90% interval"),
    ];
    let subtitle = format!(
        "Each key along its prior's scale; bars: the {} kept candidates after regression adjustment, weighted by closeness.",
        c.fitted.posterior.accepted.len()
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
    let weights = &c.fitted.posterior.weights;
    let priors = &c.targets.priors;
    let bars: Vec<Vec<f64>> = priors
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let u: Vec<f64> = column(&c.fitted.adjusted, k)
                .iter()
                .map(|&x| p.position(x))
                .collect();
            histogram(&u, weights)
        })
        .collect();
    let top = bars.iter().flatten().fold(1.0f64, |m, &b| m.max(b)) * 1.15;
    for (k, panel) in grid(&area, priors.len()).iter().enumerate() {
        let p = &priors[k];
        let inner = titled(panel, look, &p.key)?;
        let (x, x_fmt) = prior_axis(p);
        let mut chart = ChartBuilder::on(&inner)
            .margin_left(look.px(10.0))
            .margin_right(look.px(30.0))
            .margin_bottom(look.px(6.0))
            .x_label_area_size(look.px(60.0))
            .y_label_area_size(look.px(80.0))
            .build_cartesian_2d(x, 0.0..top)
            .drawn()?;
        axes_look(&mut chart.configure_mesh(), look)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&|v| fixed(*v, 1))
            .y_desc("density")
            .draw()
            .drawn()?;
        let width = 1.0 / BINS as f64;
        chart
            .draw_series(bars[k].iter().enumerate().map(|(b, &h)| {
                let x0 = b as f64 * width;
                Rectangle::new([(x0, 0.0), (x0 + width, h)], post.mix(0.6).filled())
            }))
            .drawn()?;
        dashed(&mut chart, look, vec![(0.0, 1.0), (1.0, 1.0)], MUTED)?;
        let i = &c.fitted.intervals[k];
        let (lo, hi) = i.ninety();
        let y = top * 0.93;
        let ink = series_colour(0);
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(p.position(lo), y), (p.position(hi), y)],
                ink.stroke_width(look.line()),
            )))
            .drawn()?;
        chart
            .draw_series(std::iter::once(Circle::new(
                (p.position(i.median()), y),
                look.px(9.0),
                ink.filled(),
            )))
            .drawn()?;
    }
    Ok(())
}

fn marginals_caption(c: &Calibration) -> String {
    let parts: Vec<String> = c
        .targets
        .priors
        .iter()
        .zip(&c.fitted.intervals)
        .map(|(p, i)| {
            let (lo, hi) = i.ninety();
            let share = p.width_of(lo, hi);
            format!(
                "{} {} (90%: {} to {}, {}% of its prior's range)",
                p.key,
                short(p.rounded(i.median())),
                short(lo),
                short(hi),
                (share * 100.0).round()
            )
        })
        .collect();
    format!("Posterior medians: {}.", parts.join("; "))
}

/// The two keys whose adjusted posterior values correlate most strongly,
/// and their correlation; `None` with fewer than two keys.
pub fn pair(c: &Calibration) -> Option<(usize, usize, f64)> {
    let free = &c.fitted.posterior.adjusted;
    let n = c.targets.priors.len();
    let mut best: Option<(usize, usize, f64)> = None;
    for a in 0..n {
        for b in a + 1..n {
            let r = correlation(&column(free, a), &column(free, b));
            let r = if r.is_finite() { r } else { 0.0 };
            if best.is_none_or(|(_, _, s)| r.abs() > s.abs()) {
                best = Some((a, b, r));
            }
        }
    }
    best
}

fn draw_pairs<DB: DrawingBackend>(
    c: &Calibration,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let kept = series_colour(0);
    let adjusted = series_colour(1);
    let legend = [
        LegendItem::new(Mark::Dot(NON_MEMBER), "candidate"),
        LegendItem::new(Mark::Dot(kept), "kept, as drawn"),
        LegendItem::new(Mark::Dot(adjusted), "kept, adjusted"),
    ];
    let priors = &c.targets.priors;
    let subtitle = match pair(c) {
        Some((a, b, _)) => format!(
            "{} and {}, along their priors' scales. Adjustment moves each kept candidate to where its statistics would meet the targets.",
            priors[a].key, priors[b].key
        ),
        None => format!(
            "{}, along its prior's scale, against each candidate's distance to the targets.",
            priors[0].key
        ),
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
    let Some((a, b, _)) = pair(c) else {
        return draw_distances(c, &area, look);
    };
    let (pa, pb) = (&priors[a], &priors[b]);
    let (x, x_fmt) = prior_axis(pa);
    let (y, y_fmt) = prior_axis(pb);
    let mut chart = ChartBuilder::on(&area)
        .margin(look.px(20.0))
        .x_label_area_size(look.px(90.0))
        .y_label_area_size(look.px(120.0))
        .build_cartesian_2d(x, y)
        .drawn()?;
    axes_look(&mut chart.configure_mesh(), look)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_desc(pa.key.as_str())
        .y_desc(pb.key.as_str())
        .draw()
        .drawn()?;
    let at = |row: &Vec<f64>| (pa.position(row[a]), pb.position(row[b]));
    let dot = look.px(5.0);
    chart
        .draw_series(
            c.candidates
                .iter()
                .map(|r| Circle::new(at(r), dot, NON_MEMBER.mix(0.5).filled())),
        )
        .drawn()?;
    chart
        .draw_series(
            c.fitted
                .raw
                .iter()
                .map(|r| Circle::new(at(r), dot, kept.mix(0.7).filled())),
        )
        .drawn()?;
    chart
        .draw_series(
            c.fitted
                .adjusted
                .iter()
                .map(|r| Circle::new(at(r), dot, adjusted.filled())),
        )
        .drawn()?;
    Ok(())
}

/// One fitted key: every candidate's value against its distance.
fn draw_distances<DB: DrawingBackend>(
    c: &Calibration,
    area: &DrawingArea<DB, Shift>,
    look: &Look,
) -> Result<()> {
    let p = &c.targets.priors[0];
    let observed: Vec<f64> = c.targets.targets.iter().map(|t| t.mean).collect();
    let scale: Vec<f64> = c.targets.targets.iter().map(|t| t.sd).collect();
    let d: Vec<f64> = c
        .fitted
        .observed_as
        .iter()
        .map(|s| super::abc::distance(s, &observed, &scale))
        .collect();
    let top = d
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .fold(1.0f64, f64::max)
        * 1.05;
    let (x, x_fmt) = prior_axis(p);
    let mut chart = ChartBuilder::on(area)
        .margin(look.px(20.0))
        .x_label_area_size(look.px(90.0))
        .y_label_area_size(look.px(120.0))
        .build_cartesian_2d(x, 0.0..top)
        .drawn()?;
    axes_look(&mut chart.configure_mesh(), look)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&|v| fixed(*v, 1))
        .x_desc(p.key.as_str())
        .y_desc("distance to the targets")
        .draw()
        .drawn()?;
    let kept = &c.fitted.posterior.accepted;
    chart
        .draw_series(
            c.candidates
                .iter()
                .zip(&d)
                .enumerate()
                .filter(|(_, (_, d))| d.is_finite())
                .map(|(i, (row, d))| {
                    let colour = if kept.contains(&i) {
                        series_colour(0)
                    } else {
                        NON_MEMBER
                    };
                    Circle::new((p.position(row[0]), *d), look.px(5.0), colour.filled())
                }),
        )
        .drawn()?;
    Ok(())
}

/// How far the simulated mean is from the observed one, in the target's
/// standard deviations, with its 95% interval.
fn z_interval(c: &Calibration, t: usize) -> (f64, f64, f64) {
    let target = &c.targets.targets[t];
    let s = &c.simulated[t];
    let z = |x: f64| (x - target.mean) / target.sd;
    let (lo, hi) = if s.ci_low.is_finite() {
        (z(s.ci_low), z(s.ci_high))
    } else {
        (z(s.mean), z(s.mean))
    };
    (z(s.mean), lo, hi)
}

fn draw_fit<DB: DrawingBackend>(
    c: &Calibration,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let sim = series_colour(1);
    let legend = [
        LegendItem::new(Mark::Swatch(NON_MEMBER), "observed ± 1.96 sd"),
        LegendItem::new(Mark::Line(sim), "simulated, 95% interval"),
    ];
    let subtitle = "Each target in units of its own uncertainty: 0 is the observed figure, the grey band its 95% range.";
    let area = frame(
        root,
        look,
        &Header {
            title,
            subtitle,
            legend: &legend,
        },
    )?;
    let targets = &c.targets.targets;
    let n = targets.len();
    let zs: Vec<(f64, f64, f64)> = (0..n).map(|t| z_interval(c, t)).collect();
    let reach = zs
        .iter()
        .flat_map(|&(m, lo, hi)| [m, lo, hi])
        .filter(|x| x.is_finite())
        .fold(3.0f64, |m, x| m.max(x.abs()))
        * 1.1;
    let labels: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
    let mut chart = ChartBuilder::on(&area)
        .margin(look.px(20.0))
        .x_label_area_size(look.px(90.0))
        .y_label_area_size(look.px(320.0))
        .build_cartesian_2d(-reach..reach, Ticked::categories(n))
        .drawn()?;
    axes_look(&mut chart.configure_mesh(), look)
        .x_label_formatter(&|v| fixed(*v, 0))
        .y_label_formatter(&|v| crate::chart::style::category_label(&labels, *v))
        .x_desc("(simulated − observed) / observed sd")
        .draw()
        .drawn()?;
    chart
        .draw_series((0..n).map(|t| {
            let y = t as f64;
            Rectangle::new(
                [(-1.96, y - 0.3), (1.96, y + 0.3)],
                NON_MEMBER.mix(0.35).filled(),
            )
        }))
        .drawn()?;
    for (t, &(m, lo, hi)) in zs.iter().enumerate() {
        if !m.is_finite() {
            continue;
        }
        let y = t as f64;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(lo.max(-reach), y), (hi.min(reach), y)],
                sim.stroke_width(look.line()),
            )))
            .drawn()?;
        chart
            .draw_series(std::iter::once(Circle::new(
                (m.clamp(-reach, reach), y),
                look.px(10.0),
                sim.filled(),
            )))
            .drawn()?;
    }
    Ok(())
}

fn fit_caption(c: &Calibration) -> String {
    let outside: Vec<String> = c
        .targets
        .targets
        .iter()
        .enumerate()
        .filter(|&(t, _)| z_interval(c, t).0.abs() > 1.96)
        .map(|(_, target)| target.name.clone())
        .collect();
    if outside.is_empty() {
        "The calibrated scenario's mean lies within every target's 95% range.".into()
    } else {
        format!(
            "The calibrated scenario misses {} by more than its 95% range: with the keys fitted, the model cannot reach {} there.",
            crate::chart::join(&outside),
            if outside.len() == 1 { "that figure" } else { "those figures" }
        )
    }
}
