//! What a run hands back: weekly rows per cohort, every member's totals,
//! the ego networks of typical members, and how needs were met.

use crate::metrics::{Metric, Row};
use crate::model::contact::networking_view;
use crate::model::needs::NeedTally;

use super::Run;

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

impl Run<'_> {
    /// The run's result, given its weekly rows.
    pub(super) fn finish(self, rows: Vec<Vec<Row>>) -> RunResult {
        let weeks = self.s.weeks();
        RunResult {
            rows,
            egos: self.egos(weeks),
            members: self.member_records(weeks),
            needs: self.tally,
            person_weeks: self.s.population.size * weeks as u64,
        }
    }

    fn egos(&self, week: u32) -> Vec<Ego> {
        let names = self.s.cohort_names();
        let members = &self.membership.members;
        let cohort_of = |p: u32| match self.membership.slot_of(p) {
            None => "not a member".to_string(),
            Some(slot) => names[members[slot as usize].cohort as usize].clone(),
        };
        (0..names.len())
            .filter_map(|c| {
                let mut ranked: Vec<(u32, u32)> = members
                    .iter()
                    .filter(|m| m.cohort as usize == c)
                    .map(|m| (self.books[m.person as usize].trusted, m.person))
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
                        let t =
                            |x: u32, y: u32| networking_view(self, x, y, week).map_or(0.0, |v| v.0);
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
        self.membership
            .members
            .iter()
            .map(|m| {
                let mut totals = m.totals.clone();
                if self.holders.contains(m.person) {
                    let b = &self.books[m.person as usize];
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
