//! One test per execution rule of language.md §5 and §5a.

use std::path::Path;

use super::{Run, RunError, Status, StuckReason};
use crate::check::check_text;
use crate::render::report::event_text;
use crate::scenario::Scenario;

pub(crate) fn scenario(body: &str) -> Scenario {
    let src = format!(
        "scenario t \"T\"\ncustomer C \"Cora\"\nagent A\nemotion e = 5 in 0..10\nflag f\n{body}"
    );
    let checked = check_text(Path::new("t.scenario"), src, None);
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity() == crate::diagnostic::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    checked.scenario.expect("a playable scenario")
}

fn transcript(run: &Run<'_>) -> Vec<String> {
    run.events()
        .iter()
        .filter_map(|e| event_text(run.scenario(), e))
        .collect()
}

fn play<'s>(s: &'s Scenario, picks: &[usize]) -> Run<'s> {
    let mut run = Run::start(s);
    for &p in picks {
        run.choose(p).expect("pick offered");
    }
    run
}

#[test]
fn entering_a_scene_counts_visits_and_runs_statements_in_order() {
    let s = scenario(
        "scene a\n  C: \"first\"\n    if visits(a) >= 2: \"again\"\n  e +1\n  C: \"e is {e}\"\n  choice \"loop\"\n    goto a\nending x \"x\"\n",
    );
    let run = play(&s, &[1]);
    assert_eq!(
        transcript(&run),
        [
            "Cora: first",
            "   e 5 → 6",
            "Cora: e is 6",
            "> 1. A: loop",
            "Cora: again",
            "   e 6 → 7",
            "Cora: e is 7"
        ]
    );
    assert_eq!(
        run.state().visits_of(&s, crate::scenario::SceneId(0)),
        Some(2)
    );
}

#[test]
fn first_true_variant_wins_else_the_line_text() {
    let s = scenario(
        "scene a\n  C: \"base\"\n    if e >= 5: \"five\"\n    if e >= 3: \"three\"\n  C: \"plain\"\n    if e >= 9: \"nine\"\n  end x\nending x \"x\"\n",
    );
    assert_eq!(transcript(&Run::start(&s)), ["Cora: five", "Cora: plain"]);
}

#[test]
fn trailing_if_gates_lines_and_narration() {
    let s = scenario(
        "scene a\n  C: \"shown\" if e == 5\n  C: \"hidden\" if f\n  narrate \"sighs\" if not f\n  narrate \"never\" if e > 5\n  end x\nending x \"x\"\n",
    );
    assert_eq!(transcript(&Run::start(&s)), ["Cora: shown", "(sighs)"]);
}

#[test]
fn interpolation_uses_display_names_and_current_values() {
    let s = scenario(
        "scene a\n  C: \"I am {C}, you are {A}, e={e}\"\n  choice \"Hi {C} ({e})\"\n    e = 9\n    C: \"now {e}\"\n    end x\nending x \"bye at {e}\"\n",
    );
    let run = play(&s, &[1]);
    assert_eq!(
        transcript(&run),
        [
            "Cora: I am Cora, you are A, e=5",
            "> 1. A: Hi Cora (5)",
            "   e 5 → 9",
            "Cora: now 9"
        ]
    );
}

#[test]
fn effects_clamp_and_record_the_clamp() {
    let s = scenario(
        "scene a\n  e +7\n  e -20\n  e = 4\n  e = 11\n  set f\n  clear f\n  end x\nending x \"x\"\n",
    );
    let run = Run::start(&s);
    assert_eq!(
        transcript(&run),
        [
            "   e 5 → 10 (clamped)",
            "   e 10 → 0 (clamped)",
            "   e 0 → 4",
            "   e 4 → 10 (clamped)",
            "   f set",
            "   f cleared"
        ]
    );
}

#[test]
fn turn_and_count_inside_a_choice_body_include_that_choice() {
    let s = scenario(
        "scene a\n  choice \"go\"\n    tags t t\n    C: \"turn {e}\" if turn == 1 and count(t) == 2\n    end x\nending x \"x\"\n",
    );
    let run = play(&s, &[1]);
    assert_eq!(transcript(&run)[1], "Cora: turn 5");
}

#[test]
fn once_choices_hide_after_being_taken_and_stay_offers_again_without_lines() {
    let s = scenario(
        "scene a\n  C: \"hello\"\n  C: \"again\" if visits(a) >= 2\n  choice once \"ask\"\n    C: \"answer\"\n    stay\n  choice \"leave\"\n    end x\nending x \"x\"\n",
    );
    let mut run = Run::start(&s);
    assert_eq!(run.offered().len(), 2);
    run.choose(1).unwrap();
    assert_eq!(run.offered().len(), 1, "the once choice is hidden");
    assert_eq!(
        transcript(&run),
        ["Cora: hello", "> 1. A: ask", "Cora: answer"],
        "stay does not replay the scene's lines"
    );
    assert_eq!(
        run.state().visits_of(&s, crate::scenario::SceneId(0)),
        Some(1),
        "stay is not a visit"
    );
    run.choose(1).unwrap();
    assert!(matches!(run.status(), Status::Ended(_)));
}

#[test]
fn once_plus_stay_falls_to_otherwise_when_nothing_is_left() {
    let s =
        scenario("scene a\n  choice once \"only\"\n    stay\n  otherwise end x\nending x \"x\"\n");
    let run = play(&s, &[1]);
    assert_eq!(run.ending().map(|e| s.ending(e).id.as_str()), Some("x"));
}

