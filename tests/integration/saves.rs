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
    // Two turns: the conversation ends, so its transcript cannot be written either.
    let script = "1\n1\n";
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
    assert!(!out(&o).contains("Transcript written"), "{}", both(&o));
    assert!(
        e.contains("the transcript could not be written to saves/s.transcript.md: `saves` is a file, not a folder"),
        "{e}"
    );
    // It went to a file in the temporary folder, which resumes.
    let at = e.find("It was saved to ").unwrap() + "It was saved to ".len();
    let fallback = e[at..].split(" instead").next().unwrap();
    let saved = std::fs::read_to_string(fallback).unwrap();
    assert!(saved.contains("\"stay calm in b\""), "{saved}");
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

// The property (issue 14, "how it is checked"): a random save resumed on a random edit of
// its scenario replays each pick as the same choice it was (same meaning, whatever its new
// number or wording), or stops with a divergence message; never another choice silently.
mod resume_property {
    use std::fmt::Write as _;

    use proptest::prelude::*;
    use rapport::play::save::{replay, Pick};
    use rapport::runtime::Run;

    /// A choice of the model: its identity (what it means), its text, where it goes.
    #[derive(Clone, Debug)]
    struct Choice {
        id: usize,
        text: String,
        /// `Some(scene)` or `None` for the ending.
        to: Option<usize>,
    }

    #[derive(Clone, Debug)]
    struct Model {
        scenes: Vec<Vec<Choice>>,
    }

    const VERBS: &[&str] = &[
        "ask about",
        "apologise for",
        "explain",
        "offer help with",
        "check",
    ];
    const OBJECTS: &[&str] = &[
        "the order",
        "the delay",
        "the refund",
        "the parcel",
        "the bill",
    ];

    impl Model {
        fn text(&self) -> String {
            let mut t = String::from("scenario prop \"P\"\ncustomer C\nagent A\n");
            for (i, choices) in self.scenes.iter().enumerate() {
                let _ = write!(t, "scene s{i}\n  C: \"In s{i}.\"\n");
                for c in choices {
                    let _ = writeln!(t, "  choice \"{}\"", c.text);
                    match c.to {
                        Some(to) => {
                            let _ = writeln!(t, "    goto s{to}");
                        }
                        None => t.push_str("    end done\n"),
                    }
                }
                if choices.is_empty() {
                    t.push_str("  end done\n");
                }
            }
            t.push_str("ending done \"Done.\"\n");
            t
        }

        /// The identity of the choice with this text in this scene.
        fn id_of(&self, scene: usize, text: &str) -> Option<usize> {
            self.scenes[scene]
                .iter()
                .find(|c| c.text == text)
                .map(|c| c.id)
        }
    }

    fn model() -> impl Strategy<Value = Model> {
        // Scenes going forward only (no loops), texts alike across scenes on purpose
        // ("check the order in s1" / "check the order in s2").
        (2usize..5).prop_flat_map(|n| {
            proptest::collection::vec(
                proptest::collection::vec((0..VERBS.len(), 0..OBJECTS.len(), 0usize..3), 2..5),
                n,
            )
            .prop_map(move |scenes| {
                let mut id = 0;
                let mut out = Vec::new();
                for (i, choices) in scenes.into_iter().enumerate() {
                    let mut list: Vec<Choice> = Vec::new();
                    for (v, o, hop) in choices {
                        let text = format!("{} {} in s{i}", VERBS[v], OBJECTS[o]);
                        if list.iter().any(|c| c.text == text) {
                            continue;
                        }
                        let to = i + 1 + hop;
                        list.push(Choice {
                            id,
                            text,
                            to: (to < n).then_some(to),
                        });
                        id += 1;
                    }
                    out.push(list);
                }
                Model { scenes: out }
            })
        })
    }

    #[derive(Clone, Debug)]
    enum Edit {
        Swap {
            scene: usize,
            a: usize,
            b: usize,
        },
        Typo {
            scene: usize,
            choice: usize,
        },
        Rewrite {
            scene: usize,
            choice: usize,
            seed: u32,
        },
        Delete {
            scene: usize,
            choice: usize,
        },
        Insert {
            scene: usize,
            at: usize,
            seed: u32,
        },
        Retarget {
            scene: usize,
            choice: usize,
            to: usize,
        },
    }

    fn edit() -> impl Strategy<Value = Edit> {
        let i = || 0usize..8;
        prop_oneof![
            (i(), i(), i()).prop_map(|(scene, a, b)| Edit::Swap { scene, a, b }),
            (i(), i()).prop_map(|(scene, choice)| Edit::Typo { scene, choice }),
            (i(), i(), any::<u32>()).prop_map(|(scene, choice, seed)| Edit::Rewrite {
                scene,
                choice,
                seed
            }),
            (i(), i()).prop_map(|(scene, choice)| Edit::Delete { scene, choice }),
            (i(), i(), any::<u32>()).prop_map(|(scene, at, seed)| Edit::Insert { scene, at, seed }),
            (i(), i(), i()).prop_map(|(scene, choice, to)| Edit::Retarget { scene, choice, to }),
        ]
    }

