//! `rapport play`: whole piped sessions (snapshots), resume after every turn in a new
//! process, bad saves, the scenario picker, and the keys that need a terminal (pty).

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::common::root;

/// Runs `rapport` in `dir` with `input` piped to stdin, saves and history under `state`.
fn piped(dir: &Path, state: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("RAPPORT_STATE_DIR", state)
        .env("RAPPORT_HISTORY", state.join("history.txt"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8], state: &Path) -> String {
    String::from_utf8_lossy(bytes).replace(&state.display().to_string(), "[STATE]")
}

#[test]
fn a_whole_practice_session_with_undo_and_bad_input() {
    let state = tempfile::tempdir().unwrap();
    let out = piped(
        &root().join("tests/fixtures/examples"),
        state.path(),
        &["play", "delayed_order.scenario"],
        "2\nmaybe\n7\n:undo\n:undo\n1\n:state\n:transcript\n:frobnicate\n1\n1\n1\n",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        text(&out.stderr, state.path())
    );
    insta::assert_snapshot!(text(&out.stdout, state.path()));
    assert!(state.path().join("delayed_order.json").exists());
    assert!(state.path().join("delayed_order.transcript.md").exists());
    assert!(state.path().join("delayed_order.transcript.json").exists());
}

#[test]
fn a_whole_assessment_session() {
    let state = tempfile::tempdir().unwrap();
    let out = piped(
        &root().join("tests/fixtures/examples"),
        state.path(),
        &["play", "broken_blender.scenario", "--mode", "assessment"],
        "1\n:undo\n:state\n1\n2\n1\n1\n",
    );
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(text(&out.stdout, state.path()));
}

/// Picks as piped input, one per line.
fn lines(picks: &[&str]) -> String {
    picks.iter().fold(String::new(), |mut s, p| {
        s.push_str(p);
        s.push('\n');
        s
    })
}

/// The transcript, final state and grade of a finished session.
fn outcome(state: &Path, name: &str) -> serde_json::Value {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(state.join(name)).unwrap()).unwrap();
    serde_json::json!({
        "transcript": json["transcript"],
        "final": json["final"],
        "score": json["score"],
        "ending": json["ending"],
        "choices": json["choices"],
    })
}

#[test]
fn saving_after_any_turn_and_resuming_in_a_new_process_gives_the_same_conversation() {
    let dir = root().join("tests/fixtures/examples");
    let picks = ["1", "1", "1", "2", "1"];
    let whole = tempfile::tempdir().unwrap();
    let out = piped(
        &dir,
        whole.path(),
        &["play", "broken_blender.scenario"],
        &(picks.join("\n") + "\n"),
    );
    assert_eq!(out.status.code(), Some(0));
    let expected = outcome(whole.path(), "broken_blender.transcript.json");
    assert_eq!(expected["ending"]["id"], "resolved");

    for k in 0..=picks.len() {
        let state = tempfile::tempdir().unwrap();
        let save = state.path().join("session.json");
        let save_arg = save.to_str().unwrap();
        // First process: k turns, then the input ends (Ctrl-D): it saves and leaves.
        let first = piped(
            &dir,
            state.path(),
            &["play", "broken_blender.scenario", "--save", save_arg],
            &lines(&picks[..k]),
        );
        assert_eq!(first.status.code(), Some(0));
        // Second process: resume, then the remaining turns.
        let second = piped(
            &dir,
            state.path(),
            &["play", "broken_blender.scenario", "--resume", save_arg],
            &lines(&picks[k..]),
        );
        assert_eq!(
            second.status.code(),
            Some(0),
            "{}",
            text(&second.stderr, state.path())
        );
        let stdout = text(&second.stdout, state.path());
        assert!(
            stdout.contains(&format!("Resumed: {k} ")),
            "k={k}: {stdout}"
        );
        assert_eq!(
            outcome(state.path(), "session.transcript.json"),
            expected,
            "resumed after turn {k}"
        );
    }
}

