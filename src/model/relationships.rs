//! Ties between people who have met through networking: hours of contact,
//! know, like, trust, recall and reciprocity.
//!
//! A [`Tie`] is one person's view of another; the two directions of a pair
//! are stored separately because like and trust need not be mutual (the
//! listener, not the pitcher, is put off by a pitch). Formulas, from the
//! model:
//!
//! - `know  = 1 − exp(−hours / hours_to_know)`
//! - `like ∈ [−1, 1]`: a chemistry draw at first meeting, `+ like_per_hour`
//!   per hour of contact (mere exposure), `− pitch_penalty × intensity` per
//!   pitch heard (`× room_pitch_weight` for a 60-second round-the-room pitch,
//!   which is expected in a group), `+ help_bonus` when the other helps.
//! - `trust = 1 − exp(−liked_hours / hours_to_trust)`, where only hours spent
//!   while `like > 0` count, and liked hours halve every
//!   `trust_half_life_weeks` without contact.
//! - `recall = 2^(−weeks_since_contact / memory_half_life)`.
//!
//! Decay is lazy: a tie stores its liked hours as of its last contact, and
//! trust at any later week is computed from that, so no weekly pass over
//! ties is needed. Ties of the acquaintance network (not met through
//! networking) carry a fixed trust set by their strength (close or not) and
//! full recall: people keep meeting their friends and neighbours in daily
//! life, which the model does not simulate.

use crate::scenario::Relationships;

/// A week number as a tie stores it: 16 bits are enough, because a run
/// lasts at most 100 years (5,200 weeks), and halve the tie's footprint in
/// the millions of ties of a city-sized run.
type TieWeek = u16;

/// Stored `last_pitch` of a tie whose other never pitched.
const NEVER: TieWeek = TieWeek::MAX;

fn tie_week(week: u32) -> TieWeek {
    // Validation caps runs at 100 years, far below the 16-bit range.
    TieWeek::try_from(week).map_or(NEVER - 1, |w| w.min(NEVER - 1))
}

/// One person's view of another, formed through networking.
///
/// Kept to 20 bytes (weeks in 16 bits; the referral count and three flags
/// sharing 16 bits), since a city-sized run holds tens of millions of them:
/// with the other's id, a book entry is 24 bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tie {
    /// Total hours of contact.
    pub hours: f32,
    /// Hours of contact while liking the other, decayed to the last contact.
    pub liked_hours: f32,
    /// Liking, −1 to 1.
    pub like: f32,
    last_contact: TieWeek,
    last_pitch: TieWeek,
    /// The week of their first contact, once they have met (flag `MET`);
    /// until then the week the tie was made, by a referral's gratitude.
    first_met: TieWeek,
    /// Referrals this person received from the other (the low
    /// [`RECEIVED_BITS`] bits), and the flags `MET`, `KNOWN`, `TRUSTED`,
    /// `FRIEND`.
    marks: u16,
}

/// Bits of [`Tie`]'s `marks` that count referrals received: up to 4,095
/// from one person, where the count stops — far more than a century of
/// weekly needs could bring.
const RECEIVED_BITS: u32 = 12;
const RECEIVED_MAX: u16 = (1 << RECEIVED_BITS) - 1;
/// The two have met: a contact at a meeting or a one-to-one, not only a
/// referral's gratitude.
const MET: u16 = 1 << 12;
/// Counted in the owner's "people known".
const KNOWN: u16 = 1 << 13;
/// Counted in the owner's "trusted ties".
const TRUSTED: u16 = 1 << 14;
/// Become a friendship.
const FRIEND: u16 = 1 << 15;

impl Tie {
    /// A new tie at first meeting, with a chemistry draw for like.
    pub fn new(week: u32, chemistry: f32) -> Tie {
        Tie {
            hours: 0.0,
            liked_hours: 0.0,
            like: chemistry.clamp(-1.0, 1.0),
            last_contact: tie_week(week),
            last_pitch: NEVER,
            first_met: tie_week(week),
            marks: 0,
        }
    }

    /// Referrals this person received from the other.
    pub fn received(&self) -> u16 {
        self.marks & RECEIVED_MAX
    }

    /// Counts one more referral received from the other (the count stops
    /// at its maximum, 8,191).
    pub fn add_received(&mut self) {
        if self.received() < RECEIVED_MAX {
            self.marks += 1;
        }
    }

    /// Whether the two have met through networking (rather than the tie
    /// being only a referral's gratitude).
    pub fn met(&self) -> bool {
        self.marks & MET != 0
    }

    /// Whether the tie is counted in the owner's "people known".
    pub fn known(&self) -> bool {
        self.marks & KNOWN != 0
    }

    /// Whether the tie is counted in the owner's "trusted ties".
    pub fn trusted(&self) -> bool {
        self.marks & TRUSTED != 0
    }

