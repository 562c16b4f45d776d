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
    let mut failure = None;
    for (i, &pick) in args.choices.iter().enumerate() {
        let turn = i + 1;
        if let Err(e) = run.choose(pick) {
            failure = Some(match e {
                RunError::NotAwaitingChoice => {
                    let extra = args.choices.len() - i;
                    format!(
                        "the conversation was over after {} of the {} picks, so {} not played \
                         (pick {turn} was choice {pick}). {}",
                        i,
                        args.choices.len(),
                        if extra == 1 {
                            "the last one was".to_string()
                        } else {
                            format!("the last {extra} were")
                        },
                        report::outcome_text(&run)
                    )
                }
                RunError::NotOffered { .. } => {
                    let offered: Vec<String> = run
                        .offered_texts()
                        .iter()
                        .enumerate()
                        .map(|(n, text)| format!("  {}. {text}", n + 1))
                        .collect();
                    format!(
                        "turn {turn}: choice {pick} is not offered; the choices were:\n{}",
                        offered.join("\n")
                    )
                }
            });
            break;
        }
    }
    // What was played is printed even when a pick failed, so the error has its context.
    let played = run.turns().len();
    let report = Report::new(&run, args.choices[..played].to_vec());
    match args.format {
        Format::Text => out(&report::text(&report)),
        Format::Json => out(&report::json(&report)),
    }
    if let Some(message) = failure {
        error(&message);
        return exit::CONTENT;
    }
    if matches!(run.status(), Status::Stuck(_)) {
        exit::CONTENT
    } else {
        exit::OK
    }
}
