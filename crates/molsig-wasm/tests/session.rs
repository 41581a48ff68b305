//! The site's job, natively on the CPU backend: plan and read the demo dataset as the page sends
//! it (files with labels), refuse a job that would not fit, train, cancel, predict per
//! trajectory, explain one trajectory for the viewer, and predict the same after a checkpoint
//! round trip.

use std::io::Cursor;
use std::path::Path;

use burn::tensor::Device;
use molsig_model::checkpoint;
use molsig_model::train::{Control, Event, Host};
use molsig_wasm::session::{
    self, DataOptions, MEMORY_BUDGET, SessionModel, TrainRequest, TrajectoryFile,
};

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../web/demo/dataset");

fn options() -> DataOptions {
    DataOptions {
        selection: "heavy".into(),
        frames: 50,
        stride: 50,
        align: false,
    }
}

/// `count` trajectories of each class, read from disk as the page would hand them over.
fn files(count: usize) -> Vec<TrajectoryFile<Cursor<Vec<u8>>>> {
    let mut out = Vec::new();
    for k in 1..=count {
        for class in ["low_friction", "high_friction"] {
            let name = format!("{class}_{k:02}.xtc");
            let bytes = std::fs::read(Path::new(DEMO).join(&name)).expect("demo file");
            out.push(TrajectoryFile {
                name,
                reader: Cursor::new(bytes),
                label: class.into(),
                group: String::new(),
            });
        }
    }
    out
}

fn topology() -> Vec<u8> {
    std::fs::read(Path::new(DEMO).join("peptide.pdb")).expect("demo topology")
}

fn request() -> TrainRequest {
    TrainRequest {
        model: "improved".into(),
        beads: 3,
        epochs: 2,
        batch_size: 8,
        learning_rate: 1e-3,
        validation: 0.2,
        test: 0.2,
        seed: 0,
    }
}

#[test]
fn plan_counts_frames_and_samples_from_headers() {
    let mut f = files(2);
    let (molecule, plan) =
        session::plan("peptide.pdb", &topology(), &options(), 8, &mut f).expect("plans");
    // Heavy atoms of the peptide: every ATOM record whose element is not H.
    let text = String::from_utf8(topology()).expect("utf8");
    let heavy = text
        .lines()
        .filter(|l| l.starts_with("ATOM") || l.starts_with("HETATM"))
        .filter(|l| l.get(76..78).is_some_and(|e| e.trim() != "H"))
        .count();
    assert_eq!(plan.points, heavy);
    assert_eq!(molecule.len(), heavy);
    assert_eq!(plan.trajectories.len(), 4);
    for t in &plan.trajectories {
        assert_eq!(t.frames, 200, "{}", t.name);
        assert_eq!(t.samples, 4, "{}", t.name);
    }
    assert_eq!(
        plan.data_bytes,
        (16 * heavy * 50 * 12 + 200 * heavy * 12) as u64
    );
}

#[test]
fn a_job_too_large_is_refused_before_reading() {
    let mut f = files(1);
    // A batch so large that its activations alone exceed the budget (even for one point).
    let batch = (MEMORY_BUDGET / (50 * 12 * 64)) as usize + 1;
    let error =
        session::plan("peptide.pdb", &topology(), &options(), batch, &mut f).expect_err("refused");
    assert!(error.contains("more than the 3.00 GiB"), "{error}");
    assert!(error.contains("smaller atom selection"), "{error}");
}

#[test]
fn a_file_that_is_not_xtc_is_named() {
    let mut f = files(1);
    f[1].reader = Cursor::new(topology());
    let error =
        session::plan("peptide.pdb", &topology(), &options(), 8, &mut f).expect_err("refused");
    assert!(error.contains("high_friction_01.xtc"), "{error}");
    assert!(error.contains("magic"), "{error}");
}

#[test]
fn aligned_data_is_aligned_once_and_refused_by_a_model_that_cannot_align() {
    let aligned = DataOptions {
        align: true,
        ..options()
    };
    let mut f = files(1);
    let (molecule, _) =
        session::plan("peptide.pdb", &topology(), &aligned, 8, &mut f).expect("plans");
    let loaded = session::load(molecule.clone(), &aligned, None, &mut f).expect("loads");
    assert!(loaded.aligned);
    let mut plain = files(1);
    let unaligned = session::load(molecule, &options(), None, &mut plain).expect("loads");
    let mut expected = unaligned.dataset.clone();
    expected.align_frames();
    assert_eq!(loaded.dataset.samples, expected.samples);
    assert_ne!(loaded.dataset.samples, unaligned.dataset.samples);

    let frame_lstm = TrainRequest {
        model: "frame-lstm".into(),
        ..request()
    };
    let error = pollster::block_on(session::train_model(
        &loaded,
        &frame_lstm,
        &Device::flex(),
        Host::none(),
        &mut |_: &Event| Control::Continue,
    ))
    .err()
    .expect("refused");
    assert!(error.contains("read the files again"), "{error}");
}

