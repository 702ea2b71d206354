//! A directory's contents judged against its record: the entries that are
//! not netgrow's (which refuse a destination or a file about to be
//! overwritten), and deleting, one by one, those that are.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::record::{is_unfinished_record, Record};
use super::{NAMED, RECORD};

/// An entry that is not netgrow's, relative to the directory examined.
pub(super) struct Stranger {
    pub(super) rel: String,
    pub(super) why: &'static str,
}

/// Entries under `dir` that are not netgrow's by `record` (every entry,
/// top level only, without one), at most `limit` of them.
fn strangers(dir: &Path, record: Option<&Record>, limit: usize) -> io::Result<Vec<Stranger>> {
    let folders = record.map(Record::folders).unwrap_or_default();
    let mut found = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((at, prefix)) = stack.pop() {
        for (name, path) in sorted_entries(&at)? {
            if found.len() >= limit {
                return Ok(found);
            }
            let rel = format!("{prefix}{name}");
            if rel == RECORD || is_unfinished_record(&rel) {
                continue;
            }
            let meta = fs::symlink_metadata(&path)?;
            let folder = meta.is_dir() && !meta.is_symlink();
            let why = if meta.is_symlink() {
                Some("a symbolic link")
            } else if folder && folders.contains(&rel) {
                stack.push((path, format!("{rel}/")));
                None
            } else if folder {
                Some("a folder netgrow did not write")
            } else if !meta.is_file() {
                Some("not a plain file")
            } else {
                match record {
                    Some(r) => r.judge(&rel, &path, meta.len()),
                    None => Some("not written by netgrow"),
                }
            };
            if let Some(why) = why {
                let rel = if folder { format!("{rel}/") } else { rel };
                found.push(Stranger { rel, why });
            }
        }
    }
    Ok(found)
}

/// Entries of `dir` standing where the files `rels` are to be written
/// that are not netgrow's by `record`: files it did not write or that
/// changed since, and links or files where a folder should be.
pub(super) fn in_the_way<S: AsRef<str>>(dir: &Path, record: &Record, rels: &[S]) -> Vec<Stranger> {
    let mut found = Vec::new();
    // Folders already looked at, and whether they may be written into.
    let mut folders: BTreeMap<String, bool> = BTreeMap::new();
    for rel in rels {
        let rel = rel.as_ref();
        if !folders_open(dir, rel, &mut folders, &mut found) {
            continue;
        }
        let path = dir.join(rel);
        let why = match fs::symlink_metadata(&path) {
            Err(_) => None,
            Ok(m) if m.is_symlink() => Some("a symbolic link"),
            Ok(m) if !m.is_file() => Some("not a plain file"),
            Ok(m) => record.judge(rel, &path, m.len()),
        };
        if let Some(why) = why {
            found.push(Stranger {
                rel: rel.to_string(),
                why,
            });
        }
    }
    found
}

/// Whether every folder on the way to `rel` in `dir` is a real folder (or
/// not there yet). Each folder is looked at once, kept in `seen`; one that
/// is not is added to `found`.
fn folders_open(
    dir: &Path,
    rel: &str,
    seen: &mut BTreeMap<String, bool>,
    found: &mut Vec<Stranger>,
) -> bool {
    let mut parts: Vec<&str> = rel.split('/').collect();
    parts.pop();
    let mut folder = String::new();
    for part in parts {
        if !folder.is_empty() {
            folder.push('/');
        }
        folder.push_str(part);
        let open = *seen.entry(folder.clone()).or_insert_with(|| {
            let why = match fs::symlink_metadata(dir.join(&folder)) {
                Ok(m) if m.is_symlink() => Some("a symbolic link"),
                Ok(m) if !m.is_dir() => Some("not a folder"),
                _ => None,
            };
            if let Some(why) = why {
                found.push(Stranger {
                    rel: folder.clone(),
                    why,
                });
            }
            why.is_none()
        });
        if !open {
            return false;
        }
    }
    true
}

/// The entries of `dir` by name, sorted, so messages and removal follow
/// the same order everywhere.
pub(super) fn sorted_entries(dir: &Path) -> io::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        out.push((
            entry.file_name().to_string_lossy().into_owned(),
            entry.path(),
        ));
    }
    out.sort();
    Ok(out)
}

/// "NOTES.txt, run-a/ (a folder netgrow did not write), …".
pub(super) fn list(strangers: &[Stranger], reasons: bool) -> String {
    let mut names: Vec<String> = strangers
        .iter()
        .take(NAMED)
        .map(|s| {
            if reasons {
                format!("{} ({})", s.rel, s.why)
            } else {
                s.rel.clone()
            }
        })
        .collect();
    if strangers.len() > NAMED {
        names.push("…".into());
    }
    names.join(", ")
}

