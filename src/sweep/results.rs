//! A finished sweep read back from its directory, and the tables written
//! from it: `sweep.csv`, `sweep_replicates.csv` and `sweep_difference.csv`,
//! and for the Morris and Sobol' designs `morris.csv` or `sobol.csv` (their
//! columns are in `output::schema::sweep`).
//!
//! Finishing a sweep ([`finish`]) reads only the directory — manifest,
//! scenario and point files — and writes the tables, charts and report
//! from them. A one-machine sweep, a resumed one and a merge of shards
//! therefore all finish from the same bytes and write the same bytes.

use std::path::Path;

use anyhow::{Context, Result};

use super::measure::{self, HEADLINES};
use super::sensitivity;
use super::store::{self, num, Manifest, PointData};
use crate::error::BadInput;
use crate::metrics::Stat;
use crate::output::schema::sweep::{
    difference_table, replicates_table, table, DIFFERENCE_TABLE, REPLICATES_TABLE, SWEEP_TABLE,
};
use crate::scenario::Scenario;

/// What a figure of a sweep is of: one cohort, or the paired difference
/// between the compared cohorts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Series {
    Cohort(usize),
    Difference,
}

/// A complete sweep in memory.
#[derive(Clone, Debug)]
pub struct SweepData {
    pub manifest: Manifest,
    /// The resolved base scenario.
    pub scenario: Scenario,
    /// Every point, in order.
    pub points: Vec<PointData>,
}

impl SweepData {
    /// Reads a complete sweep directory; a missing point is an error
    /// naming it.
    pub fn load(dir: &Path) -> Result<SweepData> {
        let (manifest, _) = store::read_manifest(dir)?;
        let path = dir.join(store::SCENARIO);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let scenario = Scenario::from_str(&text, &path.display().to_string(), "scenario", &[])?;
        let mut points = Vec::with_capacity(manifest.points.len());
        let mut missing = Vec::new();
        for i in 0..manifest.points.len() {
            match store::read_point(dir, &manifest, i)? {
                Some(p) => points.push(p),
                None => missing.push(i),
            }
        }
        if !missing.is_empty() {
            let listed: Vec<String> = missing.iter().take(20).map(usize::to_string).collect();
            return Err(BadInput(format!(
                "{} is not complete: {} of {} points missing ({}{})",
                dir.display(),
                missing.len(),
                manifest.points.len(),
                listed.join(", "),
                if missing.len() > 20 { ", …" } else { "" }
            ))
            .into());
        }
        Ok(SweepData {
            manifest,
            scenario,
            points,
        })
    }

    /// Index of the final year.
    pub fn last_year(&self) -> usize {
        self.manifest.years.max(1) as usize - 1
    }

    /// A cohort's statistic of `metric` at `point` in `year` (0-based).
    pub fn stat(&self, point: usize, cohort: usize, year: usize, metric: usize) -> Stat {
        Stat::of(self.points[point].values(cohort, year, metric))
    }

    /// The paired difference (minuend − subtrahend cohort) of `metric` at
    /// `point` in `year`: formed replicate by replicate, so the interval
    /// reflects common random numbers; `None` without two cohorts.
    pub fn difference(&self, point: usize, year: usize, metric: usize) -> Option<Stat> {
        self.replicates(point, Series::Difference, year, metric)
            .map(|diffs| Stat::of(&diffs))
    }

    /// A series' value of `metric` at `point` in `year` in each replicate
    /// (a difference formed within each); `None` for a difference the
    /// sweep does not have.
    pub fn replicates(
        &self,
        point: usize,
        series: Series,
        year: usize,
        metric: usize,
    ) -> Option<Vec<f64>> {
        let p = &self.points[point];
        match series {
            Series::Cohort(c) => Some(p.values(c, year, metric).to_vec()),
            Series::Difference => {
                let (a, b) = self.difference_cohorts()?;
                Some(
                    p.values(a, year, metric)
                        .iter()
                        .zip(p.values(b, year, metric))
                        .map(|(x, y)| x - y)
                        .collect(),
                )
            }
        }
    }

    /// The series a sweep reports, as its panels show them: the paired
    /// difference first (when there is one), then each cohort.
    pub fn series(&self) -> Vec<Series> {
        let mut out = Vec::new();
        if self.difference_cohorts().is_some() {
            out.push(Series::Difference);
        }
        out.extend((0..self.manifest.cohorts.len()).map(Series::Cohort));
        out
    }

    /// A series' statistic of `metric` at `point` in `year`; `None` for a
    /// difference the sweep does not have.
    pub fn series_stat(
        &self,
        point: usize,
        series: Series,
        year: usize,
        metric: usize,
    ) -> Option<Stat> {
        match series {
            Series::Cohort(c) => Some(self.stat(point, c, year, metric)),
            Series::Difference => self.difference(point, year, metric),
        }
    }

    /// A series' mean of `metric` at `point` in `year` (NaN without it).
    pub fn mean(&self, point: usize, series: Series, year: usize, metric: usize) -> f64 {
        self.series_stat(point, series, year, metric)
            .map_or(f64::NAN, |s| s.mean)
    }

    /// The series' name in data files: the cohort's, or "networking -
    /// connecting".
    pub fn series_label(&self, series: Series) -> String {
        match series {
            Series::Cohort(c) => self.manifest.cohorts[c].clone(),
            Series::Difference => self.difference_label().unwrap_or_default(),
        }
    }

