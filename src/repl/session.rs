//! The trainee's session: input in, text and effects out. No terminal code.
//!
//! `Session::handle` takes one line (a choice number or a `:command`) and returns a
//! [`Reply`]: the text to show and the effects to carry out (autosave, transcripts, quit).
//! The loop in `repl` does the I/O; everything a trainee can do is testable here.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::diagnostic::suggest;
use crate::play::save::{replay, Pick, Replay, Save, FORMAT};
use crate::play::Mode;
use crate::render::report::{self, Report};
use crate::runtime::{Event, Run, Status};
use crate::scenario::Scenario;

/// Something the loop must do after showing a reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Write this save, atomically; `announce`: say whether it worked (`:save`, `:quit`).
    Save {
        path: PathBuf,
        contents: String,
        announce: bool,
    },
    /// Write the finished transcript next to the save (and say where, or why not).
    Transcript {
        markdown: PathBuf,
        markdown_text: String,
        json: PathBuf,
        json_text: String,
    },
    /// Leave the session.
    Quit,
}

/// What a line of input produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    pub text: String,
    pub effects: Vec<Effect>,
}

/// The commands, for `:help` and completion.
pub const COMMANDS: &[(&str, &str)] = &[
    (":help", "this list"),
    (":state", "the customer's emotions and the flags (practice)"),
    (":undo", "take back your last choice (practice)"),
    (":restart", "start the conversation again"),
    (":transcript", "the conversation so far"),
    (":save", "save now (`:save PATH` saves a copy there)"),
    (":quit", "save and leave (Ctrl-D does the same)"),
];

/// A trainee playing one scenario.
pub struct Session<'s> {
    scenario: &'s Scenario,
    mode: Mode,
    run: Run<'s>,
    picks: Vec<Pick>,
    save_path: PathBuf,
    source_hash: String,
    /// Events already shown.
    shown: usize,
}

impl<'s> Session<'s> {
    /// A new session; `save_path` is where it autosaves.
    #[must_use]
    pub fn new(
        scenario: &'s Scenario,
        mode: Mode,
        save_path: PathBuf,
        source_hash: String,
    ) -> Self {
        Session {
            scenario,
            mode,
            run: Run::start(scenario),
            picks: Vec::new(),
            save_path,
            source_hash,
            shown: 0,
        }
    }

    /// Resumes from a save: replays its picks ([`replay`]: by text, then by a clearly
    /// similar text, then by place when nothing else changed in that turn).
    #[must_use]
    pub fn resume(
        scenario: &'s Scenario,
        mode: Mode,
        save_path: PathBuf,
        source_hash: String,
        save: &Save,
    ) -> (Self, Replay) {
        let mut session = Session::new(scenario, mode, save_path, source_hash);
        let result = replay(&mut session.run, &save.picks);
        session.picks.clone_from(&result.picks);
        (session, result)
    }

    #[must_use]
    pub fn mode(&self) -> Mode {
        self.mode
    }

    #[must_use]
    pub fn picks(&self) -> &[Pick] {
        &self.picks
    }

    #[must_use]
    pub fn save_path(&self) -> &Path {
        &self.save_path
    }

    /// Autosave somewhere else from now on (a resumed session that must not overwrite the
    /// save it came from).
    pub fn set_save_path(&mut self, path: PathBuf) {
        self.save_path = path;
    }

    /// The conversation so far, as the trainee saw it (for `:transcript`, and for the
    /// terminal when no save could be written).
    #[must_use]
    pub fn transcript(&self) -> String {
        self.transcript_text()
    }

