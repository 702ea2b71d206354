//! Who is a member, of which cohort, and where they sit: the member
//! records and every index kept of them, in one type that keeps them
//! consistent.
//!
//! Besides the slot records, a run asks "is this person a member, of which
//! cohort, do they notice needs, which members are among their
//! acquaintances?" millions of times a week, mostly about people who are
//! not members. Each question has its own index — bit sets that stay in
//! cache for a million people, a cohort per person, a list per person —
//! and [`Membership::enrol`] and [`Membership::withdraw`] are the only
//! places that change them.

use rand::Rng;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;

use super::prefetch::{prefetch, prefetch_first};
use crate::model::members::{choose_group, Group, Member, NONE};
use crate::population::World;
use crate::scenario::Groups;

/// No cohort: the person is not a member now.
const NO_COHORT: u16 = u16::MAX;

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

/// Members, groups and their indexes.
pub(crate) struct Membership {
    /// Member slots, each held by one person at a time.
    pub members: Vec<Member>,
    pub groups: Vec<Group>,
    /// Groups with a free seat, ascending: where a member looking for a
    /// group may go, without scanning every group each time.
    free_groups: Vec<u32>,
    /// Person → member slot, or `NONE`.
    member_of: Vec<u32>,
    /// Person → cohort of their current membership, or `NO_COHORT`: two
    /// bytes a person instead of a look-up in `member_of` and then in the
    /// member's record.
    cohort_of: Vec<u16>,
    /// The current members, and those of them whose strategy notices
    /// needs, one bit per person (128 KiB each for a million people).
    current: PersonSet,
    noticers: PersonSet,
    /// Whether each cohort's strategy notices needs.
    cohort_notices: Vec<bool>,
    /// Whether each cohort's strategy joins groups at all; the members of a
    /// cohort that stays home hold their slots (their business is counted)
    /// but are like anyone else in town to everyone's rules.
    cohort_joins: Vec<bool>,
    /// Person → the current members among their acquaintances, ascending,
    /// with their cohorts: the people who might notice their needs, kept
    /// up to date as members come and go.
    member_acquaintances: Vec<Vec<(u32, u16)>>,
}

impl Membership {
    /// Nobody yet, among `people`, with `groups` groups meeting every
    /// `cadence` weeks, each with `seats` seats.
    pub fn new(
        people: usize,
        groups: u32,
        cadence: u32,
        seats: u64,
        (cohort_notices, cohort_joins): (Vec<bool>, Vec<bool>),
    ) -> Membership {
        Membership {
            members: Vec::new(),
            groups: (0..groups)
                .map(|g| Group {
                    seated: Vec::new(),
                    offset: g % cadence,
                })
                .collect(),
            free_groups: if seats > 0 {
                (0..groups).collect()
            } else {
                Vec::new()
            },
            member_of: vec![NONE; people],
            cohort_of: vec![NO_COHORT; people],
            current: PersonSet::new(people),
            noticers: PersonSet::new(people),
            cohort_notices,
            cohort_joins,
            member_acquaintances: Vec::new(),
        }
    }

    /// The slot `person` holds now, if any.
    pub fn slot_of(&self, person: u32) -> Option<u32> {
        match self.member_of[person as usize] {
            NONE => None,
            slot => Some(slot),
        }
    }

    /// The cohort of `person`'s current membership, if any.
    pub fn cohort_of(&self, person: u32) -> Option<u16> {
        if !self.current.contains(person) {
            return None;
        }
        match self.cohort_of[person as usize] {
            NO_COHORT => None,
            cohort => Some(cohort),
        }
    }

    /// Whether `person` is a member now.
    pub fn is_member(&self, person: u32) -> bool {
        self.current.contains(person)
    }

    /// Whether `person` is a member now whose strategy notices needs.
    pub fn notices(&self, person: u32) -> bool {
        self.noticers.contains(person)
    }

    /// The members among `person`'s acquaintances now, with their cohorts.
    pub fn member_acquaintances(&self, person: u32) -> &[(u32, u16)] {
        &self.member_acquaintances[person as usize]
    }

    /// Where a person's list of member acquaintances is kept, and where
    /// their cohort is: for the engine's requests from memory.
    pub(crate) fn places(&self, person: u32) -> (&Vec<(u32, u16)>, &u16, &u32) {
        let p = person as usize;
        (
            &self.member_acquaintances[p],
            &self.cohort_of[p],
            &self.member_of[p],
        )
    }

