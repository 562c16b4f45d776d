//! The one integration-test binary (style.md: one binary links faster on 2 cores).

mod check;
mod common;
mod docs;
mod limits;
mod properties;
mod run;
