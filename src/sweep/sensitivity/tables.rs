//! `morris.csv` and `sobol.csv`: a sensitivity design's indices for every
//! headline metric, series (cohort or paired difference), year and key.
//! Their columns are in `output::schema::sweep`.

use std::path::Path;

use anyhow::{Context, Result};

use super::super::design::Design;
use super::super::measure::HEADLINES;
use super::super::results::SweepData;
use super::super::store::{self, num};
use super::{morris_indices, sobol_indices};
use crate::output::schema::sweep::{morris_table, sobol_table, MORRIS_TABLE, SOBOL_TABLE};

/// The indices table a design writes, if any.
pub fn file(design: Design) -> Option<&'static str> {
    match design {
        Design::Morris => Some(MORRIS_TABLE),
        Design::Sobol => Some(SOBOL_TABLE),
        _ => None,
    }
}

/// Writes the design's indices table into `dir` (nothing for other
/// designs).
pub fn write(data: &SweepData, dir: &Path) -> Result<()> {
    let Some(name) = file(data.manifest.design) else {
        return Ok(());
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = if data.manifest.design == Design::Morris {
        morris_table().header()
    } else {
        sobol_table().header()
    };
    w.write_record(header)?;
    for row in rows(data) {
        w.write_record(row)?;
    }
    let bytes = w
        .into_inner()
        .with_context(|| format!("cannot encode {name}"))?;
    store::write_file(&dir.join(name), &bytes)
}

/// Every row of the table, metric by metric.
fn rows(data: &SweepData) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (metric, h) in HEADLINES.iter().enumerate() {
        for series in data.series() {
            for year in data.years() {
                let lead = |key: usize| {
                    vec![
                        h.name.to_string(),
                        data.series_label(series),
                        (year + 1).to_string(),
                        data.manifest.keys[key].key.clone(),
                    ]
                };
                if data.manifest.design == Design::Morris {
                    for (key, i) in morris_indices(data, metric, series, year)
                        .iter()
                        .enumerate()
                    {
                        let mut row = lead(key);
                        row.extend(
                            [i.mu_star, i.mu_star_low, i.mu_star_high, i.mu, i.sigma].map(num),
                        );
                        row.push(i.effects.to_string());
                        out.push(row);
                    }
                } else {
                    for (key, i) in sobol_indices(data, metric, series, year).iter().enumerate() {
                        let mut row = lead(key);
                        row.extend(
                            [
                                i.first,
                                i.first_low,
                                i.first_high,
                                i.total,
                                i.total_low,
                                i.total_high,
                            ]
                            .map(num),
                        );
                        row.push(i.rows.to_string());
                        out.push(row);
                    }
                }
            }
        }
    }
    out
}
