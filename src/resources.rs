//! How much memory a scenario will need, estimated before anything is
//! allocated, so a run that cannot fit is refused with a message instead of
//! being killed by the kernel half-way.
//!
//! The estimate adds up the large structures, each from the scenario keys
//! that drive it: the acquaintance network (people × acquaintances), the
//! per-person indexes, and per run the lookup tables, the members' ties and
//! the buyers' supplier memory (people × needs over the run, bounded by
//! people × professions). It errs on the generous side; small structures
//! are covered by a fixed allowance. Checked against a measurement: for
//! `scenarios/city.toml` it gives between 2.6 and 3.4 GiB (tested) where
//! the run peaked at 2.8 GiB resident, so it is a guard against the
//! hopeless, not a promise.

use std::fmt;

use crate::scenario::Scenario;

/// One contribution to the estimate.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    pub what: &'static str,
    /// The scenario keys that drive it.
    pub keys: &'static str,
    pub bytes: u64,
}

/// A scenario's estimated peak memory.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    pub parts: Vec<Part>,
}

impl Estimate {
    /// Total bytes, saturating at `u64::MAX`.
    pub fn total(&self) -> u64 {
        self.parts
            .iter()
            .fold(0u64, |sum, p| sum.saturating_add(p.bytes))
    }
}

/// Bytes per networking tie (the other's id and the 20-byte tie, in a list
/// with up to half again as much room).
const TIE_BYTES: u64 = 36;
/// Networking ties formed per member seat per simulated year, generously:
/// `scenarios/city.toml` formed about 180 (members who change group often
/// meet many people, and people who left keep the ties they made).
const TIES_PER_MEMBER_YEAR: u64 = 200;
/// Bytes per remembered supplier (profession and supplier in a short list
/// per buyer, with room to grow).
const SUPPLIER_BYTES: u64 = 12;
/// Fixed allowance for everything small.
const BASE_BYTES: u64 = 64 << 20;

/// Estimates the peak memory of `netgrow run` on `scenario` when `parallel`
/// runs are in flight at once (worlds of all replicates are built first).
///
/// Every product saturates: a scenario too large to count in 64 bits is
/// estimated at the largest number there is, and refused like any other
/// that does not fit.
pub fn estimate(scenario: &Scenario, parallel: u64) -> Estimate {
    let arms = scenario.arms();
    let reps = u64::from(scenario.simulation.replicates);
    let mut populations: Vec<&Scenario> = Vec::new();
    for (_, arm) in &arms {
        if !populations.iter().any(|p| p.population == arm.population) {
            populations.push(arm);
        }
    }
    let worlds = populations
        .iter()
        .fold(0u64, |sum, s| sum.saturating_add(world_bytes(s)))
        .saturating_mul(reps);
    // Every variant's runs, and their stay-home baselines'.
    let runs_in_flight = parallel.min(crate::experiment::runs(scenario)).max(1);
    let per_run: u64 = arms.iter().map(|(_, s)| run_bytes(s)).max().unwrap_or(0);
    Estimate {
        parts: vec![
            Part {
                what: "acquaintance networks (one per replicate)",
                keys: "population.size × population.acquaintances × simulation.replicates",
                bytes: worlds,
            },
            Part {
                what: "runs in flight (ties, supplier memory)",
                keys:
                    "population.size, cohorts.*.members × simulation.years, economy.needs_per_year × simulation.years",
                bytes: per_run.saturating_mul(runs_in_flight),
            },
            everything_else(),
        ],
    }
}

/// Estimates the peak memory of building one world of `scenario` (its base
/// population), as `netgrow graph` does.
pub fn world_estimate(scenario: &Scenario) -> Estimate {
    Estimate {
        parts: vec![
            Part {
                what: "acquaintance network",
                keys: "population.size × population.acquaintances",
                bytes: world_bytes(scenario),
            },
            everything_else(),
        ],
    }
}

/// The fixed allowance.
fn everything_else() -> Part {
    Part {
        what: "everything else",
        keys: "",
        bytes: BASE_BYTES,
    }
}

/// One world: the network, the per-person indexes and traits.
fn world_bytes(s: &Scenario) -> u64 {
    let p = &s.population;
    let n = p.size;
    let ties = n.saturating_mul(p.acquaintances);
    let professions = u64::try_from(p.professions.len()).unwrap_or(u64::MAX);
    let graph = ties
        .saturating_mul(4)
        .saturating_add(n.saturating_add(1).saturating_mul(8))
        .saturating_add(ties / 8);
    let indexes = n
        .saturating_mul(p.close_ties)
        .saturating_mul(4)
        .saturating_add(
            n.saturating_mul(professions.saturating_add(1))
                .saturating_mul(2),
        );
    let traits = n.saturating_mul(4 * 4);
    graph.saturating_add(indexes).saturating_add(traits)
}

