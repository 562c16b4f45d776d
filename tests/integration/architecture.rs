//! The shape of the code (docs/architecture.md): no front door imports another but the
//! dispatcher, the library imports no front door, and no source file grows past 700 lines.

use std::path::{Path, PathBuf};

use crate::common::root;

/// The front doors and what each may name besides the library.
const FRONT_DOORS: &[(&str, &[&str])] = &[
    // The dispatcher starts every other front door.
    ("cli", &["repl", "serve", "lsp", "term"]),
    ("repl", &["term"]),
    ("serve", &[]),
    ("lsp", &[]),
];

/// Modules only front doors may name.
const DOOR_ONLY: &[&str] = &["cli", "repl", "serve", "lsp", "term"];

/// The largest a source file may be.
const MAX_LINES: usize = 700;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file under `src/` belongs to (`src/check/resolve/mod.rs` → `check`).
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap();
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_string()
}

/// Every top-level module a file names through `crate::…` (in `use` lines and paths alike).
fn named_modules(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.push(name);
            }
            rest = after;
        }
    }
    names
}

#[test]
fn no_module_names_a_front_door_it_does_not_own() {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut faults = Vec::new();
    for file in &files {
        if file.ends_with("main.rs") && file.parent() == Some(src.as_path()) {
            continue; // the binary: `rapport::cli::main()` only
        }
        let owner = module_of(&src, file);
        let allowed: &[&str] = FRONT_DOORS
            .iter()
            .find(|(door, _)| *door == owner)
            .map_or(&[], |(_, allowed)| allowed);
        let text = std::fs::read_to_string(file).unwrap();
        for name in named_modules(&text) {
            if name != owner
                && DOOR_ONLY.contains(&name.as_str())
                && !allowed.contains(&name.as_str())
            {
                faults.push(format!(
                    "{} (in `{owner}`) names `crate::{name}`",
                    file.strip_prefix(root()).unwrap().display()
                ));
            }
        }
    }
    faults.dedup();
    assert!(
        faults.is_empty(),
        "front doors are reached only through the dispatcher, and the library names none \
         (docs/architecture.md):\n{}",
        faults.join("\n")
    );
}

#[test]
fn the_rule_sees_a_front_door_named_from_the_library() {
    // The check above is only as good as its reading of paths: make sure it would catch one.
    let names =
        named_modules("use crate::repl::Input;\nlet x = crate::cli::exit::OK; // crate::lsp");
    assert_eq!(names, ["repl", "cli"]);
}

#[test]
fn no_source_file_is_over_seven_hundred_lines() {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).unwrap().lines().count();
            (lines > MAX_LINES).then(|| {
                format!(
                    "{}: {lines} lines",
                    f.strip_prefix(root()).unwrap().display()
                )
            })
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these by concern (one job per file):\n{}",
        long.join("\n")
    );
}
