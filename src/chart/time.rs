//! Charts over the months of the run: referral yield, cumulative referrals
//! and revenue, relationships, and return on time — a line per series (a
//! cohort within a variant) with its 95% confidence band across replicates.
//!
//! Time runs along the x axis in months since the start of the run (a month
//! is 52/12 weeks); a weekly value sits at the end of its week, a monthly
//! value in the middle of its month.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{RunData, Stat, CUM_REFERRALS, CUM_REVENUE, PEOPLE_KNOWN, TRUSTED_TIES};
use super::numbers::{self, amount, fixed, money};
use super::style::{
    axes_look, band, dashed, frame, grid, titled, Drawn, Header, LegendItem, Look, Mark, Plot,
    Ticked, INK, MUTED,
};
use super::{by_variant, join, ranked, sentence, variant_prefix, versus};
use crate::compare::Kind;
use crate::summary::WEEKS_PER_YEAR;

/// Months per week.
const MONTHS_PER_WEEK: f64 = 12.0 / WEEKS_PER_YEAR as f64;

/// One line with its band.
pub struct Curve {
    pub colour: RGBColor,
    /// (month, statistic); non-finite values are skipped.
    pub points: Vec<(f64, Stat)>,
}

/// A labelled vertical line (an event in time).
pub struct Event {
    pub month: f64,
    pub label: String,
}

/// A horizontal reference line; its label goes in the legend.
pub struct Reference {
    pub y: f64,
    pub label: String,
}

/// How the y axis reads.
pub struct YAxis<'a> {
    pub desc: &'a str,
    /// Currency symbol when the axis is money.
    pub currency: Option<&'a str>,
    /// Whether values may be negative (a difference): the axis then reaches
    /// below zero as far as the data and intervals do, with a line at zero.
    pub signed: bool,
}

/// A weekly series as curve points, optionally starting from 0 at month 0.
pub(super) fn weekly_points(stats: &[Stat], from_zero: bool) -> Vec<(f64, Stat)> {
    let zero = Stat {
        mean: 0.0,
        sd: 0.0,
        ci_low: 0.0,
        ci_high: 0.0,
        n: 0,
    };
    from_zero
        .then_some((0.0, zero))
        .into_iter()
        .chain(
            stats
                .iter()
                .enumerate()
                .map(|(w, s)| ((w + 1) as f64 * MONTHS_PER_WEEK, *s)),
        )
        .collect()
}

/// Bold ticks on the month axis: every year for long runs, every quarter or
/// half-year for short ones.
fn month_ticks(months: f64) -> Vec<f64> {
    let step = if months > 120.0 {
        24.0
    } else if months > 36.0 {
        12.0
    } else if months > 12.0 {
        6.0
    } else {
        3.0
    };
    let n = (months / step).floor() as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// Draws curves with bands on a month axis, plus events and references.
pub fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    look: &Look,
    months: f64,
    y: &YAxis,
    curves: &[Curve],
    events: &[Event],
    references: &[Reference],
) -> Result<()> {
    let all: Vec<&Curve> = curves.iter().collect();
    let bounds = y_bounds(&all, y.signed, references, events.len());
    panel_within(area, look, (months, bounds), y, curves, events, references)
}

/// The y axis's bottom and top for `curves` (see [`y_bottom`], [`y_top`]).
fn y_bounds(
    curves: &[&Curve],
    signed: bool,
    references: &[Reference],
    events: usize,
) -> (f64, f64) {
    let lo = y_bottom(curves, signed);
    (lo, y_top(curves, references, events, lo))
}

/// As [`panel`], on a y axis from `bounds.0` to `bounds.1` shared with
/// other panels.
fn panel_within<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    look: &Look,
    (months, (lo, top)): (f64, (f64, f64)),
    y: &YAxis,
    curves: &[Curve],
    events: &[Event],
    references: &[Reference],
) -> Result<()> {
    let mut chart = month_axes(area, look, months, y, lo, top)?;
    bands(&mut chart, curves, lo)?;
    if y.signed {
        dashed(&mut chart, look, vec![(0.0, 0.0), (months, 0.0)], MUTED)?;
    }
    reference_lines(&mut chart, look, months, references)?;
    lines(&mut chart, look, curves)?;
    event_lines(&mut chart, look, months, (lo, top), events)
}

