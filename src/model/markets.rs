//! Markets: who buys each trade most, who introduces it, and who comes to
//! a room a member fills with their own market.
//!
//! The essay grants connecting its case: "You identify your market and
//! then organise, or seek, a gathering of your potential customers or
//! introducers." With `[markets]` on, every trade has
//! - a **market**: a share `markets.share` of the town who need it
//!   `markets.demand` times as often as the town's average, while everyone
//!   else needs it correspondingly less, so that the trade's needs in all
//!   are the same as without markets ([`Markets::buyer`]);
//! - **introducers**: a share `markets.introducers` of the town whose own
//!   clients need it (a mortgage broker's clients need an estate agent).
//!   An introducer hears of an acquaintance's need in that trade with
//!   probability `markets.introducer_touch` and may pass on the name of a
//!   member whose pitch they heard recently — a name passed on a pitch
//!   alone, without a trust tie to the member (see
//!   [`super::needs`]).
//!
//! Who is in which market, and who introduces which trade, is a fixed
//! property of a person in a replicate's town, read off a hash of (seed,
//! replicate, person, trade) rather than drawn from a stream: asking it
//! changes no random draw, so runs without markets are unchanged and
//! variants stay paired.

use rand::Rng;
use rand_pcg::Pcg64Mcg;

use crate::scenario::Markets as Settings;
use crate::streams::{self, mix, Purpose};

/// Tags keeping the market and introducer hashes apart.
const MARKET_TAG: u64 = 0x4D41_524B_4554; // "MARKET"
const INTRODUCER_TAG: u64 = 0x494E_5452_4F44; // "INTROD"

/// Draws to find one person of a kind among people drawn at random before
/// giving up: far more than 1 / share for any share a scenario would use,
/// and a bound on the work when the share is tiny.
const MAX_TRIES: u32 = 100_000;

/// One replicate's markets.
#[derive(Clone, Debug)]
pub(crate) struct Markets {
    key: u64,
    /// A person is in a trade's market when their hash is below this.
    market_below: u64,
    /// A person introduces a trade when their hash is below this.
    introducer_below: u64,
    /// Share of a trade's needs that fall in its market.
    market_needs: f64,
    concentrated: bool,
}

impl Markets {
    /// The markets of replicate `replicate` under `seed`.
    pub fn new(settings: &Settings, seed: u64, replicate: u64) -> Markets {
        Markets {
            key: streams::seed_of(seed, Purpose::Markets, &[replicate]),
            market_below: threshold(settings.share),
            introducer_below: threshold(settings.introducers),
            market_needs: settings.share * settings.demand,
            concentrated: settings.share > 0.0 && settings.demand != 1.0,
        }
    }

    /// Whether `person` is in the market for `trade`.
    pub fn in_market(&self, person: u32, trade: u16) -> bool {
        self.market_below > 0 && self.hash(MARKET_TAG, person, trade) < self.market_below
    }

    /// Whether `person` introduces `trade`.
    pub fn introduces(&self, person: u32, trade: u16) -> bool {
        self.introducer_below > 0
            && self.hash(INTRODUCER_TAG, person, trade) < self.introducer_below
    }

    /// Whether anyone introduces any trade.
    pub fn has_introducers(&self) -> bool {
        self.introducer_below > 0
    }

    /// Whether `person` is a connection for someone in `trade`: in its
    /// market, or an introducer of it.
    pub fn connects(&self, person: u32, trade: u16) -> bool {
        self.in_market(person, trade) || self.introduces(person, trade)
    }

    /// The buyer of a need in `trade` drawn as `drawn` among the `len`
    /// people from `start`: with markets concentrating demand, the need
    /// falls in the trade's market with probability share × demand, on a
    /// person drawn at random among those of the right kind in the block;
    /// otherwise `drawn` stands, and no draw is made.
    pub fn buyer(&self, drawn: u32, trade: u16, start: u32, len: u32, rng: &mut Pcg64Mcg) -> u32 {
        if !self.concentrated {
            return drawn;
        }
        let in_market = rng.random::<f64>() < self.market_needs;
        if self.in_market(drawn, trade) == in_market {
            return drawn;
        }
        (0..MAX_TRIES)
            .map(|_| start + rng.random_range(0..len))
            .find(|&p| self.in_market(p, trade) == in_market)
            .unwrap_or(drawn)
    }

