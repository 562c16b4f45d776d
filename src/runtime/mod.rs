//! Runtime: a [`Run`] state machine over a resolved [`Scenario`] (language.md §5).
//!
//! `Run::start` plays up to the first offer; `choose(n)` takes the n-th offered choice and
//! plays up to the next offer, the end, or a stuck state. Every call returns the events it
//! produced. It never prints and never reads files, and calling it in the wrong state is a
//! typed [`RunError`], never a panic. Transitions are followed in a loop, not by recursion,
//! so a long chain of `goto`s cannot overflow the stack.

mod event;
mod state;

use std::fmt;

pub use event::{Event, Target};
pub use state::{Change, State};

use crate::scenario::{ChoiceId, EndingId, Exit, Scenario, SceneId, Stmt, Transition};

/// Transitions allowed between two turns before the run is declared stuck (§5.6).
pub const MAX_TRANSITIONS_WITHOUT_TURN: u32 = 10_000;

/// Why a run is stuck.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StuckReason {
    /// No choice was available and the scene has no `otherwise`.
    NoChoice(SceneId),
    /// Too many transitions without a turn (a `goto` loop).
    Loop(SceneId),
}

/// Where a run is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Choices are offered in this scene.
    AwaitingChoice {
        scene: SceneId,
        offered: Vec<ChoiceId>,
    },
    Ended(EndingId),
    Stuck(StuckReason),
}

impl Status {
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::AwaitingChoice { .. } => "awaiting_choice",
            Status::Ended(_) => "ended",
            Status::Stuck(_) => "stuck",
        }
    }
}

/// A call the run cannot accept in its current state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// The run has ended or is stuck; no choice can be made.
    NotAwaitingChoice,
    /// `number` is not among the `offered` choices (1-based).
    NotOffered { number: usize, offered: usize },
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::NotAwaitingChoice => {
                write!(f, "the conversation is over; no choice can be made")
            }
            RunError::NotOffered { number, offered } => {
                write!(f, "choice {number} is not offered; pick 1 to {offered}")
            }
        }
    }
}

impl std::error::Error for RunError {}

/// The tags of one turn, in written order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Turn {
    pub choice: ChoiceId,
    pub number: usize,
}

/// One play-through.
#[derive(Clone, Debug)]
pub struct Run<'s> {
    scenario: &'s Scenario,
    state: State,
    status: Status,
    scene: SceneId,
    turns: Vec<Turn>,
    events: Vec<Event>,
    /// For each `always` condition of the rubric: has it held at every check point so far?
    always: Vec<bool>,
    /// Emotion values at the start and after each turn.
    history: Vec<Vec<i64>>,
    transitions_without_turn: u32,
}

impl<'s> Run<'s> {
    /// Starts a run and plays up to the first offer (or the end).
    #[must_use]
    pub fn start(scenario: &'s Scenario) -> Self {
        let state = State::initial(scenario);
        let always = scenario.rubric.as_ref().map_or_else(Vec::new, |r| {
            r.always.iter().map(|c| state.holds(c)).collect()
        });
        let mut run = Run {
            scenario,
            history: vec![state.emotions.clone()],
            state,
            status: Status::Stuck(StuckReason::NoChoice(scenario.start)),
            scene: scenario.start,
            turns: Vec::new(),
            events: Vec::new(),
            always,
            transitions_without_turn: 0,
        };
        run.advance(Transition::Goto(scenario.start));
        run
    }

