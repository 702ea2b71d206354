//! Reading the sections that describe the town and the experiment:
//! `[simulation]`, `[population]` (with its traits and professions),
//! `[groups]`, `[relationships]`, `[economy]`, `[markets]` and `[output]`.

use super::read::{Check, Reader, Table};
use super::source::char_name;
use super::tree::{Node, Origin, Value};
use super::{
    name_problem, professions, Cadence, ChartFormat, Dist, Domain, Economy, GroupFormat, Groups,
    Markets, NetworkKind, Output, Population, Profession, Relationships, Shape, Simulation, Traits,
    MAX_PEOPLE,
};

/// A duration that fits in a day.
const HOURS_IN_A_DAY: Check = Check::Between(0.0, 24.0, "hours");
/// A fee or a value: zero or more.
const MONEY: Check = Check::NonNegative("currency units");
/// A step in liking, at most the whole scale from −1 to 1.
const LIKE_CHANGE: Check = Check::Between(0.0, 2.0, "like");

pub(super) fn read_simulation(r: &mut Reader, top: &Table<'_>, stem: &str) -> Simulation {
    let t = r.section(top, "simulation");
    let s = Simulation {
        name: r.string(&t, "name", stem),
        description: r.string(&t, "description", ""),
        years: r.int(&t, "years", 5, 1, 100, "years") as u32,
        replicates: r.int(&t, "replicates", 20, 1, 100_000, "replicates") as u32,
        seed: r.seed(&t, "seed", 1),
        baseline: r.bool(&t, "baseline", true),
    };
    if let Some(problem) = name_problem(&s.name) {
        // A name the file did not give comes from the file's name.
        let node = t.get("name").cloned().unwrap_or_else(|| Node {
            value: Value::String(s.name.clone()),
            origin: Origin::Default,
        });
        r.error(t.key("name"), Some(&node), problem);
    }
    r.finish(t);
    s
}

pub(super) fn read_population(r: &mut Reader, top: &Table<'_>) -> Population {
    let t = r.section(top, "population");
    let population = Population {
        size: r.int(&t, "size", 10_000, 2, MAX_PEOPLE, "people"),
        acquaintances: r.int(&t, "acquaintances", 250, 1, MAX_PEOPLE, "people"),
        close_ties: r.int(&t, "close_ties", 15, 0, MAX_PEOPLE, "people"),
        network: r.choice(&t, "network", NetworkKind::SmallWorld),
        rewire: r.f64(&t, "rewire", 0.1, Check::Probability),
        communities: r.int(&t, "communities", 100, 1, MAX_PEOPLE, "communities"),
        long_range: r.f64(&t, "long_range", 0.1, Check::Probability),
        random_share: r.f64(&t, "random_share", 0.5, Check::Probability),
        traits: read_traits(r, &t),
        professions: read_all_professions(r, &t),
    };
    check_network_size(r, &t, &population);
    r.finish(t);
    population
}

/// `[population.traits]`: each trait a number or a distribution.
fn read_traits(r: &mut Reader, population: &Table<'_>) -> Traits {
    let tt = r.section(population, "traits");
    let traits = Traits {
        memory_half_life_weeks: r.dist(
            &tt,
            "memory_half_life_weeks",
            Dist::Drawn(Shape::Lognormal {
                mean: 26.0,
                sd: 13.0,
            }),
            Domain::Positive,
        ),
        generosity: r.dist(
            &tt,
            "generosity",
            Dist::Drawn(Shape::Beta {
                alpha: 2.0,
                beta: 6.0,
            }),
            Domain::Unit,
        ),
        sociability: r.dist(
            &tt,
            "sociability",
            Dist::Drawn(Shape::Lognormal { mean: 1.0, sd: 0.3 }),
            Domain::Positive,
        ),
    };
    r.finish(tt);
    traits
}

/// The professions: `professions` (or the built-in list) and any
/// `extra_professions`, each name once, at least one.
fn read_all_professions(r: &mut Reader, t: &Table<'_>) -> Vec<Profession> {
    let mut professions = match t.get("professions") {
        Some(node) => read_professions(r, node, t.key("professions")),
        None => professions::built_in(),
    };
    if let Some(node) = t.get("extra_professions") {
        professions.extend(read_professions(r, node, t.key("extra_professions")));
    }
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for p in &professions {
        if !seen.insert(&p.name) {
            let key = t.key("professions");
            let value = Node {
                value: Value::String(p.name.clone()),
                origin: t
                    .get("professions")
                    .map_or(Origin::Default, |n| n.origin.clone()),
            };
            r.error(
                key,
                Some(&value),
                "expected each profession name once; this one is listed twice",
            );
        }
    }
    if professions.is_empty() {
        r.error(
            t.key("professions"),
            t.get("professions"),
            "expected at least one profession",
        );
    }
    professions
}

