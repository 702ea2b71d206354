//! Reading who the members are and how they behave: `[strategies]`,
//! `[cohorts]`, or `[room]` with `[focal]`.

use super::choices::{BuiltIn, Choice};
use super::defaults::default_cohorts;
use super::read::{self, Check, Reader, Table};
use super::tree::Value;
use super::{built_in_strategies, Cohort, Focal, Room, Strategy, MAX_PEOPLE};

pub(super) fn read_strategies(r: &mut Reader, top: &Table<'_>) -> Vec<(String, Strategy)> {
    let mut strategies = built_in_strategies();
    let t = r.section(top, "strategies");
    for (name, _, node) in t.entries() {
        let st = r.table(node, t.key(name));
        let base = base_strategy(r, &st, name, &strategies);
        let s = read_strategy(r, &st, &base);
        r.finish(st);
        match strategies.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = s,
            None => strategies.push((name.clone(), s)),
        }
    }
    r.finish(t);
    strategies
}

/// The values strategy `name` starts from: its own, if it is already
/// defined (a built-in one changed), else those of the strategy it is
/// `based_on`, as defined so far.
fn base_strategy(
    r: &mut Reader,
    st: &Table<'_>,
    name: &str,
    strategies: &[(String, Strategy)],
) -> Strategy {
    let defined = |name: &str| {
        strategies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s.clone())
    };
    defined(name).unwrap_or_else(|| {
        let based_on = r.choice(st, "based_on", BuiltIn::Networking);
        defined(based_on.word()).unwrap_or_else(|| based_on.strategy())
    })
}

/// A strategy's table `st`, each key absent taken from `base`.
fn read_strategy(r: &mut Reader, st: &Table<'_>, base: &Strategy) -> Strategy {
    Strategy {
        pitch_intensity: r.f64(
            st,
            "pitch_intensity",
            base.pitch_intensity,
            Check::Probability,
        ),
        patience_meetings: r.int(
            st,
            "patience_meetings",
            base.patience_meetings,
            0,
            10_000,
            "meetings",
        ),
        patience_rule: r.choice(st, "patience_rule", base.patience_rule),
        rooms: r.choice(st, "rooms", base.rooms),
        partner_choice: r.choice(st, "partner_choice", base.partner_choice),
        one_to_ones_per_month: r.f64(
            st,
            "one_to_ones_per_month",
            base.one_to_ones_per_month,
            Check::Between(0.0, 30.0, "one-to-ones per month"),
        ),
        generosity: r.f64(st, "generosity", base.generosity, Check::Probability),
        notices_needs: r.f64(st, "notices_needs", base.notices_needs, Check::Probability),
        groups_per_member: r.int(
            st,
            "groups_per_member",
            base.groups_per_member,
            1,
            10,
            "groups",
        ),
        attendance: r.f64(st, "attendance", base.attendance, Check::Probability),
        rejoin_after_weeks: r.int(
            st,
            "rejoin_after_weeks",
            base.rejoin_after_weeks,
            0,
            520,
            "weeks",
        ),
        churn_per_year: r.f64(
            st,
            "churn_per_year",
            base.churn_per_year,
            Check::Probability,
        ),
        stays_home: r.bool(st, "stays_home", base.stays_home),
    }
}

fn read_cohorts(
    r: &mut Reader,
    top: &Table<'_>,
    strategies: &[(String, Strategy)],
) -> Vec<(String, Cohort)> {
    let Some(node) = top.get("cohorts") else {
        return default_cohorts();
    };
    let t = r.table(node, "cohorts".to_string());
    let names: Vec<&str> = strategies.iter().map(|(n, _)| n.as_str()).collect();
    let mut cohorts = Vec::new();
    for (name, _, node) in t.entries() {
        let ct = r.table(node, t.key(name));
        let default_strategy = if names.contains(&name.as_str()) {
            name.as_str()
        } else {
            ""
        };
        if default_strategy.is_empty() {
            let expected = format!("expected the name of a strategy ({})", names.join(", "));
            r.require(&ct, "strategy", node, &expected);
        }
        let strategy = r.string(&ct, "strategy", default_strategy);
        if !strategy.is_empty() && !names.contains(&strategy.as_str()) {
            let hint = read::suggest(&strategy, &names)
                .map(|s| format!("; did you mean \"{s}\"?"))
                .unwrap_or_default();
            r.error(
                ct.key("strategy"),
                ct.get("strategy"),
                format!("expected one of the strategies {}{hint}", names.join(", ")),
            );
        }
        let members = r.int(&ct, "members", 200, 0, MAX_PEOPLE, "members");
        let followed = r.bool(&ct, "followed", false);
        r.finish(ct);
        cohorts.push((
            name.clone(),
            Cohort {
                strategy,
                members,
                followed,
            },
        ));
    }
    if cohorts.is_empty() {
        r.error(
            "cohorts".into(),
            Some(node),
            "expected at least one cohort, e.g. [cohorts.networking] members = 200",
        );
    }
    r.finish(t);
    cohorts
}