    /// The guests at a meeting of a member of `trade` whose rooms are
    /// targeted: `market` people of the trade's market and `introducers`
    /// of it, drawn from the whole town (`people` people), other than the
    /// member and each other.
    pub fn guests(
        &self,
        member: u32,
        trade: u16,
        (market, introducers): (u64, u64),
        people: u32,
        rng: &mut Pcg64Mcg,
    ) -> Vec<u32> {
        let mut guests: Vec<u32> = Vec::new();
        // Nobody of a kind that has no members is looked for.
        let kinds: [(u64, &dyn Fn(u32) -> bool); 2] = [
            (if self.market_below > 0 { market } else { 0 }, &|p| {
                self.in_market(p, trade)
            }),
            (
                if self.introducer_below > 0 {
                    introducers
                } else {
                    0
                },
                &|p| self.introduces(p, trade),
            ),
        ];
        for (wanted, is_kind) in kinds {
            let mut found = 0;
            let mut tries = 0;
            while found < wanted && tries < MAX_TRIES {
                tries += 1;
                let p = rng.random_range(0..people);
                if p != member && is_kind(p) && !guests.contains(&p) {
                    guests.push(p);
                    found += 1;
                }
            }
        }
        guests
    }

    fn hash(&self, tag: u64, person: u32, trade: u16) -> u64 {
        mix(self.key ^ mix(tag ^ (u64::from(person) << 16 | u64::from(trade))))
    }
}

/// The hash below which a share of people fall (a share of 1: everyone).
fn threshold(share: f64) -> u64 {
    if share >= 1.0 {
        u64::MAX
    } else {
        (share * 2f64.powi(64)) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn markets(share: f64, demand: f64, introducers: f64) -> Markets {
        let settings = Settings {
            share,
            demand,
            introducers,
            introducer_touch: 0.25,
            guests: 10,
            guest_introducers: 2,
            pitch_conversion: 0.1,
        };
        Markets::new(&settings, 7, 0)
    }

    #[test]
    fn a_markets_share_of_the_town_is_in_each_trade_s_market() {
        let m = markets(0.05, 4.0, 0.02);
        let n = 200_000;
        let in_market = (0..n).filter(|&p| m.in_market(p, 3)).count() as f64 / n as f64;
        let introduce = (0..n).filter(|&p| m.introduces(p, 3)).count() as f64 / n as f64;
        // Binomial sd of a share of 0.05 over 200,000 is 0.0005: 0.003 is
        // six of them.
        assert!((in_market - 0.05).abs() < 0.003, "{in_market}");
        assert!((introduce - 0.02).abs() < 0.002, "{introduce}");
        // Another trade's market is other people.
        let both = (0..n)
            .filter(|&p| m.in_market(p, 3) && m.in_market(p, 4))
            .count() as f64
            / n as f64;
        assert!(both < 0.005, "{both}");
    }

    #[test]
    fn concentrated_needs_fall_in_the_market_at_share_times_demand() {
        let m = markets(0.05, 4.0, 0.0);
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        let needs = 40_000;
        let in_market = (0..needs)
            .map(|_| {
                let drawn = rng.random_range(0..4096);
                m.buyer(drawn, 5, 0, 4096, &mut rng)
            })
            .filter(|&b| m.in_market(b, 5))
            .count() as f64
            / needs as f64;
        // 0.2 expected; the binomial sd over 40,000 is 0.002.
        assert!((in_market - 0.2).abs() < 0.012, "{in_market}");
    }

    #[test]
    fn without_concentration_the_buyer_stands_and_nothing_is_drawn() {
        let m = markets(0.05, 1.0, 0.02);
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        let before = rng.clone();
        assert_eq!(m.buyer(17, 2, 0, 4096, &mut rng), 17);
        assert_eq!(rng, before);
    }

    #[test]
    fn guests_are_the_market_and_introducers_of_the_member_s_trade() {
        let m = markets(0.05, 4.0, 0.02);
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        let guests = m.guests(11, 6, (8, 2), 50_000, &mut rng);
        assert_eq!(guests.len(), 10);
        assert!(guests[..8].iter().all(|&g| m.in_market(g, 6)));
        assert!(guests[8..].iter().all(|&g| m.introduces(g, 6)));
        assert!(!guests.contains(&11));
        // Where nobody introduces, no time is spent looking for introducers.
        let none = markets(0.05, 4.0, 0.0).guests(11, 6, (8, 1_000_000), 50_000, &mut rng);
        assert_eq!(none.len(), 8);
        let mut distinct = guests.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), guests.len());
    }
}
