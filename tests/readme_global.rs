//! README's ranking of the assumptions that decide the answer comes from a
//! run of `scenarios/global-sensitivity.toml`: the block between the
//! `global` markers is that sweep's total-order Sobol' indices of the
//! paired difference networking − connecting, formatted here. The sweep
//! takes minutes, so the check is ignored by default;
//! `scripts/readme-figures` runs it and rewrites the block.

use std::path::Path;

use tempfile::TempDir;

use crate::common::netgrow;
use crate::readme::check_or_write_block;

const SCENARIO: &str = "scenarios/global-sensitivity.toml";
const BEGIN: &str = "<!-- global:begin";
const END: &str = "<!-- global:end -->";
/// The series ranked: the paired difference.
const SERIES: &str = "networking - connecting";

/// One key's total-order index of one metric, with its 95% interval.
#[derive(Clone, Debug, PartialEq)]
struct Index {
    key: String,
    st: f64,
    low: f64,
    high: f64,
}

/// The total-order indices of `metric` for [`SERIES`] in the final year,
/// from `sobol.csv`, largest first.
fn indices(table: &Path, metric: &str) -> Vec<Index> {
    let mut reader = csv::Reader::from_path(table).expect("sobol.csv");
    let header = reader.headers().expect("header").clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("sobol.csv has no {name} column"))
    };
    let (m, c, y, k) = (col("metric"), col("cohort"), col("year"), col("key"));
    let (st, low, high) = (col("st"), col("st_low"), col("st_high"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let last_year = rows
        .iter()
        .filter_map(|r| r[y].parse::<u32>().ok())
        .max()
        .expect("years");
    let number = |r: &csv::StringRecord, i: usize| r[i].parse::<f64>().expect("a number");
    let mut out: Vec<Index> = rows
        .iter()
        .filter(|r| &r[m] == metric && &r[c] == SERIES && r[y].parse() == Ok(last_year))
        .map(|r| Index {
            key: r[k].to_string(),
            st: number(r, st),
            low: number(r, low),
            high: number(r, high),
        })
        .collect();
    out.sort_by(|a, b| b.st.total_cmp(&a.st).then(a.key.cmp(&b.key)));
    out
}

/// Keys in tiers, largest first: a tier ends only where every key after it
/// has an interval wholly below the intervals of every key up to it, so
/// keys of different tiers are ordered by non-overlapping intervals, and
/// keys within a tier are not ordered. Keys whose interval reaches 0 come
/// last, as "no detectable effect".
fn tiers(indices: &[Index]) -> (Vec<Vec<&Index>>, Vec<&Index>) {
    let (some, none): (Vec<&Index>, Vec<&Index>) = indices.iter().partition(|i| i.low > 0.0);
    let mut tiers: Vec<Vec<&Index>> = Vec::new();
    let mut start = 0;
    for k in 1..=some.len() {
        let lowest_above = some[..k]
            .iter()
            .map(|i| i.low)
            .fold(f64::INFINITY, f64::min);
        let highest_below = some[k..]
            .iter()
            .map(|i| i.high)
            .fold(f64::NEG_INFINITY, f64::max);
        if highest_below < lowest_above {
            tiers.push(some[start..k].to_vec());
            start = k;
        }
    }
    (tiers, none)
}

fn ranking(indices: &[Index]) -> String {
    let shown = |i: &Index| format!("`{}` {:.2} ({:.2}–{:.2})", i.key, i.st, i.low, i.high);
    let (tiers, none) = tiers(indices);
    let mut parts: Vec<String> = tiers
        .iter()
        .map(|tier| {
            let names: Vec<String> = tier.iter().map(|i| shown(i)).collect();
            if names.len() > 1 {
                format!("{} (not ordered among themselves)", names.join(", "))
            } else {
                names.join("")
            }
        })
        .collect();
    if !none.is_empty() {
        let names: Vec<String> = none.iter().map(|i| format!("`{}`", i.key)).collect();
        parts.push(format!(
            "no detectable effect (interval reaching 0): {}",
            names.join(", ")
        ));
    }
    parts.join("; then ")
}

/// The Markdown block for the sweep written in `dir`.
fn block(dir: &Path) -> String {
    let table = dir.join("sobol.csv");
    let sweep: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("sweep.json")).expect("sweep.json"))
            .expect("sweep.json parses");
    let points = sweep["points"].as_array().map_or(0, Vec::len);
    let reps = sweep["replicates"].as_u64().expect("replicates");
    let years = sweep["years"].as_u64().expect("years");
    format!(
        "From `netgrow sweep {SCENARIO}` ({points} points of a Sobol' design × {reps} towns, {years} years): which assumptions decide the paired difference {} − {}, by total-order index (the share of the difference's variance a key accounts for, alone and through its interactions), with 95% intervals; an order is claimed only between keys whose intervals do not overlap.\n\n- referrals a month in year {years}: {};\n- revenue over {years} years, gross: {}.\n",
        "networking",
        "connecting",
        ranking(&indices(&table, "referrals_per_month")),
        ranking(&indices(&table, "cumulative_revenue")),
    )
}

#[test]
#[ignore = "runs scenarios/global-sensitivity.toml (minutes); scripts/readme-figures runs it"]
fn readme_global_sensitivity_ranking_is_that_of_the_sweep() {
    let tmp = TempDir::new().expect("temp dir");
    let out = tmp.path().join("sweep");
    netgrow()
        .args(["sweep", SCENARIO, "--no-charts", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    check_or_write_block(BEGIN, END, &block(&out), "global sensitivity ranking");
}

#[test]
fn keys_are_ordered_only_where_their_intervals_do_not_overlap() {
    let i = |key: &str, st, low, high| Index {
        key: key.into(),
        st,
        low,
        high,
    };
    let list = [
        i("a", 0.6, 0.5, 0.7),
        i("b", 0.3, 0.2, 0.4),
        i("c", 0.25, 0.15, 0.35),
        // Overlaps c but not b: it may not be put below c.
        i("e", 0.1, 0.05, 0.18),
        i("d", 0.01, -0.02, 0.04),
    ];
    assert_eq!(
        ranking(&list),
        "`a` 0.60 (0.50–0.70); then `b` 0.30 (0.20–0.40), `c` 0.25 (0.15–0.35), `e` 0.10 (0.05–0.18) (not ordered among themselves); then no detectable effect (interval reaching 0): `d`"
    );
    // A smaller index with a wide interval reaching a larger one's keeps
    // them unordered, however far apart their means.
    let wide = [i("a", 0.6, 0.5, 0.7), i("f", 0.1, 0.01, 0.55)];
    assert_eq!(
        ranking(&wide),
        "`a` 0.60 (0.50–0.70), `f` 0.10 (0.01–0.55) (not ordered among themselves)"
    );
}
