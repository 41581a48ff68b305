//! Writes one `reference`-preset forward pass — configuration, inputs, every parameter and the
//! outputs — as JSON, for the independent `NumPy` implementation in `tools/reference/`
//! (`cargo xtask test` runs both and compares within 1e-4).
//!
//! Usage: `cargo run -p molsig-model --example reference_case -- case.json`

use burn::module::Param;
use burn::nn::{Linear, Lstm};
use burn::tensor::{Device, Int, Tensor, TensorData};
use molsig_model::config::DeepSignatureConfig;
use molsig_model::deep_signature::bead_path;
use molsig_model::graph::Graph;
use molsig_model::model::{Model, ModelConfig, Output, losses};
use molsig_rng::SplitMix64;
use serde_json::{Map, Value, json};

const BATCH: usize = 2;
const FRAMES: usize = 12;
const ATOMS: usize = 9;

fn tensor<const D: usize>(t: Tensor<D>) -> Value {
    let shape = t.dims().to_vec();
    let data = t
        .into_data()
        .convert::<f64>()
        .try_to_vec::<f64>()
        .unwrap_or_default();
    json!({ "shape": shape, "data": data })
}

fn param<const D: usize>(p: &Param<Tensor<D>>) -> Value {
    tensor(p.val())
}

fn linear(out: &mut Map<String, Value>, name: &str, l: &Linear) {
    out.insert(format!("{name}.weight"), param(&l.weight));
    if let Some(b) = &l.bias {
        out.insert(format!("{name}.bias"), param(b));
    }
}

fn lstm(out: &mut Map<String, Value>, l: &Lstm) {
    let gates = [
        ("input", Some(&l.input_gate)),
        ("forget", l.forget_gate.as_ref()),
        ("cell", Some(&l.cell_gate)),
        ("output", Some(&l.output_gate)),
    ];
    for (name, gate) in gates {
        if let Some(g) = gate {
            linear(out, &format!("lstm.{name}.input"), &g.input_transform);
            linear(out, &format!("lstm.{name}.hidden"), &g.hidden_transform);
        }
    }
}

#[allow(clippy::too_many_lines)] // one case file, written top to bottom
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: reference_case OUT.json")?;
    let device = Device::flex();
    device.seed(11);
    let mut config = DeepSignatureConfig::reference(2, 2);
    config.hidden = 5;
    config.level_factors = vec![4, 2, 1];
    config.segments = 3;
    config.combiner = molsig_model::config::Combiner::Lstm { hidden: 6 };
    let model_config = ModelConfig::DeepSignature(config.clone());
    let Model::DeepSignature(model) = model_config.init(FRAMES, &device)? else {
        return Err("expected Deep Signature".into());
    };
    // A chain with three extra bonds, kept one-directional as the authors' edge lists.
    let edges = (1..ATOMS)
        .map(|i| [i - 1, i])
        .chain([[0, 4], [2, 7], [3, 8]]);
    let graph = Graph::new(ATOMS, edges)?;
    let mut adjacency = vec![0.0_f32; ATOMS * ATOMS];
    for &[i, j] in &graph.edges {
        adjacency[i * ATOMS + j] = 1.0;
    }
    let device_graph = graph.to_device(config.one_directional_edges, &device);
    // Random walks, frames-major for the case file: [B, T, N, 3].
    let mut rng = SplitMix64::new(3);
    let mut frames_major = vec![0.0_f32; BATCH * FRAMES * ATOMS * 3];
    for b in 0..BATCH {
        for i in 0..ATOMS * 3 {
            let mut x = rng.noise() * 2.0;
            for t in 0..FRAMES {
                x += 0.3 * rng.noise();
                frames_major[(b * FRAMES + t) * ATOMS * 3 + i] = x;
            }
        }
    }
    let coordinates_btn = Tensor::<4>::from_data(
        TensorData::new(frames_major, [BATCH, FRAMES, ATOMS, 3]),
        &device,
    );
    let coordinates = coordinates_btn.clone().swap_dims(1, 2); // [B, N, T, 3]
    let labels = [1_i64, 0];
    let out = model.forward(coordinates, &device_graph)?;
    let l = losses(
        &model_config,
        Output {
            logits: out.logits.clone(),
            auxiliary: Some(out.coarse.losses.clone()),
        },
        Tensor::<1, Int>::from_data(TensorData::new(labels.to_vec(), [BATCH]), &device),
        Tensor::ones([BATCH], &device),
    );
    let scalar = |t: Tensor<1>| t.into_scalar::<f64>();
    let aux = out.coarse.losses.clone();

    let mut params = Map::new();
    linear(&mut params, "gcn", &model.coarse.gcn);
    for (i, level) in model.coarse.levels.iter().enumerate() {
        linear(&mut params, &format!("levels.{i}.assign"), &level.assign);
        linear(
            &mut params,
            &format!("levels.{i}.conv.relation"),
            &level.conv.relation,
        );
        linear(
            &mut params,
            &format!("levels.{i}.conv.root"),
            &level.conv.root,
        );
    }
    linear(&mut params, "backmap", &model.coarse.backmap);
    if let Some(l) = &model.lstm {
        lstm(&mut params, l);
    }
    params.insert("norm.gamma".into(), param(&model.head.norm.gamma));
    if let Some(beta) = &model.head.norm.beta {
        params.insert("norm.beta".into(), param(beta));
    }
    linear(&mut params, "head.hidden", &model.head.hidden);
    linear(&mut params, "head.output", &model.head.output);

    let case = json!({
        "version": 1,
        "config": {
            "batch": BATCH, "frames": FRAMES, "atoms": ATOMS, "hidden": config.hidden,
            "clusters": config.clusters(), "segments": config.segments, "lstm_hidden": 6,
            "classes": 1,
            "loss_weights": {
                "classification": config.loss_weights.classification,
                "temporal": config.loss_weights.temporal,
                "clustering": config.loss_weights.clustering,
            },
        },
        "inputs": {
            "coordinates": tensor(coordinates_btn),
            "adjacency": tensor(Tensor::<2>::from_data(TensorData::new(adjacency, [ATOMS, ATOMS]), &device)),
            "labels": tensor(Tensor::<1>::from_data(TensorData::new(vec![1.0_f32, 0.0], [BATCH]), &device)),
        },
        "params": params,
        "outputs": {
            "assignments": tensor(out.coarse.assignments.clone()),
            "beads": tensor(out.coarse.beads.clone().swap_dims(1, 2)),
            "pooled_target": tensor(out.coarse.target.clone().swap_dims(1, 2)),
            "logsignatures": tensor(model.segment_features(&bead_path(out.coarse.beads.clone()))?),
            "logits": tensor(out.logits.clone()),
            "losses": {
                "total": scalar(l.total),
                "classification": scalar(l.classification),
                "temporal": scalar(aux.temporal),
                "cut": scalar(aux.cut),
                "orthogonality": scalar(aux.orthogonality),
            },
        },
    });
    std::fs::write(&path, serde_json::to_string(&case)?)?;
    eprintln!("wrote {path}");
    Ok(())
}
