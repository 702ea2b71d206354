//! The workshop report: one self-contained `report.html` per run, built
//! from the run directory's files like the charts are.
//!
//! A trainer opens it offline or projects it: the question, the scenario's
//! assumptions in plain words with their values, headline tables per
//! variant and cohort, every chart (inline SVG) with a caption computed from
//! the numbers, and notes on method and reproduction. It loads nothing —
//! no scripts, fonts, images or style sheets from anywhere — and is written
//! as well-formed XML (every tag closed, only XML's own entities), so any
//! HTML or XML parser reads it.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::chart::data::{Arm, CohortFigures, RunData, Stat, Year, CUM_REFERRALS};
use crate::chart::numbers::{amount, fixed, money, percent, plain, thousands};
use crate::chart::{self, sentence, Chart, DEFAULT_HEIGHT, DEFAULT_WIDTH};
use crate::scenario::{Choice, NetworkKind, PatienceRule, Rooms, Scenario, Strategy};
use html::{escape, plural, Extras, Figure};

pub mod compare_runs;
mod effects;
pub mod handout;
pub mod html;
pub mod keys;

/// The report's file name in a run directory.
pub const FILE: &str = "report.html";

/// The pages [`write_report`] writes: the report and the handout.
pub const FILES: [&str; 2] = [FILE, handout::FILE];

/// Writes `dir/report.html` and `dir/handout.html` from the run in `dir`,
/// inlining the SVG charts of `dir/charts/` (drawing them in memory if they
/// are not there); returns the report's path.
pub fn write_report(dir: &Path) -> Result<PathBuf> {
    let data = RunData::load(dir)?;
    let figures = Chart::ALL
        .iter()
        .map(|&c| Ok((c, chart_svg(&data, c)?)))
        .collect::<Result<Vec<_>>>()?;
    let html = render(&data, &figures);
    let path = dir.join(FILE);
    chart::write_atomically(&path, html.as_bytes())?;
    let net = figures
        .iter()
        .find(|(c, _)| *c == Chart::NetValue)
        .map_or("", |(_, svg)| svg.as_str());
    let handout = handout::render(&data, net);
    chart::write_atomically(&dir.join(handout::FILE), handout.as_bytes())?;
    Ok(path)
}

/// The chart's SVG from `charts/`, or drawn now if absent or not an SVG.
fn chart_svg(data: &RunData, chart: Chart) -> Result<String> {
    let path = data
        .dir
        .join("charts")
        .join(format!("{}.svg", chart.name()));
    if path.is_file() {
        let text =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let t = text.trim();
        if t.starts_with("<svg") && t.ends_with("</svg>") {
            return Ok(text);
        }
    }
    chart::render_svg(data, chart, DEFAULT_WIDTH, DEFAULT_HEIGHT)
}

/// The whole report for `data`, with `figures` = each chart and its SVG.
pub fn render(data: &RunData, figures: &[(Chart, String)]) -> String {
    let s = &data.scenario;
    let md = &data.results.metadata;
    let mut h = String::new();
    html::begin_page(
        &mut h,
        &format!("netgrow: {}", s.simulation.name),
        Extras {
            contents: true,
            swatches: true,
        },
    );
    let _ = writeln!(h, "<h1>netgrow report: {}</h1>", escape(&s.simulation.name));
    let _ = writeln!(
        h,
        "<p class=\"meta\">netgrow {} · {} replicate{} × {} year{} · seed {}</p>",
        escape(&md.netgrow_version),
        md.replicates,
        plural(md.replicates as usize),
        md.years,
        plural(md.years as usize),
        md.seed
    );
    contents(&mut h, data);
    html::question(
        &mut h,
        &s.simulation.description,
        "How do the cohorts of this scenario compare, month by month over the simulated years, in referrals received, revenue, time spent and value beyond business?",
    );
    effects::section(&mut h, data);
    headline(&mut h, data);
    assumptions(&mut h, s);
    html::charts(
        &mut h,
        figures.iter().map(|(chart, svg)| Figure {
            id: chart.name().to_string(),
            title: chart.title(data),
            svg,
            caption: chart.caption(data),
        }),
    );
    method(&mut h, data);
    html::end_page(&mut h);
    h
}

