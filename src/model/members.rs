//! Members and groups: who sits where, and what a member's record holds.
//!
//! A *member slot* is one seat in a cohort, held by one person at a time:
//! when a member churns out, a newcomer of the same cohort takes the slot,
//! so cohort sizes stay fixed. The slot's record carries what the weekly
//! rules ask of a member — their groups, whether they are on a break, the
//! patience count — and their running totals for the outputs.

use rand::Rng;
use rand_pcg::Pcg64Mcg;

use crate::metrics::Row;

/// Marks "no such person, slot or group".
pub(crate) const NONE: u32 = u32::MAX;

/// `away_until` of a member who never joins a group (they stay home).
pub(crate) const NEVER: u32 = u32::MAX - 1;

/// A member slot and the record of the person holding it.
#[derive(Clone, Debug)]
pub(crate) struct Member {
    pub person: u32,
    pub cohort: u16,
    /// Groups the member sits in now.
    pub groups: Vec<u32>,
    /// Week from which a member who left may rejoin; `NONE` while seated.
    pub away_until: u32,
    /// The group left last, not to be rejoined straight away.
    pub last_group: u32,
    /// Week the member joined their current group(s).
    pub joined_week: u32,
    /// Meetings attended in the current group(s).
    pub meetings_in_group: u32,
    /// Sales traced to the current group(s).
    pub business_since_join: u32,
    /// The last meeting of their own group held absolutely no connection
    /// (nobody in their market, no introducer of their trade).
    pub no_connection: bool,
    /// Week this person became a member.
    pub since: u32,
    /// Totals since joining, for `members.csv`.
    pub totals: Row,
    /// Totals during the final simulated year.
    pub final_year: Row,
}

impl Member {
    /// A new member of `cohort`, not yet seated.
    pub fn new(person: u32, cohort: u16, since: u32) -> Member {
        Member {
            person,
            cohort,
            groups: Vec::new(),
            away_until: 0,
            last_group: NONE,
            joined_week: 0,
            meetings_in_group: 0,
            business_since_join: 0,
            no_connection: false,
            since,
            totals: Row::default(),
            final_year: Row::default(),
        }
    }

    /// Whether the member sits in a group now (not on a break, not
    /// waiting for a seat).
    pub fn seated(&self) -> bool {
        self.away_until == NONE
    }
}

/// The subscription the member pays in `week` for their seats: a year's
/// `annual_fee` per group, on the week they take their seats and every 52
/// weeks after while they keep them. A member who leaves within the year
/// has paid for it.
pub(crate) fn subscription_due(member: &Member, week: u32, annual_fee: f64) -> f64 {
    let due =
        member.seated() && week >= member.joined_week && (week - member.joined_week) % 52 == 0;
    if due {
        annual_fee * member.groups.len() as f64
    } else {
        0.0
    }
}

/// A networking group.
#[derive(Clone, Debug)]
pub(crate) struct Group {
    /// Member slots seated here.
    pub seated: Vec<u32>,
    /// Meets in weeks where `week % cadence == offset`.
    pub offset: u32,
}

/// The next group `member` joins, if any has room for them: drawn
/// uniformly from the groups with a free seat (`free`, ascending) that are
/// not already theirs, not the one they left last and — in closed groups,
/// one seat per profession — where nobody of their profession sits
/// (`profession_taken`).
pub(crate) fn choose_group(
    free: &[u32],
    member: &Member,
    closed: bool,
    profession_taken: impl Fn(u32) -> bool,
    rng: &mut Pcg64Mcg,
) -> Option<u32> {
    if closed {
        let eligible: Vec<u32> = free
            .iter()
            .copied()
            .filter(|&g| {
                !member.groups.contains(&g) && g != member.last_group && !profession_taken(g)
            })
            .collect();
        if eligible.is_empty() {
            return None;
        }
        Some(eligible[rng.random_range(0..eligible.len())])
    } else {
        let excluded: Vec<u32> = member
            .groups
            .iter()
            .copied()
            .chain(std::iter::once(member.last_group))
            .collect();
        pick_free(free, &excluded, rng)
    }
}

/// A group drawn uniformly from `free` (groups with a
/// free seat, ascending) other than those in `excluded` (their own groups
/// and the one they left last), or `None` if there is none.
///
/// The same draw as listing the eligible groups in order and picking one
/// at random, but found by skipping the few excluded positions rather than
/// listing thousands of groups for every member who changes group.
fn pick_free(free: &[u32], excluded: &[u32], rng: &mut Pcg64Mcg) -> Option<u32> {
    let mut skip: Vec<usize> = excluded
        .iter()
        .filter_map(|g| free.binary_search(g).ok())
        .collect();
    skip.sort_unstable();
    skip.dedup();
    let eligible = free.len() - skip.len();
    if eligible == 0 {
        return None;
    }
    let mut at = rng.random_range(0..eligible);
    for &p in &skip {
        if p <= at {
            at += 1;
        }
    }
    Some(free[at])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::streams::{self, Purpose};
    use proptest::prelude::{any, prop_assert_eq, proptest};

    proptest! {
        #[test]
        fn picking_a_free_group_equals_picking_from_the_eligible_list(
            groups in proptest::collection::btree_set(0u32..60, 0..40),
            excluded in proptest::collection::vec(0u32..60, 0..4),
            seed in any::<u64>(),
        ) {
            let free: Vec<u32> = groups.into_iter().collect();
            let eligible: Vec<u32> =
                free.iter().copied().filter(|g| !excluded.contains(g)).collect();
            let mut a = streams::stream(seed, Purpose::Membership, &[]);
            let mut b = a.clone();
            let expected =
                (!eligible.is_empty()).then(|| eligible[a.random_range(0..eligible.len())]);
            prop_assert_eq!(pick_free(&free, &excluded, &mut b), expected);
        }
    }
}
