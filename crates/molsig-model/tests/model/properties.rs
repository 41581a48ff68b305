//! End-to-end symmetries of the models (spec §4): permuting atoms with their graph, translating
//! (improved preset), rotating (with Kabsch alignment), and repeating frames (one segment).
//! Each invariance is paired with a check that the change is visible without the fix, so a test
//! that could not fail would be noticed.

use crate::common::{
    ATOMS, FRAMES, all_models, dataset, graph, max_diff, probabilities, small, trajectory,
};
use burn::tensor::{Device, Tensor, TensorData};
use molsig_model::config::DeepSignatureConfig;
use molsig_model::deep_signature::bead_path;
use molsig_model::model::{Model, ModelConfig};

/// Three samples: two trajectories of 2·FRAMES frames cut in FRAMES-frame chunks (4 samples).
fn walks() -> Vec<Vec<f32>> {
    vec![
        trajectory(1, 2 * FRAMES, 0.2),
        trajectory(2, 2 * FRAMES, 0.3),
    ]
}

fn transform(trajectories: &[Vec<f32>], f: impl Fn([f32; 3]) -> [f32; 3]) -> Vec<Vec<f32>> {
    trajectories
        .iter()
        .map(|t| t.chunks(3).flat_map(|p| f([p[0], p[1], p[2]])).collect())
        .collect()
}

#[test]
fn permuting_atoms_with_their_graph_leaves_every_prediction_unchanged() {
    let device = Device::flex();
    // A permutation with no fixed structure: i → (5i + 3) mod ATOMS (ATOMS = 12, gcd(5, 12) = 1).
    let permutation: Vec<usize> = (0..ATOMS).map(|i| (5 * i + 3) % ATOMS).collect();
    let original = walks();
    let permuted: Vec<Vec<f32>> = original
        .iter()
        .map(|t| {
            let mut p = vec![0.0; t.len()];
            for (f, frame) in t.chunks(ATOMS * 3).enumerate() {
                for i in 0..ATOMS {
                    let to = f * ATOMS * 3 + permutation[i] * 3;
                    p[to..to + 3].copy_from_slice(&frame[i * 3..i * 3 + 3]);
                }
            }
            p
        })
        .collect();
    let a = dataset(graph(), &original, FRAMES);
    let b = dataset(graph().permuted(&permutation), &permuted, FRAMES);
    for config in all_models() {
        device.seed(5);
        let model = config.init(FRAMES, &device).expect("model");
        let pa = probabilities(&model, &config, &a, &device);
        let pb = probabilities(&model, &config, &b, &device);
        let d = max_diff(&pa, &pb);
        let one_directional =
            matches!(&config, ModelConfig::DeepSignature(c) if c.one_directional_edges);
        if one_directional {
            // The authors' one-directional edge lists depend on atom order: not invariant.
            assert!(
                d > 1e-5,
                "{}: expected a visible change, got {d}",
                config.name()
            );
        } else {
            assert!(d < 1e-5, "{}: predictions moved by {d}", config.name());
        }
    }
}

#[test]
fn translating_all_coordinates_leaves_improved_predictions_unchanged() {
    let device = Device::flex();
    let original = walks();
    let shifted = transform(&original, |p| [p[0] + 3.0, p[1] - 2.0, p[2] + 5.0]);
    let (a, b) = (
        dataset(graph(), &original, FRAMES),
        dataset(graph(), &shifted, FRAMES),
    );
    for preset in [
        DeepSignatureConfig::improved(2, 2),
        DeepSignatureConfig::reference(2, 2),
    ] {
        let config = ModelConfig::DeepSignature(small(preset.clone()));
        device.seed(6);
        let model = config.init(FRAMES, &device).expect("model");
        let d = max_diff(
            &probabilities(&model, &config, &a, &device),
            &probabilities(&model, &config, &b, &device),
        );
        if preset.centre_frames {
            assert!(d < 1e-5, "improved moved by {d}");
        } else {
            assert!(
                d > 1e-4,
                "the reference preset sees raw coordinates; moved by only {d}"
            );
        }
    }
}

