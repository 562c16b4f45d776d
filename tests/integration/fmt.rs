//! `rapport fmt`: never changes meaning, is idempotent, keeps every comment; the course
//! scenarios are formatted; `--check` and refusals work from the command line.

use proptest::prelude::*;
use rapport::format::format;
use rapport::source::FileId;
use rapport::syntax;

use crate::common::{rapport, root, scenarios, stdout};

/// The AST's debug form with every span removed.
fn ast_without_spans(text: &str) -> String {
    let debug = format!("{:?}", syntax::parse(FileId(0), text).file.items);
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while let Some(i) = rest.find("Span {") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('}').map_or(rest.len(), |e| i + e + 1);
        out.push_str("Span");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Comments (outside strings), in order.
fn comments(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let mut quote: Option<char> = None;
        let mut escaped = false;
        for (i, c) in line.char_indices() {
            if let Some(close) = quote {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == close {
                    quote = None;
                }
            } else if c == '"' {
                quote = Some('"');
            } else if c == '“' {
                quote = Some('”');
            } else if c == '#' {
                found.push(line[i..].trim_end().to_string());
                break;
            }
        }
    }
    found
}

fn assert_safe(name: &str, text: &str) {
    let formatted = format(text).unwrap_or_else(|d| panic!("{name}: refused: {d:?}"));
    assert_eq!(
        ast_without_spans(&formatted),
        ast_without_spans(text),
        "{name}: meaning changed"
    );
    assert_eq!(
        format(&formatted).unwrap(),
        formatted,
        "{name}: not idempotent"
    );
    assert_eq!(
        comments(&formatted),
        comments(text),
        "{name}: comments changed"
    );
}

#[test]
fn formatting_never_changes_meaning_and_keeps_comments() {
    let mut files = scenarios(&root().join("tests/corpus"));
    files.extend(scenarios(&root().join("tests/fixtures/examples")));
    files.extend(scenarios(&root().join("tests/fixtures/ok")));
    files.extend(scenarios(&root().join("scenarios")));
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        assert_safe(&path.display().to_string(), &text);
    }
    assert!(files.len() > 110);
}

fn corpus() -> &'static [String] {
    static FILES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    FILES.get_or_init(|| {
        scenarios(&root().join("tests/corpus"))
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    })
}

const NOISE: &[&str] = &[
    " ",
    "\t",
    "  ",
    "\n",
    "\n\n",
    "# note\n",
    " # trailing",
    "\t\t",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Generated layouts: corpus files with whitespace, blank lines and comments inserted at
    /// random line boundaries and token gaps, which must all format to the same meaning.
    #[test]
    fn generated_layouts_format_safely(
        file in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(NOISE)), 1..12),
    ) {
        let files = corpus();
        let original = &files[file.index(files.len())];
        let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
        for (at, noise) in edits {
            let i = at.index(lines.len());
            if noise.contains('\n') || noise.starts_with(" #") {
                // Blank lines and comments go between or after lines, never into strings.
                if noise.starts_with(" #") {
                    if !lines[i].contains('#') && !lines[i].trim().is_empty() {
                        lines[i].push_str(noise);
                    }
                } else {
                    lines.insert(i, noise.trim_end_matches('\n').to_string());
                }
            } else {
                lines[i] = format!("{noise}{}", lines[i]);
            }
        }
        let text = lines.join("\n");
        if syntax::parse(FileId(0), &text).diagnostics.is_empty() {
            assert_safe("generated", &text);
            // Same meaning as the file it came from.
            prop_assert_eq!(ast_without_spans(&format(&text).unwrap()), ast_without_spans(original));
        }
    }
}

#[test]
fn the_course_scenarios_are_formatted() {
    let out = rapport(&root(), &["fmt", "--check", "scenarios"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn fmt_rewrites_checks_and_refuses_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let messy = "scenario x \"X\"\ncustomer C\nagent A\nscene s\n        C:   \"hi\"\n  end e\nending e \"E\"\n";
    std::fs::write(dir.path().join("messy.scenario"), messy).unwrap();
    std::fs::write(dir.path().join("broken.scenario"), "scene\n").unwrap();

    let check = rapport(dir.path(), &["fmt", "--check", "messy.scenario"]);
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(stdout(&check), "not formatted: messy.scenario\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("messy.scenario")).unwrap(),
        messy
    );

    let fix = rapport(dir.path(), &["fmt", "messy.scenario"]);
    assert_eq!(fix.status.code(), Some(0));
    let fixed = std::fs::read_to_string(dir.path().join("messy.scenario")).unwrap();
    assert_eq!(
        fixed,
        "scenario x \"X\"\ncustomer C\nagent A\n\nscene s\n  C: \"hi\"\n  end e\nending e \"E\"\n"
    );

    let refused = rapport(dir.path(), &["fmt", "broken.scenario"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stdout(&refused).contains("error[E"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("broken.scenario")).unwrap(),
        "scene\n"
    );
}
