//! The model's rules: what happens to people, ties and members, phase by
//! phase, as the model description (`docs/ODD.md`) sets them out.
//!
//! Each week, in this order:
//! 0. subscriptions falling due ([`members::subscription_due`]);
//! 1. [`attendance`] — who attends which group's meeting;
//! 2. [`meetings`] — round-the-room pitches and one-to-one chats;
//! 3. [`one_to_ones`] — members' follow-ups with people they like;
//! 4. [`needs`] — needs arise across the whole population and are met by
//!    repeat → direct → referral → pitch → market;
//! 5. [`decisions`] — churn, the patience rule, rejoining.
//!
//! What contact does to a tie is in [`contact`] and the formulas of know,
//! like, trust and recall in [`relationships`]; a person's ties are kept
//! in a [`book`]; members and groups are in [`members`]; who buys and
//! introduces each trade is in [`markets`].
//!
//! The rules read and change the town only through the interface in
//! [`town`], which the engine ([`crate::engine`]) implements over its own
//! data layout, and they draw random numbers only from the streams the
//! engine hands them. Nothing here knows how the engine stores, batches or
//! schedules the work.

pub(crate) mod attendance;
pub(crate) mod book;
pub(crate) mod contact;
pub(crate) mod decisions;
pub(crate) mod markets;
pub(crate) mod meetings;
pub(crate) mod members;
pub(crate) mod needs;
pub(crate) mod one_to_ones;
pub mod relationships;
pub(crate) mod town;

use rand::Rng;
use rand_distr::{Distribution, Poisson};
use rand_pcg::Pcg64Mcg;

pub use needs::NeedTally;

/// Rounds `x` up with probability equal to its fractional part, so the mean
/// is kept.
pub(crate) fn stochastic_round(x: f64, rng: &mut Pcg64Mcg) -> u32 {
    let floor = x.floor();
    let up = rng.random::<f64>() < x - floor;
    floor as u32 + u32::from(up)
}

/// A standard normal draw.
pub(crate) fn standard_normal(rng: &mut Pcg64Mcg) -> f64 {
    rand_distr::StandardNormal.sample(rng)
}

/// A Poisson draw; 0 for a rate of 0.
pub(crate) fn poisson(rng: &mut Pcg64Mcg, rate: f64) -> u64 {
    if rate <= 0.0 {
        return 0;
    }
    Poisson::new(rate).map_or(0, |d| d.sample(rng) as u64)
}