#[test]
fn rotating_all_coordinates_leaves_predictions_unchanged_when_frames_are_aligned() {
    let device = Device::flex();
    let original = walks();
    // A rotation by 1.1 rad about (1, 2, 2)/3.
    let (s, c) = 1.1_f32.sin_cos();
    let k = [1.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0];
    let rotate = |p: [f32; 3]| {
        let cross = [
            k[1] * p[2] - k[2] * p[1],
            k[2] * p[0] - k[0] * p[2],
            k[0] * p[1] - k[1] * p[0],
        ];
        let dot = k[0] * p[0] + k[1] * p[1] + k[2] * p[2];
        [0, 1, 2].map(|i| p[i] * c + cross[i] * s + k[i] * dot * (1.0 - c))
    };
    let rotated = transform(&original, rotate);
    for align in [true, false] {
        let mut preset = small(DeepSignatureConfig::improved(2, 2));
        preset.align_frames = align;
        let config = ModelConfig::DeepSignature(preset);
        let mut a = dataset(graph(), &original, FRAMES);
        // Both datasets align onto the same reference (the unrotated structure).
        let mut b = dataset(graph(), &rotated, FRAMES);
        b.molecules[0]
            .reference
            .clone_from(&a.molecules[0].reference);
        if align {
            a.align_frames();
            b.align_frames();
        }
        device.seed(7);
        let model = config.init(FRAMES, &device).expect("model");
        let d = max_diff(
            &probabilities(&model, &config, &a, &device),
            &probabilities(&model, &config, &b, &device),
        );
        if align {
            assert!(d < 1e-5, "aligned predictions moved by {d}");
        } else {
            assert!(
                d > 1e-4,
                "without alignment a rotation should be visible; moved by {d}"
            );
        }
    }
}

#[test]
fn repeating_every_frame_leaves_a_single_segment_signature_unchanged() {
    let device = Device::flex();
    let walk = trajectory(3, FRAMES, 0.3);
    let doubled: Vec<f32> = walk
        .chunks(ATOMS * 3)
        .flat_map(|f| f.iter().chain(f).copied())
        .collect();
    for preset in [
        DeepSignatureConfig::improved(2, 2),
        DeepSignatureConfig::reference(2, 2),
    ] {
        let mut c = small(preset);
        c.segments = 1;
        c.segment_overlap = true;
        let config = ModelConfig::DeepSignature(c);
        device.seed(8);
        let Model::DeepSignature(model) = config.init(FRAMES, &device).expect("model") else {
            unreachable!()
        };
        let graph = graph().to_device(model.config().one_directional_edges, &device);
        let features = |coords: &[f32], frames: usize| -> Vec<f32> {
            // [frames, atoms, 3] → [1, atoms, frames, 3]
            let x = Tensor::<4>::from_data(
                TensorData::new(coords.to_vec(), [1, frames, ATOMS, 3]),
                &device,
            )
            .swap_dims(1, 2);
            let beads = model.coarse.forward(x, &graph).beads;
            model
                .segment_features(&bead_path(beads))
                .expect("signature")
                .into_data()
                .convert::<f32>()
                .try_to_vec::<f32>()
                .expect("f32")
        };
        let once = features(&walk, FRAMES);
        let twice = features(&doubled, 2 * FRAMES);
        let scale = once.iter().fold(1.0_f32, |m, v| m.max(v.abs()));
        let d = max_diff(&once, &twice);
        assert!(
            d < 1e-5 * scale,
            "{}: changed by {d} (scale {scale})",
            config.name()
        );
        // Not trivially equal: a different path changes it.
        let other = features(&trajectory(4, FRAMES, 0.3), FRAMES);
        assert!(max_diff(&once, &other) > 1e-3 * scale);
    }
}
