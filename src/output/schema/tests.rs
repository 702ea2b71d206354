use serde_json::{Map, Value};

use super::*;
use crate::summary::YearFigures;

#[test]
fn the_yearly_figures_are_exactly_the_fields_results_json_holds() {
    let stat = serde_json::to_value(crate::metrics::Stat::of(&[2.0, 3.0])).unwrap();
    let mut object = Map::new();
    object.insert(YEAR.into(), Value::from(1));
    for column in year_figures() {
        object.insert(column.name.text().into_owned(), stat.clone());
    }
    // A field the schema lacks fails to read; one it names that the writer
    // does not have is lost on the way back. An optional field the schema
    // lacks reads as absent: the run in tests/cli_columns.rs, with the
    // stay-home baseline, catches those.
    let figures: YearFigures = serde_json::from_value(Value::Object(object.clone()))
        .expect("the schema names every yearly figure");
    assert_eq!(
        serde_json::to_value(&figures).unwrap(),
        Value::Object(object)
    );
}

#[test]
fn a_sweeps_metrics_are_the_yearly_figures_every_run_writes_in_order() {
    let names: Vec<String> = sweep_figures()
        .iter()
        .map(|c| c.name.text().into_owned())
        .collect();
    let headlines: Vec<&str> = crate::sweep::measure::HEADLINES
        .iter()
        .map(|h| h.name)
        .collect();
    assert_eq!(names, headlines);
}

#[test]
fn the_running_totals_readers_name_are_values_of_summary_csv() {
    assert_eq!(CUM_REFERRALS, cumulative(Metric::ReferralsReceived));
    assert_eq!(CUM_REVENUE, cumulative(Metric::Revenue));
    assert_eq!(CUM_HOURS, cumulative(Metric::Hours));
    let values = summary().parts[1].columns.clone();
    for name in [CUM_REFERRALS, CUM_REVENUE, CUM_HOURS] {
        assert!(values.iter().any(|c| c.name.text() == name), "{name}");
    }
    // One row per metric, and one per flow's running total.
    let flows = Metric::ALL
        .iter()
        .filter(|m| m.kind() == metrics::Kind::Flow)
        .count();
    assert_eq!(values.len(), Metric::ALL.len() + flows);
}

#[test]
fn headers_have_one_column_per_varied_key_and_per_replicate() {
    let keys = ["groups.count".to_string(), "groups.format".to_string()];
    assert_eq!(
        sweep::point_file().header_for(&keys, 2),
        [
            "point",
            "groups.count",
            "groups.format",
            "cohort",
            "year",
            "metric",
            "mean",
            "sd",
            "ci_low",
            "ci_high",
            "n",
            "replicate_0",
            "replicate_1"
        ]
    );
    assert_eq!(
        sweep::difference_table().header_for(&keys, 2)[3],
        DIFFERENCE
    );
    let timeseries = timeseries().header();
    assert_eq!(timeseries[..4], [VARIANT, REPLICATE, WEEK, COHORT]);
    assert_eq!(timeseries.len(), 4 + Metric::ALL.len());
}

#[test]
fn no_file_names_a_column_twice() {
    for file in files() {
        for part in &file.parts {
            let mut names: Vec<String> = part
                .columns
                .iter()
                .map(|c| c.name.text().into_owned())
                .collect();
            names.sort();
            let before = names.len();
            names.dedup();
            assert_eq!(names.len(), before, "{} {:?}", file.file, part.place);
        }
    }
}

#[test]
fn the_codebook_has_every_file_and_a_row_per_column() {
    let markdown = codebook::markdown();
    for file in files() {
        assert!(
            markdown.contains(&format!("### `{}`", file.file)),
            "{}",
            file.file
        );
    }
    let json: Value = serde_json::from_str(&codebook::json().unwrap()).unwrap();
    let count = |v: &Value| {
        v["parts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["columns"].as_array().unwrap().len())
            .sum::<usize>()
    };
    let written: usize = json["files"].as_array().unwrap().iter().map(count).sum();
    let described: usize = files()
        .iter()
        .flat_map(|f| &f.parts)
        .map(|p| p.columns.len())
        .sum();
    assert_eq!(written, described);
    let first = &json["files"][0]["parts"][0]["columns"][4];
    assert_eq!(first["name"], "members");
    assert_eq!(first["unit"], "people");
    assert_eq!(first["kind"], "count");
    assert_eq!(first["per"], "cohort");
}
