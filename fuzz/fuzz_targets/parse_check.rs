//! Parse, check and analyse any bytes: never a panic, a hang or an overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    rapport::fuzzing::parse_check(data);
});
