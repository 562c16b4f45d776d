//! The session core, driven line by line as a trainee would.

use std::path::PathBuf;

use super::session::{bar, Effect, Session};
use crate::play::save::{Pick, Save};
use crate::play::Mode;
use crate::runtime::tests::scenario;
use crate::scenario::Scenario;

fn demo() -> Scenario {
    scenario(
        "scene a\n  C: \"Hello, I'm upset.\"\n  choice \"I hear you.\"\n    coach \"Name the feeling.\"\n    e -2\n    goto b\n  choice \"Whatever.\"\n    e +3\n    goto b\nscene b\n  C: \"Now what?\"\n  choice once \"Tell me more.\"\n    C: \"It broke.\"\n    stay\n  choice \"Refund.\"\n    end x\nending x good \"Done.\"\nrubric\n  rule \"calm\"\n    expect at end e <= 5\n    pass \"Calm.\"\n    fail \"Still upset.\"\n",
    )
}

fn session(s: &Scenario, mode: Mode) -> Session<'_> {
    Session::new(s, mode, PathBuf::from("/tmp/x/demo.json"), "hash".into())
}

#[test]
fn the_opening_shows_brief_mode_save_and_the_first_turn() {
    let s = demo();
    let mut session = session(&s, Mode::Practice);
    let text = session.start(None).text;
    assert!(text.contains("You are A. Mode: practice"));
    assert!(text.contains("saved after every turn to /tmp/x/demo.json"));
    assert!(text.contains("Cora: Hello, I'm upset."));
    assert!(text.contains("  e  █████░░░░░  5/10"));
    assert!(text.contains("  1. I hear you.\n  2. Whatever.\n"));
}

#[test]
fn a_pick_shows_the_agent_line_coach_reaction_and_autosaves() {
    let s = demo();
    let mut session = session(&s, Mode::Practice);
    session.start(None);
    let reply = session.handle("1");
    assert!(reply
        .text
        .contains("> A: I hear you.\n  Coach: Name the feeling.\nCora: Now what?"));
    assert!(reply.text.contains("  e  ███░░░░░░░  3/10"));
    let Some(Effect::Save { path, contents, .. }) = reply.effects.first() else {
        panic!("no autosave: {:?}", reply.effects);
    };
    assert_eq!(path, &PathBuf::from("/tmp/x/demo.json"));
    let save = Save::parse(contents).unwrap();
    assert_eq!(
        save.picks,
        [Pick {
            number: 1,
            text: "I hear you.".into(),
            offered: vec!["I hear you.".into(), "Whatever.".into()],
            scene: "a".into(),
        }]
    );
}

#[test]
fn assessment_hides_meters_and_coach_and_refuses_undo_and_state() {
    let s = demo();
    let mut session = session(&s, Mode::Assessment);
    assert!(!session.start(None).text.contains("█"));
    let reply = session.handle("1");
    assert!(!reply.text.contains("Coach:"));
    assert!(!reply.text.contains("█"));
    assert!(session
        .handle(":undo")
        .text
        .contains("not available in assessment mode"));
    assert!(session.handle(":state").text.contains("not shown"));
    assert_eq!(session.picks().len(), 1);
}

#[test]
fn undo_takes_back_the_last_choice_and_restart_all() {
    let s = demo();
    let mut session = session(&s, Mode::Practice);
    session.start(None);
    assert!(session.handle(":undo").text.contains("nothing to undo"));
    session.handle("2");
    session.handle("1");
    let reply = session.handle(":undo");
    assert!(
        reply
            .text
            .contains("Undone: \"Tell me more.\"\nBack to turn 2."),
        "{}",
        reply.text
    );
    assert!(
        reply.text.contains("  1. Tell me more."),
        "the once choice is back"
    );
    assert_eq!(session.picks().len(), 1);
    let reply = session.handle(":restart");
    assert!(reply.text.contains("Cora: Hello, I'm upset."));
    assert!(session.picks().is_empty());
}

#[test]
fn bad_input_is_explained_and_never_ends_the_session() {
    let s = demo();
    let mut session = session(&s, Mode::Practice);
    session.start(None);
    assert_eq!(
        session.handle("yes").text,
        "`yes` is not a choice. Type a number from 1 to 2 to answer, or :help for commands.\n"
    );
    assert!(session
        .handle("3")
        .text
        .starts_with("There is no choice 3."));
    assert!(session
        .handle("0")
        .text
        .starts_with("There is no choice 0."));
    assert!(session
        .handle(":undoo")
        .text
        .contains("Did you mean :undo?"));
    assert!(session
        .handle("")
        .text
        .contains("Type a number from 1 to 2"));
    assert!(session.handle(":help").text.contains(":transcript"));
    assert!(session.picks().is_empty());
    assert!(!session.over());
}

