//! Terminal helpers shared by the terminal front doors (the command line and the REPL):
//! exit codes, messages on stderr, results on stdout, colour only on a terminal.
//!
//! Only `cli` and `repl` use this module; the web server and the language server have
//! their own ways of reporting.

use std::io::Write;
use std::path::Path;

use crate::check::{Checked, Unplayable};

/// Exit codes (product.md §1).
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// The content has a problem.
    pub const CONTENT: i32 = 1;
    /// Usage or I/O error.
    pub const USAGE: i32 = 2;
}

/// Loads a file that is to be played, explored or drawn ([`crate::check::load_playable`]).
/// When it is not playable, says why on stderr (its diagnostics, or that it is a library
/// file) and gives the exit code.
pub(crate) fn load_playable(file: &Path, root: Option<&Path>) -> Result<Checked, i32> {
    match crate::check::load_playable(file, root) {
        Ok(checked) => Ok(checked),
        Err(Unplayable::Unreadable(e)) => {
            error(&e.to_string());
            Err(exit::USAGE)
        }
        Err(Unplayable::Library) => {
            error(&format!(
                "`{}` is a library file (it has no `scenario` header), so it cannot be used on \
                 its own; use a scenario that includes it",
                file.display()
            ));
            Err(exit::CONTENT)
        }
        Err(Unplayable::Errors(checked)) => {
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
    }
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

/// Prints a note on stderr (what a user should know that is not a result).
pub(crate) fn note(message: &str) {
    let style = anstyle::AnsiColor::Cyan
        .on_default()
        .effects(anstyle::Effects::BOLD);
    let _ = writeln!(anstream::stderr(), "{style}note{style:#}: {message}");
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
