//! How a sweep names its keys and points where people read them: the
//! table printed after a sweep, the report and the charts. Charts name a
//! key by what it means and its unit ("Hours to trust (hours)"), from
//! [`NAMES`]; tables keep the dotted key, which is what a user types.

use super::design::Design;
use super::results::SweepData;

/// The columns that name a point: one per key, or for a one-at-a-time
/// sweep (whose points differ in one key each) the key moved and its value.
pub fn point_header(data: &SweepData) -> Vec<String> {
    if data.manifest.design == Design::Oat {
        vec!["changed".to_string()]
    } else {
        data.manifest
            .keys
            .iter()
            .map(|k| short_key(&k.key))
            .collect()
    }
}

/// The cells of [`point_header`] for point `p`.
pub fn point_cells(data: &SweepData, p: usize) -> Vec<String> {
    let m = &data.manifest;
    let info = &m.points[p];
    if m.design != Design::Oat {
        return info.values.clone();
    }
    let moved = m
        .keys
        .iter()
        .position(|k| Some(&k.key) == info.moves.as_ref());
    vec![match moved {
        Some(k) => format!("{} = {}", short_key(&m.keys[k].key), info.values[k]),
        None => "base".to_string(),
    }]
}

/// The last two parts of a dotted key: `connecting.patience_meetings`.
pub fn short_key(key: &str) -> String {
    let parts: Vec<&str> = key.split('.').collect();
    if parts.len() > 2 {
        parts[parts.len() - 2..].join(".")
    } else {
        key.to_string()
    }
}

/// A scenario key's name for people and its unit, by section and field;
/// `strategies.*` and `cohorts.*` fields are named for any strategy or
/// cohort (the name is added). Units are those of the README's scenario
/// reference.
const NAMES: [(&str, &str, &str, &str); 60] = [
    ("population", "size", "People in town", "people"),
    (
        "population",
        "acquaintances",
        "Acquaintances per person",
        "people",
    ),
    (
        "population",
        "close_ties",
        "Close ties per person",
        "people",
    ),
    ("population", "rewire", "Ties rewired", "probability"),
    ("population", "communities", "Communities", "communities"),
    ("population", "long_range", "Ties anywhere in town", "share"),
    ("population", "random_share", "Ties made at random", "share"),
    ("groups", "count", "Groups in town", "groups"),
    ("groups", "format", "Group format", ""),
    ("groups", "cadence", "Meeting cadence", ""),
    ("groups", "seats", "Seats per group", "members"),
    ("groups", "meeting_hours", "Length of a meeting", "hours"),
    ("groups", "pitch_seconds", "Length of a pitch", "seconds"),
    ("groups", "conversations", "Chats per meeting", "chats"),
    ("groups", "conversation_hours", "Length of a chat", "hours"),
    ("groups", "fee_per_meeting", "Fee per meeting", "currency"),
    ("groups", "annual_fee", "Annual fee", "currency per year"),
    (
        "groups",
        "visit_rate",
        "Visits to other groups",
        "probability",
    ),
    ("relationships", "hours_to_know", "Hours to know", "hours"),
    ("relationships", "hours_to_trust", "Hours to trust", "hours"),
    (
        "relationships",
        "chemistry_mean",
        "Chemistry at a first meeting",
        "like",
    ),
    (
        "relationships",
        "chemistry_sd",
        "Spread of chemistry",
        "like",
    ),
    (
        "relationships",
        "pitch_penalty",
        "Like lost per pitch",
        "like",
    ),
    (
        "relationships",
        "room_pitch_weight",
        "Weight of a pitch round the room",
        "share",
    ),
    (
        "relationships",
        "like_per_hour",
        "Like gained per hour",
        "like per hour",
    ),
    (
        "relationships",
        "help_bonus",
        "Like gained from help",
        "like",
    ),
    (
        "relationships",
        "trust_half_life_weeks",
        "Half-life of trust",
        "weeks",
    ),
    (
        "relationships",
        "close_tie_trust",
        "Trust of a close tie",
        "trust",
    ),
    (
        "relationships",
        "acquaintance_trust",
        "Trust of an acquaintance",
        "trust",
    ),
    (
        "relationships",
        "one_to_one_hours",
        "Length of a one-to-one",
        "hours",
    ),
    (
        "relationships",
        "one_to_one_travel_hours",
        "Travel per one-to-one",
        "hours",
    ),
    (
        "relationships",
        "reciprocity_weight",
        "Reciprocity",
        "per referral",
    ),
    (
        "relationships",
        "friendship_hours",
        "Hours to a friendship",
        "hours",
    ),
    (
        "relationships",
        "known_at",
        "Knowing that counts as known",
        "know",
    ),
    (
        "relationships",
        "trusted_at",
        "Trust that counts as trusted",
        "trust",
    ),
    (
        "relationships",
        "acquaintance_touch",
        "Touch with an acquaintance",
        "probability per week",
    ),
    (
        "economy",
        "needs_per_year",
        "Needs per year",
        "needs per person",
    ),
    ("economy", "repeat_rate", "Repeat purchases", "probability"),
    ("economy", "asks", "Contacts asked for a name", "contacts"),
    ("economy", "max_hops", "Hops a name may travel", "hops"),
    (
        "economy",
        "pitch_conversion",
        "Pitch conversion",
        "probability",
    ),
    (
        "economy",
        "pitch_memory_weeks",
        "Memory of a pitch",
        "weeks",
    ),
    (
        "economy",
        "value_of_time",
        "Value of an hour",
        "currency per hour",
    ),
    (
        "economy",
        "value_events_per_hour",
        "Value events per trusted hour",
        "events per hour",
    ),
    ("strategies", "pitch_intensity", "pitch intensity", "0–1"),
    ("strategies", "patience_meetings", "patience", "meetings"),
    ("strategies", "partner_choice", "choice of partners", ""),
    (
        "strategies",
        "one_to_ones_per_month",
        "one-to-ones",
        "per month",
    ),
    ("strategies", "generosity", "generosity", "probability"),
    (
        "strategies",
        "notices_needs",
        "noticing needs",
        "probability",
    ),
    ("strategies", "groups_per_member", "groups sat in", "groups"),
    ("strategies", "attendance", "attendance", "probability"),
    (
        "strategies",
        "rejoin_after_weeks",
        "rest before rejoining",
        "weeks",
    ),
    (
        "strategies",
        "churn_per_year",
        "churn",
        "probability per year",
    ),
    ("strategies", "stays_home", "stays home", ""),
    ("cohorts", "members", "members", "members"),
    ("cohorts", "strategy", "strategy", ""),
    ("room", "members", "Members in the room", "members"),
    ("room", "networkers", "Networkers in the room", "share"),
    ("focal", "members", "Focal members", "members"),
];

