//! The engine: one run — a variant of the scenario on one replicate's
//! world — simulated week by week, with the model's rules
//! ([`crate::model`]) applied to the run's state.
//!
//! ```text
//! Run::week: subscriptions → attendance → meetings → guests and judgement → one-to-ones → needs → decisions → trust calendar
//! ```
//!
//! The rules say what happens; the engine owns how the state is laid out
//! and how the work is scheduled:
//! - [`membership`]: member records and every index of them;
//! - [`reads`]: the model's interface ([`crate::model::town`]) over this
//!   layout, bringing data in from memory ahead of the rules' reads;
//! - [`meetings`], [`one_to_ones`], [`needs`]: each phase's parallel and
//!   ordered parts;
//! - [`interleave`] and [`prefetch`]: working on several needs at once so
//!   their waits for memory overlap;
//! - [`results`]: what a run hands back.
//!
//! Determinism: every random draw comes from a stream named by (seed,
//! purpose, replicate, week, entity) — never by variant — so every variant
//! of replicate r sees the same world, the same members, the same needs
//! and the same chemistry draws wherever its rules do not diverge (common
//! random numbers). Parallel work reads only state as it stood at the
//! start of its phase and its own streams, and its effects are applied in
//! a fixed order, so the result does not depend on the number of threads.

pub(crate) mod interleave;
pub(crate) mod meetings;
pub(crate) mod membership;
pub(crate) mod needs;
pub(crate) mod one_to_ones;
pub(crate) mod prefetch;
pub(crate) mod reads;
pub(crate) mod results;

use rand::Rng;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

use crate::metrics::{Metric, Row};
use crate::model::attendance::{meetings_attended, ThisWeek};
use crate::model::book::Book;
use crate::model::decisions::{self, Choice};
use crate::model::markets::Markets;
use crate::model::members::{subscription_due, NEVER};
use crate::model::needs::NeedTally;
use crate::model::relationships::Rules;
use crate::model::town::Ledger;
use crate::population::World;
use crate::scenario::{Domain, Sampler, Scenario, Strategy};
use crate::streams::{self, Purpose};
use membership::{Membership, PersonSet};
use prefetch::prefetch;

pub use results::{Alter, Ego, Link, MemberRecord, RunResult, EGO_ALTERS};

/// How the engine schedules work: never what the results are.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Options {
    /// Needs decided, or members choosing one-to-one partners, at once per
    /// thread ([`interleave`]).
    pub in_flight: usize,
    /// Apply the effects of every need, even those that reach no member
    /// and no book (which change nothing but the buyer's supplier).
    pub apply_every_need: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            in_flight: interleave::IN_FLIGHT,
            apply_every_need: false,
        }
    }
}

/// A run in progress.
pub(crate) struct Run<'a> {
    s: &'a Scenario,
    world: &'a World,
    rules: Rules,
    seed: u64,
    rep: u64,
    /// Strategy of each cohort, by cohort index.
    strategies: Vec<&'a Strategy>,
    /// Who is in which trade's market, and who introduces it.
    markets: Markets,
    membership: Membership,
    /// The people who hold a book, one bit each: most people never went
    /// networking, and this answers "any ties?" for them from cache.
    holders: PersonSet,
    /// Person → book of ties, empty for people who never went networking.
    /// Indexed by person, so that reaching a book is one read; an empty
    /// book is 64 bytes a person.
    books: Vec<Book>,
    /// Buyer → (profession, the supplier used last) for each profession
    /// they have bought from: a short list per person, which (unlike one
    /// table for the whole city) never has to be rehashed at full size.
    suppliers: Vec<Vec<(u16, u32)>>,
    /// Week → (owner, other) ties whose trust may have decayed below the
    /// threshold by then.
    calendar: Vec<Vec<(u32, u32)>>,
    /// This week's flows per cohort (totals, divided by members at the end).
    flows: Vec<Row>,
    tally: NeedTally,
    /// Each profession's job values, ready to draw from.
    job_values: Vec<Sampler>,
    /// The week being simulated.
    week: u32,
    /// First week of the final simulated year.
    final_year_start: u32,
    options: Options,
}

/// Simulates one variant (`scenario`) on one replicate's world.
pub fn simulate(scenario: &Scenario, world: &World, replicate: u32) -> RunResult {
    let mut run = Run::new(scenario, world, replicate, Options::default());
    let weeks = scenario.weeks();
    let mut rows = Vec::with_capacity(weeks as usize);
    for week in 0..weeks {
        run.week(week);
        rows.push(run.close_week());
    }
    run.finish(rows)
}

