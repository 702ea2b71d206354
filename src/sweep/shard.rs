//! Splitting a sweep across machines: `--shard K/N` runs a fixed K-th
//! share of the points, and [`merge`] puts the shares back together.
//!
//! Points are dealt round-robin — point i belongs to shard (i mod N) + 1 —
//! so each shard gets points from every part of the design; where cost
//! grows along a key (a larger population, a longer patience) the shards
//! still finish at about the same time. The share depends only on i and N,
//! so any machine can tell which shard a missing point belongs to.
//!
//! A shard directory holds the whole sweep's manifest and scenario, its
//! own `shard.json`, and its finished points. [`merge`] checks that every
//! directory belongs to the same sweep (netgrow version, seed, scenario
//! hash, and then the manifest in its canonical form), that no point is missing and
//! that duplicated points agree, copies everything into one directory and
//! finishes it exactly as a one-machine sweep is finished — so the merged
//! files are byte-identical to those of a sweep run in one place.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::store::{self, Manifest, ShardFile};
use crate::error::BadInput;

/// The K-th of N shares of a sweep (K from 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Parses `K/N`.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let hint = "expected K/N with 1 ≤ K ≤ N, e.g. --shard 2/8 for the second of eight shares";
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("--shard {text}: {hint}"))?;
        let k: usize = k
            .trim()
            .parse()
            .map_err(|_| format!("--shard {text}: K is not a whole number; {hint}"))?;
        let n: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("--shard {text}: N is not a whole number; {hint}"))?;
        if n == 0 || k == 0 || k > n {
            return Err(format!("--shard {text}: {hint}"));
        }
        Ok(Shard { index: k, count: n })
    }

    /// Parses `--shard`: `K/N`, or `slurm` for the K and N of the Slurm
    /// array task this process runs in (see [`Shard::from_slurm`]).
    pub fn parse_arg(text: &str) -> Result<ShardArg, String> {
        if text.trim().eq_ignore_ascii_case("slurm") {
            Ok(ShardArg::Slurm)
        } else {
            Shard::parse(text).map(ShardArg::Fixed)
        }
    }

    /// The shard of the Slurm array task whose environment `var` reads:
    /// K is the task's place in the array (`SLURM_ARRAY_TASK_ID` counted
    /// from `SLURM_ARRAY_TASK_MIN` in steps of `SLURM_ARRAY_TASK_STEP`, so
    /// `--array=1-8` and `--array=0-7` both give shards 1/8 … 8/8), N the
    /// number of tasks (`SLURM_ARRAY_TASK_COUNT`, else from MIN, MAX and
    /// STEP). Refuses, naming the variables, outside an array task or in
    /// an array that is not one evenly spaced range (e.g. `--array=3,7`:
    /// give `--shard $SLURM_ARRAY_TASK_ID/N` there).
    pub fn from_slurm(var: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
        const ID: &str = "SLURM_ARRAY_TASK_ID";
        const COUNT: &str = "SLURM_ARRAY_TASK_COUNT";
        const MIN: &str = "SLURM_ARRAY_TASK_MIN";
        const MAX: &str = "SLURM_ARRAY_TASK_MAX";
        const STEP: &str = "SLURM_ARRAY_TASK_STEP";
        let number = |name: &str| -> Result<Option<u64>, String> {
            match var(name) {
                None => Ok(None),
                Some(v) if v.trim().is_empty() => Ok(None),
                Some(v) => v
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| format!("--shard slurm: {name}={v} is not a whole number")),
            }
        };
        let (id, count, min, max, step) = (
            number(ID)?,
            number(COUNT)?,
            number(MIN)?,
            number(MAX)?,
            number(STEP)?,
        );
        let Some(id) = id else {
            let mut missing = vec![ID];
            if count.is_none() && (min.is_none() || max.is_none()) {
                missing.extend(
                    [(COUNT, count), (MIN, min), (MAX, max)]
                        .iter()
                        .filter(|(_, v)| v.is_none())
                        .map(|(n, _)| *n),
                );
            }
            return Err(format!(
                "--shard slurm: {} not set; run it inside a Slurm job array (sbatch --array=1-N), or give --shard K/N",
                if missing.len() == 1 {
                    format!("{} is", missing[0])
                } else {
                    format!("{} are", missing.join(", "))
                }
            ));
        };
        let step = step.unwrap_or(1).max(1);
        let from_range = match (min, max) {
            (Some(lo), Some(hi)) if hi >= lo => Some((hi - lo) / step + 1),
            _ => None,
        };
        let Some(n) = count.or(from_range) else {
            return Err(format!(
                "--shard slurm: {ID} is set but neither {COUNT} nor {MIN} and {MAX} are; give --shard K/N"
            ));
        };
        let uneven = || {
            format!(
                "--shard slurm: task {id} has no place among the {n} tasks of this array ({MIN}={}, {MAX}={}, {STEP}={step}): it is not one evenly spaced range, e.g. --array=3,7; give --shard $SLURM_ARRAY_TASK_ID/N with the number of shards N",
                min.map_or("unset".to_string(), |v| v.to_string()),
                max.map_or("unset".to_string(), |v| v.to_string()),
            )
        };
        if from_range.is_some_and(|r| r != n) {
            return Err(uneven());
        }
        let lo = min.unwrap_or(1);
        if id < lo || (id - lo) % step != 0 {
            return Err(uneven());
        }
        let k = (id - lo) / step + 1;
        if n == 0 || k > n {
            return Err(uneven());
        }
        Ok(Shard {
            index: k as usize,
            count: n as usize,
        })
    }

    /// Whether point `i` is in this shard.
    pub fn has(&self, point: usize) -> bool {
        point % self.count == self.index - 1
    }

    /// This shard's points among `total`.
    pub fn points(&self, total: usize) -> Vec<usize> {
        (self.index - 1..total).step_by(self.count).collect()
    }

    /// The shard of `count` that point `i` belongs to.
    pub fn of(point: usize, count: usize) -> Shard {
        Shard {
            index: point % count + 1,
            count,
        }
    }
}

