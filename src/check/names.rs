//! Symbol tables: one namespace per kind of name, with first-declaration spans.

use std::collections::HashMap;

use crate::source::Span;

/// Names declared in one namespace, in declaration order.
#[derive(Debug)]
pub struct Table<K> {
    order: Vec<(String, Span, K)>,
    index: HashMap<String, usize>,
}

impl<K> Default for Table<K> {
    fn default() -> Self {
        Table {
            order: Vec::new(),
            index: HashMap::new(),
        }
    }
}

impl<K: Copy> Table<K> {
    /// Declares a name; returns the first declaration's span if it is a duplicate.
    pub fn declare(&mut self, name: &str, span: Span, kind: K) -> Result<usize, Span> {
        if let Some(&i) = self.index.get(name) {
            return Err(self.order[i].1);
        }
        let i = self.order.len();
        self.order.push((name.to_string(), span, kind));
        self.index.insert(name.to_string(), i);
        Ok(i)
    }

    #[must_use]
    pub fn get(&self, name: &str) -> Option<(usize, K)> {
        self.index.get(name).map(|&i| (i, self.order[i].2))
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(|(n, _, _)| n.as_str())
    }

    pub fn names_where(&self, keep: impl Fn(K) -> bool) -> impl Iterator<Item = &str> {
        self.order
            .iter()
            .filter(move |(_, _, k)| keep(*k))
            .map(|(n, _, _)| n.as_str())
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}
