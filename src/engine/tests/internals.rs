//! Tests of the run's own bookkeeping, reaching inside it.

use super::small;
use crate::engine::interleave::alone;
use crate::engine::{Options, Run};
use crate::model::book::Book;
use crate::model::one_to_ones;
use crate::model::relationships::Tie;
use crate::model::town::Acquaintance;
use crate::population::World;
use crate::streams::{self, Purpose};

#[test]
fn one_to_one_partners_are_drawn_in_proportion_to_like_times_recall() {
    let s = small(&[]);
    let world = World::build(&s, World::seed(s.simulation.seed, 0));
    let mut run = Run::new(&s, &world, 0, Options::default());
    let me = run.membership.members[0].person;
    let others: Vec<u32> = run.membership.members[1..5]
        .iter()
        .map(|m| m.person)
        .collect();
    // Met this week (recall 1): weights are the likes; the last one is
    // disliked and never chosen. A tie to a non-member is never chosen.
    let likes = [0.8, 0.4, 0.2, -0.5];
    run.holders.insert(me);
    let h = me as usize;
    run.books[h] = Book::default();
    let outsider = (0..2000).find(|&p| !run.membership.is_member(p)).unwrap();
    for (&o, like) in others.iter().zip(likes).chain([(&outsider, 0.9)]) {
        let profession = world.people.profession[o as usize];
        run.books[h].get_or_insert_with(o, profession, || Tie::new(0, like));
    }
    let mut rng = streams::stream(1, Purpose::OneToOnes, &[]);
    // Both ways of drawing: by rejection, and over the full list.
    for full_list in [false, true] {
        let mut counts = [0u32; 4];
        let draws = 20_000;
        for _ in 0..draws {
            let book = &run.books[h];
            let mut list = full_list.then(|| one_to_ones::candidates(&run, me, book, 0));
            let p = alone(one_to_ones::partner(&run, me, book, &mut list, 0, &mut rng)).unwrap();
            counts[others.iter().position(|&o| o == p).unwrap()] += 1;
        }
        assert_eq!(counts[3], 0);
        for i in 0..3 {
            let p = f64::from(likes[i]) / 1.4;
            let sd = (draws as f64 * p * (1.0 - p)).sqrt();
            let off = (counts[i] as f64 - draws as f64 * p).abs();
            assert!(
                off < 4.0 * sd,
                "partner {i}: {counts:?} (full list {full_list})"
            );
        }
    }
}

#[test]
fn graph_trust_agrees_with_a_search_of_all_acquaintances() {
    // Looking only among the owner's acquaintances in the other's
    // trade must find every tie a search of the whole list finds,
    // close or not, and no other.
    let s = small(&[]);
    let world = World::build(&s, World::seed(s.simulation.seed, 0));
    let run = Run::new(&s, &world, 0, Options::default());
    let mut found = [0; 3];
    for owner in (0..world.people.len() as u32).step_by(7) {
        let ns = world.network.neighbors(owner);
        // Every acquaintance, and as many people who are not.
        let others = ns
            .iter()
            .copied()
            .chain((0..ns.len() as u32).map(|k| (owner + 1 + k * 13) % world.people.len() as u32));
        for other in others {
            let expected = match ns.binary_search(&other) {
                Ok(i) if world.network.is_close(owner, i) => Acquaintance::Close,
                Ok(_) => Acquaintance::Plain,
                Err(_) => Acquaintance::None,
            };
            assert_eq!(
                run.acquaintance(owner, other),
                expected,
                "{owner} of {other}"
            );
            found[[Acquaintance::None, Acquaintance::Plain, Acquaintance::Close]
                .iter()
                .position(|&t| t == expected)
                .unwrap()] += 1;
        }
    }
    assert!(found.iter().all(|&n| n > 100), "{found:?}");
}

#[test]
fn lists_of_member_acquaintances_follow_churn() {
    // Heavy churn, so that many members leave and join each week, some
    // leaving and rejoining in the same week.
    let s = small(&[
        "simulation.years=1",
        "strategies.connecting.churn_per_year=0.95",
        "strategies.networking.churn_per_year=0.95",
    ]);
    let world = World::build(&s, World::seed(s.simulation.seed, 0));
    let mut run = Run::new(&s, &world, 0, Options::default());
    let mut newcomers = 0;
    for week in 0..s.weeks() {
        let before: Vec<u32> = run.membership.members.iter().map(|m| m.person).collect();
        run.week(week);
        newcomers += run
            .membership
            .members
            .iter()
            .zip(&before)
            .filter(|(m, &p)| m.person != p)
            .count();
        // The lists kept up to date by each join and leave, against
        // the lists worked out afresh.
        for x in 0..world.people.len() as u32 {
            assert_eq!(
                run.membership.member_acquaintances(x),
                run.membership.current_member_acquaintances(&world, x),
                "week {week}, person {x}"
            );
        }
    }
    assert!(newcomers > 40, "members should come and go ({newcomers})");
}

#[test]
fn trusted_flags_match_trust_at_the_end_of_every_week() {
    // Trust that fades in three weeks: ties lapse all the time, so the
    // calendar's checks (and their rescheduling) are exercised.
    let s = small(&[
        "simulation.years=2",
        "relationships.trust_half_life_weeks=3",
        "relationships.hours_to_trust=2",
    ]);
    let world = World::build(&s, World::seed(s.simulation.seed, 0));
    let mut run = Run::new(&s, &world, 0, Options::default());
    let (mut lapsed, mut most) = (0, 0);
    for week in 0..s.weeks() {
        run.week(week);
        let mut trusted = 0;
        for book in &run.books {
            assert_eq!(book.trusted as usize, book.trusted_ids.len());
            for (other, tie) in book.iter() {
                let trust = run.rules.trust(tie, week);
                let at = run.rules.trusted_at;
                if (trust - at).abs() > 1e-9 {
                    assert_eq!(tie.trusted(), trust >= at, "week {week}, tie to {other}");
                }
                trusted += usize::from(tie.trusted());
            }
        }
        if trusted < most {
            lapsed += 1;
        }
        most = most.max(trusted);
    }
    assert!(most > 0 && lapsed > 0, "ties should be trusted, then lapse");
}