    /// Applies an edit; identities are kept by swaps, typos, rewrites and retargets.
    fn apply(m: &mut Model, e: &Edit, next_id: &mut usize) {
        let n = m.scenes.len();
        match *e {
            Edit::Swap { scene, a, b } => {
                let list = &mut m.scenes[scene % n];
                if !list.is_empty() {
                    let len = list.len();
                    list.swap(a % len, b % len);
                }
            }
            Edit::Typo { scene, choice } => {
                let list = &mut m.scenes[scene % n];
                if !list.is_empty() {
                    let len = list.len();
                    let c = &mut list[choice % len];
                    c.text = format!("Please, {}", c.text);
                }
            }
            Edit::Rewrite {
                scene,
                choice,
                seed,
            } => {
                let list = &mut m.scenes[scene % n];
                if !list.is_empty() {
                    let len = list.len();
                    // Nothing like any text of the model: digits only.
                    list[choice % len].text = format!("{seed} {}", seed / 7);
                }
            }
            Edit::Delete { scene, choice } => {
                let list = &mut m.scenes[scene % n];
                if list.len() > 1 {
                    let len = list.len();
                    list.remove(choice % len);
                }
            }
            Edit::Insert { scene, at, seed } => {
                let s = scene % n;
                let list = &mut m.scenes[s];
                let at = at % (list.len() + 1);
                list.insert(
                    at,
                    Choice {
                        id: *next_id,
                        text: format!("{} {}", seed % 1000 + 7000, seed / 13),
                        to: (s + 1 < n).then_some(s + 1),
                    },
                );
                *next_id += 1;
            }
            Edit::Retarget { scene, choice, to } => {
                let s = scene % n;
                let list = &mut m.scenes[s];
                if !list.is_empty() {
                    let len = list.len();
                    let to = s + 1 + to % n;
                    list[choice % len].to = (to < n).then_some(to);
                }
            }
        }
        // Texts stay unique within a scene (the model's identities rely on it).
        for list in &mut m.scenes {
            let mut seen = std::collections::BTreeSet::new();
            list.retain(|c| seen.insert(c.text.clone()));
        }
    }

    /// Plays `picks` (indices, wrapped) on the model: the save, and the identities picked.
    fn save_of(m: &Model, picks: &[usize]) -> (Vec<Pick>, Vec<usize>) {
        let (mut out, mut ids) = (Vec::new(), Vec::new());
        let mut scene = 0;
        for &p in picks {
            let list = &m.scenes[scene];
            if list.is_empty() {
                break;
            }
            let c = &list[p % list.len()];
            out.push(Pick {
                number: p % list.len() + 1,
                text: c.text.clone(),
                offered: list.iter().map(|c| c.text.clone()).collect(),
                scene: format!("s{scene}"),
            });
            ids.push(c.id);
            match c.to {
                Some(to) => scene = to,
                None => break,
            }
        }
        (out, ids)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
        #[test]
        fn a_resumed_save_replays_the_same_choices_or_stops_and_says_why(
            original in model(),
            picks in proptest::collection::vec(0usize..8, 1..6),
            edits in proptest::collection::vec(edit(), 0..4),
        ) {
            let (save, ids) = save_of(&original, &picks);
            let mut edited = original.clone();
            let mut next_id = 1000;
            for e in &edits {
                apply(&mut edited, e, &mut next_id);
            }
            let text = edited.text();
            let checked = rapport::check::check_text(std::path::Path::new("prop.scenario"), text.clone(), None);
            let scenario = checked.scenario.as_ref().expect("the edited model checks");
            let mut run = Run::start(scenario);
            let replayed = replay(&mut run, &save);
            // Every replayed pick is the same choice (by identity) as the saved one. The one
            // exception cannot be told apart from a rewording: a choice replaced in its place
            // by another, nothing else changed in that turn. Matching by place is then what
            // the issue asks for, and the trainee is told ("matched by its place").
            let mut scene = 0;
            for (k, pick) in replayed.picks.iter().enumerate() {
                let id = edited.id_of(scene, &pick.text);
                let by_place = matches!(replayed.matched[k], rapport::play::save::Matched::Position { .. });
                if !by_place {
                    prop_assert_eq!(id, Some(ids[k]), "turn {}: {:?}\n{}\n{}", k + 1, replayed, text, replayed.describe());
                }
                let c = edited.scenes[scene].iter().find(|c| c.text == pick.text).unwrap();
                match c.to {
                    Some(to) => scene = to,
                    None => break,
                }
            }
            // Stopping early is always said, with the turn.
            if replayed.picks.len() < save.len() {
                let d = replayed.diverged.as_ref().expect("a shorter replay says where it stopped");
                prop_assert_eq!(d.turn, replayed.picks.len() + 1);
                let turn = format!("The replay stopped at turn {}", d.turn);
                prop_assert!(replayed.describe().contains(&turn));
            } else {
                prop_assert!(replayed.diverged.is_none());
            }
            // A pick found any other way than by its text is said too.
            for (k, m) in replayed.matched.iter().enumerate() {
                if *m != rapport::play::save::Matched::Exact {
                    let turn = format!("Turn {}:", k + 1);
                    prop_assert!(replayed.describe().contains(&turn));
                }
            }
        }
    }
}

