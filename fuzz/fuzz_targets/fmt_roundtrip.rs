//! Formatting never changes meaning and is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    rapport::fuzzing::fmt_roundtrip(data);
});
