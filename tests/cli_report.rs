//! What a trainer shows a room: the net-value chart and titles that state
//! the message of the data, variants drawn as small multiples with one
//! colour per cohort, and the one-page handout beside the report.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use netgrow::chart::{Chart, RunData};
use netgrow::compare::{Measure, Verdict};
use serde_json::Value;

use crate::common::netgrow;

/// Runs `scenario` small (fixed seed from the file), once per test binary
/// and name, into a directory of this test process's own.
fn run_once(cell: &'static OnceLock<PathBuf>, name: &str, scenario: &str) -> &'static Path {
    cell.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("cli_report_{name}-{}", std::process::id()));
        netgrow()
            .args([
                "run",
                scenario,
                "--replicates",
                "3",
                "--years",
                "2",
                "--set",
                "population.size=2000",
                "--set",
                "cohorts.connecting.members=60",
                "--set",
                "cohorts.networking.members=60",
                "--quiet",
                "--out",
            ])
            .arg(&dir)
            .assert()
            .success();
        dir
    })
}

/// The default scenario, run small.
fn default_run() -> &'static Path {
    static RUN: OnceLock<PathBuf> = OnceLock::new();
    run_once(&RUN, "default", "scenarios/connecting-vs-networking.toml")
}

/// A scenario with two variants (open and closed groups), run small.
fn variants_run() -> &'static Path {
    static RUN: OnceLock<PathBuf> = OnceLock::new();
    run_once(&RUN, "variants", "scenarios/group-formats.toml")
}

/// The texts of an SVG's `<text>` elements.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_string())
        })
        .collect()
}

#[test]
fn the_net_value_title_names_the_side_the_paired_interval_favours() {
    let data = RunData::load(default_run()).expect("run loads");
    let c = &data.results.comparisons[0];
    let measure = if data.results.baseline {
        Measure::CumulativeNetValueAboveBaseline
    } else {
        Measure::CumulativeNetValue
    };
    let end = c.at_end().and_then(|e| e.get(measure)).expect("net value");
    let title = Chart::NetValue.title(&data);
    let expected = match end.verdict {
        Verdict::AAhead => format!("{} leads", c.a_name),
        Verdict::BAhead => format!("{} leads", c.b_name),
        Verdict::Tie => "are level".to_string(),
    };
    let net_part = title.split("; per hour").next().unwrap_or("");
    assert!(
        net_part.contains(&expected),
        "title `{title}` does not say `{expected}` (verdict {:?})",
        end.verdict
    );
    assert!(Chart::ALL.contains(&Chart::NetValue));
    let html = fs::read_to_string(default_run().join("report.html")).expect("report");
    assert!(html.contains("<figure id=\"net_value\">"));
}

#[test]
fn net_value_is_revenue_above_home_minus_cost_per_replicate() {
    let dir = default_run();
    let data = RunData::load(dir).expect("run loads");
    let results: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("results.json")).expect("results"))
            .expect("JSON");
    let last = &results["variants"][0]["cohorts"][1]["years"][1];
    let expected = last["cumulative_revenue_above_baseline"]["mean"]
        .as_f64()
        .expect("baseline ran")
        - last["cumulative_cost"]["mean"].as_f64().expect("cost");
    let series = data.series_of("base", "networking").expect("series");
    let end = data.net_value(series).last().copied().expect("weeks");
    // Both are means of the same per-replicate totals, summed in another
    // order: equal to rounding.
    assert!(
        (end.mean - expected).abs() < 1e-6 * expected.abs().max(1.0),
        "chart {} against results.json {expected}",
        end.mean
    );
}

#[test]
fn a_cohort_has_one_colour_in_every_variant_and_each_variant_its_panel() {
    let dir = variants_run();
    let data = RunData::load(dir).expect("run loads");
    let s = |v: &str, c: &str| data.series_of(v, c).expect("series");
    assert_eq!(
        data.colour(s("open", "networking")),
        data.colour(s("closed", "networking"))
    );
    assert_ne!(
        data.colour(s("open", "networking")),
        data.colour(s("open", "connecting"))
    );
    let svg = fs::read_to_string(dir.join("charts/cumulative_revenue.svg")).expect("svg");
    let texts = svg_texts(&svg);
    for heading in ["open", "closed", "networking", "connecting"] {
        assert!(
            texts.iter().any(|t| t == heading),
            "`{heading}` missing from {texts:?}"
        );
    }
    // The legend lists cohorts, not variant × cohort.
    assert!(!texts.iter().any(|t| t == "open: networking"), "{texts:?}");
}

/// The colours an SVG strokes, as `#RRGGBB`.
fn strokes(svg: &str) -> std::collections::BTreeSet<String> {
    svg.split("stroke=\"#")
        .skip(1)
        .map(|t| format!("#{}", &t[..6]).to_uppercase())
        .collect()
}

