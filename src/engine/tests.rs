//! Tests of the model's mechanisms: each would fail if the mechanism it
//! names broke. Small worlds and fixed seeds keep them fast and repeatable.

use crate::engine::{simulate, RunResult, Stepper};
use crate::metrics::Metric;
use crate::population::World;
use crate::scenario::{Override, Scenario};

/// A small town: 2,000 people, 50 acquaintances each, 5 groups of 20,
/// 40 members per cohort.
fn small(extra: &[&str]) -> Scenario {
    let mut sets = vec![
        "population.size=2000",
        "population.acquaintances=50",
        "population.close_ties=10",
        "groups.count=5",
        "groups.seats=20",
        "cohorts.connecting.members=40",
        "cohorts.networking.members=40",
        "simulation.years=3",
    ];
    sets.extend_from_slice(extra);
    let overrides: Vec<Override> = sets.iter().map(|s| Override::parse(s).unwrap()).collect();
    Scenario::from_str("", "test.toml", "test", &overrides).unwrap_or_else(|e| panic!("{e}"))
}

fn run(s: &Scenario, rep: u32) -> RunResult {
    let world = World::build(s, World::seed(s.simulation.seed, rep));
    simulate(s, &world, rep)
}

/// Sum over weeks of a cohort's per-member flow, times its members: the
/// cohort's total.
fn total(r: &RunResult, cohort: usize, m: Metric) -> f64 {
    r.rows
        .iter()
        .map(|w| w[cohort].get(m) * w[cohort].get(Metric::Members))
        .sum()
}

fn per_member(r: &RunResult, cohort: usize, m: Metric) -> f64 {
    r.rows.iter().map(|w| w[cohort].get(m)).sum()
}

const CONNECTING: usize = 0;
const NETWORKING: usize = 1;

#[test]
fn without_generosity_noticing_or_pitching_there_are_no_referrals_or_pitch_sales() {
    let s = small(&[
        "strategies.connecting.generosity=0",
        "strategies.networking.generosity=0",
        "strategies.connecting.notices_needs=0",
        "strategies.networking.notices_needs=0",
        "population.traits.generosity=0",
        "economy.pitch_conversion=0",
    ]);
    let r = run(&s, 0);
    for c in [CONNECTING, NETWORKING] {
        for m in [
            Metric::ReferralsReceived,
            Metric::ReferralsGiven,
            Metric::ReferralSales,
            Metric::PitchSales,
        ] {
            assert_eq!(total(&r, c, m), 0.0, "{} in cohort {c}", m.name());
        }
    }
    assert_eq!(r.needs.referral, 0);
    assert_eq!(r.needs.pitch, 0);
    assert!(r.needs.needs > 0);
    assert!(
        r.needs.market > 0 && r.needs.direct > 0 && r.needs.repeat > 0,
        "{:?}",
        r.needs
    );
    assert_eq!(
        r.needs.needs,
        r.needs.market + r.needs.direct + r.needs.repeat,
        "every need is met somewhere"
    );
}

#[test]
fn need_counts_match_their_poisson_expectation() {
    let s = small(&[]);
    let r = run(&s, 3);
    let expected = s.population.size as f64 * s.economy.needs_per_year / 52.0 * s.weeks() as f64;
    // Poisson count: sd = √expected (≈ 155 here); ±4 sd fails by chance
    // about once in 16,000 seeds, and the seed is fixed.
    let sd = expected.sqrt();
    let n = r.needs.needs as f64;
    assert!(
        (n - expected).abs() < 4.0 * sd,
        "{n} needs, expected {expected} ± {}",
        4.0 * sd
    );
    let resolved =
        r.needs.repeat + r.needs.direct + r.needs.referral + r.needs.pitch + r.needs.market;
    assert_eq!(resolved, r.needs.needs);
}

#[test]
fn identical_variants_give_identical_results() {
    let text = "[population]\nsize = 2000\nacquaintances = 50\nclose_ties = 10\n[groups]\ncount = 5\n\
                [cohorts.connecting]\nmembers = 40\n[cohorts.networking]\nmembers = 40\n\
                [simulation]\nyears = 2\n\
                [[variants]]\nname = \"a\"\n[[variants]]\nname = \"b\"\nset = { \"groups.count\" = 5 }\n";
    let s = Scenario::from_str(text, "t.toml", "t", &[]).unwrap();
    let arms = s.arms();
    let world = World::build(arms[0].1, World::seed(s.simulation.seed, 0));
    let a = simulate(arms[0].1, &world, 0);
    let b = simulate(arms[1].1, &world, 0);
    assert_eq!(a.rows, b.rows);
    assert_eq!(a.members, b.members);
    assert_eq!(a.needs, b.needs);
}

