//! The burn operation (`molsig_signature::gpu`) on burn's wgpu device — Mesa's lavapipe in CI
//! (`VK_DRIVER_FILES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json`) — and on the flex CPU fallback:
//! against the independent reference vectors (`tests/fixtures/signatures/`) and against the CPU
//! engine in f64, forward, backward and through burn's autodiff.
//!
//! GPU tests print the adapter, and fail with the reason when there is none. Sizes are small:
//! lavapipe runs the kernels on the CPU.
#![cfg(all(feature = "gpu", not(target_arch = "wasm32")))]

use std::sync::OnceLock;

mod common;

use burn::prelude::*;
use common::cases;
use molsig_signature::gpu::{
    augment, logsignature, set_max_binding_bytes, signature, signature_backward,
};
use molsig_signature::{Augment, BackwardMode, Error, LogSignature, Paths, Signature};

/// The wgpu device, initialised once per process (burn refuses a second initialisation). No
/// adapter is a failure, not a skip: CI installs Mesa's lavapipe (`cargo xtask setup`), so a
/// missing one is a broken setup.
fn gpu() -> Device {
    static DEVICE: OnceLock<Device> = OnceLock::new();
    DEVICE
        .get_or_init(|| match Device::wgpu_options().init_with_setup() {
            Ok((device, setup)) => {
                let info = setup.adapter.get_info();
                eprintln!(
                    "wgpu adapter: {} ({:?}, {:?})",
                    info.name, info.backend, info.device_type
                );
                device
            }
            Err(e) => panic!(
                "no wgpu adapter ({e}): install a Vulkan driver, e.g. Mesa's lavapipe with \
                 `cargo xtask setup`"
            ),
        })
        .clone()
}

/// Deterministic values in [−1, 1), so a failure reproduces.
fn random(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = molsig_rng::SplitMix64::new(seed);
    (0..n).map(|_| rng.symmetric()).collect()
}

fn tensor3(values: &[f64], dims: [usize; 3], device: &Device) -> Tensor<3> {
    let data: Vec<f32> = values.iter().map(|&v| v as f32).collect();
    Tensor::from_data(TensorData::new(data, dims), device)
}

fn tensor2(values: &[f64], dims: [usize; 2], device: &Device) -> Tensor<2> {
    let data: Vec<f32> = values.iter().map(|&v| v as f32).collect();
    Tensor::from_data(TensorData::new(data, dims), device)
}

fn read<const D: usize>(tensor: Tensor<D>) -> Vec<f64> {
    tensor
        .into_data()
        .convert::<f32>()
        .try_to_vec::<f32>()
        .expect("f32 data")
        .into_iter()
        .map(f64::from)
        .collect()
}

/// |got − want| ≤ tol·|want| elementwise, with a floor of tol·1e-2·max|want| for entries near zero.
fn assert_close(what: &str, got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let scale = want.iter().fold(0.0_f64, |m, w| m.max(w.abs()));
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let err = (g - w).abs();
        assert!(
            err <= tol * w.abs().max(1e-2 * scale).max(1e-30),
            "{what}[{i}]: got {g}, want {w} (error {err:e}, tolerance {tol:e} relative)"
        );
    }
}

/// The CPU engine in f64: signatures and ∂⟨S, grad⟩/∂paths.
fn cpu(values: &[f64], dims: [usize; 3], depth: usize, grad: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let [batch, length, channels] = dims;
    let paths = Paths::new(values, batch, length, channels).expect("paths");
    let sig = Signature::new(channels, depth).expect("signature");
    let forward = sig.forward(&paths).expect("forward");
    let backward = sig
        .backward(&paths, grad, BackwardMode::Inverse)
        .expect("backward");
    (forward, backward)
}