fn contents(h: &mut String, data: &RunData) {
    h.push_str("<nav>\n<ol>\n");
    let effects =
        (!data.results.comparisons.is_empty()).then(|| (effects::ID, effects::heading(data)));
    for (id, title) in [("question", "The question")]
        .into_iter()
        .chain(effects)
        .chain([
            ("headline", "Headline figures"),
            ("assumptions", "Assumptions"),
            ("charts", "Charts"),
            ("method", "Method and reproduction"),
        ])
    {
        let _ = writeln!(h, "<li><a href=\"#{id}\">{title}</a></li>");
    }
    h.push_str("</ol>\n</nav>\n");
}

/// A numeric table cell carrying its exact value for machines.
fn cell(field: &str, value: f64, text: &str) -> String {
    let v = if value.is_finite() {
        format!("{value}")
    } else {
        String::new()
    };
    format!(
        "<td class=\"n\" data-field=\"{field}\" data-value=\"{v}\">{}</td>",
        escape(text)
    )
}

/// "0.71 ± 0.02"
fn with_ci(s: &Stat, decimals: usize) -> String {
    match html::interval(s.ci_low, s.ci_high, s.n) {
        Some((low, high)) => format!(
            "{} ± {}",
            fixed(s.mean, decimals),
            fixed((high - low) / 2.0, decimals)
        ),
        None => fixed(s.mean, decimals),
    }
}

/// Sum over the run's years of one yearly figure.
fn total(c: &CohortFigures, f: impl Fn(&Year) -> f64) -> f64 {
    c.years.iter().map(f).sum()
}

/// The referral crossovers between `cohort` and the other cohorts of
/// variant `v`, in words, and the typical month when exactly one pair is
/// involved and one side overtook in at least half of the replicates.
fn crossover_cell(data: &RunData, v: usize, arm: &Arm, cohort: &str) -> (String, Option<f64>) {
    let found: Vec<_> = arm
        .cohorts
        .iter()
        .filter(|c| c.name != cohort)
        .filter_map(|other| data.crossover(v, cohort, &other.name, CUM_REFERRALS))
        .collect();
    let words: Vec<String> = found
        .iter()
        .map(|(x, a, b)| x.words(a, b, "total referrals"))
        .collect();
    let month = match found.as_slice() {
        [(x, _, _)] => x.typical().map(|(_, m)| m),
        _ => None,
    };
    let text = if words.is_empty() {
        "–".to_string()
    } else {
        words.join("; ")
    };
    (text, month)
}

fn swatch(data: &RunData, series: usize) -> String {
    let c = data.colour(series);
    format!(
        "<span class=\"swatch\" style=\"background: #{:02X}{:02X}{:02X}\"></span>",
        c.0, c.1, c.2
    )
}

/// The headline section: for each variant, a table of referrals and
/// relationships, one of revenue and time, and its crossovers in words.
fn headline(h: &mut String, data: &RunData) {
    let y = data.years();
    let replicates = data.results.metadata.replicates;
    html::begin_section(h, "headline", "Headline figures");
    let _ = writeln!(
        h,
        "<p>Per member, mean over {replicates} replicate{}; ± is the half-width of the 95% confidence interval across replicates. Revenue, hours and costs are totals over the {y} year{}.</p>",
        plural(replicates as usize),
        plural(y)
    );
    for (v, arm) in data.results.variants.iter().enumerate() {
        if data.has_variants() {
            let _ = writeln!(h, "<h3>Variant {}</h3>", escape(&arm.name));
        }
        referrals_table(h, data, arm, v);
        revenue_table(h, data, arm);
        crossover_list(h, data, arm, v);
    }
    html::end_section(h);
}

/// Opens one variant's headline table: its caption and column headings.
fn begin_table(h: &mut String, arm: &Arm, caption: &str, columns: &[&str]) {
    let headings: String = columns
        .iter()
        .map(|c| format!("<th>{}</th>", escape(c)))
        .collect();
    let _ = writeln!(
        h,
        "<table class=\"headline\" data-variant=\"{}\">\n<caption>{}</caption>\n<thead><tr>{headings}</tr></thead>\n<tbody>",
        escape(&arm.name),
        escape(caption)
    );
}

fn end_table(h: &mut String) {
    h.push_str("</tbody>\n</table>\n");
}