#[test]
fn resuming_a_changed_scenario_matches_by_text_and_keeps_the_old_save() {
    let state = tempfile::tempdir().unwrap();
    let dir = state.path();
    let original =
        std::fs::read_to_string(root().join("tests/fixtures/examples/delayed_order.scenario"))
            .unwrap();
    std::fs::write(dir.join("order.scenario"), &original).unwrap();
    let save = dir.join("s.json");
    let save_arg = save.to_str().unwrap();
    piped(
        dir,
        dir,
        &["play", "order.scenario", "--save", save_arg],
        "3\n1\n",
    );
    // The author inserts a choice at the top of the first scene, and rewords the jargon one.
    let changed = original
        .replacen(
            "  choice \"I completely understand",
            "  choice \"Hello! How are you today?\"\n    goto check_in\n\n  choice \"I completely understand",
            1,
        )
        .replace("Your SKU is backordered pending WMS reconciliation at the DC.", "Your SKU is backordered pending WMS reconciliation at our DC.");
    std::fs::write(dir.join("order.scenario"), changed).unwrap();
    let saved_before = std::fs::read_to_string(&save).unwrap();
    let out = piped(
        dir,
        dir,
        &["play", "order.scenario", "--resume", save_arg],
        "",
    );
    let stdout = text(&out.stdout, dir);
    assert!(
        stdout.contains("your save [STATE]/s.json is left as it is, and this session saves to [STATE]/s.resumed.json"),
        "{stdout}"
    );
    assert!(stdout.contains("Resumed: 2 choices replayed."), "{stdout}");
    assert!(
        stdout.contains("Turn 1: your choice \"Your SKU is backordered pending WMS reconciliation at the DC.\" is now worded \"Your SKU is backordered pending WMS reconciliation at our DC.\"; it was matched by its similar text."),
        "{stdout}"
    );
    assert_eq!(std::fs::read_to_string(&save).unwrap(), saved_before);
    assert!(dir.join("s.resumed.json").exists());

    // A pick that no longer exists: the session continues before it; the old save is kept.
    let mut saved: serde_json::Value = serde_json::from_str(&saved_before).unwrap();
    saved["picks"][1] = serde_json::json!({"number": 9, "text": "Gone."});
    std::fs::write(&save, saved.to_string()).unwrap();
    let out = piped(
        dir,
        dir,
        &["play", "order.scenario", "--resume", save_arg],
        "",
    );
    let stdout = text(&out.stdout, dir);
    assert!(
        stdout.contains("The replay stopped at turn 2 (scene `pushback`): your saved choice \"Gone.\" could not be replayed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("this session saves to [STATE]/s.resumed-2.json"),
        "{stdout}"
    );
    assert_eq!(std::fs::read_to_string(&save).unwrap(), saved.to_string());
}

#[test]
fn bad_saves_are_explained_and_left_alone() {
    let state = tempfile::tempdir().unwrap();
    let dir = root().join("tests/fixtures/examples");
    let save = state.path().join("bad.json");
    for (contents, message) in [
        ("{ not json", "not valid JSON"),
        ("{\"format\": 99}", "save format 99"),
        (
            "{\"format\": 1, \"scenario\": \"broken_blender\", \"source_hash\": \"x\", \"mode\": \"practice\", \"picks\": []}",
            "a save of the scenario `broken_blender`, not of `delayed_order`",
        ),
    ] {
        std::fs::write(&save, contents).unwrap();
        let out = piped(
            &dir,
            state.path(),
            &["play", "delayed_order.scenario", "--resume", save.to_str().unwrap()],
            "1\n",
        );
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out.stderr, state.path()).contains(message), "{}", text(&out.stderr, state.path()));
        assert_eq!(std::fs::read_to_string(&save).unwrap(), contents, "the save is untouched");
    }
    let out = piped(&dir, state.path(), &["play", "nope.scenario"], "");
    assert_eq!(out.status.code(), Some(2));
    let out = piped(
        &dir,
        state.path(),
        &["play", "library/core_rubric.scenario"],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr, state.path()).contains("library file"));
}

