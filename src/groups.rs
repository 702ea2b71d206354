//! Networking groups and what happens at their meetings.
//!
//! A meeting has two parts (MODEL.md, "A week"):
//! - **round the room**: every attendee gives a short pitch, which every
//!   other attendee hears — a little contact (`groups.pitch_seconds`), and a
//!   dent in liking of `pitch_penalty × pitch_intensity × room_pitch_weight`;
//! - **one-to-one chats**: each attendee has about `groups.conversations`
//!   chats (scaled by their sociability) of `conversation_hours`, in which
//!   each side hears the other pitch at their strategy's intensity.
//!
//! Partners are chosen by the initiator's strategy: `strangers` seeks the
//! people they have spent least time with, `liked` the people they like
//! most (strangers only when no one known is free), `mixed` tosses a coin
//! between the two each time. Nobody chats with someone who dislikes them or
//! whom they dislike (`like < 0`): a pushy pitcher runs out of willing
//! partners — "you'll not be welcome".
//!
//! Open and closed formats differ in who sits where (closed: one seat per
//! profession), in fees, and in visiting (open: members sometimes attend
//! another group's meeting, see `groups.visit_rate`); the meeting itself is
//! the same.
//!
//! Meetings of different groups run in parallel. Each works on its own
//! attendees' books (lent by the run while it lasts) and records its
//! effects on shared state — members' totals, the trust calendar — which
//! are applied afterwards in group order. A member at two meetings in one
//! week (two groups, or a visit) makes the later meeting wait for the
//! earlier one, so the outcome is exactly that of holding the meetings one
//! after another in group order, whatever the number of threads.

use rand::Rng;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

use crate::metrics::Metric;
use crate::prefetch::{prefetch, prefetch_first};
use crate::simulation::{Book, Contacts, Run, NONE};
use crate::streams::{self, Purpose};

/// Cache lines of one list of ties requested ahead of a meeting: enough
/// for the lists of a few dozen ties that most members have per trade.
const PREFETCH_LINES: usize = 16;

/// One attendee's view of another: (hours together, liking), if they have
/// a tie.
type View = Option<(f64, f64)>;

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
    group: u32,
    /// Attendees' member slots, in slot order.
    slots: Vec<u32>,
    /// The people in those slots.
    people: Vec<u32>,
    /// The distinct attendees, ascending (so found by binary search), and
    /// their books, lent by the run.
    owners: Vec<u32>,
    books: Vec<&'b mut Book>,
    effects: Vec<Effect>,
    /// Where in `owners` the next contact's owner probably is: round the
    /// room sets it before each contact, so that finding the listener's
    /// book takes one comparison instead of a search.
    hint: usize,
}

impl<'a> Contacts<'a> for Meeting<'_, 'a, '_> {
    fn run(&self) -> &Run<'a> {
        self.run
    }

    fn book(&self, person: u32) -> Option<&Book> {
        let i = self.owners.binary_search(&person).ok()?;
        Some(self.books[i])
    }

    fn book_mut(&mut self, person: u32) -> &mut Book {
        if self.owners.get(self.hint) == Some(&person) {
            return self.books[self.hint];
        }
        // Contact at a meeting is only ever between its attendees, and every
        // attendee's book was brought along.
        let i = self
            .owners
            .binary_search(&person)
            .expect("contact at a meeting is between attendees");
        self.books[i]
    }

    fn credit_person(&mut self, person: u32, metric: Metric, x: f64) {
        let slot = self.run.member_of[person as usize];
        if slot != NONE {
            self.effects.push(Effect::Credit(slot, metric, x));
        }
    }

    fn recheck_trust(&mut self, week: u32, owner: u32, other: u32) {
        self.effects.push(Effect::Recheck(week, owner, other));
    }
}