#[test]
fn paired_differences_keep_the_cohort_colours_and_name_each_comparison() {
    let dir = variants_run();
    let data = RunData::load(dir).expect("run loads");
    let hex = |c: plotters::style::RGBColor| format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
    let s = |v: &str, c: &str| data.series_of(v, c).expect("series");
    let connecting = hex(data.colour(s("open", "connecting")));
    let networking = hex(data.colour(s("open", "networking")));
    let svg = fs::read_to_string(dir.join("charts/paired_differences.svg")).expect("svg");
    let drawn = strokes(&svg);
    assert!(
        drawn.contains(&connecting) && drawn.contains(&networking),
        "{drawn:?}"
    );
    // Four comparisons, but no colour beyond the two cohorts' and the
    // greys and ink of axes and cohort-to-cohort differences.
    let greys = ["#1A1A1A", "#555555", "#DDDDDD"];
    for c in &drawn {
        assert!(
            *c == connecting || *c == networking || greys.contains(&c.as_str()),
            "{c} is not a cohort's colour: {drawn:?}"
        );
    }
    let texts = svg_texts(&svg);
    for heading in [
        "open: networking − connecting",
        "closed: networking − connecting",
        "connecting: closed − open",
        "networking: closed − open",
        "connecting: one variant − another",
        "networking: one variant − another",
    ] {
        assert!(
            texts.iter().any(|t| t == heading),
            "`{heading}` missing from {texts:?}"
        );
    }
}

/// The `data-value` of every cell of `html` whose `data-field` is `field`.
fn values_of(html: &str, field: &str) -> Vec<f64> {
    let key = format!("data-field=\"{field}\" data-value=\"");
    html.match_indices(&key)
        .filter_map(|(at, _)| {
            let rest = &html[at + key.len()..];
            rest[..rest.find('"')?].parse().ok()
        })
        .collect()
}

#[test]
fn the_handout_is_self_contained_and_quotes_the_runs_figures() {
    let dir = default_run();
    let html = fs::read_to_string(dir.join("handout.html")).expect("handout written");
    for banned in [
        "http:", "https:", "<script", "<link", "src=", "@import", "url(",
    ] {
        assert!(!html.contains(banned), "handout contains `{banned}`");
    }
    assert!(html.contains("<figure id=\"net_value\">") && html.contains("<svg"));
    let results: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("results.json")).expect("results"))
            .expect("JSON");
    let expected: Vec<f64> = results["variants"][0]["cohorts"]
        .as_array()
        .expect("cohorts")
        .iter()
        .map(|c| {
            c["years"][1]["referrals_per_month"]["mean"]
                .as_f64()
                .expect("mean")
        })
        .collect();
    assert_eq!(values_of(&html, "referrals_per_month_final"), expected);
    let difference = results["comparisons"][0]["years"][1]["to_date"]
        .as_array()
        .expect("to_date")
        .iter()
        .find(|d| d["measure"] == "cumulative_net_value_above_baseline")
        .and_then(|d| d["difference"]["mean"].as_f64())
        .expect("net value difference");
    assert_eq!(values_of(&html, "net_value_difference"), vec![difference]);
    // The run changed years, replicates and population from the defaults.
    assert!(
        html.contains("simulation.years: 2 (default"),
        "assumptions missing"
    );
    assert!(html.contains("population.size: 2000 (default"));
    // Print rules: an A4 page, tables held to its width.
    assert!(html.contains("@page { size: A4") && html.contains("table { width: 100%"));
}

#[test]
fn a_one_year_table_has_one_yearly_rate_and_long_names_keep_columns_aligned() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let long = "networking-with-a-very-long-cohort-name";
    let text = crate::common::TINY.replace(
        "[cohorts.networking]",
        &format!("[cohorts.{long}]\nstrategy = \"networking\""),
    );
    let file = crate::common::write(tmp.path(), "long.toml", &text);
    let done = netgrow()
        .arg("run")
        .arg(&file)
        .args(["--no-charts", "--quiet", "--out"])
        .arg(tmp.path().join("run"))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&done.get_output().stdout).into_owned();
    let lines: Vec<&str> = stdout.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.starts_with("cohort"))
        .expect("table header");
    assert_eq!(lines[header].matches("refs/mo yr 1").count(), 1, "{stdout}");
    // Every row of the table ends where its header does.
    let width = lines[header].chars().count();
    for row in &lines[header + 1..header + 3] {
        assert_eq!(row.chars().count(), width, "misaligned:\n{stdout}");
    }
    assert!(lines[header + 2].starts_with(long), "{stdout}");
}
