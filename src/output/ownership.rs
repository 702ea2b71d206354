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

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

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
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Run => "a run",
            Kind::Sweep => "a sweep",
            Kind::Shard => "a shard of a sweep",
            Kind::Merge => "a merged sweep",
        }
    }
}

/// A file's size and FNV-1a (64-bit) hash: enough to notice a file the
/// user has edited, not a defence against forgery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    bytes: u64,
    hash: u64,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

impl Stamp {
    /// The stamp of the file at `path`, read in pieces.
    fn of_file(path: &Path) -> io::Result<Stamp> {
        let mut file = fs::File::open(path)?;
        let mut buf = vec![0u8; 1 << 16];
        let mut stamp = Stamp {
            bytes: 0,
            hash: FNV_OFFSET,
        };
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) => return Ok(stamp),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            stamp.hash = fnv(stamp.hash, &buf[..n]);
            stamp.bytes += n as u64;
        }
    }
}

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// One file as [`RECORD`] lists it.
#[derive(Serialize, Deserialize)]
struct Entry {
    path: String,
    bytes: u64,
    fnv1a64: String,
}

/// The layout of [`RECORD`].
#[derive(Serialize, Deserialize)]
struct RecordFile {
    netgrow_version: String,
    kind: Kind,
    files: Vec<Entry>,
    /// Files netgrow had started writing when the record was saved:
    /// whatever is at these paths is its unfinished work.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    writing: Vec<String>,
}

/// A directory's record: paths relative to the directory, with `/`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Record {
    kind: Kind,
    files: BTreeMap<String, Stamp>,
    writing: BTreeSet<String>,
}

impl Record {
    /// An empty record of a directory of `kind`.
    fn new(kind: Kind) -> Record {
        Record {
            kind,
            files: BTreeMap::new(),
            writing: BTreeSet::new(),
        }
    }

    /// The record as written to [`RECORD`].
    fn to_bytes(&self) -> Result<Vec<u8>> {
        let file = RecordFile {
            netgrow_version: env!("CARGO_PKG_VERSION").to_string(),
            kind: self.kind,
            files: self
                .files
                .iter()
                .map(|(path, s)| Entry {
                    path: path.clone(),
                    bytes: s.bytes,
                    fnv1a64: format!("{:016x}", s.hash),
                })
                .collect(),
            writing: self.writing.iter().cloned().collect(),
        };
        let mut text = serde_json::to_string_pretty(&file)
            .with_context(|| format!("cannot encode {RECORD}"))?;
        text.push('\n');
        Ok(text.into_bytes())
    }

    /// Parses a record, refusing any path that could reach outside its
    /// directory; the error says what is wrong.
    fn from_bytes(bytes: &[u8]) -> Result<Record, String> {
        let file: RecordFile = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        let mut record = Record::new(file.kind);
        for e in file.files {
            check_path(&e.path)?;
            let hash = u64::from_str_radix(&e.fnv1a64, 16)
                .ok()
                .filter(|_| e.fnv1a64.len() == 16)
                .ok_or_else(|| format!("{:?} is not a 16-digit hexadecimal hash", e.fnv1a64))?;
            let stamp = Stamp {
                bytes: e.bytes,
                hash,
            };
            record.files.insert(e.path, stamp);
        }
        for path in file.writing {
            check_path(&path)?;
            record.writing.insert(path);
        }
        Ok(record)
    }

    /// Reads `dir`'s record: `Ok(None)` if it has none, `Err` saying why
    /// one that is there cannot be used.
    fn read(dir: &Path) -> Result<Option<Record>, String> {
        let path = dir.join(RECORD);
        match fs::symlink_metadata(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.to_string()),
            Ok(m) if !m.is_file() => return Err("it is not a plain file".into()),
            Ok(_) => {}
        }
        let bytes = fs::read(&path).map_err(|e| e.to_string())?;
        Record::from_bytes(&bytes).map(Some)
    }

    /// Every folder the recorded paths lie in, relative to the directory.
    fn folders(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for path in self.files.keys().chain(&self.writing) {
            let mut at = path.as_str();
            while let Some((folder, _)) = at.rsplit_once('/') {
                out.insert(folder.to_string());
                at = folder;
            }
        }
        out
    }

    fn lists(&self, path: &str) -> bool {
        self.files.contains_key(path) || self.writing.contains(path)
    }

    /// Why the file at `rel` (`path` on disk, `len` bytes) is not
    /// netgrow's, or `None` if it is: recorded and unchanged, being
    /// written, or the temporary file of either.
    fn judge(&self, rel: &str, path: &Path, len: u64) -> Option<&'static str> {
        // A file being rewritten is listed both ways; either content is
        // netgrow's.
        if self.writing.contains(rel) {
            return None;
        }
        if let Some(stamp) = self.files.get(rel) {
            let same = stamp.bytes == len && Stamp::of_file(path).is_ok_and(|s| s == *stamp);
            return (!same).then_some("changed since netgrow wrote it");
        }
        match temporary_of(rel) {
            Some(target) if self.lists(&target) => None,
            _ => Some("not written by netgrow"),
        }
    }
}

