//! The benchmark page's cases (`bench.rs`) run natively on burn's CPU backend, so the browser
//! section of BENCHMARKS.md can set the wasm time beside the native one. `cargo xtask bench browser`
//! runs it pinned to one CPU, with the sizes the page reported.
//!
//! `bench_native signature BATCH LENGTH CHANNELS DEPTH REPEATS` or
//! `bench_native epoch PER_CLASS NODES FRAMES BEADS`; prints the run as one JSON line, with the
//! field names the page uses.

use std::sync::OnceLock;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use burn::tensor::Device;
use molsig_wasm::bench;

fn now() -> f64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64()
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize| -> Result<usize> {
        let text = args.get(i).context("too few arguments")?;
        text.parse()
            .with_context(|| format!("{text:?} is not a count"))
    };
    let device = Device::flex();
    let json = match args.first().map(String::as_str) {
        Some("signature") => {
            let shape = (number(1)?, number(2)?, number(3)?, number(4)?);
            let run = pollster::block_on(bench::signature(&device, shape, number(5)?, now))?;
            serde_json::to_string(&run)?
        }
        Some("epoch") => {
            let run = pollster::block_on(bench::epoch(
                &device,
                number(1)?,
                number(2)?,
                number(3)?,
                number(4)?,
                now,
            ))?;
            serde_json::to_string(&run)?
        }
        _ => bail!(
            "usage: bench_native signature BATCH LENGTH CHANNELS DEPTH REPEATS | \
             bench_native epoch PER_CLASS NODES FRAMES BEADS"
        ),
    };
    println!("{json}");
    Ok(())
}
