//! The ownership record itself: the layout of [`RECORD`], the size and
//! hash that tell a file netgrow wrote from one changed since, and the
//! names of the temporary files netgrow writes on the way.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Read};
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::{Kind, RECORD};

/// A file's size and FNV-1a (64-bit) hash: enough to notice a file the
/// user has edited, not a defence against forgery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Stamp {
    pub(super) bytes: u64,
    pub(super) hash: u64,
}

pub(super) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

impl Stamp {
    /// The stamp of the file at `path`, read in pieces.
    pub(super) fn of_file(path: &Path) -> io::Result<Stamp> {
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

pub(super) fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
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
pub(super) struct Record {
    pub(super) kind: Kind,
    pub(super) files: BTreeMap<String, Stamp>,
    pub(super) writing: BTreeSet<String>,
}

impl Record {
    /// An empty record of a directory of `kind`.
    pub(super) fn new(kind: Kind) -> Record {
        Record {
            kind,
            files: BTreeMap::new(),
            writing: BTreeSet::new(),
        }
    }

    /// The record as written to [`RECORD`].
    pub(super) fn to_bytes(&self) -> Result<Vec<u8>> {
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
    pub(super) fn from_bytes(bytes: &[u8]) -> Result<Record, String> {
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
    pub(super) fn read(dir: &Path) -> Result<Option<Record>, String> {
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
    pub(super) fn folders(&self) -> BTreeSet<String> {
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
    pub(super) fn judge(&self, rel: &str, path: &Path, len: u64) -> Option<&'static str> {
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
pub(super) fn is_unfinished_record(rel: &str) -> bool {
    temporary_of(rel).is_some_and(|target| target == RECORD)
}

/// The file that `rel` is the temporary copy of, by the names netgrow
/// gives them while writing (`.NAME.partial`, and `.STEM.partial.png` for
/// images).
pub(super) fn temporary_of(rel: &str) -> Option<String> {
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
