//! The simulated world's people: their professions, traits and
//! acquaintance network.
//!
//! A [`World`] is built once per replicate from the scenario's `[population]`
//! section and the seed, and shared read-only by every variant of that
//! replicate (common random numbers). Traits are stored column-wise, one
//! vector per trait, because the weekly loop reads one trait of many people.
//!
//! Professions are given out in contiguous blocks of person ids, in the
//! order of the scenario's list, each block as large as the profession's
//! share of demand (supply follows demand). The network generators place ids
//! at random in the graph's structure, so a block is a random sample of the
//! world, and "the accountants among my acquaintances" is a contiguous run of
//! my sorted neighbour list, found by binary search instead of a scan.

pub mod network;

use rayon::prelude::*;

use crate::scenario::{Domain, Scenario};
use crate::streams::{self, Purpose};
use network::{Network, NetworkSpec};

/// Everyone in the world, column-wise.
#[derive(Clone, Debug, PartialEq)]
pub struct People {
    /// Index into the scenario's professions.
    pub profession: Vec<u16>,
    /// Weeks for recall of an unseen contact to halve.
    pub memory_half_life: Vec<f32>,
    /// Probability of passing on a name (non-members).
    pub generosity: Vec<f32>,
    /// Multiplier on asking and chatting (1 = average).
    pub sociability: Vec<f32>,
}

impl People {
    /// Draws `scenario.population.size` people; person `i`'s draws come from
    /// their own stream, so adding people does not reshuffle the others.
    pub fn draw(scenario: &Scenario, seed: u64) -> People {
        let p = &scenario.population;
        let n = p.size as usize;
        let starts = profession_starts(scenario);
        let half_life = p.traits.memory_half_life_weeks.sampler(Domain::Positive);
        let generosity = p.traits.generosity.sampler(Domain::Unit);
        let sociability = p.traits.sociability.sampler(Domain::Positive);
        // Each person's traits come from their own stream, so they are
        // drawn in parallel.
        let drawn: Vec<(u16, [f32; 3])> = (0..n)
            .into_par_iter()
            .map(|i| {
                let mut rng = streams::stream(seed, Purpose::Traits, &[i as u64]);
                let prof = starts.partition_point(|&s| s as usize <= i) - 1;
                let traits = [
                    half_life.sample(&mut rng) as f32,
                    generosity.sample(&mut rng) as f32,
                    sociability.sample(&mut rng) as f32,
                ];
                (prof as u16, traits)
            })
            .collect();
        People {
            profession: drawn.iter().map(|d| d.0).collect(),
            memory_half_life: drawn.iter().map(|d| d.1[0]).collect(),
            generosity: drawn.iter().map(|d| d.1[1]).collect(),
            sociability: drawn.iter().map(|d| d.1[2]).collect(),
        }
    }

    /// Number of people.
    pub fn len(&self) -> usize {
        self.profession.len()
    }

    /// Whether there is nobody.
    pub fn is_empty(&self) -> bool {
        self.profession.is_empty()
    }
}

