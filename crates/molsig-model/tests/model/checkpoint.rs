//! Saved models load back to the same predictions, for every model; damaged or mismatched files
//! are refused with a message that says what is wrong.

use crate::common;

use crate::common::{FRAMES, all_models, dataset, graph, max_diff, probabilities, trajectory};
use burn::tensor::Device;
use molsig_model::checkpoint::{CheckpointHeader, FORMAT, load, read_header, save};
use molsig_model::data::InputOptions;
use molsig_model::model::ModelConfig;

fn header(model: ModelConfig) -> CheckpointHeader {
    CheckpointHeader {
        format: FORMAT,
        molsig_version: "test".into(),
        model,
        input: InputOptions {
            frames: FRAMES,
            stride: FRAMES,
            ..InputOptions::default()
        },
        classes: vec!["a".into(), "b".into()],
        atoms: common::ATOMS,
        selected_epoch: 3,
        test_metrics: None,
        test_trajectory_metrics: None,
        training: None,
        history: Vec::new(),
        stopped_early: false,
        split: Vec::new(),
    }
}

#[test]
fn every_model_round_trips_to_the_same_predictions() {
    let device = Device::flex();
    let data = dataset(
        graph(),
        &[trajectory(1, FRAMES, 0.2), trajectory(2, FRAMES, 0.2)],
        FRAMES,
    );
    for config in all_models() {
        device.seed(3);
        let model = config.init(FRAMES, &device).expect("model");
        let before = probabilities(&model, &config, &data, &device);
        let bytes =
            pollster::block_on(save(&model, &header(config.clone()), &device)).expect("save");
        device.seed(99); // a fresh initialisation must be overwritten by the record
        let (h, loaded) = load(&bytes, &device).expect("load");
        assert_eq!(h, header(config.clone()));
        let after = probabilities(&loaded, &config, &data, &device);
        assert!(
            max_diff(&before, &after) == 0.0,
            "{}: {before:?} vs {after:?}",
            config.name()
        );
    }
}

#[test]
fn damaged_and_mismatched_files_are_refused_clearly() {
    let device = Device::flex();
    let config = all_models().remove(0);
    let model = config.init(FRAMES, &device).expect("model");
    let bytes = pollster::block_on(save(&model, &header(config.clone()), &device)).expect("save");
    let error = |b: &[u8]| load(b, &device).expect_err("must fail").to_string();

    assert!(error(b"PK\x03\x04 a zip file").contains("not a molsig model file"));
    assert!(
        error(&bytes[..40]).contains("truncated"),
        "{}",
        error(&bytes[..40])
    );
    let (_, record) = read_header(&bytes).expect("header");
    let body = &bytes[..bytes.len() - record.len() / 2];
    assert!(error(body).contains("parameters"), "{}", error(body));

    // Another format version.
    let mut h = header(config.clone());
    h.format = FORMAT + 1;
    let newer = pollster::block_on(save(&model, &h, &device)).expect("save");
    assert!(
        error(&newer).contains(&format!("checkpoint format {}", FORMAT + 1)),
        "{}",
        error(&newer)
    );

    // A header whose configuration does not match the saved parameters (more beads).
    let ModelConfig::DeepSignature(mut c) = config else {
        unreachable!()
    };
    c.beads += 1;
    let mismatched = [
        &bytes[..8],
        &u32::try_from(
            serde_json::to_vec(&header(ModelConfig::DeepSignature(c.clone())))
                .expect("json")
                .len(),
        )
        .expect("u32")
        .to_le_bytes()[..],
        &serde_json::to_vec(&header(ModelConfig::DeepSignature(c))).expect("json"),
        record,
    ]
    .concat();
    assert!(
        error(&mismatched).contains("do not fit the model"),
        "{}",
        error(&mismatched)
    );
}

/// A file written before the run record existed (format 1: no training, history or split) still
/// loads, to the same parameters.
#[test]
fn format_one_files_still_load() {
    let device = Device::flex();
    let config = all_models().remove(0);
    let model = config.init(FRAMES, &device).expect("model");
    let mut h = header(config.clone());
    h.format = 1;
    let bytes = pollster::block_on(save(&model, &h, &device)).expect("save");
    let (_, record) = read_header(&bytes).expect("header");
    let mut json: serde_json::Value =
        serde_json::from_slice(&bytes[12..bytes.len() - record.len()]).expect("json");
    let object = json.as_object_mut().expect("object");
    for field in ["training", "history", "stopped_early", "split"] {
        assert!(object.remove(field).is_some(), "{field} is written");
    }
    let old_header = serde_json::to_vec(&json).expect("json");
    let mut old = b"MOLSIGCK".to_vec();
    old.extend_from_slice(&u32::try_from(old_header.len()).expect("u32").to_le_bytes());
    old.extend_from_slice(&old_header);
    old.extend_from_slice(record);
    let (loaded, _) = load(&old, &device).expect("a format 1 file loads");
    assert_eq!(loaded, h);
}

/// A header length field far beyond the file is refused before anything is allocated.
#[test]
fn an_oversized_header_length_is_refused() {
    let mut bytes = b"MOLSIGCK".to_vec();
    bytes.extend_from_slice(&u32::MAX.to_le_bytes());
    bytes.extend_from_slice(b"{}");
    let error = read_header(&bytes).expect_err("must fail").to_string();
    assert!(error.contains("header length"), "{error}");
    let error = read_header(b"MOLSIG").expect_err("must fail").to_string();
    assert!(error.contains("not a molsig model file"), "{error}");
}
