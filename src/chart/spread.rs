//! The spread of outcomes across members: final-year referrals and revenue
//! of every member (of every replicate) who belonged for the whole final
//! year, per series, as a violin (how many members had each value) with a
//! box (middle half), whiskers (5th–95th percentile), median and mean.
//!
//! Means hide that some members do very well and others get nothing; this
//! chart shows it.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{Outcome, RunData};
use super::numbers::{self, count, money, percent};
use super::style::{
    axes_look, category_label, frame, Drawn, Header, LegendItem, Look, Mark, Plot, Ticked, INK,
};
use super::{by_variant, ranked, sentence, variant_prefix};

/// Summary of one distribution.
#[derive(Clone, Debug, PartialEq)]
pub struct Spread {
    pub n: usize,
    pub mean: f64,
    /// 5th, 25th, 50th, 75th, 95th and 99th percentiles.
    pub p5: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub p95: f64,
    pub p99: f64,
    /// Share of members with a value of zero (or less).
    pub none: f64,
}

/// The `q`-quantile of sorted `xs` by linear interpolation.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let i = pos.floor() as usize;
            let frac = pos - i as f64;
            let next = sorted[(i + 1).min(n - 1)];
            sorted[i] + (next - sorted[i]) * frac
        }
    }
}

impl Spread {
    /// Summarises `xs` (NaNs dropped).
    pub fn of(xs: &[f64]) -> Spread {
        let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let q = |p: f64| quantile(&v, p);
        Spread {
            n,
            mean: if n > 0 {
                v.iter().sum::<f64>() / n as f64
            } else {
                f64::NAN
            },
            p5: q(0.05),
            q1: q(0.25),
            median: q(0.5),
            q3: q(0.75),
            p95: q(0.95),
            p99: q(0.99),
            none: if n > 0 {
                v.iter().filter(|&&x| x <= 0.0).count() as f64 / n as f64
            } else {
                f64::NAN
            },
        }
    }
}

/// A Gaussian kernel density of `xs` at `points` evenly spaced values from
/// `lo` to `hi`, scaled so its peak is 1. The data are binned first, so the
/// cost does not grow with the number of members. `min_bandwidth` keeps
/// whole-number data (referral counts) from turning into spikes.
pub fn density(xs: &[f64], lo: f64, hi: f64, points: usize, min_bandwidth: f64) -> Vec<(f64, f64)> {
    let v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() || points < 2 || hi <= lo {
        return Vec::new();
    }
    let s = Spread::of(&v);
    let n = v.len() as f64;
    let sd = (v.iter().map(|x| (x - s.mean).powi(2)).sum::<f64>() / n).sqrt();
    let iqr = (s.q3 - s.q1) / 1.34;
    let spread = if iqr > 0.0 { sd.min(iqr) } else { sd };
    // Silverman's rule of thumb.
    let bandwidth = (0.9 * spread * n.powf(-0.2))
        .max(min_bandwidth)
        .max((hi - lo) / 200.0);
    let (dmin, dmax) = v
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    let bins = 512;
    let width = ((dmax - dmin) / bins as f64).max(f64::MIN_POSITIVE);
    let mut counts = vec![0.0; bins + 1];
    for x in &v {
        let b = (((x - dmin) / width).floor() as usize).min(bins);
        counts[b] += 1.0;
    }
    let centres: Vec<(f64, f64)> = counts
        .iter()
        .enumerate()
        .filter(|(_, &c)| c > 0.0)
        .map(|(b, &c)| {
            (
                if dmax > dmin {
                    dmin + (b as f64 + 0.5) * width
                } else {
                    dmin
                },
                c,
            )
        })
        .collect();
    let raw: Vec<(f64, f64)> = (0..points)
        .map(|k| {
            let y = lo + (hi - lo) * k as f64 / (points - 1) as f64;
            let d: f64 = centres
                .iter()
                .map(|&(c, w)| w * (-0.5 * ((y - c) / bandwidth).powi(2)).exp())
                .sum();
            (y, d)
        })
        .collect();
    let peak = raw.iter().map(|p| p.1).fold(0.0, f64::max);
    if peak <= 0.0 {
        return Vec::new();
    }
    raw.into_iter().map(|(y, d)| (y, d / peak)).collect()
}

