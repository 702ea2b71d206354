//! Working on several independent tasks at once, so that their waits for
//! memory overlap.
//!
//! Deciding a need at city scale is a chain of dependent reads — the
//! buyer's book, then its list of ties in the trade, then a contact, then
//! the contact's acquaintances in the trade — and each link is a cache miss
//! whose address is known only once the previous one has arrived. One need
//! at a time, the processor waits for each link in turn. Prefetching a few
//! needs ahead helps with the first links only.
//!
//! Here each task is an `async` block that announces the data it will read
//! next ([`super::prefetch`]) and then [`pause`]s; [`interleave`] keeps a
//! handful of tasks in flight on one thread and steps them in turn, so
//! while one task's line is on its way, the others work. This is the
//! "interleaving with coroutines" of Psaropoulos et al. (VLDB 2017), done
//! with Rust's own `async` state machines and no runtime: nothing here
//! sleeps, spawns or wakes; a pause is just a return to the loop.
//!
//! The tasks must not depend on each other: each reads shared state and
//! writes only its own result. Results come back in task order, and as a
//! task's steps run in its own order, results are the same as running the
//! tasks one after another, for any width.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// How many tasks to keep in flight on one thread: enough that the others'
/// steps cover one task's wait for memory, few enough that what they have
/// requested stays in the first-level cache. The speed is flat over a wide
/// range of widths (`docs/performance.md`).
pub const IN_FLIGHT: usize = 16;

/// A point where a task lets the others run while its memory loads.
#[must_use = "a pause does nothing unless awaited"]
pub struct Pause {
    paused: bool,
}

/// Returns a future that yields to the other tasks once.
pub fn pause() -> Pause {
    Pause { paused: false }
}

impl Future for Pause {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.paused {
            Poll::Ready(())
        } else {
            // No waker is needed: `interleave` polls every task in turn.
            self.paused = true;
            Poll::Pending
        }
    }
}

/// Runs `tasks`, up to `width` of them at once on this thread, and returns
/// their results in the order of `tasks`.
///
/// A task is polled until it finishes, one step (up to its next
/// [`pause`]) per turn; a finished task's place goes to the next one not
/// yet started, which is only then taken from `tasks`.
pub fn interleave<T, Fut>(tasks: impl IntoIterator<Item = Fut>, width: usize) -> Vec<T>
where
    Fut: Future<Output = T>,
{
    let mut tasks = tasks.into_iter().enumerate();
    let mut results: Vec<Option<T>> = Vec::new();
    let mut cx = Context::from_waker(Waker::noop());
    // One pinned place per task in flight, reused as tasks finish.
    let mut places: Vec<(usize, Pin<Box<Option<Fut>>>)> = tasks
        .by_ref()
        .take(width.max(1))
        .map(|(i, task)| (i, Box::pin(Some(task))))
        .collect();
    while !places.is_empty() {
        let mut k = 0;
        while k < places.len() {
            let (index, place) = &mut places[k];
            let Some(running) = place.as_mut().as_pin_mut() else {
                unreachable!("a place in flight always holds a task");
            };
            if let Poll::Ready(result) = running.poll(&mut cx) {
                if results.len() <= *index {
                    results.resize_with(*index + 1, || None);
                }
                results[*index] = Some(result);
                if let Some((i, task)) = tasks.next() {
                    *index = i;
                    place.set(Some(task));
                } else {
                    places.swap_remove(k);
                    continue;
                }
            }
            k += 1;
        }
    }
    results
        .into_iter()
        .map(|r| r.expect("every task ran to the end"))
        .collect()
}

/// Runs one task alone to its end (its pauses return at once).
#[cfg(test)]
pub fn alone<T>(task: impl Future<Output = T>) -> T {
    let mut task = std::pin::pin!(task);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(result) = task.as_mut().poll(&mut cx) {
            return result;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// A task that records each of its steps in a shared log.
    async fn steps(id: usize, pauses: usize, log: &RefCell<Vec<(usize, usize)>>) -> usize {
        for step in 0..pauses {
            log.borrow_mut().push((id, step));
            pause().await;
        }
        log.borrow_mut().push((id, pauses));
        id * 10 + pauses
    }

    #[test]
    fn results_come_back_in_task_order_whatever_the_width() {
        let pauses = |i: usize| (i * 7) % 5;
        let expected: Vec<usize> = (0..23).map(|i| i * 10 + pauses(i)).collect();
        for width in [1, 2, 3, 8, 23, 100] {
            let log = RefCell::new(Vec::new());
            let got = interleave((0..23).map(|i| steps(i, pauses(i), &log)), width);
            assert_eq!(got, expected, "width {width}");
            // Every step of every task ran exactly once, each task's in order.
            let log = log.into_inner();
            assert_eq!(log.len(), (0..23).map(|i| pauses(i) + 1).sum::<usize>());
            for i in 0..23 {
                let own: Vec<usize> = log.iter().filter(|e| e.0 == i).map(|e| e.1).collect();
                assert_eq!(own, (0..=pauses(i)).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn tasks_take_turns_while_they_pause() {
        let log = RefCell::new(Vec::new());
        interleave((0..2).map(|i| steps(i, 2, &log)), 2);
        assert_eq!(
            log.into_inner(),
            vec![(0, 0), (1, 0), (0, 1), (1, 1), (0, 2), (1, 2)]
        );
    }

    #[test]
    fn a_task_alone_runs_through_its_pauses() {
        let log = RefCell::new(Vec::new());
        assert_eq!(alone(steps(4, 3, &log)), 43);
        assert_eq!(log.into_inner(), vec![(4, 0), (4, 1), (4, 2), (4, 3)]);
    }

    #[test]
    fn nothing_to_do_is_nothing_done() {
        let got: Vec<u8> = interleave((0..0).map(|_| async { 1 }), 4);
        assert!(got.is_empty());
    }
}
