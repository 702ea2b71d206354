//! The report's first section: paired effects. In a `[focal]` design, what
//! one member's choice — networking, connecting or staying home — does for
//! that member, by culture of the room; otherwise how each cohort (or
//! variant) differs from the first. Every figure is a difference formed
//! within each replicate, with its 95% interval; a lead is named only
//! where the interval excludes zero.

use std::fmt::Write as _;

use super::html::{self, escape, plural};
use crate::chart::data::RunData;
use crate::chart::sentence;
use crate::compare::{ComparisonReport, Kind, Measure, Verdict};
use crate::output::differences::{columns, figure, signed};

/// The section's anchor.
pub const ID: &str = "effects";

/// The section's heading.
pub fn heading(data: &RunData) -> &'static str {
    if is_focal(data) {
        "The effect on one member"
    } else {
        "Paired differences"
    }
}

fn is_focal(data: &RunData) -> bool {
    data.results
        .comparisons
        .iter()
        .any(|c| matches!(c.comparison.kind, Kind::Individual { .. }))
}

/// Writes the section, if the run compared anything.
pub fn section(h: &mut String, data: &RunData) {
    let reports = &data.results.comparisons;
    let Some(years) = reports.first().map(|r| r.years.len()) else {
        return;
    };
    let baseline = data.results.baseline;
    let cur = &data.scenario.economy.currency;
    let replicates = data.results.metadata.replicates as usize;
    html::begin_section(h, ID, heading(data));
    let focal = is_focal(data);
    let who = if focal {
        "The focal members are the same people, in the same towns with the same random draws, in every arm; only their own strategy and the share of networkers among the other members (the culture of the room) change."
    } else {
        "Cohorts of one variant share the same town and random draws, and so do variants of one replicate."
    };
    let home = if baseline {
        " Revenue and net value are counted above what the same people earn staying home (a run in which every member stays home)."
    } else {
        " Without a stay-home baseline, revenue and net value are gross: they include business the members would have had anyway."
    };
    let _ = writeln!(
        h,
        "<p>Each figure is a − b, per member, over the {years} year{}: the difference is taken within each of the {replicates} replicate{} and then averaged; the brackets hold its 95% interval. {who}{home} A difference whose interval includes zero is a tie: the runs cannot tell the two apart; * marks a lead, where the interval excludes zero.</p>",
        plural(years),
        plural(replicates)
    );
    table(h, reports, baseline, cur, focal);
    let sentences: Vec<String> = reports
        .iter()
        .filter_map(|r| summary_sentence(r, baseline, cur, years))
        .collect();
    html::bullets(h, &sentences);
    html::end_section(h);
}

fn table(h: &mut String, reports: &[ComparisonReport], baseline: bool, cur: &str, focal: bool) {
    let cols = columns(baseline);
    let mut head = String::from("<th>a − b</th>");
    if focal {
        head.push_str("<th>Networkers among the others</th>");
    }
    for (_, name) in &cols {
        let _ = write!(head, "<th>{}</th>", escape(name));
    }
    let _ = writeln!(
        h,
        "<table class=\"headline\" data-table=\"differences\">\n<caption>Paired differences at the end of the run, per member (95% interval)</caption>\n<thead><tr>{head}</tr></thead>\n<tbody>"
    );
    for r in reports {
        let Some(end) = r.at_end() else { continue };
        let _ = write!(
            h,
            "<tr data-comparison=\"{}\"><th>{}</th>",
            escape(&r.comparison.label),
            escape(&r.comparison.label)
        );
        if let Kind::Individual { networkers } = r.comparison.kind {
            let _ = write!(
                h,
                "<td class=\"n\" data-field=\"room_networkers\" data-value=\"{networkers}\">{:.0}%</td>",
                networkers * 100.0
            );
        }
        for (measure, _) in &cols {
            match figure(end, *measure) {
                Some((d, decimals, money)) => {
                    let unit = if money { cur } else { "" };
                    let verdict = match d.verdict {
                        Verdict::AAhead => "a_ahead",
                        Verdict::BAhead => "b_ahead",
                        Verdict::Tie => "tie",
                    };
                    let value = if d.difference.mean.is_finite() {
                        format!("{}", d.difference.mean)
                    } else {
                        String::new()
                    };
                    let _ = write!(
                        h,
                        "<td class=\"n\" data-field=\"{}\" data-value=\"{value}\" data-verdict=\"{verdict}\">{}</td>",
                        escape(&d.measure),
                        escape(&format!(
                            "{}{}",
                            signed(&d.difference, decimals, unit),
                            if d.verdict == Verdict::Tie { "" } else { " *" }
                        ))
                    );
                }
                None => h.push_str("<td class=\"n\">–</td>"),
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
}

/// One sentence on a comparison's net value at the end of the run, and
/// whether it is a lead or a tie.
fn summary_sentence(
    r: &ComparisonReport,
    baseline: bool,
    cur: &str,
    years: usize,
) -> Option<String> {
    let end = r.at_end()?;
    let measure = if baseline {
        Measure::CumulativeNetValueAboveBaseline
    } else {
        Measure::CumulativeNetValue
    };
    let d = end.get(measure)?;
    let what = if baseline {
        "net value above staying home (revenue above it, minus fees and hours)"
    } else {
        "net value (revenue minus fees and hours)"
    };
    let (x, y) = match r.comparison.label.split_once(" - ") {
        Some((x, y)) => (x.to_string(), y.to_string()),
        None => (r.a_name.clone(), r.b_name.clone()),
    };
    let verdict = match d.verdict {
        Verdict::AAhead => format!("{} ahead", r.a_name),
        Verdict::BAhead => format!("{} ahead", r.b_name),
        Verdict::Tie => "a tie".to_string(),
    };
    let change = signed(&d.difference, 0, cur);
    let text = match r.comparison.kind {
        Kind::Individual { networkers } => format!(
            "with {:.0}% networkers among the other members, {x} rather than {y} changes one member's {what} over {years} year{} by {change}: {verdict}",
            networkers * 100.0,
            plural(years)
        ),
        _ => format!(
            "{} against {}: {what} over {years} year{} differs by {change} per member: {verdict}",
            r.a_name,
            r.b_name,
            plural(years)
        ),
    };
    Some(sentence(&text))
}
