//! Tests of the model's mechanisms: each would fail if the mechanism it
//! names broke. Small worlds and fixed seeds keep them fast and repeatable.

use crate::engine::{simulate, Options, RunResult, Stepper};
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

mod designs;
mod internals;
mod markets;
mod sales;
