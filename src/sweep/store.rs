//! A sweep directory on disk: what it holds and how each file is written
//! and read back.
//!
//! ```text
//! scenario.toml      the resolved scenario with its resolved [sweep] table
//! sweep.json         the manifest: version, scenario hash, seed, design,
//!                    keys, every point and its values
//! shard.json         (shards only) which share of the points this is
//! points/point-NNNN.csv            one finished point: per cohort, year and
//!                                  metric, the statistics and every
//!                                  replicate's value
//! points/point-NNNN-timeseries.csv (--keep-timeseries) its weekly rows
//! sweep.csv, sweep_replicates.csv, sweep_difference.csv, charts/,
//! report.html        (complete sweeps)
//! timing.json        how long the last session took (never compared)
//! ```
//!
//! Every file is written whole to a temporary name and renamed into place,
//! so a sweep killed at any moment leaves only complete files; a point
//! file's presence means the point is done. Numbers are written in Rust's
//! shortest round-trip form and read back exactly, so whatever is computed
//! from the files is the same whether they were written a minute ago, in an
//! earlier interrupted session, or on another machine.

use std::fs;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use super::design::Design;
use super::measure::HEADLINES;
use super::spec::KeyKind;
use crate::error::BadInput;
use crate::metrics::{Row, Stat};
use crate::output::schema;

/// The manifest file of every sweep directory.
pub const MANIFEST: &str = schema::sweep::MANIFEST;
/// The file that marks a shard directory.
pub const SHARD: &str = schema::sweep::SHARD;
/// The resolved scenario.
pub const SCENARIO: &str = schema::SCENARIO;
/// Finished points.
pub const POINTS: &str = "points";
/// Timings of the last session: the one file that differs between runs.
pub const TIMING: &str = schema::sweep::TIMING;

/// What a sweep is: enough to check that two directories hold parts of the
/// same sweep, and to draw its charts without the scenario's file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub netgrow_version: String,
    /// `simulation.name`.
    pub scenario: String,
    /// FNV-1a hash of `scenario.toml` (which includes the `[sweep]` table).
    pub scenario_hash: String,
    pub seed: u64,
    pub replicates: u32,
    pub years: u32,
    pub design: Design,
    pub keys: Vec<KeyInfo>,
    /// Headline metrics charted, the first one the headline.
    pub metrics: Vec<String>,
    pub cohorts: Vec<String>,
    /// Paired difference reported: `[minuend, subtrahend]` cohorts.
    pub difference: Option<[String; 2]>,
    /// `sweep.csv` has every year, not only the last.
    pub each_year: bool,
    /// Points keep their weekly time series.
    pub keep_timeseries: bool,
    pub points: Vec<PointInfo>,
}

/// One varied key as the manifest records it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyInfo {
    pub key: String,
    pub kind: KeyKind,
    pub spec: String,
    /// The key's value in the base scenario, as text.
    pub base: String,
}

/// One point as the manifest records it.
///
/// In `sweep.json` a point's `values` are JSON numbers where the value is
/// a number (text, such as a group format, stays text), for whoever loads
/// the file; `values_text` holds the same values exactly as the point
/// files' key columns write them, because a JSON reader may round a long
/// number in its last bit and the values identify the point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(into = "PointWire", try_from = "PointWire")]
pub struct PointInfo {
    pub point: usize,
    /// Each key's value as text, in the order of `keys`.
    pub values: Vec<String>,
    /// One-at-a-time designs: the key this point moves (absent for the
    /// base point and other designs).
    pub moves: Option<String>,
}

/// A point as `sweep.json` holds it.
#[derive(Clone, Serialize, Deserialize)]
struct PointWire {
    point: usize,
    values: Vec<serde_json::Value>,
    /// Absent in sweeps written before values became numbers; their
    /// `values` are all text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    values_text: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    moves: Option<String>,
}

/// A key's value as JSON: a number when its text is one, else the text.
fn json_value(text: &str) -> serde_json::Value {
    if let Ok(n) = text.parse::<i64>() {
        return n.into();
    }
    text.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .and_then(serde_json::Number::from_f64)
        .map_or_else(|| text.into(), serde_json::Value::Number)
}