/// First person id of each profession's block, plus the population size at
/// the end. Block sizes are the demand shares of the population, rounded by
/// largest remainder so they add up exactly.
pub fn profession_starts(scenario: &Scenario) -> Vec<u32> {
    let p = &scenario.population;
    let n = p.size as usize;
    let total: f64 = p.professions.iter().map(|pr| pr.demand).sum();
    let exact: Vec<f64> = p
        .professions
        .iter()
        .map(|pr| pr.demand / total * n as f64)
        .collect();
    let mut sizes: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    // Largest remainders first; ties by list order, so the result is fixed.
    order.sort_by(|&a, &b| {
        let ra = exact[a] - exact[a].floor();
        let rb = exact[b] - exact[b].floor();
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let short = n.saturating_sub(sizes.iter().sum());
    for &i in order.iter().cycle().take(short) {
        sizes[i] += 1;
    }
    let mut starts = Vec::with_capacity(sizes.len() + 1);
    let mut at = 0u32;
    for size in sizes {
        starts.push(at);
        at += size as u32;
    }
    starts.push(at);
    starts
}

/// Everyone's close ties, as [`World`] keeps them: where each person's
/// start (with the total at the end) and the ties themselves, in id order.
///
/// Built in parallel — counted, then each person's slice filled — since a
/// serial walk over a city's 250 million ties took most of a second.
fn close_lists(network: &Network) -> (Vec<u32>, Vec<u32>) {
    let n = network.people();
    let counts: Vec<u32> = (0..n as u32)
        .into_par_iter()
        .map(|p| network.ties(p).filter(|&(_, c)| c).count() as u32)
        .collect();
    let mut offsets = Vec::with_capacity(n + 1);
    let mut total = 0u64;
    for &c in &counts {
        offsets.push(total);
        total += u64::from(c);
    }
    offsets.push(total);
    let mut close = vec![0u32; total as usize];
    network::per_person_mut(
        &offsets,
        &mut close,
        || (),
        |_, p, slice| {
            let ties = network.ties(p as u32).filter(|&(_, c)| c).map(|(o, _)| o);
            for (slot, o) in slice.iter_mut().zip(ties) {
                *slot = o;
            }
        },
    );
    // A city's close ties number in the millions, far below 2^32.
    let close_start = offsets.iter().map(|&o| o as u32).collect();
    (close_start, close)
}

/// People, their network, and who practises each profession.
#[derive(Debug)]
pub struct World {
    pub people: People,
    pub network: Network,
    /// See [`profession_starts`].
    pub profession_starts: Vec<u32>,
    /// Each person's close ties, `close[close_start[p]..close_start[p + 1]]`:
    /// the people asked first for a name, kept apart so asking does not
    /// scan every acquaintance.
    close_start: Vec<u32>,
    close: Vec<u32>,
    /// `by_profession[p * (P + 1) + s]`: index in `p`'s neighbour list of
    /// the first acquaintance of profession `s` (P = number of
    /// professions). Finding "my accountants" is then two reads instead of
    /// two binary searches — the commonest question a need asks. Empty if
    /// some degree does not fit in 16 bits.
    by_profession: Vec<u16>,
}

impl World {
    /// The people of profession `s` among `person`'s acquaintances (a
    /// contiguous run of the sorted neighbour list) and the index of the
    /// first of them in that list.
    pub fn acquaintances_in(&self, person: u32, s: u16) -> (usize, &[u32]) {
        let ns = self.network.neighbors(person);
        if !self.by_profession.is_empty() {
            let row = person as usize * self.profession_starts.len() + s as usize;
            let (a, b) = (
                self.by_profession[row] as usize,
                self.by_profession[row + 1] as usize,
            );
            return (a, &ns[a..b]);
        }
        let lo = self.profession_starts[s as usize];
        let hi = self.profession_starts[s as usize + 1];
        let a = ns.partition_point(|&x| x < lo);
        let b = a + ns[a..].partition_point(|&x| x < hi);
        (a, &ns[a..b])
    }

    /// Where `person`'s entry for trade `s` in the trade index is kept, if
    /// the world has the index.
    pub fn trade_index_entry(&self, person: u32, s: u16) -> Option<&u16> {
        let row = person as usize * self.profession_starts.len() + s as usize;
        self.by_profession.get(row)
    }

    /// Where the start of `person`'s close ties is kept.
    pub fn close_start_entry(&self, person: u32) -> Option<&u32> {
        self.close_start.get(person as usize)
    }

    /// `person`'s close ties, ascending.
    pub fn close_ties(&self, person: u32) -> &[u32] {
        let p = person as usize;
        &self.close[self.close_start[p] as usize..self.close_start[p + 1] as usize]
    }

    /// Number of professions.
    pub fn professions(&self) -> usize {
        self.profession_starts.len() - 1
    }
}

impl World {
    /// Builds the world of one replicate.
    pub fn build(scenario: &Scenario, seed: u64) -> World {
        let p = &scenario.population;
        let spec = NetworkSpec {
            people: p.size as usize,
            acquaintances: p.acquaintances as usize,
            close_ties: p.close_ties as usize,
            model: scenario.network_model(),
        };
        let network = Network::generate(&spec, streams::seed_of(seed, Purpose::Network, &[]));
        let (close_start, close) = close_lists(&network);
        let starts = profession_starts(scenario);
        let n = network.people();
        let fits = (0..n as u32)
            .into_par_iter()
            .all(|p| network.degree(p) <= u16::MAX as usize);
        let by_profession = if fits {
            let mut index = vec![0u16; n * starts.len()];
            index
                .par_chunks_mut(starts.len())
                .enumerate()
                .for_each(|(p, row)| {
                    let ns = network.neighbors(p as u32);
                    for (slot, &lo) in row.iter_mut().zip(&starts) {
                        *slot = ns.partition_point(|&x| x < lo) as u16;
                    }
                });
            index
        } else {
            Vec::new()
        };
        World {
            people: People::draw(scenario, seed),
            network,
            profession_starts: starts,
            close_start,
            close,
            by_profession,
        }
    }

    /// The seed of replicate `replicate`'s world under the scenario seed.
    pub fn seed(scenario_seed: u64, replicate: u32) -> u64 {
        streams::seed_of(scenario_seed, Purpose::Traits, &[replicate as u64])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The indexes built in parallel, blocks of people at a time, say what
    /// the network says: each person's close ties, and where each trade
    /// starts in their sorted acquaintances — across block boundaries too.
    #[test]
    fn the_worlds_indexes_agree_with_the_network() {
        let s = Scenario::from_str(
            "[population]\nsize = 9000\nacquaintances = 30\nclose_ties = 5\n",
            "t",
            "t",
            &[],
        )
        .unwrap();
        let world = World::build(&s, 3);
        let starts = &world.profession_starts;
        assert!(world.professions() > 1);
        let mut close_seen = 0;
        for p in 0..9000u32 {
            let close: Vec<u32> = world
                .network
                .ties(p)
                .filter(|&(_, c)| c)
                .map(|(o, _)| o)
                .collect();
            assert_eq!(world.close_ties(p), close.as_slice(), "person {p}");
            close_seen += close.len();
            let ns = world.network.neighbors(p);
            for s in 0..world.professions() {
                let (first, mine) = world.acquaintances_in(p, s as u16);
                let expected: Vec<u32> = ns
                    .iter()
                    .copied()
                    .filter(|&o| starts[s] <= o && o < starts[s + 1])
                    .collect();
                assert_eq!(mine, expected.as_slice(), "person {p}, trade {s}");
                assert_eq!(ns[..first].iter().filter(|&&o| o >= starts[s]).count(), 0);
            }
        }
        assert!(close_seen >= 9000 * 4, "{close_seen} close ties");
    }
}
