//! Rapport: scripted customer-service training conversations.
//!
//! One library, several front doors. Data flows one way through the stages:
//!
//! ```text
//! grammar/scenario.pest
//!   → syntax     source text → ast (spans on every node; the only code that touches pest)
//!   → check      ast + includes → diagnostics and a resolved, index-based scenario
//!   → runtime    a Run state machine: offered choices, choose(n), events (never prints)
//!   → rubric     grades a run's trace
//!   → explore    every branch: reachability, runs, the state-aware diagnostics
//!   → render     text, JSON, DOT/Mermaid, rendered diagnostics (pure functions)
//!   → play       modes and saves: replaying a trainee's picks on an edited scenario
//! front doors: cli (the dispatcher) · repl (terminal) · serve (web) · lsp (editors)
//! ```
//!
//! Beside the stages: [`ast`] and [`scenario`] (the data between them, sharing the
//! condition tree of [`logic`]), [`diagnostic`] (codes and messages), [`source`] (files,
//! spans, line and column), [`format`] (`rapport fmt`), [`files`] (atomic writes, finding
//! scenario files), [`fuzzing`] (the fuzz targets' bodies). [`term`] holds what only the
//! terminal front doors share (exit codes, stderr messages, colour).
//!
//! A front door translates its medium (arguments, keystrokes, HTTP, JSON-RPC) into calls to
//! the library and back, and decides no game logic. No front door imports another, except
//! [`cli`], which starts each; `tests/integration/architecture.rs` holds this.

pub mod ast;
pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod explore;
pub mod files;
pub mod format;
pub mod fuzzing;
pub mod lms;
pub mod logic;
#[cfg(feature = "lsp")]
pub mod lsp;
pub mod play;
pub mod render;
pub mod repl;
pub mod rubric;
pub mod runtime;
pub mod scenario;
#[cfg(feature = "serve")]
pub mod serve;
pub mod source;
pub mod syntax;
pub mod term;
