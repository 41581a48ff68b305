//! `molsig bench`: training-epoch time on random data of a chosen size (default: the GPCR
//! setting of the paper — 1,241 atoms, 100 frames, 50 beads, batch 16, 400 samples), for
//! BENCHMARKS.md. Prints one JSON line.

use std::time::Instant;

use anyhow::Result;
use clap::Args;
use molsig_model::config::TrainConfig;
use molsig_model::data::{Dataset, Molecule};
use molsig_model::graph::Graph;
use molsig_model::model::ModelConfig;
use molsig_model::train::{Control, Host, SampleSplit, train};
use molsig_rng::SplitMix64;

/// Problem size.
#[derive(Args)]
pub struct BenchArgs {
    /// Atoms per frame (a chain with a bond every 3rd atom to the next-but-two, like a backbone).
    #[arg(long, default_value_t = 1241)]
    atoms: usize,
    /// Frames per sample.
    #[arg(long, default_value_t = 100)]
    frames: usize,
    /// Beads.
    #[arg(long, default_value_t = 50)]
    beads: usize,
    /// Samples.
    #[arg(long, default_value_t = 400)]
    samples: usize,
    /// Batch size.
    #[arg(long, default_value_t = 16)]
    batch_size: usize,
    /// Epochs timed (after one warm-up epoch).
    #[arg(long, default_value_t = 1)]
    epochs: usize,
    /// Model name (as `molsig train --model`).
    #[arg(long, default_value = "reference")]
    model: String,
    /// Where to compute.
    #[arg(long, value_enum, default_value_t)]
    backend: super::Backend,
}

/// Times training epochs.
pub fn run(args: &BenchArgs) -> Result<()> {
    let n = args.atoms;
    let edges = (1..n)
        .map(|i| [i - 1, i])
        .chain((3..n).step_by(3).map(|i| [i - 3, i]));
    let mut dataset = Dataset::new(vec!["a".into(), "b".into()], args.frames);
    dataset.add_molecule(Molecule::from_graph("chain", Graph::new(n, edges)?));
    let mut rng = SplitMix64::new(7);
    for s in 0..args.samples {
        // A random walk per atom: [frames, atoms, 3].
        let mut coords = vec![0.0_f32; args.frames * n * 3];
        for i in 0..n * 3 {
            let mut x = i as f32 * 0.01;
            for t in 0..args.frames {
                x += 0.02 * rng.noise();
                coords[t * n * 3 + i] = x;
            }
        }
        dataset.add_trajectory(
            &format!("random{s}"),
            0,
            &coords,
            Some(s % 2),
            &format!("g{s}"),
            args.frames,
        )?;
    }
    let config = ModelConfig::named(&args.model, args.beads, 2)?;
    let mut settings = TrainConfig::reference();
    settings.batch_size = args.batch_size;
    settings.epochs = args.epochs + 1;
    let split = SampleSplit {
        train: (0..args.samples).collect(),
        ..SampleSplit::default()
    };
    let device = args.backend.device()?;
    let mut epoch_times = Vec::new();
    let mut last = Instant::now();
    let mut on_event = |e: &molsig_model::train::Event| {
        if let molsig_model::train::Event::Epoch(_) = e {
            epoch_times.push(last.elapsed().as_secs_f64());
            last = Instant::now();
        }
        Control::Continue
    };
    let start = Instant::now();
    let trained = pollster::block_on(train(
        &dataset,
        &split,
        &config,
        &settings,
        &device,
        Host::none(),
        &mut on_event,
    ))?;
    let timed = &epoch_times[1..];
    println!(
        "{}",
        serde_json::json!({
            "model": config.name(),
            "atoms": n, "frames": args.frames, "beads": args.beads, "samples": args.samples,
            "batch_size": args.batch_size,
            "warmup_epoch_seconds": epoch_times[0],
            "epoch_seconds": timed.iter().sum::<f64>() / timed.len().max(1) as f64,
            "total_seconds": start.elapsed().as_secs_f64(),
            "final_loss": trained.history.last().map(|r| r.train_loss.total),
        })
    );
    Ok(())
}
