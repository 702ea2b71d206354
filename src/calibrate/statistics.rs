//! The simulated statistics an observed figure can be compared with.
//!
//! Each statistic is computed for one replicate (one simulated town) from
//! the headline figures `netgrow run` and `netgrow sweep` already report
//! ([`crate::sweep::measure::HEADLINES`]) for one year, or — for the two
//! that the model fixes by construction — from the scenario itself. A
//! target names the cohorts it describes; their figures are pooled with
//! each cohort weighted by its members, so a ratio is a ratio of the
//! pooled totals (the group's referral revenue over the group's revenue),
//! not a mean of members' ratios.
//!
//! The definitions are the table in `docs/calibration.md`; a test keeps
//! the two the same.

use crate::scenario::Scenario;
use crate::summary::WEEKS_PER_YEAR;
use crate::sweep::measure::HEADLINES;

/// A simulated statistic a target can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Statistic {
    ReferralsPerYear,
    ReferralSalesPerYear,
    RevenuePerYear,
    ReferralRevenueShare,
    RevenuePerReferral,
    HoursPerWeek,
    TrustedTies,
    RenewalShare,
    HoursToTrusted,
}

impl Statistic {
    /// Every statistic, in the order the documentation lists them.
    pub const ALL: [Statistic; 9] = [
        Statistic::ReferralsPerYear,
        Statistic::ReferralSalesPerYear,
        Statistic::RevenuePerYear,
        Statistic::ReferralRevenueShare,
        Statistic::RevenuePerReferral,
        Statistic::HoursPerWeek,
        Statistic::TrustedTies,
        Statistic::RenewalShare,
        Statistic::HoursToTrusted,
    ];

    /// The name a targets file uses.
    pub fn name(self) -> &'static str {
        match self {
            Statistic::ReferralsPerYear => "referrals_per_year",
            Statistic::ReferralSalesPerYear => "referral_sales_per_year",
            Statistic::RevenuePerYear => "revenue_per_year",
            Statistic::ReferralRevenueShare => "referral_revenue_share",
            Statistic::RevenuePerReferral => "revenue_per_referral",
            Statistic::HoursPerWeek => "hours_per_week",
            Statistic::TrustedTies => "trusted_ties",
            Statistic::RenewalShare => "renewal_share",
            Statistic::HoursToTrusted => "hours_to_trusted",
        }
    }

    /// The statistic called `name`.
    pub fn from_name(name: &str) -> Option<Statistic> {
        Statistic::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Every name, for suggestions and messages.
    pub fn names() -> Vec<&'static str> {
        Statistic::ALL.iter().map(|s| s.name()).collect()
    }

    /// What it is counted in (`currency` stands for the scenario's).
    pub fn unit(self) -> &'static str {
        match self {
            Statistic::ReferralsPerYear => "referrals per member per year",
            Statistic::ReferralSalesPerYear => "jobs per member per year",
            Statistic::RevenuePerYear => "currency per member per year",
            Statistic::ReferralRevenueShare | Statistic::RenewalShare => "share (0–1)",
            Statistic::RevenuePerReferral => "currency per referral",
            Statistic::HoursPerWeek => "hours per member per week",
            Statistic::TrustedTies => "ties per member",
            Statistic::HoursToTrusted => "liked hours",
        }
    }

    /// Whether the figure is money (shown with the currency).
    pub fn money(self) -> bool {
        matches!(
            self,
            Statistic::RevenuePerYear | Statistic::RevenuePerReferral
        )
    }

    /// Its precise definition, as `docs/calibration.md` gives it.
    pub fn definition(self) -> &'static str {
        match self {
            Statistic::ReferralsPerYear => "referrals received per member during the year: names passed on to a buyer naming the member, by anyone, any number of hops (12 × the headline `referrals_per_month`)",
            Statistic::ReferralSalesPerYear => "jobs won through a referral per member during the year (the headline `referral_sales`)",
            Statistic::RevenuePerYear => "revenue per member during the year, from every source (the headline `revenue`)",
            Statistic::ReferralRevenueShare => "revenue from referrals over revenue from every source, during the year (headlines `referral_revenue` / `revenue`)",
            Statistic::RevenuePerReferral => "revenue from referrals over referrals received, during the year: closed business per referral (headlines `referral_revenue` / 12 × `referrals_per_month`)",
            Statistic::HoursPerWeek => "hours spent networking per member per week during the year, travel, meetings and one-to-ones included (the headline `hours` / 52)",
            Statistic::TrustedTies => "ties trusted enough to refer (trust ≥ `relationships.trusted_at`) per member at the end of the year (the headline `trusted_ties`)",
            Statistic::RenewalShare => "share of members still members a year after joining: 1 − the strategy's `churn_per_year` (0 for `followed` cohorts). Churn is memoryless, so this is exactly the share of members who do not leave networking within a year; a connector who leaves one group for lack of business stays a member and tries another",
            Statistic::HoursToTrusted => "liked hours with one person for trust to reach `relationships.trusted_at`: −`hours_to_trust` × ln(1 − `trusted_at`)",
        }
    }

    /// Whether the scenario fixes the statistic, so it needs no simulation
    /// (and varies nothing between replicates).
    pub fn from_scenario(self) -> bool {
        matches!(self, Statistic::RenewalShare | Statistic::HoursToTrusted)
    }

    /// The statistic for one replicate: `pooled(name)` is the headline
    /// figure `name` for the target's cohorts, members-weighted, in the
    /// target's year. `cohorts` are indices into the scenario's cohorts.
    pub fn value(
        self,
        scenario: &Scenario,
        cohorts: &[usize],
        pooled: &dyn Fn(&str) -> f64,
    ) -> f64 {
        let referrals = || 12.0 * pooled("referrals_per_month");
        match self {
            Statistic::ReferralsPerYear => referrals(),
            Statistic::ReferralSalesPerYear => pooled("referral_sales"),
            Statistic::RevenuePerYear => pooled("revenue"),
            Statistic::ReferralRevenueShare => ratio(pooled("referral_revenue"), pooled("revenue")),
            Statistic::RevenuePerReferral => ratio(pooled("referral_revenue"), referrals()),
            Statistic::HoursPerWeek => pooled("hours") / WEEKS_PER_YEAR as f64,
            Statistic::TrustedTies => pooled("trusted_ties"),
            Statistic::RenewalShare => renewal(scenario, cohorts),
            Statistic::HoursToTrusted => {
                let r = &scenario.relationships;
                -r.hours_to_trust * (1.0 - r.trusted_at).ln()
            }
        }
    }
}

