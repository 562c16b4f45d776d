//! Saves: the picks of a session, replayable on a changed scenario (product.md §3).
//!
//! A save is JSON: `{"format": 1, "scenario": ID, "source_hash": …, "mode": …, "picks":
//! [{"number": 1, "text": "…", "offered": ["…", …], "scene": ID}, …]}` (`offered`, the
//! texts of every choice offered at that turn, and `scene`, where it was, are absent in older
//! saves). Resuming matches each pick by its
//! text first, then by a clearly similar text (a reworded choice), and by its position only
//! when nothing else changed in that turn; otherwise the replay stops at that turn and says
//! why ([`replay`]). Both the terminal REPL and the web player resume through it.

use serde::{Deserialize, Serialize};

use crate::runtime::Run;

/// The save format this build writes and reads.
pub const FORMAT: u32 = 1;

/// One pick: its number as displayed, the text the trainee chose, the texts of every choice
/// offered at that turn and the scene (empty when unknown: saves written before they were
/// kept).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pick {
    pub number: usize,
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offered: Vec<String>,
    /// The scene the pick was made in (empty when unknown).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scene: String,
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

/// How one saved pick was found among the choices offered now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Matched {
    /// A choice with the same text is offered.
    Exact,
    /// No choice has the saved text; this one, new since the save, has a clearly similar
    /// text (the author reworded it). `saved` is the text as saved.
    Similar { saved: String },
    /// The saved choice was the only one of its turn whose text changed, and nothing else
    /// changed in that turn: it is the choice in the same place.
    Position { saved: String },
}

/// Why a saved pick could not be replayed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Divergence {
    /// The conversation is over before this pick (the scenario now ends sooner).
    Ended,
    /// No choice offered has the saved text or one clearly like it, and the turn changed in
    /// other ways too (choices added, removed or moved), so its position proves nothing.
    Gone,
    /// Several new choices are about as similar to the saved text.
    Ambiguous { candidates: Vec<String> },
    /// The saved text is not offered, and the conversation is in another scene than the one
    /// the pick was made in (the path changed before this turn).
    Elsewhere { saved_scene: String },
}

/// Where and why a replay stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diverged {
    /// 1-based turn of the pick that could not be replayed.
    pub turn: usize,
    /// The scene the conversation is in at that turn, when it is offering choices.
    pub scene: Option<String>,
    /// The pick as saved.
    pub saved: Pick,
    pub reason: Divergence,
    /// The texts offered now at that turn.
    pub offered: Vec<String>,
}

/// How resuming went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replay {
    /// Picks replayed (a prefix of the save's), with their numbers and texts as now.
    pub picks: Vec<Pick>,
    /// How each replayed pick was matched (same length as `picks`).
    pub matched: Vec<Matched>,
    /// The first pick that could not be replayed, if any.
    pub diverged: Option<Diverged>,
}

impl Replay {
    /// Whether every saved pick was replayed with its exact text.
    #[must_use]
    pub fn exact(&self) -> bool {
        self.diverged.is_none() && self.matched.iter().all(|m| *m == Matched::Exact)
    }

