//! Hints that ask the processor to start loading memory a later step will
//! read.
//!
//! At city scale a need touches a dozen scattered places — the buyer's
//! suppliers, their row of the trade index, their slice of a gigabyte of
//! neighbour ids — and almost every one misses the caches. Deciding needs
//! one after another would wait for each miss in turn; announcing the
//! addresses of the needs a few places ahead lets those loads overlap with
//! the work on the current one. A hint changes no value and cannot fault,
//! so it never changes a result; on processors without the instruction it
//! does nothing.

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
