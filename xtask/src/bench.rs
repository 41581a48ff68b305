//! `cargo xtask bench`: benchmarks against reference implementations measured in the same run;
//! results go to BENCHMARKS.md as ratios.

use anyhow::Result;

use crate::cmd::{command, run};

/// Runs every benchmark.
pub fn all() -> Result<()> {
    run(command("cargo").args(["bench", "-p", "molsig-io"]))
}