/// One panel of small multiples: a heading and what it draws.
pub struct Multiple {
    pub heading: String,
    pub curves: Vec<Curve>,
    pub events: Vec<Event>,
}

/// Draws `multiples` side by side (at most three to a row) on one shared
/// y axis, so that a line's height means the same in every panel; a single
/// multiple without a heading fills the area.
pub fn multiples<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    look: &Look,
    months: f64,
    y: &YAxis,
    multiples: &[Multiple],
    references: &[Reference],
) -> Result<()> {
    let all: Vec<&Curve> = multiples.iter().flat_map(|m| &m.curves).collect();
    let events = multiples.iter().map(|m| m.events.len()).max().unwrap_or(0);
    let bounds = y_bounds(&all, y.signed, references, events);
    if let [only] = multiples {
        if only.heading.is_empty() {
            return panel_within(
                area,
                look,
                (months, bounds),
                y,
                &only.curves,
                &only.events,
                references,
            );
        }
    }
    let cells = grid(area, multiples.len());
    let headings: Vec<String> = multiples.iter().map(|m| m.heading.clone()).collect();
    // Many small panels: headings shrink together until the longest fits.
    let style = match cells.first() {
        Some(a) => {
            look.fitted_panel_title(a, &headings, a.dim_in_pixel().0 as i32 - look.px(38.0))?
        }
        None => look.panel_title(INK),
    };
    for (m, a) in multiples.iter().zip(cells) {
        a.draw_text(&m.heading, &style, (look.px(30.0), look.px(4.0)))
            .drawn()?;
        let body = a.split_vertically(look.px(52.0)).1;
        panel_within(
            &body,
            look,
            (months, bounds),
            y,
            &m.curves,
            &m.events,
            references,
        )?;
    }
    Ok(())
}

/// Where a panel's y axis starts. A count or an amount is never negative,
/// so its axis starts at 0 and an interval reaching below it is cut there;
/// a difference's axis reaches down to its lowest mean or interval end.
fn y_bottom(curves: &[&Curve], signed: bool) -> f64 {
    if !signed {
        return 0.0;
    }
    let lo = curves
        .iter()
        .flat_map(|c| c.points.iter().map(|(_, s)| s))
        .flat_map(|s| [s.mean, s.ci_low])
        .filter(|v| v.is_finite())
        .fold(0.0, f64::min);
    let hi = curves
        .iter()
        .flat_map(|c| c.points.iter().map(|(_, s)| s))
        .flat_map(|s| [s.mean, s.ci_high])
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    if lo < 0.0 {
        lo - (hi - lo) * 0.04
    } else {
        0.0
    }
}

/// The top of the y axis: above every mean, upper interval end and
/// reference line, with headroom that keeps `events` labels clear of the
/// data.
fn y_top(curves: &[&Curve], references: &[Reference], events: usize, lo: f64) -> f64 {
    let hi = curves
        .iter()
        .flat_map(|c| c.points.iter().map(|(_, s)| s))
        .filter(|s| s.mean.is_finite())
        .flat_map(|s| [s.mean, s.ci_high])
        .chain(references.iter().map(|r| r.y))
        .filter(|v| v.is_finite())
        .fold(lo, f64::max);
    let hi = if hi > lo { hi } else { lo + 1.0 };
    let headroom = if events == 0 {
        0.06
    } else {
        0.06 + 0.09 * events as f64
    };
    hi + (hi - lo) * headroom
}

