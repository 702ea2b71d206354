//! Bar charts: revenue by source year by year (stacked, a panel per
//! series), non-business value by kind (grouped, with 95% intervals), and
//! the acquaintance network's degrees of separation.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{RunData, Year};
use super::numbers::{self, amount, fixed, percent};
use super::style::{
    axes_look, category_label, frame, grid, titled, Drawn, Header, LegendItem, Look, Mark, Plot,
    Ticked, INK, NEUTRAL,
};
use super::{by_variant, join, ranked, replicates, sentence, variant_prefix, versus};
use crate::metrics::Metric;

/// A source of revenue: legend name, its amount in a year, its colour.
struct Source {
    name: &'static str,
    amount: fn(&Year) -> f64,
    colour: RGBColor,
}

/// The sources of revenue, bottom to top of a stack, with their colours
/// (viridis steps: ordered, colour-blind safe, and distinct from the
/// cohort palette's meaning).
const SOURCES: [Source; 5] = [
    Source {
        name: "repeat",
        amount: |y| y.repeat_revenue.mean,
        colour: RGBColor(0x44, 0x01, 0x54),
    },
    Source {
        name: "direct",
        amount: |y| y.direct_revenue.mean,
        colour: RGBColor(0x3B, 0x52, 0x8B),
    },
    Source {
        name: "referral, 1 hop",
        amount: |y| y.referral_revenue_hop1.mean,
        colour: RGBColor(0x21, 0x91, 0x8C),
    },
    Source {
        name: "referral, 2+ hops",
        amount: |y| y.referral_revenue_hop2plus.mean,
        colour: RGBColor(0x5E, 0xC9, 0x62),
    },
    Source {
        name: "pitch",
        amount: |y| y.pitch_revenue.mean,
        colour: RGBColor(0xFD, 0xE7, 0x25),
    },
];

/// Short names of the kinds of non-business value, in [`Metric::VALUE_KINDS`]
/// order.
const VALUE_LABELS: [&str; 6] = [
    "Advice",
    "Suppliers",
    "Information",
    "Support",
    "Feedback",
    "Friends",
];

/// Draws a panel heading: the series label in its colour.
fn panel_heading<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    look: &Look,
    text: &str,
    style: &TextStyle,
    colour: RGBColor,
) -> Result<DrawingArea<DB, Shift>> {
    let sw = look.px(26.0);
    let width = area.dim_in_pixel().0 as i32;
    let (tw, _) = area.estimate_text_size(text, style).drawn()?;
    // Centred over the plot (whose y labels take the left 150 px).
    let x = ((width - sw - look.px(12.0) - tw as i32) / 2 + look.px(40.0)).max(0);
    let y = look.px(14.0);
    area.draw(&Rectangle::new(
        [(x, y + look.px(4.0)), (x + sw, y + look.px(4.0) + sw)],
        colour.filled(),
    ))
    .drawn()?;
    area.draw_text(text, style, (x + sw + look.px(12.0), y))
        .drawn()?;
    Ok(area.split_vertically(look.px(64.0)).1)
}

