//! Hover: what a name is (an emotion's range and start, a flag's start, an ending's outcome,
//! a scene's incoming `goto`s) and what a rule grades (its weight and predicate in words).

use std::fmt::Write as _;

use crate::ast::{CmpOp, Cond, Expr, Operand, Pred};

use super::index::{BlockKind, Detail, Index, Kind, Occurrence};

/// Markdown for what is at `offset` of file `file`, if anything.
#[must_use]
pub fn hover(index: &Index, file: usize, offset: usize) -> Option<String> {
    if let Some(occurrence) = index.at(file, offset) {
        return Some(name(index, occurrence));
    }
    let rule = index
        .rules
        .iter()
        .find(|r| r.file == file && r.extent.start <= offset && offset <= r.extent.end)?;
    let mut out = format!("**rule** \"{}\": worth {}", rule.title, rule.worth);
    if rule.critical {
        out.push_str(", critical (failing it fails the run)");
    }
    if let Some(criterion) = &rule.criterion {
        let _ = write!(out, ", in `{criterion}`");
    }
    if let Some(pred) = &rule.expect {
        let _ = write!(out, "\n\npasses when {}", pred_words(pred));
    }
    Some(out)
}

fn name(index: &Index, occurrence: &Occurrence) -> String {
    let decl = index
        .decls
        .iter()
        .find(|d| d.kind == occurrence.kind && d.name == occurrence.name);
    let name = &occurrence.name;
    match (occurrence.kind, decl.map(|d| &d.detail)) {
        (Kind::Emotion, Some(Detail::Emotion { initial, lo, hi })) => {
            format!("**emotion** `{name}`: range {lo}..{hi}, starts at {initial}")
        }
        (Kind::Flag, Some(Detail::Flag { initial })) => {
            format!("**flag** `{name}`: starts {initial}")
        }
        (Kind::Ending, Some(Detail::Ending { outcome, summary })) => {
            format!("**ending** `{name}` ({}): {summary}", outcome.as_str())
        }
        (Kind::Character, Some(Detail::Character { role, display })) => match display {
            Some(display) => format!("**{}** `{name}`: \"{display}\"", role.keyword()),
            None => format!("**{}** `{name}`", role.keyword()),
        },
        (Kind::Scene, _) => scene(index, name),
        (Kind::Tag, _) => {
            let on = index.uses(Kind::Tag, name).filter(|o| o.def).count();
            let read = index.uses(Kind::Tag, name).filter(|o| !o.def).count();
            format!(
                "**tag** `{name}`: on {on} `tags` line{}, read {read} time{}",
                plural(on),
                plural(read)
            )
        }
        (Kind::Criterion, _) => {
            let rules = index
                .rules
                .iter()
                .filter(|r| r.criterion.as_deref() == Some(name.as_str()))
                .count();
            format!("**criterion** `{name}`: {rules} rule{}", plural(rules))
        }
        (Kind::File, _) => format!("**include** `{name}`"),
        (kind, _) => format!("**{}** `{name}` (not declared)", kind.word()),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A scene: where it is entered from.
fn scene(index: &Index, name: &str) -> String {
    let mut from = Vec::new();
    let mut start = false;
    for o in index.uses(Kind::Scene, name).filter(|o| !o.def) {
        let text = &index.files[o.file].text;
        let line = super::index::line_around(text, o.range.clone());
        let words: Vec<&str> = text[line.start..o.range.start].split_whitespace().collect();
        match words.last().copied() {
            Some("start") => start = true,
            Some("goto") => {
                let holder = index
                    .blocks
                    .iter()
                    .find(|b| {
                        b.kind == BlockKind::Scene
                            && b.file == o.file
                            && b.extent.start <= o.range.start
                            && o.range.start <= b.extent.end
                    })
                    .map_or_else(|| "a trigger".to_string(), |b| format!("`{}`", b.name));
                if !from.contains(&holder) {
                    from.push(holder);
                }
            }
            _ => {}
        }
    }
    let gotos = index
        .uses(Kind::Scene, name)
        .filter(|o| {
            let text = &index.files[o.file].text;
            text[..o.range.start].trim_end().ends_with("goto")
        })
        .count();
    let mut out = format!(
        "**scene** `{name}`: {gotos} incoming `goto`{}",
        plural(gotos)
    );
    if !from.is_empty() {
        let _ = write!(out, " (from {})", from.join(", "));
    }
    if start {
        out.push_str("; the `start` scene");
    }
    out
}

fn op_words(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Lt => "fewer than",
        CmpOp::Le => "at most",
        CmpOp::Gt => "more than",
        CmpOp::Ge => "at least",
        CmpOp::Eq => "exactly",
        CmpOp::Ne => "other than",
    }
}

fn times(n: i64) -> String {
    format!("{n} time{}", if n == 1 { "" } else { "s" })
}

/// A predicate in words.
#[must_use]
pub fn pred_words(pred: &Pred) -> String {
    match pred {
        Pred::Or(all) => join(all.iter().map(pred_words), " or "),
        Pred::And(all) => join(all.iter().map(pred_words), " and "),
        Pred::Not(p) => format!("not ({})", pred_words(p)),
        Pred::Ever(t) => format!("`{}` is chosen at least once", t.text),
        Pred::Never(t) => format!("`{}` is never chosen", t.text),
        Pred::Before(a, b) => format!(
            "`{}` is chosen, and no `{}` comes before the first `{}`",
            a.text, b.text, a.text
        ),
        Pred::Within(t, n) => format!(
            "`{}` is chosen in the first {} turn{}",
            t.text,
            n.value,
            if n.value == 1 { "" } else { "s" }
        ),
        Pred::Sequence(tags) => format!(
            "{} are chosen in this order",
            join(tags.iter().map(|t| format!("`{}`", t.text)), ", then ")
        ),
        Pred::Count(t, op, n) => format!(
            "`{}` is chosen {} {}",
            t.text,
            op_words(*op),
            times(n.value)
        ),
        Pred::Always(c) => format!("`{}` holds throughout", cond_text(c)),
        Pred::AtEnd(c) => format!("`{}` holds at the end", cond_text(c)),
        Pred::Ending(endings) => format!(
            "the run ends in {}",
            join(endings.iter().map(|e| format!("`{}`", e.text)), " or ")
        ),
    }
}

fn join(parts: impl Iterator<Item = String>, with: &str) -> String {
    parts.collect::<Vec<_>>().join(with)
}

/// A condition as written (canonical spacing, parentheses where precedence needs them).
fn cond_text(cond: &Cond) -> String {
    match cond {
        Cond::Or(all) => join(all.iter().map(cond_text), " or "),
        Cond::And(all) => join(
            all.iter().map(|c| match c {
                Cond::Or(_) => format!("({})", cond_text(c)),
                _ => cond_text(c),
            }),
            " and ",
        ),
        Cond::Not(c) => match **c {
            Cond::Or(_) | Cond::And(_) => format!("not ({})", cond_text(c)),
            _ => format!("not {}", cond_text(c)),
        },
        Cond::Cmp(a, op, b) => format!("{} {} {}", expr_text(a), op.as_str(), expr_text(b)),
        Cond::Flag(f) => f.text.clone(),
        Cond::Visited(s) => format!("visited {}", s.text),
        Cond::Tagged(t) => format!("tagged {}", t.text),
    }
}

fn expr_text(expr: &Expr) -> String {
    let operand = |o: &Operand| match o {
        Operand::Int(i) => i.value.to_string(),
        Operand::Turn(_) => "turn".to_string(),
        Operand::Visits(s) => format!("visits({})", s.text),
        Operand::Count(t) => format!("count({})", t.text),
        Operand::Emotion(v) => v.text.clone(),
    };
    let mut out = operand(&expr.first);
    for (negate, o) in &expr.rest {
        out.push_str(if *negate { " - " } else { " + " });
        out.push_str(&operand(o));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn hover_tells_ranges_incoming_gotos_and_rules_in_words() {
        let text = "scenario s \"S\"\ncustomer Jake\nagent Sam\nemotion trust = 4 in 0..10\n\nscene a\n  choice \"x\" if trust >= 3\n    tags calm\n    goto b\n\nscene b\n  end done\n\nending done good \"D\"\n\nrubric\n  rule \"Calm\"\n    worth 3\n    expect ever calm and at end trust > 5\n";
        let index =
            super::super::index::Index::build(Path::new("t.scenario"), text.to_string(), &|_| None);
        let at = |s: &str| text.find(s).unwrap_or_default() + 1;
        assert_eq!(
            hover(&index, 0, at("trust >=")).as_deref(),
            Some("**emotion** `trust`: range 0..10, starts at 4")
        );
        assert_eq!(
            hover(&index, 0, at("b\n  end")).as_deref(),
            Some("**scene** `b`: 1 incoming `goto` (from `a`)")
        );
        assert_eq!(
            hover(&index, 0, at("worth 3")).as_deref(),
            Some("**rule** \"Calm\": worth 3\n\npasses when `calm` is chosen at least once and `trust > 5` holds at the end")
        );
    }
}
