//! Rapport: scripted customer-service training conversations.
//!
//! Data flows one way: `grammar/scenario.pest` → [`syntax`] (AST with spans) → [`check`]
//! (resolved [`scenario::Scenario`] and diagnostics) → [`runtime`] (a `Run` state machine) →
//! [`rubric`] (grading a trace) → [`render`] (text and JSON) → `cli` (I/O only).

pub mod ast;
pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod explore;
pub mod files;
pub mod format;
pub mod fuzzing;
pub mod logic;
pub mod play;
pub mod render;
pub mod repl;
pub mod rubric;
pub mod runtime;
pub mod scenario;
pub mod source;
pub mod syntax;
pub mod term;
