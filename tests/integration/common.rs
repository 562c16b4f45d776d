//! Helpers: run the real binary, load fixtures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rapport::check::Checked;
use rapport::explore::check_file;
use rapport::render::diagnostics::render;

/// The repository root (tests run with it as the current directory).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `rapport` with `args` in `dir`.
pub fn rapport(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the rapport binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Checks a file given relative to the repository root, with `root` bounding includes.
pub fn check(path: &Path, include_root: &Path) -> Checked {
    let relative = path.strip_prefix(root()).unwrap_or(path);
    check_file(relative, Some(include_root)).expect("fixture is readable")
}

/// All diagnostics of a check, rendered without colour.
pub fn rendered(checked: &Checked) -> String {
    checked
        .diagnostics
        .iter()
        .map(|d| render(&checked.sources, d, false))
        .collect()
}

/// Every `*.scenario` under `dir`, sorted.
pub fn scenarios(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "scenario") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