/// Drops the tails of a density where it is below half a percent of its
/// peak, so a handful of outliers do not draw a long hairline.
fn trim(shape: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let keep = |p: &(f64, f64)| p.1 >= 0.005;
    let first = shape.iter().position(keep);
    let last = shape.iter().rposition(keep);
    match (first, last) {
        (Some(a), Some(b)) => shape[a..=b].to_vec(),
        _ => Vec::new(),
    }
}

/// `outcome_spread`: two panels, final-year referrals and revenue.
pub fn draw<DB: DrawingBackend>(
    data: &RunData,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let cur = data.scenario.economy.currency.clone();
    let members: Vec<Vec<Outcome>> = (0..data.series.len())
        .map(|i| data.full_year_members(i))
        .collect();
    let mut legend = super::cohort_legend(data, Mark::Swatch);
    legend.extend([
        LegendItem::new(
            Mark::Swatch(RGBColor(0xC4, 0xC4, 0xC4)),
            "violin: how many members had each value",
        ),
        LegendItem::new(
            Mark::Swatch(INK),
            "box: middle half; whiskers: 5th–95th percentile; line: median; dot: mean",
        ),
    ]);
    let n_total: usize = members.iter().map(Vec::len).sum();
    let subtitle = format!(
        "Each member of every replicate who belonged for the whole final year ({} members); above each: the share who had none; the axis stops at the 99th percentile",
        numbers::thousands(n_total as f64)
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
    let (left, right) = area.split_horizontally(w / 2);
    let referrals: Vec<Vec<f64>> = members
        .iter()
        .map(|m| m.iter().map(|o| o.referrals).collect())
        .collect();
    let revenue: Vec<Vec<f64>> = members
        .iter()
        .map(|m| m.iter().map(|o| o.revenue).collect())
        .collect();
    // The colour names the cohort; with variants, the label the variant.
    let labels: Vec<String> = data
        .series
        .iter()
        .map(|s| {
            if data.has_variants() {
                s.variant.clone()
            } else {
                s.cohort.clone()
            }
        })
        .collect();
    let colours: Vec<RGBColor> = (0..data.series.len()).map(|i| data.colour(i)).collect();
    violins(
        &left,
        look,
        &Violins {
            heading: "Referrals received in the final year",
            y_desc: "Referrals per member",
            labels: &labels,
            colours: &colours,
            values: &referrals,
            min_bandwidth: 0.5,
            y_fmt: &|v, span| numbers::tick(v, span),
        },
    )?;
    let desc = format!("Revenue per member ({cur})");
    violins(
        &right,
        look,
        &Violins {
            heading: &format!("Revenue in the final year ({cur})"),
            y_desc: &desc,
            labels: &labels,
            colours: &colours,
            values: &revenue,
            min_bandwidth: 0.0,
            y_fmt: &|v, span| numbers::money_tick(&cur, v, span),
        },
    )
}

/// One panel of violins: a value per member for each series.
struct Violins<'a> {
    heading: &'a str,
    y_desc: &'a str,
    /// Each series' label, under its violin where there is room.
    labels: &'a [String],
    /// Each series' colour: its cohort's.
    colours: &'a [RGBColor],
    /// `values[series]`: one value per member.
    values: &'a [Vec<f64>],
    /// The narrowest kernel of the density (see [`density`]).
    min_bandwidth: f64,
    /// A y tick's label, given the value and the axis's span.
    y_fmt: &'a dyn Fn(f64, f64) -> String,
}

/// Half the width of a violin at its widest, in category units.
const HALF_WIDTH: f64 = 0.38;

/// Half the width of the box, in category units.
const BOX_HALF_WIDTH: f64 = 0.07;

