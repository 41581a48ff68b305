//! Every model molsig offers — both Deep Signature presets and the three baselines — trained end
//! to end inside a dedicated Web Worker of headless Chromium, as the site trains them: on the CPU
//! backend (flex) and, for three of them, on WebGPU (Chromium's software adapter here, so the data
//! is kept small). The data is real MD: the demo dataset's peptide (`web/demo/dataset`), heavy
//! atoms, the first frames of two low- and two high-friction trajectories.
//!
//! Each model trains two epochs (finite losses reported for both), predicts class probabilities
//! for the held-out trajectory, and survives a checkpoint round trip with the same predictions.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::io::Cursor;

use burn::tensor::Device;
use molsig_model::checkpoint::{self, CheckpointHeader};
use molsig_model::config::TrainConfig;
use molsig_model::data::{Dataset, InputOptions, Molecule};
use molsig_model::model::ModelConfig;
use molsig_model::train::{Control, EpochReport, Event, Host, SampleSplit, predict, train};
use molsig_wasm::backend::Backend;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

thread_local! {
    static GPU: RefCell<Option<Backend>> = const { RefCell::new(None) };
}

/// The WebGPU backend, picked once: burn initialises a wgpu runtime only once per worker, so a
/// second `Backend::pick` would fall back to the CPU.
async fn webgpu() -> Backend {
    if let Some(backend) = GPU.with_borrow(Clone::clone) {
        return backend;
    }
    let backend = Backend::pick(None).await;
    GPU.set(Some(backend.clone()));
    backend
}

const PDB: &[u8] = include_bytes!("../../../web/demo/dataset/peptide.pdb");

/// Class names; the index is the label.
const CLASSES: [&str; 2] = ["high_friction", "low_friction"];

/// Name, bytes and label of each trajectory. The first two (one of each class) are the training
/// set, the last two (one of each class) the validation set.
const TRAJECTORIES: [(&str, &[u8], usize); 4] = [
    (
        "low_friction_01.xtc",
        include_bytes!("../../../web/demo/dataset/low_friction_01.xtc"),
        1,
    ),
    (
        "high_friction_01.xtc",
        include_bytes!("../../../web/demo/dataset/high_friction_01.xtc"),
        0,
    ),
    (
        "low_friction_02.xtc",
        include_bytes!("../../../web/demo/dataset/low_friction_02.xtc"),
        1,
    ),
    (
        "high_friction_02.xtc",
        include_bytes!("../../../web/demo/dataset/high_friction_02.xtc"),
        0,
    ),
];

/// Frames kept of each (200-frame) trajectory: two samples of 20 frames, so that an epoch is one
/// batch of 4. WebGPU runs on a software adapter here (`SwiftShader`), where every optimiser step
/// costs seconds.
const FRAMES_KEPT: usize = 40;

/// Beads of the Deep Signature models (and `GraphLSTM`'s coarse-graining): small, for speed.
const BEADS: usize = 2;

/// Samples of 20 frames every 20 frames, heavy atoms: the dataset, the split (the first two
/// trajectories to train, the last two to validate) and the input options.
fn dataset() -> (Dataset, SampleSplit, InputOptions) {
    let options = InputOptions {
        selection: "heavy".into(),
        frames: 20,
        stride: 20,
        ..InputOptions::default()
    };
    let molecule = Molecule::read(PDB, "peptide.pdb", &options).expect("topology");
    let points = molecule.len();
    assert!(points > 10, "{points} heavy atoms");
    let trajectories: Vec<Vec<f32>> = TRAJECTORIES
        .iter()
        .map(|(name, bytes, _)| {
            let coordinates = molecule
                .read_xtc(Cursor::new(*bytes), name)
                .expect(name)
                .coordinates;
            assert!(
                coordinates.len() >= FRAMES_KEPT * points * 3,
                "{name}: {} frames",
                coordinates.len() / (points * 3)
            );
            coordinates
        })
        .collect();
    let mut dataset = Dataset::new(CLASSES.map(String::from).to_vec(), options.frames);
    let m = dataset.add_molecule(molecule);
    for ((name, _, label), coordinates) in TRAJECTORIES.iter().zip(&trajectories) {
        dataset
            .add_trajectory(
                name,
                m,
                &coordinates[..FRAMES_KEPT * points * 3],
                Some(*label),
                name,
                options.stride,
            )
            .expect(name);
    }
    let (train, validation): (Vec<usize>, Vec<usize>) =
        (0..dataset.samples.len()).partition(|&s| dataset.samples[s].trajectory < 2);
    let per_trajectory = FRAMES_KEPT / options.frames;
    assert_eq!(train.len(), 2 * per_trajectory);
    assert_eq!(validation.len(), 2 * per_trajectory);
    let split = SampleSplit {
        train,
        validation,
        test: Vec::new(),
    };
    (dataset, split, options)
}