/// One run in flight.
fn run_bytes(s: &Scenario) -> u64 {
    let n = s.population.size;
    let years = u64::from(s.simulation.years);
    let professions = u64::try_from(s.population.professions.len()).unwrap_or(u64::MAX);
    // A float product converts to an integer saturating at the ends.
    let needs = (n as f64 * s.economy.needs_per_year * f64::from(s.simulation.years)) as u64;
    let suppliers = needs.min(n.saturating_mul(professions));
    let ties = s
        .members()
        .saturating_mul(TIES_PER_MEMBER_YEAR)
        .saturating_mul(years);
    // Per person: member lookups, a book of ties (64 bytes, empty for
    // most), the lists of member acquaintances and of suppliers.
    n.saturating_mul(132)
        .saturating_add(ties.saturating_mul(TIE_BYTES))
        .saturating_add(suppliers.saturating_mul(SUPPLIER_BYTES))
}

impl fmt::Display for Estimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "about {}", gib(self.total()))?;
        for p in &self.parts {
            write!(f, "\n  - {}: {}", p.what, gib(p.bytes))?;
            if !p.keys.is_empty() {
                write!(f, " (driven by {})", p.keys)?;
            }
        }
        Ok(())
    }
}

/// Bytes as GiB with two decimals (TiB beyond 1024 GiB, and a phrase for a
/// count that reached the largest 64-bit number).
pub fn gib(bytes: u64) -> String {
    const GIB: f64 = (1u64 << 30) as f64;
    if bytes == u64::MAX {
        return "16 EiB or more (beyond counting)".to_string();
    }
    let g = bytes as f64 / GIB;
    if g < 1024.0 {
        format!("{g:.2} GiB")
    } else {
        format!("{:.2} TiB", g / 1024.0)
    }
}

/// Memory the operating system says is available now, if it says.
pub fn available_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib.saturating_mul(1024))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Override;

    fn scenario(sets: &[&str]) -> Scenario {
        let o: Vec<Override> = sets.iter().map(|s| Override::parse(s).unwrap()).collect();
        Scenario::from_str("", "t.toml", "t", &o).unwrap()
    }

    #[test]
    fn the_network_dominates_and_grows_with_its_keys() {
        let small = estimate(&scenario(&["simulation.replicates=1"]), 1);
        let big = estimate(
            &scenario(&[
                "simulation.replicates=1",
                "population.size=1000000",
                "groups.count=2000",
            ]),
            1,
        );
        // 1M × 250 × 4 bytes of neighbours ≈ 0.93 GiB, plus indexes.
        let graph = big.parts[0].bytes as f64 / (1u64 << 30) as f64;
        assert!((0.9..1.3).contains(&graph), "{graph}");
        // A hundred times the people: about a hundred times the network.
        let ratio = big.parts[0].bytes as f64 / small.parts[0].bytes as f64;
        assert!((90.0..110.0).contains(&ratio), "{ratio}");
        let text = big.to_string();
        assert!(text.contains("population.acquaintances"), "{text}");
    }

    #[test]
    fn an_estimate_beyond_64_bits_saturates_and_says_so() {
        // The overflow reported: 12 million people with 5.7 million
        // acquaintances each, 65,536 replicates.
        let s = scenario(&[
            "population.size=11999869",
            "population.acquaintances=5686385",
            "simulation.replicates=65536",
            "simulation.years=1",
        ]);
        let e = estimate(&s, 2);
        assert_eq!(e.total(), u64::MAX);
        let text = e.to_string();
        assert!(text.starts_with("about 16 EiB or more"), "{text}");
        assert!(!text.contains("driven by )"), "{text}");
        // One world of it is counted, and large.
        let one = world_estimate(&s).total();
        assert!(one > 200 << 40 && one < u64::MAX, "{one}");
        assert_eq!(gib(3 << 40), "3.00 TiB");
    }

    #[test]
    fn the_estimate_covers_what_a_real_world_holds() {
        let s = scenario(&[
            "population.size=3000",
            "groups.count=5",
            "cohorts.connecting.members=40",
            "cohorts.networking.members=40",
            "simulation.replicates=1",
        ]);
        let world = crate::population::World::build(&s, 1);
        assert!(estimate(&s, 1).parts[0].bytes as usize >= world.network.heap_bytes());
    }

    #[test]
    fn the_city_estimate_is_near_its_measured_peak() {
        // scenarios/city.toml peaked at 2.8 GiB resident (docs/performance.md).
        let s = crate::scenario::Scenario::load(std::path::Path::new("scenarios/city.toml"), &[])
            .unwrap();
        let gib = estimate(&s, 2).total() as f64 / (1u64 << 30) as f64;
        assert!((2.6..3.4).contains(&gib), "{gib:.2} GiB");
    }
}
