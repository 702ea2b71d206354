//! Writing a run's results: CSV and JSON files in one output directory,
//! and the short table printed at the end. Every file's columns come from
//! [`schema`], which the readers use too.
//!
//! Nothing is lost or half-written, and nothing but netgrow's own files is
//! ever replaced: [`ownership`] checks the destination before any work,
//! and everything is written into a staging directory beside it that
//! replaces it only once every file is complete.

pub mod differences;
pub mod ownership;
pub mod schema;

use std::fmt::Write as _;
use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::compare::{self, ComparisonReport};
use crate::experiment::Experiment;
use crate::metrics::Metric;
use crate::summary::{self, ArmHeadline};

/// Metadata of a run, written into `results.json` and read back by the
/// charts and report.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Metadata {
    pub netgrow_version: String,
    /// The git commit the binary was built from.
    #[serde(default = "crate::provenance::unknown")]
    pub commit: String,
    /// "release" or "debug".
    #[serde(default = "crate::provenance::unknown")]
    pub build_profile: String,
    pub scenario: String,
    pub seed: u64,
    pub replicates: u32,
    pub years: u32,
    pub threads: usize,
    pub elapsed_seconds: f64,
    /// NaN (written `null`) only if a clock misbehaved.
    #[serde(deserialize_with = "nan_if_null")]
    pub person_weeks_per_second: f64,
    #[serde(deserialize_with = "nan_if_null")]
    pub needs_per_second: f64,
}

/// A number serde_json wrote as `null` because it was NaN.
pub fn nan_if_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// The contents of `results.json`, as written and as read back by the
/// charts and report.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ResultsFile {
    pub metadata: Metadata,
    pub variants: Vec<ArmHeadline>,
    /// Paired differences between cohorts, variants or focal arms (none
    /// in files from before they were written).
    #[serde(default)]
    pub comparisons: Vec<ComparisonReport>,
    /// Whether revenue above a stay-home baseline was measured.
    #[serde(default)]
    pub baseline: bool,
}

impl ResultsFile {
    pub fn new(exp: &Experiment) -> ResultsFile {
        let s = &exp.scenario.simulation;
        ResultsFile {
            metadata: Metadata {
                netgrow_version: crate::provenance::VERSION.to_string(),
                commit: crate::provenance::COMMIT.to_string(),
                build_profile: crate::provenance::PROFILE.to_string(),
                scenario: s.name.clone(),
                seed: s.seed,
                replicates: s.replicates,
                years: s.years,
                threads: exp.threads,
                elapsed_seconds: exp.elapsed_seconds,
                person_weeks_per_second: exp.person_weeks_per_second(),
                needs_per_second: exp.needs_per_second(),
            },
            variants: summary::headlines(exp),
            comparisons: compare::reports(exp),
            baseline: exp.baseline,
        }
    }
}

/// Files every run writes (charts and report come on top).
pub const RUN_FILES: [&str; 9] = [
    schema::SCENARIO,
    schema::TIMESERIES,
    schema::SUMMARY,
    schema::DIFFERENCES,
    schema::DIFFERENCES_MONTHLY,
    schema::RESULTS,
    schema::MEMBERS,
    schema::NETWORK,
    schema::EGO_NETWORKS,
];

/// Writes every run file into `dir`.
pub fn write_run_files(exp: &Experiment, results: &ResultsFile, dir: &Path) -> Result<()> {
    write_text(&dir.join(schema::SCENARIO), &scenario_file(exp)?)?;
    write_timeseries(exp, &dir.join(schema::TIMESERIES))?;
    write_summary(exp, &dir.join(schema::SUMMARY))?;
    differences::write_yearly(&results.comparisons, &dir.join(schema::DIFFERENCES))?;
    differences::write_monthly(&results.comparisons, &dir.join(schema::DIFFERENCES_MONTHLY))?;
    write_members(exp, &dir.join(schema::MEMBERS))?;
    write_json(&dir.join(schema::RESULTS), results)?;
    write_json(&dir.join(schema::NETWORK), &exp.network)?;
    write_json(&dir.join(schema::EGO_NETWORKS), &ego_networks(exp))
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let json = serde_json::to_string_pretty(value)
        .with_context(|| format!("cannot encode {}", path.display()))?;
    write_text(path, &(json + "\n"))
}

/// Ego networks of replicate 0 of every variant.
#[derive(Serialize)]
struct EgoNetworks<'a> {
    variant: &'a str,
    replicate: usize,
    egos: &'a [crate::engine::Ego],
}

