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
//! hash, and then the manifest byte for byte), that no point is missing and
//! that duplicated points agree, copies everything into one directory and
//! finishes it exactly as a one-machine sweep is finished — so the merged
//! files are byte-identical to those of a sweep run in one place.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::store::{self, Manifest, ShardFile};
use crate::cli::BadInput;

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
    let mut shard_count: Option<(usize, PathBuf)> = None;
    let mut shard_seen: Vec<(usize, PathBuf)> = Vec::new();
    for dir in dirs {
        let (m, bytes) = store::read_manifest(dir)?;
        check_same(first, &manifest, dir, &m)?;
        if bytes != manifest_bytes {
            return Err(BadInput(format!(
                "{} and {} describe different sweeps (their {} files differ although version, seed and scenario agree); were they run with different --each-year or --keep-timeseries?",
                first.display(),
                dir.display(),
                store::MANIFEST
            ))
            .into());
        }
        if let Some(s) = store::read_shard(dir)? {
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
    }

    // Every point file of every directory.
    let total = manifest.points.len();
    let mut found: Vec<Option<Found>> = (0..total).map(|_| None).collect();
    let mut duplicates = Vec::new();
    for dir in dirs {
        for (i, slot) in found.iter_mut().enumerate() {
            // Reading checks the file belongs to this sweep's point.
            if store::read_point(dir, &manifest, i)?.is_none() {
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
    let missing: Vec<usize> = (0..total).filter(|&i| found[i].is_none()).collect();
    if !missing.is_empty() {
        return Err(BadInput(missing_message(
            &missing,
            total,
            shard_count.map(|(n, _)| n),
        ))
        .into());
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
