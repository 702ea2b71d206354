//! Global sensitivity: which of a sweep's keys move a metric, each key
//! varied across its whole range while the others vary too.
//!
//! Two designs, each a plain list of points the sweep runs like any
//! other, and the indices computed afterwards from the finished points:
//!
//! - [`morris`]: elementary effects along trajectories (Morris 1991) —
//!   μ*, μ and σ per key; a cheap screening, r (k + 1) points;
//! - [`sobol`]: first- and total-order variance shares by Saltelli et
//!   al.'s (2010) scheme, with Jansen's (1999) total-order estimator —
//!   N (k + 2) points, drawn from a [`sequence`] of Sobol'.
//!
//! A point's output is the metric's mean over the replicates, which share
//! their towns and random streams across points (common random numbers):
//! a key that cannot change a run changes no output, so its indices are
//! exactly zero. Intervals are bootstrap percentiles ([`bootstrap`]).
//! The figures go to `morris.csv` or `sobol.csv` ([`tables`]) and the
//! charts in [`super::chart`].

pub mod bootstrap;
pub mod morris;
pub mod sequence;
pub mod sobol;
pub mod tables;

use rand_pcg::Pcg64Mcg;

use super::design::{self, Axis, Point};
use super::results::{Series, SweepData};
use super::spec::{KeyKind, Spec};
use crate::streams::{self, Purpose};

/// Path that keeps the bootstrap's streams apart from every other
/// ("BOOT" in ASCII).
const BOOTSTRAP_TAG: u64 = 0x42_4F_4F_54;

/// The points of a Morris design: `r` trajectories on `levels` levels.
pub fn morris_points(axes: &[Axis], r: usize, levels: usize, rng: &mut Pcg64Mcg) -> Vec<Point> {
    morris::trajectories(rng, r, axes.len(), levels)
        .into_iter()
        .enumerate()
        .map(|(index, row)| Point {
            index,
            values: design::values_at(axes, &row.quantiles),
            moves: row.moves,
        })
        .collect()
}

/// The points of a Saltelli design on `n` base rows.
pub fn sobol_points(axes: &[Axis], n: usize, rng: &mut Pcg64Mcg) -> Result<Vec<Point>, String> {
    let k = axes.len();
    if 2 * k > sequence::MAX_DIMENSIONS {
        return Err(format!(
            "the sobol design varies at most {} keys (this sweep has {k}); use the morris design to screen them first",
            sequence::MAX_DIMENSIONS / 2
        ));
    }
    let seq = sequence::Sequence::shifted(2 * k, rng)?;
    let base: Vec<Vec<f64>> = (0..n).map(|i| seq.point(i)).collect();
    Ok(sobol::blocks(&base, k)
        .into_iter()
        .enumerate()
        .map(|(index, quantiles)| Point {
            index,
            values: design::values_at(axes, &quantiles),
            moves: None,
        })
        .collect())
}

/// The moves of a Morris design's points, each placed in its trajectory
/// and given its direction along the key's spec; `None` if the points are
/// not whole trajectories.
pub fn morris_steps(specs: &[(Spec, KeyKind)], points: &[Point]) -> Option<Vec<morris::Step>> {
    let per = specs.len() + 1;
    if points.is_empty() || points.len() % per != 0 {
        return None;
    }
    points
        .iter()
        .enumerate()
        .filter(|(p, _)| p % per != 0)
        .map(|(p, point)| {
            let key = point.moves?;
            let (spec, kind) = specs.get(key)?;
            let rank = |q: &Point| spec.rank(&q.values[key], *kind);
            Some(morris::Step {
                trajectory: p / per,
                key,
                up: rank(point)? >= rank(&points[p - 1])?,
                from: p - 1,
                to: p,
            })
        })
        .collect()
}

/// The Morris indices of each key for `metric` of `series` in `year`.
pub fn morris_indices(
    data: &SweepData,
    metric: usize,
    series: Series,
    year: usize,
) -> Vec<morris::Index> {
    let points = manifest_points(data);
    let specs = key_specs(data);
    let Some(steps) = morris_steps(&specs, &points) else {
        return Vec::new();
    };
    let y = outputs(data, metric, series, year);
    let levels = data
        .scenario
        .sweep
        .as_ref()
        .and_then(|t| t.get("levels"))
        .and_then(toml::Value::as_integer)
        .map_or(morris::DEFAULT_LEVELS, |l| l as usize);
    let trajectories = points.len() / (specs.len() + 1);
    let mut rng = bootstrap_stream(data, metric, series, year);
    morris::indices(
        &steps,
        &y,
        trajectories,
        specs.len(),
        morris::delta(levels),
        &mut rng,
    )
}

/// The Sobol' indices of each key for `metric` of `series` in `year`.
pub fn sobol_indices(
    data: &SweepData,
    metric: usize,
    series: Series,
    year: usize,
) -> Vec<sobol::Index> {
    let k = data.manifest.keys.len();
    let y = outputs(data, metric, series, year);
    if y.is_empty() || y.len() % (k + 2) != 0 {
        return Vec::new();
    }
    let mut rng = bootstrap_stream(data, metric, series, year);
    sobol::indices(&sobol::Outputs::from_blocks(&y, k), &mut rng)
}