#[test]
fn common_random_numbers_keep_the_needs_identical_across_different_variants() {
    // Different rules, same world and replicate: the needs that arise are
    // the same draws, however differently they are then met.
    let a = run(&small(&[]), 1);
    let b = run(
        &small(&[
            "economy.pitch_conversion=0.9",
            "strategies.networking.generosity=0.1",
        ]),
        1,
    );
    assert_eq!(a.needs.needs, b.needs.needs);
    assert_ne!(a.rows, b.rows);
}

#[test]
fn networking_builds_trust_that_connecting_does_not() {
    let r = run(&small(&[]), 0);
    let last = r.rows.last().unwrap();
    let trusted_n = last[NETWORKING].get(Metric::TrustedTies);
    let trusted_c = last[CONNECTING].get(Metric::TrustedTies);
    assert!(
        trusted_n > 2.0,
        "networkers trust {trusted_n} people after 3 years"
    );
    assert!(
        trusted_c < trusted_n / 3.0,
        "connectors {trusted_c} vs networkers {trusted_n}"
    );
    assert!(
        per_member(&r, CONNECTING, Metric::GroupsLeft) > 1.0,
        "connectors move on"
    );
    assert_eq!(
        per_member(&r, NETWORKING, Metric::GroupsLeft),
        0.0,
        "networkers stay"
    );
}

#[test]
fn connecting_wins_when_trust_never_forms_and_pitches_convert() {
    // Trust that takes a lifetime makes relationships worthless for
    // business; pitching is then the only thing that pays.
    let s = small(&[
        "relationships.hours_to_trust=100000",
        "economy.pitch_conversion=0.8",
        "strategies.connecting.patience_meetings=0",
    ]);
    let r = run(&s, 0);
    let c = per_member(&r, CONNECTING, Metric::PitchRevenue)
        + per_member(&r, CONNECTING, Metric::ReferralRevenue);
    let n = per_member(&r, NETWORKING, Metric::PitchRevenue)
        + per_member(&r, NETWORKING, Metric::ReferralRevenue);
    assert!(c > n, "connecting {c} should beat networking {n} here");
}

#[test]
fn networking_advantage_shrinks_as_trust_forms_faster() {
    // Ratio of cumulative referrals received, networking over connecting,
    // averaged over a few replicates, for slow and near-instant trust (with
    // patient connectors, so both cohorts meet the same people).
    let ratio = |hours: &str| {
        let s = small(&[
            &format!("relationships.hours_to_trust={hours}"),
            "strategies.connecting.patience_meetings=0",
        ]);
        let (mut n, mut c) = (0.0, 0.0);
        for rep in 0..3 {
            let r = run(&s, rep);
            n += per_member(&r, NETWORKING, Metric::ReferralsReceived);
            c += per_member(&r, CONNECTING, Metric::ReferralsReceived);
        }
        n / c.max(1e-9)
    };
    let slow = ratio("20");
    let fast = ratio("0.05");
    assert!(
        slow > fast,
        "advantage with slow trust {slow:.2} should exceed fast {fast:.2}"
    );
}

#[test]
fn results_do_not_depend_on_the_thread_pool() {
    let s = small(&["simulation.replicates=3", "simulation.years=1"]);
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    let one = pool(1).install(|| crate::experiment::run(&s, &|| {}));
    let two = pool(2).install(|| crate::experiment::run(&s, &|| {}));
    for (a, b) in one.runs.iter().zip(&two.runs) {
        assert_eq!(a.rows, b.rows);
        assert_eq!(a.members, b.members);
    }
}

/// Steps a town with default settings and with `variant` applied side by
/// side, asserting every week's rows and finally every tie are the same;
/// returns the networkers' total of each of `metrics`, so a test can check
/// the run exercised what it is about.
fn same_run_both_ways<const K: usize>(
    s: &Scenario,
    variant: impl FnOnce(&mut Stepper),
    metrics: [Metric; K],
) -> [f64; K] {
    let world = World::build(s, World::seed(s.simulation.seed, 0));
    let mut plain = Stepper::new(s, &world, 0);
    let mut varied = Stepper::new(s, &world, 0);
    variant(&mut varied);
    let mut totals = [0.0; K];
    while let Some(rows) = plain.step() {
        assert_eq!(Some(&rows), varied.step().as_ref());
        for (total, &m) in totals.iter_mut().zip(&metrics) {
            *total += rows[NETWORKING].get(m);
        }
    }
    assert_eq!(plain.ties(), varied.ties());
    totals
}

#[test]
fn needs_that_reach_no_member_or_book_are_skipped_exactly() {
    // Needs between people who never went networking change only the
    // buyer's supplier list, so the rest of their effects is skipped;
    // applying every need in full must give the same run. Members in two
    // groups, visitors, and churn (which leaves former members holding
    // books that reciprocity still writes to) make all kinds of needs
    // occur.
    let s = small(&[
        "simulation.years=3",
        "groups.count=8",
        "strategies.networking.groups_per_member=2",
        "strategies.connecting.churn_per_year=0.5",
        "strategies.networking.churn_per_year=0.5",
        "groups.visit_rate=0.2",
    ]);
    // Ties are compared too: reciprocity writes to former members' books.
    let [referrals] = same_run_both_ways(
        &s,
        |full| {
            full.schedule(Options {
                apply_every_need: true,
                ..Options::default()
            })
        },
        [Metric::ReferralsReceived],
    );
    assert!(referrals > 0.0);
}

