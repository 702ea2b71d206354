//! Charts of a finished sweep, drawn from its files like `run`'s charts.
//!
//! Which charts a sweep gets depends on its shape, for each charted metric
//! (the `[sweep] metrics` list):
//!
//! - one key → [`line`]: the metric against the key's value, a line per
//!   cohort with its 95% band;
//! - two keys on a grid → [`heatmap`]: the metric over both keys, a panel
//!   per cohort; and the paired difference between the compared cohorts
//!   with its zero contour — where one overtakes the other;
//! - one at a time (`oat`) → [`tornado`]: keys ranked by how far they move
//!   the metric, with 95% intervals;
//! - `morris` → [`morris`]: each key's μ* against its σ;
//! - `sobol` → [`sobol`]: each key's first- and total-order index, with
//!   95% intervals;
//! - anything else (random or Latin-hypercube samples, more keys) →
//!   [`scatter`]: the metric against each key, a panel per key.
//!
//! Every chart is a pure function of [`SweepData`] and draws onto any
//! plotters backend, so PNG and SVG share one code path and the same data
//! always give the same bytes. Fonts, palette, header and legend come from
//! [`crate::chart::style`]; each chart also has a caption computed from the
//! same numbers, for the report.

pub mod heatmap;
pub mod line;
pub mod morris;
pub mod scatter;
pub mod sobol;
pub mod tornado;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;

use super::design::Design;
use super::results::{charted_metrics, SweepData};
use super::spec::{KeyKind, Spec};
use crate::chart::numbers;
use crate::chart::style::{self, axes_look, Drawn, Look, Plot, Ticked};
use crate::chart::ChartOptions;

/// One chart of a sweep: its kind and the headline metric it shows (an
/// index into [`super::measure::HEADLINES`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepChart {
    Line(usize),
    Heatmap(usize),
    Difference(usize),
    Tornado(usize),
    Scatter(usize),
    Morris(usize),
    Sobol(usize),
}

impl SweepChart {
    /// File name without extension.
    pub fn name(self) -> String {
        let (kind, m) = match self {
            SweepChart::Line(m) => ("line", m),
            SweepChart::Heatmap(m) => ("heatmap", m),
            SweepChart::Difference(m) => ("difference", m),
            SweepChart::Tornado(m) => ("tornado", m),
            SweepChart::Scatter(m) => ("scatter", m),
            SweepChart::Morris(m) => ("morris", m),
            SweepChart::Sobol(m) => ("sobol", m),
        };
        format!("{kind}_{}", super::measure::HEADLINES[m].name)
    }

    /// The metric shown.
    pub fn metric(self) -> usize {
        match self {
            SweepChart::Line(m)
            | SweepChart::Heatmap(m)
            | SweepChart::Difference(m)
            | SweepChart::Tornado(m)
            | SweepChart::Scatter(m)
            | SweepChart::Morris(m)
            | SweepChart::Sobol(m) => m,
        }
    }

    /// The title drawn on the chart and used as the report's heading.
    pub fn title(self, data: &SweepData) -> String {
        let what = numbers_title(data, self.metric());
        match self {
            SweepChart::Line(_) | SweepChart::Heatmap(_) | SweepChart::Scatter(_) => what,
            SweepChart::Difference(_) => {
                format!("{what}: {}", data.difference_title().unwrap_or_default())
            }
            SweepChart::Tornado(_) => format!("What moves {}", first_lower(&what)),
            SweepChart::Morris(_) => {
                format!("Which keys move {}: Morris screening", first_lower(&what))
            }
            SweepChart::Sobol(_) => {
                format!("Which keys move {}: Sobol’ indices", first_lower(&what))
            }
        }
    }

