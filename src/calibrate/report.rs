//! What a calibration writes beside its candidates, and the table it
//! prints.
//!
//! ```text
//! calibrated.toml   the scenario with every fitted key at its posterior
//!                   median: `netgrow run calibrated.toml` runs it
//! targets.toml      the targets file, as given
//! candidates.csv    every candidate: its keys, its statistics, its distance
//! posterior.csv     the kept candidates: each key as drawn and adjusted,
//!                   with the candidate's distance and weight
//! intervals.csv     each key: prior, posterior median, 50% and 90%
//!                   intervals (adjusted, and from rejection alone)
//! fit.csv           each target: observed, and simulated at the calibrated
//!                   scenario with its 95% interval
//! charts/calibration_*.png|svg, report.html
//! ```

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};

use super::chart::CalibrationChart;
use super::posterior::{Fitted, Interval};
use super::prior::significant;
use super::statistics::Statistic;
use super::targets::{Target, Targets};
use crate::chart::numbers;
use crate::chart::ChartOptions;
use crate::metrics::Stat;
use crate::output::num;
use crate::output::schema::calibrate as schema;
use crate::scenario::Scenario;
use crate::sweep::store::write_file;

/// The calibrated scenario.
pub const CALIBRATED: &str = "calibrated.toml";
/// The targets file, as given.
pub const TARGETS: &str = "targets.toml";
/// Every candidate.
pub const CANDIDATES: &str = schema::CANDIDATES;
/// The kept candidates.
pub const POSTERIOR: &str = schema::POSTERIOR;
/// Each key's posterior.
pub const INTERVALS: &str = schema::INTERVALS;
/// Each target against the calibrated scenario.
pub const FIT: &str = schema::FIT;
/// The report.
pub const REPORT: &str = "report.html";

/// A finished calibration: everything its files and report show.
pub struct Calibration<'a> {
    pub targets: &'a Targets,
    /// The scenario file as given on the command line, for the report's
    /// command.
    pub scenario_file: String,
    /// Every candidate's keys, as drawn.
    pub candidates: Vec<Vec<f64>>,
    /// Every candidate's statistics.
    pub statistics: &'a [Vec<f64>],
    pub fitted: &'a Fitted,
    pub calibrated: &'a Scenario,
    /// The calibrated scenario's statistic for each target.
    pub simulated: &'a [Stat],
    /// Replicates per candidate.
    pub replicates: u32,
}

/// The files [`write`] writes, relative to the calibration directory.
pub fn files(charts: Option<&ChartOptions>) -> Vec<String> {
    let mut out: Vec<String> = [CALIBRATED, TARGETS, CANDIDATES, POSTERIOR, INTERVALS, FIT]
        .iter()
        .map(|f| f.to_string())
        .collect();
    if let Some(options) = charts {
        for c in CalibrationChart::ALL {
            for ext in options.format.extensions() {
                out.push(format!("charts/{}.{ext}", c.name()));
            }
        }
        out.push(REPORT.to_string());
    }
    out
}

/// Writes every file of the calibration into `dir`.
pub fn write(dir: &Path, c: &Calibration, charts: Option<&ChartOptions>) -> Result<()> {
    write_file(&dir.join(CALIBRATED), calibrated_toml(c)?.as_bytes())?;
    write_file(&dir.join(TARGETS), c.targets.text.as_bytes())?;
    write_file(&dir.join(CANDIDATES), &candidates_csv(c)?)?;
    write_file(&dir.join(POSTERIOR), &posterior_csv(c)?)?;
    write_file(&dir.join(INTERVALS), &intervals_csv(c)?)?;
    write_file(&dir.join(FIT), &fit_csv(c)?)?;
    if let Some(options) = charts {
        let drawn = super::chart::draw_all(c, dir, options)?;
        super::html::write(c, dir, &drawn)?;
    }
    Ok(())
}