    /// What the trainee should be told, one sentence a line (empty when all was exact).
    #[must_use]
    pub fn describe(&self) -> String {
        use std::fmt::Write as _;
        let mut text = String::new();
        for (i, (m, pick)) in self.matched.iter().zip(&self.picks).enumerate() {
            let turn = i + 1;
            match m {
                Matched::Exact => {}
                Matched::Similar { saved } => {
                    let _ = writeln!(
                        text,
                        "Turn {turn}: your choice \"{saved}\" is now worded \"{}\"; it was matched by its similar text.",
                        pick.text
                    );
                }
                Matched::Position { saved } => {
                    let _ = writeln!(
                        text,
                        "Turn {turn}: your choice \"{saved}\" is now worded \"{}\"; it was matched by its place ({}), since nothing else changed in that turn.",
                        pick.text, pick.number
                    );
                }
            }
        }
        if let Some(d) = &self.diverged {
            let turn = d.turn;
            let place = d
                .scene
                .as_ref()
                .map(|s| format!(" (scene `{s}`)"))
                .unwrap_or_default();
            let why = match &d.reason {
                Divergence::Ended => "the conversation now ends before it".to_string(),
                Divergence::Gone => {
                    "it is no longer offered there, and the choices of that turn changed, so no other choice can stand in for it".to_string()
                }
                Divergence::Elsewhere { saved_scene } => format!(
                    "it was made in scene `{saved_scene}`, and the conversation now reaches another scene at this turn"
                ),
                Divergence::Ambiguous { candidates } => format!(
                    "it is no longer offered there, and {} new choices are about as close to it: {}",
                    candidates.len(),
                    candidates
                        .iter()
                        .map(|c| format!("\"{c}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let _ = writeln!(
                text,
                "The replay stopped at turn {turn}{place}: your saved choice \"{}\" could not be replayed, because {why}. You continue from turn {turn}.",
                d.saved.text
            );
        }
        text
    }
}

/// How alike two choice texts must be to count as a rewording of one another: the better of
/// the normalized Damerau–Levenshtein similarity (typos, small edits) and the Sørensen–Dice
/// similarity of letter pairs (words added or moved), over lowercase text.
pub const SIMILAR: f64 = 0.6;
/// How much closer the best similar text must be than the next for the match to be clear.
const CLEARLY: f64 = 0.1;

/// How alike two texts are, from 0 (nothing in common) to 1 (the same, ignoring case).
#[must_use]
pub fn similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    strsim::normalized_damerau_levenshtein(&a, &b).max(strsim::sorensen_dice(&a, &b))
}

/// Finds a saved pick among the texts offered now.
///
/// # Errors
/// Why it cannot be found (never `Divergence::Ended`: the caller knows that).
pub fn find(pick: &Pick, now: &[String], scene: &str) -> Result<(usize, Matched), Divergence> {
    // 1. The same text; with duplicates, the one in the same place if it is one of them.
    let same: Vec<usize> = (0..now.len()).filter(|&i| now[i] == pick.text).collect();
    if let Some(&first) = same.first() {
        let at = same
            .iter()
            .copied()
            .find(|&i| i + 1 == pick.number)
            .unwrap_or(first);
        return Ok((at, Matched::Exact));
    }
    // Past this point the pick is recognised by likeness or place, which means something
    // only where it was made: in another scene (the path changed), the replay stops.
    if !pick.scene.is_empty() && pick.scene != scene {
        return Err(Divergence::Elsewhere {
            saved_scene: pick.scene.clone(),
        });
    }
    // 2. A clearly similar text among the choices that are new since the save (a text that
    // was offered then is another choice, however alike).
    let mut scored: Vec<(f64, usize)> = (0..now.len())
        .filter(|&i| !pick.offered.contains(&now[i]))
        .map(|i| (similarity(&now[i], &pick.text), i))
        .filter(|(score, _)| *score >= SIMILAR)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    // The new text must also be likest to this pick among the saved texts that are gone: a
    // reworded neighbour of a deleted choice is that neighbour, not the deleted one.
    let mine = |i: usize, score: f64| {
        pick.offered
            .iter()
            .filter(|t| **t != pick.text && !now.contains(t))
            .all(|t| score - similarity(&now[i], t) >= CLEARLY)
    };
    match scored.as_slice() {
        [] => {}
        [(score, i)] => {
            if mine(*i, *score) {
                return Ok((
                    *i,
                    Matched::Similar {
                        saved: pick.text.clone(),
                    },
                ));
            }
        }
        [(best, i), (next, _), ..] => {
            if best - next >= CLEARLY {
                if mine(*i, *best) {
                    return Ok((
                        *i,
                        Matched::Similar {
                            saved: pick.text.clone(),
                        },
                    ));
                }
                return Err(Divergence::Gone);
            }
            return Err(Divergence::Ambiguous {
                candidates: scored
                    .iter()
                    .filter(|(score, _)| best - score < CLEARLY)
                    .map(|(_, i)| now[*i].clone())
                    .collect(),
            });
        }
    }
    // 3. The place, when it is the only thing that changed in that turn.
    let at = pick.number.wrapping_sub(1);
    let unchanged_elsewhere = !pick.offered.is_empty()
        && pick.offered.len() == now.len()
        && at < now.len()
        && pick.offered.get(at) == Some(&pick.text)
        && (0..now.len()).all(|i| i == at || now[i] == pick.offered[i]);
    if unchanged_elsewhere {
        return Ok((
            at,
            Matched::Position {
                saved: pick.text.clone(),
            },
        ));
    }
    Err(Divergence::Gone)
}

/// Replays saved picks on a fresh run: by text, then by a clearly similar text, then by
/// place when nothing else changed in that turn; stops at the first pick it cannot place.
pub fn replay(run: &mut Run<'_>, picks: &[Pick]) -> Replay {
    let scenario = run.scenario();
    let mut out = Replay {
        picks: Vec::new(),
        matched: Vec::new(),
        diverged: None,
    };
    for (i, pick) in picks.iter().enumerate() {
        let now = run.offered_texts();
        let scene = match run.status() {
            crate::runtime::Status::AwaitingChoice { scene, .. } => {
                Some(scenario.scene(*scene).id.clone())
            }
            _ => None,
        };
        let found = match &scene {
            None => Err(Divergence::Ended),
            Some(scene) => find(pick, &now, scene),
        };
        let (at, matched) = match found {
            Ok(found) => found,
            Err(reason) => {
                out.diverged = Some(Diverged {
                    turn: i + 1,
                    scene,
                    saved: pick.clone(),
                    reason,
                    offered: now,
                });
                break;
            }
        };
        if run.choose(at + 1).is_err() {
            out.diverged = Some(Diverged {
                turn: i + 1,
                scene,
                saved: pick.clone(),
                reason: Divergence::Ended,
                offered: now,
            });
            break;
        }
        out.picks.push(Pick {
            number: at + 1,
            text: now[at].clone(),
            offered: now,
            scene: scene.unwrap_or_default(),
        });
        out.matched.push(matched);
    }
    out
}
