//! One test per predicate of language.md §6, and the scoring rules.

use std::fmt::Write as _;

use super::{grade, Grade, Trace};
use crate::runtime::tests::scenario;
use crate::runtime::Run;

/// A scenario with one scene offering choices tagged as given; the last choice ends.
fn graded(choices: &[&str], rubric: &str, picks: &[usize]) -> Grade {
    let mut body = String::from("scene a\n");
    for (i, tags) in choices.iter().enumerate() {
        let _ = write!(
            body,
            "  choice \"c{i}\"\n    tags {tags}\n    e +1\n    stay\n"
        );
    }
    body.push_str(
        "  choice \"done\"\n    tags done\n    end x\nending x \"x\"\nending other \"o\"\n",
    );
    body.push_str(rubric);
    let s = scenario(&body);
    let mut run = Run::start(&s);
    for &p in picks {
        run.choose(p).unwrap();
    }
    grade(s.rubric.as_ref().unwrap(), &Trace::of(&run))
}

fn passes(choices: &[&str], expect: &str, picks: &[usize]) -> bool {
    let rubric = format!("rubric\n  rule \"r\"\n    expect {expect}\n");
    graded(choices, &rubric, picks).rules[0].passed
}

#[test]
fn ever_and_never() {
    assert!(passes(&["a", "b"], "ever a", &[1, 3]));
    assert!(!passes(&["a", "b"], "ever b", &[1, 3]));
    assert!(passes(&["a", "b"], "never b", &[1, 3]));
    assert!(!passes(&["a", "b"], "never a", &[1, 3]));
}

#[test]
fn before_requires_a_and_no_b_before_the_first_a() {
    assert!(passes(&["a", "b"], "a before b", &[1, 2, 3]));
    assert!(!passes(&["a", "b"], "a before b", &[2, 1, 3]));
    assert!(
        passes(&["a", "b"], "a before b", &[1, 3]),
        "B need not occur"
    );
    assert!(!passes(&["a", "b"], "a before b", &[3]), "A must occur");
}

#[test]
fn before_inside_one_choice_follows_written_order() {
    assert!(passes(&["a b", "c"], "a before b", &[1, 3]));
    assert!(!passes(&["b a", "c"], "a before b", &[1, 3]));
}

#[test]
fn within_counts_turns_not_tags() {
    assert!(passes(&["a", "b"], "a within 2 turns", &[2, 1, 3]));
    assert!(!passes(&["a", "b"], "a within 1 turns", &[2, 1, 3]));
    assert!(!passes(&["a", "b"], "a within 0 turns", &[1, 3]));
}

#[test]
fn sequence_is_in_order_not_necessarily_adjacent() {
    assert!(passes(
        &["a", "b", "c"],
        "sequence a, b, c",
        &[1, 2, 2, 3, 4]
    ));
    assert!(passes(
        &["a", "b", "c"],
        "sequence a, b, c",
        &[1, 3, 2, 3, 4]
    ));
    assert!(!passes(&["a", "b", "c"], "sequence a, b, c", &[2, 1, 3, 4]));
}

#[test]
fn a_tag_repeated_on_one_line_counts_twice() {
    assert!(passes(&["a a", "b"], "count a == 2", &[1, 3]));
    assert!(passes(&["a a", "b"], "count a >= 4", &[1, 1, 3]));
    assert!(passes(&["a", "b"], "count b < 1", &[1, 3]));
}

#[test]
fn at_end_and_ending() {
    assert!(passes(&["a"], "at end e == 6", &[1, 2]));
    assert!(passes(&["a"], "ending x", &[2]));
    assert!(passes(&["a"], "ending other, x", &[2]));
    assert!(!passes(&["a"], "ending other", &[2]));
    assert!(
        !passes(&["a"], "ending x", &[1]),
        "a run that has not ended"
    );
}

#[test]
fn always_is_sampled_at_start_at_each_offer_and_at_the_end() {
    // e starts at 5; each tagged choice adds 1 and stays (an offer); the last ends.
    assert!(passes(&["a"], "always e <= 6", &[1, 2]));
    assert!(
        !passes(&["a"], "always e <= 5", &[1, 2]),
        "6 at the second offer"
    );
    assert!(!passes(&["a"], "always e >= 6", &[1, 2]), "5 at the start");
}

