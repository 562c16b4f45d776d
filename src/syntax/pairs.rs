//! Walking a pest pair's children, with the few moves the statement builder makes.

use pest::iterators::Pair;

use super::Rule;

/// Walks a pair's children.
pub(super) struct Inner<'i> {
    pair: Pair<'i, Rule>,
    children: pest::iterators::Pairs<'i, Rule>,
}

impl<'i> Inner<'i> {
    pub(super) fn new(pair: Pair<'i, Rule>) -> Self {
        let children = pair.clone().into_inner();
        Inner { pair, children }
    }

    pub(super) fn advance(&mut self) {
        self.children.next();
    }

    pub(super) fn into_pair(self) -> Pair<'i, Rule> {
        self.pair
    }
}

impl<'i> Iterator for Inner<'i> {
    type Item = Pair<'i, Rule>;
    fn next(&mut self) -> Option<Self::Item> {
        self.children.next()
    }
}