/// A run advanced one week at a time, for benchmarks and tools that want
/// to look inside a run.
pub struct Stepper<'a> {
    run: Run<'a>,
    next: u32,
}

impl<'a> Stepper<'a> {
    /// Sets up a run: members recruited and seated, week 0 next.
    pub fn new(scenario: &'a Scenario, world: &'a World, replicate: u32) -> Stepper<'a> {
        Stepper {
            run: Run::new(scenario, world, replicate, Options::default()),
            next: 0,
        }
    }

    /// Simulates the next week and returns its rows (one per cohort), or
    /// `None` once the scenario's weeks are done.
    pub fn step(&mut self) -> Option<Vec<Row>> {
        if self.next >= self.run.s.weeks() {
            return None;
        }
        let week = self.next;
        self.run.week(week);
        self.next += 1;
        Some(self.run.close_week())
    }

    /// Draws and resolves the needs of the next week alone (no meetings,
    /// no decisions), and returns how many needs arose.
    pub fn needs_only(&mut self) -> u64 {
        let before = self.run.tally.needs;
        let week = self.next.min(self.run.s.weeks().saturating_sub(1));
        self.run.week = week;
        self.run.needs(week);
        self.run.tally.needs - before
    }
}

#[cfg(test)]
impl Stepper<'_> {
    /// Schedules the work of the run from now on with `options`.
    pub(crate) fn schedule(&mut self, options: Options) {
        self.run.options = options;
    }

    /// Every tie held, as (holder, other, tie), by holder and other.
    pub(crate) fn ties(&self) -> Vec<(u32, u32, crate::model::relationships::Tie)> {
        let mut all = Vec::new();
        for (person, book) in self.run.books.iter().enumerate() {
            all.extend(book.iter().map(|(o, t)| (person as u32, o, *t)));
        }
        all
    }
}

