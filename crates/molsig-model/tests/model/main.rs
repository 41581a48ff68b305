//! molsig-model's integration tests, in one binary: each test binary links all of burn (~160 MB
//! unoptimised), so one binary instead of five saves CI disk and link time. `gradients.rs` stays
//! its own binary because it sets the f64 default dtype for its whole process.

#[path = "../common/mod.rs"]
mod common;

mod backends;
mod checkpoint;
mod hostile;
mod properties;
mod training;
