//! Play any checked scenario with any picks.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    rapport::fuzzing::run_picks(data);
});
