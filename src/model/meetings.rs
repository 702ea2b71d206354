//! Networking groups' meetings.
//!
//! A meeting has two parts:
//! - **round the room**: every attendee gives a short pitch, which every
//!   other attendee hears — they get to know the pitcher a little
//!   (`groups.pitch_seconds` of contact, which builds know but not liking
//!   or trust: listening is not time spent together), and liking takes a
//!   dent of `pitch_penalty × pitch_intensity × room_pitch_weight`;
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
//! A member whose rooms are targeted also meets, at each meeting of their
//! own group, guests from their market and introducers of their trade
//! ([`welcome_guests`]); the meeting costs them no more.
//!
//! Every attendee pays for the meeting in hours and fees, and a meeting in
//! one of their own groups counts towards the patience rule
//! ([`attend_costs`]). Open and closed formats differ in who sits where
//! (closed: one seat per profession), in fees, and in visiting (open:
//! members sometimes attend another group's meeting); the meeting itself is
//! the same.

use rand::Rng;
use rand_pcg::Pcg64Mcg;

use super::book::Book;
use super::contact::{Exposure, Ties};
use super::markets::Markets;
use super::stochastic_round;
use super::town::{pitch_intensity, Ledger};
use crate::metrics::Metric;
use crate::scenario::PartnerChoice;

/// One attendee's view of another: (hours together, liking), if they have
/// a tie.
type View = Option<(f64, f64)>;

/// Holds a meeting of `people` (the attendees in slot order; someone in two
/// seats of the group appears twice): round the room, then chats. A lone
/// attendee has nobody to meet.
pub(crate) fn hold(room: &mut impl Ties, people: &[u32], week: u32, rng: &mut Pcg64Mcg) {
    if people.len() < 2 {
        return;
    }
    let views = round_the_room(room, people, week, rng);
    conversations(room, people, views, week, rng);
}

/// The guests of a member whose rooms are targeted (see
/// [`super::markets`]): each hears the member pitch, as round the room,
/// and the member hears each of them — the same brief contact that makes
/// the member known, not trusted.
pub(crate) fn welcome_guests(
    room: &mut impl Ties,
    member: u32,
    guests: &[u32],
    week: u32,
    rng: &mut Pcg64Mcg,
) {
    let hours = room.scenario().groups.pitch_seconds / 3600.0;
    let weight = room.rules().room_pitch_weight;
    let intensity = pitch_intensity(&*room, member);
    for &guest in guests {
        let listening = (hours, Exposure::Listening);
        room.contact(guest, member, week, listening, (intensity, weight), rng);
        let theirs = pitch_intensity(&*room, guest);
        room.contact(member, guest, week, listening, (theirs, weight), rng);
    }
}

/// Whether a meeting of `people` holds a connection for `member`, of
/// `trade`: another attendee in the trade's market or an introducer of it.
/// A member who moves on by judgement leaves a room without one.
pub(crate) fn connection(markets: &Markets, member: u32, trade: u16, people: &[u32]) -> bool {
    people
        .iter()
        .any(|&o| o != member && markets.connects(o, trade))
}

/// What attending costs the member in `slot`: the meeting's hours and fee,
/// and, at a meeting of one of their own groups (not a visit), one more
/// meeting towards their patience.
pub(crate) fn attend_costs(ledger: &mut impl Ledger, slot: u32, group: u32) {
    let s = ledger.scenario();
    let g = &s.groups;
    let hours = g.meeting_hours;
    let cost = g.fee_per_meeting + g.meeting_hours * s.economy.value_of_time;
    ledger.credit(slot, Metric::MeetingsAttended, 1.0);
    ledger.credit(slot, Metric::Hours, hours);
    ledger.credit(slot, Metric::Cost, cost);
    let m = ledger.member_mut(slot);
    if m.groups.contains(&group) {
        m.meetings_in_group += 1;
    }
}