/// The start of a cohort's row: its name after the swatch of its colour.
fn cohort_row(data: &RunData, arm: &Arm, c: &CohortFigures) -> String {
    let series = data.series_of(&arm.name, &c.name).unwrap_or(0);
    format!(
        "<tr data-cohort=\"{}\"><th>{}{}</th>",
        escape(&c.name),
        swatch(data, series),
        escape(&c.name)
    )
}

/// Referrals in the first and final year and in all, relationships at the
/// end, and when the cohort's total referrals crossed another's.
fn referrals_table(h: &mut String, data: &RunData, arm: &Arm, v: usize) {
    let final_year = format!("Referrals per month, year {}", data.years());
    begin_table(
        h,
        arm,
        "Referrals and relationships",
        &[
            "Cohort",
            "Members",
            "Referrals per month, year 1",
            &final_year,
            "Referrals in all",
            "People known at the end",
            "Trusted ties at the end",
            "Crossover in total referrals",
        ],
    );
    for c in &arm.cohorts {
        let (first, last) = (&c.years[0], &c.years[c.years.len() - 1]);
        let (cross, month) = crossover_cell(data, v, arm, &c.name);
        let _ = writeln!(
            h,
            "{}<td class=\"n\">{}</td>{}{}{}{}{}{}</tr>",
            cohort_row(data, arm, c),
            thousands(c.members as f64),
            cell(
                "referrals_per_month_first",
                first.referrals_per_month.mean,
                &with_ci(&first.referrals_per_month, 2)
            ),
            cell(
                "referrals_per_month_final",
                last.referrals_per_month.mean,
                &with_ci(&last.referrals_per_month, 2)
            ),
            cell(
                "cumulative_referrals",
                last.cumulative_referrals.mean,
                &amount(last.cumulative_referrals.mean)
            ),
            cell(
                "people_known",
                last.people_known.mean,
                &fixed(last.people_known.mean, 1)
            ),
            cell(
                "trusted_ties",
                last.trusted_ties.mean,
                &with_ci(&last.trusted_ties, 1)
            ),
            cell("crossover_month", month.unwrap_or(f64::NAN), &cross),
        );
    }
    end_table(h);
}

/// Revenue over the run by how buyers found the member, in all and per
/// hour spent networking, and what networking cost.
fn revenue_table(h: &mut String, data: &RunData, arm: &Arm) {
    let cur = &data.scenario.economy.currency;
    begin_table(
        h,
        arm,
        &format!("Revenue and time ({cur})"),
        &[
            "Cohort",
            "Repeat",
            "Direct",
            "Referral, 1 hop",
            "Referral, 2+ hops",
            "Pitch",
            "Revenue",
            "Hours",
            "Revenue per hour over the run (gross)",
            "Revenue per hour over the run, above staying home",
            "Cost (fees and time)",
        ],
    );
    let m = |x: f64| money(cur, x);
    for c in &arm.cohorts {
        let last = &c.years[c.years.len() - 1];
        let revenue = last.cumulative_revenue.mean;
        let hours = last.cumulative_hours.mean;
        let per_hour = if hours > 0.0 {
            revenue / hours
        } else {
            f64::NAN
        };
        let sources = [
            ("repeat_revenue", total(c, |y| y.repeat_revenue.mean)),
            ("direct_revenue", total(c, |y| y.direct_revenue.mean)),
            (
                "referral_revenue_hop1",
                total(c, |y| y.referral_revenue_hop1.mean),
            ),
            (
                "referral_revenue_hop2plus",
                total(c, |y| y.referral_revenue_hop2plus.mean),
            ),
            ("pitch_revenue", total(c, |y| y.pitch_revenue.mean)),
        ];
        let mut row = cohort_row(data, arm, c);
        for (field, x) in sources {
            row.push_str(&cell(field, x, &m(x)));
        }
        row.push_str(&cell("cumulative_revenue", revenue, &m(revenue)));
        row.push_str(&cell("cumulative_hours", hours, &thousands(hours)));
        row.push_str(&cell("revenue_per_hour", per_hour, &m(per_hour)));
        let above = match last.cumulative_revenue_above_baseline {
            Some(a) if hours > 0.0 => a.mean / hours,
            _ => f64::NAN,
        };
        let shown = if above.is_finite() {
            m(above)
        } else {
            "–".to_string()
        };
        row.push_str(&cell("revenue_per_hour_above_baseline", above, &shown));
        row.push_str(&cell(
            "cumulative_cost",
            last.cumulative_cost.mean,
            &m(last.cumulative_cost.mean),
        ));
        row.push_str("</tr>");
        let _ = writeln!(h, "{row}");
    }
    end_table(h);
}

