//! Decisions at the end of a week: the patience rule, rejoining, churn.
//!
//! - **Churn**: each week a member leaves networking altogether with the
//!   weekly probability that makes their strategy's `churn_per_year`; a
//!   newcomer of the same cohort takes their slot (so cohort sizes stay
//!   fixed) and looks for seats. The leaver keeps their ties — people
//!   remember them, and they still refer — but no longer attends.
//! - **Patience**: a member whose strategy has `patience_meetings` (0 =
//!   never leave) and who has attended that many meetings in their current
//!   group(s) with no business traced to them — a sale whose buyer or
//!   referrer they first met through networking after joining — leaves
//!   their groups and sits out `rejoin_after_weeks`. A member whose
//!   `patience_rule` is `judgement` instead leaves after a meeting of
//!   their group with absolutely no connection — no other attendee in
//!   their market, no introducer of their trade, no guest — and stays as
//!   long as there is one, business or not.
//! - **Rejoining**: after the break, the member joins another group with a
//!   free seat (see [`super::members::choose_group`]); with none free, they
//!   try again the next week.

use rand::Rng;
use rand_pcg::Pcg64Mcg;

use super::members::Member;
use crate::scenario::{PatienceRule, Strategy};

/// What a member does at the end of a week.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Choice {
    /// Leaves networking; a newcomer of the same cohort takes the slot.
    Churn,
    /// Back from a break: looks for seats again.
    Rejoin,
    /// Out of patience: leaves their groups for a break.
    Leave,
}

/// The weekly probability of leaving networking that makes `strategy`'s
/// yearly churn.
pub(crate) fn weekly_churn(strategy: &Strategy) -> f64 {
    1.0 - (1.0 - strategy.churn_per_year).powf(1.0 / 52.0)
}

/// What `member` (following `strategy`, who churns with probability
/// `weekly_churn` a week) does at the end of `week`, if anything.
pub(crate) fn choose(
    member: &Member,
    strategy: &Strategy,
    weekly_churn: f64,
    week: u32,
    rng: &mut Pcg64Mcg,
) -> Option<Choice> {
    if rng.random::<f64>() < weekly_churn {
        return Some(Choice::Churn);
    }
    if !member.seated() {
        return (week + 1 >= member.away_until).then_some(Choice::Rejoin);
    }
    let out_of_patience = match strategy.patience_rule {
        PatienceRule::Count => {
            strategy.patience_meetings > 0
                && member.meetings_in_group as u64 >= strategy.patience_meetings
                && member.business_since_join == 0
        }
        PatienceRule::Judgement => member.no_connection,
    };
    out_of_patience.then_some(Choice::Leave)
}
