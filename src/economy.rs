//! Needs for professional services, and how each is met.
//!
//! Every person — member or not — has needs at `economy.needs_per_year`
//! (Poisson), for a profession drawn by demand share, worth a draw from that
//! profession's job-value distribution. A need of buyer X for profession s
//! is met by the first of (MODEL.md, "A week", step 3):
//!
//! 1. **repeat** — X's previous supplier in s, with probability
//!    `repeat_rate`;
//! 2. **direct** — the provider in s X has most confidence in (trust ×
//!    recall, through the acquaintance network or networking), with that
//!    confidence as probability;
//! 3. **referral**, asked — X asks `asks` contacts (close ties first, then
//!    networking ties by trust, then acquaintances). A contact names their
//!    most-trusted provider with probability generosity × trust × recall
//!    (raised by `reciprocity_weight` per referral that provider gave them);
//!    failing that, a willing contact (probability = their generosity) asks
//!    their own most-trusted contact, and so on up to `max_hops`, relaying
//!    a name with probability = their trust in the person who gave it. X
//!    acts on a name with probability = X's trust in the contact who gave it;
//! 4. **referral**, unprompted — each member among X's acquaintances and
//!    networking ties notices the need with probability `notices_needs` ×
//!    recall (1 for acquaintances, whom daily life keeps in touch; for a
//!    networking tie, the member's memory half-life applied to the weeks
//!    since the two last met), and passes on a name as above (one hop);
//! 5. **pitch** — a member in s whose pitch X heard within
//!    `pitch_memory_weeks` and whom X does not dislike wins the job with
//!    probability `pitch_conversion` × their pitch intensity;
//! 6. otherwise the **market** — nobody simulated gets it.
//!
//! A referral counts as received by the provider when the name is passed,
//! whether or not the buyer acts on it (as referral groups count them); a
//! sale follows only if the buyer acts.
//!
//! Needs are drawn per block of people per week from their own stream, and
//! each need is resolved with its own stream, so the needs that arise never
//! depend on how earlier needs were resolved (common random numbers across
//! variants). A week's needs are decided in parallel against the state at
//! the start of the needs phase and their effects applied afterwards in a
//! fixed order, so the result is the same for any number of threads; one
//! consequence is that a sale made this week first counts for "repeat" and
//! reciprocity in next week's decisions.

use rand::Rng;
use rand_distr::weighted::WeightedIndex;
use rand_distr::Distribution;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

use crate::groups::stochastic_round;
use crate::interleave::{interleave, pause};
use crate::metrics::Metric;
use crate::prefetch::{prefetch, prefetch_first};
use crate::relationships::recall;
use crate::simulation::run::{poisson, NeedTally, PersonSet};
use crate::simulation::{Contacts, Run, NONE};
use crate::streams::{self, Purpose};

/// People per block of need generation.
const BLOCK: u32 = 4096;

/// How many cache lines of a list of ties are requested before a search
/// through it (the first few hold most short lists whole).
const TIE_LINES: usize = 4;

/// How a sale came about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Repeat,
    Direct,
    /// Through a referrer, over this many hops.
    Referral {
        referrer: u32,
        hops: u32,
    },
    Pitch,
}

/// One need of one person.
#[derive(Clone, Copy, Debug)]
struct Need {
    buyer: u32,
    profession: u16,
    value: f64,
}

/// A decided need whose buyer's supplier list has been brought up to date,
/// kept for the ordered pass of effects because it reached someone whose
/// records it changes beyond that list: a member (buyer, provider,
/// referrer), or a book that reciprocity writes to.
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

/// What became of one need, decided against the state at the start of the
/// week's needs phase.
#[derive(Clone, Debug, Default)]
struct Decision {
    /// Names passed on: (provider, referrer, hops), in the order given.
    passes: Vec<(u32, u32, u32)>,
    /// The sale, if any.
    sale: Option<(u32, Source)>,
}