#[test]
fn always_ignores_values_between_check_points() {
    let s = scenario(
        "scene a\n  choice \"spike\"\n    tags t\n    e = 10\n    e = 5\n    stay\n  choice \"end\"\n    tags t\n    end x\nending x \"x\"\nrubric\n  rule \"calm\"\n    expect always e <= 9\n",
    );
    let mut run = Run::start(&s);
    run.choose(1).unwrap();
    run.choose(2).unwrap();
    assert!(grade(s.rubric.as_ref().unwrap(), &Trace::of(&run)).rules[0].passed);
}

#[test]
fn at_end_extends_as_far_as_it_can() {
    // `(at end (f or e == 6)) and ever a`
    assert!(passes(&["a"], "at end f or e == 6 and ever a", &[1, 2]));
    assert!(!passes(&["a"], "at end f or e == 6 and ever a", &[2]));
}

#[test]
fn boolean_combinations() {
    assert!(passes(
        &["a", "b"],
        "not ever b and (ever a or ever b)",
        &[1, 3]
    ));
    assert!(!passes(&["a", "b"], "not (ever a or ever b)", &[1, 3]));
}

#[test]
fn percent_rounds_half_up_to_one_decimal() {
    let rubric =
        "rubric\n  rule \"a\"\n    worth 2\n    expect ever a\n  rule \"b\"\n    expect ever b\n";
    let g = graded(&["a", "b"], rubric, &[1, 3]);
    assert_eq!((g.earned, g.total, g.tenths), (2, 3, 667));
    let rubric =
        "rubric\n  rule \"a\"\n    expect ever a\n  rule \"b\"\n    worth 15\n    expect ever b\n";
    let g = graded(&["a", "b"], rubric, &[1, 3]);
    assert_eq!(g.tenths, 63, "1/16 = 6.25% rounds half up to 6.3%");
    assert!((g.percent() - 6.3).abs() < 1e-9);
}

#[test]
fn an_empty_rubric_scores_one_hundred() {
    let s = scenario("scene a\n  end x\nending x \"x\"\nrubric\n  pass 50%\n");
    let g = grade(s.rubric.as_ref().unwrap(), &Trace::of(&Run::start(&s)));
    assert_eq!((g.total, g.tenths, g.passed), (0, 1000, true));
}

#[test]
fn passing_is_decided_exactly_at_the_mark() {
    let rubric = "rubric\n  pass 70%\n  rule \"a\"\n    worth 7\n    expect ever a\n  rule \"b\"\n    worth 3\n    expect ever b\n";
    assert!(
        graded(&["a", "b"], rubric, &[1, 3]).passed,
        "7/10 meets 70%"
    );
    let rubric = "rubric\n  pass 67%\n  rule \"a\"\n    worth 2\n    expect ever a\n  rule \"b\"\n    expect ever b\n";
    let g = graded(&["a", "b"], rubric, &[1, 3]);
    assert!(
        !g.passed,
        "2/3 = 66.67% is below 67% even though it rounds to 66.7"
    );
}

#[test]
fn a_failed_critical_rule_fails_the_run() {
    let rubric = "rubric\n  pass 10%\n  rule \"a\"\n    worth 9\n    expect ever a\n  rule \"b\"\n    critical\n    expect ever b\n";
    let g = graded(&["a", "b"], rubric, &[1, 3]);
    assert_eq!((g.earned, g.total), (9, 10));
    assert!(!g.passed);
}

#[test]
fn criteria_get_subtotals() {
    let rubric = "rubric\n  criterion one \"One\"\n  rule \"a\"\n    in one\n    worth 2\n    expect ever a\n  rule \"b\"\n    expect ever b\n";
    let g = graded(&["a", "b"], rubric, &[1, 3]);
    assert_eq!(g.subtotals.len(), 2);
    assert_eq!((g.subtotals[0].earned, g.subtotals[0].total), (2, 2));
    assert_eq!(g.subtotals[1].criterion, None);
    assert_eq!((g.subtotals[1].earned, g.subtotals[1].total), (0, 1));
}
