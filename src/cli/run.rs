//! `rapport run`: plays the given picks and prints the report.

use super::args::{Format, RunArgs};
use crate::render::report::{self, Report};
use crate::runtime::{Run, RunError, Status};
use crate::term::{error, exit, out};

pub(super) fn run(args: &RunArgs) -> i32 {
    let checked = match crate::term::load_playable(&args.file, args.root.as_deref()) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    let Some(scenario) = &checked.scenario else {
        return exit::CONTENT;
    };
    let mut run = Run::start(scenario);
    for (i, &pick) in args.choices.iter().enumerate() {
        let turn = i + 1;
        if let Err(e) = run.choose(pick) {
            match e {
                RunError::NotAwaitingChoice => error(&format!(
                    "pick {turn} ({pick}) comes after the conversation is over: {}",
                    report::outcome_text(&run)
                )),
                RunError::NotOffered { .. } => {
                    let offered: Vec<String> = run
                        .offered_texts()
                        .iter()
                        .enumerate()
                        .map(|(n, text)| format!("  {}. {text}", n + 1))
                        .collect();
                    error(&format!(
                        "turn {turn}: choice {pick} is not offered; the choices were:\n{}",
                        offered.join("\n")
                    ));
                }
            }
            return exit::CONTENT;
        }
    }
    let report = Report::new(&run, args.choices.clone());
    match args.format {
        Format::Text => out(&report::text(&report)),
        Format::Json => out(&report::json(&report)),
    }
    if matches!(run.status(), Status::Stuck(_)) {
        exit::CONTENT
    } else {
        exit::OK
    }
}
