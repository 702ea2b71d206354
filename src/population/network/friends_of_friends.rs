//! The friends-of-friends generator: a town that grows by introductions.
//!
//! In the spirit of Jackson & Rogers (2007), "Meeting strangers and friends
//! of friends: how random are social networks?", *American Economic Review*
//! 97(3):890. The first `⌈k/2⌉ + 1` people know each other (a founding
//! clique). Then people arrive one at a time and each newcomer makes
//! `m = ⌊k/2⌋` ties (`⌊k/2⌋ + 1` for every other arrival when `k` is odd),
//! all to people already there: `max(1, round(random_share · m))` of them to
//! people met at random (at least one, because a newcomer needs someone to
//! be introduced by; the rounding is randomised so the share is met on
//! average), the rest to friends of those — a random tie made *by* a random
//! one of the people met (Jackson & Rogers search the met people's own
//! links, which is what makes the process local). If the met people have
//! too few friends, the rest are met at random too. The mean degree is
//! `k − O(k²/n)` (the founders have fewer ties). Friends of friends are
//! found in proportion to how many ties point at them, so this is partly
//! preferential attachment: in Jackson & Rogers' mean-field analysis the
//! degree density falls off like `d^−(2 + r)`, `r` being the ratio of random
//! to friend-of-friend links. With a small `random_share` the founders
//! become hubs who know much of the town (at `random_share = 0`,
//! `n = 3000, k = 20`, one knows 1982 people; at 0.5, a million people and
//! `k = 250`, the busiest knows 36 000), the typical person's circle is
//! tightly knit, and the global transitivity is dragged down by the hubs'
//! loose circles.
//!
//! For speed, newcomers arrive in cohorts of `max(1, t/128)` people (`t`
//! people being there already), and a cohort only sees the people who
//! arrived before it: newcomers never meet the most recent 1 % of arrivals,
//! which hardly changes the process but lets a cohort be built in parallel.
//!
//! Ties closed through a common friend (made to a friend of someone met,
//! and the founders' ties) are stronger than ties to people met at random.
//!
//! # Storage
//!
//! Newcomers read the links made before them, so the links cannot be
//! replayed like the other generators' proposals. They are stored once, in
//! the upper half of the final buffer, regrouped in place by id, and spread
//! into rows (see [`generate`]). Peak memory is the finished graph plus a
//! few per-person counters and three more bits per tie: 1.11 GB resident
//! for a million people with 250 ties each.

use std::ops::Range;
use std::sync::atomic::Ordering::Relaxed;

use rand::Rng;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

use super::closeness::{mark_close, CloseScratch};
use super::csr::{bit, into_plain_u64, per_person_mut, zeroed_atomic_u64};
use super::random::{person_rng, tie_hash, Placement, STREAM_FRIENDS};
use super::Network;

/// Grows a Jackson–Rogers network (see module docs).
///
/// Each person's own links (all to earlier arrivals) are first written to
/// the upper half `[E, 2E)` of a buffer of the final size `2E`, in arrival
/// order, as arrival positions ([`grow`]). Arrival order says nothing about
/// ids, so the links are then turned into pairs of ids filling the buffer,
/// grouped by their higher id, and packed back into the upper half as the
/// lower id of each pair (see [`pairs_from_links`], [`group_by_higher_id`]
/// and [`pairs_to_lower_ids`]). They are then spread into rows in id order
/// ([`spread_into_rows`]), and each row is sorted and its close ties
/// flagged ([`sort_rows_and_mark_close`]).
pub(super) fn generate(
    n: usize,
    k: usize,
    random_share: f64,
    close_ties: usize,
    seed: u64,
) -> Network {
    let share = if random_share.is_nan() {
        1.0
    } else {
        random_share.clamp(0.0, 1.0)
    };
    let growth = Growth::new(n, k);
    let starts = running_sums((0..n).map(|p| growth.links(p) as u64));
    let e_len = starts[n] as usize;
    let mut buffer = vec![0u32; 2 * e_len];
    let strong = grow(&growth, share, seed, &starts, &mut buffer[e_len..]);
    // Name the people: arrival order is a position like any other.
    let place = Placement::new(n, seed);
    pairs_from_links(&mut buffer, &starts, &strong, &place.person);
    drop(place);
    drop(strong);
    drop(starts);
    // `lower[x]`: how many ties person x has with lower ids.
    let lower = group_by_higher_id(&mut buffer, n);
    let through_pair = pairs_to_lower_ids(&mut buffer);
    // Where each person's ties with lower ids start in the upper half.
    let heads = running_sums(lower.iter().copied());
    drop(lower);
    let (offsets, cursor) = rows_by_id(&buffer[e_len..], &heads);
    let through = spread_into_rows(&mut buffer, &heads, &offsets, cursor, &through_pair);
    drop(through_pair);
    let close = sort_rows_and_mark_close(&mut buffer, &offsets, &heads, &through, close_ties, seed);
    Network {
        offsets,
        neighbors: buffer,
        close,
    }
}

