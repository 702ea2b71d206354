//! Charts of a finished run, drawn from its output directory's files.
//!
//! The last stage of the pipeline: `netgrow run` writes CSV and JSON files,
//! and this module turns them into pictures a trainer can project. Every
//! chart is a pure function of the data read by [`data::RunData::load`] —
//! no simulation, no global state besides the embedded font registered with
//! plotters — so `netgrow plot DIR` redraws the same bytes from the same
//! files.
//!
//! Chart families live in their own modules: [`time`] (series over the
//! months of the run), [`bars`] (revenue by source, non-business value,
//! separation), [`ego`] (ego networks) and [`spread`] (outcomes across
//! members). Each draws onto any plotters backend, so PNG and SVG share one
//! drawing code path, and each also writes the one-sentence caption the
//! report prints under it, computed from the same numbers. Shared looks
//! (font, palette, header and legend) are in [`style`]; number formats in
//! [`numbers`].

pub mod bars;
pub mod data;
pub mod differences;
pub mod ego;
pub mod message;
pub mod net_value;
pub mod numbers;
pub mod spread;
pub mod style;
pub mod time;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;

pub use data::{check_run_dir, RunData};
use style::{Drawn, Look};

/// Which image files to write: the scenario's `output.chart_format`.
pub use crate::scenario::ChartFormat as Format;

/// How to draw: file formats and image size in pixels.
#[derive(Clone, Debug)]
pub struct ChartOptions {
    pub format: Format,
    pub width: u32,
    pub height: u32,
}

impl Default for ChartOptions {
    /// PNG and SVG at 1600×1000, readable on a projector.
    fn default() -> Self {
        ChartOptions {
            format: Format::Both,
            width: DEFAULT_WIDTH,
            height: DEFAULT_HEIGHT,
        }
    }
}

/// Default image width in pixels.
pub const DEFAULT_WIDTH: u32 = 1600;
/// Default image height in pixels.
pub const DEFAULT_HEIGHT: u32 = 1000;
/// Smallest and largest accepted image side, in pixels.
pub const SIZE_RANGE: std::ops::RangeInclusive<u32> = 200..=10_000;

/// The charts of a run, in the order the report shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chart {
    ReferralYield,
    CumulativeReferrals,
    CumulativeRevenue,
    NetValue,
    PairedDifferences,
    RevenueBySource,
    Relationships,
    ReturnOnTime,
    NonBusinessValue,
    Separation,
    EgoNetworks,
    OutcomeSpread,
}

impl Chart {
    /// Every chart.
    pub const ALL: [Chart; 12] = [
        Chart::ReferralYield,
        Chart::CumulativeReferrals,
        Chart::CumulativeRevenue,
        Chart::NetValue,
        Chart::PairedDifferences,
        Chart::RevenueBySource,
        Chart::Relationships,
        Chart::ReturnOnTime,
        Chart::NonBusinessValue,
        Chart::Separation,
        Chart::EgoNetworks,
        Chart::OutcomeSpread,
    ];

