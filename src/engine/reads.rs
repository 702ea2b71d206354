//! The model's interface ([`crate::model::town`]) over the run's state.
//!
//! Each `async` read first asks for the lines it is about to read (and,
//! where the rules always go on to read more of the same person, those
//! too), then [`pause`]s so that the other needs decided alongside work
//! while the lines arrive ([`super::interleave`]), and only then reads.
//! A chain of dependent reads — a book, then its list in a trade, then the
//! ties in it — pauses once per link. The answers are those of a plain
//! read: a pause changes nothing but the order in which needs take turns.

use super::interleave::pause;
use super::prefetch::{self, prefetch, prefetch_first};
use super::Run;
use crate::metrics::{Metric, Row};
use crate::model::book::Book;
use crate::model::contact::Ties;
use crate::model::markets::Markets;
use crate::model::members::Member;
use crate::model::relationships::{Rules, Tie};
use crate::model::town::{Acquaintance, Asked, Between, Buyer, Circle, Ledger, Reads, Town, Trade};
use crate::population::World;
use crate::scenario::{Scenario, Strategy};

/// Cache lines of a list of ties requested before a search through it
/// (the first few hold most short lists whole).
const TIE_LINES: usize = 4;

impl Reads for Run<'_> {
    fn scenario(&self) -> &Scenario {
        self.s
    }

    fn world(&self) -> &World {
        self.world
    }

    fn rules(&self) -> &Rules {
        &self.rules
    }

    fn strategy_of(&self, person: u32) -> Option<&Strategy> {
        self.membership
            .cohort_of(person)
            .map(|c| self.strategies[c as usize])
    }

    fn book(&self, person: u32) -> Option<&Book> {
        // Whether someone holds a book is asked of a bit set that stays in
        // cache, so for the many who never went networking the answer
        // costs no read of the books.
        self.holders
            .contains(person)
            .then(|| &self.books[person as usize])
    }

    fn markets(&self) -> &Markets {
        &self.markets
    }
}

impl Run<'_> {
    /// Loads, if `person` holds a book, where it keeps its lists and their
    /// memory half-life, by which a search of it weighs their ties.
    fn prefetch_holder(&self, person: u32) {
        if self.holders.contains(person) {
            prefetch(&self.books[person as usize]);
            prefetch(&self.world.people.memory_half_life[person as usize]);
        }
    }

    /// Loads what asking `person` for a name in `s` reads first: their
    /// cohort or own generosity, their book, and their row of the trade
    /// index.
    fn prefetch_person(&self, person: u32, s: u16) {
        let (_, cohort, _) = self.membership.places(person);
        // The member bits are in cache; they say which of the lines below
        // will be read, and most people are neither members nor holders.
        if self.membership.is_member(person) {
            prefetch(cohort);
        } else {
            prefetch(&self.world.people.generosity[person as usize]);
        }
        self.prefetch_holder(person);
        prefetch::row(self.world, person, s);
    }

    /// Brings in `person`'s list of ties in `s` — their book, the list, its
    /// first ties — pausing while each arrives. False, at once, if they
    /// hold no book.
    async fn load_ties(&self, person: u32, s: u16) -> bool {
        let Some(book) = self.book(person) else {
            return false;
        };
        prefetch(book);
        pause().await;
        prefetch::list(book, s);
        pause().await;
        prefetch::ties(book, s, TIE_LINES);
        pause().await;
        true
    }

    /// How `owner` is tied to `other` in the acquaintance network.
    ///
    /// `other` is looked for among `owner`'s acquaintances in `other`'s
    /// trade only: ids are grouped by trade, so that is where they would
    /// be, and the few lines of that run are all a search reads.
    pub(crate) fn acquaintance(&self, owner: u32, other: u32) -> Acquaintance {
        let s = self.world.people.profession[other as usize];
        let (first, ns) = self.world.acquaintances_in(owner, s);
        match ns.binary_search(&other) {
            Ok(i) if self.world.network.is_close(owner, first + i) => Acquaintance::Close,
            Ok(_) => Acquaintance::Plain,
            Err(_) => Acquaintance::None,
        }
    }
}

