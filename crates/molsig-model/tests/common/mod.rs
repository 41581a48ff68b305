//! Small molecules, trajectories and configurations shared by the integration tests.
#![allow(dead_code)]

use burn::tensor::Device;
use molsig_model::baselines::{
    FrameChoice, FrameLstmConfig, GraphLstmConfig, GraphTransformerConfig,
};
use molsig_model::config::{Combiner, DeepSignatureConfig};
use molsig_model::data::{Dataset, Molecule};
use molsig_model::graph::Graph;
use molsig_model::model::{Model, ModelConfig};
use molsig_rng::SplitMix64;

/// Atoms of the test molecule.
pub const ATOMS: usize = 12;
/// Frames per sample.
pub const FRAMES: usize = 16;

/// A chain with a few cross-links.
pub fn graph() -> Graph {
    let edges = (1..ATOMS)
        .map(|i| [i - 1, i])
        .chain([[0, 5], [3, 9], [6, 11]]);
    Graph::new(ATOMS, edges).expect("graph")
}

/// A random walk around a random structure: `[frames, atoms, 3]`.
pub fn trajectory(seed: u64, frames: usize, step: f32) -> Vec<f32> {
    let mut rng = SplitMix64::new(seed);
    let base: Vec<f32> = (0..ATOMS * 3).map(|_| rng.noise() * 2.0).collect();
    let mut out = vec![0.0; frames * ATOMS * 3];
    let mut x = base;
    for t in 0..frames {
        for (i, v) in x.iter_mut().enumerate() {
            *v += step * rng.noise();
            out[t * ATOMS * 3 + i] = *v;
        }
    }
    out
}

/// A dataset of one molecule (`graph`) and the given trajectories (label = index % 2).
pub fn dataset(graph: Graph, trajectories: &[Vec<f32>], frames: usize) -> Dataset {
    let mut d = Dataset::new(vec!["a".into(), "b".into()], frames);
    let mut molecule = Molecule::from_graph("test", graph);
    // The first frame of the first trajectory, centred, is the alignment reference.
    let mut reference: Vec<[f32; 3]> = (0..ATOMS)
        .map(|i| {
            let p = &trajectories[0][i * 3..i * 3 + 3];
            [p[0], p[1], p[2]]
        })
        .collect();
    let n = reference.len() as f32;
    let c: [f32; 3] = [0, 1, 2].map(|k| reference.iter().map(|p| p[k]).sum::<f32>() / n);
    for p in &mut reference {
        for k in 0..3 {
            p[k] -= c[k];
        }
    }
    molecule.reference = reference;
    d.add_molecule(molecule);
    for (i, t) in trajectories.iter().enumerate() {
        d.add_trajectory(
            &format!("t{i}"),
            0,
            t,
            Some(i % 2),
            &format!("g{i}"),
            frames,
        )
        .expect("trajectory");
    }
    d
}

/// A small Deep Signature configuration of `preset` (no dropout, so results are deterministic).
pub fn small(mut c: DeepSignatureConfig) -> DeepSignatureConfig {
    c.hidden = 6;
    c.level_factors = vec![2, 1];
    c.segments = 2;
    c.combiner = Combiner::Lstm { hidden: 8 };
    c.dropout = 0.0;
    c
}

/// Every model, small.
pub fn all_models() -> Vec<ModelConfig> {
    vec![
        ModelConfig::DeepSignature(small(DeepSignatureConfig::improved(2, 2))),
        ModelConfig::DeepSignature(small(DeepSignatureConfig::reference(2, 2))),
        ModelConfig::FrameLstm(FrameLstmConfig {
            hidden: 6,
            lstm_hidden: 8,
            frames: FrameChoice::Both,
            classes: 2,
            dropout: 0.0,
        }),
        ModelConfig::GraphLstm(GraphLstmConfig {
            coarse: small(DeepSignatureConfig::improved(2, 2)),
            lstm_hidden: 4,
        }),
        ModelConfig::GraphTransformer(GraphTransformerConfig {
            hidden: 8,
            heads: 2,
            layers: 1,
            classes: 2,
            dropout: 0.0,
        }),
    ]
}

/// Class probabilities of every sample of `dataset`.
pub fn probabilities(
    model: &Model,
    config: &ModelConfig,
    dataset: &Dataset,
    device: &Device,
) -> Vec<f32> {
    let samples: Vec<usize> = (0..dataset.samples.len()).collect();
    pollster::block_on(molsig_model::train::predict(
        model, config, dataset, &samples, 8, device,
    ))
    .expect("predict")
}

/// Largest absolute difference.
pub fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}
