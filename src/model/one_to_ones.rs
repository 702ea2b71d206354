//! One-to-ones: members' follow-up meetings with people they like.
//!
//! A member whose strategy holds `one_to_ones_per_month` meets that many
//! people a month on average (Poisson per week), each for
//! `relationships.one_to_one_hours` plus travel. A partner is one of the
//! current members the member likes, drawn with probability proportional
//! to like × recall; someone who dislikes the member declines.
//!
//! Every member chooses their partners against the ties as they stand when
//! the phase begins; the meetings then take place one by one in slot
//! order, each continuing its member's random stream. So a member with two
//! one-to-ones this week chooses both partners before either meeting.

use rand::Rng;
use rand_pcg::Pcg64Mcg;

use super::book::Book;
use super::contact::Ties;
use super::poisson;
use super::relationships::recall;
use super::town::Town;
use crate::metrics::Metric;
use crate::scenario::Strategy;

/// Draws by rejection before falling back to the full list of candidates
/// (see [`partner`]).
const REJECTION_TRIES: usize = 64;

/// One-to-ones a week that `strategy` holds on average.
pub(crate) fn weekly_rate(strategy: &Strategy) -> f64 {
    strategy.one_to_ones_per_month * (12.0 / 52.0)
}

/// The partners of `person` for this week's one-to-ones, in order, for a
/// member who holds `rate` a week on average (see [`weekly_rate`]).
pub(crate) async fn choose_partners(
    town: &impl Town,
    person: u32,
    rate: f64,
    week: u32,
    rng: &mut Pcg64Mcg,
) -> Vec<u32> {
    let count = poisson(rng, rate);
    let mut partners = Vec::new();
    if count == 0 {
        return partners;
    }
    let Some(book) = town.own_book(person).await else {
        return partners;
    };
    let mut candidates = None;
    for _ in 0..count {
        if let Some(p) = partner(town, person, book, &mut candidates, week, rng).await {
            partners.push(p);
        }
    }
    partners
}

/// The current members `person` likes, weighted by like × recall, in id
/// order.
pub(crate) fn candidates(town: &impl Town, person: u32, book: &Book, week: u32) -> Vec<(u32, f64)> {
    let half_life = town.memory_half_life(person);
    book.iter()
        .filter(|&(o, t)| t.like > 0.0 && town.is_member(o))
        .map(|(o, t)| (o, t.like as f64 * recall(t.idle(week), half_life)))
        .collect()
}

/// A partner for one one-to-one: one of the current members `person`
/// likes, with probability proportional to like × recall, among those who
/// do not dislike `person`.
///
/// Drawn by rejection: a tie picked uniformly is accepted with probability
/// equal to its weight (at most 1), and one who would decline is passed
/// over, which gives exactly those probabilities while looking at a few
/// ties instead of all of them — a networker of some years holds hundreds.
/// Should [`REJECTION_TRIES`] picks all fail (few, faint candidates), the
/// draw is made over the full list of candidates (`candidates`, built once
/// and kept for further draws), with the same probabilities.
pub(crate) async fn partner(
    town: &impl Town,
    person: u32,
    book: &Book,
    candidates: &mut Option<Vec<(u32, f64)>>,
    week: u32,
    rng: &mut Pcg64Mcg,
) -> Option<u32> {
    let starts = book.starts();
    let ties = starts[starts.len() - 1];
    if ties == 0 {
        return None;
    }
    let half_life = town.memory_half_life(person);
    if candidates.is_none() {
        for _ in 0..REJECTION_TRIES {
            let k = rng.random_range(0..ties);
            let Some(&(o, ref t)) = town.tie_at(book, &starts, k).await else {
                break;
            };
            if t.like <= 0.0 || !town.is_member(o) {
                continue;
            }
            let weight = t.like as f64 * recall(t.idle(week), half_life);
            if rng.random::<f64>() < weight && !declines(town, o, person).await {
                return Some(o);
            }
        }
    }
    let candidates = candidates.get_or_insert_with(|| self::candidates(town, person, book, week));
    // Draw by weight; someone who dislikes the asker declines and is
    // struck off before the next draw (the same as leaving them out,
    // without looking up every candidate's view of the asker).
    loop {
        let total: f64 = candidates.iter().map(|c| c.1).sum();
        if total <= 0.0 {
            return None;
        }
        let mut x = rng.random::<f64>() * total;
        let mut chosen = candidates.len() - 1;
        for (i, &(_, w)) in candidates.iter().enumerate() {
            x -= w;
            if x < 0.0 {
                chosen = i;
                break;
            }
        }
        let o = candidates[chosen].0;
        if !declines(town, o, person).await {
            return Some(o);
        }
        candidates.remove(chosen);
    }
}

/// Whether `other` declines a one-to-one with `person`: they do if they
/// dislike them.
async fn declines(town: &impl Town, other: u32, person: u32) -> bool {
    town.networking_tie(other, person)
        .await
        .is_some_and(|back| back.like < 0.0)
}

/// A one-to-one between `a` and `b`: an hour together (and the travel),
/// counted for both.
pub(crate) fn hold(ties: &mut impl Ties, a: u32, b: u32, week: u32, rng: &mut Pcg64Mcg) {
    let s = ties.scenario();
    let hours = s.relationships.one_to_one_hours;
    let spent = hours + s.relationships.one_to_one_travel_hours;
    let cost = spent * s.economy.value_of_time;
    for p in [a, b] {
        ties.credit_person(p, Metric::OneToOnes, 1.0);
        ties.credit_person(p, Metric::Hours, spent);
        ties.credit_person(p, Metric::Cost, cost);
    }
    ties.exchange(a, b, week, hours, rng);
}
