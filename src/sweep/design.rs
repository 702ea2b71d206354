//! Which combinations of values a sweep runs: its design, expanded into a
//! plain list of points.
//!
//! - `grid`: every combination (the first key changes slowest);
//! - `zip`: the i-th value of every key together (lists of equal length);
//! - `random`: N points, each key's value drawn independently;
//! - `lhs`: a Latin hypercube of N points — each key's range is cut into N
//!   equal strata and every stratum is used exactly once, so N points cover
//!   each key's range evenly whatever the number of keys;
//! - `oat`: one at a time — the base point (every key at its scenario
//!   value), then each key moved across its values while the others stay
//!   at base; the tornado chart is drawn from it;
//! - `morris`: N trajectories of elementary effects, each moving every
//!   key once ([`super::sensitivity::morris`]);
//! - `sobol`: Saltelli's scheme on N base rows of a Sobol' sequence, for
//!   first- and total-order indices ([`super::sensitivity::sobol`]);
//! - `file`: the rows of a CSV file made by another tool, one column per
//!   key (read in [`super::plan`]).
//!
//! Sampled designs draw from a stream named by the scenario's seed, so the
//! same scenario gives the same points on every machine and every shard.

use std::fmt;

use rand::Rng;

use super::sensitivity::{self, morris};
use super::spec::{number, KeyKind, Spec};
use crate::streams::{self, Purpose};

/// The most points a sweep may have.
pub const MAX_POINTS: usize = 1_000_000;

/// Path that keeps the design's random stream apart from every stream of
/// the simulation ("SWEEP" in ASCII).
const STREAM_TAG: u64 = 0x53_57_45_45_50;

/// How a sweep combines its keys' values.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Design {
    Grid,
    Zip,
    Random,
    Lhs,
    Oat,
    Morris,
    Sobol,
    File,
}

impl Design {
    /// Every design's name, as written in files and on the command line.
    pub const NAMES: [&'static str; 8] = [
        "grid", "zip", "random", "lhs", "oat", "morris", "sobol", "file",
    ];

    /// The design called `name`.
    pub fn from_name(name: &str) -> Option<Design> {
        match name {
            "grid" => Some(Design::Grid),
            "zip" => Some(Design::Zip),
            "random" => Some(Design::Random),
            "lhs" => Some(Design::Lhs),
            "oat" => Some(Design::Oat),
            "morris" => Some(Design::Morris),
            "sobol" => Some(Design::Sobol),
            "file" => Some(Design::File),
            _ => None,
        }
    }

    /// Whether the design samples a number of points (`--points N`): of
    /// points (`random`, `lhs`), of trajectories (`morris`) or of base rows
    /// (`sobol`).
    pub fn samples(self) -> bool {
        matches!(
            self,
            Design::Random | Design::Lhs | Design::Morris | Design::Sobol
        )
    }
}

/// How much a sampling design draws.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sample {
    /// Points, trajectories or base rows (`--points`, `sweep.points`).
    pub points: Option<usize>,
    /// Levels of each key's range (`sweep.levels`, Morris only).
    pub levels: Option<usize>,
}

impl Sample {
    /// `n` points and the default levels.
    pub fn of(points: Option<usize>) -> Sample {
        Sample {
            points,
            levels: None,
        }
    }
}

impl fmt::Display for Design {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = *self as usize;
        f.write_str(Design::NAMES[i])
    }
}

/// One varied key: its dotted name, the kind of value it holds, its spec
/// and its value in the base scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub key: String,
    pub kind: KeyKind,
    pub spec: Spec,
    pub base: toml::Value,
}

/// One point of a sweep: a value for every key, in the order of the axes.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// Position in the sweep (0-based); names the point's files.
    pub index: usize,
    pub values: Vec<toml::Value>,
    /// `oat`: the axis this point moves away from base (`None` for the
    /// base point and for other designs).
    pub moves: Option<usize>,
}