impl Run<'_> {
    /// Holds this week's meetings, given who attends which (`attendees[g]`,
    /// member slots).
    ///
    /// Meetings are scheduled in waves: a meeting joins the first wave after
    /// every earlier (lower-numbered) meeting it shares an attendee with.
    /// Meetings of a wave share nobody, so they run in parallel, each on
    /// its attendees' books; their effects are applied at the end in group
    /// order — the order in which holding them one by one would have made
    /// them.
    pub(crate) fn meetings(&mut self, attendees: &[Vec<u32>], week: u32) {
        let mut next_wave = vec![0usize; self.members.len()];
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
            // Each meeting's distinct attendees, ascending, every one given
            // a book now if they have none, in the order holding the
            // meetings one by one would have given them.
            let owners: Vec<Vec<u32>> = wave
                .iter()
                .map(|&g| {
                    let mut owners: Vec<u32> = attendees[g as usize]
                        .iter()
                        .map(|&s| self.members[s as usize].person)
                        .collect();
                    owners.sort_unstable();
                    owners.dedup();
                    for &p in &owners {
                        self.ensure_book(p);
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
                    let slots = attendees[group as usize].clone();
                    let mut meeting = Meeting {
                        run: this,
                        group,
                        people: slots
                            .iter()
                            .map(|&s| this.members[s as usize].person)
                            .collect(),
                        slots,
                        owners,
                        books,
                        effects: Vec::new(),
                        hint: 0,
                    };
                    meeting.hold(week);
                    (group, meeting.effects)
                })
                .collect();
            self.books = books;
            effects.extend(held);
        }
        effects.sort_unstable_by_key(|&(g, _)| g);
        // Each meeting's attendees are credited together, in records
        // scattered over the members: those of the meeting after next are
        // requested meanwhile.
        let final_year = self.week >= self.final_year_start;
        for k in 0..effects.len() {
            if let Some((_, ahead)) = effects.get(k + 2) {
                for effect in ahead {
                    if let &Effect::Attended(slot) = effect {
                        let m = &self.members[slot as usize];
                        m.prefetch_credits(final_year);
                        prefetch(&m.groups);
                    }
                }
            }
            if let Some((_, next)) = effects.get(k + 1) {
                for effect in next {
                    if let &Effect::Attended(slot) = effect {
                        prefetch_first(&self.members[slot as usize].groups);
                    }
                }
            }
            let (group, done) = std::mem::take(&mut effects[k]);
            for effect in done {
                match effect {
                    Effect::Attended(slot) => self.attend_costs(slot, group),
                    Effect::Credit(slot, metric, x) => self.credit(slot, metric, x),
                    Effect::Recheck(w, owner, other) => self.recheck_trust(w, owner, other),
                }
            }
        }
    }
}

