//! Contact between two people who met through networking: the tie each
//! keeps of the other, and what an hour together does to it.
//!
//! Meetings, one-to-ones and sales all change ties in the same few ways —
//! a tie is created with a chemistry draw, contact hours accumulate, a
//! pitch is heard, help is given — so those operations are written once,
//! in [`Contacts`], over "wherever the ties live". The run's own books are
//! one such place ([`Run`]). A meeting held in parallel with other groups'
//! meetings is another: it works on its own attendees' books, lent by the
//! run for the duration, and records what it does to shared state (a
//! member's totals, the trust calendar) as effects applied afterwards in
//! group order ([`crate::groups`]).

use rand::Rng;
use rand_pcg::Pcg64Mcg;

use crate::metrics::Metric;
use crate::relationships::{recall, Crossings, Tie};
use crate::simulation::run::{poisson, standard_normal, Run};

/// Ties a person has formed through networking, and counts kept current.
///
/// Ties are kept in one list per profession of the other person, each
/// sorted by the other's id. Finding a provider in a trade — the question
/// every need asks — is then a walk along one short contiguous list rather
/// than a hash look-up per tie; finding one tie is a binary search in a
/// list of a dozen or so; and, because people are numbered in profession
/// blocks, walking the lists in order visits ties in id order. A city-sized
/// run holds tens of millions of ties, and this layout has no per-tie
/// overhead beyond the list's spare capacity.
#[derive(Clone, Debug, Default)]
pub(crate) struct Book {
    /// `lists[s]`: ties to people of profession `s`, by their id.
    lists: Vec<Vec<(u32, Tie)>>,
    /// The people this person trusts now (flag `trusted` set).
    pub trusted_ids: Vec<u32>,
    pub known: u32,
    pub trusted: u32,
    pub friends: u32,
}

impl Book {
    /// The tie to `other`, of profession `s`.
    pub fn get(&self, other: u32, s: u16) -> Option<&Tie> {
        let list = self.in_profession(s);
        let i = list.binary_search_by_key(&other, |&(o, _)| o).ok()?;
        Some(&list[i].1)
    }

    /// The tie to `other`, of profession `s`, to change.
    pub fn get_mut(&mut self, other: u32, s: u16) -> Option<&mut Tie> {
        let list = self.lists.get_mut(s as usize)?;
        let i = list.binary_search_by_key(&other, |&(o, _)| o).ok()?;
        Some(&mut list[i].1)
    }

    /// The tie to `other`, of profession `s`, made by `new` if there is
    /// none yet.
    pub fn get_or_insert_with(
        &mut self,
        other: u32,
        s: u16,
        new: impl FnOnce() -> Tie,
    ) -> &mut Tie {
        if self.lists.len() <= s as usize {
            self.lists.resize_with(s as usize + 1, Vec::new);
        }
        let list = &mut self.lists[s as usize];
        let i = match list.binary_search_by_key(&other, |&(o, _)| o) {
            Ok(i) => i,
            Err(i) => {
                // Grow by half rather than double: a city-sized run holds
                // tens of millions of ties, and doubling would leave a
                // quarter of their memory unused on average.
                if list.len() == list.capacity() {
                    list.reserve_exact((list.len() / 2).max(4));
                }
                list.insert(i, (other, new()));
                i
            }
        };
        &mut list[i].1
    }

    /// Starts loading where every list of ties is kept: what a walk
    /// through the whole book, or to its `k`-th tie, reads first.
    pub fn prefetch_index(&self) {
        let per_line = (64 / std::mem::size_of::<Vec<(u32, Tie)>>()).max(1);
        for list in self.lists.iter().step_by(per_line) {
            crate::prefetch::prefetch(list);
        }
    }

    /// Starts loading where the list of ties in profession `s` is kept
    /// (see [`crate::prefetch`]).
    pub fn prefetch_list(&self, s: u16) {
        if let Some(list) = self.lists.get(s as usize) {
            crate::prefetch::prefetch(list);
        }
    }

