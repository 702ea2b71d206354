//! Tests of connecting done right: rooms full of a member's market, names
//! passed by introducers on a pitch alone, and moving on by judgement.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use super::{run, small, total, CONNECTING};
use crate::engine::interleave::alone;
use crate::engine::{Options, Run};
use crate::metrics::Metric;
use crate::model::contact::{networking_tie, Exposure, Ties};
use crate::model::decisions::{self, Choice};
use crate::model::needs::{self, Need, Source};
use crate::model::town::{Reads, Town};
use crate::population::World;
use crate::scenario::Scenario;

/// Markets on, connectors who never leave (so that where they sit, not
/// when they leave, is all that differs), and no introducers.
const MARKETS: [&str; 5] = [
    "markets.share=0.05",
    "markets.demand=5",
    "markets.guests=10",
    "markets.guest_introducers=0",
    "strategies.connecting.patience_meetings=0",
];

#[test]
fn a_targeted_room_raises_a_connectors_pitch_sales_against_a_general_one() {
    let with = |rooms: &str| {
        let mut sets = MARKETS.to_vec();
        sets.push(rooms);
        small(&sets)
    };
    let general = with("strategies.connecting.rooms=general");
    let targeted = with("strategies.connecting.rooms=targeted");
    let (mut sales_general, mut sales_targeted) = (0.0, 0.0);
    for rep in 0..2 {
        let g = run(&general, rep);
        let t = run(&targeted, rep);
        // Paired: the same town and the same needs.
        assert_eq!(g.needs.needs, t.needs.needs);
        sales_general += total(&g, CONNECTING, Metric::PitchSales);
        sales_targeted += total(&t, CONNECTING, Metric::PitchSales);
    }
    // Each of 40 connectors meets 10 buyers of their trade a week who need
    // it five times as often as anyone in a general room: far more sales,
    // whatever the luck of two towns.
    assert!(
        sales_targeted > 2.0 * sales_general + 10.0,
        "targeted {sales_targeted} vs general {sales_general}"
    );
}

#[test]
fn concentrated_demand_moves_needs_between_people_not_their_number() {
    let even = run(&small(&[]), 1);
    let concentrated = run(&small(&MARKETS), 1);
    assert_eq!(even.needs.needs, concentrated.needs.needs);
}

/// A town where acquaintances carry no trust and nobody refers anyone, so
/// that a need can only be met by an introducer's name, a pitch or the
/// market; everyone introduces every trade when `introducers` is 1, and
/// gives any name they can.
fn introducers_town(introducers: &str) -> Scenario {
    small(&[
        "markets.share=0",
        introducers,
        "markets.introducer_touch=1",
        "relationships.acquaintance_trust=0",
        "relationships.close_tie_trust=0",
        "relationships.chemistry_mean=0.5",
        "relationships.chemistry_sd=0",
        "population.traits.generosity=1",
        "strategies.connecting.notices_needs=0",
        "strategies.networking.notices_needs=0",
        "economy.repeat_rate=0",
        "economy.pitch_conversion=0",
        "markets.pitch_conversion=0",
    ])
}

/// Someone who is no member, their acquaintance `i` (no member either),
/// and a member `p` whose trade neither practises: (buyer, introducer,
/// pitcher).
fn buyer_introducer_pitcher(run: &Run<'_>, world: &World) -> (u32, u32, u32) {
    let p = run.membership.members[0].person;
    let s = world.people.profession[p as usize];
    let stranger = |x: u32| !run.is_member(x) && world.people.profession[x as usize] != s;
    (0..world.people.len() as u32)
        .filter(|&x| stranger(x))
        .find_map(|x| {
            world
                .network
                .neighbors(x)
                .iter()
                .copied()
                .find(|&i| stranger(i))
                .map(|i| (x, i, p))
        })
        .expect("two acquainted non-members outside the pitcher's trade")
}

/// Introducer `i` hears `p` pitch at week 5 (and, if `trusted`, buyer `x`
/// has spent fifty hours with `i` at week 4); `x` needs `p`'s trade at
/// week 6. What becomes of the need, and `i`'s trust in `p`.
fn introduced(s: &Scenario, trusted: bool) -> (needs::Decision, f64, u32, u32) {
    let world = World::build(s, World::seed(s.simulation.seed, 0));
    let mut run = Run::new(s, &world, 0, Options::default());
    let (x, i, p) = buyer_introducer_pitcher(&run, &world);
    let mut rng = Pcg64Mcg::seed_from_u64(4);
    if trusted {
        run.contact(x, i, 4, (50.0, Exposure::Together), (0.0, 1.0), &mut rng);
    }
    let hours = s.groups.pitch_seconds / 3600.0;
    run.contact(i, p, 5, (hours, Exposure::Listening), (1.0, 1.0), &mut rng);
    let trust = run
        .rules()
        .trust(networking_tie(&run, i, p).expect("a tie"), 6);
    let need = Need {
        buyer: x,
        profession: world.people.profession[p as usize],
        value: 100.0,
    };
    let decision = alone(needs::decide(&run, need, 6, &mut rng));
    (decision, trust, i, p)
}

