//! Saves: the picks of a session, replayable on a changed scenario (product.md §3).
//!
//! A save is JSON: `{"format": 1, "scenario": ID, "source_hash": …, "mode": …, "picks":
//! [{"number": 1, "text": "…"}, …]}`. Resuming matches each pick by its text first and its
//! number second, so an author may reorder or insert choices without breaking saves.

use serde::{Deserialize, Serialize};

use crate::runtime::Run;

/// The save format this build writes and reads.
pub const FORMAT: u32 = 1;

/// One pick: its number as displayed and the text the trainee chose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pick {
    pub number: usize,
    pub text: String,
}

/// A saved session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Save {
    pub format: u32,
    pub scenario: String,
    pub source_hash: String,
    pub mode: String,
    pub picks: Vec<Pick>,
}

impl Save {
    /// The save as pretty JSON with a trailing newline.
    #[must_use]
    pub fn to_json(&self) -> String {
        crate::render::json::to_string(self)
    }

    /// Reads a save, explaining what is wrong with it in plain words.
    ///
    /// # Errors
    /// When the text is not a save this build can read.
    pub fn parse(text: &str) -> Result<Save, String> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("it is not a Rapport save (not valid JSON: {e})"))?;
        let format = value.get("format").and_then(serde_json::Value::as_u64);
        match format {
            Some(f) if f == u64::from(FORMAT) => {}
            Some(f) => {
                return Err(format!(
                    "it was written in save format {f}, and this version of Rapport reads format {FORMAT}"
                ))
            }
            None => return Err("it is not a Rapport save (it has no \"format\")".to_string()),
        }
        serde_json::from_value(value)
            .map_err(|e| format!("it is not a complete Rapport save ({e})"))
    }
}

/// A stable fingerprint of a scenario's source (FNV-1a, 64 bits), to tell whether the file
/// changed since a save was made.
#[must_use]
pub fn source_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

pub use crate::files::write_atomic;

/// How resuming went.
#[derive(Debug, PartialEq, Eq)]
pub struct Replay {
    /// Picks replayed (a prefix of the save's).
    pub picks: Vec<Pick>,
    /// The 1-based turn whose pick no longer matches, if any.
    pub diverged: Option<usize>,
    /// Picks matched by number because their text changed.
    pub by_number: Vec<usize>,
}

/// Replays saved picks on a fresh run, by text first, then by number.
pub fn replay(run: &mut Run<'_>, picks: &[Pick]) -> Replay {
    let mut out = Replay {
        picks: Vec::new(),
        diverged: None,
        by_number: Vec::new(),
    };
    for (i, pick) in picks.iter().enumerate() {
        let offered = run.offered_texts();
        let number = if let Some(p) = offered.iter().position(|t| *t == pick.text) {
            p + 1
        } else if (1..=offered.len()).contains(&pick.number) {
            out.by_number.push(i + 1);
            pick.number
        } else {
            out.diverged = Some(i + 1);
            break;
        };
        let text = offered[number - 1].clone();
        if run.choose(number).is_err() {
            out.diverged = Some(i + 1);
            break;
        }
        out.picks.push(Pick { number, text });
    }
    out
}
