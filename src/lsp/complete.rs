//! Completion: what may be written at the cursor, from the words before it on its line.
//!
//! Scene names after `goto`, `start`, `visited` and in `visits(…)`; ending names after `end`
//! and a rubric's `ending`; tags on `tags` lines, in `count(…)`/`tagged` and in predicates;
//! flags after `set`/`clear`; emotions and flags (with their ranges) in conditions; names in
//! `{…}`; criteria after `in`; and the statement keywords and speakers that fit the block.

use lsp_types::{CompletionItem, CompletionItemKind};

use super::index::{Decl, Detail, Index, Kind};

/// The block the cursor's line belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Block {
    Top,
    Scene,
    Trigger,
    Rubric,
}

/// The last top-level block opened above `offset`.
fn block_at(text: &str, offset: usize) -> Block {
    let mut block = Block::Top;
    for line in text[..offset.min(text.len())].lines() {
        match line.split_whitespace().next() {
            Some("scene") => block = Block::Scene,
            Some("when") => block = Block::Trigger,
            Some("rubric") => block = Block::Rubric,
            Some(
                "scenario" | "customer" | "agent" | "character" | "emotion" | "flag" | "start"
                | "ending" | "include" | "brief" | "objective" | "meta",
            ) => block = Block::Top,
            _ => {}
        }
    }
    block
}

/// Whether the text ends inside a string, and if so, inside a `{…}`.
fn in_string(before: &str) -> Option<bool> {
    let mut close: Option<char> = None;
    let mut brace = false;
    let mut chars = before.chars();
    while let Some(c) = chars.next() {
        match close {
            Some(end) => {
                if c == '\\' {
                    chars.next();
                } else if c == end {
                    close = None;
                } else if c == '{' {
                    brace = true;
                } else if c == '}' {
                    brace = false;
                }
            }
            None => match c {
                '"' => {
                    close = Some('"');
                    brace = false;
                }
                '“' => {
                    close = Some('”');
                    brace = false;
                }
                '#' => return None,
                _ => {}
            },
        }
    }
    close.map(|_| brace)
}

fn item(label: &str, kind: CompletionItemKind, detail: String) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail),
        ..CompletionItem::default()
    }
}

fn describe(decl: &Decl) -> String {
    match &decl.detail {
        Detail::Emotion { initial, lo, hi } => format!("emotion {lo}..{hi}, starts at {initial}"),
        Detail::Flag { initial } => format!("flag, starts {initial}"),
        Detail::Ending { outcome, summary } => format!("ending ({}): {summary}", outcome.as_str()),
        Detail::Character { role, display } => match display {
            Some(name) => format!("{} \"{name}\"", role.keyword()),
            None => role.keyword().to_string(),
        },
        Detail::None => decl.kind.word().to_string(),
    }
}

fn names(index: &Index, kind: Kind, out: &mut Vec<CompletionItem>) {
    let item_kind = match kind {
        Kind::Scene => CompletionItemKind::MODULE,
        Kind::Ending => CompletionItemKind::EVENT,
        Kind::Emotion => CompletionItemKind::VARIABLE,
        Kind::Flag => CompletionItemKind::CONSTANT,
        Kind::Character => CompletionItemKind::STRUCT,
        Kind::Criterion => CompletionItemKind::ENUM,
        Kind::Tag => CompletionItemKind::ENUM_MEMBER,
        Kind::File => CompletionItemKind::FILE,
    };
    if kind == Kind::Tag {
        for tag in index.tags() {
            out.push(item(tag, item_kind, "tag".to_string()));
        }
        return;
    }
    for decl in index.names(kind) {
        out.push(item(&decl.name, item_kind, describe(decl)));
    }
}

fn keywords(words: &[&str], out: &mut Vec<CompletionItem>) {
    for word in words {
        out.push(item(
            word,
            CompletionItemKind::KEYWORD,
            "keyword".to_string(),
        ));
    }
}

const CONDITION_WORDS: &[&str] = &["not", "turn", "visits", "count", "visited", "tagged"];
const PREDICATE_WORDS: &[&str] = &[
    "ever", "never", "before", "within", "sequence", "count", "always", "at", "ending", "not",
];