/// `revenue_by_source`: stacked bars per year, a panel per series.
pub fn revenue_by_source<DB: DrawingBackend>(
    data: &RunData,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let cur = data.scenario.economy.currency.clone();
    let legend: Vec<LegendItem> = SOURCES
        .iter()
        .map(|s| LegendItem::new(Mark::Swatch(s.colour), s.name))
        .collect();
    let subtitle = format!(
        "How buyers found the member; mean per member over {}. Label: the year's total.",
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
    let total = |y: &Year| SOURCES.iter().map(|s| (s.amount)(y).max(0.0)).sum::<f64>();
    let top = (0..data.series.len())
        .flat_map(|i| data.figures(i).years.iter().map(total))
        .fold(0.0f64, f64::max);
    let top = if top > 0.0 { top * 1.12 } else { 1.0 };
    let panels = grid(&area, data.series.len());
    let labels: Vec<String> = data.series.iter().map(|s| s.label.clone()).collect();
    let heading = match panels.first() {
        Some(p) => {
            look.fitted_panel_title(p, &labels, p.dim_in_pixel().0 as i32 - look.px(100.0))?
        }
        None => look.panel_title(INK),
    };
    // Stacked rows of panels leave less height for the axis label.
    let y_desc = if panels.len() > 3 {
        format!("{cur} per member per year")
    } else {
        format!("Revenue per member per year ({cur})")
    };
    // Labels crowd out beyond a dozen years; the axis still reads.
    let labelled = data.years() <= 12;
    for (i, panel) in panels.iter().enumerate() {
        let body = panel_heading(panel, look, &labels[i], &heading, data.colour(i))?;
        let mut chart = year_axes(&body, look, data.years(), top, &cur, &y_desc)?;
        for y in &data.figures(i).years {
            stack(&mut chart, look, y, &cur, labelled)?;
        }
    }
    Ok(())
}

/// A year per tick along x, money up to `top` along y.
fn year_axes<'a, DB: DrawingBackend>(
    body: &'a DrawingArea<DB, Shift>,
    look: &Look,
    years: usize,
    top: f64,
    cur: &str,
    y_desc: &str,
) -> Result<Plot<'a, DB>> {
    let ticks: Vec<f64> = (1..=years).map(|y| y as f64).collect();
    let mut chart = ChartBuilder::on(body)
        .margin_left(look.px(10.0))
        .margin_right(look.px(30.0))
        .margin_bottom(look.px(6.0))
        .x_label_area_size(look.px(92.0))
        .y_label_area_size(look.px(150.0))
        .build_cartesian_2d(Ticked::new(0.4f64..years as f64 + 0.6, ticks), 0f64..top)
        .drawn()?;
    let y_fmt = |v: &f64| numbers::money_tick(cur, *v, top);
    axes_look(&mut chart.configure_mesh(), look)
        .disable_x_mesh()
        .x_desc("Year")
        .y_desc(y_desc)
        .x_label_formatter(&|x| fixed(*x, 0))
        .y_label_formatter(&y_fmt)
        .y_labels(7)
        .draw()
        .drawn()?;
    Ok(chart)
}

/// One year's revenue as a stack of its sources, bottom to top, and, if
/// `labelled`, the year's total above it.
fn stack<DB: DrawingBackend>(
    chart: &mut Plot<DB>,
    look: &Look,
    y: &Year,
    cur: &str,
    labelled: bool,
) -> Result<()> {
    let half = 0.32;
    let x = y.year as f64;
    let mut base = 0.0;
    for source in &SOURCES {
        let (v, colour) = ((source.amount)(y).max(0.0), source.colour);
        if v > 0.0 {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x - half, base), (x + half, base + v)],
                    colour.filled(),
                )))
                .drawn()?;
        }
        base += v;
    }
    if labelled {
        let style = look.value_label().pos(Pos::new(HPos::Center, VPos::Bottom));
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((x, base))
                    + Text::new(numbers::money_short(cur, base), (0, -look.px(6.0)), style),
            ))
            .drawn()?;
    }
    Ok(())
}

/// One bar: (value, interval low, interval high, colour).
type Bar = (f64, f64, f64, RGBColor);

/// The top of a bar chart's y axis: above every bar and whisker.
fn bars_top(values: &[Vec<Bar>]) -> f64 {
    let top = values
        .iter()
        .flatten()
        .flat_map(|&(v, _, hi, _)| [v, hi])
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    if top > 0.0 {
        top * 1.12
    } else {
        1.0
    }
}