#[test]
fn an_introducer_passes_a_pitchers_name_without_a_trust_tie() {
    let town = introducers_town("markets.introducers=1");
    let (decision, trust, i, p) = introduced(&town, false);
    assert_eq!(trust, 0.0, "hearing a pitch builds no trust");
    assert_eq!(decision.passes, vec![(p, i, 1)]);
    // The buyer gives an introducer's name the credibility of the
    // introducer: none, to a mere acquaintance here …
    assert_eq!(decision.sale, None);
    // … and acts on it when they trust the introducer.
    let (decision, _, i, p) = introduced(&town, true);
    assert_eq!(decision.passes, vec![(p, i, 1)]);
    assert_eq!(
        decision.sale,
        Some((
            p,
            Source::Referral {
                referrer: i,
                hops: 1
            }
        ))
    );
    // Without introducers, nobody passes the name on.
    let (decision, _, _, _) = introduced(&introducers_town("markets.introducers=0"), true);
    assert!(decision.passes.is_empty(), "{:?}", decision.passes);
    assert_eq!(decision.sale, None);
}

#[test]
fn a_connector_with_judgement_stays_where_there_is_a_connection_and_leaves_where_there_is_none() {
    let s = small(&[
        "markets.share=0.3",
        "strategies.connecting.patience_rule=judgement",
        "strategies.connecting.churn_per_year=0",
    ]);
    let world = World::build(&s, World::seed(s.simulation.seed, 0));
    let mut run = Run::new(&s, &world, 0, Options::default());
    let slot = (0..run.membership.members.len() as u32)
        .find(|&k| {
            let m = &run.membership.members[k as usize];
            m.cohort == CONNECTING as u16 && m.seated()
        })
        .expect("a seated connector");
    let member = run.membership.members[slot as usize].clone();
    let trade = world.people.profession[member.person as usize];
    let group = member.groups[0] as usize;
    let other = |connects: bool| {
        (0..run.membership.members.len() as u32)
            .find(|&k| {
                let p = run.membership.members[k as usize].person;
                k != slot && run.markets.connects(p, trade) == connects
            })
            .expect("another member of each kind")
    };
    let (connection, stranger) = (other(true), other(false));
    let strategy = s.strategy("connecting").unwrap();
    let choose = |run: &mut Run<'_>, with: u32| {
        let mut attendees = vec![Vec::new(); run.membership.groups.len()];
        attendees[group] = vec![slot, with];
        run.gatherings(&attendees, 3);
        let m = &run.membership.members[slot as usize];
        decisions::choose(m, strategy, 0.0, 3, &mut Pcg64Mcg::seed_from_u64(1))
    };
    assert_eq!(choose(&mut run, connection), None, "a connection: stay");
    assert_eq!(choose(&mut run, stranger), Some(Choice::Leave));
    assert_eq!(choose(&mut run, connection), None, "judged afresh");
}

#[test]
fn connectors_with_judgement_never_leave_a_town_where_everyone_connects() {
    let judged = |share: &str| {
        small(&[
            share,
            "strategies.connecting.patience_rule=judgement",
            "simulation.years=1",
        ])
    };
    let everyone = run(&judged("markets.share=1"), 0);
    assert_eq!(total(&everyone, CONNECTING, Metric::GroupsLeft), 0.0);
    // Where nobody is in anyone's market (one in a million), the rooms
    // hold no connection and connectors move on after every meeting.
    let nobody = run(&judged("markets.share=0.000001"), 0);
    let left = total(&nobody, CONNECTING, Metric::GroupsLeft);
    let meetings = total(&nobody, CONNECTING, Metric::MeetingsAttended);
    assert!(
        left > 0.0 && left >= 0.8 * meetings,
        "{left} left after {meetings} meetings"
    );
}

#[test]
fn a_pitch_heard_by_a_buyer_in_its_market_converts_at_the_market_rate() {
    // Buyer x heard p pitch at week 5 and needs p's trade at week 6; only
    // a pitch can win the need. In p's market (everyone is, at share 1) the
    // pitch converts for certain; outside it (nobody is) never.
    let pitch_sale = |share: &str| {
        let s = small(&[
            share,
            "markets.pitch_conversion=1",
            "economy.pitch_conversion=0",
            "relationships.chemistry_mean=0.5",
            "relationships.chemistry_sd=0",
            "economy.repeat_rate=0",
            "relationships.acquaintance_trust=0",
            "relationships.close_tie_trust=0",
            "strategies.connecting.notices_needs=0",
            "strategies.networking.notices_needs=0",
        ]);
        let world = World::build(&s, World::seed(s.simulation.seed, 0));
        let mut run = Run::new(&s, &world, 0, Options::default());
        let (x, _, p) = buyer_introducer_pitcher(&run, &world);
        let mut rng = Pcg64Mcg::seed_from_u64(5);
        let hours = s.groups.pitch_seconds / 3600.0;
        run.contact(x, p, 5, (hours, Exposure::Listening), (1.0, 1.0), &mut rng);
        let need = Need {
            buyer: x,
            profession: world.people.profession[p as usize],
            value: 100.0,
        };
        alone(needs::decide(&run, need, 6, &mut rng)).sale
    };
    assert!(matches!(
        pitch_sale("markets.share=1"),
        Some((_, Source::Pitch))
    ));
    assert_eq!(pitch_sale("markets.share=0.000001"), None);
}
