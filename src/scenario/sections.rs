//! The sections of a validated [`Scenario`](super::Scenario): one type per
//! table of the file, each field with its unit, every default resolved.

use serde::{Serialize, Serializer};

use super::{
    Cadence, ChartFormat, Dist, GroupFormat, NetworkKind, PartnerChoice, PatienceRule, Profession,
    Rooms, Scenario,
};

/// `[simulation]`: the experiment's size and seed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Simulation {
    /// Names the output directory and the report.
    pub name: String,
    /// One paragraph a trainer reads at the top of the report.
    pub description: String,
    /// Simulated years (52 weeks each).
    pub years: u32,
    /// Independent worlds simulated per variant.
    pub replicates: u32,
    /// Seed of every random stream in the run.
    #[serde(serialize_with = "seed_value")]
    pub seed: u64,
    /// Also run every arm with every member staying home, so that revenue
    /// above what the same people earn anyway can be counted.
    pub baseline: bool,
}

/// A seed as TOML holds it: an integer up to 2^63 − 1, a string of digits
/// above (TOML's integers stop there), so every seed reads back exactly.
fn seed_value<S: Serializer>(seed: &u64, serializer: S) -> Result<S::Ok, S::Error> {
    match i64::try_from(*seed) {
        Ok(i) => serializer.serialize_i64(i),
        Err(_) => serializer.serialize_str(&seed.to_string()),
    }
}

/// `[population]`: the people and their acquaintance network.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Population {
    pub size: u64,
    /// Mean number of acquaintances (network degree).
    pub acquaintances: u64,
    /// Each person's strongest ties that count as close.
    pub close_ties: u64,
    pub network: NetworkKind,
    /// small_world: probability each lattice tie is rewired.
    pub rewire: f64,
    /// communities: number of communities (districts × trades).
    pub communities: u64,
    /// communities: share of each person's ties that go anywhere.
    pub long_range: f64,
    /// friends_of_friends: share of a newcomer's ties made at random.
    pub random_share: f64,
    pub traits: Traits,
    pub professions: Vec<Profession>,
}

/// `[population.traits]`: per-person quantities drawn once per world.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Traits {
    /// Weeks until recall of someone not seen falls to half.
    pub memory_half_life_weeks: Dist,
    /// Probability of passing on a name when it would help (non-members; a
    /// member's strategy sets its own).
    pub generosity: Dist,
    /// Multiplies how many contacts a person asks and how many chats they
    /// have at a meeting (1 = average).
    pub sociability: Dist,
}

/// `[groups]`: the networking groups and their meetings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Groups {
    pub count: u64,
    pub format: GroupFormat,
    pub cadence: Cadence,
    /// Seats per group (members it holds).
    pub seats: u64,
    /// Hours a meeting costs, travel included.
    pub meeting_hours: f64,
    /// Length of each round-the-room pitch, in seconds.
    pub pitch_seconds: f64,
    /// One-to-one chats each attendee has per meeting.
    pub conversations: u64,
    /// Hours per chat.
    pub conversation_hours: f64,
    /// Currency per meeting attended (breakfast, room).
    pub fee_per_meeting: f64,
    /// Currency per year of membership (subscription).
    pub annual_fee: f64,
    /// Open groups: probability a member visits another open group's meeting
    /// instead of their own in a given week.
    pub visit_rate: f64,
}

impl Groups {
    /// Weeks between meetings of one group.
    pub fn cadence_weeks(&self) -> u32 {
        self.cadence.weeks()
    }

    /// Whether groups are subscription clubs with one seat per profession.
    pub fn closed(&self) -> bool {
        self.format == GroupFormat::Closed
    }
}

/// `[relationships]`: how know, like and trust grow and fade.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Relationships {
    pub hours_to_know: f64,
    pub hours_to_trust: f64,
    pub chemistry_mean: f64,
    pub chemistry_sd: f64,
    pub pitch_penalty: f64,
    pub room_pitch_weight: f64,
    pub like_per_hour: f64,
    pub help_bonus: f64,
    pub trust_half_life_weeks: f64,
    pub close_tie_trust: f64,
    pub acquaintance_trust: f64,
    pub one_to_one_hours: f64,
    pub one_to_one_travel_hours: f64,
    pub reciprocity_weight: f64,
    pub friendship_hours: f64,
    pub known_at: f64,
    pub trusted_at: f64,
    /// The chance a member is in touch with a given acquaintance in a given
    /// week, so notices their need (networking ties: recall instead).
    pub acquaintance_touch: f64,
}