fn ego_networks(exp: &Experiment) -> Vec<EgoNetworks<'_>> {
    exp.arms
        .iter()
        .enumerate()
        .map(|(a, name)| EgoNetworks {
            variant: name,
            replicate: 0,
            egos: &exp.run(a, 0).egos,
        })
        .collect()
}

fn scenario_file(exp: &Experiment) -> Result<String> {
    scenario_text(&exp.scenario)
}

/// The `scenario.toml` a run writes for `scenario`: the resolved scenario,
/// every default filled in, which `netgrow run` reproduces.
pub fn scenario_text(scenario: &crate::scenario::Scenario) -> Result<String> {
    Ok(format!(
        "# Resolved by netgrow {}: every default filled in. `netgrow run` on this\n# file reproduces these results.\n{}",
        env!("CARGO_PKG_VERSION"),
        scenario
            .try_to_toml()
            .map_err(|e| anyhow::anyhow!("the resolved scenario {e}"))?
    ))
}

fn write_text(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

fn csv_writer(path: &Path) -> Result<csv::Writer<fs::File>> {
    csv::Writer::from_path(path).with_context(|| format!("cannot create {}", path.display()))
}

/// Formats a number for CSV: shortest exact form, so files are
/// byte-reproducible and lossless; empty for NaN.
pub fn num(x: f64) -> String {
    if x.is_nan() {
        String::new()
    } else {
        format!("{x}")
    }
}

fn write_timeseries(exp: &Experiment, path: &Path) -> Result<()> {
    let mut w = csv_writer(path)?;
    w.write_record(schema::timeseries().header())
        .with_context(|| format!("cannot write {}", path.display()))?;
    for (a, arm) in exp.arms.iter().enumerate() {
        for rep in 0..exp.replicates as usize {
            for (week, rows) in exp.run(a, rep).rows.iter().enumerate() {
                for (c, row) in rows.iter().enumerate() {
                    let mut record = vec![
                        arm.clone(),
                        rep.to_string(),
                        (week + 1).to_string(),
                        exp.cohorts[a][c].clone(),
                    ];
                    record.extend(row.0.iter().map(|&x| num(x)));
                    w.write_record(&record)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                }
            }
        }
    }
    w.flush()
        .with_context(|| format!("cannot write {}", path.display()))
}

fn write_summary(exp: &Experiment, path: &Path) -> Result<()> {
    let mut w = csv_writer(path)?;
    let context = || format!("cannot write {}", path.display());
    w.write_record(schema::summary().header())
        .with_context(context)?;
    for row in summary::summary_rows(exp) {
        w.write_record([
            exp.arms[row.arm].clone(),
            exp.cohorts[row.arm][row.cohort].clone(),
            row.week.to_string(),
            row.metric,
            num(row.stat.mean),
            num(row.stat.sd),
            num(row.stat.ci_low),
            num(row.stat.ci_high),
            row.stat.n.to_string(),
        ])
        .with_context(context)?;
    }
    w.flush()
        .with_context(|| format!("cannot write {}", path.display()))
}

fn write_members(exp: &Experiment, path: &Path) -> Result<()> {
    let mut w = csv_writer(path)?;
    w.write_record(schema::members().header())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let professions = &exp.scenario.population.professions;
    for (a, arm) in exp.arms.iter().enumerate() {
        for rep in 0..exp.replicates as usize {
            for m in &exp.run(a, rep).members {
                let mut record = vec![
                    arm.clone(),
                    rep.to_string(),
                    exp.cohorts[a][m.cohort as usize].clone(),
                    m.person.to_string(),
                    professions
                        .get(m.profession as usize)
                        .map_or_else(String::new, |p| p.name.clone()),
                    m.weeks_member.to_string(),
                    num(m.final_year.get(Metric::ReferralsReceived)),
                    num(m.final_year.get(Metric::Revenue)),
                ];
                record.extend(schema::MEMBER_TOTALS.iter().map(|&c| num(m.totals.get(c))));
                w.write_record(&record)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
        }
    }
    w.flush()
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Writes `text` to stdout. A closed pipe is no error: the reader (e.g.
/// `| head`) has seen enough.
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}

/// `netgrow run --json`: where the run wrote, its metadata, the headline
/// figures of every variant and cohort, and every paired difference at the
/// end of the run — one JSON object, for scripts.
pub fn json_summary(results: &ResultsFile, dir: &Path, report: Option<&Path>) -> Result<String> {
    let at_end: Vec<serde_json::Value> = results
        .comparisons
        .iter()
        .map(|c| {
            serde_json::json!({
                "label": c.comparison.label,
                "a": c.a_name,
                "b": c.b_name,
                "at_end": c.at_end(),
            })
        })
        .collect();
    let summary = serde_json::json!({
        "dir": dir,
        "report": report,
        "metadata": results.metadata,
        "variants": results.variants,
        "comparisons": at_end,
    });
    serde_json::to_string_pretty(&summary)
        .map(|t| t + "\n")
        .context("cannot encode the run's summary as JSON")
}

/// The table a trainer reads first.
pub fn table(results: &ResultsFile, currency: &str) -> String {
    let mut t = String::new();
    let md = &results.metadata;
    let _ = writeln!(
        t,
        "netgrow {} — {}: {} replicate(s) × {} year(s), seed {}",
        md.netgrow_version, md.scenario, md.replicates, md.years, md.seed
    );
    // A long cohort name widens its column instead of pushing the row out
    // of line.
    let name_width = results
        .variants
        .iter()
        .flat_map(|a| &a.cohorts)
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(14);
    for arm in &results.variants {
        let _ = writeln!(t, "\nvariant: {}", arm.name);
        let last = arm.cohorts.first().map_or(0, |c| c.years.len());
        // One year has one yearly rate: no second column repeating it.
        let final_year = (last > 1).then(|| format!("refs/mo yr {last}"));
        let mut head = format!("{:<name_width$} {:>13}", "cohort", "refs/mo yr 1");
        if let Some(h) = &final_year {
            let _ = write!(head, " {h:>13}");
        }
        let _ = writeln!(
            t,
            "{head} {:>12} {:>10} {:>10} {:>10} {:>10} {:>8} {:>10} {:>8}",
            "revenue",
            "repeat",
            "direct",
            "referral",
            "pitch",
            "hours",
            if results.baseline {
                "rev/h home"
            } else {
                "rev/h gross"
            },
            "trusted"
        );
        for c in &arm.cohorts {
            let first = &c.years[0];
            let fin = &c.years[c.years.len() - 1];
            let sum =
                |f: &dyn Fn(&summary::YearFigures) -> f64| -> f64 { c.years.iter().map(f).sum() };
            let revenue = fin.cumulative_revenue.mean;
            let hours = fin.cumulative_hours.mean;
            let mut row = format!(
                "{:<name_width$} {:>13}",
                c.name,
                with_interval(&first.referrals_per_month)
            );
            if final_year.is_some() {
                let _ = write!(row, " {:>13}", with_interval(&fin.referrals_per_month));
            }
            let _ = writeln!(
                t,
                "{row} {:>12} {:>10} {:>10} {:>10} {:>10} {:>8.0} {:>10} {:>8.1}",
                money(currency, revenue),
                money(currency, sum(&|y| y.repeat_revenue.mean)),
                money(currency, sum(&|y| y.direct_revenue.mean)),
                money(currency, sum(&|y| y.referral_revenue.mean)),
                money(currency, sum(&|y| y.pitch_revenue.mean)),
                hours,
                match fin.cumulative_revenue_above_baseline {
                    _ if hours <= 0.0 => "–".into(),
                    Some(above) => money(currency, above.mean / hours),
                    None => money(currency, revenue / hours),
                },
                fin.trusted_ties.mean,
            );
        }
    }
    t.push_str(&differences::table(
        &results.comparisons,
        results.baseline,
        currency,
    ));
    let home = if results.baseline {
        "; rev/h home: revenue over the whole run above what the same members earn staying home, per hour spent networking over the whole run"
    } else {
        "; rev/h gross: revenue over the whole run per hour spent networking over the whole run"
    };
    let _ = writeln!(
        t,
        "\nPer member; revenue (gross, from every source) and hours are totals over the run{home}; ± is the 95% interval half-width across replicates.\n{:.0} person-weeks/s, {:.0} needs/s on {} thread(s), {:.2} s.",
        md.person_weeks_per_second, md.needs_per_second, md.threads, md.elapsed_seconds
    );
    t
}

/// A mean with its 95% half-width; one replicate has no interval.
fn with_interval(s: &crate::metrics::Stat) -> String {
    if s.n >= 2 && s.ci_high.is_finite() {
        format!("{:.2} ±{:.2}", s.mean, (s.ci_high - s.ci_low) / 2.0)
    } else {
        format!("{:.2}", s.mean)
    }
}

fn money(currency: &str, x: f64) -> String {
    if x.abs() >= 10_000.0 {
        format!("{currency}{:.0}k", x / 1000.0)
    } else {
        format!("{currency}{x:.0}")
    }
}
