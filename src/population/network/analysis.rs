//! What an acquaintance graph looks like: degrees, clustering and degrees of
//! separation, with the sampling error of each estimate.
//!
//! [`analyse`] turns a [`Network`] into a [`NetworkReport`], which prints as a
//! plain text report for a trainer and serialises to JSON for the output
//! stage. It answers the question the essay raises — is anyone "only five
//! contacts away"? — for the network actually simulated.
//!
//! * **Clustering** is the global clustering coefficient (transitivity):
//!   the share of connected triples (two ties sharing a person) whose ends
//!   also know each other. It is counted exactly when that is cheap (total
//!   work `Σ degree²` up to [`EXACT_CLUSTERING_WORK`]); otherwise it is
//!   estimated from [`WEDGE_SAMPLES`] triples drawn uniformly (Schank &
//!   Wagner 2005), whose standard error `√(C(1 − C)/samples)` is reported.
//! * **Separation** comes from breadth-first searches from `sources` distinct
//!   people drawn at random. Each search counts everyone by their distance
//!   from the source; the reported shares are averages over sources, and
//!   their standard errors are the spread across sources over `√sources`,
//!   with the finite-population correction (so they are 0 when every person
//!   is a source). Searches run in parallel and are combined in source
//!   order, so the report does not depend on the thread count. They switch
//!   to bottom-up steps when the frontier is large (Beamer, Asanović &
//!   Patterson 2012), which makes a search of a million people with 250
//!   ties each take a fraction of a second.

use std::fmt;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

use super::random::stream_seed;
use super::Network;

/// Above this much work (`Σ degree²` list steps), clustering is sampled.
pub const EXACT_CLUSTERING_WORK: u64 = 1 << 26;

/// Triples drawn to estimate clustering of a large graph: the standard
/// error is at most `0.5/√samples` ≈ 0.0007.
pub const WEDGE_SAMPLES: u64 = 1 << 19;

/// Share of pairs within five hops from which we say "anyone is only five
/// contacts away" holds.
pub const FIVE_HOPS_HOLDS: f64 = 0.90;

/// Triples per parallel batch; each batch has its own random stream.
const WEDGE_BATCH: u64 = 1 << 12;

const STREAM_SOURCES: u64 = 0x736f_7572_6365_7321;
const STREAM_WEDGES: u64 = 0x7765_6467_6573_2121;

/// Summary of an acquaintance graph.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct NetworkReport {
    /// Number of people.
    pub people: usize,
    /// Number of undirected ties.
    pub edges: u64,
    /// Ties per person.
    pub degree: DegreeStats,
    /// Global clustering coefficient (transitivity).
    pub clustering: Estimate,
    /// Mean number of close ties per person.
    pub close_ties_mean: f64,
    /// Degrees of separation.
    pub separation: Separation,
}

/// Distribution of the number of ties per person.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DegreeStats {
    pub mean: f64,
    /// Middle value (mean of the two middle values for an even count).
    pub median: f64,
    pub min: usize,
    pub max: usize,
}

/// A value with its standard error; `exact` when it was counted, not sampled
/// (the standard error is then 0).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Estimate {
    pub value: f64,
    pub standard_error: f64,
    pub exact: bool,
}

/// Degrees of separation, estimated from breadth-first searches.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Separation {
    /// Number of distinct sources searched from.
    pub sources: usize,
    /// Mean number of hops between a source and the people it reaches
    /// (NaN if no source reaches anyone).
    pub mean: f64,
    pub mean_standard_error: f64,
    /// For hops 1..=6: share of ordered pairs (reachable or not) at most
    /// that many hops apart.
    pub within: Vec<HopShare>,
    /// Share of pairs exactly 1, 2, 3, 4, 5 hops apart, then `hops: 6`
    /// for 6 or more hops, unreachable included.
    pub by_hops: Vec<HopShare>,
    /// Share of pairs with no path at all.
    pub unreachable: f64,
}

/// A share of pairs at (or within) a number of hops.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct HopShare {
    pub hops: usize,
    pub share: f64,
    pub standard_error: f64,
}