    /// Starts loading the ties in profession `s`, up to `lines` cache lines
    /// of them, once [`Book::prefetch_list`]'s line has arrived.
    pub fn prefetch_ties(&self, s: u16, lines: usize) {
        let ties = self.in_profession(s);
        let per_line = (64 / std::mem::size_of::<(u32, Tie)>()).max(1);
        for tie in ties.iter().step_by(per_line).take(lines) {
            crate::prefetch::prefetch(tie);
        }
    }

    /// Ties to people of profession `s`, by id.
    pub fn in_profession(&self, s: u16) -> &[(u32, Tie)] {
        self.lists.get(s as usize).map_or(&[], Vec::as_slice)
    }

    /// Ties the book has room for without growing.
    #[cfg(test)]
    pub fn capacity(&self) -> usize {
        self.lists.iter().map(Vec::capacity).sum()
    }

    /// Number of ties.
    pub fn len(&self) -> usize {
        self.lists.iter().map(Vec::len).sum()
    }

    /// Where each list starts in id order: the number of ties in the lists
    /// before it, and the whole book's count last. Worked out once, it
    /// finds the `k`-th tie by bisection ([`Book::nth_entry`]) rather than
    /// by a walk over every list's length, for a member drawing one-to-one
    /// partners from a book that does not change while they draw.
    pub fn starts(&self) -> Vec<usize> {
        let mut starts = Vec::with_capacity(self.lists.len() + 1);
        let mut at = 0;
        starts.push(at);
        for list in &self.lists {
            at += list.len();
            starts.push(at);
        }
        starts
    }

    /// Where the `k`-th tie in id order is kept, if there are more than
    /// `k`, given the book's [`Book::starts`]: a reference, so that it can
    /// be requested from memory before it is read.
    pub fn nth_entry(&self, starts: &[usize], k: usize) -> Option<&(u32, Tie)> {
        // The last list starting at or before k; lists after an empty one
        // start where it does, so this is the one that holds k, if any.
        let i = starts.partition_point(|&start| start <= k).checked_sub(1)?;
        self.lists.get(i)?.get(k - starts[i])
    }

    /// Every tie, by the other's id.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Tie)> + '_ {
        self.lists.iter().flatten().map(|(o, t)| (*o, t))
    }
}

/// The four kinds of non-business value an hour with someone can yield.
const VALUE_KINDS: [Metric; 4] = [
    Metric::ValueAdvice,
    Metric::ValueInformation,
    Metric::ValueSupport,
    Metric::ValueFeedback,
];