/// The month axis, ticked by [`month_ticks`], and the y axis up to `top`.
fn month_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    look: &Look,
    months: f64,
    y: &YAxis,
    lo: f64,
    top: f64,
) -> Result<Plot<'a, DB>> {
    let span = top - lo;
    let mut chart = ChartBuilder::on(area)
        .margin_left(look.px(10.0))
        .margin_right(look.px(40.0))
        .margin_top(look.px(6.0))
        .margin_bottom(look.px(6.0))
        .x_label_area_size(look.px(92.0))
        .y_label_area_size(look.px(150.0))
        .build_cartesian_2d(Ticked::new(0f64..months, month_ticks(months)), lo..top)
        .drawn()?;
    let currency = y.currency;
    let y_fmt = move |v: &f64| match currency {
        Some(c) => numbers::money_tick(c, *v, span),
        None => numbers::tick(*v, span),
    };
    axes_look(&mut chart.configure_mesh(), look)
        .x_desc("Month since the start of the run")
        .y_desc(y.desc)
        .x_label_formatter(&|m| fixed(*m, 0))
        .y_label_formatter(&y_fmt)
        .y_labels(7)
        .set_all_tick_mark_size(look.px(8.0))
        .draw()
        .drawn()?;
    Ok(chart)
}

/// Each curve's 95% band, pale, under everything else.
fn bands<DB: DrawingBackend>(chart: &mut Plot<DB>, curves: &[Curve], lo: f64) -> Result<()> {
    for c in curves {
        let points: Vec<(f64, f64, f64)> = c
            .points
            .iter()
            .filter(|(_, s)| s.ci_low.is_finite() && s.ci_high.is_finite())
            .map(|(x, s)| (*x, s.ci_low.max(lo), s.ci_high))
            .collect();
        band(chart, &points, c.colour)?;
    }
    Ok(())
}

/// A dashed line across the panel at each reference's height.
fn reference_lines<DB: DrawingBackend>(
    chart: &mut Plot<DB>,
    look: &Look,
    months: f64,
    references: &[Reference],
) -> Result<()> {
    for r in references {
        dashed(chart, look, vec![(0.0, r.y), (months, r.y)], MUTED)?;
    }
    Ok(())
}

/// Each curve's line of means.
fn lines<DB: DrawingBackend>(chart: &mut Plot<DB>, look: &Look, curves: &[Curve]) -> Result<()> {
    for c in curves {
        let line: Vec<(f64, f64)> = c
            .points
            .iter()
            .filter(|(_, s)| s.mean.is_finite())
            .map(|(x, s)| (*x, s.mean))
            .collect();
        chart
            .draw_series(LineSeries::new(line, c.colour.stroke_width(look.line())))
            .drawn()?;
    }
    Ok(())
}

/// A dashed vertical line at each event, its label in the headroom.
fn event_lines<DB: DrawingBackend>(
    chart: &mut Plot<DB>,
    look: &Look,
    months: f64,
    (lo, top): (f64, f64),
    events: &[Event],
) -> Result<()> {
    for (i, e) in events.iter().enumerate() {
        dashed(chart, look, vec![(e.month, lo), (e.month, top)], INK)?;
        // Labels sit in the headroom, stacked, on whichever side of the line
        // has more room.
        let right_side = e.month < months * 0.6;
        let (h, dx) = if right_side {
            (HPos::Left, look.px(12.0))
        } else {
            (HPos::Right, -look.px(12.0))
        };
        let dy = look.px(8.0) + i as i32 * look.px(40.0);
        let text = look.legend().pos(Pos::new(h, VPos::Top));
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((e.month, top)) + Text::new(e.label.clone(), (dx, dy), text),
            ))
            .drawn()?;
    }
    Ok(())
}

/// The legend: a line in each cohort's colour (panels name the variants).
pub(super) fn legend(data: &RunData) -> Vec<LegendItem> {
    super::cohort_legend(data, Mark::Line)
}

