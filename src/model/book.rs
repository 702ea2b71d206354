//! A person's book: the ties they have formed through networking.
//!
//! Ties are kept in one list per profession of the other person, each
//! sorted by the other's id. Finding a provider in a trade — the question
//! every need asks — is then a walk along one short contiguous list rather
//! than a hash look-up per tie; finding one tie is a binary search in a
//! list of a dozen or so; and, because people are numbered in profession
//! blocks, walking the lists in order visits ties in id order. A city-sized
//! run holds tens of millions of ties, and this layout has no per-tie
//! overhead beyond the list's spare capacity.

use super::relationships::Tie;

/// Ties a person has formed through networking, and counts kept current.
#[derive(Clone, Debug, Default)]
pub(crate) struct Book {
    /// `lists[s]`: ties to people of profession `s`, by their id.
    lists: Vec<Vec<(u32, Tie)>>,
    /// The people this person trusts now (flag `trusted` set).
    pub trusted_ids: Vec<u32>,
    pub known: u32,
    pub trusted: u32,
    pub friends: u32,
}

impl Book {
    /// The tie to `other`, of profession `s`.
    pub fn get(&self, other: u32, s: u16) -> Option<&Tie> {
        let list = self.in_profession(s);
        let i = list.binary_search_by_key(&other, |&(o, _)| o).ok()?;
        Some(&list[i].1)
    }

    /// The tie to `other`, of profession `s`, to change.
    pub fn get_mut(&mut self, other: u32, s: u16) -> Option<&mut Tie> {
        let list = self.lists.get_mut(s as usize)?;
        let i = list.binary_search_by_key(&other, |&(o, _)| o).ok()?;
        Some(&mut list[i].1)
    }

    /// The tie to `other`, of profession `s`, made by `new` if there is
    /// none yet.
    pub fn get_or_insert_with(
        &mut self,
        other: u32,
        s: u16,
        new: impl FnOnce() -> Tie,
    ) -> &mut Tie {
        if self.lists.len() <= s as usize {
            self.lists.resize_with(s as usize + 1, Vec::new);
        }
        let list = &mut self.lists[s as usize];
        let i = match list.binary_search_by_key(&other, |&(o, _)| o) {
            Ok(i) => i,
            Err(i) => {
                // Grow by half rather than double: a city-sized run holds
                // tens of millions of ties, and doubling would leave a
                // quarter of their memory unused on average.
                if list.len() == list.capacity() {
                    list.reserve_exact((list.len() / 2).max(4));
                }
                list.insert(i, (other, new()));
                i
            }
        };
        &mut list[i].1
    }

    /// Ties to people of profession `s`, by id.
    pub fn in_profession(&self, s: u16) -> &[(u32, Tie)] {
        self.lists.get(s as usize).map_or(&[], Vec::as_slice)
    }

    /// Every list, by profession: where the engine finds them in memory.
    pub fn lists(&self) -> &[Vec<(u32, Tie)>] {
        &self.lists
    }

    /// Ties the book has room for without growing.
    #[cfg(test)]
    pub fn capacity(&self) -> usize {
        self.lists.iter().map(Vec::capacity).sum()
    }

    /// Number of ties.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.lists.iter().map(Vec::len).sum()
    }

    /// Where each list starts in id order: the number of ties in the lists
    /// before it, and the whole book's count last. Worked out once, it
    /// finds the `k`-th tie by bisection ([`Book::nth_entry`]) rather than
    /// by a walk over every list's length, for a member drawing one-to-one
    /// partners from a book that does not change while they draw.
    pub fn starts(&self) -> Vec<usize> {
        let mut starts = Vec::with_capacity(self.lists.len() + 1);
        let mut at = 0;
        starts.push(at);
        for list in &self.lists {
            at += list.len();
            starts.push(at);
        }
        starts
    }

    /// The `k`-th tie in id order, if there are more than `k`, given the
    /// book's [`Book::starts`].
    pub fn nth_entry(&self, starts: &[usize], k: usize) -> Option<&(u32, Tie)> {
        // The last list starting at or before k; lists after an empty one
        // start where it does, so this is the one that holds k, if any.
        let i = starts.partition_point(|&start| start <= k).checked_sub(1)?;
        self.lists.get(i)?.get(k - starts[i])
    }

    /// Every tie, by the other's id.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Tie)> + '_ {
        self.lists.iter().flatten().map(|(o, t)| (*o, t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tie(week: u32) -> Tie {
        Tie::new(week, 0.1)
    }

    #[test]
    fn an_empty_book_takes_the_64_bytes_the_memory_estimate_counts() {
        // Every person has a place for a book; `crate::resources` counts
        // 64 bytes a person for it.
        assert_eq!(std::mem::size_of::<Book>(), 64);
    }

    #[test]
    fn a_book_finds_each_tie_and_lists_them_in_id_order() {
        let mut book = Book::default();
        // (other, profession): people are numbered in profession blocks.
        let ties = [(42, 2), (7, 0), (30, 1), (5, 0), (44, 2), (31, 1)];
        for (week, &(other, s)) in ties.iter().enumerate() {
            book.get_or_insert_with(other, s, || tie(week as u32));
        }
        // Inserting again keeps the tie already there.
        book.get_or_insert_with(42, 2, || tie(99));
        assert_eq!(book.get(42, 2).map(Tie::first_met), Some(0));
        assert_eq!(book.get(42, 1), None, "wrong profession");
        assert_eq!(book.get(43, 2), None);
        let ids: Vec<u32> = book.iter().map(|(o, _)| o).collect();
        assert_eq!(ids, [5, 7, 30, 31, 42, 44]);
        let accountants: Vec<u32> = book.in_profession(0).iter().map(|&(o, _)| o).collect();
        assert_eq!(accountants, [5, 7]);
        assert!(book.in_profession(9).is_empty());
        book.get_mut(30, 1).unwrap().like = -0.5;
        assert_eq!(book.get(30, 1).unwrap().like, -0.5);
        assert_eq!(book.len(), 6);
        let starts = book.starts();
        let nth: Vec<u32> = (0..6)
            .filter_map(|k| book.nth_entry(&starts, k).map(|&(o, _)| o))
            .collect();
        assert_eq!(nth, ids, "the k-th tie is the k-th in id order");
        assert!(book.nth_entry(&starts, 6).is_none());
    }

    #[test]
    fn a_long_list_grows_by_half_not_double() {
        let mut book = Book::default();
        for other in 0..1000 {
            book.get_or_insert_with(other, 0, || tie(0));
        }
        assert_eq!(book.len(), 1000);
        assert!(book.capacity() < 1000 * 3 / 2 + 4, "{}", book.capacity());
    }
}