/// Draws bars for categories `0..labels.len()` with one bar per group
/// member (`values[category][member]` = (value, low, high, colour)), on a
/// y axis up to `top`.
#[allow(clippy::too_many_arguments)]
fn grouped<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    look: &Look,
    labels: &[String],
    (values, top): (&[Vec<Bar>], f64),
    x_desc: &str,
    y_desc: &str,
    y_fmt: &dyn Fn(f64) -> String,
    bar_labels: Option<&dyn Fn(f64) -> String>,
) -> Result<()> {
    let mut chart = ChartBuilder::on(area)
        .margin_left(look.px(10.0))
        .margin_right(look.px(40.0))
        .margin_top(look.px(6.0))
        .margin_bottom(look.px(6.0))
        .x_label_area_size(look.px(92.0))
        .y_label_area_size(look.px(150.0))
        .build_cartesian_2d(Ticked::categories(labels.len()), 0f64..top)
        .drawn()?;
    let x_fmt = |x: &f64| category_label(labels, *x);
    let y_fmt = |v: &f64| y_fmt(*v);
    axes_look(&mut chart.configure_mesh(), look)
        .disable_x_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .y_labels(7)
        .draw()
        .drawn()?;
    for (c, bars) in values.iter().enumerate() {
        let k = bars.len().max(1) as f64;
        let width = 0.8 / k;
        for (j, &(v, lo, hi, colour)) in bars.iter().enumerate() {
            if !v.is_finite() {
                continue;
            }
            let x0 = c as f64 - 0.4 + j as f64 * width;
            let (a, b) = (x0 + width * 0.08, x0 + width * 0.92);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(a, 0.0), (b, v)],
                    colour.filled(),
                )))
                .drawn()?;
            if lo.is_finite() && hi.is_finite() && hi > lo {
                let mid = (a + b) / 2.0;
                let cap = (b - a) * 0.25;
                let style = INK.stroke_width(look.upx(3.0));
                for seg in [
                    vec![(mid, lo), (mid, hi)],
                    vec![(mid - cap, lo), (mid + cap, lo)],
                    vec![(mid - cap, hi), (mid + cap, hi)],
                ] {
                    chart
                        .draw_series(std::iter::once(PathElement::new(seg, style)))
                        .drawn()?;
                }
            }
            if let Some(fmt) = bar_labels {
                let style = look.value_label().pos(Pos::new(HPos::Center, VPos::Bottom));
                let at = if hi.is_finite() { hi.max(v) } else { v };
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at(((a + b) / 2.0, at))
                            + Text::new(fmt(v), (0, -look.px(6.0)), style),
                    ))
                    .drawn()?;
            }
        }
    }
    Ok(())
}

/// Per-member total of each kind of value over the run: (mean, CI low, CI
/// high) from the last week of `summary.csv`'s cumulative series.
fn value_totals(data: &RunData, series: usize) -> Vec<(f64, f64, f64)> {
    Metric::VALUE_KINDS
        .iter()
        .map(|m| {
            let name = format!("cumulative_{}", m.name());
            data.weekly(series, &name)
                .last()
                .map_or((f64::NAN, f64::NAN, f64::NAN), |s| {
                    (s.mean, s.ci_low, s.ci_high)
                })
        })
        .collect()
}