    /// Sets whether the tie is counted in the owner's "trusted ties".
    pub fn set_trusted(&mut self, trusted: bool) {
        if trusted {
            self.marks |= TRUSTED;
        } else {
            self.marks &= !TRUSTED;
        }
    }

    /// Whether the tie has become a friendship.
    pub fn friend(&self) -> bool {
        self.marks & FRIEND != 0
    }

    /// Week of the last contact.
    pub fn last_contact(&self) -> u32 {
        self.last_contact.into()
    }

    /// Week the other last pitched at this person, if ever.
    pub fn last_pitch(&self) -> Option<u32> {
        (self.last_pitch != NEVER).then_some(self.last_pitch.into())
    }

    /// Week they first met (see [`Tie::met`]).
    pub fn first_met(&self) -> u32 {
        self.first_met.into()
    }

    /// Weeks since the last contact, as of `week`.
    pub fn idle(&self, week: u32) -> u32 {
        week.saturating_sub(self.last_contact())
    }
}

/// What crossing a threshold during a contact changed, for the metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Crossings {
    pub became_known: bool,
    pub became_trusted: bool,
    pub became_friend: bool,
}

/// The relationship formulas with a scenario's parameters.
#[derive(Clone, Copy, Debug)]
pub struct Rules {
    pub hours_to_know: f64,
    pub hours_to_trust: f64,
    pub trust_half_life: f64,
    pub pitch_penalty: f64,
    pub room_pitch_weight: f64,
    pub like_per_hour: f64,
    pub help_bonus: f64,
    pub known_at: f64,
    pub trusted_at: f64,
    pub friendship_hours: f64,
    /// Hours of contact at which know reaches `known_at`, and liked hours at
    /// which trust reaches `trusted_at`: the thresholds as hours, so a
    /// contact checks them without an exponential.
    known_hours: f64,
    trusted_hours: f64,
}

impl Rules {
    pub fn new(r: &Relationships) -> Rules {
        Rules {
            hours_to_know: r.hours_to_know,
            hours_to_trust: r.hours_to_trust,
            trust_half_life: r.trust_half_life_weeks,
            pitch_penalty: r.pitch_penalty,
            room_pitch_weight: r.room_pitch_weight,
            like_per_hour: r.like_per_hour,
            help_bonus: r.help_bonus,
            known_at: r.known_at,
            trusted_at: r.trusted_at,
            friendship_hours: r.friendship_hours,
            known_hours: -r.hours_to_know * (1.0 - r.known_at).max(1e-12).ln(),
            trusted_hours: -r.hours_to_trust * (1.0 - r.trusted_at).max(1e-12).ln(),
        }
    }

    /// How well the owner knows the other.
    pub fn know(&self, tie: &Tie) -> f64 {
        1.0 - (-(tie.hours as f64) / self.hours_to_know).exp()
    }

    /// Liked hours as of `week`, after decay since the last contact.
    pub fn liked_hours_at(&self, tie: &Tie, week: u32) -> f64 {
        match tie.idle(week) {
            // Most reads come in the week of a contact: no decay to compute.
            0 => tie.liked_hours as f64,
            idle => tie.liked_hours as f64 * (-(idle as f64) / self.trust_half_life).exp2(),
        }
    }

    /// Trust at `week`.
    pub fn trust(&self, tie: &Tie, week: u32) -> f64 {
        1.0 - (-self.liked_hours_at(tie, week) / self.hours_to_trust).exp()
    }

    /// The first week at which a trusted tie, left without contact, falls
    /// below `trusted_at`; `None` if it is not trusted now.
    pub fn untrusted_from(&self, tie: &Tie) -> Option<u32> {
        let needed = self.trusted_hours;
        let have = tie.liked_hours as f64;
        if have < needed || needed <= 0.0 {
            return None;
        }
        let weeks = self.trust_half_life * (have / needed).log2();
        Some(tie.last_contact().saturating_add(weeks.floor() as u32 + 1))
    }

    /// Adds `hours` of contact at `week`: decays, then accumulates, and
    /// reports thresholds crossed. Liking rises with exposure before the
    /// hours are counted, so a pleasant first chat counts as liked.
    pub fn contact(&self, tie: &mut Tie, week: u32, hours: f64) -> Crossings {
        let liked = self.liked_hours_at(tie, week);
        tie.like = (tie.like as f64 + self.like_per_hour * hours).min(1.0) as f32;
        let liked = if tie.like > 0.0 { liked + hours } else { liked };
        tie.liked_hours = liked as f32;
        self.touch(tie, week, hours)
    }