/// `a / b`, NaN when `b` is not positive (no revenue, no referrals): such
/// a replicate says nothing about the ratio.
fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        f64::NAN
    }
}

/// The members-weighted share of `cohorts`' members who stay a year.
fn renewal(scenario: &Scenario, cohorts: &[usize]) -> f64 {
    let (mut stay, mut all) = (0.0, 0.0);
    for &c in cohorts {
        let (_, cohort) = &scenario.cohorts[c];
        let churn = match scenario.strategy(&cohort.strategy) {
            Some(s) if !cohort.followed => s.churn_per_year,
            _ => 0.0,
        };
        stay += cohort.members as f64 * (1.0 - churn);
        all += cohort.members as f64;
    }
    ratio(stay, all)
}

/// The members-weighted mean of headline `name` over `cohorts`, where
/// `figure(cohort, metric)` reads one cohort's value (metric an index into
/// [`HEADLINES`]); NaN for a name that is not a headline.
pub fn pooled(
    scenario: &Scenario,
    cohorts: &[usize],
    name: &str,
    figure: &dyn Fn(usize, usize) -> f64,
) -> f64 {
    let Some(m) = HEADLINES.iter().position(|h| h.name == name) else {
        return f64::NAN;
    };
    let (mut sum, mut all) = (0.0, 0.0);
    for &c in cohorts {
        let n = scenario.cohorts[c].1.members as f64;
        sum += n * figure(c, m);
        all += n;
    }
    ratio(sum, all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Scenario {
        crate::sweep::tests::tiny()
    }

    #[test]
    fn names_read_back_and_every_headline_named_exists() {
        for s in Statistic::ALL {
            assert_eq!(Statistic::from_name(s.name()), Some(s));
        }
        let s = tiny();
        let one = |_: usize, _: usize| 1.0;
        for name in [
            "referrals_per_month",
            "referral_sales",
            "revenue",
            "referral_revenue",
            "hours",
            "trusted_ties",
        ] {
            assert_eq!(pooled(&s, &[0, 1], name, &one), 1.0, "{name}");
        }
        assert!(pooled(&s, &[0], "no_such_headline", &one).is_nan());
    }

    #[test]
    fn the_documentation_defines_every_statistic_as_the_code_does() {
        let doc = include_str!("../../docs/calibration.md");
        for s in Statistic::ALL {
            let row = format!("| `{}` | {} | {} |", s.name(), s.unit(), s.definition());
            assert!(doc.contains(&row), "docs/calibration.md lacks:\n{row}");
        }
    }

    #[test]
    fn cohorts_pool_by_members_and_ratios_pool_totals() {
        let mut s = tiny();
        s.cohorts[0].1.members = 10;
        s.cohorts[1].1.members = 30;
        let revenue = HEADLINES.iter().position(|h| h.name == "revenue").unwrap();
        let referral = HEADLINES
            .iter()
            .position(|h| h.name == "referral_revenue")
            .unwrap();
        // Cohort 0 earns 100, all of it from referrals; cohort 1 earns 300,
        // none of it.
        let figure = |c: usize, m: usize| match (c, m) {
            (0, m) if m == revenue || m == referral => 100.0,
            (1, m) if m == revenue => 300.0,
            _ => 0.0,
        };
        let p = |name: &str| pooled(&s, &[0, 1], name, &figure);
        assert_eq!(p("revenue"), 250.0);
        // 10 × 100 of (10 × 100 + 30 × 300): a tenth, not the mean of 1 and 0.
        let share = Statistic::ReferralRevenueShare.value(&s, &[0, 1], &p);
        assert!((share - 0.1).abs() < 1e-12, "{share}");
        assert!(Statistic::RevenuePerReferral
            .value(&s, &[0, 1], &p)
            .is_nan());
    }

    /// The renewal share is read from the scenario because churn is
    /// memoryless: the share of members at the end of a run who joined
    /// at least a year earlier is then 1 − churn_per_year. 200 member
    /// slots × 4 towns at churn 0.3: a binomial share with standard error
    /// 0.016; ±0.08 is over four of them.
    #[test]
    fn renewal_is_the_share_of_members_who_stay_a_year_in_the_simulation() {
        let text = crate::sweep::tests::TINY
            .replace("years = 1", "years = 2")
            .replace("members = 15", "members = 100")
            .replace("count = 4", "count = 20")
            + "\n[strategies.connecting]\nchurn_per_year = 0.3\n[strategies.networking]\nchurn_per_year = 0.3\n";
        let s = Scenario::from_str(&text, "t.toml", "t", &[]).unwrap();
        let (mut stayed, mut all) = (0.0, 0.0);
        for r in 0..4 {
            let world = crate::population::World::build(&s, crate::population::World::seed(1, r));
            for m in crate::engine::simulate(&s, &world, r).members {
                all += 1.0;
                if m.weeks_member >= WEEKS_PER_YEAR as u32 {
                    stayed += 1.0;
                }
            }
        }
        let none = |_: &str| f64::NAN;
        let expected = Statistic::RenewalShare.value(&s, &[0, 1], &none);
        assert!((expected - 0.7).abs() < 1e-12);
        assert!((stayed / all - expected).abs() < 0.08, "{stayed} of {all}");
    }

    #[test]
    fn scenario_statistics_follow_their_keys() {
        let mut s = tiny();
        s.relationships.hours_to_trust = 8.0;
        s.relationships.trusted_at = 0.5;
        let none = |_: &str| f64::NAN;
        let h = Statistic::HoursToTrusted.value(&s, &[0], &none);
        assert!((h - 8.0 * 2f64.ln()).abs() < 1e-12, "{h}");
        for (name, st) in s.strategies.iter_mut() {
            st.churn_per_year = if name == "connecting" { 0.5 } else { 0.1 };
        }
        s.cohorts[0].1.members = 10;
        s.cohorts[1].1.members = 10;
        let r = Statistic::RenewalShare.value(&s, &[0, 1], &none);
        assert!((r - 0.7).abs() < 1e-12, "{r}");
        s.cohorts[0].1.followed = true;
        let r = Statistic::RenewalShare.value(&s, &[0, 1], &none);
        assert!((r - 0.95).abs() < 1e-12, "{r}");
    }
}
