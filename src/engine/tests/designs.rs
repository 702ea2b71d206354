//! Tests of the designs that ask the individual's question: the built-in
//! `stay_home` strategy, focal members paired across arms, and the
//! stay-home baseline.

use crate::compare::{self, Kind, Measure};
use crate::experiment::{self, Experiment};
use crate::metrics::Metric;
use crate::scenario::{Override, Scenario};

/// A small `[focal]` town: 6 focal members among 74 others in 4 groups.
fn focal(extra: &[&str]) -> Scenario {
    let text = "[population]\nsize = 2000\nacquaintances = 50\nclose_ties = 10\n[groups]\ncount = 4\nseats = 20\n[room]\nmembers = 74\n[focal]\nmembers = 6\nculture = [0.0, 1.0]\n[simulation]\nyears = 2\nreplicates = 3\nseed = 9\n";
    let overrides: Vec<Override> = extra.iter().map(|s| Override::parse(s).unwrap()).collect();
    Scenario::from_str(text, "focal.toml", "focal", &overrides).unwrap_or_else(|e| panic!("{e}"))
}

fn run(s: &Scenario) -> Experiment {
    experiment::run(s, &|| {})
}

fn arm(exp: &Experiment, name: &str) -> usize {
    exp.arms
        .iter()
        .position(|a| a == name)
        .unwrap_or_else(|| panic!("no arm {name} in {:?}", exp.arms))
}

fn focal_people(exp: &Experiment, a: usize, rep: usize) -> Vec<u32> {
    let mut p: Vec<u32> = exp
        .run(a, rep)
        .members
        .iter()
        .filter(|m| m.cohort == 0)
        .map(|m| m.person)
        .collect();
    p.sort_unstable();
    p
}

#[test]
fn focal_members_are_the_same_people_in_every_arm_and_stay_all_run() {
    let s = focal(&[]);
    let exp = run(&s);
    assert_eq!(exp.arms.len(), 6, "{:?}", exp.arms);
    for rep in 0..3 {
        let first = focal_people(&exp, 0, rep);
        // Followed members never churn: exactly the six, whole run.
        assert_eq!(first.len(), 6, "replicate {rep}: {first:?}");
        for a in 1..exp.arms.len() {
            assert_eq!(focal_people(&exp, a, rep), first, "arm {}", exp.arms[a]);
        }
    }
}

#[test]
fn staying_home_costs_nothing_and_joins_no_group() {
    let s = focal(&[]);
    let exp = run(&s);
    let home = arm(&exp, "stay_home in a 100% networking room");
    let net = arm(&exp, "networking in a 100% networking room");
    for rep in 0..3 {
        let sum =
            |a: usize, m: Metric| -> f64 { exp.run(a, rep).rows.iter().map(|w| w[0].get(m)).sum() };
        for m in [
            Metric::Hours,
            Metric::Cost,
            Metric::GroupsLeft,
            Metric::PitchRevenue,
        ] {
            assert_eq!(sum(home, m), 0.0, "{m:?} of a member staying home");
        }
        assert!(sum(net, Metric::Hours) > 0.0);
        // Not a member, yet in town: they still earn from people they know.
        assert!(sum(home, Metric::Revenue) > 0.0);
    }
}

#[test]
fn the_baseline_of_members_who_all_stay_home_is_their_own_run() {
    // Every member follows stay_home: the baseline run is the same town,
    // the same people and the same draws, so it earns exactly what they do.
    let text = "[population]\nsize = 2000\nacquaintances = 50\nclose_ties = 10\n[groups]\ncount = 4\n[cohorts.home]\nstrategy = \"stay_home\"\nmembers = 60\n[simulation]\nyears = 1\nreplicates = 2\n";
    let s = Scenario::from_str(text, "home.toml", "home", &[]).unwrap_or_else(|e| panic!("{e}"));
    let exp = run(&s);
    assert!(exp.baseline);
    for rep in 0..2 {
        for week in &exp.run(0, rep).rows {
            assert_eq!(
                week[0].get(Metric::Revenue),
                week[0].get(Metric::BaselineRevenue)
            );
        }
    }
    // And a baseline that is not there is not made up.
    let off = Scenario::from_str(
        text,
        "home.toml",
        "home",
        &[Override::parse("simulation.baseline=false").unwrap()],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let exp = run(&off);
    assert!(!compare::measures(&exp).contains(&Measure::CumulativeRevenueAboveBaseline));
}

#[test]
fn individual_comparisons_pair_arms_at_the_same_culture() {
    let s = focal(&[]);
    let exp = run(&s);
    let reports = compare::reports(&exp);
    // Three pairs of arms at each of two cultures.
    assert_eq!(reports.len(), 6);
    for r in &reports {
        let Kind::Individual { networkers } = r.comparison.kind else {
            panic!("{:?}", r.comparison.kind);
        };
        for side in [r.comparison.a, r.comparison.b] {
            assert!(exp.arms[side.arm].contains(&crate::scenario::percent(networkers)));
        }
        // The paired difference is a − b of the same replicate.
        let end = 2 * crate::summary::WEEKS_PER_YEAR - 1;
        let d = compare::paired(&exp, &r.comparison, Measure::CumulativeRevenue);
        let a = Measure::CumulativeRevenue.series(&exp, r.comparison.a);
        let b = Measure::CumulativeRevenue.series(&exp, r.comparison.b);
        for rep in 0..3 {
            assert_eq!(d[rep][end], a[rep][end] - b[rep][end]);
        }
    }
}

#[test]
fn a_focal_experiment_is_the_same_on_one_thread_or_two() {
    let s = focal(&[]);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| run(&s));
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(|| run(&s));
    for a in 0..one.arms.len() {
        for rep in 0..3 {
            assert_eq!(
                one.run(a, rep).rows,
                two.run(a, rep).rows,
                "arm {a} rep {rep}"
            );
        }
    }
}

#[test]
fn a_variant_identical_to_base_differs_from_it_by_exactly_nothing() {
    let text = "[population]\nsize = 2000\nacquaintances = 50\nclose_ties = 10\n[groups]\ncount = 5\n\
                [cohorts.connecting]\nmembers = 40\n[cohorts.networking]\nmembers = 40\n\
                [simulation]\nyears = 1\nreplicates = 3\n\
                [[variants]]\nname = \"a\"\n[[variants]]\nname = \"b\"\nset = { \"groups.count\" = 5 }\n";
    let s = Scenario::from_str(text, "t.toml", "t", &[]).unwrap_or_else(|e| panic!("{e}"));
    let exp = run(&s);
    for rep in 0..3 {
        assert_eq!(
            exp.run(0, rep).rows,
            exp.run(1, rep).rows,
            "replicate {rep}"
        );
    }
    let variants: Vec<_> = compare::reports(&exp)
        .into_iter()
        .filter(|r| r.comparison.kind == Kind::Variants)
        .collect();
    assert_eq!(variants.len(), 2, "one per cohort");
    for r in &variants {
        let end = r.at_end().expect("a year");
        for d in std::iter::once(&end.referrals_per_month).chain(&end.to_date) {
            assert_eq!(
                d.difference.mean, 0.0,
                "{} {}",
                r.comparison.label, d.measure
            );
            assert_eq!(d.verdict, compare::Verdict::Tie);
        }
    }
}
