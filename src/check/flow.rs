//! Flow checks that need no state: scene-level `goto` chains that loop without a choice.

use super::names::Table;
use crate::ast::{Item, StmtKind, Transition};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;

/// Reports every cycle of scenes that only `goto` each other (a scene with no choices whose
/// exit is a scene-level `goto` or an `otherwise goto`), at the `goto` of the cycle's first
/// scene in file order.
pub(super) fn goto_cycles(items: &[Item], scenes: &Table<()>, diagnostics: &mut Vec<Diagnostic>) {
    let list: Vec<&crate::ast::Scene> = items
        .iter()
        .filter_map(|i| match i {
            Item::Scene(s) => Some(s),
            _ => None,
        })
        .collect();
    let mut next: Vec<Option<(usize, Span)>> = vec![None; list.len()];
    for (i, scene) in list.iter().enumerate() {
        if !scene.choices.is_empty() {
            continue;
        }
        let body_goto = scene.body.iter().find_map(|s| match &s.kind {
            StmtKind::Transition(Transition::Goto(name)) => Some((name, s.span)),
            _ => None,
        });
        let otherwise_goto = match &scene.otherwise {
            Some((Transition::Goto(name), span)) => Some((name, *span)),
            _ => None,
        };
        let exit = body_goto.or(otherwise_goto);
        let ends = scene
            .body
            .iter()
            .any(|s| matches!(s.kind, StmtKind::Transition(Transition::End(_))));
        if let (Some((name, span)), false) = (exit, ends) {
            if let Some((target, ())) = scenes.get(&name.text) {
                if target < list.len() {
                    next[i] = Some((target, span));
                }
            }
        }
    }
    // 0 = unvisited, 1 = on the current path, 2 = done.
    let mut state = vec![0u8; list.len()];
    for startpoint in 0..list.len() {
        let mut path = Vec::new();
        let mut at = startpoint;
        while state[at] == 0 {
            state[at] = 1;
            path.push(at);
            match next[at] {
                Some((n, _)) => at = n,
                None => break,
            }
        }
        if state[at] == 1 && next[at].is_some() {
            if let Some(pos) = path.iter().position(|&p| p == at) {
                let cycle = &path[pos..];
                let first = cycle.iter().copied().min().unwrap_or(at);
                let start = cycle.iter().position(|&p| p == first).unwrap_or(0);
                let mut names: Vec<&str> = cycle[start..]
                    .iter()
                    .chain(&cycle[..start])
                    .map(|&s| list[s].name.text.as_str())
                    .collect();
                names.push(list[first].name.text.as_str());
                if let Some((_, span)) = next[first] {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::GotoCycle,
                            span,
                            format!(
                                "these scenes go to each other forever without a choice: {}",
                                names.join(" → ")
                            ),
                        )
                        .label("loops back without a choice")
                        .help("give one of these scenes a choice, or end the chain with `end <ending>`"),
                    );
                }
            }
        }
        for p in path {
            state[p] = 2;
        }
    }
}
