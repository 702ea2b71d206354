//! What a run measures, and how replicates are summarised.
//!
//! [`Metric`] lists every per-cohort weekly measure once, as data: its column
//! name, whether it is a flow (per-member mean for the week, summed over
//! weeks into a cumulative version) or a stock (per-member level at the end
//! of the week), what it is counted in, and what it means; the output
//! schema (`output::schema`) builds the files' columns and the codebook
//! from it. The simulation fills one [`Row`] per
//! cohort per week; [`summarise`] turns the rows of many replicates into
//! means with 95% confidence intervals, and [`crossover`] finds the week one
//! cohort's cumulative yield overtakes another's.

use serde::{Deserialize, Serialize};

/// Whether a metric is a weekly amount or a level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Per-member amount during the week; has a cumulative version.
    Flow,
    /// Per-member level at the end of the week.
    Stock,
    /// A cohort total (not per member).
    Count,
}

/// What a metric is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    People,
    Meetings,
    Conversations,
    OneToOnes,
    Ties,
    Referrals,
    Jobs,
    /// The scenario's `economy.currency`.
    Currency,
    Hours,
    Groups,
    /// Occasions of non-business value.
    Events,
}

impl Unit {
    /// The unit as the codebook writes it.
    pub fn word(self) -> &'static str {
        match self {
            Unit::People => "people",
            Unit::Meetings => "meetings",
            Unit::Conversations => "conversations",
            Unit::OneToOnes => "one-to-ones",
            Unit::Ties => "ties",
            Unit::Referrals => "referrals",
            Unit::Jobs => "jobs",
            Unit::Currency => "currency",
            Unit::Hours => "hours",
            Unit::Groups => "groups",
            Unit::Events => "events",
        }
    }
}

/// Every per-cohort weekly measure, in column order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum Metric {
    Members,
    MeetingsAttended,
    Conversations,
    OneToOnes,
    PeopleKnown,
    TrustedTies,
    Friends,
    ReferralsReceived,
    ReferralsReceivedHop1,
    ReferralsReceivedHop2plus,
    ReferralsGiven,
    ReferralSales,
    DirectSales,
    RepeatSales,
    PitchSales,
    ReferralRevenueHop1,
    ReferralRevenueHop2plus,
    ReferralRevenue,
    DirectRevenue,
    RepeatRevenue,
    PitchRevenue,
    Revenue,
    BaselineRevenue,
    Hours,
    Cost,
    GroupsLeft,
    ValueAdvice,
    ValueSuppliers,
    ValueInformation,
    ValueSupport,
    ValueFeedback,
    ValueFriends,
}

