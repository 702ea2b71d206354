//! Needs for professional services, and how each is met.
//!
//! Every person — member or not — has needs at `economy.needs_per_year`
//! (Poisson), for a profession drawn by demand share, worth a draw from that
//! profession's job-value distribution; with `[markets]` concentrating
//! demand, a share `share × demand` of a profession's needs fall on its
//! market ([`Markets::buyer`]). A need of buyer X for profession s is met
//! by the first of:
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
//! 4. **referral**, unprompted — each member among X's networking ties
//!    notices the need with probability `notices_needs` × their recall of
//!    X (their memory half-life applied to the weeks since the two last
//!    met); each member among X's other acquaintances with probability
//!    `notices_needs` × `acquaintance_touch`, the chance of being in touch
//!    with a given acquaintance in the week; a member who notices passes
//!    on a name as above (one hop);
//! 5. **introduction** — with `[markets]` introducers (see
//!    [`super::markets`]), each introducer of s among X's acquaintances
//!    hears of the need with probability `introducer_touch` and passes on
//!    the name of the member in s whose pitch they heard last (within
//!    `pitch_memory_weeks`, not disliked) with probability their
//!    generosity — a name passed on a pitch alone, no trust in the pitcher
//!    needed; X acts on it as on any name, with the credibility of the
//!    introducer;
//! 6. **pitch** — a member in s whose pitch X heard within
//!    `pitch_memory_weeks` and whom X does not dislike wins the job with
//!    probability conversion × their pitch intensity, the conversion being
//!    `markets.pitch_conversion` if X is in s's market and
//!    `economy.pitch_conversion` otherwise;
//! 7. otherwise the **market** — someone outside the town's networks (an
//!    advert, a search) gets it, and becomes X's supplier in s: a satisfied
//!    buyer goes back to them with the same `repeat_rate`, so a need met
//!    by the market can stay with the market.
//!
//! Equally good candidates are chosen between at random — acquaintances
//! of the same kind (close or not) score the same, and the choice among
//! them does not favour anyone's place in the population.
//!
//! An introduction is a referral from the introducer (one hop). A referral
//! counts as received by the provider when the name is passed,
//! whether or not the buyer acts on it (as referral groups count them),
//! once per need however many people pass the same name; a referral *sale*
//! follows only if the buyer acts.
//!
//! Needs are drawn per block of [`BLOCK`] people per week from the block's
//! own stream, and each need is decided with its own stream, so the needs
//! that arise never depend on how earlier needs were met (common random
//! numbers across variants). A week's needs are all decided against the
//! town as it stands at the start of the needs phase, and their effects
//! ([`apply`]) then follow in a fixed order: a sale made this week first
//! counts for "repeat" and reciprocity in next week's decisions.

use rand::Rng;
use rand_distr::weighted::WeightedIndex;
use rand_distr::Distribution;
use rand_pcg::Pcg64Mcg;

use super::contact::networking_tie;
use super::markets::Markets;
use super::relationships::recall;
use super::town::{pitch_intensity, Acquaintance, Between, Buyer, Circle, Ledger, Town, Trade};
use super::{poisson, stochastic_round};
use crate::metrics::Metric;
use crate::scenario::Sampler;

/// The supplier of a buyer who last bought from the market: someone
/// outside the town's networks.
pub(crate) const MARKET: u32 = u32::MAX - 1;

/// People per block of need generation: a block's needs come from one
/// stream, so the block size is part of which needs arise.
pub(crate) const BLOCK: u32 = 4096;

/// One need of one person.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Need {
    pub buyer: u32,
    pub profession: u16,
    pub value: f64,
}

/// How a sale came about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    Repeat,
    Direct,
    /// Through a referrer, over this many hops.
    Referral {
        referrer: u32,
        hops: u32,
    },
    Pitch,
}

/// What became of one need.
#[derive(Clone, Debug, Default)]
pub(crate) struct Decision {
    /// Names passed on: (provider, referrer, hops), in the order given.
    pub passes: Vec<(u32, u32, u32)>,
    /// The sale, if someone in the town made it; `None` if the market did.
    pub sale: Option<(u32, Source)>,
    /// The market made the sale because the buyer went back to the market
    /// supplier they used last.
    pub market_repeat: bool,
}