/// The series as small multiples: a panel per variant when the run has
/// several, each with its cohorts' curves and events; otherwise one panel.
pub(super) fn per_variant(
    data: &RunData,
    curve: impl Fn(usize) -> Curve,
    mut events: Vec<(usize, Event)>,
) -> Vec<Multiple> {
    if !data.has_variants() {
        return vec![Multiple {
            heading: String::new(),
            curves: (0..data.series.len()).map(curve).collect(),
            events: events.into_iter().map(|(_, e)| e).collect(),
        }];
    }
    by_variant(data)
        .into_iter()
        .enumerate()
        .map(|(v, series)| Multiple {
            heading: data.results.variants[v].name.clone(),
            curves: series.into_iter().map(&curve).collect(),
            events: {
                let (mine, rest) = events.drain(..).partition(|(w, _)| *w == v);
                events = rest;
                mine.into_iter().map(|(_, e)| e).collect()
            },
        })
        .collect()
}

pub(super) fn band_note(data: &RunData) -> String {
    match data.results.metadata.replicates {
        // One world gives no spread to draw a band from.
        1 => "Line: a single replicate, so no confidence band".to_string(),
        r => format!("Line: mean over {r} replicates; band: 95% confidence interval"),
    }
}

/// Vertical lines where one cohort's total referrals overtake another's
/// for good in at least half of the replicates, at the median month (from
/// `results.json`).
fn referral_crossovers(data: &RunData) -> Vec<(usize, Event)> {
    let short = data.has_variants();
    let cohort = |v: usize, c: usize| {
        data.results
            .variants
            .get(v)
            .and_then(|a| a.cohorts.get(c))
            .map_or("", |c| c.name.as_str())
    };
    data.results
        .comparisons
        .iter()
        .filter(|c| c.comparison.kind == Kind::Cohorts)
        .filter_map(|c| {
            let x = c.crossovers.iter().find(|x| x.measure == CUM_REFERRALS)?;
            let (a_leads, month) = x.typical()?;
            let (a, b) = (&c.comparison.a, &c.comparison.b);
            let (leader, trailer, k) = if a_leads {
                (cohort(a.arm, a.cohort), cohort(b.arm, b.cohort), x.a_overtakes_in_month.len())
            } else {
                (cohort(b.arm, b.cohort), cohort(a.arm, a.cohort), x.b_overtakes_in_month.len())
            };
            let when = fixed(month, if month.fract() == 0.0 { 0 } else { 1 });
            // Small multiples leave room for the gist only; the caption
            // gives the rest.
            let label = if short {
                format!("month {when}: {leader} overtakes")
            } else {
                format!(
                    "month {when}: {leader} overtakes {trailer} in total referrals (median of the {k} of {} replicates where it does)",
                    x.replicates
                )
            };
            Some((
                a.arm,
                Event {
                    month: month.round(),
                    label,
                },
            ))
        })
        .collect()
}

/// `referral_yield`: referrals per member per month, month by month.
pub fn referral_yield<DB: DrawingBackend>(
    data: &RunData,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let subtitle = format!(
        "Each month's mean weekly referrals × 52/12. {}",
        band_note(data)
    );
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
        points: data
            .monthly_referrals(i)
            .into_iter()
            .enumerate()
            .map(|(m, s)| (m as f64 + 0.5, s))
            .collect(),
    };
    let y = YAxis {
        desc: "Referrals per member per month",
        currency: None,
        signed: false,
    };
    let panels = per_variant(data, curve, referral_crossovers(data));
    multiples(&area, look, months(data), &y, &panels, &[])
}

pub(super) fn months(data: &RunData) -> f64 {
    data.weeks as f64 * MONTHS_PER_WEEK
}

fn cumulative<DB: DrawingBackend>(
    data: &RunData,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
    metric: &str,
    y: &YAxis,
    events: Vec<(usize, Event)>,
) -> Result<()> {
    let subtitle = format!("Totals per member from week 1. {}", band_note(data));
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
        points: weekly_points(data.weekly(i, metric), true),
    };
    let panels = per_variant(data, curve, events);
    multiples(&area, look, months(data), y, &panels, &[])
}

