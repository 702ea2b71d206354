//! The keys whose value is one of a fixed set of words, as types.
//!
//! Reading turns the word into its enum once, so the simulation, the
//! outputs and the charts match on the enum and need no fallback for a
//! word validation has already refused. Each enum writes back as the word
//! it was read from, so `scenario.toml` reads back to the same scenario.

/// A value that a scenario writes as one of a fixed set of words.
pub trait Choice: Copy + 'static {
    /// Every value, in the order messages list them.
    const ALL: &'static [Self];

    /// The word a scenario file writes for this value.
    fn word(self) -> &'static str;

    /// The value `word` names, if any.
    fn from_word(word: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.word() == word)
    }

    /// Every word, in the order of [`Choice::ALL`].
    fn words() -> Vec<&'static str> {
        Self::ALL.iter().map(|c| c.word()).collect()
    }
}

/// Defines a [`Choice`] enum: its variants with their words, serialised
/// and displayed as the word.
macro_rules! choice {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $word:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $crate::scenario::Choice for $name {
            const ALL: &'static [$name] = &[$($name::$variant,)+];

            fn word(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use $crate::scenario::Choice as _;
                serializer.serialize_str(self.word())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                use $crate::scenario::Choice as _;
                f.write_str(self.word())
            }
        }
    };
}

pub(super) use choice;

choice! {
    /// `population.network`: how the acquaintance network is generated.
    pub enum NetworkKind {
        /// A ring lattice with a share of ties rewired at random.
        SmallWorld = "small_world",
        /// Districts × trades, with a share of ties reaching anywhere.
        Communities = "communities",
        /// Newcomers befriend friends of friends, a share at random.
        FriendsOfFriends = "friends_of_friends",
    }
}

choice! {
    /// `groups.format`: who may come to a group's meetings.
    pub enum GroupFormat {
        /// Visitors welcome; members sometimes visit another open group.
        Open = "open",
        /// Subscription clubs with one seat per profession.
        Closed = "closed",
    }
}

choice! {
    /// `groups.cadence`: how often each group meets.
    pub enum Cadence {
        Weekly = "weekly",
        Fortnightly = "fortnightly",
        Monthly = "monthly",
    }
}

impl Cadence {
    /// Weeks between meetings of one group.
    pub fn weeks(self) -> u32 {
        match self {
            Cadence::Weekly => 1,
            Cadence::Fortnightly => 2,
            Cadence::Monthly => 4,
        }
    }
}

choice! {
    /// `output.chart_format`: which image files a chart is written as.
    pub enum ChartFormat {
        Png = "png",
        Svg = "svg",
        Both = "both",
    }
}

impl ChartFormat {
    /// The file extensions written, in order.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            ChartFormat::Png => &["png"],
            ChartFormat::Svg => &["svg"],
            ChartFormat::Both => &["png", "svg"],
        }
    }
}

choice! {
    /// `strategies.NAME.partner_choice`: whom a member chats with at a
    /// meeting.
    pub enum PartnerChoice {
        /// People they do not know yet.
        Strangers = "strangers",
        /// People they already like.
        Liked = "liked",
        /// Either, by a coin toss each time.
        Mixed = "mixed",
    }
}

choice! {
    /// `strategies.NAME.patience_rule`: when a member moves on from a
    /// group.
    pub enum PatienceRule {
        /// After `patience_meetings` meetings without business traced to
        /// the group.
        Count = "count",
        /// At a meeting with absolutely no connection: no other attendee
        /// in the member's market and no introducer of their trade.
        Judgement = "judgement",
    }
}

choice! {
    /// `strategies.NAME.rooms`: the rooms a member seeks.
    pub enum Rooms {
        /// Any networking group with a free seat.
        General = "general",
        /// A group whose meetings the member's market fills: guests who
        /// buy their trade most and introducers of it
        /// (`markets.guests`, `markets.guest_introducers`).
        Targeted = "targeted",
    }
}

choice! {
    /// `strategies.NAME.based_on`: the built-in strategy a new one starts
    /// from.
    pub enum BuiltIn {
        Connecting = "connecting",
        Networking = "networking",
        StayHome = "stay_home",
    }
}