/// `calibrated.toml`: a header saying where the values come from, then
/// the resolved scenario.
pub fn calibrated_toml(c: &Calibration) -> Result<String> {
    let mut s = c.calibrated.clone();
    s.sweep = None;
    let body = s
        .try_to_toml()
        .map_err(|e| anyhow::anyhow!("cannot write the calibrated scenario: {e}"))?;
    let m = &c.targets.method;
    let mut head = format!(
        "# Calibrated by netgrow {}:\n#   netgrow calibrate {} --targets {}\n# Each fitted key below is its posterior median (ABC rejection with\n# local-linear regression adjustment; the closest {} of {} candidates\n# drawn from the priors, {} replicate(s) each). 90% intervals:\n",
        env!("CARGO_PKG_VERSION"),
        c.scenario_file,
        c.targets.file,
        m.accepted(),
        m.candidates,
        c.replicates
    );
    for (p, i) in c.targets.priors.iter().zip(&c.fitted.intervals) {
        let (lo, hi) = i.ninety();
        let _ = writeln!(
            head,
            "#   {} = {}   (90%: {} to {}; prior {p})",
            p.key,
            short(p.rounded(i.median())),
            short(lo),
            short(hi)
        );
    }
    Ok(format!("{head}\n{body}"))
}

/// A value in a few significant digits, as tables show it.
pub fn short(x: f64) -> String {
    if x.is_finite() {
        format!("{}", significant(x, 3))
    } else {
        numbers::NONE.to_string()
    }
}

fn finish_csv(w: csv::Writer<Vec<u8>>, what: &str) -> Result<Vec<u8>> {
    w.into_inner()
        .with_context(|| format!("cannot encode {what}"))
}

fn candidates_csv(c: &Calibration) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let keys: Vec<String> = c.targets.priors.iter().map(|p| p.key.clone()).collect();
    let targets: Vec<String> = c.targets.targets.iter().map(|t| t.name.clone()).collect();
    w.write_record(schema::candidates().header_with(&keys, &targets, 0))?;
    let observed: Vec<f64> = c.targets.targets.iter().map(|t| t.mean).collect();
    let scale: Vec<f64> = c.targets.targets.iter().map(|t| t.sd).collect();
    let noisy = &c.fitted.observed_as;
    for (i, ((keys, stats), e)) in c.candidates.iter().zip(c.statistics).zip(noisy).enumerate() {
        let mut row = vec![i.to_string()];
        row.extend(keys.iter().map(|&x| num(x)));
        row.extend(stats.iter().map(|&x| num(x)));
        let d = super::abc::distance(e, &observed, &scale);
        row.push(if d.is_finite() { num(d) } else { String::new() });
        row.push(c.fitted.posterior.accepted.contains(&i).to_string());
        w.write_record(&row)?;
    }
    finish_csv(w, CANDIDATES)
}

fn posterior_csv(c: &Calibration) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(schema::posterior().header())?;
    let p = &c.fitted.posterior;
    for (row, &i) in p.accepted.iter().enumerate() {
        for (k, prior) in c.targets.priors.iter().enumerate() {
            w.write_record([
                i.to_string(),
                prior.key.clone(),
                num(c.fitted.raw[row][k]),
                num(c.fitted.adjusted[row][k]),
                num(p.distances[row]),
                num(p.weights[row]),
            ])?;
        }
    }
    finish_csv(w, POSTERIOR)
}

fn intervals_csv(c: &Calibration) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(schema::intervals().header())?;
    for (p, i) in c.targets.priors.iter().zip(&c.fitted.intervals) {
        w.write_record([
            p.key.clone(),
            p.scale.name().to_string(),
            num(p.lo),
            num(p.hi),
            num(i.median()),
            num(i.fifty().0),
            num(i.fifty().1),
            num(i.ninety().0),
            num(i.ninety().1),
            num(i.raw[2]),
            num(i.raw[0]),
            num(i.raw[4]),
            num(p.rounded(i.median())),
        ])?;
    }
    finish_csv(w, INTERVALS)
}

fn fit_csv(c: &Calibration) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(schema::fit().header())?;
    for (t, s) in c.targets.targets.iter().zip(c.simulated) {
        let (lo, hi) = observed_interval(t);
        w.write_record([
            t.name.clone(),
            t.statistic.name().to_string(),
            t.cohort_label.clone(),
            (t.year + 1).to_string(),
            num(t.mean),
            num(t.sd),
            num(lo),
            num(hi),
            num(s.mean),
            num(s.ci_low),
            num(s.ci_high),
            s.n.to_string(),
            num(z(t, s)),
        ])?;
    }
    finish_csv(w, FIT)
}

