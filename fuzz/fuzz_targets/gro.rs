//! Any bytes into the GRO reader: errors are fine, panics and runaway allocations are not.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = molsig_io::gro::read_gro(data, "fuzz.gro");
});
