//! How a sweep names its keys and points where people read them: the
//! table printed after a sweep, the report and the charts.

use super::design::Design;
use super::results::SweepData;

/// The columns that name a point: one per key, or for a one-at-a-time
/// sweep (whose points differ in one key each) the key moved and its value.
pub fn point_header(data: &SweepData) -> Vec<String> {
    if data.manifest.design == Design::Oat {
        vec!["changed".to_string()]
    } else {
        data.manifest
            .keys
            .iter()
            .map(|k| short_key(&k.key))
            .collect()
    }
}

/// The cells of [`point_header`] for point `p`.
pub fn point_cells(data: &SweepData, p: usize) -> Vec<String> {
    let m = &data.manifest;
    let info = &m.points[p];
    if m.design != Design::Oat {
        return info.values.clone();
    }
    let moved = m
        .keys
        .iter()
        .position(|k| Some(&k.key) == info.moves.as_ref());
    vec![match moved {
        Some(k) => format!("{} = {}", short_key(&m.keys[k].key), info.values[k]),
        None => "base".to_string(),
    }]
}

/// The last two parts of a dotted key: `connecting.patience_meetings`.
pub fn short_key(key: &str) -> String {
    let parts: Vec<&str> = key.split('.').collect();
    if parts.len() > 2 {
        parts[parts.len() - 2..].join(".")
    } else {
        key.to_string()
    }
}
