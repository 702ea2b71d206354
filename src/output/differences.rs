//! Paired differences in a run's outputs: `differences.csv` (each
//! comparison's differences at the end of every year),
//! `differences_monthly.csv` (the charted measures month by month) and the
//! block of the end-of-run table that reports them. Their columns are
//! in [`super::schema::differences`].
//!
//! Every figure is a difference `a − b` formed within each replicate and
//! then summarised across replicates ([`crate::compare`]); a lead is named
//! only where its 95% interval excludes zero.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};

use super::{csv_writer, num, schema};
use crate::compare::{ComparisonReport, Difference, Kind, Measure, Verdict, YearDifference};
use crate::metrics::Stat;

fn who(c: &ComparisonReport) -> [String; 5] {
    let (kind, room) = match c.comparison.kind {
        Kind::Cohorts => ("cohorts", String::new()),
        Kind::Variants => ("variants", String::new()),
        Kind::Individual { networkers } => ("individual", num(networkers)),
    };
    [
        c.comparison.label.clone(),
        kind.to_string(),
        room,
        c.a_name.clone(),
        c.b_name.clone(),
    ]
}

fn stat_cells(s: &Stat) -> [String; 4] {
    [num(s.mean), num(s.ci_low), num(s.ci_high), s.n.to_string()]
}

fn verdict_cell(v: Verdict) -> &'static str {
    match v {
        Verdict::AAhead => "a_ahead",
        Verdict::BAhead => "b_ahead",
        Verdict::Tie => "tie",
    }
}

/// Writes `differences.csv`: one row per comparison, year and measure.
pub fn write_yearly(reports: &[ComparisonReport], path: &Path) -> Result<()> {
    let context = || format!("cannot write {}", path.display());
    let mut w = csv_writer(path)?;
    w.write_record(schema::differences().header())
        .with_context(context)?;
    for c in reports {
        for y in &c.years {
            for d in std::iter::once(&y.referrals_per_month).chain(&y.to_date) {
                let mut record = who(c).to_vec();
                record.push(y.year.to_string());
                record.push(d.measure.clone());
                record.extend(stat_cells(&d.difference));
                record.push(verdict_cell(d.verdict).to_string());
                w.write_record(&record).with_context(context)?;
            }
        }
    }
    w.flush().with_context(context)
}

/// Writes `differences_monthly.csv`: one row per comparison, charted
/// measure and month.
pub fn write_monthly(reports: &[ComparisonReport], path: &Path) -> Result<()> {
    let context = || format!("cannot write {}", path.display());
    let mut w = csv_writer(path)?;
    w.write_record(schema::differences_monthly().header())
        .with_context(context)?;
    for c in reports {
        for m in &c.monthly {
            for (i, s) in m.months.iter().enumerate() {
                let mut record = who(c).to_vec();
                record.push(m.measure.clone());
                record.push((i + 1).to_string());
                record.extend(stat_cells(s));
                w.write_record(&record).with_context(context)?;
            }
        }
    }
    w.flush().with_context(context)
}

/// "+1.23 [+1.10, +1.36]", or the mean alone with one replicate.
pub fn signed(s: &Stat, decimals: usize, unit: &str) -> String {
    let f = |x: f64| {
        let text = format!("{:.*}", decimals, x.abs());
        let sign = if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
            "−"
        } else {
            "+"
        };
        format!("{sign}{unit}{text}")
    };
    if s.n >= 2 && s.ci_low.is_finite() && s.ci_high.is_finite() {
        format!("{} [{}, {}]", f(s.mean), f(s.ci_low), f(s.ci_high))
    } else {
        f(s.mean)
    }
}

