//! The persona sidebar's state: the list, how it loaded, the filter, the cursor and the
//! selection.
//!
//! Owns: grouping by category (personas without one under the catalog's fallback group,
//! `catalog::UNCATEGORISED`, listed first), filtering (case-insensitive, Unicode-aware substring or
//! in-order "fuzzy" subsequence match on name, category or description), and keeping the
//! cursor valid as the list changes. The visible order is computed when the list or the
//! filter changes, never per frame. Does not own: drawing (`view::sidebar`) or loading.

use crate::catalog::PersonaEntry;

/// How the list got here.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadState {
    /// Nothing to show yet; the first request is in flight.
    Loading,
    /// Showing the list cached by the last run while a fresh one loads.
    Refreshing,
    Loaded,
    /// Loading failed; `r` in the sidebar retries.
    Failed(String),
}

/// One row of the sidebar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Category(usize),
    Persona(usize),
}

/// The persona list (the sidebar).
#[derive(Debug, Clone, PartialEq)]
pub struct PersonaList {
    pub entries: Vec<PersonaEntry>,
    pub load: LoadState,
    pub filter: String,
    pub filtering: bool,
    /// Index into `visible` of the highlighted persona.
    pub cursor: usize,
    /// The id of the persona whose thread is shown.
    pub selected: Option<String>,
    /// Entry indices in display order (grouped by category, filtered).
    visible: Vec<usize>,
    /// Category names, for `Row::Category`.
    categories: Vec<String>,
    rows: Vec<Row>,
}

impl Default for PersonaList {
    fn default() -> Self {
        PersonaList {
            entries: Vec::new(),
            load: LoadState::Loading,
            filter: String::new(),
            filtering: false,
            cursor: 0,
            selected: None,
            visible: Vec::new(),
            categories: Vec::new(),
            rows: Vec::new(),
        }
    }
}

impl PersonaList {
    /// Replaces the list, keeping the cursor on the same persona where it still exists.
    pub fn set_entries(&mut self, entries: Vec<PersonaEntry>) {
        let highlighted = self.highlighted().map(|p| p.id.clone());
        self.entries = entries;
        self.recompute();
        if let Some(id) = highlighted {
            self.move_to(&id);
        }
    }

    pub fn set_filter(&mut self, filter: String) {
        self.filter = filter;
        self.recompute();
        self.cursor = 0;
    }

    /// Entry indices in display order.
    pub fn visible(&self) -> &[usize] {
        &self.visible
    }

    /// Rows to draw: category headers and personas.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    pub fn category_name(&self, index: usize) -> &str {
        self.categories.get(index).map(String::as_str).unwrap_or("")
    }

    /// The row index of the cursor, for scrolling the sidebar.
    pub fn cursor_row(&self) -> usize {
        let Some(&entry) = self.visible.get(self.cursor) else {
            return 0;
        };
        self.rows
            .iter()
            .position(|r| *r == Row::Persona(entry))
            .unwrap_or(0)
    }

    pub fn highlighted(&self) -> Option<&PersonaEntry> {
        self.visible.get(self.cursor).and_then(|&i| self.entries.get(i))
    }

    pub fn selected_entry(&self) -> Option<&PersonaEntry> {
        let id = self.selected.as_deref()?;
        self.entries.iter().find(|p| p.id == id)
    }

    pub fn move_by(&mut self, delta: isize) {
        if self.visible.is_empty() {
            self.cursor = 0;
            return;
        }
        let last = self.visible.len() - 1;
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
    }

    pub fn move_to_end(&mut self, end: bool) {
        self.cursor = if end {
            self.visible.len().saturating_sub(1)
        } else {
            0
        };
    }

    /// Puts the cursor on persona `id` if it is visible.
    pub fn move_to(&mut self, id: &str) {
        if let Some(pos) = self
            .visible
            .iter()
            .position(|&i| self.entries.get(i).is_some_and(|p| p.id == id))
        {
            self.cursor = pos;
        }
    }

    fn recompute(&mut self) {
        let needle = self.filter.trim().to_lowercase();
        let mut order: Vec<((bool, String, String), usize)> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, p)| needle.is_empty() || matches(p, &needle))
            .map(|(i, p)| (p.order_key(), i))
            .collect();
        order.sort();
        self.visible = order.iter().map(|(_, i)| *i).collect();
        self.categories.clear();
        self.rows.clear();
        let mut current: Option<&str> = None;
        for ((_, group, _), i) in &order {
            if current != Some(group.as_str()) {
                let shown = self
                    .entries
                    .get(*i)
                    .map(|p| p.group().to_owned())
                    .unwrap_or_default();
                self.categories.push(shown);
                self.rows.push(Row::Category(self.categories.len() - 1));
                current = Some(group.as_str());
            }
            self.rows.push(Row::Persona(*i));
        }
        self.cursor = self.cursor.min(self.visible.len().saturating_sub(1));
    }
}

