//! README's claims about connecting done right come from a run of
//! `scenarios/connecting-done-right.toml`: the block between the
//! `done-right` markers is that run's paired effects, formatted here.
//! The run takes minutes, so the check is ignored by default;
//! `scripts/readme-figures` runs it and rewrites the block. Below the
//! scenario's own answer, the block shows where it turns: connecting done
//! right against networking with one assumption of `[markets]` moved at a
//! time.

use std::fs;

use netgrow::compare::{ComparisonReport, Difference, Kind, Measure, Verdict};
use netgrow::metrics::Stat;
use serde_json::Value;
use tempfile::TempDir;

use crate::common::netgrow;
use crate::readme::{check_or_write_block, signed, signed_money, signed_pence};

const SCENARIO: &str = "scenarios/connecting-done-right.toml";
const BEGIN: &str = "<!-- done-right:begin";
const END: &str = "<!-- done-right:end -->";
/// The arm every connecting arm is compared with.
const NETWORKING: &str = "networking";

/// `d`, a difference networking − X, as X − networking.
fn flipped(d: &Difference) -> Difference {
    let s = &d.difference;
    Difference {
        measure: d.measure.clone(),
        difference: Stat {
            mean: -s.mean,
            sd: s.sd,
            ci_low: -s.ci_high,
            ci_high: -s.ci_low,
            n: s.n,
        },
        verdict: match d.verdict {
            Verdict::AAhead => Verdict::BAhead,
            Verdict::BAhead => Verdict::AAhead,
            Verdict::Tie => Verdict::Tie,
        },
    }
}

/// "+0.12 (+0.08 to +0.17), connecting ahead" or "…, a tie".
fn cell(d: &Difference, fmt: &dyn Fn(f64) -> String) -> String {
    let s = &d.difference;
    let verdict = match d.verdict {
        Verdict::AAhead => "**connecting ahead**",
        Verdict::BAhead => "networking ahead",
        Verdict::Tie => "a tie",
    };
    format!(
        "{} ({} to {}), {verdict}",
        fmt(s.mean),
        fmt(s.ci_low),
        fmt(s.ci_high)
    )
}

/// One connecting arm against networking in one room: the arm's strategy,
/// the share of networkers in the room, and the four effects at the end
/// of the run, as arm − networking.
struct Row {
    arm: String,
    room: f64,
    effects: [Difference; 4],
}

/// The measures compared, with their names in the table and their
/// formats.
type Format = fn(f64) -> String;
const MEASURES: [(&str, Format); 4] = [
    ("referrals a month, final year", |x| signed(x, 2)),
    ("revenue above staying home", signed_money),
    ("revenue above staying home per hour", signed_pence),
    ("net value above staying home", signed_money),
];

fn rows(results: &Value) -> Vec<Row> {
    let reports: Vec<ComparisonReport> =
        serde_json::from_value(results["comparisons"].clone()).expect("comparisons");
    let mut rows: Vec<Row> = reports
        .iter()
        .filter_map(|r| {
            let (a, arm) = r.comparison.label.split_once(" - ")?;
            let Kind::Individual { networkers } = r.comparison.kind else {
                return None;
            };
            if a != NETWORKING || !arm.starts_with("connecting") {
                return None;
            }
            let end = r.at_end()?;
            let get = |m: Measure| flipped(end.get(m).expect("measure reported"));
            Some(Row {
                arm: arm.to_string(),
                room: networkers,
                effects: [
                    flipped(&end.referrals_per_month),
                    get(Measure::CumulativeRevenueAboveBaseline),
                    get(Measure::RevenuePerHourAboveBaseline),
                    get(Measure::CumulativeNetValueAboveBaseline),
                ],
            })
        })
        .collect();
    // By arm, each across the rooms: the order the arms are compared in.
    let order: Vec<String> = rows.iter().map(|r| r.arm.clone()).collect();
    rows.sort_by_key(|r| order.iter().position(|a| *a == r.arm));
    rows
}

/// "ahead in 3 of 3 rooms" / "behind in 2 of 3 rooms, a tie in 1".
fn tally(verdicts: &[Verdict]) -> String {
    let count = |v: Verdict| verdicts.iter().filter(|&&x| x == v).count();
    let n = verdicts.len();
    let parts: Vec<String> = [
        (Verdict::AAhead, "ahead"),
        (Verdict::BAhead, "behind"),
        (Verdict::Tie, "a tie"),
    ]
    .iter()
    .filter(|(v, _)| count(*v) > 0)
    .map(|(v, word)| format!("{word} in {} of {n} rooms", count(*v)))
    .collect();
    parts.join(", ")
}

/// The Markdown block for a run of the scenario's `results.json`.
fn block(results: &Value) -> String {
    let rows = rows(results);
    assert!(
        !rows.is_empty(),
        "no connecting arm compared with networking"
    );
    let reps = results["metadata"]["replicates"]
        .as_u64()
        .expect("replicates");
    let years = results["metadata"]["years"].as_u64().expect("years");
    let mut t = format!(
        "From `netgrow run {SCENARIO}` ({reps} simulated towns, {years} years): the effect on one member of each way of connecting rather than networking, per member, paired within each town, with its 95% interval; a lead is named only where the interval excludes zero. Room: the share of networkers among the other members.\n\n| connecting − networking | room |"
    );
    for (name, _) in MEASURES {
        t += &format!(" {name} |");
    }
    t += "\n|---|---|---|---|---|---|\n";
    for r in &rows {
        t += &format!("| `{}` | {:.0}% |", r.arm, r.room * 100.0);
        for (d, (_, fmt)) in r.effects.iter().zip(MEASURES) {
            t += &format!(" {} |", cell(d, &fmt));
        }
        t.push('\n');
    }
    t.push('\n');
    let mut arms: Vec<&str> = Vec::new();
    for r in &rows {
        if !arms.contains(&r.arm.as_str()) {
            arms.push(&r.arm);
        }
    }
    for arm in arms {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.arm == arm).collect();
        let said: Vec<String> = MEASURES
            .iter()
            .enumerate()
            .map(|(k, (name, _))| {
                let verdicts: Vec<Verdict> = mine.iter().map(|r| r.effects[k].verdict).collect();
                format!("{name}: {}", tally(&verdicts))
            })
            .collect();
        t += &format!(
            "- `{arm}` against networking, across {} rooms — {}.\n",
            mine.len(),
            said.join("; ")
        );
    }
    t
}

