//! What the rules may read and change: the interface between the model
//! and the engine that runs it.
//!
//! The rules never touch the run's data structures. They read the town
//! through [`Reads`] and [`Town`], and change it through
//! [`Ties`](super::contact::Ties) and [`Ledger`]; the engine implements
//! these over its own layout.
//!
//! Reads of data that may be far away in memory — a buyer's suppliers, a
//! contact's acquaintances in a trade, the tie between two people — are
//! `async` methods of [`Town`] that return what was asked for. A need's
//! decision is a chain of such reads, each depending on the one before;
//! the engine decides many needs at once and lets the others work while a
//! read waits for memory. That is invisible to the rules: awaiting a read
//! gives its answer, and the answer does not depend on how, or how many
//! needs at a time, the engine works.

use crate::metrics::Metric;
use crate::population::World;
use crate::scenario::{Scenario, Strategy};

use super::book::Book;
use super::markets::Markets;
use super::members::Member;
use super::relationships::{Rules, Tie};

/// What every rule reads.
pub(crate) trait Reads {
    /// The scenario the run simulates.
    fn scenario(&self) -> &Scenario;
    /// The people and their acquaintance network.
    fn world(&self) -> &World;
    /// The relationship formulas with the scenario's parameters.
    fn rules(&self) -> &Rules;
    /// The strategy of `person`'s current membership, if they are a member
    /// now.
    fn strategy_of(&self, person: u32) -> Option<&Strategy>;
    /// `person`'s book of networking ties, if they have ever met anyone
    /// through networking.
    fn book(&self, person: u32) -> Option<&Book>;
    /// Who is in which trade's market, and who introduces it.
    fn markets(&self) -> &Markets;
}

/// How hard `person` sells: their strategy's intensity if a member, else
/// not at all.
pub(crate) fn pitch_intensity(town: &(impl Reads + ?Sized), person: u32) -> f64 {
    town.strategy_of(person)
        .map_or(0.0, |st| st.pitch_intensity)
}

/// Probability that `person` passes on a name when it would help: their
/// strategy's if a member, else their own.
pub(crate) fn generosity(town: &(impl Reads + ?Sized), person: u32) -> f64 {
    match town.strategy_of(person) {
        Some(st) => st.generosity,
        None => town.world().people.generosity[person as usize] as f64,
    }
}

/// What the rules of the needs phase and of choosing one-to-one partners
/// read: the town as it stands at the start of the phase.
pub(crate) trait Town: Reads {
    /// Whether `person` is a member now.
    fn is_member(&self, person: u32) -> bool;

    /// Whether `person` is a member now whose strategy notices needs.
    fn may_notice(&self, person: u32) -> bool;

    /// The strategy of cohort `cohort`.
    fn cohort_strategy(&self, cohort: u16) -> &Strategy;

    /// A member's memory half-life, for their recall of someone.
    fn memory_half_life(&self, person: u32) -> f32;

    /// What buyer `x` brings to a need in trade `s`.
    async fn buyer(&self, x: u32, s: u16) -> Buyer<'_>;

    /// `person`, asked for a name in trade `s`: what decides whether they
    /// give one.
    async fn asked(&self, person: u32, s: u16) -> Asked<'_>;

    /// What `person` knows of trade `s`.
    async fn trade(&self, person: u32, s: u16) -> Trade<'_>;

    /// What ties `owner` to `other`.
    async fn between(&self, owner: u32, other: u32) -> Between<'_>;

    /// The people `person` turns to when they pass a question on.
    async fn circle(&self, person: u32) -> Circle<'_>;

    /// `person`'s own book, for drawing one-to-one partners from it.
    async fn own_book(&self, person: u32) -> Option<&Book>;

    /// The `k`-th tie of `book` in id order, given its
    /// [`Book::starts`].
    async fn tie_at<'b>(
        &self,
        book: &'b Book,
        starts: &[usize],
        k: usize,
    ) -> Option<&'b (u32, Tie)>;

    /// `owner`'s networking tie to `other`, if they have one.
    async fn networking_tie(&self, owner: u32, other: u32) -> Option<&Tie>;
}

/// What a buyer brings to a need.
pub(crate) struct Buyer<'t> {
    /// The supplier used last in each profession bought from.
    pub suppliers: &'t [(u16, u32)],
    pub sociability: f32,
    /// Close ties in the acquaintance network, ascending.
    pub close_ties: &'t [u32],
    /// Every acquaintance, ascending.
    pub acquaintances: &'t [u32],
    /// The members among the acquaintances now, ascending, with their
    /// cohorts.
    pub member_acquaintances: &'t [(u32, u16)],
    pub book: Option<&'t Book>,
}

impl Buyer<'_> {
    /// The supplier the buyer used last in profession `s`.
    pub fn supplier(&self, s: u16) -> Option<u32> {
        self.suppliers
            .iter()
            .find(|&&(t, _)| t == s)
            .map(|&(_, p)| p)
    }
}

/// Someone asked for a name.
pub(crate) struct Asked<'t> {
    /// Their strategy, if they are a member now.
    pub strategy: Option<&'t Strategy>,
    /// Their own readiness to pass on a name, as a person.
    pub trait_generosity: &'t f32,
}

impl Asked<'_> {
    /// Probability that they pass on a name when it would help: their
    /// strategy's if a member, else their own.
    pub fn generosity(&self) -> f64 {
        match self.strategy {
            Some(st) => st.generosity,
            None => *self.trait_generosity as f64,
        }
    }
}

/// What someone knows of one trade: the acquaintances who practise it and
/// their networking ties to people who do.
pub(crate) struct Trade<'t> {
    pub person: u32,
    /// Where the acquaintances in the trade start in the person's list of
    /// acquaintances (which says whether each is a close tie).
    pub first: usize,
    /// Acquaintances in the trade, ascending.
    pub acquaintances: &'t [u32],
    /// Networking ties to people in the trade, by id.
    pub ties: &'t [(u32, Tie)],
    /// Their memory half-life, for their recall of each tie.
    pub memory_half_life: &'t f32,
}

/// How one person is tied to another in the acquaintance network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Acquaintance {
    None,
    /// One of the person's close ties.
    Close,
    /// Any other acquaintance.
    Plain,
}

/// What ties an owner to another person: an acquaintance-network tie, a
/// networking tie, or both.
pub(crate) struct Between<'t> {
    pub acquaintance: Acquaintance,
    pub tie: Option<&'t Tie>,
    /// The owner's memory half-life, for their recall of the other.
    pub memory_half_life: &'t f32,
}

/// The people someone turns to: their close ties, and their networking
/// ties (of which those they trust now are listed in the book).
pub(crate) struct Circle<'t> {
    pub close: &'t [u32],
    pub book: Option<&'t Book>,
}

/// Members' records, which the rules applied in order change.
pub(crate) trait Ledger: super::contact::Ties {
    /// The member slot `person` holds now, if any.
    fn slot_of(&self, person: u32) -> Option<u32>;
    /// The record of the member in `slot`.
    fn member(&self, slot: u32) -> &Member;
    /// The record of the member in `slot`, to change.
    fn member_mut(&mut self, slot: u32) -> &mut Member;
    /// Adds `x` to the member in `slot`'s `metric`: this week's flow of
    /// their cohort, their totals, and their final year's.
    fn credit(&mut self, slot: u32, metric: Metric, x: f64);
}
