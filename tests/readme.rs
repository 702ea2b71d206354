//! README's headline figures come from a run of the current code: the
//! block between the `figures` markers in README.md is what a fresh run of
//! the default scenario gives, formatted here. `scripts/readme-figures`
//! rewrites it (with `NETGROW_BLESS_README=1`); otherwise this test fails
//! when the README and a run disagree.

use std::fs;

use netgrow::chart::numbers::thousands;
use netgrow::compare::{ComparisonReport, Difference, Measure, Verdict};
use netgrow::metrics::Stat;
use netgrow::summary::YearFigures;
use serde_json::Value;
use tempfile::TempDir;

use crate::common::{netgrow, root};

const BEGIN: &str = "<!-- figures:begin";
const END: &str = "<!-- figures:end -->";
const SCENARIO: &str = "scenarios/connecting-vs-networking.toml";

/// A whole number with thousands separators, in the currency.
pub(crate) fn money(x: f64) -> String {
    let sign = if x < -0.5 { "−" } else { "" };
    format!("{sign}£{}", thousands(x.abs()))
}

pub(crate) fn signed_money(x: f64) -> String {
    if x >= 0.0 {
        format!("+{}", money(x))
    } else {
        money(x)
    }
}

/// "+£6.50"
pub(crate) fn signed_pence(x: f64) -> String {
    let text = format!("£{:.2}", x.abs());
    if x < 0.0 {
        format!("−{text}")
    } else {
        format!("+{text}")
    }
}

pub(crate) fn signed(x: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, x.abs());
    if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("−{text}")
    } else {
        format!("+{text}")
    }
}

/// "+0.43 (0.41 to 0.45), networking ahead" or "…, a tie" (`lead`
/// names what a positive difference means for `a`: "ahead", "more").
fn difference(d: &Difference, fmt: &dyn Fn(f64) -> String, a: &str, b: &str) -> String {
    lead(d, fmt, &format!("{a} ahead"), &format!("{b} ahead"))
}

fn lead(d: &Difference, fmt: &dyn Fn(f64) -> String, more: &str, less: &str) -> String {
    let s: &Stat = &d.difference;
    let verdict = match d.verdict {
        Verdict::AAhead => more.to_string(),
        Verdict::BAhead => less.to_string(),
        Verdict::Tie => "a tie".to_string(),
    };
    format!(
        "{} ({} to {}), {verdict}",
        fmt(s.mean),
        fmt(s.ci_low),
        fmt(s.ci_high)
    )
}