    /// File name without extension.
    pub fn name(self) -> &'static str {
        match self {
            Chart::ReferralYield => "referral_yield",
            Chart::CumulativeReferrals => "cumulative_referrals",
            Chart::CumulativeRevenue => "cumulative_revenue",
            Chart::NetValue => "net_value",
            Chart::PairedDifferences => "paired_differences",
            Chart::RevenueBySource => "revenue_by_source",
            Chart::Relationships => "relationships",
            Chart::ReturnOnTime => "return_on_time",
            Chart::NonBusinessValue => "non_business_value",
            Chart::Separation => "separation",
            Chart::EgoNetworks => "ego_networks",
            Chart::OutcomeSpread => "outcome_spread",
        }
    }

    /// The title drawn on the chart (and used as the report's heading):
    /// where the chart compares cohorts, the message it shows, computed
    /// from the data (see [`message`]).
    pub fn title(self, data: &RunData) -> String {
        let cur = &data.scenario.economy.currency;
        let stated =
            |lead: Option<String>, otherwise: String| lead.map_or(otherwise, |l| sentence(&l));
        match self {
            Chart::ReferralYield => "Referrals received per member per month".into(),
            Chart::CumulativeReferrals => stated(
                message::clause(
                    &message::leads(data, |i| {
                        data.cumulative_per_replicate(i, crate::metrics::Metric::ReferralsReceived)
                    }),
                    "has received more referrals per member",
                    "have received as many referrals per member (95% interval includes zero)",
                ),
                "Referrals received per member since the start".into(),
            ),
            Chart::CumulativeRevenue => stated(
                message::clause(
                    &message::leads(data, |i| {
                        data.cumulative_per_replicate(i, crate::metrics::Metric::Revenue)
                    }),
                    "has earned more per member",
                    "have earned as much per member (95% interval includes zero)",
                )
                .map(|l| format!("Revenue before costs ({cur}): {l}")),
                format!("Revenue per member since the start ({cur})"),
            ),
            Chart::NetValue => net_value::title(data),
            Chart::PairedDifferences => "Paired differences over the run, a − b".into(),
            Chart::RevenueBySource => format!("Revenue per member by source, year by year ({cur})"),
            Chart::Relationships => {
                "Relationships per member: people known and trusted ties".into()
            }
            Chart::ReturnOnTime => stated(
                message::clause(
                    &message::leads(data, |i| data.return_on_time_per_replicate(i)),
                    "earns more",
                    "earn as much (95% interval includes zero)",
                )
                .map(|l| {
                    format!("Revenue per hour spent networking, since the start ({cur}/h): {l}")
                }),
                format!(
                    "Return on time: revenue per hour spent networking since the start ({cur}/h)"
                ),
            ),
            Chart::NonBusinessValue => "Non-business value received per member, by kind".into(),
            Chart::Separation => "Degrees of separation in the acquaintance network".into(),
            Chart::EgoNetworks => "Trust network of a typical member at the end of the run".into(),
            Chart::OutcomeSpread => {
                "Final-year outcomes across members: not everyone succeeds".into()
            }
        }
    }

    /// One sentence saying what the chart shows, computed from the data.
    pub fn caption(self, data: &RunData) -> String {
        match self {
            Chart::ReferralYield => time::referral_yield_caption(data),
            Chart::CumulativeReferrals => time::cumulative_referrals_caption(data),
            Chart::CumulativeRevenue => time::cumulative_revenue_caption(data),
            Chart::NetValue => net_value::caption(data),
            Chart::PairedDifferences => differences::caption(data),
            Chart::RevenueBySource => bars::revenue_by_source_caption(data),
            Chart::Relationships => time::relationships_caption(data),
            Chart::ReturnOnTime => time::return_on_time_caption(data),
            Chart::NonBusinessValue => bars::non_business_value_caption(data),
            Chart::Separation => bars::separation_caption(data),
            Chart::EgoNetworks => ego::caption(data),
            Chart::OutcomeSpread => spread::caption(data),
        }
    }

    /// Draws the chart onto `root`, whichever the backend.
    pub fn draw<DB: DrawingBackend>(
        self,
        data: &RunData,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<()> {
        let (w, h) = root.dim_in_pixel();
        let look = Look::new(w, h);
        let title = self.title(data);
        match self {
            Chart::ReferralYield => time::referral_yield(data, root, &look, &title),
            Chart::CumulativeReferrals => time::cumulative_referrals(data, root, &look, &title),
            Chart::CumulativeRevenue => time::cumulative_revenue(data, root, &look, &title),
            Chart::NetValue => net_value::draw(data, root, &look, &title),
            Chart::PairedDifferences => differences::draw(data, root, &look, &title),
            Chart::RevenueBySource => bars::revenue_by_source(data, root, &look, &title),
            Chart::Relationships => time::relationships(data, root, &look, &title),
            Chart::ReturnOnTime => time::return_on_time(data, root, &look, &title),
            Chart::NonBusinessValue => bars::non_business_value(data, root, &look, &title),
            Chart::Separation => bars::separation(data, root, &look, &title),
            Chart::EgoNetworks => ego::draw(data, root, &look, &title),
            Chart::OutcomeSpread => spread::draw(data, root, &look, &title),
        }
    }
}

