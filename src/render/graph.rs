//! `rapport graph`: the scene graph as Graphviz DOT or Mermaid.
//!
//! Scenes are nodes (their id and the customer's first line, shortened); choices are edges
//! labelled with their number, a short text, tags, condition and effects; `stay` is a dotted
//! loop, `otherwise` a bold grey edge, a scene-level `goto` a plain grey edge; triggers are
//! dashed edges from a diamond; endings are terminal nodes coloured by outcome.

use std::fmt::Write as _;

use super::printer::Printer;
use crate::ast::Outcome;
use crate::scenario::{Exit, Scenario, Stmt, Transition};

/// Which graph language to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Dot,
    Mermaid,
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// An edge of the graph.
struct Edge {
    from: String,
    to: String,
    label: String,
    kind: EdgeKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum EdgeKind {
    Choice,
    Stay,
    Otherwise,
    Goto,
    Trigger,
}

fn target(t: Transition, from: &str) -> String {
    match t {
        Transition::Goto(s) => format!("s{}", s.0),
        Transition::End(e) => format!("e{}", e.0),
        Transition::Stay => from.to_string(),
    }
}

fn effects(p: &Printer<'_>, body: &[Stmt]) -> Vec<String> {
    body.iter()
        .filter_map(|s| match s {
            Stmt::Effect { effect, cond, .. } => Some(match cond {
                Some(c) => format!("{} if {}", p.effect(effect), p.cond(c)),
                None => p.effect(effect),
            }),
            _ => None,
        })
        .collect()
}

/// A node: its id, its label, and the outcome for an ending.
type Node = (String, String, Option<Outcome>);

/// The graph of a scenario: nodes, edges, and trigger nodes (id, label).
struct Model {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    triggers: Vec<(String, String)>,
}

/// Nodes, edges and triggers of a scenario.
fn model(s: &Scenario) -> Model {
    let p = Printer::new(s);
    let state = crate::runtime::State::initial(s);
    let mut nodes = Vec::new();
    for (i, scene) in s.scenes.iter().enumerate() {
        let line_of = |customer_only: bool| {
            scene.body.iter().find_map(|stmt| match stmt {
                Stmt::Line(line) if !customer_only || line.speaker == s.customer => {
                    Some(state.render(s, &line.text))
                }
                _ => None,
            })
        };
        let first = line_of(true).or_else(|| line_of(false));
        let label = match first {
            Some(line) => format!("{}\n“{}”", scene.id, shorten(&line, 38)),
            None => scene.id.clone(),
        };
        nodes.push((format!("s{i}"), label, None));
    }
    for (i, ending) in s.endings.iter().enumerate() {
        nodes.push((
            format!("e{i}"),
            format!("{}\n({})", ending.id, ending.outcome.as_str()),
            Some(ending.outcome),
        ));
    }
    let mut edges = Vec::new();
    for (i, scene) in s.scenes.iter().enumerate() {
        let from = format!("s{i}");
        match &scene.exit {
            Exit::Goto(t) => edges.push(Edge {
                from: from.clone(),
                to: format!("s{}", t.0),
                label: String::new(),
                kind: EdgeKind::Goto,
            }),
            Exit::End(e) => edges.push(Edge {
                from: from.clone(),
                to: format!("e{}", e.0),
                label: String::new(),
                kind: EdgeKind::Goto,
            }),
            Exit::Choices { choices, otherwise } => {
                for (n, id) in choices.iter().enumerate() {
                    let c = s.choice(*id);
                    let mut label =
                        format!("{}. {}", n + 1, shorten(&state.render(s, &c.text), 32));
                    if !c.tags.is_empty() {
                        let tags: Vec<&str> =
                            c.tags.iter().map(|t| s.tags[t.index()].as_str()).collect();
                        let _ = write!(label, "\n[{}]", tags.join(" "));
                    }
                    if let Some(cond) = &c.cond {
                        let _ = write!(label, "\nif {}", shorten(&p.cond(cond), 40));
                    }
                    if c.once {
                        label.push_str(" (once)");
                    }
                    let fx = effects(&p, &c.body);
                    if !fx.is_empty() {
                        let _ = write!(label, "\n{}", fx.join(", "));
                    }
                    let kind = if c.transition == Transition::Stay {
                        EdgeKind::Stay
                    } else {
                        EdgeKind::Choice
                    };
                    edges.push(Edge {
                        from: from.clone(),
                        to: target(c.transition, &from),
                        label,
                        kind,
                    });
                }
                if let Some(t) = otherwise {
                    edges.push(Edge {
                        from: from.clone(),
                        to: target(*t, &from),
                        label: "otherwise".to_string(),
                        kind: EdgeKind::Otherwise,
                    });
                }
            }
        }
    }
    let mut triggers = Vec::new();
    for (i, t) in s.triggers.iter().enumerate() {
        let id = format!("t{i}");
        triggers.push((
            id.clone(),
            format!("when {}", shorten(&p.cond(&t.cond), 40)),
        ));
        let fx = effects(&p, &t.body);
        edges.push(Edge {
            from: id.clone(),
            to: target(t.transition, &id),
            label: fx.join(", "),
            kind: EdgeKind::Trigger,
        });
    }
    Model {
        nodes,
        edges,
        triggers,
    }
}

fn colour(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Good => "#c8e6c9",
        Outcome::Neutral => "#fff3c4",
        Outcome::Bad => "#ffcdd2",
    }
}

