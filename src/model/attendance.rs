//! Who attends which meeting this week.
//!
//! A seated member attends each meeting of their own groups with their
//! strategy's `attendance` probability. In open groups, a member who
//! attends sometimes (`groups.visit_rate`) visits another group meeting
//! the same week instead — any group, drawn uniformly, other than their
//! own. Closed groups take no visitors.

use rand::Rng;
use rand_pcg::Pcg64Mcg;

use super::members::{Group, Member};
use crate::scenario::{Groups, Strategy};

/// This week's meetings: which groups meet, and the groups' settings.
pub(crate) struct ThisWeek<'a> {
    pub week: u32,
    pub settings: &'a Groups,
    pub groups: &'a [Group],
    /// The groups meeting this week, ascending.
    pub meeting: &'a [u32],
}

/// The meetings `member` (following `strategy`) attends this week: calls
/// `attend` with each group whose meeting they attend, in the order of
/// their own groups.
pub(crate) fn meetings_attended(
    member: &Member,
    strategy: &Strategy,
    this_week: &ThisWeek<'_>,
    rng: &mut Pcg64Mcg,
    mut attend: impl FnMut(u32),
) {
    if !member.seated() {
        return;
    }
    let ThisWeek {
        week,
        settings,
        groups,
        meeting,
    } = *this_week;
    let cadence = settings.cadence_weeks();
    let open = !settings.closed();
    for &g in &member.groups {
        if week % cadence != groups[g as usize].offset {
            continue;
        }
        if rng.random::<f64>() >= strategy.attendance {
            continue;
        }
        let mut at = g;
        if open && meeting.len() > 1 && rng.random::<f64>() < settings.visit_rate {
            let other = meeting[rng.random_range(0..meeting.len())];
            if !member.groups.contains(&other) {
                at = other;
            }
        }
        attend(at);
    }
}
