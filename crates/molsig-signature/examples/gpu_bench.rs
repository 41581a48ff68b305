//! Times `gpu::signature` and `gpu::logsignature`, forward and backward (autodiff), on burn's wgpu
//! device for the benchmark shapes, in f32, and checks them against the CPU engine; prints one
//! JSON line. Natively without a GPU, wgpu picks Mesa's lavapipe (a CPU): then the times are a
//! functional check, not a GPU figure.
//!
//! ```sh
//! cargo run --release -p molsig-signature --features gpu --example gpu_bench [-- --rounds N]
//! ```

use std::error::Error;
use std::fmt::Write as _;
use std::time::Instant;

use burn::prelude::*;
use molsig_signature::gpu::{logsignature, signature};
use molsig_signature::{LogSignature, Paths, Signature};

#[allow(dead_code)]
#[path = "signature_bench.rs"]
mod signature_bench;

fn tensor<const D: usize>(values: &[f64], dims: [usize; D], device: &Device) -> Tensor<D> {
    let data: Vec<f32> = values.iter().map(|&v| v as f32).collect();
    Tensor::from_data(TensorData::new(data, dims), device)
}

fn read<const D: usize>(t: Tensor<D>) -> Result<Vec<f64>, Box<dyn Error>> {
    let values = t
        .into_data()
        .convert::<f32>()
        .try_to_vec::<f32>()
        .map_err(|e| format!("{e:?}"))?;
    Ok(values.into_iter().map(f64::from).collect())
}

/// Largest |a − b| over the largest |b|.
fn error(a: &[f64], b: &[f64]) -> f64 {
    let scale = b
        .iter()
        .fold(0.0_f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE);
    a.iter()
        .zip(b)
        .fold(0.0_f64, |m, (x, y)| m.max((x - y).abs()))
        / scale
}

/// Median seconds of `rounds` calls of `f` after one warm-up call, and the warm-up's result.
fn time<R>(
    rounds: usize,
    mut f: impl FnMut() -> Result<R, Box<dyn Error>>,
) -> Result<(f64, R), Box<dyn Error>> {
    let first = f()?;
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        f()?;
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    Ok((times[times.len() / 2], first))
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    let rounds = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .map_or(Ok(3), |r| r.parse())?;
    let (device, setup) = Device::wgpu_options()
        .init_with_setup()
        .map_err(|e| format!("no wgpu adapter: {e}"))?;
    let info = setup.adapter.get_info();
    let mut json = format!(
        "{{\"adapter\":\"{} ({:?})\"",
        info.name.replace('"', "'"),
        info.device_type
    );
    let autodiff = device.clone().autodiff();
    for (i, shape) in signature_bench::SHAPES.into_iter().enumerate() {
        let [batch, length, d, depth] = shape;
        let inputs = signature_bench::Inputs::generate(shape)?;
        let paths32: Vec<f32> = inputs.path.iter().map(|&v| v as f32).collect();
        let paths = Paths::new(&paths32, batch, length, d)?;
        let (sig, log) = (Signature::new(d, depth)?, LogSignature::new(d, depth)?);
        let dims = [batch, length, d];
        let mut errors = 0.0_f64;
        for (name, n, grad) in [
            ("sig", sig.len(), &inputs.grad_sig),
            ("logsig", log.len(), &inputs.grad_logsig),
        ] {
            let op = |x: Tensor<3>| {
                if name == "sig" {
                    signature(x, depth)
                } else {
                    logsignature(x, depth)
                }
            };
            let (forward, got) = time(rounds, || read(op(tensor(&inputs.path, dims, &device))?))?;
            let (backward, got_grad) = time(rounds, || {
                let x = tensor(&inputs.path, dims, &autodiff).require_grad();
                let loss = (op(x.clone())? * tensor(grad, [batch, n], &autodiff)).sum();
                let grads = loss.backward();
                read(x.grad(&grads).ok_or("no gradient")?)
            })?;
            let grad32: Vec<f32> = grad.iter().map(|&v| v as f32).collect();
            let (want, want_grad) = if name == "sig" {
                (
                    sig.forward(&paths)?,
                    sig.backward(&paths, &grad32, molsig_signature::BackwardMode::Auto)?,
                )
            } else {
                (
                    log.forward(&paths)?,
                    log.backward(&paths, &grad32, molsig_signature::BackwardMode::Auto)?,
                )
            };
            let widen = |v: Vec<f32>| v.into_iter().map(f64::from).collect::<Vec<_>>();
            errors = errors
                .max(error(&got, &widen(want)))
                .max(error(&got_grad, &widen(want_grad)));
            write!(
                json,
                ",\"s{i}.{name}_forward\":{forward},\"s{i}.{name}_backward\":{backward}"
            )?;
        }
        write!(json, ",\"s{i}.error\":{errors}")?;
        eprintln!("gpu_bench: shape {shape:?} done (largest error vs the CPU engine {errors:.1e})");
    }
    println!("{json}}}");
    Ok(())
}
