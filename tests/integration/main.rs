//! The one integration-test binary (style.md: one binary links faster on 2 cores).

// Test helpers may unwrap: a failure there is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod architecture;
mod check;
mod common;
mod course;
mod docs;
mod fmt;
mod hardening;
mod limits;
mod lms;
#[cfg(feature = "lsp")]
mod lsp;
mod memory;
mod paths;
mod play;
mod properties;
mod run;
mod saves;
#[cfg(feature = "serve")]
mod serve;
mod tools;
