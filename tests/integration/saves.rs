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
