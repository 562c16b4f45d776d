//! `rapport export`: the checked scenario as JSON (shape documented in `docs/export.md`).
//!
//! Names, not indices: every reference is the author's id, and every choice has a stable id
//! `scene/n` (its position among the scene's choices as written), so other tools and LMS
//! integrations can refer to content across edits that do not move it.

use serde::Serialize;

use super::json::Ordered;
use super::printer::Printer;
use crate::scenario::{Exit, Scenario, Stmt, Transition};

/// The export format version.
pub const FORMAT: u32 = 1;

#[derive(Serialize)]
struct Variant {
    condition: String,
    text: String,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Statement {
    Line {
        speaker: String,
        text: String,
        condition: Option<String>,
        variants: Vec<Variant>,
    },
    Narration {
        text: String,
        condition: Option<String>,
    },
    Effect {
        effect: String,
        target: String,
        /// `if <cond>: <effect>` (absent for an unconditional effect).
        #[serde(skip_serializing_if = "Option::is_none")]
        condition: Option<String>,
    },
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Next {
    Goto { scene: String },
    End { ending: String },
    Stay,
}

#[derive(Serialize)]
struct Choice {
    id: String,
    scene: String,
    text: String,
    once: bool,
    condition: Option<String>,
    tags: Vec<String>,
    coach: Option<String>,
    statements: Vec<Statement>,
    transition: Next,
}

#[derive(Serialize)]
struct Scene {
    id: String,
    statements: Vec<Statement>,
    /// The scene-level transition, for a scene without choices.
    transition: Option<Next>,
    /// Ids of the scene's choices, in file order.
    choices: Vec<String>,
    otherwise: Option<Next>,
}

#[derive(Serialize)]
struct Character {
    id: String,
    name: String,
    role: &'static str,
}

#[derive(Serialize)]
struct Emotion {
    id: String,
    initial: i64,
    min: i64,
    max: i64,
}

#[derive(Serialize)]
struct Flag {
    id: String,
    initial: bool,
}

#[derive(Serialize)]
struct Trigger {
    condition: String,
    line: usize,
    statements: Vec<Statement>,
    transition: Next,
}

#[derive(Serialize)]
struct Ending {
    id: String,
    outcome: &'static str,
    summary: String,
}

#[derive(Serialize)]
struct Criterion {
    id: String,
    title: Option<String>,
}

#[derive(Serialize)]
struct Rule {
    title: String,
    criterion: Option<String>,
    worth: i64,
    critical: bool,
    expect: String,
    pass: Option<String>,
    fail: Option<String>,
}

#[derive(Serialize)]
struct Rubric {
    pass_mark: i64,
    criteria: Vec<Criterion>,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
struct Export {
    format: u32,
    id: String,
    title: String,
    brief: Option<String>,
    objectives: Vec<String>,
    meta: Ordered<String>,
    characters: Vec<Character>,
    emotions: Vec<Emotion>,
    flags: Vec<Flag>,
    tags: Vec<String>,
    start: String,
    scenes: Vec<Scene>,
    choices: Vec<Choice>,
    triggers: Vec<Trigger>,
    endings: Vec<Ending>,
    rubric: Option<Rubric>,
}

/// The stable id of a choice: `scene/n`, n counting the scene's choices from 1.
#[must_use]
pub fn choice_id(scenario: &Scenario, choice: crate::scenario::ChoiceId) -> String {
    let c = scenario.choice(choice);
    let scene = scenario.scene(c.scene);
    let n = match &scene.exit {
        Exit::Choices { choices, .. } => choices
            .iter()
            .position(|&x| x == choice)
            .map_or(0, |p| p + 1),
        _ => 0,
    };
    format!("{}/{n}", scene.id)
}

fn next(scenario: &Scenario, t: Transition) -> Next {
    match t {
        Transition::Goto(s) => Next::Goto {
            scene: scenario.scene(s).id.clone(),
        },
        Transition::End(e) => Next::End {
            ending: scenario.ending(e).id.clone(),
        },
        Transition::Stay => Next::Stay,
    }
}

fn statements(p: &Printer<'_>, scenario: &Scenario, body: &[Stmt]) -> Vec<Statement> {
    body.iter()
        .map(|stmt| match stmt {
            Stmt::Line(line) => Statement::Line {
                speaker: scenario.characters[line.speaker.index()].id.clone(),
                text: p.text(&line.text),
                condition: line.cond.as_ref().map(|c| p.cond(c)),
                variants: line
                    .variants
                    .iter()
                    .map(|(c, t)| Variant {
                        condition: p.cond(c),
                        text: p.text(t),
                    })
                    .collect(),
            },
            Stmt::Narrate { text, cond, .. } => Statement::Narration {
                text: p.text(text),
                condition: cond.as_ref().map(|c| p.cond(c)),
            },
            Stmt::Effect { effect, cond, .. } => Statement::Effect {
                condition: cond.as_ref().map(|c| p.cond(c)),
                effect: p.effect(effect),
                target: match effect {
                    crate::scenario::Effect::Add(e, _) | crate::scenario::Effect::Assign(e, _) => {
                        scenario.emotions[e.index()].id.clone()
                    }
                    crate::scenario::Effect::Set(f) | crate::scenario::Effect::Clear(f) => {
                        scenario.flags[f.index()].id.clone()
                    }
                },
            },
        })
        .collect()
}

/// The scenario as pretty JSON.
#[must_use]
pub fn export(scenario: &Scenario) -> String {
    let p = Printer::new(scenario);
    let s = scenario;
    let choices = (0..s.choices.len())
        .map(|i| {
            let id = crate::scenario::ChoiceId::from_index(i);
            let c = s.choice(id);
            Choice {
                id: choice_id(s, id),
                scene: s.scene(c.scene).id.clone(),
                text: p.text(&c.text),
                once: c.once,
                condition: c.cond.as_ref().map(|x| p.cond(x)),
                tags: c.tags.iter().map(|t| s.tags[t.index()].clone()).collect(),
                coach: c.coach.as_ref().map(|t| p.text(t)),
                statements: statements(&p, s, &c.body),
                transition: next(s, c.transition),
            }
        })
        .collect();
    let scenes = s
        .scenes
        .iter()
        .map(|scene| {
            let (transition, choices, otherwise) = match &scene.exit {
                Exit::Goto(target) => (Some(next(s, Transition::Goto(*target))), Vec::new(), None),
                Exit::End(e) => (Some(next(s, Transition::End(*e))), Vec::new(), None),
                Exit::Choices { choices, otherwise } => (
                    None,
                    choices.iter().map(|c| choice_id(s, *c)).collect(),
                    otherwise.map(|t| next(s, t)),
                ),
            };
            Scene {
                id: scene.id.clone(),
                statements: statements(&p, s, &scene.body),
                transition,
                choices,
                otherwise,
            }
        })
        .collect();
    let state = crate::runtime::State::initial(s);
    let export = Export {
        format: FORMAT,
        id: s.id.clone(),
        title: s.title.clone(),
        brief: s.brief.as_ref().map(|b| state.render(s, b)),
        objectives: s.objectives.iter().map(|o| state.render(s, o)).collect(),
        meta: Ordered(s.meta.clone()),
        characters: s
            .characters
            .iter()
            .enumerate()
            .map(|(i, c)| Character {
                id: c.id.clone(),
                name: s.display_name(crate::scenario::CharId::from_index(i)),
                role: if i == s.customer.index() {
                    "customer"
                } else if i == s.agent.index() {
                    "agent"
                } else {
                    "character"
                },
            })
            .collect(),
        emotions: s
            .emotions
            .iter()
            .map(|e| Emotion {
                id: e.id.clone(),
                initial: e.initial,
                min: e.lo,
                max: e.hi,
            })
            .collect(),
        flags: s
            .flags
            .iter()
            .map(|f| Flag {
                id: f.id.clone(),
                initial: f.initial,
            })
            .collect(),
        tags: s.tags.clone(),
        start: s.scene(s.start).id.clone(),
        scenes,
        choices,
        triggers: s
            .triggers
            .iter()
            .map(|t| Trigger {
                condition: p.cond(&t.cond),
                line: t.line,
                statements: statements(&p, s, &t.body),
                transition: next(s, t.transition),
            })
            .collect(),
        endings: s
            .endings
            .iter()
            .map(|e| Ending {
                id: e.id.clone(),
                outcome: e.outcome.as_str(),
                summary: p.text(&e.summary),
            })
            .collect(),
        rubric: s.rubric.as_ref().map(|r| Rubric {
            pass_mark: r.pass_mark,
            criteria: r
                .criteria
                .iter()
                .map(|c| Criterion {
                    id: c.id.clone(),
                    title: c.title.clone(),
                })
                .collect(),
            rules: r
                .rules
                .iter()
                .map(|rule| Rule {
                    title: rule.title.clone(),
                    criterion: rule.criterion.map(|c| r.criteria[c.index()].id.clone()),
                    worth: rule.worth,
                    critical: rule.critical,
                    expect: p.pred(&rule.expect),
                    pass: rule.pass.as_ref().map(|t| p.text(t)),
                    fail: rule.fail.as_ref().map(|t| p.text(t)),
                })
                .collect(),
        }),
    };
    super::json::to_string(&export)
}