/// Describes `network`, searching from `sources` random people (all of them
/// if `sources ≥ people`) chosen with `seed`.
pub fn analyse(network: &Network, sources: usize, seed: u64) -> NetworkReport {
    let n = network.people();
    NetworkReport {
        people: n,
        edges: network.edges(),
        degree: degree_stats(network),
        clustering: clustering(network, seed),
        close_ties_mean: if n == 0 {
            0.0
        } else {
            network.close_flags() as f64 / n as f64
        },
        separation: separation(network, sources, seed),
    }
}

fn degree_stats(network: &Network) -> DegreeStats {
    let n = network.people();
    if n == 0 {
        return DegreeStats {
            mean: 0.0,
            median: 0.0,
            min: 0,
            max: 0,
        };
    }
    let mut degrees: Vec<usize> = (0..n as u32).map(|p| network.degree(p)).collect();
    let mid = n / 2;
    let (_, &mut upper, _) = degrees.select_nth_unstable(mid);
    let median = if n % 2 == 1 {
        upper as f64
    } else {
        // After partitioning, the largest value below `mid` is the other middle.
        let lower = degrees[..mid].iter().copied().max().unwrap_or(upper);
        (lower + upper) as f64 / 2.0
    };
    DegreeStats {
        mean: 2.0 * network.edges() as f64 / n as f64,
        median,
        min: degrees.iter().copied().min().unwrap_or(0),
        max: degrees.iter().copied().max().unwrap_or(0),
    }
}

fn pairs_at(d: usize) -> u64 {
    let d = d as u64;
    d * d.saturating_sub(1) / 2
}

fn clustering(network: &Network, seed: u64) -> Estimate {
    let n = network.people() as u32;
    let work: u64 = (0..n).map(|p| (network.degree(p) as u64).pow(2)).sum();
    let wedges: u64 = (0..n).map(|p| pairs_at(network.degree(p))).sum();
    if wedges == 0 {
        // No two ties share a person: nothing to close.
        return Estimate {
            value: 0.0,
            standard_error: 0.0,
            exact: true,
        };
    }
    if work <= EXACT_CLUSTERING_WORK {
        // Σ over ties of common neighbours counts each triangle 3 times,
        // i.e. counts closed triples.
        let closed: u64 = (0..n)
            .into_par_iter()
            .map(|u| {
                let nu = network.neighbors(u);
                nu.iter()
                    .filter(|&&v| v > u)
                    .map(|&v| common(nu, network.neighbors(v)))
                    .sum::<u64>()
            })
            .sum();
        return Estimate {
            value: closed as f64 / wedges as f64,
            standard_error: 0.0,
            exact: true,
        };
    }
    // Draw triples uniformly: a centre with probability ∝ its triples, then
    // two distinct ties of it.
    let mut cumulative = Vec::with_capacity(n as usize + 1);
    let mut total = 0u64;
    cumulative.push(0u64);
    for p in 0..n {
        total += pairs_at(network.degree(p));
        cumulative.push(total);
    }
    let batches = WEDGE_SAMPLES / WEDGE_BATCH;
    let closed: u64 = (0..batches)
        .into_par_iter()
        .map(|b| {
            let mut rng = Pcg64Mcg::seed_from_u64(stream_seed(seed, STREAM_WEDGES, b));
            let mut closed = 0u64;
            for _ in 0..WEDGE_BATCH {
                let r = rng.random_range(0..total);
                // The centre is the person whose range of triples holds r.
                let centre = (cumulative.partition_point(|&c| c <= r) - 1) as u32;
                let ties = network.neighbors(centre);
                let i = rng.random_range(0..ties.len());
                let mut j = rng.random_range(0..ties.len() - 1);
                if j >= i {
                    j += 1;
                }
                closed += u64::from(knows(network, ties[i], ties[j]));
            }
            closed
        })
        .sum();
    let samples = (batches * WEDGE_BATCH) as f64;
    let c = closed as f64 / samples;
    Estimate {
        value: c,
        standard_error: (c * (1.0 - c) / samples).sqrt(),
        exact: false,
    }
}

/// Size of the intersection of two ascending lists.
fn common(a: &[u32], b: &[u32]) -> u64 {
    let (mut i, mut j, mut count) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                count += 1;
                i += 1;
                j += 1;
            }
        }
    }
    count
}

