//! Issue 14, "nothing a trainee played is ever lost or misread": one regression test per
//! numbered point, through the binary.
//!
//! `RAPPORT_BIN=/path/to/an/older/rapport cargo test saves::` runs these tests against
//! another build, which is how each was seen to fail before its fix.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary under test.
fn bin() -> PathBuf {
    std::env::var_os("RAPPORT_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_rapport")),
        PathBuf::from,
    )
}

/// Runs `rapport args` in `dir` with `input` on stdin; saves and history stay in `dir`.
fn rapport_in(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("RAPPORT_STATE_DIR", dir.join("state"))
        .env("RAPPORT_HISTORY", dir.join("history.txt"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The binary may stop reading early (that is one of the things tested).
    let _ = child.stdin.take().unwrap().write_all(input);
    child.wait_with_output().unwrap()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    rapport_in(dir, args, b"")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn both(o: &Output) -> String {
    format!("--- stdout\n{}--- stderr\n{}", out(o), err(o))
}

/// A folder holding `name` with `text`.
fn folder(name: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    dir
}

/// Two scenes, two rules worth the largest points a rule can have.
const HUGE_WORTH: &str = r#"scenario huge "Huge"
customer C "Cust"
agent A "Agent"
scene s
  C: "Hello."
  choice "Ask"
    tags ask
    goto t
  choice "Leave"
    end done
scene t
  choice "Help"
    tags help
    end done
ending done good "Done."
rubric
  rule "asked"
    worth 9223372036854775807
    expect ever ask
  rule "helped"
    worth 9223372036854775807
    expect ever help
"#;

// 6. Rubric totals are exact, not saturated into a false 100%.
#[test]
fn p6_rubric_totals_are_exact_with_the_largest_worths() {
    let dir = folder("huge.scenario", HUGE_WORTH);
    let o = run(dir.path(), &["run", "huge.scenario", "--choices", "2"]);
    assert_eq!(o.status.code(), Some(0), "{}", both(&o));
    // Neither rule passed: 0 of twice the largest worth.
    assert!(
        out(&o).contains("Score: 0/18446744073709551614 (0.0%), NOT PASSED"),
        "{}",
        both(&o)
    );
    let o = run(
        dir.path(),
        &[
            "run",
            "huge.scenario",
            "--choices",
            "1,1",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(json["score"]["earned"].to_string(), "18446744073709551614");
    assert_eq!(json["score"]["total"].to_string(), "18446744073709551614");
    assert_eq!(json["score"]["percent"], 100.0);
    // Half the points: exactly 50%, and not passed with a 70% mark.
    let text = HUGE_WORTH.replace("expect ever help", "expect never ask");
    let dir = folder("huge.scenario", &text);
    let o = run(dir.path(), &["run", "huge.scenario", "--choices", "1,1"]);
    assert!(
        out(&o).contains("Score: 9223372036854775807/18446744073709551614 (50.0%), NOT PASSED"),
        "{}",
        both(&o)
    );
}

// 9. An unfinished run is in progress, with its score so far; never "PASSED".
#[test]
fn p9_an_unfinished_run_is_in_progress_not_passed() {
    let dir = folder(
        "huge.scenario",
        &HUGE_WORTH.replace("9223372036854775807", "1"),
    );
    let o = run(dir.path(), &["run", "huge.scenario", "--choices", "1"]);
    assert_eq!(o.status.code(), Some(0), "{}", both(&o));
    let text = out(&o);
    assert!(!text.contains("PASSED"), "{text}");
    assert!(text.contains("In progress: after 1 pick,"), "{text}");
    assert!(
        text.contains(
            "Score so far: 1/2 (50.0%), in progress: not graded until the conversation ends \
             (if it ended now it would not pass; pass mark 70%)"
        ),
        "{text}"
    );
    assert!(text.contains("Rules (so far)"), "{text}");
}

// 10. Options may come before the file.
#[test]
fn p10_run_takes_its_options_in_any_order() {
    let dir = folder("huge.scenario", HUGE_WORTH);
    let after = run(dir.path(), &["run", "huge.scenario", "--choices", "1,1"]);
    let before = run(dir.path(), &["run", "--choices", "1,1", "huge.scenario"]);
    assert_eq!(before.status.code(), Some(0), "{}", both(&before));
    assert_eq!(out(&before), out(&after));
    let json = run(
        dir.path(),
        &["run", "--choices", "1", "--format", "json", "huge.scenario"],
    );
    assert_eq!(json.status.code(), Some(0), "{}", both(&json));
    assert!(out(&json).contains("\"in_progress\""), "{}", both(&json));
}

// 12. A pick after the end: the transcript up to the end, then the error in words.
#[test]
fn p12_a_pick_after_the_end_shows_the_transcript_then_says_why() {
    let dir = folder("huge.scenario", HUGE_WORTH);
    let o = run(dir.path(), &["run", "huge.scenario", "--choices", "2,3"]);
    assert_eq!(o.status.code(), Some(1), "{}", both(&o));
    let text = out(&o);
    assert!(text.contains("> 2. Agent: Leave"), "{text}");
    assert!(text.contains("Ending: done (good): Done."), "{text}");
    assert!(
        err(&o).contains(
            "the conversation was over after 1 of the 2 picks, so the last one was not played \
             (pick 2 was choice 3). Ending: done (good): Done."
        ),
        "{}",
        both(&o)
    );
    // The sibling: a pick that is not offered also shows where the run was.
    let o = run(dir.path(), &["run", "huge.scenario", "--choices", "1,4"]);
    assert_eq!(o.status.code(), Some(1), "{}", both(&o));
    assert!(out(&o).contains("> 1. Agent: Ask"), "{}", both(&o));
    assert!(
        err(&o).contains("turn 2: choice 4 is not offered"),
        "{}",
        both(&o)
    );
}

const UNFORMATTED: &str = "scenario f \"F\"\ncustomer C\nagent A\nscene s\n      choice \"x\"\n            end e\nending e \"E\"\n";

// 8. `fmt` keeps a file's mode and owner, and formats a symlink's target.
#[cfg(unix)]
#[test]
fn p8_fmt_keeps_mode_owner_and_symlinks() {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let dir = folder("real.scenario", UNFORMATTED);
    let real = dir.path().join("real.scenario");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o664)).unwrap();
    // Give the file another group (and owner, when running as root) than ours.
    let mine = std::fs::metadata(&real).unwrap();
    let other_group = if mine.gid() == 0 { 1 } else { mine.gid() };
    let other_owner = if mine.uid() == 0 { 1 } else { mine.uid() };
    let chowned = std::os::unix::fs::chown(&real, Some(other_owner), Some(other_group)).is_ok();
    std::fs::create_dir(dir.path().join("course")).unwrap();
    let link = dir.path().join("course/link.scenario");
    std::os::unix::fs::symlink("../real.scenario", &link).unwrap();

    let o = run(dir.path(), &["fmt", "course/link.scenario"]);
    assert_eq!(o.status.code(), Some(0), "{}", both(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced by a file"
    );
    let formatted = std::fs::read_to_string(&real).unwrap();
    assert_ne!(
        formatted, UNFORMATTED,
        "the link's target was not formatted"
    );
    assert!(
        formatted.contains("\n  choice \"x\"\n    end e\n"),
        "{formatted}"
    );
    let meta = std::fs::metadata(&real).unwrap();
    assert_eq!(meta.permissions().mode() & 0o7777, 0o664);
    if chowned {
        assert_eq!((meta.uid(), meta.gid()), (other_owner, other_group));
    }
    // Formatting the file itself keeps its mode too.
    std::fs::write(&real, UNFORMATTED).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let o = run(dir.path(), &["fmt", "real.scenario"]);
    assert_eq!(o.status.code(), Some(0), "{}", both(&o));
    let meta = std::fs::metadata(&real).unwrap();
    assert_eq!(meta.permissions().mode() & 0o7777, 0o640);
}

// 9, sibling: a run that `paths` cuts short is not graded as passed either.
#[test]
fn p9_a_cut_run_in_the_branch_tree_is_not_graded() {
    let dir = folder(
        "cut.scenario",
        "scenario cut \"Cut\"\ncustomer C\nagent A\nscene s\n  C: \"hi\"\n  choice \"again\"\n    tags x\n    stay\n  choice \"stop\"\n    end e\nending e good \"done\"\nrubric\n  rule \"one\"\n    expect ever x\n",
    );
    let o = run(dir.path(), &["paths", "cut.scenario", "--max-turns", "2"]);
    let text = out(&o);
    assert!(
        text.contains("■ cut: choices would be offered past the turn limit · 1/1 (100.0%) · so far, not graded"),
        "{}",
        both(&o)
    );
}

// 13. One generated line of a huge `or` chain is refused with a limit diagnostic, before it
// is parsed (it took 108× the file's size), by `check` and by `fmt`.
#[test]
fn p13_a_huge_or_chain_is_a_limit_diagnostic() {
    let chain = vec!["f"; 600_000].join(" or ");
    let text = format!(
        "scenario big \"B\"\ncustomer C\nagent A\nflag f\nscene s\n  choice \"x\" if {chain}\n    end e\n  otherwise end e\nending e \"E\"\n"
    );
    let dir = folder("big.scenario", &text);
    let o = run(dir.path(), &["check", "big.scenario"]);
    assert_eq!(o.status.code(), Some(1), "{}", both(&o));
    assert!(
        out(&o).contains("error[E010]: this line has more than 10000 words outside its strings"),
        "{}",
        &both(&o)[..2000.min(both(&o).len())]
    );
    let o = run(dir.path(), &["fmt", "big.scenario"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("was not formatted"), "{}", err(&o));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("big.scenario")).unwrap(),
        text
    );
}

/// A conversation of two turns: `go b` leads to scene b, whose choices end it.
const ROUTE: &str = r#"scenario route "Route"
customer C "Cust"
agent A "Agent"
scene a
  C: "Where to?"
  choice "go b"
    goto b
  choice "go c"
    goto c
scene b
  C: "This is b."
  choice "stay calm in b"
    end good_end
  choice "shout in b"
    end bad_end
scene c
  C: "This is c."
  choice "wave in c"
    end bad_end
  choice "leave c"
    end bad_end
ending good_end good "Good."
ending bad_end bad "Bad."
"#;

/// Plays `input` on `file` in `dir`, saving to `save`.
fn play(dir: &Path, file: &str, save: &str, extra: &[&str], input: &str) -> Output {
    let mut args = vec!["play", file, "--save", save];
    args.extend_from_slice(extra);
    rapport_in(dir, &args, input.as_bytes())
}

fn resume(dir: &Path, file: &str, save: &str, extra: &[&str], input: &str) -> Output {
    let mut args = vec!["play", file, "--resume", save];
    args.extend_from_slice(extra);
    rapport_in(dir, &args, input.as_bytes())
}

// 1. A save that cannot be written is refused before the first turn, with exit 2 and words.
#[test]
fn p1_an_unwritable_save_is_refused_before_the_first_turn() {
    let dir = folder("route.scenario", ROUTE);
    std::fs::create_dir(dir.path().join("a_folder")).unwrap();
    for (save, why) in [
        ("a_folder", "is a folder"),
        (
            "route.scenario/x.json",
            "`route.scenario` is a file, not a folder",
        ),
        ("/proc/nope/x.json", "cannot be created"),
    ] {
        let o = play(dir.path(), "route.scenario", save, &[], "1\n:quit\n");
        assert_eq!(o.status.code(), Some(2), "{save}: {}", both(&o));
        assert!(
            err(&o).contains(&format!("cannot save to `{save}`")),
            "{}",
            both(&o)
        );
        assert!(err(&o).contains(why), "{save}: {}", both(&o));
        assert!(!err(&o).contains("os error"), "{}", both(&o));
        assert!(!out(&o).contains("Saved to"), "{}", both(&o));
        assert!(
            !out(&o).contains("Where to?"),
            "no turn is played: {}",
            both(&o)
        );
    }
}

// 1. A save that starts failing mid-session: never "Saved to"; say where it went instead.
#[cfg(unix)]
#[test]
fn p1_a_save_that_fails_mid_session_is_not_claimed() {
    let dir = folder("route.scenario", ROUTE);
    let saves = dir.path().join("saves");
    std::fs::create_dir(&saves).unwrap();
    // The folder is replaced by a file after the session started: every later save fails.
    let script = "1\n";
    let mut child = Command::new(bin())
        .args(["play", "route.scenario", "--save", "saves/s.json"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("RAPPORT_HISTORY", dir.path().join("history.txt"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Wait until the session has started (its first turn is shown).
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut shown = String::new();
    while !shown.contains("2. go c") {
        let mut line = String::new();
        if std::io::BufRead::read_line(&mut stdout, &mut line).unwrap() == 0 {
            break;
        }
        shown.push_str(&line);
    }
    std::fs::remove_dir_all(&saves).unwrap();
    std::fs::write(&saves, "not a folder").unwrap();
    stdin.write_all(script.as_bytes()).unwrap();
    stdin.write_all(b":quit\n").unwrap();
    drop(stdin);
    std::io::Read::read_to_string(&mut stdout, &mut shown).unwrap();
    let mut o = child.wait_with_output().unwrap();
    o.stdout = shown.into_bytes();
    assert_eq!(o.status.code(), Some(0), "{}", both(&o));
    assert!(!out(&o).contains("Saved to"), "{}", both(&o));
    let e = err(&o);
    assert!(
        e.contains("could not be saved to saves/s.json: `saves` is a file, not a folder"),
        "{e}"
    );
    assert!(
        e.contains("your progress was NOT saved to saves/s.json"),
        "{e}"
    );
    // It went to a file in the temporary folder, which resumes.
    let at = e.find("It was saved to ").unwrap() + "It was saved to ".len();
    let fallback = e[at..].split(" instead").next().unwrap();
    let saved = std::fs::read_to_string(fallback).unwrap();
    assert!(saved.contains("\"go b\""), "{saved}");
    std::fs::remove_file(fallback).unwrap();
}

// 2. A pick that now leads elsewhere is not replayed by number across the changed path.
#[test]
fn p2_resume_after_a_scene_was_removed_stops_at_the_divergence() {
    let dir = folder("route.scenario", ROUTE);
    let o = play(dir.path(), "route.scenario", "s.json", &[], "1\n");
    assert_eq!(o.status.code(), Some(0), "{}", both(&o));
    let before = std::fs::read_to_string(dir.path().join("s.json")).unwrap();
    // The author deletes scene b: "go b" now leads to c.
    let edited = ROUTE
        .replace("    goto b\n", "    goto c\n")
        .replace(
            "scene b\n  C: \"This is b.\"\n  choice \"stay calm in b\"\n    end good_end\n  choice \"shout in b\"\n    end bad_end\n",
            "",
        );
    std::fs::write(dir.path().join("route.scenario"), edited).unwrap();
    // The saved pick 1 of turn 1 exists; with a save of two turns, turn 2 must stop.
    let mut save: serde_json::Value = serde_json::from_str(&before).unwrap();
    save["picks"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"number": 1, "text": "stay calm in b", "offered": ["stay calm in b", "shout in b"], "scene": "b"}));
    let before = save.to_string();
    std::fs::write(dir.path().join("s.json"), &before).unwrap();
    let o = resume(dir.path(), "route.scenario", "s.json", &[], "");
    assert_eq!(o.status.code(), Some(0), "{}", both(&o));
    let text = out(&o);
    assert!(text.contains("Resumed: 1 choice replayed."), "{text}");
    assert!(
        text.contains("The replay stopped at turn 2 (scene `c`): your saved choice \"stay calm in b\" could not be replayed, because it was made in scene `b`, and the conversation now reaches another scene at this turn."),
        "{text}"
    );
    assert!(
        !text.contains("Good."),
        "no ending was reached by a stand-in: {text}"
    );
    assert!(!text.contains("> Agent: wave in c"), "{text}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("s.json")).unwrap(),
        before
    );
    assert!(
        text.contains("this session saves to s.resumed.json"),
        "{text}"
    );
}

// 3. Two choices swapped and one reworded: each pick is found by its text (or its similar
// text), never by its old number, and the trainee is told which.
#[test]
fn p3_swapped_and_reworded_choices_replay_as_the_same_choices() {
    let dir = folder("route.scenario", ROUTE);
    play(dir.path(), "route.scenario", "s.json", &[], "1\n2\n");
    let before = std::fs::read_to_string(dir.path().join("s.json")).unwrap();
    // Swap b's choices and reword the one picked.
    let edited = ROUTE.replace(
        "  choice \"stay calm in b\"\n    end good_end\n  choice \"shout in b\"\n    end bad_end\n",
        "  choice \"stay calm in b\"\n    end good_end\n",
    );
    let edited = edited.replacen(
        "  C: \"This is b.\"\n",
        "  C: \"This is b.\"\n  choice \"shout loudly in b\"\n    end bad_end\n",
        1,
    );
    std::fs::write(dir.path().join("route.scenario"), edited).unwrap();
    let o = resume(dir.path(), "route.scenario", "s.json", &[], "");
    let text = out(&o);
    assert!(text.contains("> Agent: shout loudly in b"), "{text}");
    assert!(text.contains("Ending: bad_end (bad)"), "{text}");
    assert!(
        text.contains("Turn 2: your choice \"shout in b\" is now worded \"shout loudly in b\"; it was matched by its similar text."),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("s.json")).unwrap(),
        before
    );
}

// 4. The save's mode wins; asking another on resume is refused.
#[test]
fn p4_an_assessment_resumes_as_an_assessment() {
    let dir = folder("route.scenario", ROUTE);
    play(
        dir.path(),
        "route.scenario",
        "s.json",
        &["--mode", "assessment"],
        "1\n",
    );
    let before = std::fs::read_to_string(dir.path().join("s.json")).unwrap();
    let o = resume(dir.path(), "route.scenario", "s.json", &[], ":undo\n");
    assert_eq!(o.status.code(), Some(0), "{}", both(&o));
    let text = out(&o);
    assert!(text.contains("Mode: assessment"), "{text}");
    assert!(
        text.contains(":undo is not available in assessment mode"),
        "{text}"
    );
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("s.json")).unwrap()).unwrap();
    assert_eq!(saved["mode"], "assessment");
    let o = resume(
        dir.path(),
        "route.scenario",
        "s.json",
        &["--mode", "practice"],
        "",
    );
    assert_eq!(o.status.code(), Some(2), "{}", both(&o));
    assert!(
        err(&o).contains("`s.json` was saved in assessment mode, and a session is resumed in the mode it was played in, not practice"),
        "{}",
        both(&o)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("s.json")).unwrap(),
        before
    );
}

// 5. Piped play: a line that is not UTF-8 is reported and skipped; the end of the input says
// where the save is and how to resume.
#[test]
fn p5_piped_input_that_is_not_text_and_its_end_are_reported() {
    let dir = folder("route.scenario", ROUTE);
    let o = rapport_in(
        dir.path(),
        &["play", "route.scenario", "--save", "s.json"],
        b"\xff\xfe1\n1\n",
    );
    assert_eq!(o.status.code(), Some(0), "{}", both(&o));
    let text = out(&o);
    assert!(
        text.contains("That line is not text (it is not valid UTF-8)"),
        "{text}"
    );
    assert!(
        text.contains("> Agent: go b"),
        "the rest of the input is read: {text}"
    );
    assert!(
        err(&o).contains("end of input: your progress is saved to s.json (to go on: rapport play route.scenario --resume s.json)"),
        "{}",
        both(&o)
    );
}
