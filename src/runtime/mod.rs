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

/// How many states the state search of `rapport check` expands before it stops: almost three
/// times the 10,000-scene benchmark story's 1.8 million, about half a gigabyte at most.
pub const MAX_STATES: usize = 5_000_000;

/// Why a run is stuck.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StuckReason {
    /// No choice was available and the scene has no `otherwise`.
    NoChoice(SceneId),
    /// Too many transitions without a turn (a `goto` loop).
    Loop(SceneId),
}

/// Why exploration cut a run (language.md §5a).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CutReason {
    /// The scene would have been entered once more than the bound allows.
    Visits(SceneId),
    /// Choices would have been offered after the turn bound.
    Turns,
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
    /// Stopped by an exploration bound (only runs started with [`Bounds`]).
    Cut(CutReason),
}

impl Status {
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::AwaitingChoice { .. } => "awaiting_choice",
            Status::Ended(_) => "ended",
            Status::Stuck(_) => "stuck",
            Status::Cut(_) => "cut",
        }
    }
}

/// Exploration bounds: a run is cut when a bounded scene would be entered for the
/// `max_visits + 1`-th time, or choices would be offered after `max_turns` turns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub max_visits: u32,
    pub max_turns: u32,
    /// The visit bound applies to every scene (else only to tracked ones: those whose
    /// visits some condition reads, which is what a memoized search needs).
    pub all_scenes: bool,
    /// Whether the turn bound applies.
    pub turn_limited: bool,
    /// The state search stops after expanding this many states (only it reads this).
    pub max_states: usize,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            max_visits: 8,
            max_turns: 200,
            all_scenes: true,
            turn_limited: true,
            max_states: MAX_STATES,
        }
    }
}

/// What a quiet run records instead of events (for the explorer's coverage).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// A scene was entered.
    Enter(SceneId),
    /// A line or narration was shown, with the variant used (if any).
    Line(crate::scenario::StmtId, Option<u16>),
    /// An effect ran; `true` when it clamped.
    Effect(crate::scenario::StmtId, bool),
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
#[derive(Debug)]
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
    bounds: Option<Bounds>,
    /// Entries of every scene, kept only when the visit bound applies to all scenes.
    entries: Vec<u32>,
    /// Quiet runs record [`Seen`] items instead of rendering events, turns and history.
    quiet: bool,
    seen: Vec<Seen>,
}

impl Clone for Run<'_> {
    fn clone(&self) -> Self {
        Run {
            scenario: self.scenario,
            state: self.state.clone(),
            status: self.status.clone(),
            scene: self.scene,
            turns: self.turns.clone(),
            events: self.events.clone(),
            always: self.always.clone(),
            history: self.history.clone(),
            transitions_without_turn: self.transitions_without_turn,
            bounds: self.bounds,
            entries: self.entries.clone(),
            quiet: self.quiet,
            seen: self.seen.clone(),
        }
    }

    /// Reuses this run's allocations (the explorer copies runs millions of times).
    fn clone_from(&mut self, source: &Self) {
        self.scenario = source.scenario;
        self.state.clone_from(&source.state);
        match (&mut self.status, &source.status) {
            (
                Status::AwaitingChoice { scene, offered },
                Status::AwaitingChoice {
                    scene: s,
                    offered: o,
                },
            ) => {
                *scene = *s;
                offered.clone_from(o);
            }
            (status, source) => status.clone_from(source),
        }
        self.scene = source.scene;
        self.turns.clone_from(&source.turns);
        self.events.clone_from(&source.events);
        self.always.clone_from(&source.always);
        self.history.clone_from(&source.history);
        self.transitions_without_turn = source.transitions_without_turn;
        self.bounds = source.bounds;
        self.entries.clone_from(&source.entries);
        self.quiet = source.quiet;
        self.seen.clone_from(&source.seen);
    }
}

impl<'s> Run<'s> {
    /// Starts a run and plays up to the first offer (or the end).
    #[must_use]
    pub fn start(scenario: &'s Scenario) -> Self {
        Self::with(scenario, None, false)
    }

    /// Starts a run with exploration bounds; `quiet` runs record coverage, not events.
    #[must_use]
    pub fn with(scenario: &'s Scenario, bounds: Option<Bounds>, quiet: bool) -> Self {
        let mut run = Self::blank(
            scenario,
            bounds,
            quiet,
            scenario.start,
            State::initial(scenario),
        );
        if !quiet {
            run.history.push(run.state.emotions.clone());
        }
        run.advance(Transition::Goto(scenario.start));
        run
    }

    /// A run standing in `scene` with `state`, offered that scene's choices again (as after
    /// `stay`, without replaying the scene's lines). The explorer uses it to rebuild a run
    /// from a stored state.
    #[must_use]
    pub fn resume(
        scenario: &'s Scenario,
        bounds: Option<Bounds>,
        quiet: bool,
        scene: SceneId,
        state: State,
    ) -> Self {
        let mut run = Self::blank(scenario, bounds, quiet, scene, state);
        run.advance(Transition::Stay);
        run
    }

    /// A run in `scene` with `state` that has done nothing yet; `always` holds what the
    /// state says now.
    fn blank(
        scenario: &'s Scenario,
        bounds: Option<Bounds>,
        quiet: bool,
        scene: SceneId,
        state: State,
    ) -> Self {
        let always = scenario.rubric.as_ref().map_or_else(Vec::new, |r| {
            r.always.iter().map(|c| state.holds(c)).collect()
        });
        Run {
            scenario,
            state,
            status: Status::Stuck(StuckReason::NoChoice(scene)),
            scene,
            turns: Vec::new(),
            events: Vec::new(),
            always,
            history: Vec::new(),
            transitions_without_turn: 0,
            entries: if bounds.is_some_and(|b| b.all_scenes) {
                vec![0; scenario.scenes.len()]
            } else {
                Vec::new()
            },
            bounds,
            quiet,
            seen: Vec::new(),
        }
    }