/// Each point's output: the mean over replicates.
fn outputs(data: &SweepData, metric: usize, series: Series, year: usize) -> Vec<f64> {
    (0..data.points.len())
        .map(|p| data.mean(p, series, year, metric))
        .collect()
}

/// The bootstrap's own stream for one index table, so each table's
/// intervals are the same whichever others are computed.
fn bootstrap_stream(data: &SweepData, metric: usize, series: Series, year: usize) -> Pcg64Mcg {
    let s = match series {
        Series::Difference => 0,
        Series::Cohort(c) => c as u64 + 1,
    };
    streams::stream(
        data.manifest.seed,
        Purpose::Analysis,
        &[BOOTSTRAP_TAG, metric as u64, s, year as u64],
    )
}

/// Each key's spec and kind, as the manifest records them.
fn key_specs(data: &SweepData) -> Vec<(Spec, KeyKind)> {
    data.manifest
        .keys
        .iter()
        .map(|k| {
            let spec = Spec::parse(&k.spec).unwrap_or(Spec::List(Vec::new()));
            (spec, k.kind)
        })
        .collect()
}

/// The manifest's points as a design made them: values typed by their
/// key's kind, and the index of the key each moves.
fn manifest_points(data: &SweepData) -> Vec<Point> {
    let m = &data.manifest;
    m.points
        .iter()
        .map(|info| Point {
            index: info.point,
            values: info
                .values
                .iter()
                .zip(&m.keys)
                .map(|(text, key)| typed(text, key.kind))
                .collect(),
            moves: info
                .moves
                .as_ref()
                .and_then(|name| m.keys.iter().position(|k| &k.key == name)),
        })
        .collect()
}

/// A value written as text in the manifest, as its key's kind.
fn typed(text: &str, kind: KeyKind) -> toml::Value {
    let parsed = match kind {
        KeyKind::Integer => text.parse().ok().map(toml::Value::Integer),
        KeyKind::Number => text.parse().ok().map(toml::Value::Float),
        KeyKind::Boolean => text.parse().ok().map(toml::Value::Boolean),
        KeyKind::Text => None,
    };
    parsed.unwrap_or_else(|| toml::Value::String(text.to_string()))
}

#[cfg(test)]
mod tests {
    //! The estimators on functions whose indices are known, through the
    //! designs' own points — the code path a sweep takes, with the
    //! function standing in for the simulator.

    use std::f64::consts::PI;

    use super::*;
    use crate::sweep::design::{points, Design, Sample};
    use crate::sweep::spec::number;

    fn axes(n: usize, lo: f64, hi: f64) -> Vec<Axis> {
        (1..=n)
            .map(|i| Axis {
                key: format!("x{i}"),
                kind: KeyKind::Number,
                spec: Spec::Interval { lo, hi, log: false },
                base: toml::Value::Float(lo),
            })
            .collect()
    }

    /// Each point's output under `f`.
    fn run(points: &[Point], f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
        points
            .iter()
            .map(|p| {
                let x: Vec<f64> = p.values.iter().filter_map(number).collect();
                f(&x)
            })
            .collect()
    }

    fn rng() -> Pcg64Mcg {
        streams::stream(1, Purpose::Analysis, &[BOOTSTRAP_TAG])
    }

