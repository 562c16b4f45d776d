//! Explore: every branch of a scenario.
//!
//! Consumes a resolved [`Scenario`]; produces the list of runs (`enumerate`), the set of
//! reachable states (`search`), and from them the state-based diagnostics of `check`
//! (stuck states, unreachable content, rules that cannot pass or always pass, effects that
//! always clamp), each with a witness. Design note: reachability comes from the memoized
//! search, which is complete however many runs there are; only rubric verdicts need runs,
//! and they say when the enumeration was cut short.

mod count;
pub mod counts;
pub mod enumerate;
mod history;
pub mod search;
mod states;

pub use enumerate::{
    enumerate, enumerate_until, walk, Enumeration, RunRecord, Summary, Tally, Visit,
};
pub use search::{search, search_until, Mark, Reach};

use crate::diagnostic::{Code, Diagnostic};
use crate::runtime::{Bounds, StuckReason};
use crate::scenario::{Scenario, Stmt};
use crate::source::Span;

/// `rapport check` of one file: the static checks, then, for a playable file without
/// errors, the state-based ones.
///
/// # Errors
/// When the file itself cannot be read.
pub fn check_file(
    path: &std::path::Path,
    root: Option<&std::path::Path>,
) -> Result<crate::check::Checked, crate::check::LoadError> {
    check_file_within(path, root, &Bounds::default())
}

/// [`check_file`] with other exploration bounds.
///
/// # Errors
/// When the file itself cannot be read.
pub fn check_file_within(
    path: &std::path::Path,
    root: Option<&std::path::Path>,
    bounds: &Bounds,
) -> Result<crate::check::Checked, crate::check::LoadError> {
    let mut checked = crate::check::check_file(path, root)?;
    if let Some(scenario) = &checked.scenario {
        checked.diagnostics.extend(analyse(scenario, bounds));
        crate::check::sort(&mut checked.diagnostics);
    }
    Ok(checked)
}

/// How many runs `check` grades to judge rules.
pub const CHECK_MAX_RUNS: usize = 20_000;

/// The state-based diagnostics of a checked scenario.
#[must_use]
pub fn analyse(scenario: &Scenario, bounds: &Bounds) -> Vec<Diagnostic> {
    analyse_until(scenario, bounds, &|| false).unwrap_or_default()
}

/// [`analyse`], given up (`None`) as soon as `cancelled` says so: a language server asks
/// it between states, so a newer edit stops the search of an older text.
#[must_use]
pub fn analyse_until(
    scenario: &Scenario,
    bounds: &Bounds,
    cancelled: &dyn Fn() -> bool,
) -> Option<Vec<Diagnostic>> {
    let reach = search_until(scenario, bounds, cancelled)?;
    let mut out = dead_content(scenario, &reach);
    out.extend(rule_verdicts_until(scenario, bounds, cancelled)?);
    Some(out)
}

