//! The state of one run and its weekly loop.

use rand::Rng;
use rand_distr::{Distribution, Poisson};
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

use crate::interleave::{interleave, pause, IN_FLIGHT};
use crate::metrics::{Metric, Row};
use crate::population::World;
use crate::prefetch::{prefetch, prefetch_first};
use crate::relationships::{recall, Rules};
use crate::scenario::{Domain, Sampler, Scenario, Strategy};
use crate::simulation::contact::{Book, Contacts};
use crate::streams::{self, Purpose};

/// A member's one-to-ones for the week: who they are, their partners in
/// order, and the stream to hold the meetings with.
type Plan = (u32, Vec<u32>, Pcg64Mcg);

/// Marks "no such index" in person-indexed lookup tables.
pub(crate) const NONE: u32 = u32::MAX;
/// No cohort: the person is not a member now (see `Run::cohort_of`).
pub(crate) const NO_COHORT: u16 = u16::MAX;

/// A member slot: one seat in a cohort, held by one person at a time.
#[derive(Clone, Debug)]
pub(crate) struct Member {
    pub person: u32,
    pub cohort: u16,
    /// Groups the member sits in now.
    pub groups: Vec<u32>,
    /// Week from which a member who left may rejoin; `NONE` while seated.
    pub away_until: u32,
    /// The group left last, not to be rejoined straight away.
    pub last_group: u32,
    /// Week the member joined their current group(s).
    pub joined_week: u32,
    /// Meetings attended in the current group(s).
    pub meetings_in_group: u32,
    /// Sales traced to the current group(s).
    pub business_since_join: u32,
    /// Week this person became a member.
    pub since: u32,
    /// Totals since joining, for `members.csv`.
    pub totals: Row,
    /// Totals during the final simulated year.
    pub final_year: Row,
}

impl Member {
    /// Starts loading what crediting the member updates: their running
    /// totals, with those of the final year if `final_year`, and the count
    /// of business traced to their group (see [`crate::prefetch`]).
    pub fn prefetch_credits(&self, final_year: bool) {
        prefetch(&self.business_since_join);
        for metric in self.totals.0.iter().step_by(8) {
            prefetch(metric);
        }
        if final_year {
            for metric in self.final_year.0.iter().step_by(8) {
                prefetch(metric);
            }
        }
    }
}

/// A networking group.
#[derive(Clone, Debug)]
pub(crate) struct Group {
    /// Member slots seated here.
    pub seated: Vec<u32>,
    /// Meets in weeks where `week % cadence == offset`.
    pub offset: u32,
}

/// What a member does at the end of a week (see [`Run::decisions`]), with
/// the stream to carry it out.
enum Choice {
    /// Leaves networking; a newcomer of the same cohort takes the slot.
    Churn(Pcg64Mcg),
    /// Back from a break: looks for seats again.
    Rejoin(Pcg64Mcg),
    /// Out of patience: leaves their groups for a break.
    Leave,
}

/// How a need was met, counted across the whole population.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct NeedTally {
    pub needs: u64,
    pub repeat: u64,
    pub direct: u64,
    pub referral: u64,
    pub pitch: u64,
    pub market: u64,
}

impl NeedTally {
    /// Adds another tally's counts.
    pub(crate) fn add(&mut self, other: &NeedTally) {
        self.needs += other.needs;
        self.repeat += other.repeat;
        self.direct += other.direct;
        self.referral += other.referral;
        self.pitch += other.pitch;
        self.market += other.market;
    }
}

/// One member at the end of a run, for the spread of outcomes.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberRecord {
    pub cohort: u16,
    pub person: u32,
    pub profession: u16,
    pub weeks_member: u32,
    /// Totals since this person joined (flows) and final levels (stocks).
    pub totals: Row,
    /// Totals during the final simulated year.
    pub final_year: Row,
}

/// The trusted-tie network around one member at the end of a run.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Ego {
    pub cohort: String,
    pub person: u32,
    /// Ties at or above `relationships.trusted_at`.
    pub trusted_ties: u32,
    /// The ego's networking ties with some trust, most trusted first (at
    /// most [`EGO_ALTERS`]).
    pub alters: Vec<Alter>,
    /// Trust between alters (either direction, the higher), for drawing.
    pub links: Vec<Link>,
}

/// Someone in an ego network.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Alter {
    pub person: u32,
    /// Their cohort if a member at the end, else "not a member".
    pub cohort: String,
    /// The ego's trust in them.
    pub trust: f64,
}

/// Trust between two alters (indices into `alters`).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Link {
    pub a: usize,
    pub b: usize,
    pub trust: f64,
}

/// Most alters kept per ego network.
pub const EGO_ALTERS: usize = 40;

/// Everything a run produces.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// `rows[week][cohort]`.
    pub rows: Vec<Vec<Row>>,
    pub members: Vec<MemberRecord>,
    /// One typical member per cohort: the one with the median number of
    /// trusted ties.
    pub egos: Vec<Ego>,
    pub needs: NeedTally,
    pub person_weeks: u64,
}

