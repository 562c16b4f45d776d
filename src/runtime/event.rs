//! What a run reports as it goes.

use crate::scenario::{CharId, ChoiceId, EmotionId, EndingId, FlagId, TriggerId};

/// What an effect changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Emotion(EmotionId),
    Flag(FlagId),
}

/// One thing that happened, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A character's line (the text already varied and interpolated).
    Line { speaker: CharId, text: String },
    /// A stage direction.
    Narration { text: String },
    /// The trainee's pick: the agent says the choice's text.
    Choice {
        turn: u32,
        /// 1-based position among the choices offered, as displayed.
        number: usize,
        choice: ChoiceId,
        text: String,
        /// The coach note, interpolated when the choice was taken.
        coach: Option<String>,
    },
    /// An emotion or flag changed (flags as 0/1).
    Effect {
        target: Target,
        from: i64,
        to: i64,
        clamped: bool,
    },
    /// A trigger fired.
    Trigger { trigger: TriggerId, line: usize },
    /// The run reached an ending.
    Ending { ending: EndingId },
}
