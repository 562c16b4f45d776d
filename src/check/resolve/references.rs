//! References to names: each resolves in its namespace, or gets "unknown …" with a did-you-mean,
//! or "… is a flag, not an emotion".

use super::{Resolver, Value};
use crate::ast::{self};
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::scenario::{CharId, EmotionId, EndingId, FlagId, SceneId, TagId};
use crate::syntax::is_keyword;

impl Resolver<'_> {
    pub(super) fn value_ref(&mut self, name: &ast::Name) -> Option<Value> {
        let (i, v) = self.values.get(&name.text)?;
        self.used_values.insert(i);
        Some(v)
    }

    pub(super) fn speaker(&mut self, name: &ast::Name) -> CharId {
        match self.value_ref(name) {
            Some(Value::Character(c)) => c,
            other => {
                if !self.library && !is_keyword(&name.text) {
                    let candidates: Vec<&str> = self
                        .values
                        .names_where(|v| matches!(v, Value::Character(_)))
                        .collect();
                    let d = match other {
                        Some(v) => Diagnostic::new(
                            Code::WrongKind,
                            name.span,
                            format!(
                                "`{}` is {}, not a character, so it cannot speak",
                                name.text,
                                v.describe()
                            ),
                        )
                        .label("not a speaker"),
                        None => unknown(Code::UnknownSpeaker, name, "speaker", None),
                    };
                    let help = did_you_mean(&name.text, candidates.iter().copied()).or_else(|| {
                        Some(format!(
                            "declare it: `character {} \"Display name\"`",
                            name.text
                        ))
                    });
                    self.push(d.help_opt(help));
                }
                CharId(0)
            }
        }
    }

    pub(super) fn emotion_ref(&mut self, name: &ast::Name, effect: bool) -> EmotionId {
        match self.value_ref(name) {
            Some(Value::Emotion(e)) => e,
            other => {
                if !self.library && !is_keyword(&name.text) {
                    let d = match other {
                        Some(Value::Flag(_)) if effect => Diagnostic::new(
                            Code::WrongKind,
                            name.span,
                            format!(
                                "`{}` is a flag; flags change with `set` and `clear`",
                                name.text
                            ),
                        )
                        .label("not an emotion")
                        .help(format!(
                            "write `set {}` or `clear {}`",
                            name.text, name.text
                        )),
                        Some(v) => Diagnostic::new(
                            Code::WrongKind,
                            name.span,
                            format!("`{}` is {}, not an emotion", name.text, v.describe()),
                        )
                        .label("not a number")
                        .help_opt(did_you_mean(
                            &name.text,
                            self.values.names_where(|v| matches!(v, Value::Emotion(_))),
                        )),
                        None => {
                            let help = did_you_mean(
                                &name.text,
                                self.values.names_where(|v| matches!(v, Value::Emotion(_))),
                            )
                            .or_else(|| {
                                Some(format!("declare it: `emotion {} = 0 in 0..10`", name.text))
                            });
                            unknown(Code::UnknownEmotion, name, "emotion", help)
                        }
                    };
                    self.push(d);
                }
                EmotionId(0)
            }
        }
    }

    pub(super) fn flag_ref(&mut self, name: &ast::Name, effect: bool) -> FlagId {
        match self.value_ref(name) {
            Some(Value::Flag(f)) => f,
            other => {
                if !self.library && !is_keyword(&name.text) {
                    let d = match other {
                        Some(Value::Emotion(_)) if effect => Diagnostic::new(
                            Code::WrongKind,
                            name.span,
                            format!(
                                "`{}` is an emotion; `set` and `clear` are for flags",
                                name.text
                            ),
                        )
                        .label("not a flag")
                        .help(format!(
                            "change an emotion with `{} +1`, `{} -1` or `{} = 5`",
                            name.text, name.text, name.text
                        )),
                        Some(Value::Emotion(_)) => Diagnostic::new(
                            Code::WrongKind,
                            name.span,
                            format!("`{}` is an emotion; a condition must compare it", name.text),
                        )
                        .label("a number, not true or false")
                        .help(format!("compare it, such as `{} >= 5`", name.text)),
                        Some(v) => Diagnostic::new(
                            Code::WrongKind,
                            name.span,
                            format!("`{}` is {}, not a flag", name.text, v.describe()),
                        )
                        .label("not a flag"),
                        None => {
                            let help = did_you_mean(
                                &name.text,
                                self.values.names_where(|v| matches!(v, Value::Flag(_))),
                            )
                            .or_else(|| did_you_mean(&name.text, self.values.names()))
                            .or_else(|| Some(format!("declare it: `flag {}`", name.text)));
                            unknown(Code::UnknownFlag, name, "flag", help)
                        }
                    };
                    self.push(d);
                }
                FlagId(0)
            }
        }
    }

    pub(super) fn scene_ref(&mut self, name: &ast::Name) -> SceneId {
        if let Some((i, ())) = self.scenes.get(&name.text) {
            return SceneId::from_index(i);
        }
        if !self.library && !is_keyword(&name.text) {
            let mut help = did_you_mean(&name.text, self.scenes.names());
            if help.is_none() && self.endings.get(&name.text).is_some() {
                help = Some(format!(
                    "`{}` is an ending: write `end {}`",
                    name.text, name.text
                ));
            }
            self.push(unknown(Code::UnknownScene, name, "scene", help));
        }
        SceneId(0)
    }

    pub(super) fn ending_ref(&mut self, name: &ast::Name) -> EndingId {
        if let Some((i, ())) = self.endings.get(&name.text) {
            return EndingId::from_index(i);
        }
        if !self.library && !is_keyword(&name.text) {
            let mut help = did_you_mean(&name.text, self.endings.names());
            if help.is_none() && self.scenes.get(&name.text).is_some() {
                help = Some(format!(
                    "`{}` is a scene: write `goto {}`",
                    name.text, name.text
                ));
            }
            let help = help.or_else(|| {
                Some(match likely_outcome(&name.text) {
                    Some(outcome) => format!(
                        "declare it: `ending {} {} \"…\"`",
                        name.text,
                        outcome.as_str()
                    ),
                    None => format!(
                        "declare it: `ending {} good \"…\"` (or `bad`, or `neutral`: the outcome is how the conversation went)",
                        name.text
                    ),
                })
            });
            self.push(unknown(Code::UnknownEnding, name, "ending", help));
        }
        EndingId(0)
    }

    pub(super) fn tag_ref(&mut self, name: &ast::Name) -> TagId {
        if let Some((i, ())) = self.tags.get(&name.text) {
            return TagId::from_index(i);
        }
        if !self.library && !is_keyword(&name.text) {
            let help = did_you_mean(&name.text, self.tags.names()).or_else(|| {
                Some("tags exist by being used in some choice's `tags` line".to_string())
            });
            self.push(
                Diagnostic::new(
                    Code::UnknownTag,
                    name.span,
                    format!("no choice is tagged `{}`", name.text),
                )
                .label("unknown tag")
                .help_opt(help),
            );
        }
        TagId(u32::MAX)
    }
}

