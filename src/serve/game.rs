//! From picks to what a page shows: replays a run on the runtime and reads its events,
//! state and grade into plain view values, in the REPL's words. Decides nothing: the
//! runtime plays, the rubric grades, and this module only reads what they produced.

use crate::play::save::Pick;
use crate::render::report::outcome_text;
use crate::rubric::{grade, Grade, Trace};
use crate::runtime::{Event, Run, Status};
use crate::scenario::Scenario;

use super::store::{Finish, RuleRecord, Score, StoredPick, TurnRecord};

pub use crate::play::Mode;

/// Replays picks (numbers) on a fresh run; `Err(turn)` names the first pick that is not
/// offered (1-based turn).
///
/// # Errors
/// When a pick is not offered at its turn.
pub fn replay<'s>(scenario: &'s Scenario, picks: &[usize]) -> Result<Run<'s>, usize> {
    let mut run = Run::start(scenario);
    for (i, &pick) in picks.iter().enumerate() {
        run.choose(pick).map_err(|_| i + 1)?;
    }
    Ok(run)
}

/// How picks stored under an older version of a scenario replay on the current one.
#[derive(Debug)]
pub struct Resumed<'s> {
    pub run: Run<'s>,
    /// The picks that replayed, as numbers on the current scenario.
    pub picks: Vec<usize>,
    /// The 1-based turn whose pick no longer matches, if any.
    pub diverged: Option<usize>,
}

/// Replays stored picks by the save rules (product.md §3, [`crate::play::save::replay`]):
/// each by its text first, its number second, stopping at the first that matches neither.
#[must_use]
pub fn replay_by_text<'s>(scenario: &'s Scenario, stored: &[StoredPick]) -> Resumed<'s> {
    let picks: Vec<Pick> = stored
        .iter()
        .map(|p| Pick {
            number: usize::try_from(p.number).unwrap_or(0),
            text: p.text.clone(),
            offered: p.offered.clone(),
            scene: p.scene.clone(),
        })
        .collect();
    let mut run = Run::start(scenario);
    let replayed = crate::play::save::replay(&mut run, &picks);
    Resumed {
        run,
        picks: replayed.picks.iter().map(|p| p.number).collect(),
        diverged: replayed.diverged.map(|d| d.turn),
    }
}

/// The offered choices' texts, rendered.
#[must_use]
pub fn choice_texts(run: &Run<'_>) -> Vec<String> {
    run.offered_texts()
}

/// Whether the run is over (ended or stuck).
#[must_use]
pub fn over(run: &Run<'_>) -> bool {
    !matches!(run.status(), Status::AwaitingChoice { .. })
}

/// Something said or done in the conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Said {
    /// A character's line; `customer` when it is the customer speaking.
    Line {
        name: String,
        customer: bool,
        text: String,
    },
    Narration(String),
    /// The trainee's pick, with its coach note.
    Choice {
        turn: u32,
        name: String,
        text: String,
        coach: Option<String>,
    },
}

/// One emotion meter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meter {
    pub name: String,
    pub value: i64,
    pub lo: i64,
    pub hi: i64,
}

/// A rule's result as the debrief shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleView {
    pub title: String,
    pub earned: i64,
    pub worth: i64,
    pub passed: bool,
    pub critical: bool,
    pub criterion: Option<String>,
    pub feedback: Option<String>,
}

/// The grade as the debrief shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreView {
    /// `7/9 (77.8%)`.
    pub text: String,
    pub passed: bool,
    pub pass_mark: i64,
    pub score: Score,
}

/// One emotion's values at the start and after each turn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Track {
    pub name: String,
    pub lo: i64,
    pub hi: i64,
    pub values: Vec<i64>,
}

/// The end of a run: the REPL's debrief as values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Debrief {
    /// `Ending: resolved (good): …`, or why the run is stuck.
    pub outcome: String,
    /// `good`, `neutral`, `bad`, or None when stuck.
    pub ending_outcome: Option<&'static str>,
    pub score: Option<ScoreView>,
    pub rules: Vec<RuleView>,
    /// Criterion name, earned, total.
    pub criteria: Vec<(String, i64, i64)>,
    pub tracks: Vec<Track>,
}

/// Everything said so far, in order.
#[must_use]
pub fn transcript(run: &Run<'_>) -> Vec<Said> {
    let scenario = run.scenario();
    run.events()
        .iter()
        .filter_map(|event| said(scenario, event))
        .collect()
}

fn said(scenario: &Scenario, event: &Event) -> Option<Said> {
    match event {
        Event::Line { speaker, text } => Some(Said::Line {
            name: scenario.display_name(*speaker),
            customer: *speaker == scenario.customer,
            text: text.clone(),
        }),
        Event::Narration { text } => Some(Said::Narration(text.clone())),
        Event::Choice {
            turn, text, coach, ..
        } => Some(Said::Choice {
            turn: *turn,
            name: scenario.display_name(scenario.agent),
            text: text.clone(),
            coach: coach.clone(),
        }),
        Event::Effect { .. } | Event::Trigger { .. } | Event::Ending { .. } => None,
    }
}

