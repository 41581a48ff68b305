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
        let bytes = pollster::block_on(save(&model, &header(config.clone()))).expect("save");
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
    let bytes = pollster::block_on(save(&model, &header(config.clone()))).expect("save");
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
    let newer = pollster::block_on(save(&model, &h)).expect("save");
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
