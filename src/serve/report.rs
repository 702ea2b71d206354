//! The take-home report of a page's run: the run's files and report
//! rendered as `netgrow run` renders them, in a temporary directory made
//! for the request and removed before the answer is sent, so the server
//! leaves nothing on disk.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::experiment::Experiment;
use crate::output;

/// A directory of the system's temporary area, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch> {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes)
            .map_err(|e| anyhow::anyhow!("cannot name a temporary directory: {e}"))?;
        let name: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let dir = std::env::temp_dir().join(format!("netgrow-serve-{name}"));
        // create_dir, not create_dir_all: the directory must be new.
        fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Scratch(dir))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The self-contained `report.html` of `exp` (charts inlined as SVG).
pub fn report_html(exp: &Experiment) -> Result<String> {
    let scratch = Scratch::new()?;
    let results = output::ResultsFile::new(exp);
    output::write_run_files(exp, &results, scratch.path())?;
    let path = crate::report::write_report(scratch.path())?;
    fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The report comes back whole and the directory it was drawn in is
    /// gone.
    #[test]
    fn the_report_is_rendered_and_its_directory_removed() {
        let scenario = crate::sweep::tests::tiny();
        let exp = crate::experiment::run(&scenario, &|| {});
        let before = leftovers();
        let html = report_html(&exp).expect("the report renders");
        assert!(html.contains("<svg"), "charts are inlined");
        assert!(html.contains("netgrow report: tiny"));
        assert_eq!(leftovers(), before, "the temporary directory is removed");
    }

    fn leftovers() -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = fs::read_dir(std::env::temp_dir())
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| {
                        p.file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with("netgrow-serve-"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        found
    }
}