/// The meters now.
#[must_use]
pub fn meters(run: &Run<'_>) -> Vec<Meter> {
    let scenario = run.scenario();
    scenario
        .emotions
        .iter()
        .zip(&run.state().emotions)
        .map(|(e, v)| Meter {
            name: e.id.clone(),
            value: *v,
            lo: e.lo,
            hi: e.hi,
        })
        .collect()
}

/// The run's grade as if it ended now (None without a rubric).
#[must_use]
pub fn grade_of(run: &Run<'_>) -> Option<Grade> {
    run.scenario()
        .rubric
        .as_ref()
        .map(|rubric| grade(rubric, &Trace::of(run)))
}

/// The debrief of a run.
#[must_use]
pub fn debrief(run: &Run<'_>) -> Debrief {
    let scenario = run.scenario();
    let grade = grade_of(run);
    let mut out = Debrief {
        outcome: outcome_text(run),
        ending_outcome: run.ending().map(|e| scenario.ending(e).outcome.as_str()),
        score: None,
        rules: Vec::new(),
        criteria: Vec::new(),
        tracks: Vec::new(),
    };
    if let (Some(rubric), Some(grade)) = (&scenario.rubric, &grade) {
        out.score = Some(ScoreView {
            text: grade.score(),
            passed: grade.passed,
            pass_mark: rubric.pass_mark,
            score: Score {
                earned: saturate(grade.earned),
                total: saturate(grade.total),
                tenths: grade.tenths,
                passed: grade.passed,
            },
        });
        for (rule, result) in rubric.rules.iter().zip(&grade.rules) {
            out.rules.push(RuleView {
                title: rule.title.clone(),
                earned: result.earned,
                worth: rule.worth,
                passed: result.passed,
                critical: rule.critical,
                criterion: rule
                    .criterion
                    .map(|c| rubric.criteria[c.index()].id.clone()),
                feedback: rule
                    .feedback(result.passed)
                    .map(|t| run.state().render(scenario, t)),
            });
        }
        if grade.subtotals.iter().any(|s| s.criterion.is_some()) {
            for sub in &grade.subtotals {
                let name = rubric.criterion_name(sub.criterion);
                out.criteria
                    .push((name, saturate(sub.earned), saturate(sub.total)));
            }
        }
    }
    for (i, emotion) in scenario.emotions.iter().enumerate() {
        out.tracks.push(Track {
            name: emotion.id.clone(),
            lo: emotion.lo,
            hi: emotion.hi,
            values: run.history().iter().map(|values| values[i]).collect(),
        });
    }
    out
}

/// A rubric sum (kept in `i128`) as the store's 64-bit integer; sums past it saturate.
fn saturate(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

/// What the store keeps of a finished run.
#[must_use]
pub fn finish(run: &Run<'_>, at: i64) -> Finish {
    let scenario = run.scenario();
    let debrief = debrief(run);
    let ending = run.ending().map(|e| scenario.ending(e));
    Finish {
        status: match run.status() {
            Status::Ended(_) => "ended",
            _ => "stuck",
        },
        ending: ending.map(|e| e.id.clone()),
        outcome: ending.map(|e| e.outcome.as_str().to_string()),
        score: debrief.score.map(|s| s.score),
        rules: debrief
            .rules
            .into_iter()
            .map(|r| RuleRecord {
                title: r.title,
                worth: r.worth,
                earned: r.earned,
                passed: r.passed,
                critical: r.critical,
                feedback: r.feedback,
            })
            .collect(),
        at,
    }
}

/// The record of the turn just taken (the run's last turn); `offered` are the texts that
/// were offered at that turn (kept so that a resume can match the pick by the save rules).
#[must_use]
pub fn turn_record(
    run: &Run<'_>,
    run_id: &str,
    mode: Mode,
    source_hash: &str,
    offered: &[String],
    at: i64,
) -> Option<TurnRecord> {
    let scenario = run.scenario();
    let turn = run.turns().last()?;
    let choice = scenario.choice(turn.choice);
    let text = run.events().iter().rev().find_map(|e| match e {
        Event::Choice { text, .. } => Some(text.clone()),
        _ => None,
    })?;
    let tags: Vec<&str> = choice
        .tags
        .iter()
        .map(|t| scenario.tags[t.index()].as_str())
        .collect();
    Some(TurnRecord {
        run_id: run_id.to_string(),
        turn: i64::try_from(run.turns().len()).unwrap_or(i64::MAX),
        scene: scenario.scene(choice.scene).id.clone(),
        number: i64::try_from(turn.number).unwrap_or(i64::MAX),
        text,
        tags: tags.join(" "),
        emotions: emotions_json(run),
        offered: serde_json::to_string(offered).unwrap_or_else(|_| "[]".to_string()),
        mode: mode.as_str().to_string(),
        source_hash: source_hash.to_string(),
        at,
    })
}

/// Each emotion's value now, as a JSON object in declaration order.
#[must_use]
pub fn emotions_json(run: &Run<'_>) -> String {
    let scenario = run.scenario();
    let fields: Vec<String> = scenario
        .emotions
        .iter()
        .zip(&run.state().emotions)
        .map(|(e, v)| format!("{}:{v}", serde_json::Value::String(e.id.clone())))
        .collect();
    format!("{{{}}}", fields.join(","))
}
