//! Networking groups and what happens at their meetings.
//!
//! A meeting has two parts (MODEL.md, "A week"):
//! - **round the room**: every attendee gives a short pitch, which every
//!   other attendee hears — a little contact (`groups.pitch_seconds`), and a
//!   dent in liking of `pitch_penalty × pitch_intensity × room_pitch_weight`;
//! - **one-to-one chats**: each attendee has about `groups.conversations`
//!   chats (scaled by their sociability) of `conversation_hours`, in which
//!   each side hears the other pitch at their strategy's intensity.
//!
//! Partners are chosen by the initiator's strategy: `strangers` seeks the
//! people they have spent least time with, `liked` the people they like
//! most (strangers only when no one known is free), `mixed` tosses a coin
//! between the two each time. Nobody chats with someone who dislikes them or
//! whom they dislike (`like < 0`): a pushy pitcher runs out of willing
//! partners — "you'll not be welcome".
//!
//! Open and closed formats differ in who sits where (closed: one seat per
//! profession), in fees, and in visiting (open: members sometimes attend
//! another group's meeting, see `groups.visit_rate`); the meeting itself is
//! the same.

use rand::Rng;
use rand_pcg::Pcg64Mcg;

use crate::metrics::Metric;
use crate::simulation::Run;

impl Run<'_> {
    /// Holds group `group`'s meeting this week with `attendees` (member
    /// slots, at least two).
    pub(crate) fn hold_meeting(
        &mut self,
        group: u32,
        attendees: &[u32],
        week: u32,
        rng: &mut Pcg64Mcg,
    ) {
        let people: Vec<u32> = attendees
            .iter()
            .map(|&s| self.members[s as usize].person)
            .collect();
        for &slot in attendees {
            self.attend_costs(slot, group, week);
        }
        self.round_the_room(&people, week, rng);
        self.conversations(&people, week, rng);
    }

    fn round_the_room(&mut self, people: &[u32], week: u32, rng: &mut Pcg64Mcg) {
        let hours = self.s.groups.pitch_seconds / 3600.0;
        let weight = self.rules.room_pitch_weight;
        for &pitcher in people {
            let intensity = self.pitch_intensity(pitcher);
            for &listener in people {
                if listener == pitcher {
                    continue;
                }
                self.contact(listener, pitcher, week, hours, rng);
                let rules = self.rules;
                let tie = self.tie_mut(listener, pitcher, week, rng);
                rules.hear_pitch(tie, week, intensity, weight);
            }
        }
    }

    fn conversations(&mut self, people: &[u32], week: u32, rng: &mut Pcg64Mcg) {
        let n = people.len();
        let per_person = self.s.groups.conversations as f64;
        let hours = self.s.groups.conversation_hours;
        if per_person <= 0.0 || hours <= 0.0 {
            return;
        }
        let mut slots: Vec<u32> = people
            .iter()
            .map(|&p| {
                let want = per_person * self.world.people.sociability[p as usize] as f64;
                stochastic_round(want, rng).min(n as u32 - 1)
            })
            .collect();
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        // Pairs already chatted this meeting, as a flat n × n bitmap.
        let mut chatted = vec![false; n * n];
        let rounds = slots.iter().copied().max().unwrap_or(0);
        for _ in 0..rounds {
            for &i in &order {
                if slots[i] == 0 {
                    continue;
                }
                let Some(j) = self.choose_partner(i, people, &slots, &chatted, week, rng) else {
                    slots[i] = 0;
                    continue;
                };
                slots[i] -= 1;
                slots[j] -= 1;
                chatted[i * n + j] = true;
                chatted[j * n + i] = true;
                for p in [people[i], people[j]] {
                    self.credit_person(p, Metric::Conversations, 1.0);
                }
                self.exchange(people[i], people[j], week, hours, rng);
            }
        }
    }

    /// The attendee `i` talks to next, by `i`'s strategy.
    fn choose_partner(
        &self,
        i: usize,
        people: &[u32],
        slots: &[u32],
        chatted: &[bool],
        week: u32,
        rng: &mut Pcg64Mcg,
    ) -> Option<usize> {
        let n = people.len();
        let me = people[i];
        let choice = match self.member_of[me as usize] {
            crate::simulation::NONE => "mixed",
            slot => self.strategy_of(slot).partner_choice.as_str(),
        };
        let prefer_liked = match choice {
            "liked" => true,
            "strangers" => false,
            _ => rng.random::<bool>(),
        };
        let mut best: Option<(usize, f64)> = None;
        for j in 0..n {
            if j == i || slots[j] == 0 || chatted[i * n + j] {
                continue;
            }
            let mine = self.networking_view(me, people[j], week);
            let theirs = self.networking_view(people[j], me, week);
            if mine.is_some_and(|(_, _, t)| t.like < 0.0)
                || theirs.is_some_and(|(_, _, t)| t.like < 0.0)
            {
                continue;
            }
            let hours = mine.map_or(0.0, |(_, _, t)| t.hours as f64);
            let like = mine.map_or(0.0, |(_, _, t)| t.like as f64);
            // A small random jitter breaks ties without favouring low ids.
            let jitter = rng.random::<f64>() * 1e-6;
            let score = if prefer_liked && hours > self.s.groups.pitch_seconds / 1800.0 {
                2.0 + like + jitter
            } else if prefer_liked {
                1.0 - hours + jitter
            } else {
                -hours + jitter
            };
            if best.is_none_or(|(_, b)| score > b) {
                best = Some((j, score));
            }
        }
        best.map(|(j, _)| j)
    }
}

/// Rounds `x` up with probability equal to its fractional part, so the mean
/// is kept.
pub(crate) fn stochastic_round(x: f64, rng: &mut Pcg64Mcg) -> u32 {
    let floor = x.floor();
    let up = rng.random::<f64>() < x - floor;
    floor as u32 + u32::from(up)
}
