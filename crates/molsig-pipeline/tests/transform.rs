//! The symmetries the classroom demos show, end to end through a trained `improved` model on
//! the demo dataset: a translated, rotated (the model aligns frames), relabelled or re-timed copy
//! of a trajectory gets the same prediction and bead path signature (or, for a rotation, the
//! same per-level norms), and reversal and dropped frames change what they should. The
//! signatures come from molsig-signature in f64.

use std::io::Cursor;
use std::path::Path;

use burn::tensor::Device;
use molsig_model::train::{Control, Host};
use molsig_pipeline::dataset::{Classes, Loaded, load};
use molsig_pipeline::plan::{DataOptions, Files, TopologyFile, TrajectoryFile, plan};
use molsig_pipeline::train::{TrainRequest, TrainedModel, splits, train};
use molsig_pipeline::transform::{Transform, Transformed, transform};
use molsig_signature::{Paths, Signature};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/demo/dataset");
const DEPTH: usize = 3;

fn trained() -> (TrainedModel, Loaded) {
    let read = |name: &str| std::fs::read(Path::new(DEMO).join(name)).expect("demo file");
    let mut files = Files {
        topologies: vec![TopologyFile {
            name: "peptide.pdb".into(),
            bytes: read("peptide.pdb"),
        }],
        trajectories: [
            "low_friction_01",
            "high_friction_01",
            "low_friction_02",
            "high_friction_02",
        ]
        .iter()
        .map(|name| TrajectoryFile {
            name: format!("{name}.xtc"),
            reader: Cursor::new(read(&format!("{name}.xtc"))),
            label: name[..name.len() - 3].into(),
            group: String::new(),
            split: None,
            topology: 0,
        })
        .collect(),
    };
    let options = DataOptions {
        selection: "heavy".into(),
        frames: 50,
        stride: 50,
        inter_residue_bonds: true,
        align: true,
    };
    let (molecules, plan) = plan(&mut files, &options, 8, None).expect("plans");
    let loaded = load(
        molecules,
        &plan,
        &options,
        Classes::FromLabels,
        &mut files.trajectories,
    )
    .expect("loads");
    let request = TrainRequest {
        model: "improved".into(),
        beads: 3,
        epochs: Some(2),
        batch_size: Some(8),
        learning_rate: None,
        patience: None,
        validation: 0.25,
        test: 0.25,
        seed: 0,
    };
    let split = splits(&loaded, &request, None).expect("split").remove(0);
    let (model, _) = pollster::block_on(train(
        &loaded,
        &request,
        &split,
        &Device::flex(),
        Host::none(),
        &mut |_| Control::Continue,
    ))
    .expect("trains");
    (model, loaded)
}

fn levels(view: &Transformed) -> Vec<Vec<f64>> {
    let d = 3 * view.beads;
    let paths = Paths::new(&view.bead_paths, 1, view.frames, d).expect("paths");
    let s = Signature::new(d, DEPTH)
        .expect("signature")
        .forward(&paths)
        .expect("forward");
    let mut out = Vec::new();
    let mut at = 0;
    for k in 1..=DEPTH {
        let size = d.pow(k as u32);
        out.push(s[at..at + size].to_vec());
        at += size;
    }
    out
}

/// Per level: the largest difference relative to the level's largest value.
fn relative_differences(a: &[Vec<f64>], b: &[Vec<f64>]) -> Vec<f64> {
    a.iter()
        .zip(b)
        .map(|(x, y)| {
            let scale = x.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
            let diff = x
                .iter()
                .zip(y)
                .fold(0.0_f64, |m, (u, v)| m.max((u - v).abs()));
            diff / scale
        })
        .collect()
}

fn norm(level: &[f64]) -> f64 {
    level.iter().map(|v| v * v).sum::<f64>().sqrt()
}

fn max_difference(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).fold(0.0, |m, (x, y)| m.max((x - y).abs()))
}

