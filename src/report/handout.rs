//! The handout: `handout.html` beside `report.html`, one or two printed
//! pages for a room — the question, the headline chart (net value), the
//! few figures that matter with their 95% intervals, and the assumptions
//! this run changed from netgrow's defaults. Built from the same run files
//! as the report, self-contained like it.

use std::fmt::Write as _;

use super::html::{self, escape, plural, Extras};
use super::keys::from_defaults;
use crate::chart::data::{RunData, Stat};
use crate::chart::numbers::{amount, interval, money, money_interval};
use crate::chart::Chart;
use crate::compare::{Measure, Verdict};
use crate::output::differences::signed;

/// The handout's file name in a run directory.
pub const FILE: &str = "handout.html";

/// Assumptions listed before the rest are left to `scenario.toml`.
const MAX_ASSUMPTIONS: usize = 12;

/// One figure of the handout for one series: label, value with interval.
fn row(h: &mut String, field: &str, what: &str, who: &str, text: &str, value: f64) {
    let v = if value.is_finite() {
        format!("{value}")
    } else {
        String::new()
    };
    let _ = writeln!(
        h,
        "<tr><th>{}</th><td>{}</td><td class=\"n\" data-field=\"{field}\" data-value=\"{v}\">{}</td></tr>",
        escape(what),
        escape(who),
        escape(text)
    );
}

/// "£1,234 (95% CI £1,100 to £1,400)"; "(lower end shown as 0)" where a
/// count's interval reaches below zero.
/// `currency` is the amount's, `None` for a count or rate.
fn interval_text(s: &Stat, currency: Option<&str>, never_negative: bool) -> String {
    let mean = match currency {
        Some(cur) => money(cur, s.mean),
        None => amount(s.mean),
    };
    let both = |lo: f64, hi: f64| match currency {
        Some(cur) => money_interval(cur, lo, hi),
        None => interval(lo, hi),
    };
    match html::interval(s.ci_low, s.ci_high, s.n) {
        Some((lo, hi)) if never_negative && lo < 0.0 => {
            format!("{mean} (95% CI {}; lower end cut at 0)", both(0.0, hi))
        }
        Some((lo, hi)) => format!("{mean} (95% CI {})", both(lo, hi)),
        None => mean,
    }
}

/// The handout for `data`, with `svg` the net-value chart.
pub fn render(data: &RunData, svg: &str) -> String {
    let s = &data.scenario;
    let cur = s.economy.currency.clone();
    let mut h = String::new();
    html::begin_page(
        &mut h,
        &format!("netgrow handout: {}", s.simulation.name),
        Extras {
            contents: false,
            swatches: false,
        },
    );
    h.push_str("<div class=\"handout\">\n");
    let md = &data.results.metadata;
    let _ = writeln!(
        h,
        "<h1>{}</h1>\n<p class=\"meta\">netgrow {} · {} replicate{} × {} year{} · seed {} · the full report is report.html</p>",
        escape(&s.simulation.name),
        escape(&md.netgrow_version),
        md.replicates,
        plural(md.replicates as usize),
        md.years,
        plural(md.years as usize),
        md.seed
    );
    html::question(
        &mut h,
        &s.simulation.description,
        "How do the cohorts compare in referrals, revenue and the value of the time they spend?",
    );
    let title = Chart::NetValue.title(data);
    let _ = writeln!(
        h,
        "<figure id=\"net_value\">\n<h3>{}</h3>\n{}\n<figcaption>{}</figcaption>\n</figure>",
        escape(&title),
        html::inline_svg(svg, &title),
        escape(&Chart::NetValue.caption(data))
    );
    html::begin_section(&mut h, "figures", "The figures that matter");
    let _ = writeln!(
        h,
        "<p>Per member over {} year{}; intervals are 95% across replicates.</p>\n<table class=\"headline\" data-table=\"handout\">\n<thead><tr><th>Figure</th><th>Who</th><th>Value</th></tr></thead>\n<tbody>",
        md.years,
        plural(md.years as usize)
    );
    for i in 0..data.series.len() {
        let who = &data.series[i].label;
        let net = data.net_value(i).last().copied().unwrap_or(Stat::of(&[]));
        row(
            &mut h,
            "net_value",
            "Net value",
            who,
            &interval_text(&net, Some(&cur), false),
            net.mean,
        );
    }
    let net_measure = if data.results.baseline {
        Measure::CumulativeNetValueAboveBaseline
    } else {
        Measure::CumulativeNetValue
    };
    for c in &data.results.comparisons {
        let Some(d) = c.at_end().and_then(|e| e.get(net_measure)) else {
            continue;
        };
        let verdict = match d.verdict {
            Verdict::AAhead => format!("{} ahead", c.a_name),
            Verdict::BAhead => format!("{} ahead", c.b_name),
            Verdict::Tie => "a tie: the interval includes zero".to_string(),
        };
        row(
            &mut h,
            "net_value_difference",
            "Difference in net value",
            &format!("{} − {}", c.a_name, c.b_name),
            &format!("{} ({verdict})", signed(&d.difference, 0, &cur)),
            d.difference.mean,
        );
    }
    for i in 0..data.series.len() {
        let r = data.final_year(i).referrals_per_month;
        row(
            &mut h,
            "referrals_per_month_final",
            &format!("Referrals a month in year {}", md.years),
            &data.series[i].label,
            &interval_text(&r, None, true),
            r.mean,
        );
    }
    for i in 0..data.series.len() {
        let r = data
            .return_on_time(i)
            .last()
            .copied()
            .unwrap_or(Stat::of(&[]));
        row(
            &mut h,
            "revenue_per_hour_over_run",
            "Revenue per hour over the run (gross)",
            &data.series[i].label,
            &interval_text(&r, Some(&cur), true),
            r.mean,
        );
    }
    h.push_str("</tbody>\n</table>\n");
    html::end_section(&mut h);
    assumptions(&mut h, data);
    h.push_str("</div>\n");
    html::end_page(&mut h);
    h
}

/// The assumptions this run changed from netgrow's defaults.
fn assumptions(h: &mut String, data: &RunData) {
    html::begin_section(h, "assumptions", "Assumptions changed from the defaults");
    match from_defaults(&data.scenario) {
        Ok(changed) if changed.is_empty() => {
            h.push_str("<p>None: every assumption is netgrow's default.</p>\n");
        }
        Ok(changed) => {
            let items: Vec<String> = changed
                .iter()
                .take(MAX_ASSUMPTIONS)
                .map(|c| {
                    format!(
                        "{}: {} (default {})",
                        c.key,
                        c.b.as_deref().unwrap_or("none"),
                        c.a.as_deref().unwrap_or("none")
                    )
                })
                .collect();
            html::bullets(h, &items);
            if changed.len() > MAX_ASSUMPTIONS {
                let _ = writeln!(
                    h,
                    "<p>… and {} more: every key is in scenario.toml.</p>",
                    changed.len() - MAX_ASSUMPTIONS
                );
            }
        }
        Err(e) => {
            let _ = writeln!(h, "<p>Not listed: {}.</p>", escape(&format!("{e:#}")));
        }
    }
    html::end_section(h);
}
