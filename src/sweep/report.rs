//! The sweep's `report.html`: one self-contained page, like `run`'s
//! report — what was varied and how, the headline metric at every point
//! with its 95% interval, every chart inline (SVG) with a caption computed
//! from the numbers, and how to reproduce it. It loads nothing from
//! anywhere and is well-formed XML.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::chart::{self, amount, SweepChart};
use super::design::Design;
use super::results::{charted_metrics, metric_label, SweepData};
use crate::chart::{DEFAULT_HEIGHT, DEFAULT_WIDTH};
use crate::metrics::Stat;
use crate::report::html::{self, escape, plural, Extras, Figure};

/// Most rows of the headline table; the rest are in `sweep.csv`.
const MAX_ROWS: usize = 60;

/// Writes `dir/report.html`, inlining the SVG charts in `drawn` (drawing
/// in memory any chart not drawn as SVG).
pub fn write_report(data: &SweepData, dir: &Path, drawn: &[PathBuf]) -> Result<PathBuf> {
    let figures = chart::charts(data)
        .into_iter()
        .map(|c| {
            let file = format!("{}.svg", c.name());
            let svg = match drawn
                .iter()
                .find(|p| p.file_name().is_some_and(|n| n == file.as_str()))
            {
                Some(path) => std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?,
                None => chart::render_svg(data, c, DEFAULT_WIDTH, DEFAULT_HEIGHT)?,
            };
            Ok((c, svg))
        })
        .collect::<Result<Vec<_>>>()?;
    let html = render(data, &figures);
    let path = dir.join("report.html");
    super::store::write_file(&path, html.as_bytes())?;
    Ok(path)
}

/// The whole page.
pub fn render(data: &SweepData, figures: &[(SweepChart, String)]) -> String {
    let m = &data.manifest;
    let mut h = String::new();
    html::begin_page(
        &mut h,
        &format!("netgrow sweep: {}", m.scenario),
        Extras {
            contents: false,
            swatches: false,
        },
    );
    let _ = writeln!(h, "<h1>netgrow sweep: {}</h1>", escape(&m.scenario));
    let _ = writeln!(
        h,
        "<p class=\"meta\">netgrow {} · {} design · {} point{} × {} replicate{} × {} year{} · seed {}</p>",
        escape(&m.netgrow_version),
        m.design,
        m.points.len(),
        plural(m.points.len()),
        m.replicates,
        plural(m.replicates as usize),
        m.years,
        plural(m.years as usize),
        m.seed
    );
    html::question(
        &mut h,
        &data.scenario.simulation.description,
        "How do the cohorts' results change as the scenario's assumptions change?",
    );
    varied(&mut h, data);
    headline(&mut h, data);
    html::charts(
        &mut h,
        figures.iter().map(|(c, svg)| Figure {
            id: c.name(),
            title: c.title(data),
            svg,
            caption: c.caption(data),
        }),
    );
    method(&mut h, data);
    html::end_page(&mut h);
    h
}

fn design_words(design: Design) -> &'static str {
    match design {
        Design::Grid => "every combination of the values below (a grid)",
        Design::Zip => "the values below taken in step: the first of each key together, then the second, and so on",
        Design::Random => "points drawn at random from the ranges below, each key independently",
        Design::Lhs => "a Latin hypercube: each key's range cut into as many equal strata as there are points, every stratum used once",
        Design::Oat => "one key at a time: the base scenario, then each key moved across its values while the others keep their base values",
        Design::Morris => "Morris trajectories: each starts at random levels of every key's range and moves the keys one at a time, in random order, by half the range's levels; the elementary effects give each key's μ* (how much it matters), μ and σ",
        Design::Sobol => "Saltelli's scheme for Sobol' indices: two samples A and B from a Sobol' sequence and, for each key, A with that key taken from B; the runs give each key's first-order and total-order share of the variance",
        Design::File => "the points listed in a CSV file, one row per point",
    }
}

fn varied(h: &mut String, data: &SweepData) {
    let m = &data.manifest;
    html::begin_section(h, "varied", "What was varied");
    let _ = writeln!(
        h,
        "<p>{} points: {}.</p>",
        m.points.len(),
        escape(design_words(m.design))
    );
    h.push_str("<table>\n<thead><tr><th>key</th><th>values</th><th>distinct values run</th><th>base scenario</th></tr></thead>\n<tbody>\n");
    for (k, key) in m.keys.iter().enumerate() {
        let mut distinct: Vec<&str> = m.points.iter().map(|p| p.values[k].as_str()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&key.key),
            escape(&key.spec),
            distinct.len(),
            escape(&key.base)
        );
    }
    h.push_str("</tbody>\n</table>\n");
    html::end_section(h);
}