impl Town for Run<'_> {
    fn is_member(&self, person: u32) -> bool {
        self.membership.is_member(person)
    }

    fn may_notice(&self, person: u32) -> bool {
        let notices = self.membership.notices(person);
        if notices {
            // A member who may notice has their strategy and memory read
            // next: request both now, so that a buyer's candidates load
            // together.
            let (_, cohort, _) = self.membership.places(person);
            prefetch(cohort);
            prefetch(&self.world.people.memory_half_life[person as usize]);
        }
        notices
    }

    fn cohort_strategy(&self, cohort: u16) -> &Strategy {
        self.strategies[cohort as usize]
    }

    fn memory_half_life(&self, person: u32) -> f32 {
        self.world.people.memory_half_life[person as usize]
    }

    async fn buyer(&self, x: u32, s: u16) -> Buyer<'_> {
        let i = x as usize;
        let (around, _, _) = self.membership.places(x);
        prefetch::row(self.world, x, s);
        prefetch::close_start(self.world, x);
        prefetch(&self.suppliers[i]);
        prefetch(around);
        prefetch(&self.world.people.sociability[i]);
        self.prefetch_holder(x);
        pause().await;
        prefetch::acquaintances_in(self.world, x, s);
        prefetch::close_ties(self.world, x);
        prefetch_first(&self.suppliers[i]);
        prefetch_first(around);
        pause().await;
        Buyer {
            suppliers: &self.suppliers[i],
            sociability: self.world.people.sociability[i],
            close_ties: self.world.close_ties(x),
            acquaintances: self.world.network.neighbors(x),
            member_acquaintances: self.membership.member_acquaintances(x),
            book: self.book(x),
        }
    }

    async fn asked(&self, person: u32, s: u16) -> Asked<'_> {
        self.prefetch_person(person, s);
        pause().await;
        Asked {
            strategy: self.strategy_of(person),
            trait_generosity: &self.world.people.generosity[person as usize],
        }
    }

    async fn trade(&self, person: u32, s: u16) -> Trade<'_> {
        prefetch::acquaintances_in(self.world, person, s);
        if !self.load_ties(person, s).await {
            pause().await;
        }
        let (first, acquaintances) = self.world.acquaintances_in(person, s);
        Trade {
            person,
            first,
            acquaintances,
            ties: self.book(person).map_or(&[], |b| b.in_profession(s)),
            memory_half_life: &self.world.people.memory_half_life[person as usize],
        }
    }

    async fn between(&self, owner: u32, other: u32) -> Between<'_> {
        prefetch(&self.world.people.profession[other as usize]);
        prefetch::whole_row(self.world, owner);
        self.prefetch_holder(owner);
        pause().await;
        let s = self.world.people.profession[other as usize];
        prefetch::acquaintances_in(self.world, owner, s);
        if !self.load_ties(owner, s).await {
            pause().await;
        }
        Between {
            acquaintance: self.acquaintance(owner, other),
            tie: self.book(owner).and_then(|b| b.get(other, s)),
            memory_half_life: &self.world.people.memory_half_life[owner as usize],
        }
    }

    async fn circle(&self, person: u32) -> Circle<'_> {
        prefetch::close_start(self.world, person);
        let book = self.book(person);
        if let Some(book) = book {
            prefetch(book);
        }
        pause().await;
        prefetch::close_ties(self.world, person);
        if let Some(book) = book {
            prefetch_first(&book.trusted_ids);
        }
        pause().await;
        Circle {
            close: self.world.close_ties(person),
            book,
        }
    }

    async fn own_book(&self, person: u32) -> Option<&Book> {
        prefetch(&self.world.people.memory_half_life[person as usize]);
        let book = self.book(person)?;
        prefetch(book);
        pause().await;
        prefetch::index(book);
        pause().await;
        Some(book)
    }

    async fn tie_at<'b>(
        &self,
        book: &'b Book,
        starts: &[usize],
        k: usize,
    ) -> Option<&'b (u32, Tie)> {
        let entry = book.nth_entry(starts, k)?;
        prefetch(entry);
        pause().await;
        Some(entry)
    }

    async fn networking_tie(&self, owner: u32, other: u32) -> Option<&Tie> {
        let s = self.world.people.profession[other as usize];
        self.load_ties(owner, s).await;
        self.book(owner)?.get(other, s)
    }
}

impl Ties for Run<'_> {
    fn book_mut(&mut self, person: u32) -> &mut Book {
        self.holders.insert(person);
        &mut self.books[person as usize]
    }

    fn credit_person(&mut self, person: u32, metric: Metric, x: f64) {
        if let Some(slot) = self.membership.slot_of(person) {
            self.credit(slot, metric, x);
        }
    }

    fn recheck_trust(&mut self, week: u32, owner: u32, other: u32) {
        if let Some(due) = self.calendar.get_mut(week as usize) {
            due.push((owner, other));
        }
    }
}

impl Ledger for Run<'_> {
    fn slot_of(&self, person: u32) -> Option<u32> {
        self.membership.slot_of(person)
    }

    fn member(&self, slot: u32) -> &Member {
        &self.membership.members[slot as usize]
    }

    fn member_mut(&mut self, slot: u32) -> &mut Member {
        &mut self.membership.members[slot as usize]
    }

    fn credit(&mut self, slot: u32, metric: Metric, x: f64) {
        let m = &mut self.membership.members[slot as usize];
        m.totals.add(metric, x);
        if self.week >= self.final_year_start {
            m.final_year.add(metric, x);
        }
        self.flows[m.cohort as usize].add(metric, x);
    }
}

/// Loads what crediting a member updates: their running totals, with
/// those of the final year if `final_year`, and the count of business
/// traced to their group.
pub(crate) fn prefetch_credits(member: &Member, final_year: bool) {
    prefetch(&member.business_since_join);
    let lines = |row: &Row| {
        for metric in row.0.iter().step_by(8) {
            prefetch(metric);
        }
    };
    lines(&member.totals);
    if final_year {
        lines(&member.final_year);
    }
}
