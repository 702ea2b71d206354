//! Two runs side by side (`netgrow compare RUN_A RUN_B`): a trainer tunes a
//! key, runs again, and shows before and after.
//!
//! Both run directories are read back like `netgrow plot` reads one
//! ([`RunData::load`]); nothing is simulated. The comparison holds each
//! run's headline figures per variant and cohort with their own 95%
//! intervals, and the scenario keys whose values differ. It is written as
//! `comparison.html` (self-contained, the chart inline), `comparison.csv`
//! (long: one row per figure, run, variant and cohort),
//! `scenario_differences.csv` and the chart `comparison.svg` / `.png`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::html::{self, escape, Extras};
use super::keys::{self, Changed};
use crate::chart::data::{RunData, Stat};
use crate::chart::numbers::{amount, interval, money, money_interval};
use crate::chart::style::{
    axes_look, category_label, frame, grid, titled, Drawn, Header, LegendItem, Look, Mark, Ticked,
    INK, MUTED,
};
use crate::chart::{self, Picture};
use crate::output::schema::compare as schema;

/// The files a comparison writes, relative to its directory.
pub const FILES: [&str; 5] = [
    "comparison.html",
    "comparison.csv",
    "scenario_differences.csv",
    "comparison.svg",
    "comparison.png",
];

/// A headline figure compared.
struct Figure {
    /// Its name in `comparison.csv`.
    name: &'static str,
    /// What the page and chart call it.
    label: &'static str,
    money: bool,
    value: fn(&RunData, usize) -> Stat,
}

const FIGURES: [Figure; 6] = [
    Figure {
        name: schema::FIGURES[0].0,
        label: "Referrals per month, final year",
        money: false,
        value: |d, i| d.final_year(i).referrals_per_month,
    },
    Figure {
        name: schema::FIGURES[1].0,
        label: "Referrals over the run",
        money: false,
        value: |d, i| d.final_year(i).cumulative_referrals,
    },
    Figure {
        name: schema::FIGURES[2].0,
        label: "Revenue over the run (gross)",
        money: true,
        value: |d, i| d.final_year(i).cumulative_revenue,
    },
    Figure {
        name: schema::FIGURES[3].0,
        label: "Net value over the run",
        money: true,
        value: |d, i| d.net_value(i).last().copied().unwrap_or(Stat::of(&[])),
    },
    Figure {
        name: schema::FIGURES[4].0,
        label: "Revenue per hour over the run",
        money: true,
        value: |d, i| d.return_on_time(i).last().copied().unwrap_or(Stat::of(&[])),
    },
    Figure {
        name: schema::FIGURES[5].0,
        label: "Trusted ties at the end",
        money: false,
        value: |d, i| d.final_year(i).trusted_ties,
    },
];

/// Two runs read back, and the (variant, cohort) pairs both have.
pub struct Comparison {
    pub a: RunData,
    pub b: RunData,
    /// Series indices in `a` and `b` of each pair both runs have.
    pub shared: Vec<(usize, usize)>,
    /// Labels of the series only one run has.
    pub only_a: Vec<String>,
    pub only_b: Vec<String>,
    /// The scenario keys whose values differ.
    pub changed: Vec<Changed>,
}

impl Comparison {
    /// Reads the runs in `a` and `b`; an error names the directory and
    /// what is missing or malformed.
    pub fn load(a: &Path, b: &Path) -> Result<Comparison> {
        let a = RunData::load(a).with_context(|| format!("run A ({})", a.display()))?;
        let b = RunData::load(b).with_context(|| format!("run B ({})", b.display()))?;
        let mut shared = Vec::new();
        let mut only_a = Vec::new();
        for (i, s) in a.series.iter().enumerate() {
            match b.series_of(&s.variant, &s.cohort) {
                Some(j) => shared.push((i, j)),
                None => only_a.push(s.label.clone()),
            }
        }
        let only_b = b
            .series
            .iter()
            .filter(|s| a.series_of(&s.variant, &s.cohort).is_none())
            .map(|s| s.label.clone())
            .collect();
        let changed = keys::changed(&keys::flat(&a.scenario)?, &keys::flat(&b.scenario)?);
        Ok(Comparison {
            a,
            b,
            shared,
            only_a,
            only_b,
            changed,
        })
    }

    fn currency(&self) -> &str {
        &self.a.scenario.economy.currency
    }

    fn label(&self, pair: (usize, usize)) -> &str {
        &self.a.series[pair.0].label
    }
}

/// Writes every file of the comparison into `dir` (which exists).
pub fn write(c: &Comparison, dir: &Path) -> Result<Vec<PathBuf>> {
    let [html_name, csv_name, keys_name, svg_name, png_name] = FILES;
    let svg = chart::svg_text(c, chart::DEFAULT_WIDTH, chart::DEFAULT_HEIGHT)?;
    chart::png_file(
        c,
        chart::DEFAULT_WIDTH,
        chart::DEFAULT_HEIGHT,
        &dir.join(png_name),
    )?;
    chart::write_atomically(&dir.join(svg_name), svg.as_bytes())?;
    chart::write_atomically(&dir.join(csv_name), figures_csv(c)?.as_bytes())?;
    chart::write_atomically(&dir.join(keys_name), keys_csv(&c.changed)?.as_bytes())?;
    chart::write_atomically(&dir.join(html_name), page(c, &svg).as_bytes())?;
    Ok(FILES.iter().map(|f| dir.join(f)).collect())
}