/// Every crossover between cohorts of variant `v`, a sentence each.
fn crossover_list(h: &mut String, data: &RunData, arm: &Arm, v: usize) {
    let cur = &data.scenario.economy.currency;
    let mut sentences = Vec::new();
    for (i, x) in arm.cohorts.iter().enumerate() {
        for y in &arm.cohorts[i + 1..] {
            for (metric, what) in [
                (CUM_REFERRALS, "total referrals".to_string()),
                (NET_ABOVE_HOME, "net value above staying home".to_string()),
                (NET, net_value_words(data, v, cur)),
            ] {
                if let Some((shares, a, b)) = data.crossover(v, &x.name, &y.name, metric) {
                    sentences.push(sentence(&shares.words(a, b, &what)));
                }
            }
        }
    }
    if !sentences.is_empty() {
        html::bullets(h, &sentences);
    }
}

/// Names of the net-value measures in `results.json`.
const NET: &str = "cumulative_net_value";
const NET_ABOVE_HOME: &str = "cumulative_net_value_above_baseline";

/// "net value (revenue minus fees and hours at £40/h)"
fn net_value_words(data: &RunData, variant: usize, cur: &str) -> String {
    let value = data
        .scenario
        .arms()
        .get(variant)
        .map_or(0.0, |(_, s)| s.economy.value_of_time);
    format!(
        "net value (revenue minus fees and hours at {}/h)",
        money(cur, value)
    )
}

/// Hours of contact for a saturating measure `1 − e^(−hours/scale)` to reach
/// `level`.
fn hours_to_reach(scale: f64, level: f64) -> f64 {
    if level >= 1.0 {
        f64::INFINITY
    } else {
        -scale * (1.0 - level).ln()
    }
}

fn network_words(s: &Scenario) -> String {
    let p = &s.population;
    match p.network {
        NetworkKind::Communities => format!(
            "{} communities (districts × trades), {} of each person's ties reaching anywhere",
            p.communities,
            percent(p.long_range)
        ),
        NetworkKind::FriendsOfFriends => format!(
            "grown by friends of friends, {} of a newcomer's ties made at random",
            percent(p.random_share)
        ),
        NetworkKind::SmallWorld => format!(
            "a small world, {} of ties rewired at random",
            percent(p.rewire)
        ),
    }
}

/// The assumptions section: the scenario in plain words with its values,
/// the cohorts' strategies, and what each variant changes.
fn assumptions(h: &mut String, s: &Scenario) {
    html::begin_section(h, "assumptions", "Assumptions");
    let items: Vec<String> =
        [town_and_groups(s), relationships(s), economy(s), markets(s)].concat();
    html::bullets(h, &items);
    cohort_table(h, s);
    variant_list(h, s);
    html::end_section(h);
}

/// The town, its groups and what happens at a meeting.
fn town_and_groups(s: &Scenario) -> Vec<String> {
    let cur = &s.economy.currency;
    let g = &s.groups;
    let r = &s.relationships;
    let format_words = if g.closed() {
        format!(
            "closed: subscription clubs with one seat per profession, {} a year",
            money(cur, g.annual_fee)
        )
    } else {
        format!(
            "open: visitors welcome, and a member visits another group instead of their own {} of weeks",
            percent(g.visit_rate)
        )
    };
    vec![
        format!(
            "Town: {} people in the business community, each with about {} acquaintances, {} of them close; the network is {}.",
            thousands(s.population.size as f64),
            s.population.acquaintances,
            s.population.close_ties,
            network_words(s)
        ),
        format!(
            "Groups: {} groups of {} seats, meeting {}; {}. A meeting costs {} h including travel and {} per attendee.",
            g.count,
            g.seats,
            g.cadence,
            format_words,
            plain(g.meeting_hours),
            money(cur, g.fee_per_meeting)
        ),
        format!(
            "At each meeting everyone gives a {}-second pitch to the room and has {} one-to-one chats of {} minutes; follow-up one-to-ones take {} h plus {} h travel.",
            fixed(g.pitch_seconds, 0),
            g.conversations,
            fixed(g.conversation_hours * 60.0, 0),
            plain(r.one_to_one_hours),
            plain(r.one_to_one_travel_hours)
        ),
    ]
}

