//! Gradients of the whole loss (classification + back-mapping + `MinCut`) against central finite
//! differences, in f64 on burn's flex backend, for both presets: with respect to input
//! coordinates (the path through GCN, pooling, signature, LSTM and head) and to GCN weights.
//! Its own test binary, because the f64 default is set once per process.

mod common;

use burn::module::Param;
use burn::tensor::{Device, FloatDType, Int, Tensor, TensorData};
use common::{ATOMS, FRAMES, graph, small, trajectory};
use molsig_model::config::DeepSignatureConfig;
use molsig_model::model::{Model, ModelConfig, losses};

fn f64_device() -> Device {
    let mut device = Device::flex();
    // Err when already configured by an earlier test of this binary; either way it is f64.
    let _ = device.configure(FloatDType::F64);
    device
}

/// The total loss for two samples, `coordinates` `[2, atoms, frames, 3]`.
fn loss(model: &Model, config: &ModelConfig, coordinates: &[f64], device: &Device) -> Tensor<1> {
    let one_directional =
        matches!(config, ModelConfig::DeepSignature(c) if c.one_directional_edges);
    let g = graph().to_device(one_directional, device);
    let x = Tensor::<4>::from_data(
        TensorData::new(coordinates.to_vec(), [2, ATOMS, FRAMES, 3]),
        device,
    );
    let labels = Tensor::<1, Int>::from_data(TensorData::new(vec![1_i64, 0], [2]), device);
    let output = model.forward(x, &g).expect("forward");
    losses(config, output, labels, Tensor::ones([2], device)).total
}

fn value(t: Tensor<1>) -> f64 {
    t.into_scalar::<f64>()
}

fn check(name: &str, analytic: f64, numeric: f64) {
    let scale = analytic.abs().max(numeric.abs()).max(1e-3);
    assert!(
        (analytic - numeric).abs() <= 1e-5 * scale,
        "{name}: autodiff {analytic:e} vs finite difference {numeric:e}"
    );
}

#[test]
fn loss_gradients_match_finite_differences_in_f64() {
    let device = f64_device();
    let autodiff = device.clone().autodiff();
    // Two samples, atoms-major.
    let mut coords = Vec::new();
    for seed in [21, 22] {
        let t = trajectory(seed, FRAMES, 0.3);
        for i in 0..ATOMS {
            for f in 0..FRAMES {
                coords.extend(
                    t[(f * ATOMS + i) * 3..(f * ATOMS + i) * 3 + 3]
                        .iter()
                        .map(|&v| f64::from(v)),
                );
            }
        }
    }
    for preset in [
        DeepSignatureConfig::reference(2, 2),
        DeepSignatureConfig::improved(2, 2),
    ] {
        // A detached Q is not differentiated by design, while finite differences see it move:
        // compare the true derivative.
        let mut c = small(preset);
        c.detach_target = false;
        let config = ModelConfig::DeepSignature(c);
        autodiff.seed(9);
        let model = config.init(FRAMES, &autodiff).expect("model");
        let Model::DeepSignature(ds) = &model else {
            unreachable!()
        };
        assert_eq!(ds.coarse.gcn.weight.val().dtype(), burn::tensor::DType::F64);

        // With respect to the input.
        let x = Tensor::<4>::from_data(
            TensorData::new(coords.clone(), [2, ATOMS, FRAMES, 3]),
            &autodiff,
        )
        .require_grad();
        let one_directional =
            matches!(&config, ModelConfig::DeepSignature(c) if c.one_directional_edges);
        let g = graph().to_device(one_directional, &autodiff);
        let labels = Tensor::<1, Int>::from_data(TensorData::new(vec![1_i64, 0], [2]), &autodiff);
        let output = model.forward(x.clone(), &g).expect("forward");
        let total = losses(&config, output, labels, Tensor::ones([2], &autodiff)).total;
        let grads = total.backward();
        let dx: Vec<f64> = x
            .grad(&grads)
            .expect("input gradient")
            .into_data()
            .try_to_vec()
            .expect("f64");
        let gw: Vec<f64> = ds
            .coarse
            .gcn
            .weight
            .val()
            .grad(&grads)
            .expect("weight gradient")
            .into_data()
            .try_to_vec()
            .expect("f64");
        let h = 1e-6;
        for k in [0, 7, 100, 331, coords.len() - 1] {
            let mut plus = coords.clone();
            plus[k] += h;
            let mut minus = coords.clone();
            minus[k] -= h;
            let numeric = (value(loss(&model, &config, &plus, &autodiff))
                - value(loss(&model, &config, &minus, &autodiff)))
                / (2.0 * h);
            check(&format!("{} d/dx[{k}]", config.name()), dx[k], numeric);
        }
        // With respect to GCN weights (every downstream layer lies between them and the loss).
        let w = ds.coarse.gcn.weight.val();
        let [rows, cols] = w.dims();
        for (i, j) in [(0, 0), (1, 3), (2, cols - 1)] {
            let w0: Vec<f64> = w.clone().into_data().try_to_vec().expect("f64");
            let shifted = |delta: f64| {
                let mut e = w0.clone();
                e[i * cols + j] += delta;
                let mut m = ds.clone();
                m.coarse.gcn.weight = Param::from_tensor(Tensor::<2>::from_data(
                    TensorData::new(e, [rows, cols]),
                    &autodiff,
                ));
                value(loss(&Model::DeepSignature(m), &config, &coords, &autodiff))
            };
            let numeric = (shifted(h) - shifted(-h)) / (2.0 * h);
            check(
                &format!("{} d/dW_gcn[{i},{j}]", config.name()),
                gw[i * cols + j],
                numeric,
            );
        }
    }
}