    /// The scenario played.
    #[must_use]
    pub fn scenario(&self) -> &'s Scenario {
        self.scenario
    }

    /// Whether the conversation has ended (or is stuck).
    #[must_use]
    pub fn over(&self) -> bool {
        !matches!(self.run.status(), Status::AwaitingChoice { .. })
    }

    /// The current save.
    #[must_use]
    pub fn save(&self) -> Save {
        Save {
            format: FORMAT,
            scenario: self.scenario.id.clone(),
            source_hash: self.source_hash.clone(),
            mode: self.mode.as_str().to_string(),
            picks: self.picks.clone(),
        }
    }

    fn autosave(&self) -> Effect {
        Effect::Save {
            path: self.save_path.clone(),
            contents: self.save().to_json(),
            announce: false,
        }
    }

    /// The opening: title, brief, objectives, how to play, then the first turn.
    pub fn start(&mut self, resumed: Option<&Replay>) -> Reply {
        let s = self.scenario;
        let mut text = String::new();
        let _ = writeln!(text, "{}\n{}", s.title, "=".repeat(s.title.chars().count()));
        if let Some(brief) = &s.brief {
            let _ = writeln!(text, "{}", self.run.state().render(s, brief));
        }
        if !s.objectives.is_empty() {
            let _ = writeln!(text, "\nObjectives:");
            for objective in &s.objectives {
                let _ = writeln!(text, "  - {}", self.run.state().render(s, objective));
            }
        }
        let _ = writeln!(
            text,
            "\nYou are {}. Mode: {}.",
            s.display_name(s.agent),
            match self.mode {
                Mode::Practice => {
                    "practice (emotion meters and coach notes are shown; :undo takes a choice back)"
                }
                Mode::Assessment => "assessment (no meters, no coach notes, no undo)",
            }
        );
        let _ = writeln!(
            text,
            "Your progress is saved after every turn to {}",
            self.save_path.display()
        );
        let _ = writeln!(text, "Type the number of your answer, or :help.");
        if let Some(replayed) = resumed {
            text.push('\n');
            text.push_str(&Self::resume_note(replayed));
        }
        text.push('\n');
        if resumed.is_some_and(|r| !r.picks.is_empty()) {
            // Show the conversation so far, then the current turn.
            text.push_str(&self.transcript_text());
            self.shown = self.run.events().len();
            text.push('\n');
            text.push_str(&self.turn_text());
        } else {
            text.push_str(&self.new_events());
            text.push_str(&self.turn_text());
        }
        let mut reply = Reply {
            text,
            effects: Vec::new(),
        };
        if self.over() {
            self.finish(&mut reply);
        }
        reply
    }

    fn resume_note(replayed: &Replay) -> String {
        let mut text = String::new();
        let n = replayed.picks.len();
        let _ = writeln!(
            text,
            "Resumed: {n} {} replayed.",
            if n == 1 { "choice" } else { "choices" }
        );
        text.push_str(&replayed.describe());
        text
    }

    /// Handles one line of input.
    pub fn handle(&mut self, input: &str) -> Reply {
        let input = input.trim();
        if input.is_empty() {
            return self.hint();
        }
        if let Some(command) = input.strip_prefix(':') {
            let (name, arg) = command
                .split_once(char::is_whitespace)
                .map_or((command, ""), |(n, a)| (n, a.trim()));
            return self.command(name, arg);
        }
        match input.parse::<usize>() {
            Ok(number) => self.choose(number),
            Err(_) => {
                let mut reply = self.hint();
                reply.text = format!("`{input}` is not a choice. {}", reply.text);
                reply
            }
        }
    }

    fn hint(&self) -> Reply {
        let text = if self.over() {
            "The conversation is over. :restart plays it again, :transcript shows it, :quit leaves.\n"
                .to_string()
        } else {
            let n = self.run.offered().len();
            let range = if n == 1 {
                "1".to_string()
            } else {
                format!("a number from 1 to {n}")
            };
            format!("Type {range} to answer, or :help for commands.\n")
        };
        Reply {
            text,
            effects: Vec::new(),
        }
    }

    fn choose(&mut self, number: usize) -> Reply {
        if self.over() {
            return self.hint();
        }
        let offered = self.run.offered().len();
        if number == 0 || number > offered {
            let mut reply = self.hint();
            reply.text = format!("There is no choice {number}. {}", reply.text);
            return reply;
        }
        let offered = self.run.offered_texts();
        let text = offered[number - 1].clone();
        let scene = self.scenario.scene(self.run.scene()).id.clone();
        if self.run.choose(number).is_err() {
            return self.hint();
        }
        self.picks.push(Pick {
            number,
            text,
            offered,
            scene,
        });
        let mut out = self.new_events();
        out.push_str(&self.turn_text());
        let mut reply = Reply {
            text: out,
            effects: vec![self.autosave()],
        };
        if self.over() {
            self.finish(&mut reply);
        }
        reply
    }

    fn command(&mut self, name: &str, arg: &str) -> Reply {
        let mut reply = Reply::default();
        match name {
            "help" | "h" | "?" => {
                let _ = writeln!(reply.text, "Type the number of your answer. Commands:");
                for (command, what) in COMMANDS {
                    let _ = writeln!(reply.text, "  {command:<12} {what}");
                }
                let _ = writeln!(
                    reply.text,
                    "Tab completes commands; Ctrl-C clears the line."
                );
            }
            "state" => {
                if self.mode == Mode::Assessment {
                    reply.text = "In assessment mode the customer's emotions are not shown: read them from what they say.\n".to_string();
                } else {
                    reply.text = self.state_text();
                }
            }
            "undo" => {
                if self.mode == Mode::Assessment {
                    reply.text =
                        ":undo is not available in assessment mode: every choice counts.\n"
                            .to_string();
                } else if self.picks.is_empty() {
                    reply.text = "There is nothing to undo yet.\n".to_string();
                } else {
                    let mut picks = std::mem::take(&mut self.picks);
                    let undone = picks.pop();
                    self.replay_from_start(&picks);
                    let _ = writeln!(
                        reply.text,
                        "Undone: \"{}\"\nBack to turn {}.\n",
                        undone.map(|p| p.text).unwrap_or_default(),
                        self.picks.len() + 1
                    );
                    reply.text.push_str(&self.replay_tail());
                    reply.effects.push(self.autosave());
                }
            }
            "restart" => {
                self.replay_from_start(&[]);
                self.shown = 0;
                reply.text = "Starting again.\n\n".to_string();
                reply.text.push_str(&self.new_events());
                reply.text.push_str(&self.turn_text());
                reply.effects.push(self.autosave());
            }
            "transcript" => {
                reply.text = self.transcript_text();
            }
            "save" => {
                let path = if arg.is_empty() {
                    self.save_path.clone()
                } else {
                    PathBuf::from(arg)
                };
                // The loop says whether it was saved, once it has tried.
                reply.effects.push(Effect::Save {
                    path,
                    contents: self.save().to_json(),
                    announce: true,
                });
            }
            "quit" | "q" | "exit" => {
                // The loop says where the session was saved (or why not), then goodbye.
                reply.effects.push(Effect::Save {
                    path: self.save_path.clone(),
                    contents: self.save().to_json(),
                    announce: true,
                });
                reply.effects.push(Effect::Quit);
            }
            other => {
                let names = COMMANDS.iter().map(|(c, _)| &c[1..]);
                let guess = suggest(other, names)
                    .map(|g| format!(" Did you mean :{g}?"))
                    .unwrap_or_default();
                let list: Vec<&str> = COMMANDS.iter().map(|(c, _)| *c).collect();
                reply.text = format!(
                    "Unknown command :{other}.{guess} Commands: {}.\n",
                    list.join(" ")
                );
            }
        }
        reply
    }

    /// Plays `picks` on a fresh run (for `:undo` and `:restart`).
    fn replay_from_start(&mut self, picks: &[Pick]) {
        self.run = Run::start(self.scenario);
        self.picks.clear();
        for pick in picks {
            if self.run.choose(pick.number).is_err() {
                break;
            }
            self.picks.push(pick.clone());
        }
        self.shown = self.run.events().len();
    }

    /// After an undo: what was said since the last choice, and the choices again.
    fn replay_tail(&mut self) -> String {
        let events = self.run.events();
        let start = events
            .iter()
            .rposition(|e| matches!(e, Event::Choice { .. }))
            .map_or(0, |i| i + 1);
        let mut text = String::new();
        for event in &events[start..] {
            if let Some(line) = self.event_line(event) {
                text.push_str(&line);
            }
        }
        text.push_str(&self.turn_text());
        text
    }

    fn event_line(&self, event: &Event) -> Option<String> {
        let s = self.scenario;
        match event {
            Event::Line { .. } | Event::Narration { .. } => {
                report::event_text(s, event).map(|t| format!("{t}\n"))
            }
            Event::Choice { text, coach, .. } => {
                let mut out = format!("\n> {}: {text}\n", s.display_name(s.agent));
                if self.mode == Mode::Practice {
                    if let Some(coach) = coach {
                        let _ = writeln!(out, "  Coach: {coach}");
                    }
                }
                Some(out)
            }
            Event::Effect { .. } | Event::Trigger { .. } | Event::Ending { .. } => None,
        }
    }

    /// Events not shown yet.
    fn new_events(&mut self) -> String {
        let mut text = String::new();
        for event in &self.run.events()[self.shown..] {
            if let Some(line) = self.event_line(event) {
                text.push_str(&line);
            }
        }
        self.shown = self.run.events().len();
        text
    }

    /// Meters (practice) and the numbered choices.
    fn turn_text(&self) -> String {
        let mut text = String::new();
        if self.over() {
            return text;
        }
        if self.mode == Mode::Practice && !self.scenario.emotions.is_empty() {
            text.push('\n');
            text.push_str(&self.meters());
        }
        text.push('\n');
        for (i, choice) in self.run.offered_texts().iter().enumerate() {
            let _ = writeln!(text, "  {}. {choice}", i + 1);
        }
        text
    }

    /// `frustration ██████░░░░ 6/10`, one line per emotion.
    #[must_use]
    pub fn meters(&self) -> String {
        let s = self.scenario;
        let width = s.emotion_name_width();
        let mut text = String::new();
        for (emotion, value) in s.emotions.iter().zip(&self.run.state().emotions) {
            let _ = writeln!(
                text,
                "  {:width$}  {}  {value}/{}",
                emotion.id,
                bar(*value, emotion.lo, emotion.hi),
                emotion.hi
            );
        }
        text
    }

    fn state_text(&self) -> String {
        let s = self.scenario;
        let mut text = String::new();
        if !s.emotions.is_empty() {
            text.push_str(&self.meters());
        }
        for (flag, value) in s.flags.iter().zip(&self.run.state().flags) {
            let _ = writeln!(text, "  {}: {}", flag.id, if *value { "yes" } else { "no" });
        }
        let _ = writeln!(text, "  turn: {}", self.run.state().turn);
        text
    }

    /// The whole conversation so far.
    fn transcript_text(&self) -> String {
        let mut text = String::new();
        for event in self.run.events() {
            if let Some(line) = self.event_line(event) {
                text.push_str(&line);
            }
        }
        if text.is_empty() {
            text.push_str("(nothing has been said yet)\n");
        }
        text
    }

    /// The debrief and the transcript files, when the conversation is over.
    fn finish(&self, reply: &mut Reply) {
        let report = Report::new(&self.run, self.picks.iter().map(|p| p.number).collect());
        let _ = writeln!(reply.text, "\n── Debrief ──");
        reply.text.push_str(&report::debrief(&report));
        reply
            .text
            .push_str(&chart(self.scenario, self.run.history()));
        let markdown = sibling(&self.save_path, "transcript.md");
        let json = sibling(&self.save_path, "transcript.json");
        // Said by the loop once the files are written, never before.
        reply.effects.push(Effect::Transcript {
            markdown,
            markdown_text: self.markdown(&report),
            json,
            json_text: report::json(&report),
        });
    }

    fn markdown(&self, report: &Report<'_, '_>) -> String {
        let s = self.scenario;
        let mut md = String::new();
        let _ = writeln!(md, "# {}\n", s.title);
        let _ = writeln!(md, "Mode: {}\n", self.mode.as_str());
        for event in self.run.events() {
            match event {
                Event::Line { speaker, text } => {
                    let _ = writeln!(md, "**{}:** {text}\n", s.display_name(*speaker));
                }
                Event::Narration { text } => {
                    let _ = writeln!(md, "*{text}*\n");
                }
                Event::Choice { turn, text, .. } => {
                    let _ = writeln!(
                        md,
                        "> **{} (turn {turn}):** {text}\n",
                        s.display_name(s.agent)
                    );
                }
                _ => {}
            }
        }
        let _ = writeln!(md, "## Debrief\n\n```text\n{}```", report::debrief(report));
        md
    }
}

