//! burn's flex CPU backend and wgpu (lavapipe in CI, WebGPU's native twin) agree within f32
//! tolerance on the same weights: for a forward pass of every model, and for a few Adam steps of
//! both Deep Signature presets.

use crate::common;

use std::sync::OnceLock;

use crate::common::{ATOMS, FRAMES, all_models, dataset, graph, probabilities, trajectory};
use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{Device, Int, Tensor, TensorData};
use molsig_model::model::{Model, ModelConfig, losses};

/// The wgpu device, initialised once per process. No adapter is a failure, not a skip: CI
/// installs Mesa's lavapipe (`cargo xtask setup`), so a missing one is a broken setup.
fn gpu() -> Device {
    static DEVICE: OnceLock<Device> = OnceLock::new();
    DEVICE
        .get_or_init(|| match Device::wgpu_options().init_with_setup() {
            Ok((device, setup)) => {
                let info = setup.adapter.get_info();
                eprintln!("wgpu adapter: {} ({:?})", info.name, info.backend);
                device
            }
            Err(e) => panic!(
                "no wgpu adapter ({e}): install a Vulkan driver, e.g. Mesa's lavapipe with \
                 `cargo xtask setup`"
            ),
        })
        .clone()
}

fn close(name: &str, a: &[f32], b: &[f32], tolerance: f32) {
    let scale = a.iter().fold(1.0_f32, |m, v| m.max(v.abs()));
    let d = common::max_diff(a, b);
    assert!(
        d <= tolerance * scale,
        "{name}: differ by {d} (scale {scale})"
    );
}

#[test]
fn every_model_gives_the_same_predictions_on_flex_and_wgpu() {
    let gpu = gpu();
    let cpu = Device::flex();
    let data = dataset(
        graph(),
        &[trajectory(1, FRAMES, 0.2), trajectory(2, FRAMES, 0.3)],
        FRAMES,
    );
    for config in all_models() {
        cpu.seed(4);
        let model = config.init(FRAMES, &cpu).expect("model");
        let on_gpu = model.clone().to_device(&gpu);
        close(
            &config.name(),
            &probabilities(&model, &config, &data, &cpu),
            &probabilities(&on_gpu, &config, &data, &gpu),
            1e-5,
        );
    }
}

/// Losses of `steps` Adam steps on one batch, and the final logits.
fn steps(
    model: Model,
    config: &ModelConfig,
    device: &Device,
    coords: &[f32],
    steps: usize,
) -> (Vec<f32>, Vec<f32>) {
    let autodiff = device.clone().autodiff();
    let mut model = model.fork(&autodiff);
    let one_directional =
        matches!(config, ModelConfig::DeepSignature(c) if c.one_directional_edges);
    let g = graph().to_device(one_directional, &autodiff);
    let x = Tensor::<4>::from_data(
        TensorData::new(coords.to_vec(), [2, ATOMS, FRAMES, 3]),
        &autodiff,
    );
    let labels = Tensor::<1, Int>::from_data(TensorData::new(vec![1_i64, 0], [2]), &autodiff);
    let mut optimiser = AdamConfig::new().init();
    let mut seen = Vec::new();
    for _ in 0..steps {
        let out = model.forward(x.clone(), &g).expect("forward");
        let total = losses(config, out, labels.clone(), Tensor::ones([2], &autodiff)).total;
        seen.push(total.clone().into_scalar::<f32>());
        let grads = GradientsParams::from_grads(total.backward(), &model);
        model = optimiser.step(1e-2, model, grads);
    }
    let logits = model
        .valid()
        .forward(x.inner(), &graph().to_device(one_directional, device))
        .expect("forward")
        .logits;
    (
        seen,
        logits
            .into_data()
            .convert::<f32>()
            .try_to_vec()
            .expect("f32"),
    )
}

#[test]
fn training_steps_agree_on_flex_and_wgpu() {
    let gpu = gpu();
    let cpu = Device::flex();
    let mut coords = Vec::new();
    for seed in [31, 32] {
        let t = trajectory(seed, FRAMES, 0.3);
        for i in 0..ATOMS {
            for f in 0..FRAMES {
                coords.extend_from_slice(&t[(f * ATOMS + i) * 3..(f * ATOMS + i) * 3 + 3]);
            }
        }
    }
    for config in all_models().into_iter().take(2) {
        let tracked = cpu.clone().autodiff();
        tracked.seed(12);
        let model = config.init(FRAMES, &tracked).expect("model");
        let (losses_cpu, logits_cpu) = steps(model.clone(), &config, &cpu, &coords, 4);
        let (losses_gpu, logits_gpu) = steps(model, &config, &gpu, &coords, 4);
        assert!(
            losses_cpu[3] < losses_cpu[0],
            "{}: not learning {losses_cpu:?}",
            config.name()
        );
        close(
            &format!("{} losses", config.name()),
            &losses_cpu,
            &losses_gpu,
            1e-4,
        );
        close(
            &format!("{} logits", config.name()),
            &logits_cpu,
            &logits_gpu,
            1e-3,
        );
    }
}
