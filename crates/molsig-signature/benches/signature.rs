//! Signature and log-signature speed, forward and backward, in f64 on the shapes:
//! (batch 32, length 100, d 150, depth 2), (32, 100, 8, 4), (128, 1000, 3, 5).
//!
//! One iteration is one call on the whole batch. Each case runs with one thread (`1t`) and with
//! `MOLSIG_BENCH_THREADS` threads (default: every available CPU; skipped when that is one). The
//! inputs are those of `examples/signature_bench.rs` (same generator, same seed), which
//! iisignature and pySigLib are timed on by `cargo xtask bench`.
//!
//! Cases are `signature_<B>x<L>x<D>x<DEPTH>/<sig|logsig>_<forward|backward>_<N>t`. Run with
//! `cargo bench -p molsig-signature --bench signature [FILTER]`; `cargo xtask bench signature`
//! runs it and puts the numbers, next to iisignature, pySigLib and wasm measured in the same run,
//! into BENCHMARKS.md.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use molsig_signature::{BackwardMode, LogSignature, Paths, Signature};

// The input generator and the shapes are the example's; its `main` is not used here.
#[allow(dead_code)]
#[path = "../examples/signature_bench.rs"]
mod signature_bench;

fn threads() -> usize {
    std::env::var("MOLSIG_BENCH_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
}

fn signature(c: &mut Criterion) {
    let many = threads();
    let counts: Vec<usize> = if many > 1 { vec![1, many] } else { vec![1] };
    for shape in signature_bench::SHAPES {
        let [batch, length, d, depth] = shape;
        let inputs = signature_bench::Inputs::generate(shape).expect("generating the inputs");
        let paths = Paths::new(&inputs.path, batch, length, d).expect("valid paths");
        let mut group = c.benchmark_group(format!("signature_{batch}x{length}x{d}x{depth}"));
        group
            .sampling_mode(SamplingMode::Flat)
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        for &threads in &counts {
            let sig = Signature::new(d, depth)
                .expect("signature")
                .with_threads(threads);
            let logsig = LogSignature::new(d, depth)
                .expect("log-signature")
                .with_threads(threads);
            let mode = BackwardMode::Auto;
            group.bench_function(format!("sig_forward_{threads}t"), |b| {
                b.iter(|| black_box(sig.forward(&paths).expect("forward")));
            });
            group.bench_function(format!("sig_backward_{threads}t"), |b| {
                b.iter(|| {
                    black_box(
                        sig.backward(&paths, &inputs.grad_sig, mode)
                            .expect("backward"),
                    )
                });
            });
            group.bench_function(format!("logsig_forward_{threads}t"), |b| {
                b.iter(|| black_box(logsig.forward(&paths).expect("forward")));
            });
            group.bench_function(format!("logsig_backward_{threads}t"), |b| {
                b.iter(|| {
                    black_box(
                        logsig
                            .backward(&paths, &inputs.grad_logsig, mode)
                            .expect("backward"),
                    )
                });
            });
        }
        group.finish();
    }
}

criterion_group!(benches, signature);
criterion_main!(benches);