/// `non_business_value`: events by kind per member over the run.
pub fn non_business_value<DB: DrawingBackend>(
    data: &RunData,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let legend = super::cohort_legend(data, Mark::Swatch);
    let subtitle = format!(
        "What trusted ties give besides business (the essay's list); total per member over {} year{}, mean of {}{}",
        data.years(),
        if data.years() == 1 { "" } else { "s" },
        replicates(data),
        if data.results.metadata.replicates > 1 { ", whiskers: 95% CI (cut at 0: a count is never negative)" } else { "" }
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
    // A panel per variant, on one shared axis: bars of the same colour
    // side by side would be the same cohort in two variants.
    let groups: Vec<Vec<usize>> = if data.has_variants() {
        by_variant(data)
    } else {
        vec![(0..data.series.len()).collect()]
    };
    let values: Vec<Vec<Vec<Bar>>> = groups
        .iter()
        .map(|series| {
            let totals: Vec<_> = series.iter().map(|&i| (i, value_totals(data, i))).collect();
            (0..VALUE_LABELS.len())
                .map(|k| {
                    totals
                        .iter()
                        .map(|(i, t)| {
                            let (m, lo, hi) = t[k];
                            (m, lo.max(0.0), hi, data.colour(*i))
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let never = friends_never(data);
    let labels: Vec<String> = VALUE_LABELS
        .iter()
        .map(|s| match *s {
            "Friends" if never => "Friends: none".to_string(),
            s => s.to_string(),
        })
        .collect();
    let top = values.iter().map(|v| bars_top(v)).fold(0.0, f64::max);
    let span = top / 1.12;
    let y_desc = format!(
        "Events per member over {} year{}",
        data.years(),
        if data.years() == 1 { "" } else { "s" }
    );
    let x_desc = "Kind of value";
    // Panels stack, so that every category label keeps the full width.
    let panels = if data.has_variants() {
        area.split_evenly((groups.len(), 1))
    } else {
        vec![area]
    };
    for (v, (panel, values)) in panels.iter().zip(&values).enumerate() {
        let body = if data.has_variants() {
            titled(panel, look, &data.results.variants[v].name)?
        } else {
            panel.clone()
        };
        grouped(
            &body,
            look,
            &labels,
            (values, top),
            x_desc,
            &y_desc,
            &|v| numbers::tick(v, span),
            None,
        )?;
    }
    Ok(())
}

/// Whether no member of any series made a friend over the run.
fn friends_never(data: &RunData) -> bool {
    (0..data.series.len()).all(|i| {
        value_totals(data, i)
            .last()
            .is_some_and(|&(m, _, hi)| m == 0.0 && (hi.is_nan() || hi <= 0.0))
    })
}

/// The share of pairs at most five hops apart.
fn within_five(data: &RunData) -> f64 {
    let sep = &data.network.separation;
    sep.within
        .iter()
        .find(|h| h.hops == 5)
        .map(|h| h.share)
        .unwrap_or_else(|| {
            sep.by_hops
                .iter()
                .filter(|h| h.hops <= 5)
                .map(|h| h.share)
                .sum()
        })
}

/// `separation`: share of pairs at 1, 2, …, 5 and 6+ hops.
pub fn separation<DB: DrawingBackend>(
    data: &RunData,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let net = &data.network;
    let far = RGBColor(0xB8, 0xB8, 0xB8);
    let legend = [
        LegendItem::new(
            Mark::Swatch(NEUTRAL),
            format!("within five hops: {} of pairs", percent(within_five(data))),
        ),
        LegendItem::new(Mark::Swatch(far), "six or more hops, or no path"),
    ];
    let subtitle = format!(
        "{} people with {} acquaintances each on average; shortest chains from {} people by breadth-first search; mean {} hops",
        numbers::thousands(net.people as f64),
        amount(net.degree.mean),
        numbers::thousands(net.separation.sources as f64),
        fixed(net.separation.mean, 2)
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
    let bars: Vec<(String, f64)> = net
        .separation
        .by_hops
        .iter()
        .map(|h| {
            let label = if h.hops >= 6 {
                format!("{}+", h.hops)
            } else {
                h.hops.to_string()
            };
            (label, h.share * 100.0)
        })
        .collect();
    let labels: Vec<String> = bars.iter().map(|(l, _)| l.clone()).collect();
    let values: Vec<Vec<(f64, f64, f64, RGBColor)>> = net
        .separation
        .by_hops
        .iter()
        .zip(&bars)
        .map(|(h, (_, v))| {
            vec![(
                *v,
                f64::NAN,
                f64::NAN,
                if h.hops <= 5 { NEUTRAL } else { far },
            )]
        })
        .collect();
    let bar_label = |v: f64| {
        if v == 0.0 {
            "0%".to_string()
        } else {
            format!("{}%", fixed(v, 1))
        }
    };
    grouped(
        &area,
        look,
        &labels,
        (&values, bars_top(&values)),
        "Hops between two people (shortest chain of acquaintances)",
        "Share of all pairs of people (%)",
        &|v| fixed(v, 0),
        Some(&bar_label),
    )
}

// Captions.

fn revenue_share(data: &RunData, series: usize, part: impl Fn(&Year) -> f64) -> f64 {
    let years = &data.figures(series).years;
    let total: f64 = years.iter().map(|y| y.revenue.mean).sum();
    let p: f64 = years.iter().map(part).sum();
    if total > 0.0 {
        p / total
    } else {
        f64::NAN
    }
}

/// Caption of `revenue_by_source`.
pub fn revenue_by_source_caption(data: &RunData) -> String {
    let clauses: Vec<String> = by_variant(data)
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_empty())
        .map(|(v, s)| {
            let referral = |i: usize| revenue_share(data, i, |y| y.referral_revenue.mean);
            let pitch = |i: usize| revenue_share(data, i, |y| y.pitch_revenue.mean);
            let r = ranked(s, referral);
            let shares: Vec<String> = r
                .iter()
                .map(|&i| format!("{} members {}", data.series[i].cohort, percent(referral(i))))
                .collect();
            let pitches: Vec<String> = r.iter().map(|&i| percent(pitch(i))).collect();
            let (first, rest) = shares.split_first().map_or((String::new(), &[][..]), |(f, r)| (f.clone(), r));
            let others = if rest.is_empty() { String::new() } else { format!(", {}", join(rest)) };
            sentence(&format!(
                "{}over the run, referrals bring {first} of their revenue{others}; pitch sales bring {}{}.",
                variant_prefix(data, v),
                join(&pitches),
                if r.len() > 1 { " respectively" } else { "" }
            ))
        })
        .collect();
    clauses.join(" ")
}

/// Caption of `non_business_value`.
pub fn non_business_value_caption(data: &RunData) -> String {
    let years = data.years();
    let clauses: Vec<String> = by_variant(data)
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_empty())
        .map(|(v, s)| {
            let total = |i: usize| value_totals(data, i).iter().map(|t| t.0).sum::<f64>();
            let r = ranked(s, total);
            let a = r[0];
            let kinds = value_totals(data, a);
            let commonest = ranked(&(0..kinds.len()).collect::<Vec<_>>(), |k| kinds[k].0)
                .first()
                .map_or("", |&k| VALUE_LABELS[k]);
            let head = format!(
                "{}over {years} year{} a {} member receives {} non-business benefits (advice, suppliers, information, support, feedback, friendships)",
                variant_prefix(data, v),
                if years == 1 { "" } else { "s" },
                data.series[a].cohort,
                amount(total(a))
            );
            let tail = match r.get(1) {
                Some(&b) => format!(", {}", versus(&data.series[b].cohort, total(a), total(b), &amount)),
                None => String::new(),
            };
            let commonest = if total(a) > 0.0 {
                format!("; the commonest kind is {}", commonest.to_lowercase())
            } else {
                String::new()
            };
            sentence(&format!("{head}{tail}{commonest}."))
        })
        .collect();
    let mut text = clauses.join(" ");
    if friends_never(data) {
        text.push_str(&format!(
            " Nobody made a friend: a tie becomes a friendship only after {} liked hours together (relationships.friendship_hours), and no tie reached that in {years} year{}.",
            numbers::plain(data.scenario.relationships.friendship_hours),
            if years == 1 { "" } else { "s" }
        ));
    }
    text
}

/// Caption of `separation`.
pub fn separation_caption(data: &RunData) -> String {
    let sep = &data.network.separation;
    let direct = sep
        .by_hops
        .iter()
        .find(|h| h.hops == 1)
        .map_or(f64::NAN, |h| h.share);
    format!(
        "The essay's \u{201c}anyone is only five contacts away\u{201d} holds for {} of pairs of people in this simulated town (mean separation {} hops); {} of pairs are direct acquaintances.",
        percent(within_five(data)),
        fixed(sep.mean, 2),
        percent(direct)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_labels_follow_the_metrics_order() {
        let names: Vec<&str> = Metric::VALUE_KINDS.iter().map(|m| m.name()).collect();
        assert_eq!(
            names,
            [
                "value_advice",
                "value_suppliers",
                "value_information",
                "value_support",
                "value_feedback",
                "value_friends"
            ]
        );
        assert_eq!(VALUE_LABELS.len(), names.len());
        for n in names {
            assert!(super::super::data::WEEKLY.contains(&format!("cumulative_{n}").as_str()));
        }
    }
}