/// `cumulative_referrals`: referrals received per member since the start.
pub fn cumulative_referrals<DB: DrawingBackend>(
    data: &RunData,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let y = YAxis {
        desc: "Referrals per member (running total)",
        currency: None,
        signed: false,
    };
    cumulative(
        data,
        root,
        look,
        title,
        CUM_REFERRALS,
        &y,
        referral_crossovers(data),
    )
}

/// `cumulative_revenue`: revenue per member since the start.
pub fn cumulative_revenue<DB: DrawingBackend>(
    data: &RunData,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let cur = data.scenario.economy.currency.clone();
    let desc = format!("Revenue per member ({cur}, running total)");
    let y = YAxis {
        desc: &desc,
        currency: Some(&cur),
        signed: false,
    };
    cumulative(data, root, look, title, CUM_REVENUE, &y, Vec::new())
}

/// `relationships`: people known and trusted ties per member, side by side.
pub fn relationships<DB: DrawingBackend>(
    data: &RunData,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let rel = &data.scenario.relationships;
    let subtitle = format!(
        "Ties made through networking, at the end of each week. {}",
        band_note(data)
    );
    let area = frame(
        root,
        look,
        &Header {
            title,
            subtitle: &subtitle,
            legend: &legend(data),
        },
    )?;
    let (w, _) = area.dim_in_pixel();
    let (left, right) = area.split_horizontally(w / 2);
    let panels = [
        (
            &left,
            PEOPLE_KNOWN,
            format!("People known (know ≥ {})", rel.known_at),
            "People per member",
        ),
        (
            &right,
            TRUSTED_TIES,
            format!("Trusted ties (trust ≥ {})", rel.trusted_at),
            "Ties per member",
        ),
    ];
    for (a, metric, heading, desc) in panels {
        let body = titled(a, look, &heading)?;
        let curve = |i: usize| Curve {
            colour: data.colour(i),
            points: weekly_points(data.weekly(i, metric), false),
        };
        let y = YAxis {
            desc,
            currency: None,
            signed: false,
        };
        let panels = per_variant(data, curve, Vec::new());
        multiples(&body, look, months(data), &y, &panels, &[])?;
    }
    Ok(())
}

/// `return_on_time`: cumulative revenue ÷ cumulative hours, week by week.
pub fn return_on_time<DB: DrawingBackend>(
    data: &RunData,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let cur = data.scenario.economy.currency.clone();
    let subtitle = format!(
        "Revenue earned since the start ÷ hours spent networking since the start (meetings, travel, one-to-ones). {}",
        band_note(data)
    );
    let references = time_values(data);
    let mut items = legend(data);
    items.extend(
        references
            .iter()
            .map(|r| LegendItem::new(Mark::Dashed(MUTED), r.label.clone())),
    );
    let area = frame(
        root,
        look,
        &Header {
            title,
            subtitle: &subtitle,
            legend: &items,
        },
    )?;
    let curve = |i: usize| Curve {
        colour: data.colour(i),
        points: weekly_points(&data.return_on_time(i), false),
    };
    let desc = format!("Revenue per hour since the start ({cur}/h)");
    let y = YAxis {
        desc: &desc,
        currency: Some(&cur),
        signed: false,
    };
    let panels = per_variant(data, curve, Vec::new());
    multiples(&area, look, months(data), &y, &panels, &references)
}

/// Reference lines at the value of an hour, one per distinct value across
/// variants.
fn time_values(data: &RunData) -> Vec<Reference> {
    let cur = &data.scenario.economy.currency;
    let mut values: Vec<(f64, Vec<String>)> = Vec::new();
    for (name, arm) in data.scenario.arms() {
        let v = arm.economy.value_of_time;
        match values.iter_mut().find(|(x, _)| *x == v) {
            Some((_, names)) => names.push(name),
            None => values.push((v, vec![name])),
        }
    }
    let several = values.len() > 1;
    values
        .into_iter()
        .filter(|(v, _)| *v > 0.0)
        .map(|(v, names)| Reference {
            y: v,
            label: if several {
                format!("time valued at {}/h ({})", money(cur, v), names.join(", "))
            } else {
                format!("time valued at {}/h", money(cur, v))
            },
        })
        .collect()
}