/// Checks that the network fits the town: fewer acquaintances than
/// people, no more close ties than acquaintances, no more communities than
/// people.
fn check_network_size(r: &mut Reader, t: &Table<'_>, p: &Population) {
    let (size, acquaintances, close_ties) = (p.size, p.acquaintances, p.close_ties);
    if size > 0 && acquaintances >= size {
        r.error(
            t.key("acquaintances"),
            t.get("acquaintances"),
            format!("expected fewer acquaintances than people (population.size = {size})"),
        );
    }
    if close_ties > acquaintances {
        if t.get("close_ties").is_some() {
            r.error(
                t.key("close_ties"),
                t.get("close_ties"),
                format!("expected at most population.acquaintances = {acquaintances} close ties"),
            );
        } else {
            r.error(
                t.key("acquaintances"),
                t.get("acquaintances"),
                format!("expected at least population.close_ties = {close_ties} (its default) acquaintances; lower close_ties too"),
            );
        }
    }
    if p.network == NetworkKind::Communities && p.communities > size {
        r.error(
            t.key("communities"),
            t.get("communities"),
            format!("expected at most population.size = {size} communities"),
        );
    }
}

/// An array of professions at `path`; a profession with a problem is left
/// out (and reported).
fn read_professions(r: &mut Reader, node: &Node, path: String) -> Vec<Profession> {
    let items = r.array(
        node,
        path.clone(),
        "an array of tables like { name = \"printer\", demand = 1.0, job_value = 400 }",
    );
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let t = r.table(item, format!("{path}[{i}]"));
        r.require(&t, "name", item, "expected the profession's name");
        let name = r.string(&t, "name", "");
        let demand = r.f64(&t, "demand", 1.0, Check::Positive("relative share"));
        r.require(
            &t,
            "job_value",
            item,
            "expected a value per job, e.g. 1500 or { dist = \"lognormal\", mean = 1500, sd = 600 }",
        );
        let job_value = t
            .get("job_value")
            .and_then(|v| r.dist_node(v, t.key("job_value"), Domain::Positive));
        r.finish(t);
        if let Some(job_value) = job_value {
            if !name.is_empty() {
                out.push(Profession {
                    name,
                    demand,
                    job_value,
                });
            }
        }
    }
    out
}

pub(super) fn read_groups(r: &mut Reader, top: &Table<'_>) -> Groups {
    let t = r.section(top, "groups");
    let g = Groups {
        count: r.int(&t, "count", 20, 1, MAX_PEOPLE, "groups"),
        format: r.choice(&t, "format", GroupFormat::Open),
        cadence: r.choice(&t, "cadence", Cadence::Weekly),
        seats: r.int(&t, "seats", 20, 2, 1000, "seats"),
        meeting_hours: r.f64(&t, "meeting_hours", 2.5, HOURS_IN_A_DAY),
        pitch_seconds: r.f64(
            &t,
            "pitch_seconds",
            60.0,
            Check::Between(0.0, 3600.0, "seconds"),
        ),
        conversations: r.int(&t, "conversations", 5, 0, 100, "chats"),
        conversation_hours: r.f64(&t, "conversation_hours", 0.2, HOURS_IN_A_DAY),
        fee_per_meeting: r.f64(&t, "fee_per_meeting", 12.0, MONEY),
        annual_fee: r.f64(&t, "annual_fee", 0.0, MONEY),
        visit_rate: r.f64(&t, "visit_rate", 0.1, Check::Probability),
    };
    let talk = g.conversations as f64 * g.conversation_hours + g.pitch_seconds / 3600.0;
    if talk > g.meeting_hours {
        r.error(
            t.key("conversations"),
            t.get("conversations").or(t.get("conversation_hours")),
            format!(
                "expected conversations × conversation_hours ({talk:.2} h) to fit in groups.meeting_hours ({} h)",
                g.meeting_hours
            ),
        );
    }
    r.finish(t);
    g
}