/// A panic's stack as printed by the runner is JavaScript's, cut at 10 frames by default: too few
/// to see which molsig call reached a synchronous GPU readback deep inside burn.
fn full_stacks() {
    let error = js_sys::Reflect::get(&js_sys::global(), &"Error".into()).expect("Error");
    js_sys::Reflect::set(&error, &"stackTraceLimit".into(), &100.into()).expect("stack limit");
}

/// Seconds, for the epoch reports.
fn now() -> f64 {
    js_sys::Date::now() / 1000.0
}

/// Trains `name` for two epochs on `backend`, checks the reports, the predicted probabilities
/// and a checkpoint round trip on the same device.
#[allow(clippy::too_many_lines)] // one story: train, check, predict, save, load, predict again
async fn train_predict_reload(name: &str, backend: &Backend) {
    full_stacks();
    let what = format!("{name} on {}", backend.kind);
    let (mut dataset, split, options) = dataset();
    let config = ModelConfig::named(name, BEADS, CLASSES.len()).expect("model name");
    if config.aligns_frames() {
        dataset.align_frames();
    }
    let mut settings = TrainConfig::improved();
    settings.epochs = 2;
    settings.batch_size = 4;
    settings.patience = None;

    let started = now();
    let mut batches = 0;
    let mut epochs = Vec::new();
    let trained = Box::pin(train(
        &dataset,
        &split,
        &config,
        &settings,
        &backend.device,
        Host::new(now),
        &mut |event: &Event| {
            match event {
                Event::Batch { loss, .. } => {
                    assert!(loss.is_finite(), "batch loss {loss}");
                    batches += 1;
                }
                Event::Epoch(report) => epochs.push(report.epoch),
                Event::Started { .. } => {}
            }
            Control::Continue
        },
    ))
    .await
    .unwrap_or_else(|e| panic!("{what}: training failed: {e}"));
    let trained_in = now() - started;

    let batches_per_epoch = split.train.len().div_ceil(settings.batch_size);
    assert_eq!(batches, 2 * batches_per_epoch, "{what}: batch events");
    assert_eq!(epochs, [1, 2], "{what}: epoch events");
    check_history(&what, &trained.history);

    let probabilities = predict(
        &trained.model,
        &config,
        &dataset,
        &split.validation,
        settings.batch_size,
        &backend.device,
    )
    .await
    .unwrap_or_else(|e| panic!("{what}: predict failed: {e}"));
    check_probabilities(&what, &probabilities, split.validation.len());

    let header = CheckpointHeader {
        format: checkpoint::FORMAT,
        molsig_version: env!("CARGO_PKG_VERSION").into(),
        model: config.clone(),
        input: options,
        classes: CLASSES.map(String::from).to_vec(),
        atoms: dataset.molecules[0].len(),
        selected_epoch: trained.selected_epoch,
        test_metrics: None,
        test_trajectory_metrics: None,
        training: Some(settings.clone()),
        history: trained.history.clone(),
        stopped_early: trained.stopped_early,
        split: Vec::new(),
    };
    let bytes = checkpoint::save(&trained.model, &header, &Device::flex())
        .await
        .unwrap_or_else(|e| panic!("{what}: save failed: {e}"));
    let (loaded_header, loaded) = checkpoint::load(&bytes, &backend.device)
        .unwrap_or_else(|e| panic!("{what}: load failed: {e}"));
    assert_eq!(loaded_header, header, "{what}: header round trip");
    let again = predict(
        &loaded,
        &loaded_header.model,
        &dataset,
        &split.validation,
        settings.batch_size,
        &backend.device,
    )
    .await
    .unwrap_or_else(|e| panic!("{what}: predict after load failed: {e}"));
    assert_eq!(again.len(), probabilities.len());
    for (i, (a, b)) in probabilities.iter().zip(&again).enumerate() {
        assert!(
            (a - b).abs() <= 1e-5,
            "{what}: probability {i}: {a} before saving, {b} after loading"
        );
    }
    console_log!(
        "{what}: {} samples, 2 epochs in {trained_in:.1} s (epochs {:?} s), checkpoint {} bytes",
        split.train.len(),
        trained
            .history
            .iter()
            .map(|r| (r.seconds * 10.0).round() / 10.0)
            .collect::<Vec<_>>(),
        bytes.len()
    );
}

