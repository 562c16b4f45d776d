//! `rapport paths`: agreement with the acceptance table, the branch tree of every
//! training scenario (snapshots: a content edit is a reviewable diff), bounds.

use crate::common::{rapport, root, stdout};

#[test]
fn paths_json_agrees_with_the_acceptance_table() {
    let dir = root().join("tests/fixtures/examples");
    let table = std::fs::read_to_string(dir.join("expected.tsv")).unwrap();
    for (file, count) in [
        ("delayed_order.scenario", 17),
        ("broken_blender.scenario", 52),
    ] {
        let out = rapport(&dir, &["paths", file, "--format", "json"]);
        assert_eq!(out.status.code(), Some(0));
        let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        let runs = json["runs"].as_array().unwrap();
        let expected: Vec<Vec<&str>> = table
            .lines()
            .filter(|l| l.starts_with(file))
            .map(|l| l.split('\t').collect())
            .collect();
        assert_eq!(runs.len(), count);
        assert_eq!(expected.len(), count);
        for (run, row) in runs.iter().zip(&expected) {
            let choices: Vec<String> = run["choices"]
                .as_array()
                .unwrap()
                .iter()
                .map(ToString::to_string)
                .collect();
            assert_eq!(
                choices.join(","),
                row[1],
                "run order is depth-first by choice"
            );
            assert_eq!(run["status"], row[2]);
            assert_eq!(run["ending"], row[3]);
            assert_eq!(run["score"]["earned"].to_string(), row[4]);
            assert_eq!(run["score"]["total"].to_string(), row[5]);
            assert_eq!(run["score"]["passed"].to_string(), row[6]);
            let mut emotions: Vec<String> = run["final"]["emotions"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let mut want: Vec<&str> = row[7].split(' ').collect();
            emotions.sort();
            want.sort_unstable();
            assert_eq!(emotions, want);
        }
        assert_eq!(json["summary"]["runs"], count);
        assert_eq!(json["summary"]["stuck"], 0);
        assert_eq!(json["summary"]["cut"], 0);
    }
}

#[test]
fn uniformly_random_pass_rate_is_exact() {
    // delayed_order: picks are equally likely among those offered. The passing runs are
    // 1,1,1 (1/3·1/3·1/2), 1,2 (1/3·1/3), 2,1,1,1 (1/3·1/2·1/3·1/2), 2,1,2 (1/3·1/2·1/3).
    let dir = root().join("tests/fixtures/examples");
    let out = rapport(
        &dir,
        &["paths", "delayed_order.scenario", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rate = json["summary"]["random_pass_rate"].as_f64().unwrap();
    let expected = 1.0 / 18.0 + 1.0 / 9.0 + 1.0 / 36.0 + 1.0 / 18.0;
    assert!((rate - expected).abs() < 1e-12, "{rate} != {expected}");
}

#[test]
fn bounds_cut_runs_and_say_why() {
    let dir = root().join("tests/fixtures/examples");
    let out = rapport(
        &dir,
        &[
            "paths",
            "broken_blender.scenario",
            "--format",
            "json",
            "--max-visits",
            "1",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(json["summary"]["cut"].as_u64().unwrap() > 0);
    let cut = json["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "cut")
        .unwrap();
    assert_eq!(
        cut["reason"],
        "scene `opening` would be entered once more than allowed"
    );

    let out = rapport(
        &dir,
        &["paths", "broken_blender.scenario", "--max-runs", "3"],
    );
    assert!(stdout(&out).contains("… stopped after 3 runs (raise --max-runs to list more)"));
    assert!(stdout(&out).contains("(listing stopped at --max-runs)"));
}

#[test]
fn every_training_scenario_has_a_reviewed_branch_tree() {
    insta::glob!("../../scenarios", "**/*.scenario", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let library = !text
            .lines()
            .any(|l| l.trim_start().starts_with("scenario "));
        if library {
            return;
        }
        let relative = path.strip_prefix(root()).unwrap();
        let out = rapport(&root(), &["paths", relative.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", relative.display());
        insta::assert_snapshot!(stdout(&out));
    });
}

#[test]
fn the_course_scenarios_are_clean_and_calibrated() {
    let out = rapport(&root(), &["check", "--deny-warnings", "scenarios"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let mut played = 0;
    for path in crate::common::scenarios(&root().join("scenarios")) {
        if path.parent().is_some_and(|p| p.ends_with("library")) {
            continue;
        }
        let relative = path.strip_prefix(root()).unwrap();
        let out = rapport(
            &root(),
            &["paths", relative.to_str().unwrap(), "--format", "json"],
        );
        let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        let summary = &json["summary"];
        let rate = summary["random_pass_rate"].as_f64().unwrap();
        assert!(
            (0.05..=0.35).contains(&rate),
            "{}: {:.1}% of random play passes; keep it between 5% and 35%",
            relative.display(),
            rate * 100.0
        );
        assert!(
            summary["endings"].as_object().unwrap().len() >= 3,
            "{}",
            relative.display()
        );
        played += 1;
    }
    assert!(played >= 8, "only {played} scenarios");
}