/// Forward, the backward function and autodiff on `device` against the f64 CPU engine.
fn check_against_cpu(device: &Device, dims: [usize; 3], depth: usize, seed: u64) {
    let [batch, length, channels] = dims;
    let n = molsig_signature::sig_len(channels, depth).expect("len");
    let what = format!("batch {batch}, length {length}, d {channels}, depth {depth}");
    let values: Vec<f64> = random(batch * length * channels, seed)
        .iter()
        .map(|v| 0.6 * v)
        .collect();
    let weights = random(batch * n, seed + 1);
    let (want_sig, want_grad) = cpu(&values, dims, depth, &weights);

    let got = read(signature(tensor3(&values, dims, device), depth).expect("signature"));
    assert_close(&format!("{what}: signature"), &got, &want_sig, 1e-4);

    let grad = signature_backward(
        tensor3(&values, dims, device),
        tensor2(&weights, [batch, n], device),
        depth,
    )
    .expect("backward");
    assert_close(&format!("{what}: backward"), &read(grad), &want_grad, 1e-4);

    let autodiff = device.clone().autodiff();
    let x = tensor3(&values, dims, &autodiff).require_grad();
    let w = tensor2(&weights, [batch, n], &autodiff);
    let loss = (signature(x.clone(), depth).expect("signature") * w).sum();
    let grads = loss.backward();
    let got = read(x.grad(&grads).expect("x has a gradient"));
    assert_close(&format!("{what}: autodiff"), &got, &want_grad, 1e-4);

    // The log-signature (burn tensor operations over the signature) and its autodiff gradient.
    let log = LogSignature::new(channels, depth).expect("log-signature");
    let paths = Paths::new(&values, batch, length, channels).expect("paths");
    let log_weights = random(batch * log.len(), seed + 2);
    let want_log = log.forward(&paths).expect("forward");
    let want_log_grad = log
        .backward(&paths, &log_weights, BackwardMode::Inverse)
        .expect("backward");
    let x = tensor3(&values, dims, &autodiff).require_grad();
    let got = logsignature(x.clone(), depth).expect("log-signature");
    let loss = (got.clone() * tensor2(&log_weights, [batch, log.len()], &autodiff)).sum();
    let grads = loss.backward();
    // The log-signature is a series of f32 tensor products with cancellation between terms, so
    // its rounding error grows with the path: a 300-point depth-5 path measured 1.3e-4 (value)
    // and 1.9e-4 (gradient) relative. Paths longer than 100 points get 1e-4 per 100 points; the
    // failure this test guards against (a time loop cut short) is an error of order one.
    let log_tolerance = 1e-4 * (length as f64 / 100.0).max(1.0);
    assert_close(
        &format!("{what}: log-signature"),
        &read(got.detach()),
        &want_log,
        log_tolerance,
    );
    let got = read(x.grad(&grads).expect("x has a gradient"));
    assert_close(
        &format!("{what}: log-signature autodiff"),
        &got,
        &want_log_grad,
        log_tolerance,
    );
}

/// Shapes of the GPU-vs-CPU comparison: d ∈ {1, 2, 3, 8} at every depth whose signature stays
/// small, lengths 1, 2 and 50, and d = 150 at depth 2 (a level larger than workgroup memory).
fn shapes() -> Vec<([usize; 3], usize)> {
    let mut shapes = Vec::new();
    for channels in [1, 2, 3, 8] {
        for depth in 1..=5 {
            if molsig_signature::sig_len(channels, depth).expect("len") > 5000 {
                continue;
            }
            for length in [1, 2, 50] {
                shapes.push(([3, length, channels], depth));
            }
        }
    }
    shapes.push(([2, 6, 150], 2));
    shapes
}

#[test]
fn gpu_matches_cpu_engine() {
    let device = gpu();
    for (i, (dims, depth)) in shapes().into_iter().enumerate() {
        check_against_cpu(&device, dims, depth, 100 + i as u64);
    }
}

#[test]
fn flex_fallback_matches_cpu_engine() {
    let device = Device::flex();
    for (dims, depth) in [([2, 7, 3], 3), ([1, 1, 2], 2), ([2, 2, 150], 2)] {
        check_against_cpu(&device, dims, depth, 7);
    }
}

/// Batches cut into launches of one and of four paths give the same numbers.
#[test]
fn gpu_chunked_batches_match_cpu_engine() {
    let device = gpu();
    // A [12, 3] path at depth 3: 39 signature values, 351 values (1404 bytes) of backward scratch.
    // 200 bytes gives one path per launch, 6000 bytes four (forward: one, then the whole batch).
    for budget in [200, 6000] {
        set_max_binding_bytes(Some(budget));
        check_against_cpu(&device, [7, 12, 3], 3, 11);
        set_max_binding_bytes(None);
    }
}

/// Paths long enough that one dispatch per pass would run past lavapipe's 65 535 loop iterations
/// per invocation (it then stops silently): the time loop must be split across dispatches.
#[test]
fn gpu_long_paths_match_cpu_engine() {
    let device = gpu();
    check_against_cpu(&device, [2, 3000, 2], 2, 21);
    check_against_cpu(&device, [1, 300, 3], 5, 22);
}