/// How people come to know, trust, like and remember each other.
fn relationships(s: &Scenario) -> Vec<String> {
    let r = &s.relationships;
    vec![
        format!(
            "Knowing: someone counts as known (know ≥ {}) after about {} h of contact.",
            r.known_at,
            fixed(hours_to_reach(r.hours_to_know, r.known_at), 1)
        ),
        format!(
            "Trust grows only during hours spent while the two like each other: a tie counts as trusted (trust ≥ {}) after about {} liked hours (hours to trust: {}), and trust halves after {} weeks without contact.",
            r.trusted_at,
            fixed(hours_to_reach(r.hours_to_trust, r.trusted_at), 1),
            plain(r.hours_to_trust),
            fixed(r.trust_half_life_weeks, 0)
        ),
        format!(
            "Liking: first-meeting chemistry averages {} (sd {}) on a scale from −1 to 1; each pitch aimed at someone costs {} of their liking (a pitch to the whole room {} of that); help received adds {}.",
            r.chemistry_mean, r.chemistry_sd, r.pitch_penalty, r.room_pitch_weight, r.help_bonus
        ),
        format!(
            "Memory: recall of someone not seen halves after about {} weeks (average across people).",
            fixed(s.population.traits.memory_half_life_weeks.mean(), 0)
        ),
    ]
}

/// Needs and how they are met, value beyond business, and the value of
/// time.
fn economy(s: &Scenario) -> Vec<String> {
    let cur = &s.economy.currency;
    let e = &s.economy;
    vec![
        format!(
            "Needs: everyone needs a professional service about {} times a year; {} of needs go back to a satisfied previous supplier; a buyer asks {} contacts; names travel up to {} hops; a pitch heard in the last {} weeks wins the job {} of the time; people outside the groups pass names on with generosity {} on average.",
            plain(e.needs_per_year),
            percent(e.repeat_rate),
            e.asks,
            e.max_hops,
            e.pitch_memory_weeks,
            percent(e.pitch_conversion),
            fixed(s.population.traits.generosity.mean(), 2)
        ),
        format!(
            "Value beyond business: up to {} events (advice, suppliers, information, support, feedback) per hour with someone fully trusted and fully generous; a tie becomes a friendship after {} h.",
            plain(e.value_events_per_hour),
            plain(s.relationships.friendship_hours)
        ),
        format!("Time is valued at {} an hour.", money(cur, e.value_of_time)),
    ]
}

/// Each trade's market and introducers, if the scenario has them.
fn markets(s: &Scenario) -> Vec<String> {
    let m = &s.markets;
    if !m.on() {
        return Vec::new();
    }
    vec![
        format!(
            "Each trade has a market: {} of the town, who need it {} times as often as average (everyone else correspondingly less); a pitch heard by someone in the pitcher's market wins a matching need with probability {} at full intensity (others: {}).",
            percent(m.share),
            plain(m.demand),
            plain(m.pitch_conversion),
            plain(s.economy.pitch_conversion)
        ),
        format!(
            "{} of the town introduce each trade: an introducer hears of an acquaintance's need in it with probability {} and may pass on the name of a member of the trade whose pitch they heard, without trusting them. A targeted room brings {} people of the member's market and {} introducers to each meeting of their group.",
            percent(m.introducers),
            plain(m.introducer_touch),
            m.guests,
            m.guest_introducers
        ),
    ]
}

/// Each cohort with its strategy's settings.
fn cohort_table(h: &mut String, s: &Scenario) {
    h.push_str("<table>\n<caption>Cohorts and their strategies</caption>\n<thead><tr><th>Cohort</th><th>Strategy</th><th>Members</th><th>Pitch intensity (0–1)</th><th>Patience</th><th>Chooses to talk to</th><th>One-to-ones per month</th><th>Generosity</th><th>Notices others' needs</th><th>Attendance</th><th>Leaves per year</th></tr></thead>\n<tbody>\n");
    for (name, cohort) in &s.cohorts {
        let Some(st) = s.strategy(&cohort.strategy) else {
            continue;
        };
        let _ = writeln!(
            h,
            "<tr><th>{}</th><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(name),
            escape(&cohort.strategy),
            thousands(cohort.members as f64),
            st.pitch_intensity,
            escape(&patience(st)),
            escape(st.partner_choice.word()),
            st.one_to_ones_per_month,
            st.generosity,
            percent(st.notices_needs),
            percent(st.attendance),
            percent(st.churn_per_year)
        );
    }
    end_table(h);
}

