//! Reading a run directory back: the files `netgrow run` wrote, checked and
//! held in memory in the shapes the charts and the report need.
//!
//! Nothing here simulates or recomputes the model: every number comes from
//! `results.json`, `summary.csv`, `timeseries.csv`, `members.csv`,
//! `network.json`, `ego_networks.json` and `scenario.toml`. A file that is
//! missing, unreadable or not what a run writes is an error naming the file
//! and what was expected, never a panic — `netgrow plot` may be pointed at
//! any directory.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;

use crate::compare::{CrossoverShares, Kind};
use crate::metrics::Metric;
use crate::output::schema::{self, COHORT, REPLICATE, VARIANT, WEEK};
use crate::output::{nan_if_null, RUN_FILES};
use crate::scenario::Scenario;
use crate::summary::{month_of_week, WEEKS_PER_YEAR};

/// Weekly statistics read from `summary.csv` (cumulative flows and stocks);
/// a test checks each is a value of its `metric` column in the schema.
pub const WEEKLY: [&str; 11] = [
    CUM_REFERRALS,
    CUM_REVENUE,
    CUM_HOURS,
    PEOPLE_KNOWN,
    TRUSTED_TIES,
    "cumulative_value_advice",
    "cumulative_value_suppliers",
    "cumulative_value_information",
    "cumulative_value_support",
    "cumulative_value_feedback",
    "cumulative_value_friends",
];

/// Per-replicate weekly values read from `timeseries.csv`, for statistics
/// that must be formed within each replicate before averaging (monthly
/// rates, ratios).
const PER_REPLICATE: [Metric; 5] = [
    Metric::ReferralsReceived,
    Metric::Revenue,
    Metric::Hours,
    Metric::BaselineRevenue,
    Metric::Cost,
];

pub use schema::{CUM_HOURS, CUM_REFERRALS, CUM_REVENUE};
pub const PEOPLE_KNOWN: &str = "people_known";
pub const TRUSTED_TIES: &str = "trusted_ties";

pub use crate::metrics::Stat;

/// The types `results.json` is written from, under the names the charts
/// and report use: reading deserialises exactly what the writer
/// serialised.
pub use crate::output::{Metadata, ResultsFile as Results};
pub use crate::summary::{
    ArmHeadline as Arm, CohortHeadline as CohortFigures, YearFigures as Year,
};

/// `network.json`, the parts about separation.
#[derive(Clone, Debug, Deserialize)]
pub struct Network {
    pub people: usize,
    pub degree: Degree,
    pub separation: Separation,
}

/// `network.json` → `degree`.
#[derive(Clone, Debug, Deserialize)]
pub struct Degree {
    pub mean: f64,
}

/// `network.json` → `separation`.
#[derive(Clone, Debug, Deserialize)]
pub struct Separation {
    pub sources: usize,
    /// NaN when no source reached anyone.
    #[serde(deserialize_with = "nan_if_null")]
    pub mean: f64,
    pub within: Vec<HopShare>,
    pub by_hops: Vec<HopShare>,
    pub unreachable: f64,
}

/// A share of pairs at (or within) a number of hops.
#[derive(Clone, Debug, Deserialize)]
pub struct HopShare {
    pub hops: usize,
    pub share: f64,
}

/// `ego_networks.json`: one entry per variant.
#[derive(Clone, Debug, Deserialize)]
pub struct EgoFile {
    pub variant: String,
    pub replicate: usize,
    pub egos: Vec<Ego>,
}

/// The trusted-tie network around one typical member.
#[derive(Clone, Debug, Deserialize)]
pub struct Ego {
    pub cohort: String,
    pub person: u32,
    pub trusted_ties: u32,
    pub alters: Vec<Alter>,
    pub links: Vec<Link>,
}

/// Someone the ego has some trust in.
#[derive(Clone, Debug, Deserialize)]
pub struct Alter {
    pub person: u32,
    pub cohort: String,
    pub trust: f64,
}

