//! From a scenario file and the command line to a checked sweep: the keys
//! and their values, the points, and the manifest that names them.
//!
//! The `[sweep]` table of the scenario and the `--vary`, `--design` and
//! `--points` options are merged (a `--vary` for a key the file already
//! varies replaces its spec; other `--vary` keys are added after the
//! file's). Then everything is checked before anything runs:
//!
//! 1. each key exists and may be varied, and its spec suits the key's kind
//!    (numbers for a numeric key, whole numbers for an integer one);
//! 2. each value of each key gives a valid scenario on its own;
//! 3. each point (a combination) gives a valid scenario, with the same
//!    cohorts as the base.
//!
//! Each step has its module: `read` reads the table and the arguments,
//! `points_file` a `file` design's CSV, `keys` checks 1 and 2 and makes
//! the axes, `points` checks 3 and groups the points by population, and
//! `describe` writes the resolved `scenario.toml` and the manifest.
//!
//! Problems come back all together as a [`ScenarioError`], which the
//! command line turns into exit code 2, each naming the key, the value, and
//! the line and column of the `[sweep]` entry or the `--vary` argument.
//!
//! ```toml
//! [sweep]
//! design = "grid"                     # grid, zip, random, lhs, oat, morris, sobol or file
//! points = 40                         # random, lhs; morris trajectories; sobol base rows
//! levels = 4                          # morris only
//! points_file = "points.csv"          # file only (beside the scenario file)
//! metrics = ["referrals_per_month"]   # charted; the first is the headline
//! [sweep.vary]
//! "relationships.hours_to_trust" = "1..32:log6"
//! "strategies.networking.generosity" = [0.2, 0.4, 0.6, 0.8]
//! ```

mod describe;
mod keys;
mod points;
mod points_file;
mod read;

use std::path::{Path, PathBuf};

pub use self::describe::value_text;
pub use self::keys::{lookup, FIXED};
use super::design::{self, Axis, Design, Point};
use super::spec::{normalise, plain};
use super::store::Manifest;
use crate::scenario::read::Diagnostic;
use crate::scenario::tree::Origin;
use crate::scenario::{self, Override, Scenario, ScenarioError};

/// What the command line adds to the file's `[sweep]` table.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// `--vary KEY=SPEC`, as typed.
    pub vary: Vec<String>,
    pub design: Option<Design>,
    pub points: Option<usize>,
    /// `--points-file FILE`, as typed.
    pub points_file: Option<PathBuf>,
    pub each_year: bool,
    pub keep_timeseries: bool,
}

/// A checked sweep, ready to run.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The scenario file's name, for messages.
    pub file: String,
    text: String,
    stem: String,
    overrides: Vec<Override>,
    /// The base scenario, its `sweep` table resolved.
    pub base: Scenario,
    pub design: Design,
    pub axes: Vec<Axis>,
    pub points: Vec<Point>,
    /// Index into [`Plan::populations`] of each point's population.
    pub population_of: Vec<usize>,
    /// One scenario per distinct population (the first point's).
    pub populations: Vec<Scenario>,
    /// `scenario.toml`: the resolved scenario with its `[sweep]` table.
    pub scenario_toml: String,
    pub manifest: Manifest,
}

impl Plan {
    /// The scenario of point `index`.
    pub fn scenario(&self, index: usize) -> Result<Scenario, ScenarioError> {
        let input = ScenarioText {
            text: &self.text,
            file: &self.file,
            stem: &self.stem,
            overrides: &self.overrides,
        };
        input.load(point_overrides(&self.axes, &self.points[index]))
    }
}

/// The scenario a sweep starts from, as given: its text, its names, and
/// the `--set` overrides every point shares.
struct ScenarioText<'a> {
    text: &'a str,
    /// Names the file in messages.
    file: &'a str,
    /// The default scenario name.
    stem: &'a str,
    overrides: &'a [Override],
}

impl ScenarioText<'_> {
    /// The scenario with `extra` overrides applied after the shared ones.
    fn load(&self, extra: Vec<Override>) -> Result<Scenario, ScenarioError> {
        let mut overrides = self.overrides.to_vec();
        overrides.extend(extra);
        Scenario::from_str(self.text, self.file, self.stem, &overrides)
    }

    /// The error that reports `diagnostics` against the file.
    fn invalid(&self, diagnostics: Vec<Diagnostic>) -> ScenarioError {
        ScenarioError::Invalid {
            file: self.file.to_string(),
            diagnostics,
        }
    }
}