/// Two epoch reports with finite losses and metrics.
fn check_history(what: &str, history: &[EpochReport]) {
    assert_eq!(history.len(), 2, "{what}: history");
    for report in history {
        // Both classes are in both parts, so the metrics are defined.
        assert!(
            report.train_metrics.is_some(),
            "{what}: no training metrics"
        );
        assert!(
            report.validation_metrics.is_some(),
            "{what}: no validation metrics"
        );
        let train_loss = report.train_loss.total;
        let validation_loss = report
            .validation_loss
            .unwrap_or_else(|| panic!("{what}: no validation loss"))
            .total;
        assert!(
            train_loss.is_finite() && validation_loss.is_finite(),
            "{what}: epoch {}: losses {train_loss}, {validation_loss}",
            report.epoch
        );
    }
}

/// One row of class probabilities per sample, each in [0, 1] and summing to 1.
fn check_probabilities(what: &str, probabilities: &[f32], samples: usize) {
    let classes = CLASSES.len();
    assert_eq!(
        probabilities.len(),
        samples * classes,
        "{what}: predictions"
    );
    for row in probabilities.chunks(classes) {
        assert!(
            row.iter().all(|p| (0.0..=1.0).contains(p)),
            "{what}: probabilities {row:?}"
        );
        let sum: f32 = row.iter().sum();
        assert!((sum - 1.0).abs() < 1e-5, "{what}: {row:?} sums to {sum}");
    }
}

/// The WebGPU backend, asserted to be WebGPU and not the CPU fallback.
async fn gpu() -> Backend {
    let gpu = webgpu().await;
    assert_eq!(gpu.kind, "WebGPU", "fallback: {:?}", gpu.fallback_reason);
    gpu
}

#[wasm_bindgen_test]
async fn improved_trains_on_webgpu() {
    Box::pin(train_predict_reload("improved", &gpu().await)).await;
}

#[wasm_bindgen_test]
async fn frame_lstm_trains_on_webgpu() {
    Box::pin(train_predict_reload("frame-lstm", &gpu().await)).await;
}

#[wasm_bindgen_test]
async fn graph_transformer_trains_on_webgpu() {
    Box::pin(train_predict_reload("graph-transformer", &gpu().await)).await;
}

/// Every model on the CPU backend (the browser's fallback); `reference` and `GraphLSTM` take over
/// a minute each on Chromium's software WebGPU, so on the GPU they are covered natively
/// (molsig-model's `tests/model/backends.rs`, wgpu on lavapipe).
#[wasm_bindgen_test]
async fn every_model_trains_on_cpu() {
    let cpu = Backend::cpu("test".into());
    for model in [
        "improved",
        "reference",
        "frame-lstm",
        "graph-lstm",
        "graph-transformer",
    ] {
        Box::pin(train_predict_reload(model, &cpu)).await;
    }
}
