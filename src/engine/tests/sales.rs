//! Tests of what a sale, a referral and a seat are worth: each pins down a
//! mechanism that once went wrong (the subscription never charged, market
//! buyers who never came back, ties broken by person id, gratitude taken
//! for a meeting, one referral counted twice).

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use super::{run, small};
use crate::engine::interleave::alone;
use crate::engine::{Options, Run};
use crate::metrics::Metric;
use crate::model::contact::{Exposure, Ties};
use crate::model::needs::{self, Decision, Need, Source};
use crate::model::relationships::Tie;
use crate::model::town::{Ledger, Reads, Town};
use crate::population::World;
use crate::scenario::{Override, Scenario};

#[test]
fn an_annual_fee_costs_a_years_fee_per_seat_and_nothing_else() {
    // Nobody churns or leaves, so every member holds their seats all three
    // years; networkers sit in two groups.
    let base = [
        "simulation.years=3",
        "groups.count=8",
        "strategies.connecting.churn_per_year=0",
        "strategies.networking.churn_per_year=0",
        "strategies.connecting.patience_meetings=0",
        "strategies.networking.groups_per_member=2",
    ];
    let with_fee: Vec<&str> = base
        .iter()
        .copied()
        .chain(["groups.annual_fee=600"])
        .collect();
    let free = run(&small(&base), 0);
    let paying = run(&small(&with_fee), 0);
    assert_eq!(free.members.len(), paying.members.len());
    for (a, b) in free.members.iter().zip(&paying.members) {
        assert_eq!(a.person, b.person);
        let seats = if b.cohort == 1 { 2.0 } else { 1.0 };
        let extra = b.totals.get(Metric::Cost) - a.totals.get(Metric::Cost);
        assert!(
            (extra - 600.0 * 3.0 * seats).abs() < 1e-6,
            "member {} paid {extra} more",
            b.person
        );
        // The fee changes costs only.
        assert_eq!(a.totals.get(Metric::Revenue), b.totals.get(Metric::Revenue));
    }
}

#[test]
fn buyers_go_back_to_their_previous_supplier_even_from_the_market() {
    // One trade, twelve needs a person a year: after their first need
    // everyone has a supplier — in the town or on the market — and goes
    // back to them with the repeat rate. Over two years a person's first
    // need is 1 in 24 of theirs, so about 0.6 × 23/24 of all needs are
    // repeats.
    let text =
        "[population]\nprofessions = [{ name = \"printer\", demand = 1, job_value = 100 }]\n";
    let sets = [
        "population.size=2000",
        "population.acquaintances=50",
        "population.close_ties=10",
        "groups.count=5",
        "cohorts.connecting.members=40",
        "cohorts.networking.members=40",
        "simulation.years=2",
        "economy.needs_per_year=12",
        "economy.repeat_rate=0.6",
    ];
    let overrides: Vec<Override> = sets.iter().map(|s| Override::parse(s).unwrap()).collect();
    let s = Scenario::from_str(text, "t.toml", "t", &overrides).unwrap();
    let r = run(&s, 0);
    let n = r.needs.needs as f64;
    let share = (r.needs.repeat + r.needs.market_repeat) as f64 / n;
    let expected = 0.6 * 23.0 / 24.0;
    // A binomial share: ±4 standard deviations (about ±0.009 here), with
    // room for the few people whose first two needs fall in one week.
    let sd = (expected * (1.0 - expected) / n).sqrt();
    assert!(
        (share - expected).abs() < 4.0 * sd + 0.005,
        "repeat share {share:.4}, expected {expected:.4} ± {:.4} ({:?})",
        4.0 * sd,
        r.needs
    );
    assert!(r.needs.market_repeat > 0, "{:?}", r.needs);
}

#[test]
fn equally_trusted_acquaintances_are_chosen_between_at_random() {
    let s = small(&[]);
    let world = World::build(&s, World::seed(s.simulation.seed, 0));
    let run = Run::new(&s, &world, 0, Options::default());
    // Someone who is not a member and holds no book, with three or more
    // close acquaintances in one trade: all of them score the same.
    let (person, trade, close) = (0..2000u32)
        .filter(|&p| run.book(p).is_none())
        .find_map(|p| {
            (0..world.professions() as u16).find_map(|t| {
                let (first, ns) = world.acquaintances_in(p, t);
                let close: Vec<u32> = (0..ns.len())
                    .filter(|&k| world.network.is_close(p, first + k))
                    .map(|k| ns[k])
                    .collect();
                (close.len() >= 3).then_some((p, t, close))
            })
        })
        .expect("someone has three close ties in one trade");
    let view = alone(run.trade(person, trade));
    let mut rng = Pcg64Mcg::seed_from_u64(11);
    let draws = 6000;
    let mut counts = vec![0u32; close.len()];
    for _ in 0..draws {
        let (p, confidence) =
            needs::best_provider(&run, &view, 0, u32::MAX, &mut rng).expect("a provider");
        assert_eq!(confidence, s.relationships.close_tie_trust);
        counts[close.iter().position(|&c| c == p).expect("a close tie")] += 1;
    }
    // Each of k equally trusted providers: Binomial(draws, 1/k), ±4 sd.
    let k = close.len() as f64;
    let (mean, sd) = (
        draws as f64 / k,
        (draws as f64 / k * (1.0 - 1.0 / k)).sqrt(),
    );
    for &c in &counts {
        assert!(
            (c as f64 - mean).abs() < 4.0 * sd,
            "{counts:?}: each should be near {mean:.0}"
        );
    }
}