    #[must_use]
    pub fn scenario(&self) -> &'s Scenario {
        self.scenario
    }

    #[must_use]
    pub fn status(&self) -> &Status {
        &self.status
    }

    #[must_use]
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Every event so far.
    #[must_use]
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The turns taken so far.
    #[must_use]
    pub fn turns(&self) -> &[Turn] {
        &self.turns
    }

    /// The scene the run is in.
    #[must_use]
    pub fn scene(&self) -> SceneId {
        self.scene
    }

    /// The choices offered now, in display order (empty unless awaiting a choice).
    #[must_use]
    pub fn offered(&self) -> &[ChoiceId] {
        match &self.status {
            Status::AwaitingChoice { offered, .. } => offered,
            _ => &[],
        }
    }

    /// Whether each `always` condition held at every check point so far (and now).
    #[must_use]
    pub fn always_held(&self) -> Vec<bool> {
        let Some(rubric) = &self.scenario.rubric else {
            return Vec::new();
        };
        self.always
            .iter()
            .zip(&rubric.always)
            .map(|(ok, cond)| *ok && self.state.holds(cond))
            .collect()
    }

    /// Emotion values at the start and after each turn.
    #[must_use]
    pub fn history(&self) -> &[Vec<i64>] {
        &self.history
    }

    /// The ending reached, if any.
    #[must_use]
    pub fn ending(&self) -> Option<EndingId> {
        match self.status {
            Status::Ended(e) => Some(e),
            _ => None,
        }
    }

    /// Takes the `number`-th offered choice (1-based) and plays on.
    ///
    /// # Errors
    /// When the run is not awaiting a choice, or `number` is not offered.
    pub fn choose(&mut self, number: usize) -> Result<&[Event], RunError> {
        let Status::AwaitingChoice { offered, .. } = &self.status else {
            return Err(RunError::NotAwaitingChoice);
        };
        let Some(&id) = number.checked_sub(1).and_then(|i| offered.get(i)) else {
            return Err(RunError::NotOffered {
                number,
                offered: offered.len(),
            });
        };
        let first_new = self.events.len();
        let scenario = self.scenario;
        let choice = scenario.choice(id);
        self.state.turn += 1;
        self.transitions_without_turn = 0;
        if choice.once {
            self.state.once_taken[id.index()] = true;
        }
        for tag in &choice.tags {
            self.state.tag_counts[tag.index()] += 1;
        }
        self.turns.push(Turn { choice: id, number });
        let text = self.state.render(scenario, &choice.text);
        let coach = choice
            .coach
            .as_ref()
            .map(|c| self.state.render(scenario, c));
        self.events.push(Event::Choice {
            turn: self.state.turn,
            number,
            choice: id,
            text,
            coach,
        });
        self.body(&choice.body);
        let pending = self.check_triggers().unwrap_or(choice.transition);
        self.advance(pending);
        self.history.push(self.state.emotions.clone());
        Ok(&self.events[first_new..])
    }

    /// Runs statements top to bottom.
    fn body(&mut self, stmts: &[Stmt]) {
        let scenario = self.scenario;
        for stmt in stmts {
            match stmt {
                Stmt::Line(line) => {
                    if line.cond.as_ref().is_some_and(|c| !self.state.holds(c)) {
                        continue;
                    }
                    let text = line
                        .variants
                        .iter()
                        .find(|(c, _)| self.state.holds(c))
                        .map_or(&line.text, |(_, t)| t);
                    let text = self.state.render(scenario, text);
                    self.events.push(Event::Line {
                        speaker: line.speaker,
                        text,
                    });
                }
                Stmt::Narrate { text, cond, .. } => {
                    if cond.as_ref().is_some_and(|c| !self.state.holds(c)) {
                        continue;
                    }
                    let text = self.state.render(scenario, text);
                    self.events.push(Event::Narration { text });
                }
                Stmt::Effect { effect, .. } => {
                    let change = self.state.apply(scenario, *effect);
                    let target = match effect {
                        crate::scenario::Effect::Add(e, _)
                        | crate::scenario::Effect::Assign(e, _) => Target::Emotion(*e),
                        crate::scenario::Effect::Set(f) | crate::scenario::Effect::Clear(f) => {
                            Target::Flag(*f)
                        }
                    };
                    self.events.push(Event::Effect {
                        target,
                        from: change.from,
                        to: change.to,
                        clamped: change.clamped,
                    });
                }
            }
        }
    }

    /// Fires the first trigger (file order) that has not fired and whose condition holds.
    fn check_triggers(&mut self) -> Option<Transition> {
        let scenario = self.scenario;
        let (index, trigger) = scenario
            .triggers
            .iter()
            .enumerate()
            .find(|(i, t)| !self.state.fired[*i] && self.state.holds(&t.cond))?;
        self.state.fired[index] = true;
        self.events.push(Event::Trigger {
            trigger: crate::scenario::TriggerId::from_index(index),
            line: trigger.line,
        });
        self.body(&trigger.body);
        Some(trigger.transition)
    }

    /// Follows transitions until choices are offered, the run ends, or it is stuck.
    fn advance(&mut self, mut pending: Transition) {
        let scenario = self.scenario;
        loop {
            match pending {
                Transition::End(ending) => {
                    self.status = Status::Ended(ending);
                    self.events.push(Event::Ending { ending });
                    self.sample();
                    return;
                }
                Transition::Goto(scene) => {
                    self.transitions_without_turn += 1;
                    if self.transitions_without_turn > MAX_TRANSITIONS_WITHOUT_TURN {
                        self.status = Status::Stuck(StuckReason::Loop(scene));
                        self.sample();
                        return;
                    }
                    self.scene = scene;
                    self.state.visits[scene.index()] += 1;
                    let s = scenario.scene(scene);
                    self.body(&s.body);
                    if let Some(t) = self.check_triggers() {
                        pending = t;
                        continue;
                    }
                    match &s.exit {
                        Exit::Goto(next) => pending = Transition::Goto(*next),
                        Exit::End(e) => pending = Transition::End(*e),
                        Exit::Choices { .. } => match self.offer() {
                            Some(next) => pending = next,
                            None => return,
                        },
                    }
                }
                Transition::Stay => match self.offer() {
                    Some(next) => pending = next,
                    None => return,
                },
            }
        }
    }

    /// Offers the current scene's available choices; returns the `otherwise` to follow when
    /// none is available, or `None` when choices are offered or the run is stuck.
    fn offer(&mut self) -> Option<Transition> {
        let scenario = self.scenario;
        let Exit::Choices { choices, otherwise } = &scenario.scene(self.scene).exit else {
            self.status = Status::Stuck(StuckReason::NoChoice(self.scene));
            return None;
        };
        let offered: Vec<ChoiceId> = choices
            .iter()
            .copied()
            .filter(|&c| {
                let choice = scenario.choice(c);
                !(choice.once && self.state.once_taken[c.index()])
                    && choice
                        .cond
                        .as_ref()
                        .is_none_or(|cond| self.state.holds(cond))
            })
            .collect();
        if offered.is_empty() {
            if let Some(t) = otherwise {
                return Some(*t);
            }
            self.status = Status::Stuck(StuckReason::NoChoice(self.scene));
            self.sample();
            return None;
        }
        self.status = Status::AwaitingChoice {
            scene: self.scene,
            offered,
        };
        self.sample();
        None
    }

    /// Samples every `always` condition at a check point.
    fn sample(&mut self) {
        if let Some(rubric) = &self.scenario.rubric {
            for (ok, cond) in self.always.iter_mut().zip(&rubric.always) {
                *ok = *ok && self.state.holds(cond);
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