impl<'a> Run<'a> {
    pub(crate) fn new(
        s: &'a Scenario,
        world: &'a World,
        replicate: u32,
        options: Options,
    ) -> Run<'a> {
        let n = world.people.len();
        // A valid scenario's cohorts name existing strategies.
        let strategies: Vec<&'a Strategy> = s
            .cohorts
            .iter()
            .map(|(_, c)| {
                s.strategy(&c.strategy)
                    .expect("validated scenario: every cohort names a strategy")
            })
            .collect();
        let notices = strategies
            .iter()
            .map(|st| !st.stays_home && st.notices_needs > 0.0)
            .collect();
        let joins = strategies.iter().map(|st| !st.stays_home).collect();
        let mut run = Run {
            s,
            world,
            rules: Rules::new(&s.relationships),
            seed: s.simulation.seed,
            rep: replicate as u64,
            markets: Markets::new(&s.markets, s.simulation.seed, replicate as u64),
            strategies,
            membership: Membership::new(
                n,
                s.groups.count as u32,
                s.groups.cadence_weeks(),
                s.groups.seats,
                (notices, joins),
            ),
            holders: PersonSet::new(n),
            books: (0..n).map(|_| Book::default()).collect(),
            suppliers: vec![Vec::new(); n],
            calendar: vec![Vec::new(); s.weeks() as usize + 1],
            flows: vec![Row::default(); s.cohorts.len()],
            tally: NeedTally::default(),
            job_values: s
                .population
                .professions
                .iter()
                .map(|p| p.job_value.sampler(Domain::Positive))
                .collect(),
            week: 0,
            final_year_start: s.weeks().saturating_sub(52),
            options,
        };
        run.recruit();
        run
    }

    /// Chooses the initial members and seats them, in random order so no
    /// cohort gets first pick of the seats.
    fn recruit(&mut self) {
        let mut rng = streams::stream(self.seed, Purpose::Membership, &[self.rep]);
        let n = self.world.people.len() as u32;
        let mut slots = Vec::new();
        for (c, (_, cohort)) in self.s.cohorts.iter().enumerate() {
            for _ in 0..cohort.members {
                let person = self.membership.random_non_member(&mut rng, n);
                slots.push(self.membership.recruit(person, c as u16));
                self.holders.insert(person);
            }
        }
        self.membership.index_acquaintances(self.world);
        for i in (1..slots.len()).rev() {
            slots.swap(i, rng.random_range(0..=i));
        }
        // Followed cohorts take their seats last, so that where everyone
        // else sits does not depend on what the followed members do.
        let followed = |slot: &u32| {
            let cohort = self.membership.members[*slot as usize].cohort as usize;
            self.s.cohorts[cohort].1.followed
        };
        let (mut order, last): (Vec<u32>, Vec<u32>) = slots.into_iter().partition(|s| !followed(s));
        order.extend(last);
        for slot in order {
            self.seat(slot, 0, &mut rng);
        }
    }

    /// Seats the member in `slot` in their strategy's number of groups
    /// (none, for ever, if their strategy stays home).
    fn seat(&mut self, slot: u32, week: u32, rng: &mut Pcg64Mcg) -> bool {
        let cohort = self.membership.members[slot as usize].cohort;
        let strategy = self.strategies[cohort as usize];
        if strategy.stays_home {
            self.membership.members[slot as usize].away_until = NEVER;
            return false;
        }
        let wanted = strategy.groups_per_member as usize;
        self.membership
            .seat(self.world, slot, wanted, &self.s.groups, week, rng)
    }

    /// One simulated week, except the metrics.
    fn week(&mut self, week: u32) {
        self.week = week;
        self.subscriptions(week);
        let attendees = self.attendance(week);
        self.meetings(&attendees, week);
        self.gatherings(&attendees, week);
        self.one_to_ones(week);
        self.needs(week);
        self.decisions(week);
        self.untrust(week);
    }

    /// Members' subscriptions falling due this week, in slot order.
    fn subscriptions(&mut self, week: u32) {
        let fee = self.s.groups.annual_fee;
        if fee <= 0.0 {
            return;
        }
        for slot in 0..self.membership.members.len() as u32 {
            let due = subscription_due(&self.membership.members[slot as usize], week, fee);
            if due > 0.0 {
                self.credit(slot, Metric::Cost, due);
            }
        }
    }

    /// Who attends which group's meeting this week (member slots, in slot
    /// order).
    ///
    /// Each member's draws come from their own stream, so members are
    /// taken a chunk at a time in parallel; the lists are then filled in
    /// slot order.
    fn attendance(&mut self, week: u32) -> Vec<Vec<u32>> {
        const CHUNK: u32 = 1024;
        let cadence = self.s.groups.cadence_weeks();
        let groups = &self.membership.groups;
        let meeting: Vec<u32> = (0..groups.len() as u32)
            .filter(|&g| week % cadence == groups[g as usize].offset)
            .collect();
        let mut lists = vec![Vec::new(); groups.len()];
        if meeting.is_empty() {
            return lists;
        }
        let members = &self.membership.members;
        let slots = members.len() as u32;
        let this_week = ThisWeek {
            week,
            settings: &self.s.groups,
            groups,
            meeting: &meeting,
        };
        let seen: Vec<Vec<(u32, u32)>> = (0..slots.div_ceil(CHUNK))
            .into_par_iter()
            .map(|chunk| {
                let mut seen = Vec::new();
                for slot in chunk * CHUNK..slots.min((chunk + 1) * CHUNK) {
                    // The records are read in order, but each one's list of
                    // groups is elsewhere: request it a few members ahead.
                    if let Some(ahead) = members.get(slot as usize + 8) {
                        prefetch::prefetch_first(&ahead.groups);
                    }
                    let m = &members[slot as usize];
                    let mut rng = streams::stream(
                        self.seed,
                        Purpose::Attendance,
                        &[self.rep, week as u64, m.person as u64],
                    );
                    meetings_attended(
                        m,
                        self.strategies[m.cohort as usize],
                        &this_week,
                        &mut rng,
                        |at| seen.push((at, slot)),
                    );
                }
                seen
            })
            .collect();
        for (at, slot) in seen.into_iter().flatten() {
            lists[at as usize].push(slot);
        }
        lists
    }

    /// Churn, the patience rule and rejoining.
    ///
    /// What each member does is chosen for all of them in parallel, each
    /// from their own stream and their own record, which no other member's
    /// choice changes; the choices are then carried out in slot order, each
    /// continuing its member's stream.
    fn decisions(&mut self, week: u32) {
        let n = self.world.people.len() as u32;
        // Followed cohorts' members are the same people all run.
        let weekly_churn: Vec<f64> = self
            .strategies
            .iter()
            .zip(&self.s.cohorts)
            .map(|(st, (_, cohort))| {
                if cohort.followed {
                    0.0
                } else {
                    decisions::weekly_churn(st)
                }
            })
            .collect();
        let this: &Self = self;
        let choices: Vec<(u32, Choice, Pcg64Mcg)> = (0..self.membership.members.len() as u32)
            .into_par_iter()
            .filter_map(|slot| {
                let m = &this.membership.members[slot as usize];
                let mut rng = streams::stream(
                    this.seed,
                    Purpose::Decisions,
                    &[this.rep, week as u64, slot as u64],
                );
                let st = this.strategies[m.cohort as usize];
                decisions::choose(m, st, weekly_churn[m.cohort as usize], week, &mut rng)
                    .map(|choice| (slot, choice, rng))
            })
            .collect();
        for (slot, choice, mut rng) in choices {
            match choice {
                Choice::Churn => {
                    let person = self.membership.members[slot as usize].person;
                    self.membership.unseat(slot);
                    self.membership.withdraw(self.world, person);
                    let newcomer = self.membership.random_non_member(&mut rng, n);
                    self.membership.enrol(self.world, newcomer, slot, week + 1);
                    self.holders.insert(newcomer);
                    self.seat(slot, week + 1, &mut rng);
                }
                Choice::Rejoin => {
                    self.seat(slot, week + 1, &mut rng);
                }
                Choice::Leave => {
                    let cohort = self.membership.members[slot as usize].cohort;
                    let rest = self.strategies[cohort as usize].rejoin_after_weeks as u32;
                    let left = self.membership.members[slot as usize].groups.len() as f64;
                    self.membership.unseat(slot);
                    self.credit(slot, Metric::GroupsLeft, left);
                    self.membership.members[slot as usize].away_until = week + 1 + rest;
                }
            }
        }
    }

    /// Re-checks ties whose trust may have decayed below the threshold:
    /// the trusted flags and counts are kept current without a weekly pass
    /// over every tie.
    fn untrust(&mut self, week: u32) {
        let due = std::mem::take(&mut self.calendar[week as usize]);
        let professions = &self.world.people.profession;
        for (k, &(owner, other)) in due.iter().enumerate() {
            // Each check is a look-up in a different book: request the
            // books, then their lists, a few checks ahead.
            if let Some(&(owner, other)) = due.get(k + 8) {
                prefetch(&self.books[owner as usize]);
                prefetch(&professions[other as usize]);
            }
            if let Some(&(owner, other)) = due.get(k + 4) {
                let s = professions[other as usize];
                prefetch::list(&self.books[owner as usize], s);
            }
            if let Some(&(owner, other)) = due.get(k + 2) {
                let s = professions[other as usize];
                prefetch::ties(&self.books[owner as usize], s, 2);
            }
            let book = &mut self.books[owner as usize];
            let profession = professions[other as usize];
            let Some(tie) = book.get_mut(other, profession) else {
                continue;
            };
            if !tie.trusted() {
                continue;
            }
            if self.rules.trust(tie, week) < self.rules.trusted_at {
                tie.set_trusted(false);
                book.trusted -= 1;
                if let Some(i) = book.trusted_ids.iter().position(|&o| o == other) {
                    book.trusted_ids.swap_remove(i);
                }
            } else if let Some(w) = self.rules.untrusted_from(tie) {
                // Contact since it was scheduled kept it trusted: check
                // again when the latest contact has worn off.
                if let Some(due) = self.calendar.get_mut(w.max(week + 1) as usize) {
                    due.push((owner, other));
                }
            }
        }
    }

    /// Divides the week's flows by cohort sizes and adds the stocks.
    fn close_week(&mut self) -> Vec<Row> {
        let k = self.s.cohorts.len();
        let mut counts = vec![0.0; k];
        let mut stocks = vec![[0.0; 3]; k];
        for m in &self.membership.members {
            let c = m.cohort as usize;
            counts[c] += 1.0;
            if self.holders.contains(m.person) {
                let b = &self.books[m.person as usize];
                stocks[c][0] += b.known as f64;
                stocks[c][1] += b.trusted as f64;
                stocks[c][2] += b.friends as f64;
            }
        }
        let mut rows = std::mem::replace(&mut self.flows, vec![Row::default(); k]);
        for (c, row) in rows.iter_mut().enumerate() {
            let n = counts[c];
            if n > 0.0 {
                for x in row.0.iter_mut() {
                    *x /= n;
                }
                row.set(Metric::PeopleKnown, stocks[c][0] / n);
                row.set(Metric::TrustedTies, stocks[c][1] / n);
                row.set(Metric::Friends, stocks[c][2] / n);
            }
            row.set(Metric::Members, n);
        }
        rows
    }
}

#[cfg(test)]
mod tests;