/// A number as data: empty when not available.
fn datum(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

fn figures_csv(c: &Comparison) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(schema::comparison().header())?;
    for f in &FIGURES {
        for &(i, j) in &c.shared {
            for (run, data, s) in [("a", &c.a, i), ("b", &c.b, j)] {
                let v = (f.value)(data, s);
                let id = &data.series[s];
                w.write_record([
                    f.name,
                    run,
                    &data.dir.display().to_string(),
                    &id.variant,
                    &id.cohort,
                    &datum(v.mean),
                    &datum(v.ci_low),
                    &datum(v.ci_high),
                    &v.n.to_string(),
                ])?;
            }
        }
    }
    let bytes = w.into_inner().context("cannot write comparison.csv")?;
    String::from_utf8(bytes).context("comparison.csv is not text")
}

fn keys_csv(changed: &[Changed]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(schema::scenario_differences().header())?;
    for k in changed {
        w.write_record([
            k.key.as_str(),
            k.a.as_deref().unwrap_or(""),
            k.b.as_deref().unwrap_or(""),
        ])?;
    }
    let bytes = w
        .into_inner()
        .context("cannot write scenario_differences.csv")?;
    String::from_utf8(bytes).context("scenario_differences.csv is not text")
}

/// "£1,234 (95% CI £1,100 to £1,400)".
fn with_interval(s: &Stat, money_unit: Option<&str>) -> String {
    let f = |x: f64| match money_unit {
        Some(cur) => money(cur, x),
        None => amount(x),
    };
    match html::interval(s.ci_low, s.ci_high, s.n) {
        Some((lo, hi)) => {
            let both = match money_unit {
                Some(cur) => money_interval(cur, lo, hi),
                None => interval(lo, hi),
            };
            format!("{} (95% CI {both})", f(s.mean))
        }
        None => f(s.mean),
    }
}

/// The keys that differ, in words, for the command line.
pub fn keys_text(c: &Comparison) -> String {
    if c.changed.is_empty() {
        return "The two runs' scenarios are the same in every key.\n".to_string();
    }
    let mut t = format!("{} scenario key(s) differ (A → B):\n", c.changed.len());
    for k in &c.changed {
        let _ = writeln!(
            t,
            "  {}: {} → {}",
            k.key,
            k.a.as_deref().unwrap_or("(none)"),
            k.b.as_deref().unwrap_or("(none)")
        );
    }
    t
}