#[test]
#[allow(clippy::too_many_lines)] // one session, step by step, as the page drives it
fn train_predict_explain_and_reload() {
    let device = Device::flex();
    let mut f = files(5);
    let (molecule, _) =
        session::plan("peptide.pdb", &topology(), &options(), 8, &mut f).expect("plans");
    let loaded = session::load(molecule, &options(), None, &mut f).expect("loads");
    assert_eq!(loaded.dataset.classes, ["high_friction", "low_friction"]);
    assert_eq!(loaded.dataset.samples.len(), 40);

    let mut batches = 0;
    let mut cancel_after_one = |e: &Event| {
        if matches!(e, Event::Batch { .. }) {
            batches += 1;
            return Control::Cancel;
        }
        Control::Continue
    };
    let error = pollster::block_on(session::train_model(
        &loaded,
        &request(),
        &device,
        Host::none(),
        &mut cancel_after_one,
    ))
    .err()
    .expect("cancelled");
    assert_eq!(batches, 1);
    assert!(error.contains("cancel"), "{error}");

    let mut epochs = 0;
    let (model, summary) = pollster::block_on(session::train_model(
        &loaded,
        &request(),
        &device,
        Host::none(),
        &mut |e: &Event| {
            if matches!(e, Event::Epoch(_)) {
                epochs += 1;
            }
            Control::Continue
        },
    ))
    .expect("trains");
    assert_eq!(epochs, 2);
    assert_eq!(summary.history.len(), 2);
    assert_eq!(summary.predictions.len(), 10);
    let parts: Vec<&str> = summary
        .predictions
        .iter()
        .map(|p| p.part.as_str())
        .collect();
    assert_eq!(
        parts.iter().filter(|&&p| p == "test").count(),
        2,
        "{parts:?}"
    );
    assert_eq!(
        summary.test_metrics.as_ref().map(|m| m.count),
        Some(8),
        "two test trajectories of four samples"
    );
    for p in &summary.predictions {
        assert_eq!(p.samples, 4);
        let total: f32 = p.probabilities.iter().sum();
        assert!((total - 1.0).abs() < 1e-5, "{p:?}");
        assert!(p.confidence >= 0.5);
        assert_eq!(p.label.as_deref(), Some(&p.name[..p.name.len() - 7]));
    }

    // Explanation: memberships sum to one per point, bead positions are membership-weighted
    // means of the first frame's points (Å), and the PDB holds the selected points.
    let e = pollster::block_on(session::explain(&model, &loaded.dataset, 3, &device))
        .expect("explains");
    let (n, m) = (e.interpretation.points, e.interpretation.beads);
    assert_eq!(m, 3);
    let is_atom = |l: &&str| l.starts_with("ATOM") || l.starts_with("HETATM");
    assert_eq!(e.pdb.lines().filter(is_atom).count(), n);
    for i in 0..n {
        let row: f32 = e.interpretation.assignments[i * m..(i + 1) * m]
            .iter()
            .sum();
        assert!((row - 1.0).abs() < 1e-4, "point {i}: {row}");
    }
    let atoms: Vec<[f32; 3]> = e
        .pdb
        .lines()
        .filter(is_atom)
        .map(|l| {
            let c = |r: std::ops::Range<usize>| l[r].trim().parse::<f32>().expect("coordinate");
            [c(30..38), c(38..46), c(46..54)]
        })
        .collect();
    let q = &e.interpretation.assignments;
    for b in 0..m {
        let w: f32 = (0..n).map(|i| q[i * m + b]).sum();
        for axis in 0..3 {
            let expected: f32 = atoms
                .iter()
                .enumerate()
                .map(|(i, a)| q[i * m + b] * a[axis])
                .sum::<f32>()
                / w;
            let got = e.bead_positions[b * 3 + axis];
            assert!(
                (got - expected).abs() < 2e-2,
                "bead {b} axis {axis}: {got} vs {expected}"
            );
        }
    }

    // Save, load, predict the same trajectories: the same probabilities.
    let bytes = pollster::block_on(checkpoint::save(&model.model, &model.header)).expect("saves");
    let (header, reloaded) = checkpoint::load(&bytes, &device).expect("loads");
    let reloaded = SessionModel {
        model: reloaded,
        header,
    };
    let again = pollster::block_on(session::predict_trajectories(
        &reloaded,
        &loaded.dataset,
        &device,
        |_| "new",
    ))
    .expect("predicts");
    for (a, b) in summary.predictions.iter().zip(&again) {
        assert_eq!(a.predicted, b.predicted);
        for (x, y) in a.probabilities.iter().zip(&b.probabilities) {
            assert!((x - y).abs() < 1e-6, "{} {x} vs {y}", a.name);
        }
    }
}