/// Trust between two alters (indices into `alters`).
#[derive(Clone, Debug, Deserialize)]
pub struct Link {
    pub a: usize,
    pub b: usize,
    pub trust: f64,
}

/// One line of the comparison: a cohort within a variant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeriesId {
    pub variant: String,
    pub cohort: String,
    pub variant_index: usize,
    pub cohort_index: usize,
    /// What legends and captions call it: the cohort, prefixed by the
    /// variant when there are several.
    pub label: String,
    /// The cohort's place among every cohort of the run (in order of first
    /// appearance): its colour in every chart, whichever the variant.
    pub colour: usize,
}

/// One member's final-year outcome, from `members.csv`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    pub weeks_member: u32,
    pub referrals: f64,
    pub revenue: f64,
}

/// Everything charts and report read from a run directory.
#[derive(Clone, Debug)]
pub struct RunData {
    pub dir: PathBuf,
    pub scenario: Scenario,
    pub results: Results,
    /// Every (variant, cohort) in `results.json` order; a series' index is
    /// its colour in every chart.
    pub series: Vec<SeriesId>,
    /// Weeks simulated.
    pub weeks: usize,
    weekly: Vec<Vec<Vec<Stat>>>,
    per_replicate: Vec<Vec<Vec<Vec<f64>>>>,
    /// Final-year outcomes of every member, per series.
    pub members: Vec<Vec<Outcome>>,
    pub network: Network,
    pub egos: Vec<EgoFile>,
}

/// Checks that `dir` holds the files of a netgrow run; the error names what
/// is missing.
pub fn check_run_dir(dir: &Path) -> Result<()> {
    if !dir.exists() {
        bail!("{} does not exist", dir.display());
    }
    if !dir.is_dir() {
        bail!(
            "{} is not a directory (expected a netgrow output directory)",
            dir.display()
        );
    }
    let missing: Vec<&str> = RUN_FILES
        .iter()
        .copied()
        .filter(|f| !dir.join(f).is_file())
        .collect();
    match missing.as_slice() {
        [] => Ok(()),
        [one] => bail!(
            "{} is not a netgrow output directory: {one} missing",
            dir.display()
        ),
        many => bail!(
            "{} is not a netgrow output directory: {} missing",
            dir.display(),
            many.join(", ")
        ),
    }
}

impl RunData {
    /// Reads and checks every file of the run in `dir`.
    pub fn load(dir: &Path) -> Result<RunData> {
        check_run_dir(dir)?;
        let scenario_path = dir.join("scenario.toml");
        let scenario = Scenario::load(&scenario_path, &[])
            .map_err(|e| anyhow!("{}: {e}", scenario_path.display()))?;
        let results: Results = read_json(&dir.join(schema::RESULTS))?;
        let series = series_of(&results, &dir.join(schema::RESULTS))?;
        let weeks = results.metadata.years as usize * WEEKS_PER_YEAR;
        let weekly = read_summary(&dir.join(schema::SUMMARY), &series, weeks)?;
        let per_replicate = read_timeseries(
            &dir.join(schema::TIMESERIES),
            &series,
            weeks,
            results.metadata.replicates as usize,
        )?;
        let members = read_members(&dir.join(schema::MEMBERS), &series)?;
        let network: Network = read_json(&dir.join(schema::NETWORK))?;
        let egos: Vec<EgoFile> = read_json(&dir.join(schema::EGO_NETWORKS))?;
        check_egos(&egos, &dir.join(schema::EGO_NETWORKS))?;
        Ok(RunData {
            dir: dir.to_path_buf(),
            scenario,
            results,
            series,
            weeks,
            weekly,
            per_replicate,
            members,
            network,
            egos,
        })
    }

    /// Simulated years.
    pub fn years(&self) -> usize {
        self.results.metadata.years as usize
    }

    /// Weekly statistics (week 1 first) of one of [`WEEKLY`]'s metrics.
    pub fn weekly(&self, series: usize, metric: &str) -> &[Stat] {
        WEEKLY
            .iter()
            .position(|m| *m == metric)
            .and_then(|m| self.weekly.get(series)?.get(m))
            .map_or(&[], Vec::as_slice)
    }

