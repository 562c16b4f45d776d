//! The trainee REPL: the terminal loop around a [`Session`].
//!
//! Only this file touches rustyline. On a terminal it reads with rustyline (Tab completes
//! commands, history persists in the user's data directory, Ctrl-C clears the line, Ctrl-D
//! saves and leaves); when stdin is not a terminal it reads plain lines with no prompt, so
//! `printf '1\n2\n' | rapport play FILE` plays to the end. Game logic lives in the session.

pub mod session;
mod start;

use std::borrow::Cow;
use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{Context, Editor, Helper, Highlighter, Hinter, Validator};

pub use crate::play::Mode;
pub use session::{Effect, Reply, Session, COMMANDS};
pub use start::{pick_and_play, play};

/// Completes `:commands`.
#[derive(Helper, Highlighter, Hinter, Validator, Default)]
pub struct CommandHelper;

impl Completer for CommandHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok((0, complete(&line[..pos])))
    }
}

/// The commands that complete what has been typed.
#[must_use]
pub fn complete(typed: &str) -> Vec<Pair> {
    if !typed.starts_with(':') || typed.contains(char::is_whitespace) {
        return Vec::new();
    }
    COMMANDS
        .iter()
        .filter(|(c, _)| c.starts_with(typed))
        .map(|(c, _)| Pair {
            display: (*c).to_string(),
            replacement: (*c).to_string(),
        })
        .collect()
}

/// Where lines come from.
pub enum Input {
    Terminal(Box<Editor<CommandHelper, DefaultHistory>>, Option<PathBuf>),
    Piped(std::io::StdinLock<'static>),
}

/// A line of input, or why there is none.
pub enum Line {
    Text(String),
    /// Ctrl-C: clear the line and go on.
    Interrupted,
    /// A piped line that is not UTF-8 (shown with replacement characters).
    NotText(String),
    /// Ctrl-D or the end of piped input.
    End,
}

impl Input {
    /// Rustyline on a terminal, plain lines otherwise.
    #[must_use]
    pub fn new() -> Input {
        if std::io::stdin().is_terminal() {
            let config = rustyline::Config::builder()
                .completion_type(rustyline::CompletionType::List)
                .auto_add_history(true)
                .build();
            if let Ok(mut editor) = Editor::with_config(config) {
                editor.set_helper(Some(CommandHelper));
                let history = history_path();
                if let Some(path) = &history {
                    let _ = editor.load_history(path);
                }
                return Input::Terminal(Box::new(editor), history);
            }
        }
        Input::Piped(std::io::stdin().lock())
    }

    /// The terminal's width, when reading from one.
    pub fn width(&mut self) -> Option<usize> {
        match self {
            Input::Terminal(editor, _) => editor.dimensions().map(|(cols, _)| usize::from(cols)),
            Input::Piped(_) => None,
        }
    }

    /// Text to print: word-wrapped to the terminal, as is when piped.
    pub fn shape(&mut self, text: &str) -> String {
        match self.width() {
            Some(width) if width >= 30 => wrap(text, width - 1),
            _ => text.to_string(),
        }
    }

    /// Reads one line, showing `prompt` on a terminal.
    pub fn read(&mut self, prompt: &str) -> Line {
        match self {
            Input::Terminal(editor, history) => match editor.readline(prompt) {
                Ok(line) => {
                    if let Some(path) = history {
                        if let Some(dir) = path.parent() {
                            let _ = std::fs::create_dir_all(dir);
                        }
                        let _ = editor.save_history(path);
                    }
                    Line::Text(line)
                }
                Err(ReadlineError::Interrupted) => Line::Interrupted,
                Err(ReadlineError::Eof) => Line::End,
                Err(e) => {
                    crate::term::warn(&format!("input could not be read: {e}"));
                    Line::End
                }
            },
            Input::Piped(stdin) => {
                let mut bytes = Vec::new();
                match stdin.read_until(b'\n', &mut bytes) {
                    Ok(0) => Line::End,
                    Err(e) => {
                        crate::term::warn(&format!("input could not be read: {e}"));
                        Line::End
                    }
                    Ok(_) => {
                        while bytes.last().is_some_and(|b| matches!(b, b'\n' | b'\r')) {
                            bytes.pop();
                        }
                        match String::from_utf8(bytes) {
                            Ok(line) => Line::Text(line),
                            Err(e) => {
                                Line::NotText(String::from_utf8_lossy(e.as_bytes()).into_owned())
                            }
                        }
                    }
                }
            }
        }
    }
}

impl Default for Input {
    fn default() -> Self {
        Input::new()
    }
}

/// The REPL's command history file, in the user's data directory.
#[must_use]
pub fn history_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("RAPPORT_HISTORY") {
        return Some(PathBuf::from(path));
    }
    dirs::data_dir().map(|d| d.join("rapport").join("history.txt"))
}

