//! The list pre-pass: what rendering a list needs to know before the list has ended —
//! how many items it holds (to right-align its numbers) and whether it is loose (blank
//! lines between its items).
//!
//! Owns: reading those facts off the whole event stream, one plan per list in the order
//! lists start, and the width of a list's numbers. Does not own: markers, indents and
//! spacing (`blocks`), nor when a list opens during rendering (`renderer`).
#![deny(clippy::indexing_slicing)]

use pulldown_cmark::{Event, Tag, TagEnd};

/// What the pre-pass learns about each list, in the order lists start.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ListPlan {
    pub(super) items: u64,
    pub(super) loose: bool,
}

/// Counts items (to right-align numbers) and finds loose lists (blank lines between
/// items) before rendering, since both are known only at a list's end.
pub(super) fn plan_lists(events: &[Event<'_>]) -> Vec<ListPlan> {
    let mut plans: Vec<ListPlan> = Vec::new();
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0usize;
    for event in events {
        match event {
            Event::Start(tag) => {
                let parent = open.last().copied();
                match tag {
                    Tag::List(_) => {
                        open.push((plans.len(), depth));
                        plans.push(ListPlan::default());
                    }
                    Tag::Item => {
                        if let Some(plan) = parent
                            .filter(|p| p.1 + 1 == depth)
                            .and_then(|p| plans.get_mut(p.0))
                        {
                            plan.items += 1;
                        }
                    }
                    Tag::Paragraph => {
                        if let Some(plan) = parent
                            .filter(|p| p.1 + 2 == depth)
                            .and_then(|p| plans.get_mut(p.0))
                        {
                            plan.loose = true;
                        }
                    }
                    _ => {}
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if matches!(end, TagEnd::List(_)) {
                    open.pop();
                }
            }
            _ => {}
        }
    }
    plans
}

/// Decimal digits of `n`: the width of the widest number in an ordered list.
pub(super) fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}