/// Whether `rel` is the temporary file of the record itself: all a
/// directory holds if netgrow was stopped while first saving its record.
fn is_unfinished_record(rel: &str) -> bool {
    temporary_of(rel).is_some_and(|target| target == RECORD)
}

/// The file that `rel` is the temporary copy of, by the names netgrow
/// gives them while writing (`.NAME.partial`, and `.STEM.partial.png` for
/// images).
fn temporary_of(rel: &str) -> Option<String> {
    let (folder, name) = match rel.rsplit_once('/') {
        Some((f, n)) => (format!("{f}/"), n),
        None => (String::new(), rel),
    };
    let name = name.strip_prefix('.')?;
    let target = if let Some(stem) = name.strip_suffix(".partial.png") {
        format!("{stem}.png")
    } else {
        name.strip_suffix(".partial")?.to_string()
    };
    (!target.is_empty()).then(|| format!("{folder}{target}"))
}

/// Refuses a recorded path that is empty, absolute, or steps outside or in
/// place (`..`, `.`).
fn check_path(path: &str) -> Result<(), String> {
    let fine = !path.is_empty()
        && !path.contains('\\')
        && path.split('/').all(|part| {
            let mut parts = Path::new(part).components();
            matches!(
                (parts.next(), parts.next()),
                (Some(std::path::Component::Normal(_)), None)
            )
        });
    if fine {
        Ok(())
    } else {
        Err(format!(
            "{path:?} is not a path inside the directory it describes"
        ))
    }
}