impl From<PointInfo> for PointWire {
    fn from(p: PointInfo) -> PointWire {
        PointWire {
            point: p.point,
            values: p.values.iter().map(|v| json_value(v)).collect(),
            values_text: Some(p.values),
            moves: p.moves,
        }
    }
}

impl TryFrom<PointWire> for PointInfo {
    type Error = String;

    fn try_from(w: PointWire) -> Result<PointInfo, String> {
        let values = match w.values_text {
            Some(text) if text.len() == w.values.len() => text,
            Some(_) => {
                return Err(format!(
                    "point {}: values and values_text have different lengths",
                    w.point
                ))
            }
            None => w
                .values
                .iter()
                .map(|v| match v {
                    serde_json::Value::String(s) => Ok(s.clone()),
                    other => Err(format!(
                        "point {}: value {other} has no values_text to read it exactly",
                        w.point
                    )),
                })
                .collect::<Result<_, _>>()?,
        };
        Ok(PointInfo {
            point: w.point,
            values,
            moves: w.moves,
        })
    }
}

impl Manifest {
    /// The manifest as written to `sweep.json`.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut text =
            serde_json::to_string_pretty(self).context("cannot encode the sweep manifest")?;
        text.push('\n');
        Ok(text.into_bytes())
    }

    /// The file name of point `index`'s results, padded so names sort in
    /// point order.
    pub fn point_file(&self, index: usize) -> String {
        format!("point-{index:0width$}.csv", width = self.width())
    }

    /// The file name of point `index`'s weekly time series.
    pub fn timeseries_file(&self, index: usize) -> String {
        format!("point-{index:0width$}-timeseries.csv", width = self.width())
    }

    fn width(&self) -> usize {
        self.points.len().saturating_sub(1).to_string().len().max(4)
    }

    /// The dotted names of the varied keys, in order: a sweep file's
    /// columns between the point and the cohort.
    pub fn key_names(&self) -> Vec<String> {
        self.keys.iter().map(|k| k.key.clone()).collect()
    }

    /// Column names of a point file.
    pub fn point_header(&self) -> Vec<String> {
        schema::sweep::point_file().header_for(&self.key_names(), self.replicates)
    }
}

/// `shard.json`: which share of a sweep a directory holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardFile {
    pub netgrow_version: String,
    pub scenario: String,
    pub scenario_hash: String,
    pub seed: u64,
    /// "K/N".
    pub shard: String,
    /// K, 1-based.
    pub index: usize,
    /// N.
    pub count: usize,
    /// Points of this shard, in order.
    pub points: Vec<usize>,
}

/// A finished point: every replicate's headline figures.
#[derive(Clone, Debug, PartialEq)]
pub struct PointData {
    pub point: usize,
    /// `replicates[cohort][year][metric]` = one value per replicate.
    pub replicates: Vec<Vec<Vec<Vec<f64>>>>,
}

impl PointData {
    /// The values of `metric` for `cohort` in `year` (0-based), one per
    /// replicate.
    pub fn values(&self, cohort: usize, year: usize, metric: usize) -> &[f64] {
        &self.replicates[cohort][year][metric]
    }
}

pub use crate::output::num;