/// Substring match anywhere, or the needle's characters in order in the name
/// ("gzc" finds "Gen Z Consumer"). `needle` is already lower-case.
fn matches(p: &PersonaEntry, needle: &str) -> bool {
    let name = p.label().to_lowercase();
    if name.contains(needle)
        || p.group().to_lowercase().contains(needle)
        || p.description.to_lowercase().contains(needle)
    {
        return true;
    }
    let mut chars = name.chars();
    needle
        .chars()
        .filter(|c| !c.is_whitespace())
        .all(|n| chars.any(|c| c == n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::PersonaSource;

    fn entry(id: &str, name: &str, category: &str) -> PersonaEntry {
        PersonaEntry {
            id: id.into(),
            name: name.into(),
            category: category.into(),
            description: format!("{name} description"),
            source: PersonaSource::Server,
            prompt: None,
        }
    }

    fn list() -> PersonaList {
        let mut p = PersonaList::default();
        p.set_entries(vec![
            entry("c1", "Gen Z Consumer", "Generational"),
            entry("c2", "CFO", "Professional"),
            entry("c3", "Baby Boomer", "Generational"),
            entry("c4", "Café Owner", "Lifestyle"),
        ]);
        p
    }

    #[test]
    fn grouped_by_category_then_name() {
        let p = list();
        let names: Vec<&str> = p.visible().iter().map(|&i| p.entries[i].name.as_str()).collect();
        assert_eq!(names, ["Baby Boomer", "Gen Z Consumer", "Café Owner", "CFO"]);
        assert_eq!(
            p.rows().iter().filter(|r| matches!(r, Row::Category(_))).count(),
            3
        );
    }

    #[test]
    fn personas_without_a_category_are_listed_first_under_a_visible_group() {
        let mut p = list();
        let mut entries = p.entries.clone();
        entries.push(entry("c5", "Zebra", ""));
        p.set_entries(entries);
        assert_eq!(p.rows().first(), Some(&Row::Category(0)));
        assert_eq!(p.category_name(0), crate::catalog::UNCATEGORISED);
        assert_eq!(p.rows().get(1), Some(&Row::Persona(4)));
        p.set_filter("uncategor".into());
        assert_eq!(p.highlighted().map(|e| e.id.as_str()), Some("c5"));
    }

    #[test]
    fn filter_is_case_insensitive_unicode_and_fuzzy() {
        let mut p = list();
        p.set_filter("CAFÉ".into());
        assert_eq!(p.highlighted().map(|e| e.id.as_str()), Some("c4"));
        p.set_filter("gzc".into());
        assert_eq!(p.visible().len(), 1);
        p.set_filter("zzz".into());
        assert!(p.visible().is_empty());
        assert_eq!(p.highlighted(), None);
    }

    #[test]
    fn cursor_stays_on_the_same_persona_when_the_list_changes() {
        let mut p = list();
        p.move_to("c2");
        let mut entries = p.entries.clone();
        entries.insert(0, entry("c0", "Aardvark", "Aa"));
        p.set_entries(entries);
        assert_eq!(p.highlighted().map(|e| e.id.as_str()), Some("c2"));
        p.move_by(100);
        assert_eq!(p.cursor, p.visible().len() - 1);
        p.move_by(-100);
        assert_eq!(p.cursor, 0);
    }
}
