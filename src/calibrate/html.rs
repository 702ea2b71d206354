//! The calibration's `report.html`: one self-contained page in the style
//! of netgrow's other reports — the targets, each key's posterior, the fit
//! of the calibrated scenario, the charts inline with captions computed
//! from the numbers, and how it was made.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::chart::{render_svg, CalibrationChart};
use super::report::{figure, observed_interval, short, z, Calibration, REPORT};
use crate::chart::numbers::fixed;
use crate::chart::{DEFAULT_HEIGHT, DEFAULT_WIDTH};
use crate::report::html::{self, escape, Extras, Figure, Reproduction};

/// Writes `dir/report.html`, inlining the SVG charts in `drawn` (drawing
/// in memory any chart not drawn as SVG).
pub fn write(c: &Calibration, dir: &Path, drawn: &[PathBuf]) -> Result<PathBuf> {
    let svgs = CalibrationChart::ALL
        .iter()
        .map(|&chart| {
            let file = format!("{}.svg", chart.name());
            match drawn
                .iter()
                .find(|p| p.file_name().is_some_and(|n| n == file.as_str()))
            {
                Some(path) => std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display())),
                None => render_svg(c, chart, DEFAULT_WIDTH, DEFAULT_HEIGHT),
            }
        })
        .collect::<Result<Vec<_>>>()?;
    let path = dir.join(REPORT);
    crate::sweep::store::write_file(&path, render(c, &svgs).as_bytes())?;
    Ok(path)
}

/// The whole page; `svgs` are the charts of [`CalibrationChart::ALL`].
pub fn render(c: &Calibration, svgs: &[String]) -> String {
    let name = &c.calibrated.simulation.name;
    let mut h = String::new();
    html::begin_page(
        &mut h,
        &format!("netgrow calibration: {name}"),
        Extras {
            contents: false,
            swatches: false,
        },
    );
    let _ = writeln!(h, "<h1>netgrow calibration: {}</h1>", escape(name));
    let m = &c.targets.method;
    let _ = writeln!(
        h,
        "<p class=\"meta\">{} fitted key(s), {} target(s); {} candidates drawn from the priors, {} replicate(s) each; the closest {} kept.</p>",
        c.targets.priors.len(),
        c.targets.targets.len(),
        m.candidates,
        c.replicates,
        m.accepted()
    );
    keys_section(&mut h, c);
    fit_section(&mut h, c);
    let figures = CalibrationChart::ALL
        .iter()
        .zip(svgs)
        .map(|(&chart, svg)| Figure {
            id: chart.name().to_string(),
            title: chart.title(c),
            svg,
            caption: chart.caption(c),
        });
    html::charts(&mut h, figures);
    method_section(&mut h, c);
    html::end_page(&mut h);
    h
}

fn keys_section(h: &mut String, c: &Calibration) {
    html::begin_section(h, "keys", "The fitted keys");
    h.push_str("<table>\n<tr><th>key</th><th>prior</th><th>calibrated (median)</th><th>50% interval</th><th>90% interval</th><th>90% by rejection alone</th></tr>\n");
    for (p, i) in c.targets.priors.iter().zip(&c.fitted.intervals) {
        let (a, b) = i.fifty();
        let (lo, hi) = i.ninety();
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{} to {}</td><td class=\"n\">{} to {}</td><td class=\"n\">{} to {}</td></tr>",
            escape(&p.key),
            escape(&p.to_string()),
            short(p.rounded(i.median())),
            short(a),
            short(b),
            short(lo),
            short(hi),
            short(i.raw[0]),
            short(i.raw[4])
        );
    }
    h.push_str("</table>\n");
    html::end_section(h);
}

fn fit_section(h: &mut String, c: &Calibration) {
    html::begin_section(h, "fit", "Targets and the calibrated scenario");
    let _ = writeln!(
        h,
        "<p>Observed: each target with its stated uncertainty (95% range: ±1.96 sd). Simulated: <code>calibrated.toml</code> run with its {} replicate(s), mean and 95% interval. z: how many of the target's standard deviations the simulated mean lies from the observed one.</p>",
        c.calibrated.simulation.replicates
    );
    h.push_str("<table>\n<tr><th>target</th><th>statistic</th><th>who, when</th><th>observed</th><th>simulated</th><th>z</th><th>source</th></tr>\n");
    let currency = &c.calibrated.economy.currency;
    for (t, s) in c.targets.targets.iter().zip(c.simulated) {
        let f = |x| figure(t.statistic, currency, x);
        let (lo, hi) = observed_interval(t);
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}, year {}</td><td class=\"n\">{} ({} to {})</td><td class=\"n\">{} ({} to {})</td><td class=\"n\">{}</td><td>{}</td></tr>",
            escape(&t.name),
            t.statistic.name(),
            escape(&t.cohort_label),
            t.year + 1,
            escape(&f(t.mean)),
            escape(&f(lo)),
            escape(&f(hi)),
            escape(&f(s.mean)),
            escape(&f(s.ci_low)),
            escape(&f(s.ci_high)),
            fixed(z(t, s), 1),
            escape(&t.source)
        );
    }
    h.push_str("</table>\n");
    let notes = super::report::unreached(c);
    if !notes.is_empty() {
        html::bullets(h, &notes);
    }
    html::end_section(h);
}

fn method_section(h: &mut String, c: &Calibration) {
    let items = vec![
        "Method: approximate Bayesian computation by rejection with local-linear regression adjustment (Beaumont, Zhang & Balding 2002).".to_string(),
        format!(
            "Candidates: {} draws from the priors by Latin hypercube, each simulated {} time(s) with common random numbers (replicate r of every candidate is the same town with the same draws).",
            c.targets.method.candidates, c.replicates
        ),
        "Distance: Euclidean, each statistic's difference from its target divided by the target's standard deviation.".to_string(),
        format!(
            "Kept: the closest {} candidates, weighted by the Epanechnikov kernel of their distance; each key, on the logit of its position in its prior range, regressed on the scaled differences and adjusted to where they would be zero.",
            c.targets.method.accepted()
        ),
        "Calibrated scenario: every fitted key at its posterior median; the other keys as in the scenario given.".to_string(),
    ];
    html::method(
        h,
        &items,
        &Reproduction {
            version: env!("CARGO_PKG_VERSION"),
            scenario_holds: " and the candidates' <code>[sweep]</code> table; <code>targets.toml</code> is the targets file as given",
            command: "netgrow calibrate scenario.toml --targets targets.toml --out reproduced",
            then: "<p><code>netgrow run calibrated.toml</code> runs the calibrated scenario.</p>",
        },
    );
}