/// The default save of a scenario, in the user's state directory.
#[must_use]
pub fn default_save_path(scenario_id: &str) -> PathBuf {
    let base = std::env::var_os("RAPPORT_STATE_DIR")
        .map(PathBuf::from)
        .or_else(|| dirs::state_dir().map(|d| d.join("rapport")))
        .or_else(|| dirs::data_local_dir().map(|d| d.join("rapport")))
        .unwrap_or_else(|| PathBuf::from(".rapport"));
    base.join(format!("{scenario_id}.json"))
}

fn print(text: &str) {
    let mut stdout = anstream::stdout();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Word-wraps each line to `width` columns, continuing under the text of a numbered choice
/// (`  2. …`) or after a line's own indentation, so that nothing breaks mid-word.
#[must_use]
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let (body, newline) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
        if body.chars().count() <= width {
            out.push_str(line);
            continue;
        }
        let lead = body.len() - body.trim_start().len();
        let rest = &body[lead..];
        let marker = rest
            .find(". ")
            .filter(|&i| i > 0 && rest[..i].chars().all(|c| c.is_ascii_digit()))
            .map_or(0, |i| i + 2);
        let hang = " ".repeat((lead + marker).min(width / 2));
        let mut column = 0;
        let mut first = true;
        for word in body.split(' ') {
            let len = word.chars().count();
            if !first && column + 1 + len > width {
                out.push('\n');
                out.push_str(&hang);
                column = hang.len();
            } else if !first {
                out.push(' ');
                column += 1;
            }
            out.push_str(word);
            column += len;
            first = false;
        }
        out.push_str(newline);
    }
    out
}

/// What the loop knows of the saves it wrote, to never claim one that did not happen.
struct Saving<'f> {
    /// The scenario file, for "rapport play FILE --resume SAVE".
    file: &'f Path,
    /// Where the session autosaves.
    session_save: PathBuf,
    /// The last autosave that failed, and why (cleared by one that works).
    failed: Option<(PathBuf, String)>,
}

impl Saving<'_> {
    fn resume_hint(&self, save: &Path) -> String {
        format!(
            "rapport play {} --resume {}",
            self.file.display(),
            save.display()
        )
    }

    /// Writes a save; says so when asked to, and warns when it fails.
    fn save(&mut self, path: &Path, contents: &str, announce: bool) -> bool {
        match crate::files::write_atomic(path, contents) {
            Ok(()) => {
                if path == self.session_save {
                    self.failed = None;
                }
                if announce {
                    print(&format!("Saved to {}\n", path.display()));
                }
                true
            }
            Err(e) => {
                let why = crate::files::why_not_written(path, &e);
                crate::term::warn(&format!(
                    "your progress could not be saved to {}: {why}",
                    path.display()
                ));
                // A copy (`:save PATH`) that fails is said now; the session's own save is
                // what leaving reports on.
                if path == self.session_save {
                    self.failed = Some((path.to_path_buf(), why));
                }
                false
            }
        }
    }

    /// Leaving: where the session is saved and how to go on, or, when the save failed,
    /// where it went instead (a file in the temporary folder, else the transcript printed).
    fn leave(&mut self, session: &Session<'_>, end_of_input: bool) {
        let Some((path, why)) = self.failed.clone() else {
            let path = session.save_path();
            if end_of_input {
                let next = if session.over() {
                    "the conversation is over".to_string()
                } else {
                    format!("to go on: {}", self.resume_hint(path))
                };
                crate::term::note(&format!(
                    "end of input: your progress is saved to {} ({next})",
                    path.display()
                ));
            } else {
                print(&format!("Saved to {}. Goodbye.\n", path.display()));
            }
            return;
        };
        let stem = path
            .file_stem()
            .map_or_else(|| "session".into(), |s| s.to_string_lossy().into_owned());
        let fallback =
            std::env::temp_dir().join(format!("rapport-{stem}-{}.json", std::process::id()));
        let contents = session.save().to_json();
        if crate::files::write_atomic(&fallback, &contents).is_ok() {
            crate::term::warn(&format!(
                "your progress was NOT saved to {} ({why}). It was saved to {} instead; to go on: {}",
                path.display(),
                fallback.display(),
                self.resume_hint(&fallback)
            ));
        } else {
            crate::term::warn(&format!(
                "your progress was NOT saved to {} ({why}), nor anywhere else. The conversation so far:",
                path.display()
            ));
            let _ = std::io::stderr().write_all(session.transcript().as_bytes());
        }
    }
}