#[test]
fn the_end_shows_the_debrief_and_writes_transcripts() {
    let s = demo();
    let mut session = session(&s, Mode::Practice);
    session.start(None);
    session.handle("1");
    let reply = session.handle("2");
    assert!(reply.text.contains("── Debrief ──"));
    assert!(reply.text.contains("Ending: x (good): Done."));
    assert!(reply.text.contains("✓ calm  1/1"));
    assert!(reply.text.contains("Calm."));
    assert!(reply.text.contains("Trajectory"));
    // Where the transcript went is said by the loop once it is written.
    assert!(!reply.text.contains("/tmp/x/demo.transcript.md"));
    assert!(reply.effects.iter().any(|e| matches!(
        e,
        Effect::Transcript { markdown, .. } if markdown == &PathBuf::from("/tmp/x/demo.transcript.md")
    )));
    assert!(session.over());
    assert!(session
        .handle("1")
        .text
        .starts_with("The conversation is over."));
}

#[test]
fn quit_saves_and_leaves() {
    let s = demo();
    let mut session = session(&s, Mode::Practice);
    session.start(None);
    let reply = session.handle(":quit");
    assert!(matches!(
        reply.effects.as_slice(),
        [Effect::Save { .. }, Effect::Quit]
    ));
}

fn pick(number: usize, text: &str, offered: &[&str]) -> Pick {
    Pick {
        number,
        text: text.into(),
        offered: offered.iter().map(|t| (*t).to_string()).collect(),
        scene: String::new(),
    }
}

#[test]
fn resume_matches_by_text_then_similar_text_then_place_and_reports_divergence() {
    use crate::play::save::{Divergence, Matched};
    let s = demo();
    let resume = |picks: Vec<Pick>| {
        let save = Save {
            format: 1,
            scenario: "t".into(),
            source_hash: "old".into(),
            mode: "practice".into(),
            picks,
        };
        Session::resume(
            &s,
            Mode::Practice,
            PathBuf::from("/tmp/x.json"),
            "h".into(),
            &save,
        )
    };
    // Turn 1 moved (by text); turn 2 reworded a little (by similar text).
    let (session, replayed) = resume(vec![
        pick(2, "I hear you.", &["Whatever.", "I hear you."]),
        pick(2, "Refund!", &["Tell me more.", "Refund!"]),
    ]);
    assert_eq!(replayed.diverged, None);
    assert_eq!(
        replayed.matched,
        [
            Matched::Exact,
            Matched::Similar {
                saved: "Refund!".into()
            }
        ]
    );
    assert_eq!(session.picks()[0].number, 1, "turn 1 found by its text");
    assert!(session.over());

    // Reworded beyond recognition, but nothing else changed in that turn: by place.
    let (_, replayed) = resume(vec![
        pick(1, "I hear you.", &["I hear you.", "Whatever."]),
        pick(
            2,
            "Give me my money back.",
            &["Tell me more.", "Give me my money back."],
        ),
    ]);
    assert_eq!(
        replayed.matched[1],
        Matched::Position {
            saved: "Give me my money back.".into()
        }
    );

    // Reworded and the turn changed otherwise too: the replay stops there and says why.
    let (mut session, replayed) = resume(vec![
        pick(1, "I hear you.", &["I hear you.", "Whatever."]),
        pick(3, "Gone.", &["Tell me more.", "Other.", "Gone."]),
    ]);
    let diverged = replayed.diverged.clone().unwrap();
    assert_eq!((diverged.turn, diverged.reason), (2, Divergence::Gone));
    assert_eq!(diverged.scene.as_deref(), Some("b"));
    assert_eq!(session.picks().len(), 1);
    let text = session.start(Some(&replayed)).text;
    assert!(
        text.contains("The replay stopped at turn 2 (scene `b`): your saved choice \"Gone.\" could not be replayed"),
        "{text}"
    );
    assert!(text.contains("  1. Tell me more."));
}

#[test]
fn saves_refuse_other_formats_and_garbage() {
    assert!(Save::parse("{\"format\": 2}")
        .unwrap_err()
        .contains("save format 2"));
    assert!(Save::parse("not json")
        .unwrap_err()
        .contains("not valid JSON"));
    assert!(Save::parse("{\"format\": 1}")
        .unwrap_err()
        .contains("not a complete"));
    assert!(Save::parse("{}").unwrap_err().contains("no \"format\""));
}

#[test]
fn tab_completes_commands() {
    let names: Vec<String> = super::complete(":u")
        .into_iter()
        .map(|p| p.replacement)
        .collect();
    assert_eq!(names, [":undo"]);
    assert_eq!(super::complete(":").len(), super::COMMANDS.len());
    assert!(super::complete("1").is_empty());
}

#[test]
fn meters_scale_to_the_range() {
    assert_eq!(bar(0, 0, 10), "░░░░░░░░░░");
    assert_eq!(bar(6, 0, 10), "██████░░░░");
    assert_eq!(bar(10, 0, 10), "██████████");
    assert_eq!(bar(0, -5, 5), "█████░░░░░");
    assert_eq!(bar(3, 3, 3), "░░░░░░░░░░");
}

#[test]
fn long_lines_wrap_under_their_text() {
    let text =
        "  2. Absolutely. I'll get back to you with an update within the next hour.\nshort\n";
    assert_eq!(
        super::wrap(text, 40),
        "  2. Absolutely. I'll get back to you\n     with an update within the next\n     hour.\nshort\n"
    );
    assert_eq!(
        super::wrap("Jake: one two three four five six", 16),
        "Jake: one two\nthree four five\nsix"
    );
}