/// Completion items at byte `offset` of file 0 of `index`.
#[must_use]
pub fn complete(index: &Index, offset: usize) -> Vec<CompletionItem> {
    let Some(file) = index.files.first() else {
        return Vec::new();
    };
    let text = &file.text;
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let mut out = Vec::new();
    match in_string(before) {
        Some(true) => {
            names(index, Kind::Character, &mut out);
            names(index, Kind::Emotion, &mut out);
            return out;
        }
        Some(false) => return out,
        None => {}
    }
    // The word being typed, and what comes before it.
    let partial_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(before.len(), |(i, _)| i);
    let head = before[..partial_start].trim_end();
    let words: Vec<&str> = head
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let first = words.first().copied().unwrap_or("");
    let last = words.last().copied().unwrap_or("");
    let block = block_at(text, line_start);
    if head.ends_with("visits(") {
        names(index, Kind::Scene, &mut out);
    } else if head.ends_with("count(") {
        names(index, Kind::Tag, &mut out);
    } else if words.is_empty() {
        statement_start(index, block, &mut out);
    } else if first == "tags" {
        names(index, Kind::Tag, &mut out);
    } else if first == "expect" && matches!(last, "expect" | "and" | "or" | "not" | "(") {
        keywords(PREDICATE_WORDS, &mut out);
    } else {
        match last {
            "goto" | "start" | "visited" => names(index, Kind::Scene, &mut out),
            "at" if first == "expect" => keywords(&["end"], &mut out),
            "end" if words.len() >= 2 && words[words.len() - 2] == "at" => {
                condition(index, &mut out);
            }
            "end" => names(index, Kind::Ending, &mut out),
            "ending" if first == "expect" => names(index, Kind::Ending, &mut out),
            "tagged" | "ever" | "never" | "before" | "sequence" | "within" => {
                names(index, Kind::Tag, &mut out);
            }
            "count" if first == "expect" => names(index, Kind::Tag, &mut out),
            "set" | "clear" => names(index, Kind::Flag, &mut out),
            "in" if block == Block::Rubric => names(index, Kind::Criterion, &mut out),
            "if" | "when" | "and" | "or" | "not" | "always" | "(" | "<" | "<=" | ">" | ">="
            | "==" | "!=" | "+" | "-" => condition(index, &mut out),
            _ if last.ends_with('(') => condition(index, &mut out),
            _ => {
                // After a complete name: what may follow it.
                if matches!(first, "choice" | "narrate") || first.ends_with(':') {
                    keywords(&["if"], &mut out);
                } else if first == "expect" {
                    keywords(&["and", "or", "before", "within"], &mut out);
                }
            }
        }
    }
    out
}

fn condition(index: &Index, out: &mut Vec<CompletionItem>) {
    names(index, Kind::Emotion, out);
    names(index, Kind::Flag, out);
    keywords(CONDITION_WORDS, out);
}

fn statement_start(index: &Index, block: Block, out: &mut Vec<CompletionItem>) {
    let top = crate::syntax::TOP_LEVEL_WORDS;
    match block {
        Block::Top => keywords(top, out),
        Block::Scene | Block::Trigger => {
            let body: &[&str] = if block == Block::Scene {
                &[
                    "choice",
                    "once",
                    "otherwise",
                    "tags",
                    "coach",
                    "narrate",
                    "set",
                    "clear",
                    "goto",
                    "end",
                    "stay",
                    "if",
                ]
            } else {
                &["narrate", "set", "clear", "goto", "end"]
            };
            keywords(body, out);
            keywords(top, out);
            for decl in index.names(Kind::Character) {
                out.push(CompletionItem {
                    label: decl.name.clone(),
                    kind: Some(CompletionItemKind::STRUCT),
                    detail: Some(describe(decl)),
                    insert_text: Some(format!("{}: ", decl.name)),
                    ..CompletionItem::default()
                });
            }
            names(index, Kind::Emotion, out);
        }
        Block::Rubric => {
            keywords(
                &[
                    "pass",
                    "criterion",
                    "rule",
                    "in",
                    "worth",
                    "critical",
                    "expect",
                    "fail",
                ],
                out,
            );
            keywords(top, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const TEXT: &str = "scenario s \"S\"\ncustomer Jake\nagent Sam\nemotion trust = 4 in 0..10\nflag heard\n\nscene a\n  choice \"x\" if trust > 1\n    tags calm\n    goto \n\nscene b\n  end \n\nending done good \"D\"\n\nrubric\n  rule \"r\"\n    expect ever \n";

    fn labels(marker: &str, extra: usize) -> Vec<String> {
        let index = Index::build(Path::new("t.scenario"), TEXT.to_string(), &|_| None);
        let at = TEXT.find(marker).unwrap_or_default() + marker.len() + extra;
        complete(&index, at).into_iter().map(|i| i.label).collect()
    }

    #[test]
    fn names_fit_the_word_before_the_cursor() {
        assert_eq!(labels("    goto", 1), ["a", "b"]);
        assert_eq!(labels("  end", 1), ["done"]);
        assert_eq!(labels("expect ever", 1), ["calm"]);
        let cond = labels("\" if", 1);
        assert_eq!(cond[..2], ["trust".to_string(), "heard".to_string()]);
        assert!(cond.contains(&"visits".to_string()));
    }
}