/// The Markdown block for a run's `results.json`.
fn block(results: &Value) -> String {
    let cohorts = results["variants"][0]["cohorts"]
        .as_array()
        .expect("cohorts");
    let name = |i: usize| cohorts[i]["name"].as_str().expect("name").to_string();
    let years = |i: usize| -> Vec<YearFigures> {
        serde_json::from_value(cohorts[i]["years"].clone()).expect("years")
    };
    let (a, b) = (name(1), name(0));
    let (ya, yb) = (years(1), years(0));
    let comparison: ComparisonReport =
        serde_json::from_value(results["comparisons"][0].clone()).expect("a comparison");
    assert_eq!(comparison.comparison.label, format!("{a} - {b}"));
    let n = ya.len();
    let last = comparison.at_end().expect("years");
    let first = &comparison.years[0];
    let get = |m: Measure| last.get(m).expect("measure reported");
    let reps = results["metadata"]["replicates"]
        .as_u64()
        .expect("replicates");
    let f2 = |x: f64| signed(x, 2);
    let f0 = |x: f64| signed(x, 0);
    let f1 = |x: f64| signed(x, 1);
    let above = |y: &YearFigures| y.cumulative_revenue_above_baseline.expect("baseline").mean;
    let per_hour = |y: &YearFigures| above(y) / y.cumulative_hours.mean;
    let row =
        |what: &str, x: String, y: String, d: String| format!("| {what} | {x} | {y} | {d} |\n");
    let mut t = format!(
        "Per member, mean of {reps} simulated towns over {n} years; differences are formed within each town (paired), with their 95% interval; a lead is named only where the interval excludes zero.\n\n| | {b} | {a} | {a} − {b} |\n|---|---|---|---|\n"
    );
    t += &row(
        "referrals a month, year 1",
        format!("{:.2}", yb[0].referrals_per_month.mean),
        format!("{:.2}", ya[0].referrals_per_month.mean),
        difference(&first.referrals_per_month, &f2, &a, &b),
    );
    t += &row(
        &format!("referrals a month, year {n}"),
        format!("{:.2}", yb[n - 1].referrals_per_month.mean),
        format!("{:.2}", ya[n - 1].referrals_per_month.mean),
        difference(&last.referrals_per_month, &f2, &a, &b),
    );
    t += &row(
        &format!("referral sales in {n} years"),
        format!(
            "{:.1}",
            yb.iter().map(|y| y.referral_sales.mean).sum::<f64>()
        ),
        format!(
            "{:.1}",
            ya.iter().map(|y| y.referral_sales.mean).sum::<f64>()
        ),
        difference(get(Measure::CumulativeReferralSales), &f1, &a, &b),
    );
    t += &row(
        "revenue, gross",
        money(yb[n - 1].cumulative_revenue.mean),
        money(ya[n - 1].cumulative_revenue.mean),
        difference(get(Measure::CumulativeRevenue), &signed_money, &a, &b),
    );
    t += &row(
        "revenue above staying home",
        money(above(&yb[n - 1])),
        money(above(&ya[n - 1])),
        difference(
            get(Measure::CumulativeRevenueAboveBaseline),
            &signed_money,
            &a,
            &b,
        ),
    );
    t += &row(
        "hours spent networking",
        format!("{:.0}", yb[n - 1].cumulative_hours.mean),
        format!("{:.0}", ya[n - 1].cumulative_hours.mean),
        lead(
            get(Measure::CumulativeHours),
            &f0,
            &format!("{a} spends more"),
            &format!("{b} spends more"),
        ),
    );
    t += &row(
        "net value above staying home (revenue above it − fees − hours at £40)",
        money(above(&yb[n - 1]) - yb[n - 1].cumulative_cost.mean),
        money(above(&ya[n - 1]) - ya[n - 1].cumulative_cost.mean),
        difference(
            get(Measure::CumulativeNetValueAboveBaseline),
            &signed_money,
            &a,
            &b,
        ),
    );
    t += &row(
        "revenue above staying home per hour",
        format!("£{:.2}", per_hour(&yb[n - 1])),
        format!("£{:.2}", per_hour(&ya[n - 1])),
        difference(
            get(Measure::RevenuePerHourAboveBaseline),
            &signed_pence,
            &a,
            &b,
        ),
    );
    t.push('\n');
    let says = |d: &Difference, more: &str, less: &str| match d.verdict {
        Verdict::AAhead => format!("{a} {more} {b}"),
        Verdict::BAhead => format!("{a} {less} {b}"),
        Verdict::Tie => format!("{a} and {b} tie"),
    };
    t += &format!(
        "In this run, in referrals a month in year {n}, {}; in revenue above staying home, {}; in net value above staying home, {}.\n\n",
        says(&last.referrals_per_month, "receives more than", "receives fewer than"),
        says(get(Measure::CumulativeRevenueAboveBaseline), "earns more than", "earns less than"),
        says(get(Measure::CumulativeNetValueAboveBaseline), "comes out ahead of", "comes out behind"),
    );
    for (x, what) in comparison
        .crossovers
        .iter()
        .zip(["total referrals", "net value above staying home"])
    {
        t += &format!("- {}.\n", x.words(&a, &b, what));
    }
    t
}