/// How needs were met, counted across the whole population.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct NeedTally {
    pub needs: u64,
    /// Back to a previous supplier in the town.
    pub repeat: u64,
    pub direct: u64,
    pub referral: u64,
    pub pitch: u64,
    /// Met by the market (outside the town's networks)…
    pub market: u64,
    /// … of which back to a market supplier used before.
    pub market_repeat: u64,
}

impl NeedTally {
    /// Adds another tally's counts.
    pub(crate) fn add(&mut self, other: &NeedTally) {
        self.needs += other.needs;
        self.repeat += other.repeat;
        self.direct += other.direct;
        self.referral += other.referral;
        self.pitch += other.pitch;
        self.market += other.market;
        self.market_repeat += other.market_repeat;
    }

    /// Counts a decided need by how it was met.
    pub(crate) fn count(&mut self, decision: &Decision) {
        self.needs += 1;
        self.market_repeat += u64::from(decision.market_repeat);
        match decision.sale {
            None => self.market += 1,
            Some((_, Source::Repeat)) => self.repeat += 1,
            Some((_, Source::Direct)) => self.direct += 1,
            Some((_, Source::Pitch)) => self.pitch += 1,
            Some((_, Source::Referral { .. })) => self.referral += 1,
        }
    }
}

/// The needs arising in one week among the `len` people from `start` (one
/// block), each for a profession drawn by `pick`, worth a draw from that
/// profession's `job_values`, and falling on the profession's market as
/// `markets` concentrate it.
pub(crate) fn draw(
    start: u32,
    len: u32,
    needs_per_year: f64,
    markets: &Markets,
    pick: &WeightedIndex<f64>,
    job_values: &[Sampler],
    rng: &mut Pcg64Mcg,
) -> Vec<Need> {
    let rate = needs_per_year / 52.0;
    // A Poisson count per block, spread uniformly, is the same as
    // independent Poisson counts per person.
    let count = poisson(rng, rate * len as f64);
    (0..count)
        .map(|_| {
            let drawn = start + rng.random_range(0..len);
            let profession = pick.sample(rng) as u16;
            let value = job_values[profession as usize].sample(rng);
            Need {
                buyer: markets.buyer(drawn, profession, start, len, rng),
                profession,
                value,
            }
        })
        .collect()
}

/// Decides how a need is met (see the module docs for the order).
pub(crate) async fn decide(
    town: &impl Town,
    need: Need,
    week: u32,
    rng: &mut Pcg64Mcg,
) -> Decision {
    let Need {
        buyer: x,
        profession: s,
        ..
    } = need;
    let economy = &town.scenario().economy;
    let mut d = Decision::default();
    let buyer = town.buyer(x, s).await;
    if let Some(p) = buyer.supplier(s) {
        if rng.random::<f64>() < economy.repeat_rate {
            if p == MARKET {
                d.market_repeat = true;
            } else {
                d.sale = Some((p, Source::Repeat));
            }
            return d;
        }
    }
    let own = town.trade(x, s).await;
    if let Some((p, confidence)) = best_provider(town, &own, week, x, rng) {
        if rng.random::<f64>() < confidence {
            d.sale = Some((p, Source::Direct));
            return d;
        }
    }
    let asks = stochastic_round(economy.asks as f64 * buyer.sociability as f64, rng);
    let contacts = contacts_to_ask(town, &buyer, asks as usize, week, rng);
    let max_hops = economy.max_hops as u32;
    for &c in &contacts {
        if let Some((p, hops)) = ask(town, c, x, s, week, max_hops, rng).await {
            if passed(town, &mut d, x, (p, c, hops), week, rng).await {
                return d;
            }
        }
    }
    for m in noticing_members(town, &buyer, week, rng) {
        let generosity = town.asked(m, s).await.generosity();
        let Some(p) = offer_name(town, m, generosity, s, week, x, rng).await else {
            continue;
        };
        if passed(town, &mut d, x, (p, m, 1), week, rng).await {
            return d;
        }
    }
    for (i, p) in introductions(town, &buyer, x, s, week, rng).await {
        if passed(town, &mut d, x, (p, i, 1), week, rng).await {
            return d;
        }
    }
    if let Some(p) = pitch_sale(town, &own, (x, s), week, rng) {
        d.sale = Some((p, Source::Pitch));
    }
    d
}