/// A run of a small town and the people in its first three member slots.
fn three_members<'a>(s: &'a Scenario, world: &'a World) -> (Run<'a>, u32, u32, u32) {
    let run = Run::new(s, world, 0, Options::default());
    let ps: Vec<u32> = run.membership.members[..3]
        .iter()
        .map(|m| m.person)
        .collect();
    (run, ps[0], ps[1], ps[2])
}

fn world_seed(s: &Scenario) -> u64 {
    World::seed(s.simulation.seed, 0)
}

#[test]
fn a_referral_sale_through_a_tie_of_gratitude_is_no_business_traced_to_the_group() {
    let s = small(&[]);
    let world = World::build(&s, world_seed(&s));
    let (mut run, p, buyer, referrer) = three_members(&s, &world);
    let slot = run.slot_of(p).unwrap();
    let referral = |run: &mut Run<'_>| {
        let need = Need {
            buyer,
            profession: world.people.profession[p as usize],
            value: 100.0,
        };
        let decision = Decision {
            passes: vec![(p, referrer, 1)],
            sale: Some((p, Source::Referral { referrer, hops: 1 })),
            market_repeat: false,
        };
        needs::apply(run, &need, &decision, Some(p), 5, || {
            Pcg64Mcg::seed_from_u64(1)
        });
    };
    // The first referral leaves the provider owing the referrer — a tie
    // made by gratitude, the two never having met.
    referral(&mut run);
    let owed = *crate::model::contact::networking_tie(&run, p, referrer).expect("a tie");
    assert!(!owed.met());
    assert_eq!(run.member(slot).business_since_join, 0);
    // A second referral through that tie is still not business traced to
    // the group.
    referral(&mut run);
    assert_eq!(run.member(slot).business_since_join, 0);
    // Once they have met at the group, it is.
    let mut rng = Pcg64Mcg::seed_from_u64(2);
    run.contact(
        p,
        referrer,
        6,
        (0.2, Exposure::Together),
        (0.0, 1.0),
        &mut rng,
    );
    referral(&mut run);
    assert_eq!(run.member(slot).business_since_join, 1);
}

#[test]
fn a_provider_named_twice_for_one_need_receives_one_referral() {
    let s = small(&[]);
    let world = World::build(&s, world_seed(&s));
    let (mut run, p, r1, r2) = three_members(&s, &world);
    let buyer = (0..2000u32).find(|&x| !run.is_member(x)).unwrap();
    let need = Need {
        buyer,
        profession: world.people.profession[p as usize],
        value: 100.0,
    };
    let decision = Decision {
        passes: vec![(p, r1, 1), (p, r2, 2)],
        sale: None,
        market_repeat: false,
    };
    needs::apply(&mut run, &need, &decision, None, 0, || {
        Pcg64Mcg::seed_from_u64(1)
    });
    let totals = |who: u32| run.member(run.slot_of(who).unwrap()).totals.clone();
    assert_eq!(totals(p).get(Metric::ReferralsReceived), 1.0);
    assert_eq!(totals(p).get(Metric::ReferralsReceivedHop1), 1.0);
    assert_eq!(totals(p).get(Metric::ReferralsReceivedHop2plus), 0.0);
    // Each referrer did give a referral.
    assert_eq!(totals(r1).get(Metric::ReferralsGiven), 1.0);
    assert_eq!(totals(r2).get(Metric::ReferralsGiven), 1.0);
}

#[test]
fn pitches_heard_round_the_room_alone_build_no_trust() {
    // Members who only ever hear each other's pitches — no chats, no
    // one-to-ones — get to know each other but trust nobody.
    let s = small(&[
        "simulation.years=2",
        "groups.conversations=0",
        "strategies.networking.one_to_ones_per_month=0",
    ]);
    let world = World::build(&s, world_seed(&s));
    let mut stepper = crate::engine::Stepper::new(&s, &world, 0);
    let mut last = Vec::new();
    while let Some(rows) = stepper.step() {
        last = rows;
    }
    // Networkers stay in their group and hear the same pitches weekly.
    assert!(last[1].get(Metric::PeopleKnown) > 1.0, "{:?}", last[1].0);
    for row in &last {
        assert_eq!(row.get(Metric::TrustedTies), 0.0);
    }
    let ties: Vec<(u32, u32, Tie)> = stepper.ties();
    assert!(ties.iter().all(|(_, _, t)| t.liked_hours == 0.0));
}
