//! What netgrow may replace: the record of the files it wrote in each
//! output directory, and the one rule `run`, `sweep`, `merge` and `plot`
//! follow before they write.
//!
//! Every directory netgrow writes — a run, a sweep, a shard of a sweep, a
//! merged sweep — carries [`RECORD`]: the kind of directory, every file
//! netgrow put there with its size and FNV-1a hash, and the files it was in
//! the middle of writing when the record was last saved. A destination is
//! used only if it does not exist, is an empty directory, or is a real
//! directory (not a link) in which every entry is a file the record lists,
//! unchanged, or one it was writing (with the temporary files of those); a
//! folder inside counts only if netgrow writes into it and it holds nothing
//! else. Anything else — a file, a link, a directory without a record, or
//! one holding a single file the user added or edited — is refused with
//! [`BadInput`] (exit code 2), naming the path and what is in the way.
//!
//! Nothing is ever removed wholesale: files are deleted one by one, each
//! checked against the record first, then the folders they emptied.
//!
//! A run, a merge and a sweep that replaces an earlier one write into a
//! hidden sibling `.NAME.tmp-PID` ([`Staging`]) and swap it in when
//! complete: the previous directory is renamed to `.NAME.old-PID`, the new
//! one takes its place, and the old one's recorded files are deleted. A
//! process killed on the way leaves at most those two siblings; the next
//! [`claim`] of the same destination, once their process is gone, puts a
//! moved-aside directory back if the destination is missing and removes
//! leftovers that hold only netgrow's files, and warns about anything else.
//!
//! The record's layout is in `record`, the judging and removal of a
//! directory's entries in `contents`, the staging directory and its commit
//! in `staging`, and the clean-up after interrupted runs in `recovery`.

mod contents;
mod record;
mod recovery;
mod staging;
#[cfg(test)]
mod tests;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use self::contents::{examine, in_the_way, list, Found};
use self::record::{Record, Stamp};
use self::recovery::recover;
use self::staging::named;
pub use self::staging::Staging;
use crate::error::BadInput;

/// The ownership record every directory netgrow writes carries.
pub const RECORD: &str = "written-by-netgrow.json";

/// Entries named when a destination is refused.
const NAMED: usize = 5;

/// What a directory netgrow wrote holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Run,
    Sweep,
    Shard,
    Merge,
    /// Two runs compared (`netgrow compare`).
    Comparison,
}

impl Kind {
    /// "a run", "a sweep", …
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Run => "a run",
            Kind::Sweep => "a sweep",
            Kind::Shard => "a shard of a sweep",
            Kind::Merge => "a merged sweep",
            Kind::Comparison => "a comparison of two runs",
        }
    }
}

/// A destination netgrow may write: absent, empty, or all its own.
pub struct Claim {
    dest: PathBuf,
    found: Found,
}

/// Deals with the leftovers of interrupted runs beside `dest`, then checks
/// that netgrow may write `dest`, refusing with [`BadInput`] (naming the
/// path, what is in the way and how to proceed) if not.
pub fn claim(dest: &Path) -> Result<Claim> {
    let dest = named(dest)?;
    recover(&dest)?;
    match examine(&dest)? {
        Found::Foreign { why, fix } => Err(BadInput(format!(
            "{why}; netgrow replaces only what it wrote itself: choose another --out, or {fix}"
        ))
        .into()),
        found => Ok(Claim { dest, found }),
    }
}

impl Claim {
    /// The kind of directory netgrow wrote there before, if any.
    pub fn kind(&self) -> Option<Kind> {
        match &self.found {
            Found::Ours(r) => Some(r.kind),
            _ => None,
        }
    }

    /// Whether nothing is there yet (no directory, or an empty one).
    pub fn is_fresh(&self) -> bool {
        matches!(self.found, Found::Absent | Found::Empty)
    }

    /// A staging directory beside the destination, created now (so an
    /// unwritable location fails before any work), to replace it when
    /// complete.
    pub fn stage(&self, kind: Kind) -> Result<Staging> {
        Staging::beside(&self.dest, kind)
    }