/// Every reference case: signature and ∂⟨S, W⟩/∂X through autodiff, within 1e-4 relative.
fn check_references(device: &Device) {
    for case in cases() {
        let file = &case.name;
        let dims = [case.batch, case.length, case.channels];
        let depth = case.depth;
        let values = |key: &str| case.values(key);
        let (input, weights) = (case.input(), values("/W_sig_cotangent"));
        let n = weights.len() / dims[0];

        let autodiff = device.clone().autodiff();
        let x = tensor3(&input, dims, &autodiff).require_grad();
        let sig = signature(x.clone(), depth).expect("signature");
        let loss = (sig.clone() * tensor2(&weights, [dims[0], n], &autodiff)).sum();
        let grads = loss.backward();
        assert_close(
            &format!("{file}: signature"),
            &read(sig.detach()),
            &values("/outputs/sig_iisignature"),
            1e-4,
        );
        assert_close(
            &format!("{file}: gradient"),
            &read(x.grad(&grads).expect("gradient")),
            &values("/outputs/grad_sig_own_autograd"),
            1e-4,
        );

        let log_weights = values("/V_logsig_cotangent");
        let x = tensor3(&input, dims, &autodiff).require_grad();
        let log = logsignature(x.clone(), depth).expect("log-signature");
        let m = log_weights.len() / dims[0];
        let loss = (log.clone() * tensor2(&log_weights, [dims[0], m], &autodiff)).sum();
        let grads = loss.backward();
        assert_close(
            &format!("{file}: log-signature"),
            &read(log.detach()),
            &values("/outputs/logsig_iisignature_lyndon_O"),
            1e-4,
        );
        if case
            .json
            .pointer("/outputs/grad_logsig_lyndon_pysiglib_autograd")
            .is_some()
        {
            assert_close(
                &format!("{file}: log-signature gradient"),
                &read(x.grad(&grads).expect("gradient")),
                &values("/outputs/grad_logsig_lyndon_pysiglib_autograd"),
                1e-4,
            );
        }
    }
}

#[test]
fn gpu_matches_reference_vectors() {
    check_references(&gpu());
}

#[test]
fn flex_fallback_matches_reference_vectors() {
    check_references(&Device::flex());
}

/// A NaN coordinate gives NaN, not a panic, on both paths.
#[test]
fn non_finite_input_gives_nan() {
    let mut values = random(2 * 5 * 2, 3);
    values[7] = f64::NAN;
    let devices = [Device::flex(), gpu()];
    for device in devices {
        let got = read(signature(tensor3(&values, [2, 5, 2], &device), 2).expect("signature"));
        assert!(got.iter().any(|v| v.is_nan()), "{got:?}");
    }
}

#[test]
fn bad_shapes_are_errors() {
    let device = Device::flex();
    let x = tensor3(&random(2 * 3 * 2, 1), [2, 3, 2], &device);
    assert!(matches!(signature(x.clone(), 0), Err(Error::Invalid(_))));
    // Level 4 of 150 channels alone is 5·10⁸ values: more than a WebGPU binding holds.
    let wide = tensor3(&random(150, 1), [1, 1, 150], &device);
    assert!(matches!(signature(wide, 4), Err(Error::TooLarge { .. })));
    let grad = tensor2(&random(2 * 5, 1), [2, 5], &device);
    assert!(matches!(
        signature_backward(x, grad, 2),
        Err(Error::Invalid(_))
    ));
}

/// The burn augmentations equal the CPU ones, and autodiff through them equals their transposes.
#[test]
fn augmentations_match_cpu() {
    use Augment::{Basepoint, Cumsum, Increments, LeadLag, Time};
    let dims = [3, 6, 2];
    let values = random(3 * 6 * 2, 11);
    let devices = [Device::flex(), gpu()];
    for device in devices {
        for augments in [
            vec![Basepoint],
            vec![Time],
            vec![LeadLag],
            vec![Cumsum],
            vec![Increments],
            vec![LeadLag, Time, Basepoint],
            vec![Increments, Cumsum, LeadLag],
        ] {
            let (want, length, channels) =
                Augment::apply_all(&augments, &values, 3, 6, 2).expect("cpu");
            let weights = random(want.len(), 12);
            let want_grad = Augment::backward_all(&augments, &weights, 3, 6, 2).expect("cpu");
            let autodiff = device.clone().autodiff();
            let x = tensor3(&values, dims, &autodiff).require_grad();
            let got = augment(x.clone(), &augments).expect("augment");
            assert_eq!(got.dims(), [3, length, channels], "{augments:?}");
            let loss = (got.clone() * tensor3(&weights, [3, length, channels], &autodiff)).sum();
            let grads = loss.backward();
            assert_close(&format!("{augments:?}"), &read(got.detach()), &want, 1e-5);
            let grad = read(x.grad(&grads).expect("gradient"));
            assert_close(&format!("{augments:?} gradient"), &grad, &want_grad, 1e-5);
        }
    }
}
