//! Sorting without a copy of the standard library's sort per list: in the browser's wasm each
//! `sort_by` with its own element type and closure is a copy of that sort (about 4 KB), so the
//! lists of the first page sort through [`stable_order`], which sorts positions with a
//! comparator behind a reference: one copy for all of them.

use std::cmp::Ordering;

/// The positions `0..len` ordered by `compare`, ties in their given order (a stable sort).
pub fn stable_order(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_unstable_by(|&a, &b| compare(a, b).then(a.cmp(&b)));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_order_sorts_positions_and_keeps_ties_in_their_order() {
        let lengths = [3, 1, 2, 1, 3];
        let order = stable_order(lengths.len(), &|a, b| lengths[a].cmp(&lengths[b]));
        assert_eq!(order, [1, 3, 2, 0, 4]);
        assert!(stable_order(0, &|_, _| Ordering::Equal).is_empty());
    }
}