/// Assumptions moved one at a time from the scenario's, each with the
/// `--set`s that move it.
const ALTERNATIVES: [(&str, &[&str]); 4] = [
    (
        "the market needs the trade no more than anyone (`markets.demand = 1`)",
        &["markets.demand=1"],
    ),
    (
        "nobody introduces (`markets.introducers = 0`)",
        &["markets.introducers=0"],
    ),
    (
        "thin rooms: two of the market at each meeting, no introducer (`markets.guests = 2`, `markets.guest_introducers = 0`)",
        &["markets.guests=2", "markets.guest_introducers=0"],
    ),
    (
        "a pitch converts no better in its market (`markets.pitch_conversion = 0.02`)",
        &["markets.pitch_conversion=0.02"],
    ),
];

/// The room the alternatives are run in, and the arms they compare.
const ROOM: f64 = 0.5;
const TARGETED: &str = "connecting_targeted";
const FEW_ARMS: [&str; 2] = [
    r#"focal.arms=["networking", "connecting_judged", "connecting_targeted"]"#,
    "focal.culture=[0.5]",
];

/// Connecting done right against networking in a room of half networkers:
/// as the scenario has it (`base`), then with each of [`ALTERNATIVES`]
/// (`moved`, in order).
fn alternatives_block(base: &Value, moved: &[Value]) -> String {
    let targeted = |results: &Value| -> Row {
        rows(results)
            .into_iter()
            .find(|r| r.arm == TARGETED && r.room == ROOM)
            .expect("connecting_targeted against networking in a room of half networkers")
    };
    let mut t = format!(
        "Where it turns: `{TARGETED}` − networking in a room of {:.0}% networkers, with one assumption moved at a time (`--set`; the same towns and draws):\n\n| assumption |",
        ROOM * 100.0
    );
    for (name, _) in MEASURES {
        t += &format!(" {name} |");
    }
    t += "\n|---|---|---|---|---|\n";
    let settings =
        std::iter::once("as in the scenario").chain(ALTERNATIVES.iter().map(|(n, _)| *n));
    for (name, results) in settings.zip(std::iter::once(base).chain(moved)) {
        t += &format!("| {name} |");
        for (d, (_, fmt)) in targeted(results).effects.iter().zip(MEASURES) {
            t += &format!(" {} |", cell(d, &fmt));
        }
        t.push('\n');
    }
    t
}

/// Runs the scenario with `sets` and returns its `results.json`.
fn run(sets: &[&str]) -> Value {
    let tmp = TempDir::new().expect("temp dir");
    let out = tmp.path().join("run");
    let mut cmd = netgrow();
    cmd.args(["run", SCENARIO, "--no-charts", "--quiet", "--out"])
        .arg(&out);
    for set in sets {
        cmd.args(["--set", set]);
    }
    cmd.assert().success();
    serde_json::from_slice(&fs::read(out.join("results.json")).expect("results.json"))
        .expect("results.json parses")
}

/// The README's claims about connecting done right. Ignored by default:
/// the run takes minutes; `scripts/readme-figures` runs it.
#[test]
#[ignore = "runs scenarios/connecting-done-right.toml (minutes); scripts/readme-figures runs it"]
fn readme_connecting_done_right_claims_are_those_of_a_run() {
    let base = run(&[]);
    let moved: Vec<Value> = ALTERNATIVES
        .iter()
        .map(|(_, sets)| {
            let all: Vec<&str> = FEW_ARMS.iter().chain(sets.iter()).copied().collect();
            run(&all)
        })
        .collect();
    let text = format!("{}\n{}", block(&base), alternatives_block(&base, &moved));
    check_or_write_block(BEGIN, END, &text, "connecting-done-right claims");
}

#[test]
fn the_tally_counts_leads_losses_and_ties() {
    use Verdict::*;
    assert_eq!(tally(&[AAhead, AAhead, AAhead]), "ahead in 3 of 3 rooms");
    assert_eq!(
        tally(&[BAhead, Tie, BAhead]),
        "behind in 2 of 3 rooms, a tie in 1 of 3 rooms"
    );
}

#[test]
fn a_flipped_difference_swaps_its_interval_and_verdict() {
    let d = Difference {
        measure: "m".into(),
        difference: Stat {
            mean: 2.0,
            sd: 1.0,
            ci_low: 1.0,
            ci_high: 3.0,
            n: 5,
        },
        verdict: Verdict::AAhead,
    };
    let f = flipped(&d);
    assert_eq!(
        (f.difference.mean, f.difference.ci_low, f.difference.ci_high),
        (-2.0, -3.0, -1.0)
    );
    assert_eq!(f.verdict, Verdict::BAhead);
    assert_eq!(
        cell(&f, &|x| signed(x, 1)),
        "−2.0 (−3.0 to −1.0), networking ahead"
    );
}