/// The measures of the table's columns: the final year's referrals a month,
/// then revenue, net value and revenue per hour to date — above the
/// stay-home baseline when it ran, gross otherwise.
pub fn columns(baseline: bool) -> [(Option<Measure>, &'static str); 4] {
    if baseline {
        [
            (None, "refs/mo, last yr"),
            (
                Some(Measure::CumulativeRevenueAboveBaseline),
                "revenue above home",
            ),
            (
                Some(Measure::CumulativeNetValueAboveBaseline),
                "net value above home",
            ),
            (
                Some(Measure::RevenuePerHourAboveBaseline),
                "rev/h above home",
            ),
        ]
    } else {
        [
            (None, "refs/mo, last yr"),
            (Some(Measure::CumulativeRevenue), "revenue (gross)"),
            (Some(Measure::CumulativeNetValue), "net value (gross)"),
            (Some(Measure::RevenuePerHour), "rev/h (gross)"),
        ]
    }
}

/// A column's difference at the end, with its decimals and whether it is
/// money.
pub fn figure(
    end: &YearDifference,
    measure: Option<Measure>,
) -> Option<(&Difference, usize, bool)> {
    match measure {
        None => Some((&end.referrals_per_month, 2, false)),
        Some(m) => {
            let per_hour = matches!(
                m,
                Measure::RevenuePerHourAboveBaseline | Measure::RevenuePerHour
            );
            end.get(m).map(|d| (d, if per_hour { 1 } else { 0 }, true))
        }
    }
}

/// A cell of the table: the difference, marked `*` when it is a lead.
pub fn cell(d: &Difference, decimals: usize, unit: &str) -> String {
    let mark = if d.verdict == Verdict::Tie { " " } else { "*" };
    format!("{}{mark}", signed(&d.difference, decimals, unit))
}

/// The table block: each comparison's paired differences at the end of the
/// run, and for cohorts and variants where one overtook the other.
pub fn table(reports: &[ComparisonReport], baseline: bool, currency: &str) -> String {
    let mut t = String::new();
    let Some(years) = reports.first().map(|r| r.years.len()) else {
        return t;
    };
    let _ = writeln!(
        t,
        "\npaired differences a − b at the end of year {years}, per member: mean [95% interval] of the per-replicate differences; * where the interval excludes 0 (a lead), otherwise a tie"
    );
    let cols = columns(baseline);
    let focal = reports
        .iter()
        .any(|r| matches!(r.comparison.kind, Kind::Individual { .. }));
    let width = reports
        .iter()
        .map(|r| r.comparison.label.chars().count())
        .max()
        .unwrap_or(0)
        .max(10);
    let _ = write!(t, "{:<width$}", "a − b");
    if focal {
        let _ = write!(t, " {:>5}", "room");
    }
    for (_, name) in &cols {
        let _ = write!(t, " {name:>27}");
    }
    t.push('\n');
    for r in reports {
        let Some(end) = r.at_end() else { continue };
        let _ = write!(t, "{:<width$}", r.comparison.label);
        if let Kind::Individual { networkers } = r.comparison.kind {
            let _ = write!(t, " {:>4.0}%", networkers * 100.0);
        }
        for (measure, _) in &cols {
            let text = match figure(end, *measure) {
                Some((d, decimals, money)) => cell(d, decimals, if money { currency } else { "" }),
                None => "–".to_string(),
            };
            let _ = write!(t, " {text:>27}");
        }
        t.push('\n');
    }
    if focal {
        let _ = writeln!(
            t,
            "room: the share of networkers among the other members. The focal members are the same people in every arm."
        );
        return t;
    }
    for r in reports {
        for x in &r.crossovers {
            let what = if x.measure == Measure::CumulativeReferrals.name() {
                "total referrals"
            } else if baseline {
                "net value above staying home"
            } else {
                "net value"
            };
            let _ = writeln!(t, "{}.", x.words(&r.a_name, &r.b_name, what));
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_figures_show_their_sign_and_interval() {
        let s = Stat::of(&[1.0, 2.0, 3.0]);
        assert_eq!(signed(&s, 1, "£"), "+£2.0 [−£0.5, +£4.5]");
        // Rounding to zero is not negative.
        assert_eq!(signed(&Stat::of(&[-0.001]), 2, ""), "+0.00");
    }
}