/// A problem with the sweep as a whole, or with one of its points: it has
/// no place in the file to point to.
fn unplaced(key: impl Into<String>, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        key: key.into(),
        origin: Origin::Default,
        value: None,
        message: message.into(),
    }
}

/// Reads the scenario file (`-` for standard input), merges its `[sweep]`
/// table with `request`, and checks every point. `overrides` are the
/// `--set` options (and shortcuts such as `--replicates`), applied to every
/// point.
pub fn prepare(
    path: &Path,
    overrides: Vec<Override>,
    request: &Request,
) -> Result<Plan, ScenarioError> {
    let source = scenario::Source::read(path)?;
    prepare_text(&source.text, &source.file, &source.stem, overrides, request)
}

/// [`prepare`] on a scenario's text (`file` names it in messages; `stem`
/// is the default scenario name).
pub fn prepare_text(
    text: &str,
    file: &str,
    stem: &str,
    overrides: Vec<Override>,
    request: &Request,
) -> Result<Plan, ScenarioError> {
    let input = ScenarioText {
        text,
        file,
        stem,
        overrides: &overrides,
    };
    let keys::Keys {
        mut base,
        design,
        sample,
        metrics,
        axes,
        file: points_file,
    } = keys::keys(&input, request)?;
    let points = match &points_file {
        Some((_, read)) => Ok(from_rows(&axes, &read.rows)),
        None => design::points(design, &axes, sample, base.simulation.seed),
    }
    .map_err(|e| input.invalid(vec![unplaced("sweep", e)]))?;
    let name = |p: &Point| match &points_file {
        Some((path, read)) => format!("{}, line {}", path.display(), read.lines[p.index]),
        None => format!("sweep point {}", p.index),
    };
    let populations = points::check(&input, &axes, &points, &base.cohort_names(), &name)?;
    let source = describe::Source {
        design,
        sample,
        points_file: points_file.as_ref().map(|(path, _)| path.as_path()),
    };
    let scenario_toml = describe::scenario_toml(&mut base, &source, &metrics, &axes)
        .map_err(|e| input.invalid(vec![unplaced("sweep", e)]))?;
    let manifest = describe::manifest(
        &base,
        &scenario_toml,
        design,
        &axes,
        &points,
        metrics,
        request,
    );
    let mut plan = Plan {
        file: file.to_string(),
        text: text.to_string(),
        stem: stem.to_string(),
        overrides,
        base,
        design,
        axes,
        points,
        population_of: populations.of_point,
        populations: Vec::new(),
        scenario_toml,
        manifest,
    };
    plan.populations = populations
        .representatives
        .iter()
        .map(|&p| plan.scenario(p))
        .collect::<Result<_, _>>()?;
    Ok(plan)
}

/// Checks a scenario's `[sweep]` table as `netgrow sweep` would, without
/// running anything: its keys, and each point of the sweep it describes.
/// A table that varies nothing passes, as its keys may come from `--vary`.
pub fn check(
    text: &str,
    file: &str,
    stem: &str,
    overrides: Vec<Override>,
) -> Result<(), ScenarioError> {
    let request = Request::default();
    let input = ScenarioText {
        text,
        file,
        stem,
        overrides: &overrides,
    };
    if keys::keys(&input, &request)?.axes.is_empty() {
        return Ok(());
    }
    prepare_text(text, file, stem, overrides, &request).map(|_| ())
}

/// A points file's rows as points, each value of its key's kind.
fn from_rows(axes: &[Axis], rows: &[Vec<toml::Value>]) -> Vec<Point> {
    rows.iter()
        .enumerate()
        .map(|(index, row)| Point {
            index,
            values: row
                .iter()
                .zip(axes)
                .map(|(v, a)| normalise(v, a.kind))
                .collect(),
            moves: None,
        })
        .collect()
}

/// The override that sets `key` to `value`.
fn override_for(key: &str, value: &toml::Value) -> Option<Override> {
    Override::parse(&format!("{key}={value}")).ok()
}

/// The overrides of one point.
pub fn point_overrides(axes: &[Axis], point: &Point) -> Vec<Override> {
    axes.iter()
        .zip(&point.values)
        .filter_map(|(a, v)| override_for(&a.key, v))
        .collect()
}

