//! Sweep charts.
use super::results::SweepData;
use crate::chart::ChartOptions;
use anyhow::Result;
use std::path::{Path, PathBuf};
/// Draws every chart.
pub fn draw_all(_data: &SweepData, _dir: &Path, _options: &ChartOptions) -> Result<Vec<PathBuf>> {
    Ok(Vec::new())
}