    /// One or two sentences on what the chart shows, from the data.
    pub fn caption(self, data: &SweepData) -> String {
        match self {
            SweepChart::Line(m) => line::caption(data, m),
            SweepChart::Heatmap(m) => heatmap::caption(data, m),
            SweepChart::Difference(m) => heatmap::difference_caption(data, m),
            SweepChart::Tornado(m) => tornado::caption(data, m),
            SweepChart::Scatter(m) => scatter::caption(data, m),
            SweepChart::Morris(m) => morris::caption(data, m),
            SweepChart::Sobol(m) => sobol::caption(data, m),
        }
    }

    /// Draws the chart onto `root`, whichever the backend.
    pub fn draw<DB: DrawingBackend>(
        self,
        data: &SweepData,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<()> {
        let (w, h) = root.dim_in_pixel();
        let look = Look::new(w, h);
        let title = self.title(data);
        match self {
            SweepChart::Line(m) => line::draw(data, m, root, &look, &title),
            SweepChart::Heatmap(m) => heatmap::draw(data, m, root, &look, &title),
            SweepChart::Difference(m) => heatmap::draw_difference(data, m, root, &look, &title),
            SweepChart::Tornado(m) => tornado::draw(data, m, root, &look, &title),
            SweepChart::Scatter(m) => scatter::draw(data, m, root, &look, &title),
            SweepChart::Morris(m) => morris::draw(data, m, root, &look, &title),
            SweepChart::Sobol(m) => sobol::draw(data, m, root, &look, &title),
        }
    }
}

/// The charts a sweep gets, in the order the report shows them.
pub fn charts(data: &SweepData) -> Vec<SweepChart> {
    let keys = data.manifest.keys.len();
    let mut out = Vec::new();
    for m in charted_metrics(data) {
        if data.manifest.design == Design::Oat {
            out.push(SweepChart::Tornado(m));
        } else if data.manifest.design == Design::Morris {
            out.push(SweepChart::Morris(m));
        } else if data.manifest.design == Design::Sobol {
            out.push(SweepChart::Sobol(m));
        } else if keys == 1 {
            out.push(SweepChart::Line(m));
        } else if keys == 2 && data.manifest.design == Design::Grid {
            out.push(SweepChart::Heatmap(m));
            if data.difference_cohorts().is_some() {
                out.push(SweepChart::Difference(m));
            }
        } else {
            out.push(SweepChart::Scatter(m));
        }
    }
    out
}

/// Draws every chart of the sweep into `dir/charts/`, as the options ask.
pub fn draw_all(data: &SweepData, dir: &Path, options: &ChartOptions) -> Result<Vec<PathBuf>> {
    let out = dir.join("charts");
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let extensions = options.format.extensions();
    let jobs: Vec<(SweepChart, &str)> = charts(data)
        .into_iter()
        .flat_map(|c| extensions.iter().map(move |&e| (c, e)))
        .collect();
    jobs.par_iter()
        .map(|&(chart, ext)| {
            let path = out.join(format!("{}.{ext}", chart.name()));
            if ext == "svg" {
                let svg = render_svg(data, chart, options.width, options.height)?;
                super::store::write_file(&path, svg.as_bytes())?;
            } else {
                render_png(data, chart, options.width, options.height, &path)?;
            }
            Ok(path)
        })
        .collect()
}

impl crate::chart::Picture for (&SweepData, SweepChart) {
    fn file_name(&self) -> String {
        self.1.name()
    }

    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        self.1.draw(self.0, root)
    }
}

/// Draws one chart as SVG text.
pub fn render_svg(data: &SweepData, chart: SweepChart, width: u32, height: u32) -> Result<String> {
    crate::chart::svg_text(&(data, chart), width, height)
}

/// Draws one chart into the PNG file `path`, through a temporary file.
fn render_png(
    data: &SweepData,
    chart: SweepChart,
    width: u32,
    height: u32,
    path: &Path,
) -> Result<()> {
    crate::chart::png_file(&(data, chart), width, height, path)
}

