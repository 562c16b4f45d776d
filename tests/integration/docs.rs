//! Every `scenario` code block in the README and docs parses and checks: the docs cannot
//! drift from the language.

use std::path::Path;

use rapport::check::check_text;
use rapport::diagnostic::Severity;

use crate::common::{rendered, root};

/// The `scenario` code blocks of a Markdown file, with their line numbers.
fn blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let fence = line.trim_start();
        if let Some((start, text)) = current.take() {
            if fence.starts_with("```") {
                out.push((start, text));
            } else {
                current = Some((start, text + line + "\n"));
            }
        } else if fence == "```scenario" {
            current = Some((i + 1, String::new()));
        }
    }
    out
}

fn check_blocks(file: &str, minimum: usize) {
    let path = root().join(file);
    let markdown = std::fs::read_to_string(&path).unwrap();
    let found = blocks(&markdown);
    assert!(
        found.len() >= minimum,
        "{file} has only {} scenario blocks",
        found.len()
    );
    for (line, text) in found {
        // Snippets with a header must be complete, playable scenarios; the others are
        // fragments and are checked as library files (syntax and structure only).
        let checked = check_text(Path::new(&format!("{file}:{line}")), text, Some(&root()));
        let errors = checked
            .diagnostics
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .count();
        assert_eq!(
            errors,
            0,
            "{file}, block at line {line}:\n{}",
            rendered(&checked)
        );
    }
}

#[test]
fn readme_snippets_check() {
    check_blocks("README.md", 1);
}

#[test]
fn language_reference_snippets_check() {
    check_blocks("docs/language.md", 15);
}

/// The editor grammar highlights exactly the keywords the parser reserves.
#[test]
fn the_vscode_grammar_knows_every_keyword_and_no_other() {
    let pest = std::fs::read_to_string(root().join("grammar/scenario.pest")).unwrap();
    let mut reserved: Vec<String> = pest
        .lines()
        .filter_map(|l| l.strip_prefix("kw_"))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect();
    reserved.sort();
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("editors/vscode/syntaxes/scenario.tmLanguage.json"))
            .unwrap(),
    )
    .unwrap();
    let mut highlighted: Vec<String> = json["repository"]["keywords"]["patterns"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| {
            let regex = p["match"].as_str().unwrap();
            let inner = regex.trim_start_matches("\\b(").trim_end_matches(")\\b");
            inner.split('|').map(str::to_string).collect::<Vec<_>>()
        })
        .collect();
    highlighted.sort();
    assert_eq!(highlighted, reserved);
    let mut rust: Vec<String> = rapport::syntax::KEYWORDS
        .iter()
        .map(|k| (*k).to_string())
        .collect();
    rust.sort();
    assert_eq!(rust, reserved, "syntax::KEYWORDS and the grammar differ");
}
