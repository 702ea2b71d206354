//! What a scenario holds when its file says nothing: the built-in
//! strategies, the default cohorts, groups and outputs.

use super::choices::{BuiltIn, Choice, PartnerChoice, PatienceRule, Rooms};
use super::read::{Reader, Table};
use super::read_sections::{read_groups, read_output};
use super::tree::{Node, Origin, Value};
use super::{Cohort, Groups, Output, Strategy};

/// The strategies every scenario starts with, by name.
pub fn built_in_strategies() -> Vec<(String, Strategy)> {
    BuiltIn::ALL
        .iter()
        .map(|b| (b.word().to_string(), b.strategy()))
        .collect()
}

impl BuiltIn {
    /// The strategy's values. They follow the essay: connecting pitches
    /// hard, gives little and leaves after two meetings without business;
    /// networking pitches little, gives, follows up and stays; staying home
    /// is never joining a group at all (the baseline: the same person, going
    /// about their business).
    pub fn strategy(self) -> Strategy {
        match self {
            BuiltIn::Connecting => Strategy {
                pitch_intensity: 1.0,
                patience_meetings: 2,
                patience_rule: PatienceRule::Count,
                rooms: Rooms::General,
                partner_choice: PartnerChoice::Strangers,
                one_to_ones_per_month: 0.0,
                generosity: 0.05,
                notices_needs: 0.0,
                groups_per_member: 1,
                attendance: 0.9,
                rejoin_after_weeks: 4,
                churn_per_year: 0.15,
                stays_home: false,
            },
            BuiltIn::Networking => Strategy {
                pitch_intensity: 0.1,
                patience_meetings: 0,
                patience_rule: PatienceRule::Count,
                rooms: Rooms::General,
                partner_choice: PartnerChoice::Mixed,
                one_to_ones_per_month: 2.0,
                generosity: 0.6,
                notices_needs: 0.5,
                groups_per_member: 1,
                attendance: 0.9,
                rejoin_after_weeks: 4,
                churn_per_year: 0.15,
                stays_home: false,
            },
            BuiltIn::StayHome => Strategy {
                pitch_intensity: 0.0,
                patience_meetings: 0,
                patience_rule: PatienceRule::Count,
                rooms: Rooms::General,
                partner_choice: PartnerChoice::Mixed,
                one_to_ones_per_month: 0.0,
                generosity: 0.0,
                notices_needs: 0.0,
                groups_per_member: 1,
                attendance: 0.0,
                rejoin_after_weeks: 0,
                churn_per_year: 0.0,
                stays_home: true,
            },
        }
    }
}

/// The groups of a scenario that says nothing of them.
pub fn default_groups() -> Groups {
    read_from_nothing(read_groups)
}

/// The outputs of a scenario that says nothing of them.
pub fn default_output() -> Output {
    read_from_nothing(read_output)
}

/// What `read` makes of an empty document: every default.
fn read_from_nothing<T>(read: fn(&mut Reader, &Table<'_>) -> T) -> T {
    let mut r = Reader::default();
    let root = Node::empty_table();
    let top = r.table(&root, String::new());
    read(&mut r, &top)
}

/// The cohorts of a scenario without a `[cohorts]` section.
pub(super) fn default_cohorts() -> Vec<(String, Cohort)> {
    ["connecting", "networking"]
        .iter()
        .map(|name| {
            (
                name.to_string(),
                Cohort {
                    strategy: name.to_string(),
                    members: 200,
                    followed: false,
                },
            )
        })
        .collect()
}

/// Writes the default cohorts into a document without a `[cohorts]`
/// section, so that `--set cohorts.networking.members=…` changes one of
/// them rather than replacing both with a cohort of its own.
pub(super) fn with_default_cohorts(root: &mut Node) {
    let Value::Table(sections) = &mut root.value else {
        return;
    };
    if sections
        .iter()
        .any(|(k, _, _)| k == "cohorts" || k == "room" || k == "focal")
    {
        return;
    }
    let node = |value| Node {
        value,
        origin: Origin::Default,
    };
    let cohorts = default_cohorts()
        .into_iter()
        .map(|(name, c)| {
            let entries = vec![
                (
                    "strategy".to_string(),
                    Origin::Default,
                    node(Value::String(c.strategy)),
                ),
                (
                    "members".to_string(),
                    Origin::Default,
                    node(Value::Integer(i128::from(c.members))),
                ),
            ];
            (name, Origin::Default, node(Value::Table(entries)))
        })
        .collect();
    sections.push((
        "cohorts".to_string(),
        Origin::Default,
        node(Value::Table(cohorts)),
    ));
}
