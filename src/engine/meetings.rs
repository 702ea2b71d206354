//! The meetings phase: different groups' meetings held in parallel
//! ([`crate::model::meetings`] has the rules).
//!
//! Meetings are scheduled in waves: a meeting joins the first wave after
//! every earlier (lower-numbered) meeting it shares an attendee with (a
//! member in two groups, or visiting). Meetings of a wave share nobody, so
//! they run in parallel, each on its attendees' own books, lent by the run
//! for the duration; what a meeting does to shared state — members'
//! totals, the trust calendar — is recorded as effects and applied at the
//! end in group order. The outcome is exactly that of holding the
//! meetings one after another in group order, whatever the number of
//! threads.

use rayon::prelude::*;

use super::prefetch::{self, prefetch, prefetch_first};
use super::reads::prefetch_credits;
use super::Run;
use crate::metrics::Metric;
use crate::model::book::Book;
use crate::model::contact::Ties;
use crate::model::markets::Markets;
use crate::model::meetings;
use crate::model::relationships::Rules;
use crate::model::town::{Ledger, Reads};
use crate::population::World;
use crate::scenario::{PatienceRule, Rooms, Scenario, Strategy};
use crate::streams::{self, Purpose};

/// Cache lines of one list of ties requested ahead of a meeting: enough
/// for the lists of a few dozen ties that most members have per trade.
const PREFETCH_LINES: usize = 16;

/// What a meeting does to state outside its attendees' books, in the order
/// it happened.
#[derive(Clone, Copy, Debug)]
enum Effect {
    /// The member in this slot attended (hours, fees, patience count).
    Attended(u32),
    /// A member's metric grows.
    Credit(u32, Metric, f64),
    /// The tie (owner → other) needs a trust check in this week.
    Recheck(u32, u32, u32),
}

/// One group's meeting, held on its attendees' own books.
struct Meeting<'r, 'a, 'b> {
    run: &'r Run<'a>,
    /// The distinct attendees, in the order they attend, and their books,
    /// lent by the run.
    owners: Vec<u32>,
    books: Vec<&'b mut Book>,
    /// Where the next book asked for probably is: round the room asks for
    /// the listeners' books in the order they attend, so looking there
    /// first finds most of them at once.
    next: std::cell::Cell<usize>,
    effects: Vec<Effect>,
}

impl Meeting<'_, '_, '_> {
    /// Where `person`'s book is among the lent ones, if they attend.
    fn place(&self, person: u32) -> Option<usize> {
        let guess = self.next.get();
        let at = if self.owners.get(guess) == Some(&person) {
            guess
        } else {
            self.owners.iter().position(|&o| o == person)?
        };
        self.next.set(at + 1);
        Some(at)
    }
}

impl Reads for Meeting<'_, '_, '_> {
    fn scenario(&self) -> &Scenario {
        self.run.s
    }

    fn world(&self) -> &World {
        self.run.world
    }

    fn rules(&self) -> &Rules {
        &self.run.rules
    }

    fn strategy_of(&self, person: u32) -> Option<&Strategy> {
        self.run.strategy_of(person)
    }

    fn book(&self, person: u32) -> Option<&Book> {
        Some(self.books[self.place(person)?])
    }

    fn markets(&self) -> &Markets {
        &self.run.markets
    }
}

impl Ties for Meeting<'_, '_, '_> {
    fn book_mut(&mut self, person: u32) -> &mut Book {
        // Contact at a meeting is only ever between its attendees, and every
        // attendee's book was brought along.
        let i = self
            .place(person)
            .expect("contact at a meeting is between attendees");
        self.books[i]
    }

    fn credit_person(&mut self, person: u32, metric: Metric, x: f64) {
        if let Some(slot) = self.run.membership.slot_of(person) {
            self.effects.push(Effect::Credit(slot, metric, x));
        }
    }

    fn recheck_trust(&mut self, week: u32, owner: u32, other: u32) {
        self.effects.push(Effect::Recheck(week, owner, other));
    }
}