/// What is at a path.
pub(super) enum Found {
    Absent,
    /// An empty directory, or one holding only the temporary file of a
    /// record netgrow was stopped while first saving.
    Empty,
    Ours(Record),
    /// Not netgrow's: why, and how to get it out of the way.
    Foreign {
        why: String,
        fix: String,
    },
}

/// Looks at `dir` without changing anything.
pub(super) fn examine(dir: &Path) -> Result<Found> {
    // Anything that cannot even be looked at (missing, or under a file)
    // is absent here; creating it then fails with the reason.
    let Ok(meta) = fs::symlink_metadata(dir) else {
        return Ok(Found::Absent);
    };
    let shown = dir.display();
    if meta.is_symlink() {
        return Ok(Found::Foreign {
            why: format!("{shown} is a symbolic link, and netgrow writes only into a real folder"),
            fix: "give the folder it points to instead".to_string(),
        });
    }
    if !meta.is_dir() {
        return Ok(Found::Foreign {
            why: format!("{shown} is a file, not a folder netgrow wrote"),
            fix: format!("move the file {shown} away"),
        });
    }
    let cannot = || format!("cannot read {shown}");
    if fs::read_dir(dir).with_context(cannot)?.next().is_none() {
        return Ok(Found::Empty);
    }
    let fix = format!("move your files out of {shown}");
    match Record::read(dir) {
        Ok(None) => {
            let all = strangers(dir, None, NAMED + 1).with_context(cannot)?;
            if all.is_empty() {
                return Ok(Found::Empty);
            }
            Ok(Found::Foreign {
                why: format!(
                    "{shown} is not empty and was not written by netgrow (it has no {RECORD}): it holds {}",
                    list(&all, false)
                ),
                fix,
            })
        }
        Err(why) => Ok(Found::Foreign {
            why: format!("{shown} has a {RECORD} netgrow cannot read ({why})"),
            fix,
        }),
        Ok(Some(record)) => {
            let found = strangers(dir, Some(&record), NAMED + 1).with_context(cannot)?;
            if found.is_empty() {
                Ok(Found::Ours(record))
            } else {
                Ok(Found::Foreign {
                    why: format!(
                        "{shown} holds files netgrow did not write or that changed since: {}",
                        list(&found, true)
                    ),
                    fix,
                })
            }
        }
    }
}

/// Deletes, one by one, the files in `dir` its record shows are
/// netgrow's, then the folders that emptied, the record and `dir` itself
/// if nothing else is left. Returns what was left, by relative path (`dir`
/// itself if it is not a real directory, which is never entered).
pub(super) fn remove_owned(dir: &Path) -> Vec<String> {
    match fs::symlink_metadata(dir) {
        Err(_) => return Vec::new(),
        Ok(m) if !m.is_dir() => return vec![dir.display().to_string()],
        Ok(_) => {}
    }
    let record = Record::read(dir).ok().flatten();
    let folders = record.as_ref().map(Record::folders).unwrap_or_default();
    let mut left = Vec::new();
    remove_in(dir, "", record.as_ref(), &folders, &mut left);
    if left.is_empty() {
        if let Err(e) = fs::remove_file(dir.join(RECORD)) {
            if e.kind() != io::ErrorKind::NotFound {
                left.push(RECORD.to_string());
            }
        }
    }
    let _ = fs::remove_dir(dir);
    left
}

fn remove_in(
    dir: &Path,
    prefix: &str,
    record: Option<&Record>,
    folders: &BTreeSet<String>,
    left: &mut Vec<String>,
) {
    let Ok(entries) = sorted_entries(dir) else {
        left.push(format!("{prefix}(unreadable)"));
        return;
    };
    for (name, path) in entries {
        let rel = format!("{prefix}{name}");
        if rel == RECORD {
            continue;
        }
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() && !meta.is_symlink() && folders.contains(&rel) {
            remove_in(&path, &format!("{rel}/"), record, folders, left);
            let inside = format!("{rel}/");
            if fs::remove_dir(&path).is_err() && !left.iter().any(|l| l.starts_with(&inside)) {
                left.push(inside);
            }
            continue;
        }
        let ours = meta.is_file()
            && (is_unfinished_record(&rel)
                || record.is_some_and(|r| r.judge(&rel, &path, meta.len()).is_none()));
        if !(ours && fs::remove_file(&path).is_ok()) {
            left.push(if meta.is_dir() {
                format!("{rel}/")
            } else {
                rel
            });
        }
    }
}