#[test]
fn the_demos_symmetries_hold_end_to_end() {
    let (model, loaded) = trained();
    let device = Device::flex();
    let run = |t: Transform| {
        pollster::block_on(transform(&model, &loaded.dataset, 0, &t, &device)).expect("transform")
    };
    let original = run(Transform::default());
    assert_eq!(
        (original.frames, original.points, original.beads),
        (50, 67, 3)
    );
    assert!(original.assignments_from_model);
    let p0 = original.probabilities.clone().expect("one sample");
    let s0 = levels(&original);

    // Translation: the same prediction and signature.
    let moved = run(Transform {
        translate: [12.0, -30.0, 7.5],
        ..Transform::default()
    });
    let p = moved.probabilities.clone().expect("predicted");
    assert!(max_difference(&p, &p0) < 1e-5, "{p:?} vs {p0:?}");
    let d = relative_differences(&s0, &levels(&moved));
    assert!(d.iter().all(|&x| x < 1e-5), "translation: {d:?}");
    // The copy really moved.
    assert!((moved.coordinates[0] - original.coordinates[0] - 12.0).abs() < 1e-3);

    // Rotation: coordinates change, each level's norm does not, and the aligned model agrees.
    let turned = run(Transform {
        rotate_axis: [1.0, 2.0, -0.5],
        rotate_degrees: 70.0,
        ..Transform::default()
    });
    let s = levels(&turned);
    let d = relative_differences(&s0, &s);
    assert!(
        d.iter().all(|&x| x > 1e-2),
        "rotation changes coordinates: {d:?}"
    );
    for (a, b) in s0.iter().zip(&s) {
        let (na, nb) = (norm(a), norm(b));
        assert!((na - nb).abs() <= 1e-5 * na, "norms {na} vs {nb}");
    }
    let p = turned.probabilities.clone().expect("predicted");
    assert!(max_difference(&p, &p0) < 1e-5, "{p:?} vs {p0:?}");

    // Permutation: Q permutes with the atoms; the bead paths and the prediction do not change.
    let shuffled = run(Transform {
        permute_seed: Some(7),
        ..Transform::default()
    });
    assert_ne!(shuffled.order, original.order);
    let m = shuffled.beads;
    let permuted_q: Vec<f32> = shuffled
        .order
        .iter()
        .flat_map(|&i| original.assignments[i * m..(i + 1) * m].iter().copied())
        .collect();
    assert!(max_difference(&shuffled.assignments, &permuted_q) < 1e-5);
    let d = relative_differences(&s0, &levels(&shuffled));
    assert!(d.iter().all(|&x| x < 1e-5), "permutation: {d:?}");
    let p = shuffled.probabilities.clone().expect("predicted");
    assert!(max_difference(&p, &p0) < 1e-5, "{p:?} vs {p0:?}");

    // Re-timing: a warp and repeated frames leave the path's signature as it was.
    for retimed in [
        Transform {
            warp: vec![0.0, 0.05, 0.2, 1.0],
            ..Transform::default()
        },
        Transform {
            repeat_every: 2,
            ..Transform::default()
        },
    ] {
        let view = run(retimed);
        assert!(view.frames > 50 && !view.assignments_from_model);
        let d = relative_differences(&s0, &levels(&view));
        // Only Q's float32 rounding differs (the original's Q, computed from the stored window).
        assert!(d.iter().all(|&x| x < 1e-6), "re-timing: {d:?}");
    }

    // Dropping frames changes it; reversal negates level 1; the model cannot read 34 frames.
    let dropped = run(Transform {
        drop_every: 3,
        ..Transform::default()
    });
    assert_eq!((dropped.frames, dropped.samples), (34, 0));
    assert!(dropped.probabilities.is_none());
    let d = relative_differences(&s0, &levels(&dropped));
    assert!(d[1] > 1e-3, "dropped frames change level 2: {d:?}");
    let reversed = levels(&run(Transform {
        reverse: true,
        ..Transform::default()
    }));
    // (The reversed copy's Q comes from the model's pass over reversed frames: float32 apart.)
    let negated: Vec<f64> = reversed[0].iter().map(|v| -v).collect();
    let d = relative_differences(&s0[..1], &[negated]);
    assert!(d[0] < 1e-5, "reversal negates level 1: {d:?}");
}