impl Run<'_> {
    /// Draws and resolves this week's needs.
    ///
    /// Needs are decided in parallel, block by block, against the state at
    /// the start of the phase (so a decision never depends on another made
    /// the same week, nor on the thread count); their effects — sales,
    /// referrals, reciprocity — are then applied in block order. A buyer's
    /// new supplier therefore counts as "previous supplier" from the next
    /// week on.
    pub(crate) fn needs(&mut self, week: u32) {
        let n = self.world.people.len() as u32;
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
        let blocks = n.div_ceil(BLOCK);
        let this: &Self = self;
        let decided: Vec<Vec<(Need, Decision)>> = (0..blocks)
            .into_par_iter()
            .map(|block| {
                let needs = this.draw_needs(block, week, &pick);
                let tasks = needs.into_iter().enumerate().map(|(i, need)| {
                    let rng = this.resolve_stream(week, block, i, 0);
                    async move { (need, this.decide(need, week, rng).await) }
                });
                interleave(tasks, this.in_flight)
            })
            .collect();
        // Each buyer's supplier list changes in parallel, block by block:
        // a block's needs are its own people's, so blocks touch disjoint
        // lists, and within a block they change in need order. The rest of
        // each need's effects then follows in block order — only for the
        // needs that reach a member or someone's book, since sales between
        // people who never went networking change nothing else. Each block
        // also counts its needs by how they were met, and keeps those.
        let member_of = &self.member_of;
        let holders = &self.holders;
        let apply_every_need = self.applies_every_need();
        let settled: Vec<(NeedTally, Vec<(usize, Settled)>)> = decided
            .into_par_iter()
            .zip(self.suppliers.par_chunks_mut(BLOCK as usize))
            .map(|(needs, suppliers)| {
                let mut tally = NeedTally::default();
                let mut kept = Vec::new();
                for (i, (need, decision)) in needs.into_iter().enumerate() {
                    tally.count(&decision);
                    let previous = decision.sale.and_then(|(p, _)| {
                        let list = &mut suppliers[(need.buyer % BLOCK) as usize];
                        set_supplier(list, need.profession, p)
                    });
                    let involved = |p: u32| member_of[p as usize] != NONE;
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
            .collect();
        let mut to_apply: Vec<(u32, usize, Settled)> = Vec::new();
        for (block, (tally, kept)) in settled.into_iter().enumerate() {
            self.tally.add(&tally);
            to_apply.extend(kept.into_iter().map(|(i, s)| (block as u32, i, s)));
        }
        // What the sales ask of the books — whether buyer and provider
        // already knew each other through networking — is looked up for all
        // of them in parallel, against the books as they stand; the effects
        // are then applied in order, and a tie that reciprocity created
        // earlier in the same pass overrides what was looked up.
        let reads: Vec<SaleReads> = to_apply
            .par_iter()
            .map(|(_, _, settled)| self.sale_reads(settled))
            .collect();
        let mut created = Created {
            owners: PersonSet::new(self.world.people.len()),
            ties: Vec::new(),
        };
        // The records a need's effects change belong to people scattered
        // over the population: they are requested some needs ahead, first
        // the names passed (a list of its own), then where those involved
        // are, then what that points to.
        for k in 0..to_apply.len() {
            if let Some((_, _, far)) = to_apply.get(k + 16) {
                prefetch_first(&far.decision.passes);
            }
            if let Some((_, _, ahead)) = to_apply.get(k + 8) {
                for p in ahead.involved() {
                    prefetch(&self.member_of[p as usize]);
                }
            }
            if let Some((_, _, near)) = to_apply.get(k + 4) {
                for p in near.involved() {
                    self.prefetch_credits(p);
                    if let Some(book) = self.book(p) {
                        prefetch(book);
                    }
                }
            }
            let (block, i, settled) = &to_apply[k];
            let reads = reads[k].updated(settled, &created);
            #[cfg(test)]
            let reads = if self.reads_in_order {
                self.sale_reads(settled)
            } else {
                reads
            };
            if let Some((owner, other)) = self.apply(settled, reads, week, *block, *i) {
                created.insert(owner, other);
            }
        }
    }

    /// Whether every settled need goes through the pass of effects, even
    /// one that reached nobody whose records it changes (a test's check
    /// that skipping those changes nothing).
    fn applies_every_need(&self) -> bool {
        #[cfg(test)]
        if self.apply_every_need {
            return true;
        }
        false
    }

    /// Starts loading where a need's buyer keeps their suppliers, their
    /// member acquaintances, their ties and their book's index (see
    /// [`crate::prefetch`]).
    fn prefetch_buyer(&self, need: &Need) {
        let x = need.buyer as usize;
        self.world.prefetch_row(need.buyer, need.profession);
        self.world.prefetch_close_start(need.buyer);
        prefetch(&self.suppliers[x]);
        prefetch(&self.member_acquaintances[x]);
        prefetch(&self.world.people.sociability[x]);
        self.prefetch_holder(need.buyer);
    }

    /// Starts loading, if `person` holds a book, where it keeps its lists
    /// and their memory half-life, by which a search of it weighs their
    /// ties.
    fn prefetch_holder(&self, person: u32) {
        if self.holders.contains(person) {
            prefetch(&self.books[person as usize]);
            prefetch(&self.world.people.memory_half_life[person as usize]);
        }
    }

    /// Starts loading what [`Run::prefetch_buyer`]'s lines point to: the
    /// buyer's acquaintances in the trade, suppliers and members around.
    fn prefetch_buyer_ties(&self, need: &Need) {
        let x = need.buyer as usize;
        self.world
            .prefetch_acquaintances_in(need.buyer, need.profession);
        self.world.prefetch_close_ties(need.buyer);
        prefetch_first(&self.suppliers[x]);
        prefetch_first(&self.member_acquaintances[x]);
    }

    /// Starts loading what asking `person` for a name in `s` reads first:
    /// their generosity and where their acquaintances in `s` start.
    fn prefetch_person(&self, person: u32, s: u16) {
        let i = person as usize;
        // The person bits are in cache; they say which of the lines below
        // will be read, and most people are neither members nor holders.
        if self.current.contains(person) {
            prefetch(&self.cohort_of[i]);
        } else {
            prefetch(&self.world.people.generosity[i]);
        }
        self.prefetch_holder(person);
        self.world.prefetch_row(person, s);
    }

    /// Brings in what [`Run::best_provider`] reads of `person` in `s` —
    /// their acquaintances in the trade, then their book, its list of ties
    /// in the trade and the first of those ties — pausing while each link
    /// of the chain arrives. Expects [`Run::prefetch_person`] to have been
    /// called a pause or more before.
    async fn load_provider_search(&self, person: u32, s: u16) {
        self.world.prefetch_acquaintances_in(person, s);
        if !self.load_ties(person, s).await {
            pause().await;
        }
    }

    /// Brings in `person`'s list of ties in `s` — their book, the list, its
    /// first ties — pausing while each arrives. False, at once, if they
    /// hold no book.
    pub(crate) async fn load_ties(&self, person: u32, s: u16) -> bool {
        let Some(book) = self.book(person) else {
            return false;
        };
        prefetch(book);
        pause().await;
        book.prefetch_list(s);
        pause().await;
        book.prefetch_ties(s, TIE_LINES);
        pause().await;
        true
    }

    fn resolve_stream(&self, week: u32, block: u32, i: usize, part: u64) -> Pcg64Mcg {
        streams::stream(
            self.seed,
            Purpose::Resolve,
            &[self.rep, week as u64, block as u64, i as u64, part],
        )
    }

    /// The needs arising this week among people of `block`.
    fn draw_needs(&self, block: u32, week: u32, pick: &WeightedIndex<f64>) -> Vec<Need> {
        let n = self.world.people.len() as u32;
        let start = block * BLOCK;
        let len = BLOCK.min(n - start);
        let rate = self.s.economy.needs_per_year / 52.0;
        let mut rng = streams::stream(
            self.seed,
            Purpose::Needs,
            &[self.rep, week as u64, block as u64],
        );
        // A Poisson count per block, spread uniformly, is the same as
        // independent Poisson counts per person.
        let count = poisson(&mut rng, rate * len as f64);
        (0..count)
            .map(|_| {
                let buyer = start + rng.random_range(0..len);
                let profession = pick.sample(&mut rng) as u16;
                let value = self.job_values[profession as usize].sample(&mut rng);
                Need {
                    buyer,
                    profession,
                    value,
                }
            })
            .collect()
    }

    /// Brings in what [`Run::confidence`] reads of `owner`'s view of
    /// `other` — `other`'s trade and `owner`'s row of the trade index, then
    /// `owner`'s acquaintances in that trade and their list of ties in it —
    /// pausing while each arrives.
    async fn load_confidence(&self, owner: u32, other: u32) {
        prefetch(&self.world.people.profession[other as usize]);
        self.world.prefetch_whole_row(owner);
        self.prefetch_holder(owner);
        pause().await;
        let s = self.world.people.profession[other as usize];
        self.world.prefetch_acquaintances_in(owner, s);
        if !self.load_ties(owner, s).await {
            pause().await;
        }
    }

    /// Decides how a need is met (see the module docs for the order).
    ///
    /// Before each step that reads data probably not in cache, the
    /// decision requests it and pauses, so that the other needs decided
    /// alongside it work meanwhile ([`crate::interleave`]). A pause changes
    /// nothing else: every draw is made in the same order as without them.
    async fn decide(&self, need: Need, week: u32, mut rng: Pcg64Mcg) -> Decision {
        let Need {
            buyer: x,
            profession: s,
            ..
        } = need;
        let rng = &mut rng;
        let mut d = Decision::default();
        self.prefetch_buyer(&need);
        pause().await;
        self.prefetch_buyer_ties(&need);
        pause().await;
        if let Some(p) = self.supplier(x, s) {
            if rng.random::<f64>() < self.s.economy.repeat_rate {
                d.sale = Some((p, Source::Repeat));
                return d;
            }
        }
        self.load_provider_search(x, s).await;
        if let Some((p, confidence)) = self.best_provider(x, s, week, x) {
            if rng.random::<f64>() < confidence {
                d.sale = Some((p, Source::Direct));
                return d;
            }
        }
        let asks = stochastic_round(
            self.s.economy.asks as f64 * self.world.people.sociability[x as usize] as f64,
            rng,
        );
        let passed = |d: &mut Decision, p: u32, referrer: u32, hops: u32, rng: &mut Pcg64Mcg| {
            d.passes.push((p, referrer, hops));
            // The buyer acts on a name with the credibility of its giver.
            if rng.random::<f64>() < self.confidence(x, referrer, week) {
                d.sale = Some((p, Source::Referral { referrer, hops }));
                true
            } else {
                false
            }
        };
        let contacts = self.contacts_to_ask(x, asks as usize, week, rng);
        // The contacts are requested from memory all at once.
        for &c in &contacts {
            self.prefetch_person(c, s);
        }
        pause().await;
        let max_hops = self.s.economy.max_hops as u32;
        for &c in &contacts {
            if let Some((p, hops)) = self.ask(c, x, s, week, max_hops, rng).await {
                self.load_confidence(x, c).await;
                if passed(&mut d, p, c, hops, rng) {
                    return d;
                }
            }
        }
        let noticed = self.noticing_members(x, week, rng);
        for &m in &noticed {
            self.prefetch_person(m, s);
        }
        if !noticed.is_empty() {
            pause().await;
        }
        for &m in &noticed {
            let Some(p) = self.offer_name(m, s, week, x, rng).await else {
                continue;
            };
            self.load_confidence(x, m).await;
            if passed(&mut d, p, m, 1, rng) {
                return d;
            }
        }
        if let Some(p) = self.pitch_sale(x, s, week, rng) {
            d.sale = Some((p, Source::Pitch));
        }
        d
    }

    /// Applies a decided need that reached a member or a book, its
    /// supplier already recorded: referral counts, the sale's credit (with
    /// `reads` from the books) and reciprocity. Returns the tie reciprocity
    /// created, (provider, referrer), if there was none before.
    fn apply(
        &mut self,
        settled: &Settled,
        reads: SaleReads,
        week: u32,
        block: u32,
        i: usize,
    ) -> Option<(u32, u32)> {
        let Settled { need, decision, .. } = settled;
        let (x, value) = (need.buyer, need.value);
        for &(p, referrer, hops) in &decision.passes {
            let metric = if hops <= 1 {
                Metric::ReferralsReceivedHop1
            } else {
                Metric::ReferralsReceivedHop2plus
            };
            self.credit_person(p, metric, 1.0);
            self.credit_person(p, Metric::ReferralsReceived, 1.0);
            self.credit_person(referrer, Metric::ReferralsGiven, 1.0);
        }
        let (p, source) = decision.sale?;
        self.sale(p, x, source, value, reads);
        let Source::Referral { referrer, .. } = source else {
            return None;
        };
        if !self.holders.contains(p) {
            return None;
        }
        // Gratitude and reciprocity: the provider now owes the referrer.
        let new = self.networking_tie(p, referrer).is_none();
        let rules = self.rules;
        let mut rng = self.resolve_stream(week, block, i, 1);
        let tie = self.tie_mut(p, referrer, week, &mut rng);
        tie.add_received();
        rules.helped(tie);
        new.then_some((p, referrer))
    }

    /// The provider in `s` whom `person` has most confidence in (trust ×
    /// recall, raised by `reciprocity_weight` for each referral they gave
    /// `person`), other than `person` and `exclude`, with that score (capped
    /// at 1) as the second value.
    pub(crate) fn best_provider(
        &self,
        person: u32,
        s: u16,
        week: u32,
        exclude: u32,
    ) -> Option<(u32, f64)> {
        let mut best: Option<(u32, f64)> = None;
        let weight = self.s.relationships.reciprocity_weight;
        let consider = |best: &mut Option<(u32, f64)>, p: u32, confidence: f64, received: u16| {
            if p == person || p == exclude || confidence <= 0.0 {
                return;
            }
            let score = confidence * (1.0 + weight * received as f64);
            if best.is_none_or(|(bp, bs)| score > bs || (score == bs && p < bp)) {
                *best = Some((p, score));
            }
        };
        let (first, acquaintances) = self.world.acquaintances_in(person, s);
        let rel = &self.s.relationships;
        let graph_trust = |k: usize| {
            if self.world.network.is_close(person, first + k) {
                rel.close_tie_trust
            } else {
                rel.acquaintance_trust
            }
        };
        // Acquaintances first, on their network trust alone: a networking
        // tie can only raise a provider's score, so an acquaintance who is
        // also a networking tie is considered again below with the higher
        // score, and the best is the same as if each were scored once —
        // without a failed look-up in the book for every acquaintance. All
        // close ties score the same, and all other acquaintances, so the
        // lowest id of each (the first in the sorted list) is the only
        // candidate of its kind.
        let (close, other) = self.world.network.first_close_and_other(
            person,
            first..first + acquaintances.len(),
            [person, exclude],
        );
        if let Some(p) = close {
            consider(&mut best, p, rel.close_tie_trust, 0);
        }
        if let Some(p) = other {
            consider(&mut best, p, rel.acquaintance_trust, 0);
        }
        if let Some(book) = self.book(person) {
            let half_life = self.world.people.memory_half_life[person as usize];
            let hours_to_trust = self.rules.hours_to_trust;
            for &(p, ref tie) in book.in_profession(s) {
                let graph = acquaintances.binary_search(&p).map_or(0.0, graph_trust);
                let reciprocity = 1.0 + weight * tie.received() as f64;
                // Trust is at most liked hours / hours_to_trust (as
                // 1 − e^−x ≤ x) and recall at most 1: a tie whose ceiling
                // is below the best so far cannot win, and most ties (a
                // pitch heard once) are such, so skip their exponentials.
                let ceiling = (tie.liked_hours as f64 / hours_to_trust * (1.0 + 1e-9))
                    .min(1.0)
                    .max(graph)
                    * reciprocity;
                if best.is_some_and(|(_, score)| ceiling < score) {
                    continue;
                }
                let trust = self.rules.trust(tie, week);
                let rc = recall(tie.idle(week), half_life);
                consider(&mut best, p, graph.max(trust * rc), tie.received());
            }
        }
        // Reciprocity raises readiness to name someone, up to certainty.
        best.map(|(p, score)| (p, score.min(1.0)))
    }

    /// Whether `person` names a provider in `s` for buyer `exclude`: they
    /// do with probability generosity × their confidence in their best
    /// provider.
    ///
    /// One draw decides, made before looking for the provider: confidence
    /// is at most 1, so a draw at or above the generosity fails whoever the
    /// best provider is, and most people's generosity is low — most asks
    /// end there, without touching the person's acquaintances or ties.
    async fn offer_name(
        &self,
        person: u32,
        s: u16,
        week: u32,
        exclude: u32,
        rng: &mut Pcg64Mcg,
    ) -> Option<u32> {
        let generosity = self.generosity(person);
        let draw = rng.random::<f64>();
        if draw >= generosity {
            return None;
        }
        self.load_provider_search(person, s).await;
        let (p, confidence) = self.best_provider(person, s, week, exclude)?;
        (draw < generosity * confidence).then_some(p)
    }

    /// Whom `x` asks for a name: close ties first (in random order), then
    /// networking ties by trust, then other acquaintances at random.
    fn contacts_to_ask(&self, x: u32, count: usize, week: u32, rng: &mut Pcg64Mcg) -> Vec<u32> {
        if count == 0 {
            return Vec::new();
        }
        let ns = self.world.network.neighbors(x);
        let mut chosen: Vec<u32> = self.world.close_ties(x).to_vec();
        shuffle(&mut chosen, rng);
        chosen.truncate(count);
        if chosen.len() < count {
            if let Some(book) = self.book(x) {
                let mut ties: Vec<(u32, f64)> = book
                    .iter()
                    .map(|(o, t)| (o, self.rules.trust(t, week)))
                    .filter(|&(o, t)| t > 0.0 && !chosen.contains(&o))
                    .collect();
                ties.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                chosen.extend(ties.into_iter().take(count - chosen.len()).map(|(o, _)| o));
            }
        }
        let mut tries = 0;
        while chosen.len() < count && !ns.is_empty() && tries < 4 * count {
            let p = ns[rng.random_range(0..ns.len())];
            if !chosen.contains(&p) {
                chosen.push(p);
            }
            tries += 1;
        }
        chosen
    }

    /// Asks `c` for a provider in `s` for buyer `x`, allowing `hops` more
    /// hops. Returns the provider named and the hops it travelled.
    ///
    /// A contact who names nobody may, if willing (probability = their
    /// generosity), ask the person they would turn to, and so on down a
    /// chain; a name found at its end travels back up, each link relaying
    /// it if they trust whoever gave it to them.
    async fn ask(
        &self,
        c: u32,
        x: u32,
        s: u16,
        week: u32,
        hops: u32,
        rng: &mut Pcg64Mcg,
    ) -> Option<(u32, u32)> {
        // Those who passed the question on, nearest the buyer first.
        let mut relays: Vec<u32> = Vec::new();
        let mut asked = c;
        let mut hops_left = hops;
        let found = loop {
            let generosity = self.generosity(asked);
            if let Some(p) = self.offer_name(asked, s, week, x, rng).await {
                break p;
            }
            if hops_left <= 1 || rng.random::<f64>() >= generosity {
                return None;
            }
            self.load_contact_choice(asked).await;
            let next = self.most_trusted_contact(asked, x, week, rng)?;
            relays.push(asked);
            self.prefetch_person(next, s);
            pause().await;
            asked = next;
            hops_left -= 1;
        };
        let mut travelled = 1;
        let mut giver = asked;
        for &relay in relays.iter().rev() {
            // A relay does not pass their own name back; otherwise they
            // relay it if they trust whoever gave it to them.
            if found == relay {
                return None;
            }
            self.load_confidence(relay, giver).await;
            if rng.random::<f64>() >= self.confidence(relay, giver, week) {
                return None;
            }
            travelled += 1;
            giver = relay;
        }
        Some((found, travelled))
    }

    /// Brings in what [`Run::most_trusted_contact`] reads of `c` — where
    /// their close ties are listed and their book, then the list and the
    /// book's trusted ties — pausing while each arrives.
    async fn load_contact_choice(&self, c: u32) {
        self.world.prefetch_close_start(c);
        let book = self.book(c);
        if let Some(book) = book {
            prefetch(book);
        }
        pause().await;
        self.world.prefetch_close_ties(c);
        if let Some(book) = book {
            prefetch_first(&book.trusted_ids);
        }
        pause().await;
    }

    /// The person `c` would turn to for a name: their most trusted
    /// networking tie, else a random close tie.
    fn most_trusted_contact(&self, c: u32, x: u32, week: u32, rng: &mut Pcg64Mcg) -> Option<u32> {
        if let Some(book) = self.book(c) {
            let best = book
                .trusted_ids
                .iter()
                .filter(|&&o| o != x)
                .filter_map(|&o| {
                    book.get(o, self.world.people.profession[o as usize])
                        .map(|t| (o, self.rules.trust(t, week)))
                })
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
            if let Some((o, _)) = best {
                return Some(o);
            }
        }
        // Counted, then walked to the one drawn: no list is made.
        let close = || self.world.close_ties(c).iter().copied().filter(|&p| p != x);
        let count = close().count();
        (count > 0)
            .then(|| rng.random_range(0..count))
            .and_then(|k| close().nth(k))
    }

    /// Members who notice `x`'s need, in id order.
    fn noticing_members(&self, x: u32, week: u32, rng: &mut Pcg64Mcg) -> Vec<u32> {
        let mut noticed = Vec::new();
        let mut notice = |m: u32, p: f64, rng: &mut Pcg64Mcg| {
            if p > 0.0 && rng.random::<f64>() < p {
                noticed.push(m);
            }
        };
        for &(m, cohort) in &self.member_acquaintances[x as usize] {
            notice(m, self.strategies[cohort as usize].notices_needs, rng);
        }
        if let Some(book) = self.book(x) {
            // The book lists ties in id order. A member's recall of x is
            // read off x's side of their tie: they last met in the same
            // week (contact is mutual), and x's book is already at hand,
            // whereas the member's would cost a look-up per tie.
            //
            // First the ties to members who may notice — screened on the
            // noticer bits, since most ties are to people who are no
            // longer members or never notice — with each one's cohort and
            // memory requested from memory; then the draws, in the same
            // order, once those have arrived.
            //
            // A noticer is a current member, so whether they are also an
            // acquaintance (and so noticed above) is in x's list of member
            // acquaintances, already in cache, rather than in x's whole
            // list of acquaintances.
            let around = &self.member_acquaintances[x as usize];
            let mut candidates: Vec<(u32, u32)> = Vec::new();
            for (m, tie) in book.iter() {
                if !self.noticers.contains(m)
                    || around.binary_search_by_key(&m, |&(a, _)| a).is_ok()
                {
                    continue;
                }
                prefetch(&self.cohort_of[m as usize]);
                prefetch(&self.world.people.memory_half_life[m as usize]);
                candidates.push((m, tie.idle(week)));
            }
            for (m, idle) in candidates {
                let Some(st) = self.strategy_of_person(m) else {
                    continue;
                };
                let half_life = self.world.people.memory_half_life[m as usize];
                notice(m, st.notices_needs * recall(idle, half_life), rng);
            }
        }
        noticed
    }

    /// A member in `s` whose recent pitch wins `x` over, if any.
    fn pitch_sale(&self, x: u32, s: u16, week: u32, rng: &mut Pcg64Mcg) -> Option<u32> {
        let book = self.book(x)?;
        let memory = self.s.economy.pitch_memory_weeks as u32;
        // The book lists ties in id order.
        let mut heard = book.in_profession(s).iter().filter_map(|&(o, ref t)| {
            (t.last_pitch()
                .is_some_and(|w| week.saturating_sub(w) <= memory)
                && t.like >= 0.0
                && self.current.contains(o))
            .then_some(o)
        });
        heard.find(|&p| {
            rng.random::<f64>() < self.s.economy.pitch_conversion * self.pitch_intensity(p)
        })
    }

    /// The supplier `buyer` used last in profession `s`.
    fn supplier(&self, buyer: u32, s: u16) -> Option<u32> {
        self.suppliers[buyer as usize]
            .iter()
            .find(|&&(t, _)| t == s)
            .map(|&(_, p)| p)
    }

    /// What [`Run::sale`] needs to know from the books about a settled
    /// need's sale, looked up against the books as they stand.
    fn sale_reads(&self, settled: &Settled) -> SaleReads {
        let Some((p, source)) = settled.decision.sale else {
            return SaleReads::default();
        };
        let x = settled.need.buyer;
        let referrer = match source {
            Source::Referral { referrer, .. } => Some(referrer),
            _ => None,
        };
        let slot = self.member_of[p as usize];
        let provider_member = slot != NONE;
        let traced = provider_member && {
            let joined = self.members[slot as usize].joined_week;
            [Some(x), referrer].into_iter().flatten().any(|o| {
                self.networking_tie(p, o)
                    .is_some_and(|t| t.first_met() >= joined)
            })
        };
        let new_supplier = settled.previous != Some(p) && self.member_of[x as usize] != NONE;
        let through_network = new_supplier
            && match source {
                Source::Referral { referrer, .. } => self.networking_tie(x, referrer).is_some(),
                Source::Direct | Source::Pitch => self.networking_tie(x, p).is_some(),
                Source::Repeat => false,
            };
        SaleReads {
            provider_member,
            traced,
            new_supplier,
            through_network,
        }
    }

    /// Credits a sale of a job worth `value` by provider `p` to buyer `x`,
    /// with what the books say about them (`reads`).
    fn sale(&mut self, p: u32, x: u32, source: Source, value: f64, reads: SaleReads) {
        let slot = self.member_of[p as usize];
        if slot != NONE {
            let (count, revenue) = match source {
                Source::Repeat => (Metric::RepeatSales, Metric::RepeatRevenue),
                Source::Direct => (Metric::DirectSales, Metric::DirectRevenue),
                Source::Pitch => (Metric::PitchSales, Metric::PitchRevenue),
                Source::Referral { hops, .. } => {
                    let by_hop = if hops <= 1 {
                        Metric::ReferralRevenueHop1
                    } else {
                        Metric::ReferralRevenueHop2plus
                    };
                    self.credit(slot, by_hop, value);
                    (Metric::ReferralSales, Metric::ReferralRevenue)
                }
            };
            self.credit(slot, count, 1.0);
            self.credit(slot, revenue, value);
            self.credit(slot, Metric::Revenue, value);
            // Business traced to the group: the buyer or the referrer first
            // met through networking since the provider joined it.
            if reads.traced {
                self.members[slot as usize].business_since_join += 1;
            }
        }
        // A new supplier found through a networking tie is one of the
        // essay's non-business gains for the buyer.
        if reads.through_network {
            self.credit_person(x, Metric::ValueSuppliers, 1.0);
        }
    }
}

impl NeedTally {
    /// Counts a decided need by how it was met.
    fn count(&mut self, decision: &Decision) {
        self.needs += 1;
        match decision.sale {
            None => self.market += 1,
            Some((_, Source::Repeat)) => self.repeat += 1,
            Some((_, Source::Direct)) => self.direct += 1,
            Some((_, Source::Pitch)) => self.pitch += 1,
            Some((_, Source::Referral { .. })) => self.referral += 1,
        }
    }
}

/// What a sale's credit depends on in the books (see [`Run::sale_reads`]).
#[derive(Clone, Copy, Debug, Default)]
struct SaleReads {
    /// The provider is a member, whose business may be traced to a group.
    provider_member: bool,
    /// ... and first met the buyer or the referrer through networking since
    /// joining their group.
    traced: bool,
    /// The buyer is a member and the provider is new to them.
    new_supplier: bool,
    /// ... found through a networking tie (the referrer, or the provider).
    through_network: bool,
}

/// Ties that reciprocity created during one week's pass of effects, as
/// (owner, other), with their owners as a set for a quick "none of mine".
struct Created {
    owners: PersonSet,
    ties: Vec<(u32, u32)>,
}

impl Created {
    fn contains(&self, owner: u32, other: u32) -> bool {
        self.owners.contains(owner) && self.ties.contains(&(owner, other))
    }

    fn insert(&mut self, owner: u32, other: u32) {
        self.owners.insert(owner);
        self.ties.push((owner, other));
    }
}

impl SaleReads {
    /// These reads brought up to date with the ties `created` since they
    /// were looked up: such a tie exists now and was first met this week,
    /// after the provider joined their group.
    fn updated(self, settled: &Settled, created: &Created) -> SaleReads {
        let Some((p, source)) = settled.decision.sale else {
            return self;
        };
        let x = settled.need.buyer;
        let referrer = match source {
            Source::Referral { referrer, .. } => Some(referrer),
            _ => None,
        };
        let mut reads = self;
        if reads.provider_member
            && !reads.traced
            && [Some(x), referrer]
                .into_iter()
                .flatten()
                .any(|o| created.contains(p, o))
        {
            reads.traced = true;
        }
        if reads.new_supplier && !reads.through_network {
            reads.through_network = match source {
                Source::Referral { referrer, .. } => created.contains(x, referrer),
                Source::Direct | Source::Pitch => created.contains(x, p),
                Source::Repeat => false,
            };
        }
        reads
    }
}

/// Makes `p` the supplier a buyer (whose list is `list`) used last in
/// `s`; returns the one before.
fn set_supplier(list: &mut Vec<(u16, u32)>, s: u16, p: u32) -> Option<u32> {
    match list.iter_mut().find(|(t, _)| *t == s) {
        Some((_, q)) => Some(std::mem::replace(q, p)),
        None => {
            list.push((s, p));
            None
        }
    }
}

fn shuffle<T>(items: &mut [T], rng: &mut Pcg64Mcg) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.random_range(0..=i));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A need of buyer 1, sold by provider 2 through `source`.
    fn sold(source: Source) -> Settled {
        Settled {
            need: Need {
                buyer: 1,
                profession: 0,
                value: 100.0,
            },
            decision: Decision {
                passes: Vec::new(),
                sale: Some((2, source)),
            },
            previous: None,
        }
    }

    fn created(ties: &[(u32, u32)]) -> Created {
        let mut created = Created {
            owners: PersonSet::new(10),
            ties: Vec::new(),
        };
        for &(owner, other) in ties {
            created.insert(owner, other);
        }
        created
    }

    /// A tie created since the look-ups counts as met this week: the
    /// provider's with the buyer or referrer traces the business to their
    /// group, the buyer's with the referrer (or, for a direct sale, the
    /// provider) makes the supplier found through networking — and only
    /// where the look-up's other conditions held.
    #[test]
    fn reads_are_brought_up_to_date_with_created_ties() {
        let referral = sold(Source::Referral {
            referrer: 3,
            hops: 1,
        });
        let direct = sold(Source::Direct);
        let member_sale = SaleReads {
            provider_member: true,
            new_supplier: true,
            ..SaleReads::default()
        };
        let none = created(&[]);
        let updated = member_sale.updated(&referral, &none);
        assert!(!updated.traced && !updated.through_network);
        for tie in [(2, 1), (2, 3)] {
            let updated = member_sale.updated(&referral, &created(&[tie]));
            assert!(updated.traced && !updated.through_network, "{tie:?}");
        }
        let updated = member_sale.updated(&referral, &created(&[(1, 3)]));
        assert!(!updated.traced && updated.through_network);
        let updated = member_sale.updated(&direct, &created(&[(1, 2)]));
        assert!(!updated.traced && updated.through_network);
        // Ties that have nothing to do with this sale change nothing.
        let updated = member_sale.updated(&direct, &created(&[(1, 3), (3, 2), (2, 4)]));
        assert!(!updated.traced && !updated.through_network);
        // Neither a non-member provider nor a buyer who already had this
        // supplier (or is not a member) is credited, whatever was created.
        let outsider = SaleReads::default();
        let updated = outsider.updated(&referral, &created(&[(2, 1), (1, 3)]));
        assert!(!updated.traced && !updated.through_network);
    }
}
