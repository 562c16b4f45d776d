//! Memory that does not grow with the course (issue 16), through the command line: when
//! `--max-runs` stops the listing, the summary counts every run over the state graph, and
//! says so; when every run is listed, the output has no new field.

use crate::common::{rapport, root, stdout};

#[test]
fn a_stopped_listing_counts_every_run_over_the_state_graph() {
    let dir = root().join("tests/fixtures/examples");
    let whole = rapport(
        &dir,
        &["paths", "broken_blender.scenario", "--format", "json"],
    );
    let whole: serde_json::Value = serde_json::from_str(&stdout(&whole)).unwrap();
    assert!(
        whole["summary"].get("counted").is_none(),
        "no new field when every run is listed"
    );
    let cut = rapport(
        &dir,
        &[
            "paths",
            "broken_blender.scenario",
            "--max-runs",
            "3",
            "--format",
            "json",
        ],
    );
    let cut: serde_json::Value = serde_json::from_str(&stdout(&cut)).unwrap();
    assert_eq!(cut["runs"].as_array().unwrap().len(), 3);
    assert_eq!(
        cut["summary"]["runs"], 3,
        "the listed runs keep their meaning"
    );
    let counted = &cut["summary"]["counted"];
    let total = whole["summary"]["runs"].as_u64().unwrap();
    assert_eq!(counted["runs"], total.to_string(), "exact, as a string");
    for (ending, runs) in whole["summary"]["endings"].as_object().unwrap() {
        assert_eq!(counted["endings"][ending], runs.to_string(), "{ending}");
    }
    let whole_passed = whole["runs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["score"]["passed"] == true && r["status"] == "ended")
        .count();
    assert_eq!(counted["passed"], whole_passed.to_string());
    let random = |v: &serde_json::Value| v.as_f64().unwrap();
    assert!(
        (random(&counted["random_pass_rate"]) - random(&whole["summary"]["random_pass_rate"]))
            .abs()
            < 1e-12
    );

    let text = rapport(
        &dir,
        &["paths", "broken_blender.scenario", "--max-runs", "3"],
    );
    let line = format!("runs: {total} (");
    assert!(stdout(&text).contains(&line), "{}", stdout(&text));
    assert!(stdout(&text).contains("states by turn; 3 listed (listing stopped at --max-runs)"));
}
