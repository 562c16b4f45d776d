//! Render: results → text and JSON. Pure functions from data to strings; colour is a
//! parameter, so tests see plain text.

pub mod annotations;
pub mod diagnostics;
pub mod export;
pub mod graph;
pub mod json;
pub mod paths;
pub mod printer;
pub mod report;
pub mod sarif;