/// Each metric's column name, kind, unit and meaning, in column order — one
/// table, so names and meanings cannot drift from the list above (a test
/// checks the order).
const TABLE: [(Metric, &str, Kind, Unit, &str); 32] = [
    (
        Metric::Members,
        "members",
        Kind::Count,
        Unit::People,
        "members in the cohort this week",
    ),
    (
        Metric::MeetingsAttended,
        "meetings_attended",
        Kind::Flow,
        Unit::Meetings,
        "group meetings attended",
    ),
    (
        Metric::Conversations,
        "conversations",
        Kind::Flow,
        Unit::Conversations,
        "one-to-one chats at meetings",
    ),
    (
        Metric::OneToOnes,
        "one_to_ones",
        Kind::Flow,
        Unit::OneToOnes,
        "one-hour follow-ups between meetings",
    ),
    (
        Metric::PeopleKnown,
        "people_known",
        Kind::Stock,
        Unit::People,
        "people known through networking (know ≥ known_at)",
    ),
    (
        Metric::TrustedTies,
        "trusted_ties",
        Kind::Stock,
        Unit::Ties,
        "ties trusted enough to refer (trust ≥ trusted_at)",
    ),
    (
        Metric::Friends,
        "friends",
        Kind::Stock,
        Unit::Ties,
        "networking ties grown into friendships",
    ),
    (
        Metric::ReferralsReceived,
        "referrals_received",
        Kind::Flow,
        Unit::Referrals,
        "names passed on to a buyer naming the member, any number of hops",
    ),
    (
        Metric::ReferralsReceivedHop1,
        "referrals_received_hop1",
        Kind::Flow,
        Unit::Referrals,
        "names passed on to a buyer by someone who knows the member",
    ),
    (
        Metric::ReferralsReceivedHop2plus,
        "referrals_received_hop2plus",
        Kind::Flow,
        Unit::Referrals,
        "names passed on through two or more hops",
    ),
    (
        Metric::ReferralsGiven,
        "referrals_given",
        Kind::Flow,
        Unit::Referrals,
        "names of others the member passed on",
    ),
    (
        Metric::ReferralSales,
        "referral_sales",
        Kind::Flow,
        Unit::Jobs,
        "jobs won through a referral",
    ),
    (
        Metric::DirectSales,
        "direct_sales",
        Kind::Flow,
        Unit::Jobs,
        "jobs won from buyers who know and trust the member",
    ),
    (
        Metric::RepeatSales,
        "repeat_sales",
        Kind::Flow,
        Unit::Jobs,
        "jobs won from previous customers",
    ),
    (
        Metric::PitchSales,
        "pitch_sales",
        Kind::Flow,
        Unit::Jobs,
        "jobs won from buyers who heard the member's pitch",
    ),
    (
        Metric::ReferralRevenueHop1,
        "referral_revenue_hop1",
        Kind::Flow,
        Unit::Currency,
        "revenue from one-hop referrals",
    ),
    (
        Metric::ReferralRevenueHop2plus,
        "referral_revenue_hop2plus",
        Kind::Flow,
        Unit::Currency,
        "revenue from referrals of two or more hops",
    ),
    (
        Metric::ReferralRevenue,
        "referral_revenue",
        Kind::Flow,
        Unit::Currency,
        "revenue from referrals",
    ),
    (
        Metric::DirectRevenue,
        "direct_revenue",
        Kind::Flow,
        Unit::Currency,
        "revenue from direct business",
    ),
    (
        Metric::RepeatRevenue,
        "repeat_revenue",
        Kind::Flow,
        Unit::Currency,
        "revenue from repeat business",
    ),
    (
        Metric::PitchRevenue,
        "pitch_revenue",
        Kind::Flow,
        Unit::Currency,
        "revenue from pitch sales",
    ),
    (
        Metric::Revenue,
        "revenue",
        Kind::Flow,
        Unit::Currency,
        "revenue from all sources",
    ),
    (
        Metric::BaselineRevenue,
        "baseline_revenue",
        Kind::Flow,
        Unit::Currency,
        "revenue the same members earn in the stay-home baseline (every member staying home)",
    ),
    (
        Metric::Hours,
        "hours",
        Kind::Flow,
        Unit::Hours,
        "hours spent networking, travel included",
    ),
    (
        Metric::Cost,
        "cost",
        Kind::Flow,
        Unit::Currency,
        "fees plus hours at the value of time",
    ),
    (
        Metric::GroupsLeft,
        "groups_left",
        Kind::Flow,
        Unit::Groups,
        "groups left for lack of business",
    ),
    (
        Metric::ValueAdvice,
        "value_advice",
        Kind::Flow,
        Unit::Events,
        "free advice received",
    ),
    (
        Metric::ValueSuppliers,
        "value_suppliers",
        Kind::Flow,
        Unit::Events,
        "new suppliers found through networking ties",
    ),
    (
        Metric::ValueInformation,
        "value_information",
        Kind::Flow,
        Unit::Events,
        "market information received",
    ),
    (
        Metric::ValueSupport,
        "value_support",
        Kind::Flow,
        Unit::Events,
        "support and encouragement received",
    ),
    (
        Metric::ValueFeedback,
        "value_feedback",
        Kind::Flow,
        Unit::Events,
        "feedback on ideas received",
    ),
    (
        Metric::ValueFriends,
        "value_friends",
        Kind::Flow,
        Unit::Events,
        "new friendships made",
    ),
];

impl Metric {
    /// All metrics in column order.
    pub const ALL: &'static [Metric] = &{
        let mut all = [Metric::Members; TABLE.len()];
        let mut i = 0;
        while i < TABLE.len() {
            all[i] = TABLE[i].0;
            i += 1;
        }
        all
    };

    /// Column name.
    pub fn name(self) -> &'static str {
        TABLE[self as usize].1
    }

    /// Flow, stock or count.
    pub fn kind(self) -> Kind {
        TABLE[self as usize].2
    }

    /// What it is counted in.
    pub fn unit(self) -> Unit {
        TABLE[self as usize].3
    }

    /// One line saying what it measures.
    pub fn about(self) -> &'static str {
        TABLE[self as usize].4
    }
}

impl Metric {
    /// The kinds of non-business value, in the essay's order.
    pub const VALUE_KINDS: [Metric; 6] = [
        Metric::ValueAdvice,
        Metric::ValueSuppliers,
        Metric::ValueInformation,
        Metric::ValueSupport,
        Metric::ValueFeedback,
        Metric::ValueFriends,
    ];

    /// Looks a metric up by column name.
    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.iter().copied().find(|m| m.name() == name)
    }
}

/// Number of metrics.
pub const COUNT: usize = Metric::ALL.len();

/// One cohort's measures for one week.
#[derive(Clone, Debug, PartialEq)]
pub struct Row(pub [f64; COUNT]);

impl Default for Row {
    fn default() -> Self {
        Row([0.0; COUNT])
    }
}

impl Row {
    pub fn get(&self, m: Metric) -> f64 {
        self.0[m as usize]
    }

    pub fn add(&mut self, m: Metric, x: f64) {
        self.0[m as usize] += x;
    }

    pub fn set(&mut self, m: Metric, x: f64) {
        self.0[m as usize] = x;
    }
}

/// Mean, spread and 95% confidence interval of one quantity across
/// replicates. JSON writes a value that is not a number (the mean of no
/// replicates) as `null`, and reads `null` back as NaN.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "StatJson")]
pub struct Stat {
    pub mean: f64,
    pub sd: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub n: usize,
}