// Captions. Each compares the series of a variant in the order the data
// puts them, never in an order assumed beforehand.

/// Joins per-variant clauses into one caption.
fn each_variant(data: &RunData, clause: impl Fn(usize, &[usize]) -> String) -> String {
    by_variant(data)
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_empty())
        .map(|(v, s)| sentence(&format!("{}{}", variant_prefix(data, v), clause(v, s))))
        .collect::<Vec<_>>()
        .join(" ")
}

fn label(data: &RunData, i: usize) -> &str {
    &data.series[i].cohort
}

/// "networking ends ahead of connecting in total referrals in 10 of 10
/// replicates, overtaking in 7 of them (month 3, median; months 2–5)", for
/// variant `v`.
fn crossover_clause(
    data: &RunData,
    v: usize,
    pair: (usize, usize),
    metric: &str,
    what: &str,
) -> Option<String> {
    let (x, a, b) = data.crossover(v, label(data, pair.0), label(data, pair.1), metric)?;
    Some(x.words(a, b, what))
}

/// Caption of `referral_yield`.
pub fn referral_yield_caption(data: &RunData) -> String {
    let y = data.years();
    each_variant(data, |v, s| {
        let rate = |i: usize| data.final_year(i).referrals_per_month.mean;
        let r = ranked(s, rate);
        let f = |x: f64| fixed(x, 2);
        let yearly = match r.as_slice() {
            [only] => format!(
                "a {} member receives {} referrals a month in year 1 and {} in year {y}",
                label(data, *only),
                f(data.figures(*only).years[0].referrals_per_month.mean),
                f(rate(*only))
            ),
            [a, b, ..] => format!(
                "in year {y} a {} member receives {} referrals a month, {}",
                label(data, *a),
                f(rate(*a)),
                versus(label(data, *b), rate(*a), rate(*b), &f)
            ),
            [] => String::new(),
        };
        let crossing = match r.as_slice() {
            [a, b, ..] => crossover_clause(data, v, (*a, *b), CUM_REFERRALS, "total referrals"),
            _ => None,
        };
        match crossing {
            Some(c) => format!("{c}; {yearly}."),
            None => format!("{yearly}."),
        }
    })
}

/// Caption of `cumulative_referrals`.
pub fn cumulative_referrals_caption(data: &RunData) -> String {
    let y = data.years();
    each_variant(data, |_, s| {
        let total = |i: usize| data.final_year(i).cumulative_referrals;
        let r = ranked(s, |i| total(i).mean);
        let f = |x: f64| amount(x);
        let Some(&a) = r.first() else {
            return String::new();
        };
        let ta = total(a);
        let ci = if ta.n > 1 && ta.ci_low.is_finite() && ta.ci_high.is_finite() {
            format!(" (95% CI {})", numbers::interval(ta.ci_low, ta.ci_high))
        } else {
            String::new()
        };
        let head = format!(
            "by the end of year {y} a {} member has received {} referrals in all{ci}",
            label(data, a),
            f(ta.mean)
        );
        match r.get(1) {
            Some(&b) => format!(
                "{head}, {}.",
                versus(label(data, b), ta.mean, total(b).mean, &f)
            ),
            None => format!("{head}."),
        }
    })
}