/// Diagnostics from reachability alone.
#[must_use]
pub fn dead_content(scenario: &Scenario, reach: &Reach) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (mark, reason) in &reach.stuck {
        let witness = reach.witness(*mark);
        let (scene, message) = match reason {
            StuckReason::NoChoice(s) => (
                *s,
                format!(
                    "a run gets stuck in scene `{}`: no choice is available and it has no `otherwise`",
                    scenario.scene(*s).id
                ),
            ),
            StuckReason::Loop(s) => (
                *s,
                format!(
                    "a run loops forever without a choice through scene `{}`",
                    scenario.scene(*s).id
                ),
            ),
        };
        out.push(
            Diagnostic::new(Code::Stuck, scenario.scene(scene).span, message)
                .label("reachable stuck state")
                .help("add an `otherwise`, or a choice that is always available")
                .witness(witness),
        );
    }
    if !reach.complete {
        // What was not reached may lie beyond the limit: say so instead of guessing.
        out.push(
            Diagnostic::new(
                Code::SearchStopped,
                scenario.scene(scenario.start).span,
                format!(
                    "the state search stopped after {} state{}, so unreachable content is not reported",
                    reach.states,
                    if reach.states == 1 { "" } else { "s" }
                ),
            )
            .label("the search started here")
            .help("it stops at `--max-states` states (5,000,000 by default), or sooner when scenes offer hundreds of choices; fewer emotion values, counters that conditions read, or choices make fewer states. Stuck states found so far are reported"),
        );
        return out;
    }
    for (dead, inside_reached) in unreached(scenario, reach) {
        if !inside_reached {
            // Its scene or choice is reported already.
            continue;
        }
        out.push(match dead {
            Dead::Scene(span, id) => Diagnostic::new(
                Code::UnreachableScene,
                span,
                format!("no run reaches the scene `{id}`"),
            )
            .label("unreachable")
            .help("add a `goto` to it, or remove it")
            .witness(Vec::new()),
            Dead::Ending(span, id) => Diagnostic::new(
                Code::EndingNeverReached,
                span,
                format!("no run reaches the ending `{id}`"),
            )
            .label("never reached")
            .help("add an `end` to it, or remove it")
            .witness(Vec::new()),
            Dead::Choice(span) => Diagnostic::new(
                Code::ChoiceNeverAvailable,
                span,
                "this choice is never offered: its condition never holds when its scene is played",
            )
            .label("never available")
            .help("loosen its `if`, or remove it")
            .witness(Vec::new()),
            Dead::Line(span) => Diagnostic::new(Code::LineNeverShown, span, "no run shows this line")
                .label("never shown")
                .help("its condition never holds where it stands; loosen it or remove the line")
                .witness(Vec::new()),
            Dead::Variant(span) => Diagnostic::new(Code::LineNeverShown, span, "no run shows this variant")
                .label("never shown")
                .help("its condition never holds when the line is spoken, or an earlier variant always wins")
                .witness(Vec::new()),
            Dead::Narration(span) => Diagnostic::new(Code::LineNeverShown, span, "no run shows this narration")
                .label("never shown")
                .help("its condition never holds where it stands; loosen it or remove it")
                .witness(Vec::new()),
            Dead::Clamps(span, mark, effect) => {
                let (message, help) = clamp_words(scenario, effect);
                Diagnostic::new(Code::EffectAlwaysClamps, span, message)
                    .label("always clamped")
                    .help(help)
                    .witness(reach.witness(mark))
            }
        });
    }
    out
}

/// Content that no run reaches, found by the state search; `Clamps` is an effect that is
/// clamped on every run that reaches it.
#[derive(Clone, Copy, Debug)]
pub enum Dead<'s> {
    Scene(Span, &'s str),
    Ending(Span, &'s str),
    Choice(Span),
    Line(Span),
    Variant(Span),
    Narration(Span),
    Clamps(Span, Mark, crate::scenario::Effect),
}

/// What an effect that always clamps does, in words: which edge of which range.
fn clamp_words(scenario: &Scenario, effect: crate::scenario::Effect) -> (String, String) {
    use crate::scenario::Effect;
    let (emotion, written, value) = match effect {
        Effect::Add(e, n) => (e, format!("{} {n:+}", scenario.emotions[e.index()].id), n),
        Effect::Assign(e, n) => (e, format!("{} = {n}", scenario.emotions[e.index()].id), n),
        Effect::Set(_) | Effect::Clear(_) => {
            return (
                "this effect is clamped on every run that reaches it".into(),
                "change the amount or the range".into(),
            )
        }
    };
    let e = &scenario.emotions[emotion.index()];
    let (lo, hi) = (e.lo, e.hi);
    let above = value > 0 || (matches!(effect, Effect::Assign(..)) && value > hi);
    let message = match effect {
        Effect::Assign(..) if value > hi => format!(
            "`{written}` is above the top of `{}`'s range {lo}..{hi}: it always becomes {hi}",
            e.id
        ),
        Effect::Assign(..) => format!(
            "`{written}` is below the bottom of `{}`'s range {lo}..{hi}: it always becomes {lo}",
            e.id
        ),
        _ if above => format!(
            "`{written}` always goes past the top of `{}`'s range {lo}..{hi} here: every run that reaches it is already near {hi}",
            e.id
        ),
        _ => format!(
            "`{written}` always goes past the bottom of `{}`'s range {lo}..{hi} here: every run that reaches it is already near {lo}",
            e.id
        ),
    };
    let help = match effect {
        Effect::Assign(..) => format!("set it to a value within {lo}..{hi}, or widen the range"),
        _ => "change the amount, or widen the range".to_string(),
    };
    (message, help)
}

/// Every [`Dead`] item of a complete search: scenes, endings and choices, then the lines,
/// variants, narrations and effects of scene, choice and trigger bodies in order. Each comes
/// with whether the scene or choice that holds it is reached (always true for scenes and
/// endings), so that callers can leave out what an unreached container explains.
#[must_use]
pub fn unreached<'s>(scenario: &'s Scenario, reach: &Reach) -> Vec<(Dead<'s>, bool)> {
    let mut out = Vec::new();
    for (i, scene) in scenario.scenes.iter().enumerate() {
        if reach.scene_entered[i].is_none() {
            out.push((Dead::Scene(scene.span, scene.id.as_str()), true));
        }
    }
    for (i, ending) in scenario.endings.iter().enumerate() {
        if reach.ending_reached[i].is_none() {
            out.push((Dead::Ending(ending.span, ending.id.as_str()), true));
        }
    }
    for (i, choice) in scenario.choices.iter().enumerate() {
        if reach.choice_offered[i].is_none() {
            let scene_reached = reach.scene_entered[choice.scene.index()].is_some();
            out.push((Dead::Choice(choice.span), scene_reached));
        }
    }
    let scenes = scenario
        .scenes
        .iter()
        .enumerate()
        .map(|(i, s)| (&s.body, reach.scene_entered[i].is_some()));
    let choices = scenario
        .choices
        .iter()
        .enumerate()
        .map(|(i, c)| (&c.body, reach.choice_offered[i].is_some()));
    let triggers = scenario.triggers.iter().map(|t| (&t.body, true));
    for (body, reached) in scenes.chain(choices).chain(triggers) {
        for stmt in body {
            match stmt {
                Stmt::Line(line) => {
                    if reach.shown[line.id.index()].is_none() {
                        out.push((Dead::Line(line.span), reached));
                        continue;
                    }
                    let texts = &reach.texts_shown[line.id.index()];
                    for (k, (_, text)) in line.variants.iter().enumerate() {
                        if !texts.get(k + 1).copied().unwrap_or(true) {
                            out.push((Dead::Variant(text.span), reached));
                        }
                    }
                }
                Stmt::Narrate { id, span, .. } => {
                    if reach.shown[id.index()].is_none() {
                        out.push((Dead::Narration(*span), reached));
                    }
                }
                Stmt::Effect {
                    id, span, effect, ..
                } => {
                    if let Some(mark) = reach.effect_reached[id.index()] {
                        if !reach.effect_unclamped[id.index()] {
                            out.push((Dead::Clamps(*span, mark, *effect), reached));
                        }
                    }
                }
            }
        }
    }
    out
}

