//! The command line: argument parsing (clap) and dispatch. I/O only; every decision is
//! made by the library modules.

mod args;
mod check;
mod fmt;
mod paths;
mod play;
mod run;
mod tools;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Parser as _;

pub use args::{Cli, Command};

/// Exit codes (product.md §1).
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// The content has a problem.
    pub const CONTENT: i32 = 1;
    /// Usage or I/O error.
    pub const USAGE: i32 = 2;
}

/// Runs the command line and returns the process exit code.
#[must_use]
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
        }
    };
    match cli.command {
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::Run(args)) => run::run(&args),
        Some(Command::Paths(args)) => paths::run(&args),
        Some(Command::Play(args)) => play::run(&args),
        Some(Command::Fmt(args)) => fmt::run(&args),
        Some(Command::Completions { shell }) => completions(shell),
        Some(Command::Man) => man(),
        Some(Command::Graph(args)) => tools::graph(&args),
        Some(Command::Export(args)) => tools::export(&args),
        None => play::pick_and_play(),
    }
}

/// Prints a completion script. Rendered into a buffer first: writing straight to a closed
/// pipe makes `clap_complete` panic.
fn completions(shell: clap_complete::Shell) -> i32 {
    use clap::CommandFactory as _;
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "rapport", &mut buffer);
    out(&String::from_utf8_lossy(&buffer));
    exit::OK
}

/// Prints the man page.
fn man() -> i32 {
    use clap::CommandFactory as _;
    let mut buffer = Vec::new();
    if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut buffer) {
        error(&format!("cannot render the man page: {e}"));
        return exit::USAGE;
    }
    out(&String::from_utf8_lossy(&buffer));
    exit::OK
}

/// Checks a file that is to be played, explored or drawn. When it is not playable, says
/// why on stderr (its diagnostics, or that it is a library file) and gives the exit code.
pub(crate) fn load_playable(
    file: &Path,
    root: Option<&Path>,
) -> Result<crate::check::Checked, i32> {
    let checked = crate::check::check_file(file, root).map_err(|e| {
        error(&e.to_string());
        exit::USAGE
    })?;
    if checked.scenario.is_some() {
        return Ok(checked);
    }
    if checked.library && checked.errors() == 0 {
        error(&format!(
            "`{}` is a library file (it has no `scenario` header), so it cannot be used on its own; \
             use a scenario that includes it",
            file.display()
        ));
        return Err(exit::CONTENT);
    }
    let text: String = checked
        .diagnostics
        .iter()
        .map(|d| crate::render::diagnostics::render(&checked.sources, d, colour_stderr()))
        .collect();
    let _ = anstream::stderr().write_all(text.as_bytes());
    error(&format!(
        "`{}` has {} error(s); fix them first",
        file.display(),
        checked.errors()
    ));
    Err(exit::CONTENT)
}

/// Prints an error message for the user on stderr.
pub(crate) fn error(message: &str) {
    let style = anstyle::AnsiColor::Red
        .on_default()
        .effects(anstyle::Effects::BOLD);
    let _ = writeln!(anstream::stderr(), "{style}error{style:#}: {message}");
}

/// Prints a warning on stderr.
pub(crate) fn warn(message: &str) {
    let style = anstyle::AnsiColor::Yellow
        .on_default()
        .effects(anstyle::Effects::BOLD);
    let _ = writeln!(anstream::stderr(), "{style}warning{style:#}: {message}");
}

/// Writes to stdout, ignoring a closed pipe.
pub(crate) fn out(text: &str) {
    let mut stdout = anstream::stdout();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Whether stdout gets colour (a terminal and no `NO_COLOR`).
pub(crate) fn colour() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

/// Whether stderr gets colour.
pub(crate) fn colour_stderr() -> bool {
    anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
}

/// The paths given, or `scenarios` (else `.`) when none are.
pub(crate) fn paths_or_default(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        let default = PathBuf::from("scenarios");
        vec![if default.is_dir() {
            default
        } else {
            PathBuf::from(".")
        }]
    } else {
        paths.to_vec()
    }
}

/// Expands files and folders (recursively, `*.scenario`) into a sorted list of files.
pub(crate) fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(format!(
                "cannot read `{}`: no such file or folder",
                path.display()
            ));
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for entry in entries {
        let hidden = entry
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if entry.is_dir() {
            walk(&entry, files)?;
        } else if entry.extension().is_some_and(|e| e == "scenario") {
            files.push(entry);
        }
    }
    Ok(())
}