/// Expands a design into its points. `sample` says how much a sampling
/// design draws; `seed` is the scenario's.
pub fn points(
    design: Design,
    axes: &[Axis],
    sample: Sample,
    seed: u64,
) -> Result<Vec<Point>, String> {
    if axes.is_empty() {
        return Err("nothing to vary: give --vary KEY=SPEC or a [sweep.vary] table".into());
    }
    if !design.samples() {
        if let Some(a) = axes.iter().find(|a| !a.spec.is_set()) {
            return Err(format!(
                "{}: the range {} has no step, so only the random, lhs, morris and sobol designs can draw from it; give a step (e.g. {}:1) or a count (:log8)",
                a.key, a.spec, a.spec
            ));
        }
    }
    match design {
        Design::Grid => grid(axes).map(numbered),
        Design::Zip => zip(axes).map(numbered),
        Design::Random | Design::Lhs => sampled(design, axes, sample.points, seed).map(numbered),
        Design::Oat => one_at_a_time(axes),
        Design::Morris => {
            let r = count(design, sample.points, 2, axes.len() + 1)?;
            let levels = sample.levels.unwrap_or(morris::DEFAULT_LEVELS);
            morris::check_levels(levels)?;
            let mut rng = stream(seed, design, r);
            Ok(sensitivity::morris_points(axes, r, levels, &mut rng))
        }
        Design::Sobol => {
            let n = count(design, sample.points, 2, axes.len() + 2)?;
            sensitivity::sobol_points(axes, n, &mut stream(seed, design, n))
        }
        Design::File => Err("the file design reads its points from sweep.points_file".into()),
    }
}

/// The design's own random stream for `n` draws.
fn stream(seed: u64, design: Design, n: usize) -> rand_pcg::Pcg64Mcg {
    streams::stream(
        seed,
        Purpose::Analysis,
        &[STREAM_TAG, design as u64, n as u64],
    )
}

/// The number of trajectories or base rows a design asks for: at least
/// `min`, and at most [`MAX_POINTS`] points of `per` points each.
fn count(design: Design, n: Option<usize>, min: usize, per: usize) -> Result<usize, String> {
    let unit = if design == Design::Morris {
        "trajectories"
    } else {
        "base rows"
    };
    let Some(n) = n else {
        return Err(format!(
            "the {design} design needs a number of {unit}: --points N or points = N in [sweep]"
        ));
    };
    if n < min || n.saturating_mul(per) > MAX_POINTS {
        return Err(format!(
            "{n} {unit}: expected from {min} to {}, as each has {per} points and a sweep at most {MAX_POINTS}",
            MAX_POINTS / per
        ));
    }
    Ok(n)
}

/// Each axis's value at its quantile in `quantiles`.
pub fn values_at(axes: &[Axis], quantiles: &[f64]) -> Vec<toml::Value> {
    quantiles
        .iter()
        .zip(axes)
        .map(|(&u, a)| a.spec.at(u, a.kind))
        .collect()
}

/// Rows of values as points, numbered in order, none moving one key.
fn numbered(rows: Vec<Vec<toml::Value>>) -> Vec<Point> {
    rows.into_iter()
        .enumerate()
        .map(|(index, values)| Point {
            index,
            values,
            moves: None,
        })
        .collect()
}

/// Every combination of the axes' values, the last key changing fastest.
fn grid(axes: &[Axis]) -> Result<Vec<Vec<toml::Value>>, String> {
    let sizes: Vec<usize> = axes.iter().map(|a| a.spec.len()).collect();
    let total = sizes
        .iter()
        .try_fold(1usize, |acc, &s| acc.checked_mul(s))
        .filter(|&t| t <= MAX_POINTS)
        .ok_or_else(|| {
            format!(
                "a grid of {} values has more than {MAX_POINTS} points; use fewer values, or the lhs design",
                sizes
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(" × ")
            )
        })?;
    let values: Vec<Vec<toml::Value>> = axes.iter().map(|a| a.spec.values(a.kind)).collect();
    Ok((0..total)
        .map(|i| {
            // Mixed-radix digits of i, the last key changing fastest.
            let mut rest = i;
            let mut row = vec![toml::Value::Boolean(false); axes.len()];
            for k in (0..axes.len()).rev() {
                row[k] = values[k][rest % sizes[k]].clone();
                rest /= sizes[k];
            }
            row
        })
        .collect())
}

/// The i-th value of every axis together; every axis needs as many.
fn zip(axes: &[Axis]) -> Result<Vec<Vec<toml::Value>>, String> {
    let len = axes[0].spec.len();
    if let Some(a) = axes.iter().find(|a| a.spec.len() != len) {
        let lens: Vec<String> = axes
            .iter()
            .map(|a| format!("{} has {}", a.key, a.spec.len()))
            .collect();
        return Err(format!(
            "the zip design pairs the i-th values of every key, so every key needs as many values; {} ({})",
            lens.join(", "),
            a.key
        ));
    }
    let values: Vec<Vec<toml::Value>> = axes.iter().map(|a| a.spec.values(a.kind)).collect();
    Ok((0..len)
        .map(|i| values.iter().map(|v| v[i].clone()).collect())
        .collect())
}

