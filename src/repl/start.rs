//! Starting the REPL: `rapport play` (a new or resumed session) and `rapport` with no
//! arguments (pick a scenario under `./scenarios`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{default_save_path, is_playable, run_session, shorten, Input, Line, Session};
use crate::check::check_file;
use crate::play::save::{self, Save};
use crate::play::Mode;
use crate::source::FileId;
use crate::term::{error, exit, out};

/// `rapport play FILE [--mode M] [--save PATH] [--resume PATH]`; returns the exit code.
/// `mode` is `None` when not asked for: practice for a new session, the save's own mode for
/// a resumed one.
#[must_use]
pub fn play(
    file: &Path,
    root: Option<&Path>,
    mode: Option<&str>,
    save_path: Option<PathBuf>,
    resume: Option<&Path>,
) -> i32 {
    let mode = mode.map(|m| Mode::parse(m).unwrap_or(Mode::Practice));
    let mut input = Input::new();
    play_with(file, root, mode, save_path, resume, &mut input)
}

/// `x.json` → the first of `x.resumed.json`, `x.resumed-2.json`, … that does not exist.
fn resumed_path(from: &Path) -> PathBuf {
    let stem = from
        .file_stem()
        .map_or_else(|| "session".into(), |s| s.to_string_lossy().into_owned());
    (1..10_000)
        .map(|n| {
            if n == 1 {
                from.with_file_name(format!("{stem}.resumed.json"))
            } else {
                from.with_file_name(format!("{stem}.resumed-{n}.json"))
            }
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| from.with_file_name(format!("{stem}.resumed.json")))
}

fn play_with(
    file: &Path,
    root: Option<&Path>,
    mode: Option<Mode>,
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
    let asked_save = save_path.clone();
    let mut save_path = save_path
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
        // The save's mode wins: an assessment cannot be resumed as practice, nor the reverse.
        let Some(saved_mode) = Mode::parse(&saved.mode) else {
            error(&format!(
                "cannot resume from `{}`: its mode `{}` is neither practice nor assessment. The file was left as it is.",
                from.display(),
                saved.mode
            ));
            return exit::CONTENT;
        };
        if let Some(asked) = mode.filter(|m| *m != saved_mode) {
            error(&format!(
                "`{}` was saved in {} mode, and a session is resumed in the mode it was played in, \
                 not {}. Leave out --mode to resume it, or start a new session with --mode {} \
                 (and another --save).",
                from.display(),
                saved_mode.as_str(),
                asked.as_str(),
                asked.as_str()
            ));
            return exit::USAGE;
        }
        let (mut session, replayed) = Session::resume(
            scenario,
            saved_mode,
            save_path.clone(),
            hash.clone(),
            &saved,
        );
        let overwrites = asked_save.as_deref().is_none_or(|p| p == from);
        if !replayed.exact() && overwrites {
            // Keep the trainee's save as it is: the picks did not all replay as saved.
            save_path = resumed_path(from);
            session.set_save_path(save_path.clone());
            out(&format!(
                "(The scenario changed since this save, and not every choice replayed as saved: your save {} is left as it is, and this session saves to {}.)\n",
                from.display(),
                save_path.display()
            ));
        } else if saved.source_hash != hash {
            out(
                "(The scenario has changed since this save; every choice was found by its text.)\n",
            );
        }
        (session, Some(replayed))
    } else {
        (
            Session::new(
                scenario,
                mode.unwrap_or(Mode::Practice),
                save_path.clone(),
                hash,
            ),
            None,
        )
    };
    // A save that cannot be written is refused before the first turn, not after it.
    if let Err(why) = crate::files::writable(&save_path) {
        error(&format!(
            "cannot save to `{}`: {why}. Nothing was played; choose another place with --save PATH.",
            save_path.display()
        ));
        return exit::USAGE;
    }
    let opening = session.start(replayed.as_ref());
    run_session(&mut session, &opening, input, file);
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
            Line::NotText(_) => {
                out("That line is not text (it is not valid UTF-8). Type a number, or :quit.\n");
                continue;
            }
            Line::End => return exit::OK,
        };
        let line = line.trim();
        if matches!(line, ":quit" | ":q" | "q" | "quit") {
            return exit::OK;
        }
        match line.parse::<usize>() {
            Ok(n) if (1..=choices.len()).contains(&n) => {
                let path = choices[n - 1].0.clone();
                return play_with(&path, None, None, None, None, &mut input);
            }
            _ => out(&format!(
                "Type a number from 1 to {}, or :quit.\n",
                choices.len()
            )),
        }
    }
}
