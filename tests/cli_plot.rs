//! Charts and report from a real run: a tiny experiment is run once through
//! the binary, then each test draws from its own copy of the run directory,
//! through the library (`chart::draw_all`, `report::write_report`) or
//! through `netgrow plot`.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use netgrow::chart::{self, Chart, ChartOptions, Format, RunData};
use netgrow::report;
use quick_xml::events::Event;
use quick_xml::reader::Reader;
use quick_xml::XmlVersion;
use serde_json::Value;

use crate::common::netgrow;

/// The tiny experiment's directory, run once per test binary.
fn base_run() -> &'static Path {
    static RUN: OnceLock<PathBuf> = OnceLock::new();
    RUN.get_or_init(|| {
        // A directory of this test process's own, so that a run left by an
        // earlier version of the tests is never in the way.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("cli_plot_run-{}", std::process::id()));
        netgrow()
            .args([
                "run",
                "scenarios/connecting-vs-networking.toml",
                "--replicates",
                "2",
                "--years",
                "1",
                "--set",
                "population.size=2000",
                "--set",
                "groups.count=5",
                "--set",
                "cohorts.connecting.members=40",
                "--set",
                "cohorts.networking.members=40",
                "--quiet",
                "--out",
            ])
            .arg(&dir)
            .assert()
            .success();
        dir
    })
}

/// A private copy of the run's own files and its ownership record (no
/// charts, no report).
fn fresh_run() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    let record = netgrow::output::ownership::RECORD;
    for name in netgrow::output::RUN_FILES.iter().chain([&record]) {
        fs::copy(base_run().join(name), tmp.path().join(name)).expect("run file copied");
    }
    tmp
}

fn options(format: Format) -> ChartOptions {
    ChartOptions {
        format,
        width: 1600,
        height: 1000,
    }
}

/// Decodes a PNG: (width, height, RGB(A) pixels as colour tuples).
fn decode_png(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let file = fs::File::open(path).expect("png opens");
    let mut reader = png::Decoder::new(file).read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("png decodes");
    let channels = info.color_type.samples();
    assert!(channels >= 3, "{} is not an RGB image", path.display());
    let pixels = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width, info.height, pixels)
}

/// Resolves the entities plotters and the report write.
fn entity(name: &str) -> String {
    match name {
        "amp" => "&".into(),
        "lt" => "<".into(),
        "gt" => ">".into(),
        "quot" => "\"".into(),
        "apos" => "'".into(),
        other => match other.strip_prefix('#') {
            Some(code) => code
                .parse::<u32>()
                .ok()
                .and_then(char::from_u32)
                .map_or_else(|| panic!("bad character reference &{other};"), String::from),
            None => panic!("entity &{other}; is not one of XML's own"),
        },
    }
}