/// An emotion at the top of the 64-bit range.
const TOP: &str = "scenario top \"Top\"\ncustomer C\nagent A\nemotion x = 9223372036854775807 in -9223372036854775808..9223372036854775807\nscene s\n  choice \"up\"\n    x +1\n    goto t\nscene t\n  choice \"down\"\n    x -9223372036854775808\n    end e\n  choice \"check\" if x + 1 > x\n    end e\nending e \"E\"\n";

// 7. Past the end of i64 is a clamp like any other (marked, and W016); every i64 is an
// amount, the smallest too; arithmetic in conditions does not saturate either.
#[test]
fn p7_saturation_is_clamping_and_every_i64_is_accepted() {
    let dir = folder("top.scenario", TOP);
    let o = run(dir.path(), &["check", "top.scenario"]);
    assert_eq!(o.status.code(), Some(0), "{}", both(&o));
    assert!(out(&o).contains("warning[W016]: `x +1` always goes past the top of `x`'s range -9223372036854775808..9223372036854775807 here: every run that reaches it is already near 9223372036854775807\n --> top.scenario:7:5"), "{}", both(&o));
    let o = run(
        dir.path(),
        &[
            "run",
            "top.scenario",
            "--choices",
            "1,1",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", both(&o));
    let json: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let effects: Vec<&serde_json::Value> = json["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "effect")
        .collect();
    assert_eq!(effects[0]["clamped"], true, "{effects:?}");
    assert_eq!(effects[1]["to"], -1, "{effects:?}");
    // `x + 1 > x` at the top: exact, so the choice is offered.
    let o = run(dir.path(), &["run", "top.scenario", "--choices", "1,2"]);
    assert_eq!(o.status.code(), Some(0), "{}", both(&o));
    assert!(out(&o).contains("> 2. A: check"), "{}", both(&o));
    // One past the end still is an error, in words.
    let dir = folder(
        "low.scenario",
        &TOP.replace("x -9223372036854775808", "x -9223372036854775809"),
    );
    let o = run(dir.path(), &["check", "low.scenario"]);
    assert!(
        out(&o).contains("the number `-9223372036854775809` is too small"),
        "{}",
        both(&o)
    );
}

// 11. Invisible characters are named, with the fix.
#[test]
fn p11_invisible_characters_are_named_with_a_fix() {
    let text = "scenario t \"T\"\ncustomer C\nagent A\nemotion x = 1\nscene s\n  x\u{a0}+1\n  choice \"a\"\u{c}\n    end e\n  \u{2028}choice \"b\"\n    end e\n  choice \"c\u{a0}is fine in a string\"\u{200b}\n    end e\nending e \"E\"\n";
    let dir = folder("inv.scenario", text);
    let o = run(dir.path(), &["check", "inv.scenario"]);
    assert_eq!(o.status.code(), Some(1), "{}", both(&o));
    let t = out(&o);
    for (line, name, fix) in [
        (
            "6:4",
            "U+00A0 NO-BREAK SPACE",
            "replace it with a plain space",
        ),
        (
            "7:13",
            "U+000C FORM FEED",
            "delete it, or replace it with a line break",
        ),
        (
            "9:3",
            "U+2028 LINE SEPARATOR",
            "replace it with a line break",
        ),
        ("11:33", "U+200B ZERO WIDTH SPACE", "delete it"),
    ] {
        let message =
            format!("this line contains {name}, an invisible character that is not a space here\n");
        assert!(t.contains(&message), "{message}\n{t}");
        assert!(t.contains(&format!("inv.scenario:{line}\n")), "{line}\n{t}");
        assert!(t.contains(fix), "{fix}\n{t}");
    }
    assert!(!t.contains("found the end of the line"), "{t}");
    assert!(!t.contains("unknown statement"), "{t}");
    assert!(t.contains("checked 1 file: 4 errors"), "{t}");
}