/// A number as [`num`] writes it: finite, or empty for NaN. `inf`, `NaN`
/// and numbers too large for a float are never written, so never read.
fn parse_num(text: &str) -> Option<f64> {
    if text.is_empty() {
        return Some(f64::NAN);
    }
    text.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Whether a statistic read from a file is the one recomputed from its
/// replicates: both NaN (written empty), or equal to within 10^-12 of the
/// replicates' scale (the file holds every number exactly, so only another
/// machine's rounding of the sums may differ, in the last few bits).
fn same_stat(read: f64, computed: f64, scale: f64) -> bool {
    if read.is_nan() || computed.is_nan() {
        return read.is_nan() && computed.is_nan();
    }
    (read - computed).abs() <= 1e-12 * scale.max(read.abs()).max(computed.abs())
}

/// Why the statistics of a row differ from those of its replicates, if
/// they do. `fields` are the row's mean, sd, ci_low, ci_high and n as
/// written.
fn check_stats(fields: [&str; 5], values: &[f64]) -> Result<(), String> {
    let s = Stat::of(values);
    if fields[4] != s.n.to_string() {
        return Err(format!(
            "n is {:?} but the row has {} replicate values",
            fields[4], s.n
        ));
    }
    let scale = values
        .iter()
        .filter(|x| x.is_finite())
        .fold(0.0f64, |m, x| m.max(x.abs()));
    let computed = [s.mean, s.sd, s.ci_low, s.ci_high];
    for ((name, text), want) in schema::STATISTICS.iter().zip(fields).zip(computed) {
        let read = parse_num(text).ok_or_else(|| format!("{name} {text:?} is not a number"))?;
        if !same_stat(read, want, scale) {
            let given = if want.is_nan() {
                "a replicate's value is empty".to_string()
            } else {
                format!("its replicates give {}", num(want))
            };
            return Err(format!("{name} is {text:?} but {given}"));
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` whole or not at all.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::chart::write_atomically(path, bytes)
}

/// Writes a finished point's file.
pub fn write_point(dir: &Path, manifest: &Manifest, data: &PointData) -> Result<()> {
    let info = &manifest.points[data.point];
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(manifest.point_header())?;
    for (c, cohort) in manifest.cohorts.iter().enumerate() {
        for year in 0..manifest.years as usize {
            for (m, h) in HEADLINES.iter().enumerate() {
                let reps = data.values(c, year, m);
                let s = Stat::of(reps);
                let mut record = vec![data.point.to_string()];
                record.extend(info.values.iter().cloned());
                record.extend([
                    cohort.clone(),
                    (year + 1).to_string(),
                    h.name.to_string(),
                    num(s.mean),
                    num(s.sd),
                    num(s.ci_low),
                    num(s.ci_high),
                    s.n.to_string(),
                ]);
                record.extend(reps.iter().map(|&x| num(x)));
                w.write_record(&record)?;
            }
        }
    }
    let bytes = w.into_inner().context("cannot encode a point file")?;
    write_file(
        &dir.join(POINTS).join(manifest.point_file(data.point)),
        &bytes,
    )
}

/// Writes a point's weekly rows, one per replicate, week and cohort (the
/// columns of `run`'s `timeseries.csv`, without the variant).
pub fn write_timeseries(
    dir: &Path,
    manifest: &Manifest,
    point: usize,
    rows: &[Vec<Vec<Row>>],
) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(schema::sweep::point_timeseries().header())?;
    for (rep, weeks) in rows.iter().enumerate() {
        for (week, cohorts) in weeks.iter().enumerate() {
            for (c, row) in cohorts.iter().enumerate() {
                let mut record = vec![
                    point.to_string(),
                    rep.to_string(),
                    (week + 1).to_string(),
                    manifest.cohorts.get(c).cloned().unwrap_or_default(),
                ];
                record.extend(row.0.iter().map(|&x| num(x)));
                w.write_record(&record)?;
            }
        }
    }
    let bytes = w.into_inner().context("cannot encode a time series")?;
    write_file(
        &dir.join(POINTS).join(manifest.timeseries_file(point)),
        &bytes,
    )
}

/// Reads point `index`'s file from `dir`, checking it belongs to this
/// manifest (same keys, values, cohorts, years and replicates). `Ok(None)`
/// if the point is not there.
pub fn read_point(dir: &Path, manifest: &Manifest, index: usize) -> Result<Option<PointData>> {
    let path = dir.join(POINTS).join(manifest.point_file(index));
    if !path.is_file() {
        return Ok(None);
    }
    if manifest.keep_timeseries
        && !dir
            .join(POINTS)
            .join(manifest.timeseries_file(index))
            .is_file()
    {
        // Written before its summary file, so a missing one means the
        // point was finished by a sweep without --keep-timeseries.
        bail!(
            "{} has no time series beside it although the sweep keeps them",
            path.display()
        );
    }
    parse_point(&path, manifest, index).map(Some)
}

fn parse_point(path: &Path, manifest: &Manifest, index: usize) -> Result<PointData> {
    let bad = |why: String| BadInput(format!("{}: {why}", path.display()));
    let mut r =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let header: Vec<String> = r
        .headers()
        .with_context(|| format!("cannot read {}", path.display()))?
        .iter()
        .map(String::from)
        .collect();
    if header != manifest.point_header() {
        return Err(bad(
            "its columns are not those of this sweep's points (other keys or replicates)".into(),
        )
        .into());
    }
    let keys = manifest.keys.len();
    let years = manifest.years as usize;
    let reps = manifest.replicates as usize;
    let mut data = vec![vec![vec![Vec::new(); HEADLINES.len()]; years]; manifest.cohorts.len()];
    let expected = manifest.cohorts.len() * years * HEADLINES.len();
    let mut seen = 0;
    for (line, record) in r.records().enumerate() {
        let record = record.with_context(|| format!("cannot read {}", path.display()))?;
        let field = |i: usize| record.get(i).unwrap_or("");
        let at = |what: &str| format!("row {}: {what}", line + 2);
        if field(0) != index.to_string() {
            return Err(bad(at(&format!("holds point {}, not point {index}", field(0)))).into());
        }
        let values: Vec<&str> = (1..=keys).map(field).collect();
        if values != manifest.points[index].values {
            return Err(bad(at("its key values differ from the sweep's point")).into());
        }
        let c = manifest
            .cohorts
            .iter()
            .position(|c| c == field(keys + 1))
            .ok_or_else(|| bad(at(&format!("unknown cohort {:?}", field(keys + 1)))))?;
        let year: usize = field(keys + 2)
            .parse()
            .ok()
            .filter(|y| (1..=years).contains(y))
            .ok_or_else(|| bad(at(&format!("year {:?} is not in the run", field(keys + 2)))))?;
        let m = HEADLINES
            .iter()
            .position(|h| h.name == field(keys + 3))
            .ok_or_else(|| bad(at(&format!("unknown metric {:?}", field(keys + 3)))))?;
        let first = keys + 9;
        let values = (first..first + reps)
            .map(|i| {
                parse_num(field(i)).ok_or_else(|| {
                    bad(at(&format!(
                        "{} is {:?}, not a finite number",
                        header[i],
                        field(i)
                    )))
                })
            })
            .collect::<Result<Vec<f64>, _>>()?;
        let stats = [4, 5, 6, 7, 8].map(|k| field(keys + k));
        // What the writer never writes: statistics that are not those of
        // the row's replicates (an edited mean, a blanked replicate).
        check_stats(stats, &values).map_err(|why| bad(at(&why)))?;
        let slot = &mut data[c][year - 1][m];
        if !slot.is_empty() {
            return Err(bad(at("repeats an earlier row")).into());
        }
        *slot = values;
        seen += 1;
    }
    if seen != expected {
        return Err(bad(format!("has {seen} rows, expected {expected}")).into());
    }
    Ok(PointData {
        point: index,
        replicates: data,
    })
}

/// Reads and parses a directory's manifest, with its canonical bytes: the
/// file as this netgrow writes it. Comparing those, not the bytes on disk,
/// lets a sweep begun by a netgrow that wrote point values as text be
/// resumed or merged, while any difference in what the manifest says is
/// still caught.
pub fn read_manifest(dir: &Path) -> Result<(Manifest, Vec<u8>)> {
    let path = dir.join(MANIFEST);
    let bytes = fs::read(&path).map_err(|e| {
        BadInput(format!(
            "{} is not a sweep directory: cannot read {MANIFEST} ({e})",
            dir.display()
        ))
    })?;
    let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
        BadInput(format!(
            "{} is not a sweep manifest netgrow {} can read: {e}",
            path.display(),
            env!("CARGO_PKG_VERSION")
        ))
    })?;
    let canonical = manifest.to_bytes()?;
    Ok((manifest, canonical))
}

/// Reads a directory's shard file, if it has one.
pub fn read_shard(dir: &Path) -> Result<Option<ShardFile>> {
    let path = dir.join(SHARD);
    if !path.exists() {
        return Ok(None);
    }
    let bytes = fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let shard = serde_json::from_slice(&bytes)
        .map_err(|e| BadInput(format!("{} is not a shard file: {e}", path.display())))?;
    Ok(Some(shard))
}

/// FNV-1a, 64 bits: a stable fingerprint of a text (not a defence against
/// forgery, only against mixing up sweeps).
pub fn fingerprint(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn manifest() -> Manifest {
        Manifest {
            netgrow_version: "0.1.0".into(),
            scenario: "t".into(),
            scenario_hash: fingerprint("x"),
            seed: 1,
            replicates: 2,
            years: 1,
            design: Design::Grid,
            keys: vec![KeyInfo {
                key: "groups.count".into(),
                kind: KeyKind::Integer,
                spec: "2,3".into(),
                base: "2".into(),
            }],
            metrics: vec!["revenue".into()],
            cohorts: vec!["a".into(), "b".into()],
            difference: Some(["b".into(), "a".into()]),
            each_year: false,
            keep_timeseries: false,
            points: vec![
                PointInfo {
                    point: 0,
                    values: vec!["2".into()],
                    moves: None,
                },
                PointInfo {
                    point: 1,
                    values: vec!["3".into()],
                    moves: None,
                },
            ],
        }
    }

    #[test]
    fn point_files_read_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join(POINTS)).unwrap();
        let m = manifest();
        let value = |c: usize, m: usize| vec![0.1 * (c + 1) as f64 + m as f64 / 3.0, f64::NAN];
        let data = PointData {
            point: 1,
            replicates: (0..2)
                .map(|c| vec![(0..HEADLINES.len()).map(|k| value(c, k)).collect()])
                .collect(),
        };
        write_point(dir.path(), &m, &data).unwrap();
        let back = read_point(dir.path(), &m, 1).unwrap().unwrap();
        for c in 0..2 {
            for k in 0..HEADLINES.len() {
                let (a, b) = (data.values(c, 0, k), back.values(c, 0, k));
                assert_eq!(a[0].to_bits(), b[0].to_bits());
                assert!(b[1].is_nan());
            }
        }
        assert!(read_point(dir.path(), &m, 0).unwrap().is_none());
        // The same file under another sweep's point is refused.
        let path = dir.path().join(POINTS);
        fs::rename(path.join(m.point_file(1)), path.join(m.point_file(0))).unwrap();
        let err = read_point(dir.path(), &m, 0).unwrap_err().to_string();
        assert!(err.contains("not point 0"), "{err}");
    }

    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(fingerprint(""), "fnv1a64:cbf29ce484222325");
        assert_eq!(fingerprint("a"), "fnv1a64:af63dc4c8601ec8c");
        assert_ne!(fingerprint("seed = 1"), fingerprint("seed = 2"));
    }

    #[test]
    fn manifests_round_trip_through_json() {
        let m = manifest();
        let back: Manifest = serde_json::from_slice(&m.to_bytes().unwrap()).unwrap();
        assert_eq!(back, m);
        assert_eq!(m.point_file(7), "point-0007.csv");
    }

    #[test]
    fn point_values_are_json_numbers_and_read_back_as_written() {
        let mut m = manifest();
        m.points[1].values = vec!["0.12345678901234568".into()];
        m.points[0].values = vec!["closed".into()];
        let json: serde_json::Value = serde_json::from_slice(&m.to_bytes().unwrap()).unwrap();
        assert_eq!(json["points"][0]["values"], serde_json::json!(["closed"]));
        assert!(json["points"][1]["values"][0].is_f64());
        let back: Manifest = serde_json::from_slice(&m.to_bytes().unwrap()).unwrap();
        assert_eq!(back, m);
        // A manifest that wrote values as text only is read as before.
        let old = r#"{"point": 3, "values": ["8", "open"]}"#;
        let p: PointInfo = serde_json::from_str(old).unwrap();
        assert_eq!(p.values, ["8", "open"]);
        let bare = r#"{"point": 3, "values": [8]}"#;
        let err = serde_json::from_str::<PointInfo>(bare).unwrap_err();
        assert!(err.to_string().contains("values_text"), "{err}");
    }
}