/// Names of pitchers passed to buyer `x` by introducers of trade `s` among
/// their acquaintances, as (introducer, provider), in id order: each
/// introducer hears of the need with probability
/// `markets.introducer_touch` and, if they heard a member in `s` pitch
/// within `pitch_memory_weeks` and do not dislike them, passes on the name
/// of the one heard last with probability their generosity. No trust in
/// the pitcher is asked for: the fit is clear.
async fn introductions(
    town: &impl Town,
    buyer: &Buyer<'_>,
    x: u32,
    s: u16,
    week: u32,
    rng: &mut Pcg64Mcg,
) -> Vec<(u32, u32)> {
    let markets = town.markets();
    if !markets.has_introducers() {
        return Vec::new();
    }
    let touch = town.scenario().markets.introducer_touch;
    let mut names = Vec::new();
    for &i in buyer.acquaintances {
        if !markets.introduces(i, s) || rng.random::<f64>() >= touch {
            continue;
        }
        let trade = town.trade(i, s).await;
        let Some(p) = last_pitch_heard(town, &trade, x, week) else {
            continue;
        };
        if rng.random::<f64>() < town.asked(i, s).await.generosity() {
            names.push((i, p));
        }
    }
    names
}

/// The member in the trade whose pitch `trade.person` heard last within
/// `pitch_memory_weeks`, whom they do not dislike, other than `exclude`
/// (the earliest id among those heard the same week).
fn last_pitch_heard(town: &impl Town, trade: &Trade<'_>, exclude: u32, week: u32) -> Option<u32> {
    heard_pitches(town, trade, week)
        .filter(|&(o, _)| o != exclude)
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(o, _)| o)
}

/// The members in the trade whose pitch `trade.person` heard within
/// `pitch_memory_weeks` and whom they do not dislike, in id order, with
/// the week they heard it last.
fn heard_pitches<'t>(
    town: &'t impl Town,
    trade: &'t Trade<'_>,
    week: u32,
) -> impl Iterator<Item = (u32, u32)> + 't {
    let memory = town.scenario().economy.pitch_memory_weeks as u32;
    trade.ties.iter().filter_map(move |&(o, ref t)| {
        let heard = t.last_pitch()?;
        (week.saturating_sub(heard) <= memory && t.like >= 0.0 && town.is_member(o))
            .then_some((o, heard))
    })
}

/// Records a name passed to buyer `x` — (provider, referrer, hops) — and
/// whether `x` acts on it, with the credibility of whoever gave it: their
/// confidence in the referrer. True if it made the sale.
async fn passed(
    town: &impl Town,
    d: &mut Decision,
    x: u32,
    (p, referrer, hops): (u32, u32, u32),
    week: u32,
    rng: &mut Pcg64Mcg,
) -> bool {
    d.passes.push((p, referrer, hops));
    let credibility = confidence(town, &town.between(x, referrer).await, week);
    if rng.random::<f64>() < credibility {
        d.sale = Some((p, Source::Referral { referrer, hops }));
        true
    } else {
        false
    }
}

/// Trust × recall of an owner in another, through the acquaintance
/// network or networking, whichever is higher. An acquaintance-network tie
/// carries a fixed trust (close or not) and full recall: daily life keeps
/// people in touch with their friends and neighbours.
fn confidence(town: &impl Town, between: &Between<'_>, week: u32) -> f64 {
    let rel = &town.scenario().relationships;
    let graph = match between.acquaintance {
        Acquaintance::Close => rel.close_tie_trust,
        Acquaintance::Plain => rel.acquaintance_trust,
        Acquaintance::None => 0.0,
    };
    let net = between.tie.map_or(0.0, |t| {
        town.rules().trust(t, week) * recall(t.idle(week), *between.memory_half_life)
    });
    graph.max(net)
}