    /// The series' name in charts and reports: the cohort's, or
    /// "networking − connecting".
    pub fn series_title(&self, series: Series) -> String {
        match series {
            Series::Cohort(c) => self.manifest.cohorts[c].clone(),
            Series::Difference => self.difference_title().unwrap_or_default(),
        }
    }

    /// Indices of the difference's cohorts (minuend, subtrahend).
    pub fn difference_cohorts(&self) -> Option<(usize, usize)> {
        let [a, b] = self.manifest.difference.as_ref()?;
        let find = |name: &str| self.manifest.cohorts.iter().position(|c| c == name);
        Some((find(a)?, find(b)?))
    }

    /// "networking - connecting", with an ASCII minus: the label in data
    /// files, so that filters typed on a keyboard find it.
    pub fn difference_label(&self) -> Option<String> {
        self.manifest
            .difference
            .as_ref()
            .map(|[a, b]| format!("{a} - {b}"))
    }

    /// "networking − connecting", with a true minus: the label in charts
    /// and reports.
    pub fn difference_title(&self) -> Option<String> {
        self.manifest
            .difference
            .as_ref()
            .map(|[a, b]| format!("{a} − {b}"))
    }

    /// Index of a headline metric by name.
    pub fn metric(&self, name: &str) -> Option<usize> {
        HEADLINES.iter().position(|h| h.name == name)
    }

    /// Years written to the tables: the last, or all with `--each-year`.
    pub fn years(&self) -> Vec<usize> {
        if self.manifest.each_year {
            (0..self.manifest.years as usize).collect()
        } else {
            vec![self.last_year()]
        }
    }
}

/// The tables [`write_tables`] writes for `data`, by name.
pub fn table_files(data: &SweepData) -> Vec<String> {
    let mut files = vec![
        SWEEP_TABLE.to_string(),
        REPLICATES_TABLE.to_string(),
        DIFFERENCE_TABLE.to_string(),
    ];
    files.extend(sensitivity::tables::file(data.manifest.design).map(str::to_string));
    files
}

/// Writes `sweep.csv` (and `sweep_difference.csv` when two cohorts are
/// compared, and a sensitivity design's indices) into `dir`.
pub fn write_tables(data: &SweepData, dir: &Path) -> Result<()> {
    sensitivity::tables::write(data, dir)?;
    let m = &data.manifest;
    let keys = m.key_names();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(table().header_for(&keys, 0))?;
    let row = |point: usize, who: &str, year: usize, metric: usize, s: Stat| {
        let mut r = vec![point.to_string()];
        r.extend(m.points[point].values.iter().cloned());
        r.extend([
            who.to_string(),
            (year + 1).to_string(),
            HEADLINES[metric].name.to_string(),
            num(s.mean),
            num(s.sd),
            num(s.ci_low),
            num(s.ci_high),
            s.n.to_string(),
        ]);
        r
    };
    for p in 0..data.points.len() {
        for (c, cohort) in m.cohorts.iter().enumerate() {
            for &y in &data.years() {
                for k in 0..HEADLINES.len() {
                    w.write_record(row(p, cohort, y, k, data.stat(p, c, y, k)))?;
                }
            }
        }
    }
    let bytes = w
        .into_inner()
        .with_context(|| format!("cannot encode {SWEEP_TABLE}"))?;
    store::write_file(&dir.join(SWEEP_TABLE), &bytes)?;
    write_replicates(data, dir)?;

    let Some(label) = data.difference_label() else {
        return Ok(());
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(difference_table().header_for(&keys, 0))?;
    for p in 0..data.points.len() {
        for &y in &data.years() {
            for k in 0..HEADLINES.len() {
                if let Some(s) = data.difference(p, y, k) {
                    w.write_record(row(p, &label, y, k, s))?;
                }
            }
        }
    }
    let bytes = w
        .into_inner()
        .with_context(|| format!("cannot encode {DIFFERENCE_TABLE}"))?;
    store::write_file(&dir.join(DIFFERENCE_TABLE), &bytes)
}

/// Writes `sweep_replicates.csv`: every replicate's value, one per row,
/// for the years `sweep.csv` has. Read from the point files alone, so a
/// merge of shards writes the same bytes as one machine.
fn write_replicates(data: &SweepData, dir: &Path) -> Result<()> {
    let m = &data.manifest;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(replicates_table().header_for(&m.key_names(), 0))?;
    for (p, point) in data.points.iter().enumerate() {
        for (c, cohort) in m.cohorts.iter().enumerate() {
            for &y in &data.years() {
                for (k, h) in HEADLINES.iter().enumerate() {
                    for (r, &x) in point.values(c, y, k).iter().enumerate() {
                        let mut row = vec![p.to_string()];
                        row.extend(m.points[p].values.iter().cloned());
                        row.extend([
                            cohort.clone(),
                            (y + 1).to_string(),
                            h.name.to_string(),
                            r.to_string(),
                            num(x),
                        ]);
                        w.write_record(&row)?;
                    }
                }
            }
        }
    }
    let bytes = w
        .into_inner()
        .with_context(|| format!("cannot encode {REPLICATES_TABLE}"))?;
    store::write_file(&dir.join(REPLICATES_TABLE), &bytes)
}

/// The headline metrics a sweep charts, as indices (unknown names are
/// skipped: the plan has checked them).
pub fn charted_metrics(data: &SweepData) -> Vec<usize> {
    data.manifest
        .metrics
        .iter()
        .filter_map(|name| data.metric(name))
        .collect()
}

/// Short text for a metric: its label from [`measure::HEADLINES`].
pub fn metric_label(metric: usize) -> &'static str {
    measure::HEADLINES[metric].label
}