/// Draws one panel: its heading, the axes, and for each series its violin,
/// box, whiskers, median, mean and the share with none.
fn violins<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    look: &Look,
    panel: &Violins,
) -> Result<()> {
    area.draw_text(
        panel.heading,
        &look.panel_title(INK),
        (look.px(30.0), look.px(4.0)),
    )
    .drawn()?;
    let body = area.split_vertically(look.px(52.0)).1;
    let spreads: Vec<Spread> = panel.values.iter().map(|v| Spread::of(v)).collect();
    let top = spreads
        .iter()
        .map(|s| s.p99)
        .filter(|x| x.is_finite())
        .fold(0.0f64, f64::max);
    // Headroom above the 99th percentile holds the "none" notes.
    let cap = if top > 0.0 { top } else { 1.0 };
    let top = cap * 1.14;
    let (mut chart, long_notes) = axes(&body, look, panel, top)?;
    for (i, (v, s)) in panel.values.iter().zip(&spreads).enumerate() {
        let x = i as f64;
        let shape = trim(density(
            v,
            0.0,
            cap.min(s.p99.max(0.0) * 1.02).max(cap * 0.02),
            120,
            panel.min_bandwidth,
        ));
        violin(&mut chart, look, x, panel.colours[i], &shape)?;
        if s.n == 0 {
            continue;
        }
        box_and_whiskers(&mut chart, look, x, s, top)?;
        none_note(&mut chart, look, (x, top), s.none, long_notes)?;
    }
    Ok(())
}

/// The axes up to `top`, and whether the notes of the share with none have
/// room for their words. Category labels and notes go only where they fit;
/// the legend names the colours either way.
fn axes<'a, DB: DrawingBackend>(
    body: &'a DrawingArea<DB, Shift>,
    look: &Look,
    panel: &Violins,
    top: f64,
) -> Result<(Plot<'a, DB>, bool)> {
    let labels = panel.labels;
    let n = labels.len();
    let mut chart = ChartBuilder::on(body)
        .margin_left(look.px(10.0))
        .margin_right(look.px(30.0))
        .margin_top(look.px(6.0))
        .margin_bottom(look.px(6.0))
        .x_label_area_size(look.px(60.0))
        .y_label_area_size(look.px(150.0))
        .build_cartesian_2d(Ticked::categories(n), 0f64..top)
        .drawn()?;
    let slot = (body.dim_in_pixel().0 as i32 - look.px(190.0)) / n.max(1) as i32;
    let mut widest = 0;
    for l in labels {
        widest = widest.max(body.estimate_text_size(l, &look.tick()).drawn()?.0 as i32);
    }
    let show_labels = widest < slot * 95 / 100;
    let long_notes = body
        .estimate_text_size("100% none", &look.note())
        .drawn()?
        .0 as i32
        <= slot * 9 / 10;
    let x_fmt = |x: &f64| {
        if show_labels {
            category_label(labels, *x)
        } else {
            String::new()
        }
    };
    let y_fmt = |v: &f64| (panel.y_fmt)(*v, top);
    axes_look(&mut chart.configure_mesh(), look)
        .disable_x_mesh()
        .y_desc(panel.y_desc)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .y_labels(7)
        .draw()
        .drawn()?;
    Ok((chart, long_notes))
}

/// The violin at category `x`: the density `shape` mirrored about `x`,
/// filled pale and outlined in the series' colour.
fn violin<DB: DrawingBackend>(
    chart: &mut Plot<DB>,
    look: &Look,
    x: f64,
    colour: RGBColor,
    shape: &[(f64, f64)],
) -> Result<()> {
    if shape.is_empty() {
        return Ok(());
    }
    let outline: Vec<(f64, f64)> = shape
        .iter()
        .map(|&(y, d)| (x + HALF_WIDTH * d, y))
        .chain(shape.iter().rev().map(|&(y, d)| (x - HALF_WIDTH * d, y)))
        .collect();
    chart
        .draw_series(std::iter::once(Polygon::new(
            outline.clone(),
            colour.mix(0.35).filled(),
        )))
        .drawn()?;
    let mut closed = outline;
    if let Some(&first) = closed.first() {
        closed.push(first);
    }
    chart
        .draw_series(std::iter::once(PathElement::new(
            closed,
            colour.stroke_width(look.upx(2.0)),
        )))
        .drawn()?;
    Ok(())
}