impl Meeting<'_, '_, '_> {
    /// Holds the meeting of `group` attended by `slots` (member slots, in
    /// slot order): everyone's costs, then the meeting itself.
    fn hold(&mut self, group: u32, slots: &[u32], week: u32) {
        let run = self.run;
        for &slot in slots {
            self.effects.push(Effect::Attended(slot));
        }
        let people: Vec<u32> = slots
            .iter()
            .map(|&s| run.membership.members[s as usize].person)
            .collect();
        let mut rng = streams::stream(
            run.seed,
            Purpose::Meeting,
            &[run.rep, week as u64, group as u64],
        );
        self.prefetch_attendees(slots, &people);
        meetings::hold(self, &people, week, &mut rng);
    }

    /// Loads what the meeting reads of each attendee: their book (lent by
    /// the run, so not yet read) and its lists in the professions present,
    /// their slot, cohort and member record (strategy, credits),
    /// sociability (chats) and memory (recall) — each in a table indexed by
    /// person or slot, so a line apiece, which would otherwise be waited
    /// for one at a time as the meeting goes round.
    fn prefetch_attendees(&self, slots: &[u32], people: &[u32]) {
        for book in &self.books {
            prefetch(&**book);
        }
        let run = self.run;
        let traits = &run.world.people;
        for (&slot, &p) in slots.iter().zip(people) {
            let i = p as usize;
            let (_, cohort, member_of) = run.membership.places(p);
            prefetch(member_of);
            prefetch(cohort);
            prefetch(&traits.sociability[i]);
            prefetch(&traits.memory_half_life[i]);
            prefetch(&run.membership.members[slot as usize].cohort);
        }
        let mut present: Vec<u16> = people
            .iter()
            .map(|&p| traits.profession[p as usize])
            .collect();
        present.sort_unstable();
        present.dedup();
        for book in &self.books {
            for &s in &present {
                prefetch::list(book, s);
            }
        }
        for book in &self.books {
            for &s in &present {
                prefetch::ties(book, s, PREFETCH_LINES);
            }
        }
    }
}

impl Run<'_> {
    /// Holds this week's meetings, given who attends which (`attendees[g]`,
    /// member slots).
    pub(super) fn meetings(&mut self, attendees: &[Vec<u32>], week: u32) {
        let mut next_wave = vec![0usize; self.membership.members.len()];
        let mut waves: Vec<Vec<u32>> = Vec::new();
        for (g, list) in attendees.iter().enumerate() {
            let Some(wave) = list.iter().map(|&s| next_wave[s as usize]).max() else {
                continue;
            };
            for &s in list {
                next_wave[s as usize] = wave + 1;
            }
            if waves.len() <= wave {
                waves.resize(wave + 1, Vec::new());
            }
            waves[wave].push(g as u32);
        }
        let mut effects: Vec<(u32, Vec<Effect>)> = Vec::new();
        // (owner, place among the books lent to this wave's meetings).
        let mut lent_at = Vec::new();
        for wave in waves {
            // Each meeting's distinct attendees, in the order they attend,
            // every one given a book now if they have none.
            let owners: Vec<Vec<u32>> = wave
                .iter()
                .map(|&g| {
                    let mut owners: Vec<u32> = Vec::new();
                    for &s in &attendees[g as usize] {
                        let p = self.membership.members[s as usize].person;
                        if !owners.contains(&p) {
                            owners.push(p);
                            self.holders.insert(p);
                        }
                    }
                    owners
                })
                .collect();
            // The meetings of a wave share nobody, so each book is lent to
            // one meeting.
            let mut books = std::mem::take(&mut self.books);
            let lent = lend(&mut books, &owners, &mut lent_at);
            let this: &Self = self;
            let held: Vec<(u32, Vec<Effect>)> = wave
                .into_par_iter()
                .zip(owners)
                .zip(lent)
                .map(|((group, owners), books)| {
                    let mut meeting = Meeting {
                        run: this,
                        owners,
                        books,
                        next: std::cell::Cell::new(0),
                        effects: Vec::new(),
                    };
                    meeting.hold(group, &attendees[group as usize], week);
                    (group, meeting.effects)
                })
                .collect();
            self.books = books;
            effects.extend(held);
        }
        effects.sort_unstable_by_key(|&(g, _)| g);
        self.apply_effects(effects);
    }

    /// Applies the meetings' effects in group order. Each meeting's
    /// attendees are credited together, in records scattered over the
    /// members: those of the meeting after next are requested meanwhile.
    fn apply_effects(&mut self, mut effects: Vec<(u32, Vec<Effect>)>) {
        let final_year = self.week >= self.final_year_start;
        for k in 0..effects.len() {
            if let Some((_, ahead)) = effects.get(k + 2) {
                for effect in ahead {
                    if let &Effect::Attended(slot) = effect {
                        let m = &self.membership.members[slot as usize];
                        prefetch_credits(m, final_year);
                        prefetch(&m.groups);
                    }
                }
            }
            if let Some((_, next)) = effects.get(k + 1) {
                for effect in next {
                    if let &Effect::Attended(slot) = effect {
                        prefetch_first(&self.membership.members[slot as usize].groups);
                    }
                }
            }
            let (group, done) = std::mem::take(&mut effects[k]);
            for effect in done {
                match effect {
                    Effect::Attended(slot) => meetings::attend_costs(self, slot, group),
                    Effect::Credit(slot, metric, x) => self.credit(slot, metric, x),
                    Effect::Recheck(w, owner, other) => self.recheck_trust(w, owner, other),
                }
            }
        }
    }
}