fn page(c: &Comparison, svg: &str) -> String {
    let mut h = String::new();
    let (na, nb) = (&c.a.scenario.simulation.name, &c.b.scenario.simulation.name);
    html::begin_page(
        &mut h,
        &format!("netgrow: {na} against {nb}"),
        Extras {
            contents: false,
            swatches: false,
        },
    );
    let _ = writeln!(
        h,
        "<h1>Two runs compared</h1>\n<p class=\"meta\">A: <code>{}</code> ({}) · B: <code>{}</code> ({})</p>",
        escape(&c.a.dir.display().to_string()),
        escape(na),
        escape(&c.b.dir.display().to_string()),
        escape(nb)
    );
    html::begin_section(&mut h, "keys", "What differs between the scenarios");
    if c.changed.is_empty() {
        h.push_str("<p>Nothing: the two scenarios are the same in every key.</p>\n");
    } else {
        h.push_str("<table data-table=\"scenario_differences\">\n<thead><tr><th>Key</th><th>A</th><th>B</th></tr></thead>\n<tbody>\n");
        for k in &c.changed {
            let _ = writeln!(
                h,
                "<tr><th><code>{}</code></th><td>{}</td><td>{}</td></tr>",
                escape(&k.key),
                escape(k.a.as_deref().unwrap_or("–")),
                escape(k.b.as_deref().unwrap_or("–"))
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    html::end_section(&mut h);
    html::begin_section(&mut h, "figures", "Headline figures side by side");
    let _ = writeln!(
        h,
        "<p>Per member, mean over each run's replicates with its 95% confidence interval. Net value is revenue above staying home (gross where a run has no stay-home baseline) minus fees and hours at the value of time.</p>\n<figure id=\"comparison\">\n{}\n</figure>",
        html::inline_svg(svg, "Headline figures of runs A and B side by side")
    );
    h.push_str("<table class=\"headline\" data-table=\"comparison\">\n<thead><tr><th>Figure</th><th>Variant and cohort</th><th>A</th><th>B</th></tr></thead>\n<tbody>\n");
    let cur = c.currency().to_string();
    for f in &FIGURES {
        let unit = f.money.then_some(cur.as_str());
        for &(i, j) in &c.shared {
            let _ = writeln!(
                h,
                "<tr data-figure=\"{}\"><th>{}</th><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                f.name,
                escape(f.label),
                escape(c.label((i, j))),
                escape(&with_interval(&(f.value)(&c.a, i), unit)),
                escape(&with_interval(&(f.value)(&c.b, j), unit))
            );
        }
    }
    h.push_str("</tbody>\n</table>\n");
    for (run, only) in [("A", &c.only_a), ("B", &c.only_b)] {
        if !only.is_empty() {
            let _ = writeln!(
                h,
                "<p>Only in run {run}, so not compared: {}.</p>",
                escape(&only.join(", "))
            );
        }
    }
    html::end_section(&mut h);
    html::end_page(&mut h);
    h
}

impl Picture for Comparison {
    fn file_name(&self) -> String {
        "comparison".to_string()
    }

    fn paint<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let (w, h) = root.dim_in_pixel();
        let look = Look::new(w, h);
        let legend = [
            LegendItem::new(Mark::Dot(INK), "A (before)"),
            LegendItem::new(Mark::Swatch(MUTED), "B (after)"),
        ];
        let subtitle = format!(
            "Per member, each run's mean with its 95% interval (whiskers). A: {}; B: {}",
            self.a.dir.display(),
            self.b.dir.display()
        );
        let area = frame(
            root,
            &look,
            &Header {
                title: "Two runs side by side: headline figures",
                subtitle: &subtitle,
                legend: &legend,
            },
        )?;
        let labels: Vec<String> = self
            .shared
            .iter()
            .map(|&(i, _)| self.a.series[i].cohort.clone())
            .collect();
        for (f, panel) in FIGURES.iter().zip(grid(&area, FIGURES.len())) {
            let body = titled(&panel, &look, f.label)?;
            self.draw_figure(&body, &look, f, &labels)?;
        }
        Ok(())
    }
}

impl Comparison {
    /// One panel: for each shared series, A's dot and B's square with
    /// their whiskers, in the cohort's colour.
    fn draw_figure<DB: DrawingBackend>(
        &self,
        body: &DrawingArea<DB, Shift>,
        look: &Look,
        f: &Figure,
        labels: &[String],
    ) -> Result<()> {
        let values: Vec<(Stat, Stat)> = self
            .shared
            .iter()
            .map(|&(i, j)| ((f.value)(&self.a, i), (f.value)(&self.b, j)))
            .collect();
        let ends = values
            .iter()
            .flat_map(|(a, b)| [a, b])
            .flat_map(|s| [s.mean, s.ci_low, s.ci_high])
            .filter(|x| x.is_finite());
        let (lo, hi) = ends.fold((0.0f64, 0.0f64), |(l, h), x| (l.min(x), h.max(x)));
        let pad = ((hi - lo) * 0.1).max(1e-9);
        let (lo, hi) = (if lo < 0.0 { lo - pad } else { 0.0 }, hi + pad);
        let cur = self.currency().to_string();
        let mut chart = ChartBuilder::on(body)
            .margin_left(look.px(10.0))
            .margin_right(look.px(20.0))
            .x_label_area_size(look.px(50.0))
            .y_label_area_size(look.px(130.0))
            .build_cartesian_2d(Ticked::categories(labels.len()), lo..hi)
            .drawn()?;
        let span = hi - lo;
        let x_fmt = |x: &f64| category_label(labels, *x);
        let y_fmt = |v: &f64| {
            if f.money {
                crate::chart::numbers::money_tick(&cur, *v, span)
            } else {
                crate::chart::numbers::tick(*v, span)
            }
        };
        axes_look(&mut chart.configure_mesh(), look)
            .disable_x_mesh()
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .y_labels(5)
            .draw()
            .drawn()?;
        let r = look.px(11.0);
        for (k, ((a, b), &(i, _))) in values.iter().zip(&self.shared).enumerate() {
            let colour = self.a.colour(i);
            for (dx, s, dot) in [(-0.15, a, true), (0.15, b, false)] {
                let x = k as f64 + dx;
                if s.ci_low.is_finite() && s.ci_high.is_finite() && s.n > 1 {
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(x, s.ci_low), (x, s.ci_high)],
                            colour.stroke_width(look.upx(4.0)),
                        )))
                        .drawn()?;
                }
                if !s.mean.is_finite() {
                    continue;
                }
                if dot {
                    chart
                        .draw_series(std::iter::once(Circle::new(
                            (x, s.mean),
                            r,
                            colour.filled(),
                        )))
                        .drawn()?;
                } else {
                    chart
                        .draw_series(std::iter::once(
                            EmptyElement::at((x, s.mean))
                                + Rectangle::new([(-r, -r), (r, r)], colour.filled()),
                        ))
                        .drawn()?;
                }
            }
        }
        Ok(())
    }
}