/// Runs the default scenario as README's set-up command does (without
/// charts) and returns its `results.json`.
fn default_run() -> Value {
    let tmp = TempDir::new().expect("temp dir");
    let out = tmp.path().join("run");
    netgrow()
        .args(["run", SCENARIO, "--no-charts", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    serde_json::from_slice(&fs::read(out.join("results.json")).expect("results.json"))
        .expect("results.json parses")
}

/// Checks that README's block between the `begin` and `end` markers is
/// `fresh`, or with `NETGROW_BLESS_README=1` writes it there.
pub(crate) fn check_or_write_block(begin: &str, end: &str, fresh: &str, what: &str) {
    let path = root().join("README.md");
    let readme = fs::read_to_string(&path).expect("README.md");
    let start = readme
        .find(begin)
        .unwrap_or_else(|| panic!("README has no {begin} marker"));
    let body = start + readme[start..].find("-->").expect("marker closes") + 3;
    let stop = readme
        .find(end)
        .unwrap_or_else(|| panic!("README has no {end} marker"));
    let fresh = format!("\n{fresh}");
    if std::env::var("NETGROW_BLESS_README").as_deref() == Ok("1") {
        let updated = format!("{}{}{}", &readme[..body], fresh, &readme[stop..]);
        fs::write(&path, updated).expect("README.md written");
        return;
    }
    assert_eq!(
        &readme[body..stop],
        fresh,
        "README's {what} differ from a fresh run; if the change is intended, run scripts/readme-figures and say why in the commit"
    );
}

#[test]
fn readme_figures_are_those_of_a_fresh_default_run() {
    check_or_write_block(BEGIN, END, &block(&default_run()), "headline figures");
}

const SENSITIVITY: &str = "scenarios/sensitivity.toml";
const SWEEP_BEGIN: &str = "<!-- sensitivity:begin";
const SWEEP_END: &str = "<!-- sensitivity:end -->";

/// One row of `sweep_difference.csv`: a point's difference in a metric.
struct PointDifference {
    point: usize,
    /// What the point changes from the base point: "key = value".
    changed: String,
    mean: f64,
    ci_low: f64,
    ci_high: f64,
}

/// The rows of `metric` in a sweep's `sweep_difference.csv`, each naming
/// the key its point moves away from the base point (point 0).
fn sweep_differences(path: &std::path::Path, metric: &str) -> Vec<PointDifference> {
    let mut reader = csv::Reader::from_path(path).expect("sweep_difference.csv");
    let header = reader.headers().expect("header").clone();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let keys: Vec<usize> = (1..col("difference")).collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    let base = rows
        .iter()
        .find(|r| &r[0] == "0")
        .expect("a base point")
        .clone();
    rows.iter()
        .filter(|r| &r[col("metric")] == metric)
        .map(|r| {
            let changed = keys
                .iter()
                .find(|&&k| r[k] != base[k])
                .map_or("the defaults".to_string(), |&k| {
                    format!("`{} = {}`", &header[k], &r[k])
                });
            let num = |name: &str| r[col(name)].parse::<f64>().expect("a number");
            PointDifference {
                point: r[0].parse().expect("a point"),
                changed,
                mean: num("mean"),
                ci_low: num("ci_low"),
                ci_high: num("ci_high"),
            }
        })
        .collect()
}

/// "networking ahead at 37 of 41 settings, connecting ahead at 0, a tie at
/// 4; the smallest difference, −£249 (−£2,420 to +£1,923), with …"
fn tally(rows: &[PointDifference], a: &str, b: &str, fmt: &dyn Fn(f64) -> String) -> String {
    let ahead = rows.iter().filter(|r| r.ci_low > 0.0).count();
    let behind = rows.iter().filter(|r| r.ci_high < 0.0).count();
    let tie = rows.len() - ahead - behind;
    let least = rows
        .iter()
        .min_by(|x, y| x.mean.total_cmp(&y.mean).then(x.point.cmp(&y.point)))
        .expect("points");
    let most = rows
        .iter()
        .max_by(|x, y| x.mean.total_cmp(&y.mean).then(y.point.cmp(&x.point)))
        .expect("points");
    format!(
        "{a} ahead at {ahead} of {} settings, {b} ahead at {behind}, a tie at {tie}; the difference runs from {} ({} to {}) with {} to {} ({} to {}) with {}",
        rows.len(),
        fmt(least.mean),
        fmt(least.ci_low),
        fmt(least.ci_high),
        least.changed,
        fmt(most.mean),
        fmt(most.ci_low),
        fmt(most.ci_high),
        most.changed,
    )
}

/// The Markdown block for the sensitivity sweep in `dir`.
fn sensitivity_block(dir: &std::path::Path) -> String {
    let path = dir.join("sweep_difference.csv");
    let (a, b) = ("networking", "connecting");
    let referrals = sweep_differences(&path, "referrals_per_month");
    let revenue = sweep_differences(&path, "cumulative_revenue");
    let per_hour = sweep_differences(&path, "revenue_per_hour");
    let pence = |x: f64| signed_pence(x);
    format!(
        "Across the settings of `{SENSITIVITY}` (one assumption moved at a time, 6 towns each, 5 years; paired differences {a} − {b} with 95% intervals):\n\n- referrals a month in year 5: {};\n- revenue over 5 years, gross: {};\n- revenue per hour in year 5, gross (it includes business the members would have had anyway, which the stay-home baseline above takes out; sweeps do not run that baseline): {}.\n",
        tally(&referrals, a, b, &|x| signed(x, 2)),
        tally(&revenue, a, b, &signed_money),
        tally(&per_hour, a, b, &pence),
    )
}

/// The sensitivity sweep's claims in README. Ignored by default: the sweep
/// takes minutes; `scripts/readme-figures` runs it and rewrites them.
#[test]
#[ignore = "runs the sensitivity sweep (minutes); scripts/readme-figures runs it"]
fn readme_sensitivity_claims_are_those_of_the_sweep() {
    let tmp = TempDir::new().expect("temp dir");
    let out = tmp.path().join("sweep");
    netgrow()
        .args(["sweep", SENSITIVITY, "--no-charts", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    check_or_write_block(
        SWEEP_BEGIN,
        SWEEP_END,
        &sensitivity_block(&out),
        "sensitivity claims",
    );
}

/// The block builder on a sweep already run: checks the tally itself.
#[test]
fn the_sensitivity_tally_counts_leads_ties_and_the_extremes() {
    let rows = vec![
        PointDifference {
            point: 0,
            changed: "the defaults".into(),
            mean: 1.0,
            ci_low: 0.5,
            ci_high: 1.5,
        },
        PointDifference {
            point: 1,
            changed: "`k = 1`".into(),
            mean: -0.1,
            ci_low: -0.3,
            ci_high: 0.1,
        },
        PointDifference {
            point: 2,
            changed: "`k = 2`".into(),
            mean: -1.0,
            ci_low: -1.2,
            ci_high: -0.8,
        },
    ];
    assert_eq!(
        tally(&rows, "a", "b", &|x| signed(x, 1)),
        "a ahead at 1 of 3 settings, b ahead at 1, a tie at 1; the difference runs from −1.0 (−1.2 to −0.8) with `k = 2` to +1.0 (+0.5 to +1.5) with the defaults"
    );
}