impl Meeting<'_, '_, '_> {
    /// Everyone's costs, then (with at least two attendees) round the room
    /// and chats.
    fn hold(&mut self, week: u32) {
        for i in 0..self.slots.len() {
            self.effects.push(Effect::Attended(self.slots[i]));
        }
        if self.slots.len() < 2 {
            // A lone attendee still spent the morning.
            return;
        }
        let run = self.run;
        let mut rng = streams::stream(
            run.seed,
            Purpose::Meeting,
            &[run.rep, week as u64, self.group as u64],
        );
        let people = self.people.clone();
        self.prefetch_attendees();
        self.prefetch_books(&people);
        let views = self.round_the_room(&people, week, &mut rng);
        self.conversations(&people, views, week, &mut rng);
    }

    /// Starts loading what the meeting reads of each attendee — where
    /// their book keeps its lists (lent by the run, so not yet read), their
    /// slot, cohort and member record (strategy, credits), sociability
    /// (chats) and memory (recall) — each in a table indexed by book,
    /// person or slot, so a line apiece, which would otherwise be waited
    /// for one at a time as the meeting goes round.
    fn prefetch_attendees(&self) {
        for book in &self.books {
            prefetch(&**book);
        }
        let run = self.run;
        let people = &run.world.people;
        for (&slot, &p) in self.slots.iter().zip(&self.people) {
            let i = p as usize;
            prefetch(&run.member_of[i]);
            prefetch(&run.cohort_of[i]);
            prefetch(&people.sociability[i]);
            prefetch(&people.memory_half_life[i]);
            prefetch(&run.members[slot as usize].cohort);
        }
    }

    /// Starts loading every attendee's ties in the professions present:
    /// round the room looks each of them up, and a book is rarely still in
    /// cache since its owner's last meeting. Requested all at once, the
    /// loads overlap instead of each look-up waiting for its own (see
    /// [`crate::prefetch`]).
    fn prefetch_books(&self, people: &[u32]) {
        let professions = &self.run.world.people.profession;
        let mut present: Vec<u16> = people.iter().map(|&p| professions[p as usize]).collect();
        present.sort_unstable();
        present.dedup();
        for book in &self.books {
            for &s in &present {
                book.prefetch_list(s);
            }
        }
        for book in &self.books {
            for &s in &present {
                book.prefetch_ties(s, PREFETCH_LINES);
            }
        }
    }

    /// Every attendee pitches to every other. Returns what each then thinks
    /// of each other (`views[i * n + j]`: attendee `i` of attendee `j`),
    /// which is what the last contact between them left.
    fn round_the_room(&mut self, people: &[u32], week: u32, rng: &mut Pcg64Mcg) -> Vec<View> {
        let hours = self.run.s.groups.pitch_seconds / 3600.0;
        let weight = self.run.rules.room_pitch_weight;
        let n = people.len();
        let mut views = vec![None; n * n];
        // Each attendee's place among the owners, found once.
        let place: Vec<usize> = people
            .iter()
            .map(|p| self.owners.binary_search(p).unwrap_or(0))
            .collect();
        for (j, &pitcher) in people.iter().enumerate() {
            let intensity = self.run.pitch_intensity(pitcher);
            for (i, &listener) in people.iter().enumerate() {
                if listener == pitcher {
                    continue;
                }
                self.hint = place[i];
                let view = self.contact(listener, pitcher, week, hours, (intensity, weight), rng);
                views[i * n + j] = Some(view);
            }
        }
        if self.owners.len() < n {
            // Someone attends twice (in two of their seats), so a pair met
            // more than once and an early view above may be out of date:
            // look them all up again.
            views.clear();
            for &owner in people {
                let book = self.book(owner);
                views.extend(people.iter().map(|&other| self.view_in(book, other)));
            }
        }
        views
    }

    /// One-to-one chats, partners chosen on `views` (see
    /// [`Meeting::round_the_room`]).
    fn conversations(
        &mut self,
        people: &[u32],
        mut views: Vec<View>,
        week: u32,
        rng: &mut Pcg64Mcg,
    ) {
        let n = people.len();
        let per_person = self.run.s.groups.conversations as f64;
        let hours = self.run.s.groups.conversation_hours;
        if per_person <= 0.0 || hours <= 0.0 {
            return;
        }
        let mut slots: Vec<u32> = people
            .iter()
            .map(|&p| {
                let want = per_person * self.run.world.people.sociability[p as usize] as f64;
                stochastic_round(want, rng).min(n as u32 - 1)
            })
            .collect();
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        // Pairs already chatted this meeting, as a flat n × n bitmap.
        let mut chatted = vec![false; n * n];
        // `views` is refreshed after each chat (which changes only the two
        // views of the pair) rather than looked up twice per candidate per
        // choice.
        let rounds = slots.iter().copied().max().unwrap_or(0);
        for _ in 0..rounds {
            for &i in &order {
                if slots[i] == 0 {
                    continue;
                }
                let Some(j) = self.choose_partner(i, people, &slots, &chatted, &views, rng) else {
                    slots[i] = 0;
                    continue;
                };
                slots[i] -= 1;
                slots[j] -= 1;
                chatted[i * n + j] = true;
                chatted[j * n + i] = true;
                for p in [people[i], people[j]] {
                    self.credit_person(p, Metric::Conversations, 1.0);
                }
                let (a, b) = (people[i], people[j]);
                self.exchange(a, b, week, hours, rng);
                // Refresh every view between the two (an attendee listed
                // twice appears at two indices).
                let pair: Vec<usize> = (0..n)
                    .filter(|&k| people[k] == a || people[k] == b)
                    .collect();
                for &x in &pair {
                    for &y in &pair {
                        views[x * n + y] = self.view(people[x], people[y]);
                    }
                }
            }
        }
    }

    /// `owner`'s view of `other` for choosing a partner: hours together and
    /// liking, if they have a tie.
    fn view(&self, owner: u32, other: u32) -> View {
        self.view_in(self.book(owner), other)
    }

    /// The view of `other` held in `book`.
    fn view_in(&self, book: Option<&Book>, other: u32) -> View {
        let profession = self.run.world.people.profession[other as usize];
        book?
            .get(other, profession)
            .map(|t| (t.hours as f64, t.like as f64))
    }

    /// The attendee `i` talks to next, by `i`'s strategy.
    fn choose_partner(
        &self,
        i: usize,
        people: &[u32],
        slots: &[u32],
        chatted: &[bool],
        views: &[View],
        rng: &mut Pcg64Mcg,
    ) -> Option<usize> {
        let n = people.len();
        let me = people[i];
        let choice = match self.run.member_of[me as usize] {
            NONE => "mixed",
            slot => self.run.strategy_of(slot).partner_choice.as_str(),
        };
        let prefer_liked = match choice {
            "liked" => true,
            "strangers" => false,
            _ => rng.random::<bool>(),
        };
        let mut best: Option<(usize, f64)> = None;
        for j in 0..n {
            if j == i || slots[j] == 0 || chatted[i * n + j] {
                continue;
            }
            let (mine, theirs) = (views[i * n + j], views[j * n + i]);
            if mine.is_some_and(|(_, like)| like < 0.0)
                || theirs.is_some_and(|(_, like)| like < 0.0)
            {
                continue;
            }
            let (hours, like) = mine.unwrap_or((0.0, 0.0));
            // A small random jitter breaks ties without favouring low ids.
            let jitter = rng.random::<f64>() * 1e-6;
            let score = if prefer_liked && hours > self.run.s.groups.pitch_seconds / 1800.0 {
                2.0 + like + jitter
            } else if prefer_liked {
                1.0 - hours + jitter
            } else {
                -hours + jitter
            };
            if best.is_none_or(|(_, b)| score > b) {
                best = Some((j, score));
            }
        }
        best.map(|(j, _)| j)
    }
}

/// Rounds `x` up with probability equal to its fractional part, so the mean
/// is kept.
pub(crate) fn stochastic_round(x: f64, rng: &mut Pcg64Mcg) -> u32 {
    let floor = x.floor();
    let up = rng.random::<f64>() < x - floor;
    floor as u32 + u32::from(up)
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
