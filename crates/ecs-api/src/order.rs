//! Sorting without a copy of the standard library's sort per list: in the browser's wasm each
//! `sort_by` with its own element type and closure is a copy of that sort (about 4 KB), so the
//! lists of the first page sort through [`sorted_by`], whose sort works on positions with a
//! comparator behind a reference: one copy for all of them.

use std::cmp::Ordering;

/// `items` ordered by `compare`, ties in their given order (a stable sort, like `sort_by`).
pub fn sorted_by<T>(items: Vec<T>, compare: impl Fn(&T, &T) -> Ordering) -> Vec<T> {
    let order = stable_order(items.len(), &|a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|position| slots[position].take())
        .collect()
}

/// The positions `0..len` ordered by `compare`, ties in their given order.
fn stable_order(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_unstable_by(|&a, &b| compare(a, b).then(a.cmp(&b)));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_by_sorts_and_keeps_ties_in_their_order() {
        let words = vec!["ccc", "a", "bb", "b", "aaa"];
        let sorted = sorted_by(words, |a, b| a.len().cmp(&b.len()));
        assert_eq!(sorted, ["a", "b", "bb", "ccc", "aaa"]);
        assert!(sorted_by(Vec::<u8>::new(), Ord::cmp).is_empty());
    }
}