/// `0` followed by the running sums of `counts`.
fn running_sums(counts: impl ExactSizeIterator<Item = u64>) -> Vec<u64> {
    let mut sums = Vec::with_capacity(counts.len() + 1);
    let mut sum = 0u64;
    sums.push(0);
    for c in counts {
        sum += c;
        sums.push(sum);
    }
    sums
}

/// Who founds the town and how many links each arrival makes.
struct Growth {
    /// Links per newcomer: ⌊k/2⌋.
    half: usize,
    /// Whether k is odd, when every other newcomer makes one more.
    odd: bool,
    /// Size of the founding clique.
    founders: usize,
}

impl Growth {
    fn new(n: usize, k: usize) -> Growth {
        let half = k / 2;
        let odd = k % 2 == 1;
        let founders = (half + usize::from(odd) + 1).min(n);
        Growth {
            half,
            odd,
            founders,
        }
    }

    /// How many links the `p`-th arrival makes: one to each founder before
    /// them for a founder, about k/2 for a newcomer.
    fn links(&self, p: usize) -> usize {
        if p < self.founders {
            p
        } else {
            self.half + usize::from(self.odd && p % 2 == 1)
        }
    }
}

/// Lets everyone arrive: writes the `p`-th arrival's links (arrival
/// positions of earlier people) at `links[starts[p]..]` and returns how
/// many of each person's links, at the head, were made through a friend.
fn grow(growth: &Growth, share: f64, seed: u64, starts: &[u64], links: &mut [u32]) -> Vec<u32> {
    let n = starts.len() - 1;
    let mut strong = vec![0u32; n];
    // Founders know each other; their ties count as through friends.
    for p in 0..growth.founders {
        let s = starts[p] as usize;
        for (slot, v) in links[s..s + p].iter_mut().zip(0..p as u32) {
            *slot = v;
        }
        strong[p] = p as u32;
    }
    let mut first = growth.founders;
    while first < n {
        let end = (first + (first / 128).max(1)).min(n);
        let strong = &mut strong[first..end];
        grow_cohort(first..end, growth, share, seed, starts, links, strong);
        first = end;
    }
    strong
}

/// Lets the arrivals `cohort` choose their links in parallel, each seeing
/// only the links made before the cohort.
fn grow_cohort(
    cohort: Range<usize>,
    growth: &Growth,
    share: f64,
    seed: u64,
    starts: &[u64],
    links: &mut [u32],
    strong: &mut [u32],
) {
    let Range { start: first, end } = cohort;
    let (before, rest) = links.split_at_mut(starts[first] as usize);
    let grown = Grown {
        starts,
        links: before,
    };
    let cohort = &mut rest[..(starts[end] - starts[first]) as usize];
    let mut rows = Vec::with_capacity(end - first);
    let mut tail = cohort;
    for p in first..end {
        let (row, next) = tail.split_at_mut(growth.links(p));
        rows.push(row);
        tail = next;
    }
    let visible = first as u32;
    rows.into_par_iter()
        .zip(strong.par_iter_mut())
        .enumerate()
        .with_min_len(64)
        .for_each_init(Newcomer::new, |w, (i, (row, strong))| {
            let p = (first + i) as u32;
            *strong = newcomer_links(p, visible, share, seed, &grown, row, w);
        });
}

