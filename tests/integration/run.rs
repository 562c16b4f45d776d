//! `rapport run`: the acceptance table, the JSON report, bad picks, and every corpus run.

use rapport::check::check_file;
use rapport::explore::enumerate;
use rapport::rubric::{grade, Trace};
use rapport::runtime::{Bounds, Run, Status};

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
    // What was played before the bad pick is printed, so the error has its context.
    assert!(stdout(&out).contains("> 1. Natalie:"), "{}", stdout(&out));
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
        stderr(&out).contains("the conversation was over after 2 of the 3 picks"),
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

/// Every run the explorer lists, replayed from scratch with its picks, reaches the same
/// status, ending, grade and final state (corpus/README.md's promise).
#[test]
fn every_corpus_run_replays_to_the_same_outcome() {
    let bounds = Bounds::default();
    let mut total = 0;
    for path in scenarios(&root().join("tests/corpus")) {
        let checked = check_file(&path, Some(&root())).unwrap();
        let scenario = checked.scenario.expect("corpus files are playable");
        let listed = enumerate(&scenario, &bounds, 100_000);
        assert!(listed.complete, "{}", path.display());
        for record in &listed.runs {
            assert!(
                !matches!(record.status, Status::Stuck(_)),
                "{}: stuck at {:?}",
                path.display(),
                record.choices
            );
            let mut run = Run::start(&scenario);
            for &pick in &record.choices {
                run.choose(pick as usize).unwrap();
            }
            if matches!(record.status, Status::Cut(_)) {
                continue;
            }
            assert_eq!(
                run.status(),
                &record.status,
                "{} {:?}",
                path.display(),
                record.choices
            );
            assert_eq!(run.state().emotions, record.emotions);
            assert_eq!(run.state().flags, record.flags);
            let grade = scenario.rubric.as_ref().map(|r| grade(r, &Trace::of(&run)));
            assert_eq!(grade, record.grade);
            total += 1;
        }
    }
    assert!(total > 7_500, "only {total} runs replayed");
}

#[test]
fn a_conditional_effect_is_made_only_when_its_condition_holds() {
    let fixtures = root().join("tests/fixtures");
    let out = rapport(
        &fixtures,
        &[
            "run",
            "ok/conditional_effects.scenario",
            "--choices",
            "1,1,2",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let effects: Vec<String> = json["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "effect")
        .map(|e| format!("{} {} → {}", e["target"], e["from"], e["to"]))
        .collect();
    // Turn 1: trust is 3, so no `anger -2`; anger is 5, so `set heard`. Turn 2: trust is 4.
    assert_eq!(
        effects,
        [
            "\"heard\" false → true",
            "\"trust\" 3 → 4",
            "\"anger\" 5 → 3",
            "\"trust\" 4 → 5"
        ]
    );
    assert_eq!(json["final"]["emotions"]["anger"], 3);
}