/// The members: from `[cohorts]` (or the default cohorts), or from
/// `[room]` and `[focal]`, with the room and the focal design if given.
pub(super) fn read_members(
    r: &mut Reader,
    top: &Table<'_>,
    strategies: &[(String, Strategy)],
) -> (Vec<(String, Cohort)>, Option<Room>, Option<Focal>) {
    if top.get("room").is_none() && top.get("focal").is_none() {
        return (read_cohorts(r, top, strategies), None, None);
    }
    if let Some(node) = top.get("cohorts") {
        r.error(
            "cohorts".into(),
            Some(node),
            "a scenario gives its members either as [cohorts] or as [room] (with [focal]), not both",
        );
    }
    let room = read_room(r, top);
    let focal = top
        .get("focal")
        .is_some()
        .then(|| read_focal(r, top, strategies));
    let mut cohorts = Vec::new();
    if let Some(f) = &focal {
        cohorts.push((
            "focal".to_string(),
            Cohort {
                strategy: f.strategy.clone(),
                members: f.members,
                followed: true,
            },
        ));
    }
    let networking = room.networking();
    for (name, members) in [
        ("connecting", room.members - networking),
        ("networking", networking),
    ] {
        cohorts.push((
            name.to_string(),
            Cohort {
                strategy: name.to_string(),
                members,
                followed: false,
            },
        ));
    }
    (cohorts, Some(room), focal)
}

fn read_room(r: &mut Reader, top: &Table<'_>) -> Room {
    let t = r.section(top, "room");
    let room = Room {
        members: r.int(&t, "members", 400, 0, MAX_PEOPLE, "members"),
        networkers: r.f64(&t, "networkers", 0.5, Check::Probability),
    };
    r.finish(t);
    room
}

fn read_focal(r: &mut Reader, top: &Table<'_>, strategies: &[(String, Strategy)]) -> Focal {
    let t = r.section(top, "focal");
    let names: Vec<&str> = strategies.iter().map(|(n, _)| n.as_str()).collect();
    let members = r.int(&t, "members", 20, 1, MAX_PEOPLE, "members");
    let arms = words(r, &t, "arms", &["networking", "connecting", "stay_home"]);
    for arm in &arms {
        if !names.contains(&arm.as_str()) {
            strategy_unknown(r, &t, "arms", arm, &names);
        }
    }
    let culture = shares(r, &t, "culture", &[0.0, 0.25, 0.5, 0.75, 1.0]);
    let first = arms.first().cloned().unwrap_or_default();
    let strategy = r.string(&t, "strategy", &first);
    if !names.contains(&strategy.as_str()) {
        strategy_unknown(r, &t, "strategy", &strategy, &names);
    }
    r.finish(t);
    Focal {
        members,
        strategy,
        arms,
        culture,
    }
}

/// Reports `name`, given at `table.key`, as no strategy, with the nearest.
fn strategy_unknown(
    r: &mut Reader,
    table: &Table<'_>,
    key: &'static str,
    name: &str,
    names: &[&str],
) {
    let hint = read::suggest(name, names)
        .map(|s| format!("; did you mean \"{s}\"?"))
        .unwrap_or_default();
    r.error(
        table.key(key),
        table.get(key),
        format!(
            "expected the name of a strategy ({}){hint}, found \"{}\"",
            names.join(", "),
            read::shown(name)
        ),
    );
}

/// A non-empty list of distinct strategy names at `table.key`, or
/// `default`.
fn words(r: &mut Reader, table: &Table<'_>, key: &'static str, default: &[&str]) -> Vec<String> {
    let default: Vec<String> = default.iter().map(|w| w.to_string()).collect();
    let word = |v: &Value| match v {
        Value::String(w) => Some(w.clone()),
        _ => None,
    };
    list(r, (table, key), default, word, "expected a list of distinct strategy names, e.g. [\"networking\", \"connecting\", \"stay_home\"]")
}

/// A non-empty list of distinct shares (0 to 1) at `table.key`, or
/// `default`.
fn shares(r: &mut Reader, table: &Table<'_>, key: &'static str, default: &[f64]) -> Vec<f64> {
    let share = |v: &Value| match *v {
        Value::Integer(n) if (0..=1).contains(&n) => Some(n as f64),
        Value::Float(x) if (0.0..=1.0).contains(&x) => Some(x),
        _ => None,
    };
    list(
        r,
        (table, key),
        default.to_vec(),
        share,
        "expected a list of distinct shares between 0 and 1, e.g. [0, 0.25, 0.5, 0.75, 1]",
    )
}

/// A non-empty list of distinct items at `table.key`, each read by `item`;
/// `default` if absent, or if it is not such a list (reported as not
/// `expected`).
fn list<T: PartialEq>(
    r: &mut Reader,
    (table, key): (&Table<'_>, &'static str),
    default: Vec<T>,
    item: impl Fn(&Value) -> Option<T>,
    expected: &str,
) -> Vec<T> {
    let Some(node) = table.get(key) else {
        return default;
    };
    let items = match &node.value {
        Value::Array(items) => items
            .iter()
            .map(|i| item(&i.value))
            .collect::<Option<Vec<T>>>(),
        _ => None,
    };
    match items {
        Some(list) if !list.is_empty() && distinct(&list) => list,
        _ => {
            r.error(table.key(key), Some(node), expected);
            default
        }
    }
}

fn distinct<T: PartialEq>(items: &[T]) -> bool {
    items
        .iter()
        .enumerate()
        .all(|(i, a)| items[..i].iter().all(|b| b != a))
}