/// The whiskers (5th–95th percentile), the box (middle half), the median
/// as a white bar across it and the mean as a ringed dot, all cut at `top`.
fn box_and_whiskers<DB: DrawingBackend>(
    chart: &mut Plot<DB>,
    look: &Look,
    x: f64,
    s: &Spread,
    top: f64,
) -> Result<()> {
    let clip = |y: f64| y.min(top);
    let bw = BOX_HALF_WIDTH;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(x, clip(s.p5)), (x, clip(s.p95))],
            INK.stroke_width(look.upx(3.0)),
        )))
        .drawn()?;
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(x - bw, clip(s.q1)), (x + bw, clip(s.q3))],
            INK.filled(),
        )))
        .drawn()?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![
                (x - bw * 1.6, clip(s.median)),
                (x + bw * 1.6, clip(s.median)),
            ],
            WHITE.stroke_width(look.upx(4.0)),
        )))
        .drawn()?;
    chart
        .draw_series(std::iter::once(Circle::new(
            (x, clip(s.mean)),
            look.px(9.0),
            WHITE.filled(),
        )))
        .drawn()?;
    chart
        .draw_series(std::iter::once(Circle::new(
            (x, clip(s.mean)),
            look.px(9.0),
            INK.stroke_width(look.upx(3.0)),
        )))
        .drawn()?;
    Ok(())
}

/// The share with none, centred under `at` ("12% none", or "12%" where the
/// words do not fit).
fn none_note<DB: DrawingBackend>(
    chart: &mut Plot<DB>,
    look: &Look,
    at: (f64, f64),
    none: f64,
    long: bool,
) -> Result<()> {
    let note = if long {
        format!("{} none", percent(none))
    } else {
        percent(none)
    };
    chart
        .draw_series(std::iter::once(
            EmptyElement::at(at)
                + Text::new(
                    note,
                    (0, look.px(6.0)),
                    look.note().pos(Pos::new(HPos::Center, VPos::Top)),
                ),
        ))
        .drawn()?;
    Ok(())
}

/// Caption of `outcome_spread`.
pub fn caption(data: &RunData) -> String {
    let cur = data.scenario.economy.currency.clone();
    let clauses: Vec<String> = by_variant(data)
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_empty())
        .map(|(v, s)| {
            let spread = |i: usize| Spread::of(&data.full_year_members(i).iter().map(|o| o.referrals).collect::<Vec<_>>());
            let revenue = |i: usize| Spread::of(&data.full_year_members(i).iter().map(|o| o.revenue).collect::<Vec<_>>());
            let r = ranked(s, |i| {
                let sp = spread(i);
                // The median decides; the mean breaks ties of whole numbers.
                sp.median + sp.mean * 1e-6
            });
            let parts: Vec<String> = r
                .iter()
                .enumerate()
                .map(|(k, &i)| {
                    let (sp, rv) = (spread(i), revenue(i));
                    let who = &data.series[i].cohort;
                    if k == 0 {
                        format!(
                            "in the final year the middle half of {who} members received {}–{} referrals each and {} received none (middle half of revenue: {}–{})",
                            count(sp.q1),
                            count(sp.q3),
                            percent(sp.none),
                            money(&cur, rv.q1),
                            money(&cur, rv.q3)
                        )
                    } else {
                        format!(
                            "for {who} members the figures are {}–{} referrals, {} with none, and {}–{}",
                            count(sp.q1),
                            count(sp.q3),
                            percent(sp.none),
                            money(&cur, rv.q1),
                            money(&cur, rv.q3)
                        )
                    }
                })
                .collect();
            sentence(&format!("{}{}.", variant_prefix(data, v), parts.join("; ")))
        })
        .collect();
    clauses.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_and_count_the_members_with_nothing() {
        let s = Spread::of(&[0.0, 0.0, 1.0, 2.0, 3.0, f64::NAN]);
        assert_eq!(s.n, 5);
        assert_eq!(s.median, 1.0);
        assert_eq!(s.q1, 0.0);
        assert_eq!(s.q3, 2.0);
        assert!((s.none - 0.4).abs() < 1e-12);
        assert!((s.mean - 1.2).abs() < 1e-12);
    }

    #[test]
    fn density_peaks_at_one_where_the_data_are() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| if i % 10 == 0 { 10.0 } else { 2.0 })
            .collect();
        let d = density(&xs, 0.0, 12.0, 121, 0.5);
        let peak = d
            .iter()
            .cloned()
            .fold((0.0, 0.0), |a, b| if b.1 > a.1 { b } else { a });
        assert!((peak.0 - 2.0).abs() < 0.3, "peak at {}", peak.0);
        assert!((peak.1 - 1.0).abs() < 1e-12);
        assert!(density(&[], 0.0, 1.0, 10, 0.1).is_empty());
    }
}
