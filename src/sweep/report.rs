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
use crate::report::{escape, figure};

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

const STYLE: &str = "
body { font-family: system-ui, 'DejaVu Sans', 'Segoe UI', Helvetica, Arial, sans-serif; font-size: 18px; line-height: 1.5; color: #1a1a1a; background: #fff; margin: 0; }
main { max-width: 1200px; margin: 0 auto; padding: 1.5em 2em 4em; }
h1 { font-size: 2em; margin-bottom: 0.2em; }
h2 { font-size: 1.5em; margin-top: 2em; border-bottom: 2px solid #ddd; padding-bottom: 0.2em; }
h3 { font-size: 1.2em; margin: 1.5em 0 0.5em; }
p.meta { color: #555; margin-top: 0; }
p.question { font-size: 1.25em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.95em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35em 0.7em; vertical-align: top; }
th { text-align: left; background: #f4f4f4; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 1em 0 2.5em; }
figure svg { display: block; width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 1.1em; margin-top: 0.5em; }
code { background: #f4f4f4; padding: 0.1em 0.3em; border-radius: 3px; }
@media print { figure { break-inside: avoid; } }
";

/// The whole page.
pub fn render(data: &SweepData, figures: &[(SweepChart, String)]) -> String {
    let m = &data.manifest;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        escape(&format!("netgrow sweep: {}", m.scenario))
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
    question(&mut h, data);
    varied(&mut h, data);
    headline(&mut h, data);
    h.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    for (c, svg) in figures {
        figure(&mut h, &c.name(), &c.title(data), svg, &c.caption(data));
    }
    h.push_str("</section>\n");
    method(&mut h, data);
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn question(h: &mut String, data: &SweepData) {
    let s = &data.scenario;
    let text = if s.simulation.description.trim().is_empty() {
        "How do the cohorts' results change as the scenario's assumptions change?".to_string()
    } else {
        s.simulation.description.trim().to_string()
    };
    let _ = writeln!(
        h,
        "<section id=\"question\">\n<h2>The question</h2>\n<p class=\"question\">{}</p>\n</section>",
        escape(&text)
    );
}

fn design_words(design: Design) -> &'static str {
    match design {
        Design::Grid => "every combination of the values below (a grid)",
        Design::Zip => "the values below taken in step: the first of each key together, then the second, and so on",
        Design::Random => "points drawn at random from the ranges below, each key independently",
        Design::Lhs => "a Latin hypercube: each key's range cut into as many equal strata as there are points, every stratum used once",
        Design::Oat => "one key at a time: the base scenario, then each key moved across its values while the others keep their base values",
    }
}

fn varied(h: &mut String, data: &SweepData) {
    let m = &data.manifest;
    let _ = writeln!(
        h,
        "<section id=\"varied\">\n<h2>What was varied</h2>\n<p>{} points: {}.</p>",
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
    h.push_str("</tbody>\n</table>\n</section>\n");
}

fn with_ci(data: &SweepData, metric: usize, s: &Stat) -> String {
    if s.ci_low.is_finite() && s.ci_high.is_finite() && s.n > 1 {
        format!(
            "{} ({} to {})",
            amount(data, metric, s.mean),
            amount(data, metric, s.ci_low),
            amount(data, metric, s.ci_high)
        )
    } else {
        amount(data, metric, s.mean)
    }
}

fn headline(h: &mut String, data: &SweepData) {
    let m = &data.manifest;
    let Some(&metric) = charted_metrics(data).first() else {
        return;
    };
    let year = data.last_year();
    let _ = writeln!(
        h,
        "<section id=\"headline\">\n<h2>Headline: {}</h2>\n<p>{} in year {}, mean per member with its 95% interval across replicates{}.</p>",
        escape(metric_label(metric)),
        escape(&crate::chart::sentence(metric_label(metric))),
        year + 1,
        if data.difference_label().is_some() {
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
    if let Some(label) = data.difference_label() {
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
    h.push_str("</section>\n");
}

/// The command that reproduces the sweep, in its own folder.
pub const REPRODUCE: &str = "netgrow sweep scenario.toml --out reproduced";

fn method(h: &mut String, data: &SweepData) {
    let m = &data.manifest;
    let items = [
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
    h.push_str("<section id=\"method\">\n<h2>Method and reproduction</h2>\n<ul>\n");
    for item in items {
        let _ = writeln!(h, "<li>{}</li>", escape(&item));
    }
    h.push_str("</ul>\n");
    let _ = writeln!(
        h,
        "<p>Made with netgrow {}. <code>scenario.toml</code>, beside this report, is the scenario with every default filled in and the sweep's definition in its <code>[sweep]</code> table (scenario hash <code>{}</code>). To reproduce every number, run this in the folder that holds this report:</p>\n<pre><code>{REPRODUCE}</code></pre>",
        escape(&m.netgrow_version),
        escape(&m.scenario_hash)
    );
    h.push_str("</section>\n");
}
