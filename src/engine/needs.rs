//! The needs phase: a week's needs decided in parallel, their effects
//! applied in order ([`crate::model::needs`] has the rules).
//!
//! 1. Blocks of people are taken in parallel; a block's needs are drawn
//!    from its stream and decided against the town as it stands when the
//!    phase begins, [`IN_FLIGHT`](super::interleave::IN_FLIGHT) at a time
//!    on a thread, each pausing while its data loads
//!    ([`super::interleave`]).
//! 2. Each buyer's supplier list records who met their need (someone in
//!    the town, or the market), block by block in parallel (a block's
//!    needs are its own people's, so blocks touch disjoint lists), and
//!    each block counts its needs by how they were met.
//! 3. The rest of each need's effects follows in block order — only for
//!    needs that reach a member or someone's book, since sales between
//!    people who never went networking change nothing else.

use rand_distr::weighted::WeightedIndex;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

use super::interleave::interleave;
use super::prefetch::{prefetch, prefetch_first};
use super::reads::prefetch_credits;
use super::Run;
use crate::model::needs::{self, Decision, Need, NeedTally, Source, BLOCK, MARKET};
use crate::streams::{self, Purpose};

/// A decided need whose buyer's supplier list has been brought up to date,
/// kept for the ordered pass of effects.
struct Settled {
    need: Need,
    decision: Decision,
    /// The buyer's supplier in the need's profession before this sale.
    previous: Option<u32>,
}

impl Settled {
    /// Everyone whose records the need's effects may change: the buyer,
    /// the provider and those who passed names on.
    fn involved(&self) -> impl Iterator<Item = u32> + '_ {
        let passes = self.decision.passes.iter().flat_map(|&(p, r, _)| [p, r]);
        std::iter::once(self.need.buyer)
            .chain(self.decision.sale.map(|(p, _)| p))
            .chain(passes)
    }
}

impl Run<'_> {
    /// Draws and resolves this week's needs.
    pub(super) fn needs(&mut self, week: u32) {
        let weights: Vec<f64> = self
            .s
            .population
            .professions
            .iter()
            .map(|p| p.demand)
            .collect();
        let Ok(pick) = WeightedIndex::new(&weights) else {
            return;
        };
        let decided = self.decide_all(week, &pick);
        let settled = self.record_suppliers(decided);
        let mut to_apply: Vec<(u32, usize, Settled)> = Vec::new();
        for (block, (tally, kept)) in settled.into_iter().enumerate() {
            self.tally.add(&tally);
            to_apply.extend(kept.into_iter().map(|(i, s)| (block as u32, i, s)));
        }
        self.apply_in_order(&to_apply, week);
    }

    /// Every block's needs, each with its decision.
    fn decide_all(&self, week: u32, pick: &WeightedIndex<f64>) -> Vec<Vec<(Need, Decision)>> {
        let n = self.world.people.len() as u32;
        let needs_per_year = self.s.economy.needs_per_year;
        (0..n.div_ceil(BLOCK))
            .into_par_iter()
            .map(|block| {
                let start = block * BLOCK;
                let mut rng = streams::stream(
                    self.seed,
                    Purpose::Needs,
                    &[self.rep, week as u64, block as u64],
                );
                let drawn = needs::draw(
                    start,
                    BLOCK.min(n - start),
                    needs_per_year,
                    &self.markets,
                    pick,
                    &self.job_values,
                    &mut rng,
                );
                let tasks = drawn.into_iter().enumerate().map(|(i, need)| {
                    let mut rng = resolve_stream(self.seed, self.rep, week, block, i, 0);
                    async move {
                        let decision = needs::decide(self, need, week, &mut rng).await;
                        (need, decision)
                    }
                });
                interleave(tasks, self.options.in_flight)
            })
            .collect()
    }

    /// Records each sale in its buyer's supplier list and counts the needs
    /// by how they were met, block by block; keeps, with their place in
    /// their block, the needs whose other effects change anything.
    fn record_suppliers(
        &mut self,
        decided: Vec<Vec<(Need, Decision)>>,
    ) -> Vec<(NeedTally, Vec<(usize, Settled)>)> {
        let membership = &self.membership;
        let holders = &self.holders;
        let apply_every_need = self.options.apply_every_need;
        decided
            .into_par_iter()
            .zip(self.suppliers.par_chunks_mut(BLOCK as usize))
            .map(|(needs, suppliers)| {
                let mut tally = NeedTally::default();
                let mut kept = Vec::new();
                for (i, (need, decision)) in needs.into_iter().enumerate() {
                    tally.count(&decision);
                    // The market, too, becomes the buyer's supplier.
                    let supplier = decision.sale.map_or(MARKET, |(p, _)| p);
                    let list = &mut suppliers[(need.buyer % BLOCK) as usize];
                    let previous = needs::set_supplier(list, need.profession, supplier);
                    // Members and the people followed in member slots.
                    let involved = |p: u32| membership.slot_of(p).is_some();
                    let networked = involved(need.buyer)
                        || decision
                            .passes
                            .iter()
                            .any(|&(p, r, _)| involved(p) || involved(r))
                        || decision.sale.is_some_and(|(p, source)| {
                            involved(p)
                                || holders.contains(p) && matches!(source, Source::Referral { .. })
                        });
                    if networked || apply_every_need {
                        let settled = Settled {
                            need,
                            decision,
                            previous,
                        };
                        kept.push((i, settled));
                    }
                }
                (tally, kept)
            })
            .collect()
    }

    /// Applies the kept needs' effects in block order. The records they
    /// change belong to people scattered over the population: they are
    /// requested some needs ahead, first the names passed (a list of its
    /// own), then where those involved are, then what that points to.
    fn apply_in_order(&mut self, to_apply: &[(u32, usize, Settled)], week: u32) {
        let final_year = self.week >= self.final_year_start;
        for (k, (block, i, settled)) in to_apply.iter().enumerate() {
            if let Some((_, _, far)) = to_apply.get(k + 16) {
                prefetch_first(&far.decision.passes);
            }
            if let Some((_, _, ahead)) = to_apply.get(k + 8) {
                for p in ahead.involved() {
                    prefetch(self.membership.places(p).2);
                }
            }
            if let Some((_, _, near)) = to_apply.get(k + 4) {
                for p in near.involved() {
                    if let Some(slot) = self.membership.slot_of(p) {
                        prefetch_credits(&self.membership.members[slot as usize], final_year);
                    }
                    if self.holders.contains(p) {
                        prefetch(&self.books[p as usize]);
                    }
                }
            }
            let (seed, rep, block, i) = (self.seed, self.rep, *block, *i);
            needs::apply(
                self,
                &settled.need,
                &settled.decision,
                settled.previous,
                week,
                || resolve_stream(seed, rep, week, block, i, 1),
            );
        }
    }
}

/// The stream of need `i` of `block` in `week`: part 0 decides it, part 1
/// draws the chemistry of a tie its reciprocity creates.
fn resolve_stream(seed: u64, rep: u64, week: u32, block: u32, i: usize, part: u64) -> Pcg64Mcg {
    streams::stream(
        seed,
        Purpose::Resolve,
        &[rep, week as u64, block as u64, i as u64, part],
    )
}