/// [`Stat`] as JSON holds it: `null` where a figure is not a number.
#[derive(Deserialize)]
struct StatJson {
    mean: Option<f64>,
    sd: Option<f64>,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
    n: usize,
}

impl From<StatJson> for Stat {
    fn from(s: StatJson) -> Stat {
        let nan = |x: Option<f64>| x.unwrap_or(f64::NAN);
        Stat {
            mean: nan(s.mean),
            sd: nan(s.sd),
            ci_low: nan(s.ci_low),
            ci_high: nan(s.ci_high),
            n: s.n,
        }
    }
}

impl Stat {
    /// Summarises `xs` with a Student-t interval for the mean.
    pub fn of(xs: &[f64]) -> Stat {
        let n = xs.len();
        if n == 0 {
            return Stat {
                mean: f64::NAN,
                sd: f64::NAN,
                ci_low: f64::NAN,
                ci_high: f64::NAN,
                n,
            };
        }
        let mean = xs.iter().sum::<f64>() / n as f64;
        if n == 1 {
            return Stat {
                mean,
                sd: 0.0,
                ci_low: mean,
                ci_high: mean,
                n,
            };
        }
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let sd = var.sqrt();
        let half = t95(n - 1) * sd / (n as f64).sqrt();
        Stat {
            mean,
            sd,
            ci_low: mean - half,
            ci_high: mean + half,
            n,
        }
    }
}

/// Two-sided 95% quantile of Student's t with `df` degrees of freedom.
pub fn t95(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df - 1],
        // Cornish–Fisher expansion around the normal quantile; error < 1e-3
        // beyond 30 degrees of freedom.
        _ => {
            let z: f64 = 1.959_964;
            let d = df as f64;
            z + (z.powi(3) + z) / (4.0 * d)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * d * d)
        }
    }
}

/// The per-member cumulative sum of a flow over weeks.
pub fn cumulative(weekly: &[f64]) -> Vec<f64> {
    weekly
        .iter()
        .scan(0.0, |acc, x| {
            *acc += x;
            Some(*acc)
        })
        .collect()
}

/// When one series overtakes another for good.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Crossover {
    /// Index (0-based) of the leader in the pair compared.
    pub leader: usize,
    /// First week (1-based) from which the leader stays strictly ahead, if
    /// the other series led before that; `None` if the leader was never
    /// behind.
    pub week: Option<usize>,
}

/// Compares two cumulative series week by week. Returns `None` if they end
/// level; otherwise who ends ahead and, if the other led at some point, the
/// week from which the final leader stays ahead.
pub fn crossover(a: &[f64], b: &[f64]) -> Option<Crossover> {
    let n = a.len().min(b.len());
    if n == 0 {
        return None;
    }
    let diff = |i: usize| a[i] - b[i];
    let last = diff(n - 1);
    if last == 0.0 {
        return None;
    }
    let leader = usize::from(last < 0.0);
    let ahead = |i: usize| {
        if leader == 0 {
            diff(i) > 0.0
        } else {
            diff(i) < 0.0
        }
    };
    let behind = |i: usize| {
        if leader == 0 {
            diff(i) < 0.0
        } else {
            diff(i) > 0.0
        }
    };
    // The streak of weeks at the end where the leader is strictly ahead.
    let mut start = n - 1;
    while start > 0 && ahead(start - 1) {
        start -= 1;
    }
    let was_behind = (0..start).any(behind);
    Some(Crossover {
        leader,
        week: was_behind.then_some(start + 1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names_are_unique_and_round_trip() {
        for (i, m) in Metric::ALL.iter().enumerate() {
            assert_eq!(*m as usize, i, "TABLE is in declaration order");
            assert_eq!(Metric::from_name(m.name()), Some(*m));
        }
    }

    #[test]
    fn stat_matches_hand_computation() {
        let s = Stat::of(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(s.mean, 2.5);
        assert!((s.sd - 1.290_994).abs() < 1e-6);
        // t(3) = 3.182; half-width = 3.182 × 1.291 / 2.
        assert!((s.ci_high - 2.5 - 3.182 * 1.290_994 / 2.0).abs() < 1e-6);
    }

    #[test]
    fn t_quantile_joins_the_table_smoothly() {
        assert!((t95(31) - 2.040).abs() < 2e-3);
        assert!((t95(1000) - 1.962).abs() < 2e-3);
    }

    #[test]
    fn crossover_finds_the_week_the_leader_takes_over_for_good() {
        let connecting = [1.0, 2.0, 3.0, 4.0, 5.0];
        let networking = [0.0, 1.0, 3.5, 6.0, 9.0];
        assert_eq!(
            crossover(&connecting, &networking),
            Some(Crossover {
                leader: 1,
                week: Some(3)
            })
        );
        assert_eq!(
            crossover(&networking, &connecting),
            Some(Crossover {
                leader: 0,
                week: Some(3)
            })
        );
        // Always ahead: a leader but no crossover.
        assert_eq!(
            crossover(&[1.0, 2.0], &[0.0, 0.0]),
            Some(Crossover {
                leader: 0,
                week: None
            })
        );
        assert_eq!(crossover(&[1.0, 1.0], &[0.0, 1.0]), None);
    }
}