/// `[economy]`: needs, how they are met, and what time is worth.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Economy {
    pub needs_per_year: f64,
    pub repeat_rate: f64,
    pub asks: u64,
    pub max_hops: u64,
    pub pitch_conversion: f64,
    pub pitch_memory_weeks: u64,
    pub value_of_time: f64,
    pub currency: String,
    pub value_events_per_hour: f64,
}

/// `[markets]`: who buys each trade most, who introduces it, and the
/// rooms a member can fill with their own market. Off (`share` and
/// `introducers` 0) unless a scenario turns it on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Markets {
    /// Share of the town in each trade's market: the people who buy it
    /// most.
    pub share: f64,
    /// How many times the town's average rate people in a trade's market
    /// need it; everyone else needs it less, so the trade's demand in all
    /// is unchanged.
    pub demand: f64,
    /// Share of the town who introduce each trade: people whose own
    /// clients need it.
    pub introducers: f64,
    /// Chance an introducer hears of a given acquaintance's need in the
    /// trade they introduce, in the week it arises.
    pub introducer_touch: f64,
    /// People from the member's market at each meeting of a member whose
    /// rooms are targeted.
    pub guests: u64,
    /// Introducers of the member's trade at each such meeting.
    pub guest_introducers: u64,
    /// Chance a recently heard pitch wins a matching need of a buyer in
    /// the pitcher's market, at full intensity (other buyers:
    /// `economy.pitch_conversion`).
    pub pitch_conversion: f64,
}

impl Markets {
    /// Whether anyone is in a market or introduces a trade.
    pub fn on(&self) -> bool {
        self.share > 0.0 || self.introducers > 0.0
    }
}

/// `[output]`: what a run writes and where.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Output {
    /// Runs write into `dir/<simulation.name>/`.
    pub dir: String,
    pub charts: bool,
    pub chart_format: ChartFormat,
}

/// `[strategies.NAME]`: how a member behaves at and between meetings.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Strategy {
    /// 0 = never sells, 1 = sells in every breath.
    pub pitch_intensity: f64,
    /// Meetings without business before leaving a group; 0 = never leaves.
    pub patience_meetings: u64,
    /// When a member moves on: after `patience_meetings` without business,
    /// or at a meeting with absolutely no connection.
    pub patience_rule: PatienceRule,
    /// The rooms the member seeks: any group, or one their market fills.
    pub rooms: Rooms,
    pub partner_choice: PartnerChoice,
    pub one_to_ones_per_month: f64,
    pub generosity: f64,
    pub notices_needs: f64,
    pub groups_per_member: u64,
    pub attendance: f64,
    pub rejoin_after_weeks: u64,
    pub churn_per_year: f64,
    /// Never joins a group: the member is then like anyone else in town
    /// (their own generosity, no pitching, no noticing), followed only so
    /// that what they earn is counted — the baseline of staying home.
    pub stays_home: bool,
}

/// `[cohorts.NAME]`: a set of members following one strategy.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cohort {
    pub strategy: String,
    pub members: u64,
    /// The same people for the whole run: they never churn out.
    pub followed: bool,
}

/// `[room]`: the town's members by the culture of the room, instead of
/// `[cohorts]`: `members` in all, of whom a share `networkers` network and
/// the rest connect (cohorts `connecting` and `networking`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Room {
    pub members: u64,
    pub networkers: f64,
}

impl Room {
    /// Members who network: the share of all members, rounded.
    pub fn networking(&self) -> u64 {
        (self.members as f64 * self.networkers).round() as u64
    }
}

/// `[focal]`: the individual's question. A few focal members, the same
/// people in every arm and never churning, follow each strategy of `arms`
/// in turn while the other members (`[room]`) are the same, crossed with
/// the culture of the room (each share of networkers in `culture`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Focal {
    pub members: u64,
    /// The strategy the focal members follow in this arm.
    pub strategy: String,
    /// The strategies compared.
    pub arms: Vec<String>,
    /// The shares of networkers among the other members compared.
    pub culture: Vec<f64>,
}

impl Focal {
    /// The name of the arm where the focal members follow `strategy` in a
    /// room of `networkers` (share): "networking in a 25% networking room".
    pub fn arm_name(strategy: &str, networkers: f64) -> String {
        format!("{strategy} in a {} networking room", percent(networkers))
    }
}

/// A share as a percentage for names: "25%", "12.5%".
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{}%", p.round())
    } else {
        format!("{:.1}%", p)
    }
}

/// `[[variants]]`: a named set of overrides, compared paired with the others.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Variant {
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Dotted keys and their values, exactly as written.
    pub set: toml::Table,
    /// The base scenario with `set` applied (validated).
    #[serde(skip)]
    pub resolved: Box<Scenario>,
}