pub(super) fn unknown(
    code: Code,
    name: &ast::Name,
    what: &str,
    help: Option<String>,
) -> Diagnostic {
    Diagnostic::new(code, name.span, format!("unknown {what} `{}`", name.text))
        .label(format!("no {what} of this name"))
        .help_opt(help)
}

/// The outcome an ending's name suggests (`churned` → bad, `resolved` → good), if it does:
/// a word of the name (split at `_` and digits) starts with one of these.
fn likely_outcome(name: &str) -> Option<ast::Outcome> {
    const GOOD: &[&str] = &[
        "resolv", "solved", "success", "happy", "satisf", "fixed", "refund", "saved", "won",
        "calm", "thank", "good", "agree", "deal", "kept", "retain", "loyal", "done",
    ];
    const BAD: &[&str] = &[
        "churn", "escalat", "angry", "anger", "lost", "lose", "fail", "cancel", "hung", "hangup",
        "quit", "left", "leave", "complain", "bad", "furious", "walk", "storm", "unresolv",
        "upset", "refus",
    ];
    const NEUTRAL: &[&str] = &[
        "neutral", "pending", "follow", "callback", "later", "wait", "hold",
    ];
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let any = |list: &[&str]| words.iter().any(|w| list.iter().any(|p| w.starts_with(p)));
    if any(BAD) {
        Some(ast::Outcome::Bad)
    } else if any(NEUTRAL) {
        Some(ast::Outcome::Neutral)
    } else if any(GOOD) {
        Some(ast::Outcome::Good)
    } else {
        None
    }
}
