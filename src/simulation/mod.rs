//! One run: a variant of the scenario on one replicate's world, simulated
//! week by week.
//!
//! Each week, in this order (see MODEL.md, "A week"):
//! 1. **attendance** — each member decides which of their groups' meetings
//!    they attend, or (open groups) visits another group instead;
//! 2. **meetings** — round-the-room pitches and one-to-one chats
//!    ([`crate::groups`]), different groups' meetings in parallel, each on
//!    its attendees' own ties ([`contact`]);
//! 3. **one-to-ones** between meetings, partners chosen in parallel against
//!    the ties as the phase begins, the meetings then held in slot order;
//! 4. **needs** arise across the whole population and are resolved by
//!    repeat → direct → referral → pitch → market ([`crate::economy`]);
//! 5. **decisions** — the patience rule, rejoining, churn;
//! 6. **metrics** — one row per cohort.
//!
//! Randomness comes from streams named by (seed, purpose, replicate, week,
//! entity) — never by variant — so every variant of replicate r sees the
//! same world, the same members, the same needs and the same chemistry
//! draws wherever its rules do not diverge (common random numbers), and the
//! result does not depend on thread count.
//!
//! Decisions where MODEL.md leaves room, each a scenario key:
//! - a member's `patience_meetings` counts meetings attended in their current
//!   group(s); "business traced to a group" is a sale whose buyer or referrer
//!   the member first met after joining it (`0` = never leave);
//! - a member who leaves sits out `rejoin_after_weeks`, then joins another
//!   group with a free seat (closed groups: none of their profession);
//! - churn (`churn_per_year`) replaces a member with a new person of the same
//!   cohort, so cohort sizes stay fixed; the leaver keeps their ties (people
//!   remember them, and they still refer) but no longer attends;
//! - non-business value arises from contact: each hour spent with someone
//!   yields Poisson(`value_events_per_hour` × trust in them × their
//!   generosity) events of advice, information, support or feedback; a new
//!   supplier found through a networking tie and a tie passing
//!   `friendship_hours` of liked contact (Hall 2019) count as the other two
//!   kinds.

pub(crate) mod contact;
pub(crate) mod run;

pub(crate) use contact::{Book, Contacts};
pub use run::{
    simulate, Alter, Ego, Link, MemberRecord, NeedTally, RunResult, Stepper, EGO_ALTERS,
};
pub(crate) use run::{Run, NONE};

#[cfg(test)]
mod tests;