#[test]
fn interleaving_needs_and_one_to_ones_changes_nothing() {
    // Needs are decided, and one-to-one partners chosen, several at a time
    // on a thread, each pausing while its data loads. Each must read only
    // the state at the start of its phase and its own stream, so deciding
    // them one at a time gives the same run, week by week and tie by tie.
    let s = small(&[
        "simulation.years=2",
        "groups.count=8",
        "strategies.networking.groups_per_member=2",
        "strategies.connecting.churn_per_year=0.5",
        "groups.visit_rate=0.2",
    ]);
    let [referrals, one_to_ones] = same_run_both_ways(
        &s,
        |alone| {
            alone.schedule(Options {
                in_flight: 1,
                ..Options::default()
            })
        },
        [Metric::ReferralsReceived, Metric::OneToOnes],
    );
    assert!(referrals > 0.0 && one_to_ones > 0.0);
}

#[test]
fn meetings_sharing_attendees_give_the_same_result_on_any_pool() {
    // Networkers sit in two groups and members often visit, so some weeks
    // a member attends two meetings and the meetings run in several waves.
    let s = small(&[
        "simulation.years=1",
        "groups.count=4",
        "groups.visit_rate=0.4",
        "strategies.networking.groups_per_member=2",
        "cohorts.connecting.members=20",
        "cohorts.networking.members=20",
    ]);
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    let one = pool(1).install(|| run(&s, 0));
    let two = pool(2).install(|| run(&s, 0));
    assert!(total(&one, NETWORKING, Metric::MeetingsAttended) > 0.0);
    assert_eq!(one.rows, two.rows);
    assert_eq!(one.members, two.members);
    assert_eq!(one.egos, two.egos);
}

#[test]
fn extreme_but_valid_scenarios_run_without_panicking() {
    let cases: [&[&str]; 5] = [
        // The smallest world the loader accepts.
        &[
            "population.size=2",
            "population.acquaintances=1",
            "population.close_ties=0",
            "groups.count=1",
            "groups.seats=2",
            "cohorts.connecting.members=1",
            "cohorts.networking.members=1",
        ],
        // Everyone is a member, in closed groups of one profession each.
        &[
            "population.size=400",
            "population.acquaintances=20",
            "population.close_ties=20",
            "groups.count=20",
            "groups.seats=20",
            "groups.format=closed",
            "cohorts.connecting.members=200",
            "cohorts.networking.members=200",
        ],
        // No conversations, monthly meetings, no time cost.
        &[
            "groups.conversations=0",
            "groups.cadence=monthly",
            "economy.value_of_time=0",
            "economy.needs_per_year=0",
        ],
        // Everything at its upper bound.
        &[
            "economy.max_hops=6",
            "economy.asks=100",
            "economy.repeat_rate=1",
            "strategies.networking.one_to_ones_per_month=30",
            "strategies.connecting.churn_per_year=1",
            "strategies.networking.groups_per_member=2",
            "groups.count=40",
        ],
        &[
            "population.network=communities",
            "population.communities=2000",
        ],
    ];
    for extra in cases {
        let mut sets = vec!["simulation.years=1"];
        sets.extend_from_slice(extra);
        let overrides: Vec<Override> = sets.iter().map(|s| Override::parse(s).unwrap()).collect();
        let s = Scenario::from_str("", "t.toml", "t", &overrides).unwrap_or_else(|e| panic!("{e}"));
        let r = run(&s, 0);
        assert_eq!(r.rows.len(), 52, "{extra:?}");
    }
}

// Unit tests of the run's own mechanisms, reaching inside it.

use crate::engine::interleave::alone;
use crate::engine::{Options, Run};
use crate::model::book::Book;
use crate::model::one_to_ones;
use crate::model::relationships::Tie;
use crate::model::town::Acquaintance;
use crate::streams::{self, Purpose};

fn small_town(extra: &[&str]) -> Scenario {
    let mut sets = vec![
        "population.size=2000",
        "population.acquaintances=50",
        "population.close_ties=10",
        "groups.count=5",
        "cohorts.connecting.members=40",
        "cohorts.networking.members=40",
    ];
    sets.extend_from_slice(extra);
    let overrides: Vec<crate::scenario::Override> = sets
        .iter()
        .map(|s| crate::scenario::Override::parse(s).unwrap())
        .collect();
    Scenario::from_str("", "t.toml", "t", &overrides).unwrap()
}

#[test]
fn one_to_one_partners_are_drawn_in_proportion_to_like_times_recall() {
    let s = small_town(&[]);
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
    let s = small_town(&[]);
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
    let s = small_town(&[
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
    let s = small_town(&[
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