/// A key's name for people, without its unit: "Hours to trust",
/// "Networking: generosity"; a key not in [`NAMES`] by its short dotted
/// form.
pub fn key_name(key: &str) -> String {
    match named(key) {
        Some((name, _)) => name,
        None => short_key(key),
    }
}

/// A key's name with its unit, for an axis: "Hours to trust (hours)".
pub fn key_label(key: &str) -> String {
    match named(key) {
        Some((name, unit)) if !unit.is_empty() => format!("{name} ({unit})"),
        Some((name, _)) => name,
        None => short_key(key),
    }
}

/// The name and unit of a key in [`NAMES`].
fn named(key: &str) -> Option<(String, &'static str)> {
    let parts: Vec<&str> = key.split('.').collect();
    let (section, field) = (parts.first()?, parts.last()?);
    let &(_, _, name, unit) = NAMES
        .iter()
        .find(|(s, f, _, _)| s == section && f == field)?;
    match (parts.len(), *section) {
        (2, "strategies" | "cohorts") => None,
        (2, _) => Some((name.to_string(), unit)),
        (3, "strategies" | "cohorts") => Some((format!("{}: {name}", capitalised(parts[1])), unit)),
        _ => None,
    }
}

fn capitalised(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(f) => f
            .to_uppercase()
            .chain(c)
            .collect::<String>()
            .replace('_', " "),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_named_with_their_units() {
        assert_eq!(
            key_label("relationships.hours_to_trust"),
            "Hours to trust (hours)"
        );
        assert_eq!(
            key_label("strategies.networking.generosity"),
            "Networking: generosity (probability)"
        );
        assert_eq!(
            key_name("strategies.stay_home.pitch_intensity"),
            "Stay home: pitch intensity"
        );
        assert_eq!(key_label("groups.format"), "Group format");
        // Unknown keys keep their short dotted form.
        assert_eq!(
            key_label("population.traits.generosity"),
            "traits.generosity"
        );
        assert_eq!(key_label("strategies.generosity"), "strategies.generosity");
    }
}