/// A small open-addressing set of ids, cleared between newcomers.
struct IdSet {
    table: Vec<u32>,
    mask: usize,
}

impl IdSet {
    const EMPTY: u32 = u32::MAX;

    fn new() -> IdSet {
        IdSet {
            table: Vec::new(),
            mask: 0,
        }
    }

    /// Empties the set and sizes it for up to `items` ids at ≤ 50 % load.
    fn reset(&mut self, items: usize) {
        let size = (2 * items + 2).next_power_of_two();
        self.table.clear();
        self.table.resize(size, Self::EMPTY);
        self.mask = size - 1;
    }

    /// Inserts `id` (never `EMPTY`: ids are below `people ≤ u32::MAX`);
    /// returns whether it was new.
    fn insert(&mut self, id: u32) -> bool {
        let mut i = (u64::from(id).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & self.mask;
        loop {
            let slot = self.table[i];
            if slot == id {
                return false;
            }
            if slot == Self::EMPTY {
                self.table[i] = id;
                return true;
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// Per-thread working space for newcomers.
struct Newcomer {
    seen: IdSet,
    met: Vec<u32>,
    friends: Vec<u32>,
    pool: Vec<u32>,
}

impl Newcomer {
    fn new() -> Newcomer {
        Newcomer {
            seen: IdSet::new(),
            met: Vec::new(),
            friends: Vec::new(),
            pool: Vec::new(),
        }
    }
}

/// Everything a newcomer reads: the links made before their cohort.
struct Grown<'a> {
    /// Start of each person's links within `links` (length n + 1).
    starts: &'a [u64],
    /// Links of everyone before the cohort.
    links: &'a [u32],
}

impl Grown<'_> {
    fn links_of(&self, p: u32) -> &[u32] {
        let p = p as usize;
        &self.links[self.starts[p] as usize..self.starts[p + 1] as usize]
    }
}

/// Chooses a newcomer's links among people `0..visible`; writes them to
/// `out` (friends of friends first) and returns how many are friends of
/// friends.
fn newcomer_links(
    person: u32,
    visible: u32,
    random_share: f64,
    seed: u64,
    grown: &Grown<'_>,
    out: &mut [u32],
    w: &mut Newcomer,
) -> u32 {
    let m = out.len();
    if m == 0 {
        return 0;
    }
    let mut rng = person_rng(seed, STREAM_FRIENDS, u64::from(person));
    // Randomised rounding meets the share on average; at least one person
    // must be met at random to be introduced to their friends.
    let exact = random_share * m as f64;
    let mut random = exact.floor() as usize;
    if rng.random::<f64>() < exact - exact.floor() {
        random += 1;
    }
    let random = random.clamp(1, m);
    let wanted = m - random;
    w.seen.reset(m);
    w.met.clear();
    w.friends.clear();
    // `visible > m` (the founders outnumber anyone's links), so this ends.
    while w.met.len() < random {
        let v = rng.random_range(0..visible);
        if w.seen.insert(v) {
            w.met.push(v);
        }
    }
    if wanted > 0 {
        meet_friends(&mut rng, wanted, grown, w);
    }
    // Friends short of the target: meet the rest at random.
    while w.met.len() + w.friends.len() < m {
        let v = rng.random_range(0..visible);
        if w.seen.insert(v) {
            w.met.push(v);
        }
    }
    let strong = w.friends.len();
    out[..strong].copy_from_slice(&w.friends);
    out[strong..].copy_from_slice(&w.met);
    strong as u32
}

/// Adds up to `wanted` friends of the people met (links they made, not
/// seen yet) to `w.friends`.
fn meet_friends(rng: &mut Pcg64Mcg, wanted: usize, grown: &Grown<'_>, w: &mut Newcomer) {
    let pool: usize = w.met.iter().map(|&p| grown.links_of(p).len()).sum();
    if pool > 0 && pool <= 4 * wanted {
        // Few friends to choose from: shuffle them all and take the
        // first new ones.
        w.pool.clear();
        for &p in &w.met {
            w.pool.extend_from_slice(grown.links_of(p));
        }
        for i in 0..w.pool.len() {
            let j = rng.random_range(i..w.pool.len());
            w.pool.swap(i, j);
            if w.seen.insert(w.pool[i]) {
                w.friends.push(w.pool[i]);
                if w.friends.len() == wanted {
                    break;
                }
            }
        }
    } else if pool > 0 {
        // Plenty: a random link of a random met person, until enough are
        // new (bounded, in case the friends overlap heavily).
        let mut attempts = 8 * wanted + 64;
        while w.friends.len() < wanted && attempts > 0 {
            attempts -= 1;
            let p = w.met[rng.random_range(0..w.met.len())];
            let links = grown.links_of(p);
            if links.is_empty() {
                continue;
            }
            let v = links[rng.random_range(0..links.len())];
            if w.seen.insert(v) {
                w.friends.push(v);
            }
        }
    }
}

/// Rewrites the links of [`generate`], held in the upper half of
/// `buffer` by arrival order (person `u`'s at `E + starts[u]`, the first
/// `strong[u]` of them made through a friend), as one pair of ids per link
/// filling the whole buffer: link `i` becomes entries `2i, 2i + 1`, higher
/// id first, or lower id first if the link was made through a friend.
///
/// In place: link `i` (at `E + i`) is read before its pair (ending at
/// `2i + 2 ≤ E + i + 1`) is written, so going one link at a time from the
/// start never overwrites a link not yet read. A batch of links `[a, b)`
/// can go in parallel when its pairs end below its first link,
/// `2b ≤ E + a`; so batches run from the start, each taking up to half of
/// what is left, and the last few go one at a time.
fn pairs_from_links(buffer: &mut [u32], starts: &[u64], strong: &[u32], person: &[u32]) {
    let e = buffer.len() / 2;
    let n = strong.len();
    let pair = |u: usize, j: usize, v: u32| {
        let (a, b) = (person[u], person[v as usize]);
        let (hi, lo) = (a.max(b), a.min(b));
        if j < strong[u] as usize {
            [lo, hi]
        } else {
            [hi, lo]
        }
    };
    let mut done = 0; // people whose links are pairs already
    while done < n {
        let first_link = starts[done] as usize;
        // The batch's pairs end at or below the first link of the batch.
        let limit = ((e + first_link) / 2) as u64;
        let mut end = starts
            .partition_point(|&s| s <= limit)
            .saturating_sub(1)
            .min(n);
        if end <= done {
            end = done + 1;
        }
        let last_link = starts[end] as usize;
        if end == done + 1 || last_link - first_link < 1 << 16 {
            // Small: one at a time, each link read before its pair is
            // written (pair i ends at 2i + 2 ≤ E + i + 1).
            for u in done..end {
                for j in 0..(starts[u + 1] - starts[u]) as usize {
                    let i = starts[u] as usize + j;
                    let [x, y] = pair(u, j, buffer[e + i]);
                    buffer[2 * i] = x;
                    buffer[2 * i + 1] = y;
                }
            }
        } else {
            let (low, high) = buffer.split_at_mut(e + first_link);
            let out = &mut low[2 * first_link..2 * last_link];
            let links = &high[..last_link - first_link];
            out.par_chunks_mut(2 * 4096)
                .zip(links.par_chunks(4096))
                .enumerate()
                .for_each(|(c, (out, links))| {
                    // Owner of the chunk's first link, then walk forwards.
                    let i0 = first_link + c * 4096;
                    let mut u = starts.partition_point(|&s| s <= i0 as u64) - 1;
                    for (j, (&v, slot)) in links.iter().zip(out.chunks_exact_mut(2)).enumerate() {
                        let i = (i0 + j) as u64;
                        while starts[u + 1] <= i {
                            u += 1;
                        }
                        slot.copy_from_slice(&pair(u, (i - starts[u]) as usize, v));
                    }
                });
        }
        done = end;
    }
}

/// Groups the pairs of [`pairs_from_links`] by their higher id, in
/// ascending order, in place; returns how many pairs each id is the higher
/// of. First an American flag sort on the top half of the id's bits (one
/// sequential pass of swaps), then, within each of those buckets in
/// parallel, a counting sort on the rest through a bucket-sized buffer.
fn group_by_higher_id(buffer: &mut [u32], n: usize) -> Vec<u64> {
    let bits = u32::BITS - (n.max(2) as u32 - 1).leading_zeros();
    let low_bits = bits / 2;
    let bounds = bucket_by_top_bits(buffer, n, low_bits);
    sort_buckets_by_low_bits(buffer, n, low_bits, &bounds)
}

/// The American flag sort of [`group_by_higher_id`]: puts the pairs in
/// buckets by the top bits of their higher id (above `low_bits`); returns
/// where each bucket starts, in pairs, and where the last ends.
fn bucket_by_top_bits(buffer: &mut [u32], n: usize, low_bits: u32) -> Vec<usize> {
    let pairs = buffer.len() / 2;
    let buckets = ((n - 1) >> low_bits) + 1;
    // Bucket sizes, counted in parallel.
    let sizes = buffer
        .par_chunks(2 * 65536)
        .map(|chunk| {
            let mut local = vec![0usize; buckets];
            for p in chunk.chunks_exact(2) {
                local[(p[0].max(p[1]) >> low_bits) as usize] += 1;
            }
            local
        })
        .reduce(
            || vec![0usize; buckets],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
                a
            },
        );
    let mut bounds = Vec::with_capacity(buckets + 1);
    bounds.push(0);
    for &size in &sizes {
        bounds.push(bounds.last().unwrap() + size);
    }
    debug_assert_eq!(bounds[buckets], pairs);
    // Walk each bucket's unplaced pairs, sending each pair to the next free
    // place of its bucket and carrying on with the pair found there until
    // one belongs where the walk began.
    let mut next = bounds[..buckets].to_vec();
    for b in 0..buckets {
        while next[b] < bounds[b + 1] {
            let i = next[b];
            let mut carried = [buffer[2 * i], buffer[2 * i + 1]];
            loop {
                let t = (carried[0].max(carried[1]) >> low_bits) as usize;
                if t == b {
                    break;
                }
                let j = next[t];
                next[t] += 1;
                let found = [buffer[2 * j], buffer[2 * j + 1]];
                buffer[2 * j] = carried[0];
                buffer[2 * j + 1] = carried[1];
                carried = found;
            }
            buffer[2 * i] = carried[0];
            buffer[2 * i + 1] = carried[1];
            next[b] += 1;
        }
    }
    bounds
}

/// The second step of [`group_by_higher_id`]: within each bucket of
/// `bounds`, in parallel, a counting sort by the low bits of the higher id;
/// returns how many pairs each id is the higher of.
fn sort_buckets_by_low_bits(
    buffer: &mut [u32],
    n: usize,
    low_bits: u32,
    bounds: &[usize],
) -> Vec<u64> {
    let buckets = bounds.len() - 1;
    let higher = |b: &[u32], i: usize| b[2 * i].max(b[2 * i + 1]);
    let mut lower = vec![0u64; n];
    let mut regions = Vec::with_capacity(buckets);
    let mut rest = &mut buffer[..];
    let mut counts_rest = &mut lower[..];
    for b in 0..buckets {
        let (region, tail) = rest.split_at_mut(2 * (bounds[b + 1] - bounds[b]));
        let ids = (n - (b << low_bits)).min(1 << low_bits);
        let (counts, counts_tail) = counts_rest.split_at_mut(ids);
        regions.push((region, counts));
        rest = tail;
        counts_rest = counts_tail;
    }
    regions.into_par_iter().for_each_init(
        || (Vec::new(), Vec::new()),
        |(spare, next): &mut (Vec<u32>, Vec<usize>), (region, counts)| {
            let mask = (1u32 << low_bits) - 1;
            for i in 0..region.len() / 2 {
                counts[(higher(region, i) & mask) as usize] += 1;
            }
            next.clear();
            let mut at = 0;
            for &c in counts.iter() {
                next.push(at);
                at += c as usize;
            }
            spare.clear();
            spare.resize(region.len(), 0);
            for p in region.chunks_exact(2) {
                let slot = &mut next[(p[0].max(p[1]) & mask) as usize];
                spare[2 * *slot..2 * *slot + 2].copy_from_slice(p);
                *slot += 1;
            }
            region.copy_from_slice(spare);
        },
    );
    lower
}

/// Replaces the grouped pairs by their lower ids, packed in the upper half
/// of the buffer (pair `i`'s at `E + i`), and returns one bit per pair: made
/// through a friend. Runs from the last pair down, so each pair is read
/// before the place it moves to (above it) is written.
fn pairs_to_lower_ids(buffer: &mut [u32]) -> Vec<u64> {
    let e = buffer.len() / 2;
    let mut through = vec![0u64; e.div_ceil(64)];
    for i in (0..e).rev() {
        let (a, b) = (buffer[2 * i], buffer[2 * i + 1]);
        if a < b {
            through[i / 64] |= 1 << (i % 64);
        }
        buffer[e + i] = a.min(b);
    }
    through
}

/// Row boundaries in id order for the lower ids packed in `lower_ids`
/// (person `x`'s at `heads[x]..heads[x + 1]`), and where each row's first
/// tie with a higher id goes: a row holds the ties with lower ids, then
/// those with higher ids.
fn rows_by_id(lower_ids: &[u32], heads: &[u64]) -> (Vec<u64>, Vec<u64>) {
    let n = heads.len() - 1;
    let own = |x: usize| (heads[x + 1] - heads[x]) as usize;
    // Degrees: ties with lower ids plus ties with higher ones.
    let received = zeroed_atomic_u64(n);
    lower_ids.par_chunks(1 << 16).for_each(|chunk| {
        for &v in chunk {
            received[v as usize].fetch_add(1, Relaxed);
        }
    });
    let mut offsets = Vec::with_capacity(n + 1);
    let mut cursor = Vec::with_capacity(n);
    offsets.push(0u64);
    let mut total = 0u64;
    for (x, r) in received.iter().enumerate() {
        cursor.push(total + own(x) as u64);
        total += own(x) as u64 + r.load(Relaxed);
        offsets.push(total);
    }
    (offsets, cursor)
}

/// Spreads the lower ids packed in the upper half of `buffer` into rows in
/// id order: the ties person `x` has with lower ids are moved down to the
/// head of `x`'s row, and `x` is appended (at `cursor`) to the row of each
/// of them. Returns one bit per entry: made through a friend.
///
/// This is safe in place: `x`'s row starts at most at `E + heads[x]` (lower
/// rows hold at most all `E` ties with higher ids) and every row written
/// while handling `x` ends before `E + heads[x + 1]`, so no tie is
/// overwritten before it is read.
fn spread_into_rows(
    buffer: &mut [u32],
    heads: &[u64],
    offsets: &[u64],
    mut cursor: Vec<u64>,
    through_pair: &[u64],
) -> Vec<u64> {
    let e_len = buffer.len() / 2;
    let n = heads.len() - 1;
    let mut through = vec![0u64; (2 * e_len).div_ceil(64)];
    for x in 0..n {
        let from = e_len + heads[x] as usize;
        let to = offsets[x] as usize;
        let len = (heads[x + 1] - heads[x]) as usize;
        buffer.copy_within(from..from + len, to);
        for i in 0..len {
            let v = buffer[to + i] as usize;
            let at = cursor[v] as usize;
            cursor[v] += 1;
            buffer[at] = x as u32;
            if bit(through_pair, heads[x] + i as u64) {
                through[(to + i) / 64] |= 1 << ((to + i) % 64);
                through[at / 64] |= 1 << (at % 64);
            }
        }
    }
    through
}

/// Sorts each row, carrying the kind of tie (`through`), and flags the
/// close ties: those made through a friend are the stronger. A row holds
/// the ties with lower ids (unordered) then those with higher ids (already
/// ascending), so only the head needs sorting.
fn sort_rows_and_mark_close(
    buffer: &mut [u32],
    offsets: &[u64],
    heads: &[u64],
    through: &[u64],
    close_ties: usize,
    seed: u64,
) -> Vec<u64> {
    let close = zeroed_atomic_u64(buffer.len().div_ceil(64));
    per_person_mut(
        offsets,
        buffer,
        || (Vec::new(), CloseScratch::default()),
        |(keyed, w): &mut (Vec<u64>, CloseScratch), p, row| {
            let base = offsets[p];
            let head = (heads[p + 1] - heads[p]) as usize;
            keyed.clear();
            keyed.extend(
                row[..head]
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| (u64::from(v) << 1) | u64::from(bit(through, base + i as u64))),
            );
            keyed.sort_unstable();
            for (slot, &key) in row.iter_mut().zip(keyed.iter()) {
                *slot = (key >> 1) as u32;
            }
            let u = p as u32;
            let class = |i: usize, _| {
                if i < head {
                    keyed[i] & 1
                } else {
                    u64::from(bit(through, base + i as u64))
                }
            };
            let hash = |v| tie_hash(seed, u, v);
            mark_close(&close, base, row, close_ties, class, hash, w);
        },
    );
    into_plain_u64(close)
}

#[cfg(test)]
mod tests {
    use crate::population::network::analysis::analyse;
    use crate::population::network::tests::spec;
    use crate::population::network::{Network, NetworkModel};