/// Caption of `cumulative_revenue`.
pub fn cumulative_revenue_caption(data: &RunData) -> String {
    let y = data.years();
    let cur = data.scenario.economy.currency.clone();
    each_variant(data, |v, s| {
        let total = |i: usize| data.final_year(i).cumulative_revenue.mean;
        let r = ranked(s, total);
        let f = |x: f64| money(&cur, x);
        let Some(&a) = r.first() else {
            return String::new();
        };
        let head = format!(
            "by the end of year {y} a {} member has earned {} from work won in the simulated market",
            label(data, a),
            f(total(a))
        );
        let Some(&b) = r.get(1) else {
            return format!("{head}.");
        };
        let head = format!("{head}, {}", versus(label(data, b), total(a), total(b), &f));
        let value = data
            .scenario
            .arms()
            .get(v)
            .map_or(0.0, |(_, s)| s.economy.value_of_time);
        match crossover_clause(data, v, (a, b), "cumulative_net_value", "net value") {
            Some(c) => format!(
                "{head}; counting fees and hours at {}/h as costs, {c}.",
                money(&cur, value)
            ),
            None => format!("{head}."),
        }
    })
}

/// Caption of `relationships`.
pub fn relationships_caption(data: &RunData) -> String {
    let y = data.years();
    each_variant(data, |_, s| {
        let fy = |i: usize| data.final_year(i);
        let r = ranked(s, |i| fy(i).trusted_ties.mean);
        let parts: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                let who = label(data, i);
                let (known, trusted) = (fixed(fy(i).people_known.mean, 0), fixed(fy(i).trusted_ties.mean, 1));
                if k == 0 {
                    format!("at the end of year {y} a {who} member knows {known} people through networking and trusts {trusted} of them")
                } else {
                    format!("a {who} member knows {known} and trusts {trusted}")
                }
            })
            .collect();
        format!("{}.", parts.join("; "))
    })
}

/// Caption of `return_on_time`.
pub fn return_on_time_caption(data: &RunData) -> String {
    let cur = data.scenario.economy.currency.clone();
    each_variant(data, |v, s| {
        let last = |i: usize| data.return_on_time(i).last().map_or(f64::NAN, |s| s.mean);
        let r = ranked(s, last);
        let rates: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                if k == 0 {
                    format!(
                        "{} members earn {} per hour spent networking over the run",
                        label(data, i),
                        money(&cur, last(i))
                    )
                } else {
                    format!("{} members {}", label(data, i), money(&cur, last(i)))
                }
            })
            .collect();
        let head = format!("over the whole run, {}", join(&rates));
        let value = data
            .scenario
            .arms()
            .get(v)
            .map_or(0.0, |(_, s)| s.economy.value_of_time);
        if value <= 0.0 {
            return format!("{head}.");
        }
        let above: Vec<String> = r
            .iter()
            .filter(|&&i| last(i) > value)
            .map(|&i| label(data, i).to_string())
            .collect();
        let all = if r.len() == 2 { "both" } else { "all" };
        let verdict = match (above.len(), r.len()) {
            (0, 1) => "which is less than that".to_string(),
            (1, 1) => "which is more than that".to_string(),
            (0, _) => format!("{all} earn less than that"),
            (n, m) if n == m => format!("{all} earn more than that"),
            _ => format!(
                "only {} earn{} more than that",
                join(&above),
                if above.len() == 1 { "s" } else { "" }
            ),
        };
        format!(
            "{head}; with time valued at {}/h, {verdict}.",
            money(&cur, value)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_ticks_fall_on_whole_years_for_long_runs() {
        assert_eq!(month_ticks(60.0), vec![0.0, 12.0, 24.0, 36.0, 48.0, 60.0]);
        assert_eq!(month_ticks(12.0), vec![0.0, 3.0, 6.0, 9.0, 12.0]);
        assert_eq!(month_ticks(24.0), vec![0.0, 6.0, 12.0, 18.0, 24.0]);
    }

    #[test]
    fn weekly_points_sit_at_the_end_of_their_week() {
        let s = Stat {
            mean: 1.0,
            sd: 0.0,
            ci_low: 1.0,
            ci_high: 1.0,
            n: 1,
        };
        let p = weekly_points(&[s; 52], true);
        assert_eq!(p.len(), 53);
        assert_eq!(p[0].0, 0.0);
        assert!((p[52].0 - 12.0).abs() < 1e-12);
    }
}