/// The variants, each with the settings it changes.
fn variant_list(h: &mut String, s: &Scenario) {
    if s.variants.is_empty() {
        return;
    }
    h.push_str("<p>Variants, each the scenario above with these changes:</p>\n<ul>\n");
    for v in &s.variants {
        let changes: Vec<String> = v
            .set
            .iter()
            .map(|(k, val)| format!("{k} = {val}"))
            .collect();
        let desc = if v.description.is_empty() {
            String::new()
        } else {
            format!(" — {}", v.description)
        };
        let _ = writeln!(
            h,
            "<li><strong>{}</strong>{}: <code>{}</code></li>",
            escape(&v.name),
            escape(&desc),
            escape(&changes.join(", "))
        );
    }
    h.push_str("</ul>\n");
}

fn patience(st: &Strategy) -> String {
    let rooms = match st.rooms {
        Rooms::General => "",
        Rooms::Targeted => "in rooms their market fills; ",
    };
    let rule = match st.patience_rule {
        PatienceRule::Count if st.patience_meetings == 0 => "stays".to_string(),
        PatienceRule::Count => format!(
            "leaves after {} meeting{} without business, tries another group {} weeks later",
            st.patience_meetings,
            plural(st.patience_meetings as usize),
            st.rejoin_after_weeks
        ),
        PatienceRule::Judgement => format!(
            "leaves a room with absolutely no connection (nobody of their market, no introducer), tries another group {} weeks later",
            st.rejoin_after_weeks
        ),
    };
    format!("{rooms}{rule}")
}

/// The command that reproduces a run, given in the run's own folder: the
/// report may be written in a staging directory and moved, so it names no
/// path but its neighbours'.
pub const REPRODUCE: &str = "netgrow run scenario.toml --out reproduced";

/// The command that redraws charts and report, in the run's folder.
pub const REDRAW: &str = "netgrow plot .";

fn method(h: &mut String, data: &RunData) {
    let md = &data.results.metadata;
    let reps = md.replicates;
    let mut items = vec![
        format!(
            "Every figure is per member, averaged first over a cohort's members within one simulated town and then over the {reps} replicate{} — independent towns built from seed {} and the replicate number.",
            plural(reps as usize),
            md.seed
        ),
        "Bands, whiskers and ± values are 95% confidence intervals for that average (Student's t across replicates): they say how sure the average is, not how much members differ. The outcome-spread chart shows how members differ.".to_string(),
        "A year is 52 weeks and a month 52/12 weeks (month 1 is weeks 1–4). Referrals per month in the tables are a year's referrals ÷ 12; the referral-yield chart shows each month's mean weekly referrals × 52/12.".to_string(),
        "A crossover is the first week from which one cohort's mean running total stays strictly ahead of the other's until the end, given as the month containing it; \u{201c}from the start\u{201d} means the other never led.".to_string(),
        "Return on time is revenue earned since the start ÷ hours spent networking since the start (meetings including travel, and one-to-ones), per replicate, then averaged; the table's revenue per hour divides the mean totals. Cost adds fees and hours at the value of time.".to_string(),
        format!(
            "Separation is measured on the acquaintance network by breadth-first search from {} people.",
            thousands(data.network.separation.sources as f64)
        ),
    ];
    if data.has_variants() {
        items.push("Variants are compared paired: replicate r of every variant simulates the same town with the same random streams, so differences between variants are not noise between towns.".to_string());
    }
    let redraw = format!("\n<p>To redraw the charts and this report from the folder's files alone: <code>{REDRAW}</code>.</p>");
    html::method(
        h,
        &items,
        &html::Reproduction {
            version: &md.netgrow_version,
            scenario_holds: ", including seed, replicates and years",
            command: REPRODUCE,
            then: &redraw,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_threshold_hours_follow_the_saturating_curve() {
        // 1 − e^(−h/8) = 0.5 at h = 8 ln 2.
        assert!((hours_to_reach(8.0, 0.5) - 8.0 * std::f64::consts::LN_2).abs() < 1e-12);
    }
}