fn knows(network: &Network, a: u32, b: u32) -> bool {
    let (x, y) = if network.degree(a) <= network.degree(b) {
        (a, b)
    } else {
        (b, a)
    };
    network.neighbors(x).binary_search(&y).is_ok()
}

// ---------------------------------------------------------------------------
// Breadth-first search.

/// Switch to bottom-up when the frontier holds more than 1/ALPHA of the
/// unvisited people; back to top-down when it holds fewer than 1/BETA of all
/// people. Beamer et al. compare tie counts (with these tuned values); we
/// compare people, which on these graphs picks the same steps and avoids
/// looking up the degree of every person of a large, randomly ordered
/// frontier. The choice affects speed only, never the distances.
const ALPHA: u64 = 14;
const BETA: u64 = 24;

/// Reusable working space for one search at a time.
struct Search {
    visited: Vec<u64>,
    in_frontier: Vec<u64>,
    frontier: Vec<u32>,
    next: Vec<u32>,
}

fn test(bits: &[u64], i: u32) -> bool {
    bits[(i / 64) as usize] >> (i % 64) & 1 == 1
}

fn set(bits: &mut [u64], i: u32) {
    bits[(i / 64) as usize] |= 1 << (i % 64);
}

impl Search {
    fn new(n: usize) -> Search {
        let words = n.div_ceil(64);
        Search {
            visited: vec![0; words],
            in_frontier: vec![0; words],
            frontier: Vec::new(),
            next: Vec::new(),
        }
    }

    /// Number of people at each distance from `source` (index 0: the
    /// source itself), up to the farthest reached.
    fn levels(&mut self, network: &Network, source: u32) -> Vec<u64> {
        let n = network.people();
        self.visited.fill(0);
        set(&mut self.visited, source);
        self.frontier.clear();
        self.frontier.push(source);
        let mut levels = vec![1u64];
        let mut unvisited = n as u64 - 1;
        let mut bottom_up = false;
        // Bits past n in the last word must never read as unvisited people.
        let tail = n % 64;
        let last_mask = if tail == 0 { !0u64 } else { (1u64 << tail) - 1 };
        while !self.frontier.is_empty() {
            let frontier = self.frontier.len() as u64;
            if bottom_up {
                bottom_up = frontier >= n as u64 / BETA;
            } else {
                bottom_up = frontier > unvisited / ALPHA;
            }
            self.next.clear();
            if bottom_up {
                // Every unvisited person looks for a tie into the frontier
                // and stops at the first one found.
                self.in_frontier.fill(0);
                for &p in &self.frontier {
                    set(&mut self.in_frontier, p);
                }
                let words = self.visited.len();
                for w in 0..words {
                    let mask = if w + 1 == words { last_mask } else { !0 };
                    let mut free = !self.visited[w] & mask;
                    while free != 0 {
                        let v = (w * 64) as u32 + free.trailing_zeros();
                        free &= free - 1;
                        if network
                            .neighbors(v)
                            .iter()
                            .any(|&x| test(&self.in_frontier, x))
                        {
                            self.next.push(v);
                        }
                    }
                }
                for &v in &self.next {
                    set(&mut self.visited, v);
                }
            } else {
                for &u in &self.frontier {
                    for &v in network.neighbors(u) {
                        if !test(&self.visited, v) {
                            set(&mut self.visited, v);
                            self.next.push(v);
                        }
                    }
                }
            }
            unvisited -= self.next.len() as u64;
            if !self.next.is_empty() {
                levels.push(self.next.len() as u64);
            }
            std::mem::swap(&mut self.frontier, &mut self.next);
            if unvisited == 0 {
                // Everyone found: another step would only re-read ties.
                break;
            }
        }
        levels
    }
}