/// The provider in the trade whom the person has most confidence in
/// (trust × recall, raised by `reciprocity_weight` for each referral they
/// gave the person), other than the person and `exclude`, with that score
/// (capped at 1) as the second value. Among acquaintances who score the
/// same, one is drawn at random.
pub(crate) fn best_provider(
    town: &impl Town,
    trade: &Trade<'_>,
    week: u32,
    exclude: u32,
    rng: &mut Pcg64Mcg,
) -> Option<(u32, f64)> {
    let person = trade.person;
    let rel = &town.scenario().relationships;
    let weight = rel.reciprocity_weight;
    let mut best: Option<(u32, f64)> = None;
    let consider = |best: &mut Option<(u32, f64)>, p: u32, confidence: f64, received: u16| {
        if p == person || p == exclude || confidence <= 0.0 {
            return;
        }
        let score = confidence * (1.0 + weight * received as f64);
        if best.is_none_or(|(_, bs)| score > bs) {
            *best = Some((p, score));
        }
    };
    let network = &town.world().network;
    let (first, acquaintances) = (trade.first, trade.acquaintances);
    let graph_trust = |k: usize| {
        if network.is_close(person, first + k) {
            rel.close_tie_trust
        } else {
            rel.acquaintance_trust
        }
    };
    // Acquaintances first, on their network trust alone: a networking tie
    // can only raise a provider's score, so an acquaintance who is also a
    // networking tie is considered again below with the higher score, and
    // the best is the same as if each were scored once. All close ties
    // score the same, and all other acquaintances: the best of them is
    // drawn at random among those of the highest score.
    let eligible = |k: &usize| {
        let p = acquaintances[*k];
        p != person && p != exclude
    };
    let top = (0..acquaintances.len())
        .filter(eligible)
        .map(graph_trust)
        .fold(0.0, f64::max);
    let tied = || {
        (0..acquaintances.len())
            .filter(eligible)
            .filter(move |&k| graph_trust(k) == top)
    };
    let count = tied().count();
    if top > 0.0 && count > 0 {
        let k = tied()
            .nth(rng.random_range(0..count))
            .expect("the drawn one of the candidates counted");
        consider(&mut best, acquaintances[k], top, 0);
    }
    let rules = town.rules();
    for &(p, ref tie) in trade.ties {
        let graph = acquaintances.binary_search(&p).map_or(0.0, graph_trust);
        let reciprocity = 1.0 + weight * tie.received() as f64;
        // Trust is at most liked hours / hours_to_trust (as 1 − e^−x ≤ x)
        // and recall at most 1: a tie whose ceiling is below the best so
        // far cannot win, and most ties (a pitch heard once) are such, so
        // their exponentials are not worked out.
        let ceiling = (tie.liked_hours as f64 / rules.hours_to_trust * (1.0 + 1e-9))
            .min(1.0)
            .max(graph)
            * reciprocity;
        if best.is_some_and(|(_, score)| ceiling < score) {
            continue;
        }
        let trust = rules.trust(tie, week);
        let rc = recall(tie.idle(week), *trade.memory_half_life);
        consider(&mut best, p, graph.max(trust * rc), tie.received());
    }
    // Reciprocity raises readiness to name someone, up to certainty.
    best.map(|(p, score)| (p, score.min(1.0)))
}

/// Whether `person` (with `generosity`) names a provider in `s` for buyer
/// `exclude`: they do with probability generosity × their confidence in
/// their best provider.
///
/// One draw decides, made before looking for the provider: confidence is
/// at most 1, so a draw at or above the generosity fails whoever the best
/// provider is, and most people's generosity is low — most asks end there.
async fn offer_name(
    town: &impl Town,
    person: u32,
    generosity: f64,
    s: u16,
    week: u32,
    exclude: u32,
    rng: &mut Pcg64Mcg,
) -> Option<u32> {
    let draw = rng.random::<f64>();
    if draw >= generosity {
        return None;
    }
    let trade = town.trade(person, s).await;
    let (p, confidence) = best_provider(town, &trade, week, exclude, rng)?;
    (draw < generosity * confidence).then_some(p)
}

