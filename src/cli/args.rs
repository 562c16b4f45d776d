//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Rapport: scripted customer-service training conversations.
#[derive(Parser, Debug)]
#[command(name = "rapport", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Parse and check scenario files or folders (recursively `*.scenario`).
    Check(CheckArgs),
    /// Play the given picks non-interactively and print the graded report.
    Run(RunArgs),
    /// Explore every branch: the branch tree (text) or every run (json), with a summary.
    Paths(PathsArgs),
    /// Play a scenario as a trainee, in the terminal.
    Play(PlayArgs),
    /// Rewrite files in the canonical layout (`--check` only lists the ones that differ).
    Fmt(FmtArgs),
    /// Print a shell completion script: `rapport completions bash > ~/.local/share/bash-completion/completions/rapport`.
    Completions {
        /// The shell: bash, zsh, fish, powershell or elvish.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `rapport man > rapport.1`.
    Man,
    /// The scene graph: scenes, choices as edges with tags and effects, triggers, endings.
    Graph(GraphArgs),
    /// The checked scenario as JSON, for other tools (shape in docs/export.md).
    Export(ExportArgs),
    /// Serve the scenarios to trainees in the browser, with a results store and a cohort
    /// view for managers (docs/serve.md).
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Manage the results store of `rapport serve`.
    #[cfg(feature = "serve")]
    Results {
        #[command(subcommand)]
        command: ResultsCommand,
    },
    /// The language server, over stdin and stdout (for editors; see docs/lsp.md).
    #[cfg(feature = "lsp")]
    Lsp(LspArgs),
}

#[cfg(feature = "serve")]
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// The folder of scenarios to serve (recursively `*.scenario`).
    #[arg(default_value = "scenarios")]
    pub dir: PathBuf,
    /// Address to listen on.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// The results store: `postgres://USER@HOST/DB` or `sqlite://PATH` (default: the `SQLite`
    /// file `rapport.sqlite` in DIR).
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// The address trainees use to reach this server (behind a proxy), e.g.
    /// `https://training.example.com`.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Log one JSON object per request instead of a text line.
    #[arg(long)]
    pub log_json: bool,
    /// The signing key file, used when `RAPPORT_SECRET` is not set (default: `rapport.key` in
    /// DIR, generated when missing).
    #[arg(long, value_name = "PATH")]
    pub key_file: Option<PathBuf>,
    /// A file holding the manager token (else `RAPPORT_MANAGER_TOKEN` or
    /// `RAPPORT_MANAGER_TOKEN_FILE`). Never pass the token itself on the command line.
    #[arg(long, value_name = "PATH")]
    pub manager_token_file: Option<PathBuf>,
}

#[cfg(feature = "serve")]
#[derive(Subcommand, Debug)]
pub enum ResultsCommand {
    /// Delete stored results: one learner's (erasure requests) or old ones (retention).
    Delete(ResultsDeleteArgs),
}

#[cfg(feature = "serve")]
#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["learner", "older_than"])))]
pub struct ResultsDeleteArgs {
    /// The folder the server serves (where the default `SQLite` file is).
    #[arg(default_value = "scenarios")]
    pub dir: PathBuf,
    /// The results store, as given to `rapport serve --database`.
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Delete every run of this learner.
    #[arg(long, value_name = "ID")]
    pub learner: Option<String>,
    /// Delete every run started more than DAYS days ago.
    #[arg(long, value_name = "DAYS")]
    pub older_than: Option<u32>,
}

/// Output format of `run` and `paths`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// Output format of `check`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CheckFormat {
    #[default]
    Text,
    Json,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
    /// GitHub Actions annotations (`::error file=…,line=…::…`).
    Github,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or folders to check (default: `scenarios`, else the current folder).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: CheckFormat,
    /// Treat warnings as errors (exit 1 if there are any).
    #[arg(long)]
    pub deny_warnings: bool,
    /// Folder that includes may not leave (default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Stop the state search after this many states (W017 says when it did).
    #[arg(long, value_name = "N", default_value_t = crate::runtime::MAX_STATES)]
    pub max_states: usize,
}

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The scenario to play.
    pub file: PathBuf,
    /// Picks, 1-based among the choices offered at each turn: `1,2,1`.
    // One comma-separated value (or none), so that `--choices 1,2 FILE` leaves FILE alone.
    #[arg(long, value_delimiter = ',', num_args = 0..=1)]
    pub choices: Vec<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Folder that includes may not leave (default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct PathsArgs {
    /// The scenario to explore.
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Cut a run when a scene would be entered more often than this.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub max_visits: u32,
    /// Cut a run when choices would be offered after this many turns.
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub max_turns: u32,
    /// Stop listing runs after this many.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_runs: usize,
    /// Stop the state search after this many states (dead content is then not listed).
    #[arg(long, value_name = "N", default_value_t = crate::runtime::MAX_STATES)]
    pub max_states: usize,
    /// Folder that includes may not leave (default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct PlayArgs {
    /// The scenario to play.
    pub file: PathBuf,
    /// `practice` (the default) shows emotion meters and coach notes and allows :undo;
    /// `assessment` does not. A resumed session keeps the mode it was saved in.
    #[arg(long, value_parser = ["practice", "assessment"])]
    pub mode: Option<String>,
    /// Where to autosave after every turn (default: a file named after the scenario in your
    /// state directory, shown at start).
    #[arg(long, value_name = "PATH")]
    pub save: Option<PathBuf>,
    /// Continue a saved session.
    #[arg(long, value_name = "PATH")]
    pub resume: Option<PathBuf>,
    /// Folder that includes may not leave (default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// Files or folders to format (default: `scenarios`, else the current folder).
    pub paths: Vec<PathBuf>,
    /// Change nothing: list the files that are not formatted, and fail if there are any.
    #[arg(long)]
    pub check: bool,
}

/// Graph language.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum GraphFormat {
    #[default]
    Dot,
    Mermaid,
}

#[derive(clap::Args, Debug)]
pub struct GraphArgs {
    /// The scenario to draw.
    pub file: PathBuf,
    /// `dot` for Graphviz, `mermaid` for Markdown pages.
    #[arg(long, value_enum, default_value_t)]
    pub format: GraphFormat,
    /// Folder that includes may not leave (default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The scenario to export as JSON; with `--scorm` or `--cmi5`, the scenarios (files or
    /// folders; default `scenarios`) to package for a learning platform.
    pub paths: Vec<PathBuf>,
    /// Write one SCORM 1.2 package (a zip) per scenario into this folder.
    #[arg(long, value_name = "OUT")]
    pub scorm: Option<PathBuf>,
    /// Write a cmi5 course structure (`cmi5.xml`) listing every scenario into this folder.
    #[arg(long, value_name = "OUT")]
    pub cmi5: Option<PathBuf>,
    /// The address trainees open `rapport serve` at (needed by `--scorm` and `--cmi5`).
    #[arg(long, value_name = "BASE")]
    pub url: Option<String>,
    /// The course's title in `cmi5.xml`.
    #[arg(
        long,
        value_name = "TITLE",
        default_value = "Managing customer relationships with empathy"
    )]
    pub title: String,
    /// Folder that includes may not leave (default: the current folder).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

#[cfg(feature = "lsp")]
#[derive(clap::Args, Debug)]
pub struct LspArgs {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    pub stdio: bool,
    /// Folder that includes may not leave (default: the workspace folder the editor opened).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}