/// `n` rows drawn from the design's own stream: independent uniform
/// quantiles (`random`) or a Latin hypercube (`lhs`), each mapped onto its
/// axis's values.
fn sampled(
    design: Design,
    axes: &[Axis],
    n: Option<usize>,
    seed: u64,
) -> Result<Vec<Vec<toml::Value>>, String> {
    let n = match n {
        Some(n) if (1..=MAX_POINTS).contains(&n) => n,
        Some(n) => return Err(format!("{n} points: expected from 1 to {MAX_POINTS}")),
        None => {
            return Err(format!(
                "the {design} design needs a number of points: --points N or points = N in [sweep]"
            ))
        }
    };
    let mut rng = stream(seed, design, n);
    let quantiles = if design == Design::Lhs {
        latin_hypercube(&mut rng, n, axes.len())
    } else {
        (0..n)
            .map(|_| (0..axes.len()).map(|_| rng.random::<f64>()).collect())
            .collect()
    };
    Ok(quantiles
        .into_iter()
        .map(|us: Vec<f64>| values_at(axes, &us))
        .collect())
}

/// The base point, then each axis moved across its values (those other
/// than its base) while the others stay at base.
fn one_at_a_time(axes: &[Axis]) -> Result<Vec<Point>, String> {
    let base: Vec<toml::Value> = axes.iter().map(|a| a.base.clone()).collect();
    let mut out = vec![Point {
        index: 0,
        values: base.clone(),
        moves: None,
    }];
    for (k, a) in axes.iter().enumerate() {
        for v in a.spec.values(a.kind) {
            // A value equal to the base would rerun the base point.
            if same(&v, &a.base) {
                continue;
            }
            let mut values = base.clone();
            values[k] = v;
            out.push(Point {
                index: out.len(),
                values,
                moves: Some(k),
            });
        }
    }
    if out.len() > MAX_POINTS {
        return Err(format!(
            "the one-at-a-time design has more than {MAX_POINTS} points"
        ));
    }
    Ok(out)
}