/// Where ties live, and the operations on them.
pub(crate) trait Contacts<'a> {
    /// The run, for everything contact only reads: the scenario, the
    /// world, the rules, who is a member with which strategy.
    fn run(&self) -> &Run<'a>;

    /// `person`'s book, if they have one here.
    fn book(&self, person: u32) -> Option<&Book>;

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
        let run = self.run();
        let rel = &run.s.relationships;
        let (mean, sd) = (rel.chemistry_mean, rel.chemistry_sd);
        let profession = run.world.people.profession[other as usize];
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

    /// Adds contact hours to `owner`'s view of `other`, in which `owner`
    /// hears `other` pitch at `(intensity, weight)` (see
    /// [`crate::relationships::Rules::hear_pitch`]), and keeps the counts and
    /// the trust calendar current. Returns the tie's hours together and
    /// liking afterwards.
    fn contact(
        &mut self,
        owner: u32,
        other: u32,
        week: u32,
        hours: f64,
        pitch: (f64, f64),
        rng: &mut Pcg64Mcg,
    ) -> (f64, f64) {
        let rules = self.run().rules;
        let tie = self.tie_mut(owner, other, week, rng);
        let c = rules.contact(tie, week, hours);
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

    /// `owner`'s tie to `other` through networking, if they have one: for
    /// questions about the tie itself, without working out trust and
    /// recall.
    fn networking_tie(&self, owner: u32, other: u32) -> Option<&Tie> {
        let profession = self.run().world.people.profession[other as usize];
        self.book(owner)?.get(other, profession)
    }

    /// Current trust and recall of `owner` in `other` through networking,
    /// if they have a tie.
    fn networking_view(&self, owner: u32, other: u32, week: u32) -> Option<(f64, f64, &Tie)> {
        let run = self.run();
        let tie = self.networking_tie(owner, other)?;
        let trust = run.rules.trust(tie, week);
        let rc = recall(
            tie.idle(week),
            run.world.people.memory_half_life[owner as usize],
        );
        Some((trust, rc, tie))
    }

    /// Two people spend `hours` together: both get to know each other, each
    /// hears the other's pitch, and help flows along trust.
    fn exchange(&mut self, a: u32, b: u32, week: u32, hours: f64, rng: &mut Pcg64Mcg) {
        let rules = self.run().rules;
        for (owner, other) in [(a, b), (b, a)] {
            let intensity = self.run().pitch_intensity(other);
            self.contact(owner, other, week, hours, (intensity, 1.0), rng);
        }
        for (receiver, giver) in [(a, b), (b, a)] {
            let trust = self
                .networking_view(receiver, giver, week)
                .map_or(0.0, |(t, _, _)| t);
            let run = self.run();
            let rate = run.s.economy.value_events_per_hour * hours * trust * run.generosity(giver);
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

impl<'a> Contacts<'a> for Run<'a> {
    fn run(&self) -> &Run<'a> {
        self
    }

    fn book(&self, person: u32) -> Option<&Book> {
        // Whether someone holds a book is asked of a bitset that stays in
        // cache, so for the many who never went networking the answer
        // costs no read of the books.
        self.holders
            .contains(person)
            .then(|| &self.books[person as usize])
    }

    fn book_mut(&mut self, person: u32) -> &mut Book {
        self.ensure_book(person);
        &mut self.books[person as usize]
    }

    fn credit_person(&mut self, person: u32, metric: Metric, x: f64) {
        Run::credit_person(self, person, metric, x);
    }

    fn recheck_trust(&mut self, week: u32, owner: u32, other: u32) {
        if let Some(due) = self.calendar.get_mut(week as usize) {
            due.push((owner, other));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tie(week: u32) -> Tie {
        Tie::new(week, 0.1)
    }

    #[test]
    fn an_empty_book_takes_the_64_bytes_the_memory_estimate_counts() {
        // Every person has a place for a book; `crate::resources` counts
        // 64 bytes a person for it.
        assert_eq!(std::mem::size_of::<Book>(), 64);
    }

    #[test]
    fn a_book_finds_each_tie_and_lists_them_in_id_order() {
        let mut book = Book::default();
        // (other, profession): people are numbered in profession blocks.
        let ties = [(42, 2), (7, 0), (30, 1), (5, 0), (44, 2), (31, 1)];
        for (week, &(other, s)) in ties.iter().enumerate() {
            book.get_or_insert_with(other, s, || tie(week as u32));
        }
        // Inserting again keeps the tie already there.
        book.get_or_insert_with(42, 2, || tie(99));
        assert_eq!(book.get(42, 2).map(Tie::first_met), Some(0));
        assert_eq!(book.get(42, 1), None, "wrong profession");
        assert_eq!(book.get(43, 2), None);
        let ids: Vec<u32> = book.iter().map(|(o, _)| o).collect();
        assert_eq!(ids, [5, 7, 30, 31, 42, 44]);
        let accountants: Vec<u32> = book.in_profession(0).iter().map(|&(o, _)| o).collect();
        assert_eq!(accountants, [5, 7]);
        assert!(book.in_profession(9).is_empty());
        book.get_mut(30, 1).unwrap().like = -0.5;
        assert_eq!(book.get(30, 1).unwrap().like, -0.5);
        assert_eq!(book.len(), 6);
        let starts = book.starts();
        let nth: Vec<u32> = (0..6)
            .filter_map(|k| book.nth_entry(&starts, k).map(|&(o, _)| o))
            .collect();
        assert_eq!(nth, ids, "the k-th tie is the k-th in id order");
        assert!(book.nth_entry(&starts, 6).is_none());
    }

    #[test]
    fn a_long_list_grows_by_half_not_double() {
        let mut book = Book::default();
        for other in 0..1000 {
            book.get_or_insert_with(other, 0, || tie(0));
        }
        assert_eq!(book.len(), 1000);
        assert!(book.capacity() < 1000 * 3 / 2 + 4, "{}", book.capacity());
    }
}