/// The files [`draw_all`] writes in `format`, relative to the run
/// directory (`charts/NAME.EXT`).
pub fn files(format: Format) -> Vec<String> {
    Chart::ALL
        .iter()
        .flat_map(|c| {
            format
                .extensions()
                .iter()
                .map(move |e| format!("charts/{}.{e}", c.name()))
        })
        .collect()
}

/// Draws every chart from the run directory `dir` into `dir/charts/`. Errors
/// (anyhow) name the missing/malformed file.
pub fn draw_all(dir: &Path, options: &ChartOptions) -> Result<Vec<PathBuf>> {
    check_size(options)?;
    let data = RunData::load(dir)?;
    let out = dir.join("charts");
    fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let jobs: Vec<(Chart, &str)> = Chart::ALL
        .iter()
        .flat_map(|&c| options.format.extensions().iter().map(move |&e| (c, e)))
        .collect();
    // Charts are independent, so draw them in parallel; collecting keeps
    // the order of `jobs`.
    jobs.par_iter()
        .map(|&(chart, ext)| {
            let path = out.join(format!("{}.{ext}", chart.name()));
            if ext == "svg" {
                let svg = render_svg(&data, chart, options.width, options.height)?;
                write_atomically(&path, svg.as_bytes())?;
            } else {
                render_png(&data, chart, options.width, options.height, &path)?;
            }
            Ok(path)
        })
        .collect()
}

fn check_size(options: &ChartOptions) -> Result<()> {
    for (what, v) in [("width", options.width), ("height", options.height)] {
        if !SIZE_RANGE.contains(&v) {
            bail!(
                "chart {what} {v} px is outside {}..={} px",
                SIZE_RANGE.start(),
                SIZE_RANGE.end()
            );
        }
    }
    Ok(())
}

/// Something drawable on any plotters backend: a run chart with its data,
/// or a sweep chart with its data. Rendering to SVG text or a PNG file is
/// the same for both.
pub trait Picture {
    /// File name without extension.
    fn file_name(&self) -> String;
    /// Draws onto `root`.
    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>;
}

impl Picture for (&RunData, Chart) {
    fn file_name(&self) -> String {
        self.1.name().to_string()
    }

    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        self.1.draw(self.0, root)
    }
}

/// Draws a picture as SVG text.
pub fn svg_text(picture: &impl Picture, width: u32, height: u32) -> Result<String> {
    style::register_fonts()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        picture
            .paint(&root)
            .with_context(|| format!("drawing {}.svg", picture.file_name()))?;
        root.present().drawn()?;
    }
    Ok(svg)
}

/// Draws a picture into the PNG file `path` (written under a temporary
/// name, then renamed, so a failure never leaves half an image).
pub fn png_file(picture: &impl Picture, width: u32, height: u32, path: &Path) -> Result<()> {
    style::register_fonts()?;
    let name = picture.file_name();
    // The encoder picks the format from the extension, so the temporary
    // name keeps `.png`.
    let tmp = path.with_file_name(format!(".{name}.partial.png"));
    {
        let root = BitMapBackend::new(&tmp, (width, height)).into_drawing_area();
        picture
            .paint(&root)
            .with_context(|| format!("drawing {name}.png"))?;
        root.present()
            .drawn()
            .with_context(|| format!("cannot write {}", tmp.display()))?;
    }
    fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

/// Draws one run chart as SVG text.
pub fn render_svg(data: &RunData, chart: Chart, width: u32, height: u32) -> Result<String> {
    svg_text(&(data, chart), width, height)
}

/// Draws one run chart into the PNG file `path`.
pub fn render_png(
    data: &RunData,
    chart: Chart,
    width: u32,
    height: u32,
    path: &Path,
) -> Result<()> {
    png_file(&(data, chart), width, height, path)
}

/// Writes `bytes` to `path` through a temporary file in the same directory.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.partial"));
    fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

/// Series indices grouped by variant, in order.
pub(crate) fn by_variant(data: &RunData) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); data.results.variants.len()];
    for (i, s) in data.series.iter().enumerate() {
        if let Some(g) = groups.get_mut(s.variant_index) {
            g.push(i);
        }
    }
    groups
}