/// What `--shard` was given: a share, or `slurm` for the share of the
/// Slurm array task, looked up when the sweep starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardArg {
    Fixed(Shard),
    Slurm,
}

impl ShardArg {
    /// The share: as given, or from this process's Slurm environment
    /// ([`BadInput`] naming the missing variables outside an array task).
    pub fn resolve(self) -> Result<Shard, BadInput> {
        match self {
            ShardArg::Fixed(s) => Ok(s),
            ShardArg::Slurm => Shard::from_slurm(|name| std::env::var(name).ok()).map_err(BadInput),
        }
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The `shard.json` of `shard` of the sweep described by `manifest`.
pub fn shard_file(manifest: &Manifest, shard: Shard) -> ShardFile {
    ShardFile {
        netgrow_version: manifest.netgrow_version.clone(),
        scenario: manifest.scenario.clone(),
        scenario_hash: manifest.scenario_hash.clone(),
        seed: manifest.seed,
        shard: shard.to_string(),
        index: shard.index,
        count: shard.count,
        points: shard.points(manifest.points.len()),
    }
}

/// What [`merge`] found besides the points it merged.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Merged {
    pub points: usize,
    /// Points found in more than one directory (with identical files).
    pub duplicates: Vec<usize>,
}

/// One point file found in an input directory.
struct Found {
    dir: PathBuf,
    bytes: Vec<u8>,
}

/// Checks the directories `dirs` hold parts of one sweep, and copies its
/// scenario, manifest and every point into `into` (an empty directory).
/// Refuses mixed sweeps, missing points and disagreeing duplicates with
/// [`BadInput`], naming the directories and points involved.
pub fn merge(dirs: &[PathBuf], into: &Path) -> Result<Merged> {
    let Some(first) = dirs.first() else {
        return Err(BadInput("merge needs at least one directory".into()).into());
    };
    let (manifest, manifest_bytes) = store::read_manifest(first)?;
    let scenario = fs::read(first.join(store::SCENARIO)).map_err(|e| {
        BadInput(format!(
            "{} has no {} ({e})",
            first.display(),
            store::SCENARIO
        ))
    })?;
    let shard_count = check_one_sweep(dirs, &manifest, &manifest_bytes)?;
    let (found, mut duplicates) = find_points(dirs, &manifest)?;
    let total = manifest.points.len();
    let missing: Vec<usize> = (0..total).filter(|&i| found[i].is_none()).collect();
    if !missing.is_empty() {
        return Err(BadInput(missing_message(&missing, total, shard_count)).into());
    }
    let points = into.join(store::POINTS);
    fs::create_dir_all(&points).with_context(|| format!("cannot create {}", points.display()))?;
    store::write_file(&into.join(store::SCENARIO), &scenario)?;
    store::write_file(&into.join(store::MANIFEST), &manifest_bytes)?;
    for (i, f) in found.into_iter().enumerate() {
        let Some(f) = f else { continue };
        if manifest.keep_timeseries {
            let name = manifest.timeseries_file(i);
            let from = f.dir.join(store::POINTS).join(&name);
            fs::copy(&from, points.join(&name))
                .with_context(|| format!("cannot copy {}", from.display()))?;
        }
        store::write_file(&points.join(manifest.point_file(i)), &f.bytes)?;
    }
    duplicates.sort_unstable();
    duplicates.dedup();
    Ok(Merged {
        points: total,
        duplicates,
    })
}

/// Refuses directories that are not parts of the sweep the first one's
/// `manifest` describes (`manifest_bytes` as read), or shards of it split
/// in two different ways; warns about a shard given twice. Returns how
/// many shards the sweep was split into, if any directory says.
fn check_one_sweep(
    dirs: &[PathBuf],
    manifest: &Manifest,
    manifest_bytes: &[u8],
) -> Result<Option<usize>> {
    let Some(first) = dirs.first() else {
        return Ok(None);
    };
    let mut shard_count: Option<(usize, PathBuf)> = None;
    let mut shard_seen: Vec<(usize, PathBuf)> = Vec::new();
    for dir in dirs {
        let (m, bytes) = store::read_manifest(dir)?;
        check_same(first, manifest, dir, &m)?;
        if bytes != manifest_bytes {
            return Err(BadInput(format!(
                "{} and {} describe different sweeps (their {} files differ although version, seed and scenario agree); were they run with different --each-year or --keep-timeseries?",
                first.display(),
                dir.display(),
                store::MANIFEST
            ))
            .into());
        }
        let Some(s) = store::read_shard(dir)? else {
            continue;
        };
        if s.scenario_hash != manifest.scenario_hash || s.seed != manifest.seed {
            return Err(BadInput(format!(
                "{}: {} does not match its {}",
                dir.display(),
                store::SHARD,
                store::MANIFEST
            ))
            .into());
        }
        match &shard_count {
            Some((n, other)) if *n != s.count => {
                return Err(BadInput(format!(
                    "{} is a shard of {} but {} is a shard of {n}: the sweep was split in two different ways",
                    dir.display(),
                    s.count,
                    other.display()
                ))
                .into())
            }
            _ => shard_count = Some((s.count, dir.clone())),
        }
        if let Some((_, other)) = shard_seen.iter().find(|(k, _)| *k == s.index) {
            eprintln!(
                "warning: {} and {} are both shard {}",
                other.display(),
                dir.display(),
                s.shard
            );
        }
        shard_seen.push((s.index, dir.clone()));
    }
    Ok(shard_count.map(|(n, _)| n))
}

/// Every point file of every directory, by point (the first directory
/// holding it), and the points found more than once (with the same bytes;
/// different bytes are refused).
fn find_points(dirs: &[PathBuf], manifest: &Manifest) -> Result<(Vec<Option<Found>>, Vec<usize>)> {
    let mut found: Vec<Option<Found>> = (0..manifest.points.len()).map(|_| None).collect();
    let mut duplicates = Vec::new();
    for dir in dirs {
        for (i, slot) in found.iter_mut().enumerate() {
            // Reading checks the file belongs to this sweep's point.
            if store::read_point(dir, manifest, i)?.is_none() {
                continue;
            }
            let path = dir.join(store::POINTS).join(manifest.point_file(i));
            let bytes =
                fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            match slot {
                Some(earlier) if earlier.bytes != bytes => {
                    return Err(BadInput(format!(
                        "point {i} is in both {} and {} with different results; the directories do not come from the same sweep",
                        earlier.dir.display(),
                        dir.display()
                    ))
                    .into())
                }
                Some(_) => duplicates.push(i),
                None => {
                    *slot = Some(Found {
                        dir: dir.clone(),
                        bytes,
                    })
                }
            }
        }
    }
    Ok((found, duplicates))
}

/// Refuses directories from different netgrow versions, seeds or
/// scenarios, saying which.
fn check_same(a_dir: &Path, a: &Manifest, b_dir: &Path, b: &Manifest) -> Result<()> {
    let differ = |what: &str, x: &dyn fmt::Display, y: &dyn fmt::Display| -> anyhow::Error {
        BadInput(format!(
            "{} and {} come from different {what} ({x} and {y}); merge only shards of one sweep",
            a_dir.display(),
            b_dir.display()
        ))
        .into()
    };
    if a.netgrow_version != b.netgrow_version {
        return Err(differ(
            "netgrow versions",
            &a.netgrow_version,
            &b.netgrow_version,
        ));
    }
    if a.seed != b.seed {
        return Err(differ("seeds", &a.seed, &b.seed));
    }
    if a.scenario_hash != b.scenario_hash {
        return Err(differ(
            "scenarios",
            &format!("{} {}", a.scenario, a.scenario_hash),
            &format!("{} {}", b.scenario, b.scenario_hash),
        ));
    }
    Ok(())
}

/// "3 of 24 points are missing: 2, 6, 10 (shard 3/4)…".
fn missing_message(missing: &[usize], total: usize, shards: Option<usize>) -> String {
    let listed: Vec<String> = missing.iter().take(20).map(usize::to_string).collect();
    let more = if missing.len() > 20 { ", …" } else { "" };
    let mut text = format!(
        "{} of {total} points are missing: {}{more}",
        missing.len(),
        listed.join(", ")
    );
    if let Some(n) = shards {
        let mut incomplete: Vec<usize> = missing.iter().map(|&i| Shard::of(i, n).index).collect();
        incomplete.sort_unstable();
        incomplete.dedup();
        let names: Vec<String> = incomplete.iter().map(|k| format!("{k}/{n}")).collect();
        text.push_str(&format!(
            ". They belong to shard{} {}: give {} directory, or finish {} with `netgrow sweep FILE --shard K/N --resume`",
            if names.len() == 1 { "" } else { "s" },
            names.join(", "),
            if names.len() == 1 { "its" } else { "their" },
            if names.len() == 1 { "it" } else { "them" }
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_refuse_nonsense() {
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "1/0", "a/b", "3", "1/2/3", "-1/2"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    fn slurm(vars: &[(&str, &str)]) -> Result<Shard, String> {
        Shard::from_slurm(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn slurm_array_tasks_are_shards() {
        let task = |id: &str, min: &str, max: &str, count: &str| {
            slurm(&[
                ("SLURM_ARRAY_TASK_ID", id),
                ("SLURM_ARRAY_TASK_MIN", min),
                ("SLURM_ARRAY_TASK_MAX", max),
                ("SLURM_ARRAY_TASK_COUNT", count),
            ])
        };
        assert_eq!(task("1", "1", "8", "8"), Ok(Shard { index: 1, count: 8 }));
        assert_eq!(task("8", "1", "8", "8"), Ok(Shard { index: 8, count: 8 }));
        assert_eq!(task("0", "0", "3", "4"), Ok(Shard { index: 1, count: 4 }));
        assert_eq!(task("3", "0", "3", "4"), Ok(Shard { index: 4, count: 4 }));
        // COUNT alone (MIN taken as 1), and MIN/MAX without COUNT.
        let id_count = slurm(&[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "5"),
        ]);
        assert_eq!(id_count, Ok(Shard { index: 2, count: 5 }));
        let range = slurm(&[
            ("SLURM_ARRAY_TASK_ID", "12"),
            ("SLURM_ARRAY_TASK_MIN", "10"),
            ("SLURM_ARRAY_TASK_MAX", "14"),
        ]);
        assert_eq!(range, Ok(Shard { index: 3, count: 5 }));
        // A stepped range: --array=0-6:2 is tasks 0, 2, 4, 6.
        let stepped = slurm(&[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", "6"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(stepped, Ok(Shard { index: 3, count: 4 }));
    }

    #[test]
    fn slurm_shards_refuse_a_missing_or_uneven_array() {
        let none = slurm(&[]).unwrap_err();
        for name in [
            "SLURM_ARRAY_TASK_ID",
            "SLURM_ARRAY_TASK_COUNT",
            "SLURM_ARRAY_TASK_MIN",
            "SLURM_ARRAY_TASK_MAX",
        ] {
            assert!(none.contains(name), "{none}");
        }
        let no_id = slurm(&[("SLURM_ARRAY_TASK_COUNT", "4")]).unwrap_err();
        assert!(no_id.contains("SLURM_ARRAY_TASK_ID is not set"), "{no_id}");
        let no_count = slurm(&[("SLURM_ARRAY_TASK_ID", "1")]).unwrap_err();
        assert!(no_count.contains("SLURM_ARRAY_TASK_COUNT"), "{no_count}");
        // --array=3,7 (a rerun of two shards): not one range.
        let list = slurm(&[
            ("SLURM_ARRAY_TASK_ID", "7"),
            ("SLURM_ARRAY_TASK_MIN", "3"),
            ("SLURM_ARRAY_TASK_MAX", "7"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
        ])
        .unwrap_err();
        assert!(list.contains("$SLURM_ARRAY_TASK_ID/N"), "{list}");
        let bad = slurm(&[
            ("SLURM_ARRAY_TASK_ID", "x"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert!(bad.unwrap_err().contains("SLURM_ARRAY_TASK_ID=x"));
        assert!(slurm(&[
            ("SLURM_ARRAY_TASK_ID", "0"),
            ("SLURM_ARRAY_TASK_COUNT", "4")
        ])
        .is_err());
        assert!(slurm(&[
            ("SLURM_ARRAY_TASK_ID", "5"),
            ("SLURM_ARRAY_TASK_COUNT", "4")
        ])
        .is_err());
        assert_eq!(Shard::parse_arg("slurm"), Ok(ShardArg::Slurm));
        assert_eq!(
            Shard::parse_arg("2/4"),
            Ok(ShardArg::Fixed(Shard { index: 2, count: 4 }))
        );
    }

    #[test]
    fn shards_partition_the_points() {
        for total in [0, 1, 7, 24] {
            for n in 1..6 {
                let mut all: Vec<usize> = (1..=n)
                    .flat_map(|k| Shard { index: k, count: n }.points(total))
                    .collect();
                all.sort_unstable();
                assert_eq!(all, (0..total).collect::<Vec<_>>());
                for i in 0..total {
                    assert!(Shard::of(i, n).has(i));
                }
            }
        }
    }

    #[test]
    fn missing_points_name_their_shards() {
        let m = missing_message(&[2, 6], 24, Some(4));
        assert!(m.contains("2 of 24 points are missing: 2, 6"), "{m}");
        assert!(m.contains("shard 3/4"), "{m}");
    }
}