/// Carries out a reply's effects; returns whether to quit.
fn apply(effects: &[Effect], saving: &mut Saving<'_>) -> bool {
    let mut quit = false;
    for effect in effects {
        match effect {
            Effect::Save {
                path,
                contents,
                announce,
            } => {
                // `:quit` reports in `leave`, with the fallback when needed.
                let before_quit = effects.last() == Some(&Effect::Quit);
                saving.save(path, contents, *announce && !before_quit);
            }
            Effect::Transcript {
                markdown,
                markdown_text,
                json,
                json_text,
            } => {
                let mut written = true;
                for (path, text) in [(markdown, markdown_text), (json, json_text)] {
                    if let Err(e) = crate::files::write_atomic(path, text) {
                        written = false;
                        crate::term::warn(&format!(
                            "the transcript could not be written to {}: {}",
                            path.display(),
                            crate::files::why_not_written(path, &e)
                        ));
                    }
                }
                if written {
                    print(&format!(
                        "\nTranscript written to {} and {}\n",
                        markdown.display(),
                        json.display()
                    ));
                }
                print(":restart plays again, :quit leaves.\n");
            }
            Effect::Quit => quit = true,
        }
    }
    quit
}

/// Plays a session to its end (or until the trainee leaves); `file` is the scenario's path,
/// for the command that resumes it.
pub fn run_session(session: &mut Session<'_>, opening: &Reply, input: &mut Input, file: &Path) {
    let mut saving = Saving {
        file,
        session_save: session.save_path().to_path_buf(),
        failed: None,
    };
    let text = input.shape(&opening.text);
    print(&text);
    if apply(&opening.effects, &mut saving) {
        return;
    }
    loop {
        let prompt = if session.over() { "done> " } else { "> " };
        let reply = match input.read(prompt) {
            Line::Text(text) => session.handle(&text),
            Line::Interrupted => continue,
            Line::NotText(shown) => {
                let mut reply = session.handle("");
                reply.text = format!(
                    "That line is not text (it is not valid UTF-8): \"{shown}\". It was ignored. {}",
                    reply.text
                );
                reply
            }
            Line::End => {
                let reply = session.handle(":quit");
                apply(&reply.effects, &mut saving);
                saving.leave(session, matches!(input, Input::Piped(_)));
                return;
            }
        };
        let text = input.shape(&reply.text);
        print(&text);
        if apply(&reply.effects, &mut saving) {
            saving.leave(session, false);
            return;
        }
    }
}

/// A short form of a text for lists.
#[must_use]
pub fn shorten(text: &str, max: usize) -> Cow<'_, str> {
    if text.chars().count() <= max {
        Cow::Borrowed(text)
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        Cow::Owned(format!("{}…", cut.trim_end()))
    }
}

/// Whether a path exists and is a scenario file with a header (for the picker).
#[must_use]
pub fn is_playable(path: &Path) -> bool {
    crate::check::read_text(path).is_ok_and(|text| {
        text.lines()
            .map(str::trim_start)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .is_some_and(|l| l.starts_with("scenario "))
    })
}

#[cfg(test)]
mod tests;