impl Run<'_> {
    /// After this week's meetings, in group and slot order: the guests of
    /// members whose rooms are targeted, and the judgement of members who
    /// move on when a room holds no connection for them. Both happen at a
    /// meeting of the member's own group (not on a visit).
    pub(super) fn gatherings(&mut self, attendees: &[Vec<u32>], week: u32) {
        let people = &self.world.people;
        for (g, list) in attendees.iter().enumerate() {
            let mut present: Option<Vec<u32>> = None;
            for &slot in list {
                let m = &self.membership.members[slot as usize];
                let st = self.strategies[m.cohort as usize];
                let targeted = st.rooms == Rooms::Targeted;
                let judged = st.patience_rule == PatienceRule::Judgement;
                if !(targeted || judged) || !m.groups.contains(&(g as u32)) {
                    continue;
                }
                let person = m.person;
                let trade = people.profession[person as usize];
                let guests = if targeted {
                    let mut rng = streams::stream(
                        self.seed,
                        Purpose::Gathering,
                        &[self.rep, week as u64, person as u64],
                    );
                    let m = &self.s.markets;
                    let wanted = (m.guests, m.guest_introducers);
                    let n = people.len() as u32;
                    let guests = self.markets.guests(person, trade, wanted, n, &mut rng);
                    meetings::welcome_guests(self, person, &guests, week, &mut rng);
                    guests
                } else {
                    Vec::new()
                };
                if judged {
                    let present = present.get_or_insert_with(|| {
                        list.iter()
                            .map(|&s| self.membership.members[s as usize].person)
                            .collect()
                    });
                    let connected = !guests.is_empty()
                        || meetings::connection(&self.markets, person, trade, present);
                    self.membership.members[slot as usize].no_connection = !connected;
                }
            }
        }
    }
}

/// Lends each list of `owners` (nobody in two lists) their books out of
/// `books` (indexed by person), in the lists' order. The owners are taken
/// in ascending order, each book split off the part of `books` after the
/// last one lent: the books are handed out without being read, where
/// moving each book out and back would read and write its line twice, in
/// order. `scratch` is reused from call to call.
fn lend<'b>(
    books: &'b mut [Book],
    owners: &[Vec<u32>],
    scratch: &mut Vec<(u32, u32)>,
) -> Vec<Vec<&'b mut Book>> {
    scratch.clear();
    scratch.extend(
        owners
            .iter()
            .flatten()
            .enumerate()
            .map(|(at, &p)| (p, at as u32)),
    );
    scratch.sort_unstable();
    let mut lent: Vec<Option<&mut Book>> = (0..scratch.len()).map(|_| None).collect();
    // `rest` holds the books of people from `first` on.
    let mut rest = books;
    let mut first = 0;
    for &(p, at) in scratch.iter() {
        let (_, from_p) = std::mem::take(&mut rest).split_at_mut((p - first) as usize);
        let (book, after) = from_p
            .split_first_mut()
            .expect("every owner is a person, in one list only");
        lent[at as usize] = Some(book);
        rest = after;
        first = p + 1;
    }
    let mut lent = lent.into_iter().flatten();
    owners
        .iter()
        .map(|list| lent.by_ref().take(list.len()).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lending_hands_each_list_its_owners_books_and_nobody_elses() {
        // Person p's book is marked by `known = p`. The lists are not in
        // order of each other, nor each in order.
        let mut books: Vec<Book> = (0..7)
            .map(|p| {
                let mut book = Book::default();
                book.known = p;
                book
            })
            .collect();
        let owners = vec![vec![4, 1], vec![], vec![0, 6], vec![2]];
        let mut scratch = vec![(7, 7); 2];
        let lent = lend(&mut books, &owners, &mut scratch);
        let known: Vec<Vec<u32>> = lent
            .iter()
            .map(|list| list.iter().map(|b| b.known).collect())
            .collect();
        assert_eq!(known, [vec![4, 1], vec![], vec![0, 6], vec![2]]);
        for list in lent {
            for book in list {
                book.friends += 1;
            }
        }
        let friends: Vec<u32> = books.iter().map(|b| b.friends).collect();
        assert_eq!(
            friends,
            [1, 1, 1, 0, 1, 0, 1],
            "the lent books are the run's"
        );
    }
}
