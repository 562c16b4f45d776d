//! `rapport run`: the acceptance table, the JSON report, bad picks, and every corpus run.

use std::path::Path;

use rapport::check::check_file;
use rapport::runtime::{Run, Status};

use crate::common::{rapport, root, scenarios, stderr, stdout};

#[test]
fn every_expected_run_of_the_examples_matches() {
    let dir = root().join("tests/fixtures/examples");
    let table = std::fs::read_to_string(dir.join("expected.tsv")).unwrap();
    let mut checked = 0;
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        let out = rapport(&dir, &["run", f[0], "--choices", f[1], "--format", "json"]);
        let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(report["status"], f[2], "{line}");
        assert_eq!(report["ending"]["id"], f[3], "{line}");
        assert_eq!(
            report["score"]["earned"],
            f[4].parse::<i64>().unwrap(),
            "{line}"
        );
        assert_eq!(
            report["score"]["total"],
            f[5].parse::<i64>().unwrap(),
            "{line}"
        );
        assert_eq!(report["score"]["passed"], f[6] == "true", "{line}");
        for pair in f[7].split_whitespace() {
            let (k, v) = pair.split_once('=').unwrap();
            assert_eq!(
                report["final"]["emotions"][k],
                v.parse::<i64>().unwrap(),
                "{line}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 69);
}

#[test]
fn the_json_report_is_pinned() {
    let dir = root().join("tests/fixtures/examples");
    let out = rapport(
        &dir,
        &[
            "run",
            "delayed_order.scenario",
            "--choices",
            "3,2,1,2",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    insta::assert_json_snapshot!(json);
}

#[test]
fn the_text_debrief_is_pinned() {
    let dir = root().join("tests/fixtures/examples");
    let out = rapport(
        &dir,
        &["run", "broken_blender.scenario", "--choices", "1,1,1,2,1"],
    );
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn picks_that_run_out_leave_the_run_in_progress() {
    let dir = root().join("tests/fixtures/examples");
    let out = rapport(
        &dir,
        &[
            "run",
            "delayed_order.scenario",
            "--choices",
            "1",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["status"], "in_progress");
    assert_eq!(json["ending"], serde_json::Value::Null);
    assert_eq!(json["score"]["total"], 10);
}

#[test]
fn a_pick_that_is_not_offered_names_the_turn_and_the_choices() {
    let dir = root().join("tests/fixtures/examples");
    let out = rapport(&dir, &["run", "delayed_order.scenario", "--choices", "1,5"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("turn 2: choice 5 is not offered"), "{err}");
    assert!(
        err.contains("  1. Can you tell me a bit more about why the date matters to you?"),
        "{err}"
    );
    assert!(stdout(&out).is_empty());
}

#[test]
fn picks_after_the_end_are_an_error() {
    let dir = root().join("tests/fixtures/examples");
    let out = rapport(
        &dir,
        &["run", "delayed_order.scenario", "--choices", "2,2,1"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("pick 3 (1) comes after the conversation is over"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_library_file_cannot_be_run() {
    let dir = root().join("tests/fixtures/examples");
    let out = rapport(&dir, &["run", "library/core_rubric.scenario"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is a library file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_file_with_errors_cannot_be_run() {
    let dir = root().join("tests/fixtures");
    let out = rapport(&dir, &["run", "err/E031_unknown_scene.scenario"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("error[E031]"), "{}", stderr(&out));
}

#[test]
fn a_stuck_run_is_reported_with_exit_1() {
    let dir = root().join("tests/fixtures/stuck");
    let out = rapport(
        &dir,
        &[
            "run",
            "stuck.scenario",
            "--choices",
            "1",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["status"], "stuck");
}

/// Plays every run depth-first, cut at 200 turns or a 9th visit (language.md §5a), and
/// checks that each ends or is stuck only where the scenario really is.
fn every_run(path: &Path, limit: usize) -> (usize, usize) {
    let checked = check_file(path, Some(&root())).unwrap();
    let scenario = checked.scenario.expect("corpus files are playable");
    let mut stack = vec![Run::start(&scenario)];
    let (mut runs, mut stuck) = (0, 0);
    while let Some(run) = stack.pop() {
        if runs >= limit {
            break;
        }
        let cut = run.turns().len() >= 200 || run.state().visits.iter().any(|&v| v > 8);
        match run.status() {
            Status::AwaitingChoice { offered, .. } if !cut => {
                for n in (1..=offered.len()).rev() {
                    let mut next = run.clone();
                    next.choose(n).unwrap();
                    stack.push(next);
                }
            }
            Status::Stuck(_) => {
                stuck += 1;
                runs += 1;
            }
            _ => runs += 1,
        }
    }
    (runs, stuck)
}

#[test]
fn every_corpus_run_plays_without_getting_stuck() {
    for path in scenarios(&root().join("tests/corpus")) {
        let (runs, stuck) = every_run(&path, 3_000);
        assert!(runs > 0, "{}", path.display());
        assert_eq!(stuck, 0, "{} has stuck runs", path.display());
    }
}
