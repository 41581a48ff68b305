//! Model files are untrusted input: a real saved file with its header rewritten (hostile sizes,
//! dropout, class lists), truncated, with another magic or an impossible header length is
//! refused with a message naming the field, before anything is allocated; the same checks
//! refuse the same settings when a model is built for training. Also: the size the budget
//! counts is burn's own parameter count, and the GPCR-size models fit the budget.

use burn::module::Module;
use burn::tensor::{Bytes, DType, Device};
use molsig_model::budget::MAX_MODEL_VALUES;
use molsig_model::checkpoint::{CheckpointHeader, FORMAT, load, read_header, save};
use molsig_model::data::InputOptions;
use molsig_model::model::ModelConfig;
use serde_json::{Value, json};

use crate::common::{ATOMS, FRAMES, all_models};

/// A real model file of `config`, as molsig writes it.
fn model_file(config: &ModelConfig) -> Vec<u8> {
    let device = Device::flex();
    let model = config.init(FRAMES, &device).expect("model");
    let header = CheckpointHeader {
        format: FORMAT,
        molsig_version: "test".into(),
        model: config.clone(),
        input: InputOptions {
            frames: FRAMES,
            stride: FRAMES,
            ..InputOptions::default()
        },
        classes: (0..config.classes())
            .map(|c| format!("class {c}"))
            .collect(),
        atoms: ATOMS,
        selected_epoch: 1,
        test_metrics: None,
        test_trajectory_metrics: None,
        training: None,
        history: Vec::new(),
        stopped_early: false,
        split: Vec::new(),
    };
    pollster::block_on(save(&model, &header, &device)).expect("save")
}

