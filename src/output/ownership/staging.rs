//! Writing beside a destination and swapping the result in: the hidden
//! siblings `.NAME.tmp-PID` and `.NAME.old-PID`, the [`Staging`] directory
//! and its commit.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::contents::{examine, remove_owned, Found};
use super::record::Record;
use super::{Kind, Owned};
use crate::error::BadInput;

/// A hidden directory beside a destination, filled and then swapped in.
/// Dropped without [`Staging::commit`], it removes what netgrow wrote in
/// it.
#[derive(Debug)]
pub struct Staging {
    owned: Owned,
    dest: PathBuf,
    committed: bool,
}

impl Staging {
    /// A staging directory beside `dest`, created now with an empty record
    /// of `kind`.
    pub(super) fn beside(dest: &Path, kind: Kind) -> Result<Staging> {
        let parent = parent_of(dest);
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create output directory {}", parent.display()))?;
        let tmp = sibling(dest, "tmp");
        clear_own_leftover(&tmp)?;
        fs::create_dir(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        let staging = Staging {
            owned: Owned {
                dir: tmp,
                record: Record::new(kind),
            },
            dest: dest.to_path_buf(),
            committed: false,
        };
        // Recognisable as netgrow's from its first moment.
        staging.owned.save()?;
        Ok(staging)
    }

    /// The staging directory.
    pub fn dir(&self) -> &Path {
        &self.owned.dir
    }

    /// The staging directory with its record, to write into.
    pub fn owned_mut(&mut self) -> &mut Owned {
        &mut self.owned
    }

    /// Moves the finished directory into place: the destination, if there
    /// is one, is renamed aside, the staging directory takes its place,
    /// and the old directory's own files are then deleted one by one.
    /// Anything else found in it (added while netgrow ran) is left there
    /// with a warning.
    pub fn commit(mut self) -> Result<PathBuf> {
        let old = sibling(&self.dest, "old");
        clear_own_leftover(&old)?;
        let had = fs::symlink_metadata(&self.dest).is_ok();
        if had {
            fs::rename(&self.dest, &old).with_context(|| {
                format!(
                    "cannot move the previous results {} aside",
                    self.dest.display()
                )
            })?;
        }
        if let Err(e) = fs::rename(&self.owned.dir, &self.dest) {
            if had {
                // Put the previous results back rather than lose them.
                let _ = fs::rename(&old, &self.dest);
            }
            return Err(e)
                .with_context(|| format!("cannot move results into {}", self.dest.display()));
        }
        self.committed = true;
        if had {
            let left = remove_owned(&old);
            if !left.is_empty() {
                eprintln!(
                    "warning: the previous {} held entries netgrow did not write or that changed while it ran: {}; they are in {} now: move them where you want them, then remove it",
                    self.dest.display(),
                    left.join(", "),
                    old.display()
                );
            }
        }
        Ok(self.dest.clone())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // A committed staging directory has been renamed into place.
        if self.committed {
            return;
        }
        let left = remove_owned(&self.owned.dir);
        if !left.is_empty() {
            eprintln!(
                "warning: leaving {}: it holds entries netgrow did not write: {}",
                self.owned.dir.display(),
                left.join(", ")
            );
        }
    }
}

/// Removes a leftover at our own staging or set-aside name (left by an
/// earlier process that had this process's id) if it is netgrow's.
fn clear_own_leftover(path: &Path) -> Result<()> {
    match examine(path)? {
        Found::Absent => Ok(()),
        Found::Empty | Found::Ours(_) => {
            let left = remove_owned(path);
            if left.is_empty() {
                Ok(())
            } else {
                Err(anyhow::anyhow!(
                    "cannot clear {}: it still holds {}",
                    path.display(),
                    left.join(", ")
                ))
            }
        }
        Found::Foreign { why, .. } => Err(BadInput(format!(
            "{why}; it stands where netgrow keeps its temporary files: move it away"
        ))
        .into()),
    }
}

/// `dest` with a name of its own: `.`, `..` and `/`-ended forms are
/// resolved, so leftovers can be put beside it.
pub(super) fn named(dest: &Path) -> Result<PathBuf> {
    // Rebuilt from its components: `out/.` and `out/` become `out`.
    let clean: PathBuf = dest.components().collect();
    if matches!(
        clean.components().next_back(),
        Some(std::path::Component::Normal(_))
    ) {
        return Ok(clean);
    }
    let full = dest
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", dest.display()))?;
    if full.file_name().is_none() {
        return Err(BadInput(format!(
            "{} cannot be an output directory: choose another --out",
            dest.display()
        ))
        .into());
    }
    Ok(full)
}

pub(super) fn parent_of(dest: &Path) -> PathBuf {
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `.NAME.WHAT-PID` beside `dest` (which has a name: see [`named`]), for
/// this process.
pub(super) fn sibling(dest: &Path, what: &str) -> PathBuf {
    let name = dest
        .file_name()
        .map_or_else(|| "netgrow".into(), |n| n.to_string_lossy().into_owned());
    dest.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}