    /// Weekly values per replicate (`[replicate][week]`) of one of
    /// [`PER_REPLICATE`]'s metrics.
    fn per_replicate(&self, series: usize, metric: Metric) -> &[Vec<f64>] {
        PER_REPLICATE
            .iter()
            .position(|m| *m == metric)
            .and_then(|m| self.per_replicate.get(series)?.get(m))
            .map_or(&[], Vec::as_slice)
    }

    /// The headline figures of a series.
    pub fn figures(&self, series: usize) -> &CohortFigures {
        let s = &self.series[series];
        &self.results.variants[s.variant_index].cohorts[s.cohort_index]
    }

    /// The final year's figures of a series (validated to exist at load).
    pub fn final_year(&self, series: usize) -> &Year {
        let years = &self.figures(series).years;
        &years[years.len() - 1]
    }

    /// Index of the series for `cohort` in `variant`, if there is one.
    pub fn series_of(&self, variant: &str, cohort: &str) -> Option<usize> {
        find_series(&self.series, variant, cohort)
    }

    /// The colour of series `i`: its cohort's, in every chart and variant.
    pub fn colour(&self, i: usize) -> plotters::style::RGBColor {
        super::style::series_colour(self.series.get(i).map_or(i, |s| s.colour))
    }

    /// One series of each cohort, in order of first appearance: what a
    /// legend of cohort colours lists.
    pub fn cohort_series(&self) -> Vec<usize> {
        let mut seen: Vec<usize> = Vec::new();
        let mut out = Vec::new();
        for (i, s) in self.series.iter().enumerate() {
            if !seen.contains(&s.colour) {
                seen.push(s.colour);
                out.push(i);
            }
        }
        out
    }

    /// Whether the run compares several variants.
    pub fn has_variants(&self) -> bool {
        self.results.variants.len() > 1
    }

    /// Referrals received per member per month, month by month, across
    /// replicates. Each replicate's weekly counts are averaged over the
    /// weeks of a month (months of 4 or 5 weeks, see
    /// [`month_of_week`]) and scaled by 52/12, so every month counts as
    /// 52/12 weeks and the figure matches `results.json`'s yearly
    /// `referrals_per_month` on average.
    pub fn monthly_referrals(&self, series: usize) -> Vec<Stat> {
        monthly_rate(
            self.per_replicate(series, Metric::ReferralsReceived),
            self.weeks,
        )
    }

    /// Revenue per hour spent networking, from the start of the run to each
    /// week: each replicate's cumulative revenue ÷ cumulative hours (per
    /// member), then averaged across replicates. NaN until hours are spent.
    pub fn return_on_time(&self, series: usize) -> Vec<Stat> {
        weekly_stats(&self.return_on_time_per_replicate(series), self.weeks)
    }