/// The 95% interval of an observed figure: mean ± 1.96 sd.
pub fn observed_interval(t: &Target) -> (f64, f64) {
    const Z95: f64 = 1.959_963_984_540_054;
    (t.mean - Z95 * t.sd, t.mean + Z95 * t.sd)
}

/// How many of the target's standard deviations the simulated mean is
/// from the observed one.
pub fn z(t: &Target, s: &Stat) -> f64 {
    (s.mean - t.mean) / t.sd
}

/// The lowest and highest of target `t`'s statistic over every candidate.
pub fn reach(c: &Calibration, t: usize) -> (f64, f64) {
    c.statistics
        .iter()
        .map(|row| row[t])
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        })
}

/// A sentence for each target no candidate reached: the priors do not
/// let the model produce it, and the regression pulls the fitted keys
/// towards whichever edge comes closest.
pub fn unreached(c: &Calibration) -> Vec<String> {
    let currency = &c.calibrated.economy.currency;
    c.targets
        .targets
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let (lo, hi) = reach(c, i);
            let f = |x| figure(t.statistic, currency, x);
            (t.mean < lo || t.mean > hi).then(|| {
                format!(
                    "{} ({}) lies outside what every candidate simulated ({} to {}): within these priors the model cannot reach it, and the fitted keys lean towards the candidates that came closest.",
                    t.name,
                    f(t.mean),
                    f(lo),
                    f(hi)
                )
            })
        })
        .collect()
}

/// A statistic's value as tables show it: money with the currency.
pub fn figure(statistic: Statistic, currency: &str, x: f64) -> String {
    if statistic.money() {
        numbers::money(currency, x)
    } else {
        short(x)
    }
}

/// The table printed at the end: each key's posterior, then each target
/// against the calibrated scenario.
pub fn table(c: &Calibration) -> String {
    let mut t = String::new();
    let m = &c.targets.method;
    let _ = writeln!(
        t,
        "netgrow {} — calibration of {} to {}: {} of {} candidates kept",
        env!("CARGO_PKG_VERSION"),
        c.calibrated.simulation.name,
        c.targets.file,
        m.accepted(),
        m.candidates
    );
    let keys: Vec<Vec<String>> = c
        .targets
        .priors
        .iter()
        .zip(&c.fitted.intervals)
        .map(|(p, i)| key_row(p, i))
        .collect();
    push_table(
        &mut t,
        &["key", "calibrated", "50% interval", "90% interval", "prior"],
        &keys,
    );
    let currency = &c.calibrated.economy.currency;
    let fits: Vec<Vec<String>> = c
        .targets
        .targets
        .iter()
        .zip(c.simulated)
        .map(|(target, s)| {
            let f = |x| figure(target.statistic, currency, x);
            vec![
                target.name.clone(),
                format!("{} ±{}", f(target.mean), f(target.sd)),
                format!("{} ({} to {})", f(s.mean), f(s.ci_low), f(s.ci_high)),
                numbers::fixed(z(target, s), 1),
            ]
        })
        .collect();
    let _ = writeln!(t);
    push_table(
        &mut t,
        &["target", "observed ± sd", "simulated (95% interval)", "z"],
        &fits,
    );
    let _ = writeln!(
        t,
        "Simulated: the calibrated scenario, mean of its {} replicate(s); z: (simulated − observed) / sd.",
        c.calibrated.simulation.replicates
    );
    for note in unreached(c) {
        let _ = writeln!(t, "Note: {note}");
    }
    t
}

fn key_row(p: &super::prior::Prior, i: &Interval) -> Vec<String> {
    let (a, b) = i.fifty();
    let (lo, hi) = i.ninety();
    vec![
        p.key.clone(),
        short(p.rounded(i.median())),
        format!("{} to {}", short(a), short(b)),
        format!("{} to {}", short(lo), short(hi)),
        p.to_string(),
    ]
}

/// Appends an aligned table: names left, numbers right.
fn push_table(t: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| -> String {
        cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i == 0 {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let _ = writeln!(t, "{}", line(header.to_vec()));
    for r in rows {
        let _ = writeln!(t, "{}", line(r.iter().map(String::as_str).collect()));
    }
}