/// Whom the buyer asks for a name: close ties first (in random order),
/// then networking ties by trust, then other acquaintances at random.
fn contacts_to_ask(
    town: &impl Town,
    buyer: &Buyer<'_>,
    count: usize,
    week: u32,
    rng: &mut Pcg64Mcg,
) -> Vec<u32> {
    if count == 0 {
        return Vec::new();
    }
    let ns = buyer.acquaintances;
    let mut chosen: Vec<u32> = buyer.close_ties.to_vec();
    shuffle(&mut chosen, rng);
    chosen.truncate(count);
    if chosen.len() < count {
        if let Some(book) = buyer.book {
            let rules = town.rules();
            let mut ties: Vec<(u32, f64)> = book
                .iter()
                .map(|(o, t)| (o, rules.trust(t, week)))
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
/// generosity), ask the person they would turn to, and so on down a chain;
/// a name found at its end travels back up, each link relaying it if they
/// trust whoever gave it to them.
async fn ask(
    town: &impl Town,
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
        let generosity = town.asked(asked, s).await.generosity();
        if let Some(p) = offer_name(town, asked, generosity, s, week, x, rng).await {
            break p;
        }
        if hops_left <= 1 || rng.random::<f64>() >= generosity {
            return None;
        }
        let circle = town.circle(asked).await;
        let next = most_trusted_contact(town, &circle, x, week, rng)?;
        relays.push(asked);
        asked = next;
        hops_left -= 1;
    };
    let mut travelled = 1;
    let mut giver = asked;
    for &relay in relays.iter().rev() {
        // A relay does not pass their own name back; otherwise they relay
        // it if they trust whoever gave it to them.
        if found == relay {
            return None;
        }
        let trust = confidence(town, &town.between(relay, giver).await, week);
        if rng.random::<f64>() >= trust {
            return None;
        }
        travelled += 1;
        giver = relay;
    }
    Some((found, travelled))
}

/// The person someone turns to for a name, other than buyer `x`: their most
/// trusted networking tie, else a random close tie.
fn most_trusted_contact(
    town: &impl Town,
    circle: &Circle<'_>,
    x: u32,
    week: u32,
    rng: &mut Pcg64Mcg,
) -> Option<u32> {
    if let Some(book) = circle.book {
        let professions = &town.world().people.profession;
        let best = book
            .trusted_ids
            .iter()
            .filter(|&&o| o != x)
            .filter_map(|&o| {
                book.get(o, professions[o as usize])
                    .map(|t| (o, town.rules().trust(t, week)))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        if let Some((o, _)) = best {
            return Some(o);
        }
    }
    // Counted, then walked to the one drawn: no list is made.
    let close = || circle.close.iter().copied().filter(|&p| p != x);
    let count = close().count();
    (count > 0)
        .then(|| rng.random_range(0..count))
        .and_then(|k| close().nth(k))
}

/// Members who notice the buyer's need unprompted, in id order: members
/// among their acquaintances, then members among their networking ties
/// (each member counted once, as an acquaintance if they are both).
fn noticing_members(
    town: &impl Town,
    buyer: &Buyer<'_>,
    week: u32,
    rng: &mut Pcg64Mcg,
) -> Vec<u32> {
    let mut noticed = Vec::new();
    let mut notice = |m: u32, p: f64, rng: &mut Pcg64Mcg| {
        if p > 0.0 && rng.random::<f64>() < p {
            noticed.push(m);
        }
    };
    let around = buyer.member_acquaintances;
    let touch = town.scenario().relationships.acquaintance_touch;
    for &(m, cohort) in around {
        notice(m, town.cohort_strategy(cohort).notices_needs * touch, rng);
    }
    if let Some(book) = buyer.book {
        // A member's recall of the buyer is read off the buyer's side of
        // their tie: they last met in the same week (contact is mutual).
        let candidates: Vec<(u32, u32)> = book
            .iter()
            .filter(|&(m, _)| {
                town.may_notice(m) && around.binary_search_by_key(&m, |&(a, _)| a).is_err()
            })
            .map(|(m, tie)| (m, tie.idle(week)))
            .collect();
        for (m, idle) in candidates {
            let Some(st) = town.strategy_of(m) else {
                continue;
            };
            let half_life = town.memory_half_life(m);
            notice(m, st.notices_needs * recall(idle, half_life), rng);
        }
    }
    noticed
}

/// A member in the buyer's trade of need whose recent pitch wins them
/// over, if any: one whose pitch they heard within `pitch_memory_weeks`,
/// whom they do not dislike, each in id order winning with probability
/// conversion × their pitch intensity — `markets.pitch_conversion` if the
/// buyer is in the trade's market (the pitch reached the right market),
/// else `economy.pitch_conversion`.
fn pitch_sale(
    town: &impl Town,
    own: &Trade<'_>,
    (x, s): (u32, u16),
    week: u32,
    rng: &mut Pcg64Mcg,
) -> Option<u32> {
    let scenario = town.scenario();
    let conversion = if town.markets().in_market(x, s) {
        scenario.markets.pitch_conversion
    } else {
        scenario.economy.pitch_conversion
    };
    heard_pitches(town, own, week)
        .map(|(o, _)| o)
        .find(|&p| rng.random::<f64>() < conversion * pitch_intensity(town, p))
}

/// Applies a decided need (whose buyer's supplier list already records
/// the sale, `previous` being the supplier before it): the names passed
/// count as referrals received and given, the sale is credited, and a
/// provider who got business through a referral owes the referrer
/// (reciprocity), with a tie drawn from `reciprocity_stream` if they had
/// none.
pub(crate) fn apply(
    ledger: &mut impl Ledger,
    need: &Need,
    decision: &Decision,
    previous: Option<u32>,
    week: u32,
    reciprocity_stream: impl FnOnce() -> Pcg64Mcg,
) {
    let x = need.buyer;
    let facts = decision
        .sale
        .map(|(p, source)| sale_facts(ledger, x, p, source, previous));
    for (k, &(p, referrer, hops)) in decision.passes.iter().enumerate() {
        // A provider named twice for one need has received one referral.
        if decision.passes[..k].iter().all(|&(q, _, _)| q != p) {
            let metric = if hops <= 1 {
                Metric::ReferralsReceivedHop1
            } else {
                Metric::ReferralsReceivedHop2plus
            };
            ledger.credit_person(p, metric, 1.0);
            ledger.credit_person(p, Metric::ReferralsReceived, 1.0);
        }
        ledger.credit_person(referrer, Metric::ReferralsGiven, 1.0);
    }
    let (Some((p, source)), Some(facts)) = (decision.sale, facts) else {
        return;
    };
    credit_sale(ledger, p, x, source, need.value, facts);
    let Source::Referral { referrer, .. } = source else {
        return;
    };
    if ledger.book(p).is_none() {
        return;
    }
    // Gratitude and reciprocity: the provider now owes the referrer.
    let rules = *ledger.rules();
    let mut rng = reciprocity_stream();
    let tie = ledger.tie_mut(p, referrer, week, &mut rng);
    tie.add_received();
    rules.helped(tie);
}

/// What a sale's credit depends on besides the sale itself.
#[derive(Clone, Copy, Debug, Default)]
struct SaleFacts {
    /// The provider is a member and first met the buyer or the referrer
    /// through networking since joining their current group(s): business
    /// traced to the group, for the patience rule. (A tie made only by a
    /// referral's gratitude is no meeting.)
    traced: bool,
    /// The buyer is a member, the provider is new to them, and they found
    /// the provider through a networking tie (the referrer's, or their own
    /// with the provider): a new supplier, one of the essay's non-business
    /// gains.
    through_network: bool,
}

fn sale_facts(
    ledger: &impl Ledger,
    x: u32,
    p: u32,
    source: Source,
    previous: Option<u32>,
) -> SaleFacts {
    let referrer = match source {
        Source::Referral { referrer, .. } => Some(referrer),
        _ => None,
    };
    let traced = ledger.slot_of(p).is_some_and(|slot| {
        let joined = ledger.member(slot).joined_week;
        [Some(x), referrer].into_iter().flatten().any(|o| {
            networking_tie(ledger, p, o).is_some_and(|t| t.met() && t.first_met() >= joined)
        })
    });
    let new_supplier = previous != Some(p) && ledger.slot_of(x).is_some();
    let through_network = new_supplier
        && match source {
            Source::Referral { referrer, .. } => {
                networking_tie(ledger, x, referrer).is_some_and(|t| t.met())
            }
            Source::Direct | Source::Pitch => networking_tie(ledger, x, p).is_some_and(|t| t.met()),
            Source::Repeat => false,
        };
    SaleFacts {
        traced,
        through_network,
    }
}

/// Credits a sale of a job worth `value` by provider `p` to buyer `x`.
fn credit_sale(
    ledger: &mut impl Ledger,
    p: u32,
    x: u32,
    source: Source,
    value: f64,
    facts: SaleFacts,
) {
    if let Some(slot) = ledger.slot_of(p) {
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
                ledger.credit(slot, by_hop, value);
                (Metric::ReferralSales, Metric::ReferralRevenue)
            }
        };
        ledger.credit(slot, count, 1.0);
        ledger.credit(slot, revenue, value);
        ledger.credit(slot, Metric::Revenue, value);
        if facts.traced {
            ledger.member_mut(slot).business_since_join += 1;
        }
    }
    if facts.through_network {
        ledger.credit_person(x, Metric::ValueSuppliers, 1.0);
    }
}

/// Makes `p` the supplier a buyer (whose list is `list`) used last in
/// `s`; returns the one before.
pub(crate) fn set_supplier(list: &mut Vec<(u16, u32)>, s: u16, p: u32) -> Option<u32> {
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