/// Rules that no run passes, or that every run passes (over ended runs).
#[must_use]
pub fn rule_verdicts(scenario: &Scenario, bounds: &Bounds) -> Vec<Diagnostic> {
    rule_verdicts_until(scenario, bounds, &|| false).unwrap_or_default()
}

fn rule_verdicts_until(
    scenario: &Scenario,
    bounds: &Bounds,
    cancelled: &dyn Fn() -> bool,
) -> Option<Vec<Diagnostic>> {
    let Some(rubric) = &scenario.rubric else {
        return Some(Vec::new());
    };
    let runs = enumerate_until(scenario, bounds, CHECK_MAX_RUNS, cancelled)?;
    let ended: Vec<&RunRecord> = runs
        .runs
        .iter()
        .filter(|r| matches!(r.status, crate::runtime::Status::Ended(_)))
        .collect();
    if ended.is_empty() {
        return Some(Vec::new());
    }
    let scope = if runs.complete {
        String::new()
    } else {
        format!(" (among the first {CHECK_MAX_RUNS} runs; the exploration was cut short)")
    };
    let mut out = Vec::new();
    for (i, rule) in rubric.rules.iter().enumerate() {
        let passes = ended
            .iter()
            .filter(|r| r.grade.as_ref().is_some_and(|g| g.rules[i].passed))
            .count();
        if passes == 0 {
            out.push(
                Diagnostic::new(
                    Code::RuleNeverPasses,
                    rule.span,
                    format!("no run passes the rule \"{}\"{scope}", rule.title),
                )
                .label("cannot pass")
                .help("check its `expect`: a tag or ending it needs may be unreachable")
                .witness(Vec::new()),
            );
        } else if passes == ended.len() {
            out.push(
                Diagnostic::new(
                    Code::RuleAlwaysPasses,
                    rule.span,
                    format!("every run passes the rule \"{}\"{scope}", rule.title),
                )
                .label("cannot fail")
                .help("a rule that cannot fail grades nothing; check its `expect`"),
            );
        }
    }
    Some(out)
}
