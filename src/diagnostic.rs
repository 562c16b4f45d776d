//! Diagnostics: what `check` reports.
//!
//! A diagnostic is data: a stable [`Code`], a message, a primary span and optional help,
//! secondary spans and witness. All rendering (text with source snippets, JSON) lives in
//! `render::diagnostics`, so the checker never formats for a terminal.

use crate::source::Span;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $sev:ident, $summary:literal;)*) => {
        /// Every kind of diagnostic, with its stable code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in order (for documentation and tests).
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable code, such as `E031`.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }

            #[must_use]
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$sev,)*
                }
            }

            /// A one-line summary of the kind (for the docs table).
            #[must_use]
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }
        }
    };
}

codes! {
    Syntax = "E001", Error, "syntax error";
    UnknownStatement = "E002", Error, "unknown statement";
    UnterminatedString = "E003", Error, "unterminated string";
    BadEscape = "E004", Error, "unknown escape in a string";
    ReservedName = "E005", Error, "a keyword used as a name";
    BadBrace = "E006", Error, "unescaped `{` or `}` in a string";
    TooDeep = "E007", Error, "nesting too deep";
    NumberOutOfRange = "E008", Error, "number out of range";
    BareCondition = "E009", Error, "a bare condition where a rubric predicate is expected";
    TooLong = "E010", Error, "line with too many words to read";
    Misplaced = "E020", Error, "statement in the wrong place";
    OrphanVariant = "E021", Error, "variant without a speaker line above it";
    MissingTransition = "E022", Error, "choice or trigger without a transition";
    AfterTransition = "E023", Error, "statement after a transition";
    NoExit = "E024", Error, "scene with neither choices nor a transition";
    TransitionWithChoices = "E025", Error, "scene-level transition in a scene with choices";
    DuplicateField = "E026", Error, "a field given twice";
    MissingExpect = "E027", Error, "rule without `expect`";
    HeaderNotFirst = "E028", Error, "`scenario` header is not the first statement";
    Duplicate = "E030", Error, "duplicate declaration";
    UnknownScene = "E031", Error, "unknown scene";
    UnknownEnding = "E032", Error, "unknown ending";
    UnknownSpeaker = "E033", Error, "unknown speaker";
    UnknownEmotion = "E034", Error, "unknown emotion";
    UnknownFlag = "E035", Error, "unknown flag";
    UnknownTag = "E036", Error, "unknown tag";
    UnknownCriterion = "E037", Error, "unknown criterion";
    UnknownInterpolation = "E038", Error, "unknown name in `{…}`";
    WrongKind = "E039", Error, "a name of the wrong kind";
    MissingCustomer = "E040", Error, "missing `customer`";
    MissingAgent = "E041", Error, "missing `agent`";
    InitialOutOfRange = "E042", Error, "initial value outside the emotion's range";
    EmptyRange = "E043", Error, "empty range";
    DuplicatePass = "E044", Error, "second pass mark";
    BadValue = "E045", Error, "value out of its allowed range";
    GotoCycle = "E050", Error, "scene-level gotos that loop without a choice";
    Stuck = "E051", Error, "reachable stuck state";
    IncludeAbsolute = "E060", Error, "absolute include path";
    IncludeOutsideRoot = "E061", Error, "include outside the root";
    IncludeMissing = "E062", Error, "included file cannot be read";
    IncludeCycle = "E063", Error, "include cycle";
    IncludeHeader = "E064", Error, "included file has a `scenario` header";
    UnusedEmotion = "W001", Warning, "emotion never referenced";
    UnusedFlag = "W002", Warning, "flag never referenced";
    UnusedCriterion = "W003", Warning, "criterion never used by a rule";
    UnreachableScene = "W010", Warning, "unreachable scene";
    EndingNeverReached = "W011", Warning, "ending never reached";
    ChoiceNeverAvailable = "W012", Warning, "choice never available";
    LineNeverShown = "W013", Warning, "line or variant never shown";
    RuleNeverPasses = "W014", Warning, "rule that no run passes";
    RuleAlwaysPasses = "W015", Warning, "rule that every run passes";
    EffectAlwaysClamps = "W016", Warning, "effect that clamps on every run that reaches it";
    SearchStopped = "W017", Warning, "state search stopped at its limit";
}

/// A secondary location with a note ("first declared here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub span: Span,
    pub label: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub message: String,
    pub span: Span,
    /// Text under the marker, if any.
    pub label: Option<String>,
    /// A likely fix ("did you mean `wants_date`?").
    pub help: Option<String>,
    pub notes: Vec<Note>,
    /// For state-based findings: the shortest picks that show it (`Some(vec![])` for "no run
    /// does").
    pub witness: Option<Vec<usize>>,
}

impl Diagnostic {
    #[must_use]
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            span,
            label: None,
            help: None,
            notes: Vec::new(),
            witness: None,
        }
    }

    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn help_opt(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    #[must_use]
    pub fn note(mut self, span: Span, label: impl Into<String>) -> Self {
        self.notes.push(Note {
            span,
            label: label.into(),
        });
        self
    }

    #[must_use]
    pub fn witness(mut self, picks: Vec<usize>) -> Self {
        self.witness = Some(picks);
        self
    }

    #[must_use]
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// The closest candidate to `name` by edit distance, if it is close enough to be a typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let distance = strsim::damerau_levenshtein(name, candidate);
        let limit = (name.chars().count().max(candidate.chars().count()) / 3).max(1);
        let lower_equal = name.to_lowercase() == candidate.to_lowercase();
        if (distance <= limit || lower_equal) && best.is_none_or(|(d, _)| distance < d) {
            best = Some((if lower_equal { 0 } else { distance }, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// "did you mean `x`?" for the closest candidate.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    suggest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}
