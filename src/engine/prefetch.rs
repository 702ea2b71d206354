//! Hints that ask the processor to start loading memory a later step will
//! read.
//!
//! At city scale a need touches a dozen scattered places — the buyer's
//! suppliers, their row of the trade index, their slice of a gigabyte of
//! neighbour ids — and almost every one misses the caches. Deciding needs
//! one after another would wait for each miss in turn; announcing the
//! addresses a few steps ahead lets those loads overlap with other work. A
//! hint changes no value and cannot fault, so it never changes a result;
//! on processors without the instruction it does nothing.
//!
//! Besides the instruction itself, this module knows where the world's
//! indexes and a book keep what a step reads first, so the rest of the
//! engine asks for "a person's row of the trade index" rather than for
//! addresses.

use crate::model::book::Book;
use crate::model::relationships::Tie;
use crate::population::World;

/// Asks for the cache line holding `item` to be loaded.
#[inline(always)]
pub fn prefetch<T>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint. It reads nothing into the program,
    // cannot fault, and `item` is a valid reference besides; the `sse`
    // feature it needs is part of every x86-64 processor.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((item as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}

/// Asks for the first cache line of `items` to be loaded, if there is one.
#[inline(always)]
pub fn prefetch_first<T>(items: &[T]) {
    if let Some(first) = items.first() {
        prefetch(first);
    }
}

/// Loads where every list of `book` is kept: what a walk through the whole
/// book, or to its `k`-th tie, reads first.
pub fn index(book: &Book) {
    let lists = book.lists();
    let per_line = (64 / std::mem::size_of::<Vec<(u32, Tie)>>()).max(1);
    for list in lists.iter().step_by(per_line) {
        prefetch(list);
    }
}

/// Loads where `book`'s list of ties in profession `s` is kept.
pub fn list(book: &Book, s: u16) {
    if let Some(list) = book.lists().get(s as usize) {
        prefetch(list);
    }
}

/// Loads up to `lines` cache lines of `book`'s ties in profession `s`, once
/// [`list`]'s line has arrived.
pub fn ties(book: &Book, s: u16, lines: usize) {
    let ties = book.in_profession(s);
    let per_line = (64 / std::mem::size_of::<(u32, Tie)>()).max(1);
    for tie in ties.iter().step_by(per_line).take(lines) {
        prefetch(tie);
    }
}

/// Loads what finding `person`'s acquaintances in trade `s` reads first:
/// where their ties start and their row of the trade index.
pub fn row(world: &World, person: u32, s: u16) {
    if let Some(o) = world.network.row_entry(person) {
        prefetch(o);
    }
    if let Some(r) = world.trade_index_entry(person, s) {
        prefetch(r);
    }
}

/// Loads what [`row`] does for every trade at once, for when the trade is
/// not known yet: the row's first and last entries, so both its lines when
/// it straddles two.
pub fn whole_row(world: &World, person: u32) {
    row(world, person, 0);
    row(world, person, world.professions() as u16);
}

/// Loads `person`'s acquaintances of profession `s` and their close flags,
/// once [`row`]'s lines have arrived.
pub fn acquaintances_in(world: &World, person: u32, s: u16) {
    let (first, _) = world.acquaintances_in(person, s);
    let (id, flags) = world.network.tie_entries(person, first);
    if let Some(id) = id {
        prefetch(id);
    }
    if let Some(word) = flags {
        prefetch(word);
    }
}

/// Loads where `person`'s close ties are listed.
pub fn close_start(world: &World, person: u32) {
    if let Some(c) = world.close_start_entry(person) {
        prefetch(c);
    }
}

/// Loads `person`'s close ties, once [`close_start`]'s line has arrived.
pub fn close_ties(world: &World, person: u32) {
    prefetch_first(world.close_ties(person));
}
