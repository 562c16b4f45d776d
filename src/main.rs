//! The `rapport` binary: a thin wrapper around [`rapport::cli`].

fn main() {
    std::process::exit(rapport::cli::main());
}