/// A path next to `save` with another ending: `x.json` → `x.transcript.md`.
fn sibling(save: &Path, ending: &str) -> PathBuf {
    let stem = save.file_stem().map_or_else(
        || "session".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    save.with_file_name(format!("{stem}.{ending}"))
}

/// A 10-cell bar for a value in `lo..=hi`.
#[must_use]
pub fn bar(value: i64, lo: i64, hi: i64) -> String {
    let span = (hi - lo).max(1);
    let filled = ((value - lo).clamp(0, span) * 10 + span / 2) / span;
    let filled = usize::try_from(filled).unwrap_or(0).min(10);
    format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled))
}

/// Each emotion's trajectory as a sparkline.
fn chart(scenario: &Scenario, history: &[Vec<i64>]) -> String {
    const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    if scenario.emotions.is_empty() || history.len() < 2 {
        return String::new();
    }
    let width = scenario.emotion_name_width();
    let mut text = String::from("\nTrajectory (start → end)\n");
    for (i, emotion) in scenario.emotions.iter().enumerate() {
        let span = (emotion.hi - emotion.lo).max(1);
        let line: String = history
            .iter()
            .map(|values| {
                let level = (values[i] - emotion.lo).clamp(0, span) * 7 / span;
                LEVELS[usize::try_from(level).unwrap_or(0).min(7)]
            })
            .collect();
        let _ = writeln!(
            text,
            "  {:width$}  {line}  {} → {}",
            emotion.id,
            history[0][i],
            history[history.len() - 1][i]
        );
    }
    text
}
