//! The one-to-ones phase ([`crate::model::one_to_ones`] has the rules):
//! every member's partners chosen in parallel, a chunk of members at a
//! time with their choices interleaved (a draw looks at random ties of a
//! book that is rarely in cache), then the meetings held in slot order.

use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

use super::interleave::interleave;
use super::prefetch::{self, prefetch};
use super::reads::prefetch_credits;
use super::Run;
use crate::model::one_to_ones;
use crate::streams::{self, Purpose};

/// Members whose partners are chosen together on one thread.
const CHUNK: usize = 256;

/// A member's one-to-ones for the week: who they are, their partners in
/// order, and the stream to hold the meetings with.
type Plan = (u32, Vec<u32>, Pcg64Mcg);

impl Run<'_> {
    /// Members' follow-up meetings with people they like.
    pub(super) fn one_to_ones(&mut self, week: u32) {
        let this: &Self = self;
        let members = &self.membership.members;
        let slots = members.len();
        let chunks: Vec<Vec<Option<Plan>>> = (0..slots.div_ceil(CHUNK))
            .into_par_iter()
            .map(|chunk| {
                let start = chunk * CHUNK;
                let len = CHUNK.min(slots - start);
                let tasks = members[start..start + len].iter().map(|m| {
                    let rate = one_to_ones::weekly_rate(this.strategies[m.cohort as usize]);
                    let person = m.person;
                    async move {
                        if rate <= 0.0 {
                            return None;
                        }
                        let mut rng = streams::stream(
                            this.seed,
                            Purpose::OneToOnes,
                            &[this.rep, week as u64, person as u64],
                        );
                        let partners =
                            one_to_ones::choose_partners(this, person, rate, week, &mut rng).await;
                        Some((person, partners, rng))
                    }
                });
                interleave(tasks, this.options.in_flight)
            })
            .collect();
        let planned: Vec<Plan> = chunks.into_iter().flatten().flatten().collect();
        self.hold_in_order(planned, week);
    }

    /// Holds the planned one-to-ones in slot order, each pair's records
    /// requested from memory a few pairs ahead.
    fn hold_in_order(&mut self, planned: Vec<Plan>, week: u32) {
        let pairs: Vec<(usize, u32, u32)> = planned
            .iter()
            .enumerate()
            .flat_map(|(i, (person, partners, _))| partners.iter().map(move |&q| (i, *person, q)))
            .collect();
        let mut rngs: Vec<Pcg64Mcg> = planned.into_iter().map(|(_, _, rng)| rng).collect();
        let final_year = self.week >= self.final_year_start;
        let world = self.world;
        let professions = &world.people.profession;
        for (k, &(i, person, partner)) in pairs.iter().enumerate() {
            if let Some(&(_, a, b)) = pairs.get(k + 8) {
                for p in [a, b] {
                    let (_, cohort, member_of) = self.membership.places(p);
                    prefetch(&self.books[p as usize]);
                    prefetch(member_of);
                    prefetch(&professions[p as usize]);
                    // Pitch intensity and generosity, and recall.
                    prefetch(cohort);
                    prefetch(&world.people.memory_half_life[p as usize]);
                }
            }
            if let Some(&(_, a, b)) = pairs.get(k + 6) {
                for p in [a, b] {
                    if let Some(slot) = self.membership.slot_of(p) {
                        prefetch_credits(&self.membership.members[slot as usize], final_year);
                    }
                }
            }
            if let Some(&(_, a, b)) = pairs.get(k + 4) {
                for (p, q) in [(a, b), (b, a)] {
                    if self.holders.contains(p) {
                        prefetch::list(&self.books[p as usize], professions[q as usize]);
                    }
                }
            }
            if let Some(&(_, a, b)) = pairs.get(k + 2) {
                for (p, q) in [(a, b), (b, a)] {
                    if self.holders.contains(p) {
                        prefetch::ties(&self.books[p as usize], professions[q as usize], 8);
                    }
                }
            }
            one_to_ones::hold(self, person, partner, week, &mut rngs[i]);
        }
    }
}