    /// Puts the run in `scene` and offers its choices again (as after `stay`), with
    /// whatever state the caller has set through [`Run::state_mut`]. Logs are cleared.
    pub fn reoffer(&mut self, scene: SceneId) {
        self.scene = scene;
        self.turns.clear();
        self.events.clear();
        self.seen.clear();
        self.transitions_without_turn = 0;
        self.advance(Transition::Stay);
    }

    /// The state, for the explorer to overwrite before [`Run::reoffer`].
    pub fn state_mut(&mut self) -> &mut State {
        &mut self.state
    }

    /// Takes what a quiet run has seen since the last call.
    pub fn take_seen(&mut self) -> Vec<Seen> {
        std::mem::take(&mut self.seen)
    }

    /// Forgets the turns taken so far (the state search keeps paths itself). The run can no
    /// longer be graded afterwards.
    pub fn clear_turns(&mut self) {
        self.turns.clear();
    }

    /// Forgets the events so far (the explorer renders them as it goes).
    pub fn clear_events(&mut self) {
        self.events.clear();
    }

    /// Clears what a quiet run has seen since the last call.
    pub fn clear_seen(&mut self) {
        self.seen.clear();
    }

    /// What a quiet run has seen since the last [`Run::clear_seen`].
    #[must_use]
    pub fn seen(&self) -> &[Seen] {
        &self.seen
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

    /// The texts of the choices offered now, in display order, as the trainee reads them
    /// (interpolations filled in from the current state).
    #[must_use]
    pub fn offered_texts(&self) -> Vec<String> {
        self.offered()
            .iter()
            .map(|c| {
                self.state
                    .render(self.scenario, &self.scenario.choice(*c).text)
            })
            .collect()
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
        if let Some(slot) = scenario.counters.once_slot[id.index()] {
            self.state.once_taken[slot as usize] = true;
        }
        for tag in &choice.tags {
            if let Some(slot) = scenario.counters.tag_slot[tag.index()] {
                self.state.tag_counts[slot.0 as usize] += 1;
            }
        }
        self.turns.push(Turn { choice: id, number });
        if !self.quiet {
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
        }
        self.body(&choice.body);
        let pending = self.check_triggers().unwrap_or(choice.transition);
        self.advance(pending);
        if !self.quiet {
            self.history.push(self.state.emotions.clone());
        }
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
                    let variant = line.variants.iter().position(|(c, _)| self.state.holds(c));
                    if self.quiet {
                        let variant = variant.map(|v| u16::try_from(v).unwrap_or(u16::MAX));
                        self.seen.push(Seen::Line(line.id, variant));
                        continue;
                    }
                    let text = variant.map_or(&line.text, |v| &line.variants[v].1);
                    let text = self.state.render(scenario, text);
                    self.events.push(Event::Line {
                        speaker: line.speaker,
                        text,
                    });
                }
                Stmt::Narrate { id, text, cond, .. } => {
                    if cond.as_ref().is_some_and(|c| !self.state.holds(c)) {
                        continue;
                    }
                    if self.quiet {
                        self.seen.push(Seen::Line(*id, None));
                        continue;
                    }
                    let text = self.state.render(scenario, text);
                    self.events.push(Event::Narration { text });
                }
                Stmt::Effect {
                    id, effect, cond, ..
                } => {
                    if cond.as_ref().is_some_and(|c| !self.state.holds(c)) {
                        continue;
                    }
                    let change = self.state.apply(scenario, *effect);
                    if self.quiet {
                        self.seen.push(Seen::Effect(*id, change.clamped));
                        continue;
                    }
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
        if !self.quiet {
            self.events.push(Event::Trigger {
                trigger: crate::scenario::TriggerId::from_index(index),
                line: trigger.line,
            });
        }
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
                    if !self.quiet {
                        self.events.push(Event::Ending { ending });
                    }
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
                    let slot = scenario.counters.visit_slot[scene.index()];
                    if let Some(bounds) = self.bounds {
                        let entered = if bounds.all_scenes {
                            self.entries[scene.index()]
                        } else {
                            slot.map_or(0, |s| self.state.visits[s.0 as usize])
                        };
                        if entered >= bounds.max_visits {
                            self.status = Status::Cut(CutReason::Visits(scene));
                            return;
                        }
                        if bounds.all_scenes {
                            self.entries[scene.index()] += 1;
                        }
                    }
                    self.scene = scene;
                    if let Some(slot) = slot {
                        self.state.visits[slot.0 as usize] += 1;
                    }
                    if self.quiet {
                        self.seen.push(Seen::Enter(scene));
                    }
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
        let mut offered = match std::mem::replace(
            &mut self.status,
            Status::Stuck(StuckReason::NoChoice(self.scene)),
        ) {
            Status::AwaitingChoice { mut offered, .. } => {
                offered.clear();
                offered
            }
            _ => Vec::new(),
        };
        offered.extend(choices.iter().copied().filter(|&c| {
            let choice = scenario.choice(c);
            !scenario.counters.once_slot[c.index()]
                .is_some_and(|slot| self.state.once_taken[slot as usize])
                && choice
                    .cond
                    .as_ref()
                    .is_none_or(|cond| self.state.holds(cond))
        }));
        if !offered.is_empty() {
            if let Some(bounds) = self.bounds {
                if bounds.turn_limited && self.state.turn >= bounds.max_turns {
                    self.status = Status::Cut(CutReason::Turns);
                    return None;
                }
            }
        }
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