/// Every attendee pitches to every other. Returns what each then thinks of
/// each other (`views[i * n + j]`: attendee `i` of attendee `j`), which is
/// what the last contact between them left.
fn round_the_room(
    room: &mut impl Ties,
    people: &[u32],
    week: u32,
    rng: &mut Pcg64Mcg,
) -> Vec<View> {
    let hours = room.scenario().groups.pitch_seconds / 3600.0;
    let weight = room.rules().room_pitch_weight;
    let n = people.len();
    let mut views = vec![None; n * n];
    for (j, &pitcher) in people.iter().enumerate() {
        let intensity = pitch_intensity(&*room, pitcher);
        for (i, &listener) in people.iter().enumerate() {
            if listener == pitcher {
                continue;
            }
            let view = room.contact(
                listener,
                pitcher,
                week,
                (hours, Exposure::Listening),
                (intensity, weight),
                rng,
            );
            views[i * n + j] = Some(view);
        }
    }
    let mut distinct = people.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < n {
        // Someone attends twice (in two of their seats), so a pair met
        // more than once and an early view above may be out of date: look
        // them all up again.
        views.clear();
        for &owner in people {
            let book = room.book(owner);
            views.extend(people.iter().map(|&other| view_in(&*room, book, other)));
        }
    }
    views
}

/// One-to-one chats, partners chosen on `views` (see [`round_the_room`]).
fn conversations(
    room: &mut impl Ties,
    people: &[u32],
    mut views: Vec<View>,
    week: u32,
    rng: &mut Pcg64Mcg,
) {
    let n = people.len();
    let per_person = room.scenario().groups.conversations as f64;
    let hours = room.scenario().groups.conversation_hours;
    if per_person <= 0.0 || hours <= 0.0 {
        return;
    }
    let mut slots: Vec<u32> = people
        .iter()
        .map(|&p| {
            let want = per_person * room.world().people.sociability[p as usize] as f64;
            stochastic_round(want, rng).min(n as u32 - 1)
        })
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    // Pairs already chatted this meeting, as a flat n × n bitmap.
    let mut chatted = vec![false; n * n];
    // `views` is refreshed after each chat (which changes only the two
    // views of the pair) rather than looked up twice per candidate per
    // choice.
    let rounds = slots.iter().copied().max().unwrap_or(0);
    for _ in 0..rounds {
        for &i in &order {
            if slots[i] == 0 {
                continue;
            }
            let Some(j) = choose_partner(&*room, i, people, &slots, &chatted, &views, rng) else {
                slots[i] = 0;
                continue;
            };
            slots[i] -= 1;
            slots[j] -= 1;
            chatted[i * n + j] = true;
            chatted[j * n + i] = true;
            for p in [people[i], people[j]] {
                room.credit_person(p, Metric::Conversations, 1.0);
            }
            let (a, b) = (people[i], people[j]);
            room.exchange(a, b, week, hours, rng);
            // Refresh every view between the two (an attendee listed
            // twice appears at two indices).
            let pair: Vec<usize> = (0..n)
                .filter(|&k| people[k] == a || people[k] == b)
                .collect();
            for &x in &pair {
                for &y in &pair {
                    views[x * n + y] = view_in(&*room, room.book(people[x]), people[y]);
                }
            }
        }
    }
}

/// The view of `other` held in `book`.
fn view_in(room: &impl Ties, book: Option<&Book>, other: u32) -> View {
    let profession = room.world().people.profession[other as usize];
    book?
        .get(other, profession)
        .map(|t| (t.hours as f64, t.like as f64))
}

/// The attendee `i` talks to next, by `i`'s strategy.
fn choose_partner(
    room: &impl Ties,
    i: usize,
    people: &[u32],
    slots: &[u32],
    chatted: &[bool],
    views: &[View],
    rng: &mut Pcg64Mcg,
) -> Option<usize> {
    let n = people.len();
    let choice = room
        .strategy_of(people[i])
        .map_or(PartnerChoice::Mixed, |st| st.partner_choice);
    let prefer_liked = match choice {
        PartnerChoice::Liked => true,
        PartnerChoice::Strangers => false,
        PartnerChoice::Mixed => rng.random::<bool>(),
    };
    let acquainted_hours = room.scenario().groups.pitch_seconds / 1800.0;
    let mut best: Option<(usize, f64)> = None;
    for j in 0..n {
        if j == i || slots[j] == 0 || chatted[i * n + j] {
            continue;
        }
        let (mine, theirs) = (views[i * n + j], views[j * n + i]);
        if mine.is_some_and(|(_, like)| like < 0.0) || theirs.is_some_and(|(_, like)| like < 0.0) {
            continue;
        }
        let (hours, like) = mine.unwrap_or((0.0, 0.0));
        // A small random jitter breaks ties without favouring low ids.
        let jitter = rng.random::<f64>() * 1e-6;
        let score = if prefer_liked && hours > acquainted_hours {
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