    /// Mean over people with two or more ties of the share of their pairs
    /// of acquaintances who know each other (Watts–Strogatz's C).
    fn mean_local_clustering(net: &Network) -> f64 {
        let (mut sum, mut people) = (0.0, 0usize);
        for p in 0..net.people() as u32 {
            let row = net.neighbors(p);
            if row.len() < 2 {
                continue;
            }
            let closed: usize = row
                .iter()
                .enumerate()
                .map(|(i, &a)| {
                    let others = net.neighbors(a);
                    row[i + 1..]
                        .iter()
                        .filter(|b| others.binary_search(b).is_ok())
                        .count()
                })
                .sum();
            sum += closed as f64 / (row.len() * (row.len() - 1) / 2) as f64;
            people += 1;
        }
        sum / people as f64
    }

    #[test]
    fn friends_of_friends_closes_triangles() {
        let generate = |share: f64| {
            let model = NetworkModel::FriendsOfFriends {
                random_share: share,
            };
            Network::generate(&spec(3000, 20, 15, model), 8)
        };
        // Meeting friends of friends closes a triangle with each such tie, so
        // the typical person's circle is knit far tighter than when everyone
        // is met at random (measured: 0.44 at share 0.2, 0.01 at share 1).
        // The growth process also makes hubs (friends of friends are found
        // in proportion to their degree), whose many loose pairs dominate the
        // global transitivity; that is why this test uses the people-average.
        let (knit, random) = (generate(0.2), generate(1.0));
        let (local, loose) = (mean_local_clustering(&knit), mean_local_clustering(&random));
        assert!(local > 0.3, "{local}");
        assert!(local > 10.0 * loose, "share 0.2: {local}, share 1: {loose}");
        // Transitivity still beats a random graph's k/n ≈ 0.007 (measured
        // 0.038 at share 0.2, 0.058 at share 0.5).
        assert!(analyse(&knit, 1, 1).clustering.value > 3.0 * 20.0 / 3000.0);
        // Ties closed through a friend are the stronger ones: most close ties
        // should close a triangle with a common acquaintance.
        let (mut close, mut in_triangle) = (0, 0);
        for p in 0..3000u32 {
            for (v, c) in knit.ties(p) {
                if c {
                    close += 1;
                    let theirs = knit.neighbors(v);
                    let shared = knit
                        .neighbors(p)
                        .iter()
                        .any(|x| theirs.binary_search(x).is_ok());
                    in_triangle += usize::from(shared);
                }
            }
        }
        assert!(
            in_triangle as f64 > 0.9 * close as f64,
            "{in_triangle} of {close}"
        );
    }
}