/// A run in progress.
pub(crate) struct Run<'a> {
    pub s: &'a Scenario,
    pub world: &'a World,
    pub rules: Rules,
    pub seed: u64,
    pub rep: u64,
    /// Strategy of each cohort, by cohort index.
    pub strategies: Vec<&'a Strategy>,
    pub members: Vec<Member>,
    /// Person → member slot, or `NONE`.
    pub member_of: Vec<u32>,
    /// Person → the current members among their acquaintances, ascending,
    /// with their cohorts: the people who might notice their needs, kept up
    /// to date as members come and go so a need does not scan every
    /// acquaintance (nor look up each member's cohort).
    pub member_acquaintances: Vec<Vec<(u32, u16)>>,
    /// The current members, and those of them whose strategy notices
    /// needs, one bit per person: 128 KiB each for a million people, so a
    /// person's hundreds of networking ties can be screened from cache
    /// rather than by a look-up in `member_of` each.
    pub current: PersonSet,
    pub noticers: PersonSet,
    /// Person → cohort of their current membership, or `NO_COHORT`: what a
    /// need asks of the members it meets (their generosity, whether they
    /// notice), two bytes a person instead of a look-up in `member_of` and
    /// then in the member's record, each a miss at city scale.
    pub cohort_of: Vec<u16>,
    /// The people who hold a book, one bit each: most people never went
    /// networking, and this answers "any ties?" for them from cache.
    pub holders: PersonSet,
    /// Person → book of ties, empty for people who never went networking.
    /// Indexed by person rather than through a table of who holds which
    /// book, so that reaching a book is one read fewer, each a miss at city
    /// scale; an empty book is 64 bytes a person.
    pub books: Vec<Book>,
    pub groups: Vec<Group>,
    /// Groups with a free seat, ascending: where a member looking for a
    /// group may go, without scanning every group each time.
    pub free_groups: Vec<u32>,
    /// Buyer → (profession, the supplier used last) for each profession
    /// they have bought from: a short list per person, which (unlike one
    /// table for the whole city) never has to be rehashed at full size.
    pub suppliers: Vec<Vec<(u16, u32)>>,
    /// Week → (owner, other) ties whose trust may have decayed below the
    /// threshold by then.
    pub calendar: Vec<Vec<(u32, u32)>>,
    /// This week's flows per cohort (totals, divided by members at the end).
    pub flows: Vec<Row>,
    pub tally: NeedTally,
    /// Each profession's job values, ready to draw from.
    pub job_values: Vec<Sampler>,
    /// The week being simulated.
    pub week: u32,
    /// First week of the final simulated year.
    pub final_year_start: u32,
    /// How many needs, or members choosing one-to-one partners, are worked
    /// on at once per thread ([`crate::interleave`]); 1 in a test that
    /// checks interleaving changes nothing.
    pub in_flight: usize,
    /// Apply the effects of every need, even those that reach no member
    /// and no book (which change nothing but the buyer's supplier): to
    /// test that skipping them is exact.
    #[cfg(test)]
    pub apply_every_need: bool,
    /// Look up what each sale needs from the books just before applying
    /// it, rather than all beforehand in parallel: to test that the
    /// parallel look-ups, corrected for ties created meanwhile, are exact.
    #[cfg(test)]
    pub reads_in_order: bool,
}

/// Simulates one variant (`scenario`) on one replicate's world.
pub fn simulate(scenario: &Scenario, world: &World, replicate: u32) -> RunResult {
    simulate_run(Run::new(scenario, world, replicate))
}

fn simulate_run(mut run: Run) -> RunResult {
    let scenario = run.s;
    let weeks = scenario.weeks();
    let mut rows = Vec::with_capacity(weeks as usize);
    for week in 0..weeks {
        run.week(week);
        rows.push(run.close_week(week));
    }
    RunResult {
        rows,
        egos: run.egos(weeks),
        members: run.member_records(weeks),
        needs: run.tally,
        person_weeks: scenario.population.size * weeks as u64,
    }
}

/// A run advanced one week at a time, for benchmarks and tools that want
/// to look inside a run.
pub struct Stepper<'a> {
    run: Run<'a>,
    next: u32,
}

impl<'a> Stepper<'a> {
    /// Sets up a run: members recruited and seated, week 0 next.
    pub fn new(scenario: &'a Scenario, world: &'a World, replicate: u32) -> Stepper<'a> {
        Stepper {
            run: Run::new(scenario, world, replicate),
            next: 0,
        }
    }

    /// Simulates the next week and returns its rows (one per cohort), or
    /// `None` once the scenario's weeks are done.
    pub fn step(&mut self) -> Option<Vec<Row>> {
        if self.next >= self.run.s.weeks() {
            return None;
        }
        let week = self.next;
        self.run.week(week);
        self.next += 1;
        Some(self.run.close_week(week))
    }

    /// Draws and resolves the needs of the next week alone (no meetings,
    /// no decisions), and returns how many needs arose.
    pub fn needs_only(&mut self) -> u64 {
        let before = self.run.tally.needs;
        let week = self.next.min(self.run.s.weeks().saturating_sub(1));
        self.run.week = week;
        self.run.needs(week);
        self.run.tally.needs - before
    }
}

#[cfg(test)]
impl Stepper<'_> {
    /// Applies the effects of every need in full from now on.
    pub(crate) fn apply_every_need(&mut self) {
        self.run.apply_every_need = true;
    }

    /// Looks up what each sale needs from the books just before applying
    /// it, from now on.
    pub(crate) fn reads_in_order(&mut self) {
        self.run.reads_in_order = true;
    }

    /// Decides needs and chooses one-to-one partners one at a time, not
    /// interleaved, from now on.
    pub(crate) fn one_at_a_time(&mut self) {
        self.run.in_flight = 1;
    }

    /// Every tie held, as (holder, other, tie), by holder and other.
    pub(crate) fn ties(&self) -> Vec<(u32, u32, crate::relationships::Tie)> {
        let mut all = Vec::new();
        for (person, book) in self.run.books.iter().enumerate() {
            all.extend(book.iter().map(|(o, t)| (person as u32, o, *t)));
        }
        all
    }
}