/// An entry that is not netgrow's, relative to the directory examined.
struct Stranger {
    rel: String,
    why: &'static str,
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

/// The entries of `dir` by name, sorted, so messages and removal follow
/// the same order everywhere.
fn sorted_entries(dir: &Path) -> io::Result<Vec<(String, PathBuf)>> {
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
fn list(strangers: &[Stranger], reasons: bool) -> String {
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
enum Found {
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
fn examine(dir: &Path) -> Result<Found> {
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
        let parent = parent_of(&self.dest);
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create output directory {}", parent.display()))?;
        let tmp = sibling(&self.dest, "tmp");
        clear_own_leftover(&tmp)?;
        fs::create_dir(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        let staging = Staging {
            owned: Owned {
                dir: tmp,
                record: Record::new(kind),
            },
            dest: self.dest.clone(),
            committed: false,
        };
        // Recognisable as netgrow's from its first moment.
        staging.owned.save()?;
        Ok(staging)
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
        let shown = dir.display();
        let fix = "netgrow changes only directories it wrote itself";
        match Record::read(dir) {
            Ok(Some(record)) if record.kind == kind => Ok(Owned {
                dir: dir.to_path_buf(),
                record,
            }),
            Ok(Some(record)) => Err(BadInput(format!(
                "{shown} holds {}, not {}",
                record.kind.describe(),
                kind.describe()
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
        let mut found: Vec<Stranger> = Vec::new();
        // Folders already looked at, and whether they may be written into.
        let mut folders: BTreeMap<String, bool> = BTreeMap::new();
        'files: for rel in rels {
            let rel = rel.as_ref();
            let mut parts: Vec<&str> = rel.split('/').collect();
            parts.pop();
            let mut folder = String::new();
            for part in parts {
                if !folder.is_empty() {
                    folder.push('/');
                }
                folder.push_str(part);
                let fine = match folders.get(&folder) {
                    Some(&fine) => fine,
                    None => {
                        let why = match fs::symlink_metadata(self.dir.join(&folder)) {
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
                        folders.insert(folder.clone(), why.is_none());
                        why.is_none()
                    }
                };
                if !fine {
                    continue 'files;
                }
            }
            let path = self.dir.join(rel);
            let why = match fs::symlink_metadata(&path) {
                Err(_) => None,
                Ok(m) if m.is_symlink() => Some("a symbolic link"),
                Ok(m) if !m.is_file() => Some("not a plain file"),
                Ok(m) => self.record.judge(rel, &path, m.len()),
            };
            if let Some(why) = why {
                found.push(Stranger {
                    rel: rel.to_string(),
                    why,
                });
            }
        }
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

/// Deletes, one by one, the files in `dir` its record shows are
/// netgrow's, then the folders that emptied, the record and `dir` itself
/// if nothing else is left. Returns what was left, by relative path (`dir`
/// itself if it is not a real directory, which is never entered).
fn remove_owned(dir: &Path) -> Vec<String> {
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

/// A leftover of an interrupted run beside a destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Leftover {
    /// `.NAME.tmp-PID`: a directory being written.
    Staging,
    /// `.NAME.old-PID`: the previous destination, moved aside.
    Old,
}

/// Which leftover of destination `name` the entry `entry` is, and of which
/// process.
fn leftover(entry: &str, name: &str) -> Option<(Leftover, u32)> {
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
fn recover(dest: &Path) -> Result<()> {
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

/// `dest` with a name of its own: `.`, `..` and `/`-ended forms are
/// resolved, so leftovers can be put beside it.
fn named(dest: &Path) -> Result<PathBuf> {
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

fn parent_of(dest: &Path) -> PathBuf {
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `.NAME.WHAT-PID` beside `dest` (which has a name: see [`named`]), for
/// this process.
fn sibling(dest: &Path, what: &str) -> PathBuf {
    let name = dest
        .file_name()
        .map_or_else(|| "netgrow".into(), |n| n.to_string_lossy().into_owned());
    dest.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory netgrow wrote in place: `a.csv` and `charts/b.svg`.
    fn written(dir: &Path) -> Owned {
        let mut owned = claim(dir).unwrap().in_place(Kind::Run).unwrap();
        let files = ["a.csv", "charts/b.svg"];
        owned.will_write(files).unwrap();
        fs::create_dir(dir.join("charts")).unwrap();
        fs::write(dir.join("a.csv"), "x,y\n1,2\n").unwrap();
        fs::write(dir.join("charts/b.svg"), "<svg/>").unwrap();
        owned.wrote(files).unwrap();
        owned
    }

    fn refusal(dir: &Path) -> String {
        match claim(dir) {
            Ok(_) => panic!("{} was claimed", dir.display()),
            Err(e) => {
                assert!(e.downcast_ref::<BadInput>().is_some(), "{e:#}");
                format!("{e:#}")
            }
        }
    }

    /// Every file under `dir`, by relative path, with its bytes.
    fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for (_, path) in sorted_entries(&d).unwrap() {
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path
                        .strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    out.insert(rel, fs::read(&path).unwrap());
                }
            }
        }
        out
    }

    /// A process id no process can have (above the system's maximum).
    #[cfg(target_os = "linux")]
    fn dead_pid() -> u32 {
        let max: u32 = fs::read_to_string("/proc/sys/kernel/pid_max")
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        max + 1
    }

    #[test]
    fn records_round_trip_and_name_size_and_hash_of_each_file() {
        let mut record = Record::new(Kind::Shard);
        let stamp = Stamp {
            bytes: 1,
            hash: fnv(FNV_OFFSET, b"a"),
        };
        record.files.insert("points/p.csv".into(), stamp);
        record.writing.insert("timing.json".into());
        let bytes = record.to_bytes().unwrap();
        assert_eq!(Record::from_bytes(&bytes).unwrap(), record);
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json["kind"], "shard");
        assert_eq!(json["netgrow_version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(json["files"][0]["path"], "points/p.csv");
        assert_eq!(json["files"][0]["bytes"], 1);
        // FNV-1a of "a", as in the published test vectors.
        assert_eq!(json["files"][0]["fnv1a64"], "af63dc4c8601ec8c");
    }

    #[test]
    fn records_naming_paths_outside_their_directory_are_refused() {
        for path in ["../x", "/etc/passwd", "a/../b", "", "a//b", "./a", "a\\b"] {
            let text = format!(
                r#"{{"netgrow_version": "0", "kind": "run", "files": [{{"path": {path:?}, "bytes": 1, "fnv1a64": "af63dc4c8601ec8c"}}]}}"#
            );
            assert!(Record::from_bytes(text.as_bytes()).is_err(), "{path:?}");
        }
    }

    #[test]
    #[cfg(unix)]
    fn a_directory_netgrow_wrote_is_claimed_and_anything_added_or_edited_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("run");
        written(&dir);
        assert_eq!(claim(&dir).unwrap().kind(), Some(Kind::Run));

        fs::write(dir.join("notes.txt"), "mine").unwrap();
        let err = refusal(&dir);
        assert!(err.contains("notes.txt (not written by netgrow)"), "{err}");
        assert!(err.contains(&dir.display().to_string()), "{err}");
        fs::remove_file(dir.join("notes.txt")).unwrap();

        // Same size, other bytes: only the hash tells.
        fs::write(dir.join("a.csv"), "x,y\n1,3\n").unwrap();
        let err = refusal(&dir);
        assert!(
            err.contains("a.csv (changed since netgrow wrote it)"),
            "{err}"
        );
        fs::write(dir.join("a.csv"), "x,y\n1,2\n").unwrap();

        fs::create_dir(dir.join("figures")).unwrap();
        assert!(refusal(&dir).contains("figures/ (a folder netgrow did not write)"));
        fs::remove_dir(dir.join("figures")).unwrap();

        std::os::unix::fs::symlink(dir.join("a.csv"), dir.join("charts/link.svg")).unwrap();
        assert!(refusal(&dir).contains("charts/link.svg (a symbolic link)"));
        fs::remove_file(dir.join("charts/link.svg")).unwrap();

        // A temporary file of a recorded file is netgrow's unfinished work;
        // one of a file it never wrote is not.
        fs::write(dir.join("charts/.b.svg.partial"), "<sv").unwrap();
        assert!(claim(&dir).is_ok());
        fs::write(dir.join("charts/.b.partial.png"), "PN").unwrap();
        assert!(refusal(&dir).contains("charts/.b.partial.png"));
        fs::remove_file(dir.join("charts/.b.partial.png")).unwrap();
        fs::write(dir.join(".thesis.tex.partial"), "draft").unwrap();
        assert!(refusal(&dir).contains(".thesis.tex.partial"));
    }

    #[test]
    fn files_being_written_are_netgrows_whatever_they_hold() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("sweep");
        let mut owned = written(&dir);
        owned.will_write(["a.csv", "points/p.csv"]).unwrap();
        fs::create_dir(dir.join("points")).unwrap();
        fs::write(dir.join("points/p.csv"), "half").unwrap();
        fs::write(dir.join("a.csv"), "rewritten").unwrap();
        assert!(claim(&dir).is_ok());
        owned.wrote(["a.csv", "points/p.csv"]).unwrap();
        fs::write(dir.join("points/p.csv"), "edited").unwrap();
        assert!(refusal(&dir).contains("points/p.csv (changed"));
    }

    #[test]
    #[cfg(unix)]
    fn a_file_a_link_and_a_folder_without_a_record_are_refused_untouched() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("file");
        fs::write(&file, "keep").unwrap();
        assert!(refusal(&file).contains("is a file"));
        let mine = tmp.path().join("mine");
        fs::create_dir(&mine).unwrap();
        fs::write(mine.join("thesis.tex"), "keep").unwrap();
        let err = refusal(&mine);
        assert!(err.contains("no written-by-netgrow.json") && err.contains("thesis.tex"));
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&mine, &link).unwrap();
        assert!(refusal(&link).contains("symbolic link"));
        assert_eq!(fs::read(&file).unwrap(), b"keep");
        assert_eq!(fs::read(mine.join("thesis.tex")).unwrap(), b"keep");
        let empty = tmp.path().join("empty");
        fs::create_dir(&empty).unwrap();
        assert!(claim(&empty).unwrap().is_fresh());
    }

    #[test]
    fn a_commit_deletes_only_the_old_directorys_recorded_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("run");
        written(&dest);
        let mut staging = claim(&dest).unwrap().stage(Kind::Run).unwrap();
        staging.owned_mut().will_write(["new.csv"]).unwrap();
        fs::write(staging.dir().join("new.csv"), "new").unwrap();
        staging.owned_mut().wrote(["new.csv"]).unwrap();
        // Added to the old directory while the new one was being written.
        fs::write(dest.join("late.txt"), "mine").unwrap();
        assert_eq!(staging.commit().unwrap(), dest);
        let now = contents(&dest);
        assert_eq!(
            now.keys().collect::<Vec<_>>(),
            ["new.csv", RECORD],
            "{now:?}"
        );
        // The old directory keeps the late file, and its record so it is
        // still recognisable; netgrow's files in it are gone.
        let old = contents(&sibling(&dest, "old"));
        assert_eq!(old.keys().collect::<Vec<_>>(), ["late.txt", RECORD]);
        assert_eq!(old["late.txt"], b"mine");
    }

    #[test]
    fn an_abandoned_staging_directory_removes_only_netgrows_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("run");
        let staging = claim(&dest).unwrap().stage(Kind::Run).unwrap();
        let dir = staging.dir().to_path_buf();
        assert!(dir.join(RECORD).is_file());
        let mut staging = staging;
        staging.owned_mut().will_write(["charts/a.svg"]).unwrap();
        fs::create_dir(dir.join("charts")).unwrap();
        fs::write(dir.join("charts/a.svg"), "<svg/>").unwrap();
        fs::write(dir.join("stray.txt"), "not netgrow's").unwrap();
        drop(staging);
        assert_eq!(
            contents(&dir).keys().collect::<Vec<_>>(),
            ["stray.txt", RECORD]
        );
        assert!(!dest.exists());

        // A stray file under this process's staging name stops the next
        // staging there, rather than being removed.
        let err = claim(&dest).unwrap().stage(Kind::Run).unwrap_err();
        assert!(format!("{err:#}").contains("stray.txt"), "{err:#}");
        let staging = claim(&tmp.path().join("merged"))
            .unwrap()
            .stage(Kind::Merge)
            .unwrap();
        let clean = staging.dir().to_path_buf();
        drop(staging);
        assert!(!clean.exists());
    }

    #[test]
    // Only Linux tells whether a process is alive.
    #[cfg(target_os = "linux")]
    fn leftovers_of_dead_processes_are_restored_or_removed_and_others_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("run");
        let pid = dead_pid();
        // Killed between its two renames: the previous results aside and
        // the destination missing.
        let old = tmp.path().join(format!(".run.old-{pid}"));
        written(&old);
        let before = contents(&old);
        // Killed while writing: a staging directory of netgrow's files.
        let dead = tmp.path().join(format!(".run.tmp-{}", pid + 1));
        written(&dead);
        // Someone else's, under a staging name: left alone.
        let foreign = tmp.path().join(format!(".run.tmp-{}", pid + 2));
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("keep.txt"), "keep").unwrap();
        // Killed while first saving its record.
        let unborn = tmp.path().join(format!(".run.tmp-{}", pid + 3));
        fs::create_dir(&unborn).unwrap();
        fs::write(unborn.join(format!(".{RECORD}.partial")), "{\"netgr").unwrap();
        // A live process's staging directory: left alone.
        let live = tmp.path().join(format!(".run.tmp-{}", std::process::id()));
        written(&live);

        let claimed = claim(&dest).unwrap();
        assert_eq!(claimed.kind(), Some(Kind::Run));
        assert_eq!(contents(&dest), before);
        assert!(!old.exists() && !dead.exists() && !unborn.exists());
        assert_eq!(fs::read(foreign.join("keep.txt")).unwrap(), b"keep");
        assert!(live.join("a.csv").is_file());
    }

    #[test]
    fn leftover_and_temporary_names_are_read_exactly() {
        assert_eq!(
            leftover(".run.tmp-12", "run"),
            Some((Leftover::Staging, 12))
        );
        assert_eq!(leftover(".run.old-7", "run"), Some((Leftover::Old, 7)));
        for other in [
            ".run.tmp-",
            ".run.tmp-+3",
            ".run.tmp-12.old",
            ".runx.tmp-1",
            "run.tmp-1",
        ] {
            assert_eq!(leftover(other, "run"), None, "{other}");
        }
        assert_eq!(
            temporary_of("charts/.a.svg.partial").as_deref(),
            Some("charts/a.svg")
        );
        assert_eq!(temporary_of(".a.partial.png").as_deref(), Some("a.png"));
        assert_eq!(temporary_of("a.partial"), None);
        assert_eq!(temporary_of("..partial"), None);
    }
}