/// Mean and standard error of per-source values, with the finite-population
/// correction for drawing `values.len()` sources out of `population`
/// without replacement.
fn mean_and_error(values: &[f64], population: usize) -> (f64, f64) {
    let s = values.len();
    if s == 0 {
        return (f64::NAN, f64::NAN);
    }
    let mean = values.iter().sum::<f64>() / s as f64;
    if s >= population {
        return (mean, 0.0);
    }
    if s < 2 {
        return (mean, f64::NAN);
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (s - 1) as f64;
    let fpc = (population - s) as f64 / (population - 1) as f64;
    (mean, (var / s as f64 * fpc).sqrt())
}

fn separation(network: &Network, sources: usize, seed: u64) -> Separation {
    let n = network.people();
    let count = if n < 2 { 0 } else { sources.min(n) };
    let mut rng = Pcg64Mcg::seed_from_u64(stream_seed(seed, STREAM_SOURCES, 0));
    let mut picked: Vec<u32> = rand::seq::index::sample(&mut rng, n, count)
        .into_iter()
        .map(|p| p as u32)
        .collect();
    picked.sort_unstable();
    let levels: Vec<Vec<u64>> = picked
        .par_iter()
        .map_init(|| Search::new(n), |search, &s| search.levels(network, s))
        .collect();
    let others = n.saturating_sub(1) as u64;
    // Per source, counted in whole people and divided once, so that shares
    // that should be 0 or 1 are exactly that.
    let at = |l: &[u64], h: usize| l.get(h).copied().unwrap_or(0);
    let within_count = |l: &[u64], h: usize| (1..=h).map(|i| at(l, i)).sum::<u64>();
    let share = |hops: usize, count: &dyn Fn(&[u64]) -> u64| {
        let values: Vec<f64> = levels
            .iter()
            .map(|l| count(l) as f64 / others as f64)
            .collect();
        let (share, standard_error) = mean_and_error(&values, n);
        HopShare {
            hops,
            share,
            standard_error,
        }
    };
    let within = (1..=6).map(|h| share(h, &|l| within_count(l, h))).collect();
    let mut by_hops: Vec<HopShare> = (1..=5).map(|h| share(h, &|l| at(l, h))).collect();
    by_hops.push(share(6, &|l| others - within_count(l, 5)));
    let unreachable = share(0, &|l| others - within_count(l, l.len())).share;
    // Mean distance to the people each source reaches.
    let means: Vec<f64> = levels
        .iter()
        .filter(|l| l.len() > 1)
        .map(|l| {
            let reached: u64 = l[1..].iter().sum();
            let hops: u64 = l.iter().enumerate().map(|(h, &c)| h as u64 * c).sum();
            hops as f64 / reached as f64
        })
        .collect();
    let (mean, mean_standard_error) = mean_and_error(&means, n);
    Separation {
        sources: count,
        mean,
        mean_standard_error,
        within,
        by_hops,
        unreachable,
    }
}

// ---------------------------------------------------------------------------
// Text report.

/// `1234567` → `1,234,567`.
fn grouped(x: u64) -> String {
    let digits = x.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn percent(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1}%", 100.0 * x)
    } else {
        "n/a".to_string()
    }
}

fn number(x: f64, decimals: usize) -> String {
    if x.is_finite() {
        format!("{x:.decimals$}")
    } else {
        "n/a".to_string()
    }
}