    /// Ishigami & Homma (1990), with a = 7, b = 0.1, on [−π, π]³.
    fn ishigami(x: &[f64]) -> f64 {
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    /// Its analytic first- and total-order indices.
    fn ishigami_indices() -> ([f64; 3], [f64; 3]) {
        let (a, b) = (7.0f64, 0.1f64);
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = 8.0 * b * b * PI.powi(8) / 225.0;
        let v = v1 + v2 + v13;
        ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
    }

    #[test]
    fn sobol_indices_of_the_ishigami_function_are_the_analytic_ones() {
        let (s1, st) = ishigami_indices();
        assert!((s1[0] - 0.3139).abs() < 1e-3 && (st[2] - 0.2437).abs() < 1e-3);
        let axes = axes(3, -PI, PI);
        let pts = points(Design::Sobol, &axes, Sample::of(Some(8192)), 11).unwrap();
        assert_eq!(pts.len(), 8192 * 5);
        let y = run(&pts, ishigami);
        let got = sobol::indices(&sobol::Outputs::from_blocks(&y, 3), &mut rng());
        for (i, g) in got.iter().enumerate() {
            // At N = 8192 the bootstrap, which assumes independent draws,
            // gives standard errors of 0.005 to 0.015 (95% intervals 0.02
            // to 0.06 wide); a Sobol' sample does better than independent
            // draws (its errors here are under 0.001). 0.02 is beyond
            // what that noise can do, and well inside what a wrong
            // estimator misses by (f(A) for f(B) in S_i, or S_Ti without
            // its factor 1/2: 0.1 or more).
            assert!((g.first - s1[i]).abs() < 0.02, "S{} = {}", i + 1, g.first);
            assert!((g.total - st[i]).abs() < 0.02, "ST{} = {}", i + 1, g.total);
            assert!(g.first_low <= s1[i] && s1[i] <= g.first_high);
            assert!(g.total_low <= st[i] && st[i] <= g.total_high);
            assert!(g.first_low < g.first_high && g.total_low < g.total_high);
        }
    }

    #[test]
    fn morris_finds_the_linear_the_curved_and_the_inert_input() {
        // f = 2 x1 + (x2 − 1/2)², x3 inert, on [0, 1]³, 4 levels (Δ = 2/3):
        // every effect of x1 is exactly 2; x2's are −1/3 (between levels 0
        // and 2) or +1/3 (between 1 and 3), so μ* = 1/3 while μ averages
        // them towards 0; x3's are 0.
        let axes = axes(3, 0.0, 1.0);
        let pts = points(
            Design::Morris,
            &axes,
            Sample {
                points: Some(30),
                levels: Some(4),
            },
            5,
        )
        .unwrap();
        assert_eq!(pts.len(), 30 * 4);
        let y = run(&pts, |x| 2.0 * x[0] + (x[1] - 0.5).powi(2));
        let specs: Vec<(Spec, KeyKind)> = axes.iter().map(|a| (a.spec.clone(), a.kind)).collect();
        let steps = morris_steps(&specs, &pts).unwrap();
        assert_eq!(steps.len(), 30 * 3);
        let got = morris::indices(&steps, &y, 30, 3, morris::delta(4), &mut rng());
        // Values are rounded to six significant digits: 1e-5 allows for it.
        let near = |a: f64, b: f64| (a - b).abs() < 1e-5;
        assert!(near(got[0].mu_star, 2.0) && near(got[0].mu, 2.0) && got[0].sigma < 1e-5);
        assert!(near(got[0].mu_star_low, 2.0) && near(got[0].mu_star_high, 2.0));
        assert!(near(got[1].mu_star, 1.0 / 3.0), "{}", got[1].mu_star);
        assert!(got[1].mu.abs() < got[1].mu_star - 0.05, "{}", got[1].mu);
        assert!(got[1].sigma > 0.2, "x2's effect depends on where it is");
        assert_eq!(
            (got[2].mu_star, got[2].mu_star_low, got[2].mu_star_high),
            (0.0, 0.0, 0.0)
        );
        assert!(got.iter().all(|g| g.effects == 30));
    }

    #[test]
    fn morris_trajectories_move_one_key_at_a_time_by_delta() {
        let mut rng = rng();
        let rows = morris::trajectories(&mut rng, 50, 4, 6);
        let delta = morris::delta(6);
        for t in rows.chunks(5) {
            assert_eq!(t[0].moves, None);
            let mut moved: Vec<usize> = Vec::new();
            for w in t.windows(2) {
                let key = w[1].moves.unwrap();
                for (k, (a, b)) in w[0].quantiles.iter().zip(&w[1].quantiles).enumerate() {
                    if k == key {
                        assert!(((a - b).abs() - delta).abs() < 1e-12);
                    } else {
                        assert_eq!(a, b);
                    }
                }
                moved.push(key);
            }
            moved.sort_unstable();
            assert_eq!(moved, [0, 1, 2, 3]);
        }
        // Every level is a start equally often, give or take chance: 50 × 4
        // starts over 6 levels, each about 33 (± 4 sd is ± 21).
        let starts: Vec<f64> = rows
            .chunks(5)
            .flat_map(|t| t[0].quantiles.clone())
            .collect();
        for l in 0..6 {
            let c = starts
                .iter()
                .filter(|&&u| (u * 5.0 - l as f64).abs() < 1e-9)
                .count();
            assert!((12..=54).contains(&c), "level {l}: {c}");
        }
    }

    #[test]
    fn a_saltelli_block_takes_one_key_from_b() {
        let axes = axes(3, 0.0, 1.0);
        let pts = points(Design::Sobol, &axes, Sample::of(Some(4)), 2).unwrap();
        for block in pts.chunks(5) {
            let (a, b) = (&block[0].values, &block[1].values);
            for i in 0..3 {
                for k in 0..3 {
                    let want = if k == i { &b[k] } else { &a[k] };
                    assert_eq!(&block[2 + i].values[k], want);
                }
            }
        }
        let err = points(Design::Sobol, &axes, Sample::of(Some(1)), 2).unwrap_err();
        assert!(err.contains("expected from 2"), "{err}");
        assert!(points(Design::Sobol, &axes, Sample::of(None), 2).is_err());
        let err = points(
            Design::Morris,
            &axes,
            Sample {
                points: Some(4),
                levels: Some(3),
            },
            2,
        )
        .unwrap_err();
        assert!(err.contains("even"), "{err}");
    }
}