/// "Referrals per month in year 5", "Total revenue by year 5 (£)".
fn numbers_title(data: &SweepData, metric: usize) -> String {
    let h = &super::measure::HEADLINES[metric];
    let year = data.last_year() + 1;
    let when = if h.name.starts_with("cumulative_") {
        format!("by year {year}")
    } else if matches!(h.name, "trusted_ties" | "people_known") {
        format!("at the end of year {year}")
    } else {
        format!("in year {year}")
    };
    let money = if h.money {
        format!(" ({})", data.scenario.economy.currency)
    } else {
        String::new()
    };
    format!("{} {when}{money}", h.short)
}

fn first_lower(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A number of the metric as the report writes it.
pub fn amount(data: &SweepData, metric: usize, x: f64) -> String {
    if super::measure::HEADLINES[metric].money {
        numbers::money(&data.scenario.economy.currency, x)
    } else {
        numbers::amount(x)
    }
}

/// An interval of the metric as the report writes it, both ends to the
/// same precision.
pub fn interval(data: &SweepData, metric: usize, lo: f64, hi: f64) -> String {
    if super::measure::HEADLINES[metric].money {
        numbers::money_interval(&data.scenario.economy.currency, lo, hi)
    } else {
        numbers::interval(lo, hi)
    }
}

/// An axis tick label for the metric.
fn metric_tick(data: &SweepData, metric: usize, x: f64, span: f64) -> String {
    if super::measure::HEADLINES[metric].money {
        numbers::money_tick(&data.scenario.economy.currency, x, span)
    } else {
        numbers::tick(x, span)
    }
}

/// How one key's values lie along an axis: numbers at their value (or its
/// logarithm, for a log-spaced spec), categories evenly.
#[derive(Clone, Debug)]
pub struct KeyAxis {
    pub key: String,
    pub categorical: bool,
    pub log: bool,
    /// Values drawn from an interval (random, lhs): arbitrary numbers, so
    /// ticks are round numbers rather than the values.
    pub drawn: bool,
    /// Distinct values in axis order: their text and position.
    pub values: Vec<(String, f64)>,
}

impl KeyAxis {
    /// The axis of key `k` over the sweep's points.
    pub fn new(data: &SweepData, k: usize) -> KeyAxis {
        let info = &data.manifest.keys[k];
        let texts: Vec<&str> = data
            .manifest
            .points
            .iter()
            .map(|p| p.values[k].as_str())
            .collect();
        let categorical = !matches!(info.kind, KeyKind::Integer | KeyKind::Number)
            || texts.iter().any(|t| t.parse::<f64>().is_err());
        if categorical {
            // The spec's order, then any value it does not list.
            let mut order: Vec<String> = match Spec::parse(&info.spec) {
                Ok(Spec::List(values)) => values.iter().map(super::spec::plain).collect(),
                _ => Vec::new(),
            };
            for t in &texts {
                if !order.iter().any(|o| o == t) {
                    order.push(t.to_string());
                }
            }
            order.retain(|o| texts.contains(&o.as_str()));
            let values = order
                .into_iter()
                .enumerate()
                .map(|(i, t)| (t, i as f64))
                .collect();
            return KeyAxis {
                key: info.key.clone(),
                categorical: true,
                log: false,
                drawn: false,
                values,
            };
        }
        let numbers: Vec<f64> = texts.iter().filter_map(|t| t.parse().ok()).collect();
        let log = info.spec.contains(":log") && numbers.iter().all(|&x| x > 0.0);
        let mut values: Vec<(String, f64)> = Vec::new();
        for t in &texts {
            if values.iter().any(|(v, _)| v == t) {
                continue;
            }
            let x: f64 = t.parse().unwrap_or(f64::NAN);
            values.push((t.to_string(), if log { x.log10() } else { x }));
        }
        values.sort_by(|a, b| a.1.total_cmp(&b.1));
        KeyAxis {
            key: info.key.clone(),
            categorical: false,
            log,
            drawn: matches!(Spec::parse(&info.spec), Ok(Spec::Interval { .. })),
            values,
        }
    }

    /// Where a value's text sits on the axis.
    pub fn position(&self, text: &str) -> f64 {
        self.values
            .iter()
            .find(|(t, _)| t == text)
            .map_or(f64::NAN, |(_, x)| *x)
    }

    /// The index of a value in axis order.
    pub fn index(&self, text: &str) -> Option<usize> {
        self.values.iter().position(|(t, _)| t == text)
    }

    /// The axis range, with a margin so end points are not on the frame.
    pub fn range(&self) -> std::ops::Range<f64> {
        if self.categorical {
            return -0.5..self.values.len() as f64 - 0.5;
        }
        let lo = self.values.first().map_or(0.0, |v| v.1);
        let hi = self.values.last().map_or(1.0, |v| v.1);
        let pad = if hi > lo { (hi - lo) * 0.05 } else { 0.5 };
        lo - pad..hi + pad
    }

    /// Tick positions: every value when there are few; otherwise every
    /// k-th category, or round numbers along a numeric axis (a sampled key
    /// has values nobody would read as labels).
    pub fn ticks(&self) -> Vec<f64> {
        let n = self.values.len();
        if (n <= 12 && !self.drawn) || self.categorical || n < 2 {
            let every = n.div_ceil(10).max(1);
            return self
                .values
                .iter()
                .enumerate()
                .filter(|(i, _)| i % every == 0 || *i + 1 == n)
                .map(|(_, v)| v.1)
                .collect();
        }
        let lo = self.values[0].1;
        let hi = self.values[n - 1].1;
        if self.log {
            // Powers of ten, with 2 and 5 between them over few decades.
            let steps: &[f64] = if hi - lo > 3.0 {
                &[1.0]
            } else {
                &[1.0, 2.0, 5.0]
            };
            let mut ticks = Vec::new();
            for decade in lo.floor() as i32..=hi.ceil() as i32 {
                for m in steps {
                    let x = (m * 10f64.powi(decade)).log10();
                    if x >= lo - 1e-9 && x <= hi + 1e-9 {
                        ticks.push(x);
                    }
                }
            }
            if ticks.len() >= 2 {
                return ticks;
            }
        }
        nice_ticks(lo, hi)
    }

    /// The label of a tick: the value's own text where there is one.
    pub fn label(&self, x: f64) -> String {
        match self.values.iter().find(|(_, p)| (p - x).abs() < 1e-9) {
            Some((t, _)) => t.clone(),
            None if self.log => numbers::plain(10f64.powf(x)),
            None => numbers::plain(x),
        }
    }

    /// The axis description: the key's name and unit.
    pub fn desc(&self) -> String {
        let label = super::labels::key_label(&self.key);
        if self.log {
            format!("{label}, log scale")
        } else {
            label
        }
    }

    /// The axis as a plotters range with these ticks.
    pub fn ranged(&self) -> Ticked {
        Ticked::new(self.range(), self.ticks())
    }
}

/// Round-numbered ticks (steps of 1, 2 or 5 × 10^k) from `lo` to `hi`.
pub fn nice_ticks(lo: f64, hi: f64) -> Vec<f64> {
    if hi <= lo || hi.is_nan() || lo.is_nan() {
        return vec![lo];
    }
    let raw = (hi - lo) / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    // Rounded to 12 significant digits: 3 × 0.2 is 0.6, not 0.6000000000000001.
    (first..=last)
        .map(|k| {
            let x = k as f64 * step;
            format!("{x:.11e}").parse().unwrap_or(x)
        })
        .collect()
}

/// A y range holding `values` (and zero, unless `zero` is false), with
/// headroom.
pub fn y_range(values: impl Iterator<Item = f64>, zero: bool) -> std::ops::Range<f64> {
    let (mut lo, mut hi) = if zero {
        (0.0f64, 0.0f64)
    } else {
        (f64::INFINITY, f64::NEG_INFINITY)
    };
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() || !hi.is_finite() {
        return 0.0..1.0;
    }
    if hi <= lo {
        return if zero && lo == 0.0 {
            0.0..1.0
        } else {
            lo - 1.0..hi + 1.0
        };
    }
    let pad = (hi - lo) * 0.06;
    let lo = if zero && lo >= 0.0 { 0.0 } else { lo - pad };
    lo..hi + pad
}

/// Configures and draws the mesh every sweep panel shares.
fn mesh<DB: DrawingBackend>(
    chart: &mut Plot<DB>,
    look: &Look,
    x: &KeyAxis,
    y_desc: &str,
    y_fmt: &dyn Fn(&f64) -> String,
) -> Result<()> {
    let x_fmt = |v: &f64| x.label(*v);
    axes_look(&mut chart.configure_mesh(), look)
        .x_desc(x.desc())
        .y_desc(y_desc)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(y_fmt)
        .y_labels(7)
        .set_all_tick_mark_size(look.px(8.0))
        .draw()
        .drawn()
}

/// One legend entry per cohort, each drawn as `mark` in its series colour.
fn cohort_legend(data: &SweepData, mark: fn(RGBColor) -> style::Mark) -> Vec<style::LegendItem> {
    data.manifest
        .cohorts
        .iter()
        .enumerate()
        .map(|(c, name)| style::LegendItem::new(mark(style::series_colour(c)), name.clone()))
        .collect()
}

/// "7 replicates".
fn replicates(data: &SweepData) -> String {
    let r = data.manifest.replicates;
    format!("{r} replicate{}", if r == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks_are_round_and_inside() {
        assert_eq!(nice_ticks(0.0, 10.0), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(nice_ticks(0.013, 0.98), [0.2, 0.4, 0.6, 0.8]);
        assert_eq!(nice_ticks(3.0, 3.0), [3.0]);
    }

    #[test]
    fn y_ranges_hold_their_values_and_zero() {
        let r = y_range([2.0, 4.0].into_iter(), true);
        assert_eq!(r.start, 0.0);
        assert!(r.end > 4.0);
        let r = y_range([-2.0, 4.0].into_iter(), false);
        assert!(r.start < -2.0 && r.end > 4.0);
        assert_eq!(y_range(std::iter::empty(), true), 0.0..1.0);
        let r = y_range([f64::NAN, 3.0].into_iter(), false);
        assert!(r.start < 3.0 && r.end > 3.0);
    }
}

#[cfg(test)]
mod drawing {
    //! Every kind of chart, drawn from a real (tiny) sweep of each design.

    use super::*;
    use crate::sweep::plan::{prepare_text, Request};
    use crate::sweep::runner::{self, Silent};
    use crate::sweep::session::{self, Settings};
    use crate::sweep::tests::TINY;

    fn sweep(design: Design, vary: &[&str], points: Option<usize>) -> SweepData {
        let request = Request {
            vary: vary.iter().map(|s| s.to_string()).collect(),
            design: Some(design),
            points,
            ..Request::default()
        };
        let plan = prepare_text(TINY, "tiny.toml", "tiny", Vec::new(), &request).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            out: dir.path().join("out"),
            shard: None,
            resume: false,
            charts: None,
            runner: runner::Options {
                keep_timeseries: false,
                world_budget: u64::MAX,
            },
        };
        session::execute(&plan, &settings, &Silent).unwrap();
        SweepData::load(&settings.out).unwrap()
    }

    fn draws(data: &SweepData, expected: &[&str]) {
        let kinds = charts(data);
        let names: Vec<String> = kinds.iter().map(|c| c.name()).collect();
        assert_eq!(names, expected);
        for c in kinds {
            let svg = render_svg(data, c, 800, 500).unwrap();
            assert!(
                svg.contains(&c.title(data).replace('&', "&amp;")),
                "{}",
                c.name()
            );
            assert!(!c.caption(data).is_empty(), "{}", c.name());
        }
    }

    #[test]
    fn a_sweeps_revenue_per_hour_is_named_as_the_years_not_the_runs() {
        let data = sweep(Design::Grid, &["groups.format=open,closed"], None);
        let k = data.metric("revenue_per_hour").unwrap();
        let cur = &data.scenario.economy.currency;
        assert_eq!(
            numbers_title(&data, k),
            format!("Year's revenue per hour in year 1 ({cur})")
        );
        assert!(super::super::results::metric_label(k).contains("not since the start"));
    }

    #[test]
    fn each_design_gets_its_charts() {
        let one = sweep(
            Design::Grid,
            &["strategies.connecting.patience_meetings=1,3,6"],
            None,
        );
        draws(
            &one,
            &["line_referrals_per_month", "line_cumulative_revenue"],
        );
        let cat = sweep(Design::Grid, &["groups.format=open,closed"], None);
        draws(
            &cat,
            &["line_referrals_per_month", "line_cumulative_revenue"],
        );
        let two = sweep(
            Design::Grid,
            &[
                "relationships.hours_to_trust=1,8",
                "groups.format=open,closed",
            ],
            None,
        );
        draws(
            &two,
            &[
                "heatmap_referrals_per_month",
                "difference_referrals_per_month",
                "heatmap_cumulative_revenue",
                "difference_cumulative_revenue",
            ],
        );
        let oat = sweep(
            Design::Oat,
            &[
                "relationships.hours_to_trust=2,16",
                "groups.format=open,closed",
            ],
            None,
        );
        draws(
            &oat,
            &["tornado_referrals_per_month", "tornado_cumulative_revenue"],
        );
        let lhs = sweep(
            Design::Lhs,
            &[
                "relationships.hours_to_trust=1..32:log",
                "groups.format=open,closed",
            ],
            Some(5),
        );
        draws(
            &lhs,
            &["scatter_referrals_per_month", "scatter_cumulative_revenue"],
        );
        let keys = [
            "relationships.hours_to_trust=1..32:log",
            "strategies.networking.generosity=0.05..0.95",
        ];
        let morris = sweep(Design::Morris, &keys, Some(3));
        draws(
            &morris,
            &["morris_referrals_per_month", "morris_cumulative_revenue"],
        );
        let sobol = sweep(Design::Sobol, &keys, Some(4));
        draws(
            &sobol,
            &["sobol_referrals_per_month", "sobol_cumulative_revenue"],
        );
        // Axes name keys by what they mean, with their units.
        let svg = render_svg(&sobol, SweepChart::Sobol(0), 800, 500).unwrap();
        assert!(svg.contains("Hours to trust"), "Sobol' rows are named");
        let svg = render_svg(&lhs, SweepChart::Scatter(0), 800, 500).unwrap();
        assert!(svg.contains("Hours to trust (hours), log scale"));
    }

    #[test]
    fn keys_whose_intervals_overlap_are_never_ranked() {
        // Nobody follows stay_home in a sweep: neither key moves anything,
        // so both swings are 0 with intervals [0, 0], and neither may be
        // said to matter more.
        let inert = [
            "strategies.stay_home.pitch_intensity=0.2,0.8",
            "strategies.stay_home.generosity=0.1,0.5",
        ];
        let oat = sweep(Design::Oat, &inert, None);
        let caption = SweepChart::Tornado(0).caption(&oat);
        assert!(caption.contains("order is not known"), "{caption}");
        assert!(!caption.contains("matters most"), "{caption}");
        let morris = sweep(Design::Morris, &inert, Some(2));
        let caption = SweepChart::Morris(0).caption(&morris);
        assert!(caption.contains("order is not known"), "{caption}");
        assert!(caption.contains("never moved it"), "{caption}");
    }
}