    /// [`RunData::return_on_time`] before averaging: `[replicate][week]`.
    pub fn return_on_time_per_replicate(&self, series: usize) -> Vec<Vec<f64>> {
        let revenue = self.per_replicate(series, Metric::Revenue);
        let hours = self.per_replicate(series, Metric::Hours);
        revenue
            .iter()
            .zip(hours)
            .map(|(r, h)| {
                let (mut cr, mut ch) = (0.0, 0.0);
                r.iter()
                    .zip(h)
                    .map(|(r, h)| {
                        cr += r;
                        ch += h;
                        if ch > 0.0 {
                            cr / ch
                        } else {
                            f64::NAN
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// A flow's running total per member, `[replicate][week]`: one of
    /// referrals received or revenue (gross).
    pub fn cumulative_per_replicate(&self, series: usize, metric: Metric) -> Vec<Vec<f64>> {
        self.per_replicate(series, metric)
            .iter()
            .map(|w| crate::metrics::cumulative(w))
            .collect()
    }

    /// Net value per member to date, `[replicate][week]`: revenue (above
    /// what the same people earn staying home, when the run has that
    /// baseline) minus fees and hours at the value of time.
    pub fn net_value_per_replicate(&self, series: usize) -> Vec<Vec<f64>> {
        let revenue = self.per_replicate(series, Metric::Revenue);
        let home = self.per_replicate(series, Metric::BaselineRevenue);
        let cost = self.per_replicate(series, Metric::Cost);
        let baseline = self.results.baseline;
        revenue
            .iter()
            .zip(home)
            .zip(cost)
            .map(|((r, h), c)| {
                let weekly: Vec<f64> = r
                    .iter()
                    .zip(h)
                    .zip(c)
                    .map(|((r, h), c)| if baseline { r - h - c } else { r - c })
                    .collect();
                crate::metrics::cumulative(&weekly)
            })
            .collect()
    }

    /// [`RunData::net_value_per_replicate`] across replicates, week by week.
    pub fn net_value(&self, series: usize) -> Vec<Stat> {
        weekly_stats(&self.net_value_per_replicate(series), self.weeks)
    }

    /// The crossovers of `measure` between cohorts `x` and `y` of variant
    /// `v`, with the names of the cohort that is side `a` and of side `b`.
    pub fn crossover(
        &self,
        v: usize,
        x: &str,
        y: &str,
        measure: &str,
    ) -> Option<(&CrossoverShares, &str, &str)> {
        let cohorts = &self.results.variants.get(v)?.cohorts;
        self.results.comparisons.iter().find_map(|c| {
            if c.comparison.kind != Kind::Cohorts || c.comparison.a.arm != v {
                return None;
            }
            let a = cohorts.get(c.comparison.a.cohort)?.name.as_str();
            let b = cohorts.get(c.comparison.b.cohort)?.name.as_str();
            if !((a == x && b == y) || (a == y && b == x)) {
                return None;
            }
            let shares = c.crossovers.iter().find(|s| s.measure == measure)?;
            Some((shares, a, b))
        })
    }

    /// Members present for the whole final year (so their final-year
    /// figures cover a full year), per series.
    pub fn full_year_members(&self, series: usize) -> Vec<Outcome> {
        let full = WEEKS_PER_YEAR.min(self.weeks) as u32;
        self.members
            .get(series)
            .map(|ms| {
                ms.iter()
                    .copied()
                    .filter(|m| m.weeks_member >= full)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Statistics across replicates of `[replicate][week]` values, week by
/// week; non-finite values (a ratio before its denominator) are left out.
pub fn weekly_stats(per_replicate: &[Vec<f64>], weeks: usize) -> Vec<Stat> {
    (0..weeks)
        .map(|w| {
            let xs: Vec<f64> = per_replicate
                .iter()
                .filter_map(|r| r.get(w).copied())
                .filter(|x| x.is_finite())
                .collect();
            Stat::of(&xs)
        })
        .collect()
}

/// Rates per month (of 52/12 weeks) from weekly per-replicate counts.
pub fn monthly_rate(replicates: &[Vec<f64>], weeks: usize) -> Vec<Stat> {
    let months = if weeks == 0 { 0 } else { month_of_week(weeks) };
    let weeks_per_month = WEEKS_PER_YEAR as f64 / 12.0;
    let rates: Vec<Vec<f64>> = replicates
        .iter()
        .map(|weekly| {
            let mut sum = vec![0.0; months];
            let mut count = vec![0usize; months];
            for (w, x) in weekly.iter().enumerate().take(weeks) {
                let m = month_of_week(w + 1) - 1;
                sum[m] += x;
                count[m] += 1;
            }
            sum.iter()
                .zip(&count)
                .map(|(s, &c)| {
                    if c > 0 {
                        s / c as f64 * weeks_per_month
                    } else {
                        f64::NAN
                    }
                })
                .collect()
        })
        .collect();
    (0..months)
        .map(|m| Stat::of(&rates.iter().map(|r| r[m]).collect::<Vec<_>>()))
        .collect()
}

fn find_series(series: &[SeriesId], variant: &str, cohort: &str) -> Option<usize> {
    series
        .iter()
        .position(|s| s.variant == variant && s.cohort == cohort)
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is malformed: it does not have the fields netgrow run writes",
            path.display()
        )
    })
}

fn series_of(results: &Results, path: &Path) -> Result<Vec<SeriesId>> {
    let years = results.metadata.years as usize;
    if years == 0 || results.metadata.replicates == 0 {
        bail!(
            "{}: a run has at least one year and one replicate",
            path.display()
        );
    }
    if results.variants.is_empty() {
        bail!("{}: no variants", path.display());
    }
    let several = results.variants.len() > 1;
    let mut series = Vec::new();
    let mut cohorts: Vec<&str> = Vec::new();
    for (v, arm) in results.variants.iter().enumerate() {
        if arm.cohorts.is_empty() {
            bail!("{}: variant {} has no cohorts", path.display(), arm.name);
        }
        for (c, cohort) in arm.cohorts.iter().enumerate() {
            if cohort.years.len() != years {
                bail!(
                    "{}: cohort {} of variant {} has {} years of figures, metadata says {years}",
                    path.display(),
                    cohort.name,
                    arm.name,
                    cohort.years.len()
                );
            }
            if find_series(&series, &arm.name, &cohort.name).is_some() {
                bail!(
                    "{}: cohort {} appears twice in variant {}",
                    path.display(),
                    cohort.name,
                    arm.name
                );
            }
            let colour = match cohorts.iter().position(|c| *c == cohort.name) {
                Some(k) => k,
                None => {
                    cohorts.push(&cohort.name);
                    cohorts.len() - 1
                }
            };
            series.push(SeriesId {
                colour,
                variant: arm.name.clone(),
                cohort: cohort.name.clone(),
                variant_index: v,
                cohort_index: c,
                label: if several {
                    format!("{}: {}", arm.name, cohort.name)
                } else {
                    cohort.name.clone()
                },
            });
        }
    }
    Ok(series)
}

/// A CSV file being read, with its header for locating columns by name.
struct CsvFile {
    path: PathBuf,
    reader: csv::Reader<fs::File>,
    header: csv::StringRecord,
}

impl CsvFile {
    fn open(path: &Path) -> Result<CsvFile> {
        let mut reader = csv::ReaderBuilder::new()
            .from_path(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let header = reader
            .headers()
            .with_context(|| format!("{}: cannot read the header line", path.display()))?
            .clone();
        Ok(CsvFile {
            path: path.to_path_buf(),
            reader,
            header,
        })
    }

    fn column(&self, name: &str) -> Result<usize> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| anyhow!("{}: column `{name}` missing", self.path.display()))
    }

    /// Calls `row` on every record with its line number.
    fn each(mut self, mut row: impl FnMut(&csv::StringRecord, u64) -> Result<()>) -> Result<()> {
        let mut record = csv::StringRecord::new();
        loop {
            let more = self
                .reader
                .read_record(&mut record)
                .with_context(|| format!("{} is malformed", self.path.display()))?;
            if !more {
                return Ok(());
            }
            let line = record.position().map_or(0, |p| p.line());
            row(&record, line)?;
        }
    }
}

/// Field `i` of a record, as text.
fn text<'r>(record: &'r csv::StringRecord, i: usize, path: &Path, line: u64) -> Result<&'r str> {
    record
        .get(i)
        .ok_or_else(|| anyhow!("{} line {line}: too few fields", path.display()))
}

/// Field `i` as a number; an empty field is NaN (how runs write "none").
fn number(record: &csv::StringRecord, i: usize, path: &Path, line: u64) -> Result<f64> {
    let t = text(record, i, path, line)?;
    if t.is_empty() {
        return Ok(f64::NAN);
    }
    t.parse().map_err(|_| {
        anyhow!(
            "{} line {line}: expected a number, found `{t}`",
            path.display()
        )
    })
}

/// Field `i` as a whole number.
fn whole(record: &csv::StringRecord, i: usize, path: &Path, line: u64) -> Result<usize> {
    let t = text(record, i, path, line)?;
    t.parse().map_err(|_| {
        anyhow!(
            "{} line {line}: expected a whole number, found `{t}`",
            path.display()
        )
    })
}

fn unknown_series(path: &Path, line: u64, variant: &str, cohort: &str) -> anyhow::Error {
    anyhow!(
        "{} line {line}: cohort `{cohort}` of variant `{variant}` is not in results.json (files from different runs?)",
        path.display()
    )
}

fn read_summary(path: &Path, series: &[SeriesId], weeks: usize) -> Result<Vec<Vec<Vec<Stat>>>> {
    let file = CsvFile::open(path)?;
    let col = |name: &str| file.column(name);
    let (variant, cohort, week, metric) = (
        col(VARIANT)?,
        col(COHORT)?,
        col(WEEK)?,
        col(schema::METRIC)?,
    );
    let [mean, sd, lo, hi, n] = schema::STATISTICS.map(col);
    let (mean, sd, lo, hi, n) = (mean?, sd?, lo?, hi?, n?);
    let missing = Stat::of(&[]);
    let mut out = vec![vec![vec![missing; weeks]; WEEKLY.len()]; series.len()];
    let mut seen = vec![vec![0usize; WEEKLY.len()]; series.len()];
    file.each(|r, line| {
        let name = text(r, metric, path, line)?;
        let Some(m) = WEEKLY.iter().position(|w| *w == name) else {
            return Ok(());
        };
        let (v, c) = (text(r, variant, path, line)?, text(r, cohort, path, line)?);
        let s = find_series(series, v, c).ok_or_else(|| unknown_series(path, line, v, c))?;
        let w = whole(r, week, path, line)?;
        if w == 0 || w > weeks {
            bail!(
                "{} line {line}: week {w} outside 1..={weeks}",
                path.display()
            );
        }
        out[s][m][w - 1] = Stat {
            mean: number(r, mean, path, line)?,
            sd: number(r, sd, path, line)?,
            ci_low: number(r, lo, path, line)?,
            ci_high: number(r, hi, path, line)?,
            n: whole(r, n, path, line)?,
        };
        seen[s][m] += 1;
        Ok(())
    })?;
    for (s, id) in series.iter().enumerate() {
        for (m, name) in WEEKLY.iter().enumerate() {
            if seen[s][m] != weeks {
                bail!(
                    "{}: expected {weeks} weeks of `{name}` for cohort {} of variant {}, found {}",
                    path.display(),
                    id.cohort,
                    id.variant,
                    seen[s][m]
                );
            }
        }
    }
    Ok(out)
}

fn read_timeseries(
    path: &Path,
    series: &[SeriesId],
    weeks: usize,
    replicates: usize,
) -> Result<Vec<Vec<Vec<Vec<f64>>>>> {
    let file = CsvFile::open(path)?;
    let variant = file.column(VARIANT)?;
    let cohort = file.column(COHORT)?;
    let replicate = file.column(REPLICATE)?;
    let week = file.column(WEEK)?;
    let metrics: Vec<usize> = PER_REPLICATE
        .iter()
        .map(|m| file.column(m.name()))
        .collect::<Result<_>>()?;
    let mut out =
        vec![vec![vec![vec![f64::NAN; weeks]; replicates]; PER_REPLICATE.len()]; series.len()];
    let mut seen = vec![0usize; series.len()];
    file.each(|r, line| {
        let (v, c) = (text(r, variant, path, line)?, text(r, cohort, path, line)?);
        let s = find_series(series, v, c).ok_or_else(|| unknown_series(path, line, v, c))?;
        let rep = whole(r, replicate, path, line)?;
        let w = whole(r, week, path, line)?;
        if rep >= replicates || w == 0 || w > weeks {
            bail!(
                "{} line {line}: replicate {rep}, week {w} outside the run's {replicates} replicates × {weeks} weeks",
                path.display()
            );
        }
        for (m, &col) in metrics.iter().enumerate() {
            out[s][m][rep][w - 1] = number(r, col, path, line)?;
        }
        seen[s] += 1;
        Ok(())
    })?;
    for (s, id) in series.iter().enumerate() {
        if seen[s] != weeks * replicates {
            bail!(
                "{}: expected {} rows for cohort {} of variant {}, found {}",
                path.display(),
                weeks * replicates,
                id.cohort,
                id.variant,
                seen[s]
            );
        }
    }
    Ok(out)
}

fn read_members(path: &Path, series: &[SeriesId]) -> Result<Vec<Vec<Outcome>>> {
    let file = CsvFile::open(path)?;
    let variant = file.column(VARIANT)?;
    let cohort = file.column(COHORT)?;
    let weeks = file.column(schema::WEEKS_MEMBER)?;
    let referrals = file.column(schema::FINAL_YEAR_REFERRALS)?;
    let revenue = file.column(schema::FINAL_YEAR_REVENUE)?;
    let mut out = vec![Vec::new(); series.len()];
    file.each(|r, line| {
        let (v, c) = (text(r, variant, path, line)?, text(r, cohort, path, line)?);
        let s = find_series(series, v, c).ok_or_else(|| unknown_series(path, line, v, c))?;
        let weeks_member = whole(r, weeks, path, line)?;
        out[s].push(Outcome {
            weeks_member: u32::try_from(weeks_member).unwrap_or(u32::MAX),
            referrals: number(r, referrals, path, line)?,
            revenue: number(r, revenue, path, line)?,
        });
        Ok(())
    })?;
    Ok(out)
}

fn check_egos(files: &[EgoFile], path: &Path) -> Result<()> {
    for f in files {
        for ego in &f.egos {
            if let Some(l) = ego
                .links
                .iter()
                .find(|l| l.a >= ego.alters.len() || l.b >= ego.alters.len())
            {
                bail!(
                    "{}: a link of the {} ego in variant {} joins alters {} and {}, but there are only {}",
                    path.display(),
                    ego.cohort,
                    f.variant,
                    l.a,
                    l.b,
                    ego.alters.len()
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monthly_rate_scales_weekly_means_to_months_of_52_12_weeks() {
        // One replicate with one referral every week: 52/12 a month.
        let weekly = vec![vec![1.0; 52]];
        let rates = monthly_rate(&weekly, 52);
        assert_eq!(rates.len(), 12);
        for r in &rates {
            assert!((r.mean - 52.0 / 12.0).abs() < 1e-12);
        }
        // Two replicates: the band spans their rates.
        let rates = monthly_rate(&[vec![1.0; 52], vec![3.0; 52]], 52);
        assert!((rates[0].mean - 2.0 * 52.0 / 12.0).abs() < 1e-12);
        assert!(rates[0].ci_low < 52.0 / 12.0 && rates[0].ci_high > 3.0 * 52.0 / 12.0);
    }

    #[test]
    fn a_missing_directory_and_a_missing_file_are_named() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let nowhere = tmp.path().join("nowhere");
        let e = check_run_dir(&nowhere).expect_err("missing dir");
        assert!(e.to_string().contains("does not exist"), "{e}");
        let e = check_run_dir(tmp.path()).expect_err("empty dir");
        assert!(
            e.to_string().contains("is not a netgrow output directory"),
            "{e}"
        );
        assert!(e.to_string().contains("results.json"), "{e}");
    }

    #[test]
    fn null_statistics_read_as_nan() {
        let s: Stat = serde_json::from_str(
            r#"{"mean": null, "sd": null, "ci_low": null, "ci_high": null, "n": 0}"#,
        )
        .expect("valid JSON");
        assert!(s.mean.is_nan() && s.ci_high.is_nan());
    }

    #[test]
    fn every_weekly_series_read_is_a_metric_summary_csv_holds() {
        let values = schema::summary_metrics();
        for name in WEEKLY {
            assert!(
                values.iter().any(|c| c.name.text() == name),
                "summary.csv has no metric {name}"
            );
        }
    }
}
