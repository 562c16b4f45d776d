//! The command line: argument parsing (clap) and dispatch. I/O only; every decision is
//! made by the library modules. This is the one dispatcher that starts the other front
//! doors (the REPL; the server and the language server where built).

mod args;
mod check;
mod fmt;
mod lms;
mod paths;
mod run;
mod tools;

use clap::Parser as _;

pub use args::{Cli, Command};

use crate::term::{error, exit, out};

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
        Some(Command::Play(args)) => crate::repl::play(
            &args.file,
            args.root.as_deref(),
            args.mode.as_deref(),
            args.save.clone(),
            args.resume.as_deref(),
        ),
        Some(Command::Fmt(args)) => fmt::run(&args),
        Some(Command::Completions { shell }) => completions(shell),
        Some(Command::Man) => man(),
        Some(Command::Graph(args)) => tools::graph(&args),
        Some(Command::Export(args)) => tools::export(&args),
        #[cfg(feature = "serve")]
        Some(Command::Serve(args)) => serve(&args),
        #[cfg(feature = "serve")]
        Some(Command::Results {
            command: args::ResultsCommand::Delete(args),
        }) => delete_results(&args),
        #[cfg(feature = "lsp")]
        Some(Command::Lsp(args)) => crate::lsp::run(args.root.as_deref()),
        None => crate::repl::pick_and_play(),
    }
}

/// `rapport serve`: runs until SIGTERM or Ctrl-C; a start-up failure exits 2.
#[cfg(feature = "serve")]
fn serve(args: &args::ServeArgs) -> i32 {
    let options = crate::serve::Options {
        dir: args.dir.clone(),
        addr: args.addr.clone(),
        database: args.database.clone(),
        base_url: args.base_url.clone(),
        log_json: args.log_json,
        key_file: args.key_file.clone(),
        manager_token_file: args.manager_token_file.clone(),
    };
    match crate::serve::serve(&options) {
        Ok(()) => exit::OK,
        Err(e) => {
            error(&e.0);
            exit::USAGE
        }
    }
}

/// `rapport results delete`.
#[cfg(feature = "serve")]
fn delete_results(args: &args::ResultsDeleteArgs) -> i32 {
    match crate::serve::delete_results(
        &args.dir,
        args.database.as_deref(),
        args.learner.as_deref(),
        args.older_than,
    ) {
        Ok(text) => {
            out(&text);
            exit::OK
        }
        Err(e) => {
            error(&e.0);
            exit::USAGE
        }
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
