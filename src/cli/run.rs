//! `rapport run`.

use super::args::RunArgs;
use super::exit;

pub(super) fn run(_args: &RunArgs) -> i32 {
    super::error("`run` is not implemented yet");
    exit::USAGE
}