pub(super) fn read_relationships(r: &mut Reader, top: &Table<'_>) -> Relationships {
    let t = r.section(top, "relationships");
    let like = Check::Between(-1.0, 1.0, "like (−1 to 1)");
    let rel = Relationships {
        hours_to_know: r.f64(&t, "hours_to_know", 0.5, Check::Positive("hours")),
        hours_to_trust: r.f64(&t, "hours_to_trust", 8.0, Check::Positive("hours")),
        chemistry_mean: r.f64(&t, "chemistry_mean", 0.2, like),
        chemistry_sd: r.f64(&t, "chemistry_sd", 0.25, LIKE_CHANGE),
        pitch_penalty: r.f64(&t, "pitch_penalty", 0.08, LIKE_CHANGE),
        room_pitch_weight: r.f64(&t, "room_pitch_weight", 0.25, Check::Probability),
        like_per_hour: r.f64(
            &t,
            "like_per_hour",
            0.05,
            Check::Between(0.0, 2.0, "like per hour"),
        ),
        help_bonus: r.f64(&t, "help_bonus", 0.1, LIKE_CHANGE),
        trust_half_life_weeks: r.f64(&t, "trust_half_life_weeks", 104.0, Check::Positive("weeks")),
        close_tie_trust: r.f64(&t, "close_tie_trust", 0.6, Check::Probability),
        acquaintance_trust: r.f64(&t, "acquaintance_trust", 0.15, Check::Probability),
        one_to_one_hours: r.f64(&t, "one_to_one_hours", 1.0, HOURS_IN_A_DAY),
        one_to_one_travel_hours: r.f64(&t, "one_to_one_travel_hours", 0.5, HOURS_IN_A_DAY),
        reciprocity_weight: r.f64(
            &t,
            "reciprocity_weight",
            0.5,
            Check::NonNegative("per referral"),
        ),
        friendship_hours: r.f64(&t, "friendship_hours", 50.0, Check::Positive("hours")),
        known_at: r.f64(&t, "known_at", 0.5, Check::Probability),
        trusted_at: r.f64(&t, "trusted_at", 0.5, Check::Probability),
        acquaintance_touch: r.f64(&t, "acquaintance_touch", 0.1, Check::Probability),
    };
    r.finish(t);
    rel
}

pub(super) fn read_economy(r: &mut Reader, top: &Table<'_>) -> Economy {
    let t = r.section(top, "economy");
    let e = Economy {
        needs_per_year: r.f64(
            &t,
            "needs_per_year",
            4.0,
            Check::Between(0.0, 520.0, "needs per year"),
        ),
        repeat_rate: r.f64(&t, "repeat_rate", 0.6, Check::Probability),
        asks: r.int(&t, "asks", 3, 0, 100, "contacts"),
        max_hops: r.int(&t, "max_hops", 2, 1, 6, "hops"),
        pitch_conversion: r.f64(&t, "pitch_conversion", 0.02, Check::Probability),
        pitch_memory_weeks: r.int(&t, "pitch_memory_weeks", 8, 0, 520, "weeks"),
        value_of_time: r.f64(
            &t,
            "value_of_time",
            40.0,
            Check::NonNegative("currency units per hour"),
        ),
        currency: r.string(&t, "currency", "£"),
        value_events_per_hour: r.f64(
            &t,
            "value_events_per_hour",
            0.25,
            Check::Between(0.0, 100.0, "events per hour"),
        ),
    };
    r.finish(t);
    e
}

pub(super) fn read_markets(r: &mut Reader, top: &Table<'_>) -> Markets {
    let t = r.section(top, "markets");
    let m = Markets {
        share: r.f64(&t, "share", 0.0, Check::Probability),
        demand: r.f64(
            &t,
            "demand",
            1.0,
            Check::Between(0.0, 1000.0, "times the town's average"),
        ),
        introducers: r.f64(&t, "introducers", 0.0, Check::Probability),
        introducer_touch: r.f64(&t, "introducer_touch", 0.25, Check::Probability),
        guests: r.int(&t, "guests", 10, 0, 1000, "people"),
        guest_introducers: r.int(&t, "guest_introducers", 2, 0, 1000, "people"),
        pitch_conversion: r.f64(&t, "pitch_conversion", 0.1, Check::Probability),
    };
    if m.share * m.demand > 1.0 {
        r.error(
            t.key("demand"),
            t.get("demand"),
            format!(
                "expected at most 1 / markets.share = {:.2}: the market for a trade cannot have more than all of its needs (share × demand ≤ 1)",
                1.0 / m.share
            ),
        );
    }
    r.finish(t);
    m
}

pub(super) fn read_output(r: &mut Reader, top: &Table<'_>) -> Output {
    let t = r.section(top, "output");
    let o = Output {
        dir: r.string(&t, "dir", "output"),
        charts: r.bool(&t, "charts", true),
        chart_format: r.choice(&t, "chart_format", ChartFormat::Both),
    };
    if o.dir.trim().is_empty() {
        r.error(t.key("dir"), t.get("dir"), "expected a directory path");
    } else if let Some(c) = o.dir.chars().find(|c| c.is_control()) {
        r.error(
            t.key("dir"),
            t.get("dir"),
            format!(
                "expected a directory path without control characters; found {}",
                char_name(c)
            ),
        );
    }
    r.finish(t);
    o
}