/// Whether two values are the same setting (2 and 2.0 are).
pub fn same(a: &toml::Value, b: &toml::Value) -> bool {
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// `n` rows of `keys` quantiles: for each key, a random permutation of the
/// `n` strata with a uniform draw inside each.
fn latin_hypercube(rng: &mut impl Rng, n: usize, keys: usize) -> Vec<Vec<f64>> {
    let mut rows = vec![vec![0.0; keys]; n];
    for k in 0..keys {
        let mut strata: Vec<usize> = (0..n).collect();
        // Fisher–Yates with u64 ranges, which sample the same on every
        // platform.
        for i in (1..n).rev() {
            let j = rng.random_range(0..=i as u64) as usize;
            strata.swap(i, j);
        }
        for (row, s) in rows.iter_mut().zip(strata) {
            row[k] = (s as f64 + rng.random::<f64>()) / n as f64;
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(key: &str, kind: KeyKind, spec: &str, base: toml::Value) -> Axis {
        Axis {
            key: key.into(),
            kind,
            spec: Spec::parse(spec).unwrap(),
            base,
        }
    }

    fn two() -> Vec<Axis> {
        vec![
            axis("a", KeyKind::Integer, "1..3:1", 2.into()),
            axis("b", KeyKind::Text, "open,closed", "open".into()),
        ]
    }

    #[test]
    fn a_grid_is_every_combination_last_key_fastest() {
        let p = points(Design::Grid, &two(), Sample::of(None), 1).unwrap();
        assert_eq!(p.len(), 6);
        assert_eq!(p[0].values, [toml::Value::from(1), "open".into()]);
        assert_eq!(p[1].values, [toml::Value::from(1), "closed".into()]);
        assert_eq!(p[5].values, [toml::Value::from(3), "closed".into()]);
        assert!(p.iter().enumerate().all(|(i, q)| q.index == i));
        let mut seen: Vec<String> = p.iter().map(|q| format!("{:?}", q.values)).collect();
        seen.dedup();
        assert_eq!(seen.len(), 6);
    }

    #[test]
    fn zip_pairs_values_and_wants_equal_lengths() {
        let axes = vec![
            axis("a", KeyKind::Integer, "1,2,3", 1.into()),
            axis("b", KeyKind::Number, "0.1,0.2,0.3", 0.1.into()),
        ];
        let p = points(Design::Zip, &axes, Sample::of(None), 1).unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(p[2].values, [toml::Value::from(3), 0.3.into()]);
        let err = points(Design::Zip, &two(), Sample::of(None), 1).unwrap_err();
        assert!(err.contains("a has 3, b has 2"), "{err}");
    }

    #[test]
    fn random_points_stay_in_bounds_and_repeat_with_the_seed() {
        let axes = vec![
            axis("x", KeyKind::Number, "2..5", 3.0.into()),
            axis("n", KeyKind::Integer, "1..10", 1.into()),
        ];
        let p = points(Design::Random, &axes, Sample::of(Some(200)), 7).unwrap();
        assert_eq!(p.len(), 200);
        for q in &p {
            let x = number(&q.values[0]).unwrap();
            assert!((2.0..=5.0).contains(&x));
            let n = q.values[1].as_integer().unwrap();
            assert!((1..=10).contains(&n));
        }
        assert_eq!(
            p,
            points(Design::Random, &axes, Sample::of(Some(200)), 7).unwrap()
        );
        assert_ne!(
            p,
            points(Design::Random, &axes, Sample::of(Some(200)), 8).unwrap()
        );
        assert!(points(Design::Random, &axes, Sample::of(None), 7).is_err());
    }

    #[test]
    fn a_latin_hypercube_puts_one_value_in_each_stratum_of_every_key() {
        let axes = vec![
            axis("x", KeyKind::Number, "0..10", 1.0.into()),
            axis("y", KeyKind::Number, "1..1000:log", 1.0.into()),
            axis("z", KeyKind::Number, "-1..1", 0.0.into()),
        ];
        for n in [1, 2, 7, 50] {
            let p = points(Design::Lhs, &axes, Sample::of(Some(n)), 3).unwrap();
            assert_eq!(p.len(), n);
            for (k, (lo, hi, log)) in [(0.0, 10.0, false), (1.0, 1000.0, true), (-1.0, 1.0, false)]
                .into_iter()
                .enumerate()
            {
                let to_unit = |v: f64| {
                    if log {
                        (v / lo).ln() / (hi / lo).ln()
                    } else {
                        (v - lo) / (hi - lo)
                    }
                };
                let mut us: Vec<f64> = p
                    .iter()
                    .map(|q| to_unit(number(&q.values[k]).unwrap()))
                    .collect();
                us.sort_by(f64::total_cmp);
                // Sorted, the i-th value must lie in the i-th stratum (a
                // tolerance of 1e-5 allows for values rounded to six
                // significant digits).
                for (i, u) in us.iter().enumerate() {
                    let (a, b) = (i as f64 / n as f64, (i + 1) as f64 / n as f64);
                    assert!(
                        *u >= a - 1e-5 && *u <= b + 1e-5,
                        "key {k}, n {n}: {u} not in [{a}, {b}]"
                    );
                }
            }
        }
    }

    #[test]
    fn a_latin_hypercube_over_a_set_uses_each_value_equally() {
        let axes = vec![axis("a", KeyKind::Integer, "1,2,3,4", 1.into())];
        let p = points(Design::Lhs, &axes, Sample::of(Some(8)), 5).unwrap();
        for v in 1..=4 {
            let count = p
                .iter()
                .filter(|q| q.values[0].as_integer() == Some(v))
                .count();
            assert_eq!(count, 2, "value {v}");
        }
    }

    #[test]
    fn one_at_a_time_moves_each_key_from_the_base_alone() {
        let axes = vec![
            axis("a", KeyKind::Integer, "1..4:1", 2.into()),
            axis("b", KeyKind::Number, "0.5,1,2", 1.0.into()),
        ];
        let p = points(Design::Oat, &axes, Sample::of(None), 1).unwrap();
        // Base, then a ∈ {1, 3, 4} and b ∈ {0.5, 2}: values equal to the
        // base are not run twice.
        assert_eq!(p.len(), 1 + 3 + 2);
        assert_eq!(p[0].values, [toml::Value::from(2), 1.0.into()]);
        assert_eq!(p[0].moves, None);
        for q in &p[1..] {
            let k = q.moves.unwrap();
            for (j, v) in q.values.iter().enumerate() {
                assert_eq!(same(v, &axes[j].base), j != k);
            }
        }
    }

    #[test]
    fn intervals_need_a_sampling_design_and_empty_sweeps_are_refused() {
        let axes = vec![axis("x", KeyKind::Number, "0..1", 0.5.into())];
        assert!(points(Design::Grid, &axes, Sample::of(None), 1)
            .unwrap_err()
            .contains("no step"));
        assert!(points(Design::Grid, &[], Sample::of(None), 1)
            .unwrap_err()
            .contains("nothing to vary"));
        let huge = vec![
            axis("a", KeyKind::Integer, "1..1000:1", 1.into()),
            axis("b", KeyKind::Integer, "1..1000:1", 1.into()),
            axis("c", KeyKind::Integer, "1..1000:1", 1.into()),
        ];
        assert!(points(Design::Grid, &huge, Sample::of(None), 1)
            .unwrap_err()
            .contains("more than"));
    }
}
