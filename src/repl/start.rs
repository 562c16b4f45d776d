//! Starting the REPL: `rapport play` (a new or resumed session) and `rapport` with no
//! arguments (pick a scenario under `./scenarios`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{default_save_path, is_playable, run_session, shorten, Input, Line, Session};
use crate::check::check_file;
use crate::play::save::{self, Save};
use crate::play::Mode;
use crate::source::FileId;
use crate::term::{error, exit, out, warn};

/// `rapport play FILE [--mode M] [--save PATH] [--resume PATH]`; returns the exit code.
#[must_use]
pub fn play(
    file: &Path,
    root: Option<&Path>,
    mode: &str,
    save_path: Option<PathBuf>,
    resume: Option<&Path>,
) -> i32 {
    let mode = Mode::parse(mode).unwrap_or(Mode::Practice);
    let mut input = Input::new();
    play_with(file, root, mode, save_path, resume, &mut input)
}

fn play_with(
    file: &Path,
    root: Option<&Path>,
    mode: Mode,
    save_path: Option<PathBuf>,
    resume: Option<&Path>,
    input: &mut Input,
) -> i32 {
    let checked = match crate::term::load_playable(file, root) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    let Some(scenario) = &checked.scenario else {
        return exit::CONTENT;
    };
    let hash = save::source_hash(&checked.sources.file(FileId(0)).text);
    let save_path = save_path
        .or_else(|| resume.map(Path::to_path_buf))
        .unwrap_or_else(|| default_save_path(&scenario.id));
    let (mut session, replayed) = if let Some(from) = resume {
        let text = match crate::check::read_text(from) {
            Ok(text) => text,
            Err(e) => {
                error(&format!("cannot resume from `{}`: {e}", from.display()));
                return exit::USAGE;
            }
        };
        let saved = match Save::parse(&text) {
            Ok(s) => s,
            Err(reason) => {
                error(&format!(
                    "cannot resume from `{}`: {reason}. The file was left as it is.",
                    from.display()
                ));
                return exit::CONTENT;
            }
        };
        if saved.scenario != scenario.id {
            error(&format!(
                "`{}` is a save of the scenario `{}`, not of `{}`. The file was left as it is.",
                from.display(),
                saved.scenario,
                scenario.id
            ));
            return exit::CONTENT;
        }
        let (session, replayed) = Session::resume(scenario, mode, save_path, hash.clone(), &saved);
        if replayed.diverged.is_some() {
            // Keep what the trainee had: the next autosave overwrites the save.
            let kept = from.with_extension("before-resume.json");
            if let Err(e) = std::fs::copy(from, &kept) {
                warn(&format!("could not keep a copy of the save: {e}"));
            } else {
                out(&format!(
                    "(Your original save is kept as {})\n",
                    kept.display()
                ));
            }
        }
        if saved.source_hash != hash {
            out(
                "(The scenario has changed since this save: choices were matched by their text.)\n",
            );
        }
        (session, Some(replayed))
    } else {
        (Session::new(scenario, mode, save_path, hash), None)
    };
    let opening = session.start(replayed.as_ref());
    run_session(&mut session, &opening, input);
    exit::OK
}

/// `rapport` with no arguments: pick a scenario under `./scenarios`, then play it.
#[must_use]
pub fn pick_and_play() -> i32 {
    let folder = PathBuf::from("scenarios");
    if !folder.is_dir() {
        error("there is no `scenarios` folder here. Run `rapport play FILE`, or `rapport --help` for every command.");
        return exit::USAGE;
    }
    let files = match crate::files::collect(&[folder]) {
        Ok(files) => files,
        Err(e) => {
            error(&e);
            return exit::USAGE;
        }
    };
    let mut choices = Vec::new();
    for path in files.into_iter().filter(|p| is_playable(p)) {
        if let Ok(checked) = check_file(&path, None) {
            if let Some(s) = &checked.scenario {
                let brief = s
                    .brief
                    .as_ref()
                    .map(|b| crate::runtime::State::initial(s).render(s, b))
                    .unwrap_or_default();
                choices.push((path.clone(), s.title.clone(), brief));
            }
        }
    }
    if choices.is_empty() {
        error("no playable scenario in `scenarios` (run `rapport check scenarios` to see why)");
        return exit::CONTENT;
    }
    let mut text = String::from("Rapport: customer conversations to practise.\n\n");
    for (i, (path, title, brief)) in choices.iter().enumerate() {
        let _ = writeln!(
            text,
            "  {}. {title}  ({})\n     {}",
            i + 1,
            path.display(),
            shorten(brief, 90)
        );
    }
    let _ = writeln!(text, "\nWhich one? Type 1 to {} (or :quit).", choices.len());
    out(&text);
    let mut input = Input::new();
    loop {
        let line = match input.read("scenario> ") {
            Line::Text(line) => line,
            Line::Interrupted => continue,
            Line::End => return exit::OK,
        };
        let line = line.trim();
        if matches!(line, ":quit" | ":q" | "q" | "quit") {
            return exit::OK;
        }
        match line.parse::<usize>() {
            Ok(n) if (1..=choices.len()).contains(&n) => {
                let path = choices[n - 1].0.clone();
                return play_with(&path, None, Mode::Practice, None, None, &mut input);
            }
            _ => out(&format!(
                "Type a number from 1 to {}, or :quit.\n",
                choices.len()
            )),
        }
    }
}