impl<'a> Run<'a> {
    fn new(s: &'a Scenario, world: &'a World, replicate: u32) -> Run<'a> {
        let n = world.people.len();
        // A valid scenario's cohorts name existing strategies.
        let strategies: Vec<&'a Strategy> = s
            .cohorts
            .iter()
            .map(|(_, c)| {
                s.strategy(&c.strategy)
                    .expect("validated scenario: every cohort names a strategy")
            })
            .collect();
        let cadence = s.groups.cadence_weeks();
        let mut run = Run {
            s,
            world,
            rules: Rules::new(&s.relationships),
            seed: s.simulation.seed,
            rep: replicate as u64,
            strategies,
            members: Vec::new(),
            member_of: vec![NONE; n],
            member_acquaintances: Vec::new(),
            current: PersonSet::new(n),
            noticers: PersonSet::new(n),
            cohort_of: vec![NO_COHORT; n],
            holders: PersonSet::new(n),
            books: (0..n).map(|_| Book::default()).collect(),
            groups: (0..s.groups.count as u32)
                .map(|g| Group {
                    seated: Vec::new(),
                    offset: g % cadence,
                })
                .collect(),
            free_groups: if s.groups.seats > 0 {
                (0..s.groups.count as u32).collect()
            } else {
                Vec::new()
            },
            suppliers: vec![Vec::new(); n],
            calendar: vec![Vec::new(); s.weeks() as usize + 1],
            flows: vec![Row::default(); s.cohorts.len()],
            tally: NeedTally::default(),
            job_values: s
                .population
                .professions
                .iter()
                .map(|p| p.job_value.sampler(Domain::Positive))
                .collect(),
            week: 0,
            final_year_start: s.weeks().saturating_sub(52),
            #[cfg(test)]
            apply_every_need: false,
            #[cfg(test)]
            reads_in_order: false,
            in_flight: IN_FLIGHT,
        };
        run.recruit();
        run
    }

    /// Chooses the initial members and seats them.
    fn recruit(&mut self) {
        let mut rng = streams::stream(self.seed, Purpose::Membership, &[self.rep]);
        let n = self.world.people.len() as u32;
        let mut slots = Vec::new();
        for (c, (_, cohort)) in self.s.cohorts.iter().enumerate() {
            for _ in 0..cohort.members {
                let person = self.random_non_member(&mut rng, n);
                let slot = self.members.len() as u32;
                // Lists of member acquaintances are built below, all at once.
                self.member_of[person as usize] = slot;
                self.mark_member(person, c as u16);
                self.ensure_book(person);
                self.members.push(Member {
                    person,
                    cohort: c as u16,
                    groups: Vec::new(),
                    away_until: 0,
                    last_group: NONE,
                    joined_week: 0,
                    meetings_in_group: 0,
                    business_since_join: 0,
                    since: 0,
                    totals: Row::default(),
                    final_year: Row::default(),
                });
                slots.push(slot);
            }
        }
        // Each person's member acquaintances, in id order: the same lists
        // as enrolling the members one by one would build, in parallel.
        let this: &Self = self;
        self.member_acquaintances = (0..n)
            .into_par_iter()
            .map(|x| this.current_member_acquaintances(x))
            .collect();
        // Seat in random order so no cohort gets first pick of the seats.
        for i in (1..slots.len()).rev() {
            slots.swap(i, rng.random_range(0..=i));
        }
        for slot in slots {
            self.seat(slot, 0, &mut rng);
        }
    }

    /// The current members among `x`'s acquaintances, with their cohorts,
    /// in id order, worked out from the network and the members.
    fn current_member_acquaintances(&self, x: u32) -> Vec<(u32, u16)> {
        self.world
            .network
            .neighbors(x)
            .iter()
            .filter_map(|&m| match self.member_of[m as usize] {
                NONE => None,
                slot => Some((m, self.members[slot as usize].cohort)),
            })
            .collect()
    }

    fn random_non_member(&self, rng: &mut Pcg64Mcg, n: u32) -> u32 {
        // Members are a small share of the population (validated ≤ size), so
        // rejection needs few tries; the scan is the fallback for crowded
        // worlds.
        for _ in 0..64 {
            let p = rng.random_range(0..n);
            if self.member_of[p as usize] == NONE {
                return p;
            }
        }
        let start = rng.random_range(0..n);
        (0..n)
            .map(|i| (start + i) % n)
            .find(|&p| self.member_of[p as usize] == NONE)
            .unwrap_or(start)
    }

    /// Makes `person` the member in `slot`, of `cohort`.
    fn enrol(&mut self, person: u32, slot: u32, cohort: u16) {
        self.member_of[person as usize] = slot;
        self.mark_member(person, cohort);
        self.around(person, |list| {
            if let Err(at) = list.binary_search_by_key(&person, |&(m, _)| m) {
                list.insert(at, (person, cohort));
            }
        });
    }

    /// Applies `edit` to the list of member acquaintances of each of
    /// `person`'s acquaintances, in id order. The lists are scattered over
    /// the whole population, so each is requested from memory a few
    /// acquaintances ahead: first where it is, then its contents.
    fn around(&mut self, person: u32, mut edit: impl FnMut(&mut Vec<(u32, u16)>)) {
        let ns = self.world.network.neighbors(person);
        for (k, &x) in ns.iter().enumerate() {
            if let Some(&ahead) = ns.get(k + 16) {
                prefetch(&self.member_acquaintances[ahead as usize]);
            }
            if let Some(&near) = ns.get(k + 8) {
                prefetch_first(&self.member_acquaintances[near as usize]);
            }
            edit(&mut self.member_acquaintances[x as usize]);
        }
    }

    /// Marks `person` a current member of `cohort` in the person sets.
    fn mark_member(&mut self, person: u32, cohort: u16) {
        self.current.insert(person);
        self.cohort_of[person as usize] = cohort;
        if self.strategies[cohort as usize].notices_needs > 0.0 {
            self.noticers.insert(person);
        }
    }

    /// `person` is no longer a member.
    fn withdraw(&mut self, person: u32) {
        self.member_of[person as usize] = NONE;
        self.current.remove(person);
        self.cohort_of[person as usize] = NO_COHORT;
        self.noticers.remove(person);
        self.around(person, |list| {
            if let Ok(at) = list.binary_search_by_key(&person, |&(m, _)| m) {
                list.remove(at);
            }
        });
    }

    /// Marks `person` as holding a book of ties: every person has a place
    /// for one, `books[person]`, empty until then.
    pub fn ensure_book(&mut self, person: u32) {
        self.holders.insert(person);
    }

    /// Seats a member in `groups_per_member` groups with free seats. Returns
    /// false (and leaves them away, to retry next week) if none has room.
    pub fn seat(&mut self, slot: u32, week: u32, rng: &mut Pcg64Mcg) -> bool {
        let m = &self.members[slot as usize];
        let wanted = self.strategies[m.cohort as usize].groups_per_member as usize;
        let profession = self.world.people.profession[m.person as usize];
        let closed = self.s.groups.closed();
        let seats = self.s.groups.seats as usize;
        while self.members[slot as usize].groups.len() < wanted {
            let mine = &self.members[slot as usize];
            let g = if closed {
                let eligible: Vec<u32> = self
                    .free_groups
                    .iter()
                    .copied()
                    .filter(|&g| {
                        !mine.groups.contains(&g)
                            && g != mine.last_group
                            && !self.groups[g as usize].seated.iter().any(|&o| {
                                self.world.people.profession
                                    [self.members[o as usize].person as usize]
                                    == profession
                            })
                    })
                    .collect();
                if eligible.is_empty() {
                    break;
                }
                eligible[rng.random_range(0..eligible.len())]
            } else {
                let excluded: Vec<u32> = mine
                    .groups
                    .iter()
                    .copied()
                    .chain(std::iter::once(mine.last_group))
                    .collect();
                match pick_free(&self.free_groups, &excluded, rng) {
                    Some(g) => g,
                    None => break,
                }
            };
            self.groups[g as usize].seated.push(slot);
            if self.groups[g as usize].seated.len() >= seats {
                if let Ok(i) = self.free_groups.binary_search(&g) {
                    self.free_groups.remove(i);
                }
            }
            self.members[slot as usize].groups.push(g);
        }
        let m = &mut self.members[slot as usize];
        if m.groups.is_empty() {
            m.away_until = week + 1;
            return false;
        }
        m.away_until = NONE;
        m.joined_week = week;
        m.meetings_in_group = 0;
        m.business_since_join = 0;
        true
    }

    /// Removes a member from all their groups.
    fn unseat(&mut self, slot: u32) {
        let groups = std::mem::take(&mut self.members[slot as usize].groups);
        for g in &groups {
            self.groups[*g as usize].seated.retain(|&s| s != slot);
            if let Err(i) = self.free_groups.binary_search(g) {
                self.free_groups.insert(i, *g);
            }
        }
        if let Some(&g) = groups.first() {
            self.members[slot as usize].last_group = g;
        }
    }

    /// The strategy of the member in `slot`.
    pub fn strategy_of(&self, slot: u32) -> &'a Strategy {
        self.strategies[self.members[slot as usize].cohort as usize]
    }

    /// Probability that `person` passes on a name: their strategy's if a
    /// member, else their trait.
    pub fn generosity(&self, person: u32) -> f64 {
        match self.strategy_of_person(person) {
            Some(st) => st.generosity,
            None => self.world.people.generosity[person as usize] as f64,
        }
    }

    /// The strategy of `person`'s current membership, if they are a member.
    pub fn strategy_of_person(&self, person: u32) -> Option<&'a Strategy> {
        if !self.current.contains(person) {
            return None;
        }
        match self.cohort_of[person as usize] {
            NO_COHORT => None,
            cohort => Some(self.strategies[cohort as usize]),
        }
    }

    /// Adds `x` to a member's flow for this week and to their totals.
    pub fn credit(&mut self, slot: u32, metric: Metric, x: f64) {
        let m = &mut self.members[slot as usize];
        m.totals.add(metric, x);
        if self.week >= self.final_year_start {
            m.final_year.add(metric, x);
        }
        self.flows[m.cohort as usize].add(metric, x);
    }

    /// Starts loading what crediting `person` updates, if they are a
    /// member (see [`Member::prefetch_credits`]).
    pub fn prefetch_credits(&self, person: u32) {
        if let Some(&slot) = self.member_of.get(person as usize).filter(|&&s| s != NONE) {
            self.members[slot as usize].prefetch_credits(self.week >= self.final_year_start);
        }
    }

    /// Credits a person if they are a member.
    pub fn credit_person(&mut self, person: u32, metric: Metric, x: f64) {
        let slot = self.member_of[person as usize];
        if slot != NONE {
            self.credit(slot, metric, x);
        }
    }

    /// Trust × recall of `owner` in `other`, through the acquaintance
    /// network or networking, whichever is higher.
    pub fn confidence(&self, owner: u32, other: u32, week: u32) -> f64 {
        let graph = self.graph_trust(owner, other);
        let net = self
            .networking_view(owner, other, week)
            .map_or(0.0, |(t, r, _)| t * r);
        graph.max(net)
    }

    /// Trust carried by an acquaintance-network tie (0 if none).
    ///
    /// `other` is looked for among `owner`'s acquaintances in `other`'s
    /// trade only: ids are grouped by trade, so that is where they would
    /// be, and the few lines of that run are all a search reads, where a
    /// search of the whole list would read five or six of its sixteen.
    pub fn graph_trust(&self, owner: u32, other: u32) -> f64 {
        let s = self.world.people.profession[other as usize];
        let (first, ns) = self.world.acquaintances_in(owner, s);
        match ns.binary_search(&other) {
            Ok(i) if self.world.network.is_close(owner, first + i) => {
                self.s.relationships.close_tie_trust
            }
            Ok(_) => self.s.relationships.acquaintance_trust,
            Err(_) => 0.0,
        }
    }

    /// One simulated week, except the metrics.
    fn week(&mut self, week: u32) {
        self.week = week;
        let attendees = self.attendance(week);
        self.meetings(&attendees, week);
        self.one_to_ones(week);
        self.needs(week);
        self.decisions(week);
        self.untrust(week);
    }

    /// Who attends which group's meeting this week, in slot order.
    fn attendance(&mut self, week: u32) -> Vec<Vec<u32>> {
        let cadence = self.s.groups.cadence_weeks();
        let meeting: Vec<u32> = (0..self.groups.len() as u32)
            .filter(|&g| week % cadence == self.groups[g as usize].offset)
            .collect();
        let mut lists = vec![Vec::new(); self.groups.len()];
        if meeting.is_empty() {
            return lists;
        }
        let open = !self.s.groups.closed();
        // Each member's draws come from their own stream, so members are
        // taken a chunk at a time in parallel; the lists are then filled in
        // slot order.
        const CHUNK: u32 = 1024;
        let slots = self.members.len() as u32;
        let this: &Self = self;
        let seen: Vec<Vec<(u32, u32)>> = (0..slots.div_ceil(CHUNK))
            .into_par_iter()
            .map(|chunk| {
                let mut seen = Vec::new();
                for slot in chunk * CHUNK..slots.min((chunk + 1) * CHUNK) {
                    // The member records are read in order, but each one's
                    // list of groups is elsewhere: request it a few members
                    // ahead.
                    if let Some(ahead) = this.members.get(slot as usize + 8) {
                        prefetch_first(&ahead.groups);
                    }
                    let m = &this.members[slot as usize];
                    if m.away_until != NONE {
                        continue;
                    }
                    let st = this.strategy_of(slot);
                    let mut rng = streams::stream(
                        this.seed,
                        Purpose::Attendance,
                        &[this.rep, week as u64, m.person as u64],
                    );
                    for &g in &m.groups {
                        if week % cadence != this.groups[g as usize].offset {
                            continue;
                        }
                        if rng.random::<f64>() >= st.attendance {
                            continue;
                        }
                        let mut at = g;
                        if open
                            && meeting.len() > 1
                            && rng.random::<f64>() < this.s.groups.visit_rate
                        {
                            let other = meeting[rng.random_range(0..meeting.len())];
                            if !m.groups.contains(&other) {
                                at = other;
                            }
                        }
                        seen.push((at, slot));
                    }
                }
                seen
            })
            .collect();
        for (at, slot) in seen.into_iter().flatten() {
            lists[at as usize].push(slot);
        }
        lists
    }

    /// Hours, fees and the patience count of one member at one meeting.
    pub fn attend_costs(&mut self, slot: u32, group: u32) {
        let g = &self.s.groups;
        let cost = g.fee_per_meeting + g.meeting_hours * self.s.economy.value_of_time;
        self.credit(slot, Metric::MeetingsAttended, 1.0);
        self.credit(slot, Metric::Hours, g.meeting_hours);
        self.credit(slot, Metric::Cost, cost);
        let m = &mut self.members[slot as usize];
        if m.groups.contains(&group) {
            m.meetings_in_group += 1;
        }
    }

    /// Members' follow-up meetings with people they like.
    ///
    /// Partners are chosen for every member in parallel, against the ties
    /// as they stand when the phase begins; the meetings then take place in
    /// slot order, each continuing its member's random stream. So a member
    /// with two one-to-ones this week chooses both partners before either
    /// meeting, and the result is the same for any number of threads.
    fn one_to_ones(&mut self, week: u32) {
        // Partners are chosen for a chunk of members at a time, each
        // member's choice a task interleaved with others' (a draw looks at
        // random ties of a book that is rarely in cache).
        const CHUNK: usize = 256;
        let this: &Self = self;
        let slots = self.members.len();
        let chunks: Vec<Vec<Option<Plan>>> = (0..slots.div_ceil(CHUNK))
            .into_par_iter()
            .map(|chunk| {
                let start = chunk * CHUNK;
                let len = CHUNK.min(slots - start);
                let tasks =
                    (start..start + len).map(|slot| this.plan_one_to_ones(slot as u32, week));
                interleave(tasks, this.in_flight)
            })
            .collect();
        let planned: Vec<Plan> = chunks.into_iter().flatten().flatten().collect();
        // Held in order, each pair's books requested from memory a few
        // pairs ahead (see `crate::prefetch`).
        let pairs: Vec<(usize, u32, u32)> = planned
            .iter()
            .enumerate()
            .flat_map(|(i, (person, partners, _))| partners.iter().map(move |&q| (i, *person, q)))
            .collect();
        let mut rngs: Vec<Pcg64Mcg> = planned.into_iter().map(|(_, _, rng)| rng).collect();
        for (k, &(i, person, partner)) in pairs.iter().enumerate() {
            if let Some(&(_, a, b)) = pairs.get(k + 8) {
                for p in [a, b] {
                    prefetch(&self.books[p as usize]);
                    prefetch(&self.member_of[p as usize]);
                    prefetch(&self.world.people.profession[p as usize]);
                    // Pitch intensity and generosity, and recall.
                    prefetch(&self.cohort_of[p as usize]);
                    prefetch(&self.world.people.memory_half_life[p as usize]);
                }
            }
            if let Some(&(_, a, b)) = pairs.get(k + 6) {
                for p in [a, b] {
                    self.prefetch_credits(p);
                }
            }
            if let Some(&(_, a, b)) = pairs.get(k + 4) {
                for (p, q) in [(a, b), (b, a)] {
                    if let Some(book) = self.book(p) {
                        book.prefetch_list(self.world.people.profession[q as usize]);
                    }
                }
            }
            if let Some(&(_, a, b)) = pairs.get(k + 2) {
                for (p, q) in [(a, b), (b, a)] {
                    if let Some(book) = self.book(p) {
                        book.prefetch_ties(self.world.people.profession[q as usize], 8);
                    }
                }
            }
            self.one_to_one(person, partner, week, &mut rngs[i]);
        }
    }

    /// The member in `slot`'s partners for this week's one-to-ones, with
    /// the stream to hold them with; `None` if their strategy holds none.
    async fn plan_one_to_ones(&self, slot: u32, week: u32) -> Option<Plan> {
        let per_week_factor = 12.0 / 52.0;
        let rate = self.strategy_of(slot).one_to_ones_per_month * per_week_factor;
        if rate <= 0.0 {
            return None;
        }
        let person = self.members[slot as usize].person;
        let mut rng = streams::stream(
            self.seed,
            Purpose::OneToOnes,
            &[self.rep, week as u64, person as u64],
        );
        let count = poisson(&mut rng, rate);
        if count > 0 {
            prefetch(&self.world.people.memory_half_life[person as usize]);
            if let Some(book) = self.book(person) {
                prefetch(book);
                pause().await;
                book.prefetch_index();
                pause().await;
            }
        }
        let mut candidates = None;
        let mut partners = Vec::new();
        for _ in 0..count {
            if let Some(p) = self
                .one_to_one_partner(person, &mut candidates, week, &mut rng)
                .await
            {
                partners.push(p);
            }
        }
        Some((person, partners, rng))
    }

    /// The current members `person` likes, weighted by like × recall, in
    /// id order.
    fn one_to_one_candidates(&self, person: u32, week: u32) -> Vec<(u32, f64)> {
        let Some(book) = self.book(person) else {
            return Vec::new();
        };
        let half_life = self.world.people.memory_half_life[person as usize];
        // The book lists ties in id order.
        let mut candidates = Vec::with_capacity(book.len());
        candidates.extend(
            book.iter()
                .filter(|&(o, t)| t.like > 0.0 && self.current.contains(o))
                .map(|(o, t)| (o, t.like as f64 * recall(t.idle(week), half_life))),
        );
        candidates
    }

    /// A partner for a one-to-one: one of the current members `person`
    /// likes, with probability proportional to like × recall, among those
    /// who do not dislike `person`.
    ///
    /// Drawn by rejection: a tie picked uniformly is accepted with
    /// probability equal to its weight (at most 1), and one who would
    /// decline is passed over, which gives exactly those probabilities
    /// while looking at a few ties instead of all of them — a networker of
    /// some years holds hundreds. Should `REJECTION_TRIES` picks all fail
    /// (few, faint candidates), the draw is made over the full list of
    /// candidates (`candidates`, built once and kept for further draws),
    /// with the same probabilities.
    async fn one_to_one_partner(
        &self,
        person: u32,
        candidates: &mut Option<Vec<(u32, f64)>>,
        week: u32,
        rng: &mut Pcg64Mcg,
    ) -> Option<u32> {
        const REJECTION_TRIES: usize = 64;
        let book = self.book(person)?;
        let starts = book.starts();
        let ties = starts[starts.len() - 1];
        if ties == 0 {
            return None;
        }
        let half_life = self.world.people.memory_half_life[person as usize];
        let declines = |o: u32| {
            self.networking_tie(o, person)
                .is_some_and(|back| back.like < 0.0)
        };
        if candidates.is_none() {
            for _ in 0..REJECTION_TRIES {
                let Some(entry) = book.nth_entry(&starts, rng.random_range(0..ties)) else {
                    break;
                };
                prefetch(entry);
                pause().await;
                let (o, t) = (entry.0, &entry.1);
                if t.like <= 0.0 || !self.current.contains(o) {
                    continue;
                }
                let weight = t.like as f64 * recall(t.idle(week), half_life);
                if rng.random::<f64>() < weight {
                    // Whether they decline is in their own book, which is
                    // brought in first.
                    self.load_ties(o, self.world.people.profession[person as usize])
                        .await;
                    if !declines(o) {
                        return Some(o);
                    }
                }
            }
        }
        let candidates = candidates.get_or_insert_with(|| self.one_to_one_candidates(person, week));
        // Draw by weight; someone who dislikes the asker declines and is
        // struck off before the next draw (the same as leaving them out,
        // without looking up every candidate's view of the asker).
        loop {
            let total: f64 = candidates.iter().map(|c| c.1).sum();
            if total <= 0.0 {
                return None;
            }
            let mut x = rng.random::<f64>() * total;
            let mut chosen = candidates.len() - 1;
            for (i, &(_, w)) in candidates.iter().enumerate() {
                x -= w;
                if x < 0.0 {
                    chosen = i;
                    break;
                }
            }
            let o = candidates[chosen].0;
            if !declines(o) {
                return Some(o);
            }
            candidates.remove(chosen);
        }
    }

    fn one_to_one(&mut self, a: u32, b: u32, week: u32, rng: &mut Pcg64Mcg) {
        let r = &self.s.relationships;
        let hours = r.one_to_one_hours;
        let spent = hours + r.one_to_one_travel_hours;
        for p in [a, b] {
            self.credit_person(p, Metric::OneToOnes, 1.0);
            self.credit_person(p, Metric::Hours, spent);
            self.credit_person(p, Metric::Cost, spent * self.s.economy.value_of_time);
        }
        self.exchange(a, b, week, hours, rng);
    }

    /// How hard `person` sells: their strategy's intensity if a member.
    pub fn pitch_intensity(&self, person: u32) -> f64 {
        self.strategy_of_person(person)
            .map_or(0.0, |st| st.pitch_intensity)
    }

    /// The patience rule, rejoining after a break, and churn.
    ///
    /// What each member does is decided for all of them in parallel, each
    /// from their own stream and their own record, which no other member's
    /// choice changes; the choices are then carried out in slot order, each
    /// continuing its member's stream.
    fn decisions(&mut self, week: u32) {
        let n = self.world.people.len() as u32;
        let weekly_churn: Vec<f64> = self
            .strategies
            .iter()
            .map(|st| 1.0 - (1.0 - st.churn_per_year).powf(1.0 / 52.0))
            .collect();
        let this: &Self = self;
        let choices: Vec<(u32, Choice)> = (0..self.members.len() as u32)
            .into_par_iter()
            .filter_map(|slot| {
                let m = &this.members[slot as usize];
                let mut rng = streams::stream(
                    this.seed,
                    Purpose::Decisions,
                    &[this.rep, week as u64, slot as u64],
                );
                let st = this.strategy_of(slot);
                if rng.random::<f64>() < weekly_churn[m.cohort as usize] {
                    return Some((slot, Choice::Churn(rng)));
                }
                if m.away_until != NONE {
                    return (week + 1 >= m.away_until).then_some((slot, Choice::Rejoin(rng)));
                }
                (st.patience_meetings > 0
                    && m.meetings_in_group as u64 >= st.patience_meetings
                    && m.business_since_join == 0)
                    .then_some((slot, Choice::Leave))
            })
            .collect();
        for (slot, choice) in choices {
            match choice {
                Choice::Churn(mut rng) => {
                    let person = self.members[slot as usize].person;
                    self.unseat(slot);
                    self.withdraw(person);
                    let newcomer = self.random_non_member(&mut rng, n);
                    let cohort = self.members[slot as usize].cohort;
                    self.enrol(newcomer, slot, cohort);
                    self.ensure_book(newcomer);
                    let m = &mut self.members[slot as usize];
                    m.person = newcomer;
                    m.last_group = NONE;
                    m.since = week + 1;
                    m.totals = Row::default();
                    m.final_year = Row::default();
                    self.seat(slot, week + 1, &mut rng);
                }
                Choice::Rejoin(mut rng) => {
                    self.seat(slot, week + 1, &mut rng);
                }
                Choice::Leave => {
                    let st = self.strategy_of(slot);
                    let left = self.members[slot as usize].groups.len() as f64;
                    self.unseat(slot);
                    self.credit(slot, Metric::GroupsLeft, left);
                    self.members[slot as usize].away_until =
                        week + 1 + st.rejoin_after_weeks as u32;
                }
            }
        }
    }

    /// Re-checks ties whose trust may have decayed below the threshold.
    fn untrust(&mut self, week: u32) {
        let due = std::mem::take(&mut self.calendar[week as usize]);
        for (k, &(owner, other)) in due.iter().enumerate() {
            // Each check is a look-up in a different book: request the
            // books, then their lists, a few checks ahead.
            if let Some(&(owner, other)) = due.get(k + 8) {
                prefetch(&self.books[owner as usize]);
                prefetch(&self.world.people.profession[other as usize]);
            }
            if let Some(&(owner, other)) = due.get(k + 4) {
                let s = self.world.people.profession[other as usize];
                self.books[owner as usize].prefetch_list(s);
            }
            if let Some(&(owner, other)) = due.get(k + 2) {
                let s = self.world.people.profession[other as usize];
                self.books[owner as usize].prefetch_ties(s, 2);
            }
            let book = &mut self.books[owner as usize];
            let profession = self.world.people.profession[other as usize];
            let Some(tie) = book.get_mut(other, profession) else {
                continue;
            };
            if !tie.trusted() {
                continue;
            }
            if self.rules.trust(tie, week) < self.rules.trusted_at {
                tie.set_trusted(false);
                book.trusted -= 1;
                if let Some(i) = book.trusted_ids.iter().position(|&o| o == other) {
                    book.trusted_ids.swap_remove(i);
                }
            } else if let Some(w) = self.rules.untrusted_from(tie) {
                // Contact since it was scheduled kept it trusted: check
                // again when the latest contact has worn off.
                if let Some(due) = self.calendar.get_mut(w.max(week + 1) as usize) {
                    due.push((owner, other));
                }
            }
        }
    }

    /// Divides the week's flows by cohort sizes and adds the stocks.
    fn close_week(&mut self, _week: u32) -> Vec<Row> {
        let k = self.s.cohorts.len();
        let mut counts = vec![0.0; k];
        let mut stocks = vec![[0.0; 3]; k];
        for m in &self.members {
            let c = m.cohort as usize;
            counts[c] += 1.0;
            if let Some(b) = self.book(m.person) {
                stocks[c][0] += b.known as f64;
                stocks[c][1] += b.trusted as f64;
                stocks[c][2] += b.friends as f64;
            }
        }
        let mut rows = std::mem::replace(&mut self.flows, vec![Row::default(); k]);
        for (c, row) in rows.iter_mut().enumerate() {
            let n = counts[c];
            if n > 0.0 {
                for x in row.0.iter_mut() {
                    *x /= n;
                }
                row.set(Metric::PeopleKnown, stocks[c][0] / n);
                row.set(Metric::TrustedTies, stocks[c][1] / n);
                row.set(Metric::Friends, stocks[c][2] / n);
            }
            row.set(Metric::Members, n);
        }
        rows
    }

    fn egos(&self, week: u32) -> Vec<Ego> {
        let names = self.s.cohort_names();
        let cohort_of = |p: u32| match self.member_of[p as usize] {
            NONE => "not a member".to_string(),
            slot => names[self.members[slot as usize].cohort as usize].clone(),
        };
        (0..names.len())
            .filter_map(|c| {
                let mut ranked: Vec<(u32, u32)> = self
                    .members
                    .iter()
                    .filter(|m| m.cohort as usize == c)
                    .map(|m| {
                        let trusted = self.books[m.person as usize].trusted;
                        (trusted, m.person)
                    })
                    .collect();
                ranked.sort_unstable();
                let &(trusted_ties, person) = ranked.get(ranked.len() / 2)?;
                let mut alters: Vec<Alter> = self.books[person as usize]
                    .iter()
                    .map(|(o, t)| Alter {
                        person: o,
                        cohort: cohort_of(o),
                        trust: self.rules.trust(t, week),
                    })
                    .filter(|a| a.trust >= 0.01)
                    .collect();
                alters.sort_by(|x, y| y.trust.total_cmp(&x.trust).then(x.person.cmp(&y.person)));
                alters.truncate(EGO_ALTERS);
                let mut links = Vec::new();
                for a in 0..alters.len() {
                    for b in a + 1..alters.len() {
                        let (pa, pb) = (alters[a].person, alters[b].person);
                        let t = |x: u32, y: u32| {
                            self.networking_view(x, y, week).map_or(0.0, |(t, _, _)| t)
                        };
                        let trust = t(pa, pb).max(t(pb, pa));
                        if trust >= 0.01 {
                            links.push(Link { a, b, trust });
                        }
                    }
                }
                Some(Ego {
                    cohort: names[c].clone(),
                    person,
                    trusted_ties,
                    alters,
                    links,
                })
            })
            .collect()
    }

    fn member_records(&self, weeks: u32) -> Vec<MemberRecord> {
        self.members
            .iter()
            .map(|m| {
                let mut totals = m.totals.clone();
                if let Some(b) = self.book(m.person) {
                    totals.set(Metric::PeopleKnown, b.known as f64);
                    totals.set(Metric::TrustedTies, b.trusted as f64);
                    totals.set(Metric::Friends, b.friends as f64);
                }
                totals.set(Metric::Members, 1.0);
                MemberRecord {
                    cohort: m.cohort,
                    person: m.person,
                    profession: self.world.people.profession[m.person as usize],
                    weeks_member: weeks.saturating_sub(m.since),
                    totals,
                    final_year: m.final_year.clone(),
                }
            })
            .collect()
    }
}