/// Every `<text>` element's content in an SVG.
fn svg_texts(svg: &str) -> Vec<String> {
    let mut reader = Reader::from_str(svg);
    let mut texts = Vec::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event().expect("SVG is well-formed XML") {
            Event::Start(e) if e.name().as_ref() == b"text" => current = Some(String::new()),
            Event::End(e) if e.name().as_ref() == b"text" => texts.extend(current.take()),
            Event::Text(t) => {
                if let Some(c) = current.as_mut() {
                    c.push_str(&t.decode().expect("UTF-8"));
                }
            }
            Event::GeneralRef(r) => {
                if let Some(c) = current.as_mut() {
                    c.push_str(&entity(&r.decode().expect("UTF-8")));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    texts.into_iter().map(|t| t.trim().to_string()).collect()
}

#[test]
fn every_chart_is_drawn_as_png_and_svg_at_the_stated_size() {
    let run = fresh_run();
    let paths = chart::draw_all(run.path(), &options(Format::Both)).expect("charts drawn");
    assert_eq!(paths.len(), 2 * Chart::ALL.len());
    for c in Chart::ALL {
        for ext in ["png", "svg"] {
            let p = run
                .path()
                .join("charts")
                .join(format!("{}.{ext}", c.name()));
            assert!(p.is_file(), "{} missing", p.display());
            assert!(paths.contains(&p));
        }
        let (w, h, pixels) =
            decode_png(&run.path().join("charts").join(format!("{}.png", c.name())));
        assert_eq!((w, h), (1600, 1000), "{}", c.name());
        // Not blank: a chart has text, axes and coloured data, so many
        // distinct colours and a fair share of non-white pixels.
        let distinct: HashSet<[u8; 3]> = pixels.iter().copied().collect();
        let inked = pixels.iter().filter(|p| **p != [255, 255, 255]).count();
        assert!(
            distinct.len() >= 20,
            "{}: only {} colours",
            c.name(),
            distinct.len()
        );
        assert!(
            inked * 50 > pixels.len(),
            "{}: only {inked} of {} pixels drawn",
            c.name(),
            pixels.len()
        );
    }
}

#[test]
fn other_sizes_and_formats_are_honoured() {
    let run = fresh_run();
    let opts = ChartOptions {
        format: Format::Png,
        width: 900,
        height: 600,
    };
    let paths = chart::draw_all(run.path(), &opts).expect("charts drawn");
    assert_eq!(paths.len(), Chart::ALL.len());
    for p in &paths {
        assert_eq!(p.extension().and_then(|e| e.to_str()), Some("png"));
        let (w, h, _) = decode_png(p);
        assert_eq!((w, h), (900, 600));
    }
    assert!(!run.path().join("charts/referral_yield.svg").exists());
    let tiny = ChartOptions {
        format: Format::Svg,
        width: 10,
        height: 600,
    };
    let err = chart::draw_all(run.path(), &tiny).expect_err("10 px is too small");
    assert!(err.to_string().contains("width"), "{err}");
}

#[test]
fn svgs_carry_title_axis_labels_and_legend_entries_as_text() {
    let run = fresh_run();
    chart::draw_all(run.path(), &options(Format::Svg)).expect("charts drawn");
    let data = RunData::load(run.path()).expect("run loads");
    let axes: BTreeMap<&str, &[&str]> = BTreeMap::from([
        (
            "referral_yield",
            &[
                "Referrals per member per month",
                "Month since the start of the run",
            ][..],
        ),
        (
            "cumulative_referrals",
            &[
                "Referrals per member (running total)",
                "Month since the start of the run",
            ][..],
        ),
        (
            "cumulative_revenue",
            &[
                "Revenue per member (£, running total)",
                "Month since the start of the run",
            ][..],
        ),
        (
            "net_value",
            &[
                "Net value per member (£, running total)",
                "Month since the start of the run",
            ][..],
        ),
        (
            "revenue_by_source",
            &["Revenue per member per year (£)", "Year"][..],
        ),
        (
            "relationships",
            &[
                "People per member",
                "Ties per member",
                "Month since the start of the run",
            ][..],
        ),
        (
            "return_on_time",
            &[
                "Revenue per hour since the start (£/h)",
                "Month since the start of the run",
            ][..],
        ),
        (
            "non_business_value",
            &["Events per member over 1 year", "Kind of value"][..],
        ),
        (
            "separation",
            &[
                "Share of all pairs of people (%)",
                "Hops between two people (shortest chain of acquaintances)",
            ][..],
        ),
        (
            "paired_differences",
            &[
                "Difference in referrals per member",
                "Difference per member (£)",
                "Month since the start of the run",
                "networking − connecting",
            ][..],
        ),
        ("ego_networks", &["not a member"][..]),
        (
            "outcome_spread",
            &["Referrals per member", "Revenue per member (£)"][..],
        ),
    ]);
    for c in Chart::ALL {
        let svg = fs::read_to_string(run.path().join("charts").join(format!("{}.svg", c.name())))
            .expect("svg readable");
        let texts = svg_texts(&svg);
        let has = |s: &str| texts.iter().any(|t| t == s);
        // A long title wraps onto two lines: two texts, one after the other.
        assert!(
            texts.join(" ").contains(&c.title(&data)),
            "{}: title missing from {texts:?}",
            c.name()
        );
        for label in axes[c.name()] {
            assert!(has(label), "{}: `{label}` missing from {texts:?}", c.name());
        }
        if c != Chart::Separation && c != Chart::PairedDifferences {
            for cohort in ["connecting", "networking"] {
                assert!(
                    texts
                        .iter()
                        .any(|t| t == cohort || t.starts_with(&format!("{cohort}:"))),
                    "{}: legend entry {cohort} missing from {texts:?}",
                    c.name()
                );
            }
        }
    }
}

#[test]
fn drawing_twice_gives_the_same_svg_bytes_and_report() {
    let run = fresh_run();
    let read_all = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        Chart::ALL
            .iter()
            .map(|c| {
                let name = format!("{}.svg", c.name());
                let bytes = fs::read(dir.join("charts").join(&name)).expect("svg readable");
                (name, bytes)
            })
            .collect()
    };
    chart::draw_all(run.path(), &options(Format::Svg)).expect("first drawing");
    let first = read_all(run.path());
    let report_first = fs::read(report::write_report(run.path()).expect("report")).expect("read");
    chart::draw_all(run.path(), &options(Format::Svg)).expect("second drawing");
    assert_eq!(first, read_all(run.path()));
    let report_second = fs::read(report::write_report(run.path()).expect("report")).expect("read");
    assert!(
        report_first == report_second,
        "report.html differs between two writes"
    );
    // A second copy of the same run draws the same bytes too.
    let other = fresh_run();
    chart::draw_all(other.path(), &options(Format::Svg)).expect("drawing the copy");
    assert_eq!(first, read_all(other.path()));
}

/// One headline cell of the report.
struct Cell {
    variant: String,
    cohort: String,
    field: String,
    value: String,
    text: String,
}

/// Parses the report as XML, checking it is well formed (matching tags, one
/// root, only XML's own entities), and returns its headline cells, its
/// attribute values and the names of its elements.
fn parse_report(html: &str) -> (Vec<Cell>, Vec<(String, String)>, Vec<String>) {
    let body = html
        .strip_prefix("<!DOCTYPE html>")
        .expect("report starts with <!DOCTYPE html>");
    let mut reader = Reader::from_str(body);
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut cells = Vec::new();
    let mut attributes = Vec::new();
    let mut elements = Vec::new();
    let (mut variant, mut cohort) = (String::new(), String::new());
    let mut open_cell: Option<Cell> = None;
    loop {
        let event = reader.read_event().unwrap_or_else(|e| {
            panic!(
                "report.html is not well formed at byte {}: {e}",
                reader.error_position()
            )
        });
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).expect("UTF-8 name");
                if stack.is_empty() {
                    roots += 1;
                }
                let mut attrs = BTreeMap::new();
                for a in e.attributes() {
                    let a = a.expect("well-formed attribute");
                    let key = String::from_utf8(a.key.as_ref().to_vec()).expect("UTF-8 key");
                    let value = a
                        .normalized_value(XmlVersion::Implicit1_0)
                        .expect("attribute value")
                        .into_owned();
                    attributes.push((key.clone(), value.clone()));
                    attrs.insert(key, value);
                }
                match name.as_str() {
                    "table" => variant = attrs.get("data-variant").cloned().unwrap_or_default(),
                    // A headline row names its cohort, a difference row
                    // its comparison.
                    "tr" => {
                        cohort = attrs
                            .get("data-cohort")
                            .or(attrs.get("data-comparison"))
                            .cloned()
                            .unwrap_or_default()
                    }
                    "td" => {
                        if let (Some(field), Some(value)) =
                            (attrs.get("data-field"), attrs.get("data-value"))
                        {
                            open_cell = Some(Cell {
                                variant: variant.clone(),
                                cohort: cohort.clone(),
                                field: field.clone(),
                                value: value.clone(),
                                text: String::new(),
                            });
                        }
                    }
                    _ => {}
                }
                elements.push(name.clone());
                if matches!(event, Event::Start(_)) {
                    stack.push(name);
                }
            }
            Event::End(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).expect("UTF-8 name");
                assert_eq!(
                    stack.pop().as_deref(),
                    Some(name.as_str()),
                    "mismatched </{name}>"
                );
                if name == "td" {
                    cells.extend(open_cell.take());
                }
            }
            Event::Text(t) => {
                if let Some(c) = open_cell.as_mut() {
                    c.text.push_str(&t.decode().expect("UTF-8"));
                }
            }
            Event::GeneralRef(r) => {
                let resolved = entity(&r.decode().expect("UTF-8"));
                if let Some(c) = open_cell.as_mut() {
                    c.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed elements at the end: {stack:?}");
    assert_eq!(roots, 1, "one root element");
    (cells, attributes, elements)
}

/// The first number in a cell's text ("£1,897", "0.16 ± 0.01").
fn shown_number(text: &str) -> Option<(f64, usize)> {
    let start = text.find(|c: char| c.is_ascii_digit() || c == '-')?;
    let digits: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.' || *c == '-')
        .filter(|c| *c != ',')
        .collect();
    let decimals = digits.split_once('.').map_or(0, |(_, d)| d.len());
    digits.parse().ok().map(|x| (x, decimals))
}

#[test]
fn report_headline_numbers_equal_results_json() {
    let run = fresh_run();
    let path = report::write_report(run.path()).expect("report written");
    let html = fs::read_to_string(path).expect("report readable");
    let results: Value = serde_json::from_str(
        &fs::read_to_string(run.path().join("results.json")).expect("results"),
    )
    .expect("JSON");
    let (cells, _, _) = parse_report(&html);
    let fields = [
        "referrals_per_month_first",
        "referrals_per_month_final",
        "cumulative_referrals",
        "people_known",
        "trusted_ties",
        "repeat_revenue",
        "direct_revenue",
        "referral_revenue_hop1",
        "referral_revenue_hop2plus",
        "pitch_revenue",
        "cumulative_revenue",
        "cumulative_hours",
        "revenue_per_hour",
        "revenue_per_hour_above_baseline",
        "cumulative_cost",
        "crossover_month",
    ];
    let variants = results["variants"].as_array().expect("variants");
    let mut checked = 0;
    for v in variants {
        let vname = v["name"].as_str().expect("variant name");
        for c in v["cohorts"].as_array().expect("cohorts") {
            let cname = c["name"].as_str().expect("cohort name");
            let years = c["years"].as_array().expect("years");
            let (first, last) = (&years[0], &years[years.len() - 1]);
            let mean = |y: &Value, k: &str| y[k]["mean"].as_f64().expect("a mean");
            let sum = |k: &str| years.iter().map(|y| mean(y, k)).sum::<f64>();
            for field in fields {
                let expected: Option<f64> = match field {
                    "referrals_per_month_first" => Some(mean(first, "referrals_per_month")),
                    "referrals_per_month_final" => Some(mean(last, "referrals_per_month")),
                    "cumulative_referrals"
                    | "people_known"
                    | "trusted_ties"
                    | "cumulative_revenue"
                    | "cumulative_hours"
                    | "cumulative_cost" => Some(mean(last, field)),
                    "revenue_per_hour" => {
                        Some(mean(last, "cumulative_revenue") / mean(last, "cumulative_hours"))
                    }
                    "revenue_per_hour_above_baseline" => Some(
                        mean(last, "cumulative_revenue_above_baseline")
                            / mean(last, "cumulative_hours"),
                    ),
                    // The month one cohort overtook the other in total
                    // referrals in at least half of the replicates (median).
                    "crossover_month" => results["comparisons"]
                        .as_array()
                        .expect("comparisons")
                        .iter()
                        .flat_map(|c| c["crossovers"].as_array().expect("crossovers"))
                        .find(|x| x["measure"] == "cumulative_referrals_received")
                        .map(|x| {
                            serde_json::from_value::<netgrow::compare::CrossoverShares>(x.clone())
                                .expect("crossover shares")
                        })
                        .and_then(|x| x.typical())
                        .map(|(_, month)| month),
                    source => Some(sum(source)),
                };
                let cell = cells
                    .iter()
                    .find(|x| x.variant == vname && x.cohort == cname && x.field == field)
                    .unwrap_or_else(|| panic!("no {field} cell for {vname}/{cname}"));
                match expected {
                    Some(e) => {
                        let got: f64 = cell.value.parse().expect("data-value is a number");
                        assert_eq!(got, e, "{vname}/{cname} {field}");
                        if field != "crossover_month" {
                            // The visible figure is the exact one rounded.
                            let (shown, decimals) = shown_number(&cell.text)
                                .unwrap_or_else(|| panic!("no number in `{}`", cell.text));
                            let tolerance = 0.5 * 10f64.powi(-(decimals as i32)) + 1e-9;
                            assert!(
                                (shown - e).abs() <= tolerance,
                                "{vname}/{cname} {field}: shows `{}` for {e}",
                                cell.text
                            );
                        } else {
                            assert!(cell.text.contains(&format!("month {e}")), "{}", cell.text);
                        }
                    }
                    None => assert_eq!(cell.value, "", "{vname}/{cname} {field}"),
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, fields.len() * 2, "two cohorts × every field");
}

#[test]
fn report_is_well_formed_and_self_contained() {
    // No charts drawn yet: the report draws its SVGs in memory.
    let run = fresh_run();
    let path = report::write_report(run.path()).expect("report written");
    assert_eq!(path, run.path().join("report.html"));
    let html = fs::read_to_string(&path).expect("report readable");
    let (_, attributes, elements) = parse_report(&html);
    for banned in [
        "http", "src=", "<script", "@import", "url(", "<link", "<img", "<iframe", "<object",
    ] {
        assert!(!html.contains(banned), "report.html contains `{banned}`");
    }
    for (key, value) in &attributes {
        if key == "href" {
            assert!(value.starts_with('#'), "link outside the report: {value}");
        }
    }
    let count = |name: &str| elements.iter().filter(|e| *e == name).count();
    assert_eq!(count("figure"), Chart::ALL.len());
    assert_eq!(count("figcaption"), Chart::ALL.len());
    assert_eq!(count("svg"), Chart::ALL.len());
    let data = RunData::load(run.path()).expect("run loads");
    let text = html.replace("&#39;", "'");
    for c in Chart::ALL {
        assert!(
            text.contains(&c.caption(&data)),
            "caption of {} missing",
            c.name()
        );
    }
    let scenario = fs::read_to_string(run.path().join("scenario.toml")).expect("scenario");
    assert!(scenario.contains("Half the members"));
    assert!(
        text.contains("Half the members of a town's networking groups"),
        "the question is shown"
    );
    assert!(
        text.contains(report::REPRODUCE),
        "the command that reproduces the run"
    );
    // The report names no path, so it reads the same wherever the folder
    // was written or moved.
    assert!(!text.contains(&run.path().display().to_string()));
}

#[test]
fn a_wrong_or_damaged_directory_is_named_in_the_error() {
    let empty = tempfile::tempdir().expect("temp dir");
    let err = chart::draw_all(empty.path(), &options(Format::Svg)).expect_err("not a run");
    let msg = format!("{err:#}");
    assert!(msg.contains("is not a netgrow output directory"), "{msg}");
    assert!(msg.contains("results.json"), "{msg}");
    let err = report::write_report(&empty.path().join("nowhere")).expect_err("no directory");
    assert!(format!("{err:#}").contains("does not exist"), "{err:#}");

    let run = fresh_run();
    fs::remove_file(run.path().join("members.csv")).expect("removed");
    let err = chart::draw_all(run.path(), &options(Format::Svg)).expect_err("members.csv missing");
    assert!(
        format!("{err:#}").contains("members.csv missing"),
        "{err:#}"
    );

    let run = fresh_run();
    fs::write(run.path().join("results.json"), "{\"metadata\": {}}").expect("written");
    let err = chart::draw_all(run.path(), &options(Format::Svg)).expect_err("malformed JSON");
    let msg = format!("{err:#}");
    assert!(msg.contains("results.json is malformed"), "{msg}");

    let run = fresh_run();
    let summary = fs::read_to_string(run.path().join("summary.csv")).expect("summary");
    // A number that is not one, on the first data line.
    let damaged = summary.replacen(
        '\n',
        "\nbase,connecting,1,cumulative_revenue,lots,0,0,0,2\n",
        1,
    );
    fs::write(run.path().join("summary.csv"), damaged).expect("written");
    let err = report::write_report(run.path()).expect_err("bad number");
    let msg = format!("{err:#}");
    assert!(
        msg.contains("summary.csv line 2") && msg.contains("`lots`"),
        "{msg}"
    );

    let run = fresh_run();
    let ts = fs::read_to_string(run.path().join("timeseries.csv")).expect("timeseries");
    let cut: String = ts.lines().take(10).map(|l| format!("{l}\n")).collect();
    fs::write(run.path().join("timeseries.csv"), cut).expect("written");
    let err = chart::draw_all(run.path(), &options(Format::Svg)).expect_err("rows missing");
    let msg = format!("{err:#}");
    assert!(
        msg.contains("timeseries.csv") && msg.contains("expected"),
        "{msg}"
    );
}

/// A copy of the whole run directory as `netgrow run` left it.
fn copy_of_base_run() -> tempfile::TempDir {
    let tmp = fresh_run();
    fs::create_dir(tmp.path().join("charts")).expect("charts dir");
    for entry in fs::read_dir(base_run().join("charts")).expect("the run drew charts") {
        let entry = entry.expect("readable entry");
        fs::copy(
            entry.path(),
            tmp.path().join("charts").join(entry.file_name()),
        )
        .expect("chart copied");
    }
    fs::copy(
        base_run().join("report.html"),
        tmp.path().join("report.html"),
    )
    .expect("report copied");
    tmp
}

#[test]
fn plot_redraws_a_runs_charts_and_report_byte_for_byte() {
    let run = copy_of_base_run();
    let before: Vec<(String, Vec<u8>)> = Chart::ALL
        .iter()
        .map(|c| format!("charts/{}.svg", c.name()))
        .chain(["report.html".to_string()])
        .map(|f| {
            let bytes = fs::read(run.path().join(&f))
                .unwrap_or_else(|_| panic!("{f} written by netgrow run"));
            (f, bytes)
        })
        .collect();
    netgrow()
        .arg("plot")
        .arg(run.path())
        .arg("--quiet")
        .assert()
        .success();
    for (f, bytes) in &before {
        let after = fs::read(run.path().join(f)).expect("redrawn");
        assert!(after == *bytes, "{f} differs after netgrow plot");
    }
    for c in Chart::ALL {
        assert!(run
            .path()
            .join("charts")
            .join(format!("{}.png", c.name()))
            .is_file());
    }
}

#[test]
fn plot_names_what_is_wrong_with_a_directory() {
    let empty = tempfile::tempdir().expect("temp dir");
    netgrow()
        .arg("plot")
        .arg(empty.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "is not a netgrow output directory",
        ))
        .stderr(predicates::str::contains("results.json"));
    let run = fresh_run();
    fs::write(run.path().join("network.json"), "[1, 2").expect("written");
    netgrow()
        .arg("plot")
        .arg(run.path())
        .assert()
        .failure()
        .stderr(predicates::str::contains("network.json is malformed"));
}

/// The report's first table holds each comparison's paired differences at
/// the end of the run, as `results.json` has them, a lead marked `*`
/// exactly where the interval excludes zero.
#[test]
fn report_differences_equal_results_json_and_mark_only_leads() {
    let run = fresh_run();
    let path = report::write_report(run.path()).expect("report written");
    let html = fs::read_to_string(path).expect("report readable");
    let results: Value = serde_json::from_str(
        &fs::read_to_string(run.path().join("results.json")).expect("results"),
    )
    .expect("results.json parses");
    let (cells, _, _) = parse_report(&html);
    let comparisons = results["comparisons"].as_array().expect("comparisons");
    assert!(!comparisons.is_empty());
    let mut checked = 0;
    for c in comparisons {
        let label = c["label"].as_str().expect("label");
        let end = c["years"]
            .as_array()
            .expect("years")
            .last()
            .expect("a year");
        let figures = std::iter::once(&end["referrals_per_month"])
            .chain(end["to_date"].as_array().expect("to_date"));
        for d in figures {
            let measure = d["measure"].as_str().expect("measure");
            let Some(cell) = cells
                .iter()
                .find(|x| x.variant.is_empty() && x.cohort == label && x.field == measure)
            else {
                continue;
            };
            let mean = d["difference"]["mean"].as_f64().expect("mean");
            assert_eq!(
                cell.value.parse::<f64>().expect("a number"),
                mean,
                "{label} {measure}"
            );
            let lead = d["verdict"] != "tie";
            assert_eq!(
                cell.text.ends_with('*'),
                lead,
                "{label} {measure}: `{}`",
                cell.text
            );
            checked += 1;
        }
    }
    // Four columns for the one comparison of two cohorts.
    assert_eq!(checked, 4);
}

/// `netgrow plot` on a sweep directory redraws its charts and report
/// byte for byte, refuses a chart someone else put there, and refuses a
/// shard, which holds only part of the sweep.
#[test]
fn plot_redraws_a_sweep_directory_and_replaces_only_what_it_drew() {
    let tmp = tempfile::TempDir::new().expect("temp dir");
    let file = crate::common::write(tmp.path(), "tiny.toml", crate::common::TINY);
    let sweep = |out: &Path, extra: &[&str]| {
        netgrow()
            .arg("sweep")
            .arg(&file)
            .args(["--quiet", "--set", "output.chart_format=svg"])
            .args(["--vary", "relationships.hours_to_trust=1,4"])
            .args(["--vary", "groups.format=open,closed"])
            .args(extra)
            .arg("--out")
            .arg(out)
            .assert()
            .success();
    };
    let out = tmp.path().join("sweep");
    sweep(&out, &[]);
    let chart = out
        .join("charts")
        .join("difference_referrals_per_month.svg");
    let before = fs::read(&chart).expect("chart");
    let report_before = fs::read(out.join("report.html")).expect("report");
    fs::remove_file(&chart).expect("removed");
    netgrow()
        .arg("plot")
        .arg(&out)
        .args(["--format", "svg", "--quiet"])
        .assert()
        .success();
    assert_eq!(fs::read(&chart).expect("redrawn"), before);
    assert_eq!(
        fs::read(out.join("report.html")).expect("report"),
        report_before
    );

    fs::write(&chart, "<svg>someone's own</svg>").expect("written");
    let done = netgrow()
        .arg("plot")
        .arg(&out)
        .args(["--format", "svg"])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).into_owned();
    assert!(
        stderr.contains("difference_referrals_per_month.svg"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(&chart).expect("kept"),
        "<svg>someone's own</svg>"
    );

    let shard = tmp.path().join("shard");
    sweep(&shard, &["--shard", "1/2"]);
    let done = netgrow().arg("plot").arg(&shard).assert().code(2);
    let stderr = String::from_utf8_lossy(&done.get_output().stderr).into_owned();
    assert!(stderr.contains("shard"), "{stderr}");
}