    /// The owner listens to the other's round-the-room pitch for `hours`
    /// at `week`: they get to know them a little, and recall them afresh,
    /// but a pitch heard from across the room is no time spent together —
    /// liking and trust do not grow (they go on decaying as before).
    pub fn listen(&self, tie: &mut Tie, week: u32, hours: f64) -> Crossings {
        tie.liked_hours = self.liked_hours_at(tie, week) as f32;
        self.touch(tie, week, hours)
    }

    /// Counts `hours` of contact at `week` (liked hours already brought up
    /// to date), and the first meeting if this is it.
    fn touch(&self, tie: &mut Tie, week: u32, hours: f64) -> Crossings {
        tie.hours += hours as f32;
        tie.last_contact = tie.last_contact.max(tie_week(week));
        if !tie.met() {
            tie.marks |= MET;
            tie.first_met = tie_week(week);
        }
        self.update_flags(tie, week)
    }

    /// The owner hears the other pitch with `intensity` (0–1); `weight` is
    /// 1 in a conversation and `room_pitch_weight` round the room.
    pub fn hear_pitch(&self, tie: &mut Tie, week: u32, intensity: f64, weight: f64) {
        tie.like = (tie.like as f64 - self.pitch_penalty * intensity * weight).max(-1.0) as f32;
        if intensity > 0.0 {
            tie.last_pitch = tie_week(week);
        }
    }

    /// The other helped the owner (a referral, advice): like rises.
    pub fn helped(&self, tie: &mut Tie) {
        tie.like = (tie.like as f64 + self.help_bonus).min(1.0) as f32;
    }

    /// Brings the known / trusted / friend flags up to date at `week`.
    pub fn update_flags(&self, tie: &mut Tie, week: u32) -> Crossings {
        let mut c = Crossings::default();
        if !tie.known() && tie.hours as f64 >= self.known_hours {
            tie.marks |= KNOWN;
            c.became_known = true;
        }
        if !tie.trusted() && self.liked_hours_at(tie, week) >= self.trusted_hours {
            tie.set_trusted(true);
            c.became_trusted = true;
        }
        if !tie.friend() && tie.liked_hours as f64 >= self.friendship_hours {
            tie.marks |= FRIEND;
            c.became_friend = true;
        }
        c
    }
}

