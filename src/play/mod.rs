//! Playing a scenario, whatever the front door: the mode a trainee plays in, and saves (the
//! picks of a run, replayable on an edited scenario).
//!
//! Consumes a checked [`crate::scenario::Scenario`] and drives a [`crate::runtime::Run`];
//! produces [`save::Save`]s and the outcome of replaying one. The terminal REPL and the web
//! player both resume runs through [`save::replay`]; neither decides how picks are matched.

pub mod save;

/// Practice shows meters and coach notes and allows `:undo`; assessment does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Practice,
    Assessment,
}

impl Mode {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Practice => "practice",
            Mode::Assessment => "assessment",
        }
    }

    /// Reads a mode name.
    #[must_use]
    pub fn parse(text: &str) -> Option<Mode> {
        match text {
            "practice" => Some(Mode::Practice),
            "assessment" => Some(Mode::Assessment),
            _ => None,
        }
    }
}
