//! Diagnostics → SARIF 2.1.0, the format code-scanning services read (`check --format sarif`).
//!
//! One run whose tool lists every diagnostic code as a rule (in code order, so a result's
//! `ruleIndex` is stable across versions that only add codes), then one result per
//! diagnostic with its primary location and its notes as related locations. Lines and
//! columns are 1-based, columns in Unicode code points (`columnKind`), as in the JSON output.

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::source::{SourceMap, Span};

/// The SARIF version this writes.
pub const VERSION: &str = "2.1.0";
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The whole document.
#[derive(Serialize)]
pub struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    short_description: Text,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

/// One diagnostic.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

/// A 1-based region; the end column is exclusive.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A path as a relative URI reference: forward slashes, and the characters a URI cannot
/// hold percent-encoded.
fn uri(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    percent_encode(text.strip_prefix("./").unwrap_or(&text))
}

/// A `/`-separated path with every byte but unreserved ones and `/` percent-encoded (UTF-8).
#[must_use]
pub fn percent_encode(path: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(byte));
            }
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
    out
}

fn location(sources: &SourceMap, span: Span, message: Option<&str>) -> Location {
    let file = sources.file(span.file);
    let (start_line, start_column) = file.line_col(span.start as usize);
    let (end_line, end_column) = file.line_col((span.end as usize).max(span.start as usize));
    Location {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri(&file.path),
            },
            region: Region {
                start_line,
                start_column,
                end_line,
                end_column,
            },
        },
        message: message.map(|m| Text {
            text: m.to_string(),
        }),
    }
}

impl SarifResult {
    #[must_use]
    pub fn new(sources: &SourceMap, d: &Diagnostic) -> Self {
        let mut text = d.message.clone();
        if let Some(help) = &d.help {
            text.push_str("\nhelp: ");
            text.push_str(help);
        }
        if let Some(witness) = &d.witness {
            text.push_str("\nnote: ");
            text.push_str(&super::diagnostics::witness_text(d.code, witness));
        }
        SarifResult {
            rule_id: d.code.as_str(),
            rule_index: Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
            level: level(d.severity()),
            message: Text { text },
            locations: vec![location(sources, d.span, d.label.as_deref())],
            related_locations: d
                .notes
                .iter()
                .map(|n| location(sources, n.span, Some(&n.label)))
                .collect(),
        }
    }
}

impl Log {
    /// The document for these results.
    #[must_use]
    pub fn new(results: Vec<SarifResult>) -> Self {
        let rules = Code::ALL
            .iter()
            .map(|code| Rule {
                id: code.as_str(),
                short_description: Text {
                    text: code.summary().to_string(),
                },
                default_configuration: Configuration {
                    level: level(code.severity()),
                },
            })
            .collect();
        Log {
            schema: SCHEMA,
            version: VERSION,
            runs: [Run {
                tool: Tool {
                    driver: Driver {
                        name: "rapport",
                        version: env!("CARGO_PKG_VERSION"),
                        rules,
                    },
                },
                column_kind: "unicodeCodePoints",
                results,
            }],
        }
    }
}