/// "0.71 (0.65 to 0.77)"
fn with_ci(data: &SweepData, metric: usize, s: &Stat) -> String {
    match html::interval(s.ci_low, s.ci_high, s.n) {
        Some((low, high)) => format!(
            "{} ({})",
            amount(data, metric, s.mean),
            chart::interval(data, metric, low, high)
        ),
        None => amount(data, metric, s.mean),
    }
}

fn headline(h: &mut String, data: &SweepData) {
    let m = &data.manifest;
    let Some(&metric) = charted_metrics(data).first() else {
        return;
    };
    let year = data.last_year();
    html::begin_section(
        h,
        "headline",
        &format!("Headline: {}", metric_label(metric)),
    );
    let _ = writeln!(
        h,
        "<p>{} in year {}, mean per member with its 95% interval across replicates{}.</p>",
        escape(&crate::chart::sentence(metric_label(metric))),
        year + 1,
        if data.difference_title().is_some() {
            "; the difference is paired, replicate by replicate"
        } else {
            ""
        }
    );
    h.push_str("<table>\n<thead><tr><th>point</th>");
    for name in super::command::point_header(data) {
        let _ = write!(h, "<th>{}</th>", escape(&name));
    }
    for c in &m.cohorts {
        let _ = write!(h, "<th>{}</th>", escape(c));
    }
    if let Some(label) = data.difference_title() {
        let _ = write!(h, "<th>{}</th>", escape(&label));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for p in 0..m.points.len().min(MAX_ROWS) {
        let _ = write!(h, "<tr><td class=\"n\">{p}</td>");
        for v in super::command::point_cells(data, p) {
            let _ = write!(h, "<td class=\"n\">{}</td>", escape(&v));
        }
        for c in 0..m.cohorts.len() {
            let s = data.stat(p, c, year, metric);
            let _ = write!(
                h,
                "<td class=\"n\">{}</td>",
                escape(&with_ci(data, metric, &s))
            );
        }
        if let Some(d) = data.difference(p, year, metric) {
            let _ = write!(
                h,
                "<td class=\"n\">{}</td>",
                escape(&with_ci(data, metric, &d))
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
    if m.points.len() > MAX_ROWS {
        let _ = writeln!(
            h,
            "<p>The first {MAX_ROWS} of {} points; every point, cohort, metric and year is in <code>sweep.csv</code>.</p>",
            m.points.len()
        );
    }
    html::end_section(h);
}

/// How a sensitivity design's indices were formed, with the references.
fn indices_method(design: Design) -> Option<String> {
    match design {
        Design::Morris => Some("Each point's output is the mean over its replicates. An elementary effect is the change in the output when one key moves by Δ = p / (2(p − 1)) of its range (p levels), divided by Δ; per key, μ* is the mean absolute effect (Campolongo, Cariboni & Saltelli 2007), μ the mean and σ the standard deviation over the trajectories (Morris 1991). μ*'s 95% interval is a percentile bootstrap over trajectories (1,000 resamples). morris.csv has every metric, cohort and key.".to_string()),
        Design::Sobol => Some("Each point's output is the mean over its replicates. Base samples A and B are the two halves of a digitally shifted Sobol' sequence; first-order indices use the estimator of Saltelli et al. (2010), total-order indices that of Jansen (1999), both over the variance of the outputs of A and B. 95% intervals are percentile bootstraps over the base rows (1,000 resamples); with few base rows the estimates are rough, and a first-order index may fall slightly below 0. sobol.csv has every metric, cohort and key.".to_string()),
        _ => None,
    }
}

/// The command that reproduces the sweep, in its own folder.
pub const REPRODUCE: &str = "netgrow sweep scenario.toml --out reproduced";

fn method(h: &mut String, data: &SweepData) {
    let m = &data.manifest;
    let mut items = vec![
        format!(
            "Every point runs the same {} replicate{} — independent simulated towns built from seed {} and the replicate number. Replicate r of every point uses the same town and the same random streams (common random numbers), so differences between points come from the values varied, not from different luck.",
            m.replicates,
            plural(m.replicates as usize),
            m.seed
        ),
        "Figures are per member, averaged over a cohort's members within a town and then over replicates; intervals are 95% Student-t intervals for that average.".to_string(),
        "The difference between cohorts is formed within each replicate and then averaged, so its interval is that of a paired comparison.".to_string(),
        "sweep.csv has one row per point, cohort, headline metric (and year, with --each-year); sweep_difference.csv the paired differences; points/ one file per point with every replicate's value.".to_string(),
    ];
    items.extend(indices_method(m.design));
    let holds = format!(
        " and the sweep's definition in its <code>[sweep]</code> table (scenario hash <code>{}</code>)",
        escape(&m.scenario_hash)
    );
    html::method(
        h,
        &items,
        &html::Reproduction {
            version: &m.netgrow_version,
            scenario_holds: &holds,
            command: REPRODUCE,
            then: "",
        },
    );
}