/// `file` with its JSON header changed by `edit` (the record kept as it was).
fn rewritten(file: &[u8], edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let (_, record) = read_header(file).expect("header");
    let mut header: Value =
        serde_json::from_slice(&file[12..file.len() - record.len()]).expect("json");
    edit(&mut header);
    let json = serde_json::to_vec(&header).expect("json");
    let mut out = b"MOLSIGCK".to_vec();
    out.extend_from_slice(&u32::try_from(json.len()).expect("u32").to_le_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(record);
    out
}

/// The message `load` refuses `bytes` with (on the CPU backend the page falls back to).
fn refusal(bytes: &[u8]) -> String {
    load(bytes, &Device::flex())
        .expect_err("a hostile file must be refused")
        .to_string()
}

fn deep_signature() -> ModelConfig {
    all_models().remove(0)
}

#[test]
fn hostile_sizes_and_dropout_are_refused_by_field() {
    let file = model_file(&deep_signature());
    let cases: [(&str, Value, &str); 12] = [
        (
            "dropout",
            json!(2.0),
            "dropout is 2.0; expected a value in [0, 1)",
        ),
        (
            "dropout",
            json!(-0.5),
            "dropout is -0.5; expected a value in [0, 1)",
        ),
        (
            "hidden",
            json!(1_000_000_000),
            "hidden is 1000000000; expected 1 to 65536",
        ),
        ("hidden", json!(0), "hidden is 0; expected 1 to 65536"),
        ("beads", json!(0), "beads is 0; expected 1 to 100000"),
        (
            "depth",
            json!(1_000_000),
            "depth is 1000000; expected 1 to 12",
        ),
        (
            "segments",
            json!(u64::MAX),
            "segments is 18446744073709551615; expected 1 to 10000",
        ),
        (
            "level_factors",
            json!([]),
            "level_factors (their number) is 0; expected 1 to 8",
        ),
        (
            "level_factors",
            json!([1, 0]),
            "level_factors[1] is 0; expected 1 to 1024",
        ),
        (
            "combiner",
            json!({"lstm": {"hidden": 0}}),
            "combiner.lstm.hidden is 0; expected 1 to 65536",
        ),
        (
            "loss_weights",
            json!({"classification": -1.0, "temporal": 0.01, "clustering": 1.0}),
            "loss_weights.classification is -1.0; expected a finite value of at least 0",
        ),
        (
            "classes",
            json!(5000),
            "classes is 5000; expected 2 to 1024",
        ),
    ];
    for (field, value, expected) in cases {
        let hostile = rewritten(&file, |h| h["model"][field] = value.clone());
        assert_eq!(
            refusal(&hostile),
            format!("checkpoint: model: deep-signature: {expected}"),
            "{field} = {value}"
        );
    }
}

#[test]
fn every_model_kind_names_its_own_hostile_field() {
    let models = all_models();
    let cases: [(&ModelConfig, &str, Value, &str); 7] = [
        (
            &models[2],
            "dropout",
            json!(2.0),
            "frame-lstm: dropout is 2.0; expected a value in [0, 1)",
        ),
        (
            &models[2],
            "lstm_hidden",
            json!(1_000_000_000),
            "frame-lstm: lstm_hidden is 1000000000; expected 1 to 65536",
        ),
        (
            &models[3],
            "lstm_hidden",
            json!(0),
            "graph-lstm: lstm_hidden is 0; expected 1 to 65536",
        ),
        // Found by the model_file fuzz target: burn's positional encoding panics on odd widths.
        (
            &models[4],
            "hidden",
            json!(9),
            "graph-transformer: hidden is 9; expected an even width (sinusoidal positions come \
             in sine and cosine pairs)",
        ),
        (
            &models[4],
            "heads",
            json!(3),
            "graph-transformer: heads is 3; it must divide hidden (8)",
        ),
        (
            &models[4],
            "layers",
            json!(1000),
            "graph-transformer: layers is 1000; expected 1 to 64",
        ),
        (
            &models[4],
            "dropout",
            json!(1.0),
            "graph-transformer: dropout is 1.0; expected a value in [0, 1)",
        ),
    ];
    for (config, field, value, expected) in cases {
        let hostile = rewritten(&model_file(config), |h| h["model"][field] = value.clone());
        assert_eq!(
            refusal(&hostile),
            format!("checkpoint: model: {expected}"),
            "{} {field} = {value}",
            config.name()
        );
    }
    // burn's positional encoding also panics past its largest timescale (10,000 positions).
    let hostile = rewritten(&model_file(&models[4]), |h| {
        h["input"]["frames"] = json!(20_000);
    });
    assert_eq!(
        refusal(&hostile),
        "checkpoint: model: graph-transformer: frames per sample is 20000; expected 1 to 10000"
    );
    // GraphLSTM's coarse-graining fields are named by their path in the file.
    let hostile = rewritten(&model_file(&models[3]), |h| {
        h["model"]["coarse"]["dropout"] = json!(2.0);
    });
    assert_eq!(
        refusal(&hostile),
        "checkpoint: model: graph-lstm: coarse.dropout is 2.0; expected a value in [0, 1)"
    );
}

#[test]
fn class_lists_must_fit_the_model() {
    let file = model_file(&deep_signature());
    let cases: [(Value, &str); 4] = [
        (json!([]), "classes lists 0 names; expected 2 to 1024"),
        (
            json!((0..2000).map(|c| c.to_string()).collect::<Vec<_>>()),
            "classes lists 2000 names; expected 2 to 1024",
        ),
        (
            json!(["a", "b", "c"]),
            "classes lists 3 names but the model (deep-signature (improved)) was built for 2",
        ),
        (json!(["a", "a"]), "classes lists \"a\" twice"),
    ];
    for (classes, expected) in cases {
        let hostile = rewritten(&file, |h| h["classes"] = classes.clone());
        assert_eq!(
            refusal(&hostile),
            format!("checkpoint: {expected}"),
            "{classes}"
        );
    }
    // Too many classes in both the list and the model: the model's field is named first.
    let hostile = rewritten(&file, |h| {
        h["classes"] = json!((0..5000).map(|c| c.to_string()).collect::<Vec<_>>());
        h["model"]["classes"] = json!(5000);
    });
    assert_eq!(
        refusal(&hostile),
        "checkpoint: model: deep-signature: classes is 5000; expected 2 to 1024"
    );
}

#[test]
fn the_recorded_input_and_molecule_are_checked() {
    let file = model_file(&deep_signature());
    let cases: [(&str, &str, Value, &str); 4] = [
        (
            "input",
            "frames",
            json!(0),
            "model: deep-signature: frames per sample is 0; expected 1 to 100000",
        ),
        (
            "input",
            "frames",
            json!(10_000_000),
            "model: deep-signature: frames per sample is 10000000; expected 1 to 100000",
        ),
        (
            "input",
            "stride",
            json!(0),
            "input.stride is 0; expected at least 1",
        ),
        ("", "atoms", json!(0), "atoms is 0; expected 1 to 100000000"),
    ];
    for (object, field, value, expected) in cases {
        let hostile = rewritten(&file, |h| {
            let target = if object.is_empty() { h } else { &mut h[object] };
            target[field] = value.clone();
        });
        assert_eq!(
            refusal(&hostile),
            format!("checkpoint: {expected}"),
            "{field}"
        );
    }
}

/// Sizes that pass every field's bound but together would need far more than the budget: the
/// message names the part that dominates and the fields that size it.
#[test]
fn an_over_budget_model_is_refused_naming_its_largest_part() {
    let file = model_file(&deep_signature());
    let hostile = rewritten(&file, |h| h["model"]["beads"] = json!(5000));
    let message = refusal(&hostile);
    assert!(
        message.starts_with("checkpoint: model: deep-signature: ")
            && message.contains(&format!(
                "more than the {MAX_MODEL_VALUES} (1 GiB as f32) a molsig model may have; the \
                 largest part is the combiner LSTM (combiner.lstm.hidden = 8 over 450015000 \
                 features per segment from beads = 5000, depth = 2) with 14400480320"
            )),
        "{message}"
    );
    // A signature too large to count at all (levels beyond 64 bits) is named too.
    let hostile = rewritten(&file, |h| {
        h["model"]["beads"] = json!(100_000);
        h["model"]["depth"] = json!(12);
        h["model"]["augmentations"] = json!(vec!["lead_lag"; 8]);
    });
    let message = refusal(&hostile);
    assert!(
        message.starts_with(
            "checkpoint: model: deep-signature: the signature of each segment (beads = 100000, \
             depth = 12"
        ),
        "{message}"
    );
}

/// A training request with the same settings gets the same message as the file (without the
/// file's prefix): one validation for both paths.
#[test]
fn training_settings_get_the_same_checks_as_files() {
    let device = Device::flex();
    let ModelConfig::DeepSignature(mut c) = deep_signature() else {
        unreachable!("the first test model is Deep Signature")
    };
    c.dropout = 2.0;
    let error = ModelConfig::DeepSignature(c.clone())
        .init(FRAMES, &device)
        .expect_err("refused")
        .to_string();
    assert_eq!(
        error,
        "deep-signature: dropout is 2.0; expected a value in [0, 1)"
    );
    c.dropout = 0.0;
    c.beads = 5000;
    let error = ModelConfig::DeepSignature(c)
        .init(FRAMES, &device)
        .expect_err("refused")
        .to_string();
    assert!(
        error.contains("the largest part is the combiner LSTM"),
        "{error}"
    );
    let error = ModelConfig::named("graph-transformer", 4, 1)
        .expect("named")
        .init(FRAMES, &device)
        .expect_err("one class")
        .to_string();
    assert_eq!(error, "graph-transformer: classes is 1; expected 2 to 1024");
}

#[test]
fn truncated_files_wrong_magic_and_impossible_header_lengths_are_refused() {
    let file = model_file(&deep_signature());
    let (_, record) = read_header(&file).expect("header");
    let header_length = file.len() - 12 - record.len();
    assert_eq!(
        refusal(&file[..40]),
        format!(
            "checkpoint: the file is truncated: its header length field says {header_length} \
             bytes but only 28 follow"
        )
    );
    assert_eq!(
        refusal(&file[..11]),
        "checkpoint: not a molsig model file (shorter than its 12-byte preamble)"
    );
    let no_record = &file[..12 + header_length];
    assert!(
        refusal(no_record).starts_with("checkpoint: parameters unreadable"),
        "{}",
        refusal(no_record)
    );
    let mut magic = file.clone();
    magic[7] = b'X';
    assert_eq!(
        refusal(&magic),
        "checkpoint: not a molsig model file (it does not start with MOLSIGCK)"
    );
    // Lengths whose sum with the preamble overflows 32 bits (wasm32's usize), and just past
    // the largest header: refused before any slice or allocation.
    for length in [u32::MAX, u32::MAX - 11, (64 << 20) + 1] {
        let mut hostile = file.clone();
        hostile[8..12].copy_from_slice(&length.to_le_bytes());
        assert_eq!(
            refusal(&hostile),
            format!(
                "checkpoint: its header length field says {length} bytes, more than the \
                 67108864 a molsig header can have (a corrupt file?)"
            )
        );
    }
    // The largest allowed length, in a file that is shorter.
    let mut hostile = file.clone();
    hostile[8..12].copy_from_slice(&(64_u32 << 20).to_le_bytes());
    assert!(
        refusal(&hostile).contains("the file is truncated"),
        "{}",
        refusal(&hostile)
    );
    let mut hostile = file;
    hostile[12] = b'!';
    assert!(
        refusal(&hostile).starts_with("checkpoint: unreadable header"),
        "{}",
        refusal(&hostile)
    );
}

/// Found by the `model_file` fuzz target: a record claiming an integer type for a float
/// parameter (same byte length, so burn's reader accepts it) made burn panic while applying it.
#[test]
fn parameters_stored_as_another_type_are_refused() {
    let file = model_file(&all_models()[4]);
    let (_, record) = read_header(&file).expect("header");
    let mut tensors = burn_pack::Reader::from_bytes(Bytes::from_bytes_vec(record.to_vec()))
        .expect("record")
        .into_tensors()
        .expect("tensors");
    let name = tensors[0].name.clone();
    tensors[0].dtype = DType::I32;
    let hostile_record = burn_pack::Writer::new(tensors)
        .into_bytes()
        .expect("record bytes");
    let hostile = [&file[..file.len() - record.len()], &hostile_record[..]].concat();
    assert_eq!(
        refusal(&hostile),
        format!("checkpoint: parameter {name} is stored as I32; expected F32")
    );
}

/// The budget counts burn's parameters exactly, for every model kind and preset.
#[test]
fn counted_parameters_are_burns() {
    let device = Device::flex();
    let mut configs = all_models();
    for name in [
        "improved",
        "reference",
        "frame-lstm",
        "graph-lstm",
        "graph-transformer",
    ] {
        for classes in [2, 3] {
            configs.push(ModelConfig::named(name, 2, classes).expect("named"));
        }
    }
    for config in configs {
        let size = config.validate(FRAMES).expect("valid");
        let model = config.init(FRAMES, &device).expect("model");
        assert_eq!(
            size.parameters,
            model.num_params() as u64,
            "{}",
            config.name()
        );
        assert!(size.activations > 0, "{}", config.name());
    }
}

/// The benchmark's GPCR-size setting (100 frames, 50 beads) fits the budget for every model,
/// and the improved preset's size is what its combiner LSTM makes it.
#[test]
fn gpcr_size_models_fit_the_budget() {
    for name in [
        "improved",
        "reference",
        "frame-lstm",
        "graph-lstm",
        "graph-transformer",
    ] {
        let config = ModelConfig::named(name, 50, 2).expect("named");
        let size = config.validate(100).expect("a GPCR-size model fits");
        assert!(
            size.parameters + size.activations <= MAX_MODEL_VALUES,
            "{name}"
        );
    }
    let size = ModelConfig::named("improved", 50, 2)
        .expect("named")
        .validate(100)
        .expect("fits");
    // LSTM(45150 log-signature features of 300 lead-lag channels → 256): 46,497,792.
    assert!(
        (46_497_792..46_600_000).contains(&size.parameters),
        "{size:?}"
    );
    // The budget's documented headroom: twice the beads still fit.
    let size = ModelConfig::named("improved", 100, 2)
        .expect("named")
        .validate(100)
        .expect("100 beads fit");
    assert!(size.parameters > 184_000_000, "{size:?}");
}
