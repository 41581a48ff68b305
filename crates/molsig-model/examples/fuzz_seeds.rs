//! Writes the seed corpus of the `model_file` fuzz target: one tiny model file per model kind
//! (9–20 KB each, mostly the burn record's per-tensor metadata), so the fuzzer starts from real
//! headers and records. Written when fuzzing rather than checked in, so the seeds are always
//! files this molsig writes; each is loaded back before it is kept.
//!
//! Usage: `cargo run -p molsig-model --example fuzz_seeds -- <folder>` (`cargo xtask test`
//! writes them to `target/fuzz-seeds/model_file`).

use burn::tensor::Device;
use molsig_model::baselines::{
    FrameChoice, FrameLstmConfig, GraphLstmConfig, GraphTransformerConfig,
};
use molsig_model::checkpoint::{CheckpointHeader, FORMAT, load, save};
use molsig_model::config::{Combiner, DeepSignatureConfig, Preset};
use molsig_model::data::InputOptions;
use molsig_model::model::ModelConfig;

/// Frames per sample of the seeds.
const FRAMES: usize = 6;

fn tiny(preset: Preset, classes: usize) -> DeepSignatureConfig {
    DeepSignatureConfig {
        hidden: 2,
        level_factors: vec![2, 1],
        segments: 2,
        combiner: Combiner::Lstm { hidden: 2 },
        ..DeepSignatureConfig::preset(preset, 1, classes)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: fuzz_seeds <output folder>")?,
    );
    std::fs::create_dir_all(&folder)?;
    let seeds = [
        (
            "improved",
            ModelConfig::DeepSignature(tiny(Preset::Improved, 2)),
        ),
        (
            "reference",
            ModelConfig::DeepSignature(tiny(Preset::Reference, 3)),
        ),
        (
            "frame-lstm",
            ModelConfig::FrameLstm(FrameLstmConfig {
                hidden: 2,
                lstm_hidden: 2,
                frames: FrameChoice::Both,
                classes: 2,
                dropout: 0.2,
            }),
        ),
        (
            "graph-lstm",
            ModelConfig::GraphLstm(GraphLstmConfig {
                coarse: tiny(Preset::Improved, 2),
                lstm_hidden: 2,
            }),
        ),
        (
            "graph-transformer",
            ModelConfig::GraphTransformer(GraphTransformerConfig {
                hidden: 2,
                heads: 2,
                layers: 1,
                classes: 2,
                dropout: 0.1,
            }),
        ),
    ];
    let device = Device::flex();
    for (name, config) in seeds {
        device.seed(1);
        let model = config.init(FRAMES, &device)?;
        let header = CheckpointHeader {
            format: FORMAT,
            molsig_version: env!("CARGO_PKG_VERSION").into(),
            input: InputOptions {
                frames: FRAMES,
                stride: FRAMES,
                ..InputOptions::default()
            },
            classes: (0..config.classes())
                .map(|c| format!("class {c}"))
                .collect(),
            model: config,
            atoms: 4,
            selected_epoch: 1,
            test_metrics: None,
            test_trajectory_metrics: None,
            training: None,
            history: Vec::new(),
            stopped_early: false,
            split: Vec::new(),
        };
        let bytes = pollster::block_on(save(&model, &header, &device))?;
        let (loaded, _) = load(&bytes, &device)?;
        if loaded != header {
            return Err(format!("{name}: the header did not load back as written").into());
        }
        let path = folder.join(format!("{name}.molsig"));
        std::fs::write(&path, &bytes)?;
        println!("{}: {} bytes", path.display(), bytes.len());
    }
    Ok(())
}