    /// Adds the first members, in slot order, without lists of member
    /// acquaintances; [`Membership::index_acquaintances`] then builds them
    /// all at once.
    pub fn recruit(&mut self, person: u32, cohort: u16) -> u32 {
        let slot = self.members.len() as u32;
        self.mark(person, slot, cohort);
        self.members.push(Member::new(person, cohort, 0));
        slot
    }

    /// Builds every person's list of member acquaintances from the
    /// network and the members, in parallel: the same lists as enrolling
    /// the members one by one would build.
    pub fn index_acquaintances(&mut self, world: &World) {
        let n = world.people.len() as u32;
        let this: &Self = self;
        self.member_acquaintances = (0..n)
            .into_par_iter()
            .map(|x| this.current_member_acquaintances(world, x))
            .collect();
    }

    /// The current members among `x`'s acquaintances, with their cohorts,
    /// in id order, worked out from the network and the members.
    pub fn current_member_acquaintances(&self, world: &World, x: u32) -> Vec<(u32, u16)> {
        world
            .network
            .neighbors(x)
            .iter()
            .filter(|&&m| self.current.contains(m))
            .map(|&m| (m, self.cohort_of[m as usize]))
            .collect()
    }

    /// A random person who is not a member now.
    pub fn random_non_member(&self, rng: &mut Pcg64Mcg, n: u32) -> u32 {
        // Members are a small share of the population (validated ≤ size),
        // so rejection needs few tries; the scan is the fallback for
        // crowded worlds.
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

    fn mark(&mut self, person: u32, slot: u32, cohort: u16) {
        self.member_of[person as usize] = slot;
        if !self.cohort_joins[cohort as usize] {
            return;
        }
        self.current.insert(person);
        self.cohort_of[person as usize] = cohort;
        if self.cohort_notices[cohort as usize] {
            self.noticers.insert(person);
        }
    }

    /// Makes `person` the member in `slot` in place of whoever held it, a
    /// newcomer as of `week`: their totals start afresh, and they have not
    /// left any group.
    pub fn enrol(&mut self, world: &World, person: u32, slot: u32, week: u32) {
        let cohort = self.members[slot as usize].cohort;
        self.mark(person, slot, cohort);
        if self.current.contains(person) {
            self.around(world, person, |list| {
                if let Err(at) = list.binary_search_by_key(&person, |&(m, _)| m) {
                    list.insert(at, (person, cohort));
                }
            });
        }
        let m = &mut self.members[slot as usize];
        m.person = person;
        m.last_group = NONE;
        m.since = week;
        m.totals = Default::default();
        m.final_year = Default::default();
    }

    /// `person` is no longer a member.
    pub fn withdraw(&mut self, world: &World, person: u32) {
        self.member_of[person as usize] = NONE;
        if !self.current.contains(person) {
            return;
        }
        self.current.remove(person);
        self.cohort_of[person as usize] = NO_COHORT;
        self.noticers.remove(person);
        self.around(world, person, |list| {
            if let Ok(at) = list.binary_search_by_key(&person, |&(m, _)| m) {
                list.remove(at);
            }
        });
    }

    /// Applies `edit` to the list of member acquaintances of each of
    /// `person`'s acquaintances, in id order. The lists are scattered over
    /// the whole population, so each is requested from memory a few
    /// acquaintances ahead: first where it is, then its contents.
    fn around(&mut self, world: &World, person: u32, mut edit: impl FnMut(&mut Vec<(u32, u16)>)) {
        let ns = world.network.neighbors(person);
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

    /// Seats the member in `slot` in up to `wanted` groups with free seats
    /// ([`choose_group`]) under the groups' `settings`, as of `week`. Returns false (and leaves them
    /// away, to retry next week) if none has room.
    pub fn seat(
        &mut self,
        world: &World,
        slot: u32,
        wanted: usize,
        settings: &Groups,
        week: u32,
        rng: &mut Pcg64Mcg,
    ) -> bool {
        let (closed, seats) = (settings.closed(), settings.seats as usize);
        let professions = &world.people.profession;
        let profession = professions[self.members[slot as usize].person as usize];
        while self.members[slot as usize].groups.len() < wanted {
            let taken = |g: u32| {
                self.groups[g as usize]
                    .seated
                    .iter()
                    .any(|&o| professions[self.members[o as usize].person as usize] == profession)
            };
            let Some(g) = choose_group(
                &self.free_groups,
                &self.members[slot as usize],
                closed,
                taken,
                rng,
            ) else {
                break;
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
        m.no_connection = false;
        true
    }

    /// Removes the member in `slot` from all their groups.
    pub fn unseat(&mut self, slot: u32) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
