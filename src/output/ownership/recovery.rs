//! Recovering from an interrupted run: a destination it had moved aside
//! is put back, and the leftovers of processes that are gone are removed
//! when they hold only netgrow's files.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

use super::contents::{examine, remove_owned, sorted_entries, Found};
use super::staging::parent_of;

/// A leftover of an interrupted run beside a destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Leftover {
    /// `.NAME.tmp-PID`: a directory being written.
    Staging,
    /// `.NAME.old-PID`: the previous destination, moved aside.
    Old,
}

/// Which leftover of destination `name` the entry `entry` is, and of which
/// process.
pub(super) fn leftover(entry: &str, name: &str) -> Option<(Leftover, u32)> {
    let rest = entry
        .strip_prefix('.')?
        .strip_prefix(name)?
        .strip_prefix('.')?;
    let (what, pid) = rest.split_once('-')?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let pid = pid.parse().ok()?;
    match what {
        "tmp" => Some((Leftover::Staging, pid)),
        "old" => Some((Leftover::Old, pid)),
        _ => None,
    }
}

/// Whether process `pid` may still be running. Only Linux says so cheaply
/// (`/proc`); elsewhere, or without `/proc`, every process counts as alive
/// and its leftovers are left alone.
fn alive(pid: u32) -> bool {
    if pid == std::process::id() || !cfg!(target_os = "linux") {
        return true;
    }
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// Puts back a destination an interrupted run had moved aside (if the
/// destination is missing), and removes the leftovers of dead processes
/// that hold only netgrow's files; warns about the rest.
pub(super) fn recover(dest: &Path) -> Result<()> {
    let parent = parent_of(dest);
    let Some(name) = dest.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Ok(());
    };
    let Ok(entries) = sorted_entries(&parent) else {
        return Ok(());
    };
    let mut olds = Vec::new();
    let mut stagings = Vec::new();
    for (entry, _) in entries {
        let path = dest.with_file_name(&entry);
        match leftover(&entry, &name) {
            Some((kind, pid)) if !alive(pid) => match kind {
                Leftover::Old => olds.push(path),
                Leftover::Staging => stagings.push(path),
            },
            _ => {}
        }
    }
    // The most recently moved aside is the latest result.
    olds.sort_by_key(|p| {
        std::cmp::Reverse(fs::symlink_metadata(p).and_then(|m| m.modified()).ok())
    });
    for old in olds {
        if fs::symlink_metadata(dest).is_err() {
            fs::rename(&old, dest).with_context(|| {
                format!(
                    "cannot restore {} from {}, where an interrupted netgrow had moved it",
                    dest.display(),
                    old.display()
                )
            })?;
            eprintln!(
                "note: restored {} from {}, where an interrupted netgrow had moved it aside",
                dest.display(),
                old.display()
            );
        } else {
            dispose(&old);
        }
    }
    for staging in stagings {
        dispose(&staging);
    }
    Ok(())
}

/// Removes a dead process's leftover if it holds only netgrow's files;
/// otherwise says it is left alone.
fn dispose(dir: &Path) {
    let kept = |why: String| {
        eprintln!(
            "warning: leaving {}, left by an interrupted netgrow: {why}; remove it yourself once you have what you need from it",
            dir.display()
        );
    };
    match examine(dir) {
        Ok(Found::Absent) => {}
        Ok(Found::Empty | Found::Ours(_)) => {
            let left = remove_owned(dir);
            if !left.is_empty() {
                kept(format!("could not remove {}", left.join(", ")));
            }
        }
        Ok(Found::Foreign { why, .. }) => kept(why),
        Err(e) => kept(format!("{e:#}")),
    }
}