#[test]
fn otherwise_is_taken_when_no_choice_is_available() {
    let s = scenario(
        "scene a\n  choice \"never\" if f\n    end x\n  otherwise goto b\nscene b\n  C: \"in b\"\n  end y\nending x \"x\"\nending y \"y\"\n",
    );
    let run = Run::start(&s);
    assert_eq!(run.ending().map(|e| s.ending(e).id.as_str()), Some("y"));
}

#[test]
fn no_choice_and_no_otherwise_is_stuck() {
    let s = scenario("scene a\n  choice \"never\" if f\n    end x\nending x \"x\"\n");
    let run = Run::start(&s);
    assert_eq!(
        run.status(),
        &Status::Stuck(StuckReason::NoChoice(crate::scenario::SceneId(0)))
    );
}

#[test]
fn ten_thousand_transitions_without_a_turn_is_stuck() {
    let s = scenario(
        "emotion n = 0 in 0..100000\nscene a\n  n +1\n  choice \"never\" if f\n    end x\n  otherwise goto b\nscene b\n  n +1\n  choice \"never\" if f\n    end x\n  otherwise goto a\nending x \"x\"\n",
    );
    let run = Run::start(&s);
    assert!(matches!(run.status(), Status::Stuck(StuckReason::Loop(_))));
    assert_eq!(
        run.state().emotions[1],
        i64::from(super::MAX_TRANSITIONS_WITHOUT_TURN),
        "one entry per transition"
    );
}

#[test]
fn a_trigger_fires_after_scene_statements_and_replaces_the_scene_exit() {
    let s = scenario(
        "scene a\n  e +5\n  C: \"before\"\n  choice \"not offered\"\n    end x\nwhen e >= 10\n  C: \"boiling\"\n  end y\nending x \"x\"\nending y \"y\"\n",
    );
    let run = Run::start(&s);
    assert_eq!(
        transcript(&run),
        [
            "   e 5 → 10",
            "Cora: before",
            "   ! trigger (line 11)",
            "Cora: boiling"
        ]
    );
    assert_eq!(run.ending().map(|e| s.ending(e).id.as_str()), Some("y"));
}

#[test]
fn a_trigger_overrides_a_choice_end() {
    let s = scenario(
        "scene a\n  choice \"push\"\n    e +5\n    end x\nwhen e >= 10\n  end y\nending x \"x\"\nending y \"y\"\n",
    );
    let run = play(&s, &[1]);
    assert_eq!(run.ending().map(|e| s.ending(e).id.as_str()), Some("y"));
}

#[test]
fn triggers_fire_at_most_one_per_check_in_file_order_and_once_per_run() {
    let s = scenario(
        "scene a\n  choice \"push\"\n    e +5\n    goto b\nscene b\n  C: \"b\"\n  choice \"again\"\n    goto b\n  choice \"stop\"\n    end x\nwhen e >= 10\n  C: \"first\"\n  goto b\nwhen e >= 9\n  C: \"second\"\n  goto b\nending x \"x\"\n",
    );
    let run = play(&s, &[1]);
    // After the choice: the first trigger fires (not the second); entering b, the second fires
    // (the first has fired already); entering b again, none is left.
    assert_eq!(
        transcript(&run)[2..],
        [
            "   ! trigger (line 16)",
            "Cora: first",
            "Cora: b",
            "   ! trigger (line 19)",
            "Cora: second",
            "Cora: b"
        ]
    );
    assert_eq!(run.offered().len(), 2);
}

#[test]
fn triggers_are_not_checked_between_statements() {
    let s = scenario(
        "scene a\n  e = 10\n  e = 0\n  choice \"x\"\n    end x\nwhen e >= 10\n  end y\nending x \"x\"\nending y \"y\"\n",
    );
    let run = Run::start(&s);
    assert!(matches!(run.status(), Status::AwaitingChoice { .. }));
}

#[test]
fn calls_in_the_wrong_state_are_typed_errors() {
    let s = scenario("scene a\n  choice \"go\"\n    end x\nending x \"x\"\n");
    let mut run = Run::start(&s);
    assert_eq!(
        run.choose(0).unwrap_err(),
        RunError::NotOffered {
            number: 0,
            offered: 1
        }
    );
    assert_eq!(
        run.choose(2).unwrap_err(),
        RunError::NotOffered {
            number: 2,
            offered: 1
        }
    );
    run.choose(1).unwrap();
    assert_eq!(run.choose(1).unwrap_err(), RunError::NotAwaitingChoice);
}

#[test]
fn choices_are_numbered_among_those_offered() {
    let s = scenario(
        "scene a\n  choice \"hidden\" if f\n    end x\n  choice \"one\"\n    end x\n  choice \"two\"\n    end y\nending x \"x\"\nending y \"y\"\n",
    );
    let run = play(&s, &[2]);
    assert_eq!(run.ending().map(|e| s.ending(e).id.as_str()), Some("y"));
}

#[test]
fn a_run_is_a_pure_function_of_its_picks() {
    let s = scenario(
        "scene a\n  e +1\n  choice \"x\"\n    goto a\n  choice \"y\"\n    end x\nending x \"x\"\n",
    );
    let a = play(&s, &[1, 1, 2]);
    let b = play(&s, &[1, 1, 2]);
    assert_eq!(a.events(), b.events());
    assert_eq!(a.state(), b.state());
}
