//! Measurements for the browser benchmark page: signature throughput and the time of one
//! training epoch, on whichever device the caller passes (WebGPU or burn's CPU backend), with
//! the caller's clock (`performance.now` in a worker). Plain Rust, so it also runs natively.

use burn::tensor::{Device, Tensor, TensorData};
use molsig_model::config::TrainConfig;
use molsig_model::data::Dataset;
use molsig_model::model::ModelConfig;
use molsig_model::synthetic::{GeneRegulatoryConfig, gene_regulatory};
use molsig_model::train::{Control, Host, SampleSplit, train};
use molsig_rng::SplitMix64;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Paths per second through the depth-`depth` signature.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SignatureRun {
    /// Paths per call.
    pub batch: usize,
    /// Points per path.
    pub length: usize,
    /// Channels per point.
    pub channels: usize,
    /// Truncation depth.
    pub depth: usize,
    /// Timed calls (after one warm-up call).
    pub repeats: usize,
    /// Mean seconds per call, the result read back included.
    pub seconds: f64,
    /// `batch / seconds`.
    pub paths_per_second: f64,
}

/// Times `repeats` signature calls on random-walk paths after one warm-up call.
///
/// # Errors
/// The signature's errors (e.g. a depth/channels combination too large), or a failed readback.
pub async fn signature(
    device: &Device,
    run: (usize, usize, usize, usize),
    repeats: usize,
    now: fn() -> f64,
) -> Result<SignatureRun> {
    let (batch, length, channels, depth) = run;
    // A deterministic random walk: steps uniform in [-0.5, 0.5).
    let mut rng = SplitMix64::new(0x2545_f491_4f6c_dd1d);
    let mut values = Vec::with_capacity(batch * length * channels);
    let mut position = vec![0f32; channels];
    for _ in 0..batch {
        position.fill(0.0);
        for _ in 0..length {
            for p in &mut position {
                *p += rng.noise();
                values.push(*p);
            }
        }
    }
    let paths = Tensor::<3>::from_data(TensorData::new(values, [batch, length, channels]), device);
    let call = |paths: Tensor<3>| async move {
        molsig_signature::gpu::signature(paths, depth)
            .map_err(Error::Signature)?
            .into_data_async()
            .await
            .map_err(|e| Error::Compute(format!("reading the signature back failed: {e:?}")))
    };
    call(paths.clone()).await?;
    let start = now();
    for _ in 0..repeats {
        call(paths.clone()).await?;
    }
    let seconds = (now() - start) / repeats.max(1) as f64;
    Ok(SignatureRun {
        batch,
        length,
        channels,
        depth,
        repeats,
        seconds,
        paths_per_second: batch as f64 / seconds,
    })
}

/// Seconds of one training epoch of Deep Signature (`improved`) on the synthetic
/// gene-regulatory data: the second of two epochs (the first compiles shaders and warms caches).
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct EpochRun {
    /// Training samples (graphs).
    pub samples: usize,
    /// Nodes per graph.
    pub nodes: usize,
    /// Frames per sample.
    pub frames: usize,
    /// Beads.
    pub beads: usize,
    /// Samples per optimiser step.
    pub batch_size: usize,
    /// Seconds of the first epoch.
    pub warm_up_seconds: f64,
    /// Seconds of the second epoch.
    pub seconds: f64,
}

/// Trains two epochs on `2 × per_class` synthetic graphs and reports their times.
///
/// # Errors
/// Generator or training errors.
pub async fn epoch(
    device: &Device,
    per_class: usize,
    nodes: usize,
    frames: usize,
    beads: usize,
    now: fn() -> f64,
) -> Result<EpochRun> {
    let config = GeneRegulatoryConfig {
        nodes,
        frames,
        ..GeneRegulatoryConfig::default()
    };
    let samples = gene_regulatory(&config, per_class)?;
    let dataset = Dataset::from_synthetic(&samples)?;
    let split = SampleSplit {
        train: (0..dataset.samples.len()).collect(),
        ..SampleSplit::default()
    };
    let model = ModelConfig::named("improved", beads, 2)?;
    let settings = TrainConfig {
        epochs: 2,
        batch_size: 8,
        patience: None,
        ..TrainConfig::improved()
    };
    let trained = Box::pin(train(
        &dataset,
        &split,
        &model,
        &settings,
        device,
        Host::new(now),
        &mut |_| Control::Continue,
    ))
    .await?;
    let seconds = |e: usize| trained.history.get(e).map_or(f64::NAN, |r| r.seconds);
    Ok(EpochRun {
        samples: dataset.samples.len(),
        nodes,
        frames,
        beads,
        batch_size: settings.batch_size,
        warm_up_seconds: seconds(0),
        seconds: seconds(1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock() -> f64 {
        static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        START
            .get_or_init(std::time::Instant::now)
            .elapsed()
            .as_secs_f64()
    }

    #[test]
    fn both_measurements_run_on_the_cpu() {
        let device = Device::flex();
        let s = pollster::block_on(signature(&device, (16, 20, 3, 3), 2, clock)).expect("runs");
        assert!(s.seconds > 0.0 && s.paths_per_second.is_finite());
        let e = pollster::block_on(epoch(&device, 4, 12, 20, 2, clock)).expect("trains");
        assert_eq!(e.samples, 8);
        assert!(e.seconds > 0.0 && e.warm_up_seconds > 0.0, "{e:?}");
    }
}
