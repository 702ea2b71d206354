//! Tests of the ownership record: what a claim accepts and refuses, what a
//! commit or an abandoned staging directory deletes, and what recovery does
//! with the leftovers of interrupted runs.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use super::contents::sorted_entries;
use super::record::{fnv, temporary_of, Record, Stamp, FNV_OFFSET};
use super::recovery::{leftover, Leftover};
use super::staging::sibling;
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
#[cfg(unix)]
fn overwriting_is_refused_for_edited_files_and_for_links_or_files_in_place_of_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    let owned = written(&dir);
    // Netgrow's own files, and files and folders not there yet, are fine.
    owned
        .check_replaceable(&["a.csv", "charts/b.svg", "charts/new.svg", "maps/m.svg"])
        .unwrap();

    fs::write(dir.join("a.csv"), "x,y\n1,3\n").unwrap();
    fs::write(dir.join("maps"), "a file where a folder goes").unwrap();
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    fs::write(elsewhere.join("f.svg"), "<svg/>").unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join("figures")).unwrap();
    let err = owned
        .check_replaceable(&[
            "a.csv",
            "charts/b.svg",
            "maps/m.svg",
            "maps/n.svg",
            "figures/f.svg",
        ])
        .unwrap_err();
    assert!(err.downcast_ref::<BadInput>().is_some(), "{err:#}");
    // Each folder in the way is named once, and nothing seen through it.
    let err = format!("{err:#}");
    assert!(
        err.contains(
            "a.csv (changed since netgrow wrote it), maps (not a folder), figures (a symbolic link); "
        ),
        "{err}"
    );
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