    /// The destination itself, to be written in place: created with an
    /// empty record of `kind` if fresh, or with the record it has.
    pub fn in_place(self, kind: Kind) -> Result<Owned> {
        let record = match self.found {
            Found::Ours(record) => record,
            _ => {
                fs::create_dir_all(&self.dest).with_context(|| {
                    format!("cannot create output directory {}", self.dest.display())
                })?;
                Record::new(kind)
            }
        };
        let owned = Owned {
            dir: self.dest,
            record,
        };
        owned.save()?;
        Ok(owned)
    }
}

/// A directory netgrow is writing, with its record.
#[derive(Debug)]
pub struct Owned {
    dir: PathBuf,
    record: Record,
}

impl Owned {
    /// An existing directory netgrow wrote as `kind`, to add files to or
    /// redraw some (as `plot` does); refused with [`BadInput`] if it has no
    /// record or another kind.
    pub fn open(dir: &Path, kind: Kind) -> Result<Owned> {
        Owned::open_any(dir, &[kind])
    }

    /// As [`Owned::open`], for a directory netgrow wrote as any of `kinds`
    /// (a complete sweep is written by `sweep` or by `merge`).
    pub fn open_any(dir: &Path, kinds: &[Kind]) -> Result<Owned> {
        let shown = dir.display();
        let fix = "netgrow changes only directories it wrote itself";
        match Record::read(dir) {
            Ok(Some(record)) if kinds.contains(&record.kind) => Ok(Owned {
                dir: dir.to_path_buf(),
                record,
            }),
            Ok(Some(record)) => Err(BadInput(format!(
                "{shown} holds {}, not {}",
                record.kind.describe(),
                kinds
                    .iter()
                    .map(|k| k.describe())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ))
            .into()),
            Ok(None) => Err(BadInput(format!(
                "{shown} was not written by netgrow: it has no {RECORD} ({fix}; run the scenario again to get one)"
            ))
            .into()),
            Err(why) => Err(BadInput(format!(
                "{shown} has a {RECORD} netgrow cannot read ({why}; {fix})"
            ))
            .into()),
        }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether `rel` is listed as being written.
    pub fn is_writing(&self, rel: &str) -> bool {
        self.record.writing.contains(rel)
    }

    /// Notes, and saves, that the files `rels` are about to be written.
    pub fn will_write<S: AsRef<str>>(&mut self, rels: impl IntoIterator<Item = S>) -> Result<()> {
        for rel in rels {
            self.record.writing.insert(rel.as_ref().to_string());
        }
        self.save()
    }

    /// Records the files `rels` as they now are (forgetting those that are
    /// not there), and saves the record.
    pub fn wrote<S: AsRef<str>>(&mut self, rels: impl IntoIterator<Item = S>) -> Result<()> {
        for rel in rels {
            self.note(rel.as_ref())?;
        }
        self.save()
    }

    /// Records the file `rel` as it now is, without saving.
    pub fn note(&mut self, rel: &str) -> Result<()> {
        let path = self.dir.join(rel);
        match Stamp::of_file(&path) {
            Ok(stamp) => {
                self.record.files.insert(rel.to_string(), stamp);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                self.record.files.remove(rel);
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
        self.record.writing.remove(rel);
        Ok(())
    }

    /// Writes the record, whole or not at all.
    pub fn save(&self) -> Result<()> {
        crate::chart::write_atomically(&self.dir.join(RECORD), &self.record.to_bytes()?)
    }

    /// Refuses, with [`BadInput`], to overwrite any of the files `rels`
    /// that netgrow did not write or that changed since (or to write
    /// through a link or a file standing where a folder should be).
    pub fn check_replaceable<S: AsRef<str>>(&self, rels: &[S]) -> Result<()> {
        let found = in_the_way(&self.dir, &self.record, rels);
        if found.is_empty() {
            return Ok(());
        }
        Err(BadInput(format!(
            "{} holds files netgrow would overwrite but did not write, or that changed since: {}; netgrow replaces only what it wrote itself: move them out of {}, then try again",
            self.dir.display(),
            list(&found, true),
            self.dir.display()
        ))
        .into())
    }
}
