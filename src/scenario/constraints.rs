//! Checks that involve several sections: seats for every member, closed
//! groups' one seat per profession, markets for the strategies that look
//! for them, and strategies no cohort follows.

use super::read::{self, Reader};
use super::tree::{Node, Origin, Value};
use super::{built_in_strategies, PatienceRule, Rooms, Scenario};

/// Checks that involve several sections.
pub(super) fn check_constraints(r: &mut Reader, s: &Scenario) {
    let origin = Origin::Default;
    let note = |value: String| Node {
        value: Value::String(value),
        origin: origin.clone(),
    };
    let seats = s.groups.count.saturating_mul(s.groups.seats);
    if seats > s.population.size {
        r.error(
            "groups.count".into(),
            Some(&note(format!("{} × {} seats", s.groups.count, s.groups.seats))),
            format!(
                "expected at most population.size = {} group seats in all (groups.count × groups.seats)",
                s.population.size
            ),
        );
    }
    let members = s.members();
    if members > s.population.size {
        r.error(
            "cohorts".into(),
            Some(&note(format!("{members} members"))),
            format!(
                "expected at most population.size = {} members in all cohorts",
                s.population.size
            ),
        );
    }
    let wanted: u64 = s
        .cohorts
        .iter()
        .map(|(_, c)| {
            let seats = s.strategy(&c.strategy).map_or(1, |st| {
                if st.stays_home {
                    0
                } else {
                    st.groups_per_member
                }
            });
            c.members * seats
        })
        .sum();
    if wanted > seats {
        r.error(
            "cohorts".into(),
            Some(&note(format!("{wanted} seats wanted"))),
            format!(
                "expected members × groups_per_member to fit in the {seats} group seats (groups.count × groups.seats)"
            ),
        );
    }
    if s.groups.closed() && s.groups.seats > s.population.professions.len() as u64 {
        r.error(
            "groups.seats".into(),
            Some(&note(s.groups.seats.to_string())),
            format!(
                "closed groups hold one member per profession: expected at most {} seats (the number of professions)",
                s.population.professions.len()
            ),
        );
    }
    check_markets_for_strategies(r, s, note);
    for (name, c) in &s.cohorts {
        if let Some(st) = s.strategy(&c.strategy) {
            if st.groups_per_member > s.groups.count {
                r.error(
                    format!("strategies.{}.groups_per_member", c.strategy),
                    Some(&note(st.groups_per_member.to_string())),
                    format!(
                        "cohort {name} wants more groups per member than groups.count = {}",
                        s.groups.count
                    ),
                );
            }
        }
    }
}

/// Judgement and targeted rooms look for a member's market and the
/// introducers of their trade: a strategy that uses either in a town
/// without markets would judge every room empty, or fill its rooms with
/// nobody.
fn check_markets_for_strategies(r: &mut Reader, s: &Scenario, note: impl Fn(String) -> Node) {
    let m = &s.markets;
    for (_, c) in &s.cohorts {
        let Some(st) = s.strategy(&c.strategy) else {
            continue;
        };
        let key = |k: &str| format!("strategies.{}.{k}", c.strategy);
        if st.patience_rule == PatienceRule::Judgement && !m.on() {
            r.error(
                key("patience_rule"),
                Some(&note("\"judgement\"".into())),
                "judgement looks for attendees in the member's market or introducers of their trade, and the town has none: expected markets.share or markets.introducers above 0, or patience_rule = \"count\"",
            );
        }
        let guests =
            (m.share > 0.0 && m.guests > 0) || (m.introducers > 0.0 && m.guest_introducers > 0);
        if st.rooms == Rooms::Targeted && !guests {
            r.error(
                key("rooms"),
                Some(&note("\"targeted\"".into())),
                "a targeted room is filled from the member's market and the introducers of their trade, and there would be nobody to fill it: expected markets.share and markets.guests, or markets.introducers and markets.guest_introducers, above 0, or rooms = \"general\"",
            );
        }
    }
}

/// Reports each strategy the scenario defines that no cohort follows — in
/// the base scenario, any variant, or a `cohorts.*.strategy` entry of
/// `[sweep.vary]`. A misspelt `[strategies.networkng]` would otherwise be
/// a new strategy nobody follows, and its values would change nothing.
/// The built-in strategies may go unused.
pub(super) fn check_strategies_used(r: &mut Reader, root: &Node, s: &Scenario) {
    let built_in: Vec<String> = built_in_strategies().into_iter().map(|(n, _)| n).collect();
    let arms: Vec<&Scenario> = std::iter::once(s)
        .chain(s.variants.iter().map(|v| v.resolved.as_ref()))
        .collect();
    let mut used: Vec<String> = arms
        .iter()
        .flat_map(|a| a.cohorts.iter().map(|(_, c)| c.strategy.clone()))
        .collect();
    if let Some(vary) = s.sweep.as_ref().and_then(|t| t.get("vary")) {
        swept_strategies(vary, "", &mut used);
    }
    let mut known = built_in.clone();
    known.extend(used.iter().cloned());
    let mut reported: Vec<&str> = Vec::new();
    for arm in &arms {
        for (name, _) in &arm.strategies {
            if known.contains(name) || reported.contains(&name.as_str()) {
                continue;
            }
            reported.push(name);
            let hint = read::suggest(name, &known)
                .map(|k| format!("did you mean \"{k}\"? "))
                .unwrap_or_default();
            r.error(
                format!("strategies.{name}"),
                strategy_node(root, name),
                format!(
                    "no cohort follows this strategy; {hint}A new strategy must be some cohort's (strategy = \"{}\" in a [cohorts.NAME] table or a variant)",
                    read::shown(name)
                ),
            );
        }
    }
}

/// Strategy names a `[sweep.vary]` table gives to cohorts
/// (`"cohorts.NAME.strategy" = ["networking", "giver"]`), added to `out`.
fn swept_strategies(value: &toml::Value, prefix: &str, out: &mut Vec<String>) {
    let toml::Value::Table(entries) = value else {
        let parts: Vec<&str> = prefix.split('.').map(str::trim).collect();
        if let ["cohorts", _, "strategy"] = parts.as_slice() {
            match value {
                toml::Value::String(spec) => {
                    out.extend(spec.split(',').map(|w| w.trim().to_string()));
                }
                toml::Value::Array(items) => {
                    out.extend(items.iter().filter_map(|v| v.as_str()).map(String::from));
                }
                _ => {}
            }
        }
        return;
    };
    for (key, inner) in entries {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        swept_strategies(inner, &full, out);
    }
}

/// Where strategy `name` is written: its table in `[strategies]`, else the
/// first variant entry that sets one of its keys.
fn strategy_node<'n>(root: &'n Node, name: &str) -> Option<&'n Node> {
    let child = |node: &'n Node, key: &str| match &node.value {
        Value::Table(entries) => entries.iter().find(|(k, _, _)| k == key).map(|(_, _, n)| n),
        _ => None,
    };
    if let Some(node) = child(root, "strategies").and_then(|t| child(t, name)) {
        return Some(node);
    }
    let Some(Node {
        value: Value::Array(variants),
        ..
    }) = child(root, "variants")
    else {
        return None;
    };
    variants.iter().find_map(|v| match &child(v, "set")?.value {
        Value::Table(entries) => entries
            .iter()
            .find(|(k, _, _)| {
                let parts: Vec<&str> = k.split('.').map(str::trim).collect();
                parts.len() >= 2 && parts[0] == "strategies" && parts[1] == name
            })
            .map(|(_, _, n)| n),
        _ => None,
    })
}