/// A legend entry per cohort in its colour, drawn with `mark`: the colour
/// names the cohort in every variant, so the legend lists cohorts only.
pub(crate) fn cohort_legend(
    data: &RunData,
    mark: impl Fn(plotters::style::RGBColor) -> style::Mark,
) -> Vec<style::LegendItem> {
    data.cohort_series()
        .into_iter()
        .map(|i| style::LegendItem::new(mark(data.colour(i)), data.series[i].cohort.clone()))
        .collect()
}

/// "a", "a and b", "a, b and c".
pub(crate) fn join(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The sentence with its first letter in upper case.
pub(crate) fn sentence(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Prefix for a clause about one variant when several are compared.
pub(crate) fn variant_prefix(data: &RunData, variant: usize) -> String {
    if data.has_variants() {
        format!("In variant {}, ", data.results.variants[variant].name)
    } else {
        String::new()
    }
}

/// "20 replicates", "1 replicate".
pub(crate) fn replicates(data: &RunData) -> String {
    match data.results.metadata.replicates {
        1 => "1 replicate".to_string(),
        r => format!("{r} replicates"),
    }
}

/// Indices of `series` sorted by `key`, largest first (ties keep order).
pub(crate) fn ranked(series: &[usize], key: impl Fn(usize) -> f64) -> Vec<usize> {
    let mut r = series.to_vec();
    r.sort_by(|&a, &b| {
        let (ka, kb) = (key(a), key(b));
        // NaN ranks last.
        let ka = if ka.is_nan() { f64::NEG_INFINITY } else { ka };
        let kb = if kb.is_nan() { f64::NEG_INFINITY } else { kb };
        kb.total_cmp(&ka)
    });
    r
}

/// Compares the leader's `a` with the runner-up's `b`: "3.1 times B's 0.5",
/// "about the same as B's 0.5", "against none for B".
pub(crate) fn versus(next: &str, a: f64, b: f64, fmt: &dyn Fn(f64) -> String) -> String {
    if !(a.is_finite() && b.is_finite()) {
        format!("against {} for {next}", fmt(b))
    } else if b <= 0.0 {
        if a <= 0.0 {
            format!("as many as {next}")
        } else {
            format!("against none for {next}")
        }
    } else if a / b < 1.05 {
        format!("about the same as {next}'s {}", fmt(b))
    } else {
        format!("{} {next}'s {}", numbers::times(a, b), fmt(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_names_are_unique() {
        let mut names: Vec<&str> = Chart::ALL.iter().map(|c| c.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Chart::ALL.len());
    }

    #[test]
    fn lists_read_as_english() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(join(&s(&["a"])), "a");
        assert_eq!(join(&s(&["a", "b"])), "a and b");
        assert_eq!(join(&s(&["a", "b", "c"])), "a, b and c");
        assert_eq!(sentence("networking leads"), "Networking leads");
    }

    #[test]
    fn comparisons_never_divide_by_zero() {
        let f = |x: f64| numbers::fixed(x, 1);
        assert_eq!(versus("B", 3.0, 1.0, &f), "3.0 times B's 1.0");
        assert_eq!(versus("B", 1.0, 0.0, &f), "against none for B");
        assert_eq!(versus("B", 1.01, 1.0, &f), "about the same as B's 1.0");
        assert_eq!(
            ranked(&[0, 1, 2], |i| [1.0, f64::NAN, 3.0][i]),
            vec![2, 0, 1]
        );
    }
}