/// Recall of someone last seen `idle_weeks` ago, for a memory half-life.
pub fn recall(idle_weeks: u32, half_life: f32) -> f64 {
    if idle_weeks == 0 {
        return 1.0;
    }
    (-(idle_weeks as f64) / half_life.max(1e-6) as f64).exp2()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        let s = crate::scenario::Scenario::from_str("", "t", "t", &[]).unwrap();
        Rules::new(&s.relationships)
    }

    #[test]
    fn trust_is_monotone_in_liked_hours() {
        let r = rules();
        let mut tie = Tie::new(0, 0.3);
        let mut last = r.trust(&tie, 0);
        for _ in 0..200 {
            r.contact(&mut tie, 0, 0.2);
            let t = r.trust(&tie, 0);
            assert!(t > last, "trust must rise with each liked hour");
            last = t;
        }
        assert!(last > 0.99);
    }

    #[test]
    fn hours_while_disliking_do_not_build_trust() {
        let r = rules();
        let mut tie = Tie::new(0, -0.9);
        r.contact(&mut tie, 0, 1.0);
        assert_eq!(r.trust(&tie, 0), 0.0);
        assert!(r.know(&tie) > 0.8, "but they do get to know each other");
    }

    #[test]
    fn pitching_lowers_like_and_helping_raises_it() {
        let r = rules();
        let mut tie = Tie::new(0, 0.2);
        r.hear_pitch(&mut tie, 3, 1.0, 1.0);
        assert!((tie.like - (0.2 - r.pitch_penalty as f32)).abs() < 1e-6);
        assert_eq!(tie.last_pitch(), Some(3));
        let before = tie.like;
        r.hear_pitch(&mut tie, 4, 1.0, r.room_pitch_weight);
        assert!(tie.like < before && tie.like > before - r.pitch_penalty as f32);
        let before = tie.like;
        r.helped(&mut tie);
        assert!(tie.like > before);
    }

    #[test]
    fn a_tie_fits_in_20_bytes() {
        assert_eq!(std::mem::size_of::<Tie>(), 20);
        assert_eq!(std::mem::size_of::<(u32, Tie)>(), 24);
    }

    #[test]
    fn referrals_received_and_the_flags_keep_apart() {
        let r = rules();
        let mut tie = Tie::new(0, 0.5);
        for _ in 0..RECEIVED_MAX + 10 {
            tie.add_received();
        }
        assert_eq!(
            tie.received(),
            RECEIVED_MAX,
            "the count stops at its maximum"
        );
        assert!(!tie.met() && !tie.known() && !tie.trusted() && !tie.friend());
        // Enough liked contact for every threshold sets all four flags.
        let c = r.contact(&mut tie, 0, 10_000.0);
        assert!(c.became_known && c.became_trusted && c.became_friend);
        assert!(tie.met() && tie.known() && tie.trusted() && tie.friend());
        assert_eq!(tie.received(), RECEIVED_MAX);
        tie.set_trusted(false);
        assert!(tie.known() && !tie.trusted() && tie.friend());
        assert_eq!(tie.received(), RECEIVED_MAX);
    }

    #[test]
    fn a_tie_made_by_gratitude_has_not_met_until_their_first_contact() {
        let r = rules();
        // A provider's tie to whoever referred a buyer to them, made in
        // week 3 without their meeting.
        let mut tie = Tie::new(3, 0.1);
        assert!(!tie.met());
        assert_eq!(tie.first_met(), 3);
        r.contact(&mut tie, 9, 0.2);
        assert!(tie.met());
        assert_eq!(tie.first_met(), 9, "first met at their first contact");
        r.contact(&mut tie, 12, 0.2);
        assert_eq!(tie.first_met(), 9);
    }

    #[test]
    fn a_room_pitch_builds_know_and_recall_but_not_trust() {
        let r = rules();
        let mut tie = Tie::new(0, 0.5);
        r.contact(&mut tie, 0, 3.0);
        let (liked, like) = (tie.liked_hours, tie.like);
        // Weeks of listening to the same pitch round the room.
        for week in 1..=40 {
            r.listen(&mut tie, week, 60.0 / 3600.0);
        }
        assert!(tie.met() && tie.hours > 3.0);
        assert_eq!(tie.like, like, "no mere-exposure liking from a pitch");
        assert_eq!(tie.last_contact(), 40, "recalled afresh");
        assert!(
            tie.liked_hours < liked,
            "liked hours go on decaying: {} from {liked}",
            tie.liked_hours
        );
        // The same decay as forty weeks without any contact.
        let mut quiet = Tie::new(0, 0.5);
        r.contact(&mut quiet, 0, 3.0);
        assert!((r.liked_hours_at(&quiet, 40) - tie.liked_hours as f64).abs() < 1e-4);
    }

    #[test]
    fn weeks_survive_the_16_bit_store() {
        let last = 100 * 52;
        let mut tie = Tie::new(last, 0.0);
        assert_eq!(
            (tie.first_met(), tie.last_contact(), tie.last_pitch()),
            (last, last, None)
        );
        rules().hear_pitch(&mut tie, last, 1.0, 1.0);
        assert_eq!(tie.last_pitch(), Some(last));
    }

    #[test]
    fn recall_halves_every_memory_half_life() {
        assert_eq!(recall(0, 26.0), 1.0);
        assert!((recall(26, 26.0) - 0.5).abs() < 1e-12);
        assert!((recall(52, 26.0) - 0.25).abs() < 1e-12);
    }

    #[test]
    fn trust_decays_lazily_by_its_half_life() {
        let r = rules();
        let mut tie = Tie::new(0, 0.5);
        r.contact(&mut tie, 0, 10.0);
        let h0 = r.liked_hours_at(&tie, 0);
        let half = r.trust_half_life.round() as u32;
        assert!((r.liked_hours_at(&tie, half) - h0 / 2.0).abs() < 1e-3 * h0);
        assert!(r.trust(&tie, half) < r.trust(&tie, 0));
    }

    #[test]
    fn untrusted_from_is_the_first_week_below_the_threshold() {
        let r = rules();
        let mut tie = Tie::new(0, 0.5);
        r.contact(&mut tie, 10, 30.0);
        assert!(tie.trusted());
        let w = r.untrusted_from(&tie).unwrap();
        assert!(r.trust(&tie, w) < r.trusted_at);
        assert!(r.trust(&tie, w - 1) >= r.trusted_at);
    }

    #[test]
    fn two_meetings_of_chats_leave_trust_far_below_referral_level() {
        // Two meetings: a round-the-room pitch and, at most, one 0.2-hour
        // chat with any one person at each.
        let r = rules();
        let mut tie = Tie::new(0, 0.2);
        for week in 0..2 {
            r.contact(&mut tie, week, 60.0 / 3600.0);
            r.contact(&mut tie, week, 0.2);
        }
        assert!(r.trust(&tie, 1) < 0.1, "trust {}", r.trust(&tie, 1));
        // Months of networking: a chat at most meetings and two one-to-ones
        // a month with the same person, for six months.
        for week in 2..28 {
            r.contact(&mut tie, week, 0.2);
            if week % 2 == 0 {
                r.contact(&mut tie, week, 1.0);
            }
        }
        assert!(
            r.trust(&tie, 27) > r.trusted_at,
            "trust {}",
            r.trust(&tie, 27)
        );
    }
}
