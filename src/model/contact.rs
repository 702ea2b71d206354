//! Contact between two people who met through networking: the tie each
//! keeps of the other, and what time together does to it.
//!
//! Meetings, one-to-ones and sales all change ties in the same few ways —
//! a tie is created with a chemistry draw at first meeting, contact hours
//! accumulate, a pitch is heard, help is given — so those rules are
//! written once, as the provided methods of [`Ties`], over wherever the
//! engine keeps the ties.
//!
//! Non-business value arises from contact: each hour spent with someone
//! yields Poisson(`value_events_per_hour` × trust in them × their
//! generosity) events of advice, information, support or feedback.

use rand::Rng;
use rand_pcg::Pcg64Mcg;

use super::book::Book;
use super::relationships::{recall, Crossings, Tie};
use super::town::{generosity, pitch_intensity, Reads};
use super::{poisson, standard_normal};
use crate::metrics::Metric;

/// How the owner spends contact time with the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exposure {
    /// Time together — a chat, a one-to-one: know, like and trust grow.
    Together,
    /// Listening to their round-the-room pitch: know grows, not liking or
    /// trust.
    Listening,
}

/// The four kinds of non-business value an hour with someone can yield.
const VALUE_KINDS: [Metric; 4] = [
    Metric::ValueAdvice,
    Metric::ValueInformation,
    Metric::ValueSupport,
    Metric::ValueFeedback,
];

/// Where ties live, and the rules of contact over them.
pub(crate) trait Ties: Reads {
    /// `person`'s book, created if they have none yet.
    fn book_mut(&mut self, person: u32) -> &mut Book;

    /// Adds `x` to `person`'s `metric` if they are a member.
    fn credit_person(&mut self, person: u32, metric: Metric, x: f64);

    /// Asks for `owner`'s trust in `other` to be re-checked at `week`, when
    /// it may have decayed below the threshold.
    fn recheck_trust(&mut self, week: u32, owner: u32, other: u32);

    /// `owner`'s tie to `other`, created with a chemistry draw at first
    /// meeting.
    fn tie_mut(&mut self, owner: u32, other: u32, week: u32, rng: &mut Pcg64Mcg) -> &mut Tie {
        let rel = &self.scenario().relationships;
        let (mean, sd) = (rel.chemistry_mean, rel.chemistry_sd);
        let profession = self.world().people.profession[other as usize];
        self.book_mut(owner)
            .get_or_insert_with(other, profession, || {
                let chemistry = mean + sd * standard_normal(rng);
                Tie::new(week, chemistry as f32)
            })
    }

    /// Records threshold crossings of `owner`'s tie to `other`.
    fn crossed(&mut self, owner: u32, other: u32, c: Crossings) {
        if c == Crossings::default() {
            return;
        }
        let book = self.book_mut(owner);
        if c.became_known {
            book.known += 1;
        }
        if c.became_trusted {
            book.trusted += 1;
            book.trusted_ids.push(other);
        }
        if c.became_friend {
            book.friends += 1;
            self.credit_person(owner, Metric::ValueFriends, 1.0);
        }
    }

    /// Adds `hours` of contact of the kind `exposure` to `owner`'s view of
    /// `other`, in which `owner` hears `other` pitch at `(intensity,
    /// weight)` (see [`crate::model::relationships::Rules::hear_pitch`]),
    /// and keeps the counts and the trust calendar current. Returns the
    /// tie's hours together and liking afterwards.
    fn contact(
        &mut self,
        owner: u32,
        other: u32,
        week: u32,
        (hours, exposure): (f64, Exposure),
        pitch: (f64, f64),
        rng: &mut Pcg64Mcg,
    ) -> (f64, f64) {
        let rules = *self.rules();
        let tie = self.tie_mut(owner, other, week, rng);
        let c = match exposure {
            Exposure::Together => rules.contact(tie, week, hours),
            Exposure::Listening => rules.listen(tie, week, hours),
        };
        // A tie that has just become trusted gets one check in the trust
        // calendar, for the week its trust would fall below the threshold
        // without further contact; the check moves itself later if contact
        // has kept the tie trusted meanwhile. (A pitch changes liking, not
        // liked hours, so it does not move that week.)
        let check = if c.became_trusted {
            rules.untrusted_from(tie)
        } else {
            None
        };
        rules.hear_pitch(tie, week, pitch.0, pitch.1);
        let view = (tie.hours as f64, tie.like as f64);
        self.crossed(owner, other, c);
        if let Some(w) = check {
            self.recheck_trust(w, owner, other);
        }
        view
    }

    /// Two people spend `hours` together: both get to know each other, each
    /// hears the other's pitch, and help flows along trust.
    fn exchange(&mut self, a: u32, b: u32, week: u32, hours: f64, rng: &mut Pcg64Mcg) {
        let rules = *self.rules();
        for (owner, other) in [(a, b), (b, a)] {
            let intensity = pitch_intensity(&*self, other);
            self.contact(
                owner,
                other,
                week,
                (hours, Exposure::Together),
                (intensity, 1.0),
                rng,
            );
        }
        for (receiver, giver) in [(a, b), (b, a)] {
            let trust = networking_view(&*self, receiver, giver, week).map_or(0.0, |(t, _)| t);
            let rate = self.scenario().economy.value_events_per_hour
                * hours
                * trust
                * generosity(&*self, giver);
            let events = poisson(rng, rate);
            for _ in 0..events {
                let kind = VALUE_KINDS[rng.random_range(0..VALUE_KINDS.len())];
                self.credit_person(receiver, kind, 1.0);
                let tie = self.tie_mut(receiver, giver, week, rng);
                rules.helped(tie);
            }
        }
    }
}

/// `owner`'s networking tie to `other`, if they have one.
pub(crate) fn networking_tie(town: &(impl Reads + ?Sized), owner: u32, other: u32) -> Option<&Tie> {
    let profession = town.world().people.profession[other as usize];
    town.book(owner)?.get(other, profession)
}

/// Current trust and recall of `owner` in `other` through networking, if
/// they have a tie.
pub(crate) fn networking_view(
    town: &(impl Reads + ?Sized),
    owner: u32,
    other: u32,
    week: u32,
) -> Option<(f64, f64)> {
    let tie = networking_tie(town, owner, other)?;
    let trust = town.rules().trust(tie, week);
    let rc = recall(
        tie.idle(week),
        town.world().people.memory_half_life[owner as usize],
    );
    Some((trust, rc))
}