impl fmt::Display for NetworkReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.degree;
        let s = &self.separation;
        writeln!(f, "Acquaintance network")?;
        writeln!(f, "  {:<26}{:>14}", "people", grouped(self.people as u64))?;
        writeln!(f, "  {:<26}{:>14}", "ties", grouped(self.edges))?;
        writeln!(
            f,
            "  {:<26}{:>14}   (median {}, min {}, max {})",
            "ties per person, mean",
            number(d.mean, 1),
            number(d.median, 1),
            d.min,
            d.max
        )?;
        writeln!(
            f,
            "  {:<26}{:>14}",
            "close ties per person",
            number(self.close_ties_mean, 1)
        )?;
        let how = if self.clustering.exact {
            "(counted exactly)".to_string()
        } else {
            format!("± {} (sampled)", number(self.clustering.standard_error, 4))
        };
        writeln!(
            f,
            "  {:<26}{:>14}   {how}",
            "clustering",
            number(self.clustering.value, 4)
        )?;
        writeln!(
            f,
            "  {:<26}{:>14}   ± {} hops, from {} people",
            "mean separation",
            number(s.mean, 2),
            number(s.mean_standard_error, 2),
            grouped(s.sources as u64)
        )?;
        writeln!(f, "  share of pairs within")?;
        for h in &s.within {
            let label = if h.hops == 1 {
                "1 hop".to_string()
            } else {
                format!("{} hops", h.hops)
            };
            writeln!(
                f,
                "    {:<24}{:>14}   ± {}",
                label,
                percent(h.share),
                percent(h.standard_error)
            )?;
        }
        writeln!(f, "  {:<26}{:>14}", "unreachable", percent(s.unreachable))?;
        let five = s.within.iter().find(|h| h.hops == 5);
        match five {
            Some(h) if h.share.is_finite() => {
                let verdict = if h.share >= FIVE_HOPS_HOLDS {
                    "holds"
                } else {
                    "does not hold"
                };
                writeln!(
                    f,
                    "Anyone is only five contacts away: {} of pairs are within 5 hops (± {}) \
                     — the claim {verdict} for this network (we say it holds from {} of pairs).",
                    percent(h.share),
                    percent(h.standard_error),
                    percent(FIVE_HOPS_HOLDS)
                )
            }
            _ => writeln!(
                f,
                "Anyone is only five contacts away: not tested (no separation measured)."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    fn path(n: u32) -> Network {
        let edges: Vec<(u32, u32)> = (1..n).map(|i| (i - 1, i)).collect();
        Network::from_edges(n as usize, &edges, 1)
    }

    #[test]
    fn path_hop_shares_are_exact() {
        // Path 0–1–2–3–4, every person a source: 20 ordered pairs, of which
        // 8 at 1 hop, 6 at 2, 4 at 3, 2 at 4.
        let report = analyse(&path(5), 100, 1);
        let s = &report.separation;
        assert_eq!(s.sources, 5);
        let within: Vec<f64> = s.within.iter().map(|h| h.share).collect();
        for (got, want) in within.iter().zip([0.4, 0.7, 0.9, 1.0, 1.0, 1.0]) {
            assert!(close(*got, want), "{within:?}");
        }
        let exact: Vec<f64> = s.by_hops.iter().map(|h| h.share).collect();
        for (got, want) in exact.iter().zip([0.4, 0.3, 0.2, 0.1, 0.0, 0.0]) {
            assert!(close(*got, want), "{exact:?}");
        }
        assert_eq!(
            s.by_hops.iter().map(|h| h.hops).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5, 6]
        );
        // Per-source means 2.5, 1.75, 1.5, 1.75, 2.5 → 2.
        assert!(close(s.mean, 2.0));
        // Every person searched: nothing sampled, no error.
        assert_eq!(s.mean_standard_error, 0.0);
        assert!(s.within.iter().all(|h| h.standard_error == 0.0));
        assert_eq!(s.unreachable, 0.0);
        // A path has no triangles.
        assert_eq!(report.clustering.value, 0.0);
        assert!(report.clustering.exact);
        assert_eq!(report.degree.min, 1);
        assert_eq!(report.degree.max, 2);
        assert!(close(report.degree.median, 2.0));
        assert!(close(report.degree.mean, 1.6));
    }

    #[test]
    fn long_path_counts_six_or_more() {
        // Path of 10: from person 0 the others sit at 1..9 hops.
        let report = analyse(&path(10), 10, 3);
        let six_plus = report.separation.by_hops.last().map(|h| h.share);
        // Ordered pairs at ≥ 6 hops: 2 × (4 + 3 + 2 + 1) = 20 of 90.
        assert!(close(six_plus.unwrap_or(f64::NAN), 20.0 / 90.0));
        let sum: f64 = report.separation.by_hops.iter().map(|h| h.share).sum();
        assert!(close(sum, 1.0));
    }

    #[test]
    fn ring_and_components() {
        // Ring of 8: from anyone, 2 people at each of 1..3 hops, 1 at 4.
        let ring: Vec<(u32, u32)> = (0..8).map(|i| (i, (i + 1) % 8)).collect();
        let report = analyse(&Network::from_edges(8, &ring, 2), 8, 0);
        let w: Vec<f64> = report.separation.within.iter().map(|h| h.share).collect();
        for (got, want) in w
            .iter()
            .zip([2.0 / 7.0, 4.0 / 7.0, 6.0 / 7.0, 1.0, 1.0, 1.0])
        {
            assert!(close(*got, want), "{w:?}");
        }
        assert!(close(report.separation.mean, 16.0 / 7.0));
        assert!(close(report.close_ties_mean, 2.0));
        // Two separate triangles: each person reaches 2 of 5 others.
        let two = Network::from_edges(6, &[(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3)], 0);
        let report = analyse(&two, 6, 0);
        assert!(close(report.separation.unreachable, 0.6));
        assert!(close(report.separation.within[5].share, 0.4));
        assert!(close(report.separation.by_hops[5].share, 0.6));
        assert!(close(report.separation.mean, 1.0));
        assert!(close(report.clustering.value, 1.0));
    }

    #[test]
    fn clustering_of_small_graphs_is_exact() {
        // Triangle 0-1-2 plus pendant 3 on 0: triples 3 (centre 0) + 1 + 1
        // = 5, closed 3 → 0.6.
        let g = Network::from_edges(4, &[(0, 1), (1, 2), (2, 0), (0, 3)], 1);
        let c = analyse(&g, 4, 0).clustering;
        assert!(c.exact && close(c.value, 0.6), "{c:?}");
        // Complete graph K5: every triple closed.
        let k5: Vec<(u32, u32)> = (0..5)
            .flat_map(|a| (a + 1..5).map(move |b| (a, b)))
            .collect();
        assert!(close(
            analyse(&Network::from_edges(5, &k5, 1), 5, 0)
                .clustering
                .value,
            1.0
        ));
        // Star: many triples, none closed.
        let star: Vec<(u32, u32)> = (1..9).map(|i| (0, i)).collect();
        assert!(close(
            analyse(&Network::from_edges(9, &star, 1), 9, 0)
                .clustering
                .value,
            0.0
        ));
    }

    #[test]
    fn sampled_clustering_agrees_with_exact() {
        use crate::population::network::{NetworkModel, NetworkSpec};
        // A ring lattice with k = 40 is exactly 3·38/(4·39) = 0.7308; at
        // n = 50 000 the work Σd² = 8·10⁷ exceeds the exact limit, so this is
        // sampled. 2^19 triples give se ≈ 0.0006; allow 5 se.
        let spec = NetworkSpec {
            people: 50_000,
            acquaintances: 40,
            close_ties: 5,
            model: NetworkModel::SmallWorld { rewire: 0.0 },
        };
        let net = Network::generate(&spec, 1);
        let c = clustering(&net, 5);
        assert!(!c.exact);
        let want = 3.0 * 38.0 / (4.0 * 39.0);
        assert!(c.standard_error > 0.0 && c.standard_error < 0.001);
        assert!(
            (c.value - want).abs() < 5.0 * c.standard_error,
            "{c:?} vs {want}"
        );
    }

    #[test]
    fn sampled_separation_is_deterministic_and_has_errors() {
        use crate::population::network::{NetworkModel, NetworkSpec};
        let spec = NetworkSpec {
            people: 3000,
            acquaintances: 8,
            close_ties: 3,
            model: NetworkModel::SmallWorld { rewire: 0.2 },
        };
        let net = Network::generate(&spec, 2);
        let a = analyse(&net, 30, 7);
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let b = one.install(|| analyse(&net, 30, 7));
        assert_eq!(a, b);
        assert_eq!(a.separation.sources, 30);
        assert!(a.separation.mean_standard_error > 0.0);
        // Sampled mean within 4 se of the mean over every source.
        let all = analyse(&net, 3000, 0);
        let diff = (a.separation.mean - all.separation.mean).abs();
        assert!(diff < 4.0 * a.separation.mean_standard_error, "{diff}");
    }

    #[test]
    fn report_prints_the_verdict() {
        let ring: Vec<(u32, u32)> = (0..8).map(|i| (i, (i + 1) % 8)).collect();
        let text = analyse(&Network::from_edges(8, &ring, 2), 8, 0).to_string();
        assert!(text.contains("100.0% of pairs are within 5 hops"), "{text}");
        assert!(text.contains("the claim holds"), "{text}");
        let text = analyse(&path(40), 40, 0).to_string();
        assert!(text.contains("the claim does not hold"), "{text}");
        // Degenerate graphs print without panicking.
        let lone = Network::from_edges(1, &[], 0);
        assert!(analyse(&lone, 5, 0).to_string().contains("not tested"));
        let json = serde_json::to_string(&analyse(&path(5), 5, 0));
        assert!(json.is_ok());
    }

    #[test]
    fn grouping_digits() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