/// A set of people as one bit each.
#[derive(Clone, Debug)]
pub(crate) struct PersonSet(Vec<u64>);

impl PersonSet {
    pub fn new(people: usize) -> PersonSet {
        PersonSet(vec![0; people.div_ceil(64)])
    }

    pub fn insert(&mut self, person: u32) {
        self.0[person as usize / 64] |= 1 << (person % 64);
    }

    pub fn remove(&mut self, person: u32) {
        self.0[person as usize / 64] &= !(1 << (person % 64));
    }

    pub fn contains(&self, person: u32) -> bool {
        self.0[person as usize / 64] >> (person % 64) & 1 == 1
    }
}

/// A standard normal draw.
pub(crate) fn standard_normal(rng: &mut Pcg64Mcg) -> f64 {
    rand_distr::StandardNormal.sample(rng)
}

/// A Poisson draw; 0 for a rate of 0.
pub(crate) fn poisson(rng: &mut Pcg64Mcg, rate: f64) -> u64 {
    if rate <= 0.0 {
        return 0;
    }
    Poisson::new(rate).map_or(0, |d| d.sample(rng) as u64)
}

/// A group drawn uniformly from `free` (ascending) other than those in
/// `excluded`, or `None` if there is none — the same draw as listing the
/// eligible groups in order and picking one at random, but found by
/// skipping the few excluded positions rather than listing thousands of
/// groups for every member who changes group.
fn pick_free(free: &[u32], excluded: &[u32], rng: &mut Pcg64Mcg) -> Option<u32> {
    let mut skip: Vec<usize> = excluded
        .iter()
        .filter_map(|g| free.binary_search(g).ok())
        .collect();
    skip.sort_unstable();
    skip.dedup();
    let eligible = free.len() - skip.len();
    if eligible == 0 {
        return None;
    }
    let mut at = rng.random_range(0..eligible);
    for &p in &skip {
        if p <= at {
            at += 1;
        }
    }
    Some(free[at])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::relationships::Tie;
    use proptest::prelude::{any, prop_assert_eq, proptest};

    proptest! {
        #[test]
        fn picking_a_free_group_equals_picking_from_the_eligible_list(
            groups in proptest::collection::btree_set(0u32..60, 0..40),
            excluded in proptest::collection::vec(0u32..60, 0..4),
            seed in any::<u64>(),
        ) {
            let free: Vec<u32> = groups.into_iter().collect();
            let eligible: Vec<u32> =
                free.iter().copied().filter(|g| !excluded.contains(g)).collect();
            let mut a = streams::stream(seed, Purpose::Membership, &[]);
            let mut b = a.clone();
            let expected =
                (!eligible.is_empty()).then(|| eligible[a.random_range(0..eligible.len())]);
            prop_assert_eq!(pick_free(&free, &excluded, &mut b), expected);
        }
    }

    #[test]
    fn a_person_set_holds_exactly_who_was_put_in() {
        let mut set = PersonSet::new(130);
        for p in [0, 63, 64, 129] {
            set.insert(p);
        }
        set.remove(63);
        let held: Vec<u32> = (0..130).filter(|&p| set.contains(p)).collect();
        assert_eq!(held, [0, 64, 129]);
    }

    fn small_town(extra: &[&str]) -> Scenario {
        let mut sets = vec![
            "population.size=2000",
            "population.acquaintances=50",
            "population.close_ties=10",
            "groups.count=5",
            "cohorts.connecting.members=40",
            "cohorts.networking.members=40",
        ];
        sets.extend_from_slice(extra);
        let overrides: Vec<crate::scenario::Override> = sets
            .iter()
            .map(|s| crate::scenario::Override::parse(s).unwrap())
            .collect();
        Scenario::from_str("", "t.toml", "t", &overrides).unwrap()
    }

    #[test]
    fn one_to_one_partners_are_drawn_in_proportion_to_like_times_recall() {
        let s = small_town(&[]);
        let world = World::build(&s, World::seed(s.simulation.seed, 0));
        let mut run = Run::new(&s, &world, 0);
        let me = run.members[0].person;
        let others: Vec<u32> = run.members[1..5].iter().map(|m| m.person).collect();
        // Met this week (recall 1): weights are the likes; the last one is
        // disliked and never chosen. A tie to a non-member is never chosen.
        let likes = [0.8, 0.4, 0.2, -0.5];
        run.ensure_book(me);
        let h = me as usize;
        run.books[h] = Book::default();
        let outsider = (0..2000)
            .find(|&p| run.member_of[p as usize] == NONE)
            .unwrap();
        for (&o, like) in others.iter().zip(likes).chain([(&outsider, 0.9)]) {
            let profession = world.people.profession[o as usize];
            run.books[h].get_or_insert_with(o, profession, || Tie::new(0, like));
        }
        let mut rng = streams::stream(1, Purpose::OneToOnes, &[]);
        // Both ways of drawing: by rejection, and over the full list.
        for full_list in [false, true] {
            let mut counts = [0u32; 4];
            let draws = 20_000;
            for _ in 0..draws {
                let mut list = full_list.then(|| run.one_to_one_candidates(me, 0));
                let p =
                    crate::interleave::alone(run.one_to_one_partner(me, &mut list, 0, &mut rng))
                        .unwrap();
                counts[others.iter().position(|&o| o == p).unwrap()] += 1;
            }
            assert_eq!(counts[3], 0);
            for i in 0..3 {
                let p = f64::from(likes[i]) / 1.4;
                let sd = (draws as f64 * p * (1.0 - p)).sqrt();
                let off = (counts[i] as f64 - draws as f64 * p).abs();
                assert!(
                    off < 4.0 * sd,
                    "partner {i}: {counts:?} (full list {full_list})"
                );
            }
        }
    }

    #[test]
    fn graph_trust_agrees_with_a_search_of_all_acquaintances() {
        // Looking only among the owner's acquaintances in the other's
        // trade must find every tie a search of the whole list finds,
        // close or not, and no other.
        let s = small_town(&[]);
        let world = World::build(&s, World::seed(s.simulation.seed, 0));
        let run = Run::new(&s, &world, 0);
        let rel = &s.relationships;
        let mut found = [0; 3];
        for owner in (0..world.people.len() as u32).step_by(7) {
            let ns = world.network.neighbors(owner);
            // Every acquaintance, and as many people who are not.
            let others = ns.iter().copied().chain(
                (0..ns.len() as u32).map(|k| (owner + 1 + k * 13) % world.people.len() as u32),
            );
            for other in others {
                let expected = match ns.binary_search(&other) {
                    Ok(i) if world.network.is_close(owner, i) => rel.close_tie_trust,
                    Ok(_) => rel.acquaintance_trust,
                    Err(_) => 0.0,
                };
                assert_eq!(
                    run.graph_trust(owner, other),
                    expected,
                    "{owner} of {other}"
                );
                found[[0.0, rel.acquaintance_trust, rel.close_tie_trust]
                    .iter()
                    .position(|&t| t == expected)
                    .unwrap()] += 1;
            }
        }
        assert!(found.iter().all(|&n| n > 100), "{found:?}");
    }

    #[test]
    fn lists_of_member_acquaintances_follow_churn() {
        // Heavy churn, so that many members leave and join each week, some
        // leaving and rejoining in the same week.
        let s = small_town(&[
            "simulation.years=1",
            "strategies.connecting.churn_per_year=0.95",
            "strategies.networking.churn_per_year=0.95",
        ]);
        let world = World::build(&s, World::seed(s.simulation.seed, 0));
        let mut run = Run::new(&s, &world, 0);
        let mut newcomers = 0;
        for week in 0..s.weeks() {
            let before: Vec<u32> = run.members.iter().map(|m| m.person).collect();
            run.week(week);
            newcomers += run
                .members
                .iter()
                .zip(&before)
                .filter(|(m, &p)| m.person != p)
                .count();
            // The lists kept up to date by each join and leave, against
            // the lists worked out afresh.
            for x in 0..world.people.len() as u32 {
                assert_eq!(
                    run.member_acquaintances[x as usize],
                    run.current_member_acquaintances(x),
                    "week {week}, person {x}"
                );
            }
        }
        assert!(newcomers > 40, "members should come and go ({newcomers})");
    }

    #[test]
    fn trusted_flags_match_trust_at_the_end_of_every_week() {
        // Trust that fades in three weeks: ties lapse all the time, so the
        // calendar's checks (and their rescheduling) are exercised.
        let s = small_town(&[
            "simulation.years=2",
            "relationships.trust_half_life_weeks=3",
            "relationships.hours_to_trust=2",
        ]);
        let world = World::build(&s, World::seed(s.simulation.seed, 0));
        let mut run = Run::new(&s, &world, 0);
        let (mut lapsed, mut most) = (0, 0);
        for week in 0..s.weeks() {
            run.week(week);
            let mut trusted = 0;
            for book in &run.books {
                assert_eq!(book.trusted as usize, book.trusted_ids.len());
                for (other, tie) in book.iter() {
                    let trust = run.rules.trust(tie, week);
                    let at = run.rules.trusted_at;
                    if (trust - at).abs() > 1e-9 {
                        assert_eq!(tie.trusted(), trust >= at, "week {week}, tie to {other}");
                    }
                    trusted += usize::from(tie.trusted());
                }
            }
            if trusted < most {
                lapsed += 1;
            }
            most = most.max(trusted);
        }
        assert!(most > 0 && lapsed > 0, "ties should be trusted, then lapse");
    }
}