#[test]
fn rapport_with_no_arguments_lists_the_scenarios_and_plays_the_one_picked() {
    let state = tempfile::tempdir().unwrap();
    let out = piped(&root(), state.path(), &[], "x\n1\n1\n");
    let stdout = text(&out.stdout, state.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        text(&out.stderr, state.path())
    );
    assert!(
        stdout.contains("1. The blender broke again  (scenarios/broken_blender.scenario)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Type a number from 1 to"),
        "bad input is explained: {stdout}"
    );
    assert!(
        stdout.contains("Maria Lopez: This is the second blender"),
        "{stdout}"
    );
}

mod pty {
    //! The keys only a terminal has: Tab, Ctrl-C, Ctrl-D.
    use std::path::Path;
    use std::process::Command;
    use std::time::Duration;

    use expectrl::{ControlCode, Expect, Session};

    use crate::common::root;

    fn spawn(state: &Path) -> expectrl::session::OsSession {
        let mut command = Command::new(env!("CARGO_BIN_EXE_rapport"));
        command
            .args(["play", "delayed_order.scenario"])
            .current_dir(root().join("tests/fixtures/examples"))
            .env("NO_COLOR", "1")
            .env("TERM", "xterm-256color")
            .env("RAPPORT_STATE_DIR", state)
            .env("RAPPORT_HISTORY", state.join("history.txt"));
        let mut session = Session::spawn(command).unwrap();
        session.set_expect_timeout(Some(Duration::from_secs(20)));
        session.expect("> ").unwrap();
        settle();
        session
    }

    /// The prompt is printed before rustyline starts reading; keys sent in between can be
    /// taken for its terminal queries.
    fn settle() {
        std::thread::sleep(Duration::from_millis(300));
    }

    fn saved_picks(state: &Path) -> usize {
        let save = std::fs::read_to_string(state.join("delayed_order.json")).unwrap();
        let json: serde_json::Value = serde_json::from_str(&save).unwrap();
        json["picks"].as_array().unwrap().len()
    }

    #[test]
    fn tab_completes_a_command() {
        let state = tempfile::tempdir().unwrap();
        let mut p = spawn(state.path());
        p.send(":tra").unwrap();
        p.send(ControlCode::HorizontalTabulation).unwrap();
        p.send("\r").unwrap();
        // `:transcript` repeats the opening lines: only the completed command does.
        p.expect("Hi Jake, I noticed").unwrap();
        p.expect("> ").unwrap();
        settle();
        p.send(ControlCode::EndOfTransmission).unwrap();
        p.expect(expectrl::Eof).unwrap();
    }

    #[test]
    fn ctrl_c_clears_the_line_and_keeps_the_session() {
        let state = tempfile::tempdir().unwrap();
        let mut p = spawn(state.path());
        p.send("garbage").unwrap();
        settle();
        p.send(ControlCode::EndOfText).unwrap();
        p.expect("> ").unwrap();
        settle();
        p.send("1\r").unwrap();
        p.expect("Coach: You named the feeling").unwrap();
        p.expect("> ").unwrap();
        settle();
        p.send(ControlCode::EndOfTransmission).unwrap();
        p.expect(expectrl::Eof).unwrap();
        assert_eq!(
            saved_picks(state.path()),
            1,
            "`garbage` was cleared, `1` was taken"
        );
    }

    #[test]
    fn ctrl_d_saves_and_leaves() {
        let state = tempfile::tempdir().unwrap();
        let mut p = spawn(state.path());
        p.send("2\r").unwrap();
        p.expect("Like I said").unwrap();
        p.expect("> ").unwrap();
        settle();
        p.send("1\r").unwrap();
        p.expect("Thank you, I appreciate that").unwrap();
        p.expect("> ").unwrap();
        settle();
        p.send(ControlCode::EndOfTransmission).unwrap();
        p.expect("Goodbye.").unwrap();
        p.expect(expectrl::Eof).unwrap();
        assert_eq!(saved_picks(state.path()), 2);
        assert!(
            state.path().join("history.txt").exists(),
            "history persists"
        );
    }
}