fn dot_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn mermaid_escape(text: &str) -> String {
    text.replace('"', "#quot;").replace('\n', "<br/>")
}

/// Renders the graph.
#[must_use]
pub fn graph(s: &Scenario, style: Style) -> String {
    let Model {
        nodes,
        edges,
        triggers,
    } = model(s);
    let start = format!("s{}", s.start.0);
    let mut out = String::new();
    match style {
        Style::Dot => {
            let _ = writeln!(out, "digraph \"{}\" {{", dot_escape(&s.id));
            let _ = writeln!(
                out,
                "  label=\"{}\"; labelloc=t; rankdir=TB; nodesep=0.4;",
                dot_escape(&s.title)
            );
            let _ = writeln!(
                out,
                "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=11];"
            );
            let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=9];");
            for (id, label, outcome) in &nodes {
                match outcome {
                    Some(o) => {
                        let _ = writeln!(
                            out,
                            "  {id} [label=\"{}\", shape=doubleoctagon, style=filled, fillcolor=\"{}\"];",
                            dot_escape(label),
                            colour(*o)
                        );
                    }
                    None => {
                        let bold = if *id == start { ", penwidth=2" } else { "" };
                        let _ = writeln!(out, "  {id} [label=\"{}\"{bold}];", dot_escape(label));
                    }
                }
            }
            for (id, label) in &triggers {
                let _ = writeln!(
                    out,
                    "  {id} [label=\"{}\", shape=diamond, style=dashed];",
                    dot_escape(label)
                );
            }
            for e in &edges {
                let attrs = match e.kind {
                    EdgeKind::Choice => String::new(),
                    EdgeKind::Stay => ", style=dotted".to_string(),
                    EdgeKind::Otherwise => ", style=bold, color=gray40".to_string(),
                    EdgeKind::Goto => ", color=gray40".to_string(),
                    EdgeKind::Trigger => ", style=dashed".to_string(),
                };
                let _ = writeln!(
                    out,
                    "  {} -> {} [label=\"{}\"{attrs}];",
                    e.from,
                    e.to,
                    dot_escape(&e.label)
                );
            }
            out.push_str("}\n");
        }
        Style::Mermaid => {
            let _ = writeln!(out, "---\ntitle: {}\n---", s.title.replace('\n', " "));
            out.push_str("flowchart TB\n");
            for (id, label, outcome) in &nodes {
                let label = mermaid_escape(label);
                if outcome.is_some() {
                    let _ = writeln!(out, "  {id}([\"{label}\"])");
                } else {
                    let _ = writeln!(out, "  {id}[\"{label}\"]");
                }
            }
            for (id, label) in &triggers {
                let _ = writeln!(out, "  {id}{{\"{}\"}}", mermaid_escape(label));
            }
            for e in &edges {
                let arrow = match e.kind {
                    EdgeKind::Choice | EdgeKind::Goto => "-->",
                    EdgeKind::Stay | EdgeKind::Trigger => "-.->",
                    EdgeKind::Otherwise => "==>",
                };
                if e.label.is_empty() {
                    let _ = writeln!(out, "  {} {arrow} {}", e.from, e.to);
                } else {
                    let _ = writeln!(
                        out,
                        "  {} {arrow}|\"{}\"| {}",
                        e.from,
                        mermaid_escape(&e.label),
                        e.to
                    );
                }
            }
            for (id, _, outcome) in &nodes {
                if let Some(o) = outcome {
                    let _ = writeln!(out, "  style {id} fill:{}", colour(*o));
                }
            }
            let _ = writeln!(out, "  style {start} stroke-width:3px");
        }
    }
    out
}
