//! Render: results → text and JSON. Pure functions from data to strings; colour is a
//! parameter, so tests see plain text.

pub mod diagnostics;
pub mod json;
pub mod paths;
pub mod report;
