//! Any bytes as a model file, loaded on burn's CPU backend (the page's fallback): preamble,
//! header, every configuration field and the size budget, then the burn record. Errors are
//! fine; panics, hangs and runaway allocations are not, and a loaded model must have exactly
//! the parameters its header was validated for.
#![no_main]

use burn::module::Module;
use burn::tensor::Device;
use libfuzzer_sys::fuzz_target;
use molsig_model::checkpoint::{load, read_header};

/// Models the budget allows may still be large (up to 1 GiB); building those is ordinary work,
/// not what this target looks for, and would only trip the fuzzer's memory limit.
const LARGEST_BUILT: u64 = 1 << 20;

fuzz_target!(|data: &[u8]| {
    let Ok((header, _)) = read_header(data) else {
        return;
    };
    let size = header
        .validate()
        .expect("a header read_header accepts is valid");
    if size.parameters + size.activations > LARGEST_BUILT {
        return;
    }
    if let Ok((_, model)) = load(data, &Device::flex()) {
        assert_eq!(model.num_params() as u64, size.parameters);
    }
});