/// "hours_to_trust = 2, generosity = 0.4".
pub fn describe_point(axes: &[Axis], point: &Point) -> String {
    axes.iter()
        .zip(&point.values)
        .map(|(a, v)| format!("{} = {}", a.key, plain(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::spec::KeyKind;
    use crate::sweep::tests::TINY;

    fn plan(vary: &[&str], design: Option<Design>) -> Result<Plan, String> {
        let request = Request {
            vary: vary.iter().map(|s| s.to_string()).collect(),
            design,
            ..Request::default()
        };
        prepare_text(TINY, "tiny.toml", "tiny", Vec::new(), &request).map_err(|e| e.to_string())
    }

    #[test]
    fn a_plan_has_its_points_values_and_one_population() {
        let p = plan(
            &[
                "relationships.hours_to_trust=2,8",
                "groups.format=open,closed",
            ],
            None,
        )
        .unwrap();
        assert_eq!(p.points.len(), 4);
        assert_eq!(p.axes[0].kind, KeyKind::Number);
        assert_eq!(p.axes[1].kind, KeyKind::Text);
        assert_eq!(p.populations.len(), 1);
        assert_eq!(p.manifest.points[3].values, ["8", "closed"]);
        assert_eq!(
            p.scenario(3).unwrap().groups.format,
            crate::scenario::GroupFormat::Closed
        );
        assert!(p.scenario_toml.contains("[sweep.vary]"));
    }

    #[test]
    fn population_keys_split_worlds() {
        let p = plan(&["population.rewire=0.05,0.1,0.2"], None).unwrap();
        assert_eq!(p.populations.len(), 3);
        assert_eq!(p.population_of, [0, 1, 2]);
    }

    #[test]
    fn the_resolved_scenario_reads_back_to_the_same_plan() {
        let p = plan(
            &[
                "relationships.hours_to_trust=1..16:log5",
                "strategies.connecting.patience_meetings=1..3:1",
            ],
            Some(Design::Grid),
        )
        .unwrap();
        let again = prepare_text(
            &p.scenario_toml,
            "s.toml",
            "other",
            Vec::new(),
            &Request::default(),
        )
        .unwrap();
        assert_eq!(again.scenario_toml, p.scenario_toml);
        assert_eq!(again.manifest, p.manifest);
    }

    #[test]
    fn bad_keys_and_values_are_named() {
        let e = plan(&["relationships.hours_to_trus=1,2"], None).unwrap_err();
        assert!(e.contains("did you mean `hours_to_trust`"), "{e}");
        let e = plan(&["relationships.hours_to_trust=fast,slow"], None).unwrap_err();
        assert!(e.contains("not a number"), "{e}");
        let e = plan(&["relationships.hours_to_trust=0,1"], None).unwrap_err();
        assert!(e.contains("--vary relationships.hours_to_trust = 0"), "{e}");
        let e = plan(&["simulation.seed=1,2"], None).unwrap_err();
        assert!(e.contains("cannot be varied"), "{e}");
        let e = plan(&["relationships=1,2"], None).unwrap_err();
        assert!(e.contains("section"), "{e}");
        let e = plan(&["strategies.connecting.patience_meetings=1.5,2"], None).unwrap_err();
        assert!(e.contains("whole"), "{e}");
        let e = plan(&[], None).unwrap_err();
        assert!(e.contains("nothing to vary"), "{e}");
    }

    #[test]
    fn file_tables_are_read_with_positions_and_suggestions() {
        let text = format!(
            "{TINY}\n[sweep]\ndesing = \"grid\"\n[sweep.vary]\nrelationships.hours_to_trust = \"5..1:1\"\n"
        );
        let e = prepare_text(&text, "t.toml", "t", Vec::new(), &Request::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("did you mean `design`"), "{e}");
        assert!(e.contains("empty range"), "{e}");
        assert!(e.contains("line "), "{e}");
    }

    #[test]
    fn sensitivity_designs_plan_their_points_and_record_their_levels() {
        let text = format!(
            "{TINY}\n[sweep]\ndesign = \"morris\"\npoints = 3\nlevels = 6\n[sweep.vary]\n\"relationships.hours_to_trust\" = \"2..32:log\"\n\"strategies.networking.generosity\" = \"0.1..0.9\"\n"
        );
        let p = prepare_text(&text, "t.toml", "t", Vec::new(), &Request::default()).unwrap();
        assert_eq!((p.design, p.points.len()), (Design::Morris, 3 * 3));
        assert!(
            p.scenario_toml.contains("levels = 6"),
            "{}",
            p.scenario_toml
        );
        assert!(
            p.manifest.points[1].moves.is_some(),
            "a trajectory's second point moves a key"
        );
        let request = Request {
            design: Some(Design::Sobol),
            points: Some(4),
            ..Request::default()
        };
        let e = prepare_text(&text, "t.toml", "t", Vec::new(), &request)
            .unwrap_err()
            .to_string();
        assert!(e.contains("only the morris design takes levels"), "{e}");
        let e = plan(&["relationships.hours_to_trust=2,4"], Some(Design::Sobol)).unwrap_err();
        assert!(e.contains("needs a number of base rows"), "{e}");
    }

    /// A tiny scenario beside a points file holding `csv`, and what
    /// planning its `file` design says.
    fn with_points(csv: &str) -> (tempfile::TempDir, Result<Plan, String>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("points.csv"), csv).unwrap();
        let scenario = dir.path().join("s.toml");
        std::fs::write(
            &scenario,
            format!("{TINY}\n[sweep]\npoints_file = \"points.csv\"\n"),
        )
        .unwrap();
        let plan = prepare(&scenario, Vec::new(), &Request::default()).map_err(|e| e.to_string());
        (dir, plan)
    }

    #[test]
    fn a_points_file_runs_its_rows_as_they_are() {
        let (_dir, p) = with_points(
            "relationships.hours_to_trust,groups.format\n2,open\n16.5,closed\n2,closed\n",
        );
        let p = p.unwrap();
        assert_eq!(p.design, Design::File);
        assert_eq!(p.points.len(), 3);
        assert_eq!(p.manifest.points[1].values, ["16.5", "closed"]);
        assert_eq!(p.axes[0].spec.to_string(), "2..16.5");
        assert_eq!(p.scenario(1).unwrap().relationships.hours_to_trust, 16.5);
        assert!(p.scenario_toml.contains("design = \"file\""));
        assert!(!p.scenario_toml.contains("[sweep.vary]"));
        // The resolved scenario names the file absolutely, so it plans the
        // same sweep from anywhere.
        let again = prepare_text(
            &p.scenario_toml,
            "elsewhere.toml",
            "t",
            Vec::new(),
            &Request::default(),
        )
        .unwrap();
        assert_eq!(again.manifest.points, p.manifest.points);
    }

    #[test]
    fn a_bad_points_file_names_the_file_line_column_and_value() {
        let cases = [
            (
                "relationships.hours_to_trust\n2\nfast\n",
                "points.csv, line 3, column 1 (relationships.hours_to_trust) = fast",
                "not a number",
            ),
            (
                "relationships.hours_to_trust\n2\n-1\n",
                "points.csv, line 3, column 1 (relationships.hours_to_trust) = -1",
                "hours",
            ),
            (
                "relationships.hours_to_trust,groups.count\n2,4\n3\n",
                "points.csv, line 3",
                "has 1 values: expected 2",
            ),
            (
                "relationships.hours_to_trust,groups.count\n2,\n",
                "points.csv, line 2, column 2 (groups.count)",
                "empty",
            ),
            (
                "relationships.hours_to_trus\n2\n",
                "relationships.hours_to_trus",
                "did you mean `hours_to_trust`",
            ),
            (
                "strategies.connecting.patience_meetings\n1\n1.5\n",
                "points.csv, line 3, column 1 (strategies.connecting.patience_meetings) = 1.5",
                "whole number",
            ),
            (
                "relationships.hours_to_trust\n",
                "points.csv",
                "has no points",
            ),
        ];
        for (csv, place, expected) in cases {
            let (_dir, p) = with_points(csv);
            let e = p.unwrap_err();
            assert!(e.contains(place) && e.contains(expected), "{csv:?}: {e}");
        }
        let e = plan(&["relationships.hours_to_trust=2,4"], Some(Design::File)).unwrap_err();
        assert!(e.contains("--points-file"), "{e}");
    }

    #[test]
    fn the_command_line_replaces_a_key_of_the_file() {
        let text = format!("{TINY}\n[sweep.vary]\n\"groups.format\" = [\"open\", \"closed\"]\n\"relationships.hours_to_trust\" = [2, 4]\n");
        let request = Request {
            vary: vec!["relationships.hours_to_trust=1,2,3".into()],
            ..Request::default()
        };
        let p = prepare_text(&text, "t.toml", "t", Vec::new(), &request).unwrap();
        assert_eq!(p.axes.len(), 2);
        assert_eq!(p.axes[1].spec.len(), 3);
        assert_eq!(p.points.len(), 6);
    }
}
